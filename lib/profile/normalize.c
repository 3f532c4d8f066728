/* SPDX-License-Identifier: Apache-2.0 */
/* sk_profile_normalize: one stable form for the same profile, so that fmt is
 * idempotent and diffs show only real changes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>
#include <scmpkit/profile_ops.h>

#include "profile/internal.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort V and drop duplicates; returns the new count. Frees dropped strings. */
static size_t sort_uniq(char **v, size_t n)
{
	if (n < 2)
		return n;
	qsort(v, n, sizeof *v, cmp_str);
	size_t o = 1;
	for (size_t i = 1; i < n; i++) {
		if (!strcmp(v[i], v[o - 1]))
			free(v[i]);
		else
			v[o++] = v[i];
	}
	return o;
}

/* Names sorted with their positions kept alongside. */
struct named {
	char *name;
	struct sk_pos pos;
};

static int cmp_named(const void *a, const void *b)
{
	int c = strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
	if (c)
		return c;
	/* first occurrence first, so that the kept position is the first one */
	const struct sk_pos *pa = &((const struct named *)a)->pos, *pb = &((const struct named *)b)->pos;
	return pa->line != pb->line ? (pa->line < pb->line ? -1 : 1)
				    : (pa->col < pb->col ? -1 : pa->col > pb->col);
}

static int normalize_names(struct sk_rule *r)
{
	if (r->n_names < 2)
		return 0;
	struct named *v = malloc(r->n_names * sizeof *v);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_names; i++)
		v[i] = (struct named){r->names[i], r->name_pos ? r->name_pos[i] : (struct sk_pos){0, 0}};
	qsort(v, r->n_names, sizeof *v, cmp_named);
	size_t o = 0;
	for (size_t i = 0; i < r->n_names; i++) {
		if (o && !strcmp(v[i].name, v[o - 1].name)) {
			free(v[i].name);
			continue;
		}
		v[o++] = v[i];
	}
	for (size_t i = 0; i < o; i++) {
		r->names[i] = v[i].name;
		if (r->name_pos)
			r->name_pos[i] = v[i].pos;
	}
	r->n_names = o;
	if (o > 1)
		r->legacy_name = false;
	free(v);
	return 0;
}

static bool str_eq0(const char *a, const char *b)
{
	return (a ? a : "")[0] == (b ? b : "")[0] && !strcmp(a ? a : "", b ? b : "");
}

static bool strv_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* Conditions after sort_uniq: plain comparisons suffice. */
static bool cond_eq(const struct sk_cond *a, const struct sk_cond *b)
{
	return strv_eq(a->arches, a->n_arches, b->arches, b->n_arches) &&
	       strv_eq(a->caps, a->n_caps, b->caps, b->n_caps) && str_eq0(a->min_kernel, b->min_kernel);
}

static bool args_eq(const struct sk_rule *a, const struct sk_rule *b)
{
	if (a->n_args != b->n_args)
		return false;
	for (size_t i = 0; i < a->n_args; i++) {
		const struct sk_arg *x = &a->args[i], *y = &b->args[i];
		if (x->index != y->index || x->op != y->op || x->value != y->value ||
		    x->value_two != y->value_two)
			return false;
	}
	return true;
}

/* Everything but the names: two such rules can become one. */
static bool same_match(const struct sk_rule *a, const struct sk_rule *b)
{
	return a->action == b->action && a->has_errno_ret == b->has_errno_ret &&
	       (!a->has_errno_ret || a->errno_ret == b->errno_ret) &&
	       str_eq0(a->errno_name, b->errno_name) && str_eq0(a->comment, b->comment) &&
	       args_eq(a, b) && cond_eq(&a->includes, &b->includes) &&
	       cond_eq(&a->excludes, &b->excludes);
}

static bool share_name(const struct sk_rule *a, const struct sk_rule *b)
{
	for (size_t i = 0; i < a->n_names; i++)
		for (size_t j = 0; j < b->n_names; j++)
			if (!strcmp(a->names[i], b->names[j]))
				return true;
	return false;
}

static int move_names(struct sk_rule *dst, struct sk_rule *src)
{
	for (size_t i = 0; i < src->n_names; i++) {
		if (sk_rule_add_name(dst, src->names[i]) < 0)
			return -ENOMEM;
		dst->name_pos[dst->n_names - 1] = src->name_pos ? src->name_pos[i] : (struct sk_pos){0, 0};
	}
	return 0;
}

/* What a rule returns under runc: ERRNO and TRACE without errnoRet return
 * EPERM, and other actions carry no errno at all. */
static uint32_t effective_errno(const struct sk_rule *r)
{
	if (r->action != SK_ACT_ERRNO && r->action != SK_ACT_TRACE)
		return 0;
	return r->has_errno_ret ? r->errno_ret : EPERM;
}

bool sk_rule_decides_alike(const struct sk_rule *a, const struct sk_rule *b)
{
	return a->action == b->action && effective_errno(a) == effective_errno(b) &&
	       args_eq(a, b) && cond_eq(&a->includes, &b->includes) &&
	       cond_eq(&a->excludes, &b->excludes);
}

/* Merge rule j into an earlier rule i that matches the same way (SAME),
 * unless a rule between them shares a call with j (SHARE): moving j's names
 * before it could change which rule a runtime sees first. */
