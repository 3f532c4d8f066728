/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's load-time checks on a seccomp filter, so that a program scmpkit
 * accepts is one seccomp(2) accepts and the emulator never runs anything the
 * kernel would have refused. The kernel runs bpf_check_classic (net/core/filter.c)
 * and then seccomp_check_filter (kernel/seccomp.c); the checks below are the
 * union of both, in one table-driven pass plus the scratch-memory pass. */
#include <errno.h>
#include <stdint.h>

#include <linux/filter.h>

#include <scmpkit/bpf.h>

#define SECCOMP_DATA_SIZE 64u /* sizeof(struct seccomp_data) */
#define MEMWORDS 16u          /* BPF_MEMWORDS */

/* seccomp_check_filter's explicit allow-list: nothing else loads. (No MOD, no
 * byte/half loads, no IND/MSH, no RET X: the kernel refuses them all.) */
static const uint16_t allowed[] = {
	BPF_LD | BPF_W | BPF_ABS,  BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
	BPF_RET | BPF_K,           BPF_RET | BPF_A,
	BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X,
	BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_SUB | BPF_X,
	BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X,
	BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
	BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X,
	BPF_ALU | BPF_OR | BPF_K,  BPF_ALU | BPF_OR | BPF_X,
	BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X,
	BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
	BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X,
	BPF_ALU | BPF_NEG,
	BPF_LD | BPF_IMM,          BPF_LDX | BPF_IMM,
	BPF_MISC | BPF_TAX,        BPF_MISC | BPF_TXA,
	BPF_LD | BPF_MEM,          BPF_LDX | BPF_MEM,
	BPF_ST,                    BPF_STX,
	BPF_JMP | BPF_JA,
	BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X,
	BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGE | BPF_X,
	BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
	BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JSET | BPF_X,
};

static bool opcode_allowed(uint16_t code)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (allowed[i] == code)
			return true;
	return false;
}

static int fail(struct sk_diags *d, size_t pc, const char *why)
{
	if (d)
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "bpf-invalid",
			     "instruction %zu: %s (the kernel would refuse this filter)", pc, why);
	return -EINVAL;
}

/* One instruction alone: what bpf_check_classic and seccomp_check_filter test. */
static int check_insn(const struct sock_filter *f, size_t pc, size_t len, struct sk_diags *d)
{
	if (!opcode_allowed(f->code))
		return fail(d, pc, "opcode not allowed in a seccomp filter");
	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (f->k >= SECCOMP_DATA_SIZE || (f->k & 3))
			return fail(d, pc, "load outside struct seccomp_data or not 32-bit aligned");
		break;
	case BPF_ALU | BPF_DIV | BPF_K:
		if (f->k == 0)
			return fail(d, pc, "division by constant zero");
		break;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		if (f->k >= 32)
			return fail(d, pc, "shift by 32 or more");
		break;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		if (f->k >= MEMWORDS)
			return fail(d, pc, "scratch memory index out of range");
		break;
	case BPF_JMP | BPF_JA:
		/* Offsets are unsigned: no backward jumps; the target must exist. */
		if ((uint64_t)f->k >= (uint64_t)(len - pc - 1))
			return fail(d, pc, "jump target past the end");
		break;
	default:
		if (BPF_CLASS(f->code) == BPF_JMP && (pc + f->jt + 1 >= len || pc + f->jf + 1 >= len))
			return fail(d, pc, "jump target past the end");
		break;
	}
	return 0;
}

/* bpf_check_classic's check_load_and_stores: no scratch word may be read on a
 * path where it was not written. One 16-bit mask per instruction, as the kernel. */
static int check_scratch(const struct sock_filter *f, size_t len, struct sk_diags *d)
{
	uint16_t masks_small[256], *masks = masks_small;
	uint16_t masks_big[SK_BPF_MAXINSNS];
	if (len > 256)
		masks = masks_big;
	for (size_t i = 0; i < len; i++)
		masks[i] = 0xffff;
	uint16_t valid = 0;
	for (size_t pc = 0; pc < len; pc++) {
		valid &= masks[pc];
		switch (f[pc].code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << f[pc].k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f[pc].k)))
				return fail(d, pc, "scratch memory read before it is written");
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f[pc].k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (BPF_CLASS(f[pc].code) == BPF_JMP) {
				masks[pc + 1 + f[pc].jt] &= valid;
				masks[pc + 1 + f[pc].jf] &= valid;
				valid = 0xffff;
			}
			break;
		}
	}
	return 0;
}

int sk_bpf_validate(const struct sk_bpf_prog *prog, struct sk_diags *diags)
{
	if (!prog || !prog->insns || prog->len == 0 || prog->len > SK_BPF_MAXINSNS) {
		if (diags)
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "bpf-invalid",
				     "program length %zu is outside 1..%d", prog ? prog->len : 0,
				     SK_BPF_MAXINSNS);
		return -EINVAL;
	}
	for (size_t pc = 0; pc < prog->len; pc++) {
		int r = check_insn(&prog->insns[pc], pc, prog->len, diags);
		if (r)
			return r;
	}
	uint16_t last = prog->insns[prog->len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return fail(diags, prog->len - 1, "the last instruction is not a return");
	return check_scratch(prog->insns, prog->len, diags);
}
