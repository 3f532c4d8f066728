/* A log of seccomp records: filtering, loss detection, and the readers for
 * files, /dev/kmsg and syslog(2). */
#include <scmpkit/audit.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <time.h>
#include <unistd.h>

void sk_audit_filter_init(struct sk_audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->pid = -1;
	/* audit(TIME:...) comes from ktime_get_coarse_real_ts64(): it can be a
	 * tick behind `date +%s.%N` taken just before the run (seen in CI) */
	struct timespec res;
	if (clock_getres(CLOCK_REALTIME_COARSE, &res) == 0 && !res.tv_sec)
		f->slack_ms = (unsigned)(2 * ((res.tv_nsec + 999999) / 1000000));
}

void sk_audit_log_free(struct sk_audit_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		sk_audit_record_clear(&log->v[i]);
	free(log->v);
	memset(log, 0, sizeof *log);
}

/* --exe matches the whole path, or the last component when E has no '/'. */
static bool exe_matches(const char *exe, const char *want)
{
	if (!exe)
		return false;
	if (strchr(want, '/'))
		return !strcmp(exe, want);
	const char *b = strrchr(exe, '/');
	return !strcmp(b ? b + 1 : exe, want);
}

static bool before_since(const struct sk_audit_record *r, const struct sk_audit_filter *f)
{
	if (!f || !f->has_since || !r->time)
		return false;
	/* (time, ms) + slack < (since, since_ms), without overflow on odd stamps */
	if (r->time >= f->since)
		return r->time == f->since && r->time_ms + f->slack_ms < f->since_ms;
	if (f->since != INT64_MIN && r->time == f->since - 1)
		return r->time_ms + f->slack_ms < 1000 + f->since_ms;
	return true;
}

static bool keep(const struct sk_audit_record *r, const struct sk_audit_filter *f)
{
	if (!f)
		return true;
	if (before_since(r, f))
		return false;
	if (f->comm && (!r->comm || strcmp(r->comm, f->comm)))
		return false;
	if (f->exe && !exe_matches(r->exe, f->exe))
		return false;
	if (f->pid >= 0 && r->pid != f->pid)
		return false;
	return true;
}

/* Serial numbers are global to every audit record the kernel makes; a record
 * the printk rate limit drops still used its number. kauditd may emit two
 * records made at once on two CPUs out of order, so a small step back fills a
 * hole instead of starting over (a big one is a reboot or a rotated log). */
static void track_serial(struct sk_audit_log *log, const struct sk_audit_record *r,
			 const struct sk_audit_filter *f)
{
	if (!r->has_stamp)
		return;
	uint64_t s = r->serial;
	if (before_since(r, f)) {
		/* a gap across the start of the window may lie before it: the
		 * first record in the window starts the count afresh */
		log->have_serial = false;
		log->pending_suppressed = log->pending_lines = 0;
		return;
	}
	/* a "callbacks suppressed" line comes just before the first record that
	 * passes after the loss: count it with the window that record is in */
	log->suppressed += log->pending_suppressed;
	log->suppressed_lines += log->pending_lines;
	log->pending_suppressed = log->pending_lines = 0;
	log->in_window = true;
	if (!log->have_serial) {
		log->have_serial = true;
		log->last_serial = s;
		return;
	}
	if (s > log->last_serial + 1) {
		log->serial_missing += s - log->last_serial - 1;
		log->serial_gaps++;
		log->last_serial = s;
	} else if (s < log->last_serial) {
		if (log->last_serial - s < 4096) {
			if (log->serial_missing)
				log->serial_missing--;
		} else {
			log->last_serial = s;
		}
	} else {
		log->last_serial = s;
	}
}

