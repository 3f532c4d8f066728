/* scmpkit lint: profiles and Kubernetes manifests against practices P1–P7. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/lint.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit lint [OPTIONS] FILE|DIR|-...\n\n"
	"Check seccomp profiles (OCI, Docker, SeccompProfile; JSON or YAML), Kubernetes\n"
	"manifests (multi-document YAML or JSON, kind: List) and runc config.json files\n"
	"against the practices P1-P7. Directories are searched for *.json, *.yaml, *.yml.\n\n"
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
	"Exit status: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage.\n";

struct run {
	struct sk_lint_opts opts;
	struct sk_diags diags;
	bool bad_input;
};

static bool lintable_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".json") || !strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lint_path(struct run *r, const char *path, bool explicit_arg);

/* Every lintable file below DIR, in name order so that output is stable. */
static void lint_dir(struct run *r, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		cli_error("%s: %s", dir, strerror(errno));
		r->bad_input = true;
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char **v = realloc(names, (n + 1) * sizeof *v);
		if (!v)
			break;
		names = v;
		if (asprintf(&names[n], "%s/%s", dir, e->d_name) >= 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		lint_path(r, names[i], false);
		free(names[i]);
	}
	free(names);
}

static void lint_path(struct run *r, const char *path, bool explicit_arg)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		lint_dir(r, path);
		return;
	}
	if (!explicit_arg && !lintable_name(path))
		return;
	int e = sk_lint_file(path, &r->opts, &r->diags);
	if (e == -ENOTSUP) {
		if (explicit_arg) {
			sk_diags_add(&r->diags, SK_SEV_ERROR, path, 0, 0, "unknown-input",
				     "neither a seccomp profile, a Kubernetes manifest nor a runc "
				     "config.json");
			r->bad_input = true;
		}
	} else if (e < 0) {
		r->bad_input = true;
	}
}

static void list_rules(void)
{
	for (size_t i = 0; i < sk_lint_rule_count(); i++) {
		const struct sk_lint_rule *rl = sk_lint_rule_at(i);
		printf("%-30s %-8s %-3s %s\n", rl->id, sk_severity_name(rl->severity),
		       rl->practice ? rl->practice : "-", rl->summary);
	}
}

static int add_disabled(const char ***v, size_t *n, char *arg)
{
	for (char *save = NULL, *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!sk_lint_rule_find(t))
			return cli_usage("lint", "unknown rule '%s' (see --list-rules)", t);
		const char **nv = realloc(*v, (*n + 1) * sizeof *nv);
		if (!nv)
			return EXIT_USAGE;
		*v = nv;
		nv[(*n)++] = t;
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
	const char **disabled = NULL;
	size_t n_disabled = 0;
	const char *profiles_dir = NULL;
	int c, rc;
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
			if ((rc = add_disabled(&disabled, &n_disabled, optarg))) {
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
	struct run r = {.opts = {disabled, n_disabled, profiles_dir}};
	for (int i = optind; i < argc; i++)
		lint_path(&r, argv[i], true);
	sk_diags_sort(&r.diags);
	char *out = sk_lint_render(&r.diags, fmt,
				   fmt == SK_LINT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (out) {
		fputs(out, stdout);
		free(out);
	}
	rc = r.bad_input ? EXIT_USAGE
	     : sk_diags_count(&r.diags, (enum sk_severity)fail_on) ? EXIT_FINDINGS
								   : EXIT_OK;
	sk_diags_free(&r.diags);
	free(disabled);
	return rc;
}
