/* SPDX-License-Identifier: Apache-2.0 */
/* The one growable byte buffer; invariants in strbuf.h. */
#include "util/strbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Written only ever with its NUL: no appender touches it (cap is 0). */
char sk_sb_empty[1];

void sk_sb_init(struct sk_sb *sb)
{
	*sb = (struct sk_sb)SK_SB_INIT;
}

int sk_sb_grow(struct sk_sb *sb, size_t extra)
{
	if (sb->oom)
		return -ENOMEM;
	if (extra >= SIZE_MAX - sb->len - 1)
		goto oom;
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *nb = realloc(sb->cap ? sb->buf : NULL, cap);
	if (!nb)
		goto oom;
	if (!sb->cap)
		nb[0] = 0;
	sb->buf = nb;
	sb->cap = cap;
	return 0;
oom:
	sb->oom = true;
	return -ENOMEM;
}

void sk_sb_add(struct sk_sb *sb, const void *data, size_t len)
{
	if (!len || sk_sb_grow(sb, len) < 0)
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = 0;
}

void sk_sb_adds(struct sk_sb *sb, const char *s)
{
	sk_sb_add(sb, s, strlen(s));
}

void sk_sb_addc(struct sk_sb *sb, char c)
{
	sk_sb_add(sb, &c, 1);
}

void sk_sb_addchars(struct sk_sb *sb, char c, size_t count)
{
	if (!count || sk_sb_grow(sb, count) < 0)
		return;
	memset(sb->buf + sb->len, c, count);
	sb->len += count;
	sb->buf[sb->len] = 0;
}

void sk_sb_vaddf(struct sk_sb *sb, const char *fmt, va_list ap)
{
	if (sb->oom)
		return;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->oom = true; /* an encoding error: no honest text to return */
		return;
	}
	if (sk_sb_grow(sb, (size_t)n) < 0)
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sk_sb_addf(struct sk_sb *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sk_sb_setlen(struct sk_sb *sb, size_t len)
{
	if (len > sb->len)
		return;
	sb->len = len;
	if (sb->cap)
		sb->buf[len] = 0;
}

void sk_sb_reset(struct sk_sb *sb)
{
	sk_sb_setlen(sb, 0);
}

char *sk_sb_detach(struct sk_sb *sb, size_t *len)
{
	if (sb->oom) {
		sk_sb_release(sb);
		return NULL;
	}
	char *s = sb->cap ? sb->buf : strdup("");
	if (len)
		*len = s ? sb->len : 0;
	sk_sb_init(sb);
	return s;
}

void sk_sb_release(struct sk_sb *sb)
{
	if (sb->cap)
		free(sb->buf);
	sk_sb_init(sb);
}
