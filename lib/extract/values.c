/* SPDX-License-Identifier: Apache-2.0 */
/* The abstract values of the value analysis and their joins (values.h says
 * what they mean). Everything here is pure and small: flow.c calls it once
 * per instruction. */
#include "values.h"

#include <string.h>

struct aval v_top(void)
{
	return (struct aval){.k = V_TOP};
}

struct aval v_const(uint32_t c)
{
	return (struct aval){.k = V_VAL, .n = 1, .c = {c}};
}

struct aval v_param(unsigned loc)
{
	return (struct aval){.k = V_VAL, .pm = loc < 32 ? 1u << loc : 0};
}

struct aval v_stk(int32_t off)
{
	if (off < -XSTK_MAX || off > XSTK_MAX)
		return v_top(); /* no frame is that large: a hostile file's arithmetic */
	return (struct aval){.k = V_STK, .c = {(uint32_t)off}};
}

bool v_eq(const struct aval *a, const struct aval *b)
{
	if (a->k != b->k)
		return false;
	if (a->k == V_STK)
		return a->c[0] == b->c[0];
	if (a->k != V_VAL)
		return true;
	return a->pm == b->pm && a->n == b->n && !memcmp(a->c, b->c, a->n * sizeof a->c[0]);
}

/* Add C to the sorted set in V; false when it is full. */
static bool add_const(struct aval *v, uint32_t c)
{
	unsigned i = 0;
	while (i < v->n && v->c[i] < c)
		i++;
	if (i < v->n && v->c[i] == c)
		return true;
	if (v->n == XV_MAXC)
		return false;
	memmove(&v->c[i + 1], &v->c[i], (v->n - i) * sizeof v->c[0]);
	v->c[i] = c;
	v->n++;
	return true;
}

struct aval v_join(const struct aval *a, const struct aval *b)
{
	if (a->k == V_BOT)
		return *b;
	if (b->k == V_BOT)
		return *a;
	if (a->k == V_TOP || b->k == V_TOP || a->k != b->k)
		return v_top();
	if (a->k == V_STK)
		return a->c[0] == b->c[0] ? *a : v_top();
	struct aval r = *a;
	r.pm |= b->pm;
	for (unsigned i = 0; i < b->n; i++)
		if (!add_const(&r, b->c[i]))
			return v_top();
	return r;
}

static uint32_t mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
}

struct aval v_view(const struct aval *v, unsigned size)
{
	if (v->k == V_STK)
		return size == 8 ? *v : v_top();
	if (v->k != V_VAL || size >= 4)
		return *v;
	if (v->pm)
		return v_top(); /* a parameter cut to 8 or 16 bits is another number */
	struct aval r = {.k = V_VAL};
	for (unsigned i = 0; i < v->n; i++)
		add_const(&r, v->c[i] & mask(size));
	return r;
}

static uint32_t apply(uint8_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case XO_ADD: return a + b;
	case XO_SUB: return a - b;
	case XO_XOR: return a ^ b;
	case XO_AND: return a & b;
	case XO_OR: return a | b;
	case XO_SHL: return b < 32 ? a << b : 0;
	default: return 0;
	}
}

struct aval v_arith(const struct aval *a, const struct aval *b, uint8_t op)
{
	if (a->k != V_VAL || b->k != V_VAL || a->pm || b->pm || !a->n || !b->n)
		return v_top();
	struct aval r = {.k = V_VAL};
	for (unsigned i = 0; i < a->n; i++)
		for (unsigned j = 0; j < b->n; j++)
			if (!add_const(&r, apply(op, a->c[i], b->c[j] & (op == XO_SHL ? 63 : ~0u))))
				return v_top();
	return r;
}

struct aval v_extend(const struct aval *v, unsigned from, bool sign)
{
	if (v->k != V_VAL)
		return v->k == V_BOT ? *v : v_top();
	if (from >= 4)
		return *v;
	if (v->pm)
		return v_top();
	struct aval r = {.k = V_VAL};
	for (unsigned i = 0; i < v->n; i++) {
		uint32_t c = v->c[i] & mask(from);
		if (sign && (c & ((mask(from) >> 1) + 1)))
			c |= ~mask(from);
		add_const(&r, c);
	}
	return r;
}

/* ---- states ------------------------------------------------------------ */

void st_entry(struct astate *s)
{
	memset(s, 0, sizeof *s);
	s->reached = true;
	for (unsigned r = 0; r < XR_COUNT; r++)
		s->r[r] = v_param(r);
	s->r[XR_SP] = v_stk(0);
}

void st_unknown(struct astate *s)
{
	memset(s, 0, sizeof *s);
	s->reached = true;
	s->lost = true;
	for (unsigned r = 0; r < XR_COUNT; r++)
		s->r[r] = v_top();
}

