/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the unit tests that read documents through lib/doc. */
#ifndef SK_TEST_DOC_HELPERS_H
#define SK_TEST_DOC_HELPERS_H

#include <criterion/criterion.h>
#include <string.h>

#include <scmpkit/doc.h>

/* TEXT as a stream of documents; the test fails if it does not parse
 * cleanly. The caller releases it (sk_doc_release). */
static inline struct sk_doc parse_ok(const char *text)
{
	struct sk_doc s;
	struct sk_diags d = {0};
	int r = sk_doc_parse(text, strlen(text), "t.yaml", NULL, &s, &d);
	cr_assert_eq(r, 0, "sk_doc_parse: %d", r);
	cr_assert_eq(d.n, 0);
	return s;
}

#endif
