/* SPDX-License-Identifier: Apache-2.0 */
/* ptrace backend: a seccomp filter that returns SECCOMP_RET_TRACE for every
 * call makes the kernel stop the tracee once per syscall (PTRACE_EVENT_SECCOMP)
 * instead of twice as PTRACE_SYSCALL does, and needs no privileges.
 *
 * Start: fork; the parent PTRACE_SEIZEs the child while the child waits on a
 * pipe, so the tracer is in place before the filter (RET_TRACE without a
 * tracer would fail every call with ENOSYS). The child then installs the
 * filter and execs: the execve of the target is the first call recorded.
 * Run: waitpid(-1, __WALL) until no tracee is left. Threads and children are
 * attached by the kernel (TRACEFORK/VFORK/CLONE), so the loop keeps no
 * per-task state: every stop is resumed the way its kind requires.
 *
 * One program can hide calls from RET_TRACE: a filter of its own that sends
 * calls to its own listener (SECCOMP_RET_USER_NOTIF outranks TRACE, so a call
 * the listener lets "continue" runs without a stop). Installing such a filter
 * is a call we see; from then on every tracee is resumed with PTRACE_SYSCALL,
 * whose syscall-entry stop comes before seccomp runs, and calls are recorded
 * there (three stops per call instead of one, only for such programs). */
#include "trace_backend.h"

#include "util/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

struct ptrace_rec {
	struct sk_recorder base;
	pid_t pid;
	int err_fd;          /* read end: the child's errno when exec failed */
	bool syscall_stops;  /* a tracee installed a listener: record at syscall entry */
	pid_t listener_pid;  /* the first one that did */
};

static const unsigned long trace_options =
	PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |
	PTRACE_O_TRACESYSGOOD;

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static int install_trace_filter(void *ctx)
{
	(void)ctx;
	struct sock_filter insn[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE)};
	struct sock_fprog prog = {.len = 1, .filter = insn};
	/* SPEC_ALLOW: recording must not switch on the speculation mitigations
	 * seccomp otherwise forces (it would change timing more than needed).
	 * Without no_new_privs only CAP_SYS_ADMIN may load a filter: try that
	 * first so that setuid programs behave as without scmpkit when root. */
	unsigned long flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	int r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0 && errno == EINVAL)
		r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags = 0, &prog);
	if (r < 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	return r < 0 ? errno : 0;
}

/* The tracer in place before the child installs RET_TRACE. */
static int seize(void *ctx, pid_t pid, struct sk_diags *d)
{
	(void)ctx;
	if (ptrace(PTRACE_SEIZE, pid, 0, trace_options) == 0)
		return 0;
	int e = errno;
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ptrace",
		     "cannot trace the command: ptrace: %s "
		     "(is /proc/sys/kernel/yama/ptrace_scope 3, or scmpkit itself traced?)",
		     strerror(e));
	return -e;
}

static int pt_start(struct sk_recorder *r, struct sk_diags *d)
{
	struct ptrace_rec *p = (struct ptrace_rec *)r;
	p->err_fd = -1;
	if (!r->opts.argv || !r->opts.argv[0]) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-usage", "no command to record");
		return -EINVAL;
	}
	sk_trace_note_filtered(0, d);
	int rc = sk_trace_spawn(r->opts.argv, install_trace_filter, seize, NULL, &p->pid,
				&p->err_fd, d);
	if (rc == 0)
		r->sig.relay_pid = r->sig.kill_pid = p->pid;
	return rc;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void resume(struct ptrace_rec *p, pid_t pid, int sig)
{
	/* ESRCH means the task died meanwhile (SIGKILL): its exit is reported
	 * by waitpid like any other. */
	ptrace(p->syscall_stops ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, sig);
}

/* Every thread of TGID that is running now must take its next call through a
 * syscall-entry stop: a filter installed with TSYNC is theirs too. */
static void interrupt_threads(pid_t tgid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)tgid);
	DIR *dir = opendir(path);
	if (!dir)
		return;
	for (struct dirent *e; (e = readdir(dir));) {
		int tid = atoi(e->d_name);
		if (tid > 0)
			ptrace(PTRACE_INTERRUPT, tid, 0, 0);
	}
	closedir(dir);
}

/* seccomp(SECCOMP_SET_MODE_FILTER, flags with NEW_LISTENER, program); a NULL
 * program is libseccomp probing which flags the kernel knows. */
