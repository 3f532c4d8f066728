/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: a C string as a JSON string literal, for the files scmpkit
 * writes for machines (node-sync's manifest and status, bundle's values). */
#ifndef SK_UTIL_JSON_QUOTE_H
#define SK_UTIL_JSON_QUOTE_H

#include "util/strbuf.h"

/* Append S as a JSON string, quotes included. The result is always JSON
 * that lib/doc's strict mode reads back as S: control characters escaped,
 * and a byte that is not UTF-8 written as U+FFFD, whatever a caller passes
 * (file names from a source directory need not be UTF-8). */
void sk_json_quote(struct sk_sb *sb, const char *s);

#endif
