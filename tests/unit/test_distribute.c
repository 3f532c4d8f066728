/* SPDX-License-Identifier: Apache-2.0 */
/* lib/distribute: the ownership manifest, and
 * node-sync against a real directory tree: installs, idempotence, removals,
 * the last good version, files and links other parties planted, a forged
 * manifest, ConfigMap ..data layouts, the status file and the probe. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/distribute.h>
#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>

#include "distribute/internal.h"
#include "util/strbuf.h"

/* ---- helpers ---------------------------------------------------------------- */

static const char good[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
	" \"syscalls\": [{\"names\": [\"read\", \"write\", \"exit\", \"exit_group\", "
	"\"rt_sigreturn\", \"restart_syscall\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n";
static const char good2[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
	" \"syscalls\": [{\"names\": [\"read\", \"write\", \"openat\", \"exit\", \"exit_group\", "
	"\"rt_sigreturn\", \"restart_syscall\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n";
/* parses, but lint finds errors (P7: no exit) */
static const char broken[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
	" \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n";

static char tmp[256];

static void mk_tmp(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/sk-dist-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void rm_tmp(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}

static char *path(const char *rel)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, rel);
	return buf[i];
}

static void put(const char *rel, const char *text)
{
	FILE *f = fopen(path(rel), "w");
	cr_assert_not_null(f, "%s: %s", rel, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static char *get(const char *rel)
{
	FILE *f = fopen(path(rel), "r");
	if (!f)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static bool exists(const char *rel)
{
	struct stat st;
	return lstat(path(rel), &st) == 0;
}

static const struct sk_sync_item *find(const struct sk_sync_result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].name && !strcmp(r->items[i].name, name))
			return &r->items[i];
	return NULL;
}

static bool has_rule(const struct sk_diags *d, const char *rule)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].rule && !strcmp(d->v[i].rule, rule))
			return true;
	return false;
}

static int sync_dir(const char *src, struct sk_sync_result *res)
{
	const char *sources[] = {path(src)};
	struct sk_sync_opts o = {.sources = sources, .n_sources = 1, .root = path("root"),
				 .arch = SK_ARCH_X86_64, .status = path("status.json")};
	return sk_node_sync_once(&o, res);
}

/* A sync of SRC that fails as a whole (RULE among its errors, when given). */
static void expect_failed(const char *src, const char *rule)
{
	struct sk_sync_result r;
	cr_assert_lt(sync_dir(src, &r), 0);
	cr_assert(r.failed);
	if (rule)
		cr_assert(has_rule(&r.errors, rule), "no %s", rule);
	sk_sync_result_free(&r);
}

/* ---- names and the manifest ------------------------------------------------------ */

