/* SPDX-License-Identifier: Apache-2.0 */
/* sk_profile_diff / sk_profile_cover: compare what two profiles allow, per
 * arch and per call (see profile_ops.h for the meaning of "allow"). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile_ops.h>

#include "profile/internal.h"

enum perm { P_DENY = 0, P_COND, P_ALLOW };

/* What one profile does with one call on one arch. ALTS are the argument
 * conditions under which it is allowed (COND in an allow-list) or denied
 * (COND in a deny-list: allowed "except when"). */
struct slot {
	enum perm perm;
	char **alts;
	size_t n_alts;
};

struct view {
	bool arch[SK_ARCH_COUNT];
	bool deny_list; /* default action allows */
	struct slot *slots[SK_ARCH_COUNT]; /* indexed like sk_syscall_at */
};

static bool allowing(enum sk_action a)
{
	return a == SK_ACT_ALLOW || a == SK_ACT_LOG;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "arg1 == 0x5401 && arg0 & 0x7e020000 == 0x0", comparisons sorted. */
static char *cond_text(const struct sk_rule *r)
{
	static const char *const op[] = {
		[SK_OP_NE] = "!=", [SK_OP_LT] = "<", [SK_OP_LE] = "<=", [SK_OP_EQ] = "==",
		[SK_OP_GE] = ">=", [SK_OP_GT] = ">", [SK_OP_MASKED_EQ] = "&",
	};
	char **parts = calloc(r->n_args, sizeof *parts);
	if (!parts)
		return NULL;
	size_t len = 1;
	for (size_t i = 0; i < r->n_args; i++) {
		const struct sk_arg *a = &r->args[i];
		const char *o = a->op > SK_OP_INVALID && a->op < SK_OP_COUNT ? op[a->op] : "?";
		int n = a->op == SK_OP_MASKED_EQ
			? asprintf(&parts[i], "arg%u & 0x%" PRIx64 " == 0x%" PRIx64, a->index,
				   a->value, a->value_two)
			: asprintf(&parts[i], "arg%u %s 0x%" PRIx64, a->index, o, a->value);
		if (n < 0) {
			parts[i] = NULL;
			goto fail;
		}
		len += (size_t)n + 4;
	}
	qsort(parts, r->n_args, sizeof *parts, cmp_str);
	char *s = malloc(len);
	if (!s)
		goto fail;
	s[0] = 0;
	for (size_t i = 0; i < r->n_args; i++) {
		if (i)
			strcat(s, " && ");
		strcat(s, parts[i]);
	}
	for (size_t i = 0; i < r->n_args; i++)
		free(parts[i]);
	free(parts);
	return s;
fail:
	for (size_t i = 0; i < r->n_args; i++)
		free(parts[i]);
	free(parts);
	return NULL;
}

static long slot_index(enum sk_arch arch, int64_t nr)
{
	size_t lo = 0, hi = sk_syscall_count(arch);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *name;
		int64_t m;
		sk_syscall_at(arch, mid, &name, &m);
		if (m == nr)
			return (long)mid;
		if (m < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int add_alt(struct slot *s, const char *text)
{
	for (size_t i = 0; i < s->n_alts; i++)
		if (!strcmp(s->alts[i], text))
			return 0;
	return sk_strv_push(&s->alts, &s->n_alts, text);
}

static void view_free(struct view *v)
{
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		if (!v->slots[a])
			continue;
		for (size_t i = 0; i < sk_syscall_count(a); i++) {
			for (size_t j = 0; j < v->slots[a][i].n_alts; j++)
				free(v->slots[a][i].alts[j]);
			free(v->slots[a][i].alts);
		}
		free(v->slots[a]);
	}
}

static int view_build(struct view *v, const struct sk_profile *p0, struct sk_diags *d)
{
	memset(v, 0, sizeof *v);
	struct sk_profile *resolved = NULL;
	const struct sk_profile *p = p0;
	if (sk_profile_has_conditions(p0)) {
		resolved = sk_profile_resolve(p0, NULL, d);
		if (!resolved)
			return -EINVAL;
		p = resolved;
	}
	int rc = -ENOMEM;
	enum sk_arch arches[SK_ARCH_COUNT];
	size_t na = sk_profile_arches(p, arches);
	v->deny_list = allowing(p->default_action);
	for (size_t i = 0; i < na; i++) {
		enum sk_arch a = arches[i];
		v->arch[a] = true;
		v->slots[a] = calloc(sk_syscall_count(a) ? sk_syscall_count(a) : 1, sizeof(struct slot));
		if (!v->slots[a])
			goto out;
		for (size_t j = 0; j < sk_syscall_count(a); j++)
			v->slots[a][j].perm = v->deny_list ? P_ALLOW : P_DENY;
	}
	/* Unconditional rules decide; conditional ones only refine what the
	 * default leaves (an allow-list's allowed-if, a deny-list's denied-if). */
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sk_rule *rule = &p->rules[r];
		if (allowing(rule->action) == v->deny_list)
			continue; /* same effect as the default: changes nothing */
		char *cond = rule->n_args ? cond_text(rule) : NULL;
		if (rule->n_args && !cond)
			goto out;
		for (int a = 0; a < SK_ARCH_COUNT; a++) {
			if (!v->arch[a])
				continue;
			for (size_t k = 0; k < rule->n_names; k++) {
				long idx = slot_index(a, sk_syscall_nr(a, rule->names[k]));
				if (idx < 0)
					continue;
				struct slot *s = &v->slots[a][idx];
				enum perm full = v->deny_list ? P_DENY : P_ALLOW;
				if (!cond) {
					s->perm = full;
				} else if (s->perm != full) {
					s->perm = P_COND;
					if (add_alt(s, cond) < 0) {
						free(cond);
						goto out;
					}
				}
			}
		}
		free(cond);
	}
	rc = 0;
out:
	sk_profile_free(resolved);
	if (rc < 0) {
		view_free(v);
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "diff-nomem", "out of memory");
	}
	return rc;
}

