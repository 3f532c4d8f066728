/* SPDX-License-Identifier: Apache-2.0 */
/* Readable listing of a seccomp program: one instruction a line, with syscall
 * names for the architecture the code is in, argument names for loads, and
 * actions for returns. Works on any bytes, including programs the kernel would
 * refuse (the fuzzer feeds it garbage), so nothing here trusts the input.
 *
 * What A holds and which architecture a block belongs to are found by one
 * forward pass: classic BPF jumps only forward, so every predecessor of an
 * instruction is seen before it. */
#include <inttypes.h>
#include <stdio.h> /* snprintf */
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>

#include <scmpkit/bpf.h>

#include "util/strbuf.h"

#define AUDIT_ARCH_LE 0x40000000u

enum kind { K_UNKNOWN = 0, K_NR, K_ARCH, K_FIELD /* ip or an argument word */ };

struct state {
	bool reached;
	enum kind a, x;
	int arch; /* enum sk_arch, SK_ARCH_INVALID when unknown or paths disagree */
};

static void merge(struct state *dst, const struct state *src)
{
	if (!dst->reached) {
		*dst = *src;
		return;
	}
	if (dst->a != src->a)
		dst->a = K_UNKNOWN;
	if (dst->x != src->x)
		dst->x = K_UNKNOWN;
	if (dst->arch != src->arch)
		dst->arch = SK_ARCH_INVALID;
}

static bool big_endian(int arch)
{
	const struct sk_arch_info *i = sk_arch_info(arch);
	if (i)
		return i->big_endian;
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/* Name of the seccomp_data word at offset K ("args[2].hi"), or NULL. */
static const char *field_name(uint32_t k, int arch, char *buf, size_t size)
{
	if (k >= 64 || (k & 3))
		return NULL;
	if (k == 0)
		return "nr";
	if (k == 4)
		return "arch";
	bool first = (k & 4) == 0;
	const char *half = first != big_endian(arch) ? "lo" : "hi";
	if (k < 16)
		snprintf(buf, size, "instruction_pointer.%s", half);
	else
		snprintf(buf, size, "args[%u].%s", (k - 16) / 8, half);
	return buf;
}

static const char *syscall_name(int arch, uint32_t nr)
{
	if (arch == SK_ARCH_INVALID)
		return NULL;
	/* x86_64's audit arch also carries x32 calls, marked by the x32 bit. */
	if (arch == SK_ARCH_X86_64 && (nr & SK_X32_SYSCALL_BIT))
		arch = SK_ARCH_X32;
	return sk_syscall_name(arch, (int64_t)nr);
}

static const char *arch_name(uint32_t audit)
{
	const struct sk_arch_info *i = sk_arch_info(sk_arch_from_audit(audit, 0));
	return i ? i->short_name : NULL;
}

/* A constant compared with A, named by what A holds. */
static const char *operand(const struct sock_filter *f, enum kind a, int arch, bool eq,
			   char *buf, size_t size)
{
	if (BPF_SRC(f->code) == BPF_X)
		return "X";
	const char *s = NULL;
	if (a == K_NR && eq)
		s = syscall_name(arch, f->k);
	else if (a == K_ARCH && eq)
		s = arch_name(f->k);
	if (s)
		return s;
	if (f->k < 10 || (a == K_NR && f->k < SK_X32_SYSCALL_BIT))
		snprintf(buf, size, "%" PRIu32, f->k);
	else
		snprintf(buf, size, "0x%" PRIx32, f->k);
	return buf;
}

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=",  [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=",
};

/* Conditions as written when the jump is taken, and when it falls through. */
static const struct {
	uint16_t op;
	const char *taken, *not_taken;
} conds[] = {
	{BPF_JEQ, "==", "!="},
	{BPF_JGT, ">", "<="},
	{BPF_JGE, ">=", "<"},
};

