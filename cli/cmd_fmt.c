/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit fmt: rewrite a profile in its stable, normalized form. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit fmt [-o OUT] [--check] FILE\n\n"
	"Print FILE (OCI, Docker or SeccompProfile; JSON or YAML; \"-\" for stdin) in\n"
	"the stable form scmpkit writes: fixed key order, two-space indent, names\n"
	"sorted and deduplicated within each rule, rules with the same action,\n"
	"errno, arguments and conditions merged. The format is kept.\n\n"
	"Options:\n"
	"  -o, --output OUT  write to OUT (atomically) instead of stdout\n"
	"  -c, --check       write nothing; exit 1 when FILE is not formatted\n"
	"  -h, --help        this help\n\n"
	"Exit status: 0 ok (or formatted), 1 not formatted (--check) or the output could\n"
	"not be written, 2 bad input.\n";

int cmd_fmt(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"check", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL;
	bool check = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'c':
			check = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("fmt", "unknown option (see --help)");
		}
	}
	if (optind + 1 != argc)
		return cli_usage("fmt", "expected one FILE (see --help)");
	const char *file = argv[optind];

	/* Read the text ourselves: --check compares it with the formatted form. */
	char *text = NULL;
	size_t len = 0;
	int r = sk_read_input(file, SK_INPUT_PROFILE, &text, &len);
	if (r < 0) {
		cli_error("%s: cannot read: %s", file, sk_read_error(r, SK_INPUT_PROFILE));
		return EXIT_USAGE;
	}
	struct sk_diags d = {0};
	const char *shown = strcmp(file, "-") ? file : "<stdin>";
	struct sk_profile *p = sk_profile_parse(text, len, shown, &d);
	char *res = NULL;
	int rc = EXIT_USAGE;
	if (!p)
		goto out;
	if (p->format == SK_FORMAT_RUNC_CONFIG) {
		sk_diags_add(&d, SK_SEV_ERROR, shown, 0, 0, "fmt-format",
			     "fmt rewrites profiles, not config.json; "
			     "use 'scmpkit convert --to oci' to extract linux.seccomp");
		goto out;
	}
	if (sk_profile_normalize(p, &d) < 0)
		goto out;
	res = sk_profile_emit(p, p->format, &d);
	if (!res)
		goto out;
	if (check) {
		rc = strlen(res) == len && !memcmp(res, text, len) ? EXIT_OK : EXIT_FINDINGS;
		if (rc)
			fprintf(stderr, "%s: not formatted (run 'scmpkit fmt %s')\n", shown, file);
	} else {
		rc = cli_write_output(out, res);
	}
out:
	cli_print_diags(&d);
	sk_diags_free(&d);
	sk_profile_free(p);
	free(res);
	free(text);
	return rc;
}
