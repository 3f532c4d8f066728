/* SPDX-License-Identifier: Apache-2.0 */
/* lib/doc: the one JSON/YAML reader (positions, ranges, streaming, what YAML
 * may say: duplicate keys, aliases, merge keys, limits) and its text edits. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/doc.h>

#include "util/json_quote.h"

#include "doc_helpers.h"

/* The text of node N as written. */
static char *text_of(const char *text, const struct sk_doc_node *n)
{
	return strndup(text + n->start, n->end - n->start);
}

Test(doc, positions_and_ranges)
{
	const char *t = "a: 1\n"
			"b:\n"
			"  c: \"quoted\" # comment\n"
			"  d: [x, {y: z}]\n"
			"e:\n"
			"  - p\n"
			"  - q: r\n";
	struct sk_doc s = parse_ok(t);
	cr_assert_eq(s.n_docs, 1);
	struct sk_doc_node *root = s.docs[0].root;
	cr_assert_eq(root->type, SK_DOC_MAP);
	cr_expect_eq(root->n, 3);
	struct sk_doc_node *b = sk_doc_get(root, "b");
	cr_expect_eq(b->pos.line, 3);
	cr_expect_eq(b->pos.col, 3);
	struct sk_doc_node *c = sk_doc_get(b, "c");
	cr_expect_eq(c->pos.line, 3);
	cr_expect_not(c->plain);
	cr_expect_str_eq(c->str, "quoted");
	char *ct = text_of(t, c);
	cr_expect_str_eq(ct, "quoted", "a quoted scalar's range is inside its quotes");
	free(ct);
	struct sk_doc_node *d = sk_doc_get(b, "d");
	cr_expect(d->flow);
	cr_expect_eq(d->type, SK_DOC_SEQ);
	char *dt = text_of(t, d);
	cr_expect_str_eq(dt, "[x, {y: z}]", "a flow collection ends after its bracket");
	free(dt);
	/* a block mapping ends where its last descendant ends, not lines later */
	char *bt = text_of(t, b);
	cr_expect_str_eq(bt, "c: \"quoted\" # comment\n  d: [x, {y: z}]");
	free(bt);
	struct sk_doc_node *e = sk_doc_get(root, "e");
	cr_expect_eq(e->type, SK_DOC_SEQ);
	cr_expect_eq(e->n, 2);
	cr_expect_eq(e->kids[1]->pos.line, 7);
	cr_expect_eq(e->kids[1]->pos.col, 5);
	cr_expect(sk_doc_is(sk_doc_get(e->kids[1], "q"), "r"));
	cr_expect_eq(sk_doc_key(root, "e")->pos.line, 5);
	cr_expect_null(sk_doc_get(root, "zz"));
	cr_expect_null(sk_doc_get(e, "p"), "a sequence is no mapping");
	sk_doc_release(&s);
}

Test(doc, multi_doc_empty_docs_and_comments)
{
	const char *t = "# leading comment\n"
			"---\n"
			"a: 1\n"
			"---\n"
			"# only a comment\n"
			"---\n"
			"b: 2 # trailing\n";
	struct sk_doc s = parse_ok(t);
	cr_assert_eq(s.n_docs, 3);
	cr_expect_not_null(s.docs[0].root);
	cr_expect(s.docs[1].root == NULL || sk_doc_null(s.docs[1].root), "an empty document");
	struct sk_doc_node *b = sk_doc_get(s.docs[2].root, "b");
	cr_expect_str_eq(b->str, "2");
	cr_expect_eq(b->pos.line, 7);
	cr_expect_eq(b->pos.col, 4);
	sk_doc_release(&s);
}

Test(doc, scalars_yaml11_booleans_and_nulls)
{
	struct sk_doc s = parse_ok("a: yes\nb: \"true\"\nc: Off\nd:\ne: ~\nf: null\ng: 'null'\n");
	struct sk_doc_node *r = s.docs[0].root;
	cr_expect(sk_doc_true(sk_doc_get(r, "a")));
	cr_expect_not(sk_doc_true(sk_doc_get(r, "b")), "a quoted \"true\" is a string");
	cr_expect(sk_doc_false(sk_doc_get(r, "c")));
	cr_expect(sk_doc_null(sk_doc_get(r, "d")));
	cr_expect(sk_doc_null(sk_doc_get(r, "e")));
	cr_expect(sk_doc_null(sk_doc_get(r, "f")));
	cr_expect_not(sk_doc_null(sk_doc_get(r, "g")));
	cr_expect(sk_doc_null(sk_doc_get(r, "absent")));
	sk_doc_release(&s);
}

