/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit fix: what each container should get, and the edits that give it
 * (see sk_k8s_fix in k8s.h). The text edits themselves are the document
 * layer's (scmpkit/doc.h), which keeps comments and formatting and refuses
 * nodes that YAML aliases share; this file decides what to write, and never
 * writes anything that makes a workload weaker than it was or that the API
 * server would reject. */
#include <scmpkit/k8s.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The profile a container (or the pod level) gets, and why. */
struct choice {
	enum sk_k8s_seccomp_type type; /* RUNTIME_DEFAULT or LOCALHOST */
	const char *localhost;
	char why[256];
};

struct fixer {
	const struct sk_k8s_manifest *m;
	const struct sk_k8s_fix_opts *opts;
	struct sk_doc_editor ed;
	struct sk_diags *choices;
	struct sk_diags *diags;
};

static const char *type_name(enum sk_k8s_seccomp_type t)
{
	return t == SK_SECCOMP_LOCALHOST ? "Localhost" : "RuntimeDefault";
}

static void skipped(struct fixer *f, struct sk_pos at, const char *fmt, const char *what)
{
	sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, at.line, at.col, "fix-skipped", fmt,
		     what);
}

/* N (at AT, where its key is) is a YAML alias or inside an anchor that
 * aliases repeat: changing it would change the other places too. */
static bool shared(struct fixer *f, const struct sk_doc_node *n, struct sk_pos at,
		   const char *what)
{
	if (!n || !n->shared)
		return false;
	skipped(f, at.line ? at : n->pos,
		"%s comes from a YAML anchor that is used in more than one place: changing it "
		"would change the others too; left unchanged",
		what);
	return true;
}

/* ---- what to write ------------------------------------------------------- */

/* A profile that can be carried over: Localhost with a path, or RuntimeDefault. */
static bool usable(const struct sk_k8s_seccomp *s)
{
	return s->type == SK_SECCOMP_RUNTIME_DEFAULT ||
	       (s->type == SK_SECCOMP_LOCALHOST && s->localhost && *s->localhost);
}

static void take(struct choice *c, const struct sk_k8s_seccomp *s, const char *why,
		 const char *arg)
{
	c->type = s->type;
	c->localhost = s->type == SK_SECCOMP_LOCALHOST ? s->localhost : NULL;
	snprintf(c->why, sizeof c->why, why, arg);
}

static const struct sk_k8s_profile_map *mapped(const struct fixer *f, const struct sk_k8s_pod *p,
					       const struct sk_k8s_container *k)
{
	const struct sk_k8s_profile_map *any = NULL;
	for (size_t i = 0; f->opts && i < f->opts->n_map; i++) {
		const struct sk_k8s_profile_map *e = &f->opts->map[i];
		if (strcmp(e->container, k->name))
			continue;
		if (e->workload && !strcmp(e->workload, p->name))
			return e;
		if (!e->workload && !any)
			any = e;
	}
	return any;
}

/* What the pod level says, now: its field, or failing that its annotation
 * (which API servers before 1.27 copied into the field); WHY says which. */
static const struct sk_k8s_seccomp *pod_level(const struct sk_k8s_pod *p, const char **why)
{
	*why = "inherited from the pod level";
	if (usable(&p->seccomp))
		return &p->seccomp;
	*why = "carried over from the pod's annotation %s";
	if (p->seccomp.type == SK_SECCOMP_UNSET && usable(&p->annotation))
		return &p->annotation;
	return NULL;
}

static void fallback(const struct fixer *f, struct choice *c, const struct sk_k8s_seccomp *pod,
		     const char *why)
{
	const char *lh = f->opts ? f->opts->localhost_profile : NULL;
	if (pod && pod->type == SK_SECCOMP_LOCALHOST)
		take(c, pod, why, pod->raw);
	else if (lh)
		*c = (struct choice){SK_SECCOMP_LOCALHOST, lh, "--profile"};
	else if (pod)
		take(c, pod, why, pod->raw);
	else
		*c = (struct choice){SK_SECCOMP_RUNTIME_DEFAULT, NULL,
				     "nothing to keep and no --profile: a last resort; record a "
				     "profile with scmpkit record"};
}

