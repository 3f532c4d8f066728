/* A positioned YAML tree for manifests (internal to libscmpkit).
 *
 * libfyaml 0.7.12's document API gives positions only for scalars; lint needs
 * the line:col of mappings and sequences and fix needs their byte ranges, so
 * lib/k8s builds its own small tree from libfyaml's event stream. Every node
 * knows where it starts and ends in the input. All memory comes from one arena
 * per stream, freed at once.
 */
#ifndef SK_K8S_YTREE_H
#define SK_K8S_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/diag.h>

enum sk_ytype { SK_Y_SCALAR, SK_Y_MAP, SK_Y_SEQ };

struct sk_ynode {
	enum sk_ytype type;
	bool plain;      /* scalar written without quotes (may be null/bool/number) */
	bool flow;       /* mapping/sequence in flow style ({...} / [...]) */
	const char *str; /* scalar value (NUL-terminated), "" for collections */
	size_t len;
	size_t start, end;  /* byte offsets of the node's text in the input */
	unsigned line, col; /* 1-based start */
	size_t n;           /* sequence: items; mapping: pairs */
	struct sk_ynode **kids; /* sequence: items; mapping: key0, value0, key1, ... */
	struct sk_ynode *parent;
};

struct sk_ydoc {
	struct sk_ynode *root; /* NULL for an empty document */
	unsigned line;         /* where the document starts */
};

struct sk_yarena;

struct sk_ystream {
	const char *text; /* the input (not owned) */
	size_t len;
	struct sk_ydoc *docs;
	size_t n_docs;
	struct sk_yarena *arena;
};

/* Parse every document of TEXT. Syntax errors go to DIAGS (rule "yaml-syntax")
 * with FILE:line:col; returns 0, or -EINVAL after a syntax error, -ENOMEM. */
int sk_yparse(const char *text, size_t len, const char *file, struct sk_ystream *out,
	      struct sk_diags *diags);
void sk_ystream_free(struct sk_ystream *s);

/* Streaming: like sk_yparse, but FN is called as each document ends, with
 * OUT->docs[DOC].root built; after the call that document's nodes are freed
 * (its root set to NULL), so memory stays at one document's worth. A negative
 * return from FN stops parsing and is returned; a positive one stops parsing
 * without an error and is returned too. */
typedef int (*sk_ydoc_fn)(void *ctx, const struct sk_ystream *s, size_t doc);
int sk_yparse_each(const char *text, size_t len, const char *file, struct sk_ystream *out,
		   sk_ydoc_fn fn, void *ctx, struct sk_diags *diags);

/* Value of KEY in mapping MAP; NULL when MAP is not a mapping or lacks KEY. */
struct sk_ynode *sk_ymap_get(const struct sk_ynode *map, const char *key);
/* The key node of KEY in MAP (for positions), or NULL. */
struct sk_ynode *sk_ymap_key(const struct sk_ynode *map, const char *key);

/* True when N is a scalar equal to S. */
bool sk_yis(const struct sk_ynode *n, const char *s);
/* True when N is a scalar YAML reads as boolean true / false. */
bool sk_ytrue(const struct sk_ynode *n);
bool sk_yfalse(const struct sk_ynode *n);
/* True when N is absent or a null scalar (~, null, empty). */
bool sk_ynull(const struct sk_ynode *n);

#endif
