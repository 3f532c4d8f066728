/* SPDX-License-Identifier: Apache-2.0 */
/* The generated table behind scmpkit/fallback.h (see gen_fallbacks.py). */
#ifndef SK_PROFILE_FALLBACK_TABLE_H
#define SK_PROFILE_FALLBACK_TABLE_H

#include <stddef.h>

#include <scmpkit/fallback.h>

/* In the order of data/enosys-fallbacks.tsv. */
extern const struct sk_fallback sk_fallback_table[];
extern const size_t sk_fallback_table_len;

#endif
