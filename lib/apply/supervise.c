/* SPDX-License-Identifier: Apache-2.0 */
/* A supervised run: the child installs the filter with NEW_LISTENER and execs;
 * the parent answers every call the filter hands to user space.
 *
 * Getting the listener fd to the parent is the delicate part: once the filter
 * is in, any call of the child may itself be sent to the listener, which
 * nobody holds yet — sendmsg(SCM_RIGHTS) could wait forever. So the child
 * tells the parent, before installing, which fd number the listener will get
 * (the lowest free one), and the parent takes it with pidfd_getfd(2), which
 * needs no call from the child. Notifications queue on the filter meanwhile.
 * The child then waits for "go" (so the fd, close-on-exec, survives until the
 * parent has it) and execs; the parent answers that wait without counting it.
 *
 * Between the install and a successful exec, the child runs under the filter,
 * which may deny what a failed exec needs: the write that reports it, even
 * exit_group and exit (glibc's _exit then ends in a fault: SIGSEGV). So what
 * the parent must know does not depend on a call: the child puts the exec's
 * errno in a page shared with the parent before it tries to say anything,
 * and the kernel's PF_FORKNOEXEC, read from the child's zombie before it is
 * reaped, tells a child that died before or at its exec from a program that
 * ran. Without NOTIFY rules there is no listener to hand over: the child
 * installs and execs, and the parent only waits, relays and reports.
 */
#include <scmpkit/apply.h>
#include <scmpkit/fallback.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/grow.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* What the child reports on the control pipe. */
enum { MSG_INSTALLING = 1, MSG_FAILED, MSG_EXEC_FAILED };
struct msg {
	int kind;
	int err;    /* errno */
	int fd;     /* MSG_INSTALLING: the listener's fd number to be */
	char text[400]; /* MSG_FAILED: the first error's message */
	char rule[40];  /* ... and its rule id */
};

/* The child's end of the "go" pipe sits high, out of the way of the fds a
 * program uses, so that its wait is recognisable among notifications. */
#define GO_FD_MIN 900

void sk_supervised_free(struct sk_supervised *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].exe);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

