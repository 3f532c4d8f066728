/* SPDX-License-Identifier: Apache-2.0 */
/* The lint driver's state across the files of one run (not public API).
 *
 * lint.c reads one text, localhost.c the Localhost profiles a manifest names,
 * paths.c files and directories; a run ties them together: each Localhost
 * file is read once, and a SeccompProfile whose baseProfileName comes later
 * in the run waits here until the run ends. */
#ifndef SK_LINT_RUN_H
#define SK_LINT_RUN_H

#include <scmpkit/lint.h>

#include "lint/internal.h"

struct sk_lint_seen { /* a Localhost profile looked up under --profiles-dir */
	char *path;   /* as written in the manifest */
	char *missing; /* NULL when it is there */
};

struct sk_lint_pending { /* a SeccompProfile whose base no file so far gave */
	const struct sk_profile *p; /* one of the run's given */
	char *text;  /* its file's text, for the ignore comments */
	size_t len;
	bool as_localhost;
};

struct sk_lint_run {
	const struct sk_lint_opts *opts;
	struct sk_lint_seen *seen;
	size_t n_seen, cap_seen;
	struct sk_profile **given; /* every SeccompProfile read: bases for the others */
	size_t n_given, cap_given;
	struct sk_lint_pending *pending;
	size_t n_pending, cap_pending;
	unsigned depth; /* > 0 while linting a Localhost profile: its own are not followed */
};

void sk_lint_run_init(struct sk_lint_run *run, const struct sk_lint_opts *opts);
void sk_lint_run_free(struct sk_lint_run *run);

/* Lint TEXT, read from FILE. FINAL: no later file can give a base profile.
 * Returns as sk_lint_text. */
int sk_lint_run_text(struct sk_lint_run *run, const char *text, size_t len, const char *file,
		     bool as_localhost, bool final, struct sk_diags *out);
/* Read PATH ("-": stdin) and lint it; -errno after a "read-error" finding. */
int sk_lint_run_file(struct sk_lint_run *run, const char *path, bool final,
		     struct sk_diags *out);
/* Keep P for the end of the run; 0 or -ENOMEM. */
int sk_lint_run_defer(struct sk_lint_run *run, const struct sk_profile *p, const char *text,
		      size_t len, bool as_localhost);
/* Lint what waited for a base (now or never found); 0 or -ENOMEM. */
int sk_lint_run_finish(struct sk_lint_run *run, struct sk_diags *out);

/* A SeccompProfile on its base; 1 when the base is unknown and not FINAL. */
int sk_lint_seccomp_profile(struct sk_lint_run *run, const struct sk_profile *p, bool final,
			    bool as_localhost, struct sk_diags *out);
/* The Localhost profiles M names looked up (and linted), then M's rules. */
int sk_lint_manifest_run(struct sk_lint_run *run, const struct sk_k8s_manifest *m,
			 bool as_localhost, struct sk_diags *out);
/* DIR/PATH without a doubled slash (caller frees; NULL on ENOMEM). */
char *sk_lint_path_join(const char *dir, const char *path);
/* Drop the findings from FIRST on that are disabled, or ignored in FILE. */
int sk_lint_filter(struct sk_diags *out, size_t first, const char *text, size_t len,
		   const char *file, const struct sk_lint_opts *opts);

#endif
