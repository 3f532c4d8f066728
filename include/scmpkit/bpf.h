/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/bpf.h — seccomp BPF programs: compile, run, disassemble, serialize.
 *
 * A profile compiles to a filter set: usually one classic-BPF program, several
 * stacked ones when a single program would pass the kernel's 4096-instruction
 * limit (the kernel applies the most restrictive result of all of them). Every
 * return instruction remembers which profile rule produced it, so `explain` can
 * point back to file:line.
 */
#ifndef SCMPKIT_BPF_H
#define SCMPKIT_BPF_H

#include <linux/filter.h> /* struct sock_filter */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>
#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's limits (kernel/seccomp.c, BPF_MAXINSNS). */
#define SK_BPF_MAXINSNS 4096
#define SK_BPF_MAX_TOTAL_INSNS 32768 /* MAX_INSNS_PER_PATH: all stacked filters together */

/* Origin of a return instruction (sk_bpf_prog.origin): a rule index >= 0, or: */
enum {
	SK_ORIGIN_NONE = -1,    /* not a return instruction */
	SK_ORIGIN_DEFAULT = -2, /* the profile's default action */
	SK_ORIGIN_ENOSYS = -3,  /* runc's ENOSYS rule for numbers above the profile's highest */
	SK_ORIGIN_BADARCH = -4, /* the bad-architecture action */
	SK_ORIGIN_PASS = -5,    /* in a stacked part: a call another part owns (ALLOW) */
};

struct sk_bpf_prog {
	struct sock_filter *insns;
	size_t len;
	int32_t *origin; /* len entries (may be NULL for programs read from bytes) */
};

struct sk_filter_set {
	struct sk_bpf_prog *progs; /* installed in order; each must pass alone */
	size_t n;
	unsigned flags; /* SK_FLAG_* from the profile, for whoever installs it */
	const struct sk_profile *source; /* the resolved profile rule origins index into
	                                    (owned by the set: freed with it) */
};

struct sk_compile_opts {
	enum sk_arch host;          /* archMap / Docker arch conditions; INVALID = native */
	bool no_enosys;             /* turn runc's ENOSYS rule off */
	enum sk_action bad_arch;    /* action for foreign arches; SK_ACT_INVALID = KILL_THREAD
	                               (libseccomp's default, which runc keeps) */
	const char **caps;          /* Docker includes/excludes: NULL = default caps */
	size_t n_caps;
	int kernel_major, kernel_minor; /* <0 = running kernel */
	unsigned optimize;          /* 0 = straightforward, 1 = default (all passes) */
};

/* Initialise OPTS with the defaults above. */
void sk_compile_opts_init(struct sk_compile_opts *opts);

/* Compile P (any format: Docker conditions are resolved for opts->host first).
 * Returns 0, or a negative errno with an error in DIAGS (for instance a filter
 * that cannot be split under the kernel's limits). Notes (a name unknown on one
 * arch, a rule runc would skip) go to DIAGS as notes/warnings. */
int sk_compile(const struct sk_profile *p, const struct sk_compile_opts *opts,
	       struct sk_filter_set *out, struct sk_diags *diags);

void sk_filter_set_free(struct sk_filter_set *set);
void sk_bpf_prog_free(struct sk_bpf_prog *prog);

/* ---- running -------------------------------------------------------------- */

/* The kernel's struct seccomp_data. */
struct sk_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

struct sk_run_result {
	uint32_t ret;      /* SECCOMP_RET_* | data */
	size_t executed;   /* instructions executed */
	size_t ret_pc;     /* index of the return instruction */
	size_t prog;       /* in a set: which program decided */
};

/* Run one program as the kernel would. Returns 0, or -EINVAL for a program the
 * kernel would have rejected at load time (then RES is undefined). */
int sk_bpf_run(const struct sk_bpf_prog *prog, const struct sk_seccomp_data *data,
	       struct sk_run_result *res);

/* Run every program of a set; the result is the kernel's: the most restrictive
 * action (lowest SECCOMP_RET_ACTION_FULL precedence), executed counts summed. */
int sk_filter_set_run(const struct sk_filter_set *set, const struct sk_seccomp_data *data,
		      struct sk_run_result *res);

/* The kernel's load-time checks (seccomp_check_filter + bpf_check_classic):
 * length, opcodes, jump targets, loads only from seccomp_data, ends in RET.
 * Returns 0 or -EINVAL with the reason in DIAGS. */
int sk_bpf_validate(const struct sk_bpf_prog *prog, struct sk_diags *diags);

/* SECCOMP_RET_* value of an action with its data (errno, trace message). */
uint32_t sk_action_to_ret(enum sk_action a, uint32_t data);
/* And back: the action of a return value; DATA gets its low 16 bits. */
enum sk_action sk_ret_to_action(uint32_t ret, uint32_t *data);
/* Precedence as the kernel applies it across stacked filters: lower wins. */
int sk_ret_precedence(uint32_t ret);
/* "ALLOW", "ERRNO(1)", "KILL_PROCESS", "TRACE(5)", ... into BUF. */
const char *sk_ret_format(uint32_t ret, char *buf, size_t size);

/* ---- text and bytes -------------------------------------------------------- */

/* Disassemble, one instruction a line, naming syscalls for ARCH when a compare
 * follows a load of nr ("if (A != openat) goto 12") and arguments by name
 * ("A = args[0].lo"). ARCH SK_ARCH_INVALID: infer from the program's arch checks.
 * Returns a new string (caller frees). */
char *sk_bpf_disasm(const struct sk_bpf_prog *prog, enum sk_arch arch);
/* Every program of SET, in order. Each names syscalls by the arch its own
 * checks select (a filter for x86_64 and x86 names each part's numbers from
 * its own table) unless ARCH forces one. INSTALLED (filters read from a
 * process): each program headed "# filter I of N (LEN instructions)", the last
 * "most recently installed"; otherwise (a compiled set) headed only when
 * stacked. Returns a new string (caller frees), NULL on ENOMEM. */
char *sk_filter_set_disasm(const struct sk_filter_set *set, enum sk_arch arch, bool installed);

/* Bytes as seccomp(2) takes them (struct sock_filter, host byte order), the same
 * form as libseccomp's seccomp_export_bpf. */
int sk_bpf_from_bytes(const void *data, size_t len, struct sk_bpf_prog *out,
		      struct sk_diags *diags, const char *file);
/* Serialize: raw bytes (caller frees *OUT), C array source, or assembly text. */
int sk_bpf_to_bytes(const struct sk_bpf_prog *prog, void **out, size_t *len);
char *sk_bpf_to_c(const struct sk_filter_set *set, const char *name);

#ifdef __cplusplus
}
#endif
#endif
