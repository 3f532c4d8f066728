/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the one growable byte buffer (the role of git's strbuf).
 *
 * Invariants, which every function below keeps:
 *   - `buf` is never NULL: an initialised buffer points at a shared empty
 *     string until the first append allocates, so `sb.buf` can always be
 *     printed or compared;
 *   - `buf[len]` is always NUL, so the contents are a C string whenever they
 *     hold no NUL bytes of their own;
 *   - out of memory is sticky: the first failed growth sets `oom`, later
 *     appends do nothing, and sk_sb_detach() returns NULL. A builder can then
 *     append freely and check once at the end, and never returns half a text
 *     as if it were whole.
 * Initialise with SK_SB_INIT (or sk_sb_init); release with sk_sb_release or
 * hand the string over with sk_sb_detach. */
#ifndef SK_UTIL_STRBUF_H
#define SK_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

extern char sk_sb_empty[1];

struct sk_sb {
	char *buf;
	size_t len;
	size_t cap; /* 0 while buf is sk_sb_empty */
	bool oom;
};

#define SK_SB_INIT {.buf = sk_sb_empty}

void sk_sb_init(struct sk_sb *sb);
/* Room for EXTRA more bytes (plus the NUL); 0 or -ENOMEM (and oom set). */
int sk_sb_grow(struct sk_sb *sb, size_t extra);
void sk_sb_add(struct sk_sb *sb, const void *data, size_t len);
void sk_sb_adds(struct sk_sb *sb, const char *s);
void sk_sb_addc(struct sk_sb *sb, char c);
/* COUNT copies of C (indentation). */
void sk_sb_addchars(struct sk_sb *sb, char c, size_t count);
void sk_sb_addf(struct sk_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sk_sb_vaddf(struct sk_sb *sb, const char *fmt, va_list ap);
/* Cut to LEN (<= len). */
void sk_sb_setlen(struct sk_sb *sb, size_t len);
/* Empty it, keeping the allocation (and the oom flag). */
void sk_sb_reset(struct sk_sb *sb);
/* The contents as a malloc'ed string the caller owns (never NULL unless out
 * of memory, then NULL and the buffer is freed); the buffer is left empty. */
char *sk_sb_detach(struct sk_sb *sb, size_t *len);
void sk_sb_release(struct sk_sb *sb);

#endif
