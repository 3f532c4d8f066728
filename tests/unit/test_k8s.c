/* SPDX-License-Identifier: Apache-2.0 */
/* lib/k8s: the manifest model, fix edits and diff (the tree: test_doc.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/k8s.h>

#include <scmpkit/doc.h>

#include "doc_helpers.h"

/* ---- manifest model ------------------------------------------------------- */

static struct sk_k8s_manifest *manifest(const char *text)
{
	struct sk_diags d = {0};
	struct sk_k8s_manifest *m = sk_k8s_parse(text, strlen(text), "m.yaml", &d);
	cr_assert_not_null(m);
	cr_assert_eq(d.n, 0);
	return m;
}

Test(k8s, every_workload_kind_and_its_template)
{
	static const struct {
		const char *api, *kind, *prefix;
	} k[] = {
		{"v1", "Pod", "spec:\n"},
		{"v1", "PodTemplate", "template:\n  spec:\n"},
		{"v1", "ReplicationController", "spec:\n  template:\n    spec:\n"},
		{"apps/v1", "ReplicaSet", "spec:\n  template:\n    spec:\n"},
		{"apps/v1", "Deployment", "spec:\n  template:\n    spec:\n"},
		{"apps/v1", "StatefulSet", "spec:\n  template:\n    spec:\n"},
		{"apps/v1", "DaemonSet", "spec:\n  template:\n    spec:\n"},
		{"batch/v1", "Job", "spec:\n  template:\n    spec:\n"},
		{"batch/v1", "CronJob", "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"},
	};
	for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
		char *t;
		int ind = 0;
		for (const char *p = k[i].prefix; *p; p++)
			if (*p == '\n')
				ind += 2;
		cr_assert(asprintf(&t, "apiVersion: %s\nkind: %s\nmetadata: {name: w%zu}\n%s%*scontainers:\n%*s- name: c\n",
				   k[i].api, k[i].kind, i, k[i].prefix, ind, "", ind, "") > 0);
		struct sk_k8s_manifest *m = manifest(t);
		cr_expect_eq(m->n_pods, 1, "%s", k[i].kind);
		if (m->n_pods) {
			cr_expect_str_eq(m->pods[0].kind, k[i].kind);
			cr_expect_eq(m->pods[0].n_containers, 1, "%s", k[i].kind);
			unsigned want_line = 3 + (unsigned)(ind / 2) + 2;
			cr_expect_eq(m->pods[0].containers[0].pos.line, want_line, "%s: container line",
				     k[i].kind);
		}
		sk_k8s_free(m);
		free(t);
	}
}

Test(k8s, cronjob_only_through_job_template)
{
	/* a CronJob's .spec.template is no pod template */
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n"
		"spec:\n  template:\n    spec:\n      containers: [{name: x}]\n");
	cr_expect_eq(m->n_pods, 0);
	sk_k8s_free(m);
}

