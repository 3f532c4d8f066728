/* SPDX-License-Identifier: Apache-2.0 */
/* Decision ranges -> classic BPF.
 *
 * Layout: load arch, one JEQ per audit arch (the host's first), then per arch:
 * load nr, an optimal weighted binary search over the ranges (JGE K), whose
 * leaves test up to two single numbers by JEQ K and end in return
 * instructions or argument-check blocks. A syscall that needs no argument
 * therefore reaches its RET through loads of arch and nr and JEQ/JGE only: the
 * kernel's action cache can prove it (seccomp_cache_prepare).
 *
 * The program is emitted backwards (last instruction first), so every jump
 * target already has its place: an instruction's id is the number of
 * instructions emitted before it, and a jump from id A to id T skips A-T-1.
 * Jumps farther than 255 go through a JA trampoline, shared while in reach;
 * return instructions are shared while in reach and repeated otherwise (a
 * repeated RET costs length, a trampoline costs time).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/seccomp.h>

#include "compile_internal.h"

#define MAX_JUMP 255u

struct emitter {
	struct sock_filter *insn; /* in emission order: insn[0] is the last */
	int32_t *origin;
	size_t n, cap_insn, cap_origin, cap_tramp;
	bool oom;
	/* sharing: last RET per (ret, origin), last JA per target */
	struct {
		uint32_t ret;
		int32_t origin;
		size_t id;
	} *rets;
	size_t n_rets, cap_rets;
	size_t *tramp; /* tramp[target] = id of a JA to target, or SIZE_MAX */
};

static size_t put(struct emitter *e, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k,
		  int32_t origin)
{
	/* three arrays indexed alike: insn leaves as the program, origin with it */
	if (SK_GROW(e->insn, e->cap_insn, e->n) < 0 || SK_GROW(e->origin, e->cap_origin, e->n) < 0 ||
	    SK_GROW(e->tramp, e->cap_tramp, e->n) < 0) {
		e->oom = true;
		return e->n ? e->n - 1 : 0;
	}
	e->insn[e->n] = (struct sock_filter){code, jt, jf, k};
	e->origin[e->n] = origin;
	e->tramp[e->n] = SIZE_MAX;
	return e->n++;
}

/* Distance a jump emitted now would need to reach T. */
static size_t dist(const struct emitter *e, size_t t)
{
	return e->n - t - 1;
}

/* Jump threading: a jump to an unconditional JA goes to its target instead
 * when that is in reach. */
static size_t thread(const struct emitter *e, size_t t)
{
	while (t < e->n && e->insn[t].code == (BPF_JMP | BPF_JA)) {
		size_t to = t - e->insn[t].k - 1;
		if (dist(e, to) > MAX_JUMP)
			break;
		t = to;
	}
	return t;
}

/* An instruction id from which a jump emitted next reaches T. */
static size_t reach(struct emitter *e, size_t t)
{
	if (dist(e, t) <= MAX_JUMP)
		return t;
	if (e->tramp[t] != SIZE_MAX && dist(e, e->tramp[t]) <= MAX_JUMP)
		return e->tramp[t];
	size_t id = put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)dist(e, t), SK_ORIGIN_NONE);
	e->tramp[t] = id;
	return id;
}

static size_t ja(struct emitter *e, size_t t)
{
	return put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)dist(e, t), SK_ORIGIN_NONE);
}

/* Conditional jump; no instruction when both targets agree. */
static size_t jcond(struct emitter *e, uint16_t op, uint32_t k, size_t tt, size_t tf)
{
	tt = thread(e, tt);
	tf = thread(e, tf);
	if (tt == tf)
		return tt;
	/* each trampoline moves the other target one further: repeat until both
	 * are in reach (at most three rounds) */
	while (dist(e, tt) > MAX_JUMP || dist(e, tf) > MAX_JUMP) {
		if (dist(e, tt) > MAX_JUMP)
			tt = reach(e, tt);
		if (dist(e, tf) > MAX_JUMP)
			tf = reach(e, tf);
	}
	return put(e, BPF_JMP | op | BPF_K, (uint8_t)dist(e, tt), (uint8_t)dist(e, tf), k,
		   SK_ORIGIN_NONE);
}

