/* SPDX-License-Identifier: Apache-2.0 */
/* The recorder interface: pick a backend by kind, then start / run / result;
 * and what a signal sent to scmpkit does to a recording. The signal policy
 * lives here, not in a backend, so that every backend passes signals on the
 * same way; it runs inside the caller's signal handler, so it only reads the
 * clock, calls kill(2) and write(2), and stores into sig_atomic_t fields. */
#include "trace_backend.h"

#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct sk_recorder_ops *const backends[] = {
	[SK_RECORDER_PTRACE] = &sk_ptrace_ops,
	[SK_RECORDER_RUNC_AGENT] = &sk_agent_ops,
	[SK_RECORDER_EBPF] = &sk_ebpf_ops,
};

struct sk_recorder *sk_recorder_new(enum sk_recorder_kind kind, const struct sk_record_opts *o)
{
	if ((size_t)kind >= sizeof backends / sizeof backends[0] || !backends[kind])
		return NULL;
	const struct sk_recorder_ops *ops = backends[kind];
	struct sk_recorder *r = calloc(1, ops->size);
	if (!r)
		return NULL;
	r->ops = ops;
	r->opts = *o;
	r->attach = o->pid > 0 || o->cgroup || o->container;
	r->sig.wake[0] = r->sig.wake[1] = -1;
	r->result = malloc(sizeof *r->result);
	if (!r->result || pipe2(r->sig.wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(r->result);
		free(r);
		return NULL;
	}
	sk_trace_result_init(r->result, o->args);
	return r;
}

/* A signal that came while the backend was starting the command found no
 * one to pass it to, and only asked to stop: the backends do not look at
 * that before the command runs, so the command would run on unsignalled
 * while the recorder, told to stop, waited for it (or, under ptrace, for a
 * tracee it no longer resumed). Now that the command exists, pass the signal
 * on as if it had come a moment later. The relayed signals are blocked
 * meanwhile, so that the handler cannot act on the same fields at once. */
static void relay_early_signal(struct sk_recorder *r)
{
	struct sk_record_signals *s = &r->sig;
	static const int relayed[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
	sigset_t block;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof relayed / sizeof relayed[0]; i++)
		sigaddset(&block, relayed[i]);
	_sk_cleanup_sigmask_ struct sk_sigmask_guard g = {.active = 0};
	if (sigprocmask(SIG_BLOCK, &block, &g.old) == 0)
		g.active = 1;
	if (!s->stop || r->attach || s->relay_pid <= 0 || s->relayed)
		return;
	int sig = s->stop_sig;
	kill(s->relay_pid, sig);
	if (sig == SIGINT || sig == SIGTERM)
		s->relayed++;
	s->stop = 0;
	s->stop_sig = 0;
}

int sk_recorder_start(struct sk_recorder *r, struct sk_diags *d)
{
	if (r->sig.stop)
		return 0; /* a signal came before the start: nothing to run */
	int rc = r->ops->start(r, d);
	if (rc == 0)
		relay_early_signal(r);
	return rc;
}

int sk_recorder_run(struct sk_recorder *r, struct sk_diags *d)
{
	if (r->sig.stop && !r->sig.relay_pid && !r->attach)
		return 0;
	return r->ops->run(r, d);
}

int sk_record_ebpf_usable(const char **why)
{
	return sk_ebpf_usable(why);
}

const struct sk_trace_result *sk_recorder_result(const struct sk_recorder *r)
{
	return r->result;
}

void sk_recorder_free(struct sk_recorder *r)
{
	if (!r)
		return;
	if (r->ops->destroy)
		r->ops->destroy(r);
	sk_closep(&r->sig.wake[0]);
	sk_closep(&r->sig.wake[1]);
	sk_record_job_free(r->job);
	free(r->result);
	free(r);
}

void sk_recorder_note(struct sk_recorder *r, enum sk_arch arch, int64_t nr, const uint64_t args[6])
{
	if (sk_trace_result_add(r->result, arch, nr, args) && r->opts.progress)
		r->opts.progress(r->opts.progress_ctx, r->result->distinct);
}

void sk_recorder_set_exit(struct sk_recorder *r, int wstatus)
{
	/* reaped: its pid may be reused, so nothing goes to it any more */
	r->sig.relay_pid = r->sig.kill_pid = 0;
	struct sk_trace_exit *e = &r->result->exit;
	e->known = true;
	e->wstatus = wstatus;
	e->signaled = WIFSIGNALED(wstatus);
	e->code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 0;
	e->sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	e->core = WIFSIGNALED(wstatus) && WCOREDUMP(wstatus);
}

static void wake(struct sk_record_signals *s)
{
	char c = 0;
	ssize_t w = write(s->wake[1], &c, 1); /* full pipe: a wake-up is pending anyway */
	(void)w;
}

static void stop_now(struct sk_record_signals *s, int sig)
{
	s->stop_sig = sig;
	s->stop = 1;
	wake(s);
}

void sk_recorder_signal(struct sk_recorder *r, const siginfo_t *si)
{
	int saved = errno;
	struct sk_record_signals *s = &r->sig;
	int sig = si->si_signo;
	if (r->attach) {
		stop_now(s, sig); /* never pass a signal on to what scmpkit only watches */
		goto out;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	bool copy = sig == s->last_sig && si->si_pid == s->last_sender && ms - s->last_ms < 500;
	s->last_sig = sig;
	s->last_sender = si->si_pid;
	s->last_ms = ms;
	if (copy)
		goto out;
	if (s->relay_pid <= 0) {
		/* the command not started yet, or gone (its descendants recorded
		 * on): nothing to pass it to, so any of them ends the recording */
		stop_now(s, sig);
		goto out;
	}
	if (si->si_code != SI_USER && si->si_code != SI_QUEUE)
		goto out; /* the terminal's ^C, ^\\, hangup: the command has it already */
	if (si->si_pid == s->relay_pid)
		goto out; /* the command signalling its parent: not back to itself */
	bool ends = sig == SIGINT || sig == SIGTERM;
	if (ends && s->relayed > 0) {
		if (s->kill_pid > 0)
			kill(s->kill_pid, SIGKILL);
		stop_now(s, sig);
		goto out;
	}
	kill(s->relay_pid, sig);
	if (ends)
		s->relayed++;
	wake(s);
out:
	errno = saved;
}

/* fork(2) with every signal blocked, so that the caller's handlers cannot run
 * in the child; the child gets default dispositions back (as exec would give
 * them) and the old mask. Returns what fork returned. */
pid_t sk_trace_fork(void)
{
	sigset_t all;
	sigfillset(&all);
	_sk_cleanup_sigmask_ struct sk_sigmask_guard g = {.active = 0};
	if (sigprocmask(SIG_BLOCK, &all, &g.old) == 0)
		g.active = 1;
	pid_t pid = fork();
	if (pid == 0) {
		for (int s = 1; s < NSIG; s++) {
			struct sigaction sa;
			if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
			    sa.sa_handler != SIG_DFL)
				signal(s, SIG_DFL);
		}
	}
	return pid;
}
