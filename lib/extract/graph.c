/* SPDX-License-Identifier: Apache-2.0 */
/* What each part of an object reaches: functions and data chunks as one
 * graph, reduced to a set of items per export.
 *
 * Reachability follows calls, and also references: a function that takes
 * another's address (lea, a pointer in data it refers to) makes it
 * reachable, since an indirect call may then reach it. Data is cut into
 * chunks at every address that code, symbols or pointers name (a table of
 * function pointers starts where code refers to it and ends where the next
 * named thing begins), so that a reachable function makes reachable only
 * the tables it refers to, and their pointers, not every address-taken
 * function of the file. This is what keeps a libc program from reaching all
 * of libc: "every address-taken function is reachable" reaches nearly all of
 * it, "every function whose address reachable code or data takes" does not.
 *
 * Go's method tables hold text offsets, not pointers: a pair of offsets that
 * are both Go function entries (a method's ifn and tfn) in a chunk makes
 * them reachable with the chunk (the type descriptor).
 *
 * The graph's strongly connected components are folded (Tarjan, iterative),
 * and each component gets the union of the items of everything it reaches,
 * in one pass in reverse topological order. */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/strbuf.h"

struct pair {
	uint32_t a, b;
};

struct named {
	const char *name;
	uint64_t value;
};

struct xgraph {
	size_t nf, nc, nn;    /* functions, chunks, all nodes (+ ROOT_INIT, ROOT_ENTRY) */
	struct xrange *chunk;
	uint8_t *strong;      /* per chunk: its start begins an object (see chunk_starts) */
	uint32_t *efirst, *edge;  /* successors, CSR */
	uint32_t *ifirst, *item;  /* own items, CSR */
	uint32_t *scc;            /* component of each node */
	size_t n_scc, nw;
	uint64_t *tot;            /* per component, nw words */
};

struct gctx {
	struct xobj *o;
	struct xgraph *g;
	struct pair *edges, *items;
	size_t n_edges, cap_edges, n_items, cap_items;
	struct xrange *data;
	size_t n_data;
	uint32_t *imp_item; /* per import: its item, once made (XT_NONE before) */
	struct pair *tab;   /* a chosen applet's table: its pointers, held back */
	size_t n_tab, cap_tab;
	struct named *named; /* exported functions, sorted by name */
	size_t n_named;
	int err;
};

#define ROOT_INIT(g) ((uint32_t)((g)->nf + (g)->nc))
#define ROOT_ENTRY(g) ((uint32_t)((g)->nf + (g)->nc + 1))

static void edge(struct gctx *c, uint32_t a, uint32_t b)
{
	if (b == XT_NONE || c->err)
		return;
	if (SK_GROW(c->edges, c->cap_edges, c->n_edges) < 0)
		c->err = -ENOMEM;
	else
		c->edges[c->n_edges++] = (struct pair){a, b};
}

static void item(struct gctx *c, uint32_t node, uint32_t it)
{
	if (c->err)
		return;
	if (it == XT_NONE || SK_GROW(c->items, c->cap_items, c->n_items) < 0)
		c->err = -ENOMEM;
	else
		c->items[c->n_items++] = (struct pair){node, it};
}

/* ---- chunks --------------------------------------------------------------- */

static bool scanned_section(const struct xsec *s)
{
	static const char *const skip[] = {".eh_frame", ".eh_frame_hdr", ".gcc_except_table",
					   ".gopclntab", ".interp", ".gosymtab"};
	if (!(s->flags & SHF_ALLOC) || (s->flags & SHF_EXECINSTR) || !s->size)
		return false;
	if (s->type != SHT_PROGBITS && s->type != SHT_INIT_ARRAY && s->type != SHT_FINI_ARRAY &&
	    s->type != SHT_PREINIT_ARRAY)
		return false;
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (!strcmp(s->name, skip[i]))
			return false;
	return !strncmp(s->name, ".note", 5) ? false : true;
}

static int data_ranges(struct gctx *c)
{
	const struct xelf *e = &c->o->elf;
	size_t cap = 0;
	for (size_t i = 0; i < e->n_secs; i++) {
		const struct xsec *s = &e->secs[i];
		if (!scanned_section(s) || !xelf_at(e, s->addr, s->size))
			continue;
		if (SK_GROW(c->data, cap, c->n_data) < 0)
			return -ENOMEM;
		c->data[c->n_data++] = (struct xrange){s->addr, s->addr + s->size};
	}
	for (size_t i = 0; !e->n_secs && i < e->n_segs; i++) {
		const struct xseg *s = &e->segs[i];
		if ((s->flags & PF_X) || !s->filesz)
			continue;
		if (SK_GROW(c->data, cap, c->n_data) < 0)
			return -ENOMEM;
		c->data[c->n_data++] = (struct xrange){s->vaddr, s->vaddr + s->filesz};
	}
	return 0;
}

static int in_data(const struct gctx *c, uint64_t a)
{
	for (size_t i = 0; i < c->n_data; i++)
		if (a >= c->data[i].start && a < c->data[i].end)
			return (int)i;
	return -1;
}

/* The word at ADDR as the file has it (a fixed-address program's pointers). */
static uint64_t raw_word(const struct xobj *o, uint64_t addr)
{
	const uint8_t *b = xelf_at(&o->elf, addr, 8);
	uint64_t v = 0;
	if (b)
		memcpy(&v, b, 8);
	return v;
}

static bool in_go_table(const struct xobj *o, uint64_t a)
{
	return o->is_go && a >= o->go_table.start && a < o->go_table.end;
}

/* Every address a chunk starts at: data starts, what code refers to, symbols,
 * pointer targets, each GOT slot. */
struct start {
	uint64_t a;
	bool strong;
};

