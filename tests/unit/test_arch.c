#include <criterion/criterion.h>
#include <string.h>

#include <scmpkit/arch.h>

Test(arch, oci_names_round_trip)
{
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		const struct sk_arch_info *i = sk_arch_info(a);
		cr_assert_not_null(i);
		cr_expect_eq(sk_arch_parse(i->oci_name), a, "%s", i->oci_name);
	}
	cr_expect_null(sk_arch_info(SK_ARCH_COUNT));
}

Test(arch, spellings)
{
	cr_expect_eq(sk_arch_parse("amd64"), SK_ARCH_X86_64);
	cr_expect_eq(sk_arch_parse("386"), SK_ARCH_X86);
	cr_expect_eq(sk_arch_parse("arm64"), SK_ARCH_AARCH64);
	cr_expect_eq(sk_arch_parse("ppc64le"), SK_ARCH_PPC64LE);
	cr_expect_eq(sk_arch_parse("mips64le"), SK_ARCH_MIPSEL64);
	cr_expect_eq(sk_arch_parse("loong64"), SK_ARCH_LOONGARCH64);
	cr_expect_eq(sk_arch_parse("nonsense"), SK_ARCH_INVALID);
	cr_expect_eq(sk_arch_parse(""), SK_ARCH_INVALID);
	cr_expect_eq(sk_arch_parse(NULL), SK_ARCH_INVALID);
}

Test(arch, numbers)
{
	cr_expect_eq(sk_syscall_nr(SK_ARCH_X86_64, "mseal"), 462);
	cr_expect_eq(sk_syscall_nr(SK_ARCH_X32, "recvfrom"), 0x40000205);
	cr_expect_eq(sk_syscall_nr(SK_ARCH_X86, "recvfrom"), 371);
	cr_expect_eq(sk_syscall_nr(SK_ARCH_AARCH64, "open"), -1);
	cr_expect_eq(sk_syscall_nr(SK_ARCH_X86_64, "no_such_call"), -1);
	cr_expect_str_eq(sk_syscall_name(SK_ARCH_X86, 371), "recvfrom");
	cr_expect_null(sk_syscall_name(SK_ARCH_X86_64, 100000));
	cr_expect(sk_syscall_known("open"));
	cr_expect_not(sk_syscall_known("opne"));
	cr_expect_str_eq(sk_syscall_suggest("opne"), "open");
}

Test(arch, audit_arch)
{
	cr_expect_eq(sk_arch_from_audit(0xc000003e, 273), SK_ARCH_X86_64);
	cr_expect_eq(sk_arch_from_audit(0xc000003e, 0x40000205), SK_ARCH_X32);
	cr_expect_eq(sk_arch_from_audit(0x40000003, 1), SK_ARCH_X86);
	cr_expect_eq(sk_arch_from_audit(0x12345, 1), SK_ARCH_INVALID);
	cr_expect_eq(sk_arch_info(SK_ARCH_SH)->audit_arch, 0x4000002au);
	cr_expect_eq(sk_arch_info(SK_ARCH_SHEB)->audit_arch, 0x2au);
}

Test(arch, iteration_is_sorted)
{
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		const char *name;
		int64_t nr, prev = -1;
		size_t n = sk_syscall_count(a);
		cr_assert_gt(n, 300);
		for (size_t i = 0; sk_syscall_at(a, i, &name, &nr); i++) {
			cr_expect_gt(nr, prev);
			cr_expect_eq(sk_syscall_nr(a, name), nr);
			prev = nr;
		}
		cr_expect_eq(sk_syscall_max(a), prev);
	}
}

Test(arch, native_is_known)
{
	cr_expect_neq(sk_arch_native(), SK_ARCH_INVALID);
}
