/* SPDX-License-Identifier: Apache-2.0 */
/* The emulator and validator on their own (the kernel itself is the oracle in
 * test_kernel_agree.c): ALU semantics against C's 32-bit arithmetic, argument
 * words on little- and big-endian arches, counting, stacked-filter precedence,
 * and refusal of programs the kernel would refuse. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>

#include <scmpkit/bpf.h>

#define S(c, k) ((struct sock_filter)BPF_STMT((c), (k)))
#define J(c, k, t, f) ((struct sock_filter)BPF_JUMP((c), (k), (t), (f)))

static uint32_t run(struct sock_filter *p, size_t n, const struct sk_seccomp_data *d, size_t *exec)
{
	struct sk_bpf_prog prog = {p, n, NULL};
	struct sk_run_result r;
	cr_assert_eq(sk_bpf_run(&prog, d, &r), 0);
	if (exec)
		*exec = r.executed;
	return r.ret;
}

static uint32_t c_alu(uint16_t op, uint32_t a, uint32_t x)
{
	switch (op) {
	case BPF_ADD: return a + x;
	case BPF_SUB: return a - x;
	case BPF_MUL: return a * x;
	case BPF_DIV: return a / x;
	case BPF_AND: return a & x;
	case BPF_OR: return a | x;
	case BPF_XOR: return a ^ x;
	case BPF_LSH: return a << (x % 32);
	default: return a >> (x % 32);
	}
}

Test(emulate, alu_ops_with_x_and_k)
{
	static const uint16_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
				       BPF_OR,  BPF_XOR, BPF_LSH, BPF_RSH};
	static const uint32_t vals[] = {0, 1, 2, 31, 32, 33, 0x7fffffff, 0x80000000, 0xffffffff,
					0x12345678};
	for (size_t o = 0; o < 9; o++)
		for (size_t i = 0; i < 10; i++)
			for (size_t j = 0; j < 10; j++) {
				uint32_t a = vals[i], x = vals[j];
				if (ops[o] == BPF_DIV && x == 0)
					continue;
				struct sk_seccomp_data d = {.arch = AUDIT_ARCH_X86_64,
							    .args = {a, x}};
				struct sock_filter px[] = {
					S(BPF_LD | BPF_W | BPF_ABS, 24), S(BPF_MISC | BPF_TAX, 0),
					S(BPF_LD | BPF_W | BPF_ABS, 16), S(BPF_ALU | ops[o] | BPF_X, 0),
					S(BPF_RET | BPF_A, 0),
				};
				cr_expect_eq(run(px, 5, &d, NULL), c_alu(ops[o], a, x), "op %x X", ops[o]);
				if ((ops[o] == BPF_LSH || ops[o] == BPF_RSH) && x >= 32)
					continue; /* K >= 32 does not load */
				struct sock_filter pk[] = {
					S(BPF_LD | BPF_W | BPF_ABS, 16), S(BPF_ALU | ops[o] | BPF_K, x),
					S(BPF_RET | BPF_A, 0),
				};
				cr_expect_eq(run(pk, 3, &d, NULL), c_alu(ops[o], a, x), "op %x K", ops[o]);
			}
}

Test(emulate, division_by_zero_x_returns_zero)
{
	struct sk_seccomp_data d = {.arch = AUDIT_ARCH_X86_64, .args = {10}};
	struct sock_filter p[] = {
		S(BPF_LD | BPF_W | BPF_ABS, 16), S(BPF_LDX | BPF_IMM, 0),
		S(BPF_ALU | BPF_DIV | BPF_X, 0), S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	size_t n;
	cr_expect_eq(run(p, 4, &d, &n), SECCOMP_RET_KILL_THREAD);
	cr_expect_eq(n, 3);
	p[1].k = 2;
	cr_expect_eq(run(p, 4, &d, &n), SECCOMP_RET_ALLOW);
	cr_expect_eq(n, 4);
}

Test(emulate, argument_words_follow_the_arch_byte_order)
{
	const uint64_t v = 0x1111111122222222ull;
	struct sock_filter lo[] = {S(BPF_LD | BPF_W | BPF_ABS, 16 + 8 * 3), S(BPF_RET | BPF_A, 0)};
	struct sk_seccomp_data le = {.arch = AUDIT_ARCH_X86_64, .args = {0, 0, 0, v}};
	struct sk_seccomp_data be = {.arch = AUDIT_ARCH_S390X, .args = {0, 0, 0, v}};
	cr_expect_eq(run(lo, 2, &le, NULL), (uint32_t)v);
	cr_expect_eq(run(lo, 2, &be, NULL), (uint32_t)(v >> 32));
	struct sock_filter ip[] = {S(BPF_LD | BPF_W | BPF_ABS, 12), S(BPF_RET | BPF_A, 0)};
	le.instruction_pointer = v;
	cr_expect_eq(run(ip, 2, &le, NULL), (uint32_t)(v >> 32));
	struct sock_filter nr[] = {S(BPF_LD | BPF_W | BPF_ABS, 0), S(BPF_RET | BPF_A, 0)};
	le.nr = -1;
	cr_expect_eq(run(nr, 2, &le, NULL), 0xffffffffu);
	struct sock_filter len[] = {S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)};
	cr_expect_eq(run(len, 2, &le, NULL), sizeof(struct seccomp_data));
}

