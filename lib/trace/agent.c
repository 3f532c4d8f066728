/* SPDX-License-Identifier: Apache-2.0 */
/* runc seccomp-agent backend: record what a container calls under its real
 * runtime. A copy of the bundle's config.json gets a linux.seccomp that sends
 * every syscall known on the arch to us (SCMP_ACT_NOTIFY, listenerPath = our
 * unix socket); runc connects after loading the filter and passes the notify
 * fd with SCM_RIGHTS (plus an OCI state JSON); we answer every notification
 * with SECCOMP_USER_NOTIF_FLAG_CONTINUE and note its arch and nr.
 * runc refuses NOTIFY as the default action and for `write`: the default is
 * ALLOW (only calls runc's libseccomp cannot name fall through unseen) and
 * write is allowed and always recorded.
 *
 * Signals sent to scmpkit reach the container through `runc run`, which
 * passes every signal it gets on to the container's init; ending at once
 * (a second SIGINT/SIGTERM) is `runc kill ID KILL`, and every way out
 * deletes the container and the private directory. */
#include "trace_backend.h"

#include <scmpkit/doc.h>
#include <scmpkit/fileio.h>

#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct agent {
	struct sk_recorder base;
	char dir[64];     /* private temporary bundle directory (named by our pid) */
	char sock[96];    /* listenerPath (fits sun_path) */
	char id[64];      /* container id */
	int listen_fd;
	pid_t runtime_pid;
	bool started;     /* runc run was started: the container may exist */
};

/* The NOTIFY-everything profile as OCI JSON (caller frees). */
static char *notify_profile(const char *listener, struct sk_diags *d)
{
	struct sk_profile *p = sk_profile_new();
	if (!p)
		return NULL;
	enum sk_arch native = sk_arch_native();
	enum sk_arch arches[3] = {native, SK_ARCH_INVALID, SK_ARCH_INVALID};
	if (native == SK_ARCH_X86_64) {
		arches[1] = SK_ARCH_X86;
		arches[2] = SK_ARCH_X32;
	}
	p->default_action = SK_ACT_ALLOW;
	p->listener_path = strdup(listener);
	struct sk_rule *r = sk_profile_add_rule(p, NULL, 0, SK_ACT_NOTIFY);
	char *text = NULL;
	if (!p->listener_path || !r)
		goto out;
	for (size_t i = 0; i < sk_syscall_name_count(); i++) {
		const char *name = sk_syscall_name_at(i);
		if (sk_syscall_on_any(arches, 3, name) && strcmp(name, "write") &&
		    sk_rule_add_name(r, name) < 0)
			goto out;
	}
	for (int a = 0; a < 3; a++)
		if (arches[a] != SK_ARCH_INVALID && sk_profile_add_arch(p, arches[a]) < 0)
			goto out;
	text = sk_profile_emit(p, SK_FORMAT_OCI, d);
out:
	sk_profile_free(p);
	return text;
}

/* DIR/config.json: the bundle's, with an absolute root.path and our seccomp.
 * Edited as text through the document layer, so the rest of the file stays
 * as the bundle has it. */
