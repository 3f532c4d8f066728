/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit bundle: the manifests that put a directory of profiles on every
 * node (a ConfigMap and the node-sync DaemonSet, or SeccompProfile objects). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <scmpkit/distribute.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit bundle PROFILE_DIR [-o DIR] [--namespace NS] [--image IMAGE]\n"
	"                      [--for configmap|spo] [--arch A]\n\n"
	"Write what a cluster needs to put the profiles of PROFILE_DIR on every node,\n"
	"as kubectl-applyable YAML. Each profile is checked as node-sync will check it\n"
	"(parsed, linted, resolved, compiled); one that fails stops the bundle.\n\n"
	"  --for configmap (default): namespace.yaml, configmap.yaml (the profiles),\n"
	"      daemonset.yaml (node-sync on every node, installing them as\n"
	"      /var/lib/kubelet/seccomp/scmpkit/NAME.json);\n"
	"  --for spo: one Security Profiles Operator SeccompProfile (v1) per profile,\n"
	"      resolved for --arch; the operator installs them as operator/NAME.json.\n"
	"Both: examples/NAME.yaml (a Deployment using the profile at container level\n"
	"with allowPrivilegeEscalation: false) and kustomization.yaml.\n\n"
	"Options:\n"
	"  -o, --output DIR     write the files into DIR (kubectl apply -k DIR); without\n"
	"                       it, the objects go to stdout as one YAML stream\n"
	"  -n, --namespace NS   node-sync's namespace (default scmpkit)\n"
	"  -i, --image IMAGE    node-sync's image (default scmpkit:" SCMPKIT_VERSION ")\n"
	"  -f, --for TARGET     configmap or spo\n"
	"  -a, --arch A         resolve SeccompProfiles for A (default: this machine's)\n"
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 1 the files could not be written, 2 a profile or an\n"
	"option is wrong.\n";

/* Without -o: the applyable objects as one stream (no kustomization, no
 * examples), for kubectl apply -f -. */
static void print_stream(const struct sk_bundle *b)
{
	bool first = true;
	for (size_t i = 0; i < b->n; i++) {
		const char *n = b->files[i].name;
		if (!strncmp(n, "examples/", 9) || !strcmp(n, "kustomization.yaml"))
			continue;
		printf("%s%s", first ? "" : "---\n", b->files[i].text);
		first = false;
	}
}

int cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'}, {"namespace", required_argument, NULL, 'n'},
		{"image", required_argument, NULL, 'i'},  {"for", required_argument, NULL, 'f'},
		{"arch", required_argument, NULL, 'a'},	  {"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sk_bundle_opts o = {.target = SK_BUNDLE_CONFIGMAP, .arch = SK_ARCH_INVALID};
	const char *out = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:n:i:f:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			o.namespace_ = optarg;
			break;
		case 'i':
			o.image = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "configmap"))
				o.target = SK_BUNDLE_CONFIGMAP;
			else if (!strcmp(optarg, "spo"))
				o.target = SK_BUNDLE_SPO;
			else
				return cli_usage("bundle", "--for wants configmap or spo, not '%s'", optarg);
			break;
		case 'a':
			if ((o.arch = sk_arch_parse(optarg)) == SK_ARCH_INVALID)
				return cli_usage("bundle", "unknown architecture '%s'", optarg);
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("bundle", "unknown option (see --help)");
		}
	}
	if (optind + 1 != argc)
		return cli_usage("bundle", "expected one PROFILE_DIR (see --help)");
	struct sk_diags d = {0};
	struct sk_bundle b;
	int rc = EXIT_OK;
	if (sk_bundle_build(argv[optind], &o, &b, &d) < 0)
		rc = EXIT_USAGE;
	else if (!out)
		print_stream(&b);
	else if (sk_bundle_write(&b, out, &d) < 0)
		rc = EXIT_FINDINGS;
	cli_print_diags(&d);
	if (out && rc == EXIT_OK)
		for (size_t i = 0; i < b.n; i++)
			printf("wrote %s/%s\n", out, b.files[i].name);
	sk_diags_free(&d);
	sk_bundle_free(&b);
	return rc;
}