Test(names, profile_names_and_subdirs)
{
	char out[256];
	cr_assert(sk_src_profile_name("web.yaml", out, sizeof out));
	cr_assert_str_eq(out, "web.json");
	cr_assert(sk_src_profile_name("a.b-c_d.yml", out, sizeof out));
	cr_assert_str_eq(out, "a.b-c_d.json");
	const char *bad[] = {"..json", ".web.json", "web", "we b.json", "../x.json", "a/b.json",
			     "w\xc3\xa9.json", "-x.json", ".json", "x.JSON"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_not(sk_src_profile_name(bad[i], out, sizeof out), "%s", bad[i]);
	cr_assert(sk_own_subdir_valid("scmpkit"));
	cr_assert(sk_own_subdir_valid("teams/web"));
	const char *badsub[] = {"", "/abs", "..", "a/../b", "a//b", "a/", ".hidden", "a/./b"};
	for (size_t i = 0; i < sizeof badsub / sizeof badsub[0]; i++)
		cr_assert_not(sk_own_subdir_valid(badsub[i]), "%s", badsub[i]);
}

Test(manifest, round_trip)
{
	struct sk_own own = {0};
	struct sk_own_entry *e = sk_own_add(&own, "web.json");
	snprintf(e->digest, sizeof e->digest, "sha256:%064d", 1);
	e->source = strdup("/profiles/web \"x\".json");
	char *text = sk_own_format(&own);
	struct sk_own back;
	struct sk_diags d = {0};
	cr_assert_eq(sk_own_parse(text, strlen(text), "m", &back, &d), 0);
	cr_assert_eq(back.n, 1);
	cr_assert_str_eq(back.v[0].name, "web.json");
	cr_assert_str_eq(back.v[0].digest, e->digest);
	cr_assert_str_eq(back.v[0].source, e->source);
	free(text);
	sk_own_free(&own);
	sk_own_free(&back);
}

Test(manifest, forged_names_and_digests_refused)
{
	const char *forged[] = {
		"{\"scmpkitOwned\": 1, \"files\": [{\"name\": \"../../etc/passwd\", \"digest\": "
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"scmpkitOwned\": 1, \"files\": [{\"name\": \"web.yaml\", \"digest\": "
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"scmpkitOwned\": 1, \"files\": [{\"name\": \"web.json\", \"digest\": \"md5:00\"}]}",
		"{\"scmpkitOwned\": 2, \"files\": []}",
		"{\"scmpkitOwned\": 1, \"files\": [{\"name\": \"a.json\", \"digest\": "
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}, "
		"{\"name\": \"a.json\", \"digest\": "
		"\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}",
	};
	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		struct sk_own own;
		struct sk_diags d = {0};
		cr_assert_eq(sk_own_parse(forged[i], strlen(forged[i]), "m", &own, &d), -EINVAL,
			     "case %zu", i);
		cr_assert(has_rule(&d, "sync-manifest") || has_rule(&d, "json-syntax"), "case %zu", i);
		sk_diags_free(&d);
	}
}

/* ---- node-sync ----------------------------------------------------------------- */

Test(node_sync, installs_then_writes_nothing, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	put("src/web.json", good);
	put("src/README.md", "not a profile");
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), 0);
	cr_assert_not(r.failed);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_ADDED);
	cr_assert_eq(r.changes, 1);
	char *installed = get("root/scmpkit/web.json");
	cr_assert_not_null(installed);
	cr_assert(strstr(installed, "\"SCMP_ARCH_X86_64\""));
	cr_assert(exists("root/scmpkit/.scmpkit-owned.json"));
	sk_sync_result_free(&r);

	struct stat before, mbefore, after, mafter;
	stat(path("root/scmpkit/web.json"), &before);
	stat(path("root/scmpkit/.scmpkit-owned.json"), &mbefore);
	cr_assert_eq(sync_dir("src", &r), 0);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_UNCHANGED);
	cr_assert_eq(r.changes, 0);
	sk_sync_result_free(&r);
	stat(path("root/scmpkit/web.json"), &after);
	stat(path("root/scmpkit/.scmpkit-owned.json"), &mafter);
	/* the same inodes: nothing was rewritten */
	cr_assert_eq(before.st_ino, after.st_ino);
	cr_assert_eq(mbefore.st_ino, mafter.st_ino);
}

Test(node_sync, update_keep_last_good_remove, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	put("src/web.json", good);
	put("src/db.yaml", good);
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), 0);
	sk_sync_result_free(&r);

	put("src/web.json", good2);
	cr_assert_eq(sync_dir("src", &r), 0);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_UPDATED);
	sk_sync_result_free(&r);
	cr_assert(strstr(get("root/scmpkit/web.json"), "openat"));

	/* broken: rejected, the last good version stays */
	put("src/web.json", broken);
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	const struct sk_sync_item *w = find(&r, "web.json");
	cr_assert_eq(w->what, SK_SYNC_REJECTED);
	cr_assert(w->kept);
	cr_assert(has_rule(&w->diags, "P7-missing-essential"));
	sk_sync_result_free(&r);
	cr_assert(strstr(get("root/scmpkit/web.json"), "openat"));

	/* the status file says so, and the probe is not ready */
	struct sk_diags d = {0};
	cr_assert_eq(sk_sync_probe(path("status.json"), 0, &d), -EAGAIN);
	cr_assert(strstr(d.v[0].message, "web.json"), "%s", d.v[0].message);
	sk_diags_free(&d);

	/* removed from the source: removed from the node */
	unlink(path("src/web.json"));
	cr_assert_eq(sync_dir("src", &r), 0);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_REMOVED);
	cr_assert_eq(find(&r, "db.json")->what, SK_SYNC_UNCHANGED);
	sk_sync_result_free(&r);
	cr_assert_not(exists("root/scmpkit/web.json"));
	cr_assert_eq(sk_sync_probe(path("status.json"), 60, &d), 0);
	sk_diags_free(&d);
}

