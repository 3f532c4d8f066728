/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/audit.h — the kernel's seccomp audit records, and audit mode (P5).
 *
 * A filter action of SCMP_ACT_LOG (and any kill, or a denial under the LOG
 * flag) makes the kernel write one audit record per call:
 *
 *   /dev/kmsg:            5,346,565391919,-;audit: type=1326 audit(1795873770.135:2): ... arch=c000003e syscall=59 ... code=0x7ffc0000
 *   kernel log (dmesg):   [  565.39] audit: type=1326 audit(1795873770.135:2): ...
 *   auditd's audit.log:   type=SECCOMP msg=audit(1795873790.879:37): ... code=0x7ffc0000<GS>AUID="unset" ...
 *   ausearch -i:          type=SECCOMP msg=audit(11/30/26 05:15:08.546:37) : ... exe=/usr/bin/x sig=SIG0 arch=x86_64 syscall=execve compat=0 ip=0x7f code=log
 *   journalctl -o json:   {"_TRANSPORT":"audit","_AUDIT_TYPE":"1326","_AUDIT_ID":"37","MESSAGE":"SECCOMP auid=...",...}
 *   journalctl (text):    Nov 28 13:49:30 host kernel: audit: type=1326 audit(...): ... / host audit[8289]: SECCOMP ...
 *
 * The reader believes a record only where the kernel alone can have put it
 * (enum sk_audit_source), maps arch + number to a syscall name for every
 * architecture in the tables, and measures loss: records the printk rate limit
 * dropped leave gaps in the audit serial numbers audit(TIME:SERIAL), and a
 * later "kauditd_printk_skb: N callbacks suppressed" line. Malformed and
 * truncated lines are counted and skipped, never fatal.
 *
 * learn turns logged calls into ALLOW rules on top of a base profile; audit
 * mode turns an enforcing profile into one that allows the known, blocks the
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

/* Where lines come from. The kernel prints some strings another user chose
 * unescaped (a crashing mapping's file name in the segfault line, newlines
 * included), so in a line-based text log neither "the line contains
 * type=1326" nor "the line starts with audit:" proves the kernel wrote a
 * seccomp record there. The per-record sources can be believed: a /dev/kmsg
 * read is one record with newlines escaped, audit.log holds one record per
 * line with untrusted strings quoted or hex-encoded, and the journal says in
 * _TRANSPORT who sent an entry (a field no client can set). */
enum sk_audit_source {
	SK_AUDIT_SRC_TEXT = 0, /* dmesg, syslog(2), kern.log, journalctl's text, a saved
	                          /dev/kmsg: records anywhere in a line; believed only
	                          with sk_audit_filter.trust_text_log */
	SK_AUDIT_SRC_KMSG,     /* one /dev/kmsg record "PRI,SEQ,USEC,FLAGS;message": the
	                          message must start with the audit record */
	SK_AUDIT_SRC_AUDITD,   /* audit.log (raw or enriched), ausearch (raw or -i): the
	                          record starts the line, "[node=N ]type=SECCOMP msg=audit(" */
	SK_AUDIT_SRC_JOURNAL,  /* journalctl -o json: one entry per line; _TRANSPORT=kernel
	                          (the kernel log) or audit with _AUDIT_TYPE=1326 */
};
const char *sk_audit_source_name(enum sk_audit_source s); /* "text log", "/dev/kmsg", ... */

/* The form a record came in (for messages). */
enum sk_audit_form {
	SK_AUDIT_FORM_UNKNOWN = 0,
	SK_AUDIT_FORM_DMESG,   /* dmesg, dmesg -r, dmesg -T, syslog(2) */
	SK_AUDIT_FORM_KMSG,    /* /dev/kmsg: "PRI,SEQ,USEC,FLAGS;message" */
	SK_AUDIT_FORM_AUDITD,  /* audit.log, raw or enriched; ausearch output */
	SK_AUDIT_FORM_JOURNAL, /* journalctl: kernel lines, journald's "audit[PID]: SECCOMP", JSON */
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
	SK_AUDIT_LINE_FORGED,     /* holds a seccomp record's text where the kernel never puts
	                             one: inside another message, in a journal entry another
	                             process sent. Never a record */
};

