/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit node-sync: the node agent that installs profiles under the kubelet's
 * seccomp root; --probe is its readiness check. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/distribute.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit node-sync --from SRC... --root DIR [--subdir NAME]\n"
	"                         [--once | --interval DURATION] [--status FILE]\n"
	"       scmpkit node-sync --probe --status FILE [--max-age DURATION]\n\n"
	"Install seccomp profiles on this node, under DIR/scmpkit/ (the kubelet's\n"
	"seccomp root is /var/lib/kubelet/seccomp; a pod then names a profile as\n"
	"localhostProfile: scmpkit/NAME.json). SRC is a directory (a mounted ConfigMap:\n"
	"its ..data swap is followed) or oci://REGISTRY/REPO[:TAG|@DIGEST]. Each\n"
	"profile (any format) is parsed, resolved to runtime-spec JSON for this node's\n"
	"architecture, linted and compiled first; one that fails is not installed and\n"
	"the last good version stays. Files are installed atomically; only files\n"
	"node-sync wrote (listed in DIR/scmpkit/.scmpkit-owned.json) are ever replaced\n"
	"or removed. A second sync with nothing changed writes nothing.\n\n"
	"Options:\n"
	"  -f, --from SRC          a profile directory or oci:// reference (repeatable)\n"
	"  -r, --root DIR          the kubelet's seccomp root\n"
	"  -d, --subdir NAME       install under DIR/NAME instead of DIR/scmpkit\n"
	"  -1, --once              sync once and exit: 0 every profile installed, 1 not\n"
	"  -i, --interval DURATION sync every DURATION (default 30s; 500ms, 5m, 1h) and\n"
	"                          when a source directory changes; SIGTERM ends it\n"
	"  -s, --status FILE       write a JSON status after each sync (readiness)\n"
	"  -a, --arch A            resolve for this architecture (default: this node's)\n"
	CLI_REGISTRY_HELP
	"  -p, --probe             read --status FILE: exit 0 when ready, 1 when not\n"
	"  -m, --max-age DURATION  with --probe: the last sync must be this recent\n"
	"  -h, --help              this help\n\n"
	"Exit status: 0 ok (the loop ends on SIGTERM with 0), 1 a profile rejected or\n"
	"the sync failed (--once) or not ready (--probe), 2 bad usage.\n";

/* "30s", "500ms", "5m", "1h", "90" (seconds) -> milliseconds; 0 when bad. */
static unsigned long long duration_ms(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *s == '-')
		return 0;
	static const struct {
		const char *unit;
		unsigned long long ms;
	} units[] = {{"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(end, units[i].unit))
			return v > 24ull * 3600000 ? 0 : v * units[i].ms;
	return 0;
}

static const char *verb(enum sk_sync_what w)
{
	static const char *const v[] = {
		[SK_SYNC_ADDED] = "installed",	 [SK_SYNC_UPDATED] = "updated",
		[SK_SYNC_UNCHANGED] = "unchanged", [SK_SYNC_REMOVED] = "removed",
		[SK_SYNC_REJECTED] = "rejected",	 [SK_SYNC_IGNORED] = "ignored",
	};
	return v[w];
}

struct printer {
	bool once;
	char *last; /* the previous sync's rejections, printed only when they change */
};

/* What the previous sync reported as rejected or failed, as one string. */
static char *problems(const struct sk_sync_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < res->n; i++)
		if (res->items[i].what == SK_SYNC_REJECTED || res->items[i].what == SK_SYNC_IGNORED)
			for (size_t k = 0; k < res->items[i].diags.n; k++)
				fprintf(f, "%s\n", res->items[i].diags.v[k].message);
	for (size_t k = 0; k < res->errors.n; k++)
		fprintf(f, "%s\n", res->errors.v[k].message);
	fclose(f);
	return buf;
}

static void print_item(const struct sk_sync_result *res, const struct sk_sync_item *it)
{
	/* names from a source arrive escaped (distribute.h) */
	if (it->what == SK_SYNC_IGNORED)
		fprintf(stderr, "scmpkit node-sync: ignored %s\n", it->source);
	else if (it->what == SK_SYNC_REJECTED)
		fprintf(stderr, "scmpkit node-sync: rejected %s (from %s)%s\n", it->name, it->source,
			it->kept ? "; the last good version stays installed" : "; not installed");
	else
		printf("scmpkit node-sync: %s %s/%s (from %s)\n", verb(it->what), res->dir, it->name,
		       it->source);
	if (it->what == SK_SYNC_IGNORED)
		cli_print_diags_min(&it->diags, SK_SEV_NOTE);
	else if (it->what == SK_SYNC_REJECTED)
		cli_print_diags_min(&it->diags, SK_SEV_ERROR);
	else if (it->what == SK_SYNC_ADDED || it->what == SK_SYNC_UPDATED)
		cli_print_diags_min(&it->diags, SK_SEV_WARNING);
}

