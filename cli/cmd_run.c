/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit run: enforce a profile on a command (sk_run: no_new_privs, seccomp,
 * exec or supervise); this file parses options and prints what happened. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/apply.h>
#include <scmpkit/audit.h>
#include <scmpkit/bpf.h>
#include <scmpkit/escape.h>
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
	"A profile that kills execve or denies what a failed exec needs (writing why,\n"
	"exit_group and exit) gets a supervisor too, so that the failure is told.\n\n"
	"Exit status: CMD's; 125 the filter was not installed (CMD did not run);\n"
	"126/127 CMD could not be executed (or died at its exec) / was not found;\n"
	"1 with --fail-on-denial after a denial; 2 bad usage or an invalid profile.\n";

enum { EXIT_NOT_RUN = 125, EXIT_CANNOT_EXEC = 126, EXIT_NOT_FOUND = 127 };

/* The executable of a process: it named itself, so it is escaped. */
static char *exe_shown(const char *exe)
{
	return sk_escape(exe && exe[0] ? exe : "?");
}

static void on_event(const struct sk_notify_event *ev, void *ctx)
{
	(void)ctx;
	if (!ev->notify_rule)
		return; /* denials and logs are summed up at exit */
	const struct sk_arch_info *ai = sk_arch_info(ev->arch);
	char *exe = exe_shown(ev->exe);
	fprintf(stderr, "scmpkit run: notify: pid %d %s: %s", (int)ev->pid, exe ? exe : "?",
		ev->name ? ev->name : "?");
	free(exe);
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

static size_t count_denials(const struct sk_supervised *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += !s->v[i].notify_rule && !s->v[i].fallback;
	return n;
}

/* Calls answered ENOSYS on purpose (clone3 -> clone): one line, not denials. */
static void print_fallbacks(const struct sk_supervised *s)
{
	bool any = false;
	for (size_t i = 0; i < s->n; i++) {
		const struct sk_denial *d = &s->v[i];
		if (!d->fallback || d->notify_rule)
			continue;
		bool seen = false; /* one mention per name */
		for (size_t j = 0; j < i && !seen; j++)
			seen = s->v[j].fallback && !strcmp(s->v[j].name, d->name);
		if (seen)
			continue;
		fprintf(stderr, "%s%s", any ? ", " : "scmpkit run: answered ENOSYS as the profile says, "
						     "so that the caller falls back: ", d->name);
		any = true;
	}
	if (any)
		fputc('\n', stderr);
}

static void print_report(const struct sk_supervised *s)
{
	print_fallbacks(s);
	if (!count_denials(s)) {
		fprintf(stderr, "scmpkit run: the profile denied or logged no call\n");
		return;
	}
	fprintf(stderr, "scmpkit run: calls the profile denied or logged:\n");
	fprintf(stderr, "  %-20s %-8s %-8s %-30s %6s  %s\n", "SYSCALL", "ARCH", "PID", "EXE",
		"COUNT", "ACTION");
	for (size_t i = 0; i < s->n; i++) {
		const struct sk_denial *d = &s->v[i];
		if (d->notify_rule || d->fallback)
			continue;
		char name[32], ret[48];
		const struct sk_arch_info *ai = sk_arch_info(d->arch);
		if (d->name)
			snprintf(name, sizeof name, "%s", d->name);
		else
			snprintf(name, sizeof name, "#%" PRId64, d->nr);
		char *exe = exe_shown(d->exe);
		fprintf(stderr, "  %-20s %-8s %-8d %-30s %6zu  %s\n", name,
			ai ? ai->short_name : "?", (int)d->pid, exe ? exe : "?", d->count,
			sk_ret_format(d->decided, ret, sizeof ret));
		free(exe);
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

struct run_args {
	const char *profile;
	bool audit, fail, quiet;
	struct sk_run_opts ro;
	char **cmd;
};

/* Options into A; -1 to go on, or the exit code (help, bad usage). */
static int parse_args(int argc, char **argv, struct run_args *a)
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
	sk_run_opts_init(&a->ro);
	a->ro.cb = on_event;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:aqh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->profile = optarg;
			break;
		case 'a':
			a->audit = true;
			break;
		case OPT_NNP:
			if (!strcmp(optarg, "yes") || !strcmp(optarg, "true"))
				a->ro.apply.no_new_privs = true;
			else if (!strcmp(optarg, "no") || !strcmp(optarg, "false"))
				a->ro.apply.no_new_privs = false;
			else
				return cli_usage("run", "--no-new-privs takes yes or no, not '%s'", optarg);
			break;
		case OPT_FAIL:
			a->fail = true;
			/* fall through */
		case OPT_REPORT:
			a->ro.report_denials = true;
			break;
		case OPT_NOTIFY:
			if (parse_notify(optarg, &a->ro.answer) < 0)
				return cli_usage("run", "--notify takes continue or errno:N (a number "
						 "or a name such as EPERM), not '%s'", optarg);
			break;
		case OPT_NO_ENOSYS:
			a->ro.compile.no_enosys = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("run", "unknown option");
		}
	}
	if (!a->profile)
		return cli_usage("run", "-p PROFILE is required");
	if (optind >= argc)
		return cli_usage("run", "expected a command after the options (-- CMD ARGS...)");
	a->cmd = argv + optind;
	return -1;
}