static int merge_rules(struct sk_profile *p,
		       bool (*same)(const struct sk_rule *, const struct sk_rule *),
		       bool (*share)(const struct sk_rule *, const struct sk_rule *), bool sort)
{
	for (size_t j = 1; j < p->n_rules; j++) {
		for (size_t i = j; i-- > 0;) {
			if (same(&p->rules[i], &p->rules[j])) {
				if (move_names(&p->rules[i], &p->rules[j]) < 0 ||
				    (sort && normalize_names(&p->rules[i]) < 0))
					return -ENOMEM;
				sk_rule_clear(&p->rules[j]);
				memmove(&p->rules[j], &p->rules[j + 1],
					(p->n_rules - j - 1) * sizeof *p->rules);
				p->n_rules--;
				j--;
				break;
			}
			if (share(&p->rules[i], &p->rules[j]))
				break;
		}
	}
	return 0;
}

static void warn_unknown(struct sk_profile *p, struct sk_diags *diags)
{
	enum sk_arch arches[SK_ARCH_COUNT];
	size_t na = sk_profile_arches(p, arches);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		if (r->includes.n_arches)
			continue; /* Docker's includes.arches says where the rule applies */
		for (size_t j = 0; j < r->n_names; j++) {
			bool found = false;
			for (size_t k = 0; k < na && !found; k++)
				found = sk_syscall_nr(arches[k], r->names[j]) >= 0;
			if (found)
				continue;
			struct sk_pos pos = r->name_pos ? r->name_pos[j] : r->pos;
			if (!sk_syscall_known(r->names[j]))
				continue; /* the parser warned already */
			sk_diags_add(diags, SK_SEV_WARNING, p->file, pos.line, pos.col,
				     "profile-syscall-arch",
				     "syscall \"%s\" exists on none of the profile's architectures (%s%s)",
				     r->names[j], sk_arch_info(arches[0])->oci_name, na > 1 ? ", ..." : "");
		}
	}
}

int sk_profile_normalize(struct sk_profile *p, struct sk_diags *diags)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		struct sk_rule *r = &p->rules[i];
		if (normalize_names(r) < 0)
			return -ENOMEM;
		r->includes.n_arches = sort_uniq(r->includes.arches, r->includes.n_arches);
		r->includes.n_caps = sort_uniq(r->includes.caps, r->includes.n_caps);
		r->excludes.n_arches = sort_uniq(r->excludes.arches, r->excludes.n_arches);
		r->excludes.n_caps = sort_uniq(r->excludes.caps, r->excludes.n_caps);
	}
	if (merge_rules(p, same_match, share_name, true) < 0)
		return -ENOMEM;
	warn_unknown(p, diags);
	return 0;
}

/* One rule of the merged profile: the match of the first rule that opened it,
 * and the names that joined it (stolen from the rules they were in). */
struct group {
	struct sk_rule rule;
	size_t cap_names, cap_pos;
};

static void groups_free(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sk_rule_clear(&g[i].rule);
	free(g);
}

/* A group with R's match and no names yet. */
static int open_group(struct group *g, const struct sk_rule *r)
{
	memset(g, 0, sizeof *g);
	return sk_rule_copy_match(&g->rule, r);
}

/* Name J of R into group G (the string changes owner). */
static int join(struct group *g, struct sk_rule *r, size_t j)
{
	struct sk_rule *d = &g->rule;
	if (SK_GROW(d->names, g->cap_names, d->n_names) < 0 ||
	    SK_GROW(d->name_pos, g->cap_pos, d->n_names) < 0)
		return -ENOMEM;
	d->names[d->n_names] = r->names[j];
	d->name_pos[d->n_names++] = r->name_pos ? r->name_pos[j] : r->pos;
	r->names[j] = NULL;
	return 0;
}

int sk_profile_merge_alike(struct sk_profile *p)
{
	/* A name occurrence joins the first group that decides alike among those
	 * at or after the last group holding the same call: per call, the order
	 * of its rules is the file's, and across calls order does not matter.
	 * Only the sequence of (name, match) counts, not how it was cut into
	 * rules: a profile and its split form end up with the same groups. */
	size_t keys = sk_syscall_name_count(), n = 0, cap = 0;
	struct sk_syscall_ref sc, ipc;
	sk_syscall_ref("socketcall", &sc);
	sk_syscall_ref("ipc", &ipc);
	/* per call, the last group that has it; the calls a multiplexer reaches
	 * count as the multiplexer, whose rule tree they meet in */
	long *last = malloc(keys * sizeof *last);
	struct group *g = NULL;
	if (!last)
		return -ENOMEM;
	for (size_t i = 0; i < keys; i++)
		last[i] = -1;
	int rc = 0;
	for (size_t ri = 0; ri < p->n_rules && !rc; ri++) {
		struct sk_rule *r = &p->rules[ri];
		for (size_t j = 0; j < r->n_names && !rc; j++) {
			struct sk_syscall_ref ref;
			sk_syscall_ref(r->names[j], &ref);
			int64_t key = ref.mux == SK_MUX_SOCKETCALL ? sc.key
				      : ref.mux == SK_MUX_IPC	 ? ipc.key
								 : ref.key;
			long from = key >= 0 ? last[key] : -1;
			size_t k = from < 0 ? 0 : (size_t)from;
			while (k < n && !sk_rule_decides_alike(&g[k].rule, r))
				k++;
			if (k == n && !(rc = SK_GROW(g, cap, n))) {
				if ((rc = open_group(&g[n], r)) < 0)
					sk_rule_clear(&g[n].rule);
				else
					n++;
			}
			if (!rc)
				rc = join(&g[k], r, j);
			if (key >= 0)
				last[key] = (long)k;
		}
	}
	free(last);
	struct sk_rule *rules = rc ? NULL : malloc((n ? n : 1) * sizeof *rules);
	if (!rules) {
		groups_free(g, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		rules[i] = g[i].rule;
	free(g);
	for (size_t i = 0; i < p->n_rules; i++)
		sk_rule_clear(&p->rules[i]); /* the names moved out are NULL there */
	free(p->rules);
	p->rules = rules;
	p->n_rules = n;
	return 0;
}
