/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit dump: the seccomp filters a running process has installed
 * (sk_process_filters), disassembled. */
#include <errno.h>
#include <getopt.h> /* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/apply.h>
#include <scmpkit/bpf.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit dump [--arch ARCH] [--format asm|c] PID\n\n"
	"Print the seccomp filters installed in process PID, most recently installed\n"
	"last, disassembled as 'scmpkit disasm' does. The kernel applies all of them\n"
	"and keeps the most restrictive result.\n\n"
	"Reading another process's filters needs CAP_SYS_ADMIN (root) and ptrace\n"
	"access; the process is stopped briefly (PTRACE_SEIZE + interrupt) and\n"
	"released. A signal that reaches it meanwhile is delivered, not lost.\n\n"
	"Options:\n"
	"  -a, --arch ARCH     name syscalls for ARCH (default: follow arch checks)\n"
	"  -f, --format FMT    asm (default) or c\n"
	"  -h, --help          this help\n\n"
	"Exit status: 0 printed (also when the process has no filter); 1 access\n"
	"denied or the process vanished, or the output could not be written; 2 bad\n"
	"usage.\n";

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

	struct sk_filter_set set;
	int r = sk_process_filters(pid, &set);
	if (r < 0)
		return denied(pid, -r);
	char *text;
	if (!set.n) {
		char line[64];
		snprintf(line, sizeof line, "# process %d has no seccomp filter\n", (int)pid);
		text = strdup(line);
	} else if (c_array) {
		text = sk_bpf_to_c(&set, "filter");
	} else {
		text = sk_filter_set_disasm(&set, arch, true);
	}
	sk_filter_set_free(&set);
	int rc = text ? cli_write_output(NULL, text) : EXIT_FINDINGS;
	if (!text)
		cli_error("out of memory");
	free(text);
	return rc;
}