/* For a container without a profile of its own worth keeping. */
static void choose(const struct fixer *f, const struct sk_k8s_pod *p,
		   const struct sk_k8s_container *k, struct choice *c)
{
	const struct sk_k8s_profile_map *e = mapped(f, p, k);
	if (e) {
		*c = (struct choice){SK_SECCOMP_LOCALHOST, e->localhost_profile, ""};
		snprintf(c->why, sizeof c->why, "--profile %s%s%s=%s", e->workload ? e->workload : "",
			 e->workload ? "/" : "", e->container, e->localhost_profile);
	} else if (usable(&k->annotation)) {
		take(c, &k->annotation, "carried over from its annotation %s", k->annotation.raw);
	} else {
		const char *why;
		const struct sk_k8s_seccomp *pod = pod_level(p, &why);
		fallback(f, c, pod, why);
	}
}

__attribute__((format(printf, 4, 5))) static void tell(struct fixer *f,
							 const struct sk_k8s_pod *p,
							 struct sk_pos at, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sk_diags_add(f->choices, SK_SEV_NOTE, f->m->file, at.line, at.col, "fix-choice", "%s %s: %s",
		     p->kind, p->name, msg);
}

static void tell_choice(struct fixer *f, const struct sk_k8s_pod *p, struct sk_pos at,
			const char *who, const struct choice *c)
{
	if (c->localhost)
		tell(f, p, at, "%s: Localhost %s (%s)", who, c->localhost, c->why);
	else
		tell(f, p, at, "%s: RuntimeDefault (%s)", who, c->why);
}

/* ---- editing ------------------------------------------------------------- */

static size_t profile_kvs(const struct choice *c, struct sk_doc_kv *out)
{
	out[0] = (struct sk_doc_kv){"type", SK_DOC_STRING, type_name(c->type), NULL, 0};
	if (!c->localhost)
		return 1;
	out[1] = (struct sk_doc_kv){"localhostProfile", SK_DOC_STRING, c->localhost, NULL, 0};
	return 2;
}

/* Turn an existing seccompProfile mapping SP into C's profile. */
static void fix_profile_map(struct fixer *f, const struct sk_doc_node *sp, const struct choice *c)
{
	struct sk_doc_editor *ed = &f->ed;
	const struct sk_doc_node *t = sk_doc_get(sp, "type");
	const struct sk_doc_node *lp = sk_doc_get(sp, "localhostProfile");
	struct sk_doc_kv add[2];
	size_t n_add = 0;
	if (t && t->type == SK_DOC_SCALAR && t->len)
		sk_doc_set_scalar(ed, t, type_name(c->type), SK_DOC_STRING);
	else if (!t)
		add[n_add++] = (struct sk_doc_kv){"type", SK_DOC_STRING, type_name(c->type), NULL, 0};
	else {
		skipped(f, t->pos, "%s: type is not a string; left unchanged", "seccompProfile");
		return;
	}
	if (lp && lp->type == SK_DOC_SCALAR && lp->len && !sk_doc_null(lp)) {
		if (c->localhost)
			sk_doc_set_scalar(ed, lp, c->localhost, SK_DOC_STRING);
		else /* RuntimeDefault must not name a file */
			sk_doc_remove_pair(ed, sp, sk_doc_pair_of(sp, lp));
	} else if (c->localhost && !lp) {
		add[n_add++] = (struct sk_doc_kv){"localhostProfile", SK_DOC_STRING, c->localhost,
						  NULL, 0};
	} else if (c->localhost) {
		sk_doc_set_scalar(ed, lp, c->localhost, SK_DOC_STRING);
	}
	if (n_add)
		sk_doc_add_pairs(ed, sp, add, n_add);
}

/* An empty value: null, or a flow mapping without pairs. */
static bool empty_value(const struct sk_doc_node *v)
{
	return sk_doc_null(v) || (v->type == SK_DOC_MAP && v->flow && !v->n);
}

