/* SPDX-License-Identifier: Apache-2.0 */
/* JSON/YAML text -> positioned nodes, through libfyaml's event stream.
 *
 * libfyaml 0.7.12's document API gives positions only for scalars, while a
 * diagnostic must point at a rule object or a container mapping and an edit
 * needs its byte range; its event API gives both. The builder is not
 * recursive: children collect on a stack while their collection is open and
 * move into the arena when it closes, so depth costs no C stack. Every
 * decision about what YAML may say (scmpkit/doc.h) is taken in this file;
 * what strict JSON refuses besides, in json.c, called from here as each
 * node is read. */
#include <scmpkit/doc.h>

#include <errno.h>
#include <libfyaml.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/json.h"
#include "util/grow.h"
#include "util/utf8.h"
#include "util/yaml_quote.h"

/* ---- arena: many small nodes, freed at once ------------------------------ */

struct sk_doc_arena {
	struct sk_doc_arena *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct sk_doc_arena **a, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!*a || (*a)->cap - (*a)->used < size) {
		size_t cap = size > 65536 ? size : 65536;
		struct sk_doc_arena *c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = *a;
		c->used = 0;
		c->cap = cap;
		*a = c;
	}
	void *p = (char *)(*a)->data + (*a)->used;
	(*a)->used += size;
	return p;
}

