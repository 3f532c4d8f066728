/* JSON/YAML text -> struct jnode, through libfyaml's event parser. */
#include <errno.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/tree.h"
#include "util/utf8.h"
#include "util/yaml_quote.h"

struct builder {
	struct fy_parser *fyp;
	const char *text; /* the input: single-quoted scalars are read from it */
	size_t len;
	const char *file;
	struct sk_diags *diags;
	bool failed;
};

static struct sk_pos event_pos(struct fy_event *ev)
{
	const struct fy_mark *m = fy_event_start_mark(ev);
	if (!m)
		return (struct sk_pos){0, 0};
	return (struct sk_pos){(unsigned)m->line + 1, (unsigned)m->column + 1};
}

static void node_clear(struct jnode *n)
{
	for (size_t i = 0; i < n->n; i++)
		node_clear(&n->kids[i]);
	free(n->kids);
	free(n->s);
}

void jtree_free(struct jnode *n)
{
	if (!n)
		return;
	node_clear(n);
	free(n);
}

static void fail(struct builder *b, struct sk_pos pos, const char *fmt, const char *arg)
{
	if (!b->failed)
		sk_diags_add(b->diags, SK_SEV_ERROR, b->file, pos.line, pos.col, "parse-syntax",
			     fmt, arg);
	b->failed = true;
}

static int push_kid(struct jnode *parent, size_t *cap, struct jnode *kid)
{
	if (parent->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct jnode *k = realloc(parent->kids, nc * sizeof *k);
		if (!k)
			return -ENOMEM;
		parent->kids = k;
		*cap = nc;
	}
	parent->kids[parent->n++] = *kid;
	return 0;
}

/* Build the node that event EV starts into OUT; consumes EV. */
static int build(struct builder *b, struct fy_event *ev, struct jnode *out, int depth)
{
	memset(out, 0, sizeof *out);
	out->pos = event_pos(ev);
	enum fy_event_type t = ev->type;
	/* libfyaml marks a quoted scalar at its first character inside the
	 * quotes and an alias after its '*': point at the quote / the '*'. */
	if (((t == FYET_SCALAR && fy_token_scalar_style(ev->scalar.value) != FYSS_PLAIN &&
	      fy_token_scalar_style(ev->scalar.value) != FYSS_LITERAL &&
	      fy_token_scalar_style(ev->scalar.value) != FYSS_FOLDED) ||
	     t == FYET_ALIAS) &&
	    out->pos.col > 1)
		out->pos.col--;
	if (t == FYET_ALIAS) {
		fail(b, out->pos, "YAML aliases (*%s) are not supported in profiles",
		     fy_token_get_text0(ev->alias.anchor));
		fy_parser_event_free(b->fyp, ev);
		return -EINVAL;
	}
	if (t == FYET_SCALAR) {
		enum fy_scalar_style st = fy_token_scalar_style(ev->scalar.value);
		size_t len = 0;
		/* util/yaml_quote.h: libfyaml 0.7.12 misreads single-quoted ones
		 * (their value is no longer than the raw text: LEN bytes do) */
		const char *raw = sk_yaml_single_quoted_raw(ev->scalar.value, fy_event_start_mark(ev),
							    fy_event_end_mark(ev), b->text, b->len,
							    &len);
		const char *txt = raw ? NULL : fy_token_get_text(ev->scalar.value, &len);
		out->type = J_SCALAR;
		out->quoted = st != FYSS_PLAIN;
		out->s = malloc(len + 1);
		if (!out->s) {
			fy_parser_event_free(b->fyp, ev);
			return -ENOMEM;
		}
		if (raw)
			len = sk_yaml_single_quoted(raw, len, out->s);
		else if (len)
			memcpy(out->s, txt, len);
		out->s[len] = '\0';
		fy_parser_event_free(b->fyp, ev);
		return 0;
	}
	if (t != FYET_MAPPING_START && t != FYET_SEQUENCE_START) {
		fail(b, out->pos, "unexpected YAML event%s", "");
		fy_parser_event_free(b->fyp, ev);
		return -EINVAL;
	}
	out->type = t == FYET_MAPPING_START ? J_MAP : J_SEQ;
	enum fy_event_type end = t == FYET_MAPPING_START ? FYET_MAPPING_END : FYET_SEQUENCE_END;
	fy_parser_event_free(b->fyp, ev);
	if (depth >= J_MAX_DEPTH) {
		fail(b, out->pos, "nesting deeper than 64 levels%s", "");
		return -EINVAL;
	}
	size_t cap = 0;
	for (;;) {
		struct fy_event *k = fy_parser_parse(b->fyp);
		if (!k)
			return -EINVAL; /* syntax error, reported from the diag */
		if (k->type == end) {
			fy_parser_event_free(b->fyp, k);
			break;
		}
		struct jnode kid;
		int r = build(b, k, &kid, depth + 1);
		if (r == 0)
			r = push_kid(out, &cap, &kid);
		if (r < 0) {
			node_clear(&kid);
			return r;
		}
	}
	if (out->type == J_MAP) {
		for (size_t i = 0; i < out->n; i += 2) {
			if (out->kids[i].type != J_SCALAR) {
				fail(b, out->kids[i].pos, "mapping keys must be strings%s", "");
				return -EINVAL;
			}
			for (size_t j = 0; j < i; j += 2) {
				if (!strcmp(out->kids[j].s, out->kids[i].s)) {
					char msg[96];
					snprintf(msg, sizeof msg, "line %u", out->kids[j].pos.line);
					if (!b->failed)
						sk_diags_add(b->diags, SK_SEV_ERROR, b->file,
							     out->kids[i].pos.line,
							     out->kids[i].pos.col, "parse-duplicate-key",
							     "duplicate key \"%s\" (first at %s)",
							     out->kids[i].s, msg);
					b->failed = true;
					return -EINVAL;
				}
			}
		}
	}
	return 0;
}

