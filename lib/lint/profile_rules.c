/* SPDX-License-Identifier: Apache-2.0 */
/* Rules on one seccomp profile: P1, P3, P5, P6, P7 and plain mistakes. */
#include <scmpkit/lint.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/arch.h>
#include <scmpkit/dangerous.h>
#include <scmpkit/runtime.h>

#include "lint/internal.h"

/* Calls every process needs on its exit and signal paths (P7): without them
 * a container hangs or dies oddly instead of exiting. Checked on each listed
 * arch where the call exists. */
static const char *const essentials[] = {"exit", "exit_group", "rt_sigreturn", "sigreturn",
					 "restart_syscall"};

/* Calls the runtime makes between loading the filter and execve when
 * no_new_privs is off (P1): with allowPrivilegeEscalation: false the filter is
 * loaded later and the profile need not allow them. */
static const char *const runtime_coupled[] = {
	"capset",    "setuid",      "setgid",      "setgroups",  "setresuid",
	"setresgid", "setfsuid",    "setfsgid",    "setuid32",   "setgid32",
	"setgroups32", "setresuid32", "setresgid32", "setfsuid32", "setfsgid32",
};

/* Legacy calls missing on newer arches (arm64, riscv64, loongarch64) and the
 * call libc uses there instead: a profile recorded on amd64 lacks these. */
static const struct {
	const char *old, *repl;
} equivalents[] = {
	{"open", "openat"},       {"creat", "openat"},       {"stat", "newfstatat"},
	{"lstat", "newfstatat"},  {"access", "faccessat"},   {"pipe", "pipe2"},
	{"dup2", "dup3"},         {"poll", "ppoll"},         {"select", "pselect6"},
	{"fork", "clone"},        {"vfork", "clone"},        {"chmod", "fchmodat"},
	{"chown", "fchownat"},    {"lchown", "fchownat"},    {"mkdir", "mkdirat"},
	{"rmdir", "unlinkat"},    {"unlink", "unlinkat"},    {"rename", "renameat2"},
	{"renameat", "renameat2"}, {"link", "linkat"},       {"symlink", "symlinkat"},
	{"readlink", "readlinkat"}, {"mknod", "mknodat"},    {"epoll_wait", "epoll_pwait"},
	{"epoll_create", "epoll_create1"}, {"inotify_init", "inotify_init1"},
	{"eventfd", "eventfd2"},  {"signalfd", "signalfd4"}, {"getdents", "getdents64"},
	{"alarm", "setitimer"},   {"time", "clock_gettime"}, {"utime", "utimensat"},
	{"utimes", "utimensat"},  {"futimesat", "utimensat"}, {"getpgrp", "getpgid"},
	{"pause", "ppoll"},
};

static bool permits(enum sk_action a)
{
	return a == SK_ACT_ALLOW || a == SK_ACT_LOG;
}

static bool in_list(const char *name, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* The profile names CALL in some rule that permits it. */
static bool names_permitted(const struct sk_profile *p, const char *call)
{
	for (size_t r = 0; r < p->n_rules; r++)
		if (permits(p->rules[r].action))
			for (size_t i = 0; i < p->rules[r].n_names; i++)
				if (!strcmp(p->rules[r].names[i], call))
					return true;
	return false;
}

/* CALL is permitted: by a rule, or by a permissive default that no
 * unconditional rule overrides. */
static bool permitted(const struct sk_profile *p, const char *call)
{
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sk_rule *rl = &p->rules[r];
		for (size_t i = 0; i < rl->n_names; i++)
			if (!strcmp(rl->names[i], call)) {
				if (permits(rl->action))
					return true;
				if (!rl->n_args && !rl->has_includes)
					return false;
			}
	}
	return permits(p->default_action);
}

/* A rule applies only under conditions on privilege (Docker's includes of
 * capabilities or a minimum kernel): those grants are deliberate. */
static bool conditional(const struct sk_rule *r)
{
	return r->has_includes && (r->includes.n_caps || r->includes.min_kernel);
}

