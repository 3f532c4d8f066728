/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/distribute: a strict reader and a writer for the JSON that
 * machines exchange here — OCI manifests and indexes from a registry, Docker's
 * config.json, the ownership manifest and the status file node-sync writes.
 *
 * Why not the profile or manifest readers: those are YAML readers (libfyaml)
 * that keep positions for edits, and are internal to their modules. These
 * documents are JSON only, and several arrive from a registry nobody here
 * controls, so the reader is strict where YAML is lenient: RFC 8259 and
 * nothing else, UTF-8 only, no NUL in a string (C strings must mean what the
 * bytes mean), a duplicate key is an error (two readers must never see two
 * different documents in one byte string), nesting and sizes bounded. When
 * the one positioned-document layer of issue 14 lands, this file is the one
 * to point at it. */
#ifndef SK_DISTRIBUTE_JSON_H
#define SK_DISTRIBUTE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/diag.h>

#include "util/strbuf.h"

enum sk_json_type { SK_JSON_NULL, SK_JSON_BOOL, SK_JSON_NUMBER, SK_JSON_STRING, SK_JSON_ARRAY,
		    SK_JSON_OBJECT };

struct sk_json {
	enum sk_json_type type;
	unsigned line, col;
	bool b;
	char *s; /* STRING: the value (UTF-8, no NUL); NUMBER: the text as written */
	size_t slen;
	char **keys;          /* OBJECT: n keys */
	struct sk_json *kids; /* ARRAY and OBJECT: n values */
	size_t n;
};

/* Nesting deeper than this is an error: no document here needs 16 levels. */
#define SK_JSON_MAX_DEPTH 32

/* Parse TEXT (LEN bytes) as one JSON value. NULL with an error
 * "FILE:LINE:COL: error: ... [json-syntax]" in DIAGS. */
struct sk_json *sk_json_parse(const char *text, size_t len, const char *file,
			      struct sk_diags *diags);
void sk_json_free(struct sk_json *j);

/* Member KEY of object J (NULL when J is not an object or has none). */
const struct sk_json *sk_json_get(const struct sk_json *j, const char *key);
/* Member KEY when it is a string, else NULL. */
const char *sk_json_get_str(const struct sk_json *j, const char *key);
/* J as a non-negative integer no larger than 2^53 (what every JSON reader
 * agrees on); false for anything else (fractions, exponents, minus). */
bool sk_json_uint(const struct sk_json *j, uint64_t *out);

/* Append S as a JSON string (quotes included). */
void sk_json_quote(struct sk_sb *sb, const char *s);

#endif
