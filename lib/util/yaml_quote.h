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

#endif
