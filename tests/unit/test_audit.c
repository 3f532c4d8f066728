/* SPDX-License-Identifier: Apache-2.0 */
/* The audit-log reader, learn and audit mode, on records captured from the
 * kernel, auditd and journald (tests/data/audit/README.md says how each file
 * was made). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/audit.h>
#include <scmpkit/dangerous.h>
#include <scmpkit/profile.h>

#include "profile_helpers.h"

static char *sample(const char *name)
{
	static char path[4096];
	const char *root = getenv("SK_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/audit/%s", root ? root : ".", name);
	return path;
}

/* A filter that believes text logs: the samples of dmesg and journalctl text
 * were made by the kernel, and what is tested with them is the parsing. */
static void trusting(struct sk_audit_filter *f)
{
	sk_audit_filter_init(f);
	f->trust_text_log = true;
}

static void read_sample(struct sk_audit_log *log, const char *name, const struct sk_audit_filter *f)
{
	struct sk_diags d = {0};
	struct sk_audit_filter t;
	trusting(&t);
	memset(log, 0, sizeof *log);
	cr_assert_eq(sk_audit_log_read_file(log, sample(name), f ? f : &t, &d), 0, "%s: %s",
		     sample(name), d.n ? d.v[0].message : "");
	sk_diags_free(&d);
}

static enum sk_audit_line parse_from(enum sk_audit_source src, const char *line,
				     struct sk_audit_record *r)
{
	uint64_t count;
	return sk_audit_parse_line(src, line, strlen(line), r, &count);
}

static enum sk_audit_line parse(const char *line, struct sk_audit_record *r)
{
	return parse_from(SK_AUDIT_SRC_TEXT, line, r);
}

/* A fresh LOG of TEXT, its source told by its lines. */
static void feed(struct sk_audit_log *log, const char *text)
{
	memset(log, 0, sizeof *log);
	cr_assert_eq(sk_audit_log_feed_text(log, text, strlen(text), NULL), 0);
}

/* LOG's loss explanation has a diagnostic of RULE that says TEXT. */
static bool explains(const struct sk_audit_log *log, const char *rule, const char *text)
{
	struct sk_diags d = {0};
	sk_audit_log_explain_loss(log, &d);
	bool yes = has_diag(&d, rule, text);
	sk_diags_free(&d);
	return yes;
}

/* learn with the default options (LOG records only, no dangerous calls) */
static int learn(const struct sk_profile *base, const struct sk_audit_log *log, bool dangerous,
		 struct sk_learn_result *res, struct sk_diags *d)
{
	struct sk_learn_opts o;
	sk_learn_opts_init(&o);
	o.allow_dangerous = dangerous;
	return sk_learn(base, log, &o, res, d);
}

Test(audit, dmesg_line)
{
	struct sk_audit_record r;
	const char *l = "[  565.395148] audit: type=1326 audit(1795873770.139:7): auid=4294967295 "
			"uid=0 gid=0 ses=4294967295 pid=8289 comm=\"busybox\" exe=\"/usr/bin/busybox\" "
			"sig=0 arch=c000003e syscall=273 compat=0 ip=0x495a96 code=0x7ffc0000";
	cr_assert_eq(parse(l, &r), SK_AUDIT_LINE_SECCOMP);
	cr_expect_eq(r.form, SK_AUDIT_FORM_DMESG);
	cr_expect_eq(r.time, 1795873770);
	cr_expect_eq(r.time_ms, 139u);
	cr_expect_eq(r.serial, 7u);
	cr_expect_eq(r.pid, 8289);
	cr_expect_eq(r.uid, 0);
	cr_expect_str_eq(r.comm, "busybox");
	cr_expect_str_eq(r.exe, "/usr/bin/busybox");
	cr_expect_eq(r.arch, SK_ARCH_X86_64);
	cr_expect_str_eq(r.syscall, "set_robust_list");
	cr_expect_eq(sk_audit_code_action(r.code), SK_ACT_LOG);
	sk_audit_record_clear(&r);
}

Test(audit, every_form_of_the_same_record)
{
	static const char *const lines[] = {
		"5,352,565395157,-;audit: type=1326 audit(1795873770.139:8): auid=4294967295 uid=0 "
		"gid=0 ses=4294967295 pid=8289 comm=\"busybox\" exe=\"/usr/bin/busybox\" sig=0 "
		"arch=c000003e syscall=334 compat=0 ip=0x495b09 code=0x7ffc0000",
		"type=SECCOMP msg=audit(1795873770.139:8): auid=4294967295 uid=0 gid=0 "
		"ses=4294967295 pid=8289 comm=\"busybox\" exe=\"/usr/bin/busybox\" sig=0 "
		"arch=c000003e syscall=334 compat=0 ip=0x495b09 code=0x7ffc0000\x1d"
		"AUID=\"unset\" UID=\"root\" GID=\"root\" ARCH=x86_64 SYSCALL=unknown-syscall(-1)",
		"Nov 28 13:49:30 vm kernel: audit: type=1326 audit(1795873770.139:8): "
		"auid=4294967295 uid=0 gid=0 ses=4294967295 pid=8289 comm=\"busybox\" "
		"exe=\"/usr/bin/busybox\" sig=0 arch=c000003e syscall=334 compat=0 ip=0x495b09 "
		"code=0x7ffc0000",
		"<5>[  565.395157] audit: type=1326 audit(1795873770.139:8): auid=4294967295 uid=0 "
		"gid=0 ses=4294967295 pid=8289 comm=\"busybox\" exe=\"/usr/bin/busybox\" sig=0 "
		"arch=c000003e syscall=334 compat=0 ip=0x495b09 code=0x7ffc0000",
		/* ausearch -i: names instead of numbers, a local date in the stamp */
		"type=SECCOMP msg=audit(11/28/2026 13:49:30.139:8) : auid=unset uid=root gid=root "
		"ses=unset pid=8289 comm=busybox exe=/usr/bin/busybox sig=0 arch=x86_64 "
		"syscall=rseq compat=0 ip=0x495b09 code=log",
	};
	static const enum sk_audit_source srcs[] = {SK_AUDIT_SRC_KMSG, SK_AUDIT_SRC_AUDITD,
						     SK_AUDIT_SRC_TEXT, SK_AUDIT_SRC_TEXT,
						     SK_AUDIT_SRC_AUDITD};
	static const enum sk_audit_form forms[] = {SK_AUDIT_FORM_KMSG, SK_AUDIT_FORM_AUDITD,
						   SK_AUDIT_FORM_JOURNAL, SK_AUDIT_FORM_DMESG,
						   SK_AUDIT_FORM_AUDITD};
	for (size_t i = 0; i < 5; i++) {
		struct sk_audit_record r;
		cr_assert_eq(parse_from(srcs[i], lines[i], &r), SK_AUDIT_LINE_SECCOMP, "%zu", i);
		cr_expect_eq(r.form, forms[i], "%zu", i);
		cr_expect_eq(r.serial, 8u);
		cr_expect_str_eq(r.syscall, "rseq");
		cr_expect_str_eq(r.exe, "/usr/bin/busybox");
		cr_expect_eq(sk_audit_code_action(r.code), SK_ACT_LOG, "%zu", i);
		cr_expect_eq(r.interpreted, i == 4, "%zu", i);
		cr_expect_eq(r.has_time, i != 4, "ausearch -i writes a local date: %zu", i);
		sk_audit_record_clear(&r);
	}
}

