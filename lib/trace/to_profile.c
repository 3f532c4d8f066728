/* SPDX-License-Identifier: Apache-2.0 */
/* A recording becomes an allow-list profile. Beyond what was seen, every
 * profile gets the calls whose absence only shows in rare paths, each in its
 * own rule with a comment saying why it is there. */
#include "trace_backend.h"
#include <scmpkit/fallback.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Added to every recorded profile (where the call exists on an arch). */
static const struct {
	const char *name;
	const char *why;
} added_groups[] = {
	{"exit exit_group rt_sigreturn sigreturn restart_syscall",
	 "P7 essentials: needed in exit and signal-return paths a short recording "
	 "may not reach; without them a container can hang when it exits"},
	{"clock_gettime clock_gettime64 clock_getres clock_getres_time64 gettimeofday "
	 "time getcpu",
	 "vDSO: libc serves these without a syscall, but a node whose clocksource "
	 "disables the vDSO turns them into real syscalls"},
};

/* clone flags that create namespaces: CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|
 * NEWUSER|NEWPID|NEWNET (and CLONE_NEWTIME, only valid for clone3/unshare). */
#define CLONE_NS_MASK UINT64_C(0x7e020000)

struct builder {
	struct sk_profile *p;
	bool have[SK_ARCH_COUNT];   /* arches in the profile */
	char **names;               /* every name already in a rule */
	size_t n_names, cap;
};

static bool listed(const struct builder *b, const char *name)
{
	for (size_t i = 0; i < b->n_names; i++)
		if (!strcmp(b->names[i], name))
			return true;
	return false;
}