/* A straight-line instruction falling through to NEXT. */
static size_t seq(struct emitter *e, uint16_t code, uint32_t k, size_t next)
{
	if (e->n == 0 || next != e->n - 1)
		ja(e, next);
	return put(e, code, 0, 0, k, SK_ORIGIN_NONE);
}

static size_t ret(struct emitter *e, uint32_t r, int32_t origin)
{
	for (size_t i = e->n_rets; i-- > 0;)
		if (e->rets[i].ret == r && e->rets[i].origin == origin &&
		    dist(e, e->rets[i].id) <= MAX_JUMP)
			return e->rets[i].id;
	size_t id = put(e, BPF_RET | BPF_K, 0, 0, r, origin);
	if (SK_GROW(e->rets, e->cap_rets, e->n_rets) < 0) {
		e->oom = true;
		return id;
	}
	e->rets[e->n_rets].ret = r;
	e->rets[e->n_rets].origin = origin;
	e->rets[e->n_rets].id = id;
	e->n_rets++;
	return id;
}

/* ---- argument checks ----------------------------------------------------- */

static uint32_t word_off(const struct ck_group *g, unsigned index, bool hi)
{
	return 16 + 8 * index + ((hi != g->big_endian) ? 4 : 0);
}

static size_t load(struct emitter *e, uint32_t off, size_t next)
{
	return seq(e, BPF_LD | BPF_W | BPF_ABS, off, next);
}

/* A jump to T when A already holds word OFF: past T's load of OFF. */
static size_t loaded(const struct emitter *e, size_t t, uint32_t off)
{
	if (t < e->n && t > 0 && e->insn[t].code == (BPF_LD | BPF_W | BPF_ABS) &&
	    e->insn[t].k == off)
		return t - 1;
	return t;
}

/* One word test of a chain: (word & mask) OP datum, or its negation. */
static size_t emit_cmp(struct emitter *e, const struct ck_group *g, const struct ck_cmp *c,
		       size_t pass, size_t fail)
{
	size_t t = c->neg ? fail : pass, f = c->neg ? pass : fail;
	if (c->wide) {
		uint32_t hi = (uint32_t)(c->value >> 32), lo = (uint32_t)c->value;
		uint32_t ohi = word_off(g, c->index, true), olo = word_off(g, c->index, false);
		size_t l, m;
		if (c->op == SK_OP_NE) {
			l = load(e, olo, jcond(e, BPF_JEQ, lo, loaded(e, f, olo), loaded(e, t, olo)));
			return load(e, ohi, jcond(e, BPF_JEQ, hi, l, loaded(e, t, ohi)));
		}
		/* LT = !GE and LE = !GT */
		bool inv = c->op == SK_OP_LT || c->op == SK_OP_LE;
		bool ge = c->op == SK_OP_GE || c->op == SK_OP_LT;
		size_t yes = inv ? f : t, no = inv ? t : f;
		l = load(e, olo, jcond(e, ge ? BPF_JGE : BPF_JGT, lo, loaded(e, yes, olo),
				       loaded(e, no, olo)));
		m = jcond(e, BPF_JEQ, hi, l, loaded(e, no, ohi));  /* hi == v.hi: decide on lo */
		m = jcond(e, BPF_JGT, hi, loaded(e, yes, ohi), m); /* hi > v.hi */
		return load(e, ohi, m);
	}
	uint32_t off = word_off(g, c->index, c->hi && g->bits64);
	if (c->mask == 0) { /* the word does not matter: a constant */
		/* (w & 0) is 0: GT 0 never holds, GE 0 always, EQ when datum is 0 */
		bool holds = c->op == SK_OP_GE || (c->op != SK_OP_GT && c->datum == 0);
		return holds ? t : f;
	}
	size_t j;
	if (c->mask == UINT32_MAX) { /* A keeps the word: a next load of it is moot */
		t = loaded(e, t, off);
		f = loaded(e, f, off);
	}
	switch (c->op) {
	case SK_OP_GT: j = jcond(e, BPF_JGT, c->datum, t, f); break;
	case SK_OP_GE: j = jcond(e, BPF_JGE, c->datum, t, f); break;
	default: j = jcond(e, BPF_JEQ, c->datum, t, f); break; /* EQ, MASKED_EQ */
	}
	if (c->mask != UINT32_MAX)
		j = seq(e, BPF_ALU | BPF_AND | BPF_K, c->mask, j);
	return load(e, off, j);
}

