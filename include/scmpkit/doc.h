/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/doc.h — the one reader of JSON and YAML documents, and edits to them.
 *
 * Profiles, Kubernetes manifests and runc's config.json are all read here,
 * through libfyaml's event stream, into one kind of node that knows its
 * file:line:col and the bytes of its text. What a reader must decide about
 * YAML is decided here, once, for every module:
 *
 *   - positions: line:col of a node's first character (a quoted scalar's
 *     opening quote, an alias's '*'); a value left empty ("key:") has none
 *     (0:0). Byte ranges: a quoted scalar's range is inside its quotes, a
 *     flow collection's ends after its closing bracket, a block collection's
 *     where its last descendant ends.
 *   - duplicate keys are an error naming both positions: Kubernetes' strict
 *     decoding rejects them, and YAML readers disagree about which one counts.
 *     Mapping keys must be scalars (JSON has no other kind).
 *   - aliases are resolved: an alias node reads as the node its anchor names
 *     (same type, value and children) but keeps its own position and range.
 *     Both it and everything inside the anchored node are `shared`: their text
 *     stands for more than one place, so the editor below refuses to change
 *     them. An alias inside the node it names is an error, and so is a document
 *     whose aliases repeat more than SK_DOC_MAX_NODES nodes (a "billion laughs").
 *     Readers that want no aliases at all (profiles) call sk_doc_refuse_aliases.
 *   - YAML 1.1 merge keys ("<<: *defaults"), which Kubernetes honours, are
 *     followed by sk_doc_get().
 *   - limits: nesting depth and nodes per document, so that no input makes
 *     a walker recurse or loop without bound, and nodes held at once when
 *     every document is kept (SK_DOC_MAX_HELD_NODES), so that memory stays
 *     bounded too.
 *   - input must be UTF-8 (libfyaml 0.7.12 loops for ever on some invalid
 *     input), and single-quoted scalars are decoded from the input text
 *     (libfyaml 0.7.12 misreads runs of '': util/yaml_quote.h).
 *
 * Memory comes from one arena per stream and is freed at once. In streaming
 * mode (sk_doc_parse_each) a document's nodes live until its callback returns,
 * so a stream of 10,000 manifests never holds more than one document's tree.
 */
#ifndef SCMPKIT_DOC_H
#define SCMPKIT_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/diag.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sk_pos {
	unsigned line, col; /* 1-based; 0 = none (built in memory, or an empty value) */
};

enum sk_doc_type { SK_DOC_SCALAR, SK_DOC_MAP, SK_DOC_SEQ };

struct sk_doc_node {
	enum sk_doc_type type;
	bool plain;  /* a scalar written without quotes (may read as null, bool, number) */
	bool flow;   /* a collection in flow style: {...} or [...] */
	bool shared; /* its text stands for more than one place (see above) */
	bool alias;  /* an alias ("*name"): TARGET is the node it names */
	const char *str; /* scalar value, NUL-terminated; "" for collections */
	size_t len;
	size_t start, end; /* bytes of its text in the input */
	struct sk_pos pos;
	size_t n;                  /* sequence: items; mapping: pairs */
	struct sk_doc_node **kids; /* sequence: items; mapping: key0, value0, key1, ... */
	struct sk_doc_node *parent;
	const struct sk_doc_node *target; /* an alias's anchored node, else NULL */
};

/* One document of a stream. */
struct sk_doc_root {
	struct sk_doc_node *root; /* NULL when freed (streaming) or absent */
	unsigned line;            /* where the document starts */
	struct sk_pos alias;      /* its first alias ('*'), 0:0 when it has none */
	const char *alias_name;   /* that alias's name */
};

struct sk_doc_arena;

struct sk_doc {
	const char *text; /* the input (not owned) */
	size_t len;
	struct sk_doc_root *docs;
	size_t n_docs;
	struct sk_doc_arena *arena;
};

#define SK_DOC_MAX_DEPTH 256     /* nesting levels of one document (default) */
#define SK_DOC_MAX_NODES 1000000 /* nodes of one document, what aliases repeat included */
/* nodes of a whole stream held at once (a parse without a per-document
 * callback: fix): some 130 bytes each, so 4M is about 500 MiB, where a 64 MiB
 * manifest of one-character items used to take 4 GiB */
