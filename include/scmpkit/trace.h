/* scmpkit/trace.h — record the syscalls a program really makes.
 *
 * One interface (struct sk_recorder), several backends:
 *   - SK_RECORDER_PTRACE: fork, PTRACE_SEIZE, a seccomp filter that returns
 *     SECCOMP_RET_TRACE for every call (one stop per syscall, no privileges),
 *     execvp. Follows threads, fork/vfork/clone/clone3 and exec; i386 tasks are
 *     recorded under SK_ARCH_X86 from the arch the kernel reports.
 *   - SK_RECORDER_RUNC_AGENT: run an OCI bundle under runc with a profile that
 *     sends every call to a seccomp agent (SCMP_ACT_NOTIFY + listenerPath) and
 *     answer each notification with "continue" (needs root, like runc).
 *   - room for an eBPF backend (near-native speed) behind the same ops.
 *
 * A recording is a struct sk_trace_result: per architecture, the set of
 * syscall numbers seen and, with args on, the values of the arguments profiles
 * usually constrain. sk_trace_to_profile() turns it into an allow-list profile.
 * The library never prints; progress goes through a callback.
 */
#ifndef SCMPKIT_TRACE_H
#define SCMPKIT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>
#include <scmpkit/profile.h>
#include <scmpkit/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the recorded set ------------------------------------------------- */

/* Numbers [base, base + SK_TRACE_NR_SPAN) of each arch go in a bitmap (base is
 * the arch's lowest number: 0, 4000 on MIPS o32, the x32 bit on x32). */
#define SK_TRACE_NR_SPAN 1024
/* Numbers outside the span (ARM's private calls) are kept in a short list. */
#define SK_TRACE_MAX_EXTRA 16
/* Distinct values kept per recorded argument; beyond, the call is allowed
 * without an argument rule. */
#define SK_TRACE_MAX_VALUES 64

/* The arguments --args records: the ones profiles usually constrain. */
enum sk_trace_argkind {
	SK_TARG_CLONE = 0,    /* clone flags (arg 0; arg 0 on every arch for flags) */
	SK_TARG_SOCKET,       /* socket family (arg 0) */
	SK_TARG_PERSONALITY,  /* personality (arg 0) */
	SK_TARG_PRCTL,        /* prctl option (arg 0) */
	SK_TARG_ARCH_PRCTL,   /* arch_prctl code (arg 0) */
	SK_TARG_IOCTL,        /* ioctl request (arg 1) */
	SK_TARG_COUNT
};

struct sk_trace_values {
	uint64_t v[SK_TRACE_MAX_VALUES];
	unsigned n;
	bool overflow; /* more distinct values than fit: no argument rule */
};

struct sk_trace_archset {
	bool seen;
	int64_t base;
	uint64_t bits[SK_TRACE_NR_SPAN / 64];
	int64_t extra[SK_TRACE_MAX_EXTRA];
	unsigned n_extra;
	uint64_t dropped; /* numbers outside the span once extra[] was full */
	int64_t arg_nr[SK_TARG_COUNT]; /* each kind's syscall number here, -1 none */
	struct sk_trace_values values[SK_TARG_COUNT];
};

/* How the recorded command ended (the main process: the one scmpkit started). */
struct sk_trace_exit {
	bool known;     /* false when the recorder could not observe it */
	bool signaled;  /* killed by SIG (core: dumped core) */
	int code;       /* exit code when !signaled */
	int sig;
	bool core;
};

struct sk_trace_result {
	bool with_args;
	size_t distinct; /* distinct (arch, nr) pairs */
	uint64_t stops;  /* syscalls observed */
	struct sk_trace_exit exit;
	struct sk_trace_archset arch[SK_ARCH_COUNT];
};

/* Empty set; WITH_ARGS turns on argument recording. */
void sk_trace_result_init(struct sk_trace_result *r, bool with_args);
/* Record one call. ARGS may be NULL. Returns true when (arch, nr) is new.
 * Never allocates: cheap enough for every ptrace stop. */
