/* SPDX-License-Identifier: Apache-2.0 */
/* libseccomp 2.5.4's rule database, reproduced for its semantics.
 *
 * runc hands libseccomp one rule per (syscall name, rule), in profile order.
 * libseccomp does not keep rules in that order: per syscall it merges them
 * into a tree of 32-bit word comparisons (src/db.c) and the BPF it generates
 * walks that tree. The decision a call gets therefore depends on the tree's
 * shape, which this file rebuilds with the same rules:
 *
 * - each argument condition becomes word nodes: on 64-bit arches EQ, NE and
 *   MASKED_EQ a high-word node then a low-word node; GT, GE, LT and LE a
 *   "high word greater" node, a "high word equal" node and a low-word node;
 *   on 32-bit arches one low-word node (NE, LT, LE become EQ, GE, GT with the
 *   action on the false branch). Conditions are taken in argument order, not
 *   in the order the profile lists them;
 * - the nodes of one level are kept sorted (argument, high before low word,
 *   EQ/NE/MASKED_EQ before LT/LE before GT/GE, then by value: larger first
 *   for GT/GE/EQ, smaller first for LT/LE), equal nodes are shared;
 * - evaluation tries the nodes of a level in that order; a node's true (or
 *   false) side either has an action, a next level, or nothing, in which case
 *   evaluation continues with the node's next sibling, and after the last
 *   sibling with the parent's next sibling; when nothing decides, the default
 *   action applies;
 * - an unconditional rule replaces every conditional one for its syscall, and
 *   conditional rules added after an unconditional one are dropped; the first
 *   unconditional rule stays;
 * - a rule whose chain is a prefix of an existing one with the same action
 *   replaces the longer one; a longer one is dropped;
 * - two rules reaching the same comparison leaf with different actions are a
 *   conflict: libseccomp returns -EEXIST and runc refuses the profile. Where
 *   a high-word GT node is shared, the action of the rule with the larger
 *   full 64-bit value is kept on its true side.
 *
 * The tree here is our own; what is reproduced is how libseccomp's insertion,
 * pruning and evaluation behave, including the node sharing that makes
 * changes through one path visible on another. The result is flattened into
 * ordered chains of word tests (first match wins), which is exactly how the
 * tree evaluates: depth first, true side before false side before sibling.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

struct node {
	unsigned arg;
	bool hi;
	enum sk_op op;      /* EQ, GT, GE, MASKED_EQ */
	enum sk_op op_orig; /* the rule's op: orders the level */
	uint32_t mask, datum;
	uint64_t datum_full;
	bool has_t, has_f;
	uint32_t act_t, act_f;
	int32_t org_t, org_f;
	struct node *prev, *next; /* siblings on the level */
	struct node *nt, *nf;     /* next level on true / false */
	unsigned ref;
	struct node *all; /* arena list */
	struct ck_db *db; /* owner: its step budget */
};

struct sys {
	int64_t nr;
	struct node *chains;
	uint32_t action;
	int32_t origin;
};

struct ck_db {
	bool bits64;
	struct node *all;
	bool oom;
	struct sys *sys;
	size_t n_sys, cap_sys;
	size_t *slot; /* open addressing on nr: index into sys + 1, 0 = empty */
	size_t n_slot;  /* a power of two, at least twice cap_sys */
	unsigned long steps; /* walked so far: see over() */
	bool looped;
};

static struct node *node_new(struct ck_db *db)
{
	struct node *n = calloc(1, sizeof *n);
	if (!n) {
		db->oom = true;
		return NULL;
	}
	n->all = db->all;
	n->db = db;
	db->all = n;
	return n;
}

/* libseccomp 2.5.4's tree code never finishes on some rule sets (its level
 * lists end up in a cycle; runc then hangs while loading the profile), and so
 * would this port of it. Every walk over the tree counts its steps against a
 * budget far above what any real profile needs; past it the database is
 * marked looped and ck_db_add fails with -ELOOP instead of hanging. */
#define CK_STEP_LIMIT 20000000UL

static bool over(const struct node *n)
{
	if (!n)
		return false;
	struct ck_db *db = n->db;
	if (db->looped)
		return true;
	if (++db->steps > CK_STEP_LIMIT)
		db->looped = true;
	return db->looped;
}

static struct node *get(struct node *n)
{
	if (n)
		n->ref++;
	return n;
}