Test(k8s, lists_all_container_lists_and_inheritance)
{
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n"
		"    annotations:\n      seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
		"      container.seccomp.security.alpha.kubernetes.io/c: localhost/x.json\n"
		"  spec:\n    securityContext:\n      seccompProfile: {type: RuntimeDefault}\n"
		"    initContainers: [{name: i}]\n"
		"    containers:\n    - name: c\n      securityContext:\n"
		"        allowPrivilegeEscalation: false\n        privileged: true\n"
		"        seccompProfile: {type: Localhost, localhostProfile: a.json}\n"
		"    ephemeralContainers: [{name: e, securityContext: {allowPrivilegeEscalation: yes}}]\n"
		"- apiVersion: apps/v1\n  kind: DeploymentList\n  items:\n"
		"  - apiVersion: apps/v1\n    kind: Deployment\n    spec: {template: {spec: {containers: [{name: d}]}}}\n");
	cr_assert_eq(m->n_pods, 2);
	cr_expect_eq(m->n_objects, 4);
	const struct sk_k8s_pod *p = &m->pods[0];
	cr_expect_str_eq(p->name, "p");
	cr_expect_eq(p->seccomp.type, SK_SECCOMP_RUNTIME_DEFAULT);
	cr_expect_eq(p->annotation.type, SK_SECCOMP_RUNTIME_DEFAULT);
	cr_expect_eq(p->annotation.pos.line, 9);
	cr_assert_eq(p->n_containers, 3);
	cr_expect_str_eq(p->containers[0].list, "initContainers");
	cr_expect_eq(p->containers[0].seccomp.type, SK_SECCOMP_UNSET, "inherits: unset at its level");
	cr_expect_eq(p->containers[0].allow_privilege_escalation, SK_K8S_UNSET);
	const struct sk_k8s_container *c = &p->containers[1];
	cr_expect_str_eq(c->list, "containers");
	cr_expect_eq(c->seccomp.type, SK_SECCOMP_LOCALHOST);
	cr_expect_str_eq(c->seccomp.localhost, "a.json");
	cr_expect_eq(c->allow_privilege_escalation, SK_K8S_FALSE);
	cr_expect(c->privileged);
	cr_expect_eq(c->privileged_pos.line, 19);
	cr_expect_eq(c->annotation.type, SK_SECCOMP_LOCALHOST);
	cr_expect_str_eq(c->annotation.localhost, "x.json");
	cr_expect_str_eq(p->containers[2].list, "ephemeralContainers");
	cr_expect_eq(p->containers[2].allow_privilege_escalation, SK_K8S_TRUE);
	cr_expect_str_eq(m->pods[1].kind, "Deployment");
	sk_k8s_free(m);
}

Test(k8s, windows_crds_and_wrong_groups)
{
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: v1\nkind: Pod\nspec:\n  os: {name: windows}\n  containers: [{name: w}]\n"
		"---\n"
		"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n"
		"  versions:\n  - schema:\n      openAPIV3Schema:\n        properties:\n"
		"          seccompProfile: {type: object}\n"
		"---\n"
		"apiVersion: example.com/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: x}]}}}\n"
		"---\n"
		"just: a map\n");
	cr_expect_eq(m->n_docs, 4);
	cr_expect_eq(m->n_objects, 3);
	cr_assert_eq(m->n_pods, 1, "a CRD and a Deployment of another group are no workloads");
	cr_expect(m->pods[0].windows);
	cr_expect(sk_k8s_is_manifest(m));
	sk_k8s_free(m);
	struct sk_k8s_manifest *n = manifest("defaultAction: SCMP_ACT_ERRNO\n");
	cr_expect_not(sk_k8s_is_manifest(n));
	sk_k8s_free(n);
}

Test(k8s, seccomp_values)
{
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
		"    seccomp.security.alpha.kubernetes.io/pod: bogus\n"
		"spec:\n  securityContext: {seccompProfile: {type: Unconfined}}\n"
		"  containers:\n  - name: a\n    securityContext: {seccompProfile: {type: Whatever}}\n"
		"  - name: b\n    securityContext: {seccompProfile: }\n");
	const struct sk_k8s_pod *p = &m->pods[0];
	cr_expect_eq(p->seccomp.type, SK_SECCOMP_UNCONFINED);
	cr_expect_eq(p->annotation.type, SK_SECCOMP_INVALID);
	cr_expect_eq(p->containers[0].seccomp.type, SK_SECCOMP_INVALID);
	cr_expect_str_eq(p->containers[0].seccomp.raw, "Whatever");
	cr_expect_eq(p->containers[0].seccomp.type_pos.line, 10);
	cr_expect_eq(p->containers[1].seccomp.type, SK_SECCOMP_UNSET, "a null profile is unset");
	sk_k8s_free(m);
}

/* ---- fix and diff -------------------------------------------------------- */

static char *fixed(const char *text, const char *profile, size_t *n_edits, size_t *n_warn)
{
	struct sk_diags d = {0};
	struct sk_k8s_manifest *m = sk_k8s_parse(text, strlen(text), "f.yaml", &d);
	cr_assert_not_null(m);
	struct sk_k8s_fix_opts o = {.localhost_profile = profile};
	struct sk_k8s_edits e;
	cr_assert_eq(sk_k8s_fix(m, &o, &e, &d), 0);
	for (size_t i = 1; i < e.n; i++)
		cr_expect_geq(e.v[i].start, e.v[i - 1].end, "edits are sorted and do not overlap");
	char *out = sk_k8s_apply_edits(text, strlen(text), &e);
	if (n_edits)
		*n_edits = e.n;
	if (n_warn)
		*n_warn = d.n;
	sk_k8s_edits_free(&e);
	sk_k8s_free(m);
	sk_diags_free(&d);
	return out;
}