/* PROFILE, in audit mode if asked; NULL after printing why. */
static struct sk_profile *load(const struct run_args *a, struct sk_diags *d)
{
	struct sk_profile *p = sk_profile_load(a->profile, d);
	if (p && a->audit) {
		struct sk_profile *audited = sk_profile_audit_mode(p, d);
		sk_profile_free(p);
		p = audited;
		if (p)
			sk_audit_check_run(d); /* will the run's records reach a log? */
	}
	if (!p)
		cli_print_diags_min(d, SK_SEV_WARNING);
	return p;
}

/* A run that did not start: why, and the exit code. */
static int not_run(const char *cmd, int r, const struct sk_diags *d)
{
	cli_print_diags_min(d, SK_SEV_WARNING);
	if (r == -ENOTSUP) {
		fprintf(stderr, "scmpkit run: '%s' was not run; run it without --report-denials, "
				"or find its denials in the kernel log: 'scmpkit run --audit', then "
				"'scmpkit learn'\n", cmd);
		return EXIT_USAGE;
	}
	fprintf(stderr, "scmpkit run: error: the filter was not installed; '%s' was not run\n",
		cmd);
	return EXIT_NOT_RUN;
}

/* "SIGSEGV" */
static const char *signal_name(int sig, char buf[32])
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, 32, "SIG%s", abbrev);
	else
		snprintf(buf, 32, "signal %d", sig);
	return buf;
}

/* A command that never ran (its exec failed, or it died at it): what
 * happened and 126/127, or -1 when it exited on its own before the exec. */
static int not_executed(const struct run_args *a, const struct sk_supervised *s)
{
	const char *cmd = a->cmd[0];
	char sig[32];
	int rc = s->exec_errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	if (s->exec_errno && WIFEXITED(s->status)) {
		fprintf(stderr, "scmpkit run: cannot execute '%s': %s\n", cmd, strerror(s->exec_errno));
	} else if (s->exec_errno && WIFSIGNALED(s->status) && WTERMSIG(s->status) == SIGILL) {
		/* sk_apply_supervise's last resort when exit_group and exit fail */
		fprintf(stderr, "scmpkit run: cannot execute '%s': %s; the profile denies what a failed "
				"exec needs (writing why, exit_group, exit), so it could not exit "
				"either (ended with SIGILL); 'scmpkit lint %s' shows what it lacks\n",
			cmd, strerror(s->exec_errno), a->profile);
	} else if (s->exec_errno) {
		fprintf(stderr, "scmpkit run: cannot execute '%s': %s; then it died of %s\n", cmd,
			strerror(s->exec_errno),
			WIFSIGNALED(s->status) ? signal_name(WTERMSIG(s->status), sig) : "?");
	} else if (s->died_before_exec && WIFSIGNALED(s->status)) {
		fprintf(stderr, "scmpkit run: '%s' died of %s before its exec completed, so it never "
				"ran: the profile kills execve or a call before it; 'scmpkit lint %s' "
				"shows what it lacks\n", cmd, signal_name(WTERMSIG(s->status), sig),
			a->profile);
	} else {
		return -1;
	}
	return rc;
}

/* After a supervised run: what happened, and the exit code, or -1 to pass the
 * command's status through. */
static int supervised(const struct run_args *a, const struct sk_supervised *s,
		      const struct sk_diags *d)
{
	const char *cmd = a->cmd[0];
	cli_print_diags_min(d, SK_SEV_WARNING);
	int rc = s->exec_errno || s->died_before_exec ? not_executed(a, s) : -1;
	if (s->abandoned_by)
		fprintf(stderr, "scmpkit run: %s: stopped answering the processes '%s' left "
				"running; their notified calls now fail with ENOSYS\n",
			strsignal(s->abandoned_by), cmd);
	if (a->ro.report_denials && s->leftovers)
		fprintf(stderr, "scmpkit run: answered %zu process(es) '%s' left running, until "
				"they exited\n", s->leftovers, cmd);
	if (a->ro.report_denials)
		print_report(s);
	size_t denials = count_denials(s);
	if (rc < 0 && a->fail && denials) {
		fprintf(stderr, "scmpkit run: %zu distinct denied or logged call(s): exit 1 "
				"(--fail-on-denial)\n", denials);
		return EXIT_FINDINGS;
	}
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct sk_diags d = {0};
	struct sk_profile *p = load(&a, &d);
	if (!p) {
		sk_diags_free(&d);
		return EXIT_USAGE;
	}
	struct sk_run run;
	int r = sk_run_prepare(&run, p, &a.ro, &d);
	sk_profile_free(p);
	if (r < 0) {
		rc = not_run(a.cmd[0], r, &d);
		sk_diags_free(&d);
		return rc;
	}
	cli_print_diags_min(&d, a.quiet ? SK_SEV_ERROR : SK_SEV_WARNING);
	sk_diags_free(&d);
	struct sk_supervised s;
	r = sk_run_start(&run, a.cmd, &s, &d);
	sk_run_free(&run);
	if (r < 0) {
		rc = not_run(a.cmd[0], r, &d);
	} else if (r > 0) {
		/* the filter is in place, and sk_run_start checked that it lets this
		 * write and the exit through; nothing else is asked of it */
		fprintf(stderr, "scmpkit run: cannot execute '%s': %s\n", a.cmd[0], strerror(r));
		_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
	} else {
		rc = supervised(&a, &s, &d);
	}
	int status = s.status;
	sk_supervised_free(&s);
	sk_diags_free(&d);
	return rc == -1 ? cli_pass_status(status) : rc;
}
