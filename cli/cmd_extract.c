/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit extract: the syscalls x86-64 programs can make, read from their
 * code (lib/extract), written as an allow-list profile like record's, as
 * names, or explained for one call. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/escape.h>
#include <scmpkit/extract.h>
#include <scmpkit/profile.h>
#include <scmpkit/trace.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit extract [OPTIONS] BINARY...\n\n"
	"Find every syscall the x86-64 programs BINARY... can make by reading their\n"
	"code: static or dynamic, PIE or not, stripped or not, Go or C. A dynamic\n"
	"program's libraries (DT_NEEDED, transitively, and ld.so) are analysed in\n"
	"the files it would load; per-library results are cached by build-id in\n"
	"$XDG_CACHE_HOME/scmpkit/extract. Several programs give their union (a\n"
	"program that runs another with execve runs it under the same filter).\n"
	"A site whose number is not a constant is listed as a warning, never\n"
	"dropped. The profile also allows the P7 essentials and the vDSO calls.\n\n"
	"Options:\n"
	"  -o, --output FILE     write to FILE (default: stdout)\n"
	"  -f, --format FMT      docker (default: a rule per call, commented with\n"
	"                        where it comes from), oci, spo, or names (one per line)\n"
	"      --rootfs DIR      load libraries from DIR (a container image's root\n"
	"                        filesystem), not from this host; a BINARY under DIR\n"
	"                        is the image's (its links resolve inside DIR)\n"
	"      --with LIB        a library the programs load with dlopen (a path, or a\n"
	"                        name looked up like DT_NEEDED); repeat for more\n"
	"      --explain SYSCALL print one call chain from an entry point to a site\n"
	"                        that makes SYSCALL (exit 1 when no reachable site does)\n"
	"      --applet NAME     a multi-call binary (busybox) is started as applet NAME:\n"
	"                        that applet's main is the entry (default: the name of\n"
	"                        the symlink BINARY is, if it is one of its applets)\n"
	"      --strict          an unresolved site is an error: exit 1, write nothing\n"
	"  -r, --runtime NAME    add the calls runtime NAME (runc) makes after loading\n"
	"                        the filter\n"
	"      --no-essentials   do not add the P7 essentials and vDSO calls\n"
	"      --no-cache        analyse every library; read and write no cache\n"
	"      --debug-dir DIR   look a stripped file's debug file up by its build-id\n"
	"                        in DIR/.build-id; repeat for more (default:\n"
	"                        /usr/lib/debug, inside --rootfs when given); its\n"
	"                        symbols make the result finer (a stripped static\n"
	"                        program without one: the names libc.a gives it)\n"
	"      --no-debuginfo    use no debug file, nor libc.a's names\n"
	"  -h, --help            this help\n\n"
	"Exit status: 0 ok; 1 --strict found an unresolved site, --explain found no\n"
	"site, or the output could not be written; 2 bad usage or input (not an\n"
	"x86-64 ELF program, a library not found).\n";

struct opts {
	const char *out, *rootfs, *explain, *runtime, *applet;
	const char **with, **debug_dirs; /* room for argc each */
	size_t n_with, n_debug_dirs;
	int format; /* enum sk_format, or -1 for names */
	bool strict, no_cache, no_essentials, no_debuginfo;
};