static bool cmp_same(const struct ck_cmp *x, const struct ck_cmp *y)
{
	return x->index == y->index && x->hi == y->hi && x->op == y->op && x->mask == y->mask &&
	       x->datum == y->datum && x->wide == y->wide && x->value == y->value;
}

/* Where to go when test J of chain C fails. Chains come from libseccomp's
 * tree, so neighbours share prefixes: a later chain with the same first J
 * tests and the same test J fails as well (skip it); one with test J negated
 * holds from J on (enter it after J). Otherwise the next chain, entered
 * after the tests it shares with C (they hold). */
static size_t fail_target(const struct ck_decision *d, size_t **at, size_t c, size_t j,
			  size_t fallback)
{
	const struct ck_chain *ch = &d->chains[c];
	for (size_t k = c + 1; k < d->n_chains; k++) {
		const struct ck_chain *o = &d->chains[k];
		size_t p = 0;
		while (p < j && p < o->n && cmp_same(&ch->cmps[p], &o->cmps[p]) &&
		       ch->cmps[p].neg == o->cmps[p].neg)
			p++;
		if (p < j || j >= o->n || !cmp_same(&ch->cmps[j], &o->cmps[j]))
			return at[k][p]; /* its first P tests are known to hold */
		if (ch->cmps[j].neg == o->cmps[j].neg)
			continue; /* fails there too */
		return at[k][j + 1];
	}
	return fallback;
}

/* The block of a decision with argument checks: chains in order, then the
 * fallback. Returns its entry. */
static size_t emit_decision(struct emitter *e, const struct ck_group *g, const struct ck_decision *d)
{
	size_t fallback = ret(e, d->ret, d->origin);
	size_t **at = calloc(d->n_chains ? d->n_chains : 1, sizeof *at);
	if (!at) {
		e->oom = true;
		return fallback;
	}
	size_t entry = fallback;
	for (size_t c = d->n_chains; c-- > 0;) {
		const struct ck_chain *ch = &d->chains[c];
		at[c] = malloc((ch->n + 1) * sizeof **at);
		if (!at[c]) {
			e->oom = true;
			break;
		}
		at[c][ch->n] = ret(e, ch->ret, ch->origin);
		for (size_t j = ch->n; j-- > 0;)
			at[c][j] = emit_cmp(e, g, &ch->cmps[j], at[c][j + 1],
					    fail_target(d, at, c, j, fallback));
		entry = at[c][0];
	}
	for (size_t c = 0; c < d->n_chains; c++)
		free(at[c]);
	free(at);
	return entry;
}

/* ---- the search tree ------------------------------------------------------ */

/* Expected-call weight of numbers LO..HI: the numbers programs use are the
 * ones near the table (every syscall table starts at its arch's base, x32 at
 * the x32 bit); far numbers get a token weight so they stay reachable. */
static double weight(uint32_t lo, uint32_t hi, const uint32_t *wlo, const uint32_t *whi, size_t nw)
{
	double w = 0.001;
	for (size_t i = 0; i < nw; i++) {
		uint32_t a = lo > wlo[i] ? lo : wlo[i], b = hi < whi[i] ? hi : whi[i];
		if (a <= b)
			w += (double)(b - a) + 1;
	}
	return w;
}

/* A leaf of the search tree: ranges FIRST..LAST, all of decision BG but for
 * up to MAX_POINTS single numbers between them (ranges FIRST+1, FIRST+3, ...).
 * A JEQ per such number costs one instruction where splitting it off by
 * JGE costs two, and it runs no slower: an allow-list's isolated calls
 * among denied numbers are most of a small profile's ranges. */
#define MAX_POINTS 2
struct seg {
	size_t first, last;
	size_t n_points;
};

/* Ranges -> leaves, greedily from the left. Returns the count. */
static size_t segment(const struct ck_range *r, size_t n, struct seg *out)
{
	size_t n_seg = 0;
	for (size_t i = 0; i < n; i++) {
		struct seg sg = {i, i, 0};
		while (sg.n_points < MAX_POINTS && i + 2 < n && r[i + 1].lo == r[i + 1].hi &&
		       r[i + 2].decision == r[sg.first].decision) {
			sg.n_points++;
			i += 2;
		}
		sg.last = i;
		out[n_seg++] = sg;
	}
	return n_seg;
}