Test(audit, compat_x32_kill_and_hex_comm_from_the_kernel)
{
	struct sk_audit_log log;
	read_sample(&log, "dmesg-compat-kill.txt", NULL);
	cr_assert_eq(log.n, 4);
	cr_expect_eq(sk_audit_code_action(log.v[0].code), SK_ACT_KILL_PROCESS);
	cr_expect_str_eq(log.v[0].syscall, "mkdir");
	cr_expect_eq(log.v[1].arch, SK_ARCH_X86);
	cr_expect_str_eq(log.v[1].syscall, "getpid");
	cr_expect_str_eq(log.v[1].comm, "odd name\"x");
	cr_expect_eq(log.v[2].arch, SK_ARCH_X32);
	/* 45 | x32 bit: x86_64's recvfrom number, which x32 does not have (its
	 * recvfrom is 517): a name no table gives, reported as unknown */
	cr_expect_eq(log.v[2].nr, 0x4000002d);
	cr_expect_null(log.v[2].syscall);
	cr_expect_eq(log.v[3].arch, SK_ARCH_X86_64);
	cr_expect_str_eq(log.v[3].syscall, "exit_group");
	sk_audit_log_free(&log);
}

Test(audit, journal_forms)
{
	struct sk_audit_log log;
	read_sample(&log, "journal.txt", NULL);
	cr_assert_eq(log.n, 8);
	cr_expect_eq(log.untimed, 0, "no --since: nothing left out");
	for (size_t i = 0; i < 8; i++) {
		cr_expect_eq(log.v[i].form, SK_AUDIT_FORM_JOURNAL);
		cr_expect_eq(log.v[i].has_stamp, i < 4, "%zu", i);
		cr_expect_eq(log.v[i].has_time, i < 4, "%zu", i);
	}
	cr_expect_str_eq(log.v[5].syscall, "getpid");
	cr_expect_eq(log.v[6].arch, SK_ARCH_X32);
	sk_audit_log_free(&log);
}

/* Every architecture of the tables: the audit arch and number name the call. */
Test(audit, every_arch_maps_numbers_to_names)
{
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		const char *name;
		int64_t nr;
		size_t n = sk_syscall_count(a);
		cr_assert(sk_syscall_at(a, n / 2, &name, &nr));
		char line[512];
		snprintf(line, sizeof line,
			 "type=SECCOMP msg=audit(1795873770.139:8): pid=1 comm=\"x\" exe=\"/x\" "
			 "sig=0 arch=%x syscall=%lld compat=0 ip=0x1 code=0x7ffc0000",
			 sk_arch_info(a)->audit_arch, (long long)nr);
		struct sk_audit_record r;
		cr_assert_eq(parse_from(SK_AUDIT_SRC_AUDITD, line, &r), SK_AUDIT_LINE_SECCOMP, "%s",
			     line);
		/* arches sharing an audit value (e.g. SH and the first in table order)
		 * resolve to the first; the name is then that arch's */
		cr_expect_eq(r.arch, sk_arch_from_audit(sk_arch_info(a)->audit_arch, (uint32_t)nr));
		cr_assert_not_null(r.syscall, "%s %lld", sk_arch_info(a)->oci_name, (long long)nr);
		cr_expect_str_eq(r.syscall, sk_syscall_name(r.arch, nr));
		if (r.arch == a)
			cr_expect_str_eq(r.syscall, name);
		sk_audit_record_clear(&r);
	}
}

Test(audit, rate_limited_kernel_log_shows_its_loss)
{
	static const char *const files[] = {"dmesg-ratelimited.txt", "kmsg-ratelimited.txt"};
	for (size_t i = 0; i < 2; i++) {
		struct sk_audit_log log;
		read_sample(&log, files[i], NULL);
		cr_expect_eq(log.seccomp, 20, "%s", files[i]);
		/* 11 -> 19: the seven records the "7 callbacks suppressed" line counts */
		cr_expect_eq(log.serial_missing, 7, "%s", files[i]);
		cr_expect_eq(log.serial_gaps, 1);
		cr_expect_eq(log.suppressed, 14);
		cr_expect_eq(log.suppressed_lines, 2);
		struct sk_diags d = {0};
		cr_expect_geq(sk_audit_log_explain_loss(&log, &d), 2);
		bool fix = false;
		for (size_t j = 0; j < d.n; j++)
			fix = fix || (d.v[j].fix && strstr(d.v[j].fix, "kernel.printk_ratelimit=0") &&
				      strstr(d.v[j].fix, "auditd"));
		cr_expect(fix, "the fix names the sysctl and auditd");
		sk_diags_free(&d);
		sk_audit_log_free(&log);
	}
}

Test(audit, auditd_log_has_no_gap)
{
	struct sk_audit_log log;
	read_sample(&log, "auditd-enriched.log", NULL);
	cr_expect_eq(log.seccomp, 17);
	cr_expect_eq(log.serial_missing, 0, "auditd's own DAEMON_* serials do not count");
	cr_expect_eq(log.form, SK_AUDIT_FORM_AUDITD);
	sk_audit_log_free(&log);
}

/* A gap across auditd's start or stop is records that went to the other log:
 * reported as such, not as records the kernel lost. */