/* ---- ordering ------------------------------------------------------------- */

static unsigned arg_rank(const struct node *n)
{
	return (n->arg << 1) + (n->hi ? 1 : 0);
}

static unsigned op_rank(enum sk_op op)
{
	switch (op) {
	case SK_OP_MASKED_EQ: case SK_OP_EQ: case SK_OP_NE: return 3;
	case SK_OP_LE: case SK_OP_LT: return 2;
	case SK_OP_GE: case SK_OP_GT: return 1;
	default: return 0;
	}
}

static bool node_lt(const struct node *a, const struct node *b)
{
	unsigned x = arg_rank(a), y = arg_rank(b);
	if (x != y)
		return x < y;
	x = op_rank(a->op_orig);
	y = op_rank(b->op_orig);
	if (x != y)
		return x < y;
	if (a->op_orig == SK_OP_LE || a->op_orig == SK_OP_LT)
		return a->datum > b->datum;
	return a->datum < b->datum;
}

static bool node_eq(const struct node *a, const struct node *b)
{
	return arg_rank(a) == arg_rank(b) && a->op == b->op && a->datum == b->datum &&
	       a->mask == b->mask;
}

static bool leaf(const struct node *n)
{
	return !n->nt && !n->nf;
}

static bool zombie(const struct node *n)
{
	return leaf(n) && !n->has_t && !n->has_f;
}

static struct node *first(struct node *n)
{
	while (n && n->prev && !over(n))
		n = n->prev;
	return n;
}

/* ---- reference counting (decides which nodes leave their level) --------- */

static unsigned put(struct node **np);

static unsigned level_clean(struct node *n)
{
	unsigned cnt = 0;
	struct node *s = first(n);
	for (struct node *i = s; i && !over(i); i = i->next) {
		unsigned links = (i->prev != NULL) + (i->next != NULL);
		if (i->ref > links)
			return 0;
	}
	for (struct node *i = s; i && !over(i);)
		cnt += put(&i);
	return cnt;
}

static unsigned tree_put(struct node **tp)
{
	unsigned cnt = put(tp);
	if (*tp)
		cnt += level_clean(*tp);
	return cnt;
}

/* Drop a reference; at zero the node leaves its level and drops its
 * children. *NP becomes a neighbour on the level, or NULL. */
static unsigned put(struct node **np)
{
	struct node *n = *np;
	unsigned cnt = 0;
	if (!n || over(n))
		return 0;
	if (--n->ref)
		return 0;
	struct node *p = n->prev, *q = n->next, *t = n->nt, *f = n->nf;
	if (p)
		p->next = NULL;
	if (q)
		q->prev = NULL;
	if (p)
		cnt += put(&p);
	if (q)
		cnt += put(&q);
	if (p)
		p->next = get(q);
	if (q)
		q->prev = get(p);
	*np = p ? p : q;
	cnt += tree_put(&t);
	cnt += tree_put(&f);
	n->prev = n->next = n->nt = n->nf = NULL;
	return cnt + 1;
}

/* Remove NODE (found anywhere below *TREE) and what hangs off it; empty
 * nodes met on the way go too. */
static unsigned tree_remove(struct node **tree, struct node *node)
{
	unsigned cnt = 0;
	if (!tree || !*tree || !node)
		return 0;
	struct node *c = first(*tree);
	do {
		if (c == node)
			goto remove;
		cnt += tree_remove(&c->nt, node);
		cnt += tree_remove(&c->nf, node);
		if (zombie(c))
			goto remove;
		c = c->next;
	} while (c && cnt == 0 && !over(c));
	return cnt;
remove:
	if (c == *tree)
		*tree = c->prev ? c->prev : c->next;
	if (c->prev)
		c->prev->next = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	cnt += put(&c);
	return cnt;
}

/* 0 when every action in the tree is ACT, else -EEXIST. */
static int act_check(struct node *tree, uint32_t act)
{
	for (struct node *c = first(tree); c && !over(c); c = c->next) {
		if ((c->has_t && c->act_t != act) || (c->has_f && c->act_f != act))
			return -EEXIST;
		if (act_check(c->nt, act) || act_check(c->nf, act))
			return -EEXIST;
	}
	return 0;
}

/* ---- pruning: a new rule that is shorter than, or covered by, the tree --- */