/* Forget every allocation but keep the newest chunk for reuse. */
static void arena_reset(struct sk_doc_arena **a)
{
	if (!*a)
		return;
	for (struct sk_doc_arena *c = (*a)->next, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	(*a)->next = NULL;
	(*a)->used = 0;
}

static char *arena_strndup(struct sk_doc_arena **a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* ---- building ------------------------------------------------------------ */

struct frame {
	struct sk_doc_node *node;
	size_t base;     /* its first child on the child stack */
	size_t last_end; /* where the text of its latest child ends */
	size_t weight;   /* nodes under it, what aliases repeat included */
	size_t json_end; /* strict JSON: where its latest child's text (quotes
			  * included) or its opening bracket ends */
};

struct anchor {
	const char *name;
	size_t len;
	struct sk_doc_node *node;
	size_t weight; /* 0 while the node is still open */
};

struct builder {
	struct sk_doc *s;
	const char *file;
	const char *rule;
	const char *single;
	bool json;       /* strict JSON (doc/json.h) */
	bool json_value; /* strict JSON: the one value was read */
	unsigned max_depth;
	struct sk_diags *diags;
	bool failed; /* an input error was reported: the first one only */
	struct frame *frames;
	size_t n_frames, cap_frames;
	struct sk_doc_node **kids;
	size_t n_kids, cap_kids;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t cap_docs;
	size_t nodes;     /* of the current document, what aliases repeat included */
	size_t held;      /* of every document kept (no FN: none is freed) */
	sk_doc_fn fn;
	void *ctx;
};

__attribute__((format(printf, 3, 4))) static int fail(struct builder *b, struct sk_pos pos,
						      const char *fmt, ...)
{
	if (!b->failed) {
		va_list ap;
		va_start(ap, fmt);
		sk_diags_vadd(b->diags, SK_SEV_ERROR, b->file, pos.line, pos.col, b->rule, fmt, ap);
		va_end(ap);
	}
	b->failed = true;
	return -EINVAL;
}

/* Position of byte AT of TEXT: columns count characters, as libfyaml's do. */
static struct sk_pos pos_at(const char *text, size_t at)
{
	struct sk_pos pos = {1, 1};
	for (size_t k = 0; k < at; k++) {
		if (text[k] == '\n')
			pos.line++, pos.col = 1;
		else if (((unsigned char)text[k] & 0xc0) != 0x80)
			pos.col++;
	}
	return pos;
}

static struct sk_pos mark_pos(const struct fy_mark *m)
{
	return m ? (struct sk_pos){(unsigned)m->line + 1, (unsigned)m->column + 1}
		 : (struct sk_pos){0, 0};
}

static struct sk_doc_node *new_node(struct builder *b, enum sk_doc_type t)
{
	struct sk_doc_node *n = arena_alloc(&b->s->arena, sizeof *n);
	if (n) {
		memset(n, 0, sizeof *n);
		n->type = t;
		n->str = "";
	}
	return n;
}

/* Count N's WEIGHT nodes against the document's limit. */
static int count(struct builder *b, size_t weight, struct sk_pos pos)
{
	b->nodes += weight;
	if (b->nodes > SK_DOC_MAX_NODES)
		return fail(b, pos,
			    "more than %d nodes in one document (counting what aliases repeat): "
			    "refused",
			    SK_DOC_MAX_NODES);
	/* an alias costs one node here, whatever it repeats */
	b->held += weight > 1 ? 1 : weight;
	if (!b->fn && b->held > SK_DOC_MAX_HELD_NODES)
		return fail(b, pos,
			    "more than %d nodes in the documents of one input, all held at once "
			    "(about 500 MiB): refused; split the input",
			    SK_DOC_MAX_HELD_NODES);
	return 0;
}

/* Attach N (whose text ends at END, WEIGHT nodes) to the open collection,
 * or make it the document's root. */
static int attach(struct builder *b, struct sk_doc_node *n, size_t end, size_t weight)
{
	if (!b->n_frames) {
		b->s->docs[b->s->n_docs - 1].root = n;
		return 0;
	}
	struct frame *f = &b->frames[b->n_frames - 1];
	n->parent = f->node;
	if (SK_GROW(b->kids, b->cap_kids, b->n_kids))
		return -ENOMEM;
	b->kids[b->n_kids++] = n;
	if (end > f->last_end)
		f->last_end = end;
	f->weight += weight;
	return 0;
}

/* ---- strict JSON (doc/json.h) --------------------------------------------- */

static int json_fault(struct builder *b, const struct sk_json_fault *f)
{
	return fail(b, pos_at(b->s->text, f->at), "%s", f->msg);
}

/* N, about to be attached, is JSON, and so is the text since the previous
 * token: a separator that fits its place, nothing YAML-only. */
static int json_node(struct builder *b, const struct sk_doc_node *n)
{
	const char *t = b->s->text;
	struct frame *f = b->n_frames ? &b->frames[b->n_frames - 1] : NULL;
	size_t k = f ? b->n_kids - f->base : 0;
	bool in_map = f && f->node->type == SK_DOC_MAP;
	enum sk_json_gap gap = !k ? SK_JSON_GAP_FIRST : in_map && k % 2 ? SK_JSON_GAP_COLON
									: SK_JSON_GAP_COMMA;
	size_t from = f ? f->json_end : 0;
	struct sk_json_fault e;
	if (n->type == SK_DOC_SCALAR && !n->pos.line) { /* "key:", {"a"}, "---": no token */
		if (!f && !sk_json_gap_ok(t, 0, b->s->len, SK_JSON_GAP_FIRST, &e))
			return json_fault(b, &e);
		return fail(b, pos_at(t, from), !f	   ? "no JSON value"
						: in_map ? "an object member without a value"
							 : "a value is missing here");
	}
	if (!sk_json_gap_ok(t, from, sk_json_extent_start(n), gap, &e))
		return json_fault(b, &e);
	if (in_map && k % 2 == 0 && (n->type != SK_DOC_SCALAR || n->plain))
		return fail(b, n->pos, "an object key must be a string in double quotes");
	if (n->type == SK_DOC_SCALAR) {
		if (!sk_json_scalar_ok(t, b->s->len, n, &e))
			return json_fault(b, &e);
		if (f)
			f->json_end = sk_json_extent_end(n);
	} else if (!n->flow || t[n->start] != (n->type == SK_DOC_MAP ? '{' : '[')) {
		return fail(b, n->pos, "YAML block style: JSON writes objects in {} and arrays in []");
	}
	b->json_value = true;
	return 0;
}

/* Collection N, whose frame F just closed, ends in JSON: whitespace and its
 * bracket after its last item. */
static int json_close(struct builder *b, const struct frame *f)
{
	const struct sk_doc_node *n = f->node;
	struct sk_json_fault e;
	if (!n->end || b->s->text[n->end - 1] != (n->type == SK_DOC_MAP ? '}' : ']'))
		return fail(b, pos_at(b->s->text, n->end), "not JSON");
	if (!sk_json_gap_ok(b->s->text, f->json_end, n->end - 1, SK_JSON_GAP_CLOSE, &e))
		return json_fault(b, &e);
	if (b->n_frames)
		b->frames[b->n_frames - 1].json_end = n->end;
	return 0;
}

/* After the document's value only whitespace: JSON text is one value. */
static int json_end(struct builder *b, const struct sk_doc_node *root)
{
	struct sk_json_fault e;
	if (!root) /* "---" alone: a document without a value */
		return fail(b, pos_at(b->s->text, 0), "no JSON value");
	if (!sk_json_gap_ok(b->s->text, sk_json_extent_end(root), b->s->len, SK_JSON_GAP_END, &e))
		return json_fault(b, &e);
	return 0;
}

static int remember_anchor(struct builder *b, struct fy_token *anchor, struct sk_doc_node *n,
			   size_t weight)
{
	if (!anchor)
		return 0;
	size_t len;
	const char *t = fy_token_get_text(anchor, &len);
	if (!t || SK_GROW(b->anchors, b->cap_anchors, b->n_anchors))
		return -ENOMEM;
	char *name = arena_strndup(&b->s->arena, t, len);
	if (!name)
		return -ENOMEM;
	b->anchors[b->n_anchors++] = (struct anchor){name, len, n, weight};
	return 0;
}

/* Mark N and everything under it shared (once: a marked node's subtree is). */
static void mark_shared(struct sk_doc_node *n)
{
	if (n->shared)
		return;
	n->shared = true;
	size_t k = n->type == SK_DOC_MAP ? 2 * n->n : n->n;
	for (size_t i = 0; i < k; i++)
		mark_shared(n->kids[i]);
}

/* The value of scalar N (token TOK, marks A..Z) into the arena. */
static int scalar_value(struct builder *b, struct sk_doc_node *n, struct fy_token *tok,
			const struct fy_mark *a, const struct fy_mark *z)
{
	size_t raw_len;
	const char *raw = sk_yaml_single_quoted_raw(tok, a, z, b->s->text, b->s->len, &raw_len);
	if (raw) { /* util/yaml_quote.h: libfyaml 0.7.12 misreads these */
		char *v = arena_alloc(&b->s->arena, raw_len + 1);
		if (!v)
			return -ENOMEM;
		n->len = sk_yaml_single_quoted(raw, raw_len, v);
		v[n->len] = '\0';
		n->str = v;
		return 0;
	}
	size_t len = 0;
	const char *t = tok ? fy_token_get_text(tok, &len) : NULL;
	if (!(n->str = arena_strndup(&b->s->arena, t ? t : "", t ? len : 0)))
		return -ENOMEM;
	n->len = t ? len : 0;
	return 0;
}

static int on_scalar(struct builder *b, struct fy_event *ev)
{
	struct sk_doc_node *n = new_node(b, SK_DOC_SCALAR);
	if (!n)
		return -ENOMEM;
	struct fy_token *tok = ev->scalar.value;
	const struct fy_mark *a = fy_event_start_mark(ev), *z = fy_event_end_mark(ev);
	enum fy_scalar_style st = tok ? fy_token_scalar_style(tok) : FYSS_PLAIN;
	n->plain = st == FYSS_PLAIN;
	/* An empty value ("key:") has no token and no marks: 0:0 says so. A
	 * quoted scalar's marks are inside its quotes: its position is the
	 * opening quote, its range stays the value's. */
	if (a) {
		n->pos = mark_pos(a);
		n->start = a->input_pos;
		if ((st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) && n->pos.col > 1)
			n->pos.col--;
	}
	n->end = z ? z->input_pos : n->start;
	/* strict JSON looks at the bytes before libfyaml decodes them: 0.7.12
	 * leaks decoding a double-quoted scalar folded over CRLF line breaks
	 * (found by fuzz_oci_manifest), which JSON never has */
	int r = b->json ? json_node(b, n) : 0;
	/* the same bug in YAML: such a scalar reads cut short (and leaks), so it
	 * is refused before libfyaml decodes it, never read wrong */
	if (!r && st == FYSS_DOUBLE_QUOTED && n->end > n->start && n->end <= b->s->len &&
	    memchr(b->s->text + n->start, '\r', n->end - n->start))
		r = fail(b, n->pos, "a double-quoted string continued over a CR line break: "
				    "the YAML reader here (libfyaml 0.7.12) misreads it; write it "
				    "on one line, with \\n for its line breaks");
	if (!r)
		r = scalar_value(b, n, tok, a, z);
	if (!r)
		r = count(b, 1, n->pos);
	if (!r)
		r = remember_anchor(b, ev->scalar.anchor, n, 1);
	return r ? r : attach(b, n, n->end, 1);
}

static struct anchor *find_anchor(struct builder *b, struct fy_token *alias)
{
	size_t len;
	const char *t = fy_token_get_text(alias, &len);
	for (size_t i = b->n_anchors; t && i-- > 0;) /* the latest definition wins */
		if (b->anchors[i].len == len && !memcmp(b->anchors[i].name, t, len))
			return &b->anchors[i];
	return NULL;
}

static int on_alias(struct builder *b, struct fy_event *ev)
{
	const struct fy_mark *a = fy_event_start_mark(ev), *z = fy_event_end_mark(ev);
	struct sk_pos pos = mark_pos(a);
	if (pos.col > 1) /* libfyaml marks an alias after its '*' */
		pos.col--;
	if (b->json) /* its anchor was refused already; never let one through */
		return fail(b, pos, "an alias (*): JSON has none");
	struct anchor *an = find_anchor(b, ev->alias.anchor);
	if (!an) /* libfyaml reports unknown anchors itself */
		return fail(b, pos, "syntax error: unknown alias");
	size_t len;
	const char *name = fy_token_get_text(ev->alias.anchor, &len);
	if (!an->weight)
		return fail(b, pos,
			    "the alias *%.*s is inside the node its anchor names: it would never "
			    "end",
			    (int)len, name ? name : "");
	struct sk_doc_root *d = &b->s->docs[b->s->n_docs - 1];
	if (!d->alias.line) {
		d->alias = pos;
		d->alias_name = an->name;
	}
	int r = count(b, an->weight, pos);
	if (r)
		return r;
	struct sk_doc_node *n = new_node(b, SK_DOC_SCALAR);
	if (!n)
		return -ENOMEM;
	*n = *an->node; /* reads as the anchored node ... */
	n->alias = true;
	n->target = an->node;
	n->pos = pos; /* ... but is where it is written */
	n->start = a && a->input_pos ? a->input_pos - 1 : 0;
	n->end = z ? z->input_pos : n->start;
	mark_shared(an->node);
	n->shared = true;
	return attach(b, n, n->end, an->weight);
}

static int on_open(struct builder *b, struct fy_event *ev)
{
	bool map = ev->type == FYET_MAPPING_START;
	struct sk_doc_node *n = new_node(b, map ? SK_DOC_MAP : SK_DOC_SEQ);
	if (!n)
		return -ENOMEM;
	const struct fy_mark *a = fy_event_start_mark(ev);
	n->pos = mark_pos(a);
	n->start = a ? a->input_pos : 0;
	struct fy_token *tok = map ? ev->mapping_start.mapping_start
				   : ev->sequence_start.sequence_start;
	n->flow = tok && (fy_token_get_type(tok) == FYTT_FLOW_MAPPING_START ||
			  fy_token_get_type(tok) == FYTT_FLOW_SEQUENCE_START);
	if (b->n_frames >= b->max_depth)
		return fail(b, n->pos, "nesting deeper than %u levels", b->max_depth);
	int r = b->json ? json_node(b, n) : 0;
	if (!r)
		r = count(b, 1, n->pos);
	if (!r)
		r = remember_anchor(b, map ? ev->mapping_start.anchor : ev->sequence_start.anchor, n, 0);
	if (!r)
		r = attach(b, n, n->start, 0);
	if (r)
		return r;
	if (SK_GROW(b->frames, b->cap_frames, b->n_frames))
		return -ENOMEM;
	b->frames[b->n_frames++] = (struct frame){n, b->n_kids, n->start, 1, n->start + 1};
	return 0;
}

static int cmp_key(const void *x, const void *y)
{
	const struct sk_doc_node *a = *(const struct sk_doc_node *const *)x;
	const struct sk_doc_node *c = *(const struct sk_doc_node *const *)y;
	int r = strcmp(a->str, c->str);
	return r ? r : (a->start > c->start) - (a->start < c->start);
}

/* Keys must be scalars, and none may repeat: the error names both places. */
static int check_keys(struct builder *b, const struct sk_doc_node *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->kids[2 * i]->type != SK_DOC_SCALAR)
			return fail(b, m->kids[2 * i]->pos, "mapping keys must be strings");
	const struct sk_doc_node *first = NULL, *again = NULL;
	if (m->n <= 16) {
		for (size_t i = 1; i < m->n && !again; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(m->kids[2 * j]->str, m->kids[2 * i]->str)) {
					first = m->kids[2 * j], again = m->kids[2 * i];
					break;
				}
	} else {
		/* big mappings (ConfigMaps, CRD schemas): sort a copy of the keys by
		 * text, then position; in each run of equal keys the second one is
		 * a repeat, and the earliest repeat in the text is reported */
		const struct sk_doc_node **k = malloc(m->n * sizeof *k);
		if (!k)
			return -ENOMEM;
		for (size_t i = 0; i < m->n; i++)
			k[i] = m->kids[2 * i];
		qsort(k, m->n, sizeof *k, cmp_key);
		for (size_t i = 1; i < m->n; i++)
			if (!strcmp(k[i - 1]->str, k[i]->str) && (i < 2 || strcmp(k[i - 2]->str, k[i]->str)) &&
			    (!again || k[i]->start < again->start))
				first = k[i - 1], again = k[i];
		free(k);
	}
	if (!again)
		return 0;
	if (b->failed)
		return -EINVAL;
	b->failed = true;
	sk_diags_add(b->diags, SK_SEV_ERROR, b->file, again->pos.line, again->pos.col,
		     "duplicate-key",
		     "duplicate key \"%s\" (first at line %u): readers disagree on which value "
		     "counts, and Kubernetes' strict decoding rejects the object",
		     again->str, first->pos.line);
	sk_diags_add(b->diags, SK_SEV_NOTE, b->file, first->pos.line, first->pos.col,
		     "duplicate-key", "\"%s\" is first set here", first->str);
	return -EINVAL;
}

static int on_close(struct builder *b, struct fy_event *ev)
{
	if (!b->n_frames)
		return fail(b, mark_pos(fy_event_start_mark(ev)), "syntax error: unbalanced YAML");
	struct frame f = b->frames[--b->n_frames];
	struct sk_doc_node *n = f.node;
	size_t k = b->n_kids - f.base;
	if (k) {
		n->kids = arena_alloc(&b->s->arena, k * sizeof *n->kids);
		if (!n->kids)
			return -ENOMEM;
		memcpy(n->kids, b->kids + f.base, k * sizeof *n->kids);
	}
	b->n_kids = f.base;
	n->n = n->type == SK_DOC_MAP ? k / 2 : k;
	/* A flow collection ends after its closing bracket; a block one where
	 * its last child's text ends (libfyaml's end event points at the next
	 * token, possibly lines later). */
	const struct fy_mark *m = fy_event_end_mark(ev);
	n->end = n->flow && m ? m->input_pos : f.last_end;
	if (n->type == SK_DOC_MAP) {
		int r = check_keys(b, n);
		if (r)
			return r;
	}
	if (b->json) {
		int r = json_close(b, &f);
		if (r)
			return r;
	}
	for (size_t i = b->n_anchors; i-- > 0;)
		if (b->anchors[i].node == n)
			b->anchors[i].weight = f.weight;
	if (!b->n_frames)
		return 0;
	struct frame *p = &b->frames[b->n_frames - 1];
	if (n->end > p->last_end)
		p->last_end = n->end;
	p->weight += f.weight;
	return 0;
}

static int on_document_start(struct builder *b, struct fy_event *ev)
{
	struct sk_doc *s = b->s;
	if (SK_GROW(s->docs, b->cap_docs, s->n_docs))
		return -ENOMEM;
	const struct fy_mark *m = fy_event_start_mark(ev);
	s->docs[s->n_docs++] = (struct sk_doc_root){.line = m ? (unsigned)m->line + 1 : 0};
	b->n_anchors = 0;
	b->nodes = 0;
	return 0;
}

static int on_document_end(struct builder *b)
{
	if (b->json && b->s->n_docs) {
		int r = json_end(b, b->s->docs[b->s->n_docs - 1].root);
		if (r)
			return r;
	}
	if (!b->fn || !b->s->n_docs)
		return 0;
	int r = b->fn(b->ctx, b->s, b->s->n_docs - 1);
	/* the document's nodes are gone after the call: one arena chunk is kept
	 * and reused, so memory stays at one document's worth */
	b->s->docs[b->s->n_docs - 1].root = NULL;
	arena_reset(&b->s->arena);
	return r;
}

static int on_event(struct builder *b, struct fy_event *ev)
{
	bool node = ev->type == FYET_SCALAR || ev->type == FYET_ALIAS ||
		    ev->type == FYET_MAPPING_START || ev->type == FYET_SEQUENCE_START;
	if (node && !b->n_frames && b->single && b->s->n_docs > 1)
		return fail(b, mark_pos(fy_event_start_mark(ev)),
			    "more than one YAML document; %s is one", b->single);
	switch (ev->type) {
	case FYET_DOCUMENT_START:
		return on_document_start(b, ev);
	case FYET_DOCUMENT_END:
		return on_document_end(b);
	case FYET_SCALAR:
		return on_scalar(b, ev);
	case FYET_ALIAS:
		return on_alias(b, ev);
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START:
		return on_open(b, ev);
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return on_close(b, ev);
	default:
		return 0;
	}
}

/* ---- libfyaml's own errors ------------------------------------------------ */

/* libfyaml's errors are collected, not printed: its printer crashes in
 * fy_diag_write on some input (a plain scalar run of tabs and a CR: found by
 * fuzz_manifest; the old profile reader printed and crashed too). */
static void discard(struct fy_diag *d, void *user, const char *buf, size_t len)
{
	(void)d, (void)user, (void)buf, (void)len;
}

/* Position of the end of TEXT, for errors reported past it. */
static struct sk_pos end_pos(const char *text, size_t len)
{
	struct sk_pos p = {1, 1};
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			p.line++, p.col = 1;
		else
			p.col++;
	}
	return p;
}

