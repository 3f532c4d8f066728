/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the files of lib/profile (not public API). */
#ifndef SCMPKIT_PROFILE_INTERNAL_H
#define SCMPKIT_PROFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/profile.h>

#include "util/grow.h"


/* Deep copies and frees of the parts of a profile. */
void sk_rule_clear(struct sk_rule *r);
int sk_rule_copy(struct sk_rule *dst, const struct sk_rule *src);
/* Everything of SRC but its names, comment and errno spelling (DST owns its copies). */
int sk_rule_copy_match(struct sk_rule *dst, const struct sk_rule *src);
void sk_cond_clear(struct sk_cond *c);
int sk_cond_copy(struct sk_cond *dst, const struct sk_cond *src);
int sk_strv_push(char ***v, size_t *n, const char *s);

/* True when the condition restricts anything (Docker's includes/excludes). */
bool sk_cond_empty(const struct sk_cond *c);

/* Number of names in a table of errno names, and the I-th (name, value). */
size_t sk_errno_table_count(void);
const char *sk_errno_table_at(size_t i, int *value);

/* Largest errno value a rule may return: SECCOMP_RET_DATA is 16 bits, but only
 * values below 4096 come back from a syscall as -errno (libc treats the range
 * -4095..-1 as errors); larger values would look like successful results. */
#define SK_ERRNO_MAX 4095u

#endif
