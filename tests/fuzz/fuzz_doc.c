/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for the one document reader (lib/doc): any bytes give
 * nodes whose ranges lie inside the input and nest, or diagnostics; the whole
 * and the streaming parse agree; the editor's edits on what it read never
 * overlap and always apply. The same bytes are read in strict JSON mode too:
 * what it accepts is one document of JSON's shapes only (double-quoted
 * strings without NUL, JSON literals, flow collections, no alias), and the
 * YAML reading of it is the same tree. Must never crash, leak or hit UB. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/doc.h>

static size_t walk(const struct sk_doc_node *n, size_t len, int depth)
{
	if (n->start > n->end || n->end > len || depth > SK_DOC_MAX_DEPTH + 1)
		abort();
	if (n->alias && (!n->target || n->target == n || !n->shared))
		abort();
	if (n->alias)
		return 1; /* its kids are the anchored node's, walked there */
	size_t count = 1, k = n->type == SK_DOC_MAP ? 2 * n->n : n->n;
	for (size_t i = 0; i < k; i++) {
		if (n->kids[i]->parent != n)
			abort();
		count += walk(n->kids[i], len, depth + 1);
	}
	return count;
}

struct counts {
	size_t nodes[64];
	size_t n;
};

static int on_doc(void *ctx, const struct sk_doc *s, size_t doc)
{
	struct counts *c = ctx;
	if (c->n < 64)
		c->nodes[c->n++] = s->docs[doc].root ? walk(s->docs[doc].root, s->len, 0) : 0;
	return 0;
}

/* Edit every mapping of the root as fix would: all edits must apply. */
static void edit_all(const char *text, size_t len, const struct sk_doc_node *root)
{
	struct sk_diags d = {0};
	struct sk_doc_editor ed;
	sk_doc_editor_init(&ed, text, len, "fuzz", "fuzz-skipped", &d);
	for (size_t i = 0; root && root->type == SK_DOC_MAP && i < root->n; i++) {
		const struct sk_doc_node *v = root->kids[2 * i + 1];
		static const struct sk_doc_kv kv = {"added", SK_DOC_LITERAL, "false", NULL, 0};
		if (v->type == SK_DOC_MAP)
			sk_doc_add_pairs(&ed, v, &kv, 1);
		else if (v->type == SK_DOC_SCALAR && v->len && i % 2)
			sk_doc_set_scalar(&ed, v, "x y", SK_DOC_STRING);
	}
	struct sk_doc_edit *v;
	size_t n;
	if (!sk_doc_editor_finish(&ed, &v, &n)) {
		char *out;
		size_t out_len;
		if (sk_doc_apply(text, len, v, n, &out, &out_len) == -EINVAL)
			abort(); /* finish promised edits that apply */
		free(out);
		sk_doc_edits_free(v, n);
	}
	sk_diags_free(&d);
}

/* N, from a strict JSON parse of TEXT, has only JSON's shapes. */
static void json_shapes(const char *text, size_t len, const struct sk_doc_node *n, bool key)
{
	if (n->alias || n->shared)
		abort();
	if (n->type == SK_DOC_SCALAR) {
		if (memchr(n->str, '\0', n->len))
			abort();
		if (n->plain ? key || !n->len || !strchr("-0123456789tfn", n->str[0])
			     : !n->start || text[n->start - 1] != '"' || n->end >= len ||
				       text[n->end] != '"')
			abort();
		return;
	}
	if (key || !n->flow || text[n->start] != (n->type == SK_DOC_MAP ? '{' : '[') ||
	    text[n->end - 1] != (n->type == SK_DOC_MAP ? '}' : ']'))
		abort();
	size_t k = n->type == SK_DOC_MAP ? 2 * n->n : n->n;
	for (size_t i = 0; i < k; i++)
		json_shapes(text, len, n->kids[i], n->type == SK_DOC_MAP && i % 2 == 0);
}

/* JSON allows DEL and C1 controls in strings, the YAML reading does not. */
static bool has_del_or_c1(const uint8_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] == 0x7f || (t[i] == 0xc2 && i + 1 < n && t[i + 1] >= 0x80 && t[i + 1] <= 0x9f))
			return true;
	return false;
}

static void strict_json(const uint8_t *data, size_t size, const struct sk_doc *yaml, int yaml_r)
{
	static const struct sk_doc_opts o = {.rule = "json-syntax", .max_depth = 32, .json = true};
	const char *text = (const char *)data;
	struct sk_diags d = {0};
	struct sk_doc whole, each;
	struct counts c = {.n = 0};
	int a = sk_doc_parse(text, size, "fuzz", &o, &whole, &d);
	int b = sk_doc_parse_each(text, size, "fuzz", &o, on_doc, &c, &each, &d);
	if ((a == 0) != (b == 0) || (!a && (whole.n_docs != 1 || !whole.docs[0].root || c.n != 1)))
		abort();
	if (!a) {
		const struct sk_doc_node *root = whole.docs[0].root;
		json_shapes(text, size, root, false);
		if (walk(root, size, 0) != c.nodes[0])
			abort();
		/* strict JSON is a subset of what the YAML reading accepts, read
		 * to the same tree (but for raw DEL and C1, see above) */
		if (yaml_r && !has_del_or_c1(data, size))
			abort();
		if (!yaml_r && (yaml->n_docs != 1 || walk(yaml->docs[0].root, size, 0) != c.nodes[0] ||
				yaml->docs[0].root->end != root->end))
			abort();
	}
	sk_doc_release(&whole);
	sk_doc_release(&each);
	sk_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct sk_diags d = {0};
	struct sk_doc whole, each;
	struct counts c = {.n = 0};
	int a = sk_doc_parse(text, size, "fuzz", NULL, &whole, &d);
	int b = sk_doc_parse_each(text, size, "fuzz", NULL, on_doc, &c, &each, &d);
	if ((a == 0) != (b == 0))
		abort();
	for (size_t i = 0; !a && i < whole.n_docs && i < c.n; i++)
		if ((whole.docs[i].root ? walk(whole.docs[i].root, size, 0) : 0) != c.nodes[i])
			abort();
	if (!a && whole.n_docs)
		edit_all(text, size, whole.docs[0].root);
	strict_json(data, size, &whole, a);
	sk_doc_release(&whole);
	sk_doc_release(&each);
	sk_diags_free(&d);
	return 0;
}