static int add_start(const struct gctx *c, struct start **v, size_t *n, size_t *cap, uint64_t a,
		     bool strong)
{
	if (in_data(c, a) < 0)
		return 0;
	if (SK_GROW(*v, *cap, *n) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = (struct start){a, strong};
	return 0;
}

/* Every address a chunk starts at. A strong start begins an object: a
 * section, a symbol (and its end), a pointer target in data, a GOT slot. A
 * weak start is an address only code refers to: often a field inside an
 * object (nginx's ngx_epoll_init copies ngx_epoll_module_ctx.actions), so
 * reaching it reaches the rest of the object, up to the next strong start,
 * and reaching the object reaches all of it; split_objects makes the weak
 * starts that begin objects of their own strong. */
static int chunk_starts(struct gctx *c, struct start **v, size_t *n)
{
	const struct xobj *o = c->o;
	size_t cap = 0;
	int rc = 0;
	*n = 0;
	for (size_t i = 0; rc == 0 && i < c->n_data; i++)
		rc = add_start(c, v, n, &cap, c->data[i].start, true);
	for (size_t i = 0; rc == 0 && i < o->n_refs; i++)
		if (!o->ref_indexed[i]) /* tab+8(%rax) may name the middle of an object */
			rc = add_start(c, v, n, &cap, o->refs[i], false);
	for (size_t i = 0; rc == 0 && i < o->elf.n_syms; i++) {
		const struct xsym *y = &o->elf.syms[i];
		rc = add_start(c, v, n, &cap, y->value, true);
		if (rc == 0 && y->size)
			rc = add_start(c, v, n, &cap, y->value + y->size, true);
	}
	for (size_t i = 0; rc == 0 && i < o->n_slots; i++)
		rc = add_start(c, v, n, &cap, o->slots[i].local, true);
	/* a chosen applet's main table is an array of its own (applet.c): what
	 * precedes it does not run on into it */
	if (rc == 0 && xapplet_on(o))
		rc = add_start(c, v, n, &cap, o->applet.table, true);
	if (rc == 0 && xapplet_on(o))
		rc = add_start(c, v, n, &cap, o->applet.table + 8ull * o->applet.n, true);
	for (size_t i = 0; rc == 0 && i < o->elf.n_secs; i++) {
		const struct xsec *s = &o->elf.secs[i];
		if (!strcmp(s->name, ".got") || !strcmp(s->name, ".got.plt"))
			for (uint64_t a = s->addr; rc == 0 && a + 8 <= s->addr + s->size; a += 8)
				rc = add_start(c, v, n, &cap, a, true);
	}
	for (size_t d = 0; rc == 0 && !o->elf.dyn && d < c->n_data; d++)
		for (uint64_t a = (c->data[d].start + 7) & ~7ull; rc == 0 && a + 8 <= c->data[d].end;
		     a += 8)
			if (!in_go_table(o, a))
				rc = add_start(c, v, n, &cap, raw_word(o, a), true);
	return rc;
}

/* What a pointer-sized word of data holds, coarsely: the layout an array's
 * elements share. */
enum { W_ZERO, W_IMPORT, W_CODE, W_RO, W_RW, W_OTHER };

struct area {
	uint64_t start, end;
	int kind; /* W_CODE, W_RO, W_RW */
};

struct layout {
	const struct gctx *c;
	struct area *v; /* the allocated sections, by address */
	size_t n;
};

static int layout_init(struct layout *l, const struct gctx *c)
{
	const struct xelf *e = &c->o->elf;
	*l = (struct layout){.c = c, .v = calloc(e->n_secs + 1, sizeof *l->v)};
	if (!l->v)
		return -ENOMEM;
	for (size_t i = 0; i < e->n_secs; i++) {
		const struct xsec *x = &e->secs[i];
		if ((x->flags & SHF_ALLOC) && x->size && !(x->flags & SHF_TLS)) /* .tbss overlaps */
			l->v[l->n++] = (struct area){x->addr, x->addr + x->size,
						     x->flags & SHF_EXECINSTR ? W_CODE :
						     x->flags & SHF_WRITE     ? W_RW :
										W_RO};
	}
	qsort(l->v, l->n, sizeof *l->v, xcmp_lead);
	return 0;
}

static int word_class(const struct layout *l, uint64_t a)
{
	const struct xobj *o = l->c->o;
	const struct xslot *s = xobj_slot(o, a);
	if (s && s->import != XT_NONE)
		return W_IMPORT;
	uint64_t w = s ? s->local : raw_word(o, a);
	if (!w)
		return W_ZERO;
	size_t lo = 0, hi = l->n; /* the last area starting at or before w */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid].start <= w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && w < l->v[lo - 1].end ? l->v[lo - 1].kind : W_OTHER;
}

/* Is data periodic across X with a period P of up to 8 words: the P words
 * at X like the P before them, and those like the P before them where the
 * run (from FROM) has them (the elements of one array)? A zero matches
 * anything (a pointer an element leaves NULL), and some word must match;
 * where only pointers to read-only data match (tables of strings: busybox's
 * install_dir, "-", then bc's error texts and bc's functions after them),
 * zeros must match zeros. */
static bool same_layout(const struct layout *l, uint64_t from, uint64_t x, uint64_t end)
{
	for (uint64_t p = 8; p <= 64 && p <= x - from && p <= end - x; p += 8) {
		bool same = true, any = false, rich = false, zeros = true;
		uint64_t lo = x - from >= 2 * p ? x - p : x; /* the run's own period, where it has one */
		for (uint64_t b = lo; same && b <= x; b += p)
			for (uint64_t j = 0; same && j < p; j += 8) {
				int u = word_class(l, b - p + j), v = word_class(l, b + j);
				zeros &= (u == W_ZERO) == (v == W_ZERO);
				if (u == W_ZERO || v == W_ZERO)
					continue;
				same = u == v;
				any = true;
				rich |= u != W_RO;
			}
		if (same && any && (rich || zeros))
			return true;
	}
	return false;
}

static uint32_t chunk_at(const struct xgraph *g, uint64_t a);
static int csr(const struct pair *p, size_t n, size_t nn, uint32_t **first, uint32_t **v);

/* Where an object that only code names ends. Two neighbours that only code
 * names may be one object (a global struct whose fields code names one by
 * one, an array whose element code takes: ash's EXECCMD, &builtintab[k]) or
 * two (busybox's httpd status table, then ifupdown's table of address
 * families): a stripped file does not say which, and taking them for one
 * made every busybox applet reach every other. Code names an object from
 * the functions that work on it, and an array's elements share a layout;
 * so a chunk begins an object of its own when only other functions name it
 * than those naming the run of chunks before it (none, for an object only
 * data points to), and the data is not periodic across it. nginx's
 * ngx_epoll_module_ctx, which a module points to, goes on into its actions,
 * which only ngx_epoll_init names: pointers to code on both sides. glibc's
 * gconv step to_wc, which a pointer reaches, does not go on into svcauthsw
 * (RPC's table of authenticators, which only _authenticate names): without
 * libc's symbols, every program reached RPC's sockets through it. The chunk
 * that begins an object is marked strong: nothing runs on into it. */
