/* SPDX-License-Identifier: Apache-2.0 */
/* Textual edits at node positions (see scmpkit/doc.h).
 *
 * Re-emitting a document would lose its comments and formatting; editing the
 * bytes of the few nodes that change keeps everything else identical. Each
 * operation works from a node's byte range and its layout (block or flow), and
 * refuses what it cannot do safely — a node whose text aliases repeat
 * elsewhere, a pair that does not sit on lines of its own — with a warning at
 * the node, never a guess. The edits are checked for overlap before anyone
 * may build a text from them. */
#include <scmpkit/doc.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/json_quote.h"
#include "util/strbuf.h"

void sk_doc_editor_init(struct sk_doc_editor *ed, const char *text, size_t len,
			const char *file, const char *rule, struct sk_diags *diags)
{
	*ed = (struct sk_doc_editor){.text = text, .len = len, .file = file, .rule = rule,
				     .diags = diags, .crlf = memmem(text, len, "\r\n", 2) != NULL};
}

void sk_doc_edits_free(struct sk_doc_edit *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

void sk_doc_editor_release(struct sk_doc_editor *ed)
{
	sk_doc_edits_free(ed->v, ed->n);
	ed->v = NULL;
	ed->n = ed->cap = 0;
}

static void skipped(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *fmt,
		    const char *what)
{
	sk_diags_add(ed->diags, SK_SEV_WARNING, ed->file, n->pos.line, n->pos.col, ed->rule, fmt,
		     what);
}

/* YAML breaks lines at LF, CR and CRLF: a comment with a bare CR ends there. */
static bool is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* New lines end as the text's do: CRLF in a CRLF file. */
static const char *eol(const struct sk_doc_editor *ed)
{
	return ed->crlf ? "\r\n" : "\n";
}

static void edit(struct sk_doc_editor *ed, size_t start, size_t end, const char *text)
{
	if (ed->err)
		return;
	if (start > end || end > ed->len) { /* never write a file from bad positions */
		sk_diags_add(ed->diags, SK_SEV_ERROR, ed->file, 0, 0, "edit-internal",
			     "cannot edit: an edit at bytes %zu..%zu is out of order; nothing "
			     "written",
			     start, end);
		ed->err = -EINVAL;
		return;
	}
	/* lines appended to a last line without its line break need one first */
	size_t nl = start == ed->len && end == ed->len && ed->len && !is_break(ed->text[ed->len - 1]) &&
			    *text
		    ? strlen(eol(ed))
		    : 0;
	size_t tl = strlen(text);
	char *t = malloc(tl + 3);
	if (!t || SK_GROW(ed->v, ed->cap, ed->n)) {
		free(t);
		ed->err = -ENOMEM;
		return;
	}
	memcpy(t, eol(ed), nl);
	memcpy(t + nl, text, tl + 1);
	ed->v[ed->n++] = (struct sk_doc_edit){start, end, t};
}

bool sk_doc_editable(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *what)
{
	if (!n->shared)
		return true;
	skipped(ed, n,
		n->alias ? "%s is a YAML alias: its text is elsewhere and used more than once; left "
			   "unchanged"
			 : "%s is inside a YAML anchor that aliases repeat elsewhere: changing it "
			   "would change them too; left unchanged",
		what);
	return false;
}

/* ---- where things are ------------------------------------------------------ */

static size_t line_start(const struct sk_doc_editor *ed, size_t off)
{
	while (off > 0 && !is_break(ed->text[off - 1]))
		off--;
	return off;
}

/* Just past the newline of the line holding OFF (or the end of the input). */
static size_t next_line(const struct sk_doc_editor *ed, size_t off)
{
	while (off < ed->len && !is_break(ed->text[off]))
		off++;
	if (off < ed->len && ed->text[off] == '\r' && off + 1 < ed->len && ed->text[off + 1] == '\n')
		off++;
	return off < ed->len ? off + 1 : ed->len;
}

/* Only the key of a pair starts its line: the pair can go line by line. */
static bool starts_line(const struct sk_doc_editor *ed, const struct sk_doc_node *key)
{
	for (size_t i = line_start(ed, key->start); i < key->start; i++)
		if (ed->text[i] != ' ' && ed->text[i] != '-')
			return false;
	return true;
}

/* A node's whole text: a quoted scalar's quotes included. */
static void range(const struct sk_doc_editor *ed, const struct sk_doc_node *n, size_t *s,
		  size_t *e)
{
	*s = n->start;
	*e = n->end;
	if (n->type == SK_DOC_SCALAR && !n->plain && !n->alias && *s > 0 && *e < ed->len &&
	    (ed->text[*s - 1] == '"' || ed->text[*s - 1] == '\'') &&
	    ed->text[*e] == ed->text[*s - 1]) {
		(*s)--;
		(*e)++;
	}
}

static size_t node_start(const struct sk_doc_editor *ed, const struct sk_doc_node *n)
{
	size_t s, e;
	range(ed, n, &s, &e);
	return s;
}

static size_t node_end(const struct sk_doc_editor *ed, const struct sk_doc_node *n)
{
	size_t s, e;
	range(ed, n, &s, &e);
	return e;
}

/* Where pair I of MAP ends: its value's end, or its key's when the value is
 * empty ("key:" has no position of its own). */
static size_t pair_end(const struct sk_doc_editor *ed, const struct sk_doc_node *map, size_t i)
{
	const struct sk_doc_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
	return node_end(ed, v->pos.line ? v : k);
}

/* ---- values ------------------------------------------------------------------ */

/* V as a JSON string (valid YAML too): "..." with escapes. */
/* V as a YAML scalar: plain when safe, double-quoted otherwise. */
static void yaml_string(struct sk_sb *sb, const char *v)
{
	if (*v && *v != '-' &&
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-") ==
		    strlen(v))
		sk_sb_adds(sb, v);
	else
		sk_json_quote(sb, v);
}

static void value(struct sk_sb *sb, const struct sk_doc_kv *k, bool flow)
{
	if (k->how == SK_DOC_LITERAL || k->how == SK_DOC_RAW)
		sk_sb_adds(sb, k->val);
	else if (flow)
		sk_json_quote(sb, k->val);
	else
		yaml_string(sb, k->val);
}

static void finish(struct sk_doc_editor *ed, struct sk_sb *sb, size_t start, size_t end)
{
	if (sb->oom)
		ed->err = ed->err ? ed->err : -ENOMEM;
	else
		edit(ed, start, end, sb->buf);
	sk_sb_release(sb);
}

void sk_doc_set_scalar(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *val,
		       enum sk_doc_val how)
{
	if (!sk_doc_editable(ed, n, "the value"))
		return;
	size_t s, e;
	range(ed, n, &s, &e);
	struct sk_sb sb = SK_SB_INIT;
	struct sk_doc_kv kv = {NULL, how, val, NULL, 0};
	/* a quoted scalar stays quoted, so that JSON stays JSON */
	value(&sb, &kv, !n->plain);
	finish(ed, &sb, s, e);
}

void sk_doc_replace(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *text)
{
	if (!sk_doc_editable(ed, n, "the value"))
		return;
	edit(ed, node_start(ed, n), node_end(ed, n), text);
}

/* ---- new pairs: block lines or flow (JSON) pairs --------------------------------- */

/* Block lines "KEY: VAL" ending in EOL at INDENT, mappings nested by two
 * spaces. */
static void block_lines(struct sk_sb *sb, const struct sk_doc_kv *k, size_t n, size_t indent,
			const char *eol)
{
	for (size_t i = 0; i < n; i++) {
		sk_sb_addchars(sb, ' ', indent < 200 ? indent : 200);
		sk_sb_adds(sb, k[i].key);
		if (k[i].how == SK_DOC_MAPPING) {
			sk_sb_adds(sb, ":");
			sk_sb_adds(sb, eol);
			block_lines(sb, k[i].sub, k[i].n_sub, indent + 2, eol);
		} else {
			sk_sb_adds(sb, ": ");
			value(sb, &k[i], false);
			sk_sb_adds(sb, eol);
		}
	}
}

/* "KEY": VAL pairs separated by SEP, in flow (JSON) style. */
static void flow_pairs(struct sk_sb *sb, const struct sk_doc_kv *k, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sk_sb_adds(sb, sep);
		sk_json_quote(sb, k[i].key);
		sk_sb_adds(sb, ": ");
		if (k[i].how == SK_DOC_MAPPING) {
			sk_sb_addc(sb, '{');
			flow_pairs(sb, k[i].sub, k[i].n_sub, ", ");
			sk_sb_addc(sb, '}');
		} else {
			value(sb, &k[i], true);
		}
	}
}

