/* SPDX-License-Identifier: Apache-2.0 */
/* lib/lint: every rule fires on a minimal input and not on its fixed
 * version; the driver's controls; JSON and SARIF rendering. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/lint.h>

#include <scmpkit/doc.h>

#define ESS "\"exit\", \"exit_group\", \"rt_sigreturn\", \"restart_syscall\", \"read\""
#define PROF(def, arches, rules)                                                     \
	"{\"defaultAction\": \"" def "\", \"architectures\": [" arches "],\n"         \
	"\"syscalls\": [{\"names\": [" ESS "], \"action\": \"SCMP_ACT_ALLOW\"}" rules "]}\n"
#define X64 "\"SCMP_ARCH_X86_64\""
#define POD(pod_sc, c_sc)                                                             \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" pod_sc                 \
	"  containers:\n  - name: c\n    securityContext:\n" c_sc
#define GOOD_C "      allowPrivilegeEscalation: false\n      seccompProfile: {type: Localhost, localhostProfile: p.json}\n"

static const struct rule_case {
	const char *rule, *bad, *good;
} cases[] = {
	{"P6-default-allow", PROF("SCMP_ACT_ALLOW", X64, ""), PROF("SCMP_ACT_ERRNO", X64, "")},
	{"P5-audit-mode", PROF("SCMP_ACT_LOG", X64, ""), PROF("SCMP_ACT_ERRNO", X64, "")},
	{"P7-missing-essential",
	 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\", \"exit\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	 PROF("SCMP_ACT_ERRNO", X64, "")},
	{"P3-dangerous-syscall", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
	 PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\"}")},
	{"P1-runtime-calls", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"execve\", \"openat\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
	 PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"close\", \"epoll_ctl\", \"execve\", \"fstatfs\", \"futex\","
	      " \"getdents64\", \"getpid\", \"openat\", \"prctl\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}")},
	{"enosys-fallback", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"mseal\"], \"action\": \"SCMP_ACT_ALLOW\"}"), PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"mseal\"], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"clone3\", \"openat2\", \"faccessat2\", \"close_range\", \"statx\", \"fchmodat2\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}")},
	{"P1-runtime-coupled", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"capset\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
	 PROF("SCMP_ACT_ERRNO", X64, "")},
	{"arch-missing-syscall",
	 PROF("SCMP_ACT_ERRNO", X64 ", \"SCMP_ARCH_AARCH64\"", ", {\"names\": [\"open\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
	 PROF("SCMP_ACT_ERRNO", X64 ", \"SCMP_ARCH_AARCH64\"", ", {\"names\": [\"open\", \"openat\"], \"action\": \"SCMP_ACT_ALLOW\"}")},
	{"duplicate-syscall", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
	 PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"}")},
	{"conflicting-action", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\"}"),
	 PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"write\"], \"action\": \"SCMP_ACT_KILL\"}")},
	{"kill-no-rules", "{\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": []}",
	 PROF("SCMP_ACT_KILL", X64, "")},
	{"notify-no-listener", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\"}"),
	 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"/run/agent.sock\", \"architectures\": [" X64 "],"
	 "\"syscalls\": [{\"names\": [" ESS "], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"},
	{"arg-never-matches",
	 PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 15, \"valueTwo\": 16, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
	 PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 15, \"valueTwo\": 5, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}")},
	{"P1-no-new-privs",
	 "{\"ociVersion\": \"1.0.2\", \"process\": {\"noNewPrivileges\": false}, \"linux\": {\"seccomp\": " PROF("SCMP_ACT_ERRNO", X64, "") "}}",
	 "{\"ociVersion\": \"1.0.2\", \"process\": {\"noNewPrivileges\": true}, \"linux\": {\"seccomp\": " PROF("SCMP_ACT_ERRNO", X64, "") "}}"},
	{"P4-no-seccomp", "{\"ociVersion\": \"1.0.2\", \"process\": {\"noNewPrivileges\": true}, \"linux\": {}}",
	 "{\"ociVersion\": \"1.0.2\", \"process\": {\"noNewPrivileges\": true}, \"linux\": {\"seccomp\": " PROF("SCMP_ACT_ERRNO", X64, "") "}}"},
	/* manifests */
	{"P4-unconfined", POD("", "      allowPrivilegeEscalation: false\n      seccompProfile: {type: Unconfined}\n"),
	 POD("", GOOD_C)},
	{"P4-no-seccomp-profile", POD("", "      allowPrivilegeEscalation: false\n"), POD("", GOOD_C)},
	{"P4-privileged", POD("", "      privileged: true\n" GOOD_C), POD("", "      privileged: false\n" GOOD_C)},
	{"P1-allow-privilege-escalation",
	 POD("", "      seccompProfile: {type: Localhost, localhostProfile: p.json}\n"), POD("", GOOD_C)},
	{"P2-pod-level-only",
	 POD("  securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n",
	     "      allowPrivilegeEscalation: false\n"),
	 POD("  securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n", GOOD_C)},
	{"P2-deprecated-annotation",
	 "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: localhost/p.json}\n"
	 "spec:\n  containers:\n  - name: c\n    securityContext:\n" GOOD_C,
	 POD("", GOOD_C)},
	{"P2-annotation-mismatch",
	 "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}\n"
	 "spec:\n  securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n"
	 "  containers:\n  - name: c\n    securityContext:\n" GOOD_C,
	 "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: localhost/p.json}\n"
	 "spec:\n  securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n"
	 "  containers:\n  - name: c\n    securityContext:\n" GOOD_C},
	{"P3-runtime-default",
	 POD("", "      allowPrivilegeEscalation: false\n      seccompProfile: {type: RuntimeDefault}\n"),
	 POD("", GOOD_C)},
	{"P3-localhost-path",
	 POD("", "      allowPrivilegeEscalation: false\n      seccompProfile: {type: Localhost, localhostProfile: ../p.json}\n"),
	 POD("", GOOD_C)},
	{"P3-localhost-missing",
	 POD("", "      allowPrivilegeEscalation: false\n      seccompProfile: {type: Localhost, localhostProfile: nope.json}\n"),
	 POD("", GOOD_C)}, /* every case runs with a profiles dir holding p.json */
	{"invalid-seccomp-type",
	 POD("", "      allowPrivilegeEscalation: false\n      seccompProfile: {type: Strict}\n"), POD("", GOOD_C)},
	/* added with the one document reader (issue 13) */
	{"syscall-not-on-arch", PROF("SCMP_ACT_ERRNO", X64, ", {\"names\": [\"arm_fadvise64_64\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
	 PROF("SCMP_ACT_ERRNO", X64 ", \"SCMP_ARCH_ARM\"", ", {\"names\": [\"arm_fadvise64_64\"], \"action\": \"SCMP_ACT_ALLOW\"}")},
	{"docker-format-localhost",
	 POD("", "      allowPrivilegeEscalation: false\n      seccompProfile: {type: Localhost, localhostProfile: docker.json}\n"),
	 POD("", GOOD_C)},
	{"spo-base-unresolved",
	 "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: app}\n"
	 "spec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v0.0.0\n",
	 "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: app}\n"
	 "spec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.4.2\n"},
	{"api-server-rejects", POD("", "      privileged: true\n" GOOD_C), POD("", GOOD_C)},
	{"P1-sys-admin", POD("", "      capabilities: {add: [NET_ADMIN, SYS_ADMIN]}\n" GOOD_C),
	 POD("", "      capabilities: {add: [NET_ADMIN]}\n" GOOD_C)},
	{"P1-sys-admin", POD("", "      capabilities: {add: [all]}\n" GOOD_C), POD("", GOOD_C)},
	{"pods-not-visible",
	 "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: k8s\nspec:\n  replicas: 2\n",
	 POD("", GOOD_C)},
};

