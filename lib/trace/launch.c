/* SPDX-License-Identifier: Apache-2.0 */
/* What the backends that start a command share: the child's side of the
 * start (wait until the recorder is in place, exec, report an exec failure
 * through a pipe), and the check every backend makes for a target that runs
 * under a seccomp filter of its own, whose denials no recorder can see. */
#include "trace_backend.h"

#include "util/cleanup.h"

#include <scmpkit/escape.h>
#include <scmpkit/fileio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void sk_trace_exec_child(int sync_fd, int err_fd, char *const *argv,
				   int (*before_exec)(void *ctx), void *ctx)
{
	char c;
	while (read(sync_fd, &c, 1) < 0 && errno == EINTR)
		;
	int e = before_exec ? before_exec(ctx) : 0;
	if (e == 0) {
		execvp(argv[0], argv);
		e = errno;
	}
	ssize_t w = write(err_fd, &e, sizeof e);
	(void)w;
	_exit(e == ENOENT ? 127 : 126);
}

int sk_trace_spawn(char *const *argv, int (*before_exec)(void *ctx),
		   int (*hold)(void *ctx, pid_t pid, struct sk_diags *d), void *ctx, pid_t *pid,
		   int *err_fd, struct sk_diags *d)
{
	_sk_cleanup_close_ int sync_r = -1, sync_w = -1, err_r = -1, err_w = -1;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	sync_r = fds[0], sync_w = fds[1];
	if (pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	err_r = fds[0], err_w = fds[1];
	pid_t child = sk_trace_fork();
	if (child < 0)
		goto fail;
	if (child == 0) {
		close(sync_w);
		close(err_r);
		sk_trace_exec_child(sync_r, err_w, argv, before_exec, ctx);
	}
	int r = hold(ctx, child, d);
	if (r < 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return r;
	}
	*pid = child;
	*err_fd = SK_TAKE_FD(err_r);
	return 0; /* closing sync_w lets the child go on */
fail:
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-start", "cannot start the command: %s",
		     strerror(errno));
	return -errno;
}

int sk_trace_exec_error(int err_fd, const char *cmd, struct sk_diags *d)
{
	int e = 0;
	if (err_fd < 0 || read(err_fd, &e, sizeof e) != (ssize_t)sizeof e || !e)
		return 0;
	_sk_cleanup_free_ char *name = sk_escape(cmd);
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-exec", "cannot run '%s': %s",
		     name ? name : "?", strerror(e));
	return e;
}

/* "Seccomp:\t2" in /proc/PID/status: the process runs under a filter. */
static bool runs_filtered(pid_t pid, char comm[64])
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/status");
	_sk_cleanup_free_ char *text = NULL;
	size_t len;
	if (sk_read_file(path, &text, &len) < 0)
		return false;
	const char *name = strstr(text, "Name:\t");
	if (name)
		sscanf(name + 6, "%63[^\n]", comm);
	const char *s = strstr(text, "\nSeccomp:\t");
	return s && s[10] == '2';
}

bool sk_trace_note_filtered(pid_t pid, struct sk_diags *d)
{
	char comm[64] = "?";
	if (!runs_filtered(pid, comm))
		return false;
	_sk_cleanup_free_ char *who = sk_escape(comm);
	if (pid)
		sk_diags_add(d, SK_SEV_WARNING, NULL, 0, 0, "record-filtered",
			     "pid %d (%s) runs under a seccomp filter: seccomp decides before any "
			     "recorder sees a call, so calls its filter denies are missing; only "
			     "what the filter lets through or logs is recorded",
			     (int)pid, who ? who : "?");
	else
		sk_diags_add(d, SK_SEV_WARNING, NULL, 0, 0, "record-filtered",
			     "scmpkit runs under a seccomp filter, and so does the command: calls "
			     "that filter denies are missing; only what it lets through or logs "
			     "is recorded");
	sk_diags_set_fix(d, "record under Unconfined, or under an audit-mode profile "
			    "(defaultAction SCMP_ACT_LOG, as scmpkit audit-profile writes)");
	return true;
}
