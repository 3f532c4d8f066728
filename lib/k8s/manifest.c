/* SPDX-License-Identifier: Apache-2.0 */
/* Find the pod specs in Kubernetes manifests (see scmpkit/k8s.h).
 *
 * Kubernetes keeps a pod template in few places, and every kind that makes
 * pods from a template of its own kind of object uses them too (OpenShift's
 * DeploymentConfig, Argo Rollouts, Knative Services): so an object is a
 * workload when a pod spec sits there, whatever its kind — except a kind
 * Kubernetes defines itself, which counts only from its own API group. */
#include <scmpkit/k8s.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"

/* Kubernetes' own kinds with a pod template: the API groups they come from
 * and the path from the object to the template (metadata + spec). Pod is
 * its own template. */
static const struct builtin {
	const char *kind;
	const char *groups; /* '|'-separated API groups; "" is the core group */
	const char *path[5];
} builtins[] = {
	{"Pod", "", {NULL}},
	{"PodTemplate", "", {"template", NULL}},
	{"ReplicationController", "", {"spec", "template", NULL}},
	{"ReplicaSet", "apps|extensions", {"spec", "template", NULL}},
	{"Deployment", "apps|extensions", {"spec", "template", NULL}},
	{"StatefulSet", "apps", {"spec", "template", NULL}},
	{"DaemonSet", "apps|extensions", {"spec", "template", NULL}},
	{"Job", "batch", {"spec", "template", NULL}},
	{"CronJob", "batch", {"spec", "jobTemplate", "spec", "template", NULL}},
};

/* Where any other kind keeps a pod template, as Kubernetes' own kinds do. */
static const char *const template_paths[][5] = {
	{"spec", "template", NULL},
	{"spec", "jobTemplate", "spec", "template", NULL},
};

/* Kinds whose operator makes pods from fields of its own: lint cannot see
 * those pods' securityContext, and says so rather than pass them. */
static const struct pod_maker {
	const char *kind, *group, *note;
} pod_makers[] = {
#define PROMETHEUS_OPERATOR(kind)                                                              \
	{kind, "monitoring.coreos.com",                                                        \
	 "the Prometheus Operator makes this object's pods (a StatefulSet) from its "          \
	 "spec.securityContext and spec.containers, which lint does not read: lint what it "   \
	 "makes (kubectl get statefulset -o yaml | scmpkit lint -)"}
	PROMETHEUS_OPERATOR("Prometheus"),
	PROMETHEUS_OPERATOR("PrometheusAgent"),
	PROMETHEUS_OPERATOR("Alertmanager"),
	PROMETHEUS_OPERATOR("ThanosRuler"),
#undef PROMETHEUS_OPERATOR
};

static const char *const container_lists[] = {"initContainers", "containers",
					      "ephemeralContainers"};

struct priv {
	struct sk_doc doc; /* when sk_k8s_parse read the text */
	size_t cap_pods, cap_profiles, cap_makers;
};

struct sk_pos sk_k8s_pos(const struct sk_doc_node *n)
{
	if (!n)
		return (struct sk_pos){0, 0};
	struct sk_pos p = n->pos;
	/* a quoted value is pointed at its first character, as lint always has */
	if (n->type == SK_DOC_SCALAR && !n->plain && !n->alias && p.line && n->start > 0)
		p.col++;
	return p;
}

static const char *group_of(const struct sk_doc_node *api_version, size_t *len)
{
	const char *slash = strchr(api_version->str, '/');
	*len = slash ? (size_t)(slash - api_version->str) : 0;
	return api_version->str;
}

static bool group_ok(const char *groups, const struct sk_doc_node *api_version)
{
	if (!api_version || api_version->type != SK_DOC_SCALAR)
		return false;
	size_t glen;
	const char *group = group_of(api_version, &glen);
	for (const char *g = groups;;) {
		const char *bar = strchr(g, '|');
		size_t len = bar ? (size_t)(bar - g) : strlen(g);
		if (len == glen && !strncmp(g, group, len))
			return true;
		if (!bar)
			return false;
		g = bar + 1;
	}
}

