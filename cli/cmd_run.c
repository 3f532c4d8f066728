/* scmpkit run: enforce a profile on a command (no_new_privs, seccomp, exec). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/apply.h>
#include <scmpkit/audit.h>
#include <scmpkit/bpf.h>
#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit run -p PROFILE [OPTIONS] -- CMD [ARGS...]\n\n"
	"Compile PROFILE, set no_new_privs, install the filter (with the profile's flags)\n"
	"and exec CMD. The exit status of CMD passes through, and so does its death by a\n"
	"signal (scmpkit dies of the same signal: a shell reports 143 for SIGTERM, 159\n"
	"for a call the profile kills). When the filter cannot be built or installed,\n"
	"CMD is not run (exit 125).\n\n"
	"With --report-denials, --fail-on-denial or SCMP_ACT_NOTIFY rules in the profile,\n"
	"scmpkit supervises: it forks, answers the notifications of CMD and relays\n"
	"SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it (not the ones the\n"
	"terminal sent to the whole process group: CMD has those already). After CMD\n"
	"exits it keeps answering the processes CMD left running until the last has\n"
	"exited; one of those signals ends that wait (they then get ENOSYS for notified\n"
	"calls). If scmpkit itself is killed, CMD is killed (SIGKILL).\n\n"
	"Options:\n"
	"  -p, --profile PROFILE   OCI, Docker or SeccompProfile profile (JSON or YAML)\n"
	"  -a, --audit             audit mode on the fly (scmpkit audit-profile): allow what\n"
	"                          the profile allows, block Docker's dangerous calls, log the rest\n"
	"      --no-new-privs=yes|no  set no_new_privs first (default yes, practice P1); 'no'\n"
	"                          needs CAP_SYS_ADMIN to install a filter\n"
	"      --report-denials    at exit, list every call the profile denied or logged: name,\n"
	"                          arch, pid, executable, count, action. CMD sees the same\n"
	"                          results. Refused (exit 2) when the filter is split into\n"
	"                          stacked programs of which several deny or log\n"
	"      --fail-on-denial    like --report-denials, and exit 1 when there was any\n"
	"      --notify=continue|errno:N  answer for the profile's own SCMP_ACT_NOTIFY rules\n"
	"                          (scmpkit is their listener; default continue)\n"
	"      --no-enosys         leave out runc's ENOSYS rule for calls newer than the profile\n"
	"  -q, --quiet             no warnings from the compiler\n"
	"  -h, --help              this help\n\n"
	"Exit status: CMD's; 125 the filter was not installed (CMD did not run);\n"
	"126/127 CMD could not be executed / was not found; 1 with --fail-on-denial after a\n"
	"denial; 2 bad usage or an invalid profile.\n";

enum { EXIT_NOT_RUN = 125, EXIT_CANNOT_EXEC = 126, EXIT_NOT_FOUND = 127 };

/* Die the way the command died, so that a shell reports the same thing. */
static int pass_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (!WIFSIGNALED(status))
		return EXIT_FINDINGS;
	int sig = WTERMSIG(status);
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core); /* the command's core (if any) is dumped already */
	signal(sig, SIG_DFL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	fflush(NULL);
	raise(sig);
	return 128 + sig;
}

static void on_event(const struct sk_notify_event *ev, void *ctx)
{
	(void)ctx;
	if (!ev->notify_rule)
		return; /* denials and logs are summed up at exit */
	const struct sk_arch_info *ai = sk_arch_info(ev->arch);
	fprintf(stderr, "scmpkit run: notify: pid %d %s: %s", (int)ev->pid,
		ev->exe[0] ? ev->exe : "?", ev->name ? ev->name : "?");
	if (!ev->name)
		fprintf(stderr, "(%" PRId64 ")", ev->nr);
	fprintf(stderr, " [%s] (0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ") -> ",
		ai ? ai->short_name : "?", ev->args[0], ev->args[1], ev->args[2]);
	if (ev->answered_continue)
		fprintf(stderr, "continue\n");
	else
		fprintf(stderr, "errno %d (%s)\n", ev->answered_errno,
			sk_errno_name(ev->answered_errno) ? sk_errno_name(ev->answered_errno) : "?");
}

