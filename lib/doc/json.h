/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/doc: what strict JSON mode (sk_doc_opts.json) refuses.
 *
 * libfyaml reads JSON as the YAML it is a subset of, so it also accepts what
 * JSON is not: plain and single-quoted strings, YAML escapes, comments,
 * trailing commas, anchors, tags, several documents. Rather than a second
 * tokenizer, strict mode looks at what libfyaml already split: the bytes of
 * each scalar it found must be a JSON string or literal as written, and the
 * bytes between two tokens only JSON whitespace and the one separator JSON
 * puts there. Together the two cover every byte of the input once, so
 * nothing YAML-only can hide in between. doc.c calls these as it builds. */
#ifndef SK_DOC_JSON_H
#define SK_DOC_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/doc.h>

/* Where and why a check failed. */
struct sk_json_fault {
	size_t at; /* byte offset in the input */
	char msg[160];
};

/* What the bytes between two tokens may hold. */
enum sk_json_gap {
	SK_JSON_GAP_FIRST, /* before a document's value, or a collection's first item */
	SK_JSON_GAP_COLON, /* between an object's key and its value */
	SK_JSON_GAP_COMMA, /* between two items */
	SK_JSON_GAP_CLOSE, /* after a collection's last item, before its bracket */
	SK_JSON_GAP_END,   /* after the document's value */
};

/* TEXT[FROM, TO) holds JSON whitespace and the separator KIND wants; else
 * false with F set. */
bool sk_json_gap_ok(const char *text, size_t from, size_t to, enum sk_json_gap kind,
		    struct sk_json_fault *f);

/* Scalar N of TEXT (LEN bytes) is written as JSON writes it: a literal
 * (number, true, false, null) when plain, else a double-quoted string with
 * JSON's escapes only, no raw control character and no NUL. Reads N's bytes
 * and style only, not its value: it runs before libfyaml decodes it. */
bool sk_json_scalar_ok(const char *text, size_t len, const struct sk_doc_node *n,
		       struct sk_json_fault *f);

/* Where N's text begins and ends, quotes included. */
size_t sk_json_extent_start(const struct sk_doc_node *n);
size_t sk_json_extent_end(const struct sk_doc_node *n);

#endif
