/* SPDX-License-Identifier: Apache-2.0 */
/* The readers of the audit records — a file, /dev/kmsg, syslog(2) — and where
 * records go on this machine (auditd, the printk rate limit).
 *
 * Every input is bounded (sk_input_limit(SK_INPUT_LOG)): a file through
 * sk_read_input, which refuses devices and FIFOs nobody writes; /dev/kmsg,
 * which the reader opens itself, by counting what it read. A read error is an
 * error, never the end of the log. A text log whose records nobody vouched for
 * is refused here, once it is known to hold any.
 */
#include <scmpkit/audit.h>
#include <scmpkit/fileio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "util/cleanup.h"

/* A text log held records nobody said to trust: refuse them all. */
static int refuse_untrusted(const struct sk_audit_log *log, const char *what,
			    struct sk_diags *diags)
{
	if (!log->untrusted)
		return 0;
	sk_diags_add(diags, SK_SEV_ERROR, what, log->first_untrusted, 0, "audit-text-log",
		     "%zu seccomp record(s) in a line-based text log (dmesg, syslog, kern.log, "
		     "journalctl's text, a saved /dev/kmsg): any user can forge one there — the "
		     "kernel prints a crashing program's file name unescaped, newlines included "
		     "— so none is believed",
		     log->untrusted);
	sk_diags_set_fix(diags, "read a source that keeps records apart: --from kmsg "
				"(/dev/kmsg), --from auditd (audit.log), or the output of "
				"'journalctl -o json'; or add --trust-text-log if no other user "
				"could have written to this log");
	return -EPERM;
}

int sk_audit_log_read_file(struct sk_audit_log *log, const char *file,
			   const struct sk_audit_filter *filter, struct sk_diags *diags)
{
	const char *name = strcmp(file, "-") ? file : "stdin";
	_sk_cleanup_free_ char *data = NULL;
	size_t len;
	int r = sk_read_input(file, SK_INPUT_LOG, &data, &len);
	if (r < 0) {
		sk_diags_add(diags, SK_SEV_ERROR, name, 0, 0, "audit-read", "cannot read: %s",
			     sk_read_error(r, SK_INPUT_LOG));
		if (r == -ENODEV)
			sk_diags_set_fix(diags, "for the kernel log use --from kmsg; a log file "
						"is a regular file, a pipe or stdin");
		return r;
	}
	r = sk_audit_log_feed_text(log, data, len, filter);
	if (r < 0) {
		sk_diags_add(diags, SK_SEV_ERROR, name, 0, 0, "audit-read", "%s", strerror(-r));
		return r;
	}
	return refuse_untrusted(log, name, diags);
}

/* dmesg_restrict=1 makes both the syslog(2) and the /dev/kmsg reader need
 * CAP_SYSLOG: say so rather than "Operation not permitted". */
static int permission_error(struct sk_diags *diags, const char *what, int err)
{
	if (err != EPERM && err != EACCES) {
		sk_diags_add(diags, SK_SEV_ERROR, what, 0, 0, "audit-read", "cannot read: %s",
			     strerror(err));
		return -err;
	}
	char buf[8] = "";
	_sk_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/dmesg_restrict", "re");
	if (f && !fgets(buf, sizeof buf, f))
		buf[0] = 0;
	sk_diags_add(diags, SK_SEV_ERROR, what, 0, 0, "audit-permission",
		     "reading the kernel log needs root (CAP_SYSLOG)%s",
		     buf[0] == '1' ? " on this machine: kernel.dmesg_restrict=1" : "");
	sk_diags_set_fix(diags, "run as root, or save the log as root (journalctl -o json > "
				"log.json, or a copy of audit.log) and read it with --from FILE");
	return -err;
}

/* The sequence number of a kmsg record, to count those overwritten before we
 * got to them. */
static void kmsg_seq(struct sk_audit_log *log, const char *rec, size_t len, uint64_t *last,
		     bool *have)
{
	const char *comma = memchr(rec, ',', len);
	if (!comma)
		return;
	uint64_t seq = strtoull(comma + 1, NULL, 10);
	if (*have && seq > *last + 1)
		log->kmsg_overwritten += seq - *last - 1;
	*last = seq;
	*have = true;
}