static void report(const struct sk_sync_result *res, void *data)
{
	struct printer *p = data;
	char *now = problems(res);
	bool show_problems = p->once || !now || !p->last || strcmp(now, p->last);
	free(p->last);
	p->last = now;
	size_t n[SK_SYNC_IGNORED + 1] = {0};
	for (size_t i = 0; i < res->n; i++) {
		const struct sk_sync_item *it = &res->items[i];
		n[it->what]++;
		bool problem = it->what == SK_SYNC_REJECTED || it->what == SK_SYNC_IGNORED;
		if ((problem && show_problems) || it->what == SK_SYNC_ADDED ||
		    it->what == SK_SYNC_UPDATED || it->what == SK_SYNC_REMOVED)
			print_item(res, it);
	}
	if (show_problems)
		cli_print_diags(&res->errors);
	fflush(stdout);
	if (!p->once && !res->changes && !show_problems)
		return;
	printf("scmpkit node-sync: %s: %zu installed (%zu new, %zu updated, %zu unchanged), "
	       "%zu rejected, %zu removed, %zu ignored%s\n",
	       res->dir ? res->dir : "?", n[SK_SYNC_ADDED] + n[SK_SYNC_UPDATED] + n[SK_SYNC_UNCHANGED],
	       n[SK_SYNC_ADDED], n[SK_SYNC_UPDATED], n[SK_SYNC_UNCHANGED], n[SK_SYNC_REJECTED],
	       n[SK_SYNC_REMOVED], n[SK_SYNC_IGNORED], res->failed ? "; the sync FAILED" : "");
	fflush(stdout);
}

static int probe(const char *status, unsigned long long max_age_ms)
{
	struct sk_diags d = {0};
	int r = sk_sync_probe(status, (unsigned)(max_age_ms / 1000), &d);
	cli_print_diags(&d);
	sk_diags_free(&d);
	if (!r)
		printf("scmpkit node-sync: ready\n");
	return r ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_node_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},	   {"root", required_argument, NULL, 'r'},
		{"subdir", required_argument, NULL, 'd'},  {"once", no_argument, NULL, '1'},
		{"interval", required_argument, NULL, 'i'}, {"status", required_argument, NULL, 's'},
		{"arch", required_argument, NULL, 'a'},	   {"probe", no_argument, NULL, 'p'},
		{"max-age", required_argument, NULL, 'm'},  {"help", no_argument, NULL, 'h'},
		CLI_REGISTRY_OPTIONS,
		{0},
	};
	const char *sources[64];
	struct sk_registry_opts reg = {0};
	struct sk_sync_opts o = {.sources = sources, .arch = SK_ARCH_INVALID, .registry = &reg};
	bool once = false, do_probe = false, interval_set = false;
	unsigned long long interval = 30000, max_age = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:r:d:1i:s:a:pm:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (o.n_sources == sizeof sources / sizeof sources[0])
				return cli_usage("node-sync", "at most 64 --from sources");
			sources[o.n_sources++] = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'd':
			o.subdir = optarg;
			break;
		case '1':
			once = true;
			break;
		case 'i':
		case 'm':
			if (!(c == 'i' ? (interval = duration_ms(optarg)) : (max_age = duration_ms(optarg))))
				return cli_usage("node-sync", "%s wants a duration such as 30s, 500ms, 5m or 1h, "
						 "not '%s'", c == 'i' ? "--interval" : "--max-age", optarg);
			interval_set |= c == 'i';
			break;
		case 's':
			o.status = optarg;
			break;
		case 'a':
			if ((o.arch = sk_arch_parse(optarg)) == SK_ARCH_INVALID)
				return cli_usage("node-sync", "unknown architecture '%s'", optarg);
			break;
		case 'p':
			do_probe = true;
			break;
		case CLI_OPT_DOCKER_CONFIG:
		case CLI_OPT_CA_FILE:
			cli_registry_opt(c, optarg, &reg);
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("node-sync", "unknown option (see --help)");
		}
	}
	if (optind != argc)
		return cli_usage("node-sync", "unexpected argument '%s'", argv[optind]);
	if (do_probe)
		return o.status ? probe(o.status, max_age)
				: cli_usage("node-sync", "--probe reads the file --status names");
	if (!o.n_sources || !o.root)
		return cli_usage("node-sync", "--from SRC and --root DIR are required");
	if (once && interval_set)
		return cli_usage("node-sync", "--once and --interval exclude each other");
	struct printer pr = {.once = once};
	int rc = EXIT_OK;
	if (once) {
		struct sk_sync_result res;
		int r = sk_node_sync_once(&o, &res);
		report(&res, &pr);
		rc = r < 0 || res.failed ? EXIT_FINDINGS : EXIT_OK;
		sk_sync_result_free(&res);
	} else {
		int r = sk_node_sync_loop(&o, (unsigned)(interval > 86400000ull ? 86400000ull : interval),
					  report, &pr);
		if (r < 0) {
			cli_error("node-sync: cannot wait for signals: %s", strerror(-r));
			rc = EXIT_FINDINGS;
		}
	}
	free(pr.last);
	return rc;
}