Test(node_sync, never_touches_files_of_others, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	mkdir(path("root"), 0755);
	mkdir(path("root/scmpkit"), 0755);
	put("root/scmpkit/web.json", "written by the admin\n");
	put("root/other.json", "the operator's\n");
	put("src/web.json", good);
	put("src/db.json", good);
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_REJECTED);
	cr_assert(has_rule(&find(&r, "web.json")->diags, "sync-foreign"));
	cr_assert_eq(find(&r, "db.json")->what, SK_SYNC_ADDED);
	sk_sync_result_free(&r);
	cr_assert_str_eq(get("root/scmpkit/web.json"), "written by the admin\n");

	/* a file we wrote, changed by someone since: no longer ours */
	put("root/scmpkit/db.json", "edited by hand\n");
	unlink(path("src/db.json"));
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	cr_assert_null(find(&r, "db.json")); /* forgotten, not removed */
	sk_sync_result_free(&r);
	cr_assert_str_eq(get("root/scmpkit/db.json"), "edited by hand\n");
	cr_assert_str_eq(get("root/other.json"), "the operator's\n");
}

Test(node_sync, links_are_never_followed, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	mkdir(path("root"), 0755);
	mkdir(path("elsewhere"), 0755);
	put("src/web.json", good);
	put("secret.json", good);
	/* a link in the source, to a file outside it */
	cr_assert_eq(symlink(path("secret.json"), path("src/evil.json")), 0);
	/* the install directory itself a link to somewhere else */
	cr_assert_eq(symlink(path("elsewhere"), path("root/scmpkit")), 0);
	expect_failed("src", "sync-root");
	cr_assert_not(exists("elsewhere/web.json"));
	struct sk_sync_result r;

	/* a link planted at a profile's name inside our directory */
	unlink(path("root/scmpkit"));
	mkdir(path("root/scmpkit"), 0755);
	cr_assert_eq(symlink(path("elsewhere/target.json"), path("root/scmpkit/web.json")), 0);
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	cr_assert(has_rule(&find(&r, "web.json")->diags, "sync-foreign"));
	bool evil_ignored = false;
	for (size_t i = 0; i < r.n; i++)
		evil_ignored |= r.items[i].what == SK_SYNC_IGNORED && strstr(r.items[i].source, "evil.json");
	cr_assert(evil_ignored);
	sk_sync_result_free(&r);
	cr_assert_not(exists("elsewhere/target.json"));
	cr_assert_not(exists("root/scmpkit/evil.json"));
}

Test(node_sync, writable_install_dir_refused, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	mkdir(path("root"), 0755);
	mkdir(path("root/scmpkit"), 0777);
	chmod(path("root/scmpkit"), 0777);
	put("src/web.json", good);
	expect_failed("src", "sync-root");
	cr_assert_not(exists("root/scmpkit/web.json"));
}

Test(node_sync, forged_manifest_changes_nothing, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	mkdir(path("root"), 0755);
	mkdir(path("root/scmpkit"), 0755);
	put("victim.json", good);
	put("root/scmpkit/.scmpkit-owned.json",
	    "{\"scmpkitOwned\": 1, \"files\": [{\"name\": \"../../victim.json\", \"digest\": "
	    "\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}");
	expect_failed("src", "sync-manifest");
	cr_assert(exists("victim.json"));
}

Test(node_sync, unreadable_source_removes_nothing, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	put("src/web.json", good);
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), 0);
	sk_sync_result_free(&r);
	expect_failed("missing", "sync-source");
	cr_assert(exists("root/scmpkit/web.json"));
	struct sk_diags d = {0};
	cr_assert_eq(sk_sync_probe(path("status.json"), 0, &d), -EAGAIN);
	sk_diags_free(&d);
}