struct sk_audit_record {
	enum sk_audit_form form;
	bool has_stamp;   /* audit(TIME:SERIAL) or the journal's _AUDIT_ID was present */
	bool has_time;    /* ... with a time: ausearch -i writes a local date, journald's text
	                     lines none; such records never pass a --since window */
	int64_t time;     /* seconds since the epoch (from the stamp) */
	unsigned time_ms;
	uint64_t serial;
	int64_t pid;      /* -1 when absent */
	int64_t uid;      /* -1 when absent or not a number (ausearch -i: a user name) */
	char *comm;       /* decoded (audit hex-encodes odd names); NULL when absent */
	char *exe;        /* decoded; NULL when absent */
	bool interpreted; /* ausearch -i: names for numbers, comm and exe decoded and
	                     unquoted */
	bool ambiguous;   /* interpreted, and comm or exe holds " exe=": which is which
	                     cannot be told, so both are NULL (no --comm/--exe matches) */
	uint32_t audit_arch;
	int64_t nr;             /* the syscall number as logged (x32: with the x32 bit) */
	enum sk_arch arch;      /* SK_ARCH_INVALID when the audit arch is unknown */
	const char *syscall;    /* name from the tables (static), NULL when unknown */
	uint32_t code;          /* SECCOMP_RET_* the filter returned */
	unsigned line;          /* 1-based line (or kmsg record) it came from */
};

/* Parse one line (without its newline) from SRC. For SECCOMP lines fills REC
 * (free with sk_audit_record_clear); for AUDIT and HANDOVER lines fills REC's
 * stamp only; for SUPPRESSED and LOST lines sets *COUNT to the number the line
 * reports (0 if none). The fields sig, arch, syscall, compat, ip and code are
 * taken as the record's last six, in the kernel's order: they follow exe, so
 * no decoded exe (ausearch -i) can stand in for them. Pure: no I/O, no global
 * state. */
enum sk_audit_line sk_audit_parse_line(enum sk_audit_source src, const char *line,
				       size_t len, struct sk_audit_record *rec,
				       uint64_t *count);
void sk_audit_record_clear(struct sk_audit_record *rec);

/* The action of a record's code, as a profile names it (SK_ACT_LOG for
 * 0x7ffc0000, SK_ACT_ERRNO for 0x5xxxx, ...); SK_ACT_INVALID for a code no
 * action has. */
enum sk_action sk_audit_code_action(uint32_t code);

/* Which records to keep. Attribution: comm is whatever the process named
 * itself (prctl), and a program's path is chosen by whoever may write to its
 * directory (/tmp/x/busybox is not /usr/bin/busybox, but --exe-name busybox
 * takes both); uid is the kernel's. */
struct sk_audit_filter {
	bool has_since;
	int64_t since;     /* seconds since the epoch */
	unsigned since_ms; /* and milliseconds past it (0..999): records carry them */
	unsigned slack_ms; /* the kernel stamps records with its coarse clock, which lags
	                      by up to a tick: records stamped this much before SINCE
	                      pass too (sk_audit_filter_init: two ticks of this kernel) */
	const char *comm;
	const char *exe;      /* the whole path */
	const char *exe_name; /* the last component only */
	int64_t pid;   /* -1 = any */
	int64_t uid;   /* -1 = any */
	bool trust_text_log; /* believe records in a line-based text log (SK_AUDIT_SRC_TEXT) */
};
void sk_audit_filter_init(struct sk_audit_filter *f);

