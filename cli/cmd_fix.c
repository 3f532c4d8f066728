/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit fix: rewrite workloads to follow P1, P2 and P4, editing in place. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/fileio.h>
#include <scmpkit/k8s.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit fix [--profile [[WORKLOAD/]CONTAINER=]PATH]... [--runtime-default]\n"
	"                   [-i] MANIFEST...\n\n"
	"Rewrite every workload (any object with a pod template; containers,\n"
	"initContainers and ephemeralContainers) to follow P1, P2 and P4, never making\n"
	"one worse:\n"
	"  - a container-level securityContext.seccompProfile where a container has none,\n"
	"    Unconfined or an invalid type: the profile you mapped to it; else the\n"
	"    Localhost profile (or RuntimeDefault) of its deprecated annotation; else the\n"
	"    pod level's Localhost profile; else --profile PATH; else the pod level's\n"
	"    RuntimeDefault; else RuntimeDefault;\n"
	"  - allowPrivilegeEscalation: false (not beside privileged: true or CAP_SYS_ADMIN,\n"
	"    which the API server rejects: those are reported instead);\n"
	"  - the deprecated seccomp annotations removed; a pod-level Unconfined replaced.\n"
	"What each container got, and why, is said on stderr. Only those nodes change:\n"
	"comments and formatting elsewhere stay byte-identical. Windows pods are left\n"
	"alone. YAML (block or flow style) and JSON: JSON stays valid JSON. A node that\n"
	"cannot be edited safely (one a YAML alias shares, an unusual layout) is\n"
	"reported with its position and left unchanged.\n\n"
	"Options:\n"
	"  -p, --profile PATH      Localhost profile, relative to the kubelet's seccomp\n"
	"                          root, for containers with no profile to keep\n"
	"  -p, --profile [WORKLOAD/]CONTAINER=PATH\n"
	"                          this profile for container CONTAINER (of the workload\n"
	"                          whose metadata.name is WORKLOAD); repeat for others\n"
	"  -r, --runtime-default   RuntimeDefault (the default when no --profile PATH)\n"
	"  -i, --in-place          edit the files atomically instead of printing a diff;\n"
	"                          with MANIFEST \"-\", print the fixed YAML (a pipe)\n"
	"  -h, --help              this help\n\n"
	"Exit status: 0 done (or nothing to change), 1 the file could not be written or\n"
	"edited safely, 2 bad input or usage.\n";

static int fix_one(const char *file, const struct sk_k8s_fix_opts *o, bool in_place)
{
	char *text;
	size_t len;
	int r = sk_read_input(file, SK_INPUT_MANIFEST, &text, &len);
	if (r < 0) {
		cli_error("%s: cannot read: %s", file, sk_read_error(r, SK_INPUT_MANIFEST));
		return EXIT_USAGE;
	}
	bool piped = !strcmp(file, "-");
	const char *name = piped ? "stdin" : file;
	struct sk_diags d = {0};
	int rc = EXIT_OK;
	struct sk_k8s_manifest *m = sk_k8s_parse(text, len, name, &d);
	struct sk_k8s_edits e = {0};
	if (!m) {
		rc = EXIT_USAGE;
	} else if ((r = sk_k8s_fix(m, o, &e, &d)) < 0) {
		if (r == -ENOMEM)
			cli_error("%s: out of memory", name);
		rc = EXIT_FINDINGS; /* nothing written */
	} else if (in_place) {
		/* the whole new text, or nothing: built before anything is written */
		char *out = sk_k8s_apply_edits(text, len, &e);
		if (!out)
			rc = EXIT_FINDINGS;
		else if (piped)
			fputs(out, stdout);
		else if (e.n)
			rc = cli_write_output(file, out);
		free(out);
	} else {
		char *diff = sk_k8s_diff(text, len, &e, name);
		if (diff)
			fputs(diff, stdout);
		else
			rc = EXIT_FINDINGS;
		free(diff);
	}
	cli_print_diags(&e.choices);
	cli_print_diags(&d);
	sk_k8s_edits_free(&e);
	sk_k8s_free(m);
	sk_diags_free(&d);
	free(text);
	return rc;
}

static bool kubelet_path(const char *p)
{
	return p[0] != '/' && !strstr(p, "..");
}

/* "[WORKLOAD/]CONTAINER=PATH" into *M (ARG is cut in place); false when
 * ARG has no '='. */
static bool mapping(char *arg, struct sk_k8s_profile_map *m)
{
	char *eq = strchr(arg, '=');
	if (!eq)
		return false;
	*eq = '\0';
	char *slash = strchr(arg, '/');
	if (slash)
		*slash = '\0';
	*m = (struct sk_k8s_profile_map){slash ? arg : NULL, slash ? slash + 1 : arg, eq + 1};
	return true;
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
	/* at most one mapping per argument: no growing */
	struct sk_k8s_profile_map *map = calloc((size_t)argc, sizeof *map);
	struct sk_k8s_fix_opts o = {.map = map};
	bool in_place = false, rd = false;
	int c, rc = EXIT_OK;
	if (!map) {
		cli_error("out of memory");
		return EXIT_FINDINGS;
	}
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, "p:rih", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (mapping(optarg, &map[o.n_map])) {
				const struct sk_k8s_profile_map *e = &map[o.n_map++];
				if (!*e->container || !*e->localhost_profile ||
				    (e->workload && !*e->workload))
					rc = cli_usage("fix", "--profile wants [WORKLOAD/]CONTAINER=PATH");
			} else if (o.localhost_profile) {
				rc = cli_usage("fix", "one --profile PATH for the rest; map others "
						      "with CONTAINER=PATH");
			} else {
				o.localhost_profile = optarg;
			}
			break;
		case 'r':
			rd = true;
			break;
		case 'i':
			in_place = true;
			break;
		case 'h':
			fputs(help, stdout);
			free(map);
			return EXIT_OK;
		default:
			rc = cli_usage("fix", "unknown option");
		}
	}
	const char *bad = o.localhost_profile && !kubelet_path(o.localhost_profile)
				  ? o.localhost_profile
				  : NULL;
	for (size_t i = 0; i < o.n_map && !bad; i++)
		if (!kubelet_path(map[i].localhost_profile))
			bad = map[i].localhost_profile;
	if (rc) {
		free(map);
		return rc;
	}
	if (bad)
		rc = cli_usage("fix", "--profile must be relative to the kubelet's seccomp root, "
				      "without '..': '%s'",
			       bad);
	else if (rd && o.localhost_profile)
		rc = cli_usage("fix", "--profile PATH and --runtime-default exclude each other");
	else if (optind >= argc)
		rc = cli_usage("fix", "expected a MANIFEST");
	bool usage = rc;
	for (int i = optind; !usage && i < argc; i++) {
		int r = fix_one(argv[i], &o, in_place);
		if (r > rc)
			rc = r;
	}
	free(map);
	return rc;
}
