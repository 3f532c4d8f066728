/* scmpkit/audit.h — the kernel's seccomp audit records, and audit mode (P5).
 *
 * A filter action of SCMP_ACT_LOG (and any kill, or a denial under the LOG
 * flag) makes the kernel write one audit record per call:
 *
 *   kernel log (dmesg):   [  565.39] audit: type=1326 audit(1795873770.135:2): ... arch=c000003e syscall=59 ... code=0x7ffc0000
 *   /dev/kmsg:            5,346,565391919,-;audit: type=1326 audit(1795873770.135:2): ...
 *   auditd's audit.log:   type=SECCOMP msg=audit(1795873790.879:37): ... code=0x7ffc0000<GS>AUID="unset" ...
 *   journalctl -k:        Nov 28 13:49:30 host kernel: audit: type=1326 audit(...): ...
 *   journalctl (journald's own audit reader): Nov 28 13:49:30 host audit[8289]: SECCOMP auid=... (no serial)
 *
 * The reader takes all of these, maps arch + number to a syscall name for every
 * architecture in the tables, and measures loss: records the printk rate limit
 * dropped leave gaps in the audit serial numbers audit(TIME:SERIAL), and a later
 * "kauditd_printk_skb: N callbacks suppressed" line. Malformed and truncated
 * lines are counted and skipped, never fatal.
 *
 * learn turns records into ALLOW rules on top of a base profile; audit mode
 * turns an enforcing profile into one that allows the known, blocks the
 * known-dangerous (scmpkit/dangerous.h) and logs the rest.
 */
#ifndef SCMPKIT_AUDIT_H
#define SCMPKIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>
#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The form a line came in. */
enum sk_audit_form {
	SK_AUDIT_FORM_UNKNOWN = 0,
	SK_AUDIT_FORM_DMESG,   /* dmesg, dmesg -r, dmesg -T, syslog(2) */
	SK_AUDIT_FORM_KMSG,    /* /dev/kmsg: "PRI,SEQ,USEC,FLAGS;message" */
	SK_AUDIT_FORM_AUDITD,  /* audit.log, raw or enriched; ausearch output */
	SK_AUDIT_FORM_JOURNAL, /* journalctl: kernel lines, or journald's "audit[PID]: SECCOMP" */
};
const char *sk_audit_form_name(enum sk_audit_form f); /* "dmesg", "kmsg", ... */

/* What one line of a log is. */
enum sk_audit_line {
	SK_AUDIT_LINE_OTHER = 0,  /* not an audit line: ignored */
	SK_AUDIT_LINE_SECCOMP,    /* a seccomp record (type=1326 / SECCOMP) */
	SK_AUDIT_LINE_AUDIT,      /* another audit record: only its serial counts */
	SK_AUDIT_LINE_SUPPRESSED, /* "kauditd_printk_skb: N callbacks suppressed" */
	SK_AUDIT_LINE_LOST,       /* "audit: audit_lost=N ...", "printk limit exceeded", ... */
	SK_AUDIT_LINE_MALFORMED,  /* looks like a seccomp record but is truncated or broken */
	SK_AUDIT_LINE_HANDOVER,   /* auditd started or stopped: records before and after it
	                             went to different logs (audit.log's DAEMON_START/END/ABORT,
	                             the kernel log's "op=set audit_pid=0"); REC has its time */
};

struct sk_audit_record {
	enum sk_audit_form form;
	bool has_stamp;   /* audit(TIME:SERIAL) was present */
	int64_t time;     /* seconds since the epoch (from the stamp), 0 when unknown */
	unsigned time_ms;
	uint64_t serial;
	int64_t pid;      /* -1 when absent */
	int64_t uid;      /* -1 when absent */
	char *comm;       /* decoded (audit hex-encodes odd names); NULL when absent */
	char *exe;        /* decoded; NULL when absent */
	uint32_t audit_arch;
	int64_t nr;             /* the syscall number as logged (x32: with the x32 bit) */
	enum sk_arch arch;      /* SK_ARCH_INVALID when the audit arch is unknown */
	const char *syscall;    /* name from the tables (static), NULL when unknown */
	uint32_t code;          /* SECCOMP_RET_* the filter returned */
	unsigned line;          /* 1-based line (or kmsg record) it came from */
};

/* Parse one line (without its newline). For SECCOMP lines fills REC (free with
 * sk_audit_record_clear); for AUDIT lines fills REC's stamp only; for SUPPRESSED
 * and LOST lines sets *COUNT to the number the line reports (0 if none). Pure:
 * no I/O, no global state. */
enum sk_audit_line sk_audit_parse_line(const char *line, size_t len,
				       struct sk_audit_record *rec, uint64_t *count);
void sk_audit_record_clear(struct sk_audit_record *rec);

/* The action of a record's code, as a profile names it (SK_ACT_LOG for
 * 0x7ffc0000, SK_ACT_ERRNO for 0x5xxxx, ...). */
enum sk_action sk_audit_code_action(uint32_t code);

/* Which records to keep. Records without a time pass a --since filter (and
 * are counted in sk_audit_log.untimed). */
struct sk_audit_filter {
	bool has_since;
	int64_t since;     /* seconds since the epoch */
	unsigned since_ms; /* and milliseconds past it (0..999): records carry them */
	unsigned slack_ms; /* the kernel stamps records with its coarse clock, which lags
	                      by up to a tick: records stamped this much before SINCE
	                      pass too (sk_audit_filter_init: two ticks of this kernel) */
	const char *comm;
	const char *exe;
	int64_t pid;   /* -1 = any */
};
void sk_audit_filter_init(struct sk_audit_filter *f);

