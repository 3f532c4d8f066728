/* scmpkit dump: the seccomp filters a running process has installed, read with
 * ptrace(PTRACE_SECCOMP_GET_FILTER) and disassembled. */
#include <errno.h>
#include <linux/filter.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <scmpkit/bpf.h>

#include "cli.h"

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

static const char help[] =
	"Usage: scmpkit dump [--arch ARCH] [--format asm|c] PID\n\n"
	"Print the seccomp filters installed in process PID, most recently installed\n"
	"last, disassembled as 'scmpkit disasm' does. The kernel applies all of them\n"
	"and keeps the most restrictive result.\n\n"
	"Reading another process's filters needs CAP_SYS_ADMIN (root) and ptrace\n"
	"access; the process is stopped briefly (PTRACE_SEIZE + interrupt) and\n"
	"released.\n\n"
	"Options:\n"
	"  -a, --arch ARCH     name syscalls for ARCH (default: follow arch checks)\n"
	"  -f, --format FMT    asm (default) or c\n"
	"  -h, --help          this help\n\n"
	"Exit status: 0 printed (also when the process has no filter); 1 access\n"
	"denied or the process vanished; 2 bad usage.\n";

/* Seccomp mode from /proc/PID/status: 0 none, 1 strict, 2 filter; -1 unknown.
 * PTRACE_SECCOMP_GET_FILTER answers EINVAL for a process without filters. */
static int seccomp_mode(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	int mode = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

/* Index I counts back from the most recent filter; collect all, oldest first. */
static int read_filters(pid_t pid, struct sk_bpf_prog **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (unsigned long i = 0;; i++) {
		long len = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);
		if (len < 0) {
			if (errno == ENOENT || (errno == EINVAL && i == 0 && seccomp_mode(pid) == 0))
				return 0;
			return -errno;
		}
		if (len == 0 || len > SK_BPF_MAXINSNS)
			return -EINVAL;
		struct sock_filter *insns = calloc((size_t)len, sizeof *insns);
		struct sk_bpf_prog *v = realloc(*out, (*n + 1) * sizeof *v);
		if (!insns || !v) {
			free(insns);
			if (v)
				*out = v;
			return -ENOMEM;
		}
		*out = v;
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, insns) != len) {
			free(insns);
			return -errno;
		}
		memmove(&v[1], &v[0], *n * sizeof *v); /* newest read first: prepend */
		v[0] = (struct sk_bpf_prog){insns, (size_t)len, NULL};
		(*n)++;
	}
}

static int denied(pid_t pid, int e)
{
	if (e == EPERM || e == EACCES)
		cli_error("cannot read the filters of process %d: %s. PTRACE_SECCOMP_GET_FILTER "
			  "needs CAP_SYS_ADMIN (run as root) and ptrace access to the process",
			  (int)pid, strerror(e));
	else if (e == ESRCH)
		cli_error("no process %d (or it is not traceable)", (int)pid);
	else if (e == EINVAL)
		cli_error("process %d: this kernel does not support PTRACE_SECCOMP_GET_FILTER "
			  "(CONFIG_CHECKPOINT_RESTORE), or the filter cannot be read", (int)pid);
	else
		cli_error("process %d: %s", (int)pid, strerror(e));
	return EXIT_FINDINGS;
}

int cmd_dump(int argc, char **argv)
{
	enum sk_arch arch;
	bool c_array;
	int done = cli_listing_opts("dump", help, argc, argv, &arch, &c_array);
	if (done >= 0)
		return done;
	if (optind + 1 != argc)
		return cli_usage("dump", "expected one PID");
	char *end;
	long v = strtol(argv[optind], &end, 10);
	if (*end || v <= 0 || v > 0x7fffffff)
		return cli_usage("dump", "'%s' is not a process id", argv[optind]);
	pid_t pid = (pid_t)v;

	/* PTRACE_SECCOMP_GET_FILTER wants a stopped tracee: seize and interrupt. */
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
		return denied(pid, errno);
	int st;
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0 || waitpid(pid, &st, __WALL) < 0) {
		int e = errno;
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return denied(pid, e);
	}
	struct sk_bpf_prog *progs;
	size_t n;
	int r = read_filters(pid, &progs, &n);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			sk_bpf_prog_free(&progs[i]);
		free(progs);
		return denied(pid, -r);
	}
	if (n == 0) {
		printf("# process %d has no seccomp filter\n", (int)pid);
		free(progs);
		return EXIT_OK;
	}
	if (c_array) {
		struct sk_filter_set set = {.progs = progs, .n = n};
		char *text = sk_bpf_to_c(&set, "filter");
		if (text)
			fputs(text, stdout);
		free(text);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("# filter %zu of %zu (%zu instructions)%s\n", i + 1, n, progs[i].len,
			       i + 1 == n ? ", most recently installed" : "");
			char *text = sk_bpf_disasm(&progs[i], arch);
			if (text)
				fputs(text, stdout);
			free(text);
		}
	}
	for (size_t i = 0; i < n; i++)
		sk_bpf_prog_free(&progs[i]);
	free(progs);
	return EXIT_OK;
}
