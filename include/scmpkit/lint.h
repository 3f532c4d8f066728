/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/lint.h — check profiles and manifests against practices P1–P7.
 *
 * Every finding is an sk_diag with a stable rule id, a severity, the position
 * of the offending node, the practice it enforces and a one-line fix. Inputs
 * are detected: a seccomp profile in any format (OCI, Docker, SeccompProfile,
 * JSON or YAML), Kubernetes manifests, or a runc config.json. A line carrying
 * "# scmpkit:ignore RULE[,RULE...]" (on the node's line, or a comment line just
 * above it) silences those rules for that node.
 */
#ifndef SCMPKIT_LINT_H
#define SCMPKIT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include <scmpkit/diag.h>
#include <scmpkit/k8s.h>
#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sk_lint_rule {
	const char *id;       /* "P4-unconfined" */
	enum sk_severity severity;
	const char *practice; /* "P1".."P7", or NULL for correctness rules */
	const char *summary;  /* one sentence, for --list-rules and SARIF */
	const char *description; /* what it checks and why it matters (SARIF fullDescription) */
	const char *help;        /* how to fix it; `code` in backquotes (SARIF help) */
	const char *security_severity; /* GitHub's 0.0-10.0 scale: "8.0" */
};

size_t sk_lint_rule_count(void);
const struct sk_lint_rule *sk_lint_rule_at(size_t i);
const struct sk_lint_rule *sk_lint_rule_find(const char *id);

struct sk_lint_opts {
	const char *const *disabled; /* rule ids not to report */
	size_t n_disabled;
	const char *profiles_dir;    /* the kubelet's seccomp root, or NULL */
	/* SeccompProfiles a baseProfileName may name besides those of the run
	 * (node-sync: the other profiles of the same ConfigMap) */
	const struct sk_profile *const *bases;
	size_t n_bases;
};

/* Rules on one profile. Findings point into P->file at the nodes' positions. */
int sk_lint_profile(const struct sk_profile *p, const struct sk_lint_opts *opts,
		    struct sk_diags *out);

/* Rules on the workloads of a manifest; with opts->profiles_dir, the Localhost
 * profiles it names are read and linted too (findings point into them). */
int sk_lint_manifest(const struct sk_k8s_manifest *m, const struct sk_lint_opts *opts,
		     struct sk_diags *out);

/* Detect what each document of TEXT is and lint it, from one parse: profiles
 * (a profile file is one document), runc config.json files, Kubernetes
 * objects — workloads, SeccompProfiles (stacked on their baseProfileName,
 * sk_profile_resolve_base), kinds whose pods lint cannot see — in any mix and
 * order. Applies --disable and inline ignores. Returns 0; -EINVAL when the
 * input is broken (only its errors in OUT, the caller exits 2); -ENOTSUP when
 * it is none of the inputs lint knows (nothing added); -ENOMEM. */
int sk_lint_text(const char *text, size_t len, const char *file,
		 const struct sk_lint_opts *opts, struct sk_diags *out);

/* Read FILE ("-": stdin, named "stdin" in findings) and sk_lint_text() it;
 * -errno when unreadable (an error in OUT). */
int sk_lint_file(const char *file, const struct sk_lint_opts *opts, struct sk_diags *out);

/* What a run over files and directories found. */
struct sk_lint_result {
	struct sk_diags findings; /* sorted by file, line, column */
	/* a note per file of a directory that was not linted, and why (a Helm
	 * template, a kustomize patch, YAML that is no manifest or profile) */
	struct sk_diags skipped;
	/* a file named in PATHS could not be read, was broken or is none of the
	 * inputs lint knows (the caller exits 2) */
	bool bad_input;
};

/* Lint every path of PATHS ("-": stdin): a file as sk_lint_file, a directory
 * for its *.json, *.yaml and *.yml files below it, in name order. Problems with
 * files found in directories are findings or skip notes, never bad input. A
 * SeccompProfile's base may be given in any file of the run. 0 or -ENOMEM. */
int sk_lint_paths(const char *const *paths, size_t n, const struct sk_lint_opts *opts,
		  struct sk_lint_result *res);
void sk_lint_result_free(struct sk_lint_result *res);

enum sk_lint_format { SK_LINT_TEXT, SK_LINT_JSON, SK_LINT_SARIF };

/* Render findings (caller frees). TEXT: "file:line:col: severity: message
 * [rule]" plus an indented "fix:" line, ANSI colours when COLOUR; JSON: an
 * array of objects; SARIF: a SARIF 2.1.0 log for GitHub code scanning. */
char *sk_lint_render(const struct sk_diags *d, enum sk_lint_format fmt, bool colour);

#ifdef __cplusplus
}
#endif
#endif