/* The container has no securityContext, or an empty one: write it whole. */
static void new_security_context(struct fixer *f, const struct sk_doc_node *c,
				 const struct sk_doc_node *sc, const struct sk_doc_node *sck,
				 struct sk_doc_kv *add, size_t n_add)
{
	if (!sc) {
		struct sk_doc_kv top = {"securityContext", SK_DOC_MAPPING, NULL, add, n_add};
		sk_doc_add_pairs(&f->ed, c, &top, 1);
	} else if (sc->type == SK_DOC_MAP && c->flow) {
		sk_doc_add_pairs(&f->ed, sc, add, n_add);
	} else if (!c->flow) {
		sk_doc_fill_empty(&f->ed, sck, sc, add, n_add);
	} else {
		skipped(f, sck->pos, "%s is null inside a flow mapping; left unchanged",
			"securityContext");
	}
}

static void fix_seccomp(struct fixer *f, const struct sk_doc_node *sc, const struct choice *ch,
			struct sk_doc_kv *add, size_t *n_add, struct sk_doc_kv *prof, size_t n_prof)
{
	const struct sk_doc_node *sp = sk_doc_get(sc, "seccompProfile");
	const struct sk_doc_node *spk = sk_doc_key(sc, "seccompProfile");
	if (shared(f, sp, sk_doc_pos(spk), "seccompProfile"))
		return;
	if (sp && !empty_value(sp) && sp->type == SK_DOC_MAP)
		fix_profile_map(f, sp, ch);
	else if (!sp)
		add[(*n_add)++] = (struct sk_doc_kv){"seccompProfile", SK_DOC_MAPPING, NULL, prof,
						     n_prof};
	else if (empty_value(sp) && !sc->flow && spk)
		sk_doc_fill_empty(&f->ed, spk, sp, prof, n_prof);
	else if (empty_value(sp) && sp->type == SK_DOC_MAP)
		sk_doc_add_pairs(&f->ed, sp, prof, n_prof);
	else
		skipped(f, sp->pos.line ? sp->pos : sk_doc_pos(spk),
			"%s is not a mapping; left unchanged", "seccompProfile");
}

static void fix_ape(struct fixer *f, const struct sk_doc_node *sc, struct sk_doc_kv *add,
		    size_t *n_add)
{
	const struct sk_doc_node *ape = sk_doc_get(sc, "allowPrivilegeEscalation");
	if (ape && ape->type == SK_DOC_SCALAR && ape->len)
		sk_doc_set_scalar(&f->ed, ape, "false", SK_DOC_LITERAL);
	else if (!ape)
		add[(*n_add)++] = (struct sk_doc_kv){"allowPrivilegeEscalation", SK_DOC_LITERAL,
						     "false", NULL, 0};
	else
		skipped(f, ape->pos.line ? ape->pos : sk_doc_pos(sk_doc_key(sc, "allowPrivilegeEscalation")),
			"%s is empty; left unchanged", "allowPrivilegeEscalation");
}

/* allowPrivilegeEscalation: false is impossible beside privileged: true and
 * beside "CAP_SYS_ADMIN" in capabilities.add: the API server rejects both. */
static bool ape_allowed(struct fixer *f, const struct sk_k8s_container *k)
{
	if (!k->privileged && !k->cap_sys_admin)
		return true;
	struct sk_pos at = k->privileged ? k->privileged_pos : k->cap_sys_admin_pos;
	const char *what = k->privileged ? "is privileged" : "adds CAP_SYS_ADMIN";
	if (k->allow_privilege_escalation == SK_K8S_FALSE)
		sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, at.line, at.col, "fix-skipped",
			     "container '%s' %s beside allowPrivilegeEscalation: false, which the API "
			     "server rejects; decide by hand which of the two goes",
			     k->name, what);
	else
		sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, at.line, at.col, "fix-skipped",
			     "container '%s' %s: allowPrivilegeEscalation left unchanged (the API "
			     "server rejects false beside it; drop %s by hand)",
			     k->name, what, k->privileged ? "privileged: true" : "the capability");
	return false;
}

