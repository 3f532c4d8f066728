/* Shared by the files of lib/k8s and lib/lint (not public API). */
#ifndef SK_K8S_INTERNAL_H
#define SK_K8S_INTERNAL_H

#include <scmpkit/k8s.h>

#include "k8s/ytree.h"

/* The position of a YAML node (0:0 for NULL). */
struct sk_pos sk_k8s_pos(const struct sk_ynode *n);

/* The YAML tree behind a manifest. */
const struct sk_ystream *sk_k8s_stream(const struct sk_k8s_manifest *m);

#endif
