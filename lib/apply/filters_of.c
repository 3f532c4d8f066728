/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp filters another process has installed, read with
 * PTRACE_SECCOMP_GET_FILTER (what `scmpkit dump` prints).
 *
 * The call wants the tracee in a ptrace-stop, so the process is seized and
 * interrupted for as long as the reading takes. The delicate part is signals:
 * one that arrives between the seize and the interrupt's stop is reported
 * first, as a signal-delivery-stop, and a tracer that then detaches with
 * signal 0 has suppressed it — the process never sees it. So the first stop,
 * whichever it is, is where the filters are read, and a signal caught in it is
 * handed back at the detach (PTRACE_DETACH's data), with its siginfo intact
 * since the number does not change. Signals still queued stay queued: a
 * stopped tracee dequeues nothing. */
#include <scmpkit/apply.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "util/cleanup.h"
#include "util/grow.h"

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

/* Seccomp mode from /proc/PID/status: 0 none, 1 strict, 2 filter; -1 unknown.
 * PTRACE_SECCOMP_GET_FILTER answers EINVAL for a process without filters. */
static int seccomp_mode(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	_sk_cleanup_fclose_ FILE *f = fopen(path, "re");
	int mode = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	return mode;
}

/* Index I counts back from the most recent filter; OUT gets them oldest first. */
static int read_filters(pid_t pid, struct sk_filter_set *out)
{
	size_t cap = 0;
	for (unsigned long i = 0;; i++) {
		long len = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);
		if (len < 0) {
			if (errno == ENOENT || (errno == EINVAL && i == 0 && seccomp_mode(pid) == 0))
				return 0;
			return -errno;
		}
		if (len == 0 || len > SK_BPF_MAXINSNS)
			return -EINVAL;
		_sk_cleanup_free_ struct sock_filter *insns = calloc((size_t)len, sizeof *insns);
		if (!insns || SK_GROW(out->progs, cap, out->n) < 0)
			return -ENOMEM;
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, insns) != len)
			return -errno;
		/* the newest is read first: prepend */
		memmove(&out->progs[1], &out->progs[0], out->n * sizeof *out->progs);
		out->progs[0] = (struct sk_bpf_prog){SK_TAKE_PTR(insns), (size_t)len, NULL};
		out->n++;
	}
}

int sk_process_filters(pid_t pid, struct sk_filter_set *out)
{
	memset(out, 0, sizeof *out);
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
		return -errno;
	int st, sig = 0;
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0 || waitpid(pid, &st, __WALL) < 0) {
		int e = errno;
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return -e;
	}
	if (!WIFSTOPPED(st)) /* it died meanwhile: nothing to detach from */
		return -ESRCH;
	/* PTRACE_EVENT_STOP: the interrupt (or a group-stop), nothing to hand
	 * back; otherwise a signal-delivery-stop of a signal the process must get */
	if (st >> 16 != PTRACE_EVENT_STOP)
		sig = WSTOPSIG(st);
	int r = read_filters(pid, out);
	ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)sig);
	if (r < 0)
		sk_filter_set_free(out);
	return r;
}