Test(audit, a_handover_to_or_from_auditd_is_not_a_loss)
{
	static const struct {
		const char *file;
		size_t seccomp, handovers;
		const char *says;
	} cases[] = {
		/* DAEMON_END, DAEMON_START */
		{"auditd-restart.log", 11, 2, "records made while it was not running went to the kernel log"},
		/* op=set audit_pid=0 */
		{"dmesg-auditd-stop.txt", 4, 1, "the records it took are in its log"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sk_audit_log log;
		read_sample(&log, cases[i].file, NULL);
		cr_expect_eq(log.seccomp, cases[i].seccomp, "%s", cases[i].file);
		cr_expect_eq(log.serial_missing, 0, "%s", cases[i].file);
		cr_expect_eq(log.handovers, cases[i].handovers, "%s", cases[i].file);
		cr_expect(explains(&log, "audit-handover", cases[i].says), "%s", cases[i].file);
		cr_expect(!explains(&log, "audit-lost", ""), "%s", cases[i].file);
		sk_audit_log_free(&log);
	}
	/* a window that starts after the handover: nothing to say */
	struct sk_audit_filter f;
	sk_audit_filter_init(&f);
	f.has_since = true;
	f.since = 1795883386;
	struct sk_audit_log log;
	read_sample(&log, "auditd-restart.log", &f);
	cr_expect_eq(log.handovers, 0);
	sk_audit_log_free(&log);
	/* ... also when it starts in the same second, after the restart at .603:
	 * the run's own records (from .775 on) are kept, the one at .211 is not */
	f.since = 1795883385;
	f.since_ms = 700;
	read_sample(&log, "auditd-restart.log", &f);
	cr_expect_eq(log.handovers, 0);
	cr_expect_eq(log.serial_missing, 0);
	cr_expect_eq(log.n, 4);
	for (size_t i = 0; i < log.n; i++)
		cr_expect(log.v[i].time > 1795883385 || log.v[i].time_ms >= 700);
	sk_audit_log_free(&log);
	/* the stamps come from the kernel's coarse clock, a tick behind date(1):
	 * the records at .775 and .779 pass a window from .780 with the slack */
	f.since_ms = 780;
	f.slack_ms = 8;
	read_sample(&log, "auditd-restart.log", &f);
	cr_expect_eq(log.n, 4);
	sk_audit_log_free(&log);
	f.slack_ms = 0;
	read_sample(&log, "auditd-restart.log", &f);
	cr_expect_eq(log.n, 0);
	sk_audit_log_free(&log);
	sk_audit_filter_init(&f);
	cr_expect_geq(f.slack_ms, 2, "two ticks of this kernel's coarse clock");
	f.has_since = true;
	f.since = 1795883385;
	/* ... and at the second only, the restart is inside the window */
	f.since_ms = 0;
	read_sample(&log, "auditd-restart.log", &f);
	cr_expect_eq(log.handovers, 2);
	sk_audit_log_free(&log);
	/* a real gap in audit.log: the kernel's backlog, with auditd's fix */
	memset(&log, 0, sizeof log);
	static const char gap[] =
		"type=SECCOMP msg=audit(1795883385.775:10): auid=0 uid=0 gid=0 ses=1 pid=1 "
		"comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=83 compat=0 ip=0x1 code=0x7ffc0000\n"
		"type=SECCOMP msg=audit(1795883385.775:14): auid=0 uid=0 gid=0 ses=1 pid=1 "
		"comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=84 compat=0 ip=0x1 code=0x7ffc0000\n";
	cr_assert_eq(sk_audit_log_feed_text(&log, gap, sizeof gap - 1, NULL), 0);
	cr_expect_eq(log.source, SK_AUDIT_SRC_AUDITD);
	cr_expect_eq(log.serial_missing, 3);
	struct sk_diags d = {0};
	sk_audit_log_explain_loss(&log, &d);
	cr_expect(has_diag(&d, "audit-lost", "audit backlog full"));
	cr_expect(d.n && d.v[0].fix && strstr(d.v[0].fix, "auditctl -b"));
	sk_diags_free(&d);
	sk_audit_log_free(&log);
}

Test(audit, malformed_and_truncated_lines_are_counted_and_skipped)
{
	struct sk_audit_log log;
	read_sample(&log, "truncated.txt", NULL);
	cr_expect_eq(log.n, 2);
	cr_expect_eq(log.malformed, 4);
	cr_expect_eq(log.first_malformed, 2u);
	sk_audit_log_free(&log);
	/* garbage never crashes */
	struct sk_audit_record r;
	cr_expect_eq(parse("", &r), SK_AUDIT_LINE_OTHER);
	cr_expect_eq(parse("type=1326 ", &r), SK_AUDIT_LINE_MALFORMED);
	cr_expect_eq(parse("x: type=SECCOMP audit(", &r), SK_AUDIT_LINE_MALFORMED);
	cr_expect_eq(parse_from(SK_AUDIT_SRC_AUDITD, "type=SECCOMP msg=audit(1.2:3): code=", &r),
		     SK_AUDIT_LINE_MALFORMED);
	cr_expect_eq(parse_from(SK_AUDIT_SRC_JOURNAL, "{\"MESSAGE\":\"type=1326\"", &r),
		     SK_AUDIT_LINE_MALFORMED);
	sk_audit_record_clear(&r);
}

/* How many records of dmesg-ratelimited.txt F keeps. */
static size_t kept(const struct sk_audit_filter *f)
{
	struct sk_audit_log log;
	read_sample(&log, "dmesg-ratelimited.txt", f);
	size_t n = log.n;
	sk_audit_log_free(&log);
	return n;
}

Test(audit, filters)
{
	struct sk_audit_filter f;
	struct sk_audit_log log;
	trusting(&f);
	f.comm = "logall";
	read_sample(&log, "dmesg-ratelimited.txt", &f);
	cr_expect_eq(log.n, 2);
	cr_expect_eq(log.filtered_out, 18);
	sk_audit_log_free(&log);

	trusting(&f);
	f.pid = 8787;
	cr_expect_eq(kept(&f), 10);
	/* --exe is the whole path: a name alone matches nothing (12.6) ... */
	trusting(&f);
	f.exe = "busybox";
	cr_expect_eq(kept(&f), 0);
	f.exe = "/usr/bin/busybox";
	cr_expect_eq(kept(&f), 18);
	/* ... and the last component only when asked for */
	trusting(&f);
	f.exe_name = "busybox";
	cr_expect_eq(kept(&f), 18);
	/* uid: the kernel's */
	trusting(&f);
	f.uid = 0;
	cr_expect_eq(kept(&f), 20);
	f.uid = 65534;
	cr_expect_eq(kept(&f), 0);

	/* the second run began at 1795873785: the gap 11 -> 19 straddles the start
	 * of the window and is not counted (its records may be older), but the
	 * "callbacks suppressed" line just before record 19 belongs to it, and so
	 * does the one at the end with no record after it */
	trusting(&f);
	f.has_since = true;
	f.since = 1795873780;
	read_sample(&log, "dmesg-ratelimited.txt", &f);
	cr_expect_eq(log.n, 10);
	cr_expect_eq(log.before_since, 10);
	cr_expect_eq(log.serial_missing, 0);
	struct sk_diags d = {0};
	sk_audit_log_explain_loss(&log, &d);
	bool said = false;
	for (size_t i = 0; i < d.n; i++)
		said = said || strstr(d.v[i].message, "suppressed 14 audit message");
	cr_expect(said);
	sk_diags_free(&d);
	sk_audit_log_free(&log);

	/* a window after everything: no loss to report */
	trusting(&f);
	f.has_since = true;
	f.since = 1795873790;
	read_sample(&log, "dmesg-ratelimited.txt", &f);
	cr_expect_eq(log.n, 0);
	cr_expect_eq(sk_audit_log_explain_loss(&log, &d), 0);
	sk_diags_free(&d);
	sk_audit_log_free(&log);
}

Test(audit, time_parse)
{
	int64_t t;
	cr_expect_eq(sk_audit_time_parse("@1795873780", 0, &t), 0);
	cr_expect_eq(t, 1795873780);
	cr_expect_eq(sk_audit_time_parse("-10m", 1000000, &t), 0);
	cr_expect_eq(t, 1000000 - 600);
	cr_expect_eq(sk_audit_time_parse("-2h", 1000000, &t), 0);
	cr_expect_eq(t, 1000000 - 7200);
	cr_expect_eq(sk_audit_time_parse("2026-11-28 13:49:30", 0, &t), 0);
	int64_t t2;
	cr_expect_eq(sk_audit_time_parse("2026-11-28T13:49", 0, &t2), 0);
	cr_expect_eq(t - t2, 30);
	cr_expect_eq(sk_audit_time_parse("yesterday", 0, &t), -EINVAL);
	cr_expect_eq(sk_audit_time_parse("-10x", 0, &t), -EINVAL);
	cr_expect_eq(sk_audit_time_parse("@12a", 0, &t), -EINVAL);
	/* date +%s.%N: to the millisecond the records carry */
	unsigned ms;
	cr_expect_eq(sk_audit_time_parse_ms("@1795883385.603118077", 0, &t, &ms), 0);
	cr_expect_eq(t, 1795883385);
	cr_expect_eq(ms, 603);
	cr_expect_eq(sk_audit_time_parse_ms("@1795883385.7", 0, &t, &ms), 0);
	cr_expect_eq(ms, 700);
	cr_expect_eq(sk_audit_time_parse_ms("@1795883385", 0, &t, &ms), 0);
	cr_expect_eq(ms, 0);
	cr_expect_eq(sk_audit_time_parse_ms("@5.", 0, &t, &ms), -EINVAL);
	cr_expect_eq(sk_audit_time_parse_ms("@5.1234567890", 0, &t, &ms), -EINVAL);
	cr_expect_eq(sk_audit_time_parse_ms("@5.1x", 0, &t, &ms), -EINVAL);
	cr_expect_eq(sk_audit_time_parse("@5.25", 0, &t), 0);
	cr_expect_eq(t, 5);
}


Test(audit, learn_adds_logged_calls_but_not_dangerous_ones)
{
	struct sk_profile *base = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		"{\"names\":[\"brk\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"rseq\",\"getrandom\"],\"action\":\"SCMP_ACT_LOG\"}]}");
	struct sk_audit_log log = {0};
	const char *text =
		"[1.0] audit: type=1326 audit(1795873770.139:3): pid=5 comm=\"a\" exe=\"/a\" sig=0 "
		"arch=c000003e syscall=12 compat=0 ip=0x1 code=0x7ffc0000\n"
		"[1.0] audit: type=1326 audit(1795873770.139:4): pid=5 comm=\"a\" exe=\"/a\" sig=0 "
		"arch=c000003e syscall=334 compat=0 ip=0x1 code=0x7ffc0000\n"
		"[1.0] audit: type=1326 audit(1795873770.139:5): pid=5 comm=\"a\" exe=\"/a\" sig=0 "
		"arch=c000003e syscall=101 compat=0 ip=0x1 code=0x7ffc0000\n"
		"[1.0] audit: type=1326 audit(1795873770.139:6): pid=5 comm=\"a\" exe=\"/a\" sig=0 "
		"arch=40000003 syscall=20 compat=1 ip=0x1 code=0x7ffc0000\n"
		"[1.0] audit: type=1326 audit(1795873770.139:7): pid=5 comm=\"a\" exe=\"/a\" sig=0 "
		"arch=c000003e syscall=99999 compat=0 ip=0x1 code=0x7ffc0000\n";
	struct sk_audit_filter f;
	trusting(&f);
	cr_assert_eq(sk_audit_log_feed_text(&log, text, strlen(text), &f), 0);
	struct sk_learn_result res;
	struct sk_diags d = {0};
	cr_assert_eq(learn(base, &log, false, &res, &d), 0);
	cr_expect_eq(res.added, 2, "rseq (moved from LOG) and getpid");
	cr_expect_eq(res.dangerous, 1, "ptrace");
	cr_expect_eq(res.unknown, 1);
	const struct sk_rule *r = rule_with(res.profile, "rseq");
	cr_assert_not_null(r);
	cr_expect_eq(r->action, SK_ACT_ALLOW);
	cr_expect_null(rule_with(res.profile, "ptrace"));
	r = rule_with(res.profile, "getrandom");
	cr_assert_not_null(r);
	cr_expect_eq(r->action, SK_ACT_LOG, "untouched: not in the log");
	cr_expect_eq(res.n_new_arches, 1);
	cr_expect_eq(res.new_arches[0], SK_ARCH_X86);
	sk_learn_result_free(&res);

	/* --allow-dangerous */
	cr_assert_eq(learn(base, &log, true, &res, &d), 0);
	r = rule_with(res.profile, "ptrace");
	cr_assert_not_null(r);
	cr_expect_eq(r->action, SK_ACT_ALLOW);
	sk_learn_result_free(&res);
	sk_diags_free(&d);
	sk_audit_log_free(&log);
	sk_profile_free(base);
}

