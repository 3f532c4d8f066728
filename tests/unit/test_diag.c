/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include <scmpkit/diag.h>

Test(diag, format_and_count)
{
	struct sk_diags d = {0};
	cr_assert_eq(sk_diags_add(&d, SK_SEV_ERROR, "p.json", 3, 7, "parse-type", "expected %s", "a string"), 0);
	cr_assert_eq(sk_diags_add(&d, SK_SEV_WARNING, "p.json", 1, 2, NULL, "unknown key"), 0);
	sk_diags_set_fix(&d, "remove it");
	char *s = sk_diag_format(&d.v[0]);
	cr_expect_str_eq(s, "p.json:3:7: error: expected a string [parse-type]");
	free(s);
	cr_expect_eq(sk_diags_count(&d, SK_SEV_ERROR), 1);
	cr_expect_eq(sk_diags_count(&d, SK_SEV_NOTE), 2);
	sk_diags_sort(&d);
	cr_expect_eq(d.v[0].line, 1);
	cr_expect_str_eq(d.v[0].fix, "remove it");
	sk_diags_free(&d);
	cr_expect_eq(d.n, 0);
}

Test(diag, severities)
{
	cr_expect_eq(sk_severity_parse("warning"), SK_SEV_WARNING);
	cr_expect_eq(sk_severity_parse("info"), SK_SEV_NOTE);
	cr_expect_eq(sk_severity_parse("bogus"), -1);
}

Test(diag, untrusted_text_is_escaped)
{
	struct sk_diags d = {0};
	sk_diags_add(&d, SK_SEV_ERROR, "evil\n.yaml", 1, 2, "r", "image \"\r\033[2K\" at C:\\x");
	char *s = sk_diag_format(&d.v[0]);
	cr_expect_str_eq(s, "evil\\n.yaml:1:2: error: image \"\\r\\e[2K\" at C:\\x [r]");
	free(s);
	sk_diags_free(&d);
}
