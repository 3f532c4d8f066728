/* scmpkit fix: textual edits at node positions (see sk_k8s_fix in k8s.h).
 * Re-emitting the document would lose comments and formatting; editing the
 * bytes of the few nodes that change keeps everything else identical. */
#include <scmpkit/k8s.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/internal.h"

struct fixer {
	const struct sk_k8s_manifest *m;
	const char *text;
	size_t len;
	const char *type;      /* "RuntimeDefault" or "Localhost" */
	const char *localhost; /* the path, or NULL */
	struct sk_k8s_edits *out;
	size_t cap;
	struct sk_diags *diags;
	int err;
};

static void edit(struct fixer *f, size_t start, size_t end, const char *text)
{
	if (f->err)
		return;
	if (f->out->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct sk_k8s_edit *v = realloc(f->out->v, cap * sizeof *v);
		if (!v) {
			f->err = -ENOMEM;
			return;
		}
		f->out->v = v;
		f->cap = cap;
	}
	/* lines appended to a last line without its newline need one first */
	bool nl = start == f->len && end == f->len && f->len && f->text[f->len - 1] != '\n' && *text;
	char *t = malloc(strlen(text) + 2);
	if (t) {
		t[0] = '\n';
		strcpy(t + nl, text);
	}
	if (!t) {
		f->err = -ENOMEM;
		return;
	}
	f->out->v[f->out->n++] = (struct sk_k8s_edit){start, end, t};
}

static size_t line_start(const struct fixer *f, size_t off)
{
	while (off > 0 && f->text[off - 1] != '\n')
		off--;
	return off;
}

/* Just past the newline of the line holding OFF (or the end of the input). */
static size_t next_line(const struct fixer *f, size_t off)
{
	const char *nl = memchr(f->text + off, '\n', f->len - off);
	return nl ? (size_t)(nl - f->text) + 1 : f->len;
}

/* Only the key of a pair starts its line: the pair can go line by line. */
static bool starts_line(const struct fixer *f, const struct sk_ynode *key)
{
	for (size_t i = line_start(f, key->start); i < key->start; i++)
		if (f->text[i] != ' ' && f->text[i] != '-')
			return false;
	return true;
}

static bool editable(struct fixer *f, const struct sk_ynode *n, const char *what)
{
	if (n->type == SK_Y_MAP && !n->flow)
		return true;
	sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, n->line, n->col, "fix-skipped",
		     "%s is not a block mapping (flow style or JSON); left unchanged", what);
	return false;
}

/* A scalar's full text, quotes included. */
static void scalar_range(const struct fixer *f, const struct sk_ynode *n, size_t *s, size_t *e)
{
	*s = n->start;
	*e = n->end;
	if (!n->plain && *s > 0 && *e < f->len && (f->text[*s - 1] == '"' || f->text[*s - 1] == '\'') &&
	    f->text[*e] == f->text[*s - 1]) {
		(*s)--;
		(*e)++;
	}
}

static void replace_scalar(struct fixer *f, const struct sk_ynode *n, const char *text)
{
	size_t s, e;
	scalar_range(f, n, &s, &e);
	edit(f, s, e, text);
}

/* LOCALHOST as a YAML scalar: plain when safe, double-quoted otherwise. */
static char *yaml_value(const char *v)
{
	char *out;
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-") ==
		    strlen(v) && *v && *v != '-')
		return strdup(v);
	size_t n = 3;
	for (const char *p = v; *p; p++)
		n += (*p == '"' || *p == '\\') ? 2 : 1;
	if (!(out = malloc(n)))
		return NULL;
	char *o = out;
	*o++ = '"';
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* The lines of a new seccompProfile mapping at INDENT. */
static void append_profile_lines(struct fixer *f, char *buf, size_t size, int indent)
{
	size_t l = strlen(buf);
	snprintf(buf + l, size - l, "%*sseccompProfile:\n%*stype: %s\n", indent, "", indent + 2, "",
		 f->type);
	if (f->localhost) {
		char *v = yaml_value(f->localhost);
		if (!v) {
			f->err = -ENOMEM;
			return;
		}
		l = strlen(buf);
		snprintf(buf + l, size - l, "%*slocalhostProfile: %s\n", indent + 2, "", v);
		free(v);
	}
}