static void report_fy_error(struct builder *b, struct fy_diag *fd)
{
	void *it = NULL;
	struct fy_diag_error *e;
	while ((e = fy_diag_errors_iterate(fd, &it)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		/* collected errors carry 1-based positions already */
		struct sk_pos pos = {e->line > 0 ? (unsigned)e->line : 0,
				     e->column > 0 ? (unsigned)e->column : 0};
		struct sk_pos end = end_pos(b->s->text, b->s->len);
		if (pos.line > end.line || (pos.line == end.line && pos.col > end.col))
			pos = end;
		fail(b, pos, "syntax error: %s", e->msg ? e->msg : "invalid JSON/YAML");
		return;
	}
	fail(b, (struct sk_pos){0, 0}, "syntax error: invalid JSON/YAML");
}

/* ---- entry points --------------------------------------------------------- */

/* YAML (and JSON) text is UTF-8 (libfyaml 0.7.12 loops for ever on some
 * invalid input: util/utf8.h), and printable: tab, newline and carriage
 * return are the only C0 controls it allows, and no DEL or C1 control (but
 * NEL). Go's YAML reader, and so the API server, refuses the others;
 * libfyaml reads some into scalars, where a NUL cuts every C string. Strict
 * JSON lets a string hold DEL and C1 controls as they are (RFC 8259, and Go's
 * encoder writes them so); libfyaml reads them unchanged, and outside a
 * string doc/json.h refuses them. */
/* UTF-8 and printable, in one pass (ASCII, nearly all of any manifest, at a
 * compare a byte); -EINVAL after the error. */
static int check_text(struct builder *b, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i = 0;
	for (;;) {
		/* eight bytes at a time while none is below 0x20 or above 0x7e
		 * (bit tricks: "any byte less than n", "any byte greater than n");
		 * a newline ends such a run, so runs are a line long */
		for (const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80; i + 8 <= len;
		     i += 8) {
			uint64_t w;
			memcpy(&w, t + i, sizeof w);
			if (((w - ones * 0x20) & ~w & highs) | (((w + ones) | w) & highs))
				break;
		}
		while (i < len && t[i] >= 0x20 && t[i] < 0x7f)
			i++;
		if (i == len)
			return 0;
		if (t[i] < 0x80) {
			if (t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || (b->json && t[i] == 0x7f)) {
				i++;
				continue;
			}
			break; /* a C0 control or DEL */
		}
		size_t n = sk_utf8_seq_len(t + i, len - i);
		if (!n) { /* the UTF-8 reader says where and why */
			b->failed = true;
			sk_utf8_check(text, len, b->file, b->rule, b->diags);
			return -EINVAL;
		}
		if (n == 2 && t[i] == 0xc2 && t[i + 1] <= 0x9f && t[i + 1] != 0x85 && !b->json)
			break; /* a C1 control */
		i += n;
	}
	/* where: columns count characters, as for UTF-8 errors */
	return fail(b, pos_at(text, i),
		    "control character U+%04X: YAML and JSON allow only tab, newline and carriage "
		    "return",
		    t[i] == 0xc2 ? t[i + 1] : t[i]);
}

static struct fy_diag *make_diag(void)
{
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = discard;
	struct fy_diag *d = fy_diag_create(&dcfg);
	if (d)
		fy_diag_set_collect_errors(d, true);
	return d;
}

static int run(struct builder *b, struct fy_parser *fyp, struct fy_diag *diag)
{
	int r = 0;
	struct fy_event *ev;
	while ((ev = fy_parser_parse(fyp)) != NULL) {
		r = on_event(b, ev);
		fy_parser_event_free(fyp, ev);
		if (r)
			break;
	}
	if (fy_parser_get_stream_error(fyp) || fy_diag_got_error(diag)) {
		if (!b->failed)
			report_fy_error(b, diag);
		if (r >= 0)
			r = -EINVAL;
	}
	if (!r && b->json && !b->json_value) { /* empty, or only comments and markers */
		struct sk_json_fault e;
		r = sk_json_gap_ok(b->s->text, 0, b->s->len, SK_JSON_GAP_FIRST, &e)
			    ? fail(b, pos_at(b->s->text, b->s->len), "no JSON value")
			    : json_fault(b, &e);
	}
	return r;
}

int sk_doc_parse_each(const char *text, size_t len, const char *file,
		      const struct sk_doc_opts *opts, sk_doc_fn fn, void *ctx, struct sk_doc *out,
		      struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->text = text;
	out->len = len;
	struct builder b = {.s = out, .file = file, .diags = diags, .fn = fn, .ctx = ctx,
			    .rule = "yaml-syntax", .max_depth = SK_DOC_MAX_DEPTH};
	if (opts && opts->rule)
		b.rule = opts->rule;
	if (opts && opts->max_depth)
		b.max_depth = opts->max_depth;
	b.single = opts ? opts->single : NULL;
	b.json = opts && opts->json;
	if (check_text(&b, text, len))
		return -EINVAL;
	struct fy_diag *diag = make_diag();
	if (!diag)
		return -ENOMEM;
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DISABLE_MMAP_OPT,
				   .diag = diag};
	struct fy_parser *fyp = fy_parser_create(&cfg);
	int r = -ENOMEM;
	if (fyp && !fy_parser_set_string(fyp, text, len))
		r = run(&b, fyp, diag);
	if (fyp)
		fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	free(b.frames);
	free(b.kids);
	free(b.anchors);
	return r;
}

int sk_doc_parse(const char *text, size_t len, const char *file, const struct sk_doc_opts *opts,
		 struct sk_doc *out, struct sk_diags *diags)
{
	return sk_doc_parse_each(text, len, file, opts, NULL, NULL, out, diags);
}

void sk_doc_release(struct sk_doc *s)
{
	for (struct sk_doc_arena *a = s->arena, *next; a; a = next) {
		next = a->next;
		free(a);
	}
	free(s->docs);
	memset(s, 0, sizeof *s);
}

int sk_doc_refuse_aliases(const struct sk_doc *s, size_t doc, const char *file,
			  const char *what, const char *rule, struct sk_diags *diags)
{
	if (doc >= s->n_docs || !s->docs[doc].alias_name)
		return 0;
	const struct sk_doc_root *d = &s->docs[doc];
	sk_diags_add(diags, SK_SEV_ERROR, file, d->alias.line, d->alias.col, rule,
		     "YAML aliases (*%s) are not supported in %s", d->alias_name, what);
	return -EINVAL;
}
