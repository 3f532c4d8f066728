/* scmpkit learn: BASE + the syscalls the kernel's audit log shows, as ALLOW. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <scmpkit/audit.h>
#include <scmpkit/profile.h>
#include <scmpkit/runtime.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit learn [--from SOURCE] [--since T] [--comm C | --exe E | --pid P]\n"
	"                     [-p BASE] [-r RUNTIME] -o OUT [--allow-dangerous]\n\n"
	"Read the kernel's seccomp audit records (SCMP_ACT_LOG, and kills) and write\n"
	"BASE plus every logged syscall as SCMP_ACT_ALLOW: the last step of audit mode\n"
	"(practice P5; see scmpkit audit-profile). It says how many records it read and\n"
	"from which processes, detects lost records (gaps in the audit serial numbers,\n"
	"\"callbacks suppressed\" lines, the printk rate limit) and says what to do, and\n"
	"prints what it added as a diff against BASE. Syscalls on Docker's blocked list\n"
	"are reported apart and added only with --allow-dangerous.\n\n"
	"Options:\n"
	"  -F, --from SOURCE    auto (default: audit.log while auditd runs, else the kernel\n"
	"                       log), kmsg (/dev/kmsg), dmesg (syslog(2)), auditd\n"
	"                       (/var/log/audit/audit.log), a FILE, or - for stdin: dmesg,\n"
	"                       /dev/kmsg, audit.log, ausearch or journalctl output\n"
	"  -s, --since T        records from T on: @EPOCH[.FRACTION] (date +%s.%N),\n"
	"                       'YYYY-MM-DD HH:MM[:SS]', -30s, -10m, -2h\n"
	"  -c, --comm C         only records of processes named C\n"
	"  -e, --exe E          only records of executable E (a path, or its last part)\n"
	"  -P, --pid P          only records of process P\n"
	"  -p, --base BASE      the profile to extend (default: an empty allow-list with\n"
	"                       defaultAction SCMP_ACT_ERRNO); give the enforcing profile the\n"
	"                       audit profile was made from, not the audit profile\n"
	"  -o, --output OUT     where to write the result (atomically; - for stdout)\n"
	"  -f, --format F       oci, docker, spo (default: BASE's, else oci)\n"
	"  -r, --runtime NAME   add the calls runtime NAME (runc) makes itself after loading\n"
	"                       the filter (measured; data/runtime/NAME.tsv): one run's log\n"
	"                       shows only those its Go scheduler happened to make\n"
	"      --allow-dangerous  add calls from Docker's blocked list too\n"
	"  -h, --help           this help\n\n"
	"Reading the kernel log needs root when kernel.dmesg_restrict=1.\n"
	"Exit status: 0 written, 2 bad input or an unreadable log.\n";

#define AUDITD_LOG "/var/log/audit/audit.log"

/* auditd takes the records away from the kernel log while it runs. */
static bool auditd_running(void)
{
	FILE *f = fopen("/var/run/auditd.pid", "r");
	int pid = 0;
	if (!f)
		return false;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return false;
	char path[64], state = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state && state != 'Z' && state != 'X';
}

struct proc {
	int64_t pid;
	const char *comm, *exe;
	size_t count;
};

static void print_processes(const struct sk_audit_log *log)
{
	struct proc *v = calloc(log->n + 1, sizeof *v);
	size_t n = 0;
	if (!v)
		return;
	for (size_t i = 0; i < log->n; i++) {
		const struct sk_audit_record *r = &log->v[i];
		size_t j = 0;
		for (; j < n; j++)
			if (v[j].pid == r->pid && !strcmp(v[j].exe ? v[j].exe : "", r->exe ? r->exe : ""))
				break;
		if (j == n)
			v[n++] = (struct proc){r->pid, r->comm, r->exe, 0};
		v[j].count++;
	}
	size_t shown = n > 20 ? 20 : n;
	for (size_t i = 0; i < shown; i++)
		fprintf(stderr, "  pid %-7" PRId64 " %-16s %-30s %zu record(s)\n", v[i].pid,
			v[i].comm ? v[i].comm : "?", v[i].exe ? v[i].exe : "?", v[i].count);
	if (n > shown)
		fprintf(stderr, "  ... and %zu more process(es)\n", n - shown);
	free(v);
}