Test(fix, block_yaml_keeps_everything_else)
{
	const char *t = "# top\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p # name\n"
			"  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
			"spec:\n  containers:\n  - name: a # the app\n    image: a:1\n"
			"  - name: b\n    securityContext:\n      allowPrivilegeEscalation: true\n"
			"      seccompProfile:\n        type: Unconfined\n";
	size_t n;
	char *out = fixed(t, NULL, &n, NULL);
	cr_expect_str_eq(out, "# top\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p # name\n"
			      "spec:\n  containers:\n  - name: a # the app\n    image: a:1\n"
			      "    securityContext:\n      allowPrivilegeEscalation: false\n"
			      "      seccompProfile:\n        type: RuntimeDefault\n"
			      "  - name: b\n    securityContext:\n      allowPrivilegeEscalation: false\n"
			      "      seccompProfile:\n        type: RuntimeDefault\n");
	size_t again;
	char *out2 = fixed(out, NULL, &again, NULL);
	cr_expect_eq(again, 0, "a second fix changes nothing");
	free(out2);
	free(out);
}

Test(fix, localhost_and_runtime_default_switch)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  securityContext:\n    seccompProfile:\n"
			"      type: Unconfined\n      localhostProfile: old.json\n"
			"  containers:\n  - name: a\n    securityContext:\n      allowPrivilegeEscalation: false\n"
			"      seccompProfile: {type: Localhost, localhostProfile: keep.json}\n";
	char *out = fixed(t, NULL, NULL, NULL);
	cr_expect(strstr(out, "      type: RuntimeDefault\n  containers:") != NULL,
		  "RuntimeDefault names no file: localhostProfile removed\n%s", out);
	cr_expect(strstr(out, "keep.json") != NULL, "a container's own Localhost stays");
	free(out);
	out = fixed(t, "my profile.json", NULL, NULL);
	cr_expect(strstr(out, "      type: Localhost\n      localhostProfile: \"my profile.json\"\n") != NULL,
		  "%s", out);
	free(out);
}

Test(fix, json_stays_json)
{
	const char *t = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
			" \"metadata\": {\"annotations\": {\"x\": \"y\", \"seccomp.security.alpha.kubernetes.io/pod\": \"unconfined\"}},\n"
			" \"spec\": {\"containers\": [\n"
			"   {\"name\": \"a\"},\n"
			"   {\"name\": \"b\", \"securityContext\": {}},\n"
			"   {\"name\": \"c\", \"securityContext\": {\"allowPrivilegeEscalation\": true, \"seccompProfile\": {\"type\": \"Unconfined\"}}}\n"
			" ]}}\n";
	size_t warn;
	char *out = fixed(t, "p.json", NULL, &warn);
	cr_expect_eq(warn, 0);
	cr_expect_str_eq(out,
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
		" \"metadata\": {\"annotations\": {\"x\": \"y\"}},\n"
		" \"spec\": {\"containers\": [\n"
		"   {\"name\": \"a\", \"securityContext\": {\"allowPrivilegeEscalation\": false, \"seccompProfile\": {\"type\": \"Localhost\", \"localhostProfile\": \"p.json\"}}},\n"
		"   {\"name\": \"b\", \"securityContext\": {\"allowPrivilegeEscalation\": false, \"seccompProfile\": {\"type\": \"Localhost\", \"localhostProfile\": \"p.json\"}}},\n"
		"   {\"name\": \"c\", \"securityContext\": {\"allowPrivilegeEscalation\": false, \"seccompProfile\": {\"type\": \"Localhost\", \"localhostProfile\": \"p.json\"}}}\n"
		" ]}}\n");
	/* and it parses as JSON: FYPCF_JSON_NONE accepts YAML too, so check
	 * strictly that no plain (unquoted) scalar but false was written */
	struct sk_doc s = parse_ok(out);
	cr_expect(s.docs[0].root->flow);
	sk_doc_release(&s);
	free(out);
}