static void print_jump(struct sk_sb *out, const struct sock_filter *f, size_t pc, const struct state *s)
{
	char buf[32];
	uint16_t op = BPF_OP(f->code);
	size_t t = pc + 1 + f->jt, e = pc + 1 + f->jf;
	const char *v = operand(f, s->a, s->arch, op == BPF_JEQ, buf, sizeof buf);
	if (op == BPF_JSET) {
		if (f->jf == 0)
			sk_sb_addf(out, "if (A & %s) goto %zu", v, t);
		else if (f->jt == 0)
			sk_sb_addf(out, "if (!(A & %s)) goto %zu", v, e);
		else
			sk_sb_addf(out, "if (A & %s) goto %zu else goto %zu", v, t, e);
		return;
	}
	for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
		if (conds[i].op != op)
			continue;
		if (f->jt == f->jf)
			sk_sb_addf(out, "goto %zu", t);
		else if (f->jf == 0)
			sk_sb_addf(out, "if (A %s %s) goto %zu", conds[i].taken, v, t);
		else if (f->jt == 0)
			sk_sb_addf(out, "if (A %s %s) goto %zu", conds[i].not_taken, v, e);
		else
			sk_sb_addf(out, "if (A %s %s) goto %zu else goto %zu", conds[i].taken, v, t, e);
		return;
	}
	sk_sb_addf(out, ".insn 0x%02x, %u, %u, 0x%08" PRIx32 " (unknown jump)", f->code, f->jt,
		f->jf, f->k);
}

static void print_insn(struct sk_sb *out, const struct sock_filter *f, size_t pc, const struct state *s)
{
	char buf[48];
	const char *name;
	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		name = field_name(f->k, s->arch, buf, sizeof buf);
		if (name)
			sk_sb_addf(out, "A = %s", name);
		else
			sk_sb_addf(out, "A = data[%" PRIu32 "] (outside seccomp_data)", f->k);
		return;
	case BPF_LD | BPF_W | BPF_LEN: sk_sb_adds(out, "A = len"); return;
	case BPF_LDX | BPF_W | BPF_LEN: sk_sb_adds(out, "X = len"); return;
	case BPF_LD | BPF_IMM: sk_sb_addf(out, "A = 0x%" PRIx32, f->k); return;
	case BPF_LDX | BPF_IMM: sk_sb_addf(out, "X = 0x%" PRIx32, f->k); return;
	case BPF_LD | BPF_MEM: sk_sb_addf(out, "A = M[%" PRIu32 "]", f->k); return;
	case BPF_LDX | BPF_MEM: sk_sb_addf(out, "X = M[%" PRIu32 "]", f->k); return;
	case BPF_ST: sk_sb_addf(out, "M[%" PRIu32 "] = A", f->k); return;
	case BPF_STX: sk_sb_addf(out, "M[%" PRIu32 "] = X", f->k); return;
	case BPF_MISC | BPF_TAX: sk_sb_adds(out, "X = A"); return;
	case BPF_MISC | BPF_TXA: sk_sb_adds(out, "A = X"); return;
	case BPF_ALU | BPF_NEG: sk_sb_adds(out, "A = -A"); return;
	case BPF_JMP | BPF_JA: sk_sb_addf(out, "goto %zu", pc + 1 + (size_t)f->k); return;
	case BPF_RET | BPF_A: sk_sb_adds(out, "return A"); return;
	case BPF_RET | BPF_K:
		sk_sb_addf(out, "return %s", sk_ret_format(f->k, buf, sizeof buf));
		return;
	}
	if (BPF_CLASS(f->code) == BPF_ALU && alu_ops[BPF_OP(f->code) >> 4] &&
	    BPF_OP(f->code) != BPF_NEG) {
		if (BPF_SRC(f->code) == BPF_X)
			sk_sb_addf(out, "A %s X", alu_ops[BPF_OP(f->code) >> 4]);
		else
			sk_sb_addf(out, "A %s 0x%" PRIx32, alu_ops[BPF_OP(f->code) >> 4], f->k);
		return;
	}
	if (BPF_CLASS(f->code) == BPF_JMP) {
		print_jump(out, f, pc, s);
		return;
	}
	sk_sb_addf(out, ".insn 0x%02x, %u, %u, 0x%08" PRIx32 " (not a seccomp instruction)",
		f->code, f->jt, f->jf, f->k);
}

