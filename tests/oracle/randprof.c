/* SPDX-License-Identifier: Apache-2.0 */
/* Random OCI profiles for the equivalence proof and the fuzzer. A small,
 * seeded generator (splitmix64): the same seed gives the same profile, so a
 * failing case is reproduced by its seed alone. */
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

/* Names whose handling differs between arches or between scmpkit's tables and
 * libseccomp 2.5.4's: multiplexers, arch-only calls, calls newer than it, and
 * one that exists nowhere. */
static const char *const special_names[] = {
	"socketcall", "ipc", "open", "_llseek", "mmap2", "arm_fadvise64_64", "clone3",
	"futex_waitv", "mseal", "statmount", "listmount", "cachestat", "fchmodat2",
	"map_shadow_stack", "set_thread_area", "arch_prctl", "uretprobe", "no_such_call",
	"socket", "clone", "futex", "ioctl", "personality", "write", "kill",
};

/* Little-endian arches libseccomp 2.5.4 knows besides the native x86_64.
 * (libseccomp refuses to mix byte orders in one filter, -EDOM, and so runc
 * refuses such profiles; big-endian ones are added to a few profiles only, to
 * test that refusal.) */
static const enum sk_arch extra_arches[] = {
	SK_ARCH_X86, SK_ARCH_X32, SK_ARCH_AARCH64, SK_ARCH_ARM, SK_ARCH_PPC64LE,
	SK_ARCH_MIPSEL, SK_ARCH_MIPSEL64, SK_ARCH_RISCV64,
};
static const enum sk_arch big_endian_arches[] = {SK_ARCH_S390X, SK_ARCH_MIPS64, SK_ARCH_PPC};

static const enum sk_action rule_actions[] = {
	SK_ACT_ALLOW, SK_ACT_ALLOW, SK_ACT_ALLOW, SK_ACT_ERRNO, SK_ACT_ERRNO,
	SK_ACT_KILL_THREAD, SK_ACT_KILL_PROCESS, SK_ACT_TRAP, SK_ACT_TRACE, SK_ACT_LOG,
	SK_ACT_NOTIFY,
};
static const enum sk_action default_actions[] = {
	SK_ACT_ERRNO, SK_ACT_ERRNO, SK_ACT_KILL_THREAD, SK_ACT_KILL_PROCESS, SK_ACT_TRAP,
	SK_ACT_ALLOW, SK_ACT_LOG, SK_ACT_TRACE,
};

/* Values around 32-bit boundaries: where a compiler splitting 64-bit compares
 * into two 32-bit halves goes wrong. */
static uint64_t value(struct rng *r)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0xff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000,
		0x100000001, 0xffffffff00000000, 0xfffffffffffffffe, 0xffffffffffffffff,
		0x8000000000000000,
	};
	switch (below(r, 4)) {
	case 0: return edges[below(r, sizeof edges / sizeof edges[0])];
	case 1: return below(r, 64);
	case 2: return (uint32_t)next(r);
	default: return next(r);
	}
}

static void add_args(struct rng *r, struct sk_rule *rule)
{
	unsigned n = below(r, 3) ? 0 : 1 + below(r, 3);
	for (unsigned i = 0; i < n; i++) {
		/* Now and then the same index twice: runc ORs those as separate rules. */
		unsigned idx = i && below(r, 4) == 0 ? rule->args[0].index : below(r, 6);
		enum sk_op op = (enum sk_op)(1 + below(r, SK_OP_COUNT - 1));
		uint64_t v = value(r), v2 = 0;
		if (op == SK_OP_MASKED_EQ) {
			v2 = value(r);
			if (below(r, 4)) /* usually a datum inside the mask */
				v2 &= v;
		}
		sk_rule_add_arg(rule, idx, op, v, v2);
	}
}

static const char *random_name(struct rng *r, const char *const *pool, size_t n_pool)
{
	return pool[below(r, (unsigned)n_pool)];
}

