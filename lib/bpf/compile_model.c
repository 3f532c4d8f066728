/* SPDX-License-Identifier: Apache-2.0 */
/* Profile -> per-arch decision ranges, with runc 1.1.5 + libseccomp 2.5.4
 * semantics (libcontainer/seccomp/seccomp_linux.go, patchbpf/enosys_linux.go,
 * libseccomp src/db.c, src/syscalls.c, src/gen_bpf.c):
 *
 * - a rule whose return value equals the default's is skipped (runc);
 * - ERRNO and TRACE without errnoRet return EPERM (runc), defaultErrnoRet only
 *   applies to the default action;
 * - args: one rule; but when two args share an index, each arg is a rule of its
 *   own (runc's "old behaviour"), so they are ORed;
 * - names are resolved per arch, unknown ones skipped there (libseccomp);
 * - on x86, s390(x), ppc(64) and mips o32 the socket and SysV IPC calls are
 *   also matched through socketcall(2)/ipc(2) with args[0] == the call's
 *   number; the rule's own arg0 check is replaced (libseccomp abi_rule_add);
 * - 32-bit arches (x32 included) compare only the low 32 bits of arguments;
 * - an unconditional rule for a syscall overrides conditional ones
 *   (libseccomp prunes the more specific tree);
 * - the native arch is always in the filter (seccomp_init), x86_64 numbers
 *   >= 0x40000000 other than -1 hit the bad-arch action unless x32 is present;
 * - runc's ENOSYS stub: per arch, numbers above the highest the profile names
 *   return ENOSYS (s390: nr 0 too); off for permissive defaults.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

#define RET_ALLOW 0x7fff0000u
#define RET_ERRNO 0x00050000u
#define ERRNO_EPERM 1u
#define ERRNO_ENOSYS 38u
#define X32_BIT SK_X32_SYSCALL_BIT

uint32_t ck_rule_ret(enum sk_action a, bool has_errno, uint32_t errno_ret)
{
	/* runc sets a return code on ERRNO and TRACE only (getAction) */
	uint32_t data = 0;
	if (a == SK_ACT_ERRNO || a == SK_ACT_TRACE)
		data = has_errno ? errno_ret : ERRNO_EPERM;
	return sk_action_to_ret(a, data);
}

/* ---- building ----------------------------------------------------------- */

static bool chains_equal(const struct ck_chain *a, size_t na, const struct ck_chain *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (a[i].n != b[i].n || a[i].ret != b[i].ret || a[i].origin != b[i].origin)
			return false;
		for (size_t j = 0; j < a[i].n; j++) {
			const struct ck_cmp *x = &a[i].cmps[j], *y = &b[i].cmps[j];
			if (x->index != y->index || x->hi != y->hi || x->neg != y->neg ||
			    x->wide != y->wide || x->value != y->value ||
			    x->op != y->op || x->mask != y->mask || x->datum != y->datum)
				return false;
		}
	}
	return true;
}

/* Index of a decision equal to D, adding D (taking its chains) when new.
 * Returns the index or -ENOMEM; on a match D's chains are freed. */
static long intern(struct ck_model *m, struct ck_decision *d)
{
	for (size_t i = 0; i < m->n_decisions; i++) {
		struct ck_decision *x = &m->decisions[i];
		if (x->ret == d->ret && x->origin == d->origin &&
		    chains_equal(x->chains, x->n_chains, d->chains, d->n_chains)) {
			for (size_t c = 0; c < d->n_chains; c++)
				free(d->chains[c].cmps);
			free(d->chains);
			return (long)i;
		}
	}
	if (SK_GROW(m->decisions, m->cap_decisions, m->n_decisions) < 0)
		return -ENOMEM;
	d->owned = true;
	m->decisions[m->n_decisions] = *d;
	return (long)m->n_decisions++;
}

static long simple(struct ck_model *m, uint32_t ret, int32_t origin)
{
	struct ck_decision d = {.ret = ret, .origin = origin};
	return intern(m, &d);
}

/* The libseccomp rules runc adds for rule R: one with every condition, or,
 * when two conditions share an index, one per condition (ORed). */
