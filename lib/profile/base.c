/* SPDX-License-Identifier: Apache-2.0 */
/* A SeccompProfile stacked on its baseProfileName, the way the Security
 * Profiles Operator builds what it installs on the nodes (its daemon's
 * resolveSyscallsForProfile and the merger's UnionSyscalls): a base is a
 * SeccompProfile of that name, or one of the operator's published runtime
 * bases (data/spo-base-profiles.tsv); bases stack up to 15 levels; the calls
 * are unioned one name at a time, the less restrictive action winning. Only
 * the calls come from a base — default action, architectures and flags stay
 * the profile's own. lint checks the result (a profile on runc-v1.4.2 need not
 * list exit_group itself), and node-sync installs it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "profile/internal.h"

#define MAX_LEVELS 15 /* the operator's limit */

bool sk_spo_api_version(const char *v)
{
	static const char *const versions[] = {"v1", "v1beta1", "v1alpha1"};
	static const char group[] = "security-profiles-operator.x-k8s.io/";
	if (!v || strncmp(v, group, sizeof group - 1))
		return false;
	for (size_t i = 0; i < sizeof versions / sizeof *versions; i++)
		if (!strcmp(v + sizeof group - 1, versions[i]))
			return true;
	return false;
}

const struct sk_spo_base *sk_spo_base_find(const char *name)
{
	const char *oci = !strncmp(name, "oci://", 6) ? name + 6 : NULL;
	for (size_t i = 0; i < sk_spo_base_count(); i++) {
		const struct sk_spo_base *b = sk_spo_base_at(i);
		if (!strcmp(oci ? b->oci : b->name, oci ? oci : name))
			return b;
	}
	return NULL;
}

/* The merger's order, least restrictive last. */
static int level(enum sk_action a)
{
	static const int lv[SK_ACT_COUNT] = {
		[SK_ACT_KILL_PROCESS] = 0, [SK_ACT_KILL_THREAD] = 1, [SK_ACT_TRAP] = 2,
		[SK_ACT_ERRNO] = 3,	   [SK_ACT_NOTIFY] = 4,	     [SK_ACT_TRACE] = 5,
		[SK_ACT_LOG] = 6,	   [SK_ACT_ALLOW] = 7,
	};
	return (unsigned)a < SK_ACT_COUNT ? lv[a] : -1;
}

/* The union so far: one rule per call. */
struct set {
	struct sk_rule *v;
	size_t n, cap;
	struct sk_pos base_pos; /* where calls from a base point */
};

static struct sk_rule *find(struct set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].names[0], name))
			return &s->v[i];
	return NULL;
}

/* The merger's unionArgs: conditions on only one side mean "any
 * arguments" wins; on both, the conditions of both. */
static int union_args(struct sk_rule *dst, const struct sk_rule *src)
{
	if (!dst->n_args || !src->n_args) {
		free(dst->args);
		dst->args = NULL;
		dst->n_args = 0;
		return 0;
	}
	for (size_t i = 0; i < src->n_args; i++) {
		const struct sk_arg *a = &src->args[i];
		bool have = false;
		for (size_t j = 0; j < dst->n_args && !have; j++)
			have = dst->args[j].index == a->index && dst->args[j].op == a->op &&
			       dst->args[j].value == a->value && dst->args[j].value_two == a->value_two;
		if (!have && sk_rule_add_arg(dst, a->index, a->op, a->value, a->value_two) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Add call NAME of rule R (position AT when it comes from a base) to S:
 * LEFT is the side whose entry wins a tie, as in the merger. */
static int add(struct set *s, const struct sk_rule *r, size_t i, const struct sk_pos *at,
	       bool left)
{
	const char *name = r->names[i];
	struct sk_rule *d = find(s, name);
	if (d) {
		int mine = level(d->action), theirs = level(r->action);
		if (theirs > mine || (theirs == mine && left)) {
			d->action = r->action;
			d->has_errno_ret = r->has_errno_ret;
			d->errno_ret = r->errno_ret;
		}
		return union_args(d, r);
	}
	if (SK_GROW(s->v, s->cap, s->n))
		return -ENOMEM;
	d = &s->v[s->n];
	memset(d, 0, sizeof *d);
	d->action = r->action;
	d->has_errno_ret = r->has_errno_ret;
	d->errno_ret = r->errno_ret;
	d->pos = at ? *at : r->pos;
	d->action_pos = at ? *at : r->action_pos;
	s->n++;
	if (sk_rule_add_name(d, name) < 0)
		return -ENOMEM;
	d->name_pos[0] = at ? *at : (r->name_pos ? r->name_pos[i] : r->pos);
	for (size_t k = 0; k < r->n_args; k++) {
		if (sk_rule_add_arg(d, r->args[k].index, r->args[k].op, r->args[k].value,
				    r->args[k].value_two) < 0)
			return -ENOMEM;
		d->args[k].pos = at ? *at : r->args[k].pos;
	}
	return 0;
}

static int add_rules(struct set *s, const struct sk_profile *p, const struct sk_pos *at,
		     bool left)
{
	for (size_t r = 0; r < p->n_rules; r++)
		for (size_t i = 0; i < p->rules[r].n_names; i++) {
			int e = add(s, &p->rules[r], i, at, left);
			if (e)
				return e;
		}
	return 0;
}

static int add_published(struct set *s, const struct sk_spo_base *b, const struct sk_pos *at)
{
	struct sk_rule r = {.action = SK_ACT_ALLOW};
	for (size_t i = 0; i < b->n_names; i++) {
		r.names = (char **)&b->names[i];
		r.n_names = 1;
		int e = add(s, &r, 0, at, true);
		if (e)
			return e;
	}
	return 0;
}

static const struct sk_profile *given_named(const struct sk_profile *const *given, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (given[i]->spo_name && !strcmp(given[i]->spo_name, name))
			return given[i];
	return NULL;
}

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct sk_rule *)a)->names[0], ((const struct sk_rule *)b)->names[0]);
}