Test(doc, json_input)
{
	const char *t = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\"x\": [1, 2]}\n}\n";
	struct sk_doc s = parse_ok(t);
	struct sk_doc_node *r = s.docs[0].root;
	cr_expect(r->flow);
	struct sk_doc_node *spec = sk_doc_get(r, "spec");
	cr_expect_eq(spec->pos.line, 3);
	cr_expect_eq(spec->pos.col, 11);
	char *st = text_of(t, spec);
	cr_expect_str_eq(st, "{\"x\": [1, 2]}");
	free(st);
	sk_doc_release(&s);
}

Test(doc, anchors_and_aliases)
{
	/* an alias reads as its anchor's node: same content, its own place */
	const char *t = "a: &x {k: v}\nb: *x\n";
	struct sk_doc s = parse_ok(t);
	struct sk_doc_node *r = s.docs[0].root;
	struct sk_doc_node *a = sk_doc_get(r, "a"), *b = sk_doc_get(r, "b");
	cr_expect(b->alias && b->target == a);
	cr_expect(b->kids == a->kids && b->n == a->n && b->type == SK_DOC_MAP);
	cr_expect(sk_doc_is(sk_doc_get(b, "k"), "v"));
	cr_expect_eq(b->pos.line, 2);
	cr_expect_eq(b->pos.col, 4, "an alias is at its '*'");
	char *bt = text_of(t, b);
	cr_expect_str_eq(bt, "*x");
	free(bt);
	cr_expect(a->shared && b->shared && sk_doc_get(a, "k")->shared,
		  "the anchored node, what is in it, and the alias are shared");
	cr_expect_not(r->shared);
	cr_expect_eq(s.docs[0].alias.line, 2);
	cr_expect_str_eq(s.docs[0].alias_name, "x");
	sk_doc_release(&s);
}

Test(doc, syntax_error_has_position)
{
	struct sk_doc s;
	struct sk_diags d = {0};
	const char *t = "a: 1\nb: [1, 2\nc: 3\n";
	cr_expect_eq(sk_doc_parse(t, strlen(t), "bad.yaml", NULL, &s, &d), -EINVAL);
	cr_assert_geq(d.n, 1);
	cr_expect_str_eq(d.v[0].rule, "yaml-syntax");
	cr_expect_str_eq(d.v[0].file, "bad.yaml");
	cr_expect_gt(d.v[0].line, 0);
	cr_expect_gt(d.v[0].col, 0);
	sk_doc_release(&s);
	sk_diags_free(&d);
}

struct seen {
	size_t docs[8];
	unsigned lines[8];
	size_t n;
	int stop_at;
};

static int on_doc(void *ctx, const struct sk_doc *s, size_t doc)
{
	struct seen *x = ctx;
	x->docs[x->n] = doc;
	x->lines[x->n++] = s->docs[doc].root ? s->docs[doc].root->pos.line : 0;
	return x->stop_at >= 0 && (size_t)x->stop_at == doc ? 7 : 0;
}

Test(doc, streaming_sees_each_document_once)
{
	const char *t = "a: 1\n---\nb: 2\n---\n---\nc: [3]\n";
	struct sk_doc s;
	struct sk_diags d = {0};
	struct seen x = {.stop_at = -1};
	cr_assert_eq(sk_doc_parse_each(t, strlen(t), "t", NULL, on_doc, &x, &s, &d), 0);
	cr_expect_eq(x.n, 4);
	cr_expect_eq(x.lines[0], 1);
	cr_expect_eq(x.lines[1], 3);
	cr_expect_eq(x.lines[3], 6);
	for (size_t i = 0; i < s.n_docs; i++)
		cr_expect_null(s.docs[i].root, "nodes are freed after the callback");
	sk_doc_release(&s);
	struct seen y = {.stop_at = 1};
	cr_expect_eq(sk_doc_parse_each(t, strlen(t), "t", NULL, on_doc, &y, &s, &d), 7,
		     "a positive return stops and is passed on");
	cr_expect_eq(y.n, 2);
	cr_expect_eq(d.n, 0);
	sk_doc_release(&s);
}


/* ---- what YAML may say, decided once ----------------------------------------- */

static const struct sk_diag *find_rule(const struct sk_diags *d, enum sk_severity sev)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == sev)
			return &d->v[i];
	return NULL;
}