static void print_report(const struct sk_supervised *s)
{
	size_t denials = 0;
	for (size_t i = 0; i < s->n; i++)
		denials += !s->v[i].notify_rule;
	if (!denials) {
		fprintf(stderr, "scmpkit run: the profile denied or logged no call\n");
		return;
	}
	fprintf(stderr, "scmpkit run: calls the profile denied or logged:\n");
	fprintf(stderr, "  %-20s %-8s %-8s %-30s %6s  %s\n", "SYSCALL", "ARCH", "PID", "EXE",
		"COUNT", "ACTION");
	for (size_t i = 0; i < s->n; i++) {
		const struct sk_denial *d = &s->v[i];
		if (d->notify_rule)
			continue;
		char name[32], ret[48];
		const struct sk_arch_info *ai = sk_arch_info(d->arch);
		if (d->name)
			snprintf(name, sizeof name, "%s", d->name);
		else
			snprintf(name, sizeof name, "#%" PRId64, d->nr);
		fprintf(stderr, "  %-20s %-8s %-8d %-30s %6zu  %s\n", name,
			ai ? ai->short_name : "?", (int)d->pid, d->exe[0] ? d->exe : "?", d->count,
			sk_ret_format(d->decided, ret, sizeof ret));
	}
}

static int parse_notify(const char *s, struct sk_notify_answer *a)
{
	if (!strcmp(s, "continue")) {
		a->cont = true;
		return 0;
	}
	if (strncmp(s, "errno:", 6))
		return -1;
	a->cont = false;
	char *e;
	long v = strtol(s + 6, &e, 10);
	if (s[6] && !*e && v >= 0 && v <= 4095) {
		a->err = (int)v;
		return 0;
	}
	int n = sk_errno_parse(s + 6);
	if (n < 0)
		return -1;
	a->err = n;
	return 0;
}

static void print_diags_min(const struct sk_diags *d, enum sk_severity min)
{
	struct sk_diags f = {0};
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity >= min)
			sk_diags_add(&f, d->v[i].severity, d->v[i].file, d->v[i].line, d->v[i].col,
				     d->v[i].rule, "%s", d->v[i].message);
	cli_print_diags(&f);
	sk_diags_free(&f);
}

static int not_run(struct sk_diags *d, const char *cmd)
{
	print_diags_min(d, SK_SEV_WARNING);
	fprintf(stderr, "scmpkit run: error: the filter was not installed; '%s' was not run\n", cmd);
	return EXIT_NOT_RUN;
}

