/* The audit-log reader, learn and audit mode, on records captured from the
 * kernel (tests/data/audit/README.md says how each file was made). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void read_sample(struct sk_audit_log *log, const char *name, const struct sk_audit_filter *f)
{
	struct sk_diags d = {0};
	memset(log, 0, sizeof *log);
	cr_assert_eq(sk_audit_log_read_file(log, sample(name), f, &d), 0, "%s", sample(name));
	sk_diags_free(&d);
}

static enum sk_audit_line parse(const char *line, struct sk_audit_record *r)
{
	uint64_t count;
	return sk_audit_parse_line(line, strlen(line), r, &count);
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
	static const enum sk_audit_form forms[] = {SK_AUDIT_FORM_KMSG, SK_AUDIT_FORM_AUDITD,
						   SK_AUDIT_FORM_JOURNAL, SK_AUDIT_FORM_DMESG,
						   SK_AUDIT_FORM_AUDITD};
	for (size_t i = 0; i < 4; i++) {
		struct sk_audit_record r;
		cr_assert_eq(parse(lines[i], &r), SK_AUDIT_LINE_SECCOMP, "%zu", i);
		cr_expect_eq(r.form, forms[i], "%zu", i);
		cr_expect_eq(r.serial, 8u);
		cr_expect_str_eq(r.syscall, "rseq");
		cr_expect_str_eq(r.exe, "/usr/bin/busybox");
		sk_audit_record_clear(&r);
	}
	/* ausearch -i has code=log, not a number: a record we cannot trust */
	struct sk_audit_record r;
	cr_expect_eq(parse(lines[4], &r), SK_AUDIT_LINE_MALFORMED);
	sk_audit_record_clear(&r);
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
	for (size_t i = 0; i < 8; i++) {
		cr_expect_eq(log.v[i].form, SK_AUDIT_FORM_JOURNAL);
		cr_expect_eq(log.v[i].has_stamp, i < 4, "%zu", i);
	}
	cr_expect_str_eq(log.v[5].syscall, "getpid");
	cr_expect_eq(log.v[6].arch, SK_ARCH_X32);
	cr_expect_eq(log.untimed, 4);
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
		cr_assert_eq(parse(line, &r), SK_AUDIT_LINE_SECCOMP, "%s", line);
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
		struct sk_diags d = {0};
		sk_audit_log_explain_loss(&log, &d);
		cr_expect(has_diag(&d, "audit-handover", cases[i].says), "%s", cases[i].file);
		cr_expect(!has_diag(&d, "audit-lost", ""), "%s", cases[i].file);
		sk_diags_free(&d);
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
	sk_audit_record_clear(&r);
}

Test(audit, filters)
{
	struct sk_audit_filter f;
	struct sk_audit_log log;
	sk_audit_filter_init(&f);
	f.comm = "logall";
	read_sample(&log, "dmesg-ratelimited.txt", &f);
	cr_expect_eq(log.n, 2);
	cr_expect_eq(log.filtered_out, 18);
	sk_audit_log_free(&log);

	sk_audit_filter_init(&f);
	f.pid = 8787;
	read_sample(&log, "dmesg-ratelimited.txt", &f);
	cr_expect_eq(log.n, 10);
	sk_audit_log_free(&log);

	sk_audit_filter_init(&f);
	f.exe = "busybox"; /* last path component */
	read_sample(&log, "dmesg-ratelimited.txt", &f);
	cr_expect_eq(log.n, 18);
	sk_audit_log_free(&log);

	/* the second run began at 1795873785: the gap 11 -> 19 straddles the start
	 * of the window and is not counted (its records may be older), but the
	 * "callbacks suppressed" line just before record 19 belongs to it, and so
	 * does the one at the end with no record after it */
	sk_audit_filter_init(&f);
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
	sk_audit_filter_init(&f);
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
	cr_assert_eq(sk_audit_log_feed_text(&log, text, strlen(text), NULL), 0);
	struct sk_learn_result res;
	struct sk_diags d = {0};
	cr_assert_eq(sk_learn(base, &log, false, &res, &d), 0);
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
	cr_assert_eq(sk_learn(base, &log, true, &res, &d), 0);
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