Test(fix, empty_values_become_blocks)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
			"  - name: a\n    securityContext: {}\n"
			"  - name: b\n    securityContext:\n"
			"  - name: c\n    securityContext: null # why\n    image: c\n"
			"  - name: d\n    securityContext:\n      allowPrivilegeEscalation: false\n      seccompProfile:\n";
	size_t warn;
	char *out = fixed(t, NULL, NULL, &warn);
	cr_expect_eq(warn, 0);
	const char *blk = "    securityContext:\n      allowPrivilegeEscalation: false\n"
			  "      seccompProfile:\n        type: RuntimeDefault\n";
	char *want;
	cr_assert(asprintf(&want,
			   "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
			   "  - name: a\n%s  - name: b\n%s  - name: c\n    securityContext: # why\n%s"
			   "    image: c\n  - name: d\n%s",
			   blk, blk, strchr(blk, '\n') + 1, blk) > 0);
	cr_expect_str_eq(out, want);
	free(want);
	free(out);
}

Test(fix, refuses_what_it_cannot_do_with_a_position)
{
	struct sk_diags d = {0};
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
			"  - name: a\n    securityContext: {runAsUser: 1, seccompProfile: }\n";
	struct sk_k8s_manifest *m = sk_k8s_parse(t, strlen(t), "f.yaml", &d);
	struct sk_k8s_edits e;
	cr_assert_eq(sk_k8s_fix(m, NULL, &e, &d), 0);
	cr_expect_eq(e.n, 0, "nothing is written");
	cr_assert_geq(d.n, 1);
	cr_expect_str_eq(d.v[0].rule, "fix-skipped");
	cr_expect_eq(d.v[0].line, 6);
	cr_expect_gt(d.v[0].col, 0);
	sk_k8s_edits_free(&e);
	sk_k8s_free(m);
	sk_diags_free(&d);
}

Test(fix, privileged_and_windows_left_alone)
{
	size_t n, warn;
	char *out = fixed("apiVersion: v1\nkind: Pod\nspec:\n  os: {name: windows}\n  containers: [{name: w}]\n",
			  NULL, &n, &warn);
	cr_expect_eq(n, 0);
	free(out);
	out = fixed("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: p\n    securityContext:\n"
		    "      privileged: true\n      seccompProfile: {type: RuntimeDefault}\n",
		    NULL, &n, &warn);
	cr_expect_eq(n, 0, "allowPrivilegeEscalation: false is rejected with privileged");
	cr_expect_eq(warn, 1);
	free(out);
}

Test(diff, unified_hunks_and_edits_on_one_line)
{
	const char *t = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\nl11\nl12\n";
	struct sk_k8s_edit v[] = {
		{3, 5, strdup("L2")},          /* replace "l2" */
		{6, 6, strdup("new\n")},       /* insert before l3 */
		{28, 30, strdup("")},          /* "10" of "l10" */
	};
	struct sk_k8s_edits e = {.v = v, .n = 3};
	char *d = sk_k8s_diff(t, strlen(t), &e, "x");
	cr_expect_str_eq(d, "--- a/x\n+++ b/x\n"
			    "@@ -1,5 +1,6 @@\n l1\n-l2\n+L2\n+new\n l3\n l4\n l5\n"
			    "@@ -7,6 +8,6 @@\n l7\n l8\n l9\n-l10\n+l\n l11\n l12\n");
	free(d);
	/* two edits on one line: one span */
	const char *j = "{\"a\": 1, \"b\": 2}\n";
	struct sk_k8s_edit w[] = {{6, 7, strdup("3")}, {14, 15, strdup("4")}};
	struct sk_k8s_edits f = {.v = w, .n = 2};
	d = sk_k8s_diff(j, strlen(j), &f, "j");
	cr_expect_str_eq(d, "--- a/j\n+++ b/j\n@@ -1,1 +1,1 @@\n-{\"a\": 1, \"b\": 2}\n+{\"a\": 3, \"b\": 4}\n");
	free(d);
	for (size_t i = 0; i < 3; i++)
		free(v[i].text);
	for (size_t i = 0; i < 2; i++)
		free(w[i].text);
	struct sk_k8s_edits none = {0};
	d = sk_k8s_diff(j, strlen(j), &none, "j");
	cr_expect_str_eq(d, "");
	free(d);
}

