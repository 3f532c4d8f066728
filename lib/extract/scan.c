/* SPDX-License-Identifier: Apache-2.0 */
/* One linear pass over every function: the facts that need no values.
 *
 *   - direct calls and jumps to another function (a tail call), calls and
 *     jumps through a relocated slot (a PLT stub's `jmp *GOT`, -fno-plt
 *     code's `call *GOT`) to an import or a local function;
 *   - every address the code refers to (rip-relative operands; in a non-PIE
 *     program also absolute addresses in immediates and displacements): what
 *     it points at becomes reachable with the function (address-taken
 *     functions, tables of function pointers, the GOT slot of an import);
 *   - whether the function holds a syscall instruction at all, so that the
 *     value analysis (flow.c) runs only where it has something to find;
 *   - whether it can run off its end into the next function.
 *
 * A function that ends in a call is taken not to return (abort,
 * __stack_chk_fail): GCC emits no instruction after a noreturn call, and
 * letting it fall into the next function would make every function that
 * follows a noreturn call reachable. */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

struct scan {
	struct xobj *o;
	uint32_t f;
	size_t cap_calls, cap_refs, cap_touched, cap_entries, cap_bounds;
};

static int add_call(struct scan *s, uint64_t site, uint32_t target, uint8_t kind)
{
	struct xobj *o = s->o;
	if (target == XT_NONE)
		return 0;
	if (SK_GROW(o->calls, s->cap_calls, o->n_calls) < 0)
		return -ENOMEM;
	o->calls[o->n_calls++] = (struct xcall){site, target, kind};
	if ((target & XT_IMPORT) && target != XT_NONE) {
		struct ximport *im = &o->imports[target & ~XT_IMPORT];
		if (im->first_user == XT_NONE)
			im->first_user = s->f;
	}
	return 0;
}

static int touch(struct xobj *o, size_t *cap, uint64_t addr)
{
	if (SK_GROW(o->touched, *cap, o->n_touched) < 0)
		return -ENOMEM;
	o->touched[o->n_touched++] = addr;
	return 0;
}

/* A code address that is not its function's start, named from elsewhere. */
static int entry(struct xobj *o, size_t *cap, uint64_t addr)
{
	uint32_t f = xobj_func_at(o, addr);
	if (f == XT_NONE || o->funcs[f].start == addr)
		return 0;
	if (SK_GROW(o->entries, *cap, o->n_entries) < 0)
		return -ENOMEM;
	o->entries[o->n_entries++] = addr;
	return 0;
}

/* ... named by code itself: an instruction starts there. (Not a word in
 * data, which may be any number: taken for a start it could cut a real
 * instruction out of the analysis.) Free Pascal pads between functions with
 * zeros, which decode as `add %al,(%rax)`; the last one eats the next
 * function's first byte, and its code was decoded from the wrong place. */
static int code_entry(struct xobj *o, size_t *cap, size_t *cap_b, uint64_t addr)
{
	size_t n = o->n_entries;
	int rc = entry(o, cap, addr);
	if (rc < 0 || o->n_entries == n)
		return rc;
	if (SK_GROW(o->bounds, *cap_b, o->n_bounds) < 0)
		return -ENOMEM;
	o->bounds[o->n_bounds++] = addr;
	return 0;
}

/* ADDR is referred to; INDEXED: as the base an index register is added to,
 * which may be anywhere in an object, not where one starts (graph.c). */
static int add_ref(struct scan *s, uint64_t addr, bool indexed)
{
	struct xobj *o = s->o;
	if (!addr)
		return 0;
	if (SK_GROW(o->refs, s->cap_refs, o->n_refs) < 0 ||
	    SK_GROW(o->ref_indexed, o->cap_indexed, o->n_refs) < 0)
		return -ENOMEM;
	o->ref_indexed[o->n_refs] = indexed;
	o->refs[o->n_refs++] = addr;
	return 0;
}

/* The target of a call or jump through the slot at ADDR. */
static uint32_t through_slot(const struct xobj *o, uint64_t addr)
{
	const struct xslot *sl = xobj_slot(o, addr);
	if (!sl)
		return XT_NONE;
	if (sl->import != XT_NONE)
		return XT_IMPORT | sl->import;
	return sl->local ? xobj_func_at(o, sl->local) : XT_NONE;
}

uint64_t xinsn_slot(const struct xobj *o, const struct xinsn *x)
{
	if (x->rel || !x->n || x->o[0].kind != XK_MEM)
		return 0;
	bool rip = x->o[0].reg == XR_RIP;
	bool abs = x->o[0].reg == XR_NONE && x->o[0].index == XR_NONE && !o->elf.dyn;
	return rip || abs ? (uint64_t)x->o[0].val : 0;
}

