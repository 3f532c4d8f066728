/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/k8s.h — Kubernetes manifests: the pod templates inside them.
 *
 * Reads multi-document YAML or JSON (kind: List included, empty documents
 * skipped) through scmpkit/doc.h and finds every pod spec where Kubernetes
 * keeps one: a Pod's spec, a PodTemplate's template, and .spec.template (or a
 * CronJob's .spec.jobTemplate.spec.template) of any object that carries a pod
 * template there — the built-in workloads, OpenShift's DeploymentConfig, Argo
 * Rollouts, Knative Services, ... A kind Kubernetes defines itself counts only
 * from its own API group: a custom resource reusing the name is not assumed
 * to follow its schema. Kinds whose operator makes pods from a spec of its own
 * (Prometheus, Alertmanager, ...) are listed as such, and SecurityProfile
 * Operator SeccompProfiles are found too. Every value keeps its file position,
 * so lint can point at it and fix can edit the text in place.
 */
#ifndef SCMPKIT_K8S_H
#define SCMPKIT_K8S_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/diag.h>
#include <scmpkit/doc.h>
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

/* A boolean field: unset, true, false, or a value the API server rejects
 * (the string "false", a number). */
enum sk_k8s_tri { SK_K8S_UNSET = 0, SK_K8S_TRUE, SK_K8S_FALSE, SK_K8S_INVALID };

struct sk_k8s_container {
	const char *name;
	const char *list;   /* "containers", "initContainers", "ephemeralContainers" */
	struct sk_pos pos;  /* the container's mapping (its first key) */
	struct sk_k8s_seccomp seccomp;
	struct sk_k8s_seccomp annotation; /* container.seccomp.security.alpha.kubernetes.io/NAME */
	enum sk_k8s_tri allow_privilege_escalation;
	struct sk_pos ape_pos;
	const char *ape_raw; /* allowPrivilegeEscalation as written, when INVALID */
	bool privileged;
	struct sk_pos privileged_pos;
	/* "CAP_SYS_ADMIN" literally in capabilities.add: the API server refuses
	 * allowPrivilegeEscalation: false beside it (it compares that spelling;
	 * "SYS_ADMIN" passes and grants the capability all the same) */
	bool cap_sys_admin;
	struct sk_pos cap_sys_admin_pos;
	/* another spelling that grants CAP_SYS_ADMIN all the same ("SYS_ADMIN"
	 * or "cap_sys_admin" in any case, "ALL": runtimes add the CAP_ prefix
	 * and upper-case),
	 * which the API server lets through beside allowPrivilegeEscalation:
	 * false; NULL when none */
	const char *sys_admin_as;
	struct sk_pos sys_admin_as_pos;
	bool host_process; /* securityContext.windowsOptions.hostProcess: true */
	const struct sk_doc_node *node; /* the container's mapping */
};

struct sk_k8s_pod {
	const char *kind;     /* the workload's kind: "Deployment", "CronJob", ... */
	const char *name;     /* its metadata.name, "" when absent */
	unsigned doc;         /* 0-based document index in the file */
	struct sk_pos pos;    /* the pod spec mapping */
	/* A Windows pod, where seccomp and allowPrivilegeEscalation do not
	 * exist: why we think so ("spec.os.name: windows", "hostProcess: true",
	 * "nodeSelector kubernetes.io/os: windows", "node affinity
	 * kubernetes.io/os In [windows]"), or NULL for a Linux pod. */
	const char *windows;
	struct sk_k8s_seccomp seccomp;    /* pod-level securityContext.seccompProfile */
	struct sk_k8s_seccomp annotation; /* seccomp.security.alpha.kubernetes.io/pod */
	struct sk_k8s_container *containers;
	size_t n_containers;
	const struct sk_doc_node *spec;     /* the pod spec's mapping */
	const struct sk_doc_node *metadata; /* the pod (template) metadata mapping, or NULL */
};

/* An object that is not a workload but matters: a SeccompProfile, or a kind
 * whose operator makes pods lint cannot see. */
struct sk_k8s_object {
	const char *kind, *api_version, *name; /* name "" when absent */
	unsigned doc;
	struct sk_pos pos; /* its kind value */
	const struct sk_doc_node *node;
	const char *note; /* for pod makers: where their pods' settings live */
};

struct sk_k8s_manifest {
	char *file;
	const char *text; /* the input, not owned */
	size_t len;
	size_t n_docs;    /* documents, empty ones included */
	size_t n_objects; /* Kubernetes objects seen (items of Lists counted) */
	struct sk_k8s_pod *pods;
	size_t n_pods;
	struct sk_k8s_object *profiles; /* SeccompProfiles (security-profiles-operator) */
	size_t n_profiles;
	struct sk_k8s_object *pod_makers; /* kinds whose pods lint cannot see */
	size_t n_pod_makers;
	void *priv;
};

/* Parse TEXT (kept by reference: it must outlive the manifest). Syntax errors
 * go to DIAGS; returns NULL on error. A file without any Kubernetes object is
 * not an error (n_objects == 0). */
struct sk_k8s_manifest *sk_k8s_parse(const char *text, size_t len, const char *file,
				     struct sk_diags *diags);
void sk_k8s_free(struct sk_k8s_manifest *m);

/* For a reader of the document stream (lint reads its input once): an empty
 * manifest of FILE, then the objects of document DOC (its root ROOT) added to
 * it, and its pods and objects forgotten before the next document. The nodes
 * belong to the caller's stream. 0 or -ENOMEM. */
struct sk_k8s_manifest *sk_k8s_new(const char *text, size_t len, const char *file);
int sk_k8s_add_document(struct sk_k8s_manifest *m, unsigned doc, const struct sk_doc_node *root);
void sk_k8s_forget_documents(struct sk_k8s_manifest *m);

/* Where lint reports a manifest value N: N's position, but a quoted value's
 * first character inside its quotes; 0:0 for NULL. */
struct sk_pos sk_k8s_pos(const struct sk_doc_node *n);

/* ROOT is a Kubernetes object (a mapping with apiVersion and kind). */
bool sk_k8s_is_object(const struct sk_doc_node *root);

/* True when some document of TEXT has both "apiVersion" and "kind" at its top
 * level, i.e. it is a Kubernetes object (SeccompProfile resources included). */
bool sk_k8s_is_manifest(const struct sk_k8s_manifest *m);

/* The deprecated seccomp annotation keys. */
#define SK_K8S_POD_ANNOTATION "seccomp.security.alpha.kubernetes.io/pod"
#define SK_K8S_CONTAINER_ANNOTATION_PREFIX "container.seccomp.security.alpha.kubernetes.io/"

/* ---- fix ------------------------------------------------------------------ */

/* A container named by the user for a profile: CONTAINER in the workload
 * whose metadata.name is WORKLOAD (any workload when NULL). */
struct sk_k8s_profile_map {
	const char *workload;
	const char *container;
	const char *localhost_profile;
};

struct sk_k8s_fix_opts {
	/* Localhost with this path for containers that have no profile to keep
	 * (see sk_k8s_fix); NULL: RuntimeDefault */
	const char *localhost_profile;
	const struct sk_k8s_profile_map *map; /* per container, before the rest */
	size_t n_map;
};

/* One textual edit: replace [start, end) of the input with TEXT (the
 * document layer's edit). Edits cover whole lines or part of one line, and
 * never overlap. */
#define sk_k8s_edit sk_doc_edit

struct sk_k8s_edits {
	struct sk_k8s_edit *v;
	size_t n;
	/* what fix chose for each container it gave a profile, and why: notes at
	 * the container's position (the command prints them on stderr) */
	struct sk_diags choices;
};

/* The edits that make M's workloads follow P1, P2 and P4 without making any
 * of them worse: every container gets its own seccompProfile when it has none,
 * Unconfined or an invalid one. Which one, first that applies: the user's
 * profile for that container (OPTS->map); the Localhost profile (or
 * RuntimeDefault) its deprecated annotation named; the pod level's profile it
 * inherits now, when that is Localhost; OPTS->localhost_profile; the pod
 * level's RuntimeDefault, or its annotation's; RuntimeDefault. A mapped
 * container's own RuntimeDefault becomes its mapped profile. Containers get
 * allowPrivilegeEscalation: false, except privileged ones and those adding
 * "CAP_SYS_ADMIN" (the API server rejects both combinations: reported
 * instead); deprecated seccomp annotations are removed; a pod-level
 * Unconfined becomes the chosen profile. Windows pods are left alone. Edits are textual at the nodes' positions, so the
 * rest of the file — comments included — stays byte-identical. Flow style
 * (JSON) gets pairs in JSON syntax, so JSON stays JSON; an empty value
 * ("securityContext:", null, ~, {}) under a block key becomes block lines.
 * Layouts that cannot be edited safely are left alone with a "fix-skipped"
 * warning at file:line:col in DIAGS. Returns 0 or -ENOMEM; OUT is sorted by
 * position. */
int sk_k8s_fix(const struct sk_k8s_manifest *m, const struct sk_k8s_fix_opts *opts,
	       struct sk_k8s_edits *out, struct sk_diags *diags);

/* TEXT with EDITS applied (caller frees), or NULL on ENOMEM or when the
 * edits overlap or lie outside TEXT. */
char *sk_k8s_apply_edits(const char *text, size_t len, const struct sk_k8s_edits *edits);

/* A unified diff (3 lines of context) between TEXT and TEXT with EDITS
 * applied, with headers "--- a/NAME" and "+++ b/NAME"; "" when EDITS is empty.
 * Caller frees; NULL on ENOMEM or edits that overlap or lie outside TEXT. */
char *sk_k8s_diff(const char *text, size_t len, const struct sk_k8s_edits *edits,
		  const char *name);

void sk_k8s_edits_free(struct sk_k8s_edits *e);

#ifdef __cplusplus
}
#endif
#endif