/* ---- the model, on real-world shapes (issue 13) --------------------------- */

Test(k8s, windows_in_every_way_kubernetes_says_it)
{
	static const char *const how[] = {
		"spec:\n  os: {name: windows}\n  containers: [{name: c}]\n",
		"spec:\n  securityContext: {windowsOptions: {hostProcess: true}}\n  containers: [{name: c}]\n",
		"spec:\n  containers: [{name: c, securityContext: {windowsOptions: {hostProcess: true}}}]\n",
		"spec:\n  nodeSelector: {kubernetes.io/os: windows}\n  containers: [{name: c}]\n",
		"spec:\n  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
		"{nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, "
		"values: [windows]}]}]}}}\n  containers: [{name: c}]\n",
	};
	for (size_t i = 0; i < sizeof how / sizeof *how; i++) {
		char *t;
		cr_assert(asprintf(&t, "apiVersion: v1\nkind: Pod\n%s", how[i]) > 0);
		struct sk_k8s_manifest *m = manifest(t);
		cr_expect_not_null(m->pods[0].windows, "%s", how[i]);
		sk_k8s_free(m);
		free(t);
	}
	/* one term that allows Linux: it may run there */
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: v1\nkind: Pod\nspec:\n  affinity: {nodeAffinity: "
		"{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: ["
		"{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [windows]}]},"
		"{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [linux]}]}]}}}\n"
		"  containers: [{name: c}]\n");
	cr_expect_null(m->pods[0].windows);
	sk_k8s_free(m);
}

Test(k8s, any_kind_with_a_pod_template_and_pod_makers)
{
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: dc}\n"
		"spec: {template: {spec: {containers: [{name: a}]}}}\n---\n"
		"apiVersion: example.com/v1\nkind: NightlyJob\nmetadata: {name: nj}\n"
		"spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: b}]}}}}}\n---\n"
		"apiVersion: karpenter.sh/v1\nkind: NodePool\nspec: {template: {spec: {nodeClassRef: {name: x}}}}\n---\n"
		"apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s}\nspec: {replicas: 2}\n---\n"
		"apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: p}\n"
		"spec: {defaultAction: SCMP_ACT_ERRNO}\n");
	cr_assert_eq(m->n_pods, 2);
	cr_expect_str_eq(m->pods[0].kind, "DeploymentConfig");
	cr_expect_str_eq(m->pods[1].kind, "NightlyJob");
	cr_expect_str_eq(m->pods[1].containers[0].name, "b");
	cr_assert_eq(m->n_pod_makers, 1);
	cr_expect_str_eq(m->pod_makers[0].name, "k8s");
	cr_expect_eq(m->pod_makers[0].pos.line, 16);
	cr_assert_eq(m->n_profiles, 1);
	cr_expect_str_eq(m->profiles[0].name, "p");
	cr_expect_eq(m->n_objects, 5);
	sk_k8s_free(m);
}

Test(k8s, escalation_values_the_api_server_rejects)
{
	struct sk_k8s_manifest *m = manifest(
		"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
		"  - {name: s, securityContext: {allowPrivilegeEscalation: \"false\"}}\n"
		"  - {name: c, securityContext: {capabilities: {add: [NET_ADMIN, CAP_SYS_ADMIN]}}}\n"
		"  - {name: d, securityContext: {capabilities: {add: [SYS_ADMIN]}}}\n");
	const struct sk_k8s_pod *p = &m->pods[0];
	cr_expect_eq(p->containers[0].allow_privilege_escalation, SK_K8S_INVALID);
	cr_expect_str_eq(p->containers[0].ape_raw, "false");
	cr_expect(p->containers[1].cap_sys_admin);
	cr_expect_eq(p->containers[1].cap_sys_admin_pos.col, 65);
	cr_expect_not(p->containers[2].cap_sys_admin, "the API server compares CAP_SYS_ADMIN only");
	cr_expect_str_eq(p->containers[2].sys_admin_as, "SYS_ADMIN", "... and grants it all the same");
	cr_expect_null(p->containers[1].sys_admin_as);
	sk_k8s_free(m);
}

