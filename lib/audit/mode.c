/* SPDX-License-Identifier: Apache-2.0 */
/* Audit mode (P5): allow the known, block the known-dangerous, log the rest.
 *
 * The result is an ordinary profile (defaultAction SCMP_ACT_LOG) that any
 * runtime loads; runc skips its ENOSYS rule for a permissive default, so
 * nothing new is denied. Docker's conditions (includes/excludes) are resolved
 * for this host first: a conditional ALLOW next to an unconditional ERRNO for
 * the same call is a conflict libseccomp refuses.
 *
 * It lives with the audit records because it is the first half of the loop
 * learn closes; it reads the profile and the dangerous list through their
 * public headers only (profile.h, dangerous.h).
 */
#include <scmpkit/audit.h>
#include <scmpkit/dangerous.h>
#include <scmpkit/fallback.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_deny(enum sk_action a)
{
	return a == SK_ACT_KILL_THREAD || a == SK_ACT_KILL_PROCESS || a == SK_ACT_TRAP ||
	       a == SK_ACT_ERRNO;
}

/* Keep only the dangerous names of a deny rule; false when none is left. */
static bool keep_dangerous(struct sk_rule *r)
{
	for (size_t i = r->n_names; i-- > 0;)
		if (!sk_dangerous_reason(r->names[i]))
			sk_rule_remove_name(r, i);
	return r->n_names > 0;
}

static bool named(const struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (!strcmp(p->rules[i].names[j], name))
				return true;
	return false;
}

struct sk_profile *sk_profile_audit_mode(const struct sk_profile *p, struct sk_diags *diags)
{
	struct sk_profile *q;
	if (sk_profile_has_conditions(p)) {
		struct sk_resolve_opts ro = {.arch = SK_ARCH_INVALID, .kernel_major = -1,
					     .kernel_minor = -1};
		q = sk_profile_resolve(p, &ro, diags);
		if (!q)
			return NULL;
		sk_diags_add(diags, SK_SEV_NOTE, p->file, 0, 0, "audit-resolved",
			     "Docker's includes/excludes were resolved for this host (native "
			     "architecture, Docker's default capabilities) before the conversion");
	} else {
		q = sk_profile_clone(p);
		if (!q)
			return NULL;
	}

	/* the errno a blocked call gets: the profile's own, else EPERM as Docker */
	uint32_t err = 1;
	if (p->default_action == SK_ACT_ERRNO && p->has_default_errno_ret)
		err = p->default_errno_ret;

	for (size_t i = q->n_rules; i-- > 0;)
		if (is_deny(q->rules[i].action) && !keep_dangerous(&q->rules[i]))
			sk_profile_remove_rule(q, i);
	if (is_deny(q->default_action)) {
		q->default_action = SK_ACT_LOG;
		q->has_default_errno_ret = false;
		q->default_errno_ret = 0;
		free(q->default_errno_name);
		q->default_errno_name = NULL;
	}

	/* Docker's blocked list, minus what the profile decides itself and the
	 * calls dangerous only with some arguments (blocking clone outright would
	 * break fork and threads). */
	struct sk_rule *block = NULL;
	const char *name, *reason;
	for (size_t i = 0; sk_dangerous_at(i, &name, &reason); i++) {
		if (sk_dangerous_args_only(name) || named(q, name) || !sk_syscall_known(name))
			continue;
		if (!block) {
			block = sk_profile_add_rule(q, &name, 1, SK_ACT_ERRNO);
			if (!block)
				goto nomem;
			block->has_errno_ret = true;
			block->errno_ret = err;
			block->comment = strdup("audit mode: Docker's blocked syscalls stay "
						"blocked (scmpkit: data/dangerous-syscalls.tsv)");
			if (!block->comment)
				goto nomem;
		} else if (sk_rule_add_name(block, name) < 0) {
			goto nomem;
		}
	}
	if (sk_profile_finish_generated(q, diags) < 0)
		goto nomem;
	return q;
nomem:
	sk_profile_free(q);
	sk_diags_add(diags, SK_SEV_ERROR, p->file, 0, 0, NULL, "out of memory");
	return NULL;
}
