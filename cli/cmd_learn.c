/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit learn: BASE + the syscalls the kernel's audit log shows were logged,
 * as ALLOW. Options, one library call (sk_learn_run), printing, exit code;
 * which log to read and what to believe in it is the library's. */
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scmpkit/audit.h>
#include <scmpkit/fallback.h>
#include <scmpkit/escape.h>
#include <scmpkit/profile.h>
#include <scmpkit/runtime.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit learn [--from SOURCE] [--since T] [--comm C | --exe PATH |\n"
	"                     --exe-name NAME | --pid P] [--uid U] [-p BASE] [-r RUNTIME]\n"
	"                     -o OUT [--allow-dangerous] [--include-denied]\n"
	"                     [--trust-text-log]\n\n"
	"Read the kernel's seccomp audit records and write BASE plus every call that\n"
	"was logged (SCMP_ACT_LOG) as SCMP_ACT_ALLOW: the last step of audit mode\n"
	"(practice P5; see scmpkit audit-profile). It says how many records it read and\n"
	"from which processes, detects lost records (gaps in the audit serial numbers,\n"
	"\"callbacks suppressed\" lines, the printk rate limit) and says what to do, and\n"
	"prints what it added as a diff against BASE. It names every call it left out:\n"
	"those on Docker's blocked list (added with --allow-dangerous), those the filter\n"
	"denied rather than logged (added with --include-denied), and those BASE denies\n"
	"in a rule of its own (never).\n\n"
	"Options:\n"
	"  -F, --from SOURCE    auto (default: audit.log while auditd runs, else kmsg),\n"
	"                       kmsg (/dev/kmsg), auditd (/var/log/audit/audit.log), dmesg\n"
	"                       (syslog(2)), a FILE, or - for stdin: audit.log, ausearch\n"
	"                       output (raw or -i), journalctl -o json\n"
	"      --trust-text-log  believe records in a line-based text log too (dmesg,\n"
	"                       syslog, kern.log, journalctl's text, a saved /dev/kmsg):\n"
	"                       any user can forge one there (the kernel prints a crashing\n"
	"                       program's file name unescaped), so they are refused unless\n"
	"                       no other user could have written to the log\n"
	"  -s, --since T        records from T on: @EPOCH[.FRACTION] (date +%s.%N),\n"
	"                       'YYYY-MM-DD HH:MM[:SS]', -30s, -10m, -2h; records without a\n"
	"                       time (ausearch -i) are left out\n"
	"  -c, --comm C         only records of processes named C\n"
	"  -e, --exe PATH       only records of the executable at PATH (the whole path)\n"
	"      --exe-name NAME  only records of executables named NAME (any directory)\n"
	"  -P, --pid P          only records of process P\n"
	"  -u, --uid U          only records of processes of user U (a number or a name);\n"
	"                       combines with the others\n"
	"                       Who controls what: a process sets its own comm; a user who\n"
	"                       may create a user namespace runs a program of theirs under\n"
	"                       any exe path (a bind mount in a mount namespace of theirs:\n"
	"                       the kernel then logs exe=\"/usr/bin/nginx\"), and whoever may\n"
	"                       write to a directory chooses the paths in it; a pid is\n"
	"                       reused; the uid is the kernel's. Add --uid to the others\n"
	"                       when other users run programs on this machine.\n"
	"  -p, --base BASE      the profile to extend (default: an empty allow-list with\n"
	"                       defaultAction SCMP_ACT_ERRNO); give the enforcing profile the\n"
	"                       audit profile was made from, not the audit profile\n"
	"  -o, --output OUT     where to write the result (atomically; - for stdout)\n"
	"  -f, --format F       oci, docker, spo (default: BASE's, else oci)\n"
	"  -r, --runtime NAME   add the calls runtime NAME (runc) makes itself after loading\n"
	"                       the filter (measured; data/runtime/NAME.tsv): one run's log\n"
	"                       shows only those its Go scheduler happened to make\n"
	"      --allow-dangerous  add calls from Docker's blocked list too\n"
	"      --include-denied   add calls the filter denied (KILL, TRAP, ERRNO records) too\n"
	"  -h, --help           this help\n\n"
	"Reading the kernel log needs root when kernel.dmesg_restrict=1.\n"
	"Exit status: 0 written; 1 written, but records were lost (the profile may lack\n"
	"calls), or the write failed; 2 bad input, an unreadable log, or a text log\n"
	"without --trust-text-log.\n";