enum {
	M_MATCH = 0x1,
	M_ONCE = 0x2,
	X_DONE = 0x10,
	N_DONE = 0x20,
	X_PREFIX = 0x100,
	N_PREFIX = 0x200,
	M_SET = M_MATCH | M_ONCE,
	M_REDUNDANT = M_MATCH | X_DONE | N_PREFIX,
};

struct pstate {
	unsigned flags;
	uint32_t action;
	struct sys *sx;
};

static unsigned prune(struct node **existing, struct node *nw, struct pstate *st)
{
	unsigned cnt = 0;
	struct pstate sn = *st, nxt;
	struct node *x = *existing, *xn;
	if (!nw || !x)
		goto out;
	if ((st->flags & M_SET) == M_ONCE)
		goto out;
	x = first(x);
	do {
		xn = x->next;
		if (node_eq(x, nw)) {
			sn.flags |= M_SET;
			if (leaf(nw))
				sn.flags |= N_DONE;
			if (leaf(x))
				sn.flags |= X_DONE;
			if ((x->has_t || x->nt) && !(nw->has_t || nw->nt))
				goto out;
			if ((x->has_f || x->nf) && !(nw->has_f || nw->nf))
				goto out;
			if ((sn.flags & N_DONE) && (sn.flags & X_DONE)) {
				if (nw->has_t != x->has_t || nw->act_t != x->act_t ||
				    nw->has_f != x->has_f || nw->act_f != x->act_f)
					goto out;
			}
			/* the true branch, then the false one */
			for (int side = 0; side < 2; side++) {
				struct node *nc = side ? nw->nf : nw->nt;
				if (!nc)
					continue;
				get(x);
				nxt = *st;
				nxt.flags |= M_SET;
				cnt += prune(side ? &x->nf : &x->nt, nc, &nxt);
				cnt += put(&x);
				if (nxt.flags & M_MATCH)
					sn.flags |= nxt.flags;
				if (!x)
					goto next;
			}
			bool same = !act_check(x, sn.action);
			if (same && (sn.flags & M_MATCH) && (sn.flags & N_DONE) &&
			    (sn.flags & X_PREFIX)) {
				cnt += tree_remove(&st->sx->chains, x);
				if (!st->sx->chains)
					goto out;
			} else if (same && (sn.flags & M_MATCH) && (sn.flags & X_DONE) &&
				   (sn.flags & N_PREFIX)) {
				goto out;
			}
		} else if (node_lt(x, nw)) {
			if (st->flags & N_PREFIX)
				goto out;
			struct node **sub[2] = {&x->nt, &x->nf};
			for (int k = 0; k < 2; k++) {
				if (!*sub[k])
					continue;
				get(x);
				nxt = *st;
				nxt.flags &= ~(unsigned)M_MATCH;
				nxt.flags |= X_PREFIX;
				cnt += prune(k ? &x->nf : &x->nt, nw, &nxt);
				cnt += put(&x);
				if (nxt.flags & M_MATCH) {
					sn.flags |= nxt.flags;
					goto out;
				}
				if (!x)
					goto next;
				sub[1] = &x->nf;
			}
		} else {
			if (st->flags & X_PREFIX)
				goto out;
			struct node *nsub[2] = {nw->nt, nw->nf};
			for (int k = 0; k < 2; k++) {
				if (!nsub[k])
					continue;
				get(x);
				nxt = *st;
				nxt.flags &= ~(unsigned)M_MATCH;
				nxt.flags |= N_PREFIX;
				cnt += prune(&x, nsub[k], &nxt);
				cnt += put(&x);
				if (nxt.flags & M_MATCH) {
					sn.flags |= nxt.flags;
					goto out;
				}
				if (!x)
					goto next;
			}
		}
next:
		x = xn;
	} while (x && !over(x));
	sn.flags &= ~(unsigned)M_MATCH;
out:
	if (sn.flags & M_MATCH)
		st->flags |= sn.flags;
	else
		st->flags &= ~(unsigned)M_MATCH;
	return cnt;
}

/* ---- merging a new chain into the tree ------------------------------------ */