static int parse_bad(const char *t, struct sk_diags *d)
{
	struct sk_doc s;
	int r = sk_doc_parse(t, strlen(t), "bad.yaml", NULL, &s, d);
	sk_doc_release(&s);
	return r;
}

/* kubectl's strict decoding rejects a duplicate field; readers disagree on
 * which one counts (lint read the first, other tools the last). */
Test(doc, duplicate_keys_name_both_places)
{
	const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: app\n"
			"    securityContext:\n      seccompProfile: {type: RuntimeDefault}\n"
			"    securityContext:\n      seccompProfile: {type: Unconfined}\n";
	struct sk_diags d = {0};
	cr_expect_eq(parse_bad(t, &d), -EINVAL);
	const struct sk_diag *e = find_rule(&d, SK_SEV_ERROR), *n = find_rule(&d, SK_SEV_NOTE);
	cr_assert_not_null(e);
	cr_expect(strstr(e->message, "duplicate key \"securityContext\" (first at line 6)"), "%s",
		  e->message);
	cr_expect_eq(e->line, 8);
	cr_expect_eq(e->col, 5);
	cr_assert_not_null(n, "the first one is named too");
	cr_expect_eq(n->line, 6);
	cr_expect_eq(n->col, 5);
	sk_diags_free(&d);
	/* a big mapping (sorted, not compared pairwise): the earliest repeat */
	char big[4096] = "m:\n";
	for (int i = 0; i < 40; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), "  k%02d: %d\n", i, i);
	strcat(big, "  k07: again\n  k03: again\n");
	cr_expect_eq(parse_bad(big, &d), -EINVAL);
	e = find_rule(&d, SK_SEV_ERROR);
	cr_assert_not_null(e);
	cr_expect(strstr(e->message, "\"k07\" (first at line 9)"), "%s", e->message);
	cr_expect_eq(e->line, 42);
	sk_diags_free(&d);
	cr_expect_eq(parse_bad("{[a]: 1}\n", &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "mapping keys must be strings"));
	sk_diags_free(&d);
}

