/* SPDX-License-Identifier: Apache-2.0 */
/* Record workloads that lose calls if a recorder misses a task:
 *   storm procs N    N short-lived processes forked as fast as possible, none
 *                    waited for until all are started; the last one makes a
 *                    call nothing else makes (sysinfo)
 *   storm threads N  N threads; the last one makes a call nothing else makes
 *                    (sched_getparam); all meet at a barrier (so the calls are
 *                    the same in every run: the first arrivals futex-wait),
 *                    then are joined
 *   storm orphan     a child forks a grandchild and exits, the main process
 *                    exits without waiting: the grandchild, reparented, sleeps
 *                    200 ms and then makes its own call (getpgid), after the
 *                    tree's parent is gone
 * Prints one line saying what it did (never from the orphan). */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int procs(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			if (i == n - 1) {
				struct sysinfo si;
				sysinfo(&si);
			}
			_exit(0);
		}
	}
	int ok = 0, st;
	while (wait(&st) > 0)
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("storm: %d processes exited 0\n", ok);
	return ok == n ? 0 : 1;
}

static int nthreads;
static pthread_barrier_t barrier;

static void *thread(void *arg)
{
	if ((long)arg == nthreads - 1) {
		struct sched_param sp;
		sched_getparam(0, &sp);
	}
	pthread_barrier_wait(&barrier);
	return NULL;
}

static int threads(int n)
{
	pthread_t *t = calloc((size_t)n, sizeof *t);
	if (!t)
		return 2;
	nthreads = n;
	pthread_barrier_init(&barrier, NULL, (unsigned)n + 1);
	int made = 0;
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, thread, (void *)i) == 0)
			made++;
	if (made < n) {
		fputs("storm: pthread_create failed\n", stderr);
		_exit(1); /* the barrier would wait forever */
	}
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < made; i++)
		pthread_join(t[i], NULL);
	free(t);
	printf("storm: %d threads joined\n", made);
	return made == n ? 0 : 1;
}

static int orphan(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (fork() == 0) {
			nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
			syscall(SYS_getpgid, 0);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("storm: parent exits first\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? atoi(argv[2]) : 0;
	if (!strcmp(mode, "procs") && n > 0)
		return procs(n);
	if (!strcmp(mode, "threads") && n > 0)
		return threads(n);
	if (!strcmp(mode, "orphan"))
		return orphan();
	fputs("usage: storm procs N | threads N | orphan\n", stderr);
	return 2;
}
