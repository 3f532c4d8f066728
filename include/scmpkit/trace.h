/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/trace.h — record the syscalls a program really makes.
 *
 * One interface (struct sk_recorder), several backends, one file each:
 *   - SK_RECORDER_PTRACE: fork, PTRACE_SEIZE, a seccomp filter that returns
 *     SECCOMP_RET_TRACE for every call (one stop per syscall, no privileges),
 *     execvp. Follows threads, fork/vfork/clone/clone3 and exec; i386 tasks are
 *     recorded under SK_ARCH_X86 from the arch the kernel reports.
 *   - SK_RECORDER_RUNC_AGENT: run an OCI bundle under runc with a profile that
 *     sends every call to a seccomp agent (SCMP_ACT_NOTIFY + listenerPath) and
 *     answer each notification with "continue" (needs root, like runc).
 *   - SK_RECORDER_EBPF: a raw_tracepoint program on sys_enter sets bits in
 *     per-arch bitmaps for the target tasks (near-native speed; root, or
 *     CAP_BPF + CAP_PERFMON). Records a command it starts, or what already
 *     runs: a pid and its descendants, a cgroup v2 subtree, a runc container.
 *
 * A recording is a struct sk_trace_result: per architecture, the set of
 * syscall numbers seen and, with args on, the values of the arguments profiles
 * usually constrain. sk_trace_to_profile() turns it into an allow-list profile;
 * sk_record_run() does the whole job (start, record, profile, merge, emit).
 * The library never prints; progress goes through a callback.
 */
#ifndef SCMPKIT_TRACE_H
#define SCMPKIT_TRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
	int wstatus;    /* as waitpid(2) gave it, when known */
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
	SK_RECORDER_EBPF,
};