Test(node_sync, twins_rejected, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	put("src/web.json", good);
	put("src/web.yaml", good2);
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	for (size_t i = 0; i < r.n; i++)
		cr_assert_eq(r.items[i].what, SK_SYNC_REJECTED);
	sk_sync_result_free(&r);
	cr_assert_not(exists("root/scmpkit/web.json"));
}

/* The kubelet's layout: visible names link through ..data to a timestamped
 * directory; an update writes a new one and swaps ..data. */
Test(node_sync, configmap_layout, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("cm"), 0755);
	mkdir(path("cm/..2026_01_01_00_00_00.1"), 0755);
	put("cm/..2026_01_01_00_00_00.1/web.json", good);
	cr_assert_eq(symlink("..2026_01_01_00_00_00.1", path("cm/..data")), 0);
	cr_assert_eq(symlink("..data/web.json", path("cm/web.json")), 0);
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("cm", &r), 0);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_ADDED);
	cr_assert_str_eq(find(&r, "web.json")->source, path("cm/web.json"));
	sk_sync_result_free(&r);

	mkdir(path("cm/..2026_01_01_00_01_00.2"), 0755);
	put("cm/..2026_01_01_00_01_00.2/web.json", good2);
	put("cm/..2026_01_01_00_01_00.2/db.json", good);
	cr_assert_eq(symlink("..2026_01_01_00_01_00.2", path("cm/..data_tmp")), 0);
	cr_assert_eq(rename(path("cm/..data_tmp"), path("cm/..data")), 0);
	cr_assert_eq(symlink("..data/db.json", path("cm/db.json")), 0);
	cr_assert_eq(sync_dir("cm", &r), 0);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_UPDATED);
	cr_assert_eq(find(&r, "db.json")->what, SK_SYNC_ADDED);
	sk_sync_result_free(&r);

	/* ..data leading out of the directory is refused */
	unlink(path("cm/..data"));
	cr_assert_eq(symlink("/etc", path("cm/..data")), 0);
	expect_failed("cm", "sync-source");
	cr_assert(exists("root/scmpkit/db.json"));
}

Test(node_sync, status_round_trip, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	put("src/web.json", good);
	put("src/bad.json", "{\"defaultAction\": \"SCMP_ACT_ALOW\"}");
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	char *json = sk_sync_status_json(&r);
	sk_sync_result_free(&r);
	struct sk_sync_status st;
	struct sk_diags d = {0};
	cr_assert_eq(sk_sync_status_parse(json, strlen(json), "s", &st, &d), 0);
	cr_assert_not(st.ready);
	cr_assert_eq(st.n_installed, 1);
	cr_assert_eq(st.n_rejected, 1);
	cr_assert_str_eq(st.first_problem, "bad.json");
	cr_assert(strstr(json, "\"localhostProfile\": \"scmpkit/web.json\""));
	sk_sync_status_free(&st);
	free(json);
}

/* A SeccompProfile stacked on a base is refused with the reason (until the
 * library resolves base profiles). */
/* A SeccompProfile (v1) named NAME, stacked on BASE (none: NULL), allowing
 * CALLS (a flow list's inside) besides what its base allows. */
static char *spo(const char *name, const char *base, const char *calls)
{
	char *t;
	cr_assert_geq(asprintf(&t,
			       "apiVersion: security-profiles-operator.x-k8s.io/v1\n"
			       "kind: SeccompProfile\nmetadata:\n  name: %s\nspec:\n"
			       "  defaultAction: SCMP_ACT_ERRNO\n%s%s%s"
			       "  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [%s]\n",
			       name, base ? "  baseProfileName: " : "", base ? base : "",
			       base ? "\n" : "", calls),
		      0);
	return t;
}

static char *prepare(const char *text, const char *file, struct sk_bases *b, struct sk_diags *d)
{
	struct sk_prepare_opts o = {.arch = SK_ARCH_X86_64,
				    .bases = b ? (const struct sk_profile *const *)b->v : NULL,
				    .n_bases = b ? b->n : 0};
	return sk_profile_for_node(text, strlen(text), file, &o, d);
}