int sk_audit_log_feed(struct sk_audit_log *log, const char *line, size_t len,
		      const struct sk_audit_filter *filter)
{
	struct sk_audit_record rec;
	uint64_t count;
	log->lines++;
	switch (sk_audit_parse_line(line, len, &rec, &count)) {
	case SK_AUDIT_LINE_OTHER:
		return 0;
	case SK_AUDIT_LINE_MALFORMED:
		log->malformed++;
		if (!log->first_malformed)
			log->first_malformed = (unsigned)log->lines;
		sk_audit_record_clear(&rec);
		return 0;
	case SK_AUDIT_LINE_SUPPRESSED:
		if (filter && filter->has_since) {
			log->pending_suppressed += count;
			log->pending_lines++;
		} else {
			log->suppressed += count;
			log->suppressed_lines++;
		}
		return 0;
	case SK_AUDIT_LINE_LOST:
		log->lost_lines++;
		return 0;
	case SK_AUDIT_LINE_HANDOVER:
		/* the serials on either side of it went to different logs: a gap
		 * across it is not a loss of this log's, the handover is reported */
		if (!before_since(&rec, filter)) {
			log->handovers++;
			log->last_handover = rec.time;
			log->have_serial = false;
		}
		return 0;
	case SK_AUDIT_LINE_AUDIT:
		log->other_audit++;
		track_serial(log, &rec, filter);
		return 0;
	case SK_AUDIT_LINE_SECCOMP:
		break;
	}
	log->seccomp++;
	log->form = rec.form;
	track_serial(log, &rec, filter);
	rec.line = (unsigned)log->lines;
	if (!keep(&rec, filter)) {
		log->filtered_out++;
		if (before_since(&rec, filter))
			log->before_since++;
		sk_audit_record_clear(&rec);
		return 0;
	}
	if (!rec.time)
		log->untimed++;
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct sk_audit_record *v = realloc(log->v, cap * sizeof *v);
		if (!v) {
			sk_audit_record_clear(&rec);
			return -ENOMEM;
		}
		log->v = v;
		log->cap = cap;
	}
	log->v[log->n++] = rec;
	return 0;
}

int sk_audit_log_feed_text(struct sk_audit_log *log, const char *text, size_t len,
			   const struct sk_audit_filter *filter)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		int r = sk_audit_log_feed(log, p, (size_t)(e - p), filter);
		if (r < 0)
			return r;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int sk_audit_log_read_file(struct sk_audit_log *log, const char *file,
			   const struct sk_audit_filter *filter, struct sk_diags *diags)
{
	bool std = !strcmp(file, "-");
	FILE *f = std ? stdin : fopen(file, "r");
	if (!f) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "audit-read", "cannot open: %s",
			     strerror(e));
		return -e;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;
	while ((n = getline(&line, &cap, f)) >= 0)
		if ((r = sk_audit_log_feed(log, line, (size_t)n, filter)) < 0)
			break;
	if (!r && ferror(f)) {
		r = -EIO;
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "audit-read", "read error");
	}
	free(line);
	if (!std)
		fclose(f);
	return r;
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
	FILE *f = fopen("/proc/sys/kernel/dmesg_restrict", "r");
	if (f) {
		if (!fgets(buf, sizeof buf, f))
			buf[0] = 0;
		fclose(f);
	}
	sk_diags_add(diags, SK_SEV_ERROR, what, 0, 0, "audit-permission",
		     "reading the kernel log needs root (CAP_SYSLOG)%s",
		     buf[0] == '1' ? " on this machine: kernel.dmesg_restrict=1" : "");
	sk_diags_set_fix(diags, "run as root, or save the log as root (dmesg > log.txt) and "
				"read it with --from log.txt");
	return -err;
}