struct sk_record_opts {
	char *const *argv;        /* PTRACE, EBPF: the command (argv[0] looked up in PATH) */
	const char *bundle;       /* RUNC_AGENT: OCI bundle directory */
	const char *runtime;      /* RUNC_AGENT, --container: runtime binary, NULL = "runc" */
	/* EBPF only, what already runs (at most one; none: argv): */
	pid_t pid;                /* this process and every one it starts from now on */
	const char *cgroup;       /* every process in this cgroup v2 directory and below */
	const char *container;    /* a container of RUNTIME, by id */
	const char *runtime_root; /* the runtime's state directory (--root), NULL: its default */
	uint64_t duration_ms;     /* stop after this long; 0: when the targets are gone */
	bool args;                /* record argument values */
	/* Called (from the recording thread) whenever the distinct count grows;
	 * the eBPF backend calls it ten times a second, grown or not. */
	void (*progress)(void *ctx, size_t distinct);
	void *progress_ctx;
	/* sk_record_run: called once recording has begun (after a pid tree or a
	 * cgroup was seeded), with what is recorded ("pid 42 and its descendants",
	 * escaped); same context as progress. */
	void (*started)(void *ctx, const char *what);
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

/* What a signal sent to scmpkit does to a recording (sk_recorder_signal).
 * Written from a signal handler: only sig_atomic_t and plain stores. */
struct sk_record_signals {
	volatile sig_atomic_t stop;     /* end the recording now */
	volatile sig_atomic_t stop_sig; /* the signal that asked for it */
	volatile sig_atomic_t relayed;  /* SIGINT/SIGTERM passed on so far */
	volatile pid_t relay_pid;       /* launch: the command (or the runtime); 0
					 * before it starts and once it is reaped */
	volatile pid_t kill_pid;        /* launch: SIGKILLed on a second SIGINT/SIGTERM */
	volatile sig_atomic_t last_sig; /* the last signal passed on, its sender and time: */
	volatile pid_t last_sender;     /* a copy within 500 ms is the group-wide kill */
	volatile long long last_ms;     /* that timeout(1) and `kill 0` also send */
	int wake[2];                    /* a byte written here wakes a polling backend */
};

struct sk_record_job;

struct sk_recorder {
	const struct sk_recorder_ops *ops;
	struct sk_record_opts opts;
	struct sk_trace_result *result;
	bool attach;                  /* records what already runs (pid, cgroup, container) */
	bool from_start;              /* ... but from its start: a container created, not started */
	bool incomplete;              /* calls may be missing: a diag says which and why */
	int exec_errno;               /* the command could not be executed */
	struct sk_record_signals sig;
	struct sk_record_job *job;    /* what sk_record_new was asked; NULL otherwise */
};

struct sk_recorder *sk_recorder_new(enum sk_recorder_kind kind, const struct sk_record_opts *o);
/* Start the workload (fork + exec, or the runtime). 0 or -errno with a diag. */
int sk_recorder_start(struct sk_recorder *r, struct sk_diags *d);
/* Run until every traced task has gone. 0 or -errno with a diag; the
 * workload's own exit status is in the result, not the return value. */
int sk_recorder_run(struct sk_recorder *r, struct sk_diags *d);
const struct sk_trace_result *sk_recorder_result(const struct sk_recorder *r);
void sk_recorder_free(struct sk_recorder *r);

/* A signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) sent to scmpkit while R records;
 * async-signal-safe, for the caller's SA_SIGINFO handler. What already runs
 * (pid, cgroup, container): any of them ends the recording. A command or a
 * bundle: a signal sent to scmpkit itself (si_code SI_USER or SI_QUEUE) is
 * passed on to it (through runc for a bundle) and the recording goes on while
 * it shuts down; a second SIGINT or SIGTERM ends the recording at once (the
 * command is killed). A terminal's ^C reaches the command through its process
 * group already, so signals the kernel sent are not passed on. Once the
 * command has exited (descendants still recorded), any of them ends it. */
void sk_recorder_signal(struct sk_recorder *r, const siginfo_t *si);

/* ---- the whole job: choose, record, write ----------------------------- */

enum sk_record_backend {
	SK_BACKEND_AUTO = 0, /* eBPF where the caller may load BPF programs, else ptrace */
	SK_BACKEND_PTRACE,
	SK_BACKEND_EBPF,
};

struct sk_trace_profile_opts;

/* Whether this process could record with the eBPF backend: 0, or -errno and a
 * sentence (static) saying what is missing (privileges, BTF, build option). */
int sk_record_ebpf_usable(const char **why);

struct sk_record_request {
	struct sk_record_opts rec;
	enum sk_record_backend backend;
	const char *append;       /* a profile file the recording is merged into */
	enum sk_format format;    /* of the text written */
	/* default action, runtime (late calls), essentials; `what` is filled in */
	const struct sk_trace_profile_opts *profile;
};

struct sk_record_outcome {
	char *text;           /* the profile (caller frees); NULL when none was made */
	const char *backend;  /* the recorder that ran: "ebpf", "ptrace", "runc-agent" */
	size_t distinct;      /* distinct (arch, syscall) pairs recorded */
	struct sk_trace_exit exit; /* the command's (launch), when known */
	int stopped_by;       /* a launch ended early by this signal (the second
			       * SIGINT/SIGTERM), 0 otherwise */
	int exec_errno;       /* the command could not be run: ENOENT, EACCES... */
	bool incomplete;      /* calls may be missing from the profile (a diag says
			       * which and why): the caller must not exit 0 */
};

/* Check REQ (exit-2 errors go to D), load the profile to append to, choose
 * the backend (a note in D says which, and why when it is not eBPF). */
struct sk_recorder *sk_record_new(const struct sk_record_request *req, struct sk_diags *d);
/* Start, record until the end, build the profile, merge, emit. 0 with OUT
 * filled (its text may still be NULL when the command could not run: see
 * exec_errno), or -errno for a failure before anything was recorded. */
int sk_record_run(struct sk_recorder *r, struct sk_record_outcome *out, struct sk_diags *d);
void sk_record_outcome_free(struct sk_record_outcome *out);

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