Test(audit, audit_mode_allow_list)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
		"{\"names\":[\"read\",\"write\",\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"mkdir\",\"mount\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
	struct sk_diags d = {0};
	struct sk_profile *a = sk_profile_audit_mode(p, &d);
	cr_assert_not_null(a);
	cr_expect_eq(a->default_action, SK_ACT_LOG);
	cr_expect_not(a->has_default_errno_ret);
	cr_expect_eq(rule_with(a, "read")->action, SK_ACT_ALLOW);
	cr_expect_eq(rule_with(a, "ptrace")->action, SK_ACT_ALLOW, "what it allows stays allowed");
	cr_expect_null(rule_with(a, "mkdir"), "an ordinary block becomes LOG (the default)");
	cr_expect_eq(rule_with(a, "mount")->action, SK_ACT_KILL_PROCESS, "its own block of a "
									  "dangerous call stays");
	const struct sk_rule *b = rule_with(a, "kexec_load");
	cr_assert_not_null(b);
	cr_expect_eq(b->action, SK_ACT_ERRNO);
	cr_expect_eq(b->errno_ret, 38u, "the profile's own errno");
	cr_expect_null(rule_with(a, "clone"), "dangerous only with some arguments: not blocked");
	/* every dangerous call is decided by some rule, except the argument-only ones */
	const char *name, *reason;
	for (size_t i = 0; sk_dangerous_at(i, &name, &reason); i++)
		if (!sk_dangerous_args_only(name) && sk_syscall_known(name))
			cr_expect_not_null(rule_with(a, name), "%s", name);
	sk_profile_free(a);
	sk_profile_free(p);
	sk_diags_free(&d);
}

Test(audit, audit_mode_deny_list)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		"{\"names\":[\"mkdir\",\"kexec_load\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct sk_diags d = {0};
	struct sk_profile *a = sk_profile_audit_mode(p, &d);
	cr_assert_not_null(a);
	cr_expect_eq(a->default_action, SK_ACT_ALLOW);
	cr_expect_null(rule_with(a, "mkdir"));
	cr_expect_eq(rule_with(a, "kexec_load")->action, SK_ACT_ERRNO);
	cr_expect_eq(rule_with(a, "bpf")->action, SK_ACT_ERRNO);
	sk_profile_free(a);
	sk_profile_free(p);
	sk_diags_free(&d);
}

/* ---- issue 12.1: records only where the kernel alone writes them ------------ */

/* Feed every line of a sample as one /dev/kmsg record each. */
static void read_kmsg_sample(struct sk_audit_log *log, const char *name,
			     const struct sk_audit_filter *f)
{
	memset(log, 0, sizeof *log);
	FILE *in = fopen(sample(name), "r");
	cr_assert_not_null(in, "%s", sample(name));
	char line[16384];
	while (fgets(line, sizeof line, in))
		cr_assert_eq(sk_audit_log_feed(log, SK_AUDIT_SRC_KMSG, line, strlen(line), f), 0);
	fclose(in);
}