/* False when the container's text cannot be edited (said why). */
static bool fix_container(struct fixer *f, const struct sk_k8s_container *k, bool need_sc,
			  const struct choice *ch)
{
	const struct sk_doc_node *c = k->node;
	bool need_ape = ape_allowed(f, k) && k->allow_privilege_escalation != SK_K8S_FALSE;
	if (!need_sc && !need_ape)
		return true;
	char what[300];
	snprintf(what, sizeof what, "container '%s'", k->name);
	const struct sk_doc_node *sc = sk_doc_get(c, "securityContext");
	const struct sk_doc_node *sck = sk_doc_key(c, "securityContext");
	if (shared(f, c, k->pos, what) || shared(f, sc, sk_doc_pos(sck), "securityContext"))
		return false;
	struct sk_doc_kv prof[2], add[2];
	size_t n_prof = profile_kvs(ch, prof), n_add = 0;
	if (!sc || empty_value(sc)) {
		if (need_ape)
			add[n_add++] = (struct sk_doc_kv){"allowPrivilegeEscalation", SK_DOC_LITERAL,
							  "false", NULL, 0};
		if (need_sc)
			add[n_add++] = (struct sk_doc_kv){"seccompProfile", SK_DOC_MAPPING, NULL, prof,
							  n_prof};
		new_security_context(f, c, sc, sck, add, n_add);
		return true;
	}
	if (sc->type != SK_DOC_MAP) {
		skipped(f, sc->pos, "%s is not a mapping; left unchanged", "securityContext");
		return false;
	}
	if (need_ape)
		fix_ape(f, sc, add, &n_add);
	if (need_sc)
		fix_seccomp(f, sc, ch, add, &n_add, prof, n_prof);
	if (n_add)
		sk_doc_add_pairs(&f->ed, sc, add, n_add);
	return true;
}

static bool is_seccomp_annotation(const struct sk_doc_node *key)
{
	return !strcmp(key->str, SK_K8S_POD_ANNOTATION) ||
	       !strncmp(key->str, SK_K8S_CONTAINER_ANNOTATION_PREFIX,
			strlen(SK_K8S_CONTAINER_ANNOTATION_PREFIX));
}

static void fix_annotations(struct fixer *f, const struct sk_k8s_pod *p)
{
	const struct sk_doc_node *md = p->metadata;
	const struct sk_doc_node *ann = sk_doc_get(md, "annotations");
	if (!ann || ann->type != SK_DOC_MAP)
		return;
	bool *drop = calloc(ann->n ? ann->n : 1, sizeof *drop);
	if (!drop) {
		f->ed.err = -ENOMEM;
		return;
	}
	size_t hits = 0;
	for (size_t i = 0; i < ann->n; i++)
		hits += drop[i] = is_seccomp_annotation(ann->kids[2 * i]);
	if (hits == ann->n && sk_doc_pair_of(md, ann) != (size_t)-1)
		sk_doc_remove_pair(&f->ed, md, sk_doc_pair_of(md, ann)); /* nothing else left */
	else if (hits && !shared(f, ann, sk_doc_pos(sk_doc_key(md, "annotations")), "annotations"))
		sk_doc_remove_pairs(&f->ed, ann, drop);
	free(drop);
}

/* A pod-level Unconfined (or invalid type) becomes the pod's annotation's
 * profile, or the default one. */
static void fix_pod_level(struct fixer *f, const struct sk_k8s_pod *p)
{
	if (p->seccomp.type != SK_SECCOMP_UNCONFINED && p->seccomp.type != SK_SECCOMP_INVALID)
		return;
	const struct sk_doc_node *sp = sk_doc_get(sk_doc_get(p->spec, "securityContext"),
						  "seccompProfile");
	if (!sp || sp->type != SK_DOC_MAP || shared(f, sp, p->seccomp.pos, "seccompProfile"))
		return;
	struct choice c;
	if (usable(&p->annotation))
		take(&c, &p->annotation, "carried over from the pod's annotation %s",
		     p->annotation.raw);
	else
		fallback(f, &c, NULL, NULL);
	char who[300];
	snprintf(who, sizeof who, "pod level, was %s", p->seccomp.raw);
	tell_choice(f, p, p->seccomp.pos, who, &c);
	fix_profile_map(f, sp, &c);
}