int sk_audit_log_read_kmsg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			   struct sk_diags *diags)
{
	_sk_cleanup_close_ int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return permission_error(diags, "/dev/kmsg", errno);
	/* a record is at most 8 KiB (the kernel's limit, with its dictionary) */
	enum { BUF = 16384 };
	_sk_cleanup_free_ char *buf = malloc(BUF);
	if (!buf)
		return -ENOMEM;
	uint64_t last_seq = 0, total = 0;
	bool have_seq = false;
	for (;;) {
		ssize_t n = read(fd, buf, BUF - 1);
		if (n < 0) {
			/* EPIPE: overwritten before we got to it (counted by its sequence) */
			if (errno == EINTR || errno == EPIPE)
				continue;
			if (errno == EAGAIN)
				return 0;
			return permission_error(diags, "/dev/kmsg", errno);
		}
		if (n == 0)
			return 0;
		/* records keep coming while we read: stop at the limit of a log */
		if ((total += (uint64_t)n) > sk_input_limit(SK_INPUT_LOG)) {
			sk_diags_add(diags, SK_SEV_ERROR, "/dev/kmsg", 0, 0, "audit-read",
				     "cannot read: %s", sk_read_error(-EFBIG, SK_INPUT_LOG));
			return -EFBIG;
		}
		/* "PRI,SEQ,USEC,FLAGS;message\n KEY=VALUE\n..." — the message only; its
		 * own newlines are escaped (\x0a) */
		char *nl = memchr(buf, '\n', (size_t)n);
		size_t len = nl ? (size_t)(nl - buf) : (size_t)n;
		kmsg_seq(log, buf, len, &last_seq, &have_seq);
		int r = sk_audit_log_feed(log, SK_AUDIT_SRC_KMSG, buf, len, filter);
		if (r < 0)
			return r;
	}
}

int sk_audit_log_read_dmesg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			    struct sk_diags *diags)
{
	static const char what[] = "the kernel log (syslog(2))";
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size < 0)
		return permission_error(diags, what, errno);
	_sk_cleanup_free_ char *buf = malloc((size_t)size + 1);
	if (!buf)
		return -ENOMEM;
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0)
		return permission_error(diags, what, errno);
	/* syslog(2) gives each line of a record its own prefix: a text log */
	int r = sk_audit_log_feed_lines(log, SK_AUDIT_SRC_TEXT, buf, (size_t)n, filter);
	if (r < 0)
		return r;
	return refuse_untrusted(log, what, diags);
}

/* ---- where records go ---------------------------------------------------- */

static int read_int(const char *path, int *out)
{
	_sk_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	return fscanf(f, "%d", out) == 1 ? 0 : -EINVAL;
}

int sk_audit_ratelimit(int *interval, int *burst)
{
	int r = read_int("/proc/sys/kernel/printk_ratelimit", interval);
	return r ? r : read_int("/proc/sys/kernel/printk_ratelimit_burst", burst);
}

/* auditd takes the records away from the kernel log while it runs. */
static bool auditd_running(void)
{
	int pid = 0;
	if (read_int("/var/run/auditd.pid", &pid) < 0 || pid <= 0)
		return false;
	char path[64], state = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	_sk_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f || fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		return false;
	return state != 'Z' && state != 'X';
}

void sk_audit_sink_probe(struct sk_audit_sink *s)
{
	s->auditd = auditd_running();
	if (sk_audit_ratelimit(&s->interval, &s->burst) < 0)
		s->interval = s->burst = -1;
}

size_t sk_audit_sink_check(const struct sk_audit_sink *s, struct sk_diags *diags)
{
	if (s->auditd || s->interval <= 0)
		return 0;
	/* the advice goes in the message too: `run` prints messages only */
	char fix[256];
	snprintf(fix, sizeof fix,
		 "before the run, 'sysctl -w kernel.printk_ratelimit=0' (and after it, "
		 "'sysctl -w kernel.printk_ratelimit=%d'), or start auditd and learn with "
		 "--from auditd",
		 s->interval);
	sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-ratelimit",
		     "no auditd runs, so the audit records of this run go to the kernel log "
		     "through the printk rate limit (%d record(s) per %d s here): most of them "
		     "will be dropped, and a profile learned from the rest will lack calls; what "
		     "to do: %s",
		     s->burst, s->interval, fix);
	sk_diags_set_fix(diags, fix);
	return 1;
}

size_t sk_audit_check_run(struct sk_diags *diags)
{
	struct sk_audit_sink s;
	sk_audit_sink_probe(&s);
	return sk_audit_sink_check(&s, diags);
}
