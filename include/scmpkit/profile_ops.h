/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/profile_ops.h — operations across profiles: union, difference, cover.
 *
 * They compare what profiles ALLOW, per architecture, not how they are
 * written: a call is allowed on an arch when the profile lists the arch and a
 * rule with an allowing action (SCMP_ACT_ALLOW, SCMP_ACT_LOG) names it (or, in
 * a deny-list, when no denying rule does). Rules with argument conditions allow
 * a call "conditionally"; conditions are compared as written (the same
 * comparisons, in any order), which is sound: a profile is only said to cover
 * a conditional allowance it contains word for word or allows unconditionally.
 * Docker-format conditions (includes/excludes) are resolved for this host first.
 */
#ifndef SCMPKIT_PROFILE_OPS_H
#define SCMPKIT_PROFILE_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The union of N profiles: every arch and every rule of each, duplicates
 * removed (normalized). The first profile's default action wins; a different
 * default elsewhere is a warning. NULL with an error in D on failure. */
struct sk_profile *sk_profile_merge(const struct sk_profile *const *v, size_t n,
				    struct sk_diags *d);

enum sk_delta_kind {
	SK_DELTA_ARCH,    /* an architecture only one side lists */
	SK_DELTA_DEFAULT, /* the default actions differ */
	SK_DELTA_SYSCALL, /* a call (or one argument condition of it) */
};

/* One difference: something side `side` (0 = A, 1 = B) allows that the other
 * side does not. */
struct sk_delta {
	enum sk_delta_kind kind;
	int side;
	enum sk_arch arch;  /* SK_ARCH_INVALID for DEFAULT */
	const char *name;   /* SYSCALL: the call (static string) */
	char *detail;       /* "arg1 == 0x5401" for a condition, the default
			     * action for DEFAULT; NULL for a plain call */
};

struct sk_deltas {
	struct sk_delta *v;
	size_t n, cap;
};

/* Every difference between A and B, ordered by arch, then name. Returns 0 or
 * -errno (-ENOMEM, or -EINVAL with a diag when a profile cannot be resolved). */
int sk_profile_diff(const struct sk_profile *a, const struct sk_profile *b,
		    struct sk_deltas *out, struct sk_diags *d);

/* What B allows that A does not (side 1 entries of the diff, plus B's
 * allowing default action). Empty when A covers B. */
int sk_profile_cover(const struct sk_profile *a, const struct sk_profile *b,
		     struct sk_deltas *missing, struct sk_diags *d);

void sk_deltas_free(struct sk_deltas *v);

/* In place: the rules regrouped so that names whose rules decide alike (the
 * same action and errno as runc returns them, the same arguments and
 * conditions) share one rule wherever the order of the rules for each call
 * allows it (the same call: the same name or number, or the same
 * socketcall/ipc multiplexer). What a filter decides does not change; and
 * since only the sequence of names and matches counts, not how it was cut
 * into rules, a profile with one rule per call and one with one rule per
 * action come out the same. Comments and errno spellings are dropped, rules
 * without names too; positions stay. The compiler runs this first. 0, or
 * -ENOMEM, after which P has lost names: free it. */
int sk_profile_merge_alike(struct sk_profile *p);

#ifdef __cplusplus
}
#endif
#endif
