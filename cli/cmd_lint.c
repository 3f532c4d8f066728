/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit lint: profiles and Kubernetes manifests against practices P1–P7. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/lint.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit lint [OPTIONS] FILE|DIR|-...\n\n"
	"Check seccomp profiles (OCI, Docker, SeccompProfile; JSON or YAML), Kubernetes\n"
	"manifests (multi-document YAML or JSON, kind: List, SeccompProfiles beside\n"
	"workloads) and runc config.json files against the practices P1-P7.\n"
	"Directories are searched for *.json, *.yaml, *.yml: Helm templates, kustomize\n"
	"patches and other YAML found there are skipped with a note on stderr.\n\n"
	"Options:\n"
	"  -f, --format FMT       text (default; colour on a terminal), json or sarif (2.1.0)\n"
	"      --fail-on SEV      exit 1 when a finding is at least SEV: note, warning,\n"
	"                         error (default: error)\n"
	"  -d, --disable RULE     do not report RULE (repeat, or separate with commas)\n"
	"  -p, --profiles-dir DIR the kubelet's seccomp root: Localhost profiles must\n"
	"                         exist there, and are linted too\n"
	"      --list-rules       print every rule: id, severity, practice, summary\n"
	"  -h, --help             this help\n\n"
	"A comment '# scmpkit:ignore RULE[,RULE]' on a node's line (or on a comment line\n"
	"just above it) silences those rules there.\n\n"
	"Exit status: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage\n"
	"(a FILE named here that is unreadable, broken or none of the above).\n";

static void list_rules(void)
{
	for (size_t i = 0; i < sk_lint_rule_count(); i++) {
		const struct sk_lint_rule *rl = sk_lint_rule_at(i);
		printf("%-30s %-8s %-3s %s\n", rl->id, sk_severity_name(rl->severity),
		       rl->practice ? rl->practice : "-", rl->summary);
	}
}

/* V has room for every rule once: only registered rules are taken, once. */
static int add_disabled(const char **v, size_t *n, char *arg)
{
	for (char *save = NULL, *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct sk_lint_rule *r = sk_lint_rule_find(t);
		if (!r)
			return cli_usage("lint", "unknown rule '%s' (see --list-rules)", t);
		bool have = false;
		for (size_t i = 0; i < *n && !have; i++)
			have = v[i] == r->id;
		if (!have)
			v[(*n)++] = r->id;
	}
	return 0;
}

int cmd_lint(int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_LIST_RULES };
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"disable", required_argument, NULL, 'd'},
		{"profiles-dir", required_argument, NULL, 'p'},
		{"list-rules", no_argument, NULL, OPT_LIST_RULES},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	enum sk_lint_format fmt = SK_LINT_TEXT;
	int fail_on = SK_SEV_ERROR;
	const char **disabled = calloc(sk_lint_rule_count(), sizeof *disabled);
	size_t n_disabled = 0;
	const char *profiles_dir = NULL;
	int c, rc;
	if (!disabled) {
		cli_error("out of memory");
		return EXIT_FINDINGS;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:d:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = SK_LINT_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = SK_LINT_JSON;
			else if (!strcmp(optarg, "sarif"))
				fmt = SK_LINT_SARIF;
			else
				return cli_usage("lint", "unknown format '%s' (text, json, sarif)", optarg);
			break;
		case OPT_FAIL_ON:
			fail_on = sk_severity_parse(optarg);
			if (fail_on < 0)
				return cli_usage("lint", "unknown severity '%s' (note, warning, error)",
						 optarg);
			break;
		case 'd':
			if ((rc = add_disabled(disabled, &n_disabled, optarg))) {
				free(disabled);
				return rc;
			}
			break;
		case 'p':
			profiles_dir = optarg;
			break;
		case OPT_LIST_RULES:
			list_rules();
			free(disabled);
			return EXIT_OK;
		case 'h':
			fputs(help, stdout);
			free(disabled);
			return EXIT_OK;
		default:
			free(disabled);
			return cli_usage("lint", "unknown option");
		}
	}
	if (optind >= argc) {
		free(disabled);
		return cli_usage("lint", "expected a FILE, DIR or -");
	}
	struct sk_lint_opts o = {.disabled = disabled, .n_disabled = n_disabled, .profiles_dir = profiles_dir};
	struct sk_lint_result r;
	if (sk_lint_paths((const char *const *)argv + optind, (size_t)(argc - optind), &o, &r)) {
		cli_error("out of memory");
		sk_lint_result_free(&r);
		free(disabled);
		return EXIT_FINDINGS;
	}
	char *out = sk_lint_render(&r.findings, fmt,
				   fmt == SK_LINT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (out) {
		fputs(out, stdout);
		free(out);
	}
	cli_print_diags(&r.skipped);
	rc = r.bad_input ? EXIT_USAGE
	     : sk_diags_count(&r.findings, (enum sk_severity)fail_on) ? EXIT_FINDINGS
								      : EXIT_OK;
	sk_lint_result_free(&r);
	free(disabled);
	return rc;
}
