/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit pull: a seccomp profile artifact from an OCI registry, digests
 * checked, written as it was pushed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/distribute.h>
#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit pull [--docker-config F] [--ca-file F] REF -o FILE\n\n"
	"Pull the seccomp profile artifact REF = REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST]\n"
	"(oci:// in front is accepted) and write its profile to FILE, byte for byte as\n"
	"pushed. The manifest's digest is checked against REF's digest and the one the\n"
	"registry claims; the layer's against the manifest. An artifact that is not a\n"
	"seccomp profile (another config media type, not exactly one layer) or whose\n"
	"layer is not a profile is refused and nothing is written.\n\n"
	"Options:\n"
	"  -o, --output FILE       where to write the profile (\"-\": stdout); required\n"
	CLI_REGISTRY_HELP
	"  -h, --help              this help\n\n"
	"Prints REF@DIGEST on stderr. Exit status: 0 pulled, 1 the registry refused,\n"
	"could not be reached, or served something that fails a check, or the file\n"
	"could not be written; 2 bad usage or a reference that cannot be.\n";

int cmd_pull(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		CLI_REGISTRY_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sk_registry_opts reg = {0};
	const char *out = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case CLI_OPT_DOCKER_CONFIG:
		case CLI_OPT_CA_FILE:
			cli_registry_opt(c, optarg, &reg);
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("pull", "unknown option (see --help)");
		}
	}
	if (optind + 1 != argc || !out)
		return cli_usage("pull", "expected REF and -o FILE (see --help)");
	const char *ref = argv[optind];
	struct sk_diags d = {0};
	struct sk_oci_ref parsed;
	if (sk_oci_ref_parse(ref, &parsed, &d) < 0) {
		cli_print_diags(&d);
		sk_diags_free(&d);
		return EXIT_USAGE;
	}
	sk_oci_ref_free(&parsed);
	char *data = NULL, digest[72];
	size_t len = 0;
	int rc = EXIT_FINDINGS;
	if (sk_oci_pull(ref, &reg, &data, &len, digest, &d) == 0) {
		/* the layer must be a profile before it lands anywhere */
		struct sk_profile *p = sk_profile_parse(data, len, ref, &d);
		if (p) {
			sk_oci_artifact_check(data, len, ref, &d);
			rc = cli_write_output(out, data) ? EXIT_FINDINGS : EXIT_OK;
		}
		sk_profile_free(p);
	}
	cli_print_diags(&d);
	if (rc == EXIT_OK)
		fprintf(stderr, "%s@%s\n", ref, digest);
	sk_diags_free(&d);
	free(data);
	return rc;
}
