/* SPDX-License-Identifier: Apache-2.0 */
/* The compiler's intermediate form, shared by lib/bpf/compile*.c only.
 *
 * compile_model.c turns a resolved profile into, per audit arch, a function
 * nr -> decision given as sorted ranges covering all of [0, 2^32): exactly what
 * runc 1.1.5 + libseccomp 2.5.4 decide (plus runc's ENOSYS stub). compile_gen.c
 * turns that into classic BPF. Keeping the two apart means the optimizer can
 * never change semantics: it only chooses how to look the function up.
 */
#ifndef SCMPKIT_BPF_COMPILE_INTERNAL_H
#define SCMPKIT_BPF_COMPILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/bpf.h>

#include "util/grow.h"

/* One test of a 32-bit argument word, as libseccomp's tree nodes are:
 * (word & MASK) OP DATUM with OP one of EQ, GT, GE, MASKED_EQ (= EQ after the
 * mask); NEG: the chain needs the test to fail. */
struct ck_cmp {
	unsigned index; /* 0..5 */
	bool hi;        /* the high word (64-bit arches only) */
	bool neg;
	enum sk_op op;
	uint32_t mask, datum;
	/* WIDE: a whole 64-bit comparison arg OP VALUE (NE, LT, LE, GT, GE), where
	 * libseccomp's word nodes for it stand alone (no other rule shares them) */
	bool wide;
	uint64_t value;
};

/* Comparisons ANDed; when all hold the chain returns RET. */
struct ck_chain {
	struct ck_cmp *cmps;
	size_t n;
	uint32_t ret;
	int32_t origin;
};

/* What one syscall number does: chains tried in order, then FALLBACK.
 * n_chains == 0: the decision needs nothing but arch and nr. */
struct ck_decision {
	struct ck_chain *chains;
	size_t n_chains;
	uint32_t ret;    /* fallback */
	int32_t origin;  /* of the fallback */
	bool owned;      /* in a stacked part: this part decides it (else PASS) */
};

struct ck_range {
	uint32_t lo, hi; /* inclusive */
	size_t decision; /* index into ck_model.decisions */
};

struct ck_group {
	uint32_t audit_arch;
	enum sk_arch arch;  /* the arch whose data layout applies (x86_64 for x32) */
	bool bits64;
	bool big_endian;
	struct ck_range *ranges; /* sorted, contiguous, cover 0..UINT32_MAX */
	size_t n_ranges;
	double weight;      /* share of expected calls, orders the arch dispatch */
};

struct ck_model {
	struct ck_group *groups;
	size_t n_groups;
	struct ck_decision *decisions;
	size_t n_decisions, cap_decisions;
	uint32_t bad_arch_ret;
};

/* libseccomp's rule database for one arch (compile_db.c). */
struct ck_args {
	bool valid[6];
	enum sk_op op[6];
	uint64_t mask[6], datum[6]; /* libseccomp's: mask ~0 except MASKED_EQ */
};
struct ck_db;
struct ck_db *ck_db_new(bool bits64);
void ck_db_free(struct ck_db *db);
/* Add one rule for syscall NR (any key: pseudo numbers too). 0, -EEXIST when
 * libseccomp would refuse it (a conflicting rule), -ENOMEM. */
int ck_db_add(struct ck_db *db, int64_t nr, const struct ck_args *a, uint32_t ret,
	      int32_t origin);
/* The decision of NR as ordered chains (D's ret/origin: the unconditional
 * action, else left for the caller's default). 1 when NR has rules, 0 when
 * not, -ENOMEM. */
int ck_db_decision(const struct ck_db *db, int64_t nr, struct ck_decision *d);
/* Numbers with rules: fills up to MAX, returns how many there are. */
size_t ck_db_count(const struct ck_db *db, int64_t *nrs, size_t max);

/* Build the model of resolved profile P for host arch HOST. */
int ck_model_build(const struct sk_profile *p, const struct sk_compile_opts *opts,
		   enum sk_arch host, struct ck_model *m, struct sk_diags *diags);
void ck_model_free(struct ck_model *m);

/* The SECCOMP_RET_* value of rule R (runc: ERRNO/TRACE without errnoRet = EPERM). */
uint32_t ck_rule_ret(enum sk_action a, bool has_errno, uint32_t errno_ret);

/* Generate one program from M; only decisions marked owned are real, the
 * others return ALLOW with SK_ORIGIN_PASS. Returns 0 or -ENOMEM. */
int ck_generate(const struct ck_model *m, struct sk_bpf_prog *out);

#endif