int sk_audit_log_read_kmsg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			   struct sk_diags *diags)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return permission_error(diags, "/dev/kmsg", errno);
	char *buf = malloc(16384);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	uint64_t last_seq = 0;
	bool have_seq = false;
	int r = 0;
	for (;;) {
		ssize_t n = read(fd, buf, 16383);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) /* overwritten before we got to it */
				continue;
			if (errno != EAGAIN)
				r = permission_error(diags, "/dev/kmsg", errno);
			break;
		}
		buf[n] = 0;
		/* "PRI,SEQ,USEC,FLAGS;message\n KEY=VALUE\n..." — the message only */
		char *nl = memchr(buf, '\n', (size_t)n);
		size_t len = nl ? (size_t)(nl - buf) : (size_t)n;
		const char *comma = memchr(buf, ',', len);
		if (comma) {
			uint64_t seq = strtoull(comma + 1, NULL, 10);
			if (have_seq && seq > last_seq + 1)
				log->kmsg_overwritten += seq - last_seq - 1;
			last_seq = seq;
			have_seq = true;
		}
		if ((r = sk_audit_log_feed(log, buf, len, filter)) < 0)
			break;
	}
	free(buf);
	close(fd);
	return r;
}

int sk_audit_log_read_dmesg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			    struct sk_diags *diags)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size < 0)
		return permission_error(diags, "dmesg", errno);
	char *buf = malloc((size_t)size + 1);
	if (!buf)
		return -ENOMEM;
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		int e = errno;
		free(buf);
		return permission_error(diags, "dmesg", e);
	}
	int r = sk_audit_log_feed_text(log, buf, (size_t)n, filter);
	free(buf);
	return r;
}

static int read_int(const char *path, int *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	int r = fscanf(f, "%d", out) == 1 ? 0 : -EINVAL;
	fclose(f);
	return r;
}

int sk_audit_ratelimit(int *interval, int *burst)
{
	int r = read_int("/proc/sys/kernel/printk_ratelimit", interval);
	return r ? r : read_int("/proc/sys/kernel/printk_ratelimit_burst", burst);
}

size_t sk_audit_log_explain_loss(const struct sk_audit_log *log, struct sk_diags *diags)
{
	/* the end of the log may have no record after its last suppression */
	uint64_t suppressed = log->suppressed + (log->in_window ? log->pending_suppressed : 0);
	size_t suppressed_lines = log->suppressed_lines + (log->in_window ? log->pending_lines : 0);
	static const char fix[] =
		"for the learning run, set 'sysctl -w kernel.printk_ratelimit=0' (and restore it "
		"after), or run auditd and learn from /var/log/audit/audit.log";
	/* auditd takes records from the kernel, which drops them when its backlog is full */
	static const char fix_auditd[] =
		"for the learning run, raise the kernel's audit backlog ('auditctl -b 8192'); "
		"'auditctl -s' shows the lost count";
	size_t added = 0;
	bool kernel_log = log->form != SK_AUDIT_FORM_AUDITD;
	int interval = -1, burst = -1;
	bool limited = kernel_log && !sk_audit_ratelimit(&interval, &burst) && interval > 0;
	char limit[96] = "";
	if (limited)
		snprintf(limit, sizeof limit, " (printk rate limit here: %d records per %d s)",
			 burst, interval);

	if (log->serial_missing) {
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-lost",
			     "%llu audit record(s) missing from the log: %zu gap(s) in the serial "
			     "numbers audit(TIME:SERIAL)%s; a profile learned from it may lack calls",
			     (unsigned long long)log->serial_missing, log->serial_gaps,
			     kernel_log ? " — dropped by the printk rate limit, or taken by auditd "
					  "while it ran"
					: " — dropped by the kernel (audit backlog full)");
		sk_diags_set_fix(diags, kernel_log ? fix : fix_auditd);
		added++;
	}
	if (log->handovers) {
		/* a gap across a handover is not counted above: say where they went */
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-handover",
			     kernel_log ? "auditd ran within the window (it stopped %zu time(s), "
					  "last at @%lld): the records it took are in its log, "
					  "not in the kernel log"
					: "auditd started or stopped %zu time(s) within the window "
					  "(last at @%lld): records made while it was not running "
					  "went to the kernel log, not here",
			     log->handovers, (long long)log->last_handover);
		sk_diags_set_fix(diags, kernel_log
						? "learn from /var/log/audit/audit.log too (--from auditd, "
						  "-p with this output)"
						: "learn from the kernel log too (--from kmsg, -p with this "
						  "output), or start the window after auditd started (--since)");
		added++;
	}
	if (suppressed) {
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-suppressed",
			     "the kernel suppressed %llu audit message(s) (%zu \"callbacks "
			     "suppressed\" line(s))%s",
			     (unsigned long long)suppressed, suppressed_lines, limit);
		sk_diags_set_fix(diags, fix);
		added++;
	}
	if (log->lost_lines) {
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-lost",
			     "the kernel reported lost audit records %zu time(s) "
			     "(audit_lost / limit exceeded)", log->lost_lines);
		sk_diags_set_fix(diags, fix);
		added++;
	}
	if (log->kmsg_overwritten) {
		sk_diags_add(diags, SK_SEV_WARNING, "/dev/kmsg", 0, 0, "audit-lost",
			     "%llu kernel log record(s) were overwritten in the ring buffer before "
			     "they were read", (unsigned long long)log->kmsg_overwritten);
		sk_diags_set_fix(diags, "learn sooner after the run, or run auditd");
		added++;
	}
	/* The kernel reports a suppression only with the next record that passes:
	 * records dropped at the very end leave no trace. A full burst inside one
	 * interval at the end of the log is the sign. */
	if (limited && burst > 0 && log->n >= (size_t)burst) {
		const struct sk_audit_record *last = &log->v[log->n - 1];
		const struct sk_audit_record *first = &log->v[log->n - (size_t)burst];
		if (last->time && first->time && last->time - first->time <= interval &&
		    !log->serial_missing && !suppressed) {
			sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "audit-maybe-lost",
				     "the last %d records came within %d s, a whole printk burst: "
				     "records after them may have been dropped without a trace (the "
				     "kernel says so only with a later record)%s",
				     burst, interval, limit);
			sk_diags_set_fix(diags, fix);
			added++;
		}
	}
	if (log->malformed) {
		sk_diags_add(diags, SK_SEV_NOTE, NULL, log->first_malformed, 0, "audit-malformed",
			     "%zu malformed or truncated seccomp line(s) skipped (first at line %u)",
			     log->malformed, log->first_malformed);
		added++;
	}
	return added;
}

