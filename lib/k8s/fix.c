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
	if (start > end || end > f->len) { /* never write a file from bad positions */
		sk_diags_add(f->diags, SK_SEV_ERROR, f->m->file, 0, 0, "fix-internal",
			     "cannot fix: an edit at bytes %zu..%zu is out of order; nothing "
			     "written", start, end);
		f->err = -EINVAL;
		return;
	}
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

static void skipped(struct fixer *f, const struct sk_ynode *n, const char *fmt, const char *what)
{
	sk_diags_add(f->diags, SK_SEV_WARNING, f->m->file, n->line, n->col, "fix-skipped", fmt,
		     what);
}

/* A scalar's full text, quotes included. */
static void scalar_range(const struct fixer *f, const struct sk_ynode *n, size_t *s, size_t *e)
{
	*s = n->start;
	*e = n->end;
	if (n->type == SK_Y_SCALAR && !n->plain && *s > 0 && *e < f->len &&
	    (f->text[*s - 1] == '"' || f->text[*s - 1] == '\'') && f->text[*e] == f->text[*s - 1]) {
		(*s)--;
		(*e)++;
	}
}

/* V as a JSON string (valid YAML too): "..." with escapes. */
static char *json_value(const char *v)
{
	size_t n = 3;
	for (const char *p = v; *p; p++)
		n += (*p == '"' || *p == '\\') ? 2 : (unsigned char)*p < 0x20 ? 6 : 1;
	char *out = malloc(n), *o = out;
	if (!out)
		return NULL;
	*o++ = '"';
	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p < 0x20) {
			o += sprintf(o, "\\u%04x", (unsigned char)*p);
			continue;
		}
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* V as a YAML scalar: plain when safe, double-quoted otherwise. */
static char *yaml_value(const char *v)
{
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-") ==
		    strlen(v) && *v && *v != '-')
		return strdup(v);
	return json_value(v);
}

/* Replace scalar N by the string V, in N's quoting style when N was quoted
 * (so that JSON stays JSON), or by the literal LIT (a boolean). */
static void replace_scalar(struct fixer *f, const struct sk_ynode *n, const char *v, bool lit)
{
	size_t s, e;
	scalar_range(f, n, &s, &e);
	char *t = lit ? strdup(v) : (!n->plain ? json_value(v) : yaml_value(v));
	if (!t) {
		f->err = -ENOMEM;
		return;
	}
	edit(f, s, e, t);
	free(t);
}

/* ---- new content: a few keys, written in block or in flow (JSON) style --- */

struct kv {
	const char *key;
	const char *val;  /* a string; NULL for a mapping of SUB */
	bool lit;         /* VAL is a literal (false), not a string */
	const struct kv *sub;
	size_t n_sub;
};

struct text {
	char *s;
	size_t n, cap;
};

static void tput(struct fixer *f, struct text *t, const char *s)
{
	size_t l = strlen(s);
	if (f->err)
		return;
	if (t->n + l + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		while (cap < t->n + l + 1)
			cap *= 2;
		char *ns = realloc(t->s, cap);
		if (!ns) {
			f->err = -ENOMEM;
			return;
		}
		t->s = ns;
		t->cap = cap;
	}
	memcpy(t->s + t->n, s, l + 1);
	t->n += l;
}

static void tval(struct fixer *f, struct text *t, const struct kv *k, bool flow)
{
	char *v = k->lit ? strdup(k->val) : flow ? json_value(k->val) : yaml_value(k->val);
	if (!v) {
		f->err = -ENOMEM;
		return;
	}
	tput(f, t, v);
	free(v);
}

/* Block lines "KEY: VAL\n" at INDENT, mappings nested by two spaces. */
static void block_lines(struct fixer *f, struct text *t, const struct kv *k, size_t n, int indent)
{
	char pad[256];
	snprintf(pad, sizeof pad, "%*s", indent < 200 ? indent : 200, "");
	for (size_t i = 0; i < n; i++) {
		tput(f, t, pad);
		tput(f, t, k[i].key);
		tput(f, t, k[i].val ? ": " : ":\n");
		if (k[i].val) {
			tval(f, t, &k[i], false);
			tput(f, t, "\n");
		} else {
			block_lines(f, t, k[i].sub, k[i].n_sub, indent + 2);
		}
	}
}

/* "KEY": VAL pairs separated by SEP, in flow (JSON) style. */
static void flow_pairs(struct fixer *f, struct text *t, const struct kv *k, size_t n,
		       const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			tput(f, t, sep);
		char *key = json_value(k[i].key);
		if (!key) {
			f->err = -ENOMEM;
			return;
		}
		tput(f, t, key);
		free(key);
		tput(f, t, ": ");
		if (k[i].val) {
			tval(f, t, &k[i], true);
		} else {
			tput(f, t, "{");
			flow_pairs(f, t, k[i].sub, k[i].n_sub, ", ");
			tput(f, t, "}");
		}
	}
}

/* Where N's text ends (a closing quote or bracket included). */
static size_t node_end(const struct fixer *f, const struct sk_ynode *n)
{
	size_t s, e;
	scalar_range(f, n, &s, &e);
	return e;
}