static bool has_raw(const struct sk_doc_kv *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].how == SK_DOC_RAW ||
		    (k[i].how == SK_DOC_MAPPING && has_raw(k[i].sub, k[i].n_sub)))
			return true;
	return false;
}

void sk_doc_add_pairs(struct sk_doc_editor *ed, const struct sk_doc_node *map,
		      const struct sk_doc_kv *kv, size_t n)
{
	if (!sk_doc_editable(ed, map, "the mapping"))
		return;
	struct sk_sb sb = SK_SB_INIT;
	if (!map->flow) {
		if (has_raw(kv, n)) { /* JSON text in a block needs an indentation of its own */
			skipped(ed, map, "%s is in block style: raw JSON not inserted", "the mapping");
			return;
		}
		block_lines(&sb, kv, n, map->pos.col ? map->pos.col - 1 : 0, eol(ed));
		size_t at = next_line(ed, map->end);
		finish(ed, &sb, at, at);
		return;
	}
	if (!map->n) { /* "{}": right after the brace */
		flow_pairs(&sb, kv, n, ", ");
		finish(ed, &sb, map->start + 1, map->start + 1);
		return;
	}
	const struct sk_doc_node *lk = map->kids[2 * map->n - 2];
	if (!map->kids[2 * map->n - 1]->pos.line) { /* "{a: 1, b: }": nowhere to write */
		skipped(ed, lk, "%s: empty value at the end of a flow mapping; left unchanged",
			lk->str);
		return;
	}
	size_t at = node_end(ed, map->kids[2 * map->n - 1]);
	size_t ks = node_start(ed, lk);
	/* its last key on a line of its own: one pair per line, aligned with it */
	if (line_start(ed, ks) > map->start) {
		struct sk_sb sep = SK_SB_INIT;
		sk_sb_adds(&sep, ",\n");
		sk_sb_addchars(&sep, ' ', (ks - line_start(ed, ks)) % 256);
		sk_sb_adds(&sb, sep.buf);
		flow_pairs(&sb, kv, n, sep.buf);
		sb.oom |= sep.oom;
		sk_sb_release(&sep);
	} else {
		sk_sb_adds(&sb, ", ");
		flow_pairs(&sb, kv, n, ", ");
	}
	finish(ed, &sb, at, at);
}