int cmd_run(int argc, char **argv)
{
	enum { OPT_NNP = 256, OPT_REPORT, OPT_FAIL, OPT_NOTIFY, OPT_NO_ENOSYS };
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"audit", no_argument, NULL, 'a'},
		{"no-new-privs", required_argument, NULL, OPT_NNP},
		{"report-denials", no_argument, NULL, OPT_REPORT},
		{"fail-on-denial", no_argument, NULL, OPT_FAIL},
		{"notify", required_argument, NULL, OPT_NOTIFY},
		{"no-enosys", no_argument, NULL, OPT_NO_ENOSYS},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *profile = NULL;
	bool audit = false, report = false, fail = false, no_enosys = false, quiet = false;
	struct sk_apply_opts ao;
	sk_apply_opts_init(&ao);
	struct sk_notify_answer answer = {.cont = true};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:aqh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'a':
			audit = true;
			break;
		case OPT_NNP:
			if (!strcmp(optarg, "yes") || !strcmp(optarg, "true"))
				ao.no_new_privs = true;
			else if (!strcmp(optarg, "no") || !strcmp(optarg, "false"))
				ao.no_new_privs = false;
			else
				return cli_usage("run", "--no-new-privs takes yes or no, not '%s'", optarg);
			break;
		case OPT_REPORT:
			report = true;
			break;
		case OPT_FAIL:
			report = fail = true;
			break;
		case OPT_NOTIFY:
			if (parse_notify(optarg, &answer) < 0)
				return cli_usage("run", "--notify takes continue or errno:N (a number "
						 "or a name such as EPERM), not '%s'", optarg);
			break;
		case OPT_NO_ENOSYS:
			no_enosys = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("run", "unknown option");
		}
	}
	if (!profile)
		return cli_usage("run", "-p PROFILE is required");
	if (optind >= argc)
		return cli_usage("run", "expected a command after the options (-- CMD ARGS...)");
	char **cmd = argv + optind;

	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(profile, &d);
	if (!p) {
		print_diags_min(&d, SK_SEV_WARNING);
		sk_diags_free(&d);
		return EXIT_USAGE;
	}
	if (audit) {
		struct sk_profile *a = sk_profile_audit_mode(p, &d);
		sk_profile_free(p);
		if (!(p = a)) {
			print_diags_min(&d, SK_SEV_WARNING);
			sk_diags_free(&d);
			return EXIT_USAGE;
		}
		sk_audit_check_run(&d); /* will the run's records reach a log? */
	}
	struct sk_compile_opts co;
	sk_compile_opts_init(&co);
	co.no_enosys = no_enosys;
	struct sk_filter_set set = {0}, installed = {0};
	int r = sk_compile(p, &co, &set, &d);
	if (r == 0 && report) {
		/* the same program with denials sent to us; SET keeps deciding them */
		r = sk_compile(p, &co, &installed, &d);
		if (r == 0) {
			struct sk_diags nd = {0};
			if (sk_filter_set_notify_denials(&installed, &nd) < 0) {
				sk_diags_free(&nd);
				print_diags_min(&d, SK_SEV_WARNING);
				fprintf(stderr,
					"scmpkit run: error: --report-denials cannot watch this profile: "
					"it compiles to %zu stacked filters (one would pass the kernel's "
					"%d instructions) and several of them deny or log, but the kernel "
					"hands notifications to one filter only; '%s' was not run\n"
					"scmpkit run: run it without --report-denials, or find its denials "
					"in the kernel log: 'scmpkit run --audit', then 'scmpkit learn'\n",
					installed.n, SK_BPF_MAXINSNS, cmd[0]);
				sk_filter_set_free(&set);
				sk_filter_set_free(&installed);
				sk_profile_free(p);
				sk_diags_free(&d);
				return EXIT_USAGE;
			}
			sk_diags_free(&nd);
		}
	}
	if (r < 0) {
		int rc = not_run(&d, cmd[0]);
		sk_filter_set_free(&set);
		sk_filter_set_free(&installed);
		sk_profile_free(p);
		sk_diags_free(&d);
		return rc;
	}
	print_diags_min(&d, quiet ? SK_SEV_ERROR : SK_SEV_WARNING);
	sk_diags_free(&d);
	/* NOTIFY rules need a listener; -EINVAL (several notifying programs) is
	 * refused by sk_apply_supervise with its reason */
	bool supervise = report || sk_filter_set_notify_prog(&set) != -1;

	if (!supervise) {
		r = sk_apply_exec(&set, &ao, cmd, &d);
		if (r < 0)
			return not_run(&d, cmd[0]);
		/* the filter is in place: this message may itself be denied */
		fprintf(stderr, "scmpkit run: cannot execute '%s': %s\n", cmd[0], strerror(r));
		return r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	}

	/* `kill scmpkit` must stop the command, as it would without a supervisor;
	 * the library skips what the terminal sent the whole group (^C, ^\) */
	sigset_t forward;
	sigemptyset(&forward);
	static const int relayed[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	for (size_t i = 0; i < sizeof relayed / sizeof relayed[0]; i++)
		sigaddset(&forward, relayed[i]);
	ao.forward = &forward;
	ao.wait_leftovers = true;
	struct sk_supervised s;
	r = sk_apply_supervise(report ? &installed : &set, &set, &ao, &answer, cmd, on_event, NULL,
			       &s, &d);
	int rc;
	if (r < 0) {
		rc = not_run(&d, cmd[0]);
	} else {
		print_diags_min(&d, SK_SEV_WARNING);
		if (s.exec_errno)
			fprintf(stderr, "scmpkit run: cannot execute '%s': %s\n", cmd[0],
				strerror(s.exec_errno));
		if (s.abandoned_by)
			fprintf(stderr, "scmpkit run: %s: stopped answering the processes '%s' "
					"left running; their notified calls now fail with ENOSYS\n",
				strsignal(s.abandoned_by), cmd[0]);
		if (report && s.leftovers)
			fprintf(stderr, "scmpkit run: answered %zu process(es) '%s' left running, "
					"until they exited\n", s.leftovers, cmd[0]);
		if (report)
			print_report(&s);
		size_t denials = 0;
		for (size_t i = 0; i < s.n; i++)
			denials += !s.v[i].notify_rule;
		if (fail && denials) {
			fprintf(stderr, "scmpkit run: %zu distinct denied or logged call(s): exit 1 "
					"(--fail-on-denial)\n", denials);
			rc = EXIT_FINDINGS;
		} else {
			rc = -1;
		}
	}
	int status = s.status;
	bool ran = r >= 0;
	sk_supervised_free(&s);
	sk_filter_set_free(&set);
	sk_filter_set_free(&installed);
	sk_profile_free(p);
	sk_diags_free(&d);
	if (ran && rc < 0)
		return pass_status(status);
	return rc;
}