static void fix_pod(struct fixer *f, const struct sk_k8s_pod *p)
{
	if (p->windows) {
		for (size_t i = 0; i < p->n_containers; i++)
			tell(f, p, p->containers[i].pos,
			     "container '%s': left alone, a Windows pod (%s): seccomp and "
			     "allowPrivilegeEscalation do not exist there",
			     p->containers[i].name, p->windows);
		return;
	}
	fix_annotations(f, p);
	fix_pod_level(f, p);
	for (size_t i = 0; i < p->n_containers && !f->ed.err; i++) {
		const struct sk_k8s_container *k = &p->containers[i];
		const struct sk_k8s_profile_map *e = mapped(f, p, k);
		bool own = k->seccomp.type == SK_SECCOMP_RUNTIME_DEFAULT ||
			   k->seccomp.type == SK_SECCOMP_LOCALHOST;
		/* a mapped container's RuntimeDefault becomes its own profile */
		bool need = !own || (e && k->seccomp.type == SK_SECCOMP_RUNTIME_DEFAULT);
		struct choice c = {0};
		char who[300];
		snprintf(who, sizeof who, "container '%s'", k->name);
		if (need)
			choose(f, p, k, &c);
		if (!fix_container(f, k, need, &c))
			continue;
		if (need) {
			tell_choice(f, p, k->pos, who, &c);
		} else if (e) {
			tell(f, p, k->pos,
			     "%s: keeps its own %s%s%s (--profile names %s for it: change it by hand "
			     "if that one should replace it)",
			     who, type_name(k->seccomp.type), k->seccomp.localhost ? " " : "",
			     k->seccomp.localhost ? k->seccomp.localhost : "", e->localhost_profile);
		}
	}
}

/* The fixed text must read back, with as many documents: nothing is handed
 * over that a YAML reader refuses (libfyaml 0.7.12 refuses a tab before a
 * comment on a line that now follows a new block, for one; found by
 * fuzz_manifest). */
static int check_result(const struct sk_k8s_manifest *m, const struct sk_k8s_edits *e,
			struct sk_diags *diags)
{
	if (!e->n)
		return 0;
	char *text;
	size_t len;
	int r = sk_doc_apply(m->text, m->len, e->v, e->n, &text, &len);
	if (r)
		return r;
	struct sk_doc s;
	struct sk_diags why = {0};
	r = sk_doc_parse(text, len, m->file, NULL, &s, &why);
	if (r == -ENOMEM || (!r && s.n_docs == m->n_docs)) {
		r = r ? r : 0;
	} else {
		sk_diags_add(diags, SK_SEV_ERROR, m->file, 0, 0, "fix-internal",
			     "cannot fix: the edited text would not read back as the same YAML "
			     "(%s); nothing written",
			     why.n ? why.v[0].message : "another number of documents");
		r = -EINVAL;
	}
	sk_doc_release(&s);
	sk_diags_free(&why);
	free(text);
	return r;
}

int sk_k8s_fix(const struct sk_k8s_manifest *m, const struct sk_k8s_fix_opts *opts,
	       struct sk_k8s_edits *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	struct fixer f = {.m = m, .opts = opts, .choices = &out->choices, .diags = diags};
	sk_doc_editor_init(&f.ed, m->text, m->len, m->file, "fix-skipped", diags);
	for (size_t i = 0; i < m->n_pods && !f.ed.err; i++)
		fix_pod(&f, &m->pods[i]);
	int r = sk_doc_editor_finish(&f.ed, &out->v, &out->n);
	if (!r)
		r = check_result(m, out, diags);
	if (r)
		sk_k8s_edits_free(out);
	return r;
}

char *sk_k8s_apply_edits(const char *text, size_t len, const struct sk_k8s_edits *e)
{
	char *out;
	size_t n;
	return sk_doc_apply(text, len, e->v, e->n, &out, &n) ? NULL : out;
}

void sk_k8s_edits_free(struct sk_k8s_edits *e)
{
	sk_doc_edits_free(e->v, e->n);
	sk_diags_free(&e->choices);
	memset(e, 0, sizeof *e);
}