struct sk_profile *randprof_make(uint64_t seed)
{
	struct rng r = {seed};
	struct sk_profile *p = sk_profile_new();
	if (!p)
		return NULL;
	p->default_action = default_actions[below(&r, sizeof default_actions / sizeof default_actions[0])];
	if (p->default_action == SK_ACT_ERRNO || p->default_action == SK_ACT_TRACE) {
		p->has_default_errno_ret = below(&r, 2);
		p->default_errno_ret = 1 + below(&r, 200);
	}
	sk_profile_add_arch(p, SK_ARCH_X86_64);
	for (size_t i = 0; i < sizeof extra_arches / sizeof extra_arches[0]; i++)
		if (below(&r, 4) == 0)
			sk_profile_add_arch(p, extra_arches[i]);
	if (below(&r, 20) == 0)
		sk_profile_add_arch(p, big_endian_arches[below(&r, 3)]);

	/* A per-profile pool of names: small pools make rules overlap (the same
	 * call in several rules), large ones spread over the table. */
	size_t n_pool = 4 + below(&r, 60);
	const char **pool = calloc(n_pool, sizeof *pool);
	if (!pool) {
		sk_profile_free(p);
		return NULL;
	}
	size_t total = sk_syscall_count(SK_ARCH_X86_64);
	for (size_t i = 0; i < n_pool; i++) {
		if (below(&r, 4) == 0) {
			pool[i] = special_names[below(&r, sizeof special_names / sizeof special_names[0])];
		} else {
			const char *name;
			int64_t nr;
			sk_syscall_at(SK_ARCH_X86_64, below(&r, (unsigned)total), &name, &nr);
			pool[i] = name;
		}
	}
	unsigned n_rules = 1 + below(&r, 25);
	for (unsigned i = 0; i < n_rules; i++) {
		enum sk_action a = rule_actions[below(&r, sizeof rule_actions / sizeof rule_actions[0])];
		const char *first = random_name(&r, pool, n_pool);
		if (a == SK_ACT_NOTIFY && !strcmp(first, "write"))
			a = SK_ACT_ALLOW; /* runc refuses it outright; tested elsewhere */
		struct sk_rule *rule = sk_profile_add_rule(p, &first, 1, a);
		if (!rule)
			break;
		unsigned more = below(&r, 3) ? below(&r, 3) : below(&r, 12);
		for (unsigned k = 0; k < more; k++) {
			const char *name = random_name(&r, pool, n_pool);
			if (!(a == SK_ACT_NOTIFY && !strcmp(name, "write")))
				sk_rule_add_name(rule, name);
		}
		if (a == SK_ACT_ERRNO || a == SK_ACT_TRACE) {
			rule->has_errno_ret = below(&r, 3) != 0;
			rule->errno_ret = 1 + below(&r, 4000);
		}
		add_args(&r, rule);
	}
	free(pool);
	return p;
}

struct sk_profile *randprof_split(const struct sk_profile *p)
{
	/* resolved and random profiles only: no Docker conditions to carry */
	struct sk_profile *q = sk_profile_new();
	if (!q)
		return NULL;
	q->default_action = p->default_action;
	q->has_default_errno_ret = p->has_default_errno_ret;
	q->default_errno_ret = p->default_errno_ret;
	q->has_flags = p->has_flags;
	q->flags = p->flags;
	q->pos = p->pos;
	q->default_action_pos = p->default_action_pos;
	for (size_t i = 0; i < p->n_arches; i++)
		if (sk_profile_add_arch(q, p->arches[i]) < 0)
			goto fail;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		for (size_t j = 0; j < r->n_names; j++) {
			const char *name = r->names[j];
			struct sk_rule *one = sk_profile_add_rule(q, &name, 1, r->action);
			if (!one)
				goto fail;
			one->has_errno_ret = r->has_errno_ret;
			one->errno_ret = r->errno_ret;
			one->pos = r->pos;
			one->action_pos = r->action_pos;
			one->name_pos[0] = r->name_pos ? r->name_pos[j] : r->pos;
			for (size_t k = 0; k < r->n_args; k++)
				if (sk_rule_add_arg(one, r->args[k].index, r->args[k].op,
						    r->args[k].value, r->args[k].value_two) < 0)
					goto fail;
		}
	}
	return q;
fail:
	sk_profile_free(q);
	return NULL;
}
