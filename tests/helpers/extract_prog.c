/* SPDX-License-Identifier: Apache-2.0 */
/* A workload for the extract tests, built dynamic, glibc-static and
 * musl-static. Each path exercises one thing the analysis must get right;
 * the tests check the extracted set against what the source says here and
 * against strace of a real run:
 *   - syscall(SYS_getppid): the libc syscall() wrapper, a constant argument;
 *   - via(SYS_getpgrp): a wrapper of our own in front of syscall(), so the
 *     number crosses two calls;
 *   - a table of function pointers: sched_yield is reached only through an
 *     address taken in data;
 *   - never_called(): acct, in a function nothing calls or refers to: it must
 *     not be in the set;
 *   - with "unresolved" as argv[1]: syscall(number from the command line), an
 *     unresolved site the analysis must list. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) static long via(long nr)
{
	return syscall(nr);
}

static int yield(void)
{
	return sched_yield();
}

static int nothing(void)
{
	return 0;
}

static int (*const table[])(void) = {nothing, yield};

__attribute__((used, noinline)) static long never_called(void)
{
	return syscall(SYS_acct, NULL);
}

int main(int argc, char **argv)
{
	long ppid = syscall(SYS_getppid);
	long pgrp = via(SYS_getpgrp);
	int r = table[argc > 0](); /* always yield */
	if (argc > 1 && !strcmp(argv[1], "unresolved"))
		r += (int)syscall(argc > 2 ? atol(argv[2]) : SYS_getpid);
	printf("ppid %s pgrp %s yield %d\n", ppid > 0 ? "ok" : "bad", pgrp > 0 ? "ok" : "bad", r);
	return 0;
}
