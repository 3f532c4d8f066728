/* scmpkit record: run a command (or an OCI bundle under runc) and write an
 * allow-list profile of every syscall it and its descendants made. The
 * command's exit status and death by signal pass through. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <scmpkit/profile.h>
#include <scmpkit/profile_ops.h>
#include <scmpkit/trace.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit record [OPTIONS] -- CMD [ARGS...]\n"
	"       scmpkit record [OPTIONS] --bundle DIR\n\n"
	"Run CMD (with its environment, stdin, stdout and stderr) and write an\n"
	"allow-list seccomp profile of every syscall CMD and all its threads and\n"
	"descendants made, per architecture (i386 processes under SCMP_ARCH_X86).\n"
	"Uses ptrace and a SECCOMP_RET_TRACE filter: no privileges needed. The\n"
	"profile also allows the P7 essentials and the vDSO calls, each rule with a\n"
	"comment saying why. scmpkit exits with CMD's status (or dies of its signal).\n\n"
	"Options:\n"
	"  -o, --output FILE     write the profile to FILE (default: stdout)\n"
	"  -f, --format FMT      oci, docker (default; keeps the comments) or spo\n"
	"  -d, --default ACT     default action: errno (EPERM, default), log or kill\n"
	"  -a, --append FILE     merge the recording into the profile in FILE and write\n"
	"                        the union (to FILE unless -o says otherwise)\n"
	"      --args            record clone flags, socket families, personality,\n"
	"                        prctl/arch_prctl options and ioctl requests, and emit\n"
	"                        argument rules for them\n"
	"  -r, --runtime NAME    add the calls runtime NAME (runc) makes itself after\n"
	"                        loading the filter (measured; data/runtime/NAME.tsv)\n"
	"  -b, --bundle DIR      run the OCI bundle DIR under runc with scmpkit as its\n"
	"                        seccomp agent (root): records what the container calls\n"
	"      --no-essentials   do not add the P7 essentials and vDSO calls\n"
	"  -q, --quiet           no progress line on a terminal\n"
	"  -h, --help            this help\n\n"
	"Exit status: CMD's (128+N or death by signal N when it was killed);\n"
	"2 bad usage or input; 127/126 when CMD cannot be found/run.\n";

struct progress {
	bool on;
	struct timespec last;
	size_t shown;
};

/* Called for each new distinct syscall; redraws at most 10 times a second. */
static void show_progress(void *ctx, size_t distinct)
{
	struct progress *p = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (ms < 100)
		return;
	p->last = now;
	p->shown = distinct;
	fprintf(stderr, "\rscmpkit record: %zu distinct syscalls\033[K", distinct);
}

static int parse_default(const char *s, enum sk_action *a)
{
	static const struct {
		const char *name;
		enum sk_action act;
	} t[] = {{"errno", SK_ACT_ERRNO}, {"log", SK_ACT_LOG}, {"kill", SK_ACT_KILL_PROCESS}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(s, t[i].name)) {
			*a = t[i].act;
			return 0;
		}
	return -1;
}

/* "ls -l /tmp" for the recorded rule's comment (truncated). */
static void describe(char *buf, size_t len, char *const *argv, const char *bundle)
{
	if (bundle) {
		snprintf(buf, len, "OCI bundle %s under runc", bundle);
		return;
	}
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; argv[i] && n + 1 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", argv[i]);
}

/* Die the way the command died, after the profile is safely written. */
static int pass_status(const struct sk_trace_exit *e)
{
	if (!e->known)
		return EXIT_FINDINGS;
	if (!e->signaled)
		return e->code;
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core); /* the command dumped core, not us */
	signal(e->sig, SIG_DFL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, e->sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(e->sig);
	return 128 + e->sig; /* a signal that does not kill (SIGCHLD...) */
}