struct sk_audit_log {
	struct sk_audit_record *v; /* seccomp records that passed the filter, in order */
	size_t n, cap;
	size_t lines;          /* lines (or kmsg records) read */
	size_t seccomp;        /* seccomp records seen, before filtering */
	size_t filtered_out;   /* seccomp records the filter dropped */
	size_t before_since;   /* ... of which older than --since */
	size_t untimed;        /* ... of which without a time, left out by --since */
	size_t malformed;      /* counted and skipped */
	unsigned first_malformed; /* line of the first one, 0 when none */
	size_t untrusted;      /* records in a text log nobody said to trust: refused */
	unsigned first_untrusted;
	size_t forged;         /* record text where the kernel puts none (FORGED lines) */
	unsigned first_forged;
	size_t duplicates;     /* the journal's kernel-log copies of records its audit
	                          transport has too: skipped */
	size_t ambiguous;      /* kept records whose comm and exe could not be told apart */
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
	enum sk_audit_source source; /* where the last lines came from */
	/* state of the gap detector */
	bool have_serial;
	uint64_t last_serial;
	bool in_window;              /* a record inside --since was seen */
	uint64_t pending_suppressed; /* suppressed count waiting for its record */
	size_t pending_lines;
	bool journal_audit;          /* the journal carries journald's own audit records */
};

/* Feed one line from SRC. Returns 0 or -ENOMEM. */
int sk_audit_log_feed(struct sk_audit_log *log, enum sk_audit_source src, const char *line,
		      size_t len, const struct sk_audit_filter *filter);
/* Feed every line of TEXT (split at '\n') as from SRC. */
int sk_audit_log_feed_lines(struct sk_audit_log *log, enum sk_audit_source src,
			    const char *text, size_t len, const struct sk_audit_filter *filter);
/* Feed a whole text (lines split at '\n'), of the source its lines show: audit.log
 * or ausearch when every line is one of theirs, the journal's JSON when every
 * line is an entry, a text log otherwise (one line of another shape is enough:
 * a text log can hold a forged line of any shape, but not only those). */
int sk_audit_log_feed_text(struct sk_audit_log *log, const char *text, size_t len,
			   const struct sk_audit_filter *filter);
/* Read FILE ("-" = stdin; at most sk_input_limit(SK_INPUT_LOG) bytes, no
 * devices). Returns 0 or -errno with an error in DIAGS; -EPERM when it is a
 * text log with records and FILTER does not trust text logs. */
int sk_audit_log_read_file(struct sk_audit_log *log, const char *file,
			   const struct sk_audit_filter *filter, struct sk_diags *diags);
/* Read the kernel log through /dev/kmsg (all records still in the ring buffer,
 * non-blocking, one record per read) or through syslog(2) as dmesg does (a
 * text log: -EPERM unless trusted). Both need CAP_SYSLOG when
 * kernel.dmesg_restrict=1: they return -EPERM with an error saying so. */
int sk_audit_log_read_kmsg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			   struct sk_diags *diags);
int sk_audit_log_read_dmesg(struct sk_audit_log *log, const struct sk_audit_filter *filter,
			    struct sk_diags *diags);
void sk_audit_log_free(struct sk_audit_log *log);

/* Explain loss in the log as warnings in DIAGS (gaps, suppressed callbacks,
 * the printk rate limit in force), each with the fix: sysctl
 * kernel.printk_ratelimit=0 for the run, or auditd; and notes on records
 * left out (untimed, forged). Returns how many were added. */
size_t sk_audit_log_explain_loss(const struct sk_audit_log *log, struct sk_diags *diags);
/* How many records the log shows were lost inside the window: serial gaps,
 * suppressed callbacks, overwritten kmsg records (at least 1 for each
 * "audit_lost" line). A profile learned from such a log may lack calls. */
uint64_t sk_audit_log_lost(const struct sk_audit_log *log);

/* The printk rate limit records pass through when no auditd runs:
 * /proc/sys/kernel/printk_ratelimit (seconds) and printk_ratelimit_burst.
 * Returns 0 or -errno. */
int sk_audit_ratelimit(int *interval, int *burst);

/* Where the kernel's audit records go on this machine now. */
struct sk_audit_sink {
	bool auditd;  /* auditd runs: records go to its log, not the kernel log */
	int interval; /* printk rate limit: seconds (0: off), -1 unknown */
	int burst;    /* records per interval, -1 unknown */
};
void sk_audit_sink_probe(struct sk_audit_sink *s);
/* A warning in DIAGS, with what to do, when records of a run will be dropped
 * (no auditd and the printk rate limit on). Returns 1 when it warned, else 0. */