static int split_objects(struct gctx *c)
{
	struct xgraph *g = c->g;
	const struct xobj *o = c->o;
	struct pair *p = NULL;
	size_t n = 0, cap = 0;
	for (uint32_t f = 0; f < o->n_funcs; f++)
		for (uint32_t i = 0; i < o->funcs[f].n_refs; i++) {
			uint32_t k = chunk_at(g, o->refs[o->funcs[f].first_ref + i]);
			if (k == XT_NONE || o->ref_indexed[o->funcs[f].first_ref + i])
				continue;
			if (SK_GROW(p, cap, n) < 0) {
				free(p);
				return -ENOMEM;
			}
			p[n++] = (struct pair){k, f};
		}
	uint32_t *first = NULL, *by = NULL;
	uint32_t *stamp = calloc(o->n_funcs + 1, sizeof *stamp); /* the run a function named */
	struct layout l = {0};
	int rc = stamp ? csr(p, n, g->nc, &first, &by) : -ENOMEM;
	if (rc == 0)
		rc = layout_init(&l, c);
	free(p);
	uint32_t run = 1;
	uint64_t from = 0; /* where the run began */
	for (size_t k = 0; rc == 0 && k < g->nc; k++) {
		bool common = false;
		for (uint32_t i = first[k]; i < first[k + 1]; i++)
			common |= stamp[by[i]] == run;
		if (g->strong[k] ||
		    (!common && first[k] < first[k + 1] &&
		     !same_layout(&l, from, g->chunk[k].start, c->data[in_data(c, g->chunk[k].start)].end))) {
			g->strong[k] = 1;
			run++;
			from = g->chunk[k].start;
		}
		for (uint32_t i = first[k]; i < first[k + 1]; i++)
			stamp[by[i]] = run;
	}
	free(l.v);
	free(stamp);
	free(first);
	free(by);
	return rc;
}

static int make_chunks(struct gctx *c)
{
	struct start *v = NULL;
	size_t n;
	int rc = data_ranges(c);
	if (rc == 0)
		rc = chunk_starts(c, &v, &n);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (n)
		qsort(v, n, sizeof *v, xcmp_lead);
	size_t u = 0; /* unique, strong when any of them is */
	for (size_t i = 0; i < n; i++) {
		if (u && v[i].a == v[u - 1].a)
			v[u - 1].strong |= v[i].strong;
		else
			v[u++] = v[i];
	}
	n = u;
	struct xgraph *g = c->g;
	g->chunk = calloc(n + 1, sizeof *g->chunk);
	g->strong = calloc(n + 1, 1);
	if (!g->chunk || !g->strong) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		int d = in_data(c, v[i].a);
		uint64_t end = c->data[d].end;
		if (i + 1 < n && v[i + 1].a < end)
			end = v[i + 1].a;
		g->strong[g->nc] = v[i].strong || v[i].a == c->data[d].start;
		g->chunk[g->nc++] = (struct xrange){v[i].a, end};
	}
	free(v);
	return split_objects(c);
}

static uint32_t chunk_at(const struct xgraph *g, uint64_t a)
{
	size_t lo = 0, hi = g->nc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a < g->chunk[mid].start)
			hi = mid;
		else if (a >= g->chunk[mid].end)
			lo = mid + 1;
		else
			return (uint32_t)mid;
	}
	return XT_NONE;
}

static uint32_t node_at(const struct gctx *c, uint64_t a)
{
	uint32_t f = xobj_func_at(c->o, a);
	if (f != XT_NONE)
		return f;
	uint32_t k = chunk_at(c->g, a);
	return k == XT_NONE ? XT_NONE : (uint32_t)c->g->nf + k;
}

/* ---- edges and items ------------------------------------------------------- */

static uint32_t import_item(struct gctx *c, uint32_t imp)
{
	if (c->imp_item[imp] == XT_NONE) /* items are searched linearly: once per import */
		c->imp_item[imp] = xobj_item(c->o, &(struct xitem){.kind = XI_IMPORT, .nr = imp,
								   .func = XT_NONE});
	return c->imp_item[imp];
}

/* FROM refers to the address A (it is not calling it). A wrapper whose
 * address is taken can be called with any number: an unresolved site. */
static void refer(struct gctx *c, uint32_t from, uint64_t a, uint64_t site)
{
	uint32_t n = node_at(c, a);
	if (n == XT_NONE)
		return;
	edge(c, from, n);
	const struct xfunc *fn = n < c->g->nf ? &c->o->funcs[n] : NULL;
	if (!fn || !fn->needs || fn->start != a || n == from)
		return;
	char what[200], nb[64];
	if ((fn->needs & ~c->o->taken_passed) == 0) { /* flow.c resolved it, by assumption */
		snprintf(what, sizeof what, "indirect:the address of %s (a wrapper taking a syscall "
			 "number) is taken; it is taken to make the numbers indirect calls pass",
			 xobj_func_name(c->o, n, nb, sizeof nb));
		item(c, from, xobj_item(c->o, &(struct xitem){.kind = XI_NOTE, .func = XT_NONE,
							      .text = what}));
		return;
	}
	snprintf(what, sizeof what, "the address of %s (a wrapper taking a syscall number) is "
		 "taken: an indirect call can pass it any number",
		 xobj_func_name(c->o, n, nb, sizeof nb));
	item(c, from, xobj_item(c->o, &(struct xitem){.kind = XI_UNRESOLVED, .site = site,
						      .func = from < c->g->nf ? from : XT_NONE,
						      .text = what}));
}

static void symbol_string(struct gctx *c, uint32_t node, uint64_t at);

static void function_edges(struct gctx *c, uint32_t f)
{
	struct xobj *o = c->o;
	const struct xfunc *fn = &o->funcs[f];
	for (uint32_t i = 0; i < fn->n_calls; i++) {
		const struct xcall *k = &o->calls[fn->first_call + i];
		if (k->target & XT_IMPORT)
			item(c, f, import_item(c, k->target & ~XT_IMPORT));
		else
			edge(c, f, k->target);
	}
	for (uint32_t i = 0; i < fn->n_refs; i++) {
		refer(c, f, o->refs[fn->first_ref + i], fn->start);
		symbol_string(c, f, o->refs[fn->first_ref + i]);
	}
	if (o->fown)
		for (size_t i = 0; i < o->fown[f].n; i++)
			item(c, f, o->fown[f].v[i]);
	if (fn->name && (!strcmp(fn->name, "dlopen") || !strcmp(fn->name, "dlmopen") ||
			 !strcmp(fn->name, "__libc_dlopen_mode"))) {
		char note[160];
		snprintf(note, sizeof note, "calls %s: what it loads is not in DT_NEEDED", fn->name);
		item(c, f, xobj_item(o, &(struct xitem){.kind = XI_NOTE, .func = f, .text = note}));
	}
}

/* "libgcc_s.so.1", "libnss_%s.so%s": a name of a shared library, as code
 * passes it to dlopen (a version, if any, is digits and dots). */
static bool library_name(const char *s, size_t len)
{
	const char *so = len > 6 && !strncmp(s, "lib", 3) ? strstr(s, ".so") : NULL;
	if (!so || so + 3 > s + len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '/')
			return false;
	if (strchr(s, '%'))
		return true;
	const char *v = so + 3;
	if (v == s + len)
		return true;
	return v[0] == '.' && strspn(v, ".0123456789") == (size_t)(s + len - v) && s[len - 1] != '.';
}