/* libfyaml's collected errors (fy_diag_errors_iterate) carry positions that
 * disagree with the ones it prints, so we take what it prints: its output
 * goes to this callback, and the first "NAME:LINE:COL: error: MSG" line
 * becomes our diagnostic. */
struct fy_capture {
	char text[512];
	size_t len;
};

static void sink(struct fy_diag *d, void *user, const char *buf, size_t len)
{
	(void)d;
	struct fy_capture *c = user;
	size_t room = sizeof c->text - 1 - c->len;
	if (len > room)
		len = room;
	memcpy(c->text + c->len, buf, len);
	c->len += len;
	c->text[c->len] = '\0';
}

/* Position of the end of TEXT (1-based), for errors reported past it. */
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

static void report_fy_error(struct builder *b, const struct fy_capture *cap, const char *text,
			    size_t len)
{
	if (b->failed)
		return;
	struct sk_pos pos = {0, 0};
	const char *msg = "invalid JSON/YAML";
	char one[256];
	const char *e = strstr(cap->text, ": error: ");
	if (e) {
		/* walk back over ":LINE:COL" */
		const char *p = e;
		unsigned v[2] = {0, 0};
		for (int k = 1; k >= 0; k--) {
			const char *q = p;
			while (q > cap->text && q[-1] >= '0' && q[-1] <= '9')
				q--;
			if (q == p || q == cap->text || q[-1] != ':')
				break;
			v[k] = (unsigned)strtoul(q, NULL, 10);
			p = q - 1;
		}
		pos = (struct sk_pos){v[0], v[1]};
		size_t n = strcspn(e + 9, "\n");
		if (n >= sizeof one)
			n = sizeof one - 1;
		memcpy(one, e + 9, n);
		one[n] = '\0';
		msg = one;
	}
	struct sk_pos end = end_pos(text, len);
	if (pos.line > end.line || (pos.line == end.line && pos.col > end.col))
		pos = end;
	sk_diags_add(b->diags, SK_SEV_ERROR, b->file, pos.line, pos.col, "parse-syntax",
		     "syntax error: %s", msg);
	b->failed = true;
}

struct jnode *jtree_parse(const char *text, size_t len, const char *file,
			  struct sk_diags *diags)
{
	struct builder b = {.text = text, .len = len, .file = file, .diags = diags};
	if (sk_utf8_check(text, len, file, "parse-syntax", diags) < 0)
		return NULL;
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	struct fy_capture cap = {.len = 0};
	dcfg.fp = NULL;
	dcfg.output_fn = sink;
	dcfg.user = &cap;
	dcfg.colorize = false;
	dcfg.show_source = false;
	dcfg.show_position = true;
	dcfg.show_type = true;
	dcfg.level = FYET_ERROR;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	if (!diag)
		return NULL;
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_DISABLE_MMAP_OPT,
		.diag = diag,
	};
	struct jnode *root = NULL;
	b.fyp = fy_parser_create(&cfg);
	if (!b.fyp || fy_parser_set_string(b.fyp, text, len) < 0) {
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "parse-syntax",
			     "cannot start the JSON/YAML parser");
		goto out;
	}
	int docs = 0;
	struct fy_event *ev;
	while ((ev = fy_parser_parse(b.fyp))) {
		if (ev->type == FYET_STREAM_START || ev->type == FYET_STREAM_END ||
		    ev->type == FYET_DOCUMENT_START || ev->type == FYET_DOCUMENT_END) {
			fy_parser_event_free(b.fyp, ev);
			continue;
		}
		if (++docs > 1) {
			fail(&b, event_pos(ev), "more than one YAML document; a profile is one%s", "");
			fy_parser_event_free(b.fyp, ev);
			break;
		}
		root = calloc(1, sizeof *root);
		if (!root) {
			fy_parser_event_free(b.fyp, ev);
			break;
		}
		if (build(&b, ev, root, 0) < 0)
			break;
	}
	if (fy_parser_get_stream_error(b.fyp) || fy_diag_got_error(diag))
		report_fy_error(&b, &cap, text, len);
	if (!b.failed && fy_parser_get_stream_error(b.fyp))
		fail(&b, (struct sk_pos){0, 0}, "invalid JSON/YAML%s", "");
	if (!b.failed && !root)
		fail(&b, (struct sk_pos){1, 1}, "empty document: expected a profile%s", "");
out:
	if (b.fyp)
		fy_parser_destroy(b.fyp);
	fy_diag_destroy(diag);
	if (b.failed || !root) {
		jtree_free(root);
		return NULL;
	}
	return root;
}

struct jnode *jmap_get(const struct jnode *m, const char *key)
{
	if (!m || m->type != J_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (!strcmp(m->kids[i].s, key))
			return &m->kids[i + 1];
	return NULL;
}

bool jnode_is_null(const struct jnode *n)
{
	return n && n->type == J_SCALAR && !n->quoted &&
	       (!strcmp(n->s, "null") || !strcmp(n->s, "~") || !*n->s || !strcmp(n->s, "Null") ||
		!strcmp(n->s, "NULL"));
}

const char *jtype_name(const struct jnode *n)
{
	if (n->type == J_MAP)
		return "an object";
	if (n->type == J_SEQ)
		return "a list";
	if (jnode_is_null(n))
		return "null";
	return n->quoted ? "a string" : "a scalar";
}
