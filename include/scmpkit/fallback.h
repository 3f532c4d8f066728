/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/fallback.h — calls whose callers fall back only on ENOSYS, and the
 * last step of every profile generator.
 *
 * glibc tries clone3 and falls back to clone only when the kernel says ENOSYS;
 * runtimes and libraries do the same for openat2, faccessat2, close_range,
 * statx (data/enosys-fallbacks.tsv). runc answers ENOSYS only for numbers
 * above the highest one a profile names: below it, a call the profile does
 * not name gets the default action, EPERM as a rule, and the caller fails
 * instead of falling back. Generators (record, learn, audit-profile) therefore
 * name such calls with an explicit ERRNO(38), and lint says where a profile
 * shadows one. All functions are pure except sk_profile_finish_generated. */
#ifndef SCMPKIT_FALLBACK_H
#define SCMPKIT_FALLBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>
#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sk_fallback {
	const char *name;     /* "clone3" */
	const char *fallback; /* "clone": what its callers use instead */
	const char *who;      /* who falls back, one line */
	bool always;          /* generators answer ENOSYS even when the program
	                         called it (clone3: flags a filter cannot read) */
};

size_t sk_fallback_count(void);
/* The I-th entry, in the data file's order; NULL past the end. */
const struct sk_fallback *sk_fallback_at(size_t i);
/* The entry of NAME, or NULL. */
const struct sk_fallback *sk_fallback_find(const char *name);

/* runc's threshold on ARCH: the highest number any rule of P names there
 * (every rule, also those runc skips; names that do not exist on ARCH, and on
 * multiplexing arches the socket and IPC calls libseccomp resolves to pseudo
 * numbers, do not count). -1 when P names nothing on ARCH. */
int64_t sk_profile_highest_nr(const struct sk_profile *p, enum sk_arch arch);

/* Whether runc answers NAME with P's default action where its callers need
 * ENOSYS: P's default neither allows nor logs and is not ERRNO(38) already,
 * no rule of P names NAME, and on one of P's architectures (the native one
 * always included) NAME's number lies below the highest number P names
 * there. *WHERE (may be NULL) gets that architecture. */
bool sk_profile_shadows(const struct sk_profile *p, const char *name, enum sk_arch *where);

/* The last step of every generator (record, learn, audit-profile), in place:
 *  - clone3, when an allowing rule (or an ERRNO rule with another errno)
 *    names it, leaves that rule and is answered ERRNO(38), as Docker's
 *    profile does: glibc then calls clone, whose flags a rule can check;
 *  - every fallback call P shadows (sk_profile_shadows) is answered ERRNO(38),
 *    in one rule with a comment saying why;
 *  - when clone3 is answered ERRNO(38), clone is allowed without namespace
 *    flags (Docker's check) unless a rule names clone or the default allows it
 *    (a warning in D when the rules naming clone let nothing through);
 *  - calls that escape the filter once allowed (io_uring) move to a rule of
 *    their own whose comment says so, with a warning in D.
 * Returns the number of names it answered ERRNO(38), or -ENOMEM. */
int sk_profile_finish_generated(struct sk_profile *p, struct sk_diags *d);

#ifdef __cplusplus
}
#endif
#endif