/* A deprecated annotation's value in the field's terms. */
static void parse_annotation(struct sk_k8s_seccomp *s, const struct sk_doc_node *key,
			     const struct sk_doc_node *val)
{
	s->pos = sk_k8s_pos(key);
	s->type_pos = sk_k8s_pos(val);
	s->raw = val && val->type == SK_DOC_SCALAR ? val->str : "";
	if (!strcmp(s->raw, "runtime/default") || !strcmp(s->raw, "docker/default"))
		s->type = SK_SECCOMP_RUNTIME_DEFAULT;
	else if (!strcmp(s->raw, "unconfined"))
		s->type = SK_SECCOMP_UNCONFINED;
	else if (!strncmp(s->raw, "localhost/", 10)) {
		s->type = SK_SECCOMP_LOCALHOST;
		s->localhost = s->raw + 10;
		s->localhost_pos = s->type_pos;
	} else
		s->type = SK_SECCOMP_INVALID;
}

static void parse_seccomp(struct sk_k8s_seccomp *s, const struct sk_doc_node *sc)
{
	const struct sk_doc_node *sp = sk_doc_get(sc, "seccompProfile");
	if (sk_doc_null(sp))
		return;
	s->pos = sk_k8s_pos(sk_doc_key(sc, "seccompProfile"));
	const struct sk_doc_node *t = sk_doc_get(sp, "type");
	const struct sk_doc_node *lp = sk_doc_get(sp, "localhostProfile");
	s->type_pos = t ? sk_k8s_pos(t) : s->pos;
	s->raw = t && t->type == SK_DOC_SCALAR ? t->str : "";
	if (!strcmp(s->raw, "Unconfined"))
		s->type = SK_SECCOMP_UNCONFINED;
	else if (!strcmp(s->raw, "RuntimeDefault"))
		s->type = SK_SECCOMP_RUNTIME_DEFAULT;
	else if (!strcmp(s->raw, "Localhost"))
		s->type = SK_SECCOMP_LOCALHOST;
	else
		s->type = SK_SECCOMP_INVALID;
	if (lp && lp->type == SK_DOC_SCALAR && !sk_doc_null(lp)) {
		s->localhost = lp->str;
		s->localhost_pos = sk_k8s_pos(lp);
	}
}

static bool host_process(const struct sk_doc_node *sc)
{
	return sk_doc_true(sk_doc_get(sk_doc_get(sc, "windowsOptions"), "hostProcess"));
}

/* Kubernetes reads booleans as YAML 1.1 does; anything else it rejects. */
static void parse_ape(struct sk_k8s_container *k, const struct sk_doc_node *ape)
{
	k->ape_pos = sk_k8s_pos(ape);
	if (sk_doc_true(ape))
		k->allow_privilege_escalation = SK_K8S_TRUE;
	else if (sk_doc_false(ape))
		k->allow_privilege_escalation = SK_K8S_FALSE;
	else if (!sk_doc_null(ape)) {
		k->allow_privilege_escalation = SK_K8S_INVALID;
		k->ape_raw = ape->type == SK_DOC_SCALAR ? ape->str : sk_doc_type_name(ape);
	}
}

static void parse_caps(struct sk_k8s_container *k, const struct sk_doc_node *sc)
{
	const struct sk_doc_node *add = sk_doc_get(sk_doc_get(sc, "capabilities"), "add");
	for (size_t i = 0; add && add->type == SK_DOC_SEQ && i < add->n; i++) {
		const struct sk_doc_node *c = add->kids[i];
		if (sk_doc_is(c, "CAP_SYS_ADMIN")) {
			k->cap_sys_admin = true;
			k->cap_sys_admin_pos = sk_k8s_pos(c);
		} else if (!k->sys_admin_as && c->type == SK_DOC_SCALAR && c->str &&
			   (!strcasecmp(c->str, "SYS_ADMIN") || !strcasecmp(c->str, "ALL") ||
			    !strcasecmp(c->str, "CAP_SYS_ADMIN"))) {
			k->sys_admin_as = c->str;
			k->sys_admin_as_pos = sk_k8s_pos(c);
		}
	}
}

