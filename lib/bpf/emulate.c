/* SPDX-License-Identifier: Apache-2.0 */
/* Run seccomp filters exactly as the kernel does (kernel/seccomp.c and the
 * classic-to-eBPF conversion in net/core/filter.c), so that `explain` and the
 * equivalence tests show what the kernel will decide, not what a profile seems
 * to say. The emulator refuses programs the kernel would refuse at load time. */
#include <errno.h>
#include <string.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <scmpkit/bpf.h>

#define AUDIT_ARCH_LE 0x40000000u /* __AUDIT_ARCH_LE: clear on big-endian arches */

/* The 32-bit word at offset K of struct seccomp_data as the kernel of the
 * filter's architecture lays it out: 64-bit fields keep their low word first on
 * little-endian machines and their high word first on big-endian ones. The
 * validator guarantees K is aligned and below 64. */
static uint32_t load_word(const struct sk_seccomp_data *d, uint32_t k)
{
	if (k == 0)
		return (uint32_t)d->nr;
	if (k == 4)
		return d->arch;
	uint64_t v = k < 16 ? d->instruction_pointer : d->args[(k - 16) / 8];
	bool first_word = (k & 4) == 0;
	bool little = (d->arch & AUDIT_ARCH_LE) != 0;
	return first_word == little ? (uint32_t)v : (uint32_t)(v >> 32);
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case BPF_ADD: return a + b;
	case BPF_SUB: return a - b;
	case BPF_MUL: return a * b;
	case BPF_DIV: return a / b; /* b != 0: checked by the caller */
	case BPF_AND: return a & b;
	case BPF_OR: return a | b;
	case BPF_XOR: return a ^ b;
	/* 32-bit eBPF shifts use the low 5 bits of a register operand; constants
	 * of 32 or more never load. */
	case BPF_LSH: return a << (b & 31);
	case BPF_RSH: return a >> (b & 31);
	case BPF_NEG: return (uint32_t)-a;
	}
	return 0;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JSET: return (a & b) != 0;
	}
	return false;
}

int sk_bpf_run(const struct sk_bpf_prog *prog, const struct sk_seccomp_data *data,
	       struct sk_run_result *res)
{
	if (!data || !res || sk_bpf_validate(prog, NULL) < 0)
		return -EINVAL;
	uint32_t A = 0, X = 0, M[16] = {0};
	size_t pc = 0, n = 0;
	memset(res, 0, sizeof *res);
	/* Validation proves every jump goes forward and in bounds and the last
	 * instruction returns, so this loop ends within len steps. */
	for (;;) {
		const struct sock_filter *f = &prog->insns[pc];
		n++;
		uint16_t cls = BPF_CLASS(f->code);
		uint32_t src = BPF_SRC(f->code) == BPF_X ? X : f->k;
		switch (cls) {
		case BPF_LD:
			switch (BPF_MODE(f->code)) {
			case BPF_ABS: A = load_word(data, f->k); break;
			case BPF_LEN: A = 64; break; /* seccomp rewrites it to sizeof(seccomp_data) */
			case BPF_IMM: A = f->k; break;
			case BPF_MEM: A = M[f->k]; break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(f->code)) {
			case BPF_LEN: X = 64; break;
			case BPF_IMM: X = f->k; break;
			case BPF_MEM: X = M[f->k]; break;
			}
			break;
		case BPF_ST: M[f->k] = A; break;
		case BPF_STX: M[f->k] = X; break;
		case BPF_ALU:
			if (BPF_OP(f->code) == BPF_DIV && src == 0) {
				/* Only X can be zero here. The kernel's converted program
				 * returns 0 (SECCOMP_RET_KILL_THREAD) from the filter. */
				res->ret = 0;
				res->ret_pc = pc;
				res->executed = n;
				return 0;
			}
			A = alu(BPF_OP(f->code), A, src);
			break;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				pc += f->k;
			else
				pc += jump_taken(BPF_OP(f->code), A, src) ? f->jt : f->jf;
			break;
		case BPF_RET:
			res->ret = BPF_RVAL(f->code) == BPF_A ? A : f->k;
			res->ret_pc = pc;
			res->executed = n;
			return 0;
		}
		pc++;
	}
}

/* The kernel's ordering of actions (seccomp_run_filters): the action part as a
 * signed 32-bit number, lower is more restrictive — KILL_PROCESS (0x80000000)
 * is negative, KILL_THREAD 0, then TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW. */
static int32_t action_only(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

int sk_filter_set_run(const struct sk_filter_set *set, const struct sk_seccomp_data *data,
		      struct sk_run_result *res)
{
	if (!set || !res || set->n == 0)
		return -EINVAL;
	/* The kernel starts from ALLOW and walks from the most recently installed
	 * filter back; only a strictly more restrictive action replaces the one it
	 * holds, so on a tie the later-installed filter's data wins. */
	uint32_t ret = SECCOMP_RET_ALLOW;
	struct sk_run_result best = {0};
	size_t total = 0;
	for (size_t i = set->n; i-- > 0;) {
		struct sk_run_result r;
		int e = sk_bpf_run(&set->progs[i], data, &r);
		if (e < 0)
			return e;
		total += r.executed;
		/* Where nothing beats ALLOW, point at the first filter run. */
		if (i == set->n - 1 || action_only(r.ret) < action_only(ret)) {
			best = r;
			best.prog = i;
		}
		if (action_only(r.ret) < action_only(ret))
			ret = r.ret;
	}
	best.ret = ret;
	best.executed = total;
	*res = best;
	return 0;
}
