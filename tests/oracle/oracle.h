/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only oracle: libseccomp building a filter the way runc 1.1.5 does
 * (libcontainer/seccomp/seccomp_linux.go), a random profile generator, and the
 * equivalence check between scmpkit's program and libseccomp's. Linked into
 * tests and benchmarks only, never into libscmpkit or the scmpkit binary. */
#ifndef SCMPKIT_TEST_ORACLE_H
#define SCMPKIT_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/bpf.h>
#include <scmpkit/profile.h>

/* libseccomp's SCMP_ARCH_* token for ARCH; 0 when libseccomp 2.5.4 lacks it. */
uint32_t oracle_arch_token(enum sk_arch arch);

/* libseccomp's number for NAME on ARCH, or -1 when it does not know the call
 * there (negative pseudo numbers count as unknown). */
int oracle_syscall_nr(enum sk_arch arch, const char *name);

/* Build P (resolved: plain OCI, no Docker conditions) with libseccomp as runc
 * 1.1.5 does and export it. TREE sets SCMP_FLTATR_CTL_OPTIMIZE=2 (the binary
 * tree upstream runc uses above 32 entries; Debian's runc never does). Returns
 * 0, or a negative errno with runc's reason in ERR when runc would refuse the
 * profile. Skipped rules (action equal to the default, names libseccomp cannot
 * resolve) are counted in *SKIPPED when not NULL. */
int oracle_runc_filter(const struct sk_profile *p, bool tree, struct sk_bpf_prog *out,
		       size_t *skipped, char *err, size_t errsize);

/* The libseccomp filter context behind oracle_runc_filter (caller releases
 * it with seccomp_release; void * to keep <seccomp.h> out of this header). */
int oracle_runc_ctx(const struct sk_profile *p, bool tree, void **ctx, size_t *skipped,
		    char *err, size_t errsize);

/* The reference (reference.c): libseccomp's rule database for P as runc builds
 * it, exported as pseudo filter code and evaluated in plain C, without BPF. */
struct oracle_ref;
int oracle_ref_build(const struct sk_profile *p, struct oracle_ref **out, char *err,
		     size_t errsize);
uint32_t oracle_ref_eval(const struct oracle_ref *r, const struct sk_seccomp_data *d);
void oracle_ref_free(struct oracle_ref *r);

/* A random OCI profile from SEED: random default and rule actions, names (some
 * absent on some arches, some newer than libseccomp, some unknown), args with
 * every op and values around 32-bit boundaries, and a random set of the arches
 * libseccomp knows (x86_64 always: it is the native arch). Deterministic. */
struct sk_profile *randprof_make(uint64_t seed);

/* P with every rule split into one rule per name (the same action, errno,
 * arguments, conditions and comment, in the same order): what runc feeds
 * libseccomp does not change, since it adds rule by rule and name by name.
 * The shape of profiles written one call per rule (chrome.json). */
struct sk_profile *randprof_split(const struct sk_profile *p);

/* ---- equivalence ----------------------------------------------------------- */

struct equiv_report {
	size_t points;     /* seccomp_data inputs compared */
	size_t mismatches;
	size_t excluded;   /* numbers libseccomp does not know the same way */
	/* with a reference: inputs where scmpkit agrees with libseccomp's own
	 * rule database but libseccomp's BPF does not (libseccomp's bug), and
	 * inputs where the reference disagrees with libseccomp's BPF while
	 * scmpkit agrees with the BPF (a broken reference: counted as mismatches) */
	size_t libseccomp_bugs;
	size_t ref_disagrees;
	char first_bug[512];
	char first[512];   /* the first mismatch, described */
};

/* Run SET (scmpkit) and THEIRS (libseccomp) on every syscall number 0..1023 of
 * every arch of RESOLVED (MIPS from its ABI base; x32 numbers on x86_64's audit
 * arch), with argument values around every constant the profile compares, and
 * on a foreign arch; count the inputs on which the return values differ. */
int equiv_compare(const struct sk_profile *resolved, const struct sk_filter_set *set,
		  const struct sk_bpf_prog *theirs, struct equiv_report *rep);
/* The same with REF (may be NULL): a difference where scmpkit equals the
 * reference is libseccomp's bug, not a mismatch. */
int equiv_compare_ref(const struct sk_profile *resolved, const struct sk_filter_set *set,
		      const struct sk_bpf_prog *theirs, const struct oracle_ref *ref,
		      struct equiv_report *rep);

#endif