static struct sk_pos name_pos(const struct sk_rule *r, size_t i)
{
	return r->name_pos && r->name_pos[i].line ? r->name_pos[i] : r->pos;
}

static void check_default(const struct sk_profile *p, struct sk_diags *out)
{
	const char *f = p->file;
	struct sk_pos at = p->default_action_pos.line ? p->default_action_pos : p->pos;
	if (p->default_action == SK_ACT_ALLOW)
		sk_lint_report(out, "P6-default-allow", f, at,
			       "make the default SCMP_ACT_ERRNO and list the calls the program "
			       "needs (scmpkit record)",
			       "defaultAction SCMP_ACT_ALLOW makes this a deny-list: every call "
			       "not listed, including new ones, is allowed");
	else if (p->default_action == SK_ACT_LOG)
		sk_lint_report(out, "P5-audit-mode", f, at,
			       "learn from the log (scmpkit learn), then set the default to "
			       "SCMP_ACT_ERRNO",
			       "defaultAction SCMP_ACT_LOG does not enforce: unlisted calls are "
			       "only logged (needs Linux >= 4.14 and runc >= 1.0.0-rc9)");
	bool kills = p->default_action == SK_ACT_KILL_THREAD ||
		     p->default_action == SK_ACT_KILL_PROCESS;
	bool any_permit = false;
	for (size_t r = 0; r < p->n_rules; r++)
		any_permit |= permits(p->rules[r].action) && p->rules[r].n_names;
	if (kills && !any_permit)
		sk_lint_report(out, "kill-no-rules", f, at,
			       "allow the calls the program needs (scmpkit record)",
			       "defaultAction %s with no allowed call kills every process at "
			       "its first syscall",
			       sk_action_name(p->default_action));
}

/* The listed arches where CALL exists, when that is not all of them ("x86
 * (32-bit)" for sigreturn on x86_64, x86 and x32); "" otherwise. */
static void only_on(const enum sk_arch *arches, size_t n_arches, const char *call, char *buf,
		    size_t size)
{
	size_t len = 0, have = 0;
	buf[0] = '\0';
	for (size_t a = 0; a < n_arches; a++) {
		if (sk_syscall_nr(arches[a], call) < 0)
			continue;
		const struct sk_arch_info *ai = sk_arch_info(arches[a]);
		bool say_bits = ai->bits == 32 && !strstr(ai->short_name, "32");
		have++;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s%s",
					len ? ", " : "", ai->short_name, say_bits ? " (32-bit)" : "");
	}
	if (have == n_arches || len >= size)
		buf[0] = '\0';
}

static void check_essentials(const struct sk_profile *p, const enum sk_arch *arches,
			     size_t n_arches, struct sk_diags *out)
{
	struct sk_pos at = p->default_action_pos.line ? p->default_action_pos : p->pos;
	bool blocking = !permits(p->default_action) && p->default_action != SK_ACT_NOTIFY &&
			p->default_action != SK_ACT_TRACE;
	for (size_t e = 0; e < sizeof essentials / sizeof *essentials; e++) {
		if (!sk_syscall_on_any(arches, n_arches, essentials[e]) ||
		    permitted(p, essentials[e]))
			continue;
		char fix[128], where[160];
		snprintf(fix, sizeof fix, "add \"%s\" to the allowed calls", essentials[e]);
		only_on(arches, n_arches, essentials[e], where, sizeof where);
		sk_lint_report(out, "P7-missing-essential", p->file, at, fix,
			       "'%s' is not allowed: %s%sprocesses %s", essentials[e], where,
			       *where ? " " : "",
			       strstr(essentials[e], "sigreturn") || !strcmp(essentials[e], "restart_syscall")
				       ? "cannot return from signal handlers or resume interrupted calls"
				       : "cannot exit cleanly and containers hang on stop");
		if (!blocking)
			out->v[out->n - 1].severity = SK_SEV_WARNING;
	}
}

/* P1: "a few runtime calls remain either way". runc makes these after
 * loading the filter even with no_new_privs; a profile that blocks them
 * stops the container from starting, or only now and then: runc's init is a
 * Go program and makes futex or rt_sigreturn when its scheduler needs them. */