static size_t rule_args(const struct sk_rule *r, struct ck_args *out, size_t max)
{
	unsigned count[6] = {0};
	bool split = false;
	for (size_t i = 0; i < r->n_args; i++)
		if (r->args[i].index < 6 && ++count[r->args[i].index] > 1)
			split = true;
	size_t n = split ? r->n_args : 1;
	if (n > max)
		n = max;
	for (size_t k = 0; k < n; k++) {
		struct ck_args *a = &out[k];
		memset(a, 0, sizeof *a);
		size_t from = split ? k : 0, to = split ? k + 1 : r->n_args;
		for (size_t j = from; j < to; j++) {
			const struct sk_arg *x = &r->args[j];
			unsigned i = x->index % 6;
			a->valid[i] = true;
			a->op[i] = x->op;
			a->mask[i] = x->op == SK_OP_MASKED_EQ ? x->value : UINT64_MAX;
			a->datum[i] = x->op == SK_OP_MASKED_EQ ? x->value_two : x->value;
		}
	}
	return n;
}

/* A key for a name the arch does not have but libseccomp knows elsewhere:
 * libseccomp still builds its tree (under a pseudo number), so conflicts
 * there refuse the profile too. The same name always gets the same key: its
 * index among all known names, below the real numbers (-2 and down). */
static int64_t pseudo_key(int64_t id)
{
	return -2 - id;
}

static void refuse_conflict(const struct sk_profile *p, size_t ri, size_t ni, enum sk_arch a,
			    struct sk_diags *diags)
{
	const struct sk_rule *r = &p->rules[ri];
	const struct sk_pos *pos = r->name_pos ? &r->name_pos[ni] : &r->pos;
	sk_diags_add(diags, SK_SEV_ERROR, p->file, pos->line, pos->col, "compile-rule-conflict",
		     "runc/libseccomp would refuse this profile: the rule for '%s' (%s) conflicts "
		     "with an earlier rule for the same call: the same conditions lead to "
		     "another action (libseccomp: File exists)",
		     r->names[ni], sk_arch_info(a)->short_name);
}

struct conflict {
	size_t rule, name; /* SIZE_MAX: none */
	enum sk_arch arch;
};

/* What each arch's pass needs, worked out once: every name of the profile
 * looked up (in rule order: rule RI's names start at refs[first[RI]]), the
 * decisions every group shares, and the first rule libseccomp would refuse. */
struct build {
	const struct sk_profile *p;
	struct sk_syscall_ref *refs;
	size_t *first;
	bool enosys;
	uint32_t default_ret;
	size_t def, nosys, bad; /* decisions: default, runc's ENOSYS stub, bad arch */
	struct conflict conflict;
	struct sk_diags *diags;
};

/* libseccomp's rules for name NI of rule RI on arch A, with each ARGS set. */
static int add_name(struct build *b, struct ck_db *db, enum sk_arch a, size_t ri, size_t ni,
		    const struct ck_args *list, size_t na, uint32_t ret)
{
	const struct sk_syscall_ref *ref = &b->refs[b->first[ri] + ni];
	int64_t nr = sk_syscall_nr_id(a, ref->id);
	bool muxed = ref->mux && sk_arch_muxes(a);
	int64_t via = !muxed ? -1 : sk_syscall_nr(a, ref->mux == SK_MUX_IPC ? "ipc" : "socketcall");
	int rc = 0;
	for (size_t k = 0; k < na && !rc; k++) {
		if (via >= 0) {
			struct ck_args m = list[k];
			m.valid[0] = true;
			m.op[0] = SK_OP_EQ;
			m.mask[0] = UINT64_MAX;
			m.datum[0] = ref->call;
			rc = ck_db_add(db, via, &m, ret, (int32_t)ri);
		}
		if (!rc && nr >= 0)
			rc = ck_db_add(db, nr, &list[k], ret, (int32_t)ri);
		else if (!rc && !muxed && sk_syscall_numbered(b->p->rules[ri].names[ni]))
			rc = ck_db_add(db, pseudo_key(ref->id), &list[k], ret, (int32_t)ri);
	}
	return rc;
}

/* Feed arch A's database with every rule as runc does; *MAX gets the highest
 * number named (runc's findLastSyscalls: every rule, skipped ones too; the
 * same count as sk_profile_highest_nr); *BAD_RULE and *BAD_NAME the first
 * name libseccomp refuses (SIZE_MAX: none). */