#define SK_DOC_MAX_HELD_NODES 4000000

struct sk_doc_opts {
	const char *rule;   /* rule id of input errors; NULL: "yaml-syntax" */
	unsigned max_depth; /* 0: SK_DOC_MAX_DEPTH */
	/* When set, the input holds one document ("a profile"): a second one is
	 * the error "more than one YAML document; SINGLE is one". */
	const char *single;
	/* Strict JSON (RFC 8259), for documents nobody here controls (what a
	 * registry answers): the input is one JSON value and nothing else. No
	 * YAML construct passes: plain or single-quoted strings, YAML escapes,
	 * block style, comments, trailing commas, anchors, aliases, tags,
	 * document markers, a byte-order mark. A string may not hold \u0000 (a
	 * NUL cuts every C string) nor a lone surrogate; duplicate keys and the
	 * limits above hold as always. Strings may hold DEL and C1 controls raw,
	 * as JSON allows. Positions and ranges are as for YAML. */
	bool json;
};

/* Parse every document of TEXT (kept by reference: it must outlive OUT).
 * Input errors go to DIAGS with FILE:line:col; returns 0, -EINVAL after an
 * error, or -ENOMEM. OUT is set either way: release it. */
int sk_doc_parse(const char *text, size_t len, const char *file, const struct sk_doc_opts *opts,
		 struct sk_doc *out, struct sk_diags *diags);

/* Streaming: as sk_doc_parse, but FN is called as each document ends, with
 * OUT->docs[DOC].root built; after the call that document's nodes are freed
 * (root set to NULL). A negative return from FN stops parsing and is returned;
 * a positive one stops without an error and is returned too. */
typedef int (*sk_doc_fn)(void *ctx, const struct sk_doc *s, size_t doc);
int sk_doc_parse_each(const char *text, size_t len, const char *file,
		      const struct sk_doc_opts *opts, sk_doc_fn fn, void *ctx, struct sk_doc *out,
		      struct sk_diags *diags);

void sk_doc_release(struct sk_doc *s);

/* An error at document DOC's first alias when it has one, for readers whose
 * format has no aliases ("profiles"); returns -EINVAL then, else 0. */
int sk_doc_refuse_aliases(const struct sk_doc *s, size_t doc, const char *file,
			  const char *what, const char *rule, struct sk_diags *diags);

/* ---- queries -------------------------------------------------------------- */

/* Value of KEY in mapping MAP (merge keys followed); NULL when MAP is not a
 * mapping or has no KEY. */
struct sk_doc_node *sk_doc_get(const struct sk_doc_node *map, const char *key);
/* The key node of KEY in MAP itself (for positions), or NULL. */
struct sk_doc_node *sk_doc_key(const struct sk_doc_node *map, const char *key);
/* Index of the pair whose value is V in MAP, or (size_t)-1. */
size_t sk_doc_pair_of(const struct sk_doc_node *map, const struct sk_doc_node *v);

/* N is a scalar equal to S. */
bool sk_doc_is(const struct sk_doc_node *n, const char *s);
/* N is a plain scalar YAML 1.1 reads as true / false (Kubernetes' reading). */
bool sk_doc_true(const struct sk_doc_node *n);
bool sk_doc_false(const struct sk_doc_node *n);
/* N is absent, or a plain null scalar (~, null, empty). */
bool sk_doc_null(const struct sk_doc_node *n);
/* "an object", "a list", "null", "a string" or "a scalar". */
const char *sk_doc_type_name(const struct sk_doc_node *n);
/* Position of N, or 0:0 for NULL. */
struct sk_pos sk_doc_pos(const struct sk_doc_node *n);

/* Typed reads for JSON-shaped documents (what a strict JSON parse holds):
 * N's value when N is a quoted scalar, a string in every reading (JSON,
 * YAML 1.1 and 1.2); NULL otherwise (a plain scalar may read as a number, a
 * bool or null; NULL for NULL). */
const char *sk_doc_string(const struct sk_doc_node *n);
/* N is a plain scalar written as a decimal integer without sign, fraction,
 * exponent or leading zero, no larger than 2^53: the integers every JSON
 * reader reads exactly. Sets *OUT then. */
bool sk_doc_uint53(const struct sk_doc_node *n, uint64_t *out);