Test(doc, aliases_bounded)
{
	struct sk_diags d = {0};
	/* an alias inside the node it names would never end */
	cr_expect_eq(parse_bad("a: &x [1, *x]\n", &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "inside the node its anchor names"));
	sk_diags_free(&d);
	/* a billion laughs: 10 aliases a level, nine levels */
	char t[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
	for (int i = 1; i < 10; i++) {
		snprintf(t + strlen(t), sizeof t - strlen(t), "a%d: &a%d [", i, i);
		for (int k = 0; k < 10; k++)
			snprintf(t + strlen(t), sizeof t - strlen(t), "%s*a%d", k ? ", " : "", i - 1);
		strcat(t, "]\n");
	}
	cr_expect_eq(parse_bad(t, &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "nodes in one document"), "%s",
		  d.n ? d.v[0].message : "");
	sk_diags_free(&d);
	/* refused where a format has none */
	struct sk_doc s;
	cr_assert_eq(sk_doc_parse("a: &x 1\nb: *x\n", 14, "p.yaml", NULL, &s, &d), 0);
	cr_expect_eq(sk_doc_refuse_aliases(&s, 0, "p.yaml", "profiles", "parse-syntax", &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "YAML aliases (*x) are not supported in profiles"));
	cr_expect_eq(d.n ? d.v[0].line : 0, 2);
	sk_doc_release(&s);
	sk_diags_free(&d);
}

/* Each document under the per-document limit, many of them, all kept (fix
 * parses a stream whole): a 60 MB file of "- a" items took 2 GB. The same
 * stream read document by document (lint) is fine. */
Test(doc, nodes_held_at_once_are_bounded, .timeout = 120)
{
	const size_t per = 810000, docs = 5; /* 4.05M nodes, each document < 1M */
	char *t = malloc(docs * (4 + 4 * per) + 1), *p = t;
	cr_assert_not_null(t);
	for (size_t k = 0; k < docs; k++) {
		memcpy(p, "---\n", 4), p += 4;
		for (size_t i = 0; i < per; i++)
			memcpy(p, "- a\n", 4), p += 4;
	}
	*p = 0;
	struct sk_doc s;
	struct sk_diags d = {0};
	cr_expect_eq(sk_doc_parse(t, strlen(t), "big.yaml", NULL, &s, &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "all held at once"), "%s", d.n ? d.v[0].message : "");
	cr_expect(d.n && d.v[0].line > 4 * per, "at the node past the limit: line %u",
		  d.n ? d.v[0].line : 0);
	sk_doc_release(&s);
	sk_diags_free(&d);
	free(t);
}

Test(doc, depth_limit)
{
	char t[1024] = "";
	for (int i = 0; i < 300; i++)
		strcat(t, "[");
	struct sk_diags d = {0};
	cr_expect_eq(parse_bad(t, &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "nesting deeper than 256 levels"));
	sk_diags_free(&d);
	struct sk_doc_opts o = {.max_depth = 8, .rule = "parse-syntax"};
	struct sk_doc s;
	cr_expect_eq(sk_doc_parse("[[[[[[[[[[1]]]]]]]]]]", 21, "p", &o, &s, &d), -EINVAL);
	cr_expect(d.n && !strcmp(d.v[0].rule, "parse-syntax"));
	sk_doc_release(&s);
	sk_diags_free(&d);
}

/* Kubernetes (sigs.k8s.io/yaml) honours YAML 1.1 merge keys. */
Test(doc, merge_keys)
{
	struct sk_doc s = parse_ok("base: &b {a: 1, b: 2}\nmore: &m {c: 5}\n"
				   "x:\n  <<: *b\n  b: 3\ny:\n  <<: [*m, *b]\n");
	struct sk_doc_node *r = s.docs[0].root;
	cr_expect(sk_doc_is(sk_doc_get(sk_doc_get(r, "x"), "a"), "1"));
	cr_expect(sk_doc_is(sk_doc_get(sk_doc_get(r, "x"), "b"), "3"), "its own key wins");
	cr_expect(sk_doc_is(sk_doc_get(sk_doc_get(r, "y"), "c"), "5"));
	cr_expect(sk_doc_is(sk_doc_get(sk_doc_get(r, "y"), "b"), "2"));
	cr_expect(sk_doc_get(sk_doc_get(r, "x"), "a")->shared);
	sk_doc_release(&s);
}

Test(doc, single_quotes_and_utf8)
{
	/* libfyaml 0.7.12 reads '''''' as five quotes: the layer reads it */
	struct sk_doc s = parse_ok("a: 'it''s'\nb: ''''''\n");
	cr_expect_str_eq(sk_doc_get(s.docs[0].root, "a")->str, "it's");
	cr_expect_str_eq(sk_doc_get(s.docs[0].root, "b")->str, "''");
	sk_doc_release(&s);
	struct sk_diags d = {0};
	cr_expect_eq(parse_bad("a: 1\nb: caf\xe9\n", &d), -EINVAL);
	cr_expect(d.n && d.v[0].line == 2 && d.v[0].col == 7, "at %u:%u", d.n ? d.v[0].line : 0,
		  d.n ? d.v[0].col : 0);
	sk_diags_free(&d);
	struct sk_doc_opts o = {.single = "a profile"};
	cr_expect_eq(sk_doc_parse("a: 1\n---\nb: 2\n", 14, "p", &o, &s, &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "a profile is one") && d.v[0].line == 3);
	sk_doc_release(&s);
	sk_diags_free(&d);
}

/* ---- edits ------------------------------------------------------------------- */

static char *edited(const char *t, void (*fn)(struct sk_doc_editor *, const struct sk_doc_node *),
		    size_t *warnings)
{
	struct sk_doc s = parse_ok(t);
	struct sk_diags d = {0};
	struct sk_doc_editor ed;
	sk_doc_editor_init(&ed, t, strlen(t), "e.yaml", "fix-skipped", &d);
	fn(&ed, s.docs[0].root);
	struct sk_doc_edit *v;
	size_t n;
	char *out = NULL;
	size_t len;
	if (!sk_doc_editor_finish(&ed, &v, &n)) {
		cr_expect_eq(sk_doc_apply(t, strlen(t), v, n, &out, &len), 0);
		sk_doc_edits_free(v, n);
	}
	*warnings = d.n;
	sk_diags_free(&d);
	sk_doc_release(&s);
	return out;
}

static void add_b(struct sk_doc_editor *ed, const struct sk_doc_node *r)
{
	struct sk_doc_kv kv = {"b", SK_DOC_LITERAL, "false", NULL, 0};
	sk_doc_add_pairs(ed, sk_doc_get(r, "m"), &kv, 1);
}

static void set_both(struct sk_doc_editor *ed, const struct sk_doc_node *r)
{
	sk_doc_set_scalar(ed, sk_doc_get(sk_doc_get(r, "m"), "a"), "x", SK_DOC_STRING);
	sk_doc_set_scalar(ed, sk_doc_get(sk_doc_get(r, "n"), "a"), "y", SK_DOC_STRING);
}

static void drop_first(struct sk_doc_editor *ed, const struct sk_doc_node *r)
{
	sk_doc_remove_pair(ed, r, 0);
}

static void drop_second(struct sk_doc_editor *ed, const struct sk_doc_node *r)
{
	sk_doc_remove_pair(ed, r, 1);
}

Test(doc, edits_block_flow_and_shared)
{
	size_t w;
	char *out = edited("m:\n  a: 1 # keep\nz: 2\n", add_b, &w);
	cr_expect_str_eq(out, "m:\n  a: 1 # keep\n  b: false\nz: 2\n");
	free(out);
	out = edited("{\"m\": {\"a\": 1}}", add_b, &w);
	cr_expect_str_eq(out, "{\"m\": {\"a\": 1, \"b\": false}}");
	free(out);
	/* both mappings are one anchored text: nothing is written, and said why */
	out = edited("m: &s {a: 1}\nn: *s\n", set_both, &w);
	cr_expect_str_eq(out, "m: &s {a: 1}\nn: *s\n");
	cr_expect_eq(w, 2);
	free(out);
	/* removing an alias is fine; removing the anchor its aliases need is not */
	out = edited("a: &s 1\nb: *s\nc: *s\n", drop_second, &w);
	cr_expect_str_eq(out, "a: &s 1\nc: *s\n");
	cr_expect_eq(w, 0);
	free(out);
	out = edited("a: &s 1\nb: *s\n", drop_first, &w);
	cr_expect_str_eq(out, "a: &s 1\nb: *s\n");
	cr_expect_eq(w, 1);
	free(out);
}

Test(doc, overlapping_edits_are_refused_before_any_text)
{
	const char *t = "abcdef";
	struct sk_doc_edit v[] = {{1, 4, (char *)"X"}, {2, 3, (char *)"Y"}};
	char *out = NULL;
	size_t len;
	cr_expect_eq(sk_doc_apply(t, 6, v, 2, &out, &len), -EINVAL);
	cr_expect_null(out);
	struct sk_doc_edit w[] = {{1, 2, (char *)"X"}, {4, 9, (char *)"Y"}};
	cr_expect_eq(sk_doc_apply(t, 6, w, 2, &out, &len), -EINVAL, "past the end");
	struct sk_doc_edit ok[] = {{1, 2, (char *)"X"}, {2, 2, (char *)"+"}, {5, 6, (char *)""}};
	cr_expect_eq(sk_doc_apply(t, 6, ok, 3, &out, &len), 0);
	cr_expect_str_eq(out, "aX+cde");
	cr_expect_eq(len, 6);
	free(out);
}

/* A NUL or another control character is no YAML (Go's reader refuses it);
 * libfyaml 0.7.12 took a NUL into a scalar, which cut the fixed text short
 * (found by fuzz_manifest). */
Test(doc, control_characters_are_refused)
{
	static const char t[] = "a: 1\nb: /var\001\000x\n";
	struct sk_doc s;
	struct sk_diags d = {0};
	cr_expect_eq(sk_doc_parse(t, sizeof t - 1, "c.yaml", NULL, &s, &d), -EINVAL);
	cr_expect(d.n && strstr(d.v[0].message, "control character U+0001") && d.v[0].line == 2 &&
		  d.v[0].col == 8, "%s", d.n ? d.v[0].message : "");
	sk_doc_release(&s);
	sk_diags_free(&d);
	struct sk_doc ok = parse_ok("a:\t1\r\nb: \"caf\xc3\xa9\"\n");
	sk_doc_release(&ok);
}

/* The printable-ASCII check reads eight bytes at a time: a control
 * character, DEL or a C1 control at any place in a long line is still found,
 * at its column. */
Test(doc, a_control_character_anywhere_in_a_long_line_is_refused)
{
	static const char bad[][3] = {"\001", "\037", "\177", "\302\200"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
		for (size_t at = 0; at < 24; at++) {
			char t[64] = "key: ";
			memset(t + 5, 'v', at);
			strcpy(t + 5 + at, bad[k]);
			strcat(t, "tail of the line\n");
			struct sk_doc s;
			struct sk_diags d = {0};
			cr_expect_eq(sk_doc_parse(t, strlen(t), "c.yaml", NULL, &s, &d), -EINVAL,
				     "byte %zu at %zu", k, at);
			cr_expect(d.n && strstr(d.v[0].message, "control character") &&
					  d.v[0].col == (unsigned)(6 + at),
				  "byte %zu at %zu: %s col %d", k, at, d.n ? d.v[0].message : "",
				  d.n ? d.v[0].col : 0);
			sk_doc_release(&s);
			sk_diags_free(&d);
		}
}

/* YAML breaks lines at CR too: a comment with a bare CR ends there (found by
 * fuzz_manifest: a pair appended "after the line" broke the document); a CRLF
 * file gets CRLF lines. */
Test(doc, edits_keep_the_text_line_breaks)
{
	size_t w;
	char *out = edited("m:\r\n  a: 1\r\nz: 2\r\n", add_b, &w);
	cr_expect_str_eq(out, "m:\r\n  a: 1\r\n  b: false\r\nz: 2\r\n");
	free(out);
	out = edited("m:\n  a: 1 # note\rx: 2\n", add_b, &w);
	cr_expect_str_eq(out, "m:\n  a: 1 # note\r  b: false\nx: 2\n", "%s", out);
	free(out);
}

/* ---- strict JSON (sk_doc_opts.json) ------------------------------------------ */

static const struct sk_doc_opts json_opts = {.rule = "json-syntax", .max_depth = 32, .json = true};

static size_t count_nodes(const struct sk_doc_node *n)
{
	size_t c = 1, k = n->type == SK_DOC_MAP ? 2 * n->n : n->n;
	for (size_t i = 0; i < k; i++)
		c += count_nodes(n->kids[i]);
	return c;
}

/* What RFC 8259 allows is read, into the same tree the YAML reading gives. */
Test(json, accepts_rfc8259)
{
	static const char *const ok[] = {
		"{\"a\": [1, -2.5e3, 0, -0, 1E+5, 0.5e-3, true, false, null], \"b\": {}, \"c\": []}",
		"\t{\r\n\"a\"\n:\n1 ,\"b\" :2}\r\n\n",
		"[\"\\u00e9\\ud83d\\ude00\\n\\/\\\"\\\\\\b\\f\\r\\t\"]",
		"\"a top-level string\"",
		"42",
		"[[[[]]], {\"k\": {\"k\": {\"k\": null}}}]",
		"{\"<<\": {\"a\": 1}, \"b\": \"#not a comment\", \"c\": \"&x *y !t\"}",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct sk_doc strict, yaml;
		struct sk_diags d = {0};
		cr_assert_eq(sk_doc_parse(ok[i], strlen(ok[i]), "t.json", &json_opts, &strict, &d), 0,
			     "case %zu: %s", i, d.n ? d.v[0].message : "");
		cr_assert_eq(strict.n_docs, 1);
		cr_assert_eq(sk_doc_parse(ok[i], strlen(ok[i]), "t.json", NULL, &yaml, &d), 0);
		cr_assert_eq(count_nodes(strict.docs[0].root), count_nodes(yaml.docs[0].root));
		cr_assert_eq(strict.docs[0].root->end, yaml.docs[0].root->end);
		sk_doc_release(&strict);
		sk_doc_release(&yaml);
		cr_assert_eq(d.n, 0);
	}
	struct sk_doc s;
	struct sk_diags d = {0};
	/* JSON lets a string hold DEL and C1 controls raw (the YAML reading
	 * refuses them, as Go's YAML reader does) */
	const char *ctl = "[\"DEL \x7f and C1 \xc2\x80\xc2\x9f\"]";
	cr_assert_eq(sk_doc_parse(ctl, strlen(ctl), "t.json", &json_opts, &s, &d), 0);
	cr_assert_str_eq(sk_doc_string(s.docs[0].root->kids[0]), "DEL \x7f and C1 \xc2\x80\xc2\x9f");
	sk_doc_release(&s);
	cr_assert_eq(sk_doc_parse(ok[2], strlen(ok[2]), "t.json", &json_opts, &s, &d), 0);
	cr_assert_str_eq(sk_doc_string(s.docs[0].root->kids[0]),
			 "\xc3\xa9\xf0\x9f\x98\x80\n/\"\\\b\f\r\t");
	sk_doc_release(&s);
	/* "<<" is a key like any other in JSON: no merge */
	cr_assert_eq(sk_doc_parse(ok[6], strlen(ok[6]), "t.json", &json_opts, &s, &d), 0);
	cr_assert_null(sk_doc_get(s.docs[0].root, "a"));
	sk_doc_release(&s);
}

/* Everything YAML adds to JSON is refused, at its place, with what it is. */
Test(json, refuses_yaml_with_position)
{
	static const struct {
		const char *text, *what;
		unsigned line, col;
	} cases[] = {
		{"{\"a\": foo}", "plain YAML scalar", 1, 7},
		{"{a: 1}", "key must be a string", 1, 2},
		{"{1: 2}", "key must be a string", 1, 2},
		{"{\"a\": 'q'}", "single-quoted", 1, 7},
		{"a: 1\n", "block style", 1, 1},
		{"- 1\n", "block style", 1, 1},
		{"{\"a\": [\n  1, # one\n  2]}", "comment", 2, 6},
		{"{\"a\": 1} # c", "comment", 1, 10},
		{"# only a comment\n", "comment", 1, 1},
		{"[1, 2,]", "trailing comma", 1, 6},
		{"{\"a\": 1,\n}", "trailing comma", 1, 8},
		{"[&x 1, *x]", "anchor", 1, 2},
		{"{\"a\": !!str \"b\"}", "tag", 1, 7},
		{"{? \"a\" : 1}", "explicit key", 1, 2},
		{"--- {\"a\": 1}", "document marker (---)", 1, 1},
		{"{\"a\": 1}\n...\n", "document marker (...)", 2, 1},
		{"{\"a\": 1}\n---\n{\"b\": 2}\n", "document marker (---)", 2, 1},
		{"%YAML 1.2\n--- {}", "directive", 1, 1},
		{"\xef\xbb\xbf{}", "byte-order mark", 1, 1},
		{"{\"a\": \"x\\u0000y\"}", "\\u0000", 1, 9},
		{"[\"\\x41\"]", "\\x is a YAML escape", 1, 3},
		{"[\"\\U0001F600\"]", "\\U is a YAML escape", 1, 3},
		{"[\"a\tb\"]", "control character (0x09)", 1, 4},
		{"[\"a\n  b\"]", "control character (0x0a)", 1, 4},
		{"[01]", "not a JSON number", 1, 2},
		{"[+1]", "not a JSON number", 1, 2},
		{"[.5]", "not a JSON number", 1, 2},
		{"[1.]", "not a JSON number", 1, 2},
		{"[0x10]", "not a JSON number", 1, 2},
		{"[True]", "plain YAML scalar", 1, 2},
		{"[NaN]", "plain YAML scalar", 1, 2},
		{"{\"a\":}", "without a value", 1, 5},
		{"{\"a\"}", "without a value", 1, 5},
		{"{\"a\": 1}\n x", "more text after", 2, 2},
		{"", "no JSON value", 1, 1},
		{" \n ", "no JSON value", 2, 2},
		{"[\x7f]", "plain YAML scalar", 1, 2},
		{"{\"a\": 1, \"a\": 2}", "duplicate key", 1, 10},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sk_doc s;
		struct sk_diags d = {0};
		const char *t = cases[i].text;
		cr_assert_eq(sk_doc_parse(t, strlen(t), "t.json", &json_opts, &s, &d), -EINVAL,
			     "case %zu parsed", i);
		cr_assert_geq(d.n, 1, "case %zu", i);
		cr_expect(strstr(d.v[0].message, cases[i].what), "case %zu: %s", i, d.v[0].message);
		cr_expect_eq(d.v[0].line, cases[i].line, "case %zu: line %u", i, d.v[0].line);
		cr_expect_eq(d.v[0].col, cases[i].col, "case %zu: col %u", i, d.v[0].col);
		sk_doc_release(&s);
		sk_diags_free(&d);
	}
}

/* libfyaml refuses lone surrogates itself; strict mode stays refusing. */
Test(json, lone_surrogates_refused)
{
	static const char *const bad[] = {"[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]"};
	for (size_t i = 0; i < 3; i++) {
		struct sk_doc s;
		struct sk_diags d = {0};
		cr_expect_eq(sk_doc_parse(bad[i], strlen(bad[i]), "t.json", &json_opts, &s, &d),
			     -EINVAL, "case %zu", i);
		cr_expect_eq(d.v[0].line, 1);
		sk_doc_release(&s);
		sk_diags_free(&d);
	}
}

Test(json, nesting_bounded_and_streaming)
{
	char deep[4096];
	memset(deep, '[', 2000);
	memset(deep + 2000, ']', 2000);
	struct sk_doc s;
	struct sk_diags d = {0};
	cr_assert_eq(sk_doc_parse(deep, 4000, "t.json", &json_opts, &s, &d), -EINVAL);
	cr_assert(strstr(d.v[0].message, "nesting deeper than 32"));
	sk_doc_release(&s);
	sk_diags_free(&d);
	/* streaming sees the one value, and nothing after a refused one */
	struct seen x = {.stop_at = -1};
	const char *t = "{\"a\": [1, 2]}";
	cr_assert_eq(sk_doc_parse_each(t, strlen(t), "t.json", &json_opts, on_doc, &x, &s, &d), 0);
	cr_assert_eq(x.n, 1);
	sk_doc_release(&s);
	x.n = 0;
	t = "{\"a\": 1}\n---\n{\"b\": 2}";
	cr_assert_eq(sk_doc_parse_each(t, strlen(t), "t.json", &json_opts, on_doc, &x, &s, &d),
		     -EINVAL);
	cr_assert_eq(x.n, 0);
	sk_doc_release(&s);
	sk_diags_free(&d);
}

Test(json, typed_reads)
{
	const char *t = "[1, 9007199254740992, 9007199254740993, -1, 1.0, 1e3, \"7\", 0]";
	struct sk_doc s;
	struct sk_diags d = {0};
	cr_assert_eq(sk_doc_parse(t, strlen(t), "t.json", &json_opts, &s, &d), 0);
	struct sk_doc_node **k = s.docs[0].root->kids;
	uint64_t v = 99;
	cr_expect(sk_doc_uint53(k[0], &v) && v == 1);
	cr_expect(sk_doc_uint53(k[1], &v) && v == (UINT64_C(1) << 53));
	for (size_t i = 2; i < 7; i++)
		cr_expect_not(sk_doc_uint53(k[i], &v), "item %zu", i);
	cr_expect(sk_doc_uint53(k[7], &v) && v == 0);
	cr_expect_not(sk_doc_uint53(NULL, &v));
	cr_expect_str_eq(sk_doc_string(k[6]), "7");
	cr_expect_null(sk_doc_string(k[0]));
	cr_expect_null(sk_doc_string(s.docs[0].root));
	cr_expect_null(sk_doc_string(NULL));
	sk_doc_release(&s);
	/* YAML's readings of a leading zero (octal in 1.1) are not guessed at */
	cr_assert_eq(sk_doc_parse("[010]", 5, "t.yaml", NULL, &s, &d), 0);
	cr_expect_not(sk_doc_uint53(s.docs[0].root->kids[0], &v));
	sk_doc_release(&s);
}

/* What scmpkit writes for machines, strict mode reads back as it was. */
Test(json, quote_round_trips)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_json_quote(&sb, "a\"b\\c\n\x01\x7f\xff\xc3\xa9");
	cr_assert_str_eq(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\\u007f\\ufffd\xc3\xa9\"");
	struct sk_doc s;
	struct sk_diags d = {0};
	cr_assert_eq(sk_doc_parse(sb.buf, sb.len, "q", &json_opts, &s, &d), 0);
	cr_assert_str_eq(sk_doc_string(s.docs[0].root), "a\"b\\c\n\x01\x7f\xef\xbf\xbd\xc3\xa9");
	sk_doc_release(&s);
	sk_sb_release(&sb);
}

/* libfyaml 0.7.12 reads a double-quoted scalar folded over CR line breaks cut
 * short, and leaks (found by fuzz_oci_manifest; fuzz_doc reaches it too):
 * refused with its position, never read wrong. The same string on one line
 * in a CRLF file reads as written. */
Test(doc, double_quoted_over_cr_is_refused)
{
	const char *bad = "a: \"x\r\n  y\"\r\n";
	struct sk_doc s;
	struct sk_diags d = {0};
	cr_assert_eq(sk_doc_parse(bad, strlen(bad), "t.yaml", NULL, &s, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_expect_eq(d.v[0].line, 1);
	cr_expect_eq(d.v[0].col, 4);
	cr_expect(strstr(d.v[0].message, "CR line break") != NULL, "%s", d.v[0].message);
	sk_doc_release(&s);
	sk_diags_free(&d);
	struct sk_doc ok = parse_ok("a: \"x y\"\r\nb: 'p\r\n  q'\r\n");
	cr_expect_str_eq(sk_doc_get(ok.docs[0].root, "a")->str, "x y");
	sk_doc_release(&ok);
}