static bool installs_listener(enum sk_arch arch, const struct __ptrace_syscall_info *info)
{
	return (int64_t)info->seccomp.nr == sk_syscall_nr(arch, "seccomp") &&
	       info->seccomp.args[0] == SECCOMP_SET_MODE_FILTER &&
	       (info->seccomp.args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER) && info->seccomp.args[2];
}

/* A seccomp stop, or (after a listener appeared) a syscall-entry stop: read
 * arch, nr (and args) and note them. */
static void on_stop(struct ptrace_rec *p, pid_t pid)
{
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info, &info);
	if (n <= 0)
		return;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		enum sk_arch arch = sk_arch_from_audit(info.arch, (uint32_t)info.entry.nr);
		sk_recorder_note(&p->base, arch, (int64_t)info.entry.nr, info.entry.args);
		return;
	}
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return;
	enum sk_arch arch = sk_arch_from_audit(info.arch, (uint32_t)info.seccomp.nr);
	sk_recorder_note(&p->base, arch, (int64_t)info.seccomp.nr, info.seccomp.args);
	if (installs_listener(arch, &info)) {
		if (!p->syscall_stops)
			p->listener_pid = pid;
		p->syscall_stops = true;
		interrupt_threads(pid);
	}
}

/* One stop of any kind, resumed the way its kind requires. */
static void on_stopped(struct ptrace_rec *p, pid_t pid, int st)
{
	int sig = WSTOPSIG(st);
	unsigned event = (unsigned)st >> 16;
	if (event == PTRACE_EVENT_SECCOMP || (!event && sig == (SIGTRAP | 0x80))) {
		on_stop(p, pid);
		resume(p, pid, 0);
	} else if (event == PTRACE_EVENT_STOP) {
		/* group-stop (job control): stay stopped but keep listening, so
		 * that SIGCONT resumes the task as without a tracer; any other
		 * PTRACE_EVENT_STOP is a new task's first stop or our interrupt. */
		if (is_stop_signal(sig))
			ptrace(PTRACE_LISTEN, pid, 0, 0);
		else
			resume(p, pid, 0);
	} else if (event) {
		resume(p, pid, 0); /* fork, vfork, clone, exec */
	} else {
		resume(p, pid, sig); /* signal-delivery-stop: deliver it unchanged */
	}
}

static int pt_run(struct sk_recorder *r, struct sk_diags *d)
{
	struct ptrace_rec *p = (struct ptrace_rec *)r;
	if (p->pid <= 0)
		return -ECHILD;
	while (!r->sig.stop) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue; /* a signal for scmpkit: relayed by its handler */
			if (errno == ECHILD)
				break;
			int e = errno;
			sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-wait", "waitpid: %s",
				     strerror(e));
			return -e;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == p->pid)
				sk_recorder_set_exit(r, st);
		} else if (WIFSTOPPED(st)) {
			on_stopped(p, pid, st);
		}
	}
	/* Stopped early (a second SIGINT/SIGTERM): the command was killed; the
	 * other tracees die with us (PTRACE_O_EXITKILL). */
	int e = sk_trace_exec_error(p->err_fd, r->opts.argv[0], d);
	if (e) {
		r->exec_errno = e;
		return -e;
	}
	if (p->syscall_stops)
		sk_diags_add(d, SK_SEV_NOTE, NULL, 0, 0, "record-listener",
			     "pid %d installed a seccomp filter with a user-notification listener, "
			     "whose calls skip SECCOMP_RET_TRACE: every call from then on was "
			     "recorded at syscall entry instead",
			     (int)p->listener_pid);
	/* The target's execve was the filter's first call; make sure it is there
	 * even when the kernel reported it under a name we could not resolve. */
	sk_recorder_note(r, sk_arch_native(), sk_syscall_nr(sk_arch_native(), "execve"), NULL);
	return 0;
}

static void pt_destroy(struct sk_recorder *r)
{
	struct ptrace_rec *p = (struct ptrace_rec *)r;
	if (p->pid > 0) /* err_fd is only set once the command started */
		sk_closep(&p->err_fd);
}

const struct sk_recorder_ops sk_ptrace_ops = {
	.name = "ptrace",
	.size = sizeof(struct ptrace_rec),
	.start = pt_start,
	.run = pt_run,
	.destroy = pt_destroy,
};