int sk_audit_time_parse(const char *s, int64_t now, int64_t *out)
{
	unsigned ms;
	return sk_audit_time_parse_ms(s, now, out, &ms);
}

int sk_audit_time_parse_ms(const char *s, int64_t now, int64_t *out, unsigned *ms)
{
	*ms = 0;
	if (!s || !*s)
		return -EINVAL;
	char *e;
	if (s[0] == '@') {
		errno = 0;
		long long v = strtoll(s + 1, &e, 10);
		if (errno || e == s + 1 || (*e && *e != '.'))
			return -EINVAL;
		if (*e == '.') {
			/* up to nanoseconds; the records have milliseconds */
			size_t n = strspn(e + 1, "0123456789");
			if (!n || n > 9 || e[1 + n])
				return -EINVAL;
			for (size_t i = 0; i < 3; i++)
				*ms = *ms * 10 + (i < n ? (unsigned)(e[1 + i] - '0') : 0);
		}
		*out = v;
		return 0;
	}
	if (!strcmp(s, "now")) {
		*out = now;
		return 0;
	}
	if (s[0] == '-') {
		static const struct {
			char unit;
			int64_t secs;
		} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
		errno = 0;
		long long v = strtoll(s + 1, &e, 10);
		if (errno || e == s + 1 || v < 0 || !*e || e[1])
			return -EINVAL;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
			if (*e == units[i].unit) {
				*out = now - v * units[i].secs;
				return 0;
			}
		return -EINVAL;
	}
	struct tm tm = {0};
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &n) != 5)
		return -EINVAL;
	const char *rest = s + n;
	if (*rest == ':') {
		int used = 0;
		if (sscanf(rest, ":%2d%n", &tm.tm_sec, &used) != 1)
			return -EINVAL;
		rest += used;
	}
	if (*rest)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)t;
	return 0;
}
