/* SPDX-License-Identifier: Apache-2.0 */
/* learn: BASE + every syscall the audit log shows was logged, as ALLOW (P5's
 * last step), and the whole command as one call (sk_learn_run).
 *
 * Only SCMP_ACT_LOG records say "the program needed this and was let through":
 * a kill or an errno record is a call the filter refused, which the program may
 * well have survived (and which may be what the profile is for), and a TRACE or
 * NOTIFY record went to someone else. So those are added only on request
 * (denials) or never (the rest), and always named. A call the base profile
 * itself denies in a rule of its own is never allowed next to that rule. */
#include <scmpkit/audit.h>
#include <scmpkit/dangerous.h>
#include <scmpkit/fallback.h>
#include <scmpkit/runtime.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

#define AUDITD_LOG "/var/log/audit/audit.log"

void sk_learn_opts_init(struct sk_learn_opts *o)
{
	memset(o, 0, sizeof *o);
	o->from = "auto";
	sk_audit_filter_init(&o->filter);
}

void sk_learn_result_free(struct sk_learn_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].comm);
	free(r->v);
	sk_profile_free(r->profile);
	sk_audit_log_free(&r->log);
	memset(r, 0, sizeof *r);
}

static int cmp_learned(const void *a, const void *b)
{
	const struct sk_learned *x = a, *y = b;
	if (x->arch != y->arch)
		return x->arch < y->arch ? -1 : 1;
	if (!x->name || !y->name)
		return x->name ? -1 : y->name ? 1 : (x->nr > y->nr) - (x->nr < y->nr);
	return strcmp(x->name, y->name);
}

static bool is_denial(enum sk_action a)
{
	return a == SK_ACT_KILL_THREAD || a == SK_ACT_KILL_PROCESS || a == SK_ACT_TRAP ||
	       a == SK_ACT_ERRNO;
}

static void count(struct sk_learned *e, const struct sk_audit_record *r)
{
	enum sk_action a = sk_audit_code_action(r->code);
	e->count++;
	if (a == SK_ACT_LOG) {
		e->logged++;
		e->action = SK_ACT_LOG;
	}
	e->denied += is_denial(a);
}

static int collect(const struct sk_audit_log *log, struct sk_learn_result *out)
{
	size_t cap = 0;
	for (size_t i = 0; i < log->n; i++) {
		const struct sk_audit_record *r = &log->v[i];
		struct sk_learned *e = NULL;
		for (size_t j = 0; j < out->n && !e; j++)
			if (out->v[j].arch == r->arch && out->v[j].nr == r->nr)
				e = &out->v[j];
		if (!e) {
			if (SK_GROW(out->v, cap, out->n) < 0)
				return -ENOMEM;
			e = &out->v[out->n++];
			memset(e, 0, sizeof *e);
			e->arch = r->arch;
			e->name = r->syscall;
			e->nr = r->nr;
			e->action = sk_audit_code_action(r->code);
			e->code = r->code;
			e->base_blocks = SK_ACT_INVALID;
			e->danger = r->syscall ? sk_dangerous_reason(r->syscall) : NULL;
			e->pid = r->pid;
			e->uid = r->uid;
			if (r->comm && !(e->comm = strdup(r->comm)))
				return -ENOMEM;
		}
		count(e, r);
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, cmp_learned);
	return 0;
}

/* A name BASE logs outright moves to ALLOW: drop it from its LOG rules (and
 * drop rules left without names). */
static void unlog(struct sk_profile *p, const char *name)
{
	for (size_t i = p->n_rules; i-- > 0;) {
		struct sk_rule *r = &p->rules[i];
		if (r->action != SK_ACT_LOG || !sk_rule_plain(r))
			continue;
		for (size_t j = r->n_names; j-- > 0;)
			if (!strcmp(r->names[j], name))
				sk_rule_remove_name(r, j);
		if (!r->n_names)
			sk_profile_remove_rule(p, i);
	}
}

