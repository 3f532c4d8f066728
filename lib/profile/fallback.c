/* SPDX-License-Identifier: Apache-2.0 */
/* ENOSYS fallbacks (scmpkit/fallback.h): which calls a profile shadows under
 * runc, and the last step every generator takes.
 *
 * The facts are data (data/enosys-fallbacks.tsv); what is here is the one
 * reading of them that record, learn and audit-profile share, so that the
 * three write the same rules, and lint checks the same condition
 * (sk_profile_shadows) that the generators fix. */
#include <scmpkit/dangerous.h>
#include <scmpkit/fallback.h>

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "profile/fallback_table.h"
#include "profile/internal.h"

/* The clone flags that create namespaces, which Docker's profile keeps out of
 * clone for containers without CAP_SYS_ADMIN. */
#define CLONE_NS_FLAGS                                                                   \
	((uint64_t)(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |         \
		    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET))

static const char enosys_comment[] =
	"ENOSYS, not the default errno, so that callers fall back to the older call "
	"(clone3 to clone, openat2 to openat, ...): data/enosys-fallbacks.tsv";
static const char clone_comment[] =
	"clone3 answers ENOSYS: its flags sit in memory where seccomp cannot read them; "
	"glibc falls back to clone, allowed without namespace flags as in Docker's profile";
static const char bypass_comment[] =
	"io_uring: what the program submits through the ring bypasses seccomp and "
	"scmpkit record cannot see it; this profile does not limit what the ring does";

size_t sk_fallback_count(void)
{
	return sk_fallback_table_len;
}

const struct sk_fallback *sk_fallback_at(size_t i)
{
	return i < sk_fallback_table_len ? &sk_fallback_table[i] : NULL;
}

const struct sk_fallback *sk_fallback_find(const char *name)
{
	for (size_t i = 0; name && i < sk_fallback_table_len; i++)
		if (!strcmp(sk_fallback_table[i].name, name))
			return &sk_fallback_table[i];
	return NULL;
}

int64_t sk_profile_highest_nr(const struct sk_profile *p, enum sk_arch arch)
{
	int64_t max = -1;
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++) {
			const char *name = p->rules[i].names[j];
			int64_t nr = sk_syscall_nr(arch, name);
			if (nr > max && !sk_syscall_muxed(arch, name, NULL, NULL))
				max = nr;
		}
	return max;
}

/* runc's ENOSYS stub is off when the default lets calls through, and moot
 * when the default answers ENOSYS itself. */
static bool stub_active(const struct sk_profile *p)
{
	enum sk_action a = p->default_action;
	if (a == SK_ACT_ALLOW || a == SK_ACT_LOG || a == SK_ACT_TRACE)
		return false;
	return !(a == SK_ACT_ERRNO && p->has_default_errno_ret && p->default_errno_ret == ENOSYS);
}

static bool named(const struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (sk_rule_names(&p->rules[i], name))
			return true;
	return false;
}

bool sk_profile_shadows(const struct sk_profile *p, const char *name, enum sk_arch *where)
{
	if (!stub_active(p) || named(p, name))
		return false;
	enum sk_arch arches[SK_ARCH_COUNT + 1];
	size_t n = sk_profile_arches(p, arches);
	arches[n++] = sk_arch_native(); /* runc always filters the native arch */
	for (size_t i = 0; i < n; i++) {
		int64_t nr = sk_syscall_nr(arches[i], name);
		if (nr < 0 || sk_syscall_muxed(arches[i], name, NULL, NULL) ||
		    nr >= sk_profile_highest_nr(p, arches[i]))
			continue;
		if (where)
			*where = arches[i];
		return true;
	}
	return false;
}

/* Take NAME out of rule I; the rule goes when no name is left. */
static void drop_name(struct sk_profile *p, size_t i, const char *name)
{
	struct sk_rule *r = &p->rules[i];
	for (size_t j = r->n_names; j-- > 0;)
		if (!strcmp(r->names[j], name))
			sk_rule_remove_name(r, j);
	if (!r->n_names)
		sk_profile_remove_rule(p, i);
}

/* NAME into the profile's plain ERRNO(ENOSYS) rule, made when there is none. */
static int answer_enosys(struct sk_profile *p, const char *name)
{
	struct sk_rule *to = NULL;
	for (size_t i = 0; i < p->n_rules && !to; i++) {
		struct sk_rule *r = &p->rules[i];
		if (r->action == SK_ACT_ERRNO && r->has_errno_ret && r->errno_ret == ENOSYS &&
		    sk_rule_plain(r))
			to = r;
	}
	if (to)
		return sk_rule_add_name(to, name);
	to = sk_profile_add_rule(p, &name, 1, SK_ACT_ERRNO);
	if (!to || !(to->comment = strdup(enosys_comment)))
		return -ENOMEM;
	to->has_errno_ret = true;
	to->errno_ret = ENOSYS;
	return 0;
}

static bool permits(enum sk_action a)
{
	return a == SK_ACT_ALLOW || a == SK_ACT_LOG;
}

/* Some rule with an allowing action names NAME (with or without arguments). */
static bool names_allowing(const struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (permits(p->rules[i].action) && sk_rule_names(&p->rules[i], name))
			return true;
	return false;
}

/* clone's flags are its first argument, except on s390(x), where the first
 * two are swapped; -1 when the profile has arches of both kinds. */
