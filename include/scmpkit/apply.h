/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/apply.h — enforce a compiled filter set: no_new_privs, seccomp(2),
 * execve; and supervise the calls it hands to user space (SCMP_ACT_NOTIFY).
 *
 * Nothing here prints: problems go to an sk_diags list, events to a callback.
 */
#ifndef SCMPKIT_APPLY_H
#define SCMPKIT_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include <scmpkit/arch.h>
#include <scmpkit/bpf.h>
#include <scmpkit/diag.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SECCOMP_FILTER_FLAG_* beyond the four a profile may name (enum sk_flag). */
#define SK_KFLAG_NEW_LISTENER (1u << 3)
#define SK_KFLAG_TSYNC_ESRCH (1u << 4)

struct sk_apply_opts {
	bool no_new_privs; /* set PR_SET_NO_NEW_PRIVS first (P1); default true */
	unsigned flags;    /* SK_FLAG_* added to the set's own */
	bool listener;     /* install the program with NOTIFY returns with NEW_LISTENER */
	/* sk_apply_supervise only: */
	const sigset_t *forward; /* signals to relay to the command (NULL: none) */
	bool wait_leftovers;     /* after the command exits, keep answering until no
	                            process is left under the filter (see below) */
};
void sk_apply_opts_init(struct sk_apply_opts *o);

/* SECCOMP_FILTER_FLAG_* bits the running kernel knows (probed without
 * installing anything). */
unsigned sk_apply_kernel_flags(void);

/* Index of the one program of SET that can return SECCOMP_RET_USER_NOTIF, -1
 * when none does, -EINVAL when several do (a filter chain has one listener). */
int sk_filter_set_notify_prog(const struct sk_filter_set *set);

/* Install SET in the calling thread (every thread with TSYNC), listener program
 * last. *LISTENER gets the notification fd, or -1. Returns 0, or a negative
 * errno with an error in DIAGS that says why the kernel refused: then the
 * caller must not run the command (fail closed). With a stacked set, programs
 * before the failing one stay installed. */
int sk_apply_install(const struct sk_filter_set *set, const struct sk_apply_opts *opts,
		     int *listener, struct sk_diags *diags);

/* Install, then execvp(ARGV[0], ARGV). Returns only on failure: a negative
 * errno from the install (DIAGS says why; nothing ran), or the positive errno
 * of execvp (the filter is in place then). */
int sk_apply_exec(const struct sk_filter_set *set, const struct sk_apply_opts *opts,
		  char *const argv[], struct sk_diags *diags);

/* Turn every return of ERRNO, LOG and TRACE in SET into USER_NOTIF, so that a
 * supervisor sees each call the profile denies or logs; it then answers with
 * what the unchanged set decides (sk_filter_set_run), so the program sees no
 * difference. Kills and traps stay: the program's death by SIGSYS shows them.
 * Returns the number of returns rewritten, or -EINVAL (with DIAGS) when that
 * would put NOTIFY into more than one stacked program. */
int sk_filter_set_notify_denials(struct sk_filter_set *set, struct sk_diags *diags);

/* ---- supervised run -------------------------------------------------------- */

/* One call the supervisor answered. */
struct sk_notify_event {
	pid_t pid;
	enum sk_arch arch;
	int64_t nr;
	const char *name;   /* NULL when no table knows the number */
	const char *exe;    /* /proc/PID/exe at the time, "" when unreadable */
	uint64_t args[6];
	uint32_t decided;   /* what the profile's own filter returns (SECCOMP_RET_*) */
	bool notify_rule;   /* the profile itself said NOTIFY */
	bool answered_continue;
	int answered_errno; /* when not continued: the errno returned (0: value 0) */
};

/* How to answer calls the profile itself sends to NOTIFY. */
struct sk_notify_answer {
	bool cont;     /* SECCOMP_USER_NOTIF_FLAG_CONTINUE */
	int err;       /* otherwise this errno */
};

/* One line of the report: calls the filter denied or logged, counted per
 * (process, arch, number). */
struct sk_denial {
	pid_t pid;
	enum sk_arch arch;
	int64_t nr;
	const char *name;
	char *exe;
	uint32_t decided;
	bool notify_rule;
	bool fallback; /* ERRNO(ENOSYS) for a call whose callers fall back on it
	                  (scmpkit/fallback.h): the profile's design, not a denial */
	size_t count;
};

struct sk_supervised {
	int status;             /* waitpid status of the command */
	int exec_errno;         /* execvp failed in the child: its errno (status then 126/127,
	                           unless the filter denied its exit too: then a signal) */
	bool died_before_exec;  /* the command ended before an exec of it completed: it
	                           never ran (exec_errno says why, or the signal in status:
	                           a filter that kills execve) */
	struct sk_denial *v;    /* in order of first appearance */
	size_t n, cap;
	size_t events;          /* notifications answered for the command */
	size_t forwarded;       /* signals relayed to the command */
	size_t leftovers;       /* wait_leftovers: processes the command left behind, reaped */
	int abandoned_by;       /* wait_leftovers: the signal that ended the wait for them
	                           (they got no more answers), 0 when none */
};
void sk_supervised_free(struct sk_supervised *s);

typedef void (*sk_notify_cb)(const struct sk_notify_event *ev, void *ctx);

