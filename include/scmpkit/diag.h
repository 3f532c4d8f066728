/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/diag.h — diagnostics.
 *
 * The library never prints: every problem it finds becomes an sk_diag in a list
 * the caller owns. The CLI renders them as
 *     file:line:col: severity: message [rule-id]
 * Lines and columns are 1-based; 0 means "unknown" and is left out when rendered.
 */
#ifndef SCMPKIT_DIAG_H
#define SCMPKIT_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sk_severity {
	SK_SEV_NOTE = 0,    /* information: "RuntimeDefault is a last resort" */
	SK_SEV_WARNING = 1, /* suspicious but usable */
	SK_SEV_ERROR = 2,   /* wrong: bad input, or a lint error */
};

struct sk_diag {
	enum sk_severity severity;
	char *file;     /* may be NULL */
	unsigned line;  /* 1-based, 0 = unknown */
	unsigned col;   /* 1-based, 0 = unknown */
	char *rule;     /* stable id ("parse-unknown-key", "P4-unconfined"), may be NULL */
	char *message;  /* one line, no trailing newline */
	char *fix;      /* one-line suggested fix, may be NULL */
	char *practice; /* "P1".."P7", may be NULL */
};

struct sk_diags {
	struct sk_diag *v;
	size_t n, cap;
};

/* Append a diagnostic; strings are copied. Returns 0 or -ENOMEM. */
int sk_diags_add(struct sk_diags *d, enum sk_severity sev, const char *file,
		 unsigned line, unsigned col, const char *rule,
		 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
int sk_diags_vadd(struct sk_diags *d, enum sk_severity sev, const char *file,
		  unsigned line, unsigned col, const char *rule,
		  const char *fmt, va_list ap);

/* Set fix / practice on the most recently added diagnostic. */
int sk_diags_set_fix(struct sk_diags *d, const char *fix);
int sk_diags_set_practice(struct sk_diags *d, const char *practice);

/* Number of diagnostics at or above MIN. */
size_t sk_diags_count(const struct sk_diags *d, enum sk_severity min);

/* Move every diagnostic of SRC to the end of DST; SRC is left empty. */
int sk_diags_splice(struct sk_diags *dst, struct sk_diags *src);

/* Drop (and free) the diagnostics from index FIRST on for which DROP(g, CTX)
 * is true; the others keep their order. */
void sk_diags_remove_if(struct sk_diags *d, size_t first,
			bool (*drop)(const struct sk_diag *g, void *ctx), void *ctx);

/* Sort by file, line, column (stable). */
void sk_diags_sort(struct sk_diags *d);

void sk_diags_free(struct sk_diags *d);

const char *sk_severity_name(enum sk_severity sev); /* "note", "warning", "error" */
/* Parses "note"/"info", "warning", "error"; returns -1 when unknown. */
int sk_severity_parse(const char *s);

/* "file:line:col: severity: message [rule]" as a new string (caller frees). */
char *sk_diag_format(const struct sk_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