static bool logged_nr(const struct sk_audit_log *log, int64_t nr)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->v[i].arch == SK_ARCH_X86_64 && log->v[i].nr == nr)
			return true;
	return false;
}

/* Real: forge_segv (tests/helpers) as nobody, three file names that hold a
 * record — inside the segfault line, after a newline, journald's form. On
 * /dev/kmsg each is one record whose message starts "forge_segv[PID]:". */
Test(audit, forged_records_on_kmsg_are_not_records)
{
	struct sk_audit_log log;
	read_kmsg_sample(&log, "forged-kmsg.txt", NULL);
	cr_expect_eq(log.seccomp, 10, "the genuine records before the attack");
	cr_expect_eq(log.forged, 3);
	cr_expect_eq(log.first_forged, 11u);
	cr_expect_not(logged_nr(&log, 41) || logged_nr(&log, 42) || logged_nr(&log, 49),
		      "socket, connect, bind: the forged calls");
	cr_expect(explains(&log, "audit-forged", "3 line(s) of /dev/kmsg"));
	sk_audit_log_free(&log);
	/* inside a window that holds the attack's stamps: still nothing of it */
	struct sk_audit_filter f;
	sk_audit_filter_init(&f);
	f.has_since = true;
	f.since = 1796016406;
	read_kmsg_sample(&log, "forged-kmsg.txt", &f);
	cr_expect_eq(log.n, 10);
	cr_expect_not(logged_nr(&log, 41) || logged_nr(&log, 42) || logged_nr(&log, 49));
	sk_audit_log_free(&log);
}

/* A process that may write to /dev/kmsg (root, a container given the device)
 * can write a whole record there, from the message's first byte; the kernel
 * gives such a write facility LOG_USER (or the writer's), never kern, so the
 * header's PRI tells it from a record the kernel printed. */
Test(audit, a_record_written_to_kmsg_by_a_process_is_not_a_record)
{
	static const char rec[] = "audit: type=1326 audit(1796016500.100:77): auid=0 uid=0 gid=0 "
				  "ses=1 pid=4242 comm=\"x\" exe=\"/bin/sh\" sig=0 arch=c000003e "
				  "syscall=41 compat=0 ip=0x1 code=0x7ffc0000";
	static const struct {
		const char *header;
		enum sk_audit_line want;
	} cases[] = {
		{"5,352,565395157,-;", SK_AUDIT_LINE_SECCOMP},  /* kern.notice: the kernel */
		{"12,20350,7913155480,-;", SK_AUDIT_LINE_FORGED}, /* echo >/dev/kmsg: user.warn */
		{"8,20351,7913155481,-;", SK_AUDIT_LINE_FORGED},  /* "<0>..." written: still user */
		{"30,20352,7913155482,-;", SK_AUDIT_LINE_FORGED}, /* systemd's daemon facility */
		{"x,1,1,-;", SK_AUDIT_LINE_OTHER},                /* no /dev/kmsg header at all */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char line[512];
		snprintf(line, sizeof line, "%s%s", cases[i].header, rec);
		struct sk_audit_record r;
		cr_expect_eq(parse_from(SK_AUDIT_SRC_KMSG, line, &r), cases[i].want, "%s",
			     cases[i].header);
		sk_audit_record_clear(&r);
	}
}

/* The same attack in dmesg -S: the continuation line has a prefix of its own
 * and is a record to any reader. A text log is refused; trusted, it is read
 * as it is, forgeries and all. */
Test(audit, a_text_log_is_refused_unless_trusted)
{
	struct sk_audit_log log = {0};
	struct sk_audit_filter f;
	struct sk_diags d = {0};
	sk_audit_filter_init(&f);
	cr_expect_eq(sk_audit_log_read_file(&log, sample("forged-dmesg.txt"), &f, &d), -EPERM);
	cr_expect_eq(log.n, 0);
	cr_expect_eq(log.untrusted, 9, "eight records and the forged continuation line");
	cr_assert(has_diag(&d, "audit-text-log", "any user can forge one"));
	cr_expect_eq(d.v[0].line, 1u);
	cr_expect(d.v[0].fix && strstr(d.v[0].fix, "--trust-text-log"));
	sk_diags_free(&d);
	sk_audit_log_free(&log);
	/* trusted: the continuation line (connect) is indistinguishable from a
	 * record, which is why text logs are not read by default */
	read_sample(&log, "forged-dmesg.txt", NULL);
	cr_expect(logged_nr(&log, 42));
	sk_audit_log_free(&log);
	/* a saved /dev/kmsg is a text log too: one line of it is as good as a
	 * comm of "5,1,2,-;" makes it */
	memset(&log, 0, sizeof log);
	cr_expect_eq(sk_audit_log_read_file(&log, sample("kmsg-ratelimited.txt"), &f, &d), -EPERM);
	sk_diags_free(&d);
	sk_audit_log_free(&log);
}

/* A whole file is audit.log only when every line is an audit.log line: a
 * forged line of that shape in a text log (dmesg -t, journalctl -o cat) comes
 * after the attacker's own line, which has the shape of nothing. */
Test(audit, one_line_of_another_shape_makes_a_text_log)
{
	static const char rec[] =
		"type=SECCOMP msg=audit(1796015954.100:2): auid=0 uid=0 gid=0 ses=1 pid=1 comm=\"x\" "
		"exe=\"/x\" sig=0 arch=c000003e syscall=41 compat=0 ip=0x1 code=0x7ffc0000\n";
	static const char segv[] = "forge_segv[14748]: segfault at 0 ip 00007f60 error 4 in x\n";
	static const char time[] = "time->[1]: segfault at 0 in x\n";
	char text[1024];
	const char *const prefix[] = {segv, time, "{\"MESSAGE\":\"x\"}\n"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "%s%s%s", rec, prefix[i], rec);
		struct sk_audit_log log = {0};
		cr_assert_eq(sk_audit_log_feed_text(&log, text, strlen(text), NULL), 0);
		cr_expect_eq(log.source, SK_AUDIT_SRC_TEXT, "%zu", i);
		cr_expect_eq(log.n, 0, "%zu", i);
		cr_expect_eq(log.untrusted, 2, "%zu", i);
		sk_audit_log_free(&log);
	}
	/* ausearch's own separators keep it audit.log */
	snprintf(text, sizeof text, "----\ntime->Mon Nov 30 05:15:08 2026\n%s----\ntime->Mon Nov  3 05:15:08 2026\n%s", rec, rec);
	struct sk_audit_log log = {0};
	cr_assert_eq(sk_audit_log_feed_text(&log, text, strlen(text), NULL), 0);
	cr_expect_eq(log.source, SK_AUDIT_SRC_AUDITD);
	cr_expect_eq(log.n, 2);
	sk_audit_log_free(&log);
	/* in audit.log a record starts the line; elsewhere in it, it is forged */
	struct sk_audit_record r;
	cr_expect_eq(parse_from(SK_AUDIT_SRC_AUDITD, segv, &r), SK_AUDIT_LINE_OTHER);
	snprintf(text, sizeof text, "x %s", rec);
	cr_expect_eq(parse_from(SK_AUDIT_SRC_AUDITD, text, &r), SK_AUDIT_LINE_FORGED);
	snprintf(text, sizeof text, "node=web1 %s", rec);
	cr_expect_eq(parse_from(SK_AUDIT_SRC_AUDITD, text, &r), SK_AUDIT_LINE_SECCOMP);
	sk_audit_record_clear(&r);
}