bool sk_trace_result_add(struct sk_trace_result *r, enum sk_arch arch, int64_t nr,
			 const uint64_t args[6]);
bool sk_trace_result_has(const struct sk_trace_result *r, enum sk_arch arch, int64_t nr);
/* Union: every call and value of SRC into DST. */
void sk_trace_result_merge(struct sk_trace_result *dst, const struct sk_trace_result *src);
/* Iterate the numbers seen on ARCH in ascending order: start with *cursor = 0;
 * returns false past the end. */
bool sk_trace_result_next(const struct sk_trace_result *r, enum sk_arch arch,
			  size_t *cursor, int64_t *nr);
/* Name of an argument kind ("clone flags") and the syscall it belongs to. */
const char *sk_trace_argkind_name(enum sk_trace_argkind k);
const char *sk_trace_argkind_syscall(enum sk_trace_argkind k);
unsigned sk_trace_argkind_index(enum sk_trace_argkind k);

/* ---- recorders -------------------------------------------------------- */

enum sk_recorder_kind {
	SK_RECORDER_PTRACE = 0,
	SK_RECORDER_RUNC_AGENT,
};

struct sk_record_opts {
	char *const *argv;        /* PTRACE: the command (argv[0] looked up in PATH) */
	const char *bundle;       /* RUNC_AGENT: OCI bundle directory */
	const char *runtime;      /* RUNC_AGENT: runtime binary, NULL = "runc" */
	bool args;                /* record argument values */
	/* Called (from the recording thread) whenever the distinct count grows. */
	void (*progress)(void *ctx, size_t distinct);
	void *progress_ctx;
};

struct sk_recorder;

/* Backend operations: start the workload, run it to completion, hand over the
 * result. A new backend fills one of these. */
struct sk_recorder_ops {
	const char *name;
	size_t size; /* of the backend's state, which begins with struct sk_recorder */
	int (*start)(struct sk_recorder *r, struct sk_diags *d);
	int (*run)(struct sk_recorder *r, struct sk_diags *d);
	void (*destroy)(struct sk_recorder *r);
};

struct sk_recorder {
	const struct sk_recorder_ops *ops;
	struct sk_record_opts opts;
	struct sk_trace_result *result;
};

struct sk_recorder *sk_recorder_new(enum sk_recorder_kind kind, const struct sk_record_opts *o);
/* Start the workload (fork + exec, or the runtime). 0 or -errno with a diag. */
int sk_recorder_start(struct sk_recorder *r, struct sk_diags *d);
/* Run until every traced task has gone. 0 or -errno with a diag; the
 * workload's own exit status is in the result, not the return value. */
int sk_recorder_run(struct sk_recorder *r, struct sk_diags *d);
const struct sk_trace_result *sk_recorder_result(const struct sk_recorder *r);
void sk_recorder_free(struct sk_recorder *r);

/* ---- result -> profile ------------------------------------------------ */

struct sk_trace_profile_opts {
	enum sk_action default_action; /* ERRNO (EPERM), LOG or KILL_PROCESS */
	uint32_t default_errno;        /* for ERRNO; 0 = EPERM */
	const char *runtime;           /* "runc": add its late calls; NULL none */
	bool essentials;               /* add P7 essentials and vDSO calls (default true) */
	const char *what;              /* "ls -l": named in the recorded rule's comment */
};

/* An allow-list profile of everything in R: architectures = the native arch
 * plus every other arch seen; one rule with the recorded calls, then rules
 * (each with a comment saying why) for the P7 essentials, the vDSO calls and
 * the runtime's calls that were not recorded; with args, argument rules. */
struct sk_profile *sk_trace_to_profile(const struct sk_trace_result *r,
				       const struct sk_trace_profile_opts *o,
				       struct sk_diags *d);


#ifdef __cplusplus
}
#endif
#endif
