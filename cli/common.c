/* SPDX-License-Identifier: Apache-2.0 */
/* Printing helpers shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/distribute.h>
#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>
#include <scmpkit/runtime.h>

void cli_print_diags(const struct sk_diags *d)
{
	cli_print_diags_min(d, SK_SEV_NOTE);
}

void cli_print_diags_min(const struct sk_diags *d, enum sk_severity min)
{
	bool colour = isatty(STDERR_FILENO) && !getenv("NO_COLOR");
	static const char *const col[] = {"\033[36m", "\033[35m", "\033[31m"};
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].severity < min)
			continue;
		char *s = sk_diag_format(&d->v[i]); /* escapes what others wrote */
		if (!s)
			continue;
		if (colour) {
			/* colour the "severity:" word only */
			const char *sev = sk_severity_name(d->v[i].severity);
			char *at = strstr(s, sev);
			if (at) {
				fprintf(stderr, "%.*s%s%s\033[0m%s\n", (int)(at - s), s,
					col[d->v[i].severity], sev, at + strlen(sev));
				free(s);
				continue;
			}
		}
		fprintf(stderr, "%s\n", s);
		free(s);
	}
}


void cli_registry_opt(int code, const char *arg, struct sk_registry_opts *o)
{
	if (code == CLI_OPT_DOCKER_CONFIG)
		o->docker_config = arg;
	else if (code == CLI_OPT_CA_FILE)
		o->ca_file = arg;
}

int cli_read_input(const char *file, enum sk_input_kind kind, char **text, size_t *len)
{
	int r = sk_read_input(file, kind, text, len);
	if (r < 0) {
		cli_error("%s: cannot read: %s", file, sk_read_error(r, kind));
		return EXIT_USAGE;
	}
	return 0;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "scmpkit %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'scmpkit %s --help'.\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "scmpkit: error: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int cli_pass_status(int status)
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
	return 128 + sig; /* a signal that does not kill (SIGCHLD...) */
}

int cli_write_output(const char *path, const char *text)
{
	int r = sk_write_file_atomic(path ? path : "-", text, strlen(text));
	if (r < 0) {
		/* the input was fine: a failed write is the command's own failure */
		cli_error("%s: cannot write: %s", path ? path : "stdout", sk_write_error(r));
		return EXIT_FINDINGS;
	}
	return 0;
}

int cli_listing_opts(const char *cmd, const char *help, int argc, char **argv,
		     enum sk_arch *arch, bool *c_array)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	*arch = SK_ARCH_INVALID;
	*c_array = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			*arch = sk_arch_parse(optarg);
			if (*arch == SK_ARCH_INVALID)
				return cli_usage(cmd, "unknown architecture '%s'", optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "c"))
				*c_array = true;
			else if (strcmp(optarg, "asm"))
				return cli_usage(cmd, "unknown format '%s' (asm or c)", optarg);
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage(cmd, "unknown option");
		}
	}
	return -1;
}

int cli_output_format(const char *cmd, const char *opt, const char *arg)
{
	int f = sk_format_parse(arg);
	if (f == SK_FORMAT_OCI || f == SK_FORMAT_DOCKER || f == SK_FORMAT_SPO)
		return f;
	cli_usage(cmd, "%s must be oci, docker or spo, not '%s'", opt, arg);
	return -1;
}

const char *cli_runtime(const char *cmd, const char *arg)
{
	const struct sk_runtime_call *calls;
	if (sk_runtime_calls(arg, &calls) >= 0)
		return arg;
	cli_usage(cmd, "unknown runtime '%s' (measured: %s)", arg, sk_runtime_names());
	return NULL;
}
