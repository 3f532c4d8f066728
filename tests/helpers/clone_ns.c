/* SPDX-License-Identifier: Apache-2.0 */
/* Test workload for argument rules: clone(SIGCHLD) with "plain", or
 * clone(CLONE_NEWUTS | SIGCHLD) with "ns". Prints "clone: ok" or the error:
 * a profile recorded with --args from the plain run must refuse the ns run. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long flags = SIGCHLD;
	if (argc > 1 && !strcmp(argv[1], "ns"))
		flags |= CLONE_NEWUTS;
	long pid = syscall(SYS_clone, flags, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		printf("clone: %s\n", strerror(errno));
		return 1;
	}
	waitpid((pid_t)pid, NULL, 0);
	printf("clone: ok\n");
	return 0;
}