/* Real: journald run on its own (journalctl -o json), with the busybox run
 * under a LOG profile, the forged segfault lines and a forged message sent by
 * nobody through systemd-cat with SYSLOG_IDENTIFIER=kernel. */
Test(audit, journal_json_believes_its_transport)
{
	struct sk_audit_log log;
	read_sample(&log, "journal.json", NULL);
	cr_expect_eq(log.source, SK_AUDIT_SRC_JOURNAL);
	cr_expect(log.journal_audit);
	cr_expect_eq(log.n, 12, "_TRANSPORT=audit, _AUDIT_TYPE=1326: serials 2897..2908");
	cr_expect_eq(log.duplicates, 12, "the kernel transport's copies");
	cr_expect_eq(log.forged, 4, "three segfault lines, one systemd-cat message");
	cr_expect_eq(log.serial_missing, 0);
	cr_expect_not(logged_nr(&log, 41) || logged_nr(&log, 42) || logged_nr(&log, 43) ||
		      logged_nr(&log, 49));
	for (size_t i = 0; i < log.n; i++) {
		cr_expect(log.v[i].has_time);
		cr_expect_eq(log.v[i].serial, 2897 + i);
		cr_expect_eq(log.v[i].form, SK_AUDIT_FORM_JOURNAL);
	}
	cr_expect_eq(log.v[0].time, 1796016406);
	cr_expect_eq(log.v[0].time_ms, 518u);
	cr_expect_str_eq(log.v[0].syscall, "execve");
	sk_audit_log_free(&log);
	/* without journald's audit reader, the kernel transport is the kernel log */
	static const char k[] =
		"{\"_TRANSPORT\":\"kernel\",\"SYSLOG_FACILITY\":\"0\",\"MESSAGE\":\"audit: type=1326 "
		"audit(1796015965.278:2027): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=15020 "
		"comm=\\\"busybox\\\" exe=\\\"/usr/bin/busybox\\\" sig=0 arch=c000003e syscall=12 "
		"compat=0 ip=0x49641b code=0x7ffc0000\"}\n";
	feed(&log, k);
	cr_assert_eq(log.n, 1);
	cr_expect_str_eq(log.v[0].syscall, "brk");
	sk_audit_log_free(&log);
	/* a user's message through the kernel transport's door: facility user */
	static const char *const bad[] = {
		"{\"_TRANSPORT\":\"kernel\",\"SYSLOG_FACILITY\":\"1\",\"MESSAGE\":\"audit: type=1326 "
		"audit(1.2:3): pid=1 comm=\\\"x\\\" exe=\\\"/x\\\" sig=0 arch=c000003e syscall=41 "
		"compat=0 ip=0x1 code=0x7ffc0000\"}",
		/* _TRANSPORT twice: neither is believed */
		"{\"_TRANSPORT\":\"syslog\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"audit: type=1326 "
		"audit(1.2:3): pid=1 comm=\\\"x\\\" exe=\\\"/x\\\" sig=0 arch=c000003e syscall=41 "
		"compat=0 ip=0x1 code=0x7ffc0000\"}",
		/* MESSAGE sent twice: an array */
		"{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":[\"audit: type=1326 audit(1.2:3): pid=1 "
		"comm=\\\"x\\\" exe=\\\"/x\\\" sig=0 arch=c000003e syscall=41 compat=0 ip=0x1 "
		"code=0x7ffc0000\",\"x\"]}",
	};
	for (size_t i = 0; i < 3; i++) {
		struct sk_audit_record r;
		cr_expect_neq(parse_from(SK_AUDIT_SRC_JOURNAL, bad[i], &r), SK_AUDIT_LINE_SECCOMP,
			      "%zu", i);
		sk_audit_record_clear(&r);
	}
	/* bytes that are not UTF-8 come as an array of numbers */
	struct sk_audit_record r;
	const char *bytes = "{\"_TRANSPORT\":\"audit\",\"_AUDIT_TYPE\":\"1326\",\"_AUDIT_ID\":\"9\","
			    "\"_SOURCE_REALTIME_TIMESTAMP\":\"1796015965274000\",\"MESSAGE\":[83,69,67,"
			    "67,79,77,80,32,112,105,100,61,49,32,99,111,109,109,61,70,70,32,101,120,101,"
			    "61,34,47,120,34,32,115,105,103,61,48,32,97,114,99,104,61,99,48,48,48,48,48,"
			    "51,101,32,115,121,115,99,97,108,108,61,51,57,32,99,111,109,112,97,116,61,48,"
			    "32,105,112,61,48,120,49,32,99,111,100,101,61,48,120,55,102,102,99,48,48,48,"
			    "48]}";
	cr_assert_eq(parse_from(SK_AUDIT_SRC_JOURNAL, bytes, &r), SK_AUDIT_LINE_SECCOMP);
	cr_expect_str_eq(r.syscall, "getpid");
	cr_expect_str_eq(r.comm, "\xff");
	cr_expect_eq(r.serial, 9u);
	sk_audit_record_clear(&r);
}

/* A record without a time could be from any time, a forger's too: never
 * inside a --since window. */
Test(audit, untimed_records_never_pass_a_window)
{
	struct sk_audit_filter f;
	trusting(&f);
	f.has_since = true;
	f.since = 1;
	struct sk_audit_log log;
	read_sample(&log, "journal.txt", &f); /* 4 kernel lines, 4 of journald's (no stamp) */
	cr_expect_eq(log.n, 4);
	cr_expect_eq(log.untimed, 4);
	cr_expect(explains(&log, "audit-untimed", "left out by --since"));
	sk_audit_log_free(&log);
	read_sample(&log, "ausearch-i.txt", &f); /* local dates */
	cr_expect_eq(log.n, 0);
	cr_expect_eq(log.untimed, 69);
	sk_audit_log_free(&log);
}

/* ---- 12.2: ausearch -i ------------------------------------------------------ */

/* Real: the same 69 records as audit.log (raw, ENRICHED) and as ausearch -i,
 * from a busybox at "/tmp/wt-audit-cap/d arch=x86_64 syscall=socket/busybox".
 * Both read alike; the decoded exe never stands in for the fields after it. */
Test(audit, ausearch_i_reads_as_the_raw_log)
{
	struct sk_audit_log raw, in;
	read_sample(&raw, "auditd-exe-spaces.log", NULL);
	read_sample(&in, "ausearch-i.txt", NULL);
	cr_expect_eq(raw.source, SK_AUDIT_SRC_AUDITD);
	cr_expect_eq(in.source, SK_AUDIT_SRC_AUDITD);
	cr_assert_eq(raw.n, 69);
	cr_assert_eq(in.n, 69);
	for (size_t i = 0; i < raw.n; i++) {
		cr_expect_eq(in.v[i].nr, raw.v[i].nr, "%zu", i);
		cr_expect_str_eq(in.v[i].syscall, raw.v[i].syscall, "%zu", i);
		cr_expect_eq(in.v[i].serial, raw.v[i].serial);
		cr_expect_eq(in.v[i].pid, raw.v[i].pid);
		cr_expect_str_eq(in.v[i].exe, raw.v[i].exe, "%zu", i);
		cr_expect(in.v[i].interpreted);
		cr_expect_not(raw.v[i].interpreted);
		cr_expect_eq(sk_audit_code_action(in.v[i].code) == SK_ACT_LOG,
			     sk_audit_code_action(raw.v[i].code) == SK_ACT_LOG);
	}
	cr_expect_not(logged_nr(&in, 41), "no socket: the exe's text is not a field");
	cr_expect_str_eq(in.v[1].exe, "/tmp/wt-audit-cap/d arch=x86_64 syscall=socket/busybox");
	sk_audit_log_free(&raw);
	sk_audit_log_free(&in);
}

Test(audit, ausearch_i_tail_fields_and_enriched_separator)
{
	struct sk_audit_record r;
	/* the attack: the exe spells out a whole tail of its own */
	const char *line = "type=SECCOMP msg=audit(11/30/26 05:15:08.550:1388) : auid=unset "
			   "uid=root gid=root ses=unset pid=26036 comm=busybox exe=/tmp/a "
			   "arch=x86_64 syscall=socket compat=0 ip=0x1 code=log sig=SIG0 "
			   "arch=x86_64 syscall=getppid compat=0 ip=0x48110d code=log ";
	cr_assert_eq(parse_from(SK_AUDIT_SRC_AUDITD, line, &r), SK_AUDIT_LINE_SECCOMP);
	cr_expect_str_eq(r.syscall, "getppid");
	cr_expect_str_eq(r.exe, "/tmp/a arch=x86_64 syscall=socket compat=0 ip=0x1 code=log");
	cr_expect_eq(r.pid, 26036);
	cr_expect_eq(r.uid, -1, "uid=root: a name, not the kernel's number");
	sk_audit_record_clear(&r);
	/* comm or exe holding " exe=": which is which cannot be told */
	line = "type=SECCOMP msg=audit(11/30/26 05:15:08.550:1388) : auid=unset uid=root "
	       "gid=root ses=unset pid=1 comm=a exe=/usr/bin/nginx exe=/tmp/x sig=SIG0 "
	       "arch=x86_64 syscall=getppid compat=0 ip=0x1 code=log";
	cr_assert_eq(parse_from(SK_AUDIT_SRC_AUDITD, line, &r), SK_AUDIT_LINE_SECCOMP);
	cr_expect(r.ambiguous);
	cr_expect_null(r.comm);
	cr_expect_null(r.exe);
	sk_audit_record_clear(&r);
	/* other codes ausearch names; a code it does not know */
	static const struct {
		const char *code;
		enum sk_action action;
	} codes[] = {{"kill", SK_ACT_KILL_THREAD}, {"kill-process", SK_ACT_KILL_PROCESS},
		     {"errno", SK_ACT_ERRNO}, {"trap", SK_ACT_TRAP}, {"trace", SK_ACT_TRACE},
		     {"unknown-seccomp-code(0x7fff0000)", SK_ACT_ALLOW}};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		char l[512];
		snprintf(l, sizeof l, "type=SECCOMP msg=audit(x:1) : pid=1 comm=a exe=/a sig=SIGSYS "
				      "arch=i386 syscall=getpid compat=1 ip=0x1 code=%s", codes[i].code);
		cr_assert_eq(parse_from(SK_AUDIT_SRC_AUDITD, l, &r), SK_AUDIT_LINE_SECCOMP, "%s", l);
		cr_expect_eq(sk_audit_code_action(r.code), codes[i].action, "%s", codes[i].code);
		cr_expect_eq(r.arch, SK_ARCH_X86);
		sk_audit_record_clear(&r);
	}
	/* ENRICHED: what follows the 0x1d separator is auditd's, never the tail */
	line = "type=SECCOMP msg=audit(1796015708.550:1388): auid=4294967295 uid=0 gid=0 "
	       "ses=4294967295 pid=26036 comm=\"busybox\" exe=\"/bin/busybox\" sig=0 "
	       "arch=c000003e syscall=110 compat=0 ip=0x48110d code=0x7ffc0000\x1d"
	       "AUID=\"unset\" sig=0 arch=c000003e syscall=41 compat=0 ip=0x1 code=0x7ffc0000";
	cr_assert_eq(parse_from(SK_AUDIT_SRC_AUDITD, line, &r), SK_AUDIT_LINE_SECCOMP);
	cr_expect_str_eq(r.syscall, "getppid");
	sk_audit_record_clear(&r);
	/* the raw form: comm and exe are one token each, or the line is broken */
	line = "type=SECCOMP msg=audit(1796015708.550:1388): pid=1 comm=\"a\" exe=/a b sig=0 "
	       "arch=c000003e syscall=110 compat=0 ip=0x1 code=0x7ffc0000";
	cr_expect_eq(parse_from(SK_AUDIT_SRC_AUDITD, line, &r), SK_AUDIT_LINE_MALFORMED);
	sk_audit_record_clear(&r);
}

