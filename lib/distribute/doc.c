/* SPDX-License-Identifier: Apache-2.0 */
/* How lib/distribute reads a document: every one it reads (OCI manifests
 * and indexes, a registry's token and error answers, Docker's config.json,
 * node-sync's own manifest and status file) is JSON written by a program,
 * and several come from a registry nobody here controls. So all go through
 * lib/doc's strict JSON mode (scmpkit/doc.h): RFC 8259 and nothing else,
 * duplicate keys and NUL refused, so that no two readers can see two
 * different documents in one byte string. */
#include "distribute/internal.h"

#include <errno.h>

/* No document read here needs 16 levels; hostile nesting costs an error. */
#define MAX_DEPTH 32

const struct sk_doc_node *sk_dist_json(const char *text, size_t len, const char *file,
				       struct sk_doc *doc, struct sk_diags *d)
{
	static const struct sk_doc_opts o = {.rule = "json-syntax", .max_depth = MAX_DEPTH,
					     .json = true};
	int r = sk_doc_parse(text, len, file, &o, doc, d);
	if (r == -ENOMEM)
		sk_diags_add(d, SK_SEV_ERROR, file, 0, 0, "json-syntax", "out of memory");
	if (r) {
		sk_doc_release(doc);
		return NULL;
	}
	return doc->docs[0].root; /* strict mode: exactly one document, with a value */
}

int sk_dist_doc_error(struct sk_diags *d, const char *file, const struct sk_doc_node *at,
		      const char *rule, const char *what)
{
	struct sk_pos p = sk_doc_pos(at);
	sk_diags_add(d, SK_SEV_ERROR, file, p.line, p.col, rule, "%s", what);
	return -EINVAL;
}
