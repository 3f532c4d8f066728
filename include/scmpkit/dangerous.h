/* scmpkit/dangerous.h — the syscalls Docker's default profile blocks, and why.
 *
 * The list is Docker's documented table "Significant syscalls blocked by the
 * default profile" (data/dangerous-syscalls.tsv, compiled in at build time).
 * lint warns when a profile allows one; audit mode blocks them while logging
 * the rest. All functions are pure and thread-safe.
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

/* Iteration in name order; false past the end. */
size_t sk_dangerous_count(void);
bool sk_dangerous_at(size_t i, const char **name, const char **reason);

#ifdef __cplusplus
}
#endif
#endif