/* Fork; the child installs INSTALLED (with NEW_LISTENER on its notifying
 * program) and execs ARGV; the parent takes the listener (pidfd_getfd: no
 * call of the child needs to pass the filter for it) and answers every
 * notification with what DECIDE (the unchanged set; NULL = INSTALLED) returns:
 * ERRNO -> that errno, LOG/ALLOW -> continue, TRACE without a tracer -> ENOSYS,
 * NOTIFY -> ANSWER. CB (may be NULL) sees each answered call. When INSTALLED
 * notifies nothing, there is no listener: the parent only waits for the
 * command, relays signals and reports how its exec went.
 *
 * A failed exec is known without any call of the child (the filter may deny
 * them all): OUT->exec_errno and OUT->died_before_exec.
 *
 * The command is killed (SIGKILL, PR_SET_PDEATHSIG) if the calling thread dies:
 * without its supervisor every notified call would fail with ENOSYS.
 *
 * Signals in OPTS->forward are blocked in the calling thread for the run, read
 * from a signalfd and relayed to the command (pidfd_send_signal); the command
 * starts with the caller's mask. A signal the kernel sent (si_code SI_KERNEL:
 * the terminal's ^C, ^\, hangup) is not relayed when the command is in the
 * caller's process group: the terminal signalled the whole group, the command
 * has it already.
 *
 * OPTS->wait_leftovers: processes the command started and left running still
 * run under the filter. The caller becomes a child subreaper for the run
 * (PR_SET_CHILD_SUBREAPER, restored after) so that they are reparented to it;
 * it reaps every child that exits (so use it in a process with no other
 * children), and answers their calls until the kernel says no process is left
 * under the filter (the listener hangs up). A signal of OPTS->forward that
 * arrives after the command exited ends that wait (OUT->abandoned_by): the
 * processes still running then get ENOSYS for notified calls. Without
 * wait_leftovers the supervisor answers what is queued when the command exits
 * and stops: the same ENOSYS for later calls.
 *
 * Returns when the command has exited (and, with wait_leftovers, its
 * leftovers): 0 with OUT filled, or a negative errno with DIAGS when the
 * filter could not be installed (the command did not run). The calling
 * thread's signal mask is restored before it returns. */
int sk_apply_supervise(const struct sk_filter_set *installed, const struct sk_filter_set *decide,
		       const struct sk_apply_opts *opts, const struct sk_notify_answer *answer,
		       char *const argv[], sk_notify_cb cb, void *ctx,
		       struct sk_supervised *out, struct sk_diags *diags);

/* ---- a run, as `scmpkit run` does it ----------------------------------------- */

struct sk_run_opts {
	struct sk_compile_opts compile;
	struct sk_apply_opts apply;     /* forward and wait_leftovers are sk_run's to set */
	bool report_denials;            /* supervise, to see every call denied or logged */
	struct sk_notify_answer answer; /* for the profile's own NOTIFY rules */
	sk_notify_cb cb;                /* each answered call (may be NULL) */
	void *ctx;
};
/* The defaults: compile and apply defaults (no_new_privs), NOTIFY continued. */
void sk_run_opts_init(struct sk_run_opts *o);

/* A run compiled and decided, not started yet. */
struct sk_run {
	struct sk_run_opts opts;
	struct sk_filter_set set;     /* what the profile decides */
	struct sk_filter_set watched; /* report_denials: SET with denials sent to us */
	bool supervised;              /* sk_run_start forks and answers */
};

/* Compile P for a run: with nothing to answer (no report_denials, no NOTIFY
 * rule) the run installs the filter in this process and execs; otherwise it
 * supervises. Returns 0, or a negative errno with DIAGS: -ENOTSUP when
 * report_denials cannot watch P (it compiles to stacked programs of which
 * several deny or log, and a filter chain has one listener); any other when
 * the filter cannot be built. Warnings are in DIAGS either way: show them
 * before sk_run_start. */
int sk_run_prepare(struct sk_run *run, const struct sk_profile *p, const struct sk_run_opts *o,
		   struct sk_diags *diags);

/* Run ARGV. Unsupervised: install and execvp, which returns only on failure: a
 * negative errno when the filter was not installed (nothing ran), or the
 * positive errno of execvp (the filter is in place, and lets the caller write
 * to stderr and exit: _exit at once). When the filter would not let a failed
 * exec be told (it kills execve, or denies that write or exit_group and
 * exit), the run is supervised without a listener instead: the command is a
 * child, and OUT says how its exec went. Supervised
 * (sk_apply_supervise): SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2
 * are relayed to the command, and the processes it leaves running are
 * answered until they exit; 0 with OUT filled, or a negative errno when the
 * filter was not installed (nothing ran). */
int sk_run_start(struct sk_run *run, char *const argv[], struct sk_supervised *out,
		 struct sk_diags *diags);
void sk_run_free(struct sk_run *run);

/* ---- inspecting another process -------------------------------------------- */

/* The seccomp filters process PID has installed, oldest first (the kernel runs
 * them all and keeps the most restrictive result), into OUT (no origins, no
 * source; free with sk_filter_set_free). OUT->n is 0 for a process without
 * filters. PID is stopped for the reading (PTRACE_SEIZE + PTRACE_INTERRUPT)
 * and released; a signal that arrives meanwhile is delivered to it, not lost.
 * Returns 0 or a negative errno: -EPERM/-EACCES without CAP_SYS_ADMIN or
 * ptrace access, -ESRCH when there is no such process (or it died), -EINVAL
 * when the kernel cannot read filters (CONFIG_CHECKPOINT_RESTORE). */
int sk_process_filters(pid_t pid, struct sk_filter_set *out);

#ifdef __cplusplus
}
#endif
#endif
