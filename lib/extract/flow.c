/* SPDX-License-Identifier: Apache-2.0 */
/* Which numbers reach each syscall instruction: a forward value analysis
 * per function, and a worklist across functions for wrappers.
 *
 * Within a function: basic blocks, a state per block (values.h), joins until
 * nothing changes, then one pass that reads the value of eax at every
 * `syscall` (and `int 0x80`) and the value of each parameter a callee takes
 * its syscall number from at every call of a wrapper. Constants become the
 * function's items; "parameter P of this function" makes the function a
 * wrapper itself (its needs); anything else is an unresolved site, listed,
 * never dropped.
 *
 * Across functions: a function is analysed when it holds a syscall
 * instruction or calls a wrapper; when its needs grow, its callers are
 * analysed again, so constants travel up any chain of wrappers: Go's
 * os.(*File).Read -> syscall.read -> syscall.Syscall -> RawSyscall6 ->
 * runtime/internal/syscall.Syscall6 (number in AX), or a C program's
 * syscall(SYS_gettid) through the PLT into libc's syscall (number in rdi).
 * This is the precision technique: wrapper detection and constant
 * propagation across calls (B-Side does it with symbolic execution; here it
 * is a cheaper abstract interpretation, sound for the code compilers emit).
 *
 * Across a call, a callee may write the caller's outgoing-argument area (Go's
 * results, spills) and anything whose address escaped; those slots are
 * forgotten. Registers a callee may clobber are forgotten: the System V set
 * for C, all of them for Go's ABI. */
#include "values.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

struct block {
	uint32_t first, n;  /* instructions */
	uint32_t succ[2];
	uint8_t nsucc;
	bool indirect;      /* ends in a jump to an unknown place in the function */
	bool orphan;        /* no known predecessor */
	bool outside;       /* entered from outside (a call into the function, a
			       pointer) and reached by nothing else but padding */
	bool falls_out;     /* runs off the end of the function */
};

struct fctx {
	struct xobj *o;
	const struct xdec *dec;
	uint32_t f;
	struct xinsn *ins;
	size_t n_ins, cap_ins;
	struct block *bl;
	size_t n_bl, cap_bl;
	struct astate *in;
	size_t cap_in;
	bool escapes, go, exempt, any_indirect;
	uint32_t needs;
	int err;
	/* collecting: the constants indirect calls pass in each location of
	 * COLLECT (the parameters address-taken wrappers take numbers in) */
	uint32_t collect;
	struct aval *passed; /* XL_COUNT values */
};

#define SYSV_CLOBBER ((1u << XR_AX) | (1u << XR_CX) | (1u << XR_DX) | (1u << XR_SI) | \
		      (1u << XR_DI) | (1u << XR_R8) | (1u << XR_R9) | (1u << XR_R10) | (1u << XR_R11))
#define GO_CLOBBER (0xffffu & ~((1u << XR_SP) | (1u << XR_BP)))

/* ---- items -------------------------------------------------------------- */

static bool item_eq(const struct xitem *a, const struct xitem *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case XI_SYS: return a->arch == b->arch && a->nr == b->nr;
	case XI_IMPORT: return a->nr == b->nr;
	case XI_UNRESOLVED: return a->site == b->site && !strcmp(a->text, b->text);
	default: return !strcmp(a->text, b->text);
	}
}

uint32_t xobj_item(struct xobj *o, const struct xitem *it)
{
	for (size_t i = 0; i < o->n_items; i++)
		if (item_eq(&o->items[i], it))
			return (uint32_t)i;
	if (SK_GROW(o->items, o->cap_items, o->n_items) < 0)
		return XT_NONE;
	struct xitem c = *it;
	if (it->text && !(c.text = strdup(it->text)))
		return XT_NONE;
	o->items[o->n_items] = c;
	return (uint32_t)o->n_items++;
}

int xobj_own(struct xobj *o, uint32_t f, uint32_t i)
{
	if (i == XT_NONE)
		return -ENOMEM;
	struct xvec *v = &o->fown[f];
	for (size_t k = 0; k < v->n; k++)
		if (v->v[k] == i)
			return 0;
	if (SK_GROW(v->v, v->cap, v->n) < 0)
		return -ENOMEM;
	v->v[v->n++] = i;
	return 0;
}

static void own(struct fctx *c, const struct xitem *it)
{
	if (xobj_own(c->o, c->f, xobj_item(c->o, it)) < 0)
		c->err = -ENOMEM;
}

/* A constant that reached a site: a syscall if the tables name it (others
 * make the kernel answer ENOSYS; no profile can name them). THROUGH: the
 * wrapper it was passed to, for provenance; NULL for a syscall instruction. */
static void number(struct fctx *c, uint64_t site, uint32_t nr, bool i386, const char *through)
{
	enum sk_arch arch = i386 ? SK_ARCH_X86 : (nr & SK_X32_SYSCALL_BIT) ? SK_ARCH_X32
									    : SK_ARCH_X86_64;
	if (!sk_syscall_name(arch, nr))
		return;
	own(c, &(struct xitem){.kind = XI_SYS, .arch = (uint8_t)arch, .nr = nr, .site = site,
			      .func = c->f, .text = (char *)through});
}

/* The name of a call target, as provenance and messages say it. */
static const char *target_name(const struct xobj *o, uint32_t target, char *buf, size_t len)
{
	if (target & XT_IMPORT) {
		snprintf(buf, len, "%s (import)", o->imports[target & ~XT_IMPORT].name);
		return buf;
	}
	return xobj_func_name(o, target, buf, len);
}