/* The displacement of OP when it is an address in the program's image and
 * the operand adds a register to it: in a fixed-address program code built
 * without -fpie indexes a table at its absolute address (gcc -fno-pie:
 * `movzbl tab(%rdi),%eax`, `jmp *tab(%rdi)`); 0 otherwise. */
static uint64_t indexed_address(const struct xobj *o, const struct xopnd *op)
{
	if (o->elf.dyn || op->kind != XK_MEM || op->reg == XR_RIP || op->val <= 0 ||
	    (op->reg == XR_NONE && op->index == XR_NONE))
		return 0;
	for (size_t i = 0; i < o->elf.n_segs; i++) {
		const struct xseg *sg = &o->elf.segs[i];
		if ((uint64_t)op->val >= sg->vaddr && (uint64_t)op->val - sg->vaddr < sg->memsz)
			return (uint64_t)op->val;
	}
	return 0;
}

/* A branch: a call, a tail call (a jump out of the function), or nothing. */
static int branch(struct scan *s, const struct xinsn *x)
{
	const struct xfunc *fn = &s->o->funcs[s->f];
	uint8_t kind = x->op == XO_CALL ? XC_CALL : XC_TAIL;
	if (x->rel) {
		if (x->op != XO_CALL && x->target >= fn->start && x->target < fn->end)
			return 0;
		struct xobj *o = s->o;
		size_t n = o->n_entries;
		if (code_entry(o, &s->cap_entries, &s->cap_bounds, x->target) < 0)
			return -ENOMEM;
		if (o->n_entries > n) { /* not a start: maybe one no source gave */
			if (SK_GROW(o->branch_in, o->cap_branch_in, o->n_branch_in) < 0)
				return -ENOMEM;
			o->branch_in[o->n_branch_in++] = x->target;
		}
		return add_call(s, x->addr, xobj_func_at(s->o, x->target), kind);
	}
	uint64_t slot = xinsn_slot(s->o, x);
	if (!slot) /* a table of pointers the jump indexes: what it holds runs */
		return x->n ? add_ref(s, indexed_address(s->o, &x->o[0]), true) : 0;
	uint32_t t = through_slot(s->o, slot);
	if (t != XT_NONE)
		return add_call(s, x->addr, t, kind);
	/* a pointer no relocation fills (a fixed-address program's function
	 * pointer variable, Free Pascal's memory manager hooks): what it holds
	 * is reached through the object that holds it */
	return add_ref(s, slot, false);
}

/* Addresses in operands. In a PIE or library only rip-relative ones are
 * addresses; in a fixed-address program immediates and displacements can be. */