static void check_runtime(const struct sk_profile *p, const enum sk_arch *arches,
			  size_t n_arches, struct sk_diags *out)
{
	if (permits(p->default_action) || p->default_action == SK_ACT_NOTIFY ||
	    p->default_action == SK_ACT_TRACE)
		return;
	const struct sk_runtime_call *calls;
	int n = sk_runtime_calls("runc", &calls);
	char missing[512] = "";
	size_t count = 0;
	for (int i = 0; i < n; i++) {
		if (!calls[i].nnp || !sk_syscall_on_any(arches, n_arches, calls[i].name) ||
		    permitted(p, calls[i].name))
			continue;
		size_t l = strlen(missing);
		snprintf(missing + l, sizeof missing - l, "%s%s", count ? ", " : "", calls[i].name);
		count++;
	}
	if (!count)
		return;
	struct sk_pos at = p->default_action_pos.line ? p->default_action_pos : p->pos;
	sk_lint_report(out, "P1-runtime-calls", p->file, at,
		       "if runc will load this profile, allow them: scmpkit record --runtime "
		       "runc or scmpkit learn --runtime runc adds them",
		       "runc makes %s itself after loading the filter, even with no_new_privs: "
		       "under runc the container fails to start, every time or now and then",
		       missing);
}

/* P3 and P1 for one permitted call N at AT. */
static void check_grant(const struct sk_profile *p, const struct sk_rule *rl, const char *n,
			struct sk_pos at, struct sk_diags *out)
{
	const char *why = sk_dangerous_reason(n);
	if (why && !(sk_dangerous_args_only(n) && rl->n_args)) {
		char fix[200];
		snprintf(fix, sizeof fix,
			 sk_dangerous_args_only(n) ? "allow '%s' only with an argument filter, as "
						     "Docker's default profile does (scmpkit "
						     "record --args writes one from the values it sees)"
						   : "remove '%s' unless the application truly needs it",
			 n);
		sk_lint_report(out, "P3-dangerous-syscall", p->file, at, fix, "'%s' is allowed: %s", n,
			       why);
	}
	if (in_list(n, runtime_coupled, sizeof runtime_coupled / sizeof *runtime_coupled))
		sk_lint_report(out, "P1-runtime-coupled", p->file, at,
			       "with allowPrivilegeEscalation: false the runtime no longer needs it; "
			       "keep it only if the application calls it",
			       "'%s' is allowed: the runtime needs it only when "
			       "allowPrivilegeEscalation is true",
			       n);
}

/* Arch coverage of a permitted call N: where it does not exist, libc calls a
 * replacement the profile must allow too. */
static void check_replacement(const struct sk_profile *p, const char *n, struct sk_pos at,
			      const enum sk_arch *arches, size_t n_arches, struct sk_diags *out)
{
	for (size_t q = 0; q < sizeof equivalents / sizeof *equivalents; q++) {
		if (strcmp(equivalents[q].old, n) || names_permitted(p, equivalents[q].repl))
			continue;
		char missing[256] = "";
		for (size_t a = 0; a < n_arches; a++) {
			if (sk_syscall_nr(arches[a], n) >= 0 ||
			    sk_syscall_nr(arches[a], equivalents[q].repl) < 0)
				continue;
			size_t l = strlen(missing);
			snprintf(missing + l, sizeof missing - l, "%s%s", l ? ", " : "",
				 sk_arch_info(arches[a])->short_name);
		}
		if (!*missing)
			continue;
		char fix[128];
		snprintf(fix, sizeof fix, "also allow '%s'", equivalents[q].repl);
		sk_lint_report(out, "arch-missing-syscall", p->file, at, fix,
			       "'%s' does not exist on %s, where libc calls '%s' instead", n, missing,
			       equivalents[q].repl);
	}
}

/* A name that exists on none of the profile's arches (but somewhere: names
 * unknown everywhere are parse errors) matches nothing: runc skips it. */