static void unresolved(struct fctx *c, uint64_t site, const char *what)
{
	own(c, &(struct xitem){.kind = XI_UNRESOLVED, .site = site, .func = c->f,
			      .text = (char *)what});
}

/* ---- decoding and blocks ------------------------------------------------ */

/* A function of more instructions or blocks than any compiler's (a hostile
 * file: 2 MB of `ret`s is one function of code no source bounds) would cost
 * its instructions and its blocks' states (1.8 KB each): gigabytes. It is
 * not analysed (too_large). */
#define XFLOW_MAX_INS (1 << 18)
#define XFLOW_MAX_BLOCKS (1 << 16)

static int decode(struct fctx *c)
{
	const struct xfunc *fn = &c->o->funcs[c->f];
	const uint8_t *code = xelf_at(&c->o->elf, fn->start, fn->end - fn->start);
	c->n_ins = 0;
	if (!code || (fn->flags & XF_DATA))
		return 0;
	/* after a ret or jmp, a run of zero bytes is padding (Free Pascal's
	 * between functions): decoded as `add %al,(%rax)`, the last would eat
	 * the next function's first byte. Two at least: a lone 00 may begin a
	 * real byte add (00 c3: add %al,%bl). (Reachability, in scan.c, still
	 * takes them for code that may fall through: some of Free Pascal's
	 * functions are reached no other way the analysis sees.) */
	bool ended = false;
	for (uint64_t a = fn->start; a < fn->end;) {
		if (SK_GROW(c->ins, c->cap_ins, c->n_ins) < 0)
			return -ENOMEM;
		struct xinsn *x = &c->ins[c->n_ins];
		if (ended && a + 1 < fn->end && !code[a - fn->start] && !code[a + 1 - fn->start]) {
			while (a < fn->end && !code[a - fn->start])
				a++;
			continue;
		}
		if (xdec_one(c->dec, code + (a - fn->start), fn->end - a, a, x) < 0) {
			a++;
			continue;
		}
		ended = x->op == XO_RET || x->op == XO_JMP || x->op == XO_STOP;
		uint64_t b = xobj_next_bound(c->o, a);
		if (b < a + x->len) { /* code names a start inside it: decode from there */
			a = b;
			continue;
		}
		a += x->len;
		if (++c->n_ins > XFLOW_MAX_INS)
			return 1;
	}
	return 0;
}

