/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit push: a profile to an OCI registry, as the seccomp profile artifact
 * the Security Profiles Operator, CRI-O and the `type: OCI` KEP read. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/distribute.h>
#include <scmpkit/fileio.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit push [--arch A] [--docker-config F] [--ca-file F] PROFILE REF\n\n"
	"Push PROFILE (any format) to REF = REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST]\n"
	"(oci:// in front is accepted) as a seccomp profile artifact: artifactType and\n"
	"config mediaType application/vnd.cncf.seccomp-profile.config.v1+json, config\n"
	"blob {}, one layer of runtime-spec JSON. The profile is checked as node-sync\n"
	"checks it and resolved for --arch; a profile runtimes would refuse as an\n"
	"artifact (over 1 MiB, a syscall in more than 128 entries, NOTIFY) is pushed\n"
	"with a warning. HTTPS, except to localhost; credentials from Docker's config.\n\n"
	"Options:\n"
	"  -a, --arch A            resolve for A (default: this machine's)\n"
	CLI_REGISTRY_HELP
	"  -h, --help              this help\n\n"
	"Prints REF@DIGEST. Exit status: 0 pushed, 1 the registry refused or could not\n"
	"be reached, 2 bad input or usage.\n";

int cmd_push(int argc, char **argv)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		CLI_REGISTRY_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sk_registry_opts reg = {0};
	enum sk_arch arch = SK_ARCH_INVALID;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((arch = sk_arch_parse(optarg)) == SK_ARCH_INVALID)
				return cli_usage("push", "unknown architecture '%s'", optarg);
			break;
		case CLI_OPT_DOCKER_CONFIG:
		case CLI_OPT_CA_FILE:
			cli_registry_opt(c, optarg, &reg);
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("push", "unknown option (see --help)");
		}
	}
	if (optind + 2 != argc)
		return cli_usage("push", "expected PROFILE and REF (see --help)");
	const char *file = argv[optind], *ref = argv[optind + 1];
	char *text = NULL;
	size_t len = 0;
	if (cli_read_input(file, SK_INPUT_PROFILE, &text, &len))
		return EXIT_USAGE;
	int r;
	struct sk_diags d = {0};
	int rc = EXIT_USAGE;
	char digest[72];
	struct sk_prepare_opts po = {.arch = arch}; /* one file: the published bases only */
	char *json = sk_profile_for_node(text, len, file, &po, &d);
	if (json) {
		sk_oci_artifact_check(json, strlen(json), file, &d);
		r = sk_oci_push(ref, json, strlen(json), &reg, digest, &d);
		rc = r == -EINVAL ? EXIT_USAGE : r < 0 ? EXIT_FINDINGS : EXIT_OK;
	}
	/* the profile's lint notes are the profile's business, not push's */
	cli_print_diags_min(&d, SK_SEV_WARNING);
	if (rc == EXIT_OK)
		printf("%s@%s\n", ref, digest);
	sk_diags_free(&d);
	free(json);
	free(text);
	return rc;
}
