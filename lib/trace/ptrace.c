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
 * per-task state: every stop is resumed the way its kind requires. */
#include "trace_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
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

struct ptrace_rec {
	struct sk_recorder base;
	pid_t pid;
	int err_fd; /* read end: the child's errno when exec failed */
};

static const unsigned long trace_options =
	PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void child(int sync_fd, int err_fd, char *const *argv)
{
	char c;
	while (read(sync_fd, &c, 1) < 0 && errno == EINTR)
		;
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
	if (r == 0)
		execvp(argv[0], argv);
	int e = errno;
	ssize_t w = write(err_fd, &e, sizeof e);
	(void)w;
	_exit(e == ENOENT ? 127 : 126);
}

static int pt_start(struct sk_recorder *r, struct sk_diags *d)
{
	struct ptrace_rec *p = (struct ptrace_rec *)r;
	int sync[2], err[2];
	if (!r->opts.argv || !r->opts.argv[0]) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-usage", "no command to record");
		return -EINVAL;
	}
	if (pipe2(sync, O_CLOEXEC) < 0)
		goto fail_errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(sync[0]);
		close(sync[1]);
		goto fail_errno;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sync[0]), close(sync[1]), close(err[0]), close(err[1]);
		errno = e;
		goto fail_errno;
	}
	if (pid == 0) {
		close(sync[1]);
		close(err[0]);
		child(sync[0], err[1], r->opts.argv);
	}
	close(sync[0]);
	close(err[1]);
	p->pid = pid;
	p->err_fd = err[0];
	if (ptrace(PTRACE_SEIZE, pid, 0, trace_options) < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(sync[1]);
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ptrace",
			     "cannot trace the command: ptrace: %s "
			     "(is /proc/sys/kernel/yama/ptrace_scope 3, or scmpkit itself traced?)",
			     strerror(e));
		p->pid = 0;
		return -e;
	}
	close(sync[1]); /* the child goes on to install the filter and exec */
	return 0;
fail_errno:
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-start", "cannot start the command: %s",
		     strerror(errno));
	return -errno;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* One PTRACE_EVENT_SECCOMP stop: read arch, nr (and args) and note them. */
static void on_seccomp(struct sk_recorder *r, pid_t pid)
{
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info, &info);
	if (n <= 0 || info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return;
	enum sk_arch arch = sk_arch_from_audit(info.arch, (uint32_t)info.seccomp.nr);
	sk_recorder_note(r, arch, (int64_t)info.seccomp.nr, info.seccomp.args);
}

static int pt_run(struct sk_recorder *r, struct sk_diags *d)
{
	struct ptrace_rec *p = (struct ptrace_rec *)r;
	if (p->pid <= 0)
		return -ECHILD;
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
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
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st);
		unsigned event = (unsigned)st >> 16;
		if (event == PTRACE_EVENT_SECCOMP) {
			on_seccomp(r, pid);
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else if (event == PTRACE_EVENT_STOP) {
			/* group-stop (job control): stay stopped but keep listening, so
			 * that SIGCONT resumes the task as without a tracer; any other
			 * PTRACE_EVENT_STOP is a new task's first stop. */
			if (is_stop_signal(sig))
				ptrace(PTRACE_LISTEN, pid, 0, 0);
			else
				ptrace(PTRACE_CONT, pid, 0, 0);
		} else if (event) {
			ptrace(PTRACE_CONT, pid, 0, 0); /* fork, vfork, clone, exec */
		} else {
			/* signal-delivery-stop: deliver the signal unchanged */
			ptrace(PTRACE_CONT, pid, 0, sig);
		}
		/* ESRCH from PTRACE_CONT means the task died meanwhile (SIGKILL):
		 * its exit is reported by waitpid like any other. */
	}
	int e = 0;
	if (read(p->err_fd, &e, sizeof e) == (ssize_t)sizeof e && e) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-exec", "cannot run '%s': %s",
			     r->opts.argv[0], strerror(e));
		return -e;
	}
	/* The target's execve was the filter's first call; make sure it is there
	 * even when the kernel reported it under a name we could not resolve. */
	sk_recorder_note(r, sk_arch_native(), sk_syscall_nr(sk_arch_native(), "execve"), NULL);
	return 0;
}

static void pt_destroy(struct sk_recorder *r)
{
	struct ptrace_rec *p = (struct ptrace_rec *)r;
	if (p->err_fd > 0)
		close(p->err_fd);
}

const struct sk_recorder_ops sk_ptrace_ops = {
	.name = "ptrace",
	.size = sizeof(struct ptrace_rec),
	.start = pt_start,
	.run = pt_run,
	.destroy = pt_destroy,
};