static int add_container(struct sk_k8s_pod *pod, size_t *cap, const char *list,
			 const struct sk_doc_node *c, const struct sk_doc_node *annotations)
{
	if (SK_GROW(pod->containers, *cap, pod->n_containers))
		return -ENOMEM;
	struct sk_k8s_container *k = &pod->containers[pod->n_containers++];
	memset(k, 0, sizeof *k);
	k->list = list;
	k->node = c;
	k->pos = sk_k8s_pos(c);
	const struct sk_doc_node *name = sk_doc_get(c, "name");
	k->name = name && name->type == SK_DOC_SCALAR ? name->str : "";
	const struct sk_doc_node *sc = sk_doc_get(c, "securityContext");
	parse_seccomp(&k->seccomp, sc);
	parse_ape(k, sk_doc_get(sc, "allowPrivilegeEscalation"));
	const struct sk_doc_node *priv = sk_doc_get(sc, "privileged");
	k->privileged = sk_doc_true(priv);
	k->privileged_pos = sk_k8s_pos(priv);
	parse_caps(k, sc);
	k->host_process = host_process(sc);
	/* its deprecated annotation, keyed by container name */
	size_t pl = strlen(SK_K8S_CONTAINER_ANNOTATION_PREFIX);
	for (size_t i = 0; annotations && annotations->type == SK_DOC_MAP && i < annotations->n;
	     i++) {
		const struct sk_doc_node *key = annotations->kids[2 * i];
		if (!strncmp(key->str, SK_K8S_CONTAINER_ANNOTATION_PREFIX, pl) &&
		    !strcmp(key->str + pl, k->name))
			parse_annotation(&k->annotation, key, annotations->kids[2 * i + 1]);
	}
	return 0;
}

static bool os_is_windows(const struct sk_doc_node *v)
{
	return sk_doc_is(v, "windows");
}

/* Every required node-selector term demands kubernetes.io/os In [windows]. */
static bool affinity_windows(const struct sk_doc_node *spec)
{
	const struct sk_doc_node *terms = sk_doc_get(
		sk_doc_get(sk_doc_get(sk_doc_get(spec, "affinity"), "nodeAffinity"),
			   "requiredDuringSchedulingIgnoredDuringExecution"),
		"nodeSelectorTerms");
	if (!terms || terms->type != SK_DOC_SEQ || !terms->n)
		return false;
	for (size_t t = 0; t < terms->n; t++) {
		const struct sk_doc_node *ex = sk_doc_get(terms->kids[t], "matchExpressions");
		bool win = false;
		for (size_t e = 0; ex && ex->type == SK_DOC_SEQ && e < ex->n && !win; e++) {
			const struct sk_doc_node *x = ex->kids[e];
			const struct sk_doc_node *vals = sk_doc_get(x, "values");
			const struct sk_doc_node *key = sk_doc_get(x, "key");
			win = (sk_doc_is(key, "kubernetes.io/os") ||
			       sk_doc_is(key, "beta.kubernetes.io/os")) &&
			      sk_doc_is(sk_doc_get(x, "operator"), "In") && vals &&
			      vals->type == SK_DOC_SEQ && vals->n;
			for (size_t v = 0; win && v < vals->n; v++)
				win = os_is_windows(vals->kids[v]);
		}
		if (!win)
			return false;
	}
	return true;
}

/* Why the pod runs on Windows nodes, or NULL. */
static const char *windows_reason(const struct sk_k8s_pod *p)
{
	const struct sk_doc_node *spec = p->spec;
	if (os_is_windows(sk_doc_get(sk_doc_get(spec, "os"), "name")))
		return "spec.os.name: windows";
	bool hp = host_process(sk_doc_get(spec, "securityContext"));
	for (size_t i = 0; i < p->n_containers && !hp; i++)
		hp = p->containers[i].host_process;
	if (hp)
		return "windowsOptions.hostProcess: true";
	const struct sk_doc_node *ns = sk_doc_get(spec, "nodeSelector");
	if (os_is_windows(sk_doc_get(ns, "kubernetes.io/os")) ||
	    os_is_windows(sk_doc_get(ns, "beta.kubernetes.io/os")))
		return "nodeSelector kubernetes.io/os: windows";
	if (affinity_windows(spec))
		return "node affinity kubernetes.io/os In [windows]";
	return NULL;
}

