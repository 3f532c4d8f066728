/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include <scmpkit/profile_ops.h>

static struct sk_profile *allow(const char *const *names, size_t n)
{
	struct sk_profile *p = sk_profile_new();
	sk_profile_add_arch(p, SK_ARCH_X86_64);
	sk_profile_add_rule(p, names, n, SK_ACT_ALLOW);
	return p;
}

Test(merge, union_covers_both_and_cover_finds_missing)
{
	const char *an[] = {"read", "write"}, *bn[] = {"read", "openat"};
	struct sk_profile *a = allow(an, 2), *b = allow(bn, 2);
	sk_profile_add_arch(b, SK_ARCH_X86);
	struct sk_diags d = {0};
	const struct sk_profile *v[] = {a, b};
	struct sk_profile *u = sk_profile_merge(v, 2, &d);
	cr_assert_not_null(u);
	struct sk_deltas m = {0};
	cr_expect_eq(sk_profile_cover(u, a, &m, &d), 0);
	cr_expect_eq(m.n, 0);
	cr_expect_eq(sk_profile_cover(u, b, &m, &d), 0);
	cr_expect_eq(m.n, 0);
	cr_expect_eq(sk_profile_cover(a, b, &m, &d), 0);
	/* the X86 arch, and openat on x86_64 */
	cr_assert_eq(m.n, 2, "%zu", m.n);
	cr_expect_eq(m.v[0].kind, SK_DELTA_ARCH);
	cr_expect_eq(m.v[0].arch, SK_ARCH_X86);
	cr_expect_eq(m.v[1].kind, SK_DELTA_SYSCALL);
	cr_expect_str_eq(m.v[1].name, "openat");
	sk_deltas_free(&m);
	sk_profile_free(a);
	sk_profile_free(b);
	sk_profile_free(u);
	sk_diags_free(&d);
}

Test(merge, diff_both_sides_and_conditions)
{
	const char *an[] = {"read", "ioctl"}, *bn[] = {"read"};
	struct sk_profile *a = allow(an, 2), *b = allow(bn, 1);
	const char *io[] = {"ioctl"};
	struct sk_rule *r = sk_profile_add_rule(b, io, 1, SK_ACT_ALLOW);
	sk_rule_add_arg(r, 1, SK_OP_EQ, 0x5401, 0);
	struct sk_deltas v = {0};
	struct sk_diags d = {0};
	cr_assert_eq(sk_profile_diff(a, b, &v, &d), 0);
	cr_assert_eq(v.n, 1);
	cr_expect_eq(v.v[0].side, 0);
	cr_expect_str_eq(v.v[0].detail, "unconditionally");
	sk_deltas_free(&v);
	cr_assert_eq(sk_profile_diff(b, a, &v, &d), 0);
	cr_assert_eq(v.n, 1);
	cr_expect_eq(v.v[0].side, 1);
	sk_deltas_free(&v);
	/* the same condition written in another profile: no difference */
	struct sk_profile *c = sk_profile_clone(b);
	cr_assert_eq(sk_profile_diff(b, c, &v, &d), 0);
	cr_expect_eq(v.n, 0);
	sk_deltas_free(&v);
	sk_profile_free(a);
	sk_profile_free(b);
	sk_profile_free(c);
	sk_diags_free(&d);
}

Test(merge, allow_and_deny_lists_do_not_merge)
{
	const char *an[] = {"read"};
	struct sk_profile *a = allow(an, 1), *b = allow(an, 1);
	b->default_action = SK_ACT_ALLOW;
	struct sk_diags d = {0};
	const struct sk_profile *v[] = {a, b};
	cr_expect_null(sk_profile_merge(v, 2, &d));
	cr_expect_eq(sk_diags_count(&d, SK_SEV_ERROR), 1);
	sk_profile_free(a);
	sk_profile_free(b);
	sk_diags_free(&d);
}
