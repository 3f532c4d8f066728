/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit merge: the union of profiles, or with --check a CI gate that fails
 * when the first profile does not cover the others. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <scmpkit/profile.h>
#include <scmpkit/profile_ops.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit merge [-o OUT] [--format FMT] PROFILE...\n"
	"       scmpkit merge --check PROFILE OTHER...\n\n"
	"Write the union of the profiles: every architecture and every rule of each,\n"
	"normalized. With --check, write nothing: exit 1 and list what each OTHER\n"
	"allows that PROFILE does not (per arch; see scmpkit-diff(1)).\n\n"
	"Options:\n"
	"  -o, --output FILE   write the union to FILE (default: stdout)\n"
	"  -f, --format FMT    oci, docker, spo (default: the first profile's)\n"
	"  -c, --check         only check that PROFILE covers the others\n"
	"  -h, --help          this help\n\n"
	"Exit status: 0 ok (covered), 1 --check found something not covered or the\n"
	"output could not be written, 2 bad usage or an unreadable profile.\n";

static int check(struct sk_profile **v, int n, char **files)
{
	int rc = EXIT_OK;
	for (int i = 1; i < n; i++) {
		struct sk_deltas miss = {0};
		struct sk_diags d = {0};
		if (sk_profile_cover(v[0], v[i], &miss, &d) < 0) {
			cli_print_diags(&d);
			sk_diags_free(&d);
			return EXIT_USAGE;
		}
		for (size_t k = 0; k < miss.n; k++) {
			printf("%s: not covered by %s: ", files[i], files[0]);
			cli_print_delta(&miss.v[k], files[0], files[i]);
		}
		if (miss.n)
			rc = EXIT_FINDINGS;
		sk_deltas_free(&miss);
		sk_diags_free(&d);
	}
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"check", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL;
	int format = -1;
	bool do_check = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((format = cli_output_format("merge", "--format", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'c':
			do_check = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("merge", "unknown option");
		}
	}
	int n = argc - optind;
	if (n < 1 || (do_check && n < 2))
		return cli_usage("merge", do_check ? "--check needs a profile and at least one other"
						   : "expected at least one profile");
	struct sk_profile **v = calloc((size_t)n, sizeof *v);
	if (!v)
		return EXIT_USAGE;
	int rc = EXIT_OK;
	struct sk_diags d = {0};
	for (int i = 0; i < n; i++) {
		v[i] = sk_profile_load(argv[optind + i], &d);
		if (!v[i])
			rc = EXIT_USAGE;
	}
	cli_print_diags(&d);
	sk_diags_free(&d);
	if (rc == EXIT_OK && do_check) {
		rc = check(v, n, argv + optind);
	} else if (rc == EXIT_OK) {
		struct sk_profile *m = sk_profile_merge((const struct sk_profile *const *)v, (size_t)n, &d);
		char *text = m ? sk_profile_emit(m, format >= 0 ? (enum sk_format)format
							   : v[0]->format == SK_FORMAT_RUNC_CONFIG
							   ? SK_FORMAT_OCI : v[0]->format, &d) : NULL;
		cli_print_diags(&d);
		sk_diags_free(&d);
		rc = text ? cli_write_output(out, text) : EXIT_USAGE;
		free(text);
		sk_profile_free(m);
	}
	for (int i = 0; i < n; i++)
		sk_profile_free(v[i]);
	free(v);
	return rc;
}
