/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit compile: a profile to the seccomp BPF program(s) the kernel runs
 * (sk_compile); this file parses options and writes the chosen format. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/fileio.h>
#include <scmpkit/bpf.h>
#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit compile [OPTIONS] PROFILE\n\n"
	"Compile PROFILE (OCI, Docker, SeccompProfile or runc config.json; JSON or YAML;\n"
	"\"-\" = stdin) to classic BPF with the semantics of runc + libseccomp, including\n"
	"runc's ENOSYS rule for syscall numbers above the highest one the profile names.\n\n"
	"Options:\n"
	"  -a, --arch HOST       host arch for archMap and Docker's arch conditions, and the\n"
	"                        native arch of the filter (default: this machine's)\n"
	"  -o, --output FILE     write to FILE atomically (default: stdout)\n"
	"  -f, --format FORMAT   raw: the bytes seccomp(2) takes, as libseccomp's\n"
	"                             seccomp_export_bpf writes them (default)\n"
	"                        c:   a C array of struct sock_filter\n"
	"                        asm: readable assembly, one instruction a line\n"
	"      --no-enosys       leave runc's ENOSYS rule out\n"
	"      --cap CAP         a capability for Docker's includes/excludes (repeat;\n"
	"                        default: Docker's 14 default capabilities)\n"
	"      --kernel X.Y      kernel version for Docker's minKernel (default: running)\n"
	"      --bad-arch ACTION action for other architectures (default: SCMP_ACT_KILL)\n"
	"  -s, --stats           print program length and stacked parts to stderr\n"
	"  -v, --verbose         also print notes (names unknown on an arch, skipped rules)\n"
	"  -h, --help            this help\n\n"
	"A filter larger than the kernel's 4096 instructions is split into stacked\n"
	"filters; raw output then needs -o FILE and writes FILE, FILE.1, FILE.2, ...\n"
	"(install them in that order).\n\n"
	"Exit status: 0 compiled; 1 the output could not be written; 2 bad input or a\n"
	"filter that cannot fit the kernel.\n";

enum { OPT_NO_ENOSYS = 256, OPT_CAP, OPT_KERNEL, OPT_BAD_ARCH };

struct compile_args {
	struct sk_compile_opts co;
	const char *out, *format, *profile;
	bool stats, verbose;
};

/* Raw bytes, FILE then FILE.1, FILE.2, ... for stacked programs. */
static int write_raw(const struct sk_filter_set *set, const char *out)
{
	bool to_stdout = !out || !strcmp(out, "-");
	if (set->n > 1 && to_stdout) {
		cli_error("the filter is split into %zu stacked programs: raw output needs "
			  "-o FILE (writes FILE, FILE.1, ...)", set->n);
		return EXIT_USAGE;
	}
	if (to_stdout && isatty(STDOUT_FILENO)) {
		cli_error("refusing to write binary BPF to a terminal: use -o FILE or --format asm");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < set->n; i++) {
		void *bytes;
		size_t len;
		if (sk_bpf_to_bytes(&set->progs[i], &bytes, &len) < 0) {
			cli_error("out of memory");
			return EXIT_FINDINGS;
		}
		char path[4096];
		if (i)
			snprintf(path, sizeof path, "%s.%zu", out, i);
		else
			snprintf(path, sizeof path, "%s", to_stdout ? "-" : out);
		int r = sk_write_file_atomic(path, bytes, len);
		free(bytes);
		if (r < 0) {
			cli_error("%s: cannot write: %s", to_stdout ? "stdout" : path, sk_write_error(r));
			return EXIT_FINDINGS;
		}
	}
	return EXIT_OK;
}

