/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit: dispatch to one subcommand per file (cli/cmd_*.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
#define CMD(name, fn, summary) {#name, fn, summary},
#include "commands.def"
#undef CMD
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* Table names are C identifiers; users type dashes (audit_profile = audit-profile). */
static bool same_name(const char *table, const char *typed)
{
	for (; *table && *typed; table++, typed++) {
		char t = *table == '_' ? '-' : *table;
		if (t != *typed)
			return false;
	}
	return !*table && !*typed;
}

static void print_name(FILE *f, const char *name)
{
	int n = 0;
	for (const char *p = name; *p; p++, n++)
		fputc(*p == '_' ? '-' : *p, f);
	fprintf(f, "%*s", 15 - n, "");
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: scmpkit COMMAND [OPTIONS] [ARGS]\n"
		   "       scmpkit help COMMAND | --help | --version\n\n"
		   "Least-privilege seccomp profiles for containers and Kubernetes.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
	{
		fputs("  ", f);
		print_name(f, commands[i].name);
		fprintf(f, "%s\n", commands[i].summary);
	}
	fprintf(f, "\nEvery command takes --help; each has a man page, scmpkit-COMMAND(1).\n"
		   "Exit status: 0 ok, 1 findings or the command's failure, 2 bad input or usage.\n");
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (same_name(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (cli_is_help(name)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("scmpkit %s\n", SCMPKIT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		const struct command *c = find(argv[2]);
		if (!c) {
			fprintf(stderr, "scmpkit: unknown command '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		char *hargv[] = {(char *)c->name, "--help", NULL};
		return c->fn(2, hargv);
	}
	const struct command *c = find(name);
	if (!c) {
		fprintf(stderr, "scmpkit: unknown command '%s'\n", name);
		usage(stderr);
		return EXIT_USAGE;
	}
	int rc = c->fn(argc - 1, argv + 1);
	/* what commands printed with stdio is written here at the latest: a full
	 * disk or a closed file is the command's failure, not a success */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("stdout: cannot write: %s", strerror(errno));
		if (rc == EXIT_OK)
			rc = EXIT_FINDINGS;
	}
	return rc;
}