static int collect(struct build *b, struct ck_db *db, enum sk_arch a, int64_t *max,
		   size_t *bad_rule, size_t *bad_name)
{
	const struct sk_profile *p = b->p;
	const struct sk_arch_info *ai = sk_arch_info(a);
	*max = -1;
	for (size_t ri = 0; ri < p->n_rules; ri++) {
		const struct sk_rule *r = &p->rules[ri];
		uint32_t ret = ck_rule_ret(r->action, r->has_errno_ret, r->errno_ret);
		bool skipped = ret == b->default_ret;
		struct ck_args args[8], none = {0};
		size_t nargs = r->n_args ? rule_args(r, args, 8) : 0;
		for (size_t ni = 0; ni < r->n_names; ni++) {
			const struct sk_syscall_ref *ref = &b->refs[b->first[ri] + ni];
			int64_t nr = sk_syscall_nr_id(a, ref->id);
			bool muxed = ref->mux && sk_arch_muxes(a);
			if (nr > *max && !muxed)
				*max = nr;
			if (skipped || *bad_rule != SIZE_MAX)
				continue;
			int rc = add_name(b, db, a, ri, ni, nargs ? args : &none, nargs ? nargs : 1,
					  ret);
			if (rc == -EEXIST) {
				*bad_rule = ri;
				*bad_name = ni;
				continue;
			}
			if (rc == -ELOOP)
				sk_diags_add(b->diags, SK_SEV_ERROR, p->file, r->pos.line, r->pos.col,
					     "compile-libseccomp-loop",
					     "runc/libseccomp would never finish loading this profile: "
					     "libseccomp 2.5.4's rule tree for '%s' on %s does not settle "
					     "once this rule is added (runc hangs); scmpkit refuses it",
					     r->names[ni], ai->short_name);
			if (rc < 0)
				return rc;
			if (nr < 0 && !muxed) {
				const struct sk_pos *pos = r->name_pos ? &r->name_pos[ni] : &r->pos;
				sk_diags_add(b->diags, SK_SEV_NOTE, p->file, pos->line, pos->col,
					     "compile-unknown-on-arch",
					     "'%s' does not exist on %s: no rule there", r->names[ni],
					     ai->short_name);
			}
		}
	}
	return 0;
}

/* ---- ranges --------------------------------------------------------------- */

struct rangevec {
	struct ck_range *v;
	size_t n, cap;
};

static int put(struct rangevec *rv, uint32_t lo, uint32_t hi, size_t dec)
{
	if (rv->n && rv->v[rv->n - 1].decision == dec && rv->v[rv->n - 1].hi + 1 == lo) {
		rv->v[rv->n - 1].hi = hi;
		return 0;
	}
	if (SK_GROW(rv->v, rv->cap, rv->n) < 0)
		return -ENOMEM;
	rv->v[rv->n++] = (struct ck_range){lo, hi, dec};
	return 0;
}

struct point {
	uint32_t nr;
	size_t decision;
};

/* Background: what a number no rule names gets, as segments. */
struct seg {
	uint32_t lo, hi;
	size_t decision;
};