static int write_output(const struct sk_filter_set *set, const struct compile_args *a)
{
	if (!strcmp(a->format, "raw"))
		return write_raw(set, a->out);
	/* each program's syscalls named by its own arch checks: x86 numbers are
	 * not x86_64's */
	char *text = !strcmp(a->format, "asm") ? sk_filter_set_disasm(set, SK_ARCH_INVALID, false)
					       : sk_bpf_to_c(set, "scmpkit_filter");
	if (!text) {
		cli_error("out of memory");
		return EXIT_FINDINGS;
	}
	int rc = cli_write_output(a->out, text);
	free(text);
	return rc;
}

static void print_stats(const struct sk_filter_set *set)
{
	size_t total = 0;
	for (size_t i = 0; i < set->n; i++)
		total += set->progs[i].len;
	fprintf(stderr, "scmpkit compile: %zu instruction%s", total, total == 1 ? "" : "s");
	if (set->n > 1) {
		fprintf(stderr, " in %zu stacked filters (", set->n);
		for (size_t i = 0; i < set->n; i++)
			fprintf(stderr, "%s%zu", i ? ", " : "", set->progs[i].len);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
}

/* Options into A (A->co.caps points into ARGV, in CAPS); -1 to go on, or the
 * exit code (help, bad usage). */
static int parse_args(int argc, char **argv, struct compile_args *a, const char **caps)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"no-enosys", no_argument, NULL, OPT_NO_ENOSYS},
		{"cap", required_argument, NULL, OPT_CAP},
		{"kernel", required_argument, NULL, OPT_KERNEL},
		{"bad-arch", required_argument, NULL, OPT_BAD_ARCH},
		{"stats", no_argument, NULL, 's'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	sk_compile_opts_init(&a->co);
	a->format = "raw";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:o:f:svh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->co.host = sk_arch_parse(optarg);
			if (a->co.host == SK_ARCH_INVALID) {
				const char *s = sk_arch_suggest(optarg);
				return cli_usage("compile", "unknown architecture '%s'%s%s%s", optarg,
						 s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
			}
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'f':
			a->format = optarg;
			if (strcmp(optarg, "raw") && strcmp(optarg, "c") && strcmp(optarg, "asm"))
				return cli_usage("compile", "unknown format '%s' (raw, c or asm)", optarg);
			break;
		case OPT_NO_ENOSYS:
			a->co.no_enosys = true;
			break;
		case OPT_CAP:
			caps[a->co.n_caps++] = optarg;
			a->co.caps = caps;
			break;
		case OPT_KERNEL:
			if (sscanf(optarg, "%d.%d", &a->co.kernel_major, &a->co.kernel_minor) != 2 ||
			    a->co.kernel_major < 0 || a->co.kernel_minor < 0)
				return cli_usage("compile", "--kernel wants X.Y, got '%s'", optarg);
			break;
		case OPT_BAD_ARCH:
			a->co.bad_arch = sk_action_parse(optarg);
			if (a->co.bad_arch == SK_ACT_INVALID)
				return cli_usage("compile", "unknown action '%s'", optarg);
			break;
		case 's':
			a->stats = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("compile", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("compile", "expected one PROFILE");
	a->profile = argv[optind];
	return -1;
}

int cmd_compile(int argc, char **argv)
{
	struct compile_args a = {0};
	const char *caps[argc > 0 ? argc : 1]; /* every --cap is an argument */
	int rc = parse_args(argc, argv, &a, caps);
	if (rc >= 0)
		return rc;
	struct sk_diags diags = {0};
	struct sk_profile *p = sk_profile_load(a.profile, &diags);
	struct sk_filter_set set = {0};
	rc = EXIT_USAGE;
	if (p && sk_compile(p, &a.co, &set, &diags) == 0) {
		rc = write_output(&set, &a);
		if (a.stats && rc == EXIT_OK)
			print_stats(&set);
	}
	/* notes are many (Docker's profile names 32-bit calls x86_64 lacks): -v */
	cli_print_diags_min(&diags, a.verbose ? SK_SEV_NOTE : SK_SEV_WARNING);
	sk_diags_free(&diags);
	sk_filter_set_free(&set);
	sk_profile_free(p);
	return rc;
}
