/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit record: run a command (or an OCI bundle under runc), or watch what
 * already runs, and write an allow-list profile of every syscall it made.
 * Options, one library call (sk_record_run), printing, the exit code: the
 * command's status passes through; signals sent to scmpkit go to the library's
 * relay (sk_recorder_signal). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <scmpkit/escape.h>
#include <scmpkit/trace.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit record [OPTIONS] -- CMD [ARGS...]\n"
	"       scmpkit record [OPTIONS] --bundle DIR\n"
	"       scmpkit record [OPTIONS] --pid PID | --cgroup PATH | --container ID\n\n"
	"Run CMD (with its environment, stdin, stdout and stderr) and write an\n"
	"allow-list seccomp profile of every syscall CMD and all its threads and\n"
	"descendants made, per architecture (i386 processes under SCMP_ARCH_X86).\n"
	"Or record what already runs, until it exits, --duration ends or SIGINT.\n"
	"The profile also allows the P7 essentials and the vDSO calls, each rule\n"
	"with a comment saying why. scmpkit exits with CMD's status (or dies of its\n"
	"signal); SIGTERM, SIGINT, SIGHUP, SIGQUIT sent to scmpkit go to CMD, and a\n"
	"second SIGINT/SIGTERM ends the recording at once (the profile is written).\n\n"
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
	"      --backend B       auto (default: ebpf where BPF may be loaded, else\n"
	"                        ptrace), ebpf (root or CAP_BPF+CAP_PERFMON; near native\n"
	"                        speed) or ptrace (no privileges)\n"
	"  -p, --pid PID         record PID and every process it starts from now on\n"
	"      --cgroup PATH     record every process in cgroup v2 directory PATH and below\n"
	"      --container ID    record runc container ID (its cgroup; runc's late calls\n"
	"                        are added as with --runtime runc)\n"
	"      --runtime-root DIR  runc's state directory for --container (runc --root)\n"
	"      --duration D      stop after D (30s, 10m, 1h, 500ms; --pid, --cgroup,\n"
	"                        --container)\n"
	"      --no-essentials   do not add the P7 essentials and vDSO calls\n"
	"  -q, --quiet           no progress line on a terminal, no notes\n"
	"  -h, --help            this help\n\n"
	"What already runs: only calls made while recording are in the profile (not\n"
	"the program's start-up: use --append), and calls a seccomp filter the\n"
	"target runs under denies are never seen (scmpkit says so).\n\n"
	"Exit status: CMD's (128+N or death by signal N when it was killed); 1 when\n"
	"calls may be missing (the profile is still written, the reason printed);\n"
	"128+N when signal N ended the recording early; 2 bad usage or input, or no\n"
	"privileges for the eBPF backend; 127/126 when CMD cannot be found/run.\n";

struct progress {
	bool on;
	struct timespec start, last;
};

/* Redraws the live count at most 10 times a second. */
static void show_progress(void *ctx, size_t distinct)
{
	struct progress *p = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (ms < 100)
		return;
	p->last = now;
	fprintf(stderr, "\rscmpkit record: %zu distinct syscalls, %lds\033[K", distinct,
		(long)(now.tv_sec - p->start.tv_sec));
}

/* What already runs: say when recording begins (and how it ends). */
static void show_started(void *ctx, const char *what)
{
	(void)ctx;
	fprintf(stderr, "scmpkit record: recording %s; SIGINT (^C) ends it\n", what);
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

static int parse_backend(const char *s, enum sk_record_backend *b)
{
	static const char *const names[] = {
		[SK_BACKEND_AUTO] = "auto", [SK_BACKEND_PTRACE] = "ptrace", [SK_BACKEND_EBPF] = "ebpf"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i])) {
			*b = (enum sk_record_backend)i;
			return 0;
		}
	return -1;
}

