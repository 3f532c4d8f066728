/* scmpkit fix: rewrite workloads to follow P1, P2 and P4, editing in place. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/fileio.h>
#include <scmpkit/k8s.h>
#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit fix [--profile PATH | --runtime-default] [-i] MANIFEST...\n\n"
	"Rewrite every workload (all pod-template kinds, containers, initContainers and\n"
	"ephemeralContainers) to follow P1, P2 and P4:\n"
	"  - a container-level securityContext.seccompProfile where a container has none\n"
	"    or Unconfined: Localhost with PATH, or RuntimeDefault;\n"
	"  - allowPrivilegeEscalation: false (privileged containers are reported instead);\n"
	"  - the deprecated seccomp annotations removed; a pod-level Unconfined replaced.\n"
	"Only those nodes change: comments and formatting elsewhere stay byte-identical.\n"
	"Windows pods are left alone. YAML (block or flow style) and JSON: JSON stays\n"
	"valid JSON. A node that cannot be edited safely is reported with its position\n"
	"and left unchanged.\n\n"
	"Options:\n"
	"  -p, --profile PATH      Localhost profile, relative to the kubelet's seccomp root\n"
	"  -r, --runtime-default   RuntimeDefault (the default when no --profile)\n"
	"  -i, --in-place          edit the files atomically instead of printing a diff\n"
	"  -h, --help              this help\n\n"
	"Exit status: 0 done (or nothing to change), 2 bad input or usage.\n";

static int fix_one(const char *file, const struct sk_k8s_fix_opts *o, bool in_place)
{
	char *text;
	size_t len;
	int r = sk_read_input(file, SK_INPUT_MANIFEST, &text, &len);
	if (r < 0) {
		cli_error("%s: cannot read: %s", file, sk_read_error(r, SK_INPUT_MANIFEST));
		return EXIT_USAGE;
	}
	struct sk_diags d = {0};
	int rc = EXIT_OK;
	struct sk_k8s_manifest *m = sk_k8s_parse(text, len, file, &d);
	struct sk_k8s_edits e = {0};
	if (!m) {
		rc = EXIT_USAGE;
	} else if (sk_k8s_fix(m, o, &e, &d) < 0) {
		cli_error("%s: out of memory", file);
		rc = EXIT_USAGE;
	} else if (in_place && strcmp(file, "-")) {
		if (e.n) {
			char *out = sk_k8s_apply_edits(text, len, &e);
			rc = out ? cli_write_output(file, out) : EXIT_USAGE;
			free(out);
		}
	} else {
		char *diff = sk_k8s_diff(text, len, &e, strcmp(file, "-") ? file : "stdin");
		if (diff)
			fputs(diff, stdout);
		free(diff);
	}
	cli_print_diags(&d);
	sk_k8s_edits_free(&e);
	sk_k8s_free(m);
	sk_diags_free(&d);
	free(text);
	return rc;
}

int cmd_fix(int argc, char **argv)
{
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"runtime-default", no_argument, NULL, 'r'},
		{"in-place", no_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sk_k8s_fix_opts o = {0};
	bool in_place = false, rd = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:rih", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.localhost_profile = optarg;
			break;
		case 'r':
			rd = true;
			break;
		case 'i':
			in_place = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("fix", "unknown option");
		}
	}
	if (rd && o.localhost_profile)
		return cli_usage("fix", "--profile and --runtime-default exclude each other");
	if (o.localhost_profile && (o.localhost_profile[0] == '/' || strstr(o.localhost_profile, "..")))
		return cli_usage("fix", "--profile must be relative to the kubelet's seccomp root, "
					"without '..'");
	if (optind >= argc)
		return cli_usage("fix", "expected a MANIFEST");
	int rc = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		int r = fix_one(argv[i], &o, in_place);
		if (r > rc)
			rc = r;
	}
	return rc;
}
