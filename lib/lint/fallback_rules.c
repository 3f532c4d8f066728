/* SPDX-License-Identifier: Apache-2.0 */
/* lint: calls whose callers fall back only on ENOSYS (scmpkit/fallback.h),
 * answered otherwise by a profile under runc.
 *
 * The condition is the one the generators fix (sk_profile_shadows), so that a
 * profile scmpkit wrote never has this finding; a profile written by hand, or
 * one that --runtime runc is about to extend, can. runc's own calls count:
 * adding faccessat2 (439 on x86_64) raises the threshold past clone3, openat2
 * and close_range, and a profile that was fine becomes one that is not. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <scmpkit/fallback.h>
#include <scmpkit/runtime.h>

#include "lint/internal.h"

static const char fix[] =
	"answer it ENOSYS explicitly: {\"names\": [...], \"action\": \"SCMP_ACT_ERRNO\", "
	"\"errnoRet\": 38}, as Docker's profile does for clone3 (scmpkit record and learn "
	"write this rule)";

/* A plain ERRNO rule that names NAME with another errno than ENOSYS. */
static const struct sk_rule *other_errno(const struct sk_profile *p, const char *name,
					 size_t *at)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		if (r->action != SK_ACT_ERRNO || (r->has_errno_ret && r->errno_ret == ENOSYS) ||
		    r->n_args || r->has_includes || r->has_excludes)
			continue;
		for (size_t j = 0; j < r->n_names; j++)
			if (!strcmp(r->names[j], name)) {
				*at = j;
				return r;
			}
	}
	return NULL;
}

int sk_lint_fallbacks(const struct sk_profile *p, struct sk_diags *out)
{
	struct sk_pos def = p->default_action_pos.line ? p->default_action_pos : p->pos;
	/* the profile as record/learn --runtime runc would extend it */
	struct sk_profile *with_runc = sk_profile_clone(p);
	struct sk_diags scratch = {0};
	int rc = with_runc ? sk_profile_allow_runtime(with_runc, "runc", &scratch) : -ENOMEM;
	sk_diags_free(&scratch);
	if (rc < 0) {
		sk_profile_free(with_runc);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sk_fallback_count(); i++) {
		const struct sk_fallback *f = sk_fallback_at(i);
		enum sk_arch a = SK_ARCH_INVALID;
		size_t j;
		const struct sk_rule *r = other_errno(p, f->name, &j);
		if (r) {
			struct sk_pos at = r->name_pos && r->name_pos[j].line ? r->name_pos[j] : r->pos;
			sk_lint_report(out, "enosys-fallback", p->file, at, fix,
				       "'%s' answers ERRNO(%u): %s fall back to %s only on ENOSYS",
				       f->name, r->has_errno_ret ? r->errno_ret : 1u, f->who,
				       f->fallback);
		} else if (sk_profile_shadows(p, f->name, &a)) {
			sk_lint_report(out, "enosys-fallback", p->file, def, fix,
				       "'%s' is not named and lies below the highest call the profile "
				       "names on %s: runc answers it with the default action, not "
				       "ENOSYS, so %s cannot fall back to %s",
				       f->name, sk_arch_info(a)->short_name, f->who, f->fallback);
		} else if (with_runc && sk_profile_shadows(with_runc, f->name, &a)) {
			/* a note: record and learn --runtime runc write the rule then */
			size_t before = out->n;
			sk_lint_report(out, "enosys-fallback", p->file, def, fix,
				       "'%s' will lie below the highest call on %s once runc's own "
				       "calls are allowed (--runtime runc): runc then answers it with "
				       "the default action, not ENOSYS, so %s cannot fall back to %s",
				       f->name, sk_arch_info(a)->short_name, f->who, f->fallback);
			if (out->n > before)
				out->v[out->n - 1].severity = SK_SEV_NOTE;
		}
	}
	sk_profile_free(with_runc);
	return 0;
}