int cmd_record(int argc, char **argv)
{
	enum { OPT_ARGS = 256, OPT_NO_ESSENTIALS };
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"default", required_argument, NULL, 'd'},
		{"append", required_argument, NULL, 'a'},
		{"args", no_argument, NULL, OPT_ARGS},
		{"runtime", required_argument, NULL, 'r'},
		{"bundle", required_argument, NULL, 'b'},
		{"no-essentials", no_argument, NULL, OPT_NO_ESSENTIALS},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL, *append = NULL, *runtime = NULL, *bundle = NULL;
	enum sk_format format = SK_FORMAT_DOCKER;
	struct sk_trace_profile_opts po = {.default_action = SK_ACT_ERRNO, .essentials = true};
	bool args = false, quiet = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:f:d:a:r:b:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f': {
			int f = cli_output_format("record", "--format", optarg);
			if (f < 0)
				return EXIT_USAGE;
			format = (enum sk_format)f;
			break;
		}
		case 'd':
			if (parse_default(optarg, &po.default_action) < 0)
				return cli_usage("record", "--default must be errno, log or kill, not '%s'",
						 optarg);
			break;
		case 'a':
			append = optarg;
			break;
		case OPT_ARGS:
			args = true;
			break;
		case 'r':
			runtime = optarg;
			break;
		case 'b':
			bundle = optarg;
			break;
		case OPT_NO_ESSENTIALS:
			po.essentials = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("record", "unknown option");
		}
	}
	if (runtime && !cli_runtime("record", runtime))
		return EXIT_USAGE;
	if (bundle && optind < argc)
		return cli_usage("record", "give either --bundle DIR or a command, not both");
	if (!bundle && optind >= argc)
		return cli_usage("record", "expected a command: scmpkit record [OPTIONS] -- CMD [ARGS...]");

	struct sk_diags d = {0};
	struct sk_profile *base = NULL;
	if (append) {
		base = sk_profile_load(append, &d);
		cli_print_diags(&d);
		sk_diags_free(&d);
		if (!base)
			return EXIT_USAGE;
		if (!out)
			out = append;
	}

	struct progress prog = {.on = !quiet && isatty(STDERR_FILENO)};
	struct sk_record_opts ro = {
		.argv = bundle ? NULL : argv + optind,
		.bundle = bundle,
		.runtime = "runc",
		.args = args,
		.progress = prog.on ? show_progress : NULL,
		.progress_ctx = &prog,
	};
	struct sk_recorder *rec =
		sk_recorder_new(bundle ? SK_RECORDER_RUNC_AGENT : SK_RECORDER_PTRACE, &ro);
	if (!rec) {
		cli_error("out of memory");
		sk_profile_free(base);
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	struct sk_profile *p = NULL;
	/* Like a shell running a foreground job: ^C and ^\ go to the command
	 * (same process group); scmpkit stays to write the profile. */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	int r = sk_recorder_start(rec, &d);
	if (r == 0) {
		sigaction(SIGINT, &ign, &old_int);
		sigaction(SIGQUIT, &ign, &old_quit);
		r = sk_recorder_run(rec, &d);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
	}
	if (prog.on)
		fprintf(stderr, "\r\033[K");
	const struct sk_trace_result *res = sk_recorder_result(rec);
	if (r < 0) {
		cli_print_diags(&d);
		rc = r == -ENOENT ? 127 : r == -EACCES || r == -ENOEXEC ? 126 : EXIT_USAGE;
		goto done;
	}
	char what[256];
	describe(what, sizeof what, argv + optind, bundle);
	po.what = what;
	po.runtime = runtime;
	p = sk_trace_to_profile(res, &po, &d);
	if (p && base) {
		const struct sk_profile *both[] = {base, p};
		struct sk_profile *m = sk_profile_merge(both, 2, &d);
		sk_profile_free(p);
		p = m;
	}
	char *text = p ? sk_profile_emit(p, format, &d) : NULL;
	cli_print_diags(&d);
	if (!text) {
		rc = EXIT_USAGE;
		goto done;
	}
	if (cli_write_output(out, text)) {
		free(text);
		rc = EXIT_USAGE;
		goto done;
	}
	free(text);
	if (prog.on)
		fprintf(stderr, "scmpkit record: %zu distinct syscalls%s%s\n", res->distinct,
			out ? " -> " : "", out ? out : "");
	sk_diags_free(&d);
	sk_profile_free(p);
	sk_profile_free(base);
	r = pass_status(&res->exit);
	sk_recorder_free(rec);
	return r;
done:
	sk_diags_free(&d);
	sk_profile_free(p);
	sk_profile_free(base);
	sk_recorder_free(rec);
	return rc;
}