static int write_config(struct agent *ag, const char *bundle, struct sk_diags *d)
{
	char cfg_path[PATH_MAX + 16], abs_bundle[PATH_MAX];
	if (!realpath(bundle, abs_bundle)) {
		sk_diags_add(d, SK_SEV_ERROR, bundle, 0, 0, "record-bundle", "cannot open bundle: %s",
			     strerror(errno));
		return -errno;
	}
	snprintf(cfg_path, sizeof cfg_path, "%s/config.json", abs_bundle);
	_sk_cleanup_free_ char *text = NULL, *prof = NULL, *out = NULL;
	size_t len, out_len = 0;
	int rc = sk_read_input(cfg_path, SK_INPUT_OTHER, &text, &len);
	if (rc < 0) {
		sk_diags_add(d, SK_SEV_ERROR, cfg_path, 0, 0, "record-bundle",
			     "cannot read the bundle's config.json: %s",
			     sk_read_error(rc, SK_INPUT_OTHER));
		return rc;
	}
	struct sk_doc doc;
	struct sk_doc_editor ed;
	struct sk_doc_edit *v = NULL;
	size_t n = 0;
	sk_doc_editor_init(&ed, text, len, cfg_path, "record-bundle", d);
	rc = sk_doc_parse(text, len, cfg_path, NULL, &doc, d);
	const struct sk_doc_node *root = !rc && doc.n_docs ? doc.docs[0].root : NULL;
	const struct sk_doc_node *rootfs = sk_doc_get(sk_doc_get(root, "root"), "path");
	const struct sk_doc_node *linux_ = sk_doc_get(root, "linux");
	if (rc)
		goto out;
	rc = -EINVAL;
	if (!rootfs || rootfs->type != SK_DOC_SCALAR || !linux_ || linux_->type != SK_DOC_MAP) {
		sk_diags_add(d, SK_SEV_ERROR, cfg_path, 0, 0, "record-bundle",
			     "config.json has no root.path or no linux object");
		goto out;
	}
	const char *rp = rootfs->str;
	char abs_root[PATH_MAX * 2];
	snprintf(abs_root, sizeof abs_root, "%s%s%s", rp[0] == '/' ? "" : abs_bundle,
		 rp[0] == '/' ? "" : "/", rp);
	if (!(prof = notify_profile(ag->sock, d)))
		goto out;
	sk_doc_set_scalar(&ed, rootfs, abs_root, SK_DOC_STRING);
	const struct sk_doc_node *seccomp = sk_doc_get(linux_, "seccomp");
	struct sk_doc_kv kv = {"seccomp", SK_DOC_RAW, prof, NULL, 0};
	if (seccomp)
		sk_doc_replace(&ed, seccomp, prof);
	else
		sk_doc_add_pairs(&ed, linux_, &kv, 1);
	if (sk_doc_editor_finish(&ed, &v, &n) || sk_doc_apply(text, len, v, n, &out, &out_len)) {
		sk_diags_add(d, SK_SEV_ERROR, cfg_path, 0, 0, "record-bundle",
			     "cannot rewrite config.json");
		goto out;
	}
	snprintf(cfg_path, sizeof cfg_path, "%s/config.json", ag->dir);
	rc = sk_write_file_atomic(cfg_path, out, out_len);
out:
	sk_doc_edits_free(v, n);
	sk_doc_editor_release(&ed);
	sk_doc_release(&doc);
	return rc;
}

/* RUNTIME ARGS... with stdio on /dev/null, waited for (kill, delete). */
static void runtime_cmd(struct agent *ag, const char *verb, const char *arg)
{
	const char *runtime = ag->base.opts.runtime ? ag->base.opts.runtime : "runc";
	pid_t pid = sk_trace_fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (arg)
			execlp(runtime, runtime, verb, ag->id, arg, (char *)NULL);
		else
			execlp(runtime, runtime, verb, "-f", ag->id, (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int ag_start(struct sk_recorder *r, struct sk_diags *d)
{
	struct agent *ag = (struct agent *)r;
	ag->listen_fd = -1;
	if (!r->opts.bundle)
		return -EINVAL;
	snprintf(ag->dir, sizeof ag->dir, "/tmp/scmpkit-agent-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(ag->dir)) {
		ag->dir[0] = 0;
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-bundle", "mkdtemp: %s", strerror(errno));
		return -errno;
	}
	snprintf(ag->sock, sizeof ag->sock, "%s/agent.sock", ag->dir);
	snprintf(ag->id, sizeof ag->id, "scmpkit-record-%d", (int)getpid());
	int rc = write_config(ag, r->opts.bundle, d);
	if (rc < 0)
		return rc;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", ag->sock);
	ag->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ag->listen_fd < 0 || bind(ag->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(ag->listen_fd, 4) < 0) {
		sk_diags_add(d, SK_SEV_ERROR, ag->sock, 0, 0, "record-bundle", "listen: %s",
			     strerror(errno));
		return -errno;
	}
	const char *runtime = r->opts.runtime ? r->opts.runtime : "runc";
	ag->runtime_pid = sk_trace_fork();
	if (ag->runtime_pid < 0)
		return -errno;
	if (ag->runtime_pid == 0) {
		execlp(runtime, runtime, "run", "--bundle", ag->dir, ag->id, (char *)NULL);
		_exit(127);
	}
	/* runc run passes the signals it gets on to the container's init */
	r->sig.relay_pid = ag->runtime_pid;
	ag->started = true;
	return 0;
}

/* Accept runc's connection and take the notify fd it passes; -1 when the
 * runtime exits first (it failed: its status is the result). */
static int receive_fd(struct agent *ag, int *status, bool *exited)
{
	for (;;) {
		if (ag->base.sig.stop)
			return -1;
		struct pollfd pfd[2] = {{.fd = ag->listen_fd, .events = POLLIN},
					{.fd = ag->base.sig.wake[0], .events = POLLIN}};
		int n = poll(pfd, 2, 200);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0 && (pfd[0].revents & POLLIN))
			break;
		if (waitpid(ag->runtime_pid, status, WNOHANG) == ag->runtime_pid) {
			*exited = true;
			return -1;
		}
	}
	_sk_cleanup_close_ int c = accept4(ag->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return -1;
	char buf[8192];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.space,
			     .msg_controllen = sizeof cm.space};
	ssize_t got = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
	if (got < 0)
		return -1;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(h), sizeof fd); /* the state JSON names it "seccompFd" */
			return fd;
		}
	return -1;
}