/* ---- 12.8: only logged calls ------------------------------------------------ */

Test(audit, learn_adds_only_logged_calls_and_names_the_rest)
{
	/* the sample: mkdir KILL_PROCESS, getpid (i386) and exit_group LOG, an x32
	 * number no table knows */
	struct sk_audit_log log;
	read_sample(&log, "dmesg-compat-kill.txt", NULL);
	struct sk_learn_opts o;
	sk_learn_opts_init(&o);
	struct sk_learn_result res;
	struct sk_diags d = {0};
	cr_assert_eq(sk_learn(NULL, &log, &o, &res, &d), 0);
	cr_expect_null(rule_with(res.profile, "mkdir"), "a kill is not a log");
	cr_expect_not_null(rule_with(res.profile, "getpid"));
	cr_expect_eq(res.not_logged, 1);
	const struct sk_learned *mk = NULL;
	for (size_t i = 0; i < res.n; i++)
		if (res.v[i].name && !strcmp(res.v[i].name, "mkdir"))
			mk = &res.v[i];
	cr_assert_not_null(mk);
	cr_expect(mk->not_logged);
	cr_expect_eq(mk->action, SK_ACT_KILL_PROCESS);
	cr_expect_eq(mk->denied, 1);
	sk_learn_result_free(&res);
	/* --include-denied */
	o.include_denied = true;
	cr_assert_eq(sk_learn(NULL, &log, &o, &res, &d), 0);
	cr_expect_not_null(rule_with(res.profile, "mkdir"));
	cr_expect_eq(res.not_logged, 0);
	sk_learn_result_free(&res);
	sk_audit_log_free(&log);
	/* an unknown action code, a TRACE: never, even with --include-denied */
	static const char text[] =
		"type=SECCOMP msg=audit(1.1:1): pid=1 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e "
		"syscall=83 compat=0 ip=0x1 code=0x7ff00000\n"
		"type=SECCOMP msg=audit(1.1:2): pid=1 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e "
		"syscall=84 compat=0 ip=0x1 code=0x12340000\n";
	feed(&log, text);
	cr_assert_eq(sk_learn(NULL, &log, &o, &res, &d), 0);
	cr_expect_eq(res.added, 0);
	cr_expect_eq(res.not_logged, 2);
	cr_expect_eq(res.v[0].action, SK_ACT_TRACE);
	cr_expect_eq(res.v[1].action, SK_ACT_INVALID);
	sk_learn_result_free(&res);
	sk_audit_log_free(&log);
	sk_diags_free(&d);
}

