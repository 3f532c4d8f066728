/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the value of a single-quoted YAML scalar, read from the input. */
#ifndef SK_UTIL_YAML_QUOTE_H
#define SK_UTIL_YAML_QUOTE_H

#include <stddef.h>

/* libfyaml 0.7.12 (Debian 12) misreads a run of escaped quotes in a
 * single-quoted scalar ('''''' gives five quotes, not two) and then leaks its
 * chunk buffer (found by fuzz_profile; both fixed upstream in 2026, after that
 * release). So the parsers read single-quoted scalars themselves.
 *
 * RAW..RAW+N is the inside of the quotes as written. Writes the value to OUT,
 * which has room for N bytes (the value is never longer), and returns its
 * length: '' is one quote; a line break with the blanks around it folds to a
 * space, and each further empty line is a newline (YAML 1.2, 7.3.2). */
size_t sk_yaml_single_quoted(const char *raw, size_t n, char *out);

/* The inside of the quotes of scalar TOK, whose event spans marks A..Z of
 * INPUT (LEN bytes, the text the parser was given), when TOK is single-quoted
 * and the marks lie within INPUT: sets *N and returns it. NULL otherwise
 * (fy_token_get_text is right for every other scalar). */
struct fy_token;
struct fy_mark;
const char *sk_yaml_single_quoted_raw(struct fy_token *tok, const struct fy_mark *a,
				      const struct fy_mark *z, const char *input, size_t len,
				      size_t *n);

#endif