/* "30s", "10m", "1h", "500ms", "90" (seconds) in milliseconds; 0 when bad. */
static uint64_t parse_duration(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-' || n == 0)
		return 0;
	static const struct {
		const char *unit;
		uint64_t ms;
	} u[] = {{"", 1000}, {"s", 1000}, {"ms", 1}, {"m", 60000}, {"h", 3600000}};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		if (!strcmp(end, u[i].unit))
			return n > UINT64_MAX / u[i].ms ? 0 : n * u[i].ms;
	return 0;
}

/* Signals sent to scmpkit go to the recording (relayed or ending it). */
static struct sk_recorder *volatile signal_target;
static const int relayed_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
#define N_RELAYED (sizeof relayed_signals / sizeof relayed_signals[0])

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (signal_target)
		sk_recorder_signal(signal_target, si);
}

/* No SA_RESTART: a blocking wait in the recorder returns EINTR and looks. */
static void catch_signals(struct sk_recorder *rec, struct sigaction old[N_RELAYED])
{
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_RELAYED; i++)
		sigaddset(&sa.sa_mask, relayed_signals[i]);
	signal_target = rec;
	for (size_t i = 0; i < N_RELAYED; i++)
		sigaction(relayed_signals[i], &sa, &old[i]);
}

/* Once the profile is written: a copy of a signal the command had too (as
 * `timeout` sends one to the whole process group) must not kill scmpkit
 * while it writes, so until then the handler stays and does nothing. */
static void release_signals(const struct sigaction old[N_RELAYED])
{
	signal_target = NULL;
	for (size_t i = 0; i < N_RELAYED; i++)
		sigaction(relayed_signals[i], &old[i], NULL);
}

/* The exit code once the profile is written (may not return: the command's
 * death by signal is passed on by dying of it). */
static int exit_code(const struct sk_record_outcome *o, bool attach)
{
	if (o->stopped_by)
		return 128 + o->stopped_by;
	if (attach)
		return o->incomplete ? EXIT_FINDINGS : EXIT_OK;
	if (!o->exit.known)
		return EXIT_FINDINGS;
	if (o->incomplete && !o->exit.signaled && o->exit.code == 0)
		return EXIT_FINDINGS;
	return cli_pass_status(o->exit.wstatus);
}

/* What the command line says. */
struct record_cli {
	struct sk_record_request rq;
	struct sk_trace_profile_opts po;
	const char *out;
	bool quiet;
};

enum {
	OPT_ARGS = 256, OPT_NO_ESSENTIALS, OPT_BACKEND, OPT_CGROUP, OPT_CONTAINER,
	OPT_RUNTIME_ROOT, OPT_DURATION,
};

/* One option into C: -1 to go on, or the exit code (help, bad usage). */
static int take_option(struct record_cli *c, int opt, char *arg)
{
	struct sk_record_opts *ro = &c->rq.rec;
	char *end;
	long pid;
	switch (opt) {
	case 'o': c->out = arg; return -1;
	case 'a': c->rq.append = arg; return -1;
	case 'b': ro->bundle = arg; return -1;
	case OPT_CGROUP: ro->cgroup = arg; return -1;
	case OPT_CONTAINER: ro->container = arg; return -1;
	case OPT_RUNTIME_ROOT: ro->runtime_root = arg; return -1;
	case OPT_ARGS: ro->args = true; return -1;
	case OPT_NO_ESSENTIALS: c->po.essentials = false; return -1;
	case 'q': c->quiet = true; return -1;
	case 'f': {
		int f = cli_output_format("record", "--format", arg);
		c->rq.format = (enum sk_format)f;
		return f < 0 ? EXIT_USAGE : -1;
	}
	case 'd':
		if (parse_default(arg, &c->po.default_action) < 0)
			return cli_usage("record", "--default must be errno, log or kill, not '%s'", arg);
		return -1;
	case 'r':
		c->po.runtime = arg;
		return cli_runtime("record", arg) ? -1 : EXIT_USAGE;
	case OPT_BACKEND:
		if (parse_backend(arg, &c->rq.backend) < 0)
			return cli_usage("record", "--backend must be auto, ebpf or ptrace, not '%s'", arg);
		return -1;
	case 'p':
		pid = strtol(arg, &end, 10);
		if (*end || end == arg || pid <= 0 || pid > 0x3fffffff)
			return cli_usage("record", "--pid must be a process id, not '%s'", arg);
		ro->pid = (pid_t)pid;
		return -1;
	case OPT_DURATION:
		if (!(ro->duration_ms = parse_duration(arg)))
			return cli_usage("record", "--duration must be a positive time such as 30s, "
					 "10m, 1h or 500ms, not '%s'", arg);
		return -1;
	case 'h':
		fputs(help, stdout);
		return EXIT_OK;
	default:
		return cli_usage("record", "unknown option");
	}
}

