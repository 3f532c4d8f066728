/* SPDX-License-Identifier: Apache-2.0 */
/* Reading nodes: keys, YAML 1.1 scalars, merge keys (see scmpkit/doc.h). */
#include <scmpkit/doc.h>

#include <stdint.h>
#include <string.h>

/* Merged mappings nest at most this deep ("<<" inside what "<<" names). */
#define MERGE_DEPTH 8

static bool plain_in(const struct sk_doc_node *n, const char *const *words)
{
	if (!n || n->type != SK_DOC_SCALAR || !n->plain)
		return false;
	for (; *words; words++)
		if (!strcmp(n->str, *words))
			return true;
	return false;
}

static struct sk_doc_node *get(const struct sk_doc_node *map, const char *key, int depth)
{
	if (!map || map->type != SK_DOC_MAP)
		return NULL;
	const struct sk_doc_node *merge = NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct sk_doc_node *k = map->kids[2 * i];
		if (!strcmp(k->str, key))
			return map->kids[2 * i + 1];
		if (k->plain && !strcmp(k->str, "<<"))
			merge = map->kids[2 * i + 1];
	}
	/* YAML 1.1 merge keys, as Kubernetes (sigs.k8s.io/yaml) reads them: the
	 * mapping's own keys win, then the merged mappings in order */
	if (!merge || depth >= MERGE_DEPTH)
		return NULL;
	if (merge->type == SK_DOC_MAP)
		return get(merge, key, depth + 1);
	for (size_t i = 0; merge->type == SK_DOC_SEQ && i < merge->n; i++) {
		struct sk_doc_node *v = get(merge->kids[i], key, depth + 1);
		if (v)
			return v;
	}
	return NULL;
}

struct sk_doc_node *sk_doc_get(const struct sk_doc_node *map, const char *key)
{
	return get(map, key, 0);
}

struct sk_doc_node *sk_doc_key(const struct sk_doc_node *map, const char *key)
{
	if (!map || map->type != SK_DOC_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->kids[2 * i]->str, key))
			return map->kids[2 * i];
	return NULL;
}

size_t sk_doc_pair_of(const struct sk_doc_node *map, const struct sk_doc_node *v)
{
	for (size_t i = 0; map && map->type == SK_DOC_MAP && i < map->n; i++)
		if (map->kids[2 * i + 1] == v)
			return i;
	return (size_t)-1;
}

bool sk_doc_is(const struct sk_doc_node *n, const char *s)
{
	return n && n->type == SK_DOC_SCALAR && !strcmp(n->str, s);
}

bool sk_doc_true(const struct sk_doc_node *n)
{
	static const char *const w[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
					"on", "On", "ON", "y", "Y", NULL};
	return plain_in(n, w);
}

bool sk_doc_false(const struct sk_doc_node *n)
{
	static const char *const w[] = {"false", "False", "FALSE", "no", "No", "NO",
					"off", "Off", "OFF", "n", "N", NULL};
	return plain_in(n, w);
}

bool sk_doc_null(const struct sk_doc_node *n)
{
	static const char *const w[] = {"", "~", "null", "Null", "NULL", NULL};
	return !n || plain_in(n, w);
}

const char *sk_doc_type_name(const struct sk_doc_node *n)
{
	if (n->type == SK_DOC_MAP)
		return "an object";
	if (n->type == SK_DOC_SEQ)
		return "a list";
	if (sk_doc_null(n))
		return "null";
	return n->plain ? "a scalar" : "a string";
}

struct sk_pos sk_doc_pos(const struct sk_doc_node *n)
{
	return n ? n->pos : (struct sk_pos){0, 0};
}

const char *sk_doc_string(const struct sk_doc_node *n)
{
	return n && n->type == SK_DOC_SCALAR && !n->plain ? n->str : NULL;
}

bool sk_doc_uint53(const struct sk_doc_node *n, uint64_t *out)
{
	/* 2^53 has 16 digits: more cannot fit, and the loop cannot overflow */
	if (!n || n->type != SK_DOC_SCALAR || !n->plain || !n->len || n->len > 16 ||
	    (n->str[0] == '0' && n->len > 1))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n->len; i++) {
		if (n->str[i] < '0' || n->str[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(n->str[i] - '0');
	}
	if (v > (UINT64_C(1) << 53))
		return false;
	*out = v;
	return true;
}