/* A string at the chunk's start that names a shared library: what the code
 * that refers to it may dlopen (glibc's libgcc_s.so.1, libnss_%s.so%s). The
 * note is "lib:NAME"; link.c words it, and drops it for a loaded library. */
/* The NUL-terminated string of at most 127 bytes at AT in the file, or NULL
 * (it may run past a chunk: code that copies it inline names its middle too,
 * "gconv-modules" is loaded 8 bytes at a time). */
static const char *string_at(const struct xobj *o, uint64_t at)
{
	size_t room = 128;
	const char *s = NULL;
	while (room >= 8 && !(s = (const char *)xelf_at(&o->elf, at, room)))
		room /= 2;
	return s && memchr(s, 0, room) ? s : NULL;
}

static void library_string(struct gctx *c, uint32_t node, const struct xrange *k)
{
	const char *s = string_at(c->o, k->start);
	if (s && !strcmp(s, "gconv-modules")) /* iconv's conversion modules */
		s = "the gconv modules (iconv, gconv-modules)";
	else if (!s || !library_name(s, strlen(s)))
		return;
	char note[160];
	snprintf(note, sizeof note, "lib:%s", s);
	item(c, node, xobj_item(c->o, &(struct xitem){.kind = XI_NOTE, .func = XT_NONE,
						      .text = note}));
}

static bool exported(const struct xobj *o, const struct xsym *y);

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* The object's exported functions by name, for symbol_string. */
static int index_named(struct gctx *c)
{
	const struct xobj *o = c->o;
	c->named = malloc((o->elf.n_dynsyms + 1) * sizeof *c->named);
	if (!c->named)
		return -ENOMEM;
	for (size_t i = 0; i < o->elf.n_dynsyms; i++) {
		const struct xsym *y = &o->elf.dynsyms[i];
		if (exported(o, y) && y->type != STT_OBJECT && xobj_func_at(o, y->value) != XT_NONE)
			c->named[c->n_named++] = (struct named){y->name, y->value};
	}
	if (c->n_named)
		qsort(c->named, c->n_named, sizeof *c->named, cmp_named);
	return 0;
}

/* A string at AT, which function NODE's code names, that is the name of one
 * of the object's own exported functions: the code may look the function up
 * by name (dlsym on itself; musl's ld.so finds its stages __dls2b and __dls3
 * so, and __dls2b sets up the thread pointer: set_tid_address), so the
 * function is reachable from it. From the code, not from the data: a table
 * of names reached through unbounded data (glibc's NSS function names) names
 * functions of other objects. */
static void symbol_string(struct gctx *c, uint32_t node, uint64_t at)
{
	const char *s = c->n_named ? string_at(c->o, at) : NULL;
	const struct named *hit = s && *s ? bsearch(&(struct named){s, 0}, c->named, c->n_named,
						    sizeof *c->named, cmp_named)
					  : NULL;
	if (hit)
		edge(c, node, node_at(c, hit->value));
}

/* Go: a method's ifn and tfn, text offsets side by side (runtime.method). */
static bool go_entry(const struct xobj *o, int32_t off, bool *pruned)
{
	*pruned = off == -1; /* the linker prunes a method it proves unused */
	if (*pruned)
		return true;
	uint64_t a = o->go.text_start + (uint32_t)off;
	uint32_t f = xobj_func_at(o, a);
	return f != XT_NONE && o->funcs[f].start == a && (o->funcs[f].flags & XF_GO);
}

static void go_methods(struct gctx *c, uint32_t node, const struct xrange *k)
{
	const struct xobj *o = c->o;
	uint64_t a = (k->start + 3) & ~3ull;
	const uint8_t *b = xelf_at(&o->elf, a, k->end > a ? k->end - a : 0);
	for (uint64_t i = 0; b && a + i + 8 <= k->end; i += 4) {
		int32_t ifn, tfn;
		memcpy(&ifn, b + i, 4);
		memcpy(&tfn, b + i + 4, 4);
		bool p1, p2;
		if (!go_entry(o, ifn, &p1) || !go_entry(o, tfn, &p2) || (p1 && p2))
			continue;
		if (!p1)
			edge(c, node, xobj_func_at(o, o->go.text_start + (uint32_t)ifn));
		if (!p2)
			edge(c, node, xobj_func_at(o, o->go.text_start + (uint32_t)tfn));
	}
}

/* ---- a multi-call binary's applet ------------------------------------------ */

static int csr(const struct pair *p, size_t n, size_t nn, uint32_t **first, uint32_t **v);

/* A word of the applet main table, when an applet was chosen. */
static bool in_table(const struct xobj *o, uint64_t a)
{
	const struct xapplet *ap = &o->applet;
	return xapplet_on(o) && a >= ap->table && a - ap->table < 8ull * ap->n;
}

/* The table's pointer to A, from chunk NODE: held back until applet_edges
 * knows whether the applet can dispatch through the table. */
static void hold(struct gctx *c, uint32_t node, uint64_t a)
{
	uint32_t n = node_at(c, a);
	if (n == XT_NONE || c->err)
		return;
	if (SK_GROW(c->tab, c->cap_tab, c->n_tab) < 0)
		c->err = -ENOMEM;
	else
		c->tab[c->n_tab++] = (struct pair){node, n};
}

static size_t print_path(const struct xgraph *g, const struct xobj *o, const uint32_t *parent,
			 uint32_t end, uint32_t *scratch, size_t ends, struct sk_sb *sb);

/* The longest path a note spells out: its first and last hops, the middle
 * counted (a path through unbounded data can be dozens of chunks long). */
#define PATH_ENDS 5

/* Does anything FROM reach a chunk of the applet table through the edges so
 * far? If so, *PATH gets the shortest such path ("busybox+0x55c736 -> (data
 * at 0x5ddd90) -> ... -> busybox+0x4ebf6f"), the dispatcher that reads the
 * table last, for the note: why every applet counts is the first question. */