static int remember(struct builder *b, const char *name)
{
	if (b->n_names == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char **v = realloc(b->names, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		b->names = v;
		b->cap = cap;
	}
	b->names[b->n_names++] = (char *)name;
	return 0;
}

static bool exists_on_profile_arches(const struct builder *b, const char *name)
{
	for (int a = 0; a < SK_ARCH_COUNT; a++)
		if (b->have[a] && sk_syscall_nr(a, name) >= 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int set_comment(struct sk_rule *r, const char *text)
{
	free(r->comment);
	r->comment = strdup(text);
	return r->comment ? 0 : -ENOMEM;
}

/* A rule for NAMES (space-separated) not yet listed and existing on one of the
 * profile's arches; nothing when all are there already. */
static int add_group(struct builder *b, const char *names, const char *why)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", names);
	struct sk_rule *r = NULL;
	for (char *save, *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
		const char *keep = NULL;
		/* the table's own copy of the name, so that remember() holds a
		 * pointer that outlives buf */
		for (size_t i = 0; i < sk_syscall_name_count(); i++)
			if (!strcmp(sk_syscall_name_at(i), n))
				keep = sk_syscall_name_at(i);
		if (!keep || listed(b, keep) || !exists_on_profile_arches(b, keep))
			continue;
		if (!r && !(r = sk_profile_add_rule(b->p, NULL, 0, SK_ACT_ALLOW)))
			return -ENOMEM;
		if (sk_rule_add_name(r, keep) < 0 || remember(b, keep) < 0)
			return -ENOMEM;
	}
	return r ? set_comment(r, why) : 0;
}

/* Argument rules for one kind: the recorded call leaves the plain rule and
 * gets one rule per value (EQ). clone gets Docker's form instead when no
 * namespace flag was seen: flags vary with libc (exit signal, SETTLS, ...),
 * so MASKED_EQ "no namespace flag" covers every variant soundly. */
static int add_arg_rules(struct builder *b, const struct sk_trace_result *res,
			 enum sk_trace_argkind k, const char *name)
{
	struct sk_trace_values all = {0};
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		if (!res->arch[a].seen)
			continue;
		const struct sk_trace_values *v = &res->arch[a].values[k];
		all.overflow |= v->overflow;
		for (unsigned i = 0; i < v->n; i++) {
			bool dup = false;
			for (unsigned j = 0; j < all.n; j++)
				dup |= all.v[j] == v->v[i];
			if (dup)
				continue;
			if (all.n == SK_TRACE_MAX_VALUES)
				all.overflow = true;
			else
				all.v[all.n++] = v->v[i];
		}
	}
	if (all.overflow || !all.n)
		return 1; /* keep the plain rule */
	unsigned idx = sk_trace_argkind_index(k);
	char why[160];
	if (k == SK_TARG_CLONE) {
		bool ns = false;
		for (unsigned i = 0; i < all.n; i++)
			ns |= (all.v[i] & CLONE_NS_MASK) != 0;
		if (!ns) {
			struct sk_rule *r = sk_profile_add_rule(b->p, &name, 1, SK_ACT_ALLOW);
			if (!r || sk_rule_add_arg(r, idx, SK_OP_MASKED_EQ, CLONE_NS_MASK, 0) < 0)
				return -ENOMEM;
			snprintf(why, sizeof why, "recorded --args: %u distinct clone flags, none "
				 "creating a namespace", all.n);
			return set_comment(r, why);
		}
	}
	for (unsigned i = 0; i < all.n; i++) {
		struct sk_rule *r = sk_profile_add_rule(b->p, &name, 1, SK_ACT_ALLOW);
		if (!r || sk_rule_add_arg(r, idx, SK_OP_EQ, all.v[i], 0) < 0)
			return -ENOMEM;
		snprintf(why, sizeof why, "recorded --args: %s 0x%" PRIx64 " seen",
			 sk_trace_argkind_name(k), all.v[i]);
		if (set_comment(r, why) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int build(struct builder *b, const struct sk_trace_result *res,
		 const struct sk_trace_profile_opts *o, struct sk_diags *d)
{
	struct sk_profile *p = b->p;
	enum sk_arch native = sk_arch_native();
	p->default_action = o->default_action;
	if (o->default_action == SK_ACT_ERRNO) {
		p->has_default_errno_ret = true;
		p->default_errno_ret = o->default_errno ? o->default_errno : EPERM;
	}
	/* native first, then every other arch a task ran under */
	if (sk_profile_add_arch(p, native) < 0)
		return -ENOMEM;
	b->have[native] = true;
	for (int a = 0; a < SK_ARCH_COUNT; a++)
		if (res->arch[a].seen && !b->have[a]) {
			if (sk_profile_add_arch(p, a) < 0)
				return -ENOMEM;
			b->have[a] = true;
		}

	/* The recorded calls, by name (one rule: names apply to every arch). */
	const char **seen = NULL;
	size_t n_seen = 0, cap = 0;
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		size_t cur = 0;
		int64_t nr;
		while (sk_trace_result_next(res, a, &cur, &nr)) {
			const char *name = sk_syscall_name(a, nr);
			if (!name) {
				sk_diags_add(d, SK_SEV_WARNING, NULL, 0, 0, "record-unknown-nr",
					     "syscall %" PRId64 " on %s has no name in the tables; "
					     "a profile cannot name it", nr, sk_arch_info(a)->short_name);
				continue;
			}
			if (listed(b, name))
				continue;
			if (n_seen == cap) {
				cap = cap ? cap * 2 : 128;
				const char **v = realloc(seen, cap * sizeof *v);
				if (!v) {
					free(seen);
					return -ENOMEM;
				}
				seen = v;
			}
			seen[n_seen++] = name;
			if (remember(b, name) < 0) {
				free(seen);
				return -ENOMEM;
			}
		}
		if (res->arch[a].dropped)
			sk_diags_add(d, SK_SEV_WARNING, NULL, 0, 0, "record-dropped",
				     "%" PRIu64 " calls on %s had syscall numbers outside the "
				     "recorded range beyond the %d distinct ones kept: those "
				     "numbers are not in the profile", res->arch[a].dropped,
				     sk_arch_info(a)->short_name, SK_TRACE_MAX_EXTRA);
	}
	if (n_seen) /* an empty recording (--pid of an idle process): no array */
		qsort(seen, n_seen, sizeof *seen, cmp_str);
	/* With --args, the constrained calls move to their own rules. */
	bool constrained[SK_TARG_COUNT] = {0};
	if (res->with_args)
		for (int k = 0; k < SK_TARG_COUNT; k++) {
			const char *name = sk_trace_argkind_syscall(k);
			bool in = false;
			for (size_t i = 0; i < n_seen; i++)
				in |= !strcmp(seen[i], name);
			if (!in)
				continue;
			int r = add_arg_rules(b, res, k, name);
			if (r < 0) {
				free(seen);
				return r;
			}
			constrained[k] = r == 0;
		}
	struct sk_rule *rec = sk_profile_add_rule(p, NULL, 0, SK_ACT_ALLOW);
	if (!rec) {
		free(seen);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_seen; i++) {
		bool skip = false;
		for (int k = 0; k < SK_TARG_COUNT; k++)
			skip |= constrained[k] && !strcmp(seen[i], sk_trace_argkind_syscall(k));
		if (!skip && sk_rule_add_name(rec, seen[i]) < 0) {
			free(seen);
			return -ENOMEM;
		}
	}
	free(seen);
	/* the recorded rule goes first: move it in front of the argument rules */
	if (p->n_rules > 1) {
		struct sk_rule tmp = p->rules[p->n_rules - 1];
		memmove(&p->rules[1], &p->rules[0], (p->n_rules - 1) * sizeof tmp);
		p->rules[0] = tmp;
		rec = &p->rules[0];
	}
	char why[300];
	snprintf(why, sizeof why, "recorded%s%s", o->what ? ": " : "", o->what ? o->what : "");
	if (set_comment(rec, why) < 0)
		return -ENOMEM;

	if (o->essentials)
		for (size_t g = 0; g < sizeof added_groups / sizeof added_groups[0]; g++) {
			int r = add_group(b, added_groups[g].name, added_groups[g].why);
			if (r < 0)
				return r;
		}
	if (o->runtime) {
		int r = sk_profile_allow_runtime(b->p, o->runtime, d);
		if (r < 0)
			return r == -ENOENT ? -EINVAL : r;
	}
	return sk_profile_finish_generated(b->p, d) < 0 ? -ENOMEM : 0;
}

struct sk_profile *sk_trace_to_profile(const struct sk_trace_result *res,
				       const struct sk_trace_profile_opts *o,
				       struct sk_diags *d)
{
	struct builder b = {.p = sk_profile_new()};
	if (!b.p)
		return NULL;
	int r = build(&b, res, o, d);
	free(b.names);
	if (r < 0) {
		if (r == -ENOMEM)
			sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-nomem", "out of memory");
		sk_profile_free(b.p);
		return NULL;
	}
	return b.p;
}