static void check_exists(const struct sk_profile *p, const struct sk_rule *rl, const char *n,
			 struct sk_pos at, const enum sk_arch *arches, size_t n_arches,
			 struct sk_diags *out)
{
	if (rl->includes.n_arches || sk_syscall_on_any(arches, n_arches, n) ||
	    !sk_syscall_known(n))
		return; /* Docker's includes.arches says where the rule applies */
	char list[256] = "";
	for (size_t a = 0; a < n_arches; a++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "",
			 sk_arch_info(arches[a])->short_name);
	}
	char fix[160];
	snprintf(fix, sizeof fix,
		 "remove '%s', or list the architecture it is meant for in \"architectures\"", n);
	sk_lint_report(out, "syscall-not-on-arch", p->file, at, fix,
		       "'%s' exists on none of the profile's architectures (%s): the rule does "
		       "nothing for it (runc skips the name)",
		       n, list);
}

static void check_names(const struct sk_profile *p, const enum sk_arch *arches,
			size_t n_arches, struct sk_diags *out)
{
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sk_rule *rl = &p->rules[r];
		for (size_t i = 0; i < rl->n_names; i++) {
			const char *n = rl->names[i];
			struct sk_pos at = name_pos(rl, i);
			check_exists(p, rl, n, at, arches, n_arches, out);
			if (!permits(rl->action))
				continue;
			if (!conditional(rl))
				check_grant(p, rl, n, at, out);
			check_replacement(p, n, at, arches, n_arches, out);
		}
	}
}

static bool cond_set(const struct sk_cond *c)
{
	return c->n_arches || c->n_caps || c->min_kernel;
}

/* A Docker-format profile as a Localhost profile: containerd reads the file
 * as runtime-spec JSON and drops what that has no field for. */
static void check_docker_localhost(const struct sk_profile *p, struct sk_diags *out)
{
	const char *what = p->n_archmap ? "archMap" : NULL;
	struct sk_pos at = p->n_archmap ? p->archmap[0].pos : p->pos;
	for (size_t r = 0; !what && r < p->n_rules; r++)
		if (cond_set(&p->rules[r].includes) || cond_set(&p->rules[r].excludes)) {
			what = "includes/excludes";
			at = p->rules[r].pos;
		}
	if (!what)
		return;
	char fix[1024];
	snprintf(fix, sizeof fix,
		 "resolve it for the nodes first: scmpkit convert --to oci --arch ARCH --caps CAPS "
		 "%s -o %s",
		 p->file ? p->file : "PROFILE", p->file ? p->file : "PROFILE");
	sk_lint_report(out, "docker-format-localhost", p->file, at, fix,
		       "a Localhost profile in Docker's format (%s): containerd reads it as "
		       "runtime-spec JSON and drops archMap, includes and excludes, so rules meant "
		       "for some capabilities or architectures apply to every container and "
		       "sub-architectures get no rules; CRI-O honours them",
		       what);
}

/* Same name again in an unconditional rule: a duplicate, or a conflict where
 * only the first rule counts. */
static void check_duplicates(const struct sk_profile *p, struct sk_diags *out)
{
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sk_rule *a = &p->rules[r];
		if (a->n_args || a->has_includes || a->has_excludes)
			continue;
		for (size_t i = 0; i < a->n_names; i++) {
			bool done = false;
			for (size_t s = 0; s <= r && !done; s++) {
				const struct sk_rule *b = &p->rules[s];
				if (b->n_args || b->has_includes || b->has_excludes)
					continue;
				size_t lim = s == r ? i : b->n_names;
				for (size_t j = 0; j < lim && !done; j++) {
					if (strcmp(a->names[i], b->names[j]))
						continue;
					done = true;
					bool same = a->action == b->action &&
						    a->has_errno_ret == b->has_errno_ret &&
						    (!a->has_errno_ret || a->errno_ret == b->errno_ret);
					struct sk_pos first = name_pos(b, j);
					if (same)
						sk_lint_report(out, "duplicate-syscall", p->file,
							       name_pos(a, i), "remove the second entry",
							       "'%s' is already listed at line %u",
							       a->names[i], first.line);
					else
						sk_lint_report(out, "conflicting-action", p->file,
							       name_pos(a, i),
							       "keep one rule for the call",
							       "'%s' is %s here but %s at line %u",
							       a->names[i], sk_action_name(a->action),
							       sk_action_name(b->action), first.line);
				}
			}
		}
	}
}