/* The operator's runc base for Debian's runc 1.1.5: what runc calls after
 * loading the filter comes from the base, the rest from the profile. */
Test(prepare, published_base_resolved)
{
	char *web = spo("web", "runc-v1.1.5", "read, exit, restart_syscall");
	struct sk_diags d = {0};
	char *out = prepare(web, "web.yaml", NULL, &d);
	cr_assert_not_null(out, "%s", d.n ? d.v[0].message : "");
	cr_assert_null(strstr(out, "baseProfileName"));
	cr_assert(strstr(out, "\"read\""));
	const struct sk_spo_base *b = sk_spo_base_find("runc-v1.1.5");
	cr_assert_not_null(b);
	for (size_t i = 0; i < b->n_names; i++) {
		char q[64];
		snprintf(q, sizeof q, "\"%s\"", b->names[i]);
		cr_assert(strstr(out, q), "%s of the base is missing", b->names[i]);
	}
	free(out);
	free(web);
	sk_diags_free(&d);
}

/* A base that is another profile of the same source, itself on a published
 * base: two levels, as the operator stacks them. */
Test(prepare, base_from_the_same_source)
{
	char *base = spo("common", "runc-v1.1.5", "getpid, exit, restart_syscall");
	char *web = spo("web", "common", "read");
	struct sk_bases b = {0};
	cr_assert_eq(sk_bases_add(&b, base, strlen(base), "common.yaml"), 0);
	cr_assert_eq(sk_bases_add(&b, web, strlen(web), "web.yaml"), 0);
	cr_assert_eq(sk_bases_add(&b, good, strlen(good), "plain.json"), 0);
	cr_assert_eq(b.n, 2, "only SeccompProfiles can be named");
	struct sk_diags d = {0};
	char *out = prepare(web, "web.yaml", &b, &d);
	cr_assert_not_null(out, "%s", d.n ? d.v[0].message : "");
	cr_assert(strstr(out, "\"getpid\""));
	cr_assert(strstr(out, "\"read\""));
	cr_assert(strstr(out, "\"capset\""), "the published base under common");
	cr_assert_not(has_rule(&d, "spo-base-unresolved"), "lint saw the base too");
	free(out);
	/* without the source's profiles, the base is found nowhere */
	sk_diags_free(&d);
	cr_assert_null(prepare(web, "web.yaml", NULL, &d));
	cr_assert(has_rule(&d, "spo-base-missing"));
	sk_diags_free(&d);
	sk_bases_free(&b);
	free(base);
	free(web);
}

Test(prepare, unknown_cyclic_and_ambiguous_bases_refused)
{
	struct sk_diags d = {0};
	char *web = spo("web", "runc-v9.9.9", "read, exit_group");
	cr_assert_null(prepare(web, "web.yaml", NULL, &d));
	cr_assert_eq(sk_diags_count(&d, SK_SEV_ERROR), 1);
	cr_assert(strstr(d.v[0].message, "\"runc-v9.9.9\""), "%s", d.v[0].message);
	cr_assert_eq(d.v[0].line, 7, "at the baseProfileName value");
	sk_diags_free(&d);
	free(web);

	char *a = spo("a", "b", "read"), *b = spo("b", "a", "write, exit_group");
	struct sk_bases bs = {0};
	sk_bases_add(&bs, a, strlen(a), "a.yaml");
	sk_bases_add(&bs, b, strlen(b), "b.yaml");
	cr_assert_null(prepare(a, "a.yaml", &bs, &d));
	cr_assert(strstr(d.v[0].message, "cycle"), "%s", d.v[0].message);
	sk_diags_free(&d);
	sk_bases_free(&bs);

	/* two SeccompProfiles named "b": which one is the base is not clear */
	char *b2 = spo("b", NULL, "getpid, exit_group");
	char *top = spo("top", "mid", "read, exit_group"), *mid = spo("mid", "b", "close");
	sk_bases_add(&bs, b, strlen(b), "b.yaml");
	sk_bases_add(&bs, b2, strlen(b2), "b2.yaml");
	sk_bases_add(&bs, mid, strlen(mid), "mid.yaml");
	cr_assert_null(prepare(top, "top.yaml", &bs, &d));
	cr_assert(has_rule(&d, "sync-base-profile"));
	cr_assert(strstr(d.v[0].message, "b.yaml and b2.yaml"), "%s", d.v[0].message);
	sk_diags_free(&d);
	sk_bases_free(&bs);
	free(a);
	free(b);
	free(b2);
	free(top);
	free(mid);
}

