/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/dangerous.h — the syscalls a container profile should not allow
 * without a reason, and why.
 *
 * The list (data/dangerous-syscalls.tsv, compiled in at build time) is
 * Docker's documented table "Significant syscalls blocked by the default
 * profile", every call its profile allows only with a capability outside its
 * default set, the newer calls of the same kind, and io_uring. lint warns
 * when a profile allows one; learn holds them back unless asked; audit mode
 * blocks them while logging the rest. All functions are pure and thread-safe.
 */
#ifndef SCMPKIT_DANGEROUS_H
#define SCMPKIT_DANGEROUS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why SYSCALL is dangerous in a container (one line), or NULL when it is not
 * on the list. */
const char *sk_dangerous_reason(const char *syscall);

/* True for the calls that are dangerous only with some arguments and that
 * ordinary programs need otherwise (clone: namespace flags; personality:
 * non-standard personas). Docker allows them with an argument filter; a
 * profile that blocks them outright breaks threads and fork. False for calls
 * not on the list. */
bool sk_dangerous_args_only(const char *syscall);

/* True for the calls through which a program escapes the filter once they are
 * allowed (io_uring: operations submitted through the ring are made by the
 * kernel without a syscall seccomp sees, and record cannot see them either). */
bool sk_dangerous_bypasses(const char *syscall);

/* Iteration in name order; false past the end. */
size_t sk_dangerous_count(void);
bool sk_dangerous_at(size_t i, const char **name, const char **reason);

#ifdef __cplusplus
}
#endif
#endif