static int tree_add(struct node **existing, struct node *nw)
{
	struct node *x = *existing;
	do {
		if (node_eq(x, nw)) {
			if (nw->has_t) {
				if (!x->has_t) {
					if (act_check(x->nt, nw->act_t))
						return -EEXIST;
					put(&x->nt);
					x->nt = NULL;
					x->act_t = nw->act_t;
					x->org_t = nw->org_t;
					x->has_t = true;
				} else if (nw->act_t != x->act_t) {
					/* a shared high-word GT node keeps the action of
					 * the larger 64-bit value */
					if (nw->hi && nw->datum_full > x->datum_full) {
						x->act_t = nw->act_t;
						x->org_t = nw->org_t;
					}
					if (leaf(x) || leaf(nw))
						return -EEXIST;
				}
			}
			if (nw->has_f) {
				if (!x->has_f) {
					if (act_check(x->nf, nw->act_f))
						return -EEXIST;
					put(&x->nf);
					x->nf = NULL;
					x->act_f = nw->act_f;
					x->org_f = nw->org_f;
					x->has_f = true;
				} else if (nw->act_f != x->act_f) {
					/* libseccomp 2.5.4 updates the true action here
					 * (for LT/LE it meant the false one) */
					if (nw->hi && nw->datum_full < x->datum_full) {
						x->act_t = nw->act_t;
						x->org_t = nw->org_t;
					}
					if (leaf(x) || leaf(nw))
						return -EEXIST;
				}
			}
			if (nw->nt) {
				if (x->nt) {
					int rc = tree_add(&x->nt, nw->nt);
					if (rc)
						return rc;
				} else if (!x->has_t) {
					x->nt = get(nw->nt);
				} else {
					return 0;
				}
			}
			if (nw->nf) {
				if (x->nf) {
					int rc = tree_add(&x->nf, nw->nf);
					if (rc)
						return rc;
				} else if (!x->has_f) {
					x->nf = get(nw->nf);
				} else {
					return 0;
				}
			}
			return 0;
		} else if (!node_lt(x, nw)) {
			if (!x->next) {
				nw->prev = get(x);
				x->next = get(nw);
				return 0;
			}
			x = x->next;
		} else {
			if (x->prev) {
				x->prev->next = get(nw);
				nw->prev = x->prev;
				x->prev = get(nw);
				nw->next = x;
			} else {
				x->prev = get(nw);
				nw->next = get(x);
			}
			if (*existing == x) {
				*existing = get(nw);
				put(&x);
			}
			return 0;
		}
	} while (x && !over(x));
	return 0;
}

/* ---- a rule's chain --------------------------------------------------------- */

static struct node *mk(struct ck_db *db, unsigned arg, bool hi, enum sk_op op, enum sk_op orig,
		       uint32_t mask, uint32_t datum, uint64_t full)
{
	struct node *n = node_new(db);
	if (!n)
		return NULL;
	n->arg = arg;
	n->hi = hi;
	n->op = op;
	n->op_orig = orig;
	n->mask = mask;
	n->datum = datum & mask;
	n->datum_full = full;
	return n;
}

static void set_t(struct node *n, uint32_t act, int32_t org)
{
	n->has_t = true;
	n->act_t = act;
	n->org_t = org;
}

static void set_f(struct node *n, uint32_t act, int32_t org)
{
	n->has_f = true;
	n->act_f = act;
	n->org_f = org;
}

