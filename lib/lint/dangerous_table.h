/* SPDX-License-Identifier: Apache-2.0 */
/* The generated table behind scmpkit/dangerous.h (see gen_dangerous.py). */
#ifndef SK_LINT_DANGEROUS_TABLE_H
#define SK_LINT_DANGEROUS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

struct sk_dangerous_entry {
	const char *name;
	const char *reason;
	bool args_only; /* dangerous only with some arguments (clone, personality) */
	bool bypasses;  /* what goes through it escapes seccomp (io_uring) */
};

/* Sorted by name. */
extern const struct sk_dangerous_entry sk_dangerous_table[];
extern const size_t sk_dangerous_table_len;

#endif