static int parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_ROOTFS = 256, OPT_WITH, OPT_EXPLAIN, OPT_STRICT, OPT_NO_ESS, OPT_NO_CACHE,
	       OPT_APPLET, OPT_DEBUG_DIR, OPT_NO_DEBUGINFO };
	static const struct option lopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"rootfs", required_argument, NULL, OPT_ROOTFS},
		{"with", required_argument, NULL, OPT_WITH},
		{"explain", required_argument, NULL, OPT_EXPLAIN},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"applet", required_argument, NULL, OPT_APPLET},
		{"runtime", required_argument, NULL, 'r'},
		{"no-essentials", no_argument, NULL, OPT_NO_ESS},
		{"no-cache", no_argument, NULL, OPT_NO_CACHE},
		{"debug-dir", required_argument, NULL, OPT_DEBUG_DIR},
		{"no-debuginfo", no_argument, NULL, OPT_NO_DEBUGINFO},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:f:r:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'f':
			if (!strcmp(optarg, "names")) {
				o->format = -1;
				break;
			}
			if ((o->format = cli_output_format("extract", "--format", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case OPT_ROOTFS: o->rootfs = optarg; break;
		case OPT_WITH: o->with[o->n_with++] = optarg; break;
		case OPT_EXPLAIN: o->explain = optarg; break;
		case OPT_STRICT: o->strict = true; break;
		case OPT_APPLET: o->applet = optarg; break;
		case 'r':
			if (!cli_runtime("extract", optarg))
				return EXIT_USAGE;
			o->runtime = optarg;
			break;
		case OPT_NO_ESS: o->no_essentials = true; break;
		case OPT_NO_CACHE: o->no_cache = true; break;
		case OPT_DEBUG_DIR: o->debug_dirs[o->n_debug_dirs++] = optarg; break;
		case OPT_NO_DEBUGINFO: o->no_debuginfo = true; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return cli_usage("extract", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("extract", "expected a program: scmpkit extract [OPTIONS] BINARY...");
	if (o->explain && !sk_syscall_known(o->explain))
		return cli_usage("extract", "--explain: unknown syscall '%s'", o->explain);
	return -1;
}

static int explain(const struct sk_extract *x, const char *name, struct sk_diags *d)
{
	bool found = false;
	char *text = sk_extract_explain(x, name, &found, d);
	cli_print_diags(d);
	if (!text)
		return EXIT_USAGE;
	fputs(text, stdout);
	free(text);
	return found ? EXIT_OK : EXIT_FINDINGS;
}

static int write_result(const struct sk_extract *x, const struct opts *o, char **argv,
			struct sk_diags *d)
{
	char *text = NULL;
	if (o->format < 0) {
		text = sk_extract_names(x);
	} else {
		char what[256] = "extracted:";
		for (size_t i = 0, n = strlen(what); argv[i] && n + 2 < sizeof what; i++)
			n += (size_t)snprintf(what + n, sizeof what - n, " %s", argv[i]);
		struct sk_trace_profile_opts po = {.default_action = SK_ACT_ERRNO,
						   .essentials = !o->no_essentials,
						   .runtime = o->runtime, .what = what};
		struct sk_profile *p = sk_extract_to_profile(x, &po, o->format == SK_FORMAT_DOCKER, d);
		text = p ? sk_profile_emit(p, (enum sk_format)o->format, d) : NULL;
		sk_profile_free(p);
	}
	cli_print_diags(d);
	if (!text)
		return EXIT_USAGE;
	int rc = cli_write_output(o->out, text);
	free(text);
	return rc;
}

int cmd_extract(int argc, char **argv)
{
	struct opts o = {.format = SK_FORMAT_DOCKER, .with = calloc(2 * (size_t)argc, sizeof(char *))};
	if (!o.with) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	o.debug_dirs = o.with + argc;
	int rc = parse(argc, argv, &o);
	if (rc >= 0) {
		free(o.with);
		return rc;
	}
	struct sk_extract_opts eo = {.rootfs = o.rootfs, .with = o.with, .n_with = o.n_with,
				     .strict = o.strict, .no_cache = o.no_cache, .applet = o.applet,
				     .explain = o.explain != NULL, .debug_dirs = o.debug_dirs,
				     .n_debug_dirs = o.n_debug_dirs, .no_debuginfo = o.no_debuginfo};
	struct sk_diags d = {0};
	struct sk_extract *x = NULL;
	int r = sk_extract_run((const char *const *)argv + optind, (size_t)(argc - optind), &eo,
			       &x, &d);
	if (r < 0) {
		cli_print_diags(&d);
		rc = EXIT_USAGE;
	} else if (o.explain) {
		rc = explain(x, o.explain, &d);
	} else if (o.strict && sk_extract_unresolved_count(x)) {
		cli_print_diags(&d);
		fprintf(stderr, "scmpkit extract: %zu unresolved site(s) (--strict): no profile "
			"written\n", sk_extract_unresolved_count(x));
		rc = EXIT_FINDINGS;
	} else {
		rc = write_result(x, &o, argv + optind, &d);
	}
	sk_diags_free(&d);
	sk_extract_free(x);
	free(o.with);
	return rc;
}