static int clone_flags_arg(const struct sk_profile *p)
{
	enum sk_arch arches[SK_ARCH_COUNT];
	size_t n = sk_profile_arches(p, arches), s390 = 0;
	for (size_t i = 0; i < n; i++)
		s390 += arches[i] == SK_ARCH_S390 || arches[i] == SK_ARCH_S390X;
	return s390 == 0 ? 0 : s390 == n ? 1 : -1;
}

/* A call answered ENOSYS always (clone3) out of the rules that let it through
 * (or answer it with another errno, which stops the fallback), and answered
 * ENOSYS. 1 when it was taken, 0 when no such rule had it, -ENOMEM. */
static int answer_always(struct sk_profile *p, const char *name)
{
	bool taken = false;
	for (size_t i = p->n_rules; i-- > 0;) {
		const struct sk_rule *r = &p->rules[i];
		bool other_errno = r->action == SK_ACT_ERRNO &&
				   !(r->has_errno_ret && r->errno_ret == ENOSYS);
		if (!sk_rule_plain(r) || !sk_rule_names(r, name) ||
		    !(permits(r->action) || other_errno))
			continue;
		taken = true;
		drop_name(p, i, name);
	}
	if (taken && answer_enosys(p, name) < 0)
		return -ENOMEM;
	return taken;
}

/* A profile that answers clone3 ENOSYS sends glibc to clone: allow it with
 * the flag check Docker's profile has, unless a rule of P decides clone
 * already (then a warning when that rule does not let it through). */
static int allow_clone(struct sk_profile *p, struct sk_diags *d)
{
	bool nosys = false;
	for (size_t i = 0; i < p->n_rules && !nosys; i++)
		nosys = p->rules[i].action == SK_ACT_ERRNO && p->rules[i].has_errno_ret &&
			p->rules[i].errno_ret == ENOSYS && sk_rule_names(&p->rules[i], "clone3");
	if (!nosys || permits(p->default_action))
		return 0;
	if (named(p, "clone")) {
		if (!sk_profile_allows_outright(p, "clone") && !names_allowing(p, "clone"))
			sk_diags_add(d, SK_SEV_WARNING, p->file, 0, 0, "generate-clone3",
				     "clone3 answers ENOSYS so that glibc falls back to clone, but "
				     "no rule lets clone through: creating threads and processes fails");
		return 0;
	}
	const char *name = "clone";
	struct sk_rule *c = sk_profile_add_rule(p, &name, 1, SK_ACT_ALLOW);
	int arg = clone_flags_arg(p);
	if (!c || !(c->comment = strdup(clone_comment)) ||
	    (arg >= 0 && sk_rule_add_arg(c, (unsigned)arg, SK_OP_MASKED_EQ, CLONE_NS_FLAGS, 0) < 0))
		return -ENOMEM;
	return 0;
}

/* An allowing plain rule, other than one of ours, that names a call through
 * which a program escapes the filter: its index, and the name's. */
static bool find_bypass(const struct sk_profile *p, size_t *ri, size_t *ni)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		if (!permits(r->action) || !sk_rule_plain(r) ||
		    (r->comment && !strcmp(r->comment, bypass_comment)))
			continue;
		for (size_t j = 0; j < r->n_names; j++)
			if (sk_dangerous_bypasses(r->names[j])) {
				*ri = i;
				*ni = j;
				return true;
			}
	}
	return false;
}

/* Allowed calls through which a program escapes the filter move to a rule of
 * their own whose comment says so, with a warning; nothing is taken away. */
static int mark_bypasses(struct sk_profile *p, struct sk_diags *d)
{
	size_t i, j;
	while (find_bypass(p, &i, &j)) {
		enum sk_action a = p->rules[i].action;
		char *name = strdup(p->rules[i].names[j]);
		if (!name)
			return -ENOMEM;
		sk_diags_add(d, SK_SEV_WARNING, p->file, 0, 0, "generate-bypass", "%s is allowed: %s",
			     name, sk_dangerous_reason(name));
		drop_name(p, i, name);
		struct sk_rule *to = NULL;
		for (size_t k = 0; k < p->n_rules && !to; k++)
			if (p->rules[k].action == a && sk_rule_plain(&p->rules[k]) &&
			    p->rules[k].comment && !strcmp(p->rules[k].comment, bypass_comment))
				to = &p->rules[k];
		int rc = to ? sk_rule_add_name(to, name) : 0;
		if (!to && (!(to = sk_profile_add_rule(p, (const char *const *)&name, 1, a)) ||
			    !(to->comment = strdup(bypass_comment))))
			rc = -ENOMEM;
		free(name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sk_profile_finish_generated(struct sk_profile *p, struct sk_diags *d)
{
	int answered = 0;
	for (size_t i = 0; i < sk_fallback_table_len; i++) {
		int r = sk_fallback_table[i].always ? answer_always(p, sk_fallback_table[i].name) : 0;
		if (r < 0)
			return r;
		answered += r;
	}
	/* to a fixpoint: each name answered raises its own arches' thresholds,
	 * which can shadow another fallback there */
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < sk_fallback_table_len; i++) {
			const char *name = sk_fallback_table[i].name;
			if (!sk_profile_shadows(p, name, NULL))
				continue;
			if (answer_enosys(p, name) < 0)
				return -ENOMEM;
			answered++;
			more = true;
		}
	}
	int r = allow_clone(p, d);
	if (!r)
		r = mark_bypasses(p, d);
	return r < 0 ? r : answered;
}
