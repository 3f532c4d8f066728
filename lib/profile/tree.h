/* A small document tree with positions, built from libfyaml's event stream.
 *
 * libfyaml's document API (0.7.12) exposes no start mark for mappings and
 * sequences, and a rule object or an "args" list is exactly what a diagnostic
 * must point at; its event API does. So the parser builds this tree itself:
 * it also lets us report duplicate keys and aliases our own way. */
#ifndef SCMPKIT_PROFILE_TREE_H
#define SCMPKIT_PROFILE_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/diag.h>
#include <scmpkit/profile.h>

enum jtype { J_SCALAR, J_MAP, J_SEQ };

struct jnode {
	enum jtype type;
	char *s;     /* scalar text, NUL-terminated */
	bool quoted; /* written as a quoted (or block) string: never a number or null */
	struct sk_pos pos;
	struct jnode *kids; /* map: key, value, key, value, ...; seq: items */
	size_t n;           /* number of kids */
};

/* Nesting deeper than this is an error: no profile needs it, and it bounds
 * the recursion of everything that walks the tree. */
#define J_MAX_DEPTH 64

/* Parse TEXT (JSON or YAML, one document). NULL with errors in DIAGS. */
struct jnode *jtree_parse(const char *text, size_t len, const char *file,
			  struct sk_diags *diags);
void jtree_free(struct jnode *n);

/* Value of KEY in map M, or NULL. */
struct jnode *jmap_get(const struct jnode *m, const char *key);
/* A plain scalar null/~/empty (JSON null). */
bool jnode_is_null(const struct jnode *n);
const char *jtype_name(const struct jnode *n);

#endif
