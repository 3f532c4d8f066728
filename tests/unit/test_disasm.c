/* SPDX-License-Identifier: Apache-2.0 */
/* The disassembler on programs libseccomp produces (an independent producer):
 * every instruction listed, arch blocks named from the arch checks, and the
 * bytes and C forms round-trip. */
#include <criterion/criterion.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scmpkit/bpf.h>

/* libseccomp's export of a small two-arch filter, read back as a program. */
static struct sk_bpf_prog libseccomp_prog(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));
	cr_assert_not_null(ctx);
	cr_assert_eq(seccomp_arch_add(ctx, SCMP_ARCH_X86), 0);
	cr_assert_eq(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 0), 0);
	cr_assert_eq(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(13), SCMP_SYS(socket), 1,
				      (struct scmp_arg_cmp){.arg = 0, .op = SCMP_CMP_EQ, .datum_a = 16, .datum_b = 0}), 0);
	int fd = memfd_create("bpf", 0);
	cr_assert_eq(seccomp_export_bpf(ctx, fd), 0);
	off_t len = lseek(fd, 0, SEEK_END);
	char *buf = malloc((size_t)len);
	cr_assert_eq(pread(fd, buf, (size_t)len, 0), len);
	close(fd);
	seccomp_release(ctx);
	struct sk_bpf_prog p;
	struct sk_diags d = {0};
	cr_assert_eq(sk_bpf_from_bytes(buf, (size_t)len, &p, &d, "x"), 0);
	free(buf);
	return p;
}

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(disasm, libseccomp_program)
{
	struct sk_bpf_prog p = libseccomp_prog();
	cr_assert_eq(sk_bpf_validate(&p, NULL), 0);
	char *t = sk_bpf_disasm(&p, SK_ARCH_INVALID);
	cr_assert_not_null(t);
	cr_expect_eq(lines(t), p.len);
	cr_expect_not_null(strstr(t, "A = arch"));
	cr_expect_not_null(strstr(t, "x86_64"));
	cr_expect_not_null(strstr(t, "openat"));
	cr_expect_not_null(strstr(t, "socketcall"), "i386 block named from i386's table:\n%s", t);
	cr_expect_not_null(strstr(t, "A = args[0].lo"));
	cr_expect_not_null(strstr(t, "return ERRNO(13)"));
	cr_expect_not_null(strstr(t, "return ALLOW"));
	free(t);
	/* forcing an arch names every compare from that table */
	t = sk_bpf_disasm(&p, SK_ARCH_AARCH64);
	cr_expect_null(strstr(t, "socketcall"));
	free(t);
	sk_bpf_prog_free(&p);
}

Test(disasm, bytes_round_trip_and_bad_sizes)
{
	struct sk_bpf_prog p = libseccomp_prog();
	void *b;
	size_t len;
	cr_assert_eq(sk_bpf_to_bytes(&p, &b, &len), 0);
	cr_expect_eq(len, p.len * sizeof(struct sock_filter));
	cr_expect_eq(memcmp(b, p.insns, len), 0);
	struct sk_bpf_prog q;
	struct sk_diags d = {0};
	cr_expect_eq(sk_bpf_from_bytes(b, len - 1, &q, &d, "f"), -EINVAL);
	cr_expect_eq(sk_bpf_from_bytes(b, 0, &q, &d, "f"), -EINVAL);
	cr_expect_eq(d.n, 2);
	cr_expect_str_eq(d.v[0].file, "f");
	sk_diags_free(&d);
	free(b);
	sk_bpf_prog_free(&p);
}

Test(disasm, c_array_has_every_instruction)
{
	struct sk_bpf_prog p = libseccomp_prog();
	struct sk_filter_set set = {.progs = &p, .n = 1};
	char *c = sk_bpf_to_c(&set, "myfilter");
	cr_assert_not_null(c);
	cr_expect_not_null(strstr(c, "static const struct sock_filter myfilter["));
	cr_expect_not_null(strstr(c, "struct sock_fprog myfilter_prog"));
	size_t n = 0;
	for (const char *s = c; (s = strstr(s, "\t{ 0x")); s++)
		n++;
	cr_expect_eq(n, p.len);
	free(c);
	sk_bpf_prog_free(&p);
}

Test(disasm, garbage_is_listed_not_trusted)
{
	struct sock_filter g[] = {
		{0xffff, 200, 200, 0xffffffff}, {BPF_JMP | BPF_JA, 0, 0, 0xfffffff0},
		{BPF_LD | BPF_W | BPF_ABS, 0, 0, 1000}, {BPF_RET | BPF_K, 0, 0, 0x12340000},
	};
	struct sk_bpf_prog p = {g, 4, NULL};
	char *t = sk_bpf_disasm(&p, SK_ARCH_INVALID);
	cr_assert_not_null(t);
	cr_expect_eq(lines(t), 4);
	cr_expect_not_null(strstr(t, "outside seccomp_data"));
	free(t);
}
