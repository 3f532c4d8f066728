/* SPDX-License-Identifier: Apache-2.0 */
/* sigq N PIDFILE: a target under a seccomp filter that counts queued real-time
 * signals, and a sender that queues N of them in batches, each batch
 * acknowledged by the target before the next (so the kernel's queue never
 * overflows and nothing merges: every signal sent must arrive). Meanwhile a
 * test can do what it likes to the target (PIDFILE holds its pid) — `scmpkit
 * dump`, for one. Prints "sent N received M"; exits 0 when M == N, 1 when a
 * signal was lost (a batch went unacknowledged for 10 s), 2 on setup errors. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH 256

static volatile sig_atomic_t got;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == SI_QUEUE && si->si_value.sival_int == 0x5eed)
		got++;
}

static _Noreturn void target(int ack, const char *pidfile)
{
	struct sigaction sa = {.sa_sigaction = on_rt, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN, &sa, NULL);
	/* a filter to dump: allow everything */
	struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog fp = {1, allow};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp))
		_exit(2);
	FILE *f = fopen(pidfile, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
		_exit(2);
	sigset_t none;
	sigemptyset(&none);
	long acked = 0;
	for (;;) {
		sigsuspend(&none);
		while (got / BATCH > acked) {
			acked++;
			if (write(ack, "a", 1) != 1)
				_exit(0); /* the sender is gone */
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sigq N PIDFILE\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10) / BATCH * BATCH;
	int p[2];
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	/* blocked until the target's handler is in place (it unblocks in sigsuspend) */
	sigprocmask(SIG_BLOCK, &rt, NULL);
	if (n <= 0 || pipe(p))
		return 2;
	pid_t t = fork();
	if (t < 0)
		return 2;
	if (t == 0) {
		close(p[0]);
		target(p[1], argv[2]);
	}
	close(p[1]);
	long sent = 0, acked = 0;
	union sigval v = {.sival_int = 0x5eed};
	while (sent < n) {
		for (int i = 0; i < BATCH; i++, sent++)
			if (sigqueue(t, SIGRTMIN, v)) {
				fprintf(stderr, "sigqueue: %s\n", strerror(errno));
				kill(t, SIGKILL);
				return 2;
			}
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		char c;
		if (poll(&pf, 1, 10000) != 1 || read(p[0], &c, 1) != 1)
			break; /* a signal of this batch never arrived */
		acked += BATCH;
	}
	kill(t, SIGKILL);
	waitpid(t, NULL, 0);
	/* acked counts whole batches; a lost signal leaves its batch short */
	printf("sent %ld received %ld\n", sent, acked);
	return acked == n ? 0 : 1;
}