void sk_doc_fill_empty(struct sk_doc_editor *ed, const struct sk_doc_node *key,
		       const struct sk_doc_node *v, const struct sk_doc_kv *kv, size_t n)
{
	if (!sk_doc_editable(ed, v, key->str))
		return;
	size_t ke = node_end(ed, key), ve = node_end(ed, v);
	size_t colon = ke;
	while (colon < ed->len && (ed->text[colon] == ' ' || ed->text[colon] == '\t'))
		colon++;
	if (colon >= ed->len || ed->text[colon] != ':' || !starts_line(ed, key) ||
	    has_raw(kv, n)) {
		skipped(ed, key, "%s: empty value in an unusual layout; left unchanged", key->str);
		return;
	}
	if (ve > colon + 1 && (v->type != SK_DOC_SCALAR || v->len)) {
		/* the value's text: "null", "~", "{}" */
		for (size_t i = colon + 1; i < v->start; i++)
			if (ed->text[i] != ' ' && ed->text[i] != '\t') {
				skipped(ed, key, "%s: empty value in an unusual layout; left unchanged",
					key->str);
				return;
			}
		edit(ed, colon + 1, ve, "");
	} else {
		ve = colon + 1;
	}
	struct sk_sb sb = SK_SB_INIT;
	block_lines(&sb, kv, n, key->pos.col + 1, eol(ed));
	size_t at = next_line(ed, ve);
	finish(ed, &sb, at, at);
}

/* ---- removing pairs ------------------------------------------------------------ */

/* Removing the anchored node itself would leave the aliases after it
 * undefined; removing an alias, or a plain pair, is fine. */