/* FROM: the first rule sk_profile_allow_runtime appended (n_rules when none). */
static void print_diff(const char *base, const char *out, const struct sk_learn_result *res,
		       size_t from)
{
	const struct sk_profile *p = res->profile;
	if (!res->added && !res->n_new_arches && from == p->n_rules) {
		fprintf(stderr, "nothing to add: %s already allows every logged call\n",
			base ? base : "the base profile");
		return;
	}
	fprintf(stderr, "--- %s\n+++ %s\n", base ? base : "(empty allow-list)", out);
	for (size_t i = 0; i < res->n_new_arches; i++)
		fprintf(stderr, "+ architecture %s\n", sk_arch_info(res->new_arches[i])->oci_name);
	for (size_t i = 0; i < res->n; i++) {
		const struct sk_learned *e = &res->v[i];
		if (!e->added || e->already)
			continue;
		/* one line per name: the first arch it came from */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = res->v[j].added && res->v[j].name && !strcmp(res->v[j].name, e->name);
		if (seen)
			continue;
		fprintf(stderr, "+ %-24s SCMP_ACT_ALLOW   # %s, %zu record(s), %s, was %s\n", e->name,
			sk_arch_info(e->arch)->short_name, e->count, e->comm ? e->comm : "?",
			sk_action_name(e->action));
	}
	for (size_t i = from; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			fprintf(stderr, "+ %-24s SCMP_ACT_ALLOW   # %s\n", p->rules[i].names[j],
				p->rules[i].comment && strstr(p->rules[i].comment, "only with")
					? "the runtime's, with noNewPrivileges false"
					: "the runtime's, after it loads the filter");
}

static void print_skipped(const struct sk_learn_result *res, bool allow_dangerous)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct sk_learned *e = &res->v[i];
		const struct sk_arch_info *ai = sk_arch_info(e->arch);
		if (!e->name)
			fprintf(stderr, "? syscall %" PRId64 " on %s: no table knows it; not added\n",
				e->nr, ai ? ai->short_name : "an unknown architecture");
		else if (e->danger && !allow_dangerous)
			fprintf(stderr,
				"! %-24s NOT added (%s, %zu record(s), %s): on Docker's blocked list — "
				"%s; add it with --allow-dangerous if the program really needs it\n",
				e->name, ai->short_name, e->count, e->comm ? e->comm : "?", e->danger);
		else if (e->already)
			fprintf(stderr, "= %-24s already allowed by the base (%zu record(s))\n", e->name,
				e->count);
	}
}

/* cli_print_diags shows messages only: the loss warnings' advice matters. */
static void print_fixes(const struct sk_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		bool dup = !d->v[i].fix;
		for (size_t j = 0; j < i && !dup; j++)
			dup = d->v[j].fix && !strcmp(d->v[j].fix, d->v[i].fix);
		if (!dup)
			fprintf(stderr, "  what to do: %s\n", d->v[i].fix);
	}
}