/* The action of a rule of P that denies NAME (with arguments or without), or
 * SK_ACT_INVALID: an ALLOW beside it would contradict it. */
static enum sk_action denied_by(const struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (is_denial(p->rules[i].action) && sk_rule_names(&p->rules[i], name))
			return p->rules[i].action;
	return SK_ACT_INVALID;
}

static int add_arch(struct sk_profile *p, enum sk_arch a, struct sk_learn_result *out)
{
	enum sk_arch have[SK_ARCH_COUNT];
	size_t n = sk_profile_arches(p, have);
	for (size_t i = 0; i < n; i++)
		if (have[i] == a)
			return 0;
	/* no "architectures" means the native one only: keep it explicit */
	if (!p->n_arches && !p->n_archmap) {
		int r = sk_profile_add_arch(p, sk_arch_native());
		if (r < 0)
			return r;
		if (a == sk_arch_native())
			return 0;
	}
	out->new_arches[out->n_new_arches++] = a;
	return sk_profile_add_arch(p, a);
}

/* Why E is left out, counted in OUT; false when it goes in. */
static bool left_out(struct sk_learned *e, const struct sk_profile *p,
		     const struct sk_learn_opts *o, struct sk_learn_result *out)
{
	if (!e->name) {
		out->unknown++;
		return true;
	}
	if (!e->logged && !(o->include_denied && e->denied)) {
		e->not_logged = true;
		out->not_logged++;
		return true;
	}
	if (e->danger && !o->allow_dangerous) {
		out->dangerous++;
		return true;
	}
	if ((e->base_blocks = denied_by(p, e->name)) != SK_ACT_INVALID) {
		out->base_blocked++;
		return true;
	}
	return false;
}

static void sort_names(const char **names, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
}

static void warn_permissive(const struct sk_profile *base, struct sk_diags *diags)
{
	if (base && (base->default_action == SK_ACT_LOG || base->default_action == SK_ACT_ALLOW))
		sk_diags_add(diags, SK_SEV_WARNING, base->file, base->default_action_pos.line,
			     base->default_action_pos.col, "learn-permissive-base",
			     "the base profile's default action is %s: the learned profile will "
			     "not enforce anything beyond it; learn on top of the enforcing profile "
			     "the audit profile was made from",
			     sk_action_name(base->default_action));
}

int sk_learn(const struct sk_profile *base, const struct sk_audit_log *log,
	     const struct sk_learn_opts *o, struct sk_learn_result *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->profile = base ? sk_profile_clone(base) : sk_profile_new();
	if (!out->profile)
		return -ENOMEM;
	struct sk_profile *p = out->profile;
	warn_permissive(base, diags);
	int r = collect(log, out);
	if (r < 0)
		return r;

	size_t n_names = 0;
	const char **names = calloc(out->n + 1, sizeof *names);
	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < out->n && r == 0; i++) {
		struct sk_learned *e = &out->v[i];
		if (left_out(e, p, o, out))
			continue;
		bool mine = false; /* another arch of this log added it already */
		for (size_t j = 0; j < n_names && !mine; j++)
			mine = !strcmp(names[j], e->name);
		if (mine) {
			e->added = true;
		} else if (sk_profile_allows_outright(p, e->name)) {
			e->already = true;
		} else {
			unlog(p, e->name);
			names[n_names++] = e->name;
			e->added = true;
			out->added++;
		}
		r = add_arch(p, e->arch, out);
	}
	if (!r && n_names) {
		sort_names(names, n_names); /* one sorted rule: the way a reviewer reads it */
		if (!sk_profile_add_rule(p, names, n_names, SK_ACT_ALLOW))
			r = -ENOMEM;
	}
	free(names);
	out->runtime_from = p->n_rules;
	return r;
}

