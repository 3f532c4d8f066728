/* SPDX-License-Identifier: Apache-2.0 */
/* Function boundaries: where each function of an object starts and ends.
 *
 * No single source has them all. Go's table has every Go function (stripped
 * or not); symbols have names and sizes when they were not stripped; .eh_frame
 * has a range for every function compiled with unwind tables (Debian's
 * stripped libraries included); the entry point, constructors, destructors
 * and IFUNC resolvers are starts even when nothing else names them; PLT
 * stubs are functions of one jump each. They are merged here: a start any
 * source gives is a start, a function ends at its known size or at the next
 * start, and code that no source covers becomes a "gap" function of its own
 * (unreachable unless something calls or references it), so that no
 * instruction is left out of the analysis.
 *
 * Imports and relocated slots are indexed here too, since every later step
 * asks "what does this word hold once loaded". */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

struct cand {
	uint64_t start, end; /* end 0: unknown */
	const char *name;
	uint32_t flags;
	uint8_t prio; /* of the name: the higher wins */
	int32_t args;
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static int add(struct cands *c, uint64_t start, uint64_t end, const char *name,
	       uint32_t flags, uint8_t prio)
{
	if (SK_GROW(c->v, c->cap, c->n) < 0)
		return -ENOMEM;
	c->v[c->n++] = (struct cand){start, end > start ? end : 0, name, flags, prio, -1};
	return 0;
}

static bool in_code(const struct xobj *o, uint64_t a)
{
	for (size_t i = 0; i < o->n_code; i++)
		if (a >= o->code[i].start && a < o->code[i].end)
			return true;
	return false;
}

/* Executable ranges backed by the file: sections when there are some. */
static int code_ranges(struct xobj *o)
{
	const struct xelf *e = &o->elf;
	size_t cap = 0;
	for (size_t i = 0; i < e->n_secs; i++) {
		const struct xsec *s = &e->secs[i];
		if (s->type != SHT_PROGBITS || !(s->flags & SHF_EXECINSTR) || !(s->flags & SHF_ALLOC) ||
		    !s->size || !xelf_at(e, s->addr, s->size))
			continue;
		if (SK_GROW(o->code, cap, o->n_code) < 0)
			return -ENOMEM;
		o->code[o->n_code++] = (struct xrange){s->addr, s->addr + s->size};
	}
	if (e->n_secs)
		return 0;
	for (size_t i = 0; i < e->n_segs; i++) {
		const struct xseg *s = &e->segs[i];
		if (!(s->flags & PF_X) || !s->filesz)
			continue;
		if (SK_GROW(o->code, cap, o->n_code) < 0)
			return -ENOMEM;
		o->code[o->n_code++] = (struct xrange){s->vaddr, s->vaddr + s->filesz};
	}
	return 0;
}

/* ---- slots and imports ---------------------------------------------------- */

int xcmp_lead(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

static int cmp_import(const void *a, const void *b)
{
	return strcmp(((const struct ximport *)a)->name, ((const struct ximport *)b)->name);
}

/* The name a relocation makes the loader look up, or NULL for a local value. */
static const char *looked_up(const struct xrel *r)
{
	bool symbolic = r->type == R_X86_64_64 || r->type == R_X86_64_GLOB_DAT ||
			r->type == R_X86_64_JUMP_SLOT;
	return symbolic && r->name && !r->symlocal ? r->name : NULL;
}

static int index_relocs(struct xobj *o)
{
	const struct xelf *e = &o->elf;
	size_t cap = 0;
	for (size_t i = 0; i < e->n_rels; i++) /* every looked-up name is an import */
		if (looked_up(&e->rels[i])) {
			if (SK_GROW(o->imports, cap, o->n_imports) < 0)
				return -ENOMEM;
			o->imports[o->n_imports++] =
				(struct ximport){.name = looked_up(&e->rels[i]), .first_user = XT_NONE};
		}
	if (o->n_imports)
		qsort(o->imports, o->n_imports, sizeof *o->imports, cmp_import);
	size_t k = 0;
	for (size_t i = 0; i < o->n_imports; i++)
		if (!k || strcmp(o->imports[k - 1].name, o->imports[i].name))
			o->imports[k++] = o->imports[i];
	o->n_imports = k;
	o->slots = calloc(e->n_rels ? e->n_rels : 1, sizeof *o->slots);
	if (!o->slots)
		return -ENOMEM;
	for (size_t i = 0; i < e->n_rels; i++) {
		const struct xrel *r = &e->rels[i];
		struct xslot s = {.where = r->where, .import = XT_NONE};
		const char *name = looked_up(r);
		if (name)
			s.import = xobj_import(o, name);
		else if (r->type == R_X86_64_RELATIVE || r->type == R_X86_64_IRELATIVE)
			s.local = (uint64_t)r->addend, s.ifunc = r->type == R_X86_64_IRELATIVE;
		else if (r->type == R_X86_64_64 || r->type == R_X86_64_GLOB_DAT ||
			 r->type == R_X86_64_JUMP_SLOT)
			s.local = r->symval + (uint64_t)r->addend;
		else
			continue;
		o->slots[o->n_slots++] = s;
	}
	qsort(o->slots, o->n_slots, sizeof *o->slots, xcmp_lead);
	return 0;
}

uint32_t xobj_import(const struct xobj *o, const char *name)
{
	size_t lo = 0, hi = o->n_imports;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(o->imports[mid].name, name);
		if (!c)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return XT_NONE;
}

const struct xslot *xobj_slot(const struct xobj *o, uint64_t addr)
{
	size_t lo = 0, hi = o->n_slots;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->slots[mid].where == addr)
			return &o->slots[mid];
		if (o->slots[mid].where < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- Go ------------------------------------------------------------------ */

/* The table: .gopclntab, else the first valid header in a data section (PIE
 * and externally linked programs keep it in .data.rel.ro without a name). */
static void find_go(struct xobj *o)
{
	const struct xelf *e = &o->elf;
	for (size_t i = 0; i < e->n_secs && !o->is_go; i++) {
		const struct xsec *s = &e->secs[i];
		if (s->type != SHT_PROGBITS || !(s->flags & SHF_ALLOC) || (s->flags & SHF_EXECINSTR))
			continue;
		const uint8_t *b = xelf_at(e, s->addr, s->size);
		if (!b)
			continue;
		bool named = !strcmp(s->name, ".gopclntab");
		for (long at = named ? 0 : xgo_find(b, s->size, 0); at >= 0;
		     at = named ? -1 : xgo_find(b, s->size, (size_t)at + 8)) {
			const struct xslot *ts = xobj_slot(o, s->addr + (uint64_t)at + 24);
			const char *why;
			struct xgo g;
			if (xgo_parse(b + at, s->size - (size_t)at, ts ? ts->local : 0, &g, &why) < 0)
				continue;
			if (!in_code(o, g.funcs[0].entry)) { /* a stray magic in data */
				xgo_free(&g);
				continue;
			}
			o->go = g;
			o->is_go = true;
			o->go_table = (struct xrange){s->addr + (uint64_t)at,
						      s->addr + (uint64_t)at + g.table_len};
			break;
		}
	}
}

/* ---- candidates ------------------------------------------------------------ */

/* The word at ADDR once loaded: a relocation's value, else the file's. */
static uint64_t loaded_word(const struct xobj *o, uint64_t addr)
{
	const struct xslot *s = xobj_slot(o, addr);
	if (s)
		return s->import == XT_NONE ? s->local : 0;
	const uint8_t *b = xelf_at(&o->elf, addr, 8);
	uint64_t v = 0;
	if (b)
		memcpy(&v, b, 8);
	return v;
}

/* The arrays of constructors and destructors: from DT_*ARRAY, else (a static
 * program has no dynamic section) from the sections the linker names. */
static void array_range(const struct xobj *o, int a, uint64_t *addr, uint64_t *size)
{
	static const char *const names[XARR_COUNT] = {".preinit_array", ".init_array",
						      ".fini_array"};
	*addr = o->elf.arr[a][0];
	*size = o->elf.arr[a][1];
	const struct xsec *s = *addr ? NULL : xelf_section(&o->elf, names[a]);
	if (s)
		*addr = s->addr, *size = s->size;
}

static int push_root(const struct xobj *o, uint64_t **v, size_t *n, size_t *cap, uint64_t a)
{
	if (!in_code(o, a))
		return 0;
	if (SK_GROW(*v, *cap, *n) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = a;
	return 0;
}

int xobj_roots(const struct xobj *o, uint64_t **v, size_t *n, uint32_t **imp, size_t *n_imp)
{
	const struct xelf *e = &o->elf;
	size_t cap = 0, cap_imp = 0;
	*v = NULL;
	*n = 0;
	if (imp)
		*imp = NULL, *n_imp = 0;
	int rc = push_root(o, v, n, &cap, e->init);
	if (rc == 0)
		rc = push_root(o, v, n, &cap, e->fini);
	for (int a = 0; rc == 0 && a < XARR_COUNT; a++) {
		uint64_t addr, size;
		array_range(o, a, &addr, &size);
		for (uint64_t off = 0; rc == 0 && off + 8 <= size && off < (1u << 20); off += 8) {
			const struct xslot *s = xobj_slot(o, addr + off);
			if (!s || s->import == XT_NONE)
				rc = push_root(o, v, n, &cap, loaded_word(o, addr + off));
			else if (imp && SK_GROW(*imp, cap_imp, *n_imp) < 0)
				rc = -ENOMEM;
			else if (imp)
				(*imp)[(*n_imp)++] = s->import;
		}
	}
	for (size_t i = 0; rc == 0 && i < o->n_slots; i++) /* IFUNC resolvers run at load */
		if (o->slots[i].ifunc)
			rc = push_root(o, v, n, &cap, o->slots[i].local);
	if (rc < 0) {
		free(*v);
		*v = NULL;
		if (imp) {
			free(*imp);
			*imp = NULL;
		}
	}
	return rc;
}

static int roots_as_starts(struct xobj *o, struct cands *c)
{
	uint64_t *v;
	size_t n;
	int rc = xobj_roots(o, &v, &n, NULL, NULL);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = add(c, v[i], 0, NULL, 0, 0);
	free(v);
	if (rc == 0 && in_code(o, o->elf.entry))
		rc = add(c, o->elf.entry, 0, NULL, 0, 0);
	return rc;
}

static int plt_stubs(struct xobj *o, struct cands *c)
{
	const struct xelf *e = &o->elf;
	for (size_t i = 0; i < e->n_secs; i++) {
		const struct xsec *s = &e->secs[i];
		if (strcmp(s->name, ".plt") && strcmp(s->name, ".plt.sec") &&
		    strcmp(s->name, ".plt.got") && strcmp(s->name, ".iplt"))
			continue;
		uint64_t step = !strcmp(s->name, ".plt.got") && s->size % 16 ? 8 : 16;
		for (uint64_t a = s->addr; a + step <= s->addr + s->size; a += step)
			if (add(c, a, a + step, NULL, XF_PLT, 0) < 0)
				return -ENOMEM;
	}
	return 0;
}

static int symbol_starts(struct xobj *o, struct cands *c)
{
	const struct xelf *e = &o->elf;
	for (size_t i = 0; i < e->n_syms; i++) {
		const struct xsym *s = &e->syms[i];
		if (!in_code(o, s->value))
			continue;
		if (s->type == STT_OBJECT) { /* data in .text: its bytes are no code */
			if (s->size && add(c, s->value, s->value + s->size, s->name, XF_DATA, 1) < 0)
				return -ENOMEM;
			continue;
		}
		uint8_t prio = s->dyn ? 4 : s->type == STT_NOTYPE ? 1 : s->bind == STB_LOCAL ? 2 : 3;
		uint32_t flags = XF_NAMED_SYM | (s->dyn ? XF_EXPORT : 0);
		if (add(c, s->value, s->size ? s->value + s->size : 0, s->name, flags, prio) < 0)
			return -ENOMEM;
	}
	struct xrange *fde = NULL;
	size_t n = 0, cap = 0;
	int rc = xeh_functions(e, &fde, &n, &cap);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (in_code(o, fde[i].start))
			rc = add(c, fde[i].start, fde[i].end, NULL, 0, 0);
	free(fde);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < o->go.n; i++) {
		const struct xgo_func *g = &o->go.funcs[i];
		if (in_code(o, g->entry) && add(c, g->entry, g->end, g->name, XF_GO, 5) < 0)
			return -ENOMEM;
		if (in_code(o, g->entry))
			c->v[c->n - 1].args = g->args;
	}
	return 0;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (int)y->prio - (int)x->prio; /* the best name first */
}

/* ---- the final list ---------------------------------------------------------- */

static int push_func(struct xobj *o, size_t *cap, uint64_t start, uint64_t end,
		     const char *name, uint32_t flags, int32_t args)
{
	if (end <= start)
		return 0;
	if (SK_GROW(o->funcs, *cap, o->n_funcs) < 0)
		return -ENOMEM;
	o->funcs[o->n_funcs++] = (struct xfunc){.start = start, .end = end, .name = name,
						.flags = flags, .args = args};
	return 0;
}

/* Merge the sorted candidates within one code range [LO, HI). */
static int build_range(struct xobj *o, const struct cands *c, size_t *ci, uint64_t lo,
		       uint64_t hi, size_t *cap)
{
	uint64_t at = lo; /* everything below is covered */
	while (*ci < c->n && c->v[*ci].start < hi) {
		const struct cand *best = &c->v[*ci];
		uint64_t start = best->start, end = best->end;
		uint32_t flags = best->flags;
		int32_t args = -1;
		for (; *ci < c->n && c->v[*ci].start == start; (*ci)++) {
			flags |= c->v[*ci].flags;
			if (c->v[*ci].end > end)
				end = c->v[*ci].end;
			if (c->v[*ci].args >= 0)
				args = c->v[*ci].args;
		}
		uint64_t next = *ci < c->n && c->v[*ci].start < hi ? c->v[*ci].start : hi;
		if (!end)
			flags |= XF_OPEN_END;
		if (!end || end > next)
			end = next;
		if (start > at && push_func(o, cap, at, start, NULL, XF_GAP, -1) < 0)
			return -ENOMEM;
		if (push_func(o, cap, start, end, best->name, flags, args) < 0)
			return -ENOMEM;
		at = end;
	}
	return at < hi ? push_func(o, cap, at, hi, NULL, XF_GAP, -1) : 0;
}

int xobj_index(struct xobj *o)
{
	int rc = code_ranges(o);
	if (rc == 0 && o->n_code) {
		qsort(o->code, o->n_code, sizeof *o->code, xcmp_lead);
		for (size_t i = 1; i < o->n_code; i++) /* overlapping sections: trust neither */
			if (o->code[i].start < o->code[i - 1].end)
				o->code[i].start = o->code[i - 1].end;
	}
	return rc < 0 ? rc : index_relocs(o);
}

int xobj_funcs(struct xobj *o)
{
	struct cands c = {0};
	find_go(o);
	int rc = symbol_starts(o, &c);
	if (rc == 0)
		rc = roots_as_starts(o, &c);
	if (rc == 0)
		rc = plt_stubs(o, &c);
	if (rc == 0 && c.n)
		qsort(c.v, c.n, sizeof *c.v, cmp_cand);
	size_t cap = 0, ci = 0;
	for (size_t r = 0; rc == 0 && r < o->n_code; r++) {
		while (ci < c.n && c.v[ci].start < o->code[r].start)
			ci++;
		rc = build_range(o, &c, &ci, o->code[r].start, o->code[r].end, &cap);
	}
	free(c.v);
	return rc;
}

uint32_t xobj_func_at(const struct xobj *o, uint64_t addr)
{
	size_t lo = 0, hi = o->n_funcs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < o->funcs[mid].start)
			hi = mid;
		else if (addr >= o->funcs[mid].end)
			lo = mid + 1;
		else
			return (uint32_t)mid;
	}
	return XT_NONE;
}

const char *xobj_func_name(const struct xobj *o, uint32_t f, char *buf, size_t len)
{
	if (f < o->n_funcs && o->funcs[f].name)
		return o->funcs[f].name;
	const struct xfunc *fn = f < o->n_funcs ? &o->funcs[f] : NULL;
	if (fn && (fn->flags & XF_PLT) && fn->n_calls && o->calls &&
	    (o->calls[fn->first_call].target & XT_IMPORT) &&
	    o->calls[fn->first_call].target != XT_NONE) {
		snprintf(buf, len, "%s@plt",
			 o->imports[o->calls[fn->first_call].target & ~XT_IMPORT].name);
		return buf;
	}
	uint64_t a = f < o->n_funcs ? o->funcs[f].start : 0;
	snprintf(buf, len, "%s+0x%llx", o->label, (unsigned long long)a);
	return buf;
}

/* Code no symbol or FDE describes (a stripped program built without unwind
 * tables: busybox-static's 600 KB of applets) is one gap; the targets of its
 * direct calls are function starts, so it is cut there. Smaller functions
 * make reachability finer and the value analysis fast. A start whose end no
 * source gives runs on to the next start, and is cut the same way: in a
 * stripped Free Pascal program the entry point is the only start, and its
 * "function" was the whole text, its syscall stubs (number in rdi) inside it
 * and never seen as wrappers. */
bool xobj_cuttable(const struct xfunc *f)
{
	return f->flags & (XF_GAP | XF_OPEN_END);
}

/* The targets of the calls inside the region: function starts, here or in
 * another cuttable region (a symbol kept in a stripped file splits the code
 * no source bounds into several; jumps from elsewhere: xobj_split_branched). */
static int gap_calls(const struct xobj *o, const struct xdec *dec, const struct xfunc *g,
		     uint64_t **v, size_t *n, size_t *cap)
{
	const uint8_t *code = xelf_at(&o->elf, g->start, g->end - g->start);
	struct xinsn x;
	for (uint64_t a = g->start; code && a < g->end;) {
		if (xdec_one(dec, code + (a - g->start), g->end - a, a, &x) < 0) {
			a++;
			continue;
		}
		a += x.len;
		if (x.op != XO_CALL || !x.rel || x.target == g->start || !in_code(o, x.target))
			continue;
		if (SK_GROW(*v, *cap, *n) < 0)
			return -ENOMEM;
		(*v)[(*n)++] = x.target;
	}
	return 0;
}

/* Cut the cuttable functions at the N addresses CUTS (sorted here). */
static int split_at(struct xobj *o, uint64_t *cuts, size_t n)
{
	if (!n)
		return 0;
	qsort(cuts, n, sizeof *cuts, xcmp_lead);
	struct xfunc *old = o->funcs;
	size_t n_old = o->n_funcs, fcap = 0, k = 0;
	int rc = 0;
	o->funcs = NULL;
	o->n_funcs = 0;
	for (size_t f = 0; rc == 0 && f < n_old; f++) {
		uint64_t at = old[f].start;
		while (k < n && cuts[k] <= old[f].start)
			k++;
		bool first = true; /* an open-ended start keeps its name and kind */
		for (; rc == 0 && xobj_cuttable(&old[f]) && k < n && cuts[k] < old[f].end; k++)
			if (cuts[k] > at) {
				rc = first && !(old[f].flags & XF_GAP)
					     ? push_func(o, &fcap, at, cuts[k], old[f].name, old[f].flags,
							 old[f].args)
					     : push_func(o, &fcap, at, cuts[k], NULL, XF_GAP, -1);
				at = cuts[k];
				first = false;
			}
		if (rc == 0 && (first || (old[f].flags & XF_GAP)))
			rc = push_func(o, &fcap, at, old[f].end, old[f].name, old[f].flags, old[f].args);
		else if (rc == 0)
			rc = push_func(o, &fcap, at, old[f].end, NULL, XF_GAP, -1);
	}
	free(old);
	return rc;
}

/* A cut region being walked: which of its bytes an instruction reached has
 * started (one bit each, for the whole region, so that walking it from start
 * to start costs its size once: a hostile region of one-byte functions made
 * a bitmap per start quadratic), and the jump targets still to walk. */
struct walk {
	const struct xobj *o;
	const struct xdec *dec;
	uint64_t base, end;
	const uint8_t *code;
	uint8_t *seen;
	uint64_t *work;
	size_t cap;
};

static bool walk_push(struct walk *w, size_t *n, uint64_t a)
{
	if (*n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		uint64_t *v = realloc(w->work, sizeof *v * cap);
		if (!v)
			return false;
		w->work = v;
		w->cap = cap;
	}
	w->work[(*n)++] = a;
	return true;
}

/* Where the code START reaches without a call ends, inside [START, end):
 * fall-through, jumps, both ways of a conditional jump (a call is taken to
 * return). The region's end when it reaches it, or when a jump through a
 * register or a table (a switch's) may go anywhere, or bytes that are no
 * instruction. (What earlier starts reached lies before START: its bits are
 * never asked for again.) */
static uint64_t flow_end(struct walk *w, uint64_t start)
{
	size_t n = 0;
	uint64_t last = start;
	if (!w->code || !w->seen || !walk_push(w, &n, start))
		return w->end;
	while (n) {
		uint64_t a = w->work[--n];
		for (;;) {
			size_t off = a - w->base;
			if (a >= w->end || (w->seen[off / 8] & (1u << off % 8)))
				break;
			w->seen[off / 8] |= (uint8_t)(1u << off % 8);
			struct xinsn x;
			if (xdec_one(w->dec, w->code + off, w->end - a, a, &x) < 0)
				return w->end;
			a += x.len;
			last = a > last ? a : last;
			if (x.op == XO_JMP && !x.rel && !xinsn_slot(w->o, &x))
				return w->end; /* a jump table, or a computed jump */
			if ((x.op == XO_JMP || x.op == XO_JCC) && x.rel && x.target >= start &&
			    x.target < w->end && !walk_push(w, &n, x.target))
				return w->end;
			if (x.op == XO_JMP || x.op == XO_RET || x.op == XO_STOP)
				break;
		}
	}
	return last;
}

/* Where the code after the padding at A begins: zeros (Free Pascal's: as
 * code, `add %al,(%rax)`, and the last one eats the next function's first
 * byte), int3 and nops. Decoded from the padding, the next function's
 * instructions would be misread, and a misread ret would cut it short. */
static uint64_t past_padding(const struct walk *w, uint64_t a)
{
	struct xinsn x;
	for (const uint8_t *p = w->code ? w->code + (a - w->base) : NULL; p && a < w->end;) {
		if (*p == 0x00 || *p == 0x90 || *p == 0xcc) {
			p++, a++;
			continue;
		}
		if (xdec_one(w->dec, p, w->end - a, a, &x) < 0 || x.op != XO_NOP)
			break;
		p += x.len, a += x.len;
	}
	return a;
}

/* The code after what a cut region's start reaches is not its: a function
 * that ends in a tail jump is followed by one nothing calls (a tail jump's
 * target, or one only data points to), whose calls, counted as the first
 * one's, made every applet that ran into such a run reach them (busybox's
 * fputs_stdout ran on into xprint_and_close_file: cat's bb_copyfd_eof, and
 * through it realpath, for ls). Cut there too, until the region's end;
 * the rest is a function of its own, reached when code jumps into it or
 * points at it (the scan's edges), never by running into it. */
static int gap_ends(const struct xobj *o, const struct xdec *dec, const struct xfunc *g,
		    uint64_t **v, size_t *n, size_t *cap)
{
	struct walk w = {.o = o, .dec = dec, .base = g->start, .end = g->end,
			 .code = xelf_at(&o->elf, g->start, g->end - g->start)};
	w.seen = w.code ? calloc((g->end - g->start) / 8 + 1, 1) : NULL;
	/* no compiler's code ends a function every 16 bytes on average: a region
	 * that would be cut finer (a file of `ret`s: a function per byte, and
	 * memory per function) is left as the calls cut it */
	size_t first = *n, most = (g->end - g->start) / 16 + 1;
	int rc = 0;
	for (uint64_t at = g->start, r; w.seen && at < g->end; at = r) {
		r = flow_end(&w, past_padding(&w, at));
		if (r <= at || r >= g->end)
			break;
		if (*n - first == most) {
			*n = first;
			break;
		}
		if (SK_GROW(*v, *cap, *n) < 0) {
			rc = -ENOMEM;
			break;
		}
		(*v)[(*n)++] = r;
	}
	free(w.seen);
	free(w.work);
	return rc;
}

int xobj_split_gaps(struct xobj *o, const struct xdec *dec)
{
	uint64_t *cuts = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (size_t f = 0; rc == 0 && f < o->n_funcs; f++)
		if (xobj_cuttable(&o->funcs[f]))
			rc = gap_calls(o, dec, &o->funcs[f], &cuts, &n, &cap);
	if (rc == 0) /* a multi-call binary's applet mains start functions too */
		rc = xapplet_mains(o, &cuts, &n, &cap);
	if (rc == 0)
		rc = split_at(o, cuts, n);
	n = 0;
	for (size_t f = 0; rc == 0 && f < o->n_funcs; f++)
		if (xobj_cuttable(&o->funcs[f]))
			rc = gap_ends(o, dec, &o->funcs[f], &cuts, &n, &cap);
	if (rc == 0)
		rc = split_at(o, cuts, n);
	free(cuts);
	return rc;
}

/* Calls and jumps from other functions into the middle of a cuttable one
 * start functions too (musl's __syscall_cp tail-jumps to __syscall_cp_c, in
 * a gap of its libc.so): scan.c found them (o->branch_in); cut there, and
 * the caller scans again. 1 when it cut, 0 when there was nothing to cut. */
int xobj_split_branched(struct xobj *o)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n_branch_in; i++) {
		uint32_t f = xobj_func_at(o, o->branch_in[i]);
		if (f != XT_NONE && xobj_cuttable(&o->funcs[f]) && o->funcs[f].start != o->branch_in[i])
			o->branch_in[n++] = o->branch_in[i];
	}
	if (!n)
		return 0;
	int rc = split_at(o, o->branch_in, n);
	return rc < 0 ? rc : 1;
}
