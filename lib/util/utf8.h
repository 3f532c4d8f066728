/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: UTF-8 validation before text reaches libfyaml. */
#ifndef SK_UTIL_UTF8_H
#define SK_UTIL_UTF8_H

#include <stddef.h>

#include <scmpkit/diag.h>

/* Length of the valid UTF-8 sequence at S (at most N bytes, N > 0), or 0
 * when it is invalid. */
size_t sk_utf8_seq_len(const unsigned char *s, size_t n);

/* YAML and JSON input must be UTF-8. libfyaml 0.7.12 does not always reject
 * invalid bytes: a '%' directive followed by one (found by fuzz_manifest)
 * sends its scanner into an endless loop. So every parser checks first.
 * Returns 0, or -EILSEQ after adding "FILE:LINE:COL: error: invalid UTF-8"
 * (rule RULE) to DIAGS. */
int sk_utf8_check(const char *text, size_t len, const char *file, const char *rule,
		  struct sk_diags *diags);

#endif