int cmd_learn(int argc, char **argv)
{
	enum { OPT_ALLOW_DANGEROUS = 256 };
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'F'},
		{"since", required_argument, NULL, 's'},
		{"comm", required_argument, NULL, 'c'},
		{"exe", required_argument, NULL, 'e'},
		{"pid", required_argument, NULL, 'P'},
		{"base", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"runtime", required_argument, NULL, 'r'},
		{"allow-dangerous", no_argument, NULL, OPT_ALLOW_DANGEROUS},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *from = "auto", *base_file = NULL, *out = NULL, *runtime = NULL;
	bool allow_dangerous = false;
	int format = -1, selectors = 0;
	struct sk_audit_filter filter;
	sk_audit_filter_init(&filter);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:s:c:e:P:p:o:f:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			from = optarg;
			break;
		case 's':
			if (sk_audit_time_parse_ms(optarg, (int64_t)time(NULL), &filter.since,
						   &filter.since_ms) < 0)
				return cli_usage("learn", "cannot read the time '%s' (@EPOCH[.FRACTION], "
						 "'YYYY-MM-DD HH:MM[:SS]', -30s, -10m, -2h, -1d)", optarg);
			filter.has_since = true;
			break;
		case 'c':
			filter.comm = optarg;
			selectors++;
			break;
		case 'e':
			filter.exe = optarg;
			selectors++;
			break;
		case 'P': {
			char *e;
			long long v = strtoll(optarg, &e, 10);
			if (*e || v <= 0)
				return cli_usage("learn", "--pid wants a process id, not '%s'", optarg);
			filter.pid = v;
			selectors++;
			break;
		}
		case 'p':
			base_file = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((format = cli_output_format("learn", "--format", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'r':
			if (!(runtime = cli_runtime("learn", optarg)))
				return EXIT_USAGE;
			break;
		case OPT_ALLOW_DANGEROUS:
			allow_dangerous = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("learn", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("learn", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_usage("learn", "-o OUT is required");
	if (selectors > 1)
		return cli_usage("learn", "use one of --comm, --exe, --pid");

	struct sk_diags d = {0};
	struct sk_profile *base = NULL;
	if (base_file && !(base = sk_profile_load(base_file, &d))) {
		cli_print_diags(&d);
		sk_diags_free(&d);
		return EXIT_USAGE;
	}

	bool auditd = auditd_running();
	if (!strcmp(from, "auto"))
		from = auditd ? "auditd" : "kmsg";
	const char *source = from;
	struct sk_audit_log log = {0};
	int r;
	if (!strcmp(from, "kmsg") || !strcmp(from, "dmesg")) {
		if (auditd)
			fprintf(stderr, "scmpkit learn: warning: auditd is running, so new records go "
					"to %s, not to the kernel log; use --from auditd\n", AUDITD_LOG);
		source = !strcmp(from, "kmsg") ? "/dev/kmsg" : "the kernel log (syslog)";
		r = !strcmp(from, "kmsg") ? sk_audit_log_read_kmsg(&log, &filter, &d)
					  : sk_audit_log_read_dmesg(&log, &filter, &d);
	} else {
		if (!strcmp(from, "auditd"))
			source = from = AUDITD_LOG;
		r = sk_audit_log_read_file(&log, from, &filter, &d);
		if (!strcmp(source, "-"))
			source = "stdin";
	}
	if (r < 0) {
		cli_print_diags(&d);
		print_fixes(&d);
		sk_diags_free(&d);
		sk_audit_log_free(&log);
		sk_profile_free(base);
		return EXIT_USAGE;
	}

	fprintf(stderr, "scmpkit learn: %zu seccomp record(s) in %s (%zu line(s))", log.seccomp,
		source, log.lines);
	if (log.filtered_out)
		fprintf(stderr, ", %zu kept after --since/--comm/--exe/--pid", log.n);
	fputs(log.n ? ", from:\n" : "\n", stderr);
	print_processes(&log);
	if (!log.seccomp)
		fprintf(stderr, "scmpkit learn: warning: no seccomp records found: was the workload "
				"run under an audit profile (scmpkit audit-profile)%s?\n",
			auditd && strcmp(from, AUDITD_LOG) ? ", and is auditd holding them" : "");
	sk_audit_log_explain_loss(&log, &d);

	struct sk_learn_result res;
	int rc = EXIT_USAGE;
	char *text = NULL;
	size_t runtime_from = 0;
	int lr = sk_learn(base, &log, allow_dangerous, &res, &d);
	if (lr == 0) {
		runtime_from = res.profile->n_rules;
		if (runtime)
			lr = sk_profile_allow_runtime(res.profile, runtime, &d);
	}
	if (lr >= 0) {
		if (format < 0)
			format = base && base->format != SK_FORMAT_RUNC_CONFIG ? (int)base->format
									     : SK_FORMAT_OCI;
		text = sk_profile_emit(res.profile, (enum sk_format)format, &d);
	}
	cli_print_diags(&d);
	print_fixes(&d);
	if (text) {
		print_diff(base_file, out, &res, runtime_from);
		print_skipped(&res, allow_dangerous);
		if (cli_write_output(out, text) == 0)
			rc = EXIT_OK;
	}
	free(text);
	sk_learn_result_free(&res);
	sk_audit_log_free(&log);
	sk_profile_free(base);
	sk_diags_free(&d);
	return rc;
}