/* "?" for a missing string; the rest escaped (comm and exe are the process's
 * choice, and so is a path). The caller frees. */
static char *esc(const char *s)
{
	return sk_escape(s ? s : "?");
}

struct proc {
	int64_t pid, uid;
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
			v[n++] = (struct proc){r->pid, r->uid, r->comm, r->exe, 0};
		v[j].count++;
	}
	size_t shown = n > 20 ? 20 : n;
	for (size_t i = 0; i < shown; i++) {
		char *comm = esc(v[i].comm), *exe = esc(v[i].exe), uid[24] = "?";
		if (v[i].uid >= 0)
			snprintf(uid, sizeof uid, "%" PRId64, v[i].uid);
		fprintf(stderr, "  pid %-7" PRId64 " uid %-6s %-16s %-30s %zu record(s)\n", v[i].pid,
			uid, comm ? comm : "?", exe ? exe : "?", v[i].count);
		free(comm);
		free(exe);
	}
	if (n > shown)
		fprintf(stderr, "  ... and %zu more process(es)\n", n - shown);
	free(v);
}

/* What the runtime table says of NAME: made with noNewPrivileges true, or only
 * with it false; NULL when NAME is not the runtime's call. */
static const char *runtime_note(const char *runtime, const char *name)
{
	const struct sk_runtime_call *calls;
	int n = runtime ? sk_runtime_calls(runtime, &calls) : -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(calls[i].name, name))
			return calls[i].nnp ? "the runtime's, after it loads the filter"
					    : "the runtime's, with noNewPrivileges false";
	return NULL; /* not the runtime's call */
}

/* The first arch E's name came from: one line per name. */
static bool first_of_name(const struct sk_learn_result *res, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (res->v[j].added && res->v[j].name && !strcmp(res->v[j].name, res->v[i].name))
			return false;
	return true;
}

/* Whether BASE has NAME in a rule that decides as RL does: then RL's NAME
 * is not new. */
static bool base_decides_alike(const struct sk_profile *base, const char *name,
			       const struct sk_rule *rl)
{
	for (size_t i = 0; base && i < base->n_rules; i++)
		if (sk_rule_names(&base->rules[i], name) &&
		    sk_rule_decides_alike(&base->rules[i], rl))
			return true;
	return false;
}

/* One "+ name action # why" line for NAME of rule RL, which --runtime or
 * the generators' last step (sk_profile_finish_generated) added. */
static void print_added_rule_name(const struct sk_rule *rl, const char *name, const char *runtime)
{
	const char *note = runtime_note(runtime, name);
	if (rl->action == SK_ACT_ALLOW && !rl->n_args && note) {
		fprintf(stderr, "+ %-24s SCMP_ACT_ALLOW   # %s\n", name, note);
		return;
	}
	char act[64];
	if (rl->action == SK_ACT_ERRNO)
		snprintf(act, sizeof act, "SCMP_ACT_ERRNO(%u)", rl->has_errno_ret ? rl->errno_ret : 1u);
	else
		snprintf(act, sizeof act, "%s", sk_action_name(rl->action));
	const struct sk_fallback *f = sk_fallback_find(name);
	if (f && rl->action == SK_ACT_ERRNO)
		fprintf(stderr, "+ %-24s %-16s # callers fall back to %s\n", name, act, f->fallback);
	else if (rl->n_args)
		fprintf(stderr, "+ %-24s %-16s # when %zu argument condition(s) hold\n", name, act,
			rl->n_args);
	else
		fprintf(stderr, "+ %-24s %s\n", name, act);
}