/* The chain of one rule, NULL for an unconditional one (*EMPTY set). */
static struct node *gen64(struct ck_db *db, const struct ck_args *a, uint32_t act, int32_t org)
{
	struct node *head = NULL, *p[3] = {NULL, NULL, NULL}, *c[3] = {NULL, NULL, NULL};
	enum sk_op prev_op = SK_OP_INVALID;
	for (unsigned i = 0; i < 6; i++) {
		if (!a->valid[i])
			continue;
		enum sk_op op = a->op[i];
		uint64_t mask = a->mask[i], datum = a->datum[i];
		if (op == SK_OP_MASKED_EQ && (uint32_t)mask == 0 && (uint32_t)(mask >> 32) == 0)
			continue; /* always true */
		uint32_t mh = (uint32_t)(mask >> 32), ml = (uint32_t)mask;
		uint32_t dh = (uint32_t)(datum >> 32), dl = (uint32_t)datum;
		c[2] = NULL;
		switch (op) {
		case SK_OP_GT: case SK_OP_GE: case SK_OP_LE: case SK_OP_LT:
			c[0] = mk(db, i, true, SK_OP_GT, op, mh, dh, datum);
			c[1] = mk(db, i, true, SK_OP_EQ, op, mh, dh, datum);
			c[2] = mk(db, i, false, op == SK_OP_GT || op == SK_OP_LE ? SK_OP_GT : SK_OP_GE, op,
				  ml, dl, datum);
			if (!c[0] || !c[1] || !c[2])
				return NULL;
			c[0]->nf = get(c[1]);
			c[1]->nt = get(c[2]);
			break;
		default: {
			enum sk_op w = op == SK_OP_MASKED_EQ ? SK_OP_MASKED_EQ : SK_OP_EQ;
			c[0] = mk(db, i, true, w, op, mh, dh, datum);
			c[1] = mk(db, i, false, w, op, ml, dl, datum);
			if (!c[0] || !c[1])
				return NULL;
			c[0]->nt = get(c[1]);
			break;
		}
		}
		if (p[0]) {
			switch (prev_op) {
			case SK_OP_GT: case SK_OP_GE:
				p[0]->nt = get(c[0]);
				p[2]->nt = get(c[0]);
				break;
			case SK_OP_EQ: case SK_OP_MASKED_EQ:
				p[1]->nt = get(c[0]);
				break;
			case SK_OP_LE: case SK_OP_LT:
				p[1]->nf = get(c[0]);
				p[2]->nf = get(c[0]);
				break;
			default: /* NE */
				p[0]->nf = get(c[0]);
				p[1]->nf = get(c[0]);
				break;
			}
		} else {
			head = get(c[0]);
		}
		memcpy(p, c, sizeof p);
		prev_op = op;
	}
	if (!head)
		return NULL;
	switch (prev_op) {
	case SK_OP_GT: case SK_OP_GE:
		set_t(p[0], act, org);
		set_t(p[2], act, org);
		break;
	case SK_OP_LE: case SK_OP_LT:
		set_f(p[1], act, org);
		set_f(p[2], act, org);
		break;
	case SK_OP_EQ: case SK_OP_MASKED_EQ:
		set_t(p[1], act, org);
		break;
	default:
		set_f(p[0], act, org);
		set_f(p[1], act, org);
		break;
	}
	return head;
}

static struct node *gen32(struct ck_db *db, const struct ck_args *a, uint32_t act, int32_t org)
{
	struct node *head = NULL, *prev = NULL, *c = NULL;
	bool on_true = true;
	for (unsigned i = 0; i < 6; i++) {
		if (!a->valid[i])
			continue;
		enum sk_op op = a->op[i];
		uint32_t mask = (uint32_t)a->mask[i];
		if (op == SK_OP_MASKED_EQ && mask == 0)
			continue;
		enum sk_op w = op;
		bool t = true;
		switch (op) {
		case SK_OP_NE: w = SK_OP_EQ; t = false; break;
		case SK_OP_LT: w = SK_OP_GE; t = false; break;
		case SK_OP_LE: w = SK_OP_GT; t = false; break;
		default: break;
		}
		c = mk(db, i, false, w, op, mask, (uint32_t)a->datum[i], a->datum[i]);
		if (!c)
			return NULL;
		if (prev) {
			if (on_true)
				prev->nt = get(c);
			else
				prev->nf = get(c);
		} else {
			head = get(c);
		}
		on_true = t;
		prev = c;
	}
	if (!c)
		return NULL;
	if (on_true)
		set_t(c, act, org);
	else
		set_f(c, act, org);
	return head;
}

/* ---- the database ----------------------------------------------------------- */

struct ck_db *ck_db_new(bool bits64)
{
	struct ck_db *db = calloc(1, sizeof *db);
	if (db)
		db->bits64 = bits64;
	return db;
}

void ck_db_free(struct ck_db *db)
{
	if (!db)
		return;
	for (struct node *n = db->all, *nx; n; n = nx) {
		nx = n->all;
		free(n);
	}
	free(db->sys);
	free(db->slot);
	free(db);
}

static size_t slot_of(const struct ck_db *db, int64_t nr)
{
	uint64_t h = (uint64_t)nr * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 32) & (db->n_slot - 1);
	while (db->slot[i] && db->sys[db->slot[i] - 1].nr != nr)
		i = (i + 1) & (db->n_slot - 1);
	return i;
}

