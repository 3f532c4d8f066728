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

/* One argument comparison, already reduced to what the arch compares
 * (32-bit arches: low words only, as libseccomp does). */
struct ck_cmp {
	unsigned index; /* 0..5 */
	enum sk_op op;
	uint64_t value, value_two; /* MASKED_EQ: (arg & value) == value_two,
	                              value_two already masked (libseccomp) */
	bool lo_only; /* 32-bit arch: only the low word is compared */
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
