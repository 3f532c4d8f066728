/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/escape.h — untrusted text made safe to print on a terminal.
 *
 * A process names itself (comm), a file name can hold newlines and escape
 * sequences, a manifest value can hold anything: printed raw, `\\r\\e[2K\\e[1A`
 * erases the lines above it. Everything scmpkit prints that another party
 * chose goes through sk_escape(). */
#ifndef SCMPKIT_ESCAPE_H
#define SCMPKIT_ESCAPE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A copy of S where control characters (C0, DEL, C1), backslashes and bytes
 * that are not UTF-8 are written as C escapes (\\n, \\t, \\e, \\\\, \\xNN);
 * printable UTF-8 is kept. Caller frees; NULL on ENOMEM. */
char *sk_escape(const char *s);
/* The same for LEN bytes that may hold NULs. */
char *sk_escape_mem(const char *s, size_t len);
/* Like sk_escape, but backslashes stay as they are: for text that is
 * already meant to be read as written (a diagnostic's message). */
char *sk_escape_controls(const char *s);
/* Whether S needs any escaping. */
int sk_needs_escape(const char *s);

#ifdef __cplusplus
}
#endif
#endif
