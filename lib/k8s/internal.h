/* Shared by the files of lib/k8s and lib/lint (not public API). */
#ifndef SK_K8S_INTERNAL_H
#define SK_K8S_INTERNAL_H

#include <scmpkit/k8s.h>

#include "k8s/ytree.h"

/* The position of a YAML node (0:0 for NULL). */
struct sk_pos sk_k8s_pos(const struct sk_ynode *n);

/* The YAML tree behind a manifest. */
const struct sk_ystream *sk_k8s_stream(const struct sk_k8s_manifest *m);

/* Streaming parse for lint: FN is called after each document with M holding
 * the pods of that document only (and the document's root node, NULL when
 * empty); both are freed after the call. n_docs and n_objects count every
 * document so far. FN's return value is handled as in sk_yparse_each(). */
typedef int (*sk_k8s_doc_fn)(void *ctx, const struct sk_k8s_manifest *m,
			     const struct sk_ynode *root);
int sk_k8s_parse_each(const char *text, size_t len, const char *file, sk_k8s_doc_fn fn,
		      void *ctx, struct sk_diags *diags);

#endif
