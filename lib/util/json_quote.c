/* SPDX-License-Identifier: Apache-2.0 */
/* A C string as a JSON string literal (util/json_quote.h). */
#include "util/json_quote.h"

#include <string.h>

#include "util/utf8.h"

void sk_json_quote(struct sk_sb *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	sk_sb_addc(sb, '"');
	for (size_t i = 0; i < len;) {
		/* a run of ASCII that needs no escape, at once (lint writes
		 * thousands of messages: this is its hot path) */
		size_t j = i;
		while (j < len && u[j] >= 0x20 && u[j] < 0x7f && u[j] != '"' && u[j] != '\\')
			j++;
		if (j > i) {
			sk_sb_add(sb, s + i, j - i);
			i = j;
			continue;
		}
		size_t n = sk_utf8_seq_len(u + i, len - i);
		if (!n) {
			sk_sb_adds(sb, "\\ufffd");
			i++;
			continue;
		}
		switch (u[i]) {
		case '"': sk_sb_adds(sb, "\\\""); break;
		case '\\': sk_sb_adds(sb, "\\\\"); break;
		case '\n': sk_sb_adds(sb, "\\n"); break;
		case '\r': sk_sb_adds(sb, "\\r"); break;
		case '\t': sk_sb_adds(sb, "\\t"); break;
		default:
			if (u[i] < 0x20 || u[i] == 0x7f)
				sk_sb_addf(sb, "\\u%04x", u[i]);
			else
				sk_sb_add(sb, s + i, n);
		}
		i += n;
	}
	sk_sb_addc(sb, '"');
}
