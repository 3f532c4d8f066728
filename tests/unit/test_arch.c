/* SPDX-License-Identifier: Apache-2.0 */
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

/* One lookup per name (the compiler's hot path): the id gives the same
 * numbers as the name; the multiplexed calls come from data/syscalls/muxed.tsv
 * with the kernel's sub-call numbers; names that are one call share a key. */
Test(arch, refs_ids_keys_and_multiplexed_calls)
{
	for (size_t i = 0; i < sk_syscall_name_count(); i++) {
		const char *name = sk_syscall_name_at(i);
		struct sk_syscall_ref r;
		cr_assert(sk_syscall_ref(name, &r), "%s", name);
		cr_assert_eq(r.id, (int64_t)i);
		for (int a = 0; a < SK_ARCH_COUNT; a++)
			cr_assert_eq(sk_syscall_nr_id((enum sk_arch)a, r.id),
				     sk_syscall_nr((enum sk_arch)a, name), "%s", name);
	}
	struct sk_syscall_ref a, b;
	cr_assert(sk_syscall_ref("arm_sync_file_range", &a));
	cr_assert(sk_syscall_ref("sync_file_range2", &b));
	cr_expect_eq(a.key, b.key, "341 on arm: one call");
	cr_assert(sk_syscall_ref("read", &a));
	cr_expect_eq(a.key, a.id);
	cr_expect_eq(a.mux, SK_MUX_NONE);
	cr_assert(sk_syscall_ref("socket", &a));
	cr_expect_eq(a.mux, SK_MUX_SOCKETCALL);
	cr_expect_eq(a.call, 1u, "SYS_SOCKET");
	cr_assert(sk_syscall_ref("shmctl", &a));
	cr_expect_eq(a.mux, SK_MUX_IPC);
	cr_expect_eq(a.call, 24u, "SHMCTL");
	cr_expect_not(sk_syscall_ref("no_such_call", &a));
	cr_expect_eq(a.id, -1);
	cr_expect_eq(sk_syscall_nr_id(SK_ARCH_X86_64, -1), -1);
	bool ipc;
	unsigned call;
	cr_expect(sk_syscall_muxed(SK_ARCH_X86, "recvmsg", &ipc, &call));
	cr_expect(!ipc && call == 17);
	cr_expect_not(sk_syscall_muxed(SK_ARCH_X86_64, "recvmsg", NULL, NULL), "no socketcall there");
	cr_expect(sk_arch_muxes(SK_ARCH_S390X));
	cr_expect_not(sk_arch_muxes(SK_ARCH_AARCH64));
}