/* A slot of the caller's frame that holds parameter K. */
static bool param_slot(int32_t off, unsigned *k)
{
	if (off < 8 || off % 8)
		return false;
	*k = (unsigned)(off / 8 - 1);
	return *k < XL_NSTACK;
}

static int find(const struct astate *s, int32_t off)
{
	for (unsigned i = 0; i < s->ns; i++)
		if (s->s[i].off == off)
			return (int)i;
	return -1;
}

struct aval st_load(const struct astate *s, int32_t off, unsigned size)
{
	int i = find(s, off);
	if (i >= 0)
		return v_view(&s->s[i].v, size);
	for (unsigned j = 0; j < s->ns; j++) /* a write that overlaps only in part */
		if (s->s[j].off > off - 8 && s->s[j].off < off + (int32_t)(size ? size : 8))
			return v_top();
	unsigned k;
	if (!s->lost && param_slot(off, &k))
		return v_view(&(struct aval){.k = V_VAL, .pm = 1u << (XL_STACK0 + k)}, size);
	return v_top();
}

void st_forget(struct astate *s, int64_t lo, int64_t hi)
{
	unsigned k = 0;
	for (unsigned i = 0; i < s->ns; i++) {
		/* a forgotten parameter slot must read TOP, not the parameter */
		unsigned p;
		if (s->s[i].off + 8 > lo && s->s[i].off < hi) {
			if (!param_slot(s->s[i].off, &p))
				continue;
			s->s[i].v = v_top();
		}
		s->s[k++] = s->s[i];
	}
	s->ns = (uint8_t)k;
	/* parameter slots never written read as the parameter: make them TOP */
	for (int64_t off = lo <= 8 ? 8 : lo / 8 * 8; off < hi && off < 8 * (XL_NSTACK + 1);
	     off += 8) {
		if (find(s, (int32_t)off) >= 0)
			continue;
		if (s->ns < XV_NSLOT)
			s->s[s->ns++] = (struct aslot){(int32_t)off, v_top()};
		else
			s->lost = true;
	}
}

/* Room for one more slot: the oldest local (a slot below the entry) goes
 * first, its absence reads TOP as its value would; only when none is left
 * does a parameter slot go, and then every absent slot reads TOP. */
static void make_room(struct astate *s)
{
	unsigned victim = 0, p;
	while (victim < s->ns && param_slot(s->s[victim].off, &p))
		victim++;
	if (victim == s->ns) {
		victim = 0;
		s->lost = true;
	}
	memmove(&s->s[victim], &s->s[victim + 1], (s->ns - victim - 1) * sizeof s->s[0]);
	s->ns--;
}

void st_store(struct astate *s, int32_t off, unsigned size, const struct aval *v)
{
	unsigned p;
	if (!size)
		size = 8;
	st_forget(s, off, (int64_t)off + size);
	struct aval w = size >= 4 ? *v : v_top();
	int i = find(s, off);
	if (i >= 0) {
		s->s[i].v = w;
		return;
	}
	if (w.k == V_TOP && !param_slot(off, &p))
		return; /* an absent local reads TOP anyway */
	if (s->ns == XV_NSLOT)
		make_room(s);
	s->s[s->ns++] = (struct aslot){off, w};
}

bool st_join(struct astate *dst, const struct astate *src)
{
	if (!src->reached)
		return false;
	if (!dst->reached) {
		*dst = *src;
		return true;
	}
	struct astate old = *dst, r = {.reached = true, .lost = dst->lost || src->lost};
	for (unsigned i = 0; i < XR_COUNT; i++)
		r.r[i] = v_join(&dst->r[i], &src->r[i]);
	const struct astate *both[2] = {dst, src};
	for (int side = 0; side < 2; side++)
		for (unsigned i = 0; i < both[side]->ns; i++) {
			int32_t off = both[side]->s[i].off;
			if (find(&r, off) >= 0)
				continue;
			struct aval a = st_load(dst, off, 8), b = st_load(src, off, 8);
			struct aval j = v_join(&a, &b);
			unsigned k;
			if (j.k == V_TOP && (off < 0 || r.lost || !param_slot(off, &k)))
				continue; /* absent reads TOP anyway */
			if (r.ns == XV_NSLOT) {
				r.lost = true;
				continue;
			}
			r.s[r.ns++] = (struct aslot){off, j};
		}
	*dst = r;
	if (old.lost != r.lost || old.ns != r.ns)
		return true;
	for (unsigned i = 0; i < XR_COUNT; i++)
		if (!v_eq(&old.r[i], &r.r[i]))
			return true;
	for (unsigned i = 0; i < r.ns; i++) {
		int j = find(&old, r.s[i].off);
		if (j < 0 || !v_eq(&old.s[j].v, &r.s[i].v))
			return true;
	}
	return false;
}