struct tree {
	size_t n;
	double *w;     /* prefix sums of weights: w[i] = sum of ranges < i */
	double *cost;  /* cost[i*n+j] for ranges i..j */
	size_t *root;  /* root[i*n+j]: the left part is i..root */
};

/* Optimal alphabetic tree by dynamic programming with Knuth's bound on the
 * split (root[i][j-1] <= root[i][j] <= root[i+1][j]): O(n^2). */
/* Extra weight of a number whose decision checks arguments: such calls
 * (clone, ioctl, socket, ...) are frequent and never in the kernel's action
 * cache, so they sit near the root instead of among the rare numbers. */
#define HOT_WEIGHT 32.0

static int tree_build(struct tree *t, const struct ck_model *m, const struct ck_range *r,
		      const struct seg *s, size_t n, const uint32_t *wlo, const uint32_t *whi,
		      size_t nw)
{
	t->n = n;
	t->w = malloc((n + 1) * sizeof *t->w);
	t->cost = malloc(n * n * sizeof *t->cost);
	t->root = malloc(n * n * sizeof *t->root);
	if (!t->w || !t->cost || !t->root)
		return -ENOMEM;
	t->w[0] = 0;
	for (size_t i = 0; i < n; i++) {
		double w = weight(r[s[i].first].lo, r[s[i].last].hi, wlo, whi, nw);
		for (size_t k = s[i].first; k <= s[i].last; k++) {
			const struct ck_decision *d = &m->decisions[r[k].decision];
			if (d->owned && d->n_chains)
				w += HOT_WEIGHT;
		}
		t->w[i + 1] = t->w[i] + w;
	}
	for (size_t i = 0; i < n; i++) {
		t->cost[i * n + i] = 0;
		t->root[i * n + i] = i;
	}
	for (size_t len = 2; len <= n; len++) {
		for (size_t i = 0; i + len <= n; i++) {
			size_t j = i + len - 1;
			size_t lo = len == 2 ? i : t->root[i * n + j - 1];
			size_t hi = len == 2 ? i : t->root[(i + 1) * n + j];
			if (hi > j - 1)
				hi = j - 1;
			if (lo < i)
				lo = i;
			double best = -1;
			size_t bk = lo;
			for (size_t k = lo; k <= hi; k++) {
				double c = t->cost[i * n + k] + t->cost[(k + 1) * n + j];
				if (best < 0 || c < best) {
					best = c;
					bk = k;
				}
			}
			t->cost[i * n + j] = best + (t->w[j + 1] - t->w[i]);
			t->root[i * n + j] = bk;
		}
	}
	return 0;
}

static void tree_free(struct tree *t)
{
	free(t->w);
	free(t->cost);
	free(t->root);
}

struct gen {
	struct emitter *e;
	const struct ck_model *m;
	const struct ck_group *g;
	size_t *block;  /* per decision: entry id of its argument block, or SIZE_MAX */
	struct seg *seg;
	size_t n_seg;
	struct tree t;
	bool big;       /* too many ranges for the quadratic table: halve by count */
};

static size_t leaf(struct gen *G, size_t d)
{
	const struct ck_decision *dec = &G->m->decisions[d];
	if (!dec->owned)
		return ret(G->e, sk_action_to_ret(SK_ACT_ALLOW, 0), SK_ORIGIN_PASS);
	if (!dec->n_chains)
		return ret(G->e, dec->ret, dec->origin);
	return G->block[d];
}

/* A segment: its single numbers by JEQ, in order, then its background. */
static size_t emit_seg(struct gen *G, const struct seg *sg)
{
	const struct ck_range *r = G->g->ranges;
	size_t at = leaf(G, r[sg->first].decision);
	for (size_t p = sg->last; p > sg->first; p -= 2)
		at = jcond(G->e, BPF_JEQ, r[p - 1].lo, leaf(G, r[p - 1].decision), at);
	return at;
}