/* Turn an existing seccompProfile mapping SP into the chosen profile. */
static void fix_profile_map(struct fixer *f, const struct sk_ynode *sp)
{
	if (!editable(f, sp, "seccompProfile"))
		return;
	const struct sk_ynode *t = sk_ymap_get(sp, "type");
	const struct sk_ynode *lp = sk_ymap_get(sp, "localhostProfile");
	const struct sk_ynode *lpk = sk_ymap_key(sp, "localhostProfile");
	if (!t) {
		sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, sp->line, sp->col, "fix-skipped",
			     "seccompProfile without a type; left unchanged");
		return;
	}
	replace_scalar(f, t, f->type);
	char *v = f->localhost ? yaml_value(f->localhost) : NULL;
	if (f->localhost && !v) {
		f->err = -ENOMEM;
		return;
	}
	if (lp && lp->type == SK_Y_SCALAR && lp->len) {
		if (v)
			replace_scalar(f, lp, v);
		else if (starts_line(f, lpk)) /* RuntimeDefault must not name a file */
			edit(f, line_start(f, lpk->start), next_line(f, lp->end), "");
	} else if (v && !lpk) {
		char line[4096];
		snprintf(line, sizeof line, "%*slocalhostProfile: %s\n", (int)sp->col - 1, "", v);
		edit(f, next_line(f, t->end), next_line(f, t->end), line);
	}
	free(v);
}

static void fix_container(struct fixer *f, const struct sk_k8s_container *k)
{
	const struct sk_ynode *c = k->node;
	bool need_sc = k->seccomp.type == SK_SECCOMP_UNSET ||
		       k->seccomp.type == SK_SECCOMP_UNCONFINED ||
		       k->seccomp.type == SK_SECCOMP_INVALID;
	bool need_ape = k->allow_privilege_escalation != SK_K8S_FALSE && !k->privileged;
	if (k->privileged)
		sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, k->privileged_pos.line,
			     k->privileged_pos.col, "fix-skipped",
			     "container '%s' is privileged: allowPrivilegeEscalation left unchanged "
			     "(drop privileged: true by hand)",
			     k->name);
	if ((!need_sc && !need_ape) || !editable(f, c, "the container"))
		return;
	const struct sk_ynode *sc = sk_ymap_get(c, "securityContext");
	char buf[8192] = "";
	if (!sc) {
		int in = (int)c->col - 1;
		snprintf(buf, sizeof buf, "%*ssecurityContext:\n", in, "");
		if (need_ape)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
				 "%*sallowPrivilegeEscalation: false\n", in + 2, "");
		if (need_sc)
			append_profile_lines(f, buf, sizeof buf, in + 2);
		edit(f, next_line(f, c->end), next_line(f, c->end), buf);
		return;
	}
	if (!editable(f, sc, "securityContext"))
		return;
	int in = (int)sc->col - 1;
	if (need_ape) {
		const struct sk_ynode *ape = sk_ymap_get(sc, "allowPrivilegeEscalation");
		if (ape && ape->type == SK_Y_SCALAR && ape->len)
			replace_scalar(f, ape, "false");
		else if (!ape)
			snprintf(buf, sizeof buf, "%*sallowPrivilegeEscalation: false\n", in, "");
	}
	if (need_sc) {
		const struct sk_ynode *sp = sk_ymap_get(sc, "seccompProfile");
		if (sp && sp->type == SK_Y_MAP)
			fix_profile_map(f, sp);
		else if (!sp)
			append_profile_lines(f, buf, sizeof buf, in);
		else
			sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, sp->line, sp->col,
				     "fix-skipped", "empty seccompProfile; left unchanged");
	}
	if (*buf)
		edit(f, next_line(f, sc->end), next_line(f, sc->end), buf);
}