static ssize_t read_msg(int fd, struct msg *m)
{
	size_t got = 0;
	while (got < sizeof *m) {
		ssize_t r = read(fd, (char *)m + got, sizeof *m - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return got ? -1 : r;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The kernel's PF_FORKNOEXEC (include/linux/sched.h): set by fork, cleared
 * by a successful exec; /proc/PID/stat shows the task's flags. */
#define SK_PF_FORKNOEXEC 0x00000040u

/* After a failed exec, under the filter: end asking no more of it than it
 * allows. exit_group, then exit, as raw calls (glibc's _exit loops into a
 * fault on failure, and a sanitizer's handler of that fault loops for ever
 * when it cannot exit either); then a trap, whose SIGILL needs no call to end
 * the process (its default action was set before the filter). The parent has
 * the errno from the shared page either way. */
static _Noreturn void end_after_exec(int code)
{
	syscall(SYS_exit_group, code);
	syscall(SYS_exit, code);
	for (;;)
		__builtin_trap();
}

static _Noreturn void child(const struct sk_filter_set *set, const struct sk_apply_opts *opts,
			    char *const argv[], int ctl, int go, const sigset_t *mask, pid_t parent,
			    volatile int *exec_err)
{
	struct msg m = {0};
	struct sk_diags d = {0};
	/* without its supervisor the command's notified calls would fail with
	 * ENOSYS: die with it instead */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(125);
	sigprocmask(SIG_SETMASK, mask, NULL);
	/* the listener gets the lowest free fd: find it now, before any filter */
	int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (probe < 0) {
		m.kind = MSG_FAILED;
		m.err = errno;
		snprintf(m.text, sizeof m.text, "cannot open /dev/null: %s", strerror(errno));
		write_all(ctl, &m, sizeof m);
		_exit(125);
	}
	close(probe);
	/* a handler (a sanitizer's) would catch end_after_exec's trap; exec
	 * resets handlers anyway, so the command cannot tell */
	struct sigaction was, dfl = {.sa_handler = SIG_DFL};
	if (sigaction(SIGILL, NULL, &was) == 0 && was.sa_handler != SIG_IGN)
		sigaction(SIGILL, &dfl, NULL);
	m.kind = MSG_INSTALLING;
	m.fd = probe;
	write_all(ctl, &m, sizeof m);

	int listener;
	int r = sk_apply_install(set, opts, &listener, &d);
	if (r < 0) {
		memset(&m, 0, sizeof m);
		m.kind = MSG_FAILED;
		m.err = -r;
		const struct sk_diag *e = NULL;
		for (size_t i = 0; i < d.n && !e; i++)
			if (d.v[i].severity == SK_SEV_ERROR)
				e = &d.v[i];
		snprintf(m.text, sizeof m.text, "%s", e ? e->message : strerror(-r));
		snprintf(m.rule, sizeof m.rule, "%s", e && e->rule ? e->rule : "apply-refused");
		write_all(ctl, &m, sizeof m);
		_exit(125);
	}
	/* wait until the parent holds the listener (this read may itself be a
	 * notification: the parent answers it) */
	char c;
	while (go >= 0 && read(go, &c, 1) < 0 && errno == EINTR)
		;
	if (go >= 0)
		close(go);
	execvp(argv[0], argv);
	*exec_err = errno; /* no call needed: the filter may deny the rest */
	memset(&m, 0, sizeof m);
	m.kind = MSG_EXEC_FAILED;
	m.err = *exec_err;
	write_all(ctl, &m, sizeof m);
	end_after_exec(m.err == ENOENT ? 127 : 126);
}

static int exe_of(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, buf, size - 1);
	if (n < 0) {
		buf[0] = 0;
		return -errno;
	}
	buf[n] = 0;
	return 0;
}

static int record(struct sk_supervised *out, const struct sk_notify_event *ev)
{
	for (size_t i = 0; i < out->n; i++) {
		struct sk_denial *d = &out->v[i];
		if (d->pid == ev->pid && d->arch == ev->arch && d->nr == ev->nr) {
			d->count++;
			return 0;
		}
	}
	if (SK_GROW(out->v, out->cap, out->n) < 0)
		return -ENOMEM;
	struct sk_denial *d = &out->v[out->n++];
	*d = (struct sk_denial){.pid = ev->pid, .arch = ev->arch, .nr = ev->nr,
			       .name = ev->name, .exe = strdup(ev->exe), .decided = ev->decided,
			       .notify_rule = ev->notify_rule, .count = 1};
	d->fallback = ev->name && ev->decided == (SECCOMP_RET_ERRNO | ENOSYS) &&
		      sk_fallback_find(ev->name);
	return d->exe ? 0 : -ENOMEM;
}

struct sup {
	int listener;
	pid_t child;
	int go_fd;        /* the child's "go" fd number */
	bool started;     /* the child has exec'd (or at least left its wait) */
	const struct sk_filter_set *decide;
	const struct sk_notify_answer *answer;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	sk_notify_cb cb;
	void *ctx;
	struct sk_supervised *out;
};

/* Receive one notification and answer it. */
static int handle(struct sup *s)
{
	memset(s->req, 0, s->req_size);
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0)
		return errno == ENOENT || errno == EINTR ? 0 : -errno; /* caller died meanwhile */
	const struct seccomp_data *sd = &s->req->data;
	struct sk_seccomp_data data = {.nr = sd->nr, .arch = sd->arch,
				       .instruction_pointer = sd->instruction_pointer};
	memcpy(data.args, sd->args, sizeof data.args);
	struct sk_run_result rr;
	uint32_t ret = SECCOMP_RET_ALLOW;
	if (sk_filter_set_run(s->decide, &data, &rr) == 0)
		ret = rr.ret;

	struct sk_notify_event ev = {.pid = (pid_t)s->req->pid, .nr = sd->nr, .decided = ret};
	ev.arch = sk_arch_from_audit(sd->arch, (uint32_t)sd->nr);
	ev.name = ev.arch == SK_ARCH_INVALID ? NULL : sk_syscall_name(ev.arch, sd->nr);
	memcpy(ev.args, sd->args, sizeof ev.args);
	char exe[PATH_MAX];
	exe_of(ev.pid, exe, sizeof exe);
	ev.exe = exe;

	memset(s->resp, 0, s->resp_size);
	s->resp->id = s->req->id;
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ERRNO:
		s->resp->error = -(int)(ret & SECCOMP_RET_DATA);
		ev.answered_errno = (int)(ret & SECCOMP_RET_DATA);
		break;
	case SECCOMP_RET_TRACE: /* no tracer attached: the kernel's answer is ENOSYS */
		s->resp->error = -ENOSYS;
		ev.answered_errno = ENOSYS;
		break;
	case SECCOMP_RET_USER_NOTIF:
		ev.notify_rule = true;
		if (s->answer && !s->answer->cont) {
			s->resp->error = -s->answer->err;
			ev.answered_errno = s->answer->err;
			break;
		}
		/* continue */
		s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ev.answered_continue = true;
		break;
	default: /* LOG, ALLOW */
		s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ev.answered_continue = true;
	}
	/* the child's own wait for "go" before exec is not the program's */
	bool ours = !s->started && ev.pid == s->child && ev.name && !strcmp(ev.name, "read") &&
		    sd->args[0] == (uint64_t)s->go_fd;
	if (ev.pid == s->child && ev.name && !strcmp(ev.name, "execve"))
		s->started = true;
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) < 0 && errno != ENOENT)
		return -errno;
	if (ours)
		return 0;
	s->out->events++;
	if (s->cb)
		s->cb(&ev, s->ctx);
	return record(s->out, &ev);
}

