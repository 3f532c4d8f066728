/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit convert: between OCI, Docker and SeccompProfile; to OCI the way
 * Docker/Podman evaluate a profile for a host. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit convert --to oci|docker|spo [-o OUT] [--arch A] [--caps LIST]\n"
	"                       [--kernel X.Y] FILE\n\n"
	"Convert a seccomp profile (OCI, Docker, SeccompProfile or a runc config.json;\n"
	"JSON or YAML; \"-\" for stdin). For oci and spo, Docker's archMap and\n"
	"includes/excludes are evaluated as Docker does for one host, so that the\n"
	"result is the plain profile Docker or Podman hands to runc. A SeccompProfile's\n"
	"baseProfileName (one the security-profiles-operator publishes, runc-v1.4.2,\n"
	"crun-v1.26, ...) is stacked in for oci and docker; spo writes the operator's\n"
	"v1 (cluster-scoped).\n\n"
	"Options:\n"
	"  -t, --to FORMAT   oci, docker or spo (SeccompProfile YAML); required\n"
	"  -o, --output OUT  write to OUT (atomically) instead of stdout\n"
	"  -a, --arch A      the host arch for archMap and arches conditions\n"
	"                    (any spelling: amd64, x86_64, arm64, ...); default: native\n"
	"  -c, --caps LIST   the bounding set, comma-separated (CAP_ optional), or\n"
	"                    \"default\" (Docker's 14) or \"none\"; default: default\n"
	"  -k, --kernel X.Y  the kernel version for minKernel; default: running kernel\n"
	"  -h, --help        this help\n\n"
	"Exit status: 0 ok, 2 bad input or usage.\n";

/* "sys_admin,CAP_NET_ADMIN" -> {"CAP_SYS_ADMIN", "CAP_NET_ADMIN"}. */
static char **parse_caps(const char *list, size_t *n)
{
	*n = 0;
	size_t max = 1;
	for (const char *p = list; *p; p++)
		max += *p == ',';
	char **v = calloc(max, sizeof *v);
	char *copy = strdup(list);
	if (!v || !copy) {
		free(v);
		free(copy);
		return NULL;
	}
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(t);
		char *c = malloc(l + 5);
		if (!c)
			break;
		bool has = !strncasecmp(t, "CAP_", 4);
		snprintf(c, l + 5, "%s%s", has ? "" : "CAP_", t);
		for (char *q = c; *q; q++)
			*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
		v[(*n)++] = c;
	}
	free(copy);
	return v;
}

/* P as TO: a SeccompProfile's base stacked in for OCI and Docker (they name
 * none), Docker's conditions evaluated for OCI and SeccompProfile (they have
 * none). NULL with diagnostics in D. */
static char *convert(const struct sk_profile *p, enum sk_format to,
		     const struct sk_resolve_opts *ro, struct sk_diags *d)
{
	struct sk_profile *stacked = NULL, *r = NULL;
	char *text = NULL;
	if (to != SK_FORMAT_SPO && p->spo_base_profile) {
		if (sk_profile_resolve_base(p, NULL, 0, &stacked, d) < 0)
			return NULL;
		p = stacked;
	}
	if (to == SK_FORMAT_DOCKER || (r = sk_profile_resolve(p, ro, d)))
		text = sk_profile_emit(r ? r : p, to, d);
	sk_profile_free(r);
	sk_profile_free(stacked);
	return text;
}

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},	 {"output", required_argument, NULL, 'o'},
		{"arch", required_argument, NULL, 'a'},	 {"caps", required_argument, NULL, 'c'},
		{"kernel", required_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL, *caps = NULL;
	int to = -1;
	struct sk_resolve_opts ro = {.arch = SK_ARCH_INVALID, .kernel_major = -1};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:a:c:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((to = cli_output_format("convert", "--to", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'o':
			out = optarg;
			break;
		case 'a':
			ro.arch = sk_arch_parse(optarg);
			if (ro.arch == SK_ARCH_INVALID) {
				const char *s = sk_arch_suggest(optarg);
				return cli_usage("convert", "unknown architecture '%s'%s%s%s", optarg,
						 s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
			}
			break;
		case 'c':
			caps = optarg;
			break;
		case 'k': {
			char end;
			if (sscanf(optarg, "%d.%d%c", &ro.kernel_major, &ro.kernel_minor, &end) != 2 ||
			    ro.kernel_major < 0 || ro.kernel_minor < 0)
				return cli_usage("convert", "--kernel wants MAJOR.MINOR, like 5.10, not '%s'",
						 optarg);
			break;
		}
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("convert", "unknown option (see --help)");
		}
	}
	if (to < 0)
		return cli_usage("convert", "--to oci|docker|spo is required");
	if (optind + 1 != argc)
		return cli_usage("convert", "expected one FILE (see --help)");

	char **capv = NULL;
	size_t n_caps = 0;
	if (caps && strcmp(caps, "default")) {
		if (!strcmp(caps, "none"))
			caps = "";
		capv = parse_caps(caps, &n_caps);
		if (!capv) {
			cli_error("out of memory");
			return EXIT_USAGE;
		}
		ro.caps = (const char **)capv;
		ro.n_caps = n_caps;
	}
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(argv[optind], &d);
	char *text = p ? convert(p, (enum sk_format)to, &ro, &d) : NULL;
	/* a failed write is the command's own failure (1), not bad input */
	int rc = text ? cli_write_output(out, text) : EXIT_USAGE;
	cli_print_diags(&d);
	sk_diags_free(&d);
	sk_profile_free(p);
	free(text);
	for (size_t i = 0; i < n_caps; i++)
		free(capv[i]);
	free(capv);
	return rc;
}