static int add_pod(struct sk_k8s_manifest *m, unsigned doc, const char *kind,
		   const struct sk_doc_node *obj, const struct sk_doc_node *tmpl)
{
	struct priv *pv = m->priv;
	const struct sk_doc_node *spec = sk_doc_get(tmpl, "spec");
	if (!spec || spec->type != SK_DOC_MAP)
		return 0; /* not a pod spec we can judge */
	if (SK_GROW(m->pods, pv->cap_pods, m->n_pods))
		return -ENOMEM;
	struct sk_k8s_pod *p = &m->pods[m->n_pods++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	const struct sk_doc_node *name = sk_doc_get(sk_doc_get(obj, "metadata"), "name");
	p->name = name && name->type == SK_DOC_SCALAR ? name->str : "";
	p->doc = doc;
	p->spec = spec;
	p->pos = sk_k8s_pos(spec);
	p->metadata = sk_doc_get(tmpl, "metadata");
	parse_seccomp(&p->seccomp, sk_doc_get(spec, "securityContext"));
	const struct sk_doc_node *ann = sk_doc_get(p->metadata, "annotations");
	const struct sk_doc_node *pa = sk_doc_get(ann, SK_K8S_POD_ANNOTATION);
	if (pa)
		parse_annotation(&p->annotation, sk_doc_key(ann, SK_K8S_POD_ANNOTATION), pa);
	size_t ccap = 0;
	for (size_t l = 0; l < sizeof container_lists / sizeof *container_lists; l++) {
		const struct sk_doc_node *cs = sk_doc_get(spec, container_lists[l]);
		for (size_t i = 0; cs && cs->type == SK_DOC_SEQ && i < cs->n; i++)
			if (cs->kids[i]->type == SK_DOC_MAP &&
			    add_container(p, &ccap, container_lists[l], cs->kids[i], ann))
				return -ENOMEM;
	}
	p->windows = windows_reason(p);
	return 0;
}

bool sk_k8s_is_object(const struct sk_doc_node *n)
{
	return n && n->type == SK_DOC_MAP && sk_doc_get(n, "kind") && sk_doc_get(n, "apiVersion");
}

static int add_object(struct sk_k8s_object **v, size_t *n, size_t *cap, unsigned doc,
		      const struct sk_doc_node *obj, const char *note)
{
	if (SK_GROW(*v, *cap, *n))
		return -ENOMEM;
	const struct sk_doc_node *name = sk_doc_get(sk_doc_get(obj, "metadata"), "name");
	const struct sk_doc_node *kind = sk_doc_get(obj, "kind");
	(*v)[(*n)++] = (struct sk_k8s_object){
		.kind = kind->str,
		.api_version = sk_doc_get(obj, "apiVersion")->str,
		.name = name && name->type == SK_DOC_SCALAR ? name->str : "",
		.doc = doc,
		.pos = sk_k8s_pos(kind),
		.node = obj,
		.note = note,
	};
	return 0;
}

/* A pod template at one of the paths Kubernetes uses, holding containers. */
static const struct sk_doc_node *find_template(const struct sk_doc_node *obj)
{
	for (size_t i = 0; i < sizeof template_paths / sizeof *template_paths; i++) {
		const struct sk_doc_node *t = obj;
		for (const char *const *p = template_paths[i]; *p && t; p++)
			t = sk_doc_get(t, *p);
		const struct sk_doc_node *cs = sk_doc_get(sk_doc_get(t, "spec"), "containers");
		if (cs && cs->type == SK_DOC_SEQ)
			return t;
	}
	return NULL;
}

static int visit_object(struct sk_k8s_manifest *m, unsigned doc, const struct sk_doc_node *obj,
			int depth)
{
	if (!sk_k8s_is_object(obj))
		return 0;
	m->n_objects++;
	struct priv *pv = m->priv;
	const struct sk_doc_node *kind = sk_doc_get(obj, "kind");
	const struct sk_doc_node *items = sk_doc_get(obj, "items");
	const struct sk_doc_node *api = sk_doc_get(obj, "apiVersion");
	if (kind->type != SK_DOC_SCALAR || api->type != SK_DOC_SCALAR)
		return 0;
	/* kind: List, and typed lists (PodList, DeploymentList, ...) */
	size_t kl = strlen(kind->str);
	if (kl >= 4 && !strcmp(kind->str + kl - 4, "List") && items && items->type == SK_DOC_SEQ) {
		for (size_t i = 0; depth <= 8 && i < items->n; i++)
			if (visit_object(m, doc, items->kids[i], depth + 1))
				return -ENOMEM;
		return 0;
	}
	for (size_t w = 0; w < sizeof builtins / sizeof *builtins; w++) {
		if (strcmp(builtins[w].kind, kind->str))
			continue;
		if (!group_ok(builtins[w].groups, api))
			return 0; /* a custom resource reusing the name */
		const struct sk_doc_node *t = obj;
		for (const char *const *p = builtins[w].path; *p && t; p++)
			t = sk_doc_get(t, *p);
		return t ? add_pod(m, doc, builtins[w].kind, obj, t) : 0;
	}
	/* any apiVersion: the profile's reader says when it is not the operator's */
	if (!strcmp(kind->str, "SeccompProfile"))
		return add_object(&m->profiles, &m->n_profiles, &pv->cap_profiles, doc, obj, NULL);
	for (size_t i = 0; i < sizeof pod_makers / sizeof *pod_makers; i++)
		if (!strcmp(pod_makers[i].kind, kind->str) && group_ok(pod_makers[i].group, api))
			return add_object(&m->pod_makers, &m->n_pod_makers, &pv->cap_makers, doc, obj,
					  pod_makers[i].note);
	const struct sk_doc_node *t = find_template(obj);
	return t ? add_pod(m, doc, kind->str, obj, t) : 0;
}

struct sk_k8s_manifest *sk_k8s_new(const char *text, size_t len, const char *file)
{
	struct sk_k8s_manifest *m = calloc(1, sizeof *m);
	struct priv *pv = calloc(1, sizeof *pv);
	if (!m || !pv || (file && !(m->file = strdup(file)))) {
		free(pv);
		free(m);
		return NULL;
	}
	m->priv = pv;
	m->text = text;
	m->len = len;
	return m;
}

int sk_k8s_add_document(struct sk_k8s_manifest *m, unsigned doc, const struct sk_doc_node *root)
{
	if (doc + 1 > m->n_docs)
		m->n_docs = doc + 1;
	return visit_object(m, doc, root, 0);
}

void sk_k8s_forget_documents(struct sk_k8s_manifest *m)
{
	for (size_t i = 0; i < m->n_pods; i++)
		free(m->pods[i].containers);
	m->n_pods = m->n_profiles = m->n_pod_makers = 0;
}

struct sk_k8s_manifest *sk_k8s_parse(const char *text, size_t len, const char *file,
				     struct sk_diags *diags)
{
	struct sk_k8s_manifest *m = sk_k8s_new(text, len, file);
	if (!m)
		return NULL;
	struct sk_doc *s = &((struct priv *)m->priv)->doc;
	if (sk_doc_parse(text, len, file, NULL, s, diags)) {
		sk_k8s_free(m);
		return NULL;
	}
	m->n_docs = s->n_docs;
	for (size_t d = 0; d < s->n_docs; d++)
		if (visit_object(m, (unsigned)d, s->docs[d].root, 0)) {
			sk_k8s_free(m);
			return NULL;
		}
	return m;
}

bool sk_k8s_is_manifest(const struct sk_k8s_manifest *m)
{
	return m && m->n_objects > 0;
}

void sk_k8s_free(struct sk_k8s_manifest *m)
{
	if (!m)
		return;
	sk_k8s_forget_documents(m);
	free(m->pods);
	free(m->profiles);
	free(m->pod_makers);
	if (m->priv) {
		sk_doc_release(&((struct priv *)m->priv)->doc);
		free(m->priv);
	}
	free(m->file);
	free(m);
}
