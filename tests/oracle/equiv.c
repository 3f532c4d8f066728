/* SPDX-License-Identifier: Apache-2.0 */
/* The equivalence check: scmpkit's filter set and libseccomp's program must
 * return the same value for every input that matters. Inputs: every syscall
 * number 0..1023 of each arch (from the ABI base on MIPS, the x32 range on
 * x86_64's audit arch), a foreign arch, and for calls with argument rules,
 * values around each compared constant — equal, ±1, across the 32-bit boundary,
 * inside and outside masks. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define MAX_VECS 512

struct vecs {
	uint64_t v[MAX_VECS][6];
	size_t n;
};

static void push(struct vecs *vs, const uint64_t a[6], uint64_t mask)
{
	if (vs->n == MAX_VECS)
		return;
	for (int i = 0; i < 6; i++)
		vs->v[vs->n][i] = a[i] & mask;
	vs->n++;
}

/* A value for which ARG's condition holds. */
static uint64_t satisfying(const struct sk_arg *a)
{
	switch (a->op) {
	case SK_OP_NE: return a->value + 1;
	case SK_OP_LT: return a->value ? a->value - 1 : 0;
	case SK_OP_GT: return a->value + 1;
	case SK_OP_MASKED_EQ: return a->value_two;
	default: return a->value; /* EQ, LE, GE */
	}
}

static size_t candidates(const struct sk_arg *a, uint64_t out[24])
{
	size_t n = 0;
	uint64_t c = a->op == SK_OP_MASKED_EQ ? a->value_two : a->value;
	const uint64_t hi = 0xffffffff00000000ull;
	uint64_t base[] = {
		c, c - 1, c + 1, c ^ (1ull << 32), c ^ hi, c & 0xffffffffu, c | hi,
		c ^ (1ull << 31), c + (1ull << 32), c - (1ull << 32), ~c,
	};
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		out[n++] = base[i];
	if (a->op == SK_OP_MASKED_EQ) {
		uint64_t m = a->value;
		out[n++] = c | ~m;                    /* bits outside the mask set */
		out[n++] = c ^ (m & -m);              /* lowest mask bit flipped */
		out[n++] = c ^ ((m & hi) & -(m & hi)); /* lowest high-word mask bit */
		out[n++] = c & m;
		out[n++] = m;
	}
	return n;
}

/* Every rule name's number on the arch being compared, in rule order. */
struct numbers {
	int64_t *mine;
	int64_t *excluded;
	size_t n_excluded;
};

static void arg_vectors(const struct sk_profile *p, const struct numbers *nums, int64_t nr,
			struct vecs *vs, uint64_t mask)
{
	static const uint64_t zero[6] = {0};
	static const uint64_t ones[6] = {~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull};
	static const uint64_t mixed[6] = {1, 0xffffffffull, 0x100000000ull, 2, 0x80000000ull, 3};
	vs->n = 0;
	push(vs, zero, mask);
	push(vs, ones, mask);
	push(vs, mixed, mask);
	size_t at = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		bool named = false;
		for (size_t j = 0; j < r->n_names; j++, at++)
			named = named || nums->mine[at] == nr;
		if (!named || !r->n_args)
			continue;
		uint64_t s[6] = {0};
		for (size_t k = 0; k < r->n_args; k++)
			s[r->args[k].index % 6] = satisfying(&r->args[k]);
		push(vs, s, mask);
		for (size_t k = 0; k < r->n_args; k++) {
			uint64_t c[24];
			size_t nc = candidates(&r->args[k], c);
			for (size_t m = 0; m < nc; m++) {
				uint64_t t[6];
				memcpy(t, s, sizeof t);
				t[r->args[k].index % 6] = c[m];
				push(vs, t, mask);
			}
		}
	}
}

static size_t count_names(const struct sk_profile *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		n += p->rules[i].n_names;
	return n;
}

/* Numbers not to compare on ARCH: where a name the profile uses is unknown to
 * libseccomp 2.5.4 there, or where its number differs from scmpkit's table. */
static int numbers_init(struct numbers *nums, const struct sk_profile *p, enum sk_arch arch)
{
	size_t n = count_names(p);
	nums->mine = calloc(n + 1, sizeof *nums->mine);
	nums->excluded = calloc(2 * n + 1, sizeof *nums->excluded);
	nums->n_excluded = 0;
	if (!nums->mine || !nums->excluded)
		return -1;
	size_t at = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++, at++) {
			const char *name = p->rules[i].names[j];
			int64_t mine = sk_syscall_nr(arch, name);
			int64_t theirs = oracle_syscall_nr(arch, name);
			nums->mine[at] = mine;
			if (mine == theirs)
				continue;
			if (mine >= 0)
				nums->excluded[nums->n_excluded++] = mine;
			if (theirs >= 0)
				nums->excluded[nums->n_excluded++] = theirs;
		}
	return 0;
}

static bool excluded(const struct numbers *nums, int64_t nr)
{
	for (size_t i = 0; i < nums->n_excluded; i++)
		if (nums->excluded[i] == nr)
			return true;
	return false;
}

static void numbers_free(struct numbers *nums)
{
	free(nums->mine);
	free(nums->excluded);
}

static int64_t number_base(enum sk_arch arch)
{
	if (arch == SK_ARCH_X32)
		return SK_X32_SYSCALL_BIT;
	const char *name;
	int64_t first = 0;
	sk_syscall_at(arch, 0, &name, &first);
	return first >= 1000 ? first / 1000 * 1000 : 0;
}