static bool removable(struct sk_doc_editor *ed, const struct sk_doc_node *map, size_t i)
{
	const struct sk_doc_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
	if (!sk_doc_editable(ed, map, k->str))
		return false;
	if (v->shared && !v->alias) {
		skipped(ed, k, "%s holds a YAML anchor that aliases use elsewhere; left unchanged",
			k->str);
		return false;
	}
	return true;
}

static void remove_one(struct sk_doc_editor *ed, const struct sk_doc_node *map, size_t i)
{
	const struct sk_doc_node *k = map->kids[2 * i];
	if (!map->flow) {
		if (starts_line(ed, k))
			edit(ed, line_start(ed, k->start), next_line(ed, pair_end(ed, map, i)), "");
		else
			skipped(ed, k, "%s: not on a line of its own; left unchanged", k->str);
		return;
	}
	if (i + 1 < map->n) /* up to the next key */
		edit(ed, node_start(ed, k), node_start(ed, map->kids[2 * i + 2]), "");
	else if (i > 0) /* from the previous value's end */
		edit(ed, pair_end(ed, map, i - 1), pair_end(ed, map, i), "");
	else
		edit(ed, node_start(ed, k), pair_end(ed, map, i), "");
}

void sk_doc_remove_pair(struct sk_doc_editor *ed, const struct sk_doc_node *map, size_t i)
{
	if (i < map->n && removable(ed, map, i))
		remove_one(ed, map, i);
}

void sk_doc_remove_pairs(struct sk_doc_editor *ed, const struct sk_doc_node *map,
			 const bool *drop)
{
	size_t tail = map->n;
	for (size_t i = 0; i < map->n; i++)
		if (drop[i] && !removable(ed, map, i))
			return;
	/* in flow style, a run of removed pairs at the end is one edit (each
	 * pair's own edit would reach back over the one before it) */
	while (map->flow && tail > 0 && drop[tail - 1])
		tail--;
	for (size_t i = 0; i < tail; i++)
		if (drop[i])
			remove_one(ed, map, i);
	if (tail == map->n)
		return;
	if (tail == 0) /* every pair: empty the braces */
		edit(ed, node_start(ed, map->kids[0]), pair_end(ed, map, map->n - 1), "");
	else
		edit(ed, pair_end(ed, map, tail - 1), pair_end(ed, map, map->n - 1), "");
}

/* ---- the result ------------------------------------------------------------------ */

int sk_doc_edits_check(const struct sk_doc_edit *v, size_t n, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].start > v[i].end || v[i].end > len || (i && v[i].start < v[i - 1].end))
			return -EINVAL;
	return 0;
}

int sk_doc_editor_finish(struct sk_doc_editor *ed, struct sk_doc_edit **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (ed->err) {
		sk_doc_editor_release(ed);
		return ed->err;
	}
	/* stable by start: edits at one offset are insertions made in order */
	for (size_t i = 1; i < ed->n; i++)
		for (size_t j = i; j > 0 && ed->v[j - 1].start > ed->v[j].start; j--) {
			struct sk_doc_edit t = ed->v[j];
			ed->v[j] = ed->v[j - 1];
			ed->v[j - 1] = t;
		}
	for (size_t i = 1; i < ed->n; i++)
		if (ed->v[i].start < ed->v[i - 1].end) {
			sk_diags_add(ed->diags, SK_SEV_ERROR, ed->file, 0, 0, "edit-internal",
				     "cannot edit: two edits overlap at bytes %zu..%zu; nothing written",
				     ed->v[i].start, ed->v[i - 1].end);
			sk_doc_editor_release(ed);
			return ed->err = -EINVAL;
		}
	*v = ed->v;
	*n = ed->n;
	ed->v = NULL;
	ed->n = ed->cap = 0;
	return 0;
}

int sk_doc_apply(const char *text, size_t len, const struct sk_doc_edit *v, size_t n, char **out,
		 size_t *out_len)
{
	*out = NULL;
	if (sk_doc_edits_check(v, n, len))
		return -EINVAL;
	struct sk_sb sb = SK_SB_INIT;
	if (sk_sb_grow(&sb, len) < 0)
		return -ENOMEM;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		sk_sb_add(&sb, text + at, v[i].start - at);
		sk_sb_adds(&sb, v[i].text);
		at = v[i].end;
	}
	sk_sb_add(&sb, text + at, len - at);
	*out = sk_sb_detach(&sb, out_len);
	return *out ? 0 : -ENOMEM;
}