/* Take the listener out of the child once it is installed. */
static int take_listener(pid_t child, int pidfd, int ctl, int fdnum, struct msg *failed)
{
	for (;;) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, fdnum, 0);
		if (fd >= 0)
			return fd;
		if (errno != EBADF && errno != ESRCH)
			return -errno;
		/* not installed yet (EBADF), or the child is gone (ESRCH): its
		 * news on the pipe says why */
		struct pollfd p[2] = {{.fd = ctl, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
		int n = poll(p, 2, 1);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents & POLLIN) {
			ssize_t r = read_msg(ctl, failed);
			if (r == (ssize_t)sizeof *failed && failed->kind == MSG_FAILED)
				return -ECANCELED;
		}
		if (p[1].revents & POLLIN) {
			/* it exited: with its reason on the pipe when the install failed
			 * (the pipe is closed now, so this read does not block) */
			(void)child;
			if (!(p[0].revents & POLLIN) && read_msg(ctl, failed) == (ssize_t)sizeof *failed &&
			    failed->kind == MSG_FAILED)
				return -ECANCELED;
			return -ESRCH;
		}
	}
}

/* PID (our child, exited and not reaped yet) never completed an exec. */
static bool never_execd(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	_sk_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* "pid (comm) state ppid pgrp session tty tpgid flags ...": comm may
	 * hold anything, so read after the last ')' */
	const char *end = strrchr(buf, ')');
	unsigned flags;
	return end && sscanf(end + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) == 1 &&
	       (flags & SK_PF_FORKNOEXEC);
}

/* Reap what has exited among our children: the command (its status to
 * OUT, and whether it died before its exec) and, with ALL, the orphans it
 * left that were reparented to us. Each is looked at before it is reaped
 * (WNOWAIT): a zombie's flags are still there to read. Returns true when the
 * command has been reaped. */
static bool reap_children(pid_t cmd, bool all, int *status, struct sk_supervised *out)
{
	bool got = false;
	for (;;) {
		siginfo_t si = {0};
		if (waitid(all ? P_ALL : P_PID, all ? 0 : (id_t)cmd, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid <= 0)
			break;
		pid_t pid = si.si_pid;
		if (pid == cmd)
			out->died_before_exec = never_execd(pid);
		int st;
		if (waitpid(pid, &st, 0) != pid)
			break;
		if (pid != cmd) {
			out->leftovers++;
			continue;
		}
		*status = st;
		got = true;
		if (!all)
			break;
	}
	return got;
}

/* A signal for the command. Returns true when the wait for leftovers ends. */
static bool on_signal(const struct signalfd_siginfo *si, pid_t cmd, int pidfd, bool cmd_gone,
		      struct sk_supervised *out)
{
	/* the terminal signals its whole foreground group: the command has it */
	if (si->ssi_code == SI_KERNEL && getpgid(cmd) == getpgrp())
		return false;
	if (cmd_gone) {
		out->abandoned_by = (int)si->ssi_signo;
		return true;
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, (int)si->ssi_signo, NULL, 0) == 0)
		out->forwarded++;
	return false;
}