/* What the instruction leaves in A and X, and which arch its successors are in. */
static void propagate(const struct sock_filter *f, size_t pc, size_t len, struct state *st,
		      bool forced)
{
	struct state s = st[pc];
	uint16_t cls = BPF_CLASS(f->code);
	if (f->code == (BPF_LD | BPF_W | BPF_ABS))
		s.a = f->k == 0 ? K_NR : f->k == 4 ? K_ARCH : K_FIELD;
	else if (f->code == (BPF_MISC | BPF_TAX))
		s.x = s.a;
	else if (f->code == (BPF_MISC | BPF_TXA))
		s.a = s.x;
	else if (cls == BPF_LD || cls == BPF_ALU)
		s.a = K_UNKNOWN;
	else if (cls == BPF_LDX)
		s.x = K_UNKNOWN;
	if (cls == BPF_RET)
		return;
	if (cls != BPF_JMP) {
		if (pc + 1 < len)
			merge(&st[pc + 1], &s);
		return;
	}
	if (BPF_OP(f->code) == BPF_JA) {
		if ((uint64_t)pc + 1 + f->k < len)
			merge(&st[pc + 1 + f->k], &s);
		return;
	}
	struct state t = s, e = s;
	/* x32 needs no rule of its own: it shares x86_64's audit arch and its
	 * numbers carry the x32 bit, which syscall_name() looks at. */
	if (!forced && BPF_SRC(f->code) == BPF_K && s.a == K_ARCH && BPF_OP(f->code) == BPF_JEQ)
		t.arch = sk_arch_from_audit(f->k, 0);
	if (pc + 1 + f->jt < len)
		merge(&st[pc + 1 + f->jt], &t);
	if (pc + 1 + f->jf < len)
		merge(&st[pc + 1 + f->jf], &e);
}

char *sk_bpf_disasm(const struct sk_bpf_prog *prog, enum sk_arch arch)
{
	if (!prog || (!prog->insns && prog->len))
		return NULL;
	struct state *st = calloc(prog->len ? prog->len : 1, sizeof *st);
	if (!st)
		return NULL;
	struct sk_sb out = SK_SB_INIT;
	bool forced = arch != SK_ARCH_INVALID;
	if (prog->len) {
		st[0].reached = true;
		st[0].arch = arch;
	}
	for (size_t pc = 0; pc < prog->len; pc++) {
		if (!st[pc].reached) /* dead code: nothing known */
			st[pc] = (struct state){.reached = true, .arch = arch};
		sk_sb_addf(&out, "%4zu: ", pc);
		print_insn(&out, &prog->insns[pc], pc, &st[pc]);
		sk_sb_addc(&out, '\n');
		propagate(&prog->insns[pc], pc, prog->len, st, forced);
	}
	free(st);
	return sk_sb_detach(&out, NULL);
}

char *sk_filter_set_disasm(const struct sk_filter_set *set, enum sk_arch arch, bool installed)
{
	struct sk_sb out = SK_SB_INIT;
	for (size_t i = 0; set && i < set->n; i++) {
		if (installed)
			sk_sb_addf(&out, "# filter %zu of %zu (%zu instructions)%s\n", i + 1, set->n,
				   set->progs[i].len, i + 1 == set->n ? ", most recently installed" : "");
		else if (set->n > 1)
			sk_sb_addf(&out, "# stacked filter %zu of %zu (%zu instructions)\n", i + 1,
				   set->n, set->progs[i].len);
		char *t = sk_bpf_disasm(&set->progs[i], arch);
		if (!t) {
			sk_sb_release(&out);
			return NULL;
		}
		sk_sb_adds(&out, t);
		free(t);
	}
	return sk_sb_detach(&out, NULL);
}
