/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/distribute: what oci.c (formats) and registry.c (HTTP)
 * share. */
#ifndef SK_DISTRIBUTE_OCI_INTERNAL_H
#define SK_DISTRIBUTE_OCI_INTERNAL_H

#include <stddef.h>

#include <scmpkit/diag.h>
#include <scmpkit/distribute.h>

#define SK_OCI_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define SK_OCI_INDEX_TYPE "application/vnd.oci.image.index.v1+json"
#define SK_OCI_EMPTY_TYPE "application/vnd.oci.empty.v1+json"
/* what pull accepts: a manifest or index, and a profile layer (node-sync's
 * limit for a profile file; runtimes stop at 1 MiB, a warning here) */
#define SK_OCI_MANIFEST_MAX (1u << 20)
#define SK_OCI_PULL_MAX (4u << 20)

/* The manifest of a profile artifact, byte for byte the same for the same
 * profile (caller frees). */
char *sk_oci_manifest_build(const char *config_digest, size_t config_len, const char *layer_digest,
			    size_t layer_len);

/* M is a seccomp profile artifact with one layer of a sane size; 0 or
 * -EINVAL with the reason in DIAGS. */
int sk_oci_manifest_check(const struct sk_oci_manifest *m, const char *file, struct sk_diags *d);

#endif