size_t sk_audit_sink_check(const struct sk_audit_sink *s, struct sk_diags *diags);
/* Both, for `run --audit`: before the run, not after its records are gone. */
size_t sk_audit_check_run(struct sk_diags *diags);

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
	size_t logged;         /* ... of which SCMP_ACT_LOG */
	size_t denied;         /* ... of which a denial (KILL, TRAP, ERRNO) */
	enum sk_action action; /* what the filter did: LOG when any record says so, else
	                          the first record's (SK_ACT_INVALID: an unknown code) */
	uint32_t code;         /* the first record's code */
	const char *danger;    /* Docker's reason when it is on the blocked list */
	bool added;            /* a new ALLOW in the result */
	bool already;          /* BASE allows it already (the record came from elsewhere) */
	bool not_logged;       /* left out: no record was a LOG (a denial without
	                          --include-denied, or TRACE, NOTIFY, an unknown code) */
	enum sk_action base_blocks; /* BASE denies it in a rule of its own (ERRNO, KILL,
	                               TRAP): left out, an ALLOW would contradict that
	                               rule; SK_ACT_INVALID when not */
	char *comm;            /* first process that made it */
	int64_t pid;
	int64_t uid;
};

/* How learn reads and what it adds. */
struct sk_learn_opts {
	const char *from;    /* "auto" (or NULL): audit.log while auditd runs, else /dev/kmsg;
	                        "kmsg", "dmesg" (syslog(2): a text log), "auditd", a FILE, "-" */
	struct sk_audit_filter filter;
	bool allow_dangerous; /* add calls on Docker's blocked list too */
	bool include_denied;  /* add calls the filter denied (KILL, TRAP, ERRNO), not only logged */
	const char *runtime;  /* add what this runtime calls after loading the filter, or NULL */
};
void sk_learn_opts_init(struct sk_learn_opts *o);

struct sk_learn_result {
	struct sk_profile *profile; /* BASE + the learned calls */
	struct sk_learned *v;       /* by arch, then name */
	size_t n;
	enum sk_arch new_arches[SK_ARCH_COUNT]; /* arches added to "architectures" */
	size_t n_new_arches;
	size_t added, dangerous, unknown, not_logged, base_blocked;
	size_t runtime_from;        /* the first rule --runtime appended (n_rules when none) */
	/* sk_learn_run only: */
	struct sk_audit_log log;    /* what was read */
	const char *source;         /* what was read: "/dev/kmsg", a path, "stdin" (static or
	                               the opts' FROM) */
	bool auditd;                /* auditd was running */
	uint64_t lost;              /* records the log shows were lost: the profile may lack
	                               calls (sk_audit_log_lost) */
};

/* BASE (NULL: an empty allow-list, default SCMP_ACT_ERRNO) plus every syscall
 * LOG recorded as logged, as ALLOW. Left out and counted: calls on Docker's
 * blocked list unless O->allow_dangerous, records that were not logs unless
 * O->include_denied (a denial) — TRACE, NOTIFY and unknown codes never — and
 * calls BASE denies in a rule of its own. Calls BASE names in an argument-free
 * LOG rule move to ALLOW. O->runtime and O->from are not used here. Returns 0
 * or a negative errno. */
int sk_learn(const struct sk_profile *base, const struct sk_audit_log *log,
	     const struct sk_learn_opts *o, struct sk_learn_result *out, struct sk_diags *diags);
/* learn as one call: pick and read the log O->from names (errors, and a text
 * log nobody trusted, in DIAGS with a negative errno: bad input), explain its
 * loss, learn on BASE, add O->runtime's calls. OUT is filled (and must be
 * freed) whatever it returns. */
int sk_learn_run(const struct sk_profile *base, const struct sk_learn_opts *o,
		 struct sk_learn_result *out, struct sk_diags *diags);
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