static size_t node_start(const struct fixer *f, const struct sk_ynode *n)
{
	size_t s, e;
	scalar_range(f, n, &s, &e);
	return s;
}

/* Add the pairs K to mapping MAP: lines after it in block style, or pairs
 * before its closing brace in flow style (one per line when its pairs are). */
static void add_pairs(struct fixer *f, const struct sk_ynode *map, const struct kv *k, size_t n)
{
	struct text t = {0};
	if (!map->flow) {
		block_lines(f, &t, k, n, (int)map->col - 1);
		if (!f->err)
			edit(f, next_line(f, map->end), next_line(f, map->end), t.s);
	} else if (!map->n) {
		/* "{}": right after the brace */
		flow_pairs(f, &t, k, n, ", ");
		if (!f->err)
			edit(f, map->start + 1, map->start + 1, t.s);
	} else {
		const struct sk_ynode *lk = map->kids[2 * map->n - 2];
		if (!map->kids[2 * map->n - 1]->line) { /* "{a: 1, b: }": nowhere to write */
			skipped(f, lk, "%s: empty value at the end of a flow mapping; left unchanged",
				lk->str);
			free(t.s);
			return;
		}
		size_t at = node_end(f, map->kids[2 * map->n - 1]);
		size_t ks = node_start(f, lk);
		bool lines = line_start(f, ks) > map->start; /* its last key on a line of its own */
		char sep[280];
		if (lines)
			snprintf(sep, sizeof sep, ",\n%*s", (int)(ks - line_start(f, ks)) % 256, "");
		else
			snprintf(sep, sizeof sep, ", ");
		tput(f, &t, sep);
		flow_pairs(f, &t, k, n, sep);
		if (!f->err)
			edit(f, at, at, t.s);
	}
	free(t.s);
}

/* V, the value of KEY in a block mapping, is null or "{}": give it the pairs K
 * as block lines below the key ("key: {}" becomes "key:"). */
static void fill_empty(struct fixer *f, const struct sk_ynode *key, const struct sk_ynode *v,
		       const struct kv *k, size_t n)
{
	size_t ke = node_end(f, key), ve = node_end(f, v);
	size_t colon = ke;
	while (colon < f->len && (f->text[colon] == ' ' || f->text[colon] == '\t'))
		colon++;
	if (colon >= f->len || f->text[colon] != ':' || !starts_line(f, key)) {
		skipped(f, key, "%s: empty value in an unusual layout; left unchanged", key->str);
		return;
	}
	if (ve > colon + 1 && (v->type != SK_Y_SCALAR || v->len)) {
		/* the value's text: "null", "~", "{}" */
		for (size_t i = colon + 1; i < v->start; i++)
			if (f->text[i] != ' ' && f->text[i] != '\t') {
				skipped(f, key, "%s: empty value in an unusual layout; left unchanged",
					key->str);
				return;
			}
		edit(f, colon + 1, ve, "");
	} else {
		ve = colon + 1;
	}
	struct text t = {0};
	block_lines(f, &t, k, n, (int)key->col + 1);
	if (!f->err)
		edit(f, next_line(f, ve), next_line(f, ve), t.s);
	free(t.s);
}

/* An empty value: null, or a flow mapping without pairs. */
static bool empty_value(const struct sk_ynode *v)
{
	return sk_ynull(v) || (v->type == SK_Y_MAP && v->flow && !v->n);
}

/* Remove the pair KEY: VAL of mapping MAP: its lines in block style, the pair
 * and one comma in flow style. */
/* Where the pair I of MAP ends: its value's end, or its key's when the value
 * is empty ("key:" has no position of its own: line 0). */
static size_t pair_end(const struct fixer *f, const struct sk_ynode *map, size_t i)
{
	const struct sk_ynode *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
	return node_end(f, v->line ? v : k);
}

static void remove_pair(struct fixer *f, const struct sk_ynode *map, size_t i)
{
	const struct sk_ynode *k = map->kids[2 * i];
	if (!map->flow) {
		if (starts_line(f, k))
			edit(f, line_start(f, k->start), next_line(f, pair_end(f, map, i)), "");
		else
			skipped(f, k, "%s: not on a line of its own; left unchanged", k->str);
		return;
	}
	if (i + 1 < map->n) /* up to the next key */
		edit(f, node_start(f, k), node_start(f, map->kids[2 * i + 2]), "");
	else if (i > 0) /* from the previous value's end */
		edit(f, pair_end(f, map, i - 1), pair_end(f, map, i), "");
	else
		edit(f, node_start(f, k), pair_end(f, map, i), "");
}

/* The profile's pairs: type, and localhostProfile for Localhost. */
static size_t profile_kvs(const struct fixer *f, struct kv *out)
{
	out[0] = (struct kv){"type", f->type, false, NULL, 0};
	if (!f->localhost)
		return 1;
	out[1] = (struct kv){"localhostProfile", f->localhost, false, NULL, 0};
	return 2;
}