static char root_dir[64];

static void make_root(void)
{
	strcpy(root_dir, "/tmp/sk-lint-XXXXXX");
	cr_assert_not_null(mkdtemp(root_dir));
	char path[128];
	snprintf(path, sizeof path, "%s/p.json", root_dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(PROF("SCMP_ACT_ERRNO", X64, ""), f);
	fclose(f);
	/* a Docker-format profile: archMap and a rule for CAP_SYS_ADMIN only */
	snprintf(path, sizeof path, "%s/docker.json", root_dir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [{\"architecture\": "
	      "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}],\n\"syscalls\": "
	      "[{\"names\": [" ESS ", \"sigreturn\"], \"action\": \"SCMP_ACT_ALLOW\"},\n{\"names\": "
	      "[\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
	      "[\"CAP_SYS_ADMIN\"]}}]}\n", f);
	fclose(f);
}

static void drop_root(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/p.json", root_dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/docker.json", root_dir);
	unlink(path);
	rmdir(root_dir);
}

static size_t count_rule(const struct sk_diags *d, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].rule && !strcmp(d->v[i].rule, rule);
	return n;
}

static void lint(const char *text, const struct sk_lint_opts *o, struct sk_diags *d)
{
	int r = sk_lint_text(text, strlen(text), "in.yaml", o, d);
	cr_assert_eq(r, 0, "sk_lint_text: %d on\n%s", r, text);
}

Test(lint_rules, each_rule_fires_and_its_fix_silences_it, .init = make_root, .fini = drop_root)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct rule_case *c = &cases[i];
		struct sk_lint_opts o = {.profiles_dir = root_dir};
		struct sk_diags bad = {0}, good = {0};
		lint(c->bad, &o, &bad);
		lint(c->good, &o, &good);
		cr_expect_geq(count_rule(&bad, c->rule), 1, "%s does not fire", c->rule);
		cr_expect_eq(count_rule(&good, c->rule), 0, "%s fires on the fixed input", c->rule);
		const struct sk_lint_rule *r = sk_lint_rule_find(c->rule);
		cr_assert_not_null(r, "%s is registered", c->rule);
		for (size_t k = 0; k < bad.n; k++) {
			const struct sk_diag *g = &bad.v[k];
			if (!g->rule || strcmp(g->rule, c->rule))
				continue;
			cr_expect_gt(g->line, 0, "%s has a line", c->rule);
			cr_expect_gt(g->col, 0, "%s has a column", c->rule);
			cr_expect_not_null(g->fix, "%s has a fix", c->rule);
			cr_expect_eq(g->severity, r->severity, "%s", c->rule);
			if (r->practice)
				cr_expect_str_eq(g->practice, r->practice);
		}
		sk_diags_free(&bad);
		sk_diags_free(&good);
	}
}