static void describe(char *out, size_t size, uint32_t audit, int64_t nr, const uint64_t a[6],
		     uint32_t mine, uint32_t theirs, int e1, int e2)
{
	char b1[32], b2[32];
	enum sk_arch arch = sk_arch_from_audit(audit, (uint32_t)nr);
	const struct sk_arch_info *ai = sk_arch_info(arch);
	const char *name = ai ? sk_syscall_name(arch, nr) : NULL;
	snprintf(out, size,
		 "arch %s (0x%08" PRIx32 ") nr %" PRId64 " (%s) args [%" PRIx64 " %" PRIx64
		 " %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64 "]: scmpkit %s%s, libseccomp %s%s",
		 ai ? ai->short_name : "foreign", audit, nr, name ? name : "?", a[0], a[1], a[2],
		 a[3], a[4], a[5], sk_ret_format(mine, b1, sizeof b1), e1 ? " (run error)" : "",
		 sk_ret_format(theirs, b2, sizeof b2), e2 ? " (run error)" : "");
}

static void compare_one(const struct sk_filter_set *set, const struct sk_bpf_prog *theirs,
			const struct oracle_ref *ref, uint32_t audit, int64_t nr,
			const uint64_t args[6], struct equiv_report *rep)
{
	struct sk_seccomp_data d = {.nr = (int32_t)nr, .arch = audit,
				    .instruction_pointer = 0x7f0012345678ull};
	memcpy(d.args, args, sizeof d.args);
	struct sk_run_result r1 = {0}, r2 = {0};
	int e1 = sk_filter_set_run(set, &d, &r1);
	int e2 = sk_bpf_run(theirs, &d, &r2);
	rep->points++;
	bool differ = e1 || e2 || r1.ret != r2.ret;
	if (ref && !e1 && !e2) {
		uint32_t want = oracle_ref_eval(ref, &d);
		if (differ && r1.ret == want) {
			/* scmpkit does what libseccomp's own database says; its BPF
			 * does not */
			if (!rep->libseccomp_bugs)
				describe(rep->first_bug, sizeof rep->first_bug, audit, nr, args,
					 r1.ret, r2.ret, 0, 0);
			rep->libseccomp_bugs++;
			return;
		}
		if (!differ && want != r2.ret) {
			/* the reference contradicts libseccomp where scmpkit agrees
			 * with it: the reference is wrong, which the test must see */
			rep->ref_disagrees++;
			if (!rep->mismatches)
				describe(rep->first, sizeof rep->first, audit, nr, args, want, r2.ret,
					 0, 0);
			rep->mismatches++;
			return;
		}
	}
	if (differ) {
		if (!rep->mismatches)
			describe(rep->first, sizeof rep->first, audit, nr, args, r1.ret, r2.ret, e1,
				 e2);
		rep->mismatches++;
	}
}

int equiv_compare(const struct sk_profile *p, const struct sk_filter_set *set,
		  const struct sk_bpf_prog *theirs, struct equiv_report *rep)
{
	return equiv_compare_ref(p, set, theirs, NULL, rep);
}

int equiv_compare_ref(const struct sk_profile *p, const struct sk_filter_set *set,
		      const struct sk_bpf_prog *theirs, const struct oracle_ref *ref,
		      struct equiv_report *rep)
{
	memset(rep, 0, sizeof *rep);
	struct vecs *vs = malloc(sizeof *vs);
	if (!vs)
		return -1;
	enum sk_arch arches[SK_ARCH_COUNT + 1];
	size_t n = 0;
	bool seen[SK_ARCH_COUNT] = {false};
	arches[n++] = sk_arch_native();
	seen[sk_arch_native()] = true;
	for (size_t i = 0; i < p->n_arches; i++)
		if (!seen[p->arches[i]]) {
			seen[p->arches[i]] = true;
			arches[n++] = p->arches[i];
		}
	/* x32 numbers arrive on x86_64's audit arch whether or not x32 is listed. */
	if (seen[SK_ARCH_X86_64] && !seen[SK_ARCH_X32])
		arches[n++] = SK_ARCH_X32;
	for (size_t i = 0; i < n; i++) {
		enum sk_arch a = arches[i];
		const struct sk_arch_info *ai = sk_arch_info(a);
		/* 32-bit ABIs deliver arguments zero-extended: their high words are 0. */
		uint64_t mask = ai->bits == 32 && a != SK_ARCH_X32 ? 0xffffffffull : ~0ull;
		int64_t base = number_base(a);
		struct numbers nums;
		if (numbers_init(&nums, p, a) < 0) {
			numbers_free(&nums);
			free(vs);
			return -1;
		}
		for (int64_t nr = base; nr < base + 1024; nr++) {
			if (excluded(&nums, nr)) {
				rep->excluded++;
				continue;
			}
			arg_vectors(p, &nums, nr, vs, mask);
			for (size_t k = 0; k < vs->n; k++)
				compare_one(set, theirs, ref, ai->audit_arch, nr, vs->v[k], rep);
		}
		numbers_free(&nums);
		static const int64_t odd[] = {-1, 0x3fffffff, 0x7fffffff, 0x40000000 + 4096, 100000};
		static const uint64_t zero[6] = {0};
		for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++)
			compare_one(set, theirs, ref, ai->audit_arch, odd[k], zero, rep);
	}
	/* A foreign arch: the bad-arch action in both. */
	static const uint32_t foreign[] = {0xdeadbeef, 0x4000003e /* x32's token, not an audit arch */};
	static const uint64_t zero[6] = {0};
	for (size_t f = 0; f < 2; f++)
		for (int64_t nr = 0; nr < 64; nr++)
			compare_one(set, theirs, ref, foreign[f], nr, zero, rep);
	for (int a = 0; a < SK_ARCH_COUNT; a++)
		if (!seen[a] && !(a == SK_ARCH_X32 && seen[SK_ARCH_X86_64]))
			compare_one(set, theirs, ref, sk_arch_info(a)->audit_arch, 1, zero, rep);
	free(vs);
	return 0;
}