static int reaches_table(struct gctx *c, const uint32_t *from, size_t n_from, bool *hit,
			 struct sk_sb *path, size_t *n_data)
{
	const struct xgraph *g = c->g;
	const struct xapplet *ap = &c->o->applet;
	uint32_t *first, *next;
	uint32_t *parent = malloc((g->nn + 1) * sizeof *parent);
	uint32_t *queue = malloc((g->nn + 1) * sizeof *queue);
	int rc = parent && queue ? csr(c->edges, c->n_edges, g->nn, &first, &next) : -ENOMEM;
	*hit = false;
	*n_data = 0;
	if (rc < 0) {
		free(parent);
		free(queue);
		return rc;
	}
	memset(parent, 0xff, (g->nn + 1) * sizeof *parent);
	size_t n = 0, head = 0;
	for (size_t i = 0; i < n_from; i++)
		if (from[i] != XT_NONE && parent[from[i]] == XT_NONE) {
			parent[from[i]] = from[i];
			queue[n++] = from[i];
		}
	uint32_t via = XT_NONE; /* the node that refers to the table */
	while (head < n && via == XT_NONE) {
		uint32_t v = queue[head++];
		for (uint32_t e = first[v]; e < first[v + 1] && via == XT_NONE; e++) {
			uint32_t w = next[e];
			const struct xrange *k = w >= g->nf && w < g->nf + g->nc ? &g->chunk[w - g->nf]
										: NULL;
			if (k && k->end > ap->table && k->start < ap->table + 8ull * ap->n)
				via = v;
			else if (parent[w] == XT_NONE) {
				parent[w] = v;
				queue[n++] = w;
			}
		}
	}
	*hit = via != XT_NONE;
	if (*hit)
		*n_data = print_path(g, c->o, parent, via, queue, PATH_ENDS, path);
	free(first);
	free(next);
	free(parent);
	free(queue);
	return path->oom ? -ENOMEM : 0;
}

/* The applet the binary is started as runs from its main: the entry reaches
 * it directly, and the table's other pointers count only when the applet's
 * code, or the load-time code every applet runs, can reach the table (a
 * shell runs applets in-process through it: then every applet counts). The
 * dispatcher that the entry reaches reads one word of the table, the one the
 * start-up name selects, which is the applet's main. */
static void applet_edges(struct gctx *c)
{
	const struct xapplet *ap = &c->o->applet;
	if (!xapplet_on(c->o) || c->err)
		return;
	uint32_t from[XAPPLET_MAINS + 1];
	size_t n = 0;
	for (uint32_t i = 0; i < ap->n_main; i++)
		from[n++] = node_at(c, ap->main[i]);
	from[n++] = ROOT_INIT(c->g);
	bool dispatch = false;
	struct sk_sb path = SK_SB_INIT;
	size_t n_data;
	int rc = reaches_table(c, from, n, &dispatch, &path, &n_data);
	if (rc < 0) {
		sk_sb_release(&path);
		c->err = rc;
		return;
	}
	for (size_t i = 0; dispatch && i < c->n_tab; i++)
		edge(c, c->tab[i].a, c->tab[i].b);
	for (size_t i = 0; !dispatch && i + 1 < n; i++)
		edge(c, ROOT_ENTRY(c->g), from[i]);
	char note[1200];
	if (dispatch && !n_data)
		snprintf(note, sizeof note, "applet:started as %s, from which the analysis reaches "
			 "the applet table: %s (the last reads it); %s can run other applets "
			 "in-process, as a shell does: all %u applets count", ap->name, path.buf,
			 ap->name, ap->n);
	else if (dispatch)
		snprintf(note, sizeof note, "applet:started as %s, from which the analysis reaches "
			 "the applet table: %s (the last reads it); the path runs through %zu chunks "
			 "of data, where an object may go on past what code names (%s): all %u "
			 "applets count", ap->name, path.buf, n_data,
			 c->o->elf.n_syms ? "the symbols bound only some" :
					    "a stripped file gives no bounds",
			 ap->n);
	else
		snprintf(note, sizeof note, "applet:started as %s (argv[0], or `busybox NAME`): its "
			 "main (0x%llx, applet %u of %u) is the entry; the other applets are reachable "
			 "only through the applet table, which it cannot reach", ap->name,
			 (unsigned long long)ap->main[0], ap->idx + 1, ap->n);
	sk_sb_release(&path);
	item(c, ROOT_ENTRY(c->g), xobj_item(c->o, &(struct xitem){.kind = XI_NOTE, .func = XT_NONE,
								   .text = note}));
}

/* The word at A of a fixed-address program is the tail of a string, not a
 * pointer W: its bytes are printable up to a NUL and NULs after it, the string
 * runs into it from before, and as an address it would point into the middle
 * of a function: of one whose bounds the file gives (where no function
 * pointer points), or of code no table describes (busybox's applets have no
 * unwind tables) when the string runs through the whole word before it too
 * (eight printable bytes and no NUL: no pointer, which has five NULs).
 * "...PTHREAD_MUTEX_ERRORCHECK_NP" ends in the word "_NP\0\0\0\0\0", 0x504e5f:
 * an address in the text of a program linked at 0x400000, which would make
 * whatever code holds it reachable from every reachable string. */
static bool string_tail(const struct xobj *o, uint64_t a, uint64_t w)
{
	const uint8_t *b = xelf_at(&o->elf, a - 8, 16);
	size_t i = 8, before = 0;
	while (i < 16 && b && b[i] >= 0x20 && b[i] <= 0x7e)
		i++;
	if (!b || i == 8)
		return false;
	for (; i < 16; i++)
		if (b[i])
			return false;
	while (before < 8 && b[7 - before] >= 0x20 && b[7 - before] <= 0x7e)
		before++;
	uint32_t f = xobj_func_at(o, w);
	if (!before || f == XT_NONE || o->funcs[f].start == w)
		return false;
	return !(o->funcs[f].flags & XF_GAP) || before == 8;
}

static void chunk_edges(struct gctx *c, uint32_t k)
{
	const struct xobj *o = c->o;
	const struct xrange *r = &c->g->chunk[k];
	uint32_t node = (uint32_t)c->g->nf + k;
	size_t lo = 0, hi = o->n_slots; /* the first slot at or after the start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->slots[mid].where < r->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < o->n_slots && o->slots[i].where < r->end; i++) {
		if (in_table(o, o->slots[i].where))
			hold(c, node, o->slots[i].local);
		else if (o->slots[i].import != XT_NONE)
			item(c, node, import_item(c, o->slots[i].import));
		else if (o->slots[i].local)
			refer(c, node, o->slots[i].local, o->slots[i].where);
	}
	for (uint64_t a = (r->start + 7) & ~7ull; !o->elf.dyn && a + 8 <= r->end; a += 8) {
		if (in_go_table(o, a) || xobj_slot(o, a))
			continue;
		uint64_t w = raw_word(o, a);
		if (in_table(o, a))
			hold(c, node, w);
		else if (!string_tail(o, a, w))
			refer(c, node, w, a);
	}
	library_string(c, node, r);
	if (o->is_go)
		go_methods(c, node, r);
	if (k + 1 < c->g->nc && !c->g->strong[k + 1] && c->g->chunk[k + 1].start == r->end)
		edge(c, node, node + 1); /* the rest of the object */
}