Test(lint_rules, every_registered_rule_has_a_case)
{
	for (size_t i = 0; i < sk_lint_rule_count(); i++) {
		bool found = false;
		for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
			found |= !strcmp(cases[c].rule, sk_lint_rule_at(i)->id);
		cr_expect(found, "rule %s has no case here", sk_lint_rule_at(i)->id);
	}
	cr_expect_null(sk_lint_rule_at(sk_lint_rule_count()));
	cr_expect_null(sk_lint_rule_find("P9-nope"));
}

Test(lint_driver, positions_ignore_disable_and_windows)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n"
			"    securityContext:\n      allowPrivilegeEscalation: false\n"
			"      seccompProfile:\n        type: Unconfined\n"
			"  - name: b # scmpkit:ignore P4-no-seccomp-profile\n"
			"    securityContext: {allowPrivilegeEscalation: false}\n"
			"---\napiVersion: v1\nkind: Pod\nspec:\n  os: {name: windows}\n  containers: [{name: w}]\n";
	struct sk_diags d = {0};
	lint(t, NULL, &d);
	cr_assert_eq(d.n, 1, "only a's Unconfined: b is ignored inline, the Windows pod is clean");
	cr_expect_str_eq(d.v[0].rule, "P4-unconfined");
	cr_expect_eq(d.v[0].line, 9);
	cr_expect_eq(d.v[0].col, 15);
	cr_expect_str_eq(d.v[0].file, "in.yaml");
	sk_diags_free(&d);
	const char *dis[] = {"P4-unconfined"};
	struct sk_lint_opts o = {.disabled = dis, .n_disabled = 1};
	lint(t, &o, &d);
	cr_expect_eq(d.n, 0);
	sk_diags_free(&d);
}

Test(lint_driver, broken_later_document_gives_only_the_syntax_error)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n---\na: [1\n";
	struct sk_diags d = {0};
	cr_expect_eq(sk_lint_text(t, strlen(t), "in.yaml", NULL, &d), -EINVAL);
	cr_assert_geq(d.n, 1);
	for (size_t i = 0; i < d.n; i++)
		cr_expect_str_eq(d.v[i].rule, "yaml-syntax");
	sk_diags_free(&d);
}

Test(lint_driver, input_detection)
{
	struct sk_diags d = {0};
	cr_expect_eq(sk_lint_text("a: 1\n", 5, "x", NULL, &d), -ENOTSUP);
	cr_expect_eq(sk_lint_text("---\n---\n", 8, "x", NULL, &d), 0, "empty documents");
	cr_expect_eq(d.n, 0);
	const char *prof = "# leading junk doc\nfoo: bar\n---\n" PROF("SCMP_ACT_ALLOW", X64, "");
	cr_expect_eq(sk_lint_text(prof, strlen(prof), "x", NULL, &d), -EINVAL,
		     "the profile decides, and a profile is one document");
	cr_expect_eq(count_rule(&d, "P6-default-allow"), 0);
	sk_diags_free(&d);
}

static struct sk_diags some_findings(void)
{
	struct sk_diags d = {0};
	lint(POD("", "      seccompProfile: {type: \"Unconfined\\\"\\\\\"}\n"), NULL, &d);
	cr_assert_geq(d.n, 2);
	return d;
}

