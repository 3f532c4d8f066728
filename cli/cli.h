/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the subcommands: the only code that prints and picks exit codes. */
#ifndef SCMPKIT_CLI_H
#define SCMPKIT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <scmpkit/diag.h>

/* Exit codes (DESIGN.md): 0 ok, 1 findings / the child's failure, 2 bad input. */
enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

#define CMD(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef CMD

/* Print every diagnostic to stderr as file:line:col: severity: message [rule];
 * colour when stderr is a terminal. Control characters and invalid UTF-8 are
 * escaped (sk_escape): messages quote what profiles, logs and processes say. */
void cli_print_diags(const struct sk_diags *d);
/* The same for those at or above MIN only. */
void cli_print_diags_min(const struct sk_diags *d, enum sk_severity min);

/* Exit the way a command ended, given its waitpid(2) STATUS: its exit code,
 * or its death by the same signal (without a core of our own), so that a
 * shell reports the same thing (143 for SIGTERM). Returns the code to exit
 * with when the signal does not end us. */
int cli_pass_status(int status);

/* The profile format ARG names for option OPT of CMD (oci, docker or spo: what
 * a command writes); -1 after saying why on stderr (the caller exits 2). */
int cli_output_format(const char *cmd, const char *opt, const char *arg);

/* ARG names a measured runtime (--runtime of record and learn): ARG, or NULL
 * after saying why on stderr (the caller exits 2). */
const char *cli_runtime(const char *cmd, const char *arg);

/* Registry access, for the commands that reach one (push, pull, node-sync):
 * put CLI_REGISTRY_OPTIONS in the getopt table and CLI_REGISTRY_HELP in the
 * help, and hand those two option codes to cli_registry_opt. */
enum { CLI_OPT_DOCKER_CONFIG = 0x100, CLI_OPT_CA_FILE };
#define CLI_REGISTRY_OPTIONS                                                     \
	{"docker-config", required_argument, NULL, CLI_OPT_DOCKER_CONFIG},       \
	{                                                                        \
		"ca-file", required_argument, NULL, CLI_OPT_CA_FILE              \
	}
#define CLI_REGISTRY_HELP                                                        \
	"      --docker-config F   registry credentials (default\n"                 \
	"                          $DOCKER_CONFIG/config.json, ~/.docker/config.json)\n" \
	"      --ca-file F         CA certificates to trust for HTTPS registries\n"
struct sk_registry_opts;
void cli_registry_opt(int code, const char *arg, struct sk_registry_opts *o);

/* Read FILE within the limit for KIND; on error say why and return
 * EXIT_USAGE (the caller returns it), else 0. */
#include <scmpkit/fileio.h>
int cli_read_input(const char *file, enum sk_input_kind kind, char **text, size_t *len);

/* "scmpkit CMD: message" on stderr; returns EXIT_USAGE for `return cli_usage(...)`. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "scmpkit: error: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when ARG is -h or --help. */
bool cli_is_help(const char *arg);

/* Write TEXT to PATH atomically ("-" or NULL: stdout). Reports errors itself;
 * returns 0 or EXIT_FINDINGS (a failed write is the command's failure, not bad input). */
int cli_write_output(const char *path, const char *text);

/* One profile delta as a line, without the side marker (diff, and merge --check;
 * defined in cmd_diff.c). A and B name the two sides. */
struct sk_delta;
void cli_print_delta(const struct sk_delta *x, const char *a, const char *b);

/* Options shared by the commands that list BPF programs (disasm, dump):
 * -a/--arch ARCH, -f/--format asm|c, -h/--help. Returns -1 to go on (optind at
 * the first operand), or the exit code to return (help printed, bad usage). */
#include <scmpkit/arch.h>
int cli_listing_opts(const char *cmd, const char *help, int argc, char **argv,
		     enum sk_arch *arch, bool *c_array);

#endif