/* The entry of NR, found through a hash of the numbers: a profile names
 * hundreds of calls, and a linear search made adding them quadratic. */
static struct sys *find(const struct ck_db *db, int64_t nr)
{
	if (!db->n_slot)
		return NULL;
	size_t i = slot_of(db, nr);
	return db->slot[i] ? &db->sys[db->slot[i] - 1] : NULL;
}

static int index_sys(struct ck_db *db)
{
	size_t n = 64;
	while (n < 2 * db->cap_sys)
		n *= 2;
	size_t *slot = calloc(n, sizeof *slot);
	if (!slot)
		return -ENOMEM;
	free(db->slot);
	db->slot = slot;
	db->n_slot = n;
	for (size_t k = 0; k < db->n_sys; k++)
		db->slot[slot_of(db, db->sys[k].nr)] = k + 1;
	return 0;
}

int ck_db_add(struct ck_db *db, int64_t nr, const struct ck_args *a, uint32_t act, int32_t org)
{
	bool any = false;
	for (unsigned i = 0; i < 6; i++)
		any |= a->valid[i];
	struct node *chain = NULL;
	if (any) {
		chain = db->bits64 ? gen64(db, a, act, org) : gen32(db, a, act, org);
		if (db->oom)
			return -ENOMEM;
	}
	struct sys *s = find(db, nr);
	if (!s) {
		size_t cap = db->cap_sys;
		if (SK_GROW(db->sys, db->cap_sys, db->n_sys) < 0)
			return -ENOMEM;
		if (db->cap_sys != cap && index_sys(db) < 0) /* the hash is sized by the capacity */
			return -ENOMEM;
		db->sys[db->n_sys++] = (struct sys){nr, chain, act, org};
		db->slot[slot_of(db, nr)] = db->n_sys;
		return 0;
	}
	bool removed = false;
	for (;;) {
		if (db->looped)
			return -ELOOP;
		if (!s->chains) {
			if (removed) {
				s->chains = chain;
				s->action = act;
				s->origin = org;
			}
			/* else: the syscall is already unconditional: keep it */
			return 0;
		}
		if (!chain) { /* unconditional: replaces every conditional rule */
			tree_put(&s->chains);
			s->chains = NULL;
			s->action = act;
			s->origin = org;
			return 0;
		}
		struct pstate st = {.action = act, .sx = s};
		unsigned cnt = prune(&s->chains, chain, &st);
		if (cnt > 0) {
			removed = true;
			if (!s->chains)
				continue;
		} else if ((st.flags & M_REDUNDANT) == M_REDUNDANT) {
			return 0;
		}
		int rc = tree_add(&s->chains, chain);
		if (rc)
			return db->looped ? -ELOOP : rc;
		tree_put(&chain); /* the new chain's own reference */
		return db->looped ? -ELOOP : 0;
	}
}

/* ---- flattening into ordered chains ------------------------------------------ */

struct flat {
	struct ck_chain *v;
	size_t n, cap;
	struct ck_cmp path[64];
	size_t depth;
	bool oom;
};

static void emit(struct flat *F, uint32_t act, int32_t org)
{
	if (SK_GROW(F->v, F->cap, F->n) < 0) {
		F->oom = true;
		return;
	}
	struct ck_chain *c = &F->v[F->n];
	c->n = F->depth;
	c->ret = act;
	c->origin = org;
	c->cmps = malloc((F->depth ? F->depth : 1) * sizeof *c->cmps);
	if (!c->cmps) {
		F->oom = true;
		return;
	}
	memcpy(c->cmps, F->path, F->depth * sizeof *c->cmps);
	F->n++;
}

static bool alone(const struct node *n)
{
	return n && !n->prev && !n->next;
}

/* Same continuation: the same next level, or the same action and no level. */
static bool same_t(const struct node *a, const struct node *b)
{
	if (a->nt || b->nt)
		return a->nt == b->nt && !a->has_t && !b->has_t;
	return a->has_t && b->has_t && a->act_t == b->act_t && a->org_t == b->org_t;
}

static bool same_f(const struct node *a, const struct node *b)
{
	if (a->nf || b->nf)
		return a->nf == b->nf && !a->has_f && !b->has_f;
	return a->has_f && b->has_f && a->act_f == b->act_f && a->org_f == b->org_f;
}

