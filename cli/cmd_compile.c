/* scmpkit compile: a profile to the seccomp BPF program(s) the kernel runs. */
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
	"Exit status: 0 compiled, 2 bad input or a filter that cannot fit the kernel.\n";

enum { OPT_NO_ENOSYS = 256, OPT_CAP, OPT_KERNEL, OPT_BAD_ARCH };

static int write_raw(const struct sk_filter_set *set, const char *out)
{
	if (set->n > 1 && (!out || !strcmp(out, "-"))) {
		cli_error("the filter is split into %zu stacked programs: raw output needs "
			  "-o FILE (writes FILE, FILE.1, ...)", set->n);
		return EXIT_USAGE;
	}
	if ((!out || !strcmp(out, "-")) && isatty(STDOUT_FILENO)) {
		cli_error("refusing to write binary BPF to a terminal: use -o FILE or --format asm");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < set->n; i++) {
		void *bytes;
		size_t len;
		if (sk_bpf_to_bytes(&set->progs[i], &bytes, &len) < 0) {
			cli_error("out of memory");
			return EXIT_USAGE;
		}
		char path[4096];
		const char *p = out ? out : "-";
		if (i > 0) {
			snprintf(path, sizeof path, "%s.%zu", out, i);
			p = path;
		}
		int r = sk_write_file_atomic(p, bytes, len);
		free(bytes);
		if (r < 0) {
			cli_error("%s: cannot write: %s", p, sk_write_error(r));
			return EXIT_FINDINGS;
		}
	}
	return EXIT_OK;
}

static int write_asm(const struct sk_filter_set *set, enum sk_arch host, const char *out)
{
	size_t cap = 1, len = 0;
	char *all = calloc(1, cap);
	for (size_t i = 0; all && i < set->n; i++) {
		char head[128] = "";
		if (set->n > 1)
			snprintf(head, sizeof head, "# stacked filter %zu of %zu\n", i + 1, set->n);
		char *t = sk_bpf_disasm(&set->progs[i], host);
		if (!t) {
			free(all);
			all = NULL;
			break;
		}
		size_t need = len + strlen(head) + strlen(t) + 1;
		char *n = realloc(all, need);
		if (!n) {
			free(t);
			free(all);
			all = NULL;
			break;
		}
		all = n;
		memcpy(all + len, head, strlen(head));
		len += strlen(head);
		memcpy(all + len, t, strlen(t) + 1);
		len += strlen(t);
		free(t);
	}
	if (!all) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	int rc = cli_write_output(out, all);
	free(all);
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

int cmd_compile(int argc, char **argv)
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
	struct sk_compile_opts co;
	sk_compile_opts_init(&co);
	const char *out = NULL, *format = "raw";
	const char **caps = NULL;
	size_t n_caps = 0;
	bool stats = false, verbose = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:o:f:svh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			co.host = sk_arch_parse(optarg);
			if (co.host == SK_ARCH_INVALID) {
				const char *s = sk_arch_suggest(optarg);
				free(caps);
				return cli_usage("compile", "unknown architecture '%s'%s%s%s", optarg,
						 s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = optarg;
			if (strcmp(format, "raw") && strcmp(format, "c") && strcmp(format, "asm")) {
				free(caps);
				return cli_usage("compile", "unknown format '%s' (raw, c or asm)", optarg);
			}
			break;
		case OPT_NO_ENOSYS:
			co.no_enosys = true;
			break;
		case OPT_CAP: {
			const char **v = realloc(caps, (n_caps + 1) * sizeof *v);
			if (!v) {
				free(caps);
				cli_error("out of memory");
				return EXIT_USAGE;
			}
			caps = v;
			caps[n_caps++] = optarg;
			break;
		}
		case OPT_KERNEL:
			if (sscanf(optarg, "%d.%d", &co.kernel_major, &co.kernel_minor) != 2 ||
			    co.kernel_major < 0 || co.kernel_minor < 0) {
				free(caps);
				return cli_usage("compile", "--kernel wants X.Y, got '%s'", optarg);
			}
			break;
		case OPT_BAD_ARCH:
			co.bad_arch = sk_action_parse(optarg);
			if (co.bad_arch == SK_ACT_INVALID) {
				free(caps);
				return cli_usage("compile", "unknown action '%s'", optarg);
			}
			break;
		case 's':
			stats = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			free(caps);
			fputs(help, stdout);
			return EXIT_OK;
		default:
			free(caps);
			return cli_usage("compile", "unknown option");
		}
	}
	if (optind != argc - 1) {
		free(caps);
		return cli_usage("compile", "expected one PROFILE");
	}
	co.caps = caps;
	co.n_caps = n_caps;

	struct sk_diags diags = {0};
	struct sk_profile *p = sk_profile_load(argv[optind], &diags);
	struct sk_filter_set set = {0};
	int rc = EXIT_USAGE;
	if (p && sk_compile(p, &co, &set, &diags) == 0) {
		enum sk_arch host = co.host == SK_ARCH_INVALID ? sk_arch_native() : co.host;
		if (!strcmp(format, "raw"))
			rc = write_raw(&set, out);
		else if (!strcmp(format, "asm"))
			rc = write_asm(&set, host, out);
		else {
			char *text = sk_bpf_to_c(&set, "scmpkit_filter");
			rc = text ? cli_write_output(out, text) : EXIT_USAGE;
			free(text);
		}
		if (stats && rc == EXIT_OK)
			print_stats(&set);
	}
	/* notes are many (Docker's profile names 32-bit calls x86_64 lacks): -v */
	for (size_t i = 0; i < diags.n; i++)
		if (verbose || diags.v[i].severity != SK_SEV_NOTE) {
			struct sk_diags one = {&diags.v[i], 1, 1};
			cli_print_diags(&one);
		}
	sk_diags_free(&diags);
	sk_filter_set_free(&set);
	sk_profile_free(p);
	free(caps);
	return rc;
}