static int overlay(struct rangevec *rv, const struct seg *bg, size_t n_bg, const struct point *pt,
		   size_t n_pt)
{
	size_t j = 0;
	for (size_t s = 0; s < n_bg; s++) {
		uint64_t at = bg[s].lo;
		while (j < n_pt && pt[j].nr < bg[s].lo)
			j++; /* a rule under the ENOSYS stub: the stub runs first */
		for (; j < n_pt && pt[j].nr <= bg[s].hi; j++) {
			if (pt[j].nr > at && put(rv, (uint32_t)at, pt[j].nr - 1, bg[s].decision))
				return -ENOMEM;
			if (put(rv, pt[j].nr, pt[j].nr, pt[j].decision))
				return -ENOMEM;
			at = (uint64_t)pt[j].nr + 1;
		}
		if (at <= bg[s].hi && put(rv, (uint32_t)at, bg[s].hi, bg[s].decision))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/* One decision per number the database has rules for (pseudo keys dropped). */
static int decide(struct ck_model *m, const struct ck_db *db, size_t def, struct point **out,
		  size_t *n_out)
{
	size_t n = ck_db_count(db, NULL, 0);
	int64_t *nrs = malloc((n ? n : 1) * sizeof *nrs);
	struct point *pt = malloc((n ? n : 1) * sizeof *pt);
	if (!nrs || !pt) {
		free(nrs);
		free(pt);
		return -ENOMEM;
	}
	ck_db_count(db, nrs, n);
	size_t np = 0;
	/* copies: interning below may move m->decisions */
	const uint32_t def_ret = m->decisions[def].ret;
	const int32_t def_origin = m->decisions[def].origin;
	for (size_t i = 0; i < n; i++) {
		if (nrs[i] < 0 || nrs[i] > UINT32_MAX)
			continue;
		struct ck_decision d = {.ret = def_ret, .origin = def_origin};
		int rc = ck_db_decision(db, nrs[i], &d);
		if (rc < 0) {
			free(nrs);
			free(pt);
			return rc;
		}
		if (d.n_chains) {
			d.ret = def_ret;
			d.origin = def_origin;
		}
		long idx = intern(m, &d);
		if (idx < 0) {
			free(nrs);
			free(pt);
			return (int)idx;
		}
		pt[np++] = (struct point){(uint32_t)nrs[i], (size_t)idx};
	}
	free(nrs);
	qsort(pt, np, sizeof *pt, cmp_point);
	*out = pt;
	*n_out = np;
	return 0;
}

/* Arch A's decision for each number its rules name, in number order, and
 * runc's threshold there. */
static int arch_points(struct build *b, struct ck_model *m, enum sk_arch a, struct point **pt,
		       size_t *npt, int64_t *max)
{
	struct ck_db *db = ck_db_new(sk_arch_info(a)->bits == 64);
	if (!db)
		return -ENOMEM;
	size_t br = SIZE_MAX, bn = 0;
	int rc = collect(b, db, a, max, &br, &bn);
	struct conflict *c = &b->conflict;
	if (!rc && br != SIZE_MAX &&
	    (c->rule == SIZE_MAX || br < c->rule || (br == c->rule && bn < c->name)))
		*c = (struct conflict){br, bn, a};
	if (!rc)
		rc = decide(m, db, b->def, pt, npt);
	ck_db_free(db);
	return rc;
}

/* What numbers no rule names get on one audit arch, as segments: the
 * default, runc's ENOSYS stub above the highest named number, and on
 * x86_64's audit arch the numbers libseccomp takes for a foreign ABI. MAX[0]
 * is ARCHES[0]'s threshold, MAX[N-1] x32's when grouped. Returns the count. */
static size_t background(const struct build *b, const enum sk_arch *arches, size_t n_arches,
			 const int64_t *max, struct seg bg[8])
{
	size_t nbg = 0, def = b->def, nosys = b->nosys, bad = b->bad;
	enum sk_arch a0 = arches[0];
	bool has64 = a0 == SK_ARCH_X86_64, has32 = false;
	for (size_t i = 0; i < n_arches; i++)
		has32 |= arches[i] == SK_ARCH_X32;
	if (!has64 && !has32) {
		int64_t mx = b->enosys ? max[0] : -1;
		bool s390 = a0 == SK_ARCH_S390 || a0 == SK_ARCH_S390X;
		uint32_t lo = 0;
		if (mx >= 0 && s390) {
			/* setup(2), the multiplexer for unknown large numbers there */
			bg[nbg++] = (struct seg){0, 0, nosys};
			lo = 1;
		}
		if (mx >= 0 && mx < UINT32_MAX) {
			if ((uint32_t)mx >= lo)
				bg[nbg++] = (struct seg){lo, (uint32_t)mx, def};
			bg[nbg++] = (struct seg){(uint32_t)mx + 1, UINT32_MAX, nosys};
		} else {
			bg[nbg++] = (struct seg){lo, UINT32_MAX, def};
		}
		return nbg;
	}
	/* x86_64's audit arch: x86_64 numbers below the x32 bit, x32 above. */
	int64_t m64 = b->enosys && has64 ? max[0] : -1;
	int64_t m32 = b->enosys && has32 ? max[n_arches - 1] : -1;
	if (!has64) {
		bg[nbg++] = (struct seg){0, X32_BIT - 1, bad};
	} else if (m64 >= 0) {
		bg[nbg++] = (struct seg){0, (uint32_t)m64, def};
		bg[nbg++] = (struct seg){(uint32_t)m64 + 1, X32_BIT - 1, nosys};
	} else {
		bg[nbg++] = (struct seg){0, X32_BIT - 1, def};
	}
	if (has32) {
		if (m32 >= 0 && m32 < UINT32_MAX) {
			bg[nbg++] = (struct seg){X32_BIT, (uint32_t)m32, def};
			bg[nbg++] = (struct seg){(uint32_t)m32 + 1, UINT32_MAX, nosys};
		} else {
			bg[nbg++] = (struct seg){X32_BIT, UINT32_MAX, def};
		}
	} else {
		/* libseccomp: nr >= 0x40000000 && nr != -1 is a foreign ABI.
		 * runc's stub only tests x86_64 numbers without the x32 bit. */
		bg[nbg++] = (struct seg){X32_BIT, 0x7fffffffu, bad};
		bg[nbg++] = (struct seg){0x80000000u, 0xbfffffffu, m64 >= 0 ? nosys : bad};
		bg[nbg++] = (struct seg){0xc0000000u, 0xfffffffeu, bad};
		/* -1 has the x32 bit: past runc's stub, libseccomp's default */
		bg[nbg++] = (struct seg){0xffffffffu, 0xffffffffu, def};
	}
	return nbg;
}

/* One audit arch: ARCHES[0] the main arch, ARCHES[1] x32 when grouped. */
static int build_group(struct build *b, struct ck_model *m, const enum sk_arch *arches,
		       size_t n_arches, struct ck_group *g)
{
	struct point *pt[2] = {NULL, NULL};
	size_t npt[2] = {0, 0};
	int64_t max[2] = {-1, -1};
	int rc = 0;
	for (size_t i = 0; i < n_arches && !rc; i++)
		rc = arch_points(b, m, arches[i], &pt[i], &npt[i], &max[i]);
	struct seg bg[8];
	size_t nbg = rc ? 0 : background(b, arches, n_arches, max, bg);
	/* Both arches' points, in order (x32 numbers all carry the x32 bit). */
	size_t n_all = npt[0] + npt[1];
	struct point *all = rc ? NULL : malloc((n_all ? n_all : 1) * sizeof *all);
	struct rangevec rv = {0};
	if (!rc && !all)
		rc = -ENOMEM;
	if (!rc) {
		memcpy(all, pt[0], npt[0] * sizeof *all);
		if (npt[1])
			memcpy(all + npt[0], pt[1], npt[1] * sizeof *all);
		rc = overlay(&rv, bg, nbg, all, n_all);
	}
	free(all);
	free(pt[0]);
	free(pt[1]);
	if (rc) {
		free(rv.v);
		return rc;
	}
	const struct sk_arch_info *ai = sk_arch_info(arches[0]);
	g->audit_arch = ai->audit_arch;
	g->arch = arches[0];
	g->bits64 = ai->bits == 64;
	g->big_endian = ai->big_endian;
	g->ranges = rv.v;
	g->n_ranges = rv.n;
	return 0;
}

/* Every name of P looked up once, for all the arches' passes. */
static int look_up_names(struct build *b)
{
	const struct sk_profile *p = b->p;
	size_t total = 0;
	b->first = malloc((p->n_rules ? p->n_rules : 1) * sizeof *b->first);
	for (size_t i = 0; b->first && i < p->n_rules; i++) {
		b->first[i] = total;
		total += p->rules[i].n_names;
	}
	b->refs = malloc((total ? total : 1) * sizeof *b->refs);
	if (!b->first || !b->refs)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			sk_syscall_ref(p->rules[i].names[j], &b->refs[b->first[i] + j]);
	return 0;
}

/* The filter's arches into ORDER (IN marks them): the native one first
 * (seccomp_init), then the profile's in order; x32 joins x86_64's audit arch
 * later. Their count, or -EDOM: libseccomp refuses arches of another byte
 * order than the native one (seccomp_arch_add), and runc with it. */
static long filter_arches(const struct sk_profile *p, enum sk_arch host,
			  enum sk_arch order[SK_ARCH_COUNT], bool in[SK_ARCH_COUNT],
			  struct sk_diags *diags)
{
	size_t n = 0;
	in[host] = true;
	order[n++] = host;
	for (size_t i = 0; i < p->n_arches; i++) {
		enum sk_arch a = p->arches[i];
		if (sk_arch_info(a) && !in[a]) {
			in[a] = true;
			order[n++] = a;
		}
	}
	const struct sk_arch_info *hi = sk_arch_info(host);
	for (size_t i = 1; i < n; i++) {
		const struct sk_arch_info *ai = sk_arch_info(order[i]);
		if (ai->big_endian == hi->big_endian)
			continue;
		sk_diags_add(diags, SK_SEV_ERROR, p->file, p->pos.line, p->pos.col,
			     "compile-mixed-endian",
			     "runc/libseccomp would refuse this profile: architecture %s is "
			     "%s-endian, the host's %s is %s-endian, and one filter cannot "
			     "mix byte orders (libseccomp: Numerical argument out of domain)",
			     ai->short_name, ai->big_endian ? "big" : "little", hi->short_name,
			     hi->big_endian ? "big" : "little");
		return -EDOM;
	}
	return (long)n;
}

int ck_model_build(const struct sk_profile *p, const struct sk_compile_opts *opts,
		   enum sk_arch host, struct ck_model *m, struct sk_diags *diags)
{
	memset(m, 0, sizeof *m);
	struct build b = {.p = p, .conflict = {.rule = SIZE_MAX}, .diags = diags};
	uint32_t default_ret = ck_rule_ret(p->default_action, p->has_default_errno_ret,
					   p->default_errno_ret);
	enum sk_action bad = opts->bad_arch == SK_ACT_INVALID ? SK_ACT_KILL_THREAD : opts->bad_arch;
	m->bad_arch_ret = sk_action_to_ret(bad, ERRNO_EPERM);
	bool permissive = p->default_action == SK_ACT_ALLOW || p->default_action == SK_ACT_LOG ||
			  p->default_action == SK_ACT_TRACE;
	/* runc compares defaultErrnoRet with SCMP_ACT_ERRNO(ENOSYS), which never
	 * holds; a default of ERRNO(ENOSYS) makes the stub a no-op anyway. */
	bool enosys = !opts->no_enosys && !permissive &&
		      default_ret != (RET_ERRNO | ERRNO_ENOSYS);

	long def = simple(m, default_ret, SK_ORIGIN_DEFAULT);
	long nosys = simple(m, RET_ERRNO | ERRNO_ENOSYS, SK_ORIGIN_ENOSYS);
	long badd = simple(m, m->bad_arch_ret, SK_ORIGIN_BADARCH);
	if (def < 0 || nosys < 0 || badd < 0)
		goto nomem;
	b.enosys = enosys;
	b.default_ret = default_ret;
	b.def = (size_t)def;
	b.nosys = (size_t)nosys;
	b.bad = (size_t)badd;

	bool in[SK_ARCH_COUNT] = {0};
	enum sk_arch order[SK_ARCH_COUNT];
	long n = filter_arches(p, host, order, in, diags);
	if (n < 0) {
		ck_model_free(m);
		return (int)n;
	}
	m->groups = calloc(n, sizeof *m->groups);
	if (!m->groups || look_up_names(&b) < 0)
		goto nomem;
	for (size_t i = 0; i < (size_t)n; i++) {
		enum sk_arch a = order[i];
		enum sk_arch grp[2] = {a, SK_ARCH_INVALID};
		size_t ng = 1;
		if (a == SK_ARCH_X32 && in[SK_ARCH_X86_64])
			continue; /* handled with x86_64 */
		if (a == SK_ARCH_X86_64 && in[SK_ARCH_X32])
			grp[ng++] = SK_ARCH_X32;
		if (a == SK_ARCH_X32) /* x32 alone: x86_64's layout, x32 numbers */
			grp[0] = SK_ARCH_X32;
		struct ck_group *g = &m->groups[m->n_groups];
		int rc = build_group(&b, m, grp, ng, g);
		if (rc < 0) {
			free(b.refs);
			free(b.first);
			ck_model_free(m);
			return rc; /* -ENOMEM, or -ELOOP with its diagnostic */
		}
		if (a == SK_ARCH_X32) {
			g->audit_arch = sk_arch_info(SK_ARCH_X86_64)->audit_arch;
			g->arch = SK_ARCH_X86_64;
		}
		g->weight = a == host ? 2.0 : 1.0;
		m->n_groups++;
	}
	free(b.refs);
	free(b.first);
	if (b.conflict.rule != SIZE_MAX) {
		refuse_conflict(p, b.conflict.rule, b.conflict.name, b.conflict.arch, diags);
		ck_model_free(m);
		return -EEXIST;
	}
	return 0;
nomem:
	free(b.refs);
	free(b.first);
	ck_model_free(m);
	return -ENOMEM;
}

void ck_model_free(struct ck_model *m)
{
	for (size_t i = 0; i < m->n_groups; i++)
		free(m->groups[i].ranges);
	free(m->groups);
	for (size_t i = 0; i < m->n_decisions; i++) {
		for (size_t c = 0; c < m->decisions[i].n_chains; c++)
			free(m->decisions[i].chains[c].cmps);
		free(m->decisions[i].chains);
	}
	free(m->decisions);
	memset(m, 0, sizeof *m);
}