Test(emulate, jumps_scratch_and_counting)
{
	/* if (nr == 5) { M[2] = 7 } else { M[2] = 9 }; return ERRNO(M[2]) */
	struct sock_filter p[] = {
		S(BPF_LD | BPF_W | BPF_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 3),
		S(BPF_LD | BPF_IMM, 7),
		S(BPF_ST, 2),
		S(BPF_JMP | BPF_JA, 2),
		S(BPF_LD | BPF_IMM, 9),
		S(BPF_ST, 2),
		S(BPF_LDX | BPF_MEM, 2),
		S(BPF_MISC | BPF_TXA, 0),
		S(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
		S(BPF_RET | BPF_A, 0),
	};
	struct sk_seccomp_data d = {.nr = 5, .arch = AUDIT_ARCH_X86_64};
	size_t n;
	cr_expect_eq(run(p, 11, &d, &n), SECCOMP_RET_ERRNO | 7);
	cr_expect_eq(n, 9); /* 0 1 2 3 4 7 8 9 10 */
	d.nr = 6;
	cr_expect_eq(run(p, 11, &d, &n), SECCOMP_RET_ERRNO | 9);
	cr_expect_eq(n, 8); /* 0 1 5 6 7 8 9 10 */
	struct sock_filter js[] = {
		S(BPF_LD | BPF_W | BPF_ABS, 16), J(BPF_JMP | BPF_JSET | BPF_K, 0x10, 1, 0),
		S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2),
	};
	d.args[0] = 0x30;
	cr_expect_eq(run(js, 4, &d, NULL), 2);
	d.args[0] = 0x20;
	cr_expect_eq(run(js, 4, &d, NULL), 1);
}

Test(emulate, refuses_what_the_kernel_refuses)
{
	struct sk_seccomp_data d = {0};
	struct sk_run_result r;
	struct sock_filter bad[][2] = {
		{S(BPF_LD | BPF_W | BPF_ABS, 64), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_W | BPF_ABS, 6), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_B | BPF_ABS, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_MOD | BPF_K, 3), S(BPF_RET | BPF_A, 0)},
		{S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_LD | BPF_MEM, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_A, 0)},
		{J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_RET | BPF_A, 0)},
		{S(BPF_RET | BPF_A, 0), S(BPF_LD | BPF_IMM, 0)},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sk_bpf_prog p = {bad[i], 2, NULL};
		struct sk_diags diags = {0};
		cr_expect_eq(sk_bpf_run(&p, &d, &r), -EINVAL, "case %zu", i);
		cr_expect_eq(sk_bpf_validate(&p, &diags), -EINVAL, "case %zu", i);
		cr_expect_eq(diags.n, 1, "case %zu: one reason", i);
		sk_diags_free(&diags);
	}
	struct sk_bpf_prog empty = {bad[0], 0, NULL};
	cr_expect_eq(sk_bpf_run(&empty, &d, &r), -EINVAL);
}