static void print_diff(const struct sk_profile *base_profile, const char *base, const char *out,
		       const struct sk_learn_result *res, const char *runtime)
{
	const struct sk_profile *p = res->profile;
	char *b = esc(base ? base : "(empty allow-list)"), *o = esc(out);
	if (!res->added && !res->n_new_arches && res->runtime_from == p->n_rules) {
		fprintf(stderr, "nothing to add: %s already allows every logged call\n",
			base ? b : "the base profile");
		free(b);
		free(o);
		return;
	}
	fprintf(stderr, "--- %s\n+++ %s\n", b, o);
	free(b);
	free(o);
	for (size_t i = 0; i < res->n_new_arches; i++)
		fprintf(stderr, "+ architecture %s\n", sk_arch_info(res->new_arches[i])->oci_name);
	for (size_t i = 0; i < res->n; i++) {
		const struct sk_learned *e = &res->v[i];
		if (!e->added || e->already || !first_of_name(res, i))
			continue;
		char *comm = esc(e->comm);
		fprintf(stderr, "+ %-24s SCMP_ACT_ALLOW   # %s, %zu record(s), %s, was %s\n", e->name,
			sk_arch_info(e->arch)->short_name, e->count, comm ? comm : "?",
			sk_action_name(e->action));
		free(comm);
	}
	/* after the learned calls: the runtime's rules, then what every generator
	 * adds last (ERRNO(38) for calls whose callers fall back on ENOSYS, clone
	 * without namespace flags). That last step may put names into a rule the
	 * base already had (its own ERRNO(38) rule): those are new too, so rules
	 * before the runtime's are looked at, every name the base did not
	 * decide alike printed. Plain ALLOW names there are the learned ones. */
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *rl = &p->rules[i];
		bool appended = i >= res->runtime_from;
		if (!appended && rl->action == SK_ACT_ALLOW && !rl->n_args)
			continue;
		for (size_t j = 0; j < rl->n_names; j++)
			if (appended || !base_decides_alike(base_profile, rl->names[j], rl))
				print_added_rule_name(rl, rl->names[j], runtime);
	}
}

/* "SCMP_ACT_KILL_PROCESS", or the code when no action has it. */
static const char *action_of(const struct sk_learned *e, char *buf, size_t size)
{
	if (e->action != SK_ACT_INVALID)
		return sk_action_name(e->action);
	snprintf(buf, size, "code %#x", e->code);
	return buf;
}

