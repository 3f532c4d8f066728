/* SPDX-License-Identifier: Apache-2.0 */
/* sk_profile_merge: the union of profiles — every arch, every rule. Rules are
 * appended in order and the result normalized, which merges rules that differ
 * only in their names and drops duplicate names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile_ops.h>

#include "profile/internal.h"

static bool allowing(enum sk_action a)
{
	return a == SK_ACT_ALLOW || a == SK_ACT_LOG;
}

static int append_rule(struct sk_profile *p, const struct sk_rule *src)
{
	if (sk_grow((void **)&p->rules, &(size_t){p->n_rules}, p->n_rules, sizeof *p->rules) < 0)
		return -ENOMEM;
	struct sk_rule *dst = &p->rules[p->n_rules];
	memset(dst, 0, sizeof *dst);
	if (sk_rule_copy(dst, src) < 0) {
		sk_rule_clear(dst);
		return -ENOMEM;
	}
	p->n_rules++;
	return 0;
}

struct sk_profile *sk_profile_merge(const struct sk_profile *const *v, size_t n,
				    struct sk_diags *d)
{
	if (!n)
		return sk_profile_new();
	struct sk_profile *out = sk_profile_clone(v[0]);
	if (!out)
		goto nomem;
	free(out->file);
	out->file = NULL;
	enum sk_arch arches[SK_ARCH_COUNT];
	for (size_t i = 0; i < n; i++) {
		const struct sk_profile *p = v[i];
		/* an allow-list merged with a deny-list is neither: say so */
		if (i && (p->default_action != out->default_action ||
			  p->default_errno_ret != out->default_errno_ret)) {
			sk_diags_add(d, allowing(p->default_action) != allowing(out->default_action)
					    ? SK_SEV_ERROR : SK_SEV_WARNING,
				     p->file, p->default_action_pos.line, p->default_action_pos.col,
				     "merge-default", "default action %s differs from the first "
				     "profile's %s; the union keeps %s", sk_action_name(p->default_action),
				     sk_action_name(out->default_action), sk_action_name(out->default_action));
			if (allowing(p->default_action) != allowing(out->default_action))
				goto fail;
		}
		size_t na = sk_profile_arches(p, arches);
		for (size_t j = 0; j < na; j++)
			if (sk_profile_add_arch(out, arches[j]) < 0)
				goto nomem;
		if (!i)
			continue;
		for (size_t r = 0; r < p->n_rules; r++)
			if (append_rule(out, &p->rules[r]) < 0)
				goto nomem;
	}
	/* archMap (Docker) and architectures together are invalid: the union is
	 * expressed as architectures, which now hold every arch of every side */
	for (size_t i = 0; i < out->n_archmap; i++)
		free(out->archmap[i].subs);
	free(out->archmap);
	out->archmap = NULL;
	out->n_archmap = 0;
	if (sk_profile_normalize(out, d) < 0)
		goto fail;
	return out;
nomem:
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "merge-nomem", "out of memory");
fail:
	sk_profile_free(out);
	return NULL;
}