/* ---- edits ---------------------------------------------------------------- */

/* One textual edit: replace [start, end) of the input with TEXT. */
struct sk_doc_edit {
	size_t start, end;
	char *text;
};

/* What to write: KEY with a string VAL, a literal VAL (false, 42) written as
 * is, raw JSON text (flow style only), or a mapping of SUB. */
enum sk_doc_val { SK_DOC_STRING, SK_DOC_LITERAL, SK_DOC_RAW, SK_DOC_MAPPING };
struct sk_doc_kv {
	const char *key;
	enum sk_doc_val how;
	const char *val;
	const struct sk_doc_kv *sub;
	size_t n_sub;
};

/* Collects edits to one document. Edits are textual at the nodes' byte
 * ranges, so everything else — comments included — stays byte-identical;
 * block mappings get block lines, flow mappings (JSON) pairs in JSON syntax.
 * What cannot be edited safely (a shared node, an unusual layout) is left
 * unchanged with a warning of rule RULE at its position. Errors are sticky in
 * ERR: once set, nothing more is recorded. */
struct sk_doc_editor {
	const char *text;
	size_t len;
	const char *file;
	const char *rule;
	struct sk_diags *diags;
	struct sk_doc_edit *v;
	size_t n, cap;
	int err;   /* 0, -ENOMEM, or -EINVAL (an edit out of range) */
	bool crlf; /* the text's lines end in CRLF: new ones do too */
};

void sk_doc_editor_init(struct sk_doc_editor *ed, const char *text, size_t len,
			const char *file, const char *rule, struct sk_diags *diags);
/* Hand the edits over, sorted by position (insertions at one offset in the
 * order they were made). Overlapping edits are an error (-EINVAL, with a
 * diagnostic, nothing handed over): no text is ever built from them. */
int sk_doc_editor_finish(struct sk_doc_editor *ed, struct sk_doc_edit **v, size_t *n);
void sk_doc_editor_release(struct sk_doc_editor *ed);

/* False (after a warning naming WHAT, the key) when N is shared. */
bool sk_doc_editable(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *what);
/* Replace scalar N with VAL: a string in N's quoting style, or a literal. */
void sk_doc_set_scalar(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *val,
		       enum sk_doc_val how);
/* Replace the whole text of node N with raw TEXT. */
void sk_doc_replace(struct sk_doc_editor *ed, const struct sk_doc_node *n, const char *text);
/* Add the pairs KV to mapping MAP: lines after it in block style, or pairs
 * before its closing brace in flow style (one per line when its pairs are). */
void sk_doc_add_pairs(struct sk_doc_editor *ed, const struct sk_doc_node *map,
		      const struct sk_doc_kv *kv, size_t n);
/* VAL, the value of KEY in a block mapping, is empty (null, ~, {}): give it
 * the pairs KV as block lines below the key ("key: {}" becomes "key:"). */
void sk_doc_fill_empty(struct sk_doc_editor *ed, const struct sk_doc_node *key,
		       const struct sk_doc_node *val, const struct sk_doc_kv *kv, size_t n);
/* Remove the pairs of MAP whose DROP flag is set (DROP has MAP->n flags):
 * their lines in block style, the pairs and their commas in flow style. */
void sk_doc_remove_pairs(struct sk_doc_editor *ed, const struct sk_doc_node *map,
			 const bool *drop);
/* Remove pair I of MAP. */
void sk_doc_remove_pair(struct sk_doc_editor *ed, const struct sk_doc_node *map, size_t i);

/* TEXT with the N edits V applied, into *OUT (caller frees; NUL-terminated,
 * *OUT_LEN bytes). V must be sorted and non-overlapping, within LEN:
 * -EINVAL otherwise (nothing built), -ENOMEM. */
int sk_doc_apply(const char *text, size_t len, const struct sk_doc_edit *v, size_t n, char **out,
		 size_t *out_len);
/* Free the N edits V (their texts and the array). */
void sk_doc_edits_free(struct sk_doc_edit *v, size_t n);
/* 0 when the N edits are sorted, within LEN and do not overlap; -EINVAL. */
int sk_doc_edits_check(const struct sk_doc_edit *v, size_t n, size_t len);

#ifdef __cplusplus
}
#endif
#endif
