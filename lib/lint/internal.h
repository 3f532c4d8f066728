/* Shared by the files of lib/lint (not public API). */
#ifndef SK_LINT_INTERNAL_H
#define SK_LINT_INTERNAL_H

#include <stdarg.h>

#include <scmpkit/lint.h>

/* Add a finding of RULE: severity and practice come from the registry. */
int sk_lint_report(struct sk_diags *out, const char *rule, const char *file, struct sk_pos pos,
		   const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int sk_lint_vreport(struct sk_diags *out, const char *rule, const char *file, struct sk_pos pos,
		    const char *fix, const char *fmt, va_list ap);

/* Calls whose callers fall back only on ENOSYS, answered otherwise
 * (fallback_rules.c). 0, or -ENOMEM. */
int sk_lint_fallbacks(const struct sk_profile *p, struct sk_diags *out);

#endif