static void check_notify_and_args(const struct sk_profile *p, const enum sk_arch *arches,
				  size_t n_arches, struct sk_diags *out)
{
	bool all32 = n_arches > 0;
	for (size_t a = 0; a < n_arches; a++)
		all32 &= sk_arch_info(arches[a])->bits == 32;
	bool listener = p->listener_path && *p->listener_path;
	if (p->default_action == SK_ACT_NOTIFY && !listener)
		sk_lint_report(out, "notify-no-listener", p->file, p->default_action_pos,
			       "set listenerPath to the seccomp agent's socket",
			       "defaultAction SCMP_ACT_NOTIFY without listenerPath");
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sk_rule *rl = &p->rules[r];
		if (rl->action == SK_ACT_NOTIFY && !listener)
			sk_lint_report(out, "notify-no-listener", p->file,
				       rl->action_pos.line ? rl->action_pos : rl->pos,
				       "set listenerPath to the seccomp agent's socket",
				       "SCMP_ACT_NOTIFY without listenerPath: the calls wait for an "
				       "agent that never answers");
		for (size_t i = 0; i < rl->n_args; i++) {
			const struct sk_arg *g = &rl->args[i];
			struct sk_pos at = g->pos.line ? g->pos : rl->pos;
			const char *why = NULL;
			char buf[160];
			if (g->index > 5)
				why = "argument index above 5 (syscalls have six arguments)";
			else if (g->op == SK_OP_MASKED_EQ && (g->value_two & ~g->value))
				why = "MASKED_EQ wants bits outside its mask";
			else if (g->op == SK_OP_LT && g->value == 0)
				why = "no unsigned value is below 0";
			else if (g->op == SK_OP_GT && g->value == UINT64_MAX)
				why = "no value is above 2^64-1";
			else if (all32 && (g->op == SK_OP_EQ || g->op == SK_OP_GE) &&
				 g->value > UINT32_MAX)
				why = "arguments are 32 bits wide on every listed arch";
			for (size_t j = 0; !why && j < i; j++) {
				const struct sk_arg *h = &rl->args[j];
				if (h->index == g->index && h->op == SK_OP_EQ && g->op == SK_OP_EQ &&
				    h->value != g->value) {
					snprintf(buf, sizeof buf,
						 "argument %u must equal both %llu and %llu (conditions "
						 "of a rule all apply)",
						 g->index, (unsigned long long)h->value,
						 (unsigned long long)g->value);
					why = buf;
				}
			}
			if (why)
				sk_lint_report(out, "arg-never-matches", p->file, at,
					       "fix the condition or split it into separate rules",
					       "condition on argument %u never matches: %s", g->index,
					       why);
		}
	}
}

int sk_lint_profile_rules(const struct sk_profile *p, const struct sk_lint_env *env,
			  struct sk_diags *out)
{
	enum sk_arch arches[SK_ARCH_COUNT];
	size_t n = sk_profile_arches(p, arches);
	check_default(p, out);
	/* with its base profile unknown, what the profile lacks is unknown too */
	if (!env->base_unresolved) {
		check_essentials(p, arches, n, out);
		check_runtime(p, arches, n, out);
	}
	check_names(p, arches, n, out);
	check_duplicates(p, out);
	check_notify_and_args(p, arches, n, out);
	if (env->as_localhost)
		check_docker_localhost(p, out);
	/* with its base unknown, so is the highest call the profile names */
	return env->base_unresolved ? 0 : sk_lint_fallbacks(p, out);
}

int sk_lint_profile(const struct sk_profile *p, const struct sk_lint_opts *opts,
		    struct sk_diags *out)
{
	struct sk_lint_env env = {.opts = opts};
	return sk_lint_profile_rules(p, &env, out);
}
