/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit audit-profile: an enforcing profile -> its audit-mode twin (P5). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/audit.h>
#include <scmpkit/profile.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit audit-profile PROFILE [-o OUT] [--format FORMAT]\n\n"
	"Convert PROFILE to audit mode (practice P5): what it allows stays allowed,\n"
	"the syscalls Docker's default profile blocks stay blocked (each for a\n"
	"documented reason: data/dangerous-syscalls.tsv), and everything else the\n"
	"profile would deny becomes SCMP_ACT_LOG: the kernel lets the call through and\n"
	"logs it. Run the workload under the result (scmpkit run, runc, Kubernetes),\n"
	"then build the final profile from the log with 'scmpkit learn'.\n\n"
	"Options:\n"
	"  -o, --output OUT    write here (atomically) instead of stdout\n"
	"  -f, --format F      oci, docker, spo (default: PROFILE's own; Docker profiles\n"
	"                      with conditions come out as OCI, resolved for this host)\n"
	"  -h, --help          this help\n\n"
	"Exit status: 0 written, 2 unreadable or invalid PROFILE.\n";

static size_t count_names(const struct sk_profile *p, enum sk_action a)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].action == a)
			n += p->rules[i].n_names;
	return n;
}

int cmd_audit_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL;
	int format = -1;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((format = cli_output_format("audit-profile", "--format", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("audit-profile", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage("audit-profile", "expected one PROFILE");

	struct sk_diags d = {0};
	int rc = EXIT_USAGE;
	struct sk_profile *p = sk_profile_load(argv[optind], &d);
	struct sk_profile *a = p ? sk_profile_audit_mode(p, &d) : NULL;
	char *text = NULL;
	if (a) {
		if (format < 0)
			format = a->format == SK_FORMAT_RUNC_CONFIG ? SK_FORMAT_OCI : (int)a->format;
		text = sk_profile_emit(a, (enum sk_format)format, &d);
	}
	cli_print_diags(&d);
	if (text && (rc = cli_write_output(out, text)) == EXIT_OK) {
		rc = EXIT_OK;
		fprintf(stderr,
			"scmpkit audit-profile: %zu syscall name(s) stay allowed, %zu stay blocked "
			"(Docker's dangerous list and the profile's own blocks), default %s\n",
			count_names(a, SK_ACT_ALLOW),
			count_names(a, SK_ACT_ERRNO) + count_names(a, SK_ACT_KILL_PROCESS) +
				count_names(a, SK_ACT_KILL_THREAD) + count_names(a, SK_ACT_TRAP),
			sk_action_name(a->default_action));
	}
	free(text);
	sk_profile_free(a);
	sk_profile_free(p);
	sk_diags_free(&d);
	return rc;
}