static size_t emit_tree(struct gen *G, size_t i, size_t j)
{
	const struct ck_range *r = G->g->ranges;
	if (i == j)
		return emit_seg(G, &G->seg[i]);
	size_t k = G->big ? i + (j - i) / 2 : G->t.root[i * G->t.n + j];
	size_t right = emit_tree(G, k + 1, j);
	size_t left = emit_tree(G, i, k);
	return jcond(G->e, BPF_JGE, r[G->seg[k + 1].first].lo, right, left);
}

#define BIG_TREE 3000 /* ranges; beyond, the DP table would be too large */

static int emit_group(struct emitter *e, const struct ck_model *m, const struct ck_group *g,
		      size_t *entry)
{
	struct gen G = {.e = e, .m = m, .g = g};
	G.block = malloc((m->n_decisions ? m->n_decisions : 1) * sizeof *G.block);
	G.seg = malloc((g->n_ranges ? g->n_ranges : 1) * sizeof *G.seg);
	if (!G.block || !G.seg) {
		free(G.block);
		free(G.seg);
		return -ENOMEM;
	}
	G.n_seg = segment(g->ranges, g->n_ranges, G.seg);
	for (size_t d = 0; d < m->n_decisions; d++)
		G.block[d] = SIZE_MAX;
	/* argument blocks first (they end up after the tree) */
	for (size_t i = 0; i < g->n_ranges; i++) {
		size_t d = g->ranges[i].decision;
		const struct ck_decision *dec = &m->decisions[d];
		if (dec->owned && dec->n_chains && G.block[d] == SIZE_MAX)
			G.block[d] = emit_decision(e, g, dec);
	}
	uint32_t base = 0;
	const char *name;
	int64_t first;
	if (sk_syscall_at(g->arch, 0, &name, &first) && first > 0)
		base = (uint32_t)first;
	uint32_t wlo[2] = {base, SK_X32_SYSCALL_BIT}, whi[2] = {base + 511, SK_X32_SYSCALL_BIT + 1023};
	size_t nw = g->audit_arch == sk_arch_info(SK_ARCH_X86_64)->audit_arch ? 2 : 1;
	G.big = G.n_seg > BIG_TREE;
	if (!G.big && tree_build(&G.t, m, g->ranges, G.seg, G.n_seg, wlo, whi, nw) < 0) {
		tree_free(&G.t);
		free(G.block);
		free(G.seg);
		return -ENOMEM;
	}
	size_t root = emit_tree(&G, 0, G.n_seg - 1);
	*entry = load(e, offsetof(struct seccomp_data, nr), root);
	tree_free(&G.t);
	free(G.block);
	free(G.seg);
	return e->oom ? -ENOMEM : 0;
}

int ck_generate(const struct ck_model *m, struct sk_bpf_prog *out)
{
	struct emitter e = {0};
	size_t *entry = calloc(m->n_groups ? m->n_groups : 1, sizeof *entry);
	int rc = entry ? 0 : -ENOMEM;
	/* groups in reverse so that the first (the host's) comes right after
	 * the dispatch */
	for (size_t i = m->n_groups; i-- > 0 && !rc;)
		rc = emit_group(&e, m, &m->groups[i], &entry[i]);
	if (!rc) {
		size_t at = ret(&e, m->bad_arch_ret, SK_ORIGIN_BADARCH);
		for (size_t i = m->n_groups; i-- > 0;)
			at = jcond(&e, BPF_JEQ, m->groups[i].audit_arch, entry[i], at);
		load(&e, offsetof(struct seccomp_data, arch), at);
		if (e.oom)
			rc = -ENOMEM;
	}
	free(entry);
	free(e.rets);
	free(e.tramp);
	if (rc) {
		free(e.insn);
		free(e.origin);
		return rc;
	}
	/* reverse into program order; offsets are relative, so they hold */
	for (size_t i = 0, j = e.n - 1; i < j; i++, j--) {
		struct sock_filter t = e.insn[i];
		e.insn[i] = e.insn[j];
		e.insn[j] = t;
		int32_t o = e.origin[i];
		e.origin[i] = e.origin[j];
		e.origin[j] = o;
	}
	out->insns = e.insn;
	out->origin = e.origin;
	out->len = e.n;
	return 0;
}
