/* SPDX-License-Identifier: Apache-2.0 */
/* lib/runtime: the measured runtime tables and adding them to a profile. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <scmpkit/runtime.h>

#include "profile_helpers.h"

Test(runtime, table_is_compiled_in)
{
	const struct sk_runtime_call *c;
	int n = sk_runtime_calls("runc", &c);
	cr_assert_gt(n, 0);
	bool execve_nnp = false, capset_only_without_nnp = false;
	for (int i = 0; i < n; i++) {
		execve_nnp |= !strcmp(c[i].name, "execve") && c[i].nnp && c[i].no_nnp;
		capset_only_without_nnp |= !strcmp(c[i].name, "capset") && !c[i].nnp && c[i].no_nnp;
	}
	cr_expect(execve_nnp);
	cr_expect(capset_only_without_nnp);
	cr_expect_eq(sk_runtime_calls("crun-not-measured", &c), -ENOENT);
	cr_expect_str_eq(sk_runtime_names(), "runc");
}

Test(runtime, adds_two_commented_rules_after_the_others)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
		" \"syscalls\": [{\"names\": [\"execve\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	struct sk_diags d = {0};
	int n = sk_profile_allow_runtime(p, "runc", &d);
	cr_assert_gt(n, 0);
	cr_assert_eq(p->n_rules, 3);
	const struct sk_rule *futex = rule_with(p, "futex"), *capset = rule_with(p, "capset");
	cr_assert(futex && capset);
	cr_expect_eq(futex, &p->rules[1]);
	cr_expect_eq(capset, &p->rules[2]);
	cr_expect(strstr(futex->comment, "noNewPrivileges true"));
	cr_expect(strstr(capset->comment, "only with noNewPrivileges false"));
	/* allowed already: not listed again */
	cr_expect_eq(rule_with(p, "execve"), &p->rules[0]);
	cr_expect_eq(rule_with(p, "read"), &p->rules[0]);
	/* n counts the names added */
	cr_expect_eq((size_t)n, p->rules[1].n_names + p->rules[2].n_names);
	cr_expect_eq(d.n, 0);
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(runtime, skips_names_no_arch_of_the_profile_has)
{
	/* i386 has fstatat64, not newfstatat */
	struct sk_profile *p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\","
					" \"architectures\": [\"SCMP_ARCH_X86\"]}");
	struct sk_diags d = {0};
	cr_assert_gt(sk_profile_allow_runtime(p, "runc", &d), 0);
	cr_expect_null(rule_with(p, "newfstatat"));
	cr_expect_not_null(rule_with(p, "futex"));
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(runtime, a_rule_of_its_own_is_kept_with_a_warning)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"],"
		" \"syscalls\": [{\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_ALLOW\","
		" \"args\": [{\"index\": 0, \"value\": 15, \"op\": \"SCMP_CMP_EQ\"}]}]}");
	struct sk_diags d = {0};
	cr_assert_gt(sk_profile_allow_runtime(p, "runc", &d), 0);
	cr_expect_eq(rule_with(p, "prctl"), &p->rules[0]);
	for (size_t i = 1; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			cr_expect_str_neq(p->rules[i].names[j], "prctl");
	cr_expect(has_diag(&d, "runtime-call-ruled", "runc calls 'prctl' itself"));
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(runtime, nothing_to_add_to_a_permissive_profile)
{
	struct sk_profile *p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	struct sk_diags d = {0};
	cr_expect_eq(sk_profile_allow_runtime(p, "runc", &d), 0);
	cr_expect_eq(p->n_rules, 0);
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(runtime, an_unknown_runtime_is_an_error)
{
	struct sk_profile *p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\"}");
	struct sk_diags d = {0};
	cr_expect_eq(sk_profile_allow_runtime(p, "crun", &d), -ENOENT);
	cr_expect(has_diag(&d, "runtime-unknown", "unknown runtime 'crun' (measured: runc)"));
	cr_expect_eq(p->n_rules, 0);
	sk_diags_free(&d);
	sk_profile_free(p);
}
