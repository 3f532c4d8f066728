/* SPDX-License-Identifier: Apache-2.0 */
/* sk_profile_equal: the same profile, whatever the order of things whose
 * order carries no meaning. Rules are compared as a multiset: libseccomp (and
 * so runc) builds the same filter whatever order rules come in. Positions,
 * the file name and SeccompProfile metadata (name, namespace) are ignored;
 * comments count. An ERRNO/TRACE rule without errnoRet equals one with EPERM,
 * as runtimes treat them the same. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "profile/internal.h"

static bool str_eq0(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Same set of strings (each side may repeat names). */
static bool set_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	for (size_t i = 0; i < na; i++) {
		bool f = false;
		for (size_t j = 0; j < nb && !f; j++)
			f = !strcmp(a[i], b[j]);
		if (!f)
			return false;
	}
	for (size_t j = 0; j < nb; j++) {
		bool f = false;
		for (size_t i = 0; i < na && !f; i++)
			f = !strcmp(a[i], b[j]);
		if (!f)
			return false;
	}
	return true;
}

static bool arch_set_eq(const enum sk_arch *a, size_t na, const enum sk_arch *b, size_t nb)
{
	bool ina[SK_ARCH_COUNT] = {0}, inb[SK_ARCH_COUNT] = {0};
	for (size_t i = 0; i < na; i++)
		if (sk_arch_info(a[i]))
			ina[a[i]] = true;
	for (size_t i = 0; i < nb; i++)
		if (sk_arch_info(b[i]))
			inb[b[i]] = true;
	return !memcmp(ina, inb, sizeof ina);
}

static bool cond_eq(const struct sk_cond *a, const struct sk_cond *b)
{
	return set_eq(a->arches, a->n_arches, b->arches, b->n_arches) &&
	       set_eq(a->caps, a->n_caps, b->caps, b->n_caps) && str_eq0(a->min_kernel, b->min_kernel);
}

static long effective_errno(enum sk_action a, bool has, uint32_t v)
{
	if (a != SK_ACT_ERRNO && a != SK_ACT_TRACE)
		return -1;
	return has ? (long)v : EPERM;
}

static bool arg_eq(const struct sk_arg *x, const struct sk_arg *y)
{
	return x->index == y->index && x->op == y->op && x->value == y->value &&
	       x->value_two == y->value_two;
}

/* Conditions on arguments are ANDed: compared as multisets. */
static bool args_eq(const struct sk_rule *a, const struct sk_rule *b)
{
	if (a->n_args != b->n_args)
		return false;
	for (size_t i = 0; i < a->n_args; i++) {
		size_t ca = 0, cb = 0;
		for (size_t j = 0; j < a->n_args; j++)
			ca += arg_eq(&a->args[i], &a->args[j]);
		for (size_t j = 0; j < b->n_args; j++)
			cb += arg_eq(&a->args[i], &b->args[j]);
		if (ca != cb)
			return false;
	}
	return true;
}

static bool rule_eq(const struct sk_rule *a, const struct sk_rule *b)
{
	return a->action == b->action &&
	       effective_errno(a->action, a->has_errno_ret, a->errno_ret) ==
		       effective_errno(b->action, b->has_errno_ret, b->errno_ret) &&
	       set_eq(a->names, a->n_names, b->names, b->n_names) && args_eq(a, b) &&
	       cond_eq(&a->includes, &b->includes) && cond_eq(&a->excludes, &b->excludes) &&
	       str_eq0(a->comment, b->comment);
}

static bool archmap_eq(const struct sk_profile *a, const struct sk_profile *b)
{
	if (a->n_archmap != b->n_archmap)
		return false;
	for (size_t i = 0; i < a->n_archmap; i++) {
		bool f = false;
		for (size_t j = 0; j < b->n_archmap && !f; j++)
			f = a->archmap[i].arch == b->archmap[j].arch &&
			    arch_set_eq(a->archmap[i].subs, a->archmap[i].n_subs, b->archmap[j].subs,
					b->archmap[j].n_subs);
		if (!f)
			return false;
	}
	return true;
}

bool sk_profile_equal(const struct sk_profile *a, const struct sk_profile *b)
{
	if (a->default_action != b->default_action ||
	    effective_errno(a->default_action, a->has_default_errno_ret, a->default_errno_ret) !=
		    effective_errno(b->default_action, b->has_default_errno_ret, b->default_errno_ret) ||
	    !arch_set_eq(a->arches, a->n_arches, b->arches, b->n_arches) || !archmap_eq(a, b) ||
	    a->flags != b->flags || !str_eq0(a->listener_path, b->listener_path) ||
	    !str_eq0(a->listener_metadata, b->listener_metadata) ||
	    !str_eq0(a->spo_base_profile, b->spo_base_profile) || a->n_rules != b->n_rules)
		return false;
	/* Multiset of rules: match each rule of A with an unused equal rule of B. */
	bool *used = calloc(b->n_rules ? b->n_rules : 1, sizeof *used);
	if (!used)
		return false;
	bool eq = true;
	for (size_t i = 0; i < a->n_rules && eq; i++) {
		bool f = false;
		for (size_t j = 0; j < b->n_rules && !f; j++)
			if (!used[j] && rule_eq(&a->rules[i], &b->rules[j]))
				used[j] = f = true;
		eq = f;
	}
	free(used);
	return eq;
}