static void root_edges(struct gctx *c)
{
	uint64_t *v;
	uint32_t *imp; /* constructors the loader looks up by name */
	size_t n, n_imp;
	if (xobj_roots(c->o, &v, &n, &imp, &n_imp) < 0) {
		c->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		edge(c, ROOT_INIT(c->g), node_at(c, v[i]));
	for (size_t i = 0; i < n_imp; i++)
		item(c, ROOT_INIT(c->g), import_item(c, imp[i]));
	free(v);
	free(imp);
	edge(c, ROOT_ENTRY(c->g), node_at(c, c->o->elf.entry));
}

/* ---- code that runs only once another function has run --------------------- */

/* glibc's priority-protection code raises and restores a thread's priority
 * (sched_getparam, sched_getscheduler, sched_setscheduler,
 * sched_get_priority_min/max) for a PTHREAD_PRIO_PROTECT mutex only, and
 * only pthread_mutexattr_setprotocol makes one: pthread_mutex_lock and
 * friends call it on a branch that mutex kind alone takes. Every program
 * with a mutex reaches it by calls; only a program that can set that
 * protocol can run it. So its functions are reached from the setter, not
 * from their callers. (A PRIO_PROTECT mutex shared from a process outside
 * the programs extracted together is outside this; extracting them together
 * covers it.) Names only: where the symbols are (a static program). */
static const struct {
	const char *fn, *after;
} gates[] = {
	{"__pthread_tpp_change_priority", "pthread_mutexattr_setprotocol"},
	{"__pthread_current_priority", "pthread_mutexattr_setprotocol"},
};

/* F is NAME or its glibc-internal alias __NAME (the one a symbol table may
 * name a function by). */
static bool named(const struct xobj *o, uint32_t f, const char *name)
{
	const char *n = o->funcs[f].name;
	return n && (!strcmp(n, name) || (!strncmp(n, "__", 2) && !strcmp(n + 2, name)));
}

static int gate_of(const struct xobj *o, uint32_t f)
{
	const char *name = f < o->n_funcs ? o->funcs[f].name : NULL;
	for (size_t i = 0; name && i < sizeof gates / sizeof gates[0]; i++)
		if (!strcmp(name, gates[i].fn))
			return (int)i;
	return -1;
}

static void gate_edges(struct gctx *c)
{
	const struct xobj *o = c->o;
	bool any = false;
	size_t k = 0;
	for (size_t i = 0; i < c->n_edges; i++) { /* calls into a gated function go */
		const struct pair *e = &c->edges[i];
		bool cut = gate_of(o, e->b) >= 0 && gate_of(o, e->a) < 0;
		any |= cut;
		if (!cut)
			c->edges[k++] = *e;
	}
	c->n_edges = k;
	for (uint32_t f = 0; any && f < c->g->nf; f++) { /* ... and come from the setter */
		int g = gate_of(o, f);
		for (uint32_t a = 0; g >= 0 && a < c->g->nf; a++)
			if (named(o, a, gates[g].after))
				edge(c, a, f);
	}
}

/* PAIRS grouped by their first element into CSR form. */
static int csr(const struct pair *p, size_t n, size_t nn, uint32_t **first, uint32_t **v)
{
	*first = calloc(nn + 1, sizeof **first);
	*v = malloc((n + 1) * sizeof **v);
	uint32_t *fill = calloc(nn + 1, sizeof *fill);
	if (!*first || !*v || !fill) {
		free(fill);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		(*first)[p[i].a + 1]++;
	for (size_t i = 0; i < nn; i++)
		(*first)[i + 1] += (*first)[i];
	for (size_t i = 0; i < n; i++)
		(*v)[(*first)[p[i].a] + fill[p[i].a]++] = p[i].b;
	free(fill);
	return 0;
}

static int build_graph(struct gctx *c)
{
	struct xgraph *g = c->g;
	g->nf = c->o->n_funcs;
	int rc = make_chunks(c);
	if (rc == 0)
		rc = index_named(c);
	if (rc < 0)
		return rc;
	g->nn = g->nf + g->nc + 2;
	for (uint32_t f = 0; f < g->nf && !c->err; f++)
		function_edges(c, f);
	for (uint32_t k = 0; k < g->nc && !c->err; k++)
		chunk_edges(c, k);
	root_edges(c);
	gate_edges(c);
	applet_edges(c);
	if (c->err)
		return c->err;
	rc = csr(c->edges, c->n_edges, g->nn, &g->efirst, &g->edge);
	return rc < 0 ? rc : csr(c->items, c->n_items, g->nn, &g->ifirst, &g->item);
}

/* ---- components and what they reach ---------------------------------------- */

struct frame {
	uint32_t node, next; /* the node, and its next successor to visit */
};

/* Component C is complete: the union of its nodes' own items and of what the
 * components they lead to reach (all complete: Tarjan finishes a component
 * after every component reachable from it). */
static void close_component(struct xgraph *g, const uint32_t *stack, size_t from, size_t to,
			    uint32_t comp)
{
	uint64_t *t = &g->tot[(size_t)comp * g->nw];
	for (size_t i = from; i < to; i++) {
		uint32_t v = stack[i];
		for (uint32_t k = g->ifirst[v]; k < g->ifirst[v + 1]; k++)
			t[g->item[k] / 64] |= UINT64_C(1) << (g->item[k] % 64);
		for (uint32_t k = g->efirst[v]; k < g->efirst[v + 1]; k++) {
			uint32_t s = g->scc[g->edge[k]];
			if (s == comp)
				continue;
			const uint64_t *u = &g->tot[(size_t)s * g->nw];
			for (size_t w = 0; w < g->nw; w++)
				t[w] |= u[w];
		}
	}
}

struct tarjan {
	uint32_t *index, *low, *stack;
	uint8_t *on;
	struct frame *call;
	size_t sp, cp, counter;
};

static void visit(struct xgraph *g, struct tarjan *t, uint32_t root)
{
	t->call[t->cp++] = (struct frame){root, g->efirst[root]};
	t->index[root] = t->low[root] = (uint32_t)++t->counter;
	t->stack[t->sp++] = root;
	t->on[root] = 1;
	while (t->cp) {
		struct frame *fr = &t->call[t->cp - 1];
		uint32_t v = fr->node;
		if (fr->next < g->efirst[v + 1]) {
			uint32_t w = g->edge[fr->next++];
			if (!t->index[w]) {
				t->index[w] = t->low[w] = (uint32_t)++t->counter;
				t->stack[t->sp++] = w;
				t->on[w] = 1;
				t->call[t->cp++] = (struct frame){w, g->efirst[w]};
			} else if (t->on[w] && t->index[w] < t->low[v]) {
				t->low[v] = t->index[w];
			}
			continue;
		}
		t->cp--;
		if (t->cp && t->low[v] < t->low[t->call[t->cp - 1].node])
			t->low[t->call[t->cp - 1].node] = t->low[v];
		if (t->low[v] != t->index[v])
			continue;
		size_t from = t->sp;
		do
			t->on[t->stack[--from]] = 0;
		while (t->stack[from] != v);
		uint32_t comp = (uint32_t)g->n_scc++;
		for (size_t i = from; i < t->sp; i++)
			g->scc[t->stack[i]] = comp;
		close_component(g, t->stack, from, t->sp, comp);
		t->sp = from;
	}
}

static int components(struct xgraph *g, size_t n_items)
{
	g->nw = n_items / 64 + 1;
	struct tarjan t = {
		.index = calloc(g->nn, sizeof *t.index),
		.low = calloc(g->nn, sizeof *t.low),
		.stack = malloc(g->nn * sizeof *t.stack),
		.on = calloc(g->nn, 1),
		.call = malloc(g->nn * sizeof *t.call),
	};
	g->scc = malloc(g->nn * sizeof *g->scc);
	g->tot = calloc(g->nn * g->nw, sizeof *g->tot);
	int rc = t.index && t.low && t.stack && t.on && t.call && g->scc && g->tot ? 0 : -ENOMEM;
	for (uint32_t v = 0; rc == 0 && v < g->nn; v++)
		if (!t.index[v])
			visit(g, &t, v);
	free(t.index);
	free(t.low);
	free(t.stack);
	free(t.on);
	free(t.call);
	return rc;
}

void xgraph_free(struct xgraph *g)
{
	if (!g)
		return;
	free(g->chunk);
	free(g->strong);
	free(g->efirst);
	free(g->edge);
	free(g->ifirst);
	free(g->item);
	free(g->scc);
	free(g->tot);
	free(g);
}

/* ---- the summary --------------------------------------------------------- */

struct setbuild {
	struct xsummary *s;
	uint64_t *hash;
	size_t cap, cap_hash;
};

static uint32_t add_set(struct setbuild *b, const uint64_t *bits)
{
	struct xsummary *s = b->s;
	uint64_t h = xhash(XHASH_INIT, bits, s->nw * 8);
	for (size_t i = 0; i < s->n_sets; i++)
		if (b->hash[i] == h && !memcmp(&s->sets[i * s->nw], bits, s->nw * 8))
			return (uint32_t)i;
	if (SK_GROW(b->hash, b->cap_hash, s->n_sets) < 0)
		return XT_NONE;
	size_t words = (s->n_sets + 1) * s->nw, cap_words = b->cap * s->nw;
	if (words > cap_words) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		uint64_t *v = realloc(s->sets, cap * s->nw * 8);
		if (!v)
			return XT_NONE;
		s->sets = v;
		b->cap = cap;
	}
	memcpy(&s->sets[s->n_sets * s->nw], bits, s->nw * 8);
	b->hash[s->n_sets] = h;
	return (uint32_t)s->n_sets++;
}

static int copy_items(const struct xobj *o, struct xsummary *s)
{
	s->items = calloc(o->n_items + 1, sizeof *s->items);
	if (!s->items)
		return -ENOMEM;
	s->n_items = o->n_items;
	for (size_t i = 0; i < o->n_items; i++) {
		const struct xitem *it = &o->items[i];
		struct xsum_item *d = &s->items[i];
		char nb[64];
		*d = (struct xsum_item){.kind = it->kind, .arch = it->arch, .nr = it->nr,
					.site = it->site};
		const char *name = it->text;
		if (it->kind == XI_IMPORT) {
			name = o->imports[it->nr].name;
			d->needs = o->imports[it->nr].needs;
			d->noret = o->imports[it->nr].noret;
			d->nr = 0;
		} else if (it->kind != XI_NOTE) {
			name = it->func != XT_NONE ? xobj_func_name(o, it->func, nb, sizeof nb) : "data";
		}
		char via[300];
		if (it->kind == XI_SYS && it->text) { /* resolved at a call to a wrapper */
			snprintf(via, sizeof via, "%s -> %s", name, it->text);
			name = via;
		}
		d->name = strdup(name ? name : "");
		if (it->kind == XI_UNRESOLVED)
			d->what = strdup(it->text ? it->text : "");
		if (!d->name || (it->kind == XI_UNRESOLVED && !d->what))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_export(const void *a, const void *b)
{
	return strcmp(((const struct xsum_export *)a)->name, ((const struct xsum_export *)b)->name);
}

static bool exported(const struct xobj *o, const struct xsym *y)
{
	if (!y->defined || !y->name || !y->value || y->bind == STB_LOCAL)
		return false;
	if (y->type == STT_FUNC || y->type == STT_GNU_IFUNC || y->type == STT_OBJECT)
		return true;
	return y->type == STT_NOTYPE && xobj_func_at(o, y->value) != XT_NONE;
}

/* Exports by name; a name defined twice (symbol versions) gets the union. */
static int exports(struct gctx *c, struct setbuild *b, uint64_t *tmp)
{
	struct xsummary *s = b->s;
	const struct xobj *o = c->o;
	const struct xgraph *g = c->g;
	s->exports = calloc(o->elf.n_dynsyms + 1, sizeof *s->exports);
	if (!s->exports)
		return -ENOMEM;
	for (size_t i = 0; i < o->elf.n_dynsyms; i++) {
		const struct xsym *y = &o->elf.dynsyms[i];
		if (!exported(o, y))
			continue;
		uint32_t n = node_at(c, y->value);
		struct xsum_export *x = &s->exports[s->n_exports++];
		x->name = (char *)y->name; /* replaced by a copy below */
		x->data = y->type == STT_OBJECT;
		bool at_start = n < g->nf && o->funcs[n].start == y->value;
		x->needs = at_start ? o->funcs[n].needs : 0;
		x->noret = at_start && (o->funcs[n].flags & XF_NORET);
		x->set = n; /* the node for now */
	}
	qsort(s->exports, s->n_exports, sizeof *s->exports, cmp_export);
	size_t k = 0;
	for (size_t i = 0; i < s->n_exports; i++) {
		struct xsum_export *x = &s->exports[i];
		memset(tmp, 0, s->nw * 8);
		uint32_t needs = 0;
		bool noret = true;
		size_t j = i;
		for (; j < s->n_exports && !strcmp(s->exports[j].name, x->name); j++) {
			uint32_t n = s->exports[j].set;
			needs |= s->exports[j].needs;
			noret &= s->exports[j].noret;
			for (size_t w = 0; n != XT_NONE && w < s->nw; w++)
				tmp[w] |= g->tot[(size_t)g->scc[n] * g->nw + w];
		}
		struct xsum_export y = {.name = strdup(x->name), .needs = needs, .data = x->data,
					.noret = noret, .set = add_set(b, tmp)};
		if (!y.name || y.set == XT_NONE)
			return -ENOMEM;
		s->exports[k++] = y;
		i = j - 1;
	}
	s->n_exports = k;
	return 0;
}

static int fill_summary(struct gctx *c, struct xsummary *s)
{
	const struct xgraph *g = c->g;
	s->nw = g->nw;
	struct setbuild b = {.s = s};
	uint64_t *tmp = calloc(s->nw, 8);
	int rc = tmp ? copy_items(c->o, s) : -ENOMEM;
	if (rc == 0)
		rc = exports(c, &b, tmp);
	if (rc == 0) {
		s->init = add_set(&b, &g->tot[(size_t)g->scc[ROOT_INIT(g)] * g->nw]);
		/* all: what a library loaded with dlopen may run (every export and
		 * its constructors; not its entry point) */
		memset(tmp, 0, s->nw * 8);
		for (size_t i = 0; i < s->n_sets; i++)
			for (size_t w = 0; w < s->nw; w++)
				tmp[w] |= s->sets[i * s->nw + w];
		s->all = add_set(&b, tmp);
		s->entry = add_set(&b, &g->tot[(size_t)g->scc[ROOT_ENTRY(g)] * g->nw]);
		if (s->init == XT_NONE || s->entry == XT_NONE || s->all == XT_NONE)
			rc = -ENOMEM;
	}
	free(tmp);
	free(b.hash);
	return rc;
}

int xobj_summarize(struct xobj *o, struct xsummary *s, struct xgraph **keep)
{
	struct xgraph *g = calloc(1, sizeof *g);
	struct gctx c = {.o = o, .g = g, .imp_item = malloc((o->n_imports + 1) * sizeof *c.imp_item)};
	if (c.imp_item)
		memset(c.imp_item, 0xff, (o->n_imports + 1) * sizeof *c.imp_item);
	int rc = g && c.imp_item ? build_graph(&c) : -ENOMEM;
	if (rc == 0)
		rc = components(g, o->n_items);
	if (rc == 0)
		rc = fill_summary(&c, s);
	free(c.edges);
	free(c.items);
	free(c.data);
	free(c.imp_item);
	free(c.tab);
	free(c.named);
	if (rc == 0 && keep)
		*keep = g;
	else
		xgraph_free(g);
	return rc;
}

bool xset_has(const struct xsummary *s, uint32_t set, size_t it)
{
	if (set >= s->n_sets || it >= s->n_items)
		return false;
	return s->sets[set * s->nw + it / 64] >> (it % 64) & 1;
}

/* ---- one chain, for explain ------------------------------------------------- */

static void node_name(const struct xgraph *g, const struct xobj *o, uint32_t v, struct sk_sb *sb)
{
	char nb[64];
	if (v < g->nf)
		sk_sb_adds(sb, xobj_func_name(o, v, nb, sizeof nb));
	else if (v < g->nf + g->nc)
		sk_sb_addf(sb, "(data at 0x%llx)",
			   (unsigned long long)g->chunk[v - g->nf].start);
	else
		sk_sb_adds(sb, v == ROOT_INIT(g) ? "(load: constructors, IFUNC resolvers)" : "(entry)");
}

/* The path a search found, from where it started (a node its own parent) to
 * END, as " -> "-separated names; with ENDS, only the first and last ENDS
 * hops of a longer one, the middle counted. SCRATCH holds a node per hop.
 * Returns how many of the hops are data. */
static size_t print_path(const struct xgraph *g, const struct xobj *o, const uint32_t *parent,
			 uint32_t end, uint32_t *scratch, size_t ends, struct sk_sb *sb)
{
	size_t len = 0, data = 0;
	for (uint32_t v = end;; v = parent[v]) { /* backwards, then printed forwards */
		scratch[len++] = v;
		data += v >= g->nf && v < g->nf + g->nc;
		if (parent[v] == v)
			break;
	}
	bool cut = ends && len > 2 * ends;
	for (size_t i = len; i-- > 0;) {
		size_t at = len - 1 - i; /* hops printed before this one */
		if (cut && at == ends)
			sk_sb_addf(sb, " -> (%zu more)", len - 2 * ends);
		if (cut && at >= ends && i >= ends)
			continue;
		if (at)
			sk_sb_adds(sb, " -> ");
		node_name(g, o, scratch[i], sb);
	}
	return data;
}

static bool owns(const struct xgraph *g, uint32_t v, size_t it)
{
	for (uint32_t k = g->ifirst[v]; k < g->ifirst[v + 1]; k++)
		if (g->item[k] == it)
			return true;
	return false;
}

/* The nodes a chain starts from. */
static int starts(const struct xgraph *g, const struct xobj *o, enum xstart how, const char *name,
		  uint32_t *queue, size_t *n, uint32_t *parent)
{
	struct gctx c = {.o = (struct xobj *)o, .g = (struct xgraph *)g};
	if (how == XS_ENTRY || how == XS_INIT) {
		uint32_t r = how == XS_ENTRY ? ROOT_ENTRY(g) : ROOT_INIT(g);
		queue[(*n)++] = r;
		parent[r] = r;
		return 0;
	}
	for (size_t i = 0; i < o->elf.n_dynsyms; i++) {
		const struct xsym *y = &o->elf.dynsyms[i];
		if (!exported(o, y) || (how == XS_EXPORT && strcmp(y->name, name)))
			continue;
		uint32_t v = node_at(&c, y->value);
		if (v != XT_NONE && parent[v] == XT_NONE) {
			parent[v] = v;
			queue[(*n)++] = v;
		}
	}
	if (how == XS_ALL && parent[ROOT_INIT(g)] == XT_NONE) {
		parent[ROOT_INIT(g)] = ROOT_INIT(g);
		queue[(*n)++] = ROOT_INIT(g);
	}
	return 0;
}

int xgraph_chain(const struct xgraph *g, const struct xobj *o, enum xstart how, const char *name,
		 size_t it, struct sk_sb *sb)
{
	uint32_t *parent = malloc(g->nn * sizeof *parent), *queue = malloc(g->nn * sizeof *queue);
	if (!parent || !queue) {
		free(parent);
		free(queue);
		return -ENOMEM;
	}
	memset(parent, 0xff, g->nn * sizeof *parent);
	size_t n = 0, head = 0;
	starts(g, o, how, name, queue, &n, parent);
	uint32_t hit = XT_NONE;
	while (head < n && hit == XT_NONE) {
		uint32_t v = queue[head++];
		if (owns(g, v, it)) {
			hit = v;
			break;
		}
		for (uint32_t k = g->efirst[v]; k < g->efirst[v + 1]; k++)
			if (parent[g->edge[k]] == XT_NONE) {
				parent[g->edge[k]] = v;
				queue[n++] = g->edge[k];
			}
	}
	if (hit != XT_NONE)
		print_path(g, o, parent, hit, queue, 0, sb);
	free(parent);
	free(queue);
	return hit == XT_NONE ? 1 : 0;
}