/* fix: what each container gets (issue 13 item 1) */
static const char *choice_of(const struct sk_k8s_edits *e, const char *container)
{
	char key[64];
	snprintf(key, sizeof key, "container '%s':", container);
	for (size_t i = 0; i < e->choices.n; i++)
		if (strstr(e->choices.v[i].message, key))
			return e->choices.v[i].message;
	return "";
}

Test(fix, never_a_downgrade)
{
	const char *t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
			"    container.seccomp.security.alpha.kubernetes.io/a: localhost/fine.json\n"
			"    container.seccomp.security.alpha.kubernetes.io/b: unconfined\n"
			"spec:\n  securityContext: {seccompProfile: {type: Localhost, localhostProfile: pod.json}}\n"
			"  containers:\n  - name: a\n  - name: b\n  - name: c\n"
			"    securityContext: {seccompProfile: {type: RuntimeDefault}}\n";
	struct sk_diags d = {0};
	struct sk_k8s_manifest *m = sk_k8s_parse(t, strlen(t), "f.yaml", &d);
	struct sk_k8s_profile_map map[] = {{"p", "c", "c.json"}};
	struct sk_k8s_fix_opts o = {.localhost_profile = "other.json", .map = map, .n_map = 1};
	struct sk_k8s_edits e;
	cr_assert_eq(sk_k8s_fix(m, &o, &e, &d), 0);
	cr_expect(strstr(choice_of(&e, "a"), "Localhost fine.json (carried over from its annotation"));
	cr_expect(strstr(choice_of(&e, "b"), "Localhost pod.json (inherited from the pod level)"));
	cr_expect(strstr(choice_of(&e, "c"), "Localhost c.json (--profile p/c=c.json)"),
		  "a mapped container's RuntimeDefault becomes its profile");
	char *out = sk_k8s_apply_edits(t, strlen(t), &e);
	cr_expect(strstr(out, "localhostProfile: fine.json") && strstr(out, "localhostProfile: pod.json") &&
		  strstr(out, "\"localhostProfile\": \"c.json\"") && !strstr(out, "other.json"), "%s", out);
	free(out);
	sk_k8s_edits_free(&e);
	sk_k8s_free(m);
	sk_diags_free(&d);
}

Test(fix, shared_nodes_and_overlaps_never_reach_the_text)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
			"  - name: a\n    securityContext: &sc\n      allowPrivilegeEscalation: true\n"
			"  - name: b\n    securityContext: *sc\n";
	size_t n, warn;
	char *out = fixed(t, NULL, &n, &warn);
	cr_expect_eq(n, 0, "nothing of the shared text is edited");
	cr_expect_eq(warn, 2, "said at the anchor and at the alias");
	cr_expect_str_eq(out, t);
	free(out);
	/* edits that overlap are refused by whoever gets them */
	struct sk_k8s_edit v[] = {{10, 20, (char *)"x"}, {15, 16, (char *)"y"}};
	struct sk_k8s_edits e = {.v = v, .n = 2};
	cr_expect_null(sk_k8s_apply_edits(t, strlen(t), &e));
	cr_expect_null(sk_k8s_diff(t, strlen(t), &e, "x"));
}

/* What fix hands over reads back: libfyaml refuses a tab before a comment on
 * the line after the block fix adds (found by fuzz_manifest; the old fix -i
 * wrote that file). Nothing is handed over then. */
Test(fix, nothing_that_does_not_read_back)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n"
			"    securityContext:\n      \t\t# a comment";
	struct sk_diags d = {0};
	struct sk_k8s_manifest *m = sk_k8s_parse(t, strlen(t), "f.yaml", &d);
	cr_assert_not_null(m);
	struct sk_k8s_edits e;
	cr_expect_eq(sk_k8s_fix(m, NULL, &e, &d), -EINVAL);
	cr_expect_eq(e.n, 0);
	cr_expect(d.n && !strcmp(d.v[d.n - 1].rule, "fix-internal"));
	sk_k8s_edits_free(&e);
	sk_k8s_free(m);
	sk_diags_free(&d);
}