static void set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		sk_rule_clear(&s->v[i]);
	free(s->v);
}

/* Union the bases of P into S, level by level. */
static int stack(struct set *s, const struct sk_profile *p, const struct sk_profile *const *given,
		 size_t n_given, struct sk_diags *d)
{
	const struct sk_profile *cur = p;
	for (int lv = 0; cur->spo_base_profile; lv++) {
		const char *name = cur->spo_base_profile;
		if (lv >= MAX_LEVELS) {
			sk_diags_add(d, SK_SEV_ERROR, p->file, p->spo_base_pos.line, p->spo_base_pos.col,
				     "spo-base-missing",
				     "baseProfileName \"%s\": more than %d base profiles stacked (a "
				     "cycle?); the operator refuses the profile",
				     p->spo_base_profile, MAX_LEVELS);
			return -ELOOP;
		}
		const struct sk_profile *g = given_named(given, n_given, name);
		const struct sk_spo_base *b = g ? NULL : sk_spo_base_find(name);
		int e = g ? add_rules(s, g, &s->base_pos, true) : b ? add_published(s, b, &s->base_pos)
								    : -ENOENT;
		if (e == -ENOENT)
			sk_diags_add(d, SK_SEV_ERROR, cur->file, cur->spo_base_pos.line,
				     cur->spo_base_pos.col, "spo-base-missing",
				     "baseProfileName \"%s\" is neither a SeccompProfile given here nor "
				     "a base profile the security-profiles-operator publishes%s",
				     name,
				     strncmp(name, "oci://", 6)
					     ? ""
					     : " (scmpkit knows the operator's own artifacts only)");
		if (e || !g)
			return e; /* a published base names no base of its own */
		cur = g;
	}
	return 0;
}

int sk_profile_resolve_base(const struct sk_profile *p, const struct sk_profile *const *given,
			    size_t n_given, struct sk_profile **out, struct sk_diags *diags)
{
	*out = NULL;
	struct sk_profile *r = sk_profile_clone(p);
	if (!r)
		return -ENOMEM;
	if (!p->spo_base_profile) {
		*out = r;
		return 0;
	}
	struct set s = {.base_pos = p->spo_base_pos.line ? p->spo_base_pos : p->pos};
	int e = add_rules(&s, p, NULL, false);
	if (!e)
		e = stack(&s, p, given, n_given, diags);
	if (e) {
		set_free(&s);
		sk_profile_free(r);
		return e;
	}
	qsort(s.v, s.n, sizeof *s.v, cmp_rule);
	for (size_t i = 0; i < r->n_rules; i++)
		sk_rule_clear(&r->rules[i]);
	free(r->rules);
	r->rules = s.v; /* handed over */
	r->n_rules = s.n;
	free(r->spo_base_profile);
	r->spo_base_profile = NULL;
	*out = r;
	return 0;
}