static int refs_of(struct scan *s, const struct xinsn *x)
{
	bool fixed = !s->o->elf.dyn;
	for (unsigned i = 0; i < x->n; i++) {
		const struct xopnd *op = &x->o[i];
		uint64_t a = 0;
		if (op->kind == XK_MEM && op->reg == XR_RIP)
			a = (uint64_t)op->val;
		else if (fixed && op->kind == XK_MEM && op->reg == XR_NONE)
			a = (uint64_t)op->val;
		else if (fixed && op->kind == XK_IMM && op->val > 0 &&
			 (x->op == XO_MOV || x->op == XO_PUSH || x->op == XO_LEA))
			a = (uint64_t)op->val;
		bool indexed = false;
		if (!a && fixed && op->kind == XK_MEM)
			indexed = (a = indexed_address(s->o, op)) != 0;
		if (a && (add_ref(s, a, indexed) < 0 ||
			  (indexed                                ? 0 :
			   op->kind == XK_MEM && op->reg == XR_RIP
				   ? code_entry(s->o, &s->cap_entries, &s->cap_bounds, a)
				   : entry(s->o, &s->cap_entries, a)) < 0))
			return -ENOMEM;
		/* anything but a plain read may change the global or let others */
		if (a && (op->kind == XK_IMM || op->write || x->op == XO_LEA) &&
		    touch(s->o, &s->cap_touched, a) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int scan_func(struct scan *s, const struct xdec *dec)
{
	struct xobj *o = s->o;
	struct xfunc *fn = &o->funcs[s->f];
	const uint8_t *code = xelf_at(&o->elf, fn->start, fn->end - fn->start);
	fn->first_call = (uint32_t)o->n_calls;
	fn->first_ref = (uint32_t)o->n_refs;
	if (!code || (fn->flags & XF_DATA))
		return 0;
	struct xinsn x = {0};
	bool falls = true;
	for (uint64_t a = fn->start; a < fn->end;) {
		size_t off = a - fn->start;
		if (xdec_one(dec, code + off, fn->end - a, a, &x) < 0) {
			a++; /* not an instruction: data or padding; resynchronise */
			falls = true;
			continue;
		}
		a += x.len;
		if (x.op == XO_SYSCALL || x.op == XO_INT80)
			fn->has_sys = true;
		fn->has_ret |= x.op == XO_RET;
		fn->sig33 |= x.op == XO_MOV && x.n == 2 && x.o[0].kind == XK_REG &&
			     x.o[0].reg == XR_DI && x.o[1].kind == XK_IMM && x.o[1].val == 33;
		bool computed = !x.rel && !(x.n && x.o[0].kind == XK_MEM && x.o[0].reg == XR_RIP);
		fn->has_ijmp |= x.op == XO_JMP && computed;
		fn->has_icall |= x.op == XO_CALL && computed;
		int rc = 0;
		if (x.op == XO_CALL || x.op == XO_JMP || x.op == XO_JCC)
			rc = branch(s, &x);
		if (rc == 0 && !(x.op == XO_CALL || x.op == XO_JMP))
			rc = refs_of(s, &x);
		if (rc < 0)
			return rc;
		if (x.op != XO_NOP) /* padding after the last instruction does not run */
			falls = x.op != XO_RET && x.op != XO_JMP && x.op != XO_STOP && x.op != XO_CALL;
	}
	if (falls && s->f + 1 < o->n_funcs && o->funcs[s->f + 1].start == fn->end &&
	    add_call(s, fn->end, s->f + 1, XC_FALL) < 0)
		return -ENOMEM;
	fn->n_calls = (uint32_t)(o->n_calls - fn->first_call);
	fn->n_refs = (uint32_t)(o->n_refs - fn->first_ref);
	return 0;
}

/* Pointers in data name addresses too: relocated slots, and in a fixed-address
 * program every aligned word (it may be a pointer). */
static int data_pointers(struct scan *s)
{
	struct xobj *o = s->o;
	for (size_t i = 0; i < o->n_slots; i++)
		if (o->slots[i].local && (touch(o, &s->cap_touched, o->slots[i].local) < 0 ||
					  entry(o, &s->cap_entries, o->slots[i].local) < 0))
			return -ENOMEM;
	for (size_t i = 0; !o->elf.dyn && i < o->elf.n_secs; i++) {
		const struct xsec *sec = &o->elf.secs[i];
		const uint8_t *b = xelf_at(&o->elf, sec->addr, sec->size);
		if (!b || !(sec->flags & SHF_ALLOC) || (sec->flags & SHF_EXECINSTR))
			continue;
		for (uint64_t off = (8 - sec->addr % 8) % 8; off + 8 <= sec->size; off += 8) {
			uint64_t w;
			memcpy(&w, b + off, 8);
			if (w >= 0x1000 && xelf_at(&o->elf, w, 1) &&
			    (touch(o, &s->cap_touched, w) < 0 || entry(o, &s->cap_entries, w) < 0))
				return -ENOMEM;
		}
	}
	return 0;
}

/* The data objects symbols bound, by address (xobj_global's objects). */
static int data_symbols(struct xobj *o)
{
	size_t cap = 0;
	for (size_t i = 0; i < o->elf.n_syms; i++) {
		const struct xsym *y = &o->elf.syms[i];
		if (y->type != STT_OBJECT || !y->size || !y->defined)
			continue;
		if (SK_GROW(o->data_syms, cap, o->n_data_syms) < 0)
			return -ENOMEM;
		o->data_syms[o->n_data_syms++] = (struct xrange){y->value, y->value + y->size};
	}
	if (o->n_data_syms)
		qsort(o->data_syms, o->n_data_syms, sizeof *o->data_syms, xcmp_lead);
	return 0;
}

void xobj_scan_clear(struct xobj *o)
{
	free(o->data_syms);
	o->data_syms = NULL;
	o->n_data_syms = 0;
	free(o->calls);
	free(o->refs);
	free(o->ref_indexed);
	free(o->touched);
	free(o->entries);
	free(o->bounds);
	free(o->branch_in);
	o->calls = NULL;
	o->ref_indexed = NULL;
	o->cap_indexed = 0;
	o->refs = o->touched = o->entries = o->bounds = o->branch_in = NULL;
	o->n_calls = o->cap_calls = o->n_refs = o->cap_refs = o->n_touched = o->cap_touched = 0;
	o->n_entries = o->cap_entries = o->n_bounds = o->cap_bounds = 0;
	o->n_branch_in = o->cap_branch_in = 0;
	for (size_t i = 0; i < o->n_imports; i++)
		o->imports[i].first_user = XT_NONE;
}

int xobj_scan(struct xobj *o, const struct xdec *dec)
{
	struct scan s = {.o = o};
	for (uint32_t f = 0; f < o->n_funcs; f++) {
		s.f = f;
		int rc = scan_func(&s, dec);
		if (rc < 0)
			return rc;
	}
	/* a function that puts SIGSETXID in edi and takes a function's address is
	 * pthread_create installing glibc's setxid handler (sigaction(33, ...)) */
	for (uint32_t f = 0; f < o->n_funcs; f++)
		for (uint32_t i = 0; o->funcs[f].sig33 && i < o->funcs[f].n_refs; i++) {
			uint32_t h = xobj_func_at(o, o->refs[o->funcs[f].first_ref + i]);
			if (h != XT_NONE && o->funcs[h].start == o->refs[o->funcs[f].first_ref + i])
				o->funcs[h].flags |= XF_SETXID;
		}
	int rc = data_pointers(&s);
	if (rc == 0)
		rc = data_symbols(o);
	if (rc == 0 && o->n_touched)
		qsort(o->touched, o->n_touched, sizeof *o->touched, xcmp_lead);
	if (rc == 0 && o->n_entries)
		qsort(o->entries, o->n_entries, sizeof *o->entries, xcmp_lead);
	if (rc == 0 && o->n_bounds)
		qsort(o->bounds, o->n_bounds, sizeof *o->bounds, xcmp_lead);
	o->has_eh = xelf_section(&o->elf, ".gcc_except_table") != NULL;
	return rc;
}

bool xobj_entered(const struct xobj *o, uint64_t addr)
{
	size_t lo = 0, hi = o->n_entries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->entries[mid] == addr)
			return true;
		if (o->entries[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

uint64_t xobj_next_bound(const struct xobj *o, uint64_t after)
{
	size_t lo = 0, hi = o->n_bounds;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->bounds[mid] <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->n_bounds ? o->bounds[lo] : UINT64_MAX;
}

bool xobj_global(const struct xobj *o, uint64_t addr, unsigned size, uint64_t *value)
{
	if (size != 4 && size != 8)
		return false;
	const struct xsec *sec = NULL;
	for (size_t i = 0; i < o->elf.n_secs && !sec; i++) {
		const struct xsec *t = &o->elf.secs[i];
		if ((t->flags & SHF_ALLOC) && !(t->flags & SHF_EXECINSTR) && t->type == SHT_PROGBITS &&
		    addr >= t->addr && addr + size <= t->addr + t->size)
			sec = t;
	}
	const uint8_t *b = sec ? xelf_at(&o->elf, addr, size) : NULL;
	if (!b || xobj_slot(o, addr & ~7ull))
		return false; /* relocated: its value is not the file's */
	/* where the object holding it starts: a write through an address taken
	 * anywhere in it may change it (a struct whose address a function takes
	 * to set a field). A symbol bounds it. Without one, only an address
	 * taken up to 7 bytes before counts: a heuristic (a stripped Go
	 * program's syscall.fcntl64Syscall has no bounds, and taking all of the
	 * section before it for its object would lose its constant). */
	uint64_t from = addr >= 7 ? addr - 7 : 0;
	size_t lo = 0, hi = o->n_data_syms; /* the last data symbol starting <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->data_syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr < o->data_syms[lo - 1].end && o->data_syms[lo - 1].start < from)
		from = o->data_syms[lo - 1].start;
	lo = 0, hi = o->n_touched; /* the first touched address >= from */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->touched[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->n_touched && o->touched[lo] < addr + size)
		return false;
	*value = 0;
	memcpy(value, b, size);
	return true;
}

static bool tail_returns(const struct xobj *o, const struct xcall *k)
{
	if (k->kind != XC_TAIL && k->kind != XC_FALL)
		return false;
	if (k->target & XT_IMPORT)
		return !o->imports[k->target & ~XT_IMPORT].noret;
	return !(o->funcs[k->target].flags & XF_NORET);
}

void xobj_noreturn(struct xobj *o)
{
	for (size_t f = 0; f < o->n_funcs; f++)
		if (!o->funcs[f].has_ret && !o->funcs[f].has_ijmp && !(o->funcs[f].flags & XF_DATA) &&
		    o->funcs[f].end > o->funcs[f].start)
			o->funcs[f].flags |= XF_NORET;
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t f = 0; f < o->n_funcs; f++) {
			struct xfunc *fn = &o->funcs[f];
			if (!(fn->flags & XF_NORET))
				continue;
			for (uint32_t i = 0; i < fn->n_calls; i++)
				if (tail_returns(o, &o->calls[fn->first_call + i])) {
					fn->flags &= ~XF_NORET;
					changed = true;
					break;
				}
		}
	}
}