static int parse(int argc, char **argv, struct record_cli *c)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"default", required_argument, NULL, 'd'},
		{"append", required_argument, NULL, 'a'},
		{"args", no_argument, NULL, OPT_ARGS},
		{"runtime", required_argument, NULL, 'r'},
		{"bundle", required_argument, NULL, 'b'},
		{"backend", required_argument, NULL, OPT_BACKEND},
		{"pid", required_argument, NULL, 'p'},
		{"cgroup", required_argument, NULL, OPT_CGROUP},
		{"container", required_argument, NULL, OPT_CONTAINER},
		{"runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"no-essentials", no_argument, NULL, OPT_NO_ESSENTIALS},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	c->po = (struct sk_trace_profile_opts){.default_action = SK_ACT_ERRNO, .essentials = true};
	c->rq = (struct sk_record_request){.format = SK_FORMAT_DOCKER, .profile = &c->po};
	int opt, rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:f:d:a:r:b:p:qh", opts, NULL)) != -1)
		if ((rc = take_option(c, opt, optarg)) >= 0)
			return rc;
	if (optind < argc)
		c->rq.rec.argv = argv + optind;
	if (c->rq.append && !c->out)
		c->out = c->rq.append;
	return -1;
}

int cmd_record(int argc, char **argv)
{
	struct record_cli c = {0};
	int rc = parse(argc, argv, &c);
	if (rc >= 0)
		return rc;
	bool attach = c.rq.rec.pid > 0 || c.rq.rec.cgroup || c.rq.rec.container;
	enum sk_severity shown = c.quiet ? SK_SEV_WARNING : SK_SEV_NOTE;
	struct progress prog = {.on = !c.quiet && isatty(STDERR_FILENO)};
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	c.rq.rec.progress = prog.on ? show_progress : NULL;
	c.rq.rec.progress_ctx = &prog;
	c.rq.rec.started = attach && !c.quiet ? show_started : NULL;

	struct sk_diags d = {0};
	struct sk_recorder *rec = sk_record_new(&c.rq, &d);
	if (!rec) {
		cli_print_diags_min(&d, shown);
		if (!sk_diags_count(&d, SK_SEV_ERROR))
			cli_error("out of memory");
		sk_diags_free(&d);
		return EXIT_USAGE;
	}
	struct sigaction old[N_RELAYED];
	struct sk_record_outcome o;
	catch_signals(rec, old);
	int r = sk_record_run(rec, &o, &d);
	signal_target = NULL;
	if (prog.on)
		fprintf(stderr, "\r\033[K");
	cli_print_diags_min(&d, shown);
	sk_diags_free(&d);
	sk_recorder_free(rec);
	rc = o.exec_errno ? (o.exec_errno == ENOENT ? 127 : 126) : r < 0 ? EXIT_USAGE : -1;
	if (rc < 0 && cli_write_output(c.out, o.text))
		rc = EXIT_FINDINGS;
	if (rc < 0 && prog.on) {
		char *where = c.out ? sk_escape(c.out) : NULL;
		fprintf(stderr, "scmpkit record: %zu distinct syscalls (%s)%s%s\n", o.distinct,
			o.backend, where ? " -> " : "", where ? where : "");
		free(where);
	}
	sk_record_outcome_free(&o);
	release_signals(old);
	return rc >= 0 ? rc : exit_code(&o, attach);
}