static int64_t ins_at(const struct fctx *c, uint64_t addr)
{
	size_t lo = 0, hi = c->n_ins;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->ins[mid].addr == addr)
			return (int64_t)mid;
		if (c->ins[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* An intra-function branch target that lands on an instruction, or -1. */
static int64_t local_target(const struct fctx *c, const struct xinsn *x)
{
	const struct xfunc *fn = &c->o->funcs[c->f];
	if (!x->rel || x->target < fn->start || x->target >= fn->end)
		return -1;
	return ins_at(c, x->target);
}

static const struct xcall *call_at(const struct fctx *c, uint64_t site);

/* A call to a function that never returns ends its block with no successor:
 * the code after it (another path's) must not get this path's values. */
static bool noreturn_call(const struct fctx *c, const struct xinsn *x)
{
	if (x->op != XO_CALL)
		return false;
	const struct xcall *k = call_at(c, x->addr);
	if (!k || k->target == XT_NONE)
		return false;
	if (k->target & XT_IMPORT)
		return c->o->imports[k->target & ~XT_IMPORT].noret;
	return c->o->funcs[k->target].flags & XF_NORET;
}

static bool ends_block(const struct fctx *c, const struct xinsn *x)
{
	return x->op == XO_JCC || x->op == XO_JMP || x->op == XO_RET || x->op == XO_STOP ||
	       noreturn_call(c, x);
}

static int find_blocks(struct fctx *c)
{
	uint8_t *lead = calloc(c->n_ins + 1, 1);
	if (!lead)
		return -ENOMEM;
	lead[0] = 1;
	for (size_t i = 0; i < c->n_ins; i++) {
		int64_t t = local_target(c, &c->ins[i]);
		if ((c->ins[i].op == XO_JCC || c->ins[i].op == XO_JMP) && t >= 0)
			lead[t] = 1;
		if (i && xobj_entered(c->o, c->ins[i].addr)) /* entered from outside */
			lead[i] = 1;
		if (ends_block(c, &c->ins[i]) || (i + 1 < c->n_ins &&
					       c->ins[i].addr + c->ins[i].len != c->ins[i + 1].addr))
			lead[i + 1] = 1;
	}
	c->n_bl = 0;
	for (size_t i = 0; i < c->n_ins; i++) {
		if (!lead[i])
			continue;
		if (SK_GROW(c->bl, c->cap_bl, c->n_bl) < 0) {
			free(lead);
			return -ENOMEM;
		}
		c->bl[c->n_bl++] = (struct block){.first = (uint32_t)i, .orphan = c->n_bl > 0};
	}
	for (size_t b = 0; b < c->n_bl; b++) {
		uint32_t end = b + 1 < c->n_bl ? c->bl[b + 1].first : (uint32_t)c->n_ins;
		c->bl[b].n = end - c->bl[b].first;
	}
	free(lead);
	return 0;
}

static uint32_t block_of(const struct fctx *c, int64_t ins)
{
	size_t lo = 0, hi = c->n_bl;
	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->bl[mid].first <= ins)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

static bool padding(const struct fctx *c, uint32_t b);

/* A block code elsewhere enters (a call into the middle of this function, as
 * when the file gives no bounds and a stub follows the code that calls it)
 * whose only predecessor is padding nothing reaches: unless seeded it would
 * never run in the analysis, and its sites would be lost without a word. */
static void mark_outside(struct fctx *c)
{
	for (uint32_t b = 1; b < c->n_bl; b++)
		c->bl[b].outside = xobj_entered(c->o, c->ins[c->bl[b].first].addr);
	for (uint32_t b = 0; b < c->n_bl; b++) {
		const struct block *bl = &c->bl[b];
		bool dead_padding = bl->orphan && b && padding(c, b);
		for (unsigned s = 0; s < bl->nsucc && !dead_padding; s++)
			c->bl[bl->succ[s]].outside = false;
	}
}

static void link_blocks(struct fctx *c)
{
	c->any_indirect = false;
	for (size_t b = 0; b < c->n_bl; b++) {
		struct block *bl = &c->bl[b];
		const struct xinsn *x = &c->ins[bl->first + bl->n - 1];
		bool next_adjacent = b + 1 < c->n_bl &&
				     x->addr + x->len == c->ins[c->bl[b + 1].first].addr;
		int64_t t = local_target(c, x);
		if ((x->op == XO_JCC || x->op == XO_JMP) && t >= 0)
			bl->succ[bl->nsucc++] = block_of(c, t);
		if (x->op == XO_JMP && !x->rel && !(x->n && x->o[0].kind == XK_MEM &&
						    x->o[0].reg == XR_RIP))
			bl->indirect = c->any_indirect = true;
		if (!ends_block(c, x) || x->op == XO_JCC) {
			if (next_adjacent)
				bl->succ[bl->nsucc++] = (uint32_t)b + 1;
			else if (b + 1 == c->n_bl)
				bl->falls_out = true;
		}
		for (unsigned s = 0; s < bl->nsucc; s++)
			c->bl[bl->succ[s]].orphan = false;
	}
	if (c->n_bl)
		c->bl[0].orphan = false;
	mark_outside(c);
}

/* The System V argument registers, in order: what XL_MEM0 + i points through. */
static const int8_t arg_regs[XL_NMEM] = {XR_DI, XR_SI, XR_DX, XR_CX, XR_R8, XR_R9};

/* ---- the value of operands ---------------------------------------------- */

/* The stack offset a memory operand addresses, if it is one. */
static bool stack_off(const struct astate *st, const struct xopnd *op, int32_t *off)
{
	if (op->kind != XK_MEM || op->reg < 0 || op->reg >= XR_COUNT || op->index != XR_NONE)
		return false;
	const struct aval *b = &st->r[op->reg];
	if (b->k != V_STK)
		return false;
	int64_t o = (int64_t)(int32_t)b->c[0] + op->val;
	if (o < -XSTK_MAX || o > XSTK_MAX)
		return false;
	*off = (int32_t)o;
	return true;
}

static struct aval rd(const struct fctx *c, const struct astate *st, const struct xopnd *op)
{
	int32_t off;
	uint64_t g;
	bool fixed = op->reg == XR_RIP || (op->reg == XR_NONE && !c->o->elf.dyn);
	switch (op->kind) {
	case XK_REG:
		if (op->reg < 0 || op->high8)
			return v_top();
		return v_view(&st->r[op->reg], op->size);
	case XK_IMM:
		return v_view(&(struct aval){.k = V_VAL, .n = 1, .c = {(uint32_t)op->val}}, op->size);
	case XK_MEM:
		if (stack_off(st, op, &off))
			return st_load(st, off, op->size);
		if (op->size == 4 && op->val == 0 && op->index == XR_NONE && op->reg >= 0 &&
		    op->reg < XR_COUNT)
			for (unsigned i = 0; i < XL_NMEM; i++)
				if (st->r[op->reg].k == V_VAL && !st->r[op->reg].n &&
				    st->r[op->reg].pm == 1u << arg_regs[i])
					return v_param(XL_MEM0 + i); /* *param: the caller's word */
		/* a global nothing writes: Go's syscall.fcntl64Syscall = SYS_FCNTL */
		if (fixed && op->index == XR_NONE && xobj_global(c->o, (uint64_t)op->val, op->size, &g))
			return v_const((uint32_t)g);
		return v_top();
	default:
		return v_top();
	}
}

/* An 8- or 16-bit write keeps the register's other bits: musl's
 * `xor %eax,%eax; mov $0x3c,%al` is 60 (exit). */
static struct aval merge_low(const struct aval *old, const struct aval *v, unsigned size)
{
	uint32_t m = size == 1 ? 0xffu : 0xffffu;
	if (old->k != V_VAL || v->k != V_VAL || old->pm || v->pm || !old->n || !v->n)
		return v_top();
	struct aval r = {.k = V_VAL};
	for (unsigned i = 0; i < old->n; i++)
		for (unsigned j = 0; j < v->n; j++) {
			struct aval one = v_const((old->c[i] & ~m) | (v->c[j] & m));
			r = r.n ? v_join(&r, &one) : one;
			if (r.k == V_TOP)
				return r;
		}
	return r;
}

static void wr(struct astate *st, const struct xopnd *op, struct aval v)
{
	int32_t off;
	if (op->kind == XK_REG && op->reg >= 0) {
		/* 32-bit writes zero-extend; 8- and 16-bit ones merge */
		struct aval *r = &st->r[op->reg];
		if (op->high8)
			*r = v_top();
		else
			*r = op->size >= 4 ? v_view(&v, op->size) : merge_low(r, &v, op->size);
	} else if (op->kind == XK_MEM && stack_off(st, op, &off)) {
		st_store(st, off, op->size, &v);
	}
}

/* ---- calls -------------------------------------------------------------- */

static const struct xcall *call_at(const struct fctx *c, uint64_t site)
{
	const struct xfunc *fn = &c->o->funcs[c->f];
	for (uint32_t i = 0; i < fn->n_calls; i++) {
		const struct xcall *k = &c->o->calls[fn->first_call + i];
		if (k->site == site && k->kind != XC_REF)
			return k;
	}
	return NULL;
}

static uint32_t needs_of(const struct xobj *o, uint32_t target)
{
	if (target == XT_NONE)
		return 0;
	if (target & XT_IMPORT)
		return o->imports[target & ~XT_IMPORT].needs;
	return o->funcs[target].needs;
}

/* The value parameter Q of the callee gets at a call (TAIL: a jump, no
 * return address pushed). */
static struct aval arg(const struct astate *st, unsigned q, bool tail)
{
	if (q < XL_STACK0)
		return st->r[q];
	if (q >= XL_MEM0) { /* the word the argument register points at */
		const struct aval *p = &st->r[arg_regs[q - XL_MEM0]];
		if (p->k == V_STK)
			return st_load(st, (int32_t)p->c[0], 4);
		for (unsigned i = 0; p->k == V_VAL && !p->n && i < XL_NMEM; i++)
			if (p->pm == 1u << arg_regs[i]) /* passed on: its pointee, ours */
				return v_param(XL_MEM0 + i);
		return v_top();
	}
	const struct aval *sp = &st->r[XR_SP];
	if (sp->k != V_STK)
		return v_top();
	int64_t off = (int32_t)sp->c[0] + 8 * (int64_t)(q - XL_STACK0) + (tail ? 8 : 0);
	return st_load(st, (int32_t)off, 8);
}

static void wrapper_call(struct fctx *c, const struct astate *st, uint64_t site,
			 uint32_t target, bool tail)
{
	uint32_t m = needs_of(c->o, target);
	for (unsigned q = 0; q < XL_COUNT; q++) {
		if (!(m >> q & 1))
			continue;
		struct aval v = arg(st, q, tail);
		char nb[96], what[200];
		const char *name = target_name(c->o, target, nb, sizeof nb);
		if (v.k == V_VAL) {
			c->needs |= v.pm;
			for (unsigned i = 0; i < v.n; i++)
				number(c, site, v.c[i], false, name);
			continue;
		}
		if (v.k == V_BOT || c->exempt)
			continue;
		snprintf(what, sizeof what, "call to %s, which takes a syscall number", name);
		unresolved(c, site, what);
	}
}

/* After a call: what the callee may have changed is forgotten. Registers: the
 * System V caller-saved set for C, every one but rsp and rbp for Go's ABI.
 * Slots: everything below the entry when a stack address escaped; else the
 * area at the stack pointer the callee owns: a Go function's argument,
 * result and spill area (its size is in Go's table), up to 8 stack
 * arguments of a C function, 256 bytes when the callee is unknown. */
static void after_call(struct fctx *c, struct astate *st, uint32_t target)
{
	const struct xfunc *callee = target == XT_NONE || (target & XT_IMPORT)
					     ? NULL : &c->o->funcs[target];
	bool go_callee = callee ? (callee->flags & XF_GO) : target == XT_NONE && c->go;
	uint32_t clobber = go_callee ? GO_CLOBBER : SYSV_CLOBBER;
	for (unsigned r = 0; r < XR_COUNT; r++)
		if (clobber >> r & 1)
			st->r[r] = v_top();
	const struct aval *sp = &st->r[XR_SP];
	if (c->escapes || sp->k != V_STK) {
		st_forget(st, INT32_MIN, 0);
		return;
	}
	int64_t lo = (int32_t)sp->c[0];
	int64_t area = target == XT_NONE ? 256 : go_callee ? (callee->args >= 0 ? callee->args : 256)
						: 64;
	st_forget(st, lo, lo + area < 0 ? lo + area : 0);
}

static void syscall_site(struct fctx *c, struct astate *st, const struct xinsn *x, bool emit)
{
	if (emit) {
		struct aval v = v_view(&st->r[XR_AX], 4);
		if (v.k == V_VAL) {
			c->needs |= v.pm;
			for (unsigned i = 0; i < v.n; i++)
				number(c, x->addr, v.c[i], x->op == XO_INT80, NULL);
		} else if (v.k != V_BOT && !c->exempt) {
			unresolved(c, x->addr, x->op == XO_INT80 ? "int 0x80" : "syscall");
		}
	}
	st->r[XR_AX] = v_top();
	if (x->op == XO_SYSCALL)
		st->r[XR_CX] = st->r[XR_R11] = v_top();
}

/* ---- one instruction ---------------------------------------------------- */

static void push(struct astate *st, struct aval v)
{
	struct aval *sp = &st->r[XR_SP];
	if (sp->k != V_STK)
		return;
	int32_t off = (int32_t)sp->c[0] - 8;
	*sp = v_stk(off);
	st_store(st, off, 8, &v);
}

static struct aval pop(struct astate *st)
{
	struct aval *sp = &st->r[XR_SP];
	if (sp->k != V_STK)
		return v_top();
	int32_t off = (int32_t)sp->c[0];
	struct aval v = st_load(st, off, 8);
	*sp = v_stk(off + 8);
	return v;
}

static void arith(const struct fctx *c, struct astate *st, const struct xinsn *x)
{
	const struct xopnd *d = &x->o[0], *s = &x->o[1];
	if (x->n < 2) {
		wr(st, d, v_top());
		return;
	}
	bool same = d->kind == XK_REG && s->kind == XK_REG && d->reg == s->reg && d->reg >= 0;
	if (same && (x->op == XO_XOR || x->op == XO_SUB)) {
		wr(st, d, v_const(0));
		return;
	}
	struct aval a = rd(c, st, d), b = rd(c, st, s);
	if (a.k == V_STK && b.k == V_VAL && !b.pm && b.n == 1 && d->size == 8 &&
	    (x->op == XO_ADD || x->op == XO_SUB)) {
		/* in 64 bits: a hostile file's offsets must not overflow the
		 * arithmetic (found by fuzz_elf); an offset no stack has is unknown */
		int64_t delta = (int32_t)b.c[0];
		int64_t off = (int64_t)(int32_t)a.c[0] + (x->op == XO_ADD ? delta : -delta);
		wr(st, d, off >= INT32_MIN && off <= INT32_MAX ? v_stk((int32_t)off) : v_top());
		return;
	}
	wr(st, d, v_arith(&a, &b, x->op));
}

static void other(const struct fctx *c, struct astate *st, const struct xinsn *x)
{
	for (unsigned i = 0; i < x->n; i++) {
		int32_t off;
		if (x->o[i].kind == XK_MEM && x->o[i].write && stack_off(st, &x->o[i], &off))
			st_forget(st, off, (int64_t)off + (x->o[i].size ? x->o[i].size : 8));
	}
	for (unsigned r = 0; r < XR_COUNT; r++)
		if (x->wregs >> r & 1)
			st->r[r] = v_top();
	if (x->wstack && c->escapes)
		st_forget(st, INT32_MIN, 0);
}

static void lea(struct astate *st, const struct xinsn *x)
{
	int32_t off;
	const struct xopnd *m = &x->o[1];
	if (x->n != 2)
		return;
	if (stack_off(st, m, &off)) {
		wr(st, &x->o[0], v_stk(off));
	} else if (m->kind == XK_MEM && m->reg >= 0 && m->reg < XR_COUNT && m->index == XR_NONE) {
		struct aval disp = v_const((uint32_t)m->val);
		wr(st, &x->o[0], v_arith(&st->r[m->reg], &disp, XO_ADD));
	} else {
		wr(st, &x->o[0], v_top());
	}
}

/* A call, a jump (a tail call when it leaves the function), a conditional
 * tail call: the wrapper's parameters at the site, then what the call
 * clobbers. */
static void indirect_call(struct fctx *c, const struct astate *st)
{
	for (unsigned q = 0; q < XL_COUNT; q++) {
		if (!(c->collect >> q & 1))
			continue;
		struct aval v = arg(st, q, false);
		if (v.k == V_VAL && !v.pm && v.n) /* a number; anything else is no syscall's */
			c->passed[q] = v_join(&c->passed[q], &v);
	}
}

static void branch(struct fctx *c, struct astate *st, const struct xinsn *x, bool emit)
{
	const struct xcall *k = call_at(c, x->addr);
	if (emit && k && k->kind != XC_FALL)
		wrapper_call(c, st, x->addr, k->target, x->op != XO_CALL);
	if (emit && !k && x->op == XO_CALL && c->collect)
		indirect_call(c, st);
	if (x->op == XO_CALL)
		after_call(c, st, k ? k->target : XT_NONE);
}

static void step(struct fctx *c, struct astate *st, const struct xinsn *x, bool emit)
{
	const struct xopnd *d = &x->o[0];
	struct aval a, b;
	switch (x->op) {
	case XO_MOV:
		if (x->n == 2)
			wr(st, d, rd(c, st, &x->o[1]));
		else
			other(c, st, x);
		break;
	case XO_MOVZX: case XO_MOVSX:
		a = rd(c, st, &x->o[1]);
		wr(st, d, x->n == 2 ? v_extend(&a, x->o[1].size, x->op == XO_MOVSX) : v_top());
		break;
	case XO_LEA: lea(st, x); break;
	case XO_XOR: case XO_SUB: case XO_ADD: case XO_AND: case XO_OR: case XO_SHL:
		arith(c, st, x);
		break;
	case XO_INC: case XO_DEC:
		a = rd(c, st, d);
		b = v_const(1);
		wr(st, d, v_arith(&a, &b, x->op == XO_INC ? XO_ADD : XO_SUB));
		break;
	case XO_PUSH: push(st, x->n ? rd(c, st, d) : v_top()); break;
	case XO_POP:
		a = pop(st);
		if (x->n)
			wr(st, d, a);
		break;
	case XO_LEAVE:
		st->r[XR_SP] = st->r[XR_BP];
		st->r[XR_BP] = pop(st);
		break;
	case XO_XCHG:
		a = rd(c, st, d);
		b = x->n > 1 ? rd(c, st, &x->o[1]) : v_top();
		wr(st, d, b);
		if (x->n > 1)
			wr(st, &x->o[1], a);
		break;
	case XO_CMOV:
		a = rd(c, st, d);
		b = x->n == 2 ? rd(c, st, &x->o[1]) : v_top();
		wr(st, d, v_join(&a, &b));
		break;
	case XO_SYSCALL: case XO_INT80: syscall_site(c, st, x, emit); break;
	case XO_CALL: case XO_JMP: case XO_JCC: branch(c, st, x, emit); break;
	case XO_RET: case XO_STOP: case XO_NOP: break;
	default: other(c, st, x); break;
	}
}

/* ---- one function --------------------------------------------------------- */

/* Does a stack address leave rsp and rbp (passed to a callee, stored)? Then a
 * call may write any slot, and is assumed to. */
static bool escapes(const struct fctx *c)
{
	for (size_t i = 0; i < c->n_ins; i++) {
		const struct xinsn *x = &c->ins[i];
		bool to_frame = x->n && x->o[0].kind == XK_REG &&
				(x->o[0].reg == XR_SP || x->o[0].reg == XR_BP);
		if (x->op == XO_LEA && x->n == 2 && (x->o[1].reg == XR_SP || x->o[1].reg == XR_BP) &&
		    !to_frame)
			return true;
		for (unsigned k = 1; k < x->n; k++)
			if (x->o[k].kind == XK_REG && x->o[k].reg == XR_SP && !to_frame)
				return true;
		if (x->op == XO_PUSH && x->n && x->o[0].kind == XK_REG && x->o[0].reg == XR_SP)
			return true;
	}
	return false;
}

static bool padding(const struct fctx *c, uint32_t b)
{
	for (uint32_t i = 0; i < c->bl[b].n; i++)
		if (c->ins[c->bl[b].first + i].op != XO_NOP)
			return false;
	return true;
}

/* On the edge where `test r,r` / `cmp r,imm` said equal, r is that
 * constant: musl's __stdio_read jumps to a syscall with `test %rax,%rax; je`
 * and no other write of eax (it is read, 0). */
static void refine(const struct fctx *c, uint32_t b, uint32_t to, struct astate *st)
{
	const struct block *bl = &c->bl[b];
	if (bl->n < 2)
		return;
	const struct xinsn *j = &c->ins[bl->first + bl->n - 1], *t = j - 1;
	bool taken = c->ins[c->bl[to].first].addr == j->target && j->rel;
	if (j->op != XO_JCC || !j->cc || (j->cc == XCC_Z) != taken || t->n != 2 ||
	    t->o[0].kind != XK_REG || t->o[0].reg < 0 || t->o[0].high8 || t->o[0].size < 4)
		return;
	if (t->op == XO_TEST && t->o[1].kind == XK_REG && t->o[1].reg == t->o[0].reg)
		st->r[t->o[0].reg] = v_const(0);
	else if (t->op == XO_CMP && t->o[1].kind == XK_IMM)
		st->r[t->o[0].reg] = v_const((uint32_t)t->o[1].val);
}

static bool sp_conflict(const struct astate *a, const struct astate *b)
{
	return a->reached && b->reached && a->r[XR_SP].k == V_STK && b->r[XR_SP].k == V_STK &&
	       a->r[XR_SP].c[0] != b->r[XR_SP].c[0];
}

/* The fall-through after a call (or after padding that follows one) is the
 * path a call that never returns does not take: compilers put the next
 * block there (Go after runtime.gopanic, whose code has a ret). Compiled
 * code joins paths only at the same stack depth, so when such an edge
 * brings another depth than the block's other predecessors, it is the
 * infeasible one and is dropped. */
static bool follows_call(const struct fctx *c, uint32_t b)
{
	uint32_t i = c->bl[b].first + c->bl[b].n;
	while (i > c->bl[b].first && c->ins[i - 1].op == XO_NOP)
		i--;
	return i == c->bl[b].first || c->ins[i - 1].op == XO_CALL;
}

static bool flow_edge(struct fctx *c, uint32_t from, uint32_t to, const struct astate *st,
		      uint8_t *weak)
{
	struct astate *in = &c->in[to];
	bool w = to == from + 1 && follows_call(c, from);
	if (w && sp_conflict(in, st) && !weak[to])
		return false;
	if (!w && weak[to]) {
		weak[to] = 0;
		if (sp_conflict(in, st)) {
			*in = *st;
			return true;
		}
	}
	if (w && !in->reached)
		weak[to] = 1;
	return st_join(in, st);
}

static int run_blocks(struct fctx *c)
{
	if (SK_GROW(c->in, c->cap_in, c->n_bl) < 0)
		return -ENOMEM;
	memset(c->in, 0, c->n_bl * sizeof *c->in);
	uint32_t *queue = malloc((c->n_bl + 1) * sizeof *queue);
	uint8_t *inq = calloc(c->n_bl + 1, 1);
	if (!queue || !inq) {
		free(queue);
		free(inq);
		return -ENOMEM;
	}
	uint8_t *weak = calloc(c->n_bl + 1, 1); /* reached only by an after-call fall-through */
	size_t head = 0, count = 0;
	if (!weak) {
		free(queue);
		free(inq);
		return -ENOMEM;
	}
#define ENQ(b) do { if (!inq[b]) { inq[b] = 1; queue[(head + count++) % c->n_bl] = (b); } } while (0)
	st_entry(&c->in[0]);
	ENQ(0);
	/* a block nothing in the function jumps to: entered from outside (a
	 * .cold part's jump back, a label whose address is taken) or an
	 * exception landing pad: unknown state; a jump table's target: what
	 * the indirect jumps bring (below); else dead code or padding (a hlt's
	 * trailing jmp): never runs, not seeded */
	for (uint32_t b = 1; b < c->n_bl; b++)
		if ((c->bl[b].orphan && !padding(c, b) &&
		     (c->o->has_eh || xobj_entered(c->o, c->ins[c->bl[b].first].addr))) ||
		    c->bl[b].outside) {
			st_unknown(&c->in[b]);
			ENQ(b);
		}
	struct astate st;
	while (count) {
		uint32_t b = queue[head];
		head = (head + 1) % c->n_bl;
		count--;
		inq[b] = 0;
		st = c->in[b];
		for (uint32_t i = 0; i < c->bl[b].n; i++)
			step(c, &st, &c->ins[c->bl[b].first + i], false);
		for (unsigned s = 0; s < c->bl[b].nsucc; s++) {
			struct astate out = st;
			refine(c, b, c->bl[b].succ[s], &out);
			if (flow_edge(c, b, c->bl[b].succ[s], &out, weak))
				ENQ(c->bl[b].succ[s]);
		}
		if (c->bl[b].indirect) /* a jump table: to every block nothing else reaches */
			for (uint32_t o = 1; o < c->n_bl; o++)
				if (c->bl[o].orphan && !padding(c, o) && st_join(&c->in[o], &st))
					ENQ(o);
	}
#undef ENQ
	free(queue);
	free(inq);
	free(weak);
	return 0;
}

/* The last pass: every site, with the values the fixpoint gives. */
static void emit_blocks(struct fctx *c)
{
	const struct xfunc *fn = &c->o->funcs[c->f];
	for (uint32_t b = 0; b < c->n_bl; b++) {
		struct astate st = c->in[b];
		if (!st.reached)
			continue;
		for (uint32_t i = 0; i < c->bl[b].n; i++)
			step(c, &st, &c->ins[c->bl[b].first + i], true);
		if (!c->bl[b].falls_out)
			continue;
		for (uint32_t i = 0; i < fn->n_calls; i++) {
			const struct xcall *k = &c->o->calls[fn->first_call + i];
			if (k->kind == XC_FALL)
				wrapper_call(c, &st, k->site, k->target, true);
		}
	}
}

/* A function too large to analyse: its syscall instructions and its calls
 * to wrappers are unresolved sites, said, never dropped. */
static int too_large(struct fctx *c)
{
	const struct xfunc *fn = &c->o->funcs[c->f];
	_Static_assert(XFLOW_MAX_INS == 262144 && XFLOW_MAX_BLOCKS == 65536, "said below");
	static const char what[] = "in a function larger than the value analysis takes "
				   "(262144 instructions or 65536 blocks)";
	const uint8_t *code = xelf_at(&c->o->elf, fn->start, fn->end - fn->start);
	struct xinsn x;
	for (uint64_t a = fn->start; code && a < fn->end;) {
		if (xdec_one(c->dec, code + (a - fn->start), fn->end - a, a, &x) < 0) {
			a++;
			continue;
		}
		if (x.op == XO_SYSCALL || x.op == XO_INT80)
			unresolved(c, a, what);
		a += x.len;
	}
	for (uint32_t i = 0; i < fn->n_calls; i++) {
		const struct xcall *k = &c->o->calls[fn->first_call + i];
		if (k->kind != XC_REF && needs_of(c->o, k->target))
			unresolved(c, k->site, what);
	}
	return c->err;
}

static int analyse(struct fctx *c)
{
	struct xobj *o = c->o;
	const struct xfunc *fn = &o->funcs[c->f];
	o->fown[c->f].n = 0; /* analysed again: its items are recomputed */
	c->needs = 0;
	c->err = 0;
	c->go = fn->flags & XF_GO;
	/* runtime.runPerThreadSyscall repeats on every thread the call
	 * runtime.syscall_runtime_doAllThreadsSyscall made first, with the
	 * number it got from its caller (syscall.AllThreadsSyscall): that call
	 * site already gives the number, so this one, which loads it from the
	 * runtime's perThreadSyscall variable, adds none. */
	c->exempt = c->go && fn->name && !strcmp(fn->name, "runtime.runPerThreadSyscall");
	/* Likewise glibc's SIGSETXID handler: it makes on every other thread the
	 * setuid-family call __nptl_setxid got from setuid, setgid, ... (through
	 * the global __xidcmd), which the caller's own site gives. */
	c->exempt |= (fn->flags & XF_SETXID) != 0;
	int rc = decode(c);
	if (rc == 1)
		return too_large(c);
	if (rc == 0 && c->n_ins)
		rc = find_blocks(c);
	if (rc < 0 || !c->n_ins)
		return rc;
	if (c->n_bl > XFLOW_MAX_BLOCKS)
		return too_large(c);
	c->escapes = escapes(c);
	link_blocks(c);
	rc = run_blocks(c);
	if (rc == 0)
		emit_blocks(c);
	return rc < 0 ? rc : c->err;
}

/* ---- across functions ------------------------------------------------------ */

struct callers {
	uint32_t *first, *v;
};

static int build_callers(const struct xobj *o, struct callers *cl)
{
	cl->first = calloc(o->n_funcs + 1, sizeof *cl->first);
	cl->v = malloc((o->n_calls + 1) * sizeof *cl->v);
	if (!cl->first || !cl->v)
		return -ENOMEM;
	for (size_t i = 0; i < o->n_calls; i++)
		if (!(o->calls[i].target & XT_IMPORT) && o->calls[i].kind != XC_REF)
			cl->first[o->calls[i].target + 1]++;
	for (size_t f = 0; f < o->n_funcs; f++)
		cl->first[f + 1] += cl->first[f];
	uint32_t *fill = calloc(o->n_funcs + 1, sizeof *fill);
	if (!fill)
		return -ENOMEM;
	for (uint32_t f = 0; f < o->n_funcs; f++)
		for (uint32_t i = 0; i < o->funcs[f].n_calls; i++) {
			const struct xcall *k = &o->calls[o->funcs[f].first_call + i];
			if (!(k->target & XT_IMPORT) && k->kind != XC_REF)
				cl->v[cl->first[k->target] + fill[k->target]++] = f;
		}
	free(fill);
	return 0;
}

static bool calls_wrapper_import(const struct xobj *o, uint32_t f)
{
	for (uint32_t i = 0; i < o->funcs[f].n_calls; i++) {
		uint32_t t = o->calls[o->funcs[f].first_call + i].target;
		if ((t & XT_IMPORT) && o->imports[t & ~XT_IMPORT].needs)
			return true;
	}
	return false;
}

/* The wrappers whose address code or data takes (libcap keeps its syscall
 * wrappers in a table of pointers and calls them with constant numbers),
 * marked XF_TAKEN; their parameters. */
static uint32_t taken_wrappers(struct xobj *o)
{
	uint32_t locs = 0;
	for (size_t i = 0; i < o->n_refs + o->n_touched; i++) {
		uint64_t a = i < o->n_refs ? o->refs[i] : o->touched[i - o->n_refs];
		uint32_t f = xobj_func_at(o, a);
		if (f != XT_NONE && o->funcs[f].start == a && o->funcs[f].needs) {
			o->funcs[f].flags |= XF_TAKEN;
			locs |= o->funcs[f].needs;
		}
	}
	return locs;
}

/* Such a wrapper makes the numbers indirect calls pass where it takes them:
 * an assumption (any indirect call may be the one that calls it), said in a
 * note, not a proof; a location no indirect call passes a number in stays
 * unresolved (graph.c). */
static int resolve_taken(struct fctx *c, uint32_t locs)
{
	struct xobj *o = c->o;
	struct aval passed[XL_COUNT] = {0};
	c->collect = locs;
	c->passed = passed;
	for (uint32_t f = 0; f < o->n_funcs; f++) {
		if (!o->funcs[f].has_icall)
			continue;
		c->f = f;
		struct xvec keep = o->fown[f];
		o->fown[f] = (struct xvec){0}; /* its items were final: keep them */
		int rc = analyse(c);
		free(o->fown[f].v);
		o->fown[f] = keep;
		if (rc < 0)
			return rc;
	}
	c->collect = 0;
	for (uint32_t f = 0; f < o->n_funcs; f++) {
		if (!(o->funcs[f].flags & XF_TAKEN))
			continue;
		c->f = f;
		for (unsigned q = 0; q < XL_COUNT; q++)
			for (unsigned i = 0; (o->funcs[f].needs >> q & 1) && passed[q].k == V_VAL &&
					     i < passed[q].n; i++)
				number(c, o->funcs[f].start, passed[q].c[i], false, "indirect calls");
		if (c->err)
			return c->err;
	}
	o->taken_passed = 0;
	for (unsigned q = 0; q < XL_COUNT; q++)
		if (passed[q].k == V_VAL)
			o->taken_passed |= 1u << q;
	return 0;
}

int xobj_flow(struct xobj *o, const struct xdec *dec)
{
	struct fctx c = {.o = o, .dec = dec};
	struct callers cl = {0};
	uint32_t *queue = malloc((o->n_funcs + 1) * sizeof *queue);
	uint8_t *inq = calloc(o->n_funcs + 1, 1);
	o->fown = calloc(o->n_funcs + 1, sizeof *o->fown);
	int rc = !queue || !inq || !o->fown ? -ENOMEM : build_callers(o, &cl);
	size_t head = 0, count = 0, n = o->n_funcs;
	for (uint32_t f = 0; rc == 0 && f < n; f++)
		if (o->funcs[f].has_sys || calls_wrapper_import(o, f)) {
			queue[count++] = f;
			inq[f] = 1;
		}
	while (rc == 0 && count) {
		c.f = queue[head];
		head = (head + 1) % n;
		count--;
		inq[c.f] = 0;
		rc = analyse(&c);
		uint32_t grown = c.needs & ~o->funcs[c.f].needs;
		if (rc < 0 || !grown)
			continue;
		o->funcs[c.f].needs |= grown;
		for (uint32_t i = cl.first[c.f]; i < cl.first[c.f + 1]; i++)
			if (!inq[cl.v[i]]) {
				inq[cl.v[i]] = 1;
				queue[(head + count++) % n] = cl.v[i];
			}
	}
	uint32_t locs = rc == 0 ? taken_wrappers(o) : 0;
	if (locs)
		rc = resolve_taken(&c, locs);
	free(queue);
	free(inq);
	free(cl.first);
	free(cl.v);
	free(c.ins);
	free(c.bl);
	free(c.in);
	return rc;
}