static void print_one_skipped(const struct sk_learned *e, const struct sk_learn_opts *o)
{
	const struct sk_arch_info *ai = sk_arch_info(e->arch);
	char *comm = esc(e->comm), act[32];
	const char *c = comm ? comm : "?";
	if (!e->name)
		fprintf(stderr, "? syscall %" PRId64 " on %s: no table knows it; not added\n", e->nr,
			ai ? ai->short_name : "an unknown architecture");
	else if (e->not_logged)
		fprintf(stderr, "- %-24s NOT added (%s, %zu record(s), %s, was %s): %s\n", e->name,
			ai->short_name, e->count, c, action_of(e, act, sizeof act),
			e->denied ? "the filter denied it, it was not logged; --include-denied "
				    "adds denied calls"
				  : "not a logged call (a tracer's or listener's, or an unknown "
				    "action); only logged calls are learned");
	else if (e->danger && !o->allow_dangerous)
		fprintf(stderr,
			"! %-24s NOT added (%s, %zu record(s), %s): on Docker's blocked list — "
			"%s; add it with --allow-dangerous if the program really needs it\n",
			e->name, ai->short_name, e->count, c, e->danger);
	else if (e->base_blocks != SK_ACT_INVALID)
		fprintf(stderr,
			"! %-24s NOT added (%s, %zu record(s), %s): the base profile denies it in "
			"a rule of its own (%s); an ALLOW beside that rule would contradict it\n",
			e->name, ai->short_name, e->count, c, sk_action_name(e->base_blocks));
	else if (e->already)
		fprintf(stderr, "= %-24s already allowed by the base (%zu record(s))\n", e->name,
			e->count);
	free(comm);
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

static void print_summary(const struct sk_learn_result *res)
{
	const struct sk_audit_log *log = &res->log;
	char *src = esc(res->source);
	fprintf(stderr, "scmpkit learn: %zu seccomp record(s) in %s (%zu line(s))", log->seccomp,
		src ? src : "?", log->lines);
	free(src);
	if (log->filtered_out)
		fprintf(stderr, ", %zu kept after --since/--comm/--exe/--pid/--uid", log->n);
	fputs(log->n ? ", from:\n" : "\n", stderr);
	print_processes(log);
}

struct learn_args {
	struct sk_learn_opts o;
	const char *base, *out;
	int format;
};

static int parse_uid(const char *arg, int64_t *uid)
{
	char *e;
	long long v = strtoll(arg, &e, 10);
	if (*arg && !*e && v >= 0) {
		*uid = v;
		return 0;
	}
	struct passwd *pw = getpwnam(arg);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

/* -1 to go on, or the exit code (help printed, bad usage). */
static int parse_args(int argc, char **argv, struct learn_args *a)
{
	enum { OPT_ALLOW_DANGEROUS = 256, OPT_INCLUDE_DENIED, OPT_TRUST_TEXT, OPT_EXE_NAME };
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'F'},
		{"since", required_argument, NULL, 's'},
		{"comm", required_argument, NULL, 'c'},
		{"exe", required_argument, NULL, 'e'},
		{"exe-name", required_argument, NULL, OPT_EXE_NAME},
		{"pid", required_argument, NULL, 'P'},
		{"uid", required_argument, NULL, 'u'},
		{"base", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"runtime", required_argument, NULL, 'r'},
		{"allow-dangerous", no_argument, NULL, OPT_ALLOW_DANGEROUS},
		{"include-denied", no_argument, NULL, OPT_INCLUDE_DENIED},
		{"trust-text-log", no_argument, NULL, OPT_TRUST_TEXT},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sk_audit_filter *f = &a->o.filter;
	int c, selectors = 0;
	char *e;
	optind = 1;
	while ((c = getopt_long(argc, argv, "F:s:c:e:P:u:p:o:f:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			a->o.from = optarg;
			break;
		case 's':
			if (sk_audit_time_parse_ms(optarg, (int64_t)time(NULL), &f->since, &f->since_ms) < 0)
				return cli_usage("learn", "cannot read the time '%s' (@EPOCH[.FRACTION], "
						 "'YYYY-MM-DD HH:MM[:SS]', -30s, -10m, -2h, -1d)", optarg);
			f->has_since = true;
			break;
		case 'c':
			f->comm = optarg;
			selectors++;
			break;
		case 'e':
			f->exe = optarg;
			selectors++;
			break;
		case OPT_EXE_NAME:
			f->exe_name = optarg;
			selectors++;
			break;
		case 'P':
			f->pid = strtoll(optarg, &e, 10);
			if (*e || f->pid <= 0)
				return cli_usage("learn", "--pid wants a process id, not '%s'", optarg);
			selectors++;
			break;
		case 'u':
			if (parse_uid(optarg, &f->uid) < 0)
				return cli_usage("learn", "--uid wants a user id or name, not '%s'", optarg);
			break;
		case 'p':
			a->base = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'f':
			if ((a->format = cli_output_format("learn", "--format", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'r':
			if (!(a->o.runtime = cli_runtime("learn", optarg)))
				return EXIT_USAGE;
			break;
		case OPT_ALLOW_DANGEROUS:
			a->o.allow_dangerous = true;
			break;
		case OPT_INCLUDE_DENIED:
			a->o.include_denied = true;
			break;
		case OPT_TRUST_TEXT:
			f->trust_text_log = true;
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
	if (!a->out)
		return cli_usage("learn", "-o OUT is required");
	if (selectors > 1)
		return cli_usage("learn", "use one of --comm, --exe, --exe-name, --pid (and --uid "
					  "with any)");
	return -1;
}

int cmd_learn(int argc, char **argv)
{
	struct learn_args a = {.format = -1};
	sk_learn_opts_init(&a.o);
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;

	struct sk_diags d = {0};
	struct sk_profile *base = NULL;
	if (a.base && !(base = sk_profile_load(a.base, &d))) {
		cli_print_diags(&d);
		sk_diags_free(&d);
		return EXIT_USAGE;
	}
	struct sk_learn_result res;
	char *text = NULL;
	rc = EXIT_USAGE;
	if (sk_learn_run(base, &a.o, &res, &d) == 0) {
		print_summary(&res);
		if (a.format < 0)
			a.format = base && base->format != SK_FORMAT_RUNC_CONFIG ? (int)base->format
										: SK_FORMAT_OCI;
		text = sk_profile_emit(res.profile, (enum sk_format)a.format, &d);
	}
	cli_print_diags(&d);
	print_fixes(&d);
	if (text) {
		print_diff(base, a.base, a.out, &res, a.o.runtime);
		for (size_t i = 0; i < res.n; i++)
			print_one_skipped(&res.v[i], &a.o);
		rc = cli_write_output(a.out, text);
		if (rc == EXIT_OK && res.lost) {
			fprintf(stderr, "scmpkit learn: %" PRIu64 " audit record(s) were lost: the "
					"profile is written, but it may lack calls; learn again from a "
					"run without loss (what to do: above)\n", res.lost);
			rc = EXIT_FINDINGS;
		}
	}
	free(text);
	sk_learn_result_free(&res);
	sk_profile_free(base);
	sk_diags_free(&d);
	return rc;
}