/* Read the log O->from names into LOG; OUT->source says what it was. */
static int read_log(const struct sk_learn_opts *o, struct sk_audit_log *log,
		    struct sk_learn_result *out, struct sk_diags *diags)
{
	const char *from = o->from ? o->from : "auto";
	if (!strcmp(from, "auto"))
		from = out->auditd ? "auditd" : "kmsg";
	bool kernel = !strcmp(from, "kmsg") || !strcmp(from, "dmesg");
	if (kernel && out->auditd)
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-auditd-running",
			     "auditd is running, so new records go to " AUDITD_LOG
			     ", not to the kernel log; use --from auditd");
	if (!strcmp(from, "kmsg")) {
		out->source = "/dev/kmsg";
		return sk_audit_log_read_kmsg(log, &o->filter, diags);
	}
	if (!strcmp(from, "dmesg")) {
		out->source = "the kernel log (syslog)";
		return sk_audit_log_read_dmesg(log, &o->filter, diags);
	}
	out->source = !strcmp(from, "auditd") ? AUDITD_LOG : !strcmp(from, "-") ? "stdin" : from;
	return sk_audit_log_read_file(log, !strcmp(from, "auditd") ? AUDITD_LOG : from, &o->filter,
				      diags);
}

/* A selector a process can satisfy (comm, exe, a reused pid) without --uid,
 * and what it kept came from several users: one of them may be someone
 * else's program dressed up. Any user who may create a user namespace (the
 * default here) can mount a binary of theirs over /usr/bin/nginx in a mount
 * namespace of their own, and the kernel then logs exe="/usr/bin/nginx". */
static void check_uids(const struct sk_audit_log *log, const struct sk_audit_filter *f,
		       struct sk_diags *diags)
{
	if (f->uid >= 0 || !(f->comm || f->exe || f->exe_name || f->pid >= 0))
		return;
	size_t n = 0;
	int64_t uids[4];
	for (size_t i = 0; i < log->n && n < 4; i++) {
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = uids[k] == log->v[i].uid;
		if (!seen)
			uids[n++] = log->v[i].uid;
	}
	if (n < 2)
		return;
	sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-uids",
		     "the records --comm/--exe/--exe-name/--pid kept come from %s%zu users "
		     "(uid %lld, %lld%s): a process chooses its comm, a reused pid is anyone's, "
		     "and any user who may create a user namespace runs a program of their own "
		     "under any exe path in a mount namespace of theirs",
		     n == 4 ? "at least " : "", n, (long long)uids[0], (long long)uids[1],
		     n > 2 ? ", ..." : "");
	sk_diags_set_fix(diags, "add --uid for the user the workload runs as");
}

int sk_learn_run(const struct sk_profile *base, const struct sk_learn_opts *o,
		 struct sk_learn_result *out, struct sk_diags *diags)
{
	struct sk_audit_log log = {0};
	struct sk_audit_sink sink;
	struct sk_learn_result head = {0};
	sk_audit_sink_probe(&sink);
	head.auditd = sink.auditd;
	int r = read_log(o, &log, &head, diags);
	if (r == 0) {
		if (!log.seccomp)
			sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-no-records",
				     "no seccomp records found: was the workload run under an audit "
				     "profile (scmpkit audit-profile)%s?",
				     sink.auditd && strcmp(head.source, AUDITD_LOG)
					     ? ", and is auditd holding them"
					     : "");
		sk_audit_log_explain_loss(&log, diags);
		check_uids(&log, &o->filter, diags);
		r = sk_learn(base, &log, o, out, diags);
		if (r == 0 && o->runtime) {
			int added = sk_profile_allow_runtime(out->profile, o->runtime, diags);
			r = added < 0 ? added : 0;
		}
		/* last, once the runtime's calls are in: they move runc's
		 * threshold, and with it what a fallback call needs */
		if (r == 0 && sk_profile_finish_generated(out->profile, diags) < 0)
			r = -ENOMEM;
	} else {
		memset(out, 0, sizeof *out);
	}
	out->source = head.source;
	out->auditd = head.auditd;
	out->lost = sk_audit_log_lost(&log);
	out->log = log;
	return r;
}
