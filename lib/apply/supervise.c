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
 */
#include <scmpkit/apply.h>

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
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

static _Noreturn void child(const struct sk_filter_set *set, const struct sk_apply_opts *opts,
			    char *const argv[], int ctl, int go, const sigset_t *mask, pid_t parent)
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
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	close(go);
	execvp(argv[0], argv);
	memset(&m, 0, sizeof m);
	m.kind = MSG_EXEC_FAILED;
	m.err = errno;
	write_all(ctl, &m, sizeof m);
	_exit(errno == ENOENT ? 127 : 126);
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
	struct sk_denial *v = realloc(out->v, (out->n + 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	out->v = v;
	struct sk_denial *d = &v[out->n++];
	*d = (struct sk_denial){.pid = ev->pid, .arch = ev->arch, .nr = ev->nr,
			       .name = ev->name, .exe = strdup(ev->exe), .decided = ev->decided,
			       .notify_rule = ev->notify_rule, .count = 1};
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

/* Reap what has exited among our children: the command (its status to
 * OUT) and, with wait_leftovers, the orphans it left that were reparented to
 * us. Returns true when the command has been reaped. */
static bool reap_children(pid_t cmd, bool all, int *status, struct sk_supervised *out)
{
	bool got = false;
	int st;
	while (waitpid(cmd, &st, WNOHANG) == cmd) {
		*status = st;
		got = true;
	}
	if (!all)
		return got;
	for (;;) {
		pid_t r = waitpid(-1, &st, WNOHANG);
		if (r <= 0)
			break;
		if (r == cmd) {
			*status = st;
			got = true;
		} else {
			out->leftovers++;
		}
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

int sk_apply_supervise(const struct sk_filter_set *installed, const struct sk_filter_set *decide,
		       const struct sk_apply_opts *opts, const struct sk_notify_answer *answer,
		       char *const argv[], sk_notify_cb cb, void *ctx,
		       struct sk_supervised *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	struct sk_apply_opts o = *opts;
	o.listener = true;
	int np = sk_filter_set_notify_prog(installed);
	if (np == -EINVAL) {
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-notify-stacked",
			     "NOTIFY returns in more than one of the %zu stacked programs: a filter "
			     "chain has only one listener", installed->n);
		return -EINVAL;
	}
	if (np < 0) {
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-no-notify",
			     "nothing in the filter notifies: no supervisor needed");
		return -EINVAL;
	}
	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-notify-unsupported",
			     "this kernel has no seccomp user notification: %s", strerror(e));
		return -e;
	}

	/* signals: those to relay, and SIGCHLD for the leftovers, through a
	 * signalfd; blocked from before the fork, so none is lost */
	sigset_t handled, oldmask;
	sigemptyset(&handled);
	if (opts->forward)
		for (int sig = 1; sig < SIGRTMIN; sig++)
			if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD &&
			    sigismember(opts->forward, sig) == 1)
				sigaddset(&handled, sig);
	if (opts->wait_leftovers)
		sigaddset(&handled, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &handled, &oldmask);
	int sfd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		int e = errno;
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-signalfd", "signalfd: %s",
			     strerror(e));
		return -e;
	}
	int was_subreaper = 0;
	if (opts->wait_leftovers) {
		prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper, 0, 0, 0);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
			int e = errno;
			close(sfd);
			pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-subreaper",
				     "PR_SET_CHILD_SUBREAPER: %s", strerror(e));
			return -e;
		}
	}

	int r = 0, listener = -1, status = 0, pidfd = -1;
	int ctl[2] = {-1, -1}, go[2] = {-1, -1}, go_child = -1;
	pid_t pid = -1;
	bool reaped = false;
	struct msg m = {0};
	if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	go_child = fcntl(go[0], F_DUPFD_CLOEXEC, GO_FD_MIN);
	if (go_child < 0)
		go_child = go[0];
	pid_t parent = getpid();
	pid = fork();
	if (pid < 0) {
		r = -errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-fork", "fork: %s", strerror(-r));
		goto out;
	}
	if (pid == 0) {
		close(sfd);
		close(ctl[0]);
		close(go[1]);
		child(installed, &o, argv, ctl[1], go_child, &oldmask, parent);
	}
	close(ctl[1]);
	ctl[1] = -1;
	if (go_child != go[0])
		close(go_child);
	close(go[0]);
	go[0] = -1;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		r = -errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-pidfd", "pidfd_open: %s",
			     strerror(-r));
		kill(pid, SIGKILL);
		goto out;
	}
	if (read_msg(ctl[0], &m) != (ssize_t)sizeof m || m.kind != MSG_INSTALLING) {
		r = -EPROTO;
		if (m.kind == MSG_FAILED) {
			m.text[sizeof m.text - 1] = 0;
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-child", "%s", m.text);
		}
		goto out;
	}
	listener = take_listener(pid, pidfd, ctl[0], m.fd, &m);
	if (listener < 0) {
		r = listener;
		listener = -1;
		if (r == -ECANCELED) {
			m.text[sizeof m.text - 1] = m.rule[sizeof m.rule - 1] = 0;
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, m.rule, "%s", m.text);
		} else {
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-listener",
				     "cannot take the listener from the child: %s", strerror(-r));
			kill(pid, SIGKILL);
		}
		goto out;
	}
	write_all(go[1], "g", 1);
	close(go[1]);
	go[1] = -1;

	struct sup s = {.listener = listener, .child = pid, .go_fd = go_child,
			.decide = decide ? decide : installed, .answer = answer,
			.req_size = sizes.seccomp_notif, .resp_size = sizes.seccomp_notif_resp,
			.cb = cb, .ctx = ctx, .out = out};
	s.req = calloc(1, s.req_size < sizeof *s.req ? sizeof *s.req : s.req_size);
	s.resp = calloc(1, s.resp_size < sizeof *s.resp ? sizeof *s.resp : s.resp_size);
	int err = 0;
	if (!s.req || !s.resp) {
		err = -ENOMEM;
		kill(pid, SIGKILL);
	}
	/* Serve until the command has exited and been reaped; with
	 * wait_leftovers, until the listener hangs up: no task is left under the
	 * filter (the kernel counts a task until it is reaped). */
	for (;;) {
		if (err)
			break;
		struct pollfd p[4] = {{.fd = listener, .events = POLLIN},
				      {.fd = reaped ? -1 : pidfd, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN},
				      {.fd = ctl[0], .events = POLLIN}};
		if (reaped && !opts->wait_leftovers)
			break;
		int n = poll(p, 4, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (p[0].revents & POLLIN) {
			err = handle(&s);
			continue; /* answer before anything else */
		}
		if (p[3].revents & (POLLIN | POLLHUP)) {
			ssize_t got = read_msg(ctl[0], &m);
			if (got == (ssize_t)sizeof m && m.kind == MSG_EXEC_FAILED)
				out->exec_errno = m.err;
			if (got <= 0) { /* closed on exec (or exit) */
				close(ctl[0]);
				ctl[0] = -1;
				s.started = true;
			}
		}
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			bool stop = false;
			/* a command that has exited gets no signal: it ends the wait */
			if (!reaped)
				reaped = reap_children(pid, opts->wait_leftovers, &status, out);
			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGCHLD)
					reaped |= reap_children(pid, true, &status, out);
				else if (opts->forward && sigismember(opts->forward, (int)si.ssi_signo) == 1)
					stop |= on_signal(&si, pid, pidfd, reaped, out);
			}
			if (stop)
				break;
		}
		if (!reaped && (p[1].revents & POLLIN))
			reaped = reap_children(pid, opts->wait_leftovers, &status, out);
		if (reaped && opts->wait_leftovers && (p[0].revents & POLLHUP))
			break;
	}
	/* answer what is still queued, so that no process of the command waits
	 * on us (processes it left behind get ENOSYS once the listener closes) */
	for (;;) {
		struct pollfd p = {.fd = listener, .events = POLLIN};
		if (err || poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			break;
		err = handle(&s);
	}
	/* an exec failure the loop had no time to read */
	if (!err && ctl[0] >= 0 && read_msg(ctl[0], &m) == (ssize_t)sizeof m &&
	    m.kind == MSG_EXEC_FAILED)
		out->exec_errno = m.err;
	free(s.req);
	free(s.resp);
	if (err < 0)
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "apply-supervise",
			     "supervising stopped early: %s", strerror(-err));
out:
	if (pid > 0 && !reaped) {
		if (listener >= 0) { /* nobody answers from here on */
			close(listener);
			listener = -1;
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	out->status = status;
	if (opts->wait_leftovers && pid > 0) {
		int ignored; /* the command is reaped: count those that exited meanwhile */
		reap_children(pid, true, &ignored, out);
	}
	if (opts->wait_leftovers)
		prctl(PR_SET_CHILD_SUBREAPER, was_subreaper, 0, 0, 0);
	for (int i = 0; i < 2; i++) {
		if (ctl[i] >= 0)
			close(ctl[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	if (listener >= 0)
		close(listener);
	if (pidfd >= 0)
		close(pidfd);
	close(sfd);
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	return r;
}
