/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the unit tests that build profiles from text. */
#ifndef SK_TEST_PROFILE_HELPERS_H
#define SK_TEST_PROFILE_HELPERS_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include <scmpkit/profile.h>

/* Parse TEXT (any format); the test fails with the first diagnostic if it
 * does not parse. */
static inline struct sk_profile *parse_ok(const char *text)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_parse(text, strlen(text), "test.json", &d);
	cr_assert_not_null(p, "%s", d.n ? d.v[0].message : "?");
	sk_diags_free(&d);
	return p;
}

/* The first rule of P that names NAME, or NULL. */
static inline const struct sk_rule *rule_with(const struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (!strcmp(p->rules[i].names[j], name))
				return &p->rules[i];
	return NULL;
}

/* D has a diagnostic of rule RULE whose message contains TEXT. */
static inline bool has_diag(const struct sk_diags *d, const char *rule, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].rule && !strcmp(d->v[i].rule, rule) && strstr(d->v[i].message, text))
			return true;
	return false;
}

#endif