static bool t_side(const struct node *n)
{
	return n->nt || n->has_t;
}

static bool f_side(const struct node *n)
{
	return n->nf || n->has_f;
}

/* The node's word nodes as one 64-bit comparison, when they are exactly what
 * libseccomp generated for a single NE, GT, GE, LT or LE condition: the
 * comparison holds -> *CONT (the continuation node: its true or false side),
 * else the parent's next sibling. */
static bool wide(const struct node *n, struct ck_cmp *c, const struct node **cont, bool *on_t)
{
	if (!n->hi || n->mask != UINT32_MAX)
		return false;
	const struct node *l = n->nt, *e = n->nf;
	*c = (struct ck_cmp){.index = n->arg, .wide = true};
	if (n->op == SK_OP_EQ && alone(l) && !l->hi && l->arg == n->arg && l->op == SK_OP_EQ &&
	    l->mask == UINT32_MAX && !n->has_t && !t_side(l) && f_side(n) && same_f(n, l)) {
		c->op = SK_OP_NE;
		c->value = (uint64_t)n->datum << 32 | l->datum;
		*cont = n;
		*on_t = false;
		return true;
	}
	if (n->op != SK_OP_GT || !alone(e) || e->op != SK_OP_EQ || e->arg != n->arg || !e->hi ||
	    e->datum != n->datum || e->mask != UINT32_MAX || e->has_t)
		return false;
	const struct node *lo = e->nt;
	if (!alone(lo) || lo->hi || lo->arg != n->arg || lo->mask != UINT32_MAX)
		return false;
	uint64_t v = (uint64_t)n->datum << 32 | lo->datum;
	if (t_side(n) && !n->has_f && !f_side(e) && same_t(n, lo) && !f_side(lo)) {
		c->op = lo->op == SK_OP_GT ? SK_OP_GT : SK_OP_GE;
		c->value = v;
		*cont = n;
		*on_t = true;
		return true;
	}
	if (!t_side(n) && !n->has_f && f_side(e) && same_f(e, lo) && !t_side(lo)) {
		c->op = lo->op == SK_OP_GT ? SK_OP_LE : SK_OP_LT;
		c->value = v;
		*cont = e;
		*on_t = false;
		return true;
	}
	return false;
}

static void walk(struct flat *F, struct node *level)
{
	for (struct node *n = first(level); n && !F->oom; n = n->next) {
		if (F->depth == sizeof F->path / sizeof F->path[0]) {
			F->oom = true;
			return;
		}
		struct ck_cmp *c = &F->path[F->depth++];
		const struct node *cont;
		bool on_t;
		if (wide(n, c, &cont, &on_t)) {
			struct node *next = on_t ? cont->nt : cont->nf;
			if (next)
				walk(F, next);
			else
				emit(F, on_t ? cont->act_t : cont->act_f, on_t ? cont->org_t : cont->org_f);
			F->depth--;
			continue;
		}
		*c = (struct ck_cmp){.index = n->arg, .hi = n->hi, .op = n->op, .mask = n->mask,
				     .datum = n->datum};
		/* libseccomp's BPF prefers the next level over an action */
		if (n->nt)
			walk(F, n->nt);
		else if (n->has_t)
			emit(F, n->act_t, n->org_t);
		c->neg = true;
		if (n->nf)
			walk(F, n->nf);
		else if (n->has_f)
			emit(F, n->act_f, n->org_f);
		F->depth--;
	}
}

int ck_db_decision(const struct ck_db *db, int64_t nr, struct ck_decision *d)
{
	const struct sys *s = find(db, nr);
	if (!s)
		return 0;
	if (!s->chains) {
		d->ret = s->action;
		d->origin = s->origin;
		d->chains = NULL;
		d->n_chains = 0;
		return 1;
	}
	struct flat F = {0};
	walk(&F, s->chains);
	if (F.oom) {
		for (size_t i = 0; i < F.n; i++)
			free(F.v[i].cmps);
		free(F.v);
		return -ENOMEM;
	}
	d->chains = F.v;
	d->n_chains = F.n;
	return 1;
}

size_t ck_db_count(const struct ck_db *db, int64_t *nrs, size_t max)
{
	for (size_t i = 0; i < db->n_sys && i < max; i++)
		nrs[i] = db->sys[i].nr;
	return db->n_sys;
}
