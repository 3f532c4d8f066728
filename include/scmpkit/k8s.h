/* scmpkit/k8s.h — Kubernetes manifests: the pod templates inside them.
 *
 * Reads multi-document YAML or JSON (kind: List included, empty documents
 * skipped) and finds every pod spec the way the API server does: Pod,
 * PodTemplate, ReplicationController, ReplicaSet, Deployment, StatefulSet,
 * DaemonSet, Job (.spec.template) and CronJob (.spec.jobTemplate.spec.template).
 * Other kinds — CRDs with seccomp keys in their schemas included — are not
 * workloads and yield nothing. Every value keeps its file position, so lint can
 * point at it and fix can edit the text in place.
 */
#ifndef SCMPKIT_K8S_H
#define SCMPKIT_K8S_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/diag.h>
#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sk_k8s_seccomp_type {
	SK_SECCOMP_UNSET = 0,
	SK_SECCOMP_UNCONFINED,
	SK_SECCOMP_RUNTIME_DEFAULT,
	SK_SECCOMP_LOCALHOST,
	SK_SECCOMP_INVALID, /* a type the API server rejects */
};

/* A securityContext.seccompProfile, or a deprecated seccomp annotation. */
struct sk_k8s_seccomp {
	enum sk_k8s_seccomp_type type;
	const char *raw;       /* the type (or annotation value) as written */
	const char *localhost; /* localhostProfile (annotation: after "localhost/"), or NULL */
	struct sk_pos pos;     /* the seccompProfile key / annotation key */
	struct sk_pos type_pos;
	struct sk_pos localhost_pos;
};

enum sk_k8s_tri { SK_K8S_UNSET = 0, SK_K8S_TRUE, SK_K8S_FALSE };

struct sk_k8s_container {
	const char *name;
	const char *list;   /* "containers", "initContainers", "ephemeralContainers" */
	struct sk_pos pos;  /* the container's mapping (its first key) */
	struct sk_k8s_seccomp seccomp;
	struct sk_k8s_seccomp annotation; /* container.seccomp.security.alpha.kubernetes.io/NAME */
	enum sk_k8s_tri allow_privilege_escalation;
	struct sk_pos ape_pos;
	bool privileged;
	struct sk_pos privileged_pos;
	const void *node; /* internal: the container's YAML mapping */
};

struct sk_k8s_pod {
	const char *kind;     /* the workload's kind: "Deployment", "CronJob", ... */
	const char *name;     /* its metadata.name, "" when absent */
	unsigned doc;         /* 0-based document index in the file */
	struct sk_pos pos;    /* the pod spec mapping */
	bool windows;         /* spec.os.name: windows — seccomp does not apply */
	struct sk_k8s_seccomp seccomp;    /* pod-level securityContext.seccompProfile */
	struct sk_k8s_seccomp annotation; /* seccomp.security.alpha.kubernetes.io/pod */
	struct sk_k8s_container *containers;
	size_t n_containers;
	const void *spec;     /* internal: the pod spec's YAML mapping */
	const void *metadata; /* internal: the pod (template) metadata mapping, or NULL */
};

struct sk_k8s_manifest {
	char *file;
	const char *text; /* the input, not owned */
	size_t len;
	size_t n_docs;    /* documents, empty ones included */
	size_t n_objects; /* Kubernetes objects seen (items of Lists counted) */
	struct sk_k8s_pod *pods;
	size_t n_pods;
	void *priv;
};

/* Parse TEXT (kept by reference: it must outlive the manifest). Syntax errors
 * go to DIAGS; returns NULL on error. A file without any Kubernetes object is
 * not an error (n_objects == 0). */
struct sk_k8s_manifest *sk_k8s_parse(const char *text, size_t len, const char *file,
				     struct sk_diags *diags);
void sk_k8s_free(struct sk_k8s_manifest *m);

/* True when some document of TEXT has both "apiVersion" and "kind" at its top
 * level, i.e. it is a Kubernetes object (SeccompProfile resources included). */
bool sk_k8s_is_manifest(const struct sk_k8s_manifest *m);

/* The deprecated seccomp annotation keys. */
#define SK_K8S_POD_ANNOTATION "seccomp.security.alpha.kubernetes.io/pod"
#define SK_K8S_CONTAINER_ANNOTATION_PREFIX "container.seccomp.security.alpha.kubernetes.io/"

/* ---- fix ------------------------------------------------------------------ */

struct sk_k8s_fix_opts {
	const char *localhost_profile; /* Localhost with this path; NULL: RuntimeDefault */
};

/* One textual edit: replace [start, end) of the input with TEXT. Edits cover
 * whole lines or part of one line, and never overlap. */
struct sk_k8s_edit {
	size_t start, end;
	char *text;
};

struct sk_k8s_edits {
	struct sk_k8s_edit *v;
	size_t n;
};

/* The edits that make M's workloads follow P1, P2 and P4: every container gets
 * its own seccompProfile (when it has none, or Unconfined, or an invalid one)
 * and allowPrivilegeEscalation: false (privileged containers are reported
 * instead: the API server rejects that combination); deprecated seccomp
 * annotations are removed; a pod-level Unconfined becomes the chosen profile.
 * Windows pods are left alone. Edits are textual at the nodes' positions, so the
 * rest of the file — comments included — stays byte-identical. Flow style
 * (JSON) gets pairs in JSON syntax, so JSON stays JSON; an empty value
 * ("securityContext:", null, ~, {}) under a block key becomes block lines.
 * Layouts that cannot be edited safely are left alone with a "fix-skipped"
 * warning at file:line:col in DIAGS. Returns 0 or -ENOMEM; OUT is sorted by
 * position. */
int sk_k8s_fix(const struct sk_k8s_manifest *m, const struct sk_k8s_fix_opts *opts,
	       struct sk_k8s_edits *out, struct sk_diags *diags);

/* TEXT with EDITS applied (caller frees), or NULL on ENOMEM. */
char *sk_k8s_apply_edits(const char *text, size_t len, const struct sk_k8s_edits *edits);

/* A unified diff (3 lines of context) between TEXT and TEXT with EDITS
 * applied, with headers "--- a/NAME" and "+++ b/NAME"; "" when EDITS is empty.
 * Caller frees; NULL on ENOMEM. */
char *sk_k8s_diff(const char *text, size_t len, const struct sk_k8s_edits *edits,
		  const char *name);

void sk_k8s_edits_free(struct sk_k8s_edits *e);

#ifdef __cplusplus
}
#endif
#endif
