/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
#include "util/utf8.h"

#include <errno.h>
#include <stdint.h>

size_t sk_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t cp, min;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int sk_utf8_check(const char *text, size_t len, const char *file, const char *rule,
		  struct sk_diags *diags)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < len;) {
		size_t n = sk_utf8_seq_len(s + i, len - i);
		if (!n) {
			sk_diags_add(diags, SK_SEV_ERROR, file, line, col, rule,
				     "invalid UTF-8 (byte 0x%02x): YAML and JSON input must be UTF-8",
				     s[i]);
			return -EILSEQ;
		}
		if (s[i] == '\n')
			line++, col = 1;
		else
			col++;
		i += n;
	}
	return 0;
}
