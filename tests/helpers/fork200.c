/* SPDX-License-Identifier: Apache-2.0 */
/* Test workload: fork 200 children that wait on one pipe and then all exit at
 * once (the parent closes the pipe); each child makes one call first (getppid
 * or, for the last one, umask) so that losing a child loses a call. The parent
 * reaps them all and exits with 3, to check that the status passes through. */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 200

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 2;
	for (int i = 0; i < N; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			char c;
			close(p[1]);
			if (read(p[0], &c, 1) < 0) /* EOF when the parent closes: all go at once */
				_exit(2);
			if (i == N - 1)
				umask(022);
			else
				getppid();
			_exit(0);
		}
	}
	close(p[1]);
	int ok = 0, st;
	while (wait(&st) > 0)
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("fork200: %d children exited 0\n", ok);
	return 3;
}