/* ---- the run, in steps ------------------------------------------------------ */

/* The command as the supervisor holds it: its pid and every fd that reaches
 * it. One cleanup closes them all, whichever step a run stopped at. */
struct cmd {
	pid_t pid;
	int pidfd;
	int listener;
	int ctl;      /* read end of the child's news (hangs up at its exec) */
	int go;       /* write end: "go" once the listener is ours */
	int go_child; /* the fd number of the child's end of "go" (-1: no listener) */
	volatile int *exec_err; /* shared with the child: its exec's errno */
	bool reaped;
	int status;
};
#define CMD_INIT {.pid = -1, .pidfd = -1, .listener = -1, .ctl = -1, .go = -1, .go_child = -1}

static void cmd_close(struct cmd *c)
{
	sk_closep(&c->listener);
	sk_closep(&c->pidfd);
	sk_closep(&c->ctl);
	sk_closep(&c->go);
	if (c->exec_err)
		munmap((void *)c->exec_err, sizeof *c->exec_err);
}

/* PR_SET_CHILD_SUBREAPER for the run, put back as it was when the scope ends. */
struct subreaper {
	bool set;
	int was;
};

static void subreaper_restore(struct subreaper *s)
{
	if (s->set)
		prctl(PR_SET_CHILD_SUBREAPER, s->was, 0, 0, 0);
}

static int subreaper_take(struct subreaper *s, struct sk_diags *diags)
{
	prctl(PR_GET_CHILD_SUBREAPER, &s->was, 0, 0, 0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-subreaper",
			     "PR_SET_CHILD_SUBREAPER: %s", strerror(e));
		return -e;
	}
	s->set = true;
	return 0;
}

/* Is there anything to answer (1: a listener to take, 0: none), and can
 * this kernel notify at all? */
static int check_notify(const struct sk_filter_set *installed, struct seccomp_notif_sizes *sizes,
			struct sk_diags *diags)
{
	int np = sk_filter_set_notify_prog(installed);
	if (np == -EINVAL) {
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-notify-stacked",
			     "NOTIFY returns in more than one of the %zu stacked programs: a filter "
			     "chain has only one listener", installed->n);
		return -EINVAL;
	}
	if (np < 0)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sizes) < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-notify-unsupported",
			     "this kernel has no seccomp user notification: %s", strerror(e));
		return -e;
	}
	return 1;
}

/* Signals to relay, and SIGCHLD for the leftovers, come through a signalfd;
 * they are blocked from before the fork, so none is lost. MASK keeps the old
 * mask (the command starts with it) and puts it back when its scope ends. */
static int open_signals(const struct sk_apply_opts *opts, struct sk_sigmask_guard *mask,
			struct sk_diags *diags)
{
	sigset_t handled;
	sigemptyset(&handled);
	if (opts->forward)
		for (int sig = 1; sig < SIGRTMIN; sig++)
			if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD &&
			    sigismember(opts->forward, sig) == 1)
				sigaddset(&handled, sig);
	if (opts->wait_leftovers)
		sigaddset(&handled, SIGCHLD);
	sigprocmask(SIG_BLOCK, &handled, &mask->old);
	mask->active = 1;
	int sfd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-signalfd", "signalfd: %s",
			     strerror(e));
		return -e;
	}
	return sfd;
}

/* Pipes, the shared page and fork. The child never comes back from here; the
 * parent leaves with C's read end of the news and (with a listener to take)
 * write end of "go", and has closed the child's ends (so that the news pipe
 * hangs up when the child execs). */
