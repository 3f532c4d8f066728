/* Positioned YAML tree built from libfyaml's event stream (see ytree.h). */
#include "k8s/ytree.h"
#include "util/utf8.h"
#include "util/yaml_quote.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena: manifests make many small nodes; free them at once ---------- */

struct sk_yarena {
	struct sk_yarena *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct sk_yarena **a, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!*a || (*a)->cap - (*a)->used < size) {
		size_t cap = size > 65536 ? size : 65536;
		struct sk_yarena *c = malloc(sizeof *c + cap);
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
static void arena_reset(struct sk_yarena **a)
{
	if (!*a)
		return;
	struct sk_yarena *c = (*a)->next;
	while (c) {
		struct sk_yarena *next = c->next;
		free(c);
		c = next;
	}
	(*a)->next = NULL;
	(*a)->used = 0;
}

static char *arena_strndup(struct sk_yarena **a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* ---- building ----------------------------------------------------------- */

/* Children are collected on a growable stack while a collection is open and
 * copied into the arena when it closes. */
struct frame {
	struct sk_ynode *node;
	size_t base; /* first child of this frame on the child stack */
};

struct anchor {
	const char *name;
	size_t len;
	struct sk_ynode *node;
};

struct builder {
	struct sk_ystream *s;
	struct frame *frames;
	size_t n_frames, cap_frames;
	struct sk_ynode **kids;
	size_t n_kids, cap_kids;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t cap_docs;
	sk_ydoc_fn fn; /* streaming: called at each document's end */
	void *ctx;
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *nv = realloc(*v, c * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = c;
	return 0;
}

static void set_start(struct sk_ynode *n, const struct fy_mark *m)
{
	if (!m)
		return;
	n->start = m->input_pos;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
}

static int remember_anchor(struct builder *b, struct fy_token *anchor, struct sk_ynode *n)
{
	if (!anchor)
		return 0;
	size_t len;
	const char *t = fy_token_get_text(anchor, &len);
	if (!t || grow((void **)&b->anchors, &b->cap_anchors, b->n_anchors, sizeof *b->anchors))
		return -ENOMEM;
	char *name = arena_strndup(&b->s->arena, t, len);
	if (!name)
		return -ENOMEM;
	b->anchors[b->n_anchors++] = (struct anchor){name, len, n};
	return 0;
}

static struct sk_ynode *find_anchor(struct builder *b, struct fy_token *alias)
{
	size_t len;
	const char *t = fy_token_get_text(alias, &len);
	if (!t)
		return NULL;
	for (size_t i = b->n_anchors; i-- > 0;) /* the latest definition wins */
		if (b->anchors[i].len == len && !memcmp(b->anchors[i].name, t, len))
			return b->anchors[i].node;
	return NULL;
}

/* Attach N to the open collection, or make it the document's root. */
static int attach(struct builder *b, struct sk_ynode *n)
{
	if (!b->n_frames) {
		b->s->docs[b->s->n_docs - 1].root = n;
		return 0;
	}
	n->parent = n->parent ? n->parent : b->frames[b->n_frames - 1].node;
	if (grow((void **)&b->kids, &b->cap_kids, b->n_kids, sizeof *b->kids))
		return -ENOMEM;
	b->kids[b->n_kids++] = n;
	return 0;
}

static struct sk_ynode *new_node(struct builder *b, enum sk_ytype t)
{
	struct sk_ynode *n = arena_alloc(&b->s->arena, sizeof *n);
	if (n) {
		memset(n, 0, sizeof *n);
		n->type = t;
		n->str = "";
	}
	return n;
}

static int close_collection(struct builder *b, struct fy_event *ev)
{
	struct frame *f = &b->frames[--b->n_frames];
	struct sk_ynode *n = f->node;
	size_t k = b->n_kids - f->base;
	if (k) {
		n->kids = arena_alloc(&b->s->arena, k * sizeof *n->kids);
		if (!n->kids)
			return -ENOMEM;
		memcpy(n->kids, b->kids + f->base, k * sizeof *n->kids);
	}
	b->n_kids = f->base;
	n->n = n->type == SK_Y_MAP ? k / 2 : k;
	/* A block collection ends where its last descendant ends (libfyaml's end
	 * event points at the next token, possibly lines later); a flow one ends
	 * after its closing bracket. */
	const struct fy_mark *m = fy_event_end_mark(ev);
	if (n->flow && m)
		n->end = m->input_pos;
	else if (k)
		n->end = n->kids[k - 1]->end;
	else
		n->end = n->start;
	return 0;
}

static int on_event(struct builder *b, struct fy_event *ev)
{
	struct sk_ynode *n;
	struct fy_token *tok;
	switch (ev->type) {
	case FYET_DOCUMENT_START: {
		struct sk_ystream *s = b->s;
		if (grow((void **)&s->docs, &b->cap_docs, s->n_docs, sizeof *s->docs))
			return -ENOMEM;
		const struct fy_mark *m = fy_event_start_mark(ev);
		s->docs[s->n_docs++] = (struct sk_ydoc){NULL, m ? (unsigned)m->line + 1 : 0};
		b->n_anchors = 0;
		return 0;
	}
	case FYET_SCALAR: {
		n = new_node(b, SK_Y_SCALAR);
		if (!n)
			return -ENOMEM;
		tok = ev->scalar.value;
		const struct fy_mark *a = fy_event_start_mark(ev), *z = fy_event_end_mark(ev);
		size_t raw_len;
		/* util/yaml_quote.h: libfyaml 0.7.12 misreads single-quoted ones */
		const char *raw = sk_yaml_single_quoted_raw(tok, a, z, b->s->text, b->s->len, &raw_len);
		if (raw) {
			char *v = arena_alloc(&b->s->arena, raw_len + 1);
			if (!v)
				return -ENOMEM;
			n->len = sk_yaml_single_quoted(raw, raw_len, v);
			v[n->len] = '\0';
			n->str = v;
		} else {
			size_t len = 0;
			const char *t = tok ? fy_token_get_text(tok, &len) : "";
			n->str = arena_strndup(&b->s->arena, t ? t : "", t ? len : 0);
			if (!n->str)
				return -ENOMEM;
			n->len = t ? len : 0;
		}
		n->plain = !tok || fy_token_scalar_style(tok) == FYSS_PLAIN;
		/* an empty value ("key:") has no token and no marks: line 0 says
		 * so (users place it by its key) */
		set_start(n, a);
		n->end = z ? z->input_pos : n->start;
		if (remember_anchor(b, ev->scalar.anchor, n))
			return -ENOMEM;
		return attach(b, n);
	}
	case FYET_ALIAS: {
		n = find_anchor(b, ev->alias.anchor);
		if (!n) /* libfyaml reports unknown anchors itself */
			return -EINVAL;
		return attach(b, n);
	}
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START: {
		bool map = ev->type == FYET_MAPPING_START;
		n = new_node(b, map ? SK_Y_MAP : SK_Y_SEQ);
		if (!n)
			return -ENOMEM;
		set_start(n, fy_event_start_mark(ev));
		tok = map ? ev->mapping_start.mapping_start : ev->sequence_start.sequence_start;
		n->flow = tok && (fy_token_get_type(tok) == FYTT_FLOW_MAPPING_START ||
				  fy_token_get_type(tok) == FYTT_FLOW_SEQUENCE_START);
		if (remember_anchor(b, map ? ev->mapping_start.anchor : ev->sequence_start.anchor, n))
			return -ENOMEM;
		if (attach(b, n))
			return -ENOMEM;
		if (grow((void **)&b->frames, &b->cap_frames, b->n_frames, sizeof *b->frames))
			return -ENOMEM;
		b->frames[b->n_frames++] = (struct frame){n, b->n_kids};
		return 0;
	}
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return b->n_frames ? close_collection(b, ev) : -EINVAL;
	case FYET_DOCUMENT_END: {
		if (!b->fn || !b->s->n_docs)
			return 0;
		int r = b->fn(b->ctx, b->s, b->s->n_docs - 1);
		/* the document's nodes are gone after the call: one arena chunk
		 * is kept and reused, so memory stays at one document's worth */
		b->s->docs[b->s->n_docs - 1].root = NULL;
		arena_reset(&b->s->arena);
		return r;
	}
	default:
		return 0;
	}
}

static void discard_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag, (void)user, (void)buf, (void)len; /* errors are collected instead */
}

static void report_errors(struct fy_diag *fd, const char *file, struct sk_diags *diags)
{
	void *it = NULL;
	struct fy_diag_error *e;
	bool any = false;
	while (fd && (e = fy_diag_errors_iterate(fd, &it)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		/* collected errors carry 1-based positions already */
		sk_diags_add(diags, SK_SEV_ERROR, file, (unsigned)e->line,
			     (unsigned)e->column, "yaml-syntax", "%s", e->msg);
		any = true;
	}
	if (!any)
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "yaml-syntax",
			     "not valid YAML or JSON");
}

int sk_yparse(const char *text, size_t len, const char *file, struct sk_ystream *out,
	      struct sk_diags *diags)
{
	return sk_yparse_each(text, len, file, out, NULL, NULL, diags);
}

int sk_yparse_each(const char *text, size_t len, const char *file, struct sk_ystream *out,
		   sk_ydoc_fn fn, void *ctx, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->text = text;
	out->len = len;
	if (sk_utf8_check(text, len, file, "yaml-syntax", diags) < 0)
		return -EINVAL;
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = discard_output;
	struct fy_diag *fd = fy_diag_create(&dcfg);
	if (!fd)
		return -ENOMEM;
	fy_diag_set_collect_errors(fd, true);
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_NONE,
				   .diag = fd};
	struct fy_parser *fyp = fy_parser_create(&cfg);
	if (!fyp) {
		fy_diag_destroy(fd);
		return -ENOMEM;
	}
	int r = 0;
	if (fy_parser_set_string(fyp, text, len)) {
		fy_parser_destroy(fyp);
		fy_diag_destroy(fd);
		return -ENOMEM;
	}
	struct builder b = {.s = out, .fn = fn, .ctx = ctx};
	struct fy_event *ev;
	while ((ev = fy_parser_parse(fyp)) != NULL) {
		r = on_event(&b, ev);
		fy_parser_event_free(fyp, ev);
		if (r)
			break;
	}
	if (!r && fy_parser_get_stream_error(fyp))
		r = -EINVAL;
	if (r == -EINVAL)
		report_errors(fd, file, diags);
	free(b.frames);
	free(b.kids);
	free(b.anchors);
	fy_parser_destroy(fyp);
	fy_diag_destroy(fd);
	return r;
}

void sk_ystream_free(struct sk_ystream *s)
{
	struct sk_yarena *a = s->arena;
	while (a) {
		struct sk_yarena *next = a->next;
		free(a);
		a = next;
	}
	free(s->docs);
	memset(s, 0, sizeof *s);
}

/* ---- queries -------------------------------------------------------------- */

struct sk_ynode *sk_ymap_key(const struct sk_ynode *map, const char *key)
{
	if (!map || map->type != SK_Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (sk_yis(map->kids[2 * i], key))
			return map->kids[2 * i];
	return NULL;
}

struct sk_ynode *sk_ymap_get(const struct sk_ynode *map, const char *key)
{
	if (!map || map->type != SK_Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (sk_yis(map->kids[2 * i], key))
			return map->kids[2 * i + 1];
	return NULL;
}

bool sk_yis(const struct sk_ynode *n, const char *s)
{
	return n && n->type == SK_Y_SCALAR && !strcmp(n->str, s);
}

static bool plain_in(const struct sk_ynode *n, const char *const *words)
{
	if (!n || n->type != SK_Y_SCALAR)
		return false;
	for (; *words; words++)
		if (!strcmp(n->str, *words))
			return n->plain;
	return false;
}

/* Kubernetes reads manifests with YAML 1.1's booleans (sigs.k8s.io/yaml). */
bool sk_ytrue(const struct sk_ynode *n)
{
	static const char *const w[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
					"on", "On", "ON", "y", "Y", NULL};
	return plain_in(n, w);
}

bool sk_yfalse(const struct sk_ynode *n)
{
	static const char *const w[] = {"false", "False", "FALSE", "no", "No", "NO",
					"off", "Off", "OFF", "n", "N", NULL};
	return plain_in(n, w);
}

bool sk_ynull(const struct sk_ynode *n)
{
	static const char *const w[] = {"", "~", "null", "Null", "NULL", NULL};
	return !n || plain_in(n, w);
}