/* node-sync looks a base up among the profiles of the same source: a
 * profile on another one installs resolved; an unknown base is rejected by
 * name and the others stay installed. */
Test(node_sync, bases_from_the_same_source, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("src"), 0755);
	char *base = spo("common", "runc-v1.1.5", "getpid, exit, restart_syscall");
	char *web = spo("web", "common", "sendto");
	char *lost = spo("lost", "no-such-base", "read, exit, exit_group, restart_syscall");
	put("src/common.yaml", base);
	put("src/web.yaml", web);
	struct sk_sync_result r;
	cr_assert_eq(sync_dir("src", &r), 0);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_ADDED);
	sk_sync_result_free(&r);
	char *installed = get("root/scmpkit/web.json");
	cr_assert(strstr(installed, "\"sendto\"") && strstr(installed, "\"getpid\"") &&
		  strstr(installed, "\"pivot_root\""));
	cr_assert_null(strstr(installed, "baseProfileName"));
	put("src/lost.yaml", lost);
	cr_assert_eq(sync_dir("src", &r), -EINVAL);
	const struct sk_sync_item *it = find(&r, "lost.json");
	cr_assert_eq(it->what, SK_SYNC_REJECTED);
	cr_assert(strstr(it->diags.v[0].message, "\"no-such-base\""), "%s", it->diags.v[0].message);
	cr_assert_eq(find(&r, "web.json")->what, SK_SYNC_UNCHANGED);
	sk_sync_result_free(&r);
	free(base);
	free(web);
	free(lost);
}

Test(prepare, docker_format_resolved_for_the_node)
{
	char *text = NULL;
	size_t len;
	char file[512];
	snprintf(file, sizeof file, "%s/profiles/docker-default.json", getenv("SK_SHARED_DATA"));
	FILE *f = fopen(file, "r");
	cr_assert_not_null(f);
	text = malloc(1 << 20);
	len = fread(text, 1, 1 << 20, f);
	fclose(f);
	struct sk_diags d = {0};
	struct sk_prepare_opts o = {.arch = SK_ARCH_AARCH64};
	char *out = sk_profile_for_node(text, len, file, &o, &d);
	cr_assert_not_null(out);
	/* runtime-spec only: no archMap, no includes; aarch64's arches */
	cr_assert_null(strstr(out, "archMap"));
	cr_assert_null(strstr(out, "includes"));
	cr_assert(strstr(out, "SCMP_ARCH_AARCH64"));
	cr_assert_null(strstr(out, "SCMP_ARCH_X86_64"));
	free(out);
	free(text);
	sk_diags_free(&d);
}

/* ---- OCI references, manifests, Docker's config --------------------------------- */

