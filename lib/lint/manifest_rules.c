/* Rules on Kubernetes workloads: P1, P2, P3, P4 for every container. */
#include <scmpkit/lint.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint/internal.h"

struct ctx {
	const struct sk_k8s_manifest *m;
	const struct sk_lint_opts *opts;
	struct sk_diags *out;
	/* Localhost profiles already linted in this run, so each is read once */
	char **seen;
	size_t n_seen;
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

static bool seen_before(struct ctx *c, const char *path)
{
	for (size_t i = 0; i < c->n_seen; i++)
		if (!strcmp(c->seen[i], path))
			return true;
	char **v = realloc(c->seen, (c->n_seen + 1) * sizeof *v);
	if (!v)
		return true;
	c->seen = v;
	c->seen[c->n_seen] = strdup(path);
	if (c->seen[c->n_seen])
		c->n_seen++;
	return false;
}

/* A Localhost profile: a relative path without "..", which exists under the
 * kubelet's seccomp root and is itself linted. */
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
	if (lp[0] == '/') {
		sk_lint_report(c->out, "P3-localhost-path", f, at,
			       "write the path relative to the kubelet's seccomp root "
			       "(/var/lib/kubelet/seccomp)",
			       "%s: localhostProfile '%s' is absolute", what, lp);
		return;
	}
	for (const char *p = lp; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == lp || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) {
			sk_lint_report(c->out, "P3-localhost-path", f, at,
				       "keep the profile inside the kubelet's seccomp root",
				       "%s: localhostProfile '%s' contains '..'", what, lp);
			return;
		}
	if (!c->opts || !c->opts->profiles_dir)
		return;
	char *path;
	if (asprintf(&path, "%s/%s", c->opts->profiles_dir, lp) < 0)
		return;
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		sk_lint_report(c->out, "P3-localhost-missing", f, at,
			       "record the profile (scmpkit record) and install it on every node",
			       "%s: Localhost profile '%s' does not exist under %s", what, lp,
			       c->opts->profiles_dir);
	} else if (!seen_before(c, path)) {
		/* its findings point into the profile file; broken input there is an
		 * error finding too, since the kubelet would refuse to start the pod */
		sk_lint_file(path, c->opts, c->out);
	}
	free(path);
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
		       "container (scmpkit fix)",
		       "%s: annotation %s is ignored since Kubernetes 1.25 and removed in 1.27",
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

	if (k->privileged)
		sk_lint_report(c->out, "P4-privileged", f, k->privileged_pos,
			       "remove privileged: true and grant only the capabilities needed",
			       "%s is privileged: seccomp does not apply to it", what);
	if (k->allow_privilege_escalation != SK_K8S_FALSE)
		sk_lint_report(c->out, "P1-allow-privilege-escalation", f,
			       k->allow_privilege_escalation == SK_K8S_TRUE ? k->ape_pos : k->pos,
			       "set securityContext.allowPrivilegeEscalation: false",
			       "%s: allowPrivilegeEscalation is %s", what,
			       k->allow_privilege_escalation == SK_K8S_TRUE
				       ? "true"
				       : "not set (defaults to true)");

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

int sk_lint_manifest(const struct sk_k8s_manifest *m, const struct sk_lint_opts *opts,
		     struct sk_diags *out)
{
	struct ctx c = {.m = m, .opts = opts, .out = out};
	for (size_t i = 0; i < m->n_pods; i++)
		lint_pod(&c, &m->pods[i]);
	for (size_t i = 0; i < c.n_seen; i++)
		free(c.seen[i]);
	free(c.seen);
	return 0;
}
