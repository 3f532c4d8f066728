/* SPDX-License-Identifier: Apache-2.0 */
/* A log of seccomp records: which records to keep (the filter, the source's
 * trust), and what was lost (serial gaps, the rate limiter's reports). Pure:
 * the readers in read.c feed it lines. */
#include <scmpkit/audit.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "util/grow.h"

void sk_audit_filter_init(struct sk_audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->pid = f->uid = -1;
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

static bool exe_matches(const char *exe, const struct sk_audit_filter *f)
{
	if (f->exe && (!exe || strcmp(exe, f->exe)))
		return false;
	if (f->exe_name) {
		const char *b = exe ? strrchr(exe, '/') : NULL;
		if (!exe || strcmp(b ? b + 1 : exe, f->exe_name))
			return false;
	}
	return true;
}

/* Outside the window: older than SINCE, or of no known time at all (a record
 * without one could be from any time, and an attacker's would be). */
static bool before_since(const struct sk_audit_record *r, const struct sk_audit_filter *f)
{
	if (!f || !f->has_since)
		return false;
	if (!r->has_time)
		return true;
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
	if (!exe_matches(r->exe, f))
		return false;
	if (f->pid >= 0 && r->pid != f->pid)
		return false;
	if (f->uid >= 0 && r->uid != f->uid)
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

static void count_at(size_t *n, unsigned *first, size_t line)
{
	if (!(*n)++)
		*first = (unsigned)line;
}

/* A journal that has journald's own audit records has every record there: the
 * kernel transport's copies (those the printk rate limit let through, and its
 * "suppressed" lines) say nothing more. */
static bool kernel_copy(const struct sk_audit_log *log, enum sk_audit_source src,
			bool audit_transport, enum sk_audit_line what)
{
	return src == SK_AUDIT_SRC_JOURNAL && log->journal_audit && !audit_transport &&
	       what != SK_AUDIT_LINE_OTHER && what != SK_AUDIT_LINE_FORGED &&
	       what != SK_AUDIT_LINE_MALFORMED;
}

static enum sk_audit_line parse(enum sk_audit_source src, const char *line, size_t len,
				struct sk_audit_record *rec, uint64_t *count,
				bool *audit_transport)
{
	*audit_transport = false;
	if (src != SK_AUDIT_SRC_JOURNAL)
		return sk_audit_parse_line(src, line, len, rec, count);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	sk_audit_record_init(rec);
	*count = 0;
	return sk_audit_journal_line(line, line + len, rec, count, audit_transport);
}

/* What a line other than a record does to the counts. */
static void feed_other(struct sk_audit_log *log, enum sk_audit_line what,
		       const struct sk_audit_record *rec, uint64_t count,
		       const struct sk_audit_filter *filter)
{
	switch (what) {
	case SK_AUDIT_LINE_FORGED:
		count_at(&log->forged, &log->first_forged, log->lines);
		break;
	case SK_AUDIT_LINE_MALFORMED:
		count_at(&log->malformed, &log->first_malformed, log->lines);
		break;
	case SK_AUDIT_LINE_SUPPRESSED:
		if (filter && filter->has_since) {
			log->pending_suppressed += count;
			log->pending_lines++;
		} else {
			log->suppressed += count;
			log->suppressed_lines++;
		}
		break;
	case SK_AUDIT_LINE_LOST:
		log->lost_lines++;
		break;
	case SK_AUDIT_LINE_HANDOVER:
		/* the serials on either side of it went to different logs: a gap
		 * across it is not a loss of this log's, the handover is reported */
		if (!before_since(rec, filter)) {
			log->handovers++;
			log->last_handover = rec->time;
			log->have_serial = false;
		}
		break;
	case SK_AUDIT_LINE_AUDIT:
		log->other_audit++;
		track_serial(log, rec, filter);
		break;
	case SK_AUDIT_LINE_OTHER:
	case SK_AUDIT_LINE_SECCOMP:
		break;
	}
}

int sk_audit_log_feed(struct sk_audit_log *log, enum sk_audit_source src, const char *line,
		      size_t len, const struct sk_audit_filter *filter)
{
	struct sk_audit_record rec;
	uint64_t count;
	bool audit_transport;
	log->lines++;
	log->source = src;
	enum sk_audit_line what = parse(src, line, len, &rec, &count, &audit_transport);
	if (audit_transport)
		log->journal_audit = true;
	if (kernel_copy(log, src, audit_transport, what)) {
		if (what == SK_AUDIT_LINE_SECCOMP)
			log->duplicates++;
		sk_audit_record_clear(&rec);
		return 0;
	}
	if (what != SK_AUDIT_LINE_SECCOMP) {
		feed_other(log, what, &rec, count, filter);
		sk_audit_record_clear(&rec);
		return 0;
	}
	if (src == SK_AUDIT_SRC_TEXT && !(filter && filter->trust_text_log)) {
		count_at(&log->untrusted, &log->first_untrusted, log->lines);
		sk_audit_record_clear(&rec);
		return 0;
	}
	log->seccomp++;
	log->form = rec.form;
	track_serial(log, &rec, filter);
	rec.line = (unsigned)log->lines;
	if (!keep(&rec, filter)) {
		log->filtered_out++;
		if (before_since(&rec, filter))
			*(rec.has_time ? &log->before_since : &log->untimed) += 1;
		sk_audit_record_clear(&rec);
		return 0;
	}
	if (SK_GROW(log->v, log->cap, log->n) < 0) {
		sk_audit_record_clear(&rec);
		return -ENOMEM;
	}
	log->ambiguous += rec.ambiguous;
	log->v[log->n++] = rec;
	return 0;
}

/* Lines as an iterator: [*p, *e) is the next one; false at the end. */
static bool next_line(const char **p, const char **e, const char *end)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*e = nl ? nl : end;
	return true;
}

/* Which source a whole text is (audit.h: sk_audit_log_feed_text). A last
 * line without its newline may be one the writer is still writing: its shape
 * does not count. */
static enum sk_audit_source classify(const char *text, size_t len, bool *journal_audit)
{
	bool auditd = true, journal = true;
	const char *p = text, *e, *end = text + len;
	*journal_audit = false;
	while ((auditd || journal) && next_line(&p, &e, end)) {
		const char *le = e;
		while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		bool partial = e == end && p != text;
		if (le > p && !partial) {
			auditd = auditd && sk_audit_auditd_shaped(p, le);
			journal = journal && sk_audit_journal_shaped(p, le, journal_audit);
		}
		p = e + 1;
	}
	return auditd ? SK_AUDIT_SRC_AUDITD : journal ? SK_AUDIT_SRC_JOURNAL : SK_AUDIT_SRC_TEXT;
}

int sk_audit_log_feed_lines(struct sk_audit_log *log, enum sk_audit_source src,
			    const char *text, size_t len, const struct sk_audit_filter *filter)
{
	const char *p = text, *e, *end = text + len;
	while (next_line(&p, &e, end)) {
		int r = sk_audit_log_feed(log, src, p, (size_t)(e - p), filter);
		if (r < 0)
			return r;
		p = e + 1;
	}
	return 0;
}

int sk_audit_log_feed_text(struct sk_audit_log *log, const char *text, size_t len,
			   const struct sk_audit_filter *filter)
{
	bool journal_audit;
	enum sk_audit_source src = classify(text, len, &journal_audit);
	log->journal_audit = log->journal_audit || (src == SK_AUDIT_SRC_JOURNAL && journal_audit);
	log->source = src;
	return sk_audit_log_feed_lines(log, src, text, len, filter);
}

/* One diagnostic with its fix (or none); 1, for counting. */
__attribute__((format(printf, 6, 7))) static size_t say(struct sk_diags *d, enum sk_severity sev,
							unsigned line, const char *rule,
							const char *fix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_diags_vadd(d, sev, NULL, line, 0, rule, fmt, ap);
	va_end(ap);
	if (fix)
		sk_diags_set_fix(d, fix);
	return 1;
}

/* Records read but not believed or not usable: said, not lost. */
static size_t explain_skipped(const struct sk_audit_log *log, struct sk_diags *diags)
{
	static const char raw[] = "read the raw log (audit.log, ausearch --raw, journalctl -o "
				  "json), where comm and exe are quoted or hex and every record "
				  "has its time";
	size_t added = 0;
	if (log->forged)
		added += say(diags, SK_SEV_WARNING, log->first_forged, "audit-forged", NULL,
			     "%zu line(s) of %s hold a seccomp record's text where the kernel "
			     "never writes one (first at line %u): not records, ignored; someone "
			     "may have tried to forge one (a crashing program's file name, a "
			     "journal message of their own, a write to /dev/kmsg)",
			     log->forged, sk_audit_source_name(log->source), log->first_forged);
	if (log->untimed)
		added += say(diags, SK_SEV_NOTE, 0, "audit-untimed", raw,
			     "%zu record(s) carry no time (ausearch -i writes a local date, "
			     "journald's text lines none): left out by --since",
			     log->untimed);
	if (log->ambiguous)
		added += say(diags, SK_SEV_NOTE, 0, "audit-ambiguous", raw,
			     "%zu record(s) of ausearch -i have \" exe=\" inside comm or exe: "
			     "which is which cannot be told, so no --comm, --exe or --exe-name "
			     "takes them",
			     log->ambiguous);
	return added;
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
	/* audit.log and journald's audit reader take records from the kernel's
	 * audit queue; only the kernel log goes through printk */
	bool kernel_log = log->form != SK_AUDIT_FORM_AUDITD &&
			  !(log->source == SK_AUDIT_SRC_JOURNAL && log->journal_audit);
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
	return added + explain_skipped(log, diags);
}

uint64_t sk_audit_log_lost(const struct sk_audit_log *log)
{
	uint64_t suppressed = log->suppressed + (log->in_window ? log->pending_suppressed : 0);
	uint64_t n = log->serial_missing + suppressed + log->kmsg_overwritten;
	/* "audit_lost=N" counts since boot: at least one of them, then */
	return n ? n : log->lost_lines ? 1 : 0;
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