static int push(struct sk_deltas *out, struct sk_delta x, const char *detail)
{
	if (SK_GROW(out->v, out->cap, out->n) < 0)
		return -ENOMEM;
	x.detail = NULL;
	if (detail && !(x.detail = strdup(detail)))
		return -ENOMEM;
	out->v[out->n++] = x;
	return 0;
}

static bool has_alt(const struct slot *s, const char *alt)
{
	for (size_t i = 0; i < s->n_alts; i++)
		if (!strcmp(s->alts[i], alt))
			return true;
	return false;
}

/* What SIDE's slot X allows beyond slot Y, as deltas. Deny-list conditions
 * read "allowed except when C": when both sides are COND we report the
 * exceptions only one side makes, with the word "except". */
static int slot_delta(struct sk_deltas *out, int side, enum sk_arch arch, const char *name,
		      const struct slot *x, bool x_deny_list, const struct slot *y)
{
	struct sk_delta base = {.kind = SK_DELTA_SYSCALL, .side = side, .arch = arch, .name = name};
	if (x->perm == P_DENY || y->perm == P_ALLOW)
		return 0;
	if (x->perm == P_ALLOW)
		return push(out, base, y->perm == P_COND ? "unconditionally" : NULL);
	/* x is COND */
	if (y->perm == P_DENY) {
		if (x_deny_list)
			return push(out, base, "with exceptions");
		for (size_t i = 0; i < x->n_alts; i++)
			if (push(out, base, x->alts[i]) < 0)
				return -ENOMEM;
		return 0;
	}
	if (x_deny_list) {
		/* allowed except when one of x's alts holds: not comparable with
		 * y's conditions in general; report when they differ at all */
		bool same = x->n_alts == y->n_alts;
		for (size_t i = 0; same && i < x->n_alts; i++)
			same = has_alt(y, x->alts[i]);
		return same ? 0 : push(out, base, "with other exceptions");
	}
	for (size_t i = 0; i < x->n_alts; i++)
		if (!has_alt(y, x->alts[i]) && push(out, base, x->alts[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int compare(const struct view *va, const struct view *vb,
		   const struct sk_profile *a, const struct sk_profile *b,
		   bool both_sides, struct sk_deltas *out)
{
	if (va->deny_list != vb->deny_list ||
	    (!va->deny_list && a->default_action != b->default_action)) {
		for (int side = 0; side < 2; side++) {
			const struct sk_profile *p = side ? b : a;
			if (!both_sides && side == 0)
				continue;
			if (!both_sides && !(side ? vb : va)->deny_list)
				continue; /* a different denying default covers */
			char buf[80];
			snprintf(buf, sizeof buf, "%s", sk_action_name(p->default_action));
			if (push(out, (struct sk_delta){.kind = SK_DELTA_DEFAULT, .side = side,
							.arch = SK_ARCH_INVALID}, buf) < 0)
				return -ENOMEM;
		}
	}
	for (int arch = 0; arch < SK_ARCH_COUNT; arch++) {
		if (!va->arch[arch] && !vb->arch[arch])
			continue;
		if (va->arch[arch] != vb->arch[arch]) {
			int side = va->arch[arch] ? 0 : 1;
			if ((both_sides || side == 1) &&
			    push(out, (struct sk_delta){.kind = SK_DELTA_ARCH, .side = side,
							.arch = arch}, NULL) < 0)
				return -ENOMEM;
			continue;
		}
		/* by name, so that the output reads alphabetically */
		size_t n = sk_syscall_count(arch);
		const char **names = malloc((n ? n : 1) * sizeof *names);
		long *idx = malloc((n ? n : 1) * sizeof *idx);
		if (!names || !idx) {
			free(names);
			free(idx);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			int64_t nr;
			sk_syscall_at(arch, i, &names[i], &nr);
		}
		qsort(names, n, sizeof *names, cmp_str);
		for (size_t i = 0; i < n; i++)
			idx[i] = slot_index(arch, sk_syscall_nr(arch, names[i]));
		int rc = 0;
		for (size_t i = 0; i < n && !rc; i++) {
			const struct slot *x = &va->slots[arch][idx[i]], *y = &vb->slots[arch][idx[i]];
			if (both_sides)
				rc = slot_delta(out, 0, arch, names[i], x, va->deny_list, y);
			if (!rc)
				rc = slot_delta(out, 1, arch, names[i], y, vb->deny_list, x);
		}
		free(names);
		free(idx);
		if (rc)
			return rc;
	}
	return 0;
}

static int run(const struct sk_profile *a, const struct sk_profile *b, bool both,
	       struct sk_deltas *out, struct sk_diags *d)
{
	struct view va, vb;
	if (view_build(&va, a, d) < 0)
		return -EINVAL;
	if (view_build(&vb, b, d) < 0) {
		view_free(&va);
		return -EINVAL;
	}
	int rc = compare(&va, &vb, a, b, both, out);
	view_free(&va);
	view_free(&vb);
	if (rc < 0)
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "diff-nomem", "out of memory");
	return rc;
}

int sk_profile_diff(const struct sk_profile *a, const struct sk_profile *b,
		    struct sk_deltas *out, struct sk_diags *d)
{
	return run(a, b, true, out, d);
}

int sk_profile_cover(const struct sk_profile *a, const struct sk_profile *b,
		     struct sk_deltas *missing, struct sk_diags *d)
{
	return run(a, b, false, missing, d);
}

void sk_deltas_free(struct sk_deltas *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].detail);
	free(v->v);
	memset(v, 0, sizeof *v);
}