Test(oci, references)
{
	static const struct {
		const char *in, *registry, *repo, *tag, *digest;
	} ok[] = {
		{"localhost:5000/team/web:v1", "localhost:5000", "team/web", "v1", NULL},
		{"oci://registry.example.com/a/b/c", "registry.example.com", "a/b/c", NULL, NULL},
		{"web", "docker.io", "library/web", NULL, NULL},
		{"user/web:1.0", "docker.io", "user/web", "1.0", NULL},
		{"127.0.0.1:5000/x__y-z.w@sha256:0000000000000000000000000000000000000000000000000000000000000000",
		 "127.0.0.1:5000", "x__y-z.w", NULL,
		 "sha256:0000000000000000000000000000000000000000000000000000000000000000"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct sk_oci_ref r;
		struct sk_diags d = {0};
		cr_assert_eq(sk_oci_ref_parse(ok[i].in, &r, &d), 0, "%s", ok[i].in);
		cr_assert_str_eq(r.registry, ok[i].registry);
		cr_assert_str_eq(r.repository, ok[i].repo);
		if (ok[i].tag)
			cr_assert_str_eq(r.tag, ok[i].tag);
		else
			cr_assert_null(r.tag);
		if (ok[i].digest)
			cr_assert_str_eq(r.digest, ok[i].digest);
		sk_oci_ref_free(&r);
	}
	const char *bad[] = {"localhost:5000/Team/web", "localhost:5000/a//b", "localhost:5000/a-",
			     "localhost:5000/a@sha256:12", "localhost:5000/a@md5:00", "localhost:5000/a:-x",
			     "localhost:5000/", "reg.example.com/a/../b", "bad host/a"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sk_oci_ref r;
		struct sk_diags d = {0};
		cr_assert_eq(sk_oci_ref_parse(bad[i], &r, &d), -EINVAL, "%s parsed", bad[i]);
		cr_assert(has_rule(&d, "oci-reference"));
		sk_diags_free(&d);
	}
}

Test(oci, plain_http_only_on_loopback)
{
	const char *yes[] = {"localhost/a", "localhost:5000/a", "127.0.0.1:5000/a", "127.8.9.10/a",
			     "[::1]:5000/a"};
	const char *no[] = {"localhost.example.com/a", "127.0.0.1.nip.io/a", "10.0.0.1:5000/a",
			    "registry.example.com/a", "a/b", "128.0.0.1:5000/a"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		struct sk_oci_ref r;
		struct sk_diags d = {0};
		cr_assert_eq(sk_oci_ref_parse(yes[i], &r, &d), 0, "%s", yes[i]);
		cr_assert(sk_oci_ref_is_loopback(&r), "%s", yes[i]);
		sk_oci_ref_free(&r);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		struct sk_oci_ref r;
		struct sk_diags d = {0};
		cr_assert_eq(sk_oci_ref_parse(no[i], &r, &d), 0, "%s", no[i]);
		cr_assert_not(sk_oci_ref_is_loopback(&r), "%s", no[i]);
		sk_oci_ref_free(&r);
	}
}

Test(oci, manifest_reader)
{
	const char *man =
		"{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
		" \"artifactType\": \"application/vnd.cncf.seccomp-profile.config.v1+json\","
		" \"config\": {\"mediaType\": \"application/vnd.oci.empty.v1+json\", \"digest\": "
		"\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\", \"size\": 2},"
		" \"layers\": [{\"mediaType\": \"application/json\", \"digest\": "
		"\"sha256:1111111111111111111111111111111111111111111111111111111111111111\", \"size\": 10}]}";
	struct sk_oci_manifest m;
	struct sk_diags d = {0};
	cr_assert_eq(sk_oci_manifest_parse(man, strlen(man), "m", &m, &d), 0);
	cr_assert_not(m.index);
	cr_assert_eq(m.n_layers, 1);
	cr_assert_eq(m.layers[0].size, 10);
	sk_oci_manifest_free(&m);
	const char *bad[] = {
		"{\"schemaVersion\": 1}",
		"{\"schemaVersion\": 2, \"config\": {\"mediaType\": \"x\", \"digest\": \"sha256:00\", "
		"\"size\": 2}, \"layers\": []}",
		"{\"schemaVersion\": 2, \"config\": {\"mediaType\": \"x\", \"digest\": "
		"\"sha256:1111111111111111111111111111111111111111111111111111111111111111\", \"size\": "
		"-1}, \"layers\": []}",
		"{\"schemaVersion\": 2, \"manifests\": [{\"mediaType\": \"x\", \"digest\": "
		"\"sha256:1111111111111111111111111111111111111111111111111111111111111111\", \"size\": 1, "
		"\"urls\": [\"http://evil\"]}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(sk_oci_manifest_parse(bad[i], strlen(bad[i]), "m", &m, &d), -EINVAL,
			     "case %zu", i);
	}
	sk_diags_free(&d);
}