Test(emulate, stacked_filters_tie_goes_to_the_later_filter)
{
	struct sock_filter f1[] = {S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 3)};
	struct sock_filter f2[] = {S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 4)};
	struct sock_filter f3[] = {S(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)};
	struct sock_filter f4[] = {S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW | 5)};
	struct sk_bpf_prog progs[] = {{f1, 1, NULL}, {f2, 1, NULL}, {f3, 1, NULL}, {f4, 1, NULL}};
	struct sk_seccomp_data d = {0};
	struct sk_run_result r;
	struct sk_filter_set set = {.progs = progs, .n = 2};
	cr_assert_eq(sk_filter_set_run(&set, &d, &r), 0);
	cr_expect_eq(r.ret, SECCOMP_RET_ERRNO | 4);
	cr_expect_eq(r.prog, 1);
	cr_expect_eq(r.executed, 2);
	set.n = 3;
	cr_assert_eq(sk_filter_set_run(&set, &d, &r), 0);
	cr_expect_eq(r.ret, SECCOMP_RET_KILL_PROCESS);
	cr_expect_eq(r.prog, 2);
	/* ALLOW's data is dropped: the kernel starts from SECCOMP_RET_ALLOW. */
	set.progs = &progs[3];
	set.n = 1;
	cr_assert_eq(sk_filter_set_run(&set, &d, &r), 0);
	cr_expect_eq(r.ret, SECCOMP_RET_ALLOW);
}

/* The one action table against the kernel's own constants: each action's
 * SECCOMP_RET_* value, its spellings both ways, and the order the kernel uses
 * between stacked filters (lower wins). */
Test(emulate, action_table_matches_the_kernel)
{
	static const struct {
		enum sk_action a;
		uint32_t ret;
		const char *name, *alias;
	} k[] = {
		{SK_ACT_KILL_THREAD, SECCOMP_RET_KILL_THREAD, "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"},
		{SK_ACT_KILL_PROCESS, SECCOMP_RET_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS", NULL},
		{SK_ACT_TRAP, SECCOMP_RET_TRAP, "SCMP_ACT_TRAP", NULL},
		{SK_ACT_ERRNO, SECCOMP_RET_ERRNO, "SCMP_ACT_ERRNO", NULL},
		{SK_ACT_NOTIFY, SECCOMP_RET_USER_NOTIF, "SCMP_ACT_NOTIFY", NULL},
		{SK_ACT_TRACE, SECCOMP_RET_TRACE, "SCMP_ACT_TRACE", NULL},
		{SK_ACT_LOG, SECCOMP_RET_LOG, "SCMP_ACT_LOG", NULL},
		{SK_ACT_ALLOW, SECCOMP_RET_ALLOW, "SCMP_ACT_ALLOW", NULL},
	};
	cr_assert_eq(sizeof k / sizeof k[0], SK_ACT_COUNT);
	for (size_t i = 0; i < SK_ACT_COUNT; i++) {
		uint32_t data;
		cr_expect_eq(sk_action_to_ret(k[i].a, 7) & SECCOMP_RET_ACTION_FULL, k[i].ret, "%s",
			     k[i].name);
		cr_expect_eq(sk_ret_to_action(k[i].ret | 7, &data), k[i].a, "%s", k[i].name);
		cr_expect_str_eq(sk_action_name(k[i].a), k[i].name);
		cr_expect_eq(sk_action_parse(k[i].name), k[i].a);
		if (k[i].alias)
			cr_expect_eq(sk_action_parse(k[i].alias), k[i].a);
		for (size_t j = 0; j < SK_ACT_COUNT; j++) /* the kernel's order: signed compare */
			cr_expect_eq(sk_ret_precedence(k[i].ret) < sk_ret_precedence(k[j].ret),
				     (int32_t)k[i].ret < (int32_t)k[j].ret, "%s vs %s", k[i].name,
				     k[j].name);
	}
	char buf[32];
	cr_expect_str_eq(sk_ret_format(SECCOMP_RET_ERRNO | 38, buf, sizeof buf), "ERRNO(38)");
	cr_expect_str_eq(sk_ret_format(SECCOMP_RET_ALLOW | 38, buf, sizeof buf), "ALLOW");
	cr_expect_str_eq(sk_ret_format(0x12340000u, buf, sizeof buf), "UNKNOWN(0x12340000)");
	cr_expect_eq(sk_ret_to_action(0x12340000u, NULL), SK_ACT_KILL_PROCESS, "unknown acts as kill");
	cr_expect_eq(sk_action_parse("SCMP_ACT_NOPE"), SK_ACT_INVALID);
	cr_expect_eq(sk_action_parse(NULL), SK_ACT_INVALID);
	cr_expect_null(sk_action_name(SK_ACT_INVALID));
	cr_expect_eq(sk_action_to_ret(SK_ACT_INVALID, 1), 0u, "fails closed");
}