Test(lint_render, json_parses_back)
{
	struct sk_diags d = some_findings();
	char *j = sk_lint_render(&d, SK_LINT_JSON, false);
	struct sk_doc s;
	struct sk_diags e = {0};
	cr_assert_eq(sk_doc_parse(j, strlen(j), "out.json", NULL, &s, &e), 0, "%s", j);
	struct sk_doc_node *a = s.docs[0].root;
	cr_assert_eq(a->type, SK_DOC_SEQ);
	cr_assert_eq(a->n, d.n);
	for (size_t i = 0; i < a->n; i++) {
		struct sk_doc_node *o = a->kids[i];
		cr_expect_str_eq(sk_doc_get(o, "rule")->str, d.v[i].rule);
		cr_expect_str_eq(sk_doc_get(o, "message")->str, d.v[i].message);
		cr_expect_eq((unsigned)atoi(sk_doc_get(o, "line")->str), d.v[i].line);
		cr_expect_eq((unsigned)atoi(sk_doc_get(o, "column")->str), d.v[i].col);
		cr_expect_str_eq(sk_doc_get(o, "severity")->str, sk_severity_name(d.v[i].severity));
	}
	sk_doc_release(&s);
	free(j);
	struct sk_diags none = {0};
	j = sk_lint_render(&none, SK_LINT_JSON, false);
	cr_expect_str_eq(j, "[]\n");
	free(j);
	sk_diags_free(&d);
}

Test(lint_render, sarif_required_fields)
{
	struct sk_diags d = some_findings();
	char *j = sk_lint_render(&d, SK_LINT_SARIF, false);
	struct sk_doc s;
	struct sk_diags e = {0};
	cr_assert_eq(sk_doc_parse(j, strlen(j), "out.sarif", NULL, &s, &e), 0);
	struct sk_doc_node *r = s.docs[0].root;
	cr_expect(sk_doc_is(sk_doc_get(r, "version"), "2.1.0"));
	cr_expect_not_null(sk_doc_get(r, "$schema"));
	struct sk_doc_node *runs = sk_doc_get(r, "runs");
	cr_assert(runs && runs->type == SK_DOC_SEQ && runs->n == 1);
	struct sk_doc_node *driver = sk_doc_get(sk_doc_get(runs->kids[0], "tool"), "driver");
	cr_expect(sk_doc_is(sk_doc_get(driver, "name"), "scmpkit"));
	struct sk_doc_node *rules = sk_doc_get(driver, "rules");
	cr_assert_eq(rules->n, sk_lint_rule_count());
	struct sk_doc_node *results = sk_doc_get(runs->kids[0], "results");
	cr_assert_eq(results->n, d.n);
	for (size_t i = 0; i < results->n; i++) {
		struct sk_doc_node *res = results->kids[i];
		struct sk_doc_node *id = sk_doc_get(res, "ruleId");
		struct sk_doc_node *idx = sk_doc_get(res, "ruleIndex");
		cr_assert_not_null(idx);
		struct sk_doc_node *rule = rules->kids[atoi(idx->str)];
		cr_expect_str_eq(sk_doc_get(rule, "id")->str, id->str, "ruleIndex points at ruleId");
		cr_expect_not_null(sk_doc_get(sk_doc_get(res, "message"), "text"));
		cr_expect_not_null(sk_doc_get(res, "level"));
		struct sk_doc_node *loc = sk_doc_get(sk_doc_get(res, "locations")->kids[0], "physicalLocation");
		cr_expect(sk_doc_is(sk_doc_get(sk_doc_get(loc, "artifactLocation"), "uri"), "in.yaml"));
		struct sk_doc_node *reg = sk_doc_get(loc, "region");
		cr_expect_eq((unsigned)atoi(sk_doc_get(reg, "startLine")->str), d.v[i].line);
		cr_expect_geq(atoi(sk_doc_get(reg, "startColumn")->str), 1);
	}
	sk_doc_release(&s);
	free(j);
	sk_diags_free(&d);
}

Test(lint_render, text_is_compiler_style)
{
	struct sk_diags d = some_findings();
	char *t = sk_lint_render(&d, SK_LINT_TEXT, false);
	char want[256];
	snprintf(want, sizeof want, "in.yaml:%u:%u: %s: ", d.v[0].line, d.v[0].col,
		 sk_severity_name(d.v[0].severity));
	cr_expect(!strncmp(t, want, strlen(want)), "%s", t);
	cr_expect(strstr(t, "\n    fix: ") != NULL);
	cr_expect(strchr(t, '\033') == NULL, "no colour unless asked");
	free(t);
	sk_diags_free(&d);
}
