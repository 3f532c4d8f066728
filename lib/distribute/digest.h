/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/distribute: SHA-256 digests in the OCI spelling.
 *
 * The hash comes from OpenSSL's libcrypto: libcurl (the OpenSSL flavour)
 * loads it into the process anyway, it is the best-reviewed implementation
 * Debian ships, and it uses the CPU's SHA extensions. Digests are the
 * lower-case "sha256:<64 hex digits>" of the OCI image spec; the ownership
 * manifest keeps the same spelling, so one comparison serves both. */
#ifndef SK_DISTRIBUTE_DIGEST_H
#define SK_DISTRIBUTE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

/* "sha256:" + 64 hex digits + NUL */
#define SK_DIGEST_LEN 72

/* The digest of LEN bytes at DATA into OUT. 0, or -EIO when libcrypto fails. */
int sk_digest(const void *data, size_t len, char out[SK_DIGEST_LEN]);

/* D is a well-formed sha256 digest (lower-case hex, the only algorithm
 * accepted: a registry cannot downgrade the check to a weaker one). */
bool sk_digest_valid(const char *d);

#endif
