/* SPDX-License-Identifier: Apache-2.0 */
/* A multi-call program shaped like busybox, for the extract tests of
 * --applet and of a symlink named after an applet: a string of sorted,
 * NUL-separated applet names and an array of as many main functions, the
 * applet chosen by the name it is started as (argv[0]) or, started as
 * "multicall", by its first argument. Each applet makes a call of its own,
 * so that the tests can tell which ones the analysis reached:
 *   - alpha: getppid;
 *   - beta: getpgrp;
 *   - shell: runs the applet its first argument names, in-process, through
 *     the table (as busybox's shell runs NOFORK applets): every applet is
 *     reachable from it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int alpha_main(int argc, char **argv);
static int beta_main(int argc, char **argv);
static int shell_main(int argc, char **argv);

static const char applet_names[] = "alpha\0beta\0shell\0";
static int (*const applet_main[])(int, char **) = {alpha_main, beta_main, shell_main};

static int find_applet(const char *name)
{
	const char *p = applet_names;
	for (int i = 0; *p; i++, p += strlen(p) + 1)
		if (!strcmp(p, name))
			return i;
	return -1;
}

static int run(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	int i = find_applet(base ? base + 1 : argv[0]);
	if (i < 0) {
		fprintf(stderr, "%s: applet not found\n", argv[0]);
		return 127;
	}
	return applet_main[i](argc, argv);
}

__attribute__((noinline)) static int alpha_main(int argc, char **argv)
{
	(void)argc;
	printf("%s: ppid %s\n", argv[0], syscall(SYS_getppid) > 0 ? "ok" : "bad");
	return 0;
}

__attribute__((noinline)) static int beta_main(int argc, char **argv)
{
	(void)argc;
	printf("%s: pgrp %s\n", argv[0], syscall(SYS_getpgrp) > 0 ? "ok" : "bad");
	return 0;
}

__attribute__((noinline)) static int shell_main(int argc, char **argv)
{
	return argc > 1 ? run(argc - 1, argv + 1) : 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	if (!strcmp(base ? base + 1 : argv[0], "multicall")) {
		if (argc < 2)
			return 1;
		argc--;
		argv++;
	}
	return run(argc, argv);
}
