/* SPDX-License-Identifier: Apache-2.0 */
/* Untrusted text made safe for a terminal (escape.h). */
#include <scmpkit/escape.h>

#include <string.h>

#include "util/strbuf.h"
#include "util/utf8.h"

static size_t next(const unsigned char *s, size_t i, size_t len, int *bad, int backslash)
{
	size_t n = sk_utf8_seq_len(s + i, len - i);
	/* C0, DEL and the C1 controls (U+0080..U+009F, 0xc2 0x80..0x9f): a
	 * terminal acts on each of them */
	*bad = !n || s[i] < 0x20 || s[i] == 0x7f || (backslash && s[i] == '\\') ||
	       (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0);
	return n ? n : 1;
}

int sk_needs_escape(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		int bad;
		i += next(u, i, len, &bad, 1);
		if (bad)
			return 1;
	}
	return 0;
}

static char *escape(const char *s, size_t len, int backslash)
{
	const unsigned char *u = (const unsigned char *)s;
	struct sk_sb sb = SK_SB_INIT;
	for (size_t i = 0; i < len;) {
		int bad;
		size_t n = next(u, i, len, &bad, backslash);
		if (!bad) {
			sk_sb_add(&sb, s + i, n);
		} else {
			for (size_t k = 0; k < n; k++) {
				switch (u[i + k]) {
				case '\n': sk_sb_adds(&sb, "\\n"); break;
				case '\r': sk_sb_adds(&sb, "\\r"); break;
				case '\t': sk_sb_adds(&sb, "\\t"); break;
				case 0x1b: sk_sb_adds(&sb, "\\e"); break;
				case '\\': sk_sb_adds(&sb, "\\\\"); break;
				default: sk_sb_addf(&sb, "\\x%02x", u[i + k]); break;
				}
			}
		}
		i += n;
	}
	return sk_sb_detach(&sb, NULL);
}

char *sk_escape_mem(const char *s, size_t len)
{
	return escape(s, len, 1);
}

char *sk_escape(const char *s)
{
	return escape(s, strlen(s), 1);
}

char *sk_escape_controls(const char *s)
{
	return escape(s, strlen(s), 0);
}