struct sk_audit_log {
	struct sk_audit_record *v; /* seccomp records that passed the filter, in order */
	size_t n, cap;
	size_t lines;          /* lines (or kmsg records) read */
	size_t seccomp;        /* seccomp records seen, before filtering */
	size_t filtered_out;   /* seccomp records the filter dropped */
	size_t before_since;   /* ... of which older than --since */
	size_t untimed;        /* kept records without a time (journald lines) */
	size_t malformed;      /* counted and skipped */
	unsigned first_malformed; /* line of the first one, 0 when none */
	size_t other_audit;    /* other audit records (their serials count for gaps) */
	uint64_t suppressed;   /* sum of "N callbacks suppressed" from the audit code
	                          (with --since: those inside the window) */
	size_t suppressed_lines;
	size_t lost_lines;     /* the kernel's "audit_lost=" / "limit exceeded" lines */
	uint64_t serial_missing; /* serial numbers missing between records read (in the --since window) */
	size_t serial_gaps;      /* ... in how many gaps */
	uint64_t kmsg_overwritten; /* /dev/kmsg records overwritten before we read them */
	size_t handovers;        /* auditd starts/stops in the window: serials restart after each */
	int64_t last_handover;   /* time of the last one */
	enum sk_audit_form form; /* form of the last seccomp record read */
	/* state of the gap detector */
	bool have_serial;
	uint64_t last_serial;
	bool in_window;              /* a record inside --since was seen */
	uint64_t pending_suppressed; /* suppressed count waiting for its record */
	size_t pending_lines;
};

/* Feed one line. Returns 0 or -ENOMEM. */
int sk_audit_log_feed(struct sk_audit_log *log, const char *line, size_t len,
		      const struct sk_audit_filter *filter);
/* Feed a whole text (lines split at '\n'). */
int sk_audit_log_feed_text(struct sk_audit_log *log, const char *text, size_t len,
			   const struct sk_audit_filter *filter);
/* Read FILE ("-" = stdin). Returns 0 or -errno with an error in DIAGS. */
int sk_audit_log_read_file(struct sk_audit_log *log, const char *file,
			   const struct sk_audit_filter *filter, struct sk_diags *diags);
/* Read the kernel log through /dev/kmsg (all records still in the ring buffer,
 * non-blocking) or through syslog(2) as dmesg does. Both need CAP_SYSLOG when
 * kernel.dmesg_restrict=1: they return -EPERM with an error saying so. */
int sk_audit_log_read_kmsg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			   struct sk_diags *diags);
int sk_audit_log_read_dmesg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			    struct sk_diags *diags);
void sk_audit_log_free(struct sk_audit_log *log);

/* Explain loss in the log as warnings in DIAGS (gaps, suppressed callbacks,
 * the printk rate limit in force), each with the fix: sysctl
 * kernel.printk_ratelimit=0 for the run, or auditd. Returns how many were added. */
size_t sk_audit_log_explain_loss(const struct sk_audit_log *log, struct sk_diags *diags);

/* The printk rate limit records pass through when no auditd runs:
 * /proc/sys/kernel/printk_ratelimit (seconds) and printk_ratelimit_burst.
 * Returns 0 or -errno. */
int sk_audit_ratelimit(int *interval, int *burst);

/* --since: "@EPOCH", "YYYY-MM-DD[ T]HH:MM[:SS]" (local time), "-30s", "-10m",
 * "-2h", "-1d" (before NOW). Returns 0 or -EINVAL. */
int sk_audit_time_parse(const char *s, int64_t now, int64_t *out);
/* The same, and "@EPOCH.FRACTION" (date +%s.%N) to the millisecond in *MS. */
int sk_audit_time_parse_ms(const char *s, int64_t now, int64_t *out, unsigned *ms);

/* ---- learn ------------------------------------------------------------------ */

/* One syscall the log showed. */
struct sk_learned {
	enum sk_arch arch;
	const char *name;      /* NULL: a number no table knows (reported, never added) */
	int64_t nr;
	size_t count;          /* records */
	enum sk_action action; /* what the filter did (LOG, ERRNO, KILL_*...) */
	const char *danger;    /* Docker's reason when it is on the blocked list */
	bool added;            /* a new ALLOW in the result */
	bool already;          /* BASE allows it already (the record came from elsewhere) */
	char *comm;            /* first process that made it */
	int64_t pid;
};

struct sk_learn_result {
	struct sk_profile *profile; /* BASE + the learned calls */
	struct sk_learned *v;       /* by arch, then name */
	size_t n;
	enum sk_arch new_arches[SK_ARCH_COUNT]; /* arches added to "architectures" */
	size_t n_new_arches;
	size_t added, dangerous, unknown;
};

/* BASE (NULL: an empty allow-list, default SCMP_ACT_ERRNO) plus every syscall
 * in LOG as ALLOW. Calls on Docker's blocked list are left out unless
 * ALLOW_DANGEROUS; calls BASE names in an argument-free LOG rule move to ALLOW.
 * Returns 0 or a negative errno. */
int sk_learn(const struct sk_profile *base, const struct sk_audit_log *log,
	     bool allow_dangerous, struct sk_learn_result *out, struct sk_diags *diags);
void sk_learn_result_free(struct sk_learn_result *r);

/* ---- audit mode ------------------------------------------------------------- */

/* P5: what P allows stays allowed; Docker's blocked syscalls stay blocked (an
 * SCMP_ACT_ERRNO rule each, commented with the reason, unless P names them in a
 * rule of its own); everything else P would deny becomes SCMP_ACT_LOG (the
 * default action and every deny rule). NOTIFY and TRACE rules are kept: they
 * hand the decision to someone else. Returns a new profile, or NULL with an
 * error in DIAGS. */
struct sk_profile *sk_profile_audit_mode(const struct sk_profile *p, struct sk_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