/* Answer every notification with "continue" until the last filtered task is
 * gone (POLLHUP), or until a second SIGINT/SIGTERM ends the recording. */
static void answer(struct sk_recorder *r, int nfd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	while (!r->sig.stop) {
		struct pollfd pfd[2] = {{.fd = nfd, .events = POLLIN},
					{.fd = r->sig.wake[0], .events = POLLIN}};
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			char buf[64];
			while (read(r->sig.wake[0], buf, sizeof buf) > 0)
				;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL) && !(pfd[0].revents & POLLIN))
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		memset(&req, 0, sizeof req);
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue; /* the task went away meanwhile */
			break;
		}
		enum sk_arch arch = sk_arch_from_audit(req.data.arch, (uint32_t)req.data.nr);
		sk_recorder_note(r, arch, req.data.nr, (const uint64_t *)req.data.args);
		resp = (struct seccomp_notif_resp){.id = req.id,
						   .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
		ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: task gone */
	}
}

static int ag_run(struct sk_recorder *r, struct sk_diags *d)
{
	struct agent *ag = (struct agent *)r;
	int status = 0;
	bool exited = false;
	_sk_cleanup_close_ int nfd = receive_fd(ag, &status, &exited);
	if (nfd >= 0)
		answer(r, nfd);
	if (r->sig.stop && !exited)
		runtime_cmd(ag, "kill", "KILL"); /* at once: the container, not only runc */
	if (!exited)
		while (waitpid(ag->runtime_pid, &status, 0) < 0 && errno == EINTR)
			;
	ag->runtime_pid = 0;
	/* a signal passed on to runc before its own handler was in place (it
	 * came while the bundle was being set up) ended runc: the recording
	 * ends as the user asked, with runc's status, not as a broken bundle */
	bool ended_by_relay = r->sig.relayed && WIFSIGNALED(status);
	if (nfd < 0 && !r->sig.stop && !ended_by_relay) {
		sk_diags_add(d, SK_SEV_ERROR, r->opts.bundle, 0, 0, "record-bundle",
			     "runc exited (status %d) without passing a seccomp notify fd",
			     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		sk_recorder_set_exit(r, status);
		return -EPROTO;
	}
	/* runc run exits with the container's status */
	if (!r->sig.stop)
		sk_recorder_set_exit(r, status);
	/* write stays ALLOW (runc refuses NOTIFY for it): always in the set */
	for (int a = 0; a < SK_ARCH_COUNT; a++)
		if (r->result->arch[a].seen)
			sk_recorder_note(r, a, sk_syscall_nr(a, "write"), NULL);
	return 0;
}

static void ag_destroy(struct sk_recorder *r)
{
	struct agent *ag = (struct agent *)r;
	if (ag->runtime_pid > 0) {
		runtime_cmd(ag, "kill", "KILL");
		while (waitpid(ag->runtime_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (ag->started)
		runtime_cmd(ag, "delete", NULL); /* gone already after a clean `runc run` */
	if (ag->listen_fd > 0)
		sk_closep(&ag->listen_fd);
	if (ag->dir[0]) {
		char p[PATH_MAX];
		unlink(ag->sock);
		snprintf(p, sizeof p, "%s/config.json", ag->dir);
		unlink(p);
		rmdir(ag->dir);
	}
}

const struct sk_recorder_ops sk_agent_ops = {
	.name = "runc-agent",
	.size = sizeof(struct agent),
	.start = ag_start,
	.run = ag_run,
	.destroy = ag_destroy,
};