static int spawn(struct cmd *c, const struct sk_filter_set *installed,
		 const struct sk_apply_opts *opts, char *const argv[], int sfd,
		 const sigset_t *mask, struct sk_diags *diags)
{
	void *page = mmap(NULL, sizeof *c->exec_err, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -errno;
	c->exec_err = page;
	int ctl[2], go[2] = {-1, -1};
	if (pipe2(ctl, O_CLOEXEC) < 0)
		return -errno;
	c->ctl = ctl[0];
	_sk_cleanup_close_ int ctl_w = ctl[1];
	if (opts->listener && pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	c->go = go[1];
	_sk_cleanup_close_ int go_r = go[0];
	_sk_cleanup_close_ int go_high = go_r >= 0 ? fcntl(go_r, F_DUPFD_CLOEXEC, GO_FD_MIN) : -1;
	c->go_child = go_high >= 0 ? go_high : go_r;
	pid_t parent = getpid();
	c->pid = fork();
	if (c->pid < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-fork", "fork: %s", strerror(e));
		return -e;
	}
	if (c->pid == 0) {
		close(sfd);
		close(c->ctl);
		close(c->go);
		child(installed, opts, argv, ctl_w, c->go_child, mask, parent, c->exec_err);
	}
	return 0;
}

/* Take the child's listener once it is installed, then tell it to go on.
 * Without one (LISTEN false) there is nothing to take: wait until the child
 * has installed the filter and exec'd (the news pipe hangs up), failed to
 * install it (its reason), or failed its exec (the shared page says so). */
static int connect_child(struct cmd *c, bool listen, struct sk_diags *diags)
{
	struct msg m = {0};
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-pidfd", "pidfd_open: %s",
			     strerror(e));
		kill(c->pid, SIGKILL);
		return -e;
	}
	if (read_msg(c->ctl, &m) != (ssize_t)sizeof m || m.kind != MSG_INSTALLING) {
		if (m.kind == MSG_FAILED) {
			m.text[sizeof m.text - 1] = 0;
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-child", "%s", m.text);
		}
		return -EPROTO;
	}
	if (!listen) {
		ssize_t got = read_msg(c->ctl, &m);
		if (got != (ssize_t)sizeof m || m.kind != MSG_FAILED)
			return 0;
		m.text[sizeof m.text - 1] = m.rule[sizeof m.rule - 1] = 0;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, m.rule, "%s", m.text);
		return -ECANCELED;
	}
	int fd = take_listener(c->pid, c->pidfd, c->ctl, m.fd, &m);
	if (fd < 0) {
		if (fd == -ECANCELED) {
			m.text[sizeof m.text - 1] = m.rule[sizeof m.rule - 1] = 0;
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, m.rule, "%s", m.text);
		} else {
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-listener",
				     "cannot take the listener from the child: %s", strerror(-fd));
			kill(c->pid, SIGKILL);
		}
		return fd;
	}
	c->listener = fd;
	write_all(c->go, "g", 1);
	sk_closep(&c->go);
	c->go = -1;
	return 0;
}

/* The child's news while it runs: an exec failure, or the hang-up of its exec. */
static void read_news(struct cmd *c, struct sup *s, struct sk_supervised *out)
{
	struct msg m;
	ssize_t got = read_msg(c->ctl, &m);
	if (got == (ssize_t)sizeof m && m.kind == MSG_EXEC_FAILED)
		out->exec_errno = m.err;
	if (got <= 0) { /* closed on exec (or exit) */
		sk_closep(&c->ctl);
		c->ctl = -1;
		s->started = true;
	}
}

/* Signals that arrived; true when one of them ends the wait for leftovers. */
static bool read_signals(struct cmd *c, int sfd, const struct sk_apply_opts *opts,
			 struct sk_supervised *out)
{
	struct signalfd_siginfo si;
	bool stop = false;
	/* a command that has exited gets no signal: it ends the wait */
	if (!c->reaped)
		c->reaped = reap_children(c->pid, opts->wait_leftovers, &c->status, out);
	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			c->reaped |= reap_children(c->pid, true, &c->status, out);
		else if (opts->forward && sigismember(opts->forward, (int)si.ssi_signo) == 1)
			stop |= on_signal(&si, c->pid, c->pidfd, c->reaped, out);
	}
	return stop;
}

/* Serve until the command has exited and been reaped; with wait_leftovers,
 * until the listener hangs up: no task is left under the filter (the kernel
 * counts a task until it is reaped). Then answer what is still queued, so that
 * no process of the command waits on us (processes it left behind get ENOSYS
 * once the listener closes). Returns 0 or why serving stopped early. */
