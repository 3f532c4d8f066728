/* SPDX-License-Identifier: Apache-2.0 */
/* Rules on Kubernetes workloads: P1, P2, P3, P4 for every container, and what
 * the API server would reject. Whether a Localhost profile exists is the
 * driver's to find out (sk_lint_env); these rules only look. */
#include <scmpkit/lint.h>

#include <stdio.h>
#include <string.h>

#include "lint/internal.h"

struct ctx {
	const struct sk_k8s_manifest *m;
	const struct sk_lint_env *env;
	struct sk_diags *out;
};

static const char *type_name(enum sk_k8s_seccomp_type t)
{
	static const char *const names[] = {"unset", "Unconfined", "RuntimeDefault", "Localhost",
					    "invalid"};
	return names[t];
}

static bool same_profile(const struct sk_k8s_seccomp *a, const struct sk_k8s_seccomp *b)
{
	if (a->type != b->type)
		return false;
	if (a->type != SK_SECCOMP_LOCALHOST)
		return true;
	return a->localhost && b->localhost && !strcmp(a->localhost, b->localhost);
}

const char *sk_lint_localhost_problem(const char *lp)
{
	if (lp[0] == '/')
		return "is absolute";
	for (const char *p = lp; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == lp || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return "contains '..'";
	return NULL;
}

static const struct sk_lint_localhost *found(const struct ctx *c, const char *lp)
{
	for (size_t i = 0; i < c->env->n_localhost; i++)
		if (!strcmp(c->env->localhost[i].path, lp))
			return &c->env->localhost[i];
	return NULL;
}

/* A Localhost profile: a relative path without "..", which the driver found
 * under the kubelet's seccomp root (and linted). */
static void check_localhost(struct ctx *c, const struct sk_k8s_seccomp *s, const char *what)
{
	const char *f = c->m->file;
	const char *lp = s->localhost;
	if (!lp || !*lp) {
		sk_lint_report(c->out, "P3-localhost-path", f, s->type_pos,
			       "add localhostProfile: PATH relative to the kubelet's seccomp root",
			       "%s: type Localhost without a localhostProfile", what);
		return;
	}
	struct sk_pos at = s->localhost_pos.line ? s->localhost_pos : s->type_pos;
	const char *problem = sk_lint_localhost_problem(lp);
	if (problem) {
		sk_lint_report(c->out, "P3-localhost-path", f, at,
			       lp[0] == '/' ? "write the path relative to the kubelet's seccomp root "
					      "(/var/lib/kubelet/seccomp)"
					    : "keep the profile inside the kubelet's seccomp root",
			       "%s: localhostProfile '%s' %s", what, lp, problem);
		return;
	}
	const struct sk_lint_localhost *l = found(c, lp);
	if (l && l->missing)
		sk_lint_report(c->out, "P3-localhost-missing", f, at,
			       "record the profile (scmpkit record) and install it on every node",
			       "%s: Localhost profile '%s' %s", what, lp, l->missing);
}

static void check_annotation(struct ctx *c, const struct sk_k8s_seccomp *ann,
			     const struct sk_k8s_seccomp *field, const char *what,
			     const char *key)
{
	const char *f = c->m->file;
	if (!ann->pos.line)
		return;
	if (ann->type == SK_SECCOMP_INVALID)
		sk_lint_report(c->out, "invalid-seccomp-type", f, ann->type_pos,
			       "use runtime/default, localhost/PATH or move to the field",
			       "%s: annotation value '%s' is not a seccomp profile", what, ann->raw);
	if (field->type != SK_SECCOMP_UNSET && ann->type != SK_SECCOMP_INVALID &&
	    !same_profile(ann, field))
		sk_lint_report(c->out, "P2-annotation-mismatch", f, ann->pos,
			       "delete the annotation; the field is what counts",
			       "%s: annotation '%s' says %s but securityContext.seccompProfile says "
			       "%s; the API server rejects the pod",
			       what, ann->raw, type_name(ann->type), type_name(field->type));
	sk_lint_report(c->out, "P2-deprecated-annotation", f, ann->pos,
		       "delete the annotation and set securityContext.seccompProfile on the "
		       "container (scmpkit fix carries the profile over)",
		       "%s: annotation %s has no effect since Kubernetes 1.27 (API servers up to "
		       "1.26 copied it into securityContext.seccompProfile when the pod was created)",
		       what, key);
}

/* Explicit values at one level (pod or container). */
static void check_field(struct ctx *c, const struct sk_k8s_seccomp *s, const char *what)
{
	const char *f = c->m->file;
	switch (s->type) {
	case SK_SECCOMP_UNCONFINED:
		sk_lint_report(c->out, "P4-unconfined", f, s->type_pos,
			       "use type: Localhost with a recorded profile (scmpkit record), or "
			       "RuntimeDefault",
			       "%s: seccompProfile is Unconfined", what);
		break;
	case SK_SECCOMP_INVALID:
		sk_lint_report(c->out, "invalid-seccomp-type", f, s->type_pos,
			       "use Localhost, RuntimeDefault (or, never, Unconfined)",
			       "%s: seccompProfile type '%s' is not one Kubernetes knows", what,
			       s->raw);
		break;
	case SK_SECCOMP_LOCALHOST:
		check_localhost(c, s, what);
		break;
	case SK_SECCOMP_RUNTIME_DEFAULT:
	case SK_SECCOMP_UNSET:
		break;
	}
}

/* P1, and what holds where allowPrivilegeEscalation: false cannot be set: the
 * API server's validation refuses it beside privileged: true and beside the
 * literal "CAP_SYS_ADMIN" in capabilities.add. */
static void check_escalation(struct ctx *c, const struct sk_k8s_container *k, const char *what)
{
	const char *f = c->m->file;
	/* CAP_SYS_ADMIN by another name: the API server lets it stand beside
	 * allowPrivilegeEscalation: false, and the container holds it all the
	 * same */
	if (k->sys_admin_as && !k->privileged && !k->cap_sys_admin)
		sk_lint_report(c->out, "P1-sys-admin", f, k->sys_admin_as_pos,
			       "drop it from capabilities.add and grant the narrower capability the "
			       "workload needs",
			       "%s adds '%s', which grants CAP_SYS_ADMIN: no_new_privs "
			       "(allowPrivilegeEscalation: false) is no boundary for a process that "
			       "holds it, and Docker's and containerd's default profiles then allow "
			       "mount, umount2, setns, unshare, bpf and the other calls it gates (the "
			       "API server refuses the pair only when spelled CAP_SYS_ADMIN)",
			       what, k->sys_admin_as);
	if (k->privileged)
		sk_lint_report(c->out, "P4-privileged", f, k->privileged_pos,
			       "remove privileged: true and grant only the capabilities needed",
			       "%s is privileged: Kubernetes runs privileged containers Unconfined "
			       "whatever seccompProfile says, and with every capability",
			       what);
	switch (k->allow_privilege_escalation) {
	case SK_K8S_FALSE:
		if (k->privileged || k->cap_sys_admin)
			sk_lint_report(c->out, "api-server-rejects", f, k->ape_pos,
				       k->privileged ? "drop privileged: true (or the "
						       "allowPrivilegeEscalation line)"
						     : "drop CAP_SYS_ADMIN from capabilities.add (or "
						       "the allowPrivilegeEscalation line)",
				       "%s: allowPrivilegeEscalation: false beside %s: the API server "
				       "rejects the container",
				       what, k->privileged ? "privileged: true" : "CAP_SYS_ADMIN");
		return;
	case SK_K8S_INVALID:
		sk_lint_report(c->out, "api-server-rejects", f, k->ape_pos,
			       "write allowPrivilegeEscalation: false, without quotes",
			       "%s: allowPrivilegeEscalation is the string \"%s\", not a boolean: the "
			       "API server rejects the object",
			       what, k->ape_raw);
		return;
	case SK_K8S_TRUE:
	case SK_K8S_UNSET:
		break;
	}
	const char *how = k->allow_privilege_escalation == SK_K8S_TRUE
				  ? "true"
				  : "not set (defaults to true)";
	if (k->privileged || k->cap_sys_admin)
		sk_lint_report(c->out, "P1-allow-privilege-escalation", f,
			       k->allow_privilege_escalation == SK_K8S_TRUE ? k->ape_pos : k->pos,
			       k->privileged ? "remove privileged: true, then set "
					       "allowPrivilegeEscalation: false"
					     : "remove CAP_SYS_ADMIN from capabilities.add, then set "
					       "allowPrivilegeEscalation: false",
			       "%s: allowPrivilegeEscalation is %s, and cannot be false while %s (the "
			       "API server rejects that)",
			       what, how, k->privileged ? "it is privileged" : "it adds CAP_SYS_ADMIN");
	else
		sk_lint_report(c->out, "P1-allow-privilege-escalation", f,
			       k->allow_privilege_escalation == SK_K8S_TRUE ? k->ape_pos : k->pos,
			       "set securityContext.allowPrivilegeEscalation: false",
			       "%s: allowPrivilegeEscalation is %s", what, how);
}

static void lint_container(struct ctx *c, const struct sk_k8s_pod *p,
			   const struct sk_k8s_container *k, bool *inherits_rd)
{
	const char *f = c->m->file;
	char what[256];
	const char *label = !strcmp(k->list, "initContainers")	    ? "init container"
			    : !strcmp(k->list, "ephemeralContainers") ? "ephemeral container"
								      : "container";
	snprintf(what, sizeof what, "%s %s: %s '%s'", p->kind, p->name, label, k->name);
	char key[512];
	snprintf(key, sizeof key, SK_K8S_CONTAINER_ANNOTATION_PREFIX "%s", k->name);
	check_annotation(c, &k->annotation, &k->seccomp, what, key);
	check_escalation(c, k, what);
	check_field(c, &k->seccomp, what);
	if (k->seccomp.type == SK_SECCOMP_RUNTIME_DEFAULT)
		sk_lint_report(c->out, "P3-runtime-default", f, k->seccomp.type_pos,
			       "record an application profile (scmpkit record) and use Localhost",
			       "%s uses RuntimeDefault, a last resort", what);
	if (k->seccomp.type != SK_SECCOMP_UNSET)
		return;
	/* inherited from the pod, the way the kubelet does it */
	switch (p->seccomp.type) {
	case SK_SECCOMP_UNSET:
		sk_lint_report(c->out, "P4-no-seccomp-profile", f, k->pos,
			       "set securityContext.seccompProfile on the container (scmpkit fix)",
			       "%s has no seccompProfile: it runs Unconfined unless the kubelet "
			       "enables SeccompDefault (then RuntimeDefault)",
			       what);
		break;
	case SK_SECCOMP_UNCONFINED:
		break; /* reported at the pod level */
	default:
		sk_lint_report(c->out, "P2-pod-level-only", f, k->pos,
			       "set securityContext.seccompProfile on the container itself",
			       "%s inherits seccompProfile %s from the pod level", what,
			       type_name(p->seccomp.type));
		if (p->seccomp.type == SK_SECCOMP_RUNTIME_DEFAULT)
			*inherits_rd = true;
	}
}

static void lint_pod(struct ctx *c, const struct sk_k8s_pod *p)
{
	if (p->windows)
		return; /* seccomp does not exist on Windows nodes */
	char what[256];
	snprintf(what, sizeof what, "%s %s: pod", p->kind, p->name);
	check_annotation(c, &p->annotation, &p->seccomp, what, SK_K8S_POD_ANNOTATION);
	check_field(c, &p->seccomp, what);
	bool inherits_rd = false;
	for (size_t i = 0; i < p->n_containers; i++)
		lint_container(c, p, &p->containers[i], &inherits_rd);
	if (inherits_rd)
		sk_lint_report(c->out, "P3-runtime-default", c->m->file, p->seccomp.type_pos,
			       "record an application profile (scmpkit record) and use Localhost",
			       "%s uses RuntimeDefault, a last resort", what);
}

int sk_lint_manifest_rules(const struct sk_k8s_manifest *m, const struct sk_lint_env *env,
			   struct sk_diags *out)
{
	struct ctx c = {.m = m, .env = env, .out = out};
	for (size_t i = 0; i < m->n_pods; i++)
		lint_pod(&c, &m->pods[i]);
	for (size_t i = 0; i < m->n_pod_makers; i++) {
		const struct sk_k8s_object *o = &m->pod_makers[i];
		sk_lint_report(out, "pods-not-visible", m->file, o->pos,
			       "check the pods the operator makes: kubectl get statefulset -o yaml | "
			       "scmpkit lint -",
			       "%s %s: %s", o->kind, o->name, o->note);
	}
	return 0;
}