Test(oci, artifact_check_warns)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_adds(&sb, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [");
	for (int i = 0; i < 129; i++)
		sk_sb_addf(&sb, "%s{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
				"[{\"index\": 1, \"value\": %d, \"op\": \"SCMP_CMP_EQ\"}]}",
			   i ? ", " : "", i);
	sk_sb_adds(&sb, "]}");
	struct sk_diags d = {0};
	cr_assert_eq(sk_oci_artifact_check(sb.buf, sb.len, "p", &d), 1);
	cr_assert(has_rule(&d, "oci-artifact-entries"));
	sk_diags_free(&d);
	/* 128 is still fine */
	char *cut = strstr(sb.buf, ", {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
				   "[{\"index\": 1, \"value\": 128,");
	cr_assert_not_null(cut);
	strcpy(cut, "]}");
	cr_assert_eq(sk_oci_artifact_check(sb.buf, strlen(sb.buf), "p", &d), 0);
	/* over 1 MiB */
	struct sk_sb big = SK_SB_INIT;
	sk_sb_adds(&big, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [], \"x\": \"");
	sk_sb_addchars(&big, 'a', 1 << 20);
	sk_sb_adds(&big, "\"}");
	cr_assert_geq(sk_oci_artifact_check(big.buf, big.len, "p", &d), 1);
	cr_assert(has_rule(&d, "oci-artifact-size"));
	sk_sb_release(&sb);
	sk_sb_release(&big);
	sk_diags_free(&d);
}

Test(docker_config, credentials)
{
	/* "ci:s3cret" and "hub:pw" in base64 */
	const char *cfg = "{\"auths\": {\"localhost:5000\": {\"auth\": \"Y2k6czNjcmV0\"},"
			  " \"https://index.docker.io/v1/\": {\"auth\": \"aHViOnB3\"},"
			  " \"https://reg.example.com\": {\"username\": \"u\", \"password\": \"p\"},"
			  " \"other.example.com\": {\"auth\": \"!!!!\"}},"
			  " \"credHelpers\": {\"gcr.io\": \"gcloud\"}}";
	static const struct {
		const char *registry, *user, *secret;
	} cases[] = {
		{"localhost:5000", "ci", "s3cret"},
		{"docker.io", "hub", "pw"},
		{"reg.example.com", "u", "p"},
		{"localhost:5001", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *u, *s;
		struct sk_diags d = {0};
		cr_assert_eq(sk_docker_config_auth(cfg, strlen(cfg), "c", cases[i].registry, &u, &s, &d), 0);
		if (cases[i].user) {
			cr_assert_str_eq(u, cases[i].user);
			cr_assert_str_eq(s, cases[i].secret);
		} else {
			cr_assert_null(u);
		}
		free(u);
		free(s);
		sk_diags_free(&d);
	}
	char *u, *s;
	struct sk_diags d = {0};
	cr_assert_eq(sk_docker_config_auth(cfg, strlen(cfg), "c", "other.example.com", &u, &s, &d), -EINVAL);
	sk_diags_free(&d);
	cr_assert_eq(sk_docker_config_auth(cfg, strlen(cfg), "c", "gcr.io", &u, &s, &d), 0);
	cr_assert_null(u);
	cr_assert(has_rule(&d, "docker-config")); /* a helper: said, not run */
	sk_diags_free(&d);
}

/* The fd-relative writer replaces a link planted at the name and never
 * writes through it. */
Test(fileio, write_at_replaces_links, .init = mk_tmp, .fini = rm_tmp)
{
	mkdir(path("d"), 0755);
	put("target", "untouched\n");
	cr_assert_eq(symlink(path("target"), path("d/x.json")), 0);
	int dfd = open(path("d"), O_RDONLY | O_DIRECTORY);
	cr_assert_eq(sk_write_file_atomic_at(dfd, "x.json", "new\n", 4), 0);
	cr_assert_eq(sk_write_file_atomic_at(dfd, "../escape", "x", 1), -EINVAL);
	close(dfd);
	struct stat st;
	cr_assert_eq(lstat(path("d/x.json"), &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_str_eq(get("target"), "untouched\n");
	cr_assert_str_eq(get("d/x.json"), "new\n");
}
