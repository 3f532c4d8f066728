/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the files of lib/lint (not public API).
 *
 * The driver (lint.c, paths.c) reads files; the rules (profile_rules.c,
 * manifest_rules.c) only look at what the driver hands them in a struct
 * sk_lint_env — a Localhost profile's presence under --profiles-dir included —
 * so that no rule does I/O or calls back into the driver. */
#ifndef SK_LINT_INTERNAL_H
#define SK_LINT_INTERNAL_H

#include <stdarg.h>

#include <scmpkit/lint.h>

/* Add a finding of RULE: severity and practice come from the registry. */
int sk_lint_report(struct sk_diags *out, const char *rule, const char *file, struct sk_pos pos,
		   const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int sk_lint_vreport(struct sk_diags *out, const char *rule, const char *file, struct sk_pos pos,
		    const char *fix, const char *fmt, va_list ap);

/* A localhostProfile the kubelet can use is relative, inside its seccomp root:
 * NULL, or why this one is not ("is absolute", "contains '..'"). */
const char *sk_lint_localhost_problem(const char *path);

/* A Localhost profile as the driver found it under --profiles-dir. */
struct sk_lint_localhost {
	const char *path; /* localhostProfile as written */
	const char *missing; /* NULL when it is there; else why not ("does not exist under DIR") */
};

/* What the driver gathered for the rules. */
struct sk_lint_env {
	const struct sk_lint_opts *opts;
	const struct sk_lint_localhost *localhost; /* for the manifest's Localhost paths */
	size_t n_localhost;
	bool as_localhost; /* the profile is one a manifest names as Localhost */
	/* the profile is a SeccompProfile whose baseProfileName was found nowhere:
	 * the calls it would add are unknown */
	bool base_unresolved;
};

int sk_lint_manifest_rules(const struct sk_k8s_manifest *m, const struct sk_lint_env *env,
			   struct sk_diags *out);
int sk_lint_profile_rules(const struct sk_profile *p, const struct sk_lint_env *env,
			  struct sk_diags *out);

/* Calls whose callers fall back only on ENOSYS, answered otherwise
 * (fallback_rules.c). 0, or -ENOMEM. */
int sk_lint_fallbacks(const struct sk_profile *p, struct sk_diags *out);

#endif