/* A base that denies a call in a rule of its own keeps denying it: no ALLOW
 * beside that rule, whatever the log says. */
Test(audit, learn_never_allows_what_the_base_denies)
{
	struct sk_profile *base = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":["
		"{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		"{\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_KILL_PROCESS\","
		"\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}");
	static const char text[] =
		"type=SECCOMP msg=audit(1.1:1): pid=1 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e "
		"syscall=83 compat=0 ip=0x1 code=0x7ffc0000\n"
		"type=SECCOMP msg=audit(1.1:2): pid=1 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e "
		"syscall=84 compat=0 ip=0x1 code=0x7ffc0000\n"
		"type=SECCOMP msg=audit(1.1:3): pid=1 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e "
		"syscall=39 compat=0 ip=0x1 code=0x7ffc0000\n";
	struct sk_audit_log log;
	feed(&log, text);
	struct sk_learn_result res;
	struct sk_diags d = {0};
	cr_assert_eq(learn(base, &log, false, &res, &d), 0);
	cr_expect_eq(res.base_blocked, 2);
	cr_expect_eq(res.added, 1, "getpid");
	cr_expect_eq(rule_with(res.profile, "mkdir")->action, SK_ACT_ERRNO);
	cr_expect_eq(rule_with(res.profile, "rmdir")->action, SK_ACT_KILL_PROCESS);
	size_t allows = 0;
	for (size_t i = 0; i < res.profile->n_rules; i++)
		for (size_t j = 0; j < res.profile->rules[i].n_names; j++)
			allows += res.profile->rules[i].action == SK_ACT_ALLOW &&
				  (!strcmp(res.profile->rules[i].names[j], "mkdir") ||
				   !strcmp(res.profile->rules[i].names[j], "rmdir"));
	cr_expect_eq(allows, 0);
	for (size_t i = 0; i < res.n; i++)
		if (strcmp(res.v[i].name, "getpid"))
			cr_expect_neq(res.v[i].base_blocks, SK_ACT_INVALID, "%s", res.v[i].name);
	sk_learn_result_free(&res);
	sk_audit_log_free(&log);
	sk_diags_free(&d);
	sk_profile_free(base);
}

/* ---- 12.9: loss ------------------------------------------------------------- */

Test(audit, lost_records_are_counted)
{
	struct sk_audit_log log;
	read_sample(&log, "dmesg-ratelimited.txt", NULL);
	cr_expect_eq(sk_audit_log_lost(&log), 7 + 14, "7 serials missing, 14 suppressed");
	sk_audit_log_free(&log);
	read_sample(&log, "auditd-enriched.log", NULL);
	cr_expect_eq(sk_audit_log_lost(&log), 0);
	sk_audit_log_free(&log);
	read_sample(&log, "journal.json", NULL);
	cr_expect_eq(sk_audit_log_lost(&log), 0, "the audit transport has every record");
	sk_audit_log_free(&log);
}

/* Where records of a run go, before the run (run --audit). */
Test(audit, sink_check_warns_before_records_are_dropped)
{
	struct sk_diags d = {0};
	struct sk_audit_sink s = {.auditd = false, .interval = 5, .burst = 10};
	cr_expect_eq(sk_audit_sink_check(&s, &d), 1);
	cr_assert(has_diag(&d, "audit-ratelimit", "10 record(s) per 5 s"));
	cr_expect(strstr(d.v[0].fix, "sysctl -w kernel.printk_ratelimit=0") &&
		  strstr(d.v[0].fix, "kernel.printk_ratelimit=5") && strstr(d.v[0].fix, "auditd"));
	sk_diags_free(&d);
	s.interval = 0; /* the rate limit off */
	cr_expect_eq(sk_audit_sink_check(&s, &d), 0);
	s.interval = 5;
	s.auditd = true; /* records go to audit.log */
	cr_expect_eq(sk_audit_sink_check(&s, &d), 0);
	s.auditd = false;
	s.interval = -1; /* unknown: say nothing rather than guess */
	cr_expect_eq(sk_audit_sink_check(&s, &d), 0);
	cr_expect_eq(d.n, 0);
	/* the probe reads this machine */
	sk_audit_sink_probe(&s);
	int interval, burst;
	cr_assert_eq(sk_audit_ratelimit(&interval, &burst), 0);
	cr_expect_eq(s.interval, interval);
	cr_expect_eq(s.burst, burst);
}

/* Attribution: a user who may create a user namespace bind-mounts a program of
 * theirs over /usr/bin/busybox in a mount namespace of their own; the kernel
 * logs exe="/usr/bin/busybox" for it (seen here as uid 65534, with socket).
 * --exe alone then takes both users' records: said, with --uid as the fix. */
Test(audit, a_selector_that_keeps_several_users_records_is_a_warning)
{
	char path[] = "/tmp/sk-audit-uids-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	static const char log[] =
		"type=SECCOMP msg=audit(1796023436.550:31788): auid=4294967295 uid=0 gid=0 "
		"ses=4294967295 pid=6087 comm=\"busybox\" exe=\"/usr/bin/busybox\" sig=0 "
		"arch=c000003e syscall=63 compat=0 ip=0x7f code=0x7ffc0000\n"
		"type=SECCOMP msg=audit(1796023436.550:31789): auid=4294967295 uid=65534 gid=65534 "
		"ses=4294967295 pid=6972 comm=\"busybox\" exe=\"/usr/bin/busybox\" sig=0 "
		"arch=c000003e syscall=41 compat=0 ip=0x7f code=0x7ffc0000\n";
	cr_assert_eq(write(fd, log, sizeof log - 1), (ssize_t)(sizeof log - 1));
	close(fd);
	for (int with_uid = 0; with_uid < 2; with_uid++) {
		struct sk_learn_opts o;
		sk_learn_opts_init(&o);
		o.from = path;
		o.filter.exe = "/usr/bin/busybox";
		if (with_uid)
			o.filter.uid = 0;
		struct sk_learn_result res;
		struct sk_diags d = {0};
		cr_assert_eq(sk_learn_run(NULL, &o, &res, &d), 0);
		cr_expect_eq(has_diag(&d, "audit-uids", "2 users (uid 0, 65534)"), !with_uid,
			     "with --uid: %d", with_uid);
		sk_learn_result_free(&res);
		sk_diags_free(&d);
	}
	unlink(path);
}
