/* Find the pod specs in Kubernetes manifests (see scmpkit/k8s.h). */
#include <scmpkit/k8s.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/internal.h"

/* Kinds with a pod template: the API group they must come from (so that a
 * CRD reusing a kind name is not mistaken for one) and the path from the
 * object to the template (metadata + spec). Pod is its own template. */
static const struct workload {
	const char *kind;
	const char *groups; /* '|'-separated API groups; "" is the core group */
	const char *path[5];
} workloads[] = {
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

static const char *const container_lists[] = {"initContainers", "containers",
					      "ephemeralContainers"};

struct sk_pos sk_k8s_pos(const struct sk_ynode *n)
{
	return n ? (struct sk_pos){n->line, n->col} : (struct sk_pos){0, 0};
}

static bool group_ok(const char *groups, const struct sk_ynode *api_version)
{
	if (!api_version || api_version->type != SK_Y_SCALAR)
		return false;
	const char *slash = strchr(api_version->str, '/');
	size_t glen = slash ? (size_t)(slash - api_version->str) : 0;
	for (const char *g = groups;;) {
		const char *bar = strchr(g, '|');
		size_t len = bar ? (size_t)(bar - g) : strlen(g);
		if (len == glen && !strncmp(g, api_version->str, len))
			return true;
		if (!bar)
			return false;
		g = bar + 1;
	}
}

/* A deprecated annotation's value in the field's terms. */
static void parse_annotation(struct sk_k8s_seccomp *s, const struct sk_ynode *key,
			     const struct sk_ynode *val)
{
	s->pos = sk_k8s_pos(key);
	s->type_pos = sk_k8s_pos(val);
	s->raw = val && val->type == SK_Y_SCALAR ? val->str : "";
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

static void parse_seccomp(struct sk_k8s_seccomp *s, const struct sk_ynode *sc)
{
	const struct sk_ynode *sp = sk_ymap_get(sc, "seccompProfile");
	if (sk_ynull(sp))
		return;
	s->pos = sk_k8s_pos(sk_ymap_key(sc, "seccompProfile"));
	const struct sk_ynode *t = sk_ymap_get(sp, "type");
	const struct sk_ynode *lp = sk_ymap_get(sp, "localhostProfile");
	s->type_pos = t ? sk_k8s_pos(t) : s->pos;
	s->raw = t && t->type == SK_Y_SCALAR ? t->str : "";
	if (!strcmp(s->raw, "Unconfined"))
		s->type = SK_SECCOMP_UNCONFINED;
	else if (!strcmp(s->raw, "RuntimeDefault"))
		s->type = SK_SECCOMP_RUNTIME_DEFAULT;
	else if (!strcmp(s->raw, "Localhost"))
		s->type = SK_SECCOMP_LOCALHOST;
	else
		s->type = SK_SECCOMP_INVALID;
	if (lp && lp->type == SK_Y_SCALAR && !sk_ynull(lp)) {
		s->localhost = lp->str;
		s->localhost_pos = sk_k8s_pos(lp);
	}
}

static int add_container(struct sk_k8s_pod *pod, size_t *cap, const char *list,
			 const struct sk_ynode *c, const struct sk_ynode *annotations)
{
	if (pod->n_containers == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		struct sk_k8s_container *v = realloc(pod->containers, nc * sizeof *v);
		if (!v)
			return -ENOMEM;
		pod->containers = v;
		*cap = nc;
	}
	struct sk_k8s_container *k = &pod->containers[pod->n_containers++];
	memset(k, 0, sizeof *k);
	k->list = list;
	k->node = c;
	k->pos = sk_k8s_pos(c);
	const struct sk_ynode *name = sk_ymap_get(c, "name");
	k->name = name && name->type == SK_Y_SCALAR ? name->str : "";
	const struct sk_ynode *sc = sk_ymap_get(c, "securityContext");
	parse_seccomp(&k->seccomp, sc);
	const struct sk_ynode *ape = sk_ymap_get(sc, "allowPrivilegeEscalation");
	if (sk_ytrue(ape))
		k->allow_privilege_escalation = SK_K8S_TRUE;
	else if (sk_yfalse(ape))
		k->allow_privilege_escalation = SK_K8S_FALSE;
	k->ape_pos = sk_k8s_pos(ape);
	const struct sk_ynode *priv = sk_ymap_get(sc, "privileged");
	k->privileged = sk_ytrue(priv);
	k->privileged_pos = sk_k8s_pos(priv);
	/* its deprecated annotation, keyed by container name */
	for (size_t i = 0; annotations && annotations->type == SK_Y_MAP && i < annotations->n; i++) {
		const struct sk_ynode *key = annotations->kids[2 * i];
		size_t pl = strlen(SK_K8S_CONTAINER_ANNOTATION_PREFIX);
		if (key->type == SK_Y_SCALAR && !strncmp(key->str, SK_K8S_CONTAINER_ANNOTATION_PREFIX, pl) &&
		    !strcmp(key->str + pl, k->name))
			parse_annotation(&k->annotation, key, annotations->kids[2 * i + 1]);
	}
	return 0;
}

static int add_pod(struct sk_k8s_manifest *m, size_t *cap, unsigned doc,
		   const char *kind, const struct sk_ynode *obj, const struct sk_ynode *tmpl)
{
	const struct sk_ynode *spec = sk_ymap_get(tmpl, "spec");
	if (!spec || spec->type != SK_Y_MAP)
		return 0; /* not a pod spec we can judge */
	if (m->n_pods == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct sk_k8s_pod *v = realloc(m->pods, nc * sizeof *v);
		if (!v)
			return -ENOMEM;
		m->pods = v;
		*cap = nc;
	}
	struct sk_k8s_pod *p = &m->pods[m->n_pods++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	const struct sk_ynode *name = sk_ymap_get(sk_ymap_get(obj, "metadata"), "name");
	p->name = name && name->type == SK_Y_SCALAR ? name->str : "";
	p->doc = doc;
	p->spec = spec;
	p->pos = sk_k8s_pos(spec);
	p->metadata = sk_ymap_get(tmpl, "metadata");
	p->windows = sk_yis(sk_ymap_get(sk_ymap_get(spec, "os"), "name"), "windows");
	parse_seccomp(&p->seccomp, sk_ymap_get(spec, "securityContext"));
	const struct sk_ynode *ann = sk_ymap_get(p->metadata, "annotations");
	const struct sk_ynode *pa = sk_ymap_get(ann, SK_K8S_POD_ANNOTATION);
	if (pa)
		parse_annotation(&p->annotation, sk_ymap_key(ann, SK_K8S_POD_ANNOTATION), pa);
	size_t ccap = 0;
	for (size_t l = 0; l < sizeof container_lists / sizeof *container_lists; l++) {
		const struct sk_ynode *cs = sk_ymap_get(spec, container_lists[l]);
		if (!cs || cs->type != SK_Y_SEQ)
			continue;
		for (size_t i = 0; i < cs->n; i++)
			if (cs->kids[i]->type == SK_Y_MAP &&
			    add_container(p, &ccap, container_lists[l], cs->kids[i], ann))
				return -ENOMEM;
	}
	return 0;
}

static bool is_object(const struct sk_ynode *n)
{
	return n && n->type == SK_Y_MAP && sk_ymap_get(n, "kind") && sk_ymap_get(n, "apiVersion");
}

static int visit_object(struct sk_k8s_manifest *m, size_t *cap, unsigned doc,
			const struct sk_ynode *obj, int depth)
{
	if (!is_object(obj))
		return 0;
	m->n_objects++;
	const struct sk_ynode *kind = sk_ymap_get(obj, "kind");
	const struct sk_ynode *items = sk_ymap_get(obj, "items");
	if (kind->type != SK_Y_SCALAR)
		return 0;
	size_t kl = strlen(kind->str);
	/* kind: List, and typed lists (PodList, DeploymentList, ...) */
	if (kl >= 4 && !strcmp(kind->str + kl - 4, "List") && items && items->type == SK_Y_SEQ) {
		if (depth > 8)
			return 0;
		for (size_t i = 0; i < items->n; i++)
			if (visit_object(m, cap, doc, items->kids[i], depth + 1))
				return -ENOMEM;
		return 0;
	}
	const struct sk_ynode *api = sk_ymap_get(obj, "apiVersion");
	for (size_t w = 0; w < sizeof workloads / sizeof *workloads; w++) {
		if (strcmp(workloads[w].kind, kind->str) || !group_ok(workloads[w].groups, api))
			continue;
		const struct sk_ynode *t = obj;
		for (const char *const *p = workloads[w].path; *p && t; p++)
			t = sk_ymap_get(t, *p);
		return t ? add_pod(m, cap, doc, workloads[w].kind, obj, t) : 0;
	}
	return 0; /* not a workload: CRDs, ConfigMaps, SeccompProfiles, ... */
}

static struct sk_k8s_manifest *new_manifest(const char *text, size_t len, const char *file)
{
	struct sk_k8s_manifest *m = calloc(1, sizeof *m);
	struct sk_ystream *s = calloc(1, sizeof *s);
	if (!m || !s || (file && !(m->file = strdup(file)))) {
		free(s);
		free(m);
		return NULL;
	}
	m->priv = s;
	m->text = text;
	m->len = len;
	return m;
}

struct sk_k8s_manifest *sk_k8s_parse(const char *text, size_t len, const char *file,
				     struct sk_diags *diags)
{
	struct sk_k8s_manifest *m = new_manifest(text, len, file);
	if (!m)
		return NULL;
	struct sk_ystream *s = m->priv;
	if (sk_yparse(text, len, file, s, diags)) {
		sk_k8s_free(m);
		return NULL;
	}
	m->n_docs = s->n_docs;
	size_t cap = 0;
	for (size_t d = 0; d < s->n_docs; d++)
		if (visit_object(m, &cap, (unsigned)d, s->docs[d].root, 0)) {
			sk_k8s_free(m);
			return NULL;
		}
	return m;
}

struct each {
	struct sk_k8s_manifest *m;
	size_t cap;
	sk_k8s_doc_fn fn;
	void *ctx;
};

static int each_doc(void *ctx, const struct sk_ystream *s, size_t doc)
{
	struct each *e = ctx;
	struct sk_k8s_manifest *m = e->m;
	m->n_docs = s->n_docs;
	if (visit_object(m, &e->cap, (unsigned)doc, s->docs[doc].root, 0))
		return -ENOMEM;
	int r = e->fn(e->ctx, m, s->docs[doc].root);
	for (size_t i = 0; i < m->n_pods; i++)
		free(m->pods[i].containers);
	m->n_pods = 0;
	return r;
}

int sk_k8s_parse_each(const char *text, size_t len, const char *file, sk_k8s_doc_fn fn,
		      void *ctx, struct sk_diags *diags)
{
	struct each e = {.m = new_manifest(text, len, file), .fn = fn, .ctx = ctx};
	if (!e.m)
		return -ENOMEM;
	int r = sk_yparse_each(text, len, file, e.m->priv, each_doc, &e, diags);
	sk_k8s_free(e.m);
	return r;
}

bool sk_k8s_is_manifest(const struct sk_k8s_manifest *m)
{
	return m && m->n_objects > 0;
}

const struct sk_ystream *sk_k8s_stream(const struct sk_k8s_manifest *m)
{
	return m->priv;
}

void sk_k8s_free(struct sk_k8s_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_pods; i++)
		free(m->pods[i].containers);
	free(m->pods);
	if (m->priv) {
		sk_ystream_free(m->priv);
		free(m->priv);
	}
	free(m->file);
	free(m);
}