/* Turn an existing seccompProfile mapping SP into the chosen profile. */
static void fix_profile_map(struct fixer *f, const struct sk_ynode *sp)
{
	const struct sk_ynode *t = sk_ymap_get(sp, "type");
	const struct sk_ynode *lp = sk_ymap_get(sp, "localhostProfile");
	struct kv add[2];
	size_t n_add = 0;
	if (t && t->type == SK_Y_SCALAR && t->len)
		replace_scalar(f, t, f->type, false);
	else if (!t)
		add[n_add++] = (struct kv){"type", f->type, false, NULL, 0};
	else {
		skipped(f, t, "%s: type is not a string; left unchanged", "seccompProfile");
		return;
	}
	if (lp && lp->type == SK_Y_SCALAR && lp->len && !sk_ynull(lp)) {
		if (f->localhost)
			replace_scalar(f, lp, f->localhost, false);
		else /* RuntimeDefault must not name a file */
			for (size_t i = 0; i < sp->n; i++)
				if (sp->kids[2 * i + 1] == lp)
					remove_pair(f, sp, i);
	} else if (f->localhost && !lp) {
		add[n_add++] = (struct kv){"localhostProfile", f->localhost, false, NULL, 0};
	} else if (f->localhost) {
		replace_scalar(f, lp, f->localhost, false);
	}
	if (n_add)
		add_pairs(f, sp, add, n_add);
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
	if (!need_sc && !need_ape)
		return;
	struct kv prof[2];
	size_t n_prof = profile_kvs(f, prof);
	struct kv add[2];
	size_t n_add = 0;
	const struct sk_ynode *sc = sk_ymap_get(c, "securityContext");
	const struct sk_ynode *sck = sk_ymap_key(c, "securityContext");
	if (!sc || empty_value(sc)) {
		if (need_ape)
			add[n_add++] = (struct kv){"allowPrivilegeEscalation", "false", true, NULL, 0};
		if (need_sc)
			add[n_add++] = (struct kv){"seccompProfile", NULL, false, prof, n_prof};
		if (!sc) {
			struct kv top = {"securityContext", NULL, false, add, n_add};
			add_pairs(f, c, &top, 1);
		} else if (sc->type == SK_Y_MAP) {
			if (c->flow)
				add_pairs(f, sc, add, n_add);
			else
				fill_empty(f, sck, sc, add, n_add);
		} else if (!c->flow) {
			fill_empty(f, sck, sc, add, n_add);
		} else {
			skipped(f, sck, "%s is null inside a flow mapping; left unchanged",
				"securityContext");
		}
		return;
	}
	if (sc->type != SK_Y_MAP) {
		skipped(f, sc, "%s is not a mapping; left unchanged", "securityContext");
		return;
	}
	if (need_ape) {
		const struct sk_ynode *ape = sk_ymap_get(sc, "allowPrivilegeEscalation");
		if (ape && ape->type == SK_Y_SCALAR && ape->len)
			replace_scalar(f, ape, "false", true);
		else if (!ape)
			add[n_add++] = (struct kv){"allowPrivilegeEscalation", "false", true, NULL, 0};
		else
			skipped(f, ape->line ? ape : sk_ymap_key(sc, "allowPrivilegeEscalation"),
				"%s is empty; left unchanged", "allowPrivilegeEscalation");
	}
	if (need_sc) {
		const struct sk_ynode *sp = sk_ymap_get(sc, "seccompProfile");
		const struct sk_ynode *spk = sk_ymap_key(sc, "seccompProfile");
		if (sp && !empty_value(sp) && sp->type == SK_Y_MAP)
			fix_profile_map(f, sp);
		else if (!sp)
			add[n_add++] = (struct kv){"seccompProfile", NULL, false, prof, n_prof};
		else if (empty_value(sp) && !sc->flow)
			fill_empty(f, spk, sp, prof, n_prof);
		else if (empty_value(sp) && sp->type == SK_Y_MAP)
			add_pairs(f, sp, prof, n_prof);
		else
			skipped(f, sp->line ? sp : spk, "%s is not a mapping; left unchanged",
				"seccompProfile");
	}
	if (n_add)
		add_pairs(f, sc, add, n_add);
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
	if (!hits)
		return;
	if (hits == ann->n) { /* nothing else left: drop the key */
		for (size_t i = 0; i < md->n; i++)
			if (md->kids[2 * i + 1] == ann) {
				remove_pair(f, md, i);
				return;
			}
	}
	/* in flow style, a run of removed pairs at the end is one edit */
	size_t tail = ann->n;
	while (ann->flow && tail > 0 && is_seccomp_annotation(ann->kids[2 * (tail - 1)]))
		tail--;
	for (size_t i = 0; i < tail; i++)
		if (is_seccomp_annotation(ann->kids[2 * i]))
			remove_pair(f, ann, i);
	if (tail < ann->n)
		edit(f, pair_end(f, ann, tail - 1), pair_end(f, ann, ann->n - 1), "");
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
			if (sp && sp->type == SK_Y_MAP)
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