static int serve(struct cmd *c, struct sup *s, int sfd, const struct sk_apply_opts *opts,
		 struct sk_supervised *out)
{
	int err = 0;
	while (!err && !(c->reaped && !opts->wait_leftovers)) {
		struct pollfd p[4] = {{.fd = c->listener, .events = POLLIN},
				      {.fd = c->reaped ? -1 : c->pidfd, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN},
				      {.fd = c->ctl, .events = POLLIN}};
		if (poll(p, 4, -1) < 0) {
			if (errno != EINTR)
				err = -errno;
			continue;
		}
		if (p[0].revents & POLLIN) {
			err = handle(s);
			continue; /* answer before anything else */
		}
		if (p[3].revents & (POLLIN | POLLHUP))
			read_news(c, s, out);
		if ((p[2].revents & POLLIN) && read_signals(c, sfd, opts, out))
			break;
		if (!c->reaped && (p[1].revents & POLLIN))
			c->reaped = reap_children(c->pid, opts->wait_leftovers, &c->status, out);
		if (c->reaped && opts->wait_leftovers && (p[0].revents & POLLHUP))
			break;
	}
	for (;;) {
		struct pollfd p = {.fd = c->listener, .events = POLLIN};
		if (err || poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			break;
		err = handle(s);
	}
	/* an exec failure the loop had no time to read */
	struct msg m;
	if (!err && c->ctl >= 0 && read_msg(c->ctl, &m) == (ssize_t)sizeof m &&
	    m.kind == MSG_EXEC_FAILED)
		out->exec_errno = m.err;
	return err;
}

/* The command's status, whatever step the run stopped at: nobody answers
 * from here on, so a command still running may wait for it no longer. */
static void finish(struct cmd *c, const struct sk_apply_opts *opts, struct sk_supervised *out)
{
	if (c->pid > 0 && !c->reaped) {
		sk_closep(&c->listener);
		c->listener = -1;
		siginfo_t si; /* until it has exited; reaped after a look at it */
		while (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		c->reaped = reap_children(c->pid, false, &c->status, out);
	}
	out->status = c->status;
	if (c->exec_err && *c->exec_err)
		out->exec_errno = *c->exec_err; /* it told us so, whatever it could say after */
	if (opts->wait_leftovers && c->pid > 0) {
		int ignored; /* the command is reaped: count those that exited meanwhile */
		reap_children(c->pid, true, &ignored, out);
	}
}

int sk_apply_supervise(const struct sk_filter_set *installed, const struct sk_filter_set *decide,
		       const struct sk_apply_opts *opts, const struct sk_notify_answer *answer,
		       char *const argv[], sk_notify_cb cb, void *ctx,
		       struct sk_supervised *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	struct seccomp_notif_sizes sizes = {0};
	int listen = check_notify(installed, &sizes, diags);
	if (listen < 0)
		return listen;
	struct sk_apply_opts o = *opts;
	o.listener = listen;
	/* without a listener, processes left behind need no answers */
	o.wait_leftovers = opts->wait_leftovers && listen;
	_sk_cleanup_sigmask_ struct sk_sigmask_guard mask = {0};
	_sk_cleanup_close_ int sfd = open_signals(&o, &mask, diags);
	if (sfd < 0)
		return sfd;
	int r = 0;
	_sk_cleanup_(subreaper_restore) struct subreaper reaper = {0};
	if (o.wait_leftovers && (r = subreaper_take(&reaper, diags)) < 0)
		return r;

	_sk_cleanup_(cmd_close) struct cmd c = CMD_INIT;
	r = spawn(&c, installed, &o, argv, sfd, &mask.old, diags);
	if (!r)
		r = connect_child(&c, listen, diags);
	if (!r) {
		_sk_cleanup_free_ struct seccomp_notif *req =
			calloc(1, sizes.seccomp_notif < sizeof *req ? sizeof *req : sizes.seccomp_notif);
		_sk_cleanup_free_ struct seccomp_notif_resp *resp = calloc(
			1, sizes.seccomp_notif_resp < sizeof *resp ? sizeof *resp : sizes.seccomp_notif_resp);
		struct sup s = {.listener = c.listener, .child = c.pid, .go_fd = c.go_child,
				.decide = decide ? decide : installed, .answer = answer,
				.req = req, .resp = resp, .req_size = sizes.seccomp_notif,
				.resp_size = sizes.seccomp_notif_resp, .cb = cb, .ctx = ctx, .out = out};
		int err = -ENOMEM;
		if (req && resp)
			err = serve(&c, &s, sfd, &o, out);
		else
			kill(c.pid, SIGKILL);
		if (err < 0)
			sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "apply-supervise",
				     "supervising stopped early: %s", strerror(-err));
	}
	finish(&c, &o, out);
	return r;
}