static bool is_seccomp_annotation(const struct sk_ynode *key)
{
	return key->type == SK_Y_SCALAR &&
	       (!strcmp(key->str, SK_K8S_POD_ANNOTATION) ||
		!strncmp(key->str, SK_K8S_CONTAINER_ANNOTATION_PREFIX,
			 strlen(SK_K8S_CONTAINER_ANNOTATION_PREFIX)));
}

static void fix_annotations(struct fixer *f, const struct sk_k8s_pod *p)
{
	const struct sk_ynode *md = p->metadata;
	const struct sk_ynode *ann = sk_ymap_get(md, "annotations");
	if (!ann || ann->type != SK_Y_MAP)
		return;
	size_t hits = 0;
	for (size_t i = 0; i < ann->n; i++)
		hits += is_seccomp_annotation(ann->kids[2 * i]);
	if (!hits || !editable(f, ann, "annotations"))
		return;
	const struct sk_ynode *akey = sk_ymap_key(md, "annotations");
	if (hits == ann->n && starts_line(f, akey)) { /* nothing else left: drop the key */
		edit(f, line_start(f, akey->start), next_line(f, ann->end), "");
		return;
	}
	for (size_t i = 0; i < ann->n; i++) {
		const struct sk_ynode *k = ann->kids[2 * i], *v = ann->kids[2 * i + 1];
		if (is_seccomp_annotation(k) && starts_line(f, k))
			edit(f, line_start(f, k->start), next_line(f, v->end), "");
	}
}

static int cmp_edit(const void *a, const void *b)
{
	const struct sk_k8s_edit *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0; /* insertions at one offset keep the order they were made in */
}

int sk_k8s_fix(const struct sk_k8s_manifest *m, const struct sk_k8s_fix_opts *opts,
	       struct sk_k8s_edits *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	struct fixer f = {.m = m, .text = m->text, .len = m->len, .out = out, .diags = diags};
	f.localhost = opts ? opts->localhost_profile : NULL;
	f.type = f.localhost ? "Localhost" : "RuntimeDefault";
	for (size_t i = 0; i < m->n_pods && !f.err; i++) {
		const struct sk_k8s_pod *p = &m->pods[i];
		if (p->windows)
			continue;
		fix_annotations(&f, p);
		if (p->seccomp.type == SK_SECCOMP_UNCONFINED || p->seccomp.type == SK_SECCOMP_INVALID) {
			const struct sk_ynode *sp =
				sk_ymap_get(sk_ymap_get(p->spec, "securityContext"), "seccompProfile");
			if (sp)
				fix_profile_map(&f, sp);
		}
		for (size_t c = 0; c < p->n_containers && !f.err; c++)
			fix_container(&f, &p->containers[c]);
	}
	if (f.err) {
		sk_k8s_edits_free(out);
		return f.err;
	}
	/* Stable by start: edits at one offset are insertions made in order. */
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && cmp_edit(&out->v[j - 1], &out->v[j]) > 0; j--) {
			struct sk_k8s_edit t = out->v[j];
			out->v[j] = out->v[j - 1];
			out->v[j - 1] = t;
		}
	return 0;
}

char *sk_k8s_apply_edits(const char *text, size_t len, const struct sk_k8s_edits *e)
{
	size_t n = len + 1;
	for (size_t i = 0; i < e->n; i++)
		n += strlen(e->v[i].text);
	char *out = malloc(n), *o = out;
	if (!out)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < e->n; i++) {
		memcpy(o, text + at, e->v[i].start - at);
		o += e->v[i].start - at;
		size_t tl = strlen(e->v[i].text);
		memcpy(o, e->v[i].text, tl);
		o += tl;
		at = e->v[i].end;
	}
	memcpy(o, text + at, len - at);
	o[len - at] = '\0';
	return out;
}

void sk_k8s_edits_free(struct sk_k8s_edits *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	memset(e, 0, sizeof *e);
}
