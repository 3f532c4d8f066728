/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/profile.h — the one profile model every source and sink shares.
 *
 * A struct sk_profile holds any seccomp profile users have: the OCI runtime-spec
 * `linux.seccomp` object, Docker's format (archMap, includes/excludes), the
 * Security Profiles Operator's SeccompProfile resource, or a runc config.json's
 * `linux.seccomp` — read from JSON or YAML. Every node keeps its origin
 * (file:line:col) so later stages (lint, explain) can point back into the file.
 *
 * Ownership: everything reachable from a profile is heap-allocated and freed by
 * sk_profile_free(). Strings are NUL-terminated UTF-8.
 */
#ifndef SCMPKIT_PROFILE_H
#define SCMPKIT_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>
#include <scmpkit/doc.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sk_action {
	SK_ACT_INVALID = -1,
	SK_ACT_KILL_THREAD = 0, /* SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD */
	SK_ACT_KILL_PROCESS,
	SK_ACT_TRAP,
	SK_ACT_ERRNO,  /* errno_ret, EPERM when the rule has none */
	SK_ACT_NOTIFY, /* SCMP_ACT_NOTIFY: user notification */
	SK_ACT_TRACE,  /* errno_ret is the tracer's message, EPERM when none (runc) */
	SK_ACT_LOG,
	SK_ACT_ALLOW,
	SK_ACT_COUNT
};

enum sk_op {
	SK_OP_INVALID = 0,
	SK_OP_NE = 1,
	SK_OP_LT,
	SK_OP_LE,
	SK_OP_EQ,
	SK_OP_GE,
	SK_OP_GT,
	SK_OP_MASKED_EQ, /* (arg & value) == value_two */
	SK_OP_COUNT
};

/* Filter flags, with the kernel's SECCOMP_FILTER_FLAG_* values. */
enum sk_flag {
	SK_FLAG_TSYNC = 1u << 0,
	SK_FLAG_LOG = 1u << 1,
	SK_FLAG_SPEC_ALLOW = 1u << 2,
	SK_FLAG_WAIT_KILLABLE_RECV = 1u << 5,
};

/* Which format a profile was read from, or is to be written as. */
enum sk_format {
	SK_FORMAT_OCI = 0,    /* runtime-spec linux.seccomp */
	SK_FORMAT_DOCKER,     /* Docker/moby: archMap, includes/excludes */
	SK_FORMAT_SPO,        /* SeccompProfile custom resource */
	SK_FORMAT_RUNC_CONFIG /* config.json; linux.seccomp inside */
};

struct sk_arg {
	unsigned index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum sk_op op;
	struct sk_pos pos;
};

/* Docker's includes / excludes. */
struct sk_cond {
	char **arches; /* as written: "amd64", "x32", "arm64", ... */
	size_t n_arches;
	char **caps; /* "CAP_SYS_ADMIN" */
	size_t n_caps;
	char *min_kernel; /* "4.8", or NULL */
	struct sk_pos pos;
};

struct sk_rule {
	char **names;
	struct sk_pos *name_pos; /* one per name */
	size_t n_names;
	bool legacy_name; /* written with Docker's single "name" */
	enum sk_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	char *errno_name; /* containers-common's "errno": "EPERM", kept for round trip */
	struct sk_arg *args;
	size_t n_args;
	bool has_includes, has_excludes;
	struct sk_cond includes, excludes;
	char *comment; /* Docker's "comment"; NULL when absent */
	struct sk_pos pos;        /* the rule object */
	struct sk_pos action_pos; /* its "action" value */
};

struct sk_archmap {
	enum sk_arch arch;
	enum sk_arch *subs;
	size_t n_subs;
	struct sk_pos pos;
};

struct sk_profile {
	char *file; /* where it was read from; NULL when built in memory */
	enum sk_format format;
	enum sk_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char *default_errno_name; /* containers-common's legacy "defaultErrno" */
	enum sk_arch *arches;     /* "architectures" */
	size_t n_arches;
	struct sk_archmap *archmap; /* Docker's "archMap" */
	size_t n_archmap;
	bool has_flags;
	unsigned flags; /* enum sk_flag bits */
	char *listener_path;
	char *listener_metadata;
	struct sk_rule *rules;
	size_t n_rules;
	/* SeccompProfile metadata (SPO); NULL elsewhere. */
	char *spo_name;
	char *spo_namespace;
	char *spo_base_profile;
	struct sk_pos spo_base_pos;       /* its "baseProfileName" value */
	struct sk_pos pos;                /* the profile object */
	struct sk_pos default_action_pos; /* its "defaultAction" value */
};

/* ---- names ---------------------------------------------------------- */

const char *sk_action_name(enum sk_action a);  /* "SCMP_ACT_ALLOW" (KILL_THREAD: "SCMP_ACT_KILL") */
enum sk_action sk_action_parse(const char *s); /* any SCMP_ACT_* spelling; SK_ACT_INVALID */
const char *sk_op_name(enum sk_op op);         /* "SCMP_CMP_EQ" */
enum sk_op sk_op_parse(const char *s);         /* SK_OP_INVALID when unknown */
const char *sk_flag_name(enum sk_flag f);      /* "SECCOMP_FILTER_FLAG_TSYNC" */
int sk_flag_parse(const char *s);              /* flag bit, or -1 */
const char *sk_format_name(enum sk_format f);  /* "oci", "docker", "spo", "runc-config" */
int sk_format_parse(const char *s);            /* -1 when unknown */
/* Errno by name ("EPERM") or -1; name of an errno value or NULL. */
int sk_errno_parse(const char *s);
const char *sk_errno_name(int e);

/* ---- lifetime --------------------------------------------------------- */

struct sk_profile *sk_profile_new(void); /* default action ERRNO, no rules */
void sk_profile_free(struct sk_profile *p);
struct sk_profile *sk_profile_clone(const struct sk_profile *p);

/* Append a rule with the given names and action; returns it (owned by P) or
 * NULL on ENOMEM. Args and conditions can be added to the returned rule. */
struct sk_rule *sk_profile_add_rule(struct sk_profile *p, const char *const *names,
				    size_t n_names, enum sk_action action);
int sk_rule_add_name(struct sk_rule *r, const char *name);
int sk_rule_add_arg(struct sk_rule *r, unsigned index, enum sk_op op,
		    uint64_t value, uint64_t value_two);
int sk_profile_add_arch(struct sk_profile *p, enum sk_arch a);
/* Remove rule I of P, or name J of R (freed; the rest keep their order). */
void sk_profile_remove_rule(struct sk_profile *p, size_t i);
void sk_rule_remove_name(struct sk_rule *r, size_t j);

/* A rule that applies whatever the arguments: no args, no includes/excludes. */
bool sk_rule_plain(const struct sk_rule *r);
/* A and B make the same decision for the same calls (action, the errno runc
 * returns, arguments, includes/excludes): what a filter compiled from them
 * returns; comments and spellings do not count. */
bool sk_rule_decides_alike(const struct sk_rule *a, const struct sk_rule *b);
/* R lists NAME. */
bool sk_rule_names(const struct sk_rule *r, const char *name);
/* NAME is allowed for every argument: by the default action or by a plain
 * SCMP_ACT_ALLOW rule of its own. */
bool sk_profile_allows_outright(const struct sk_profile *p, const char *name);
/* Some rule of P has Docker includes/excludes that restrict anything: P means
 * one thing only once resolved for a host (sk_profile_resolve). */
bool sk_profile_has_conditions(const struct sk_profile *p);

/* ---- parse ------------------------------------------------------------ */

/* Parse a profile from text in any supported format (detected: OCI, Docker,
 * SeccompProfile, runc config.json; JSON or YAML). FILE names the input in
 * diagnostics. Errors and warnings go to DIAGS. Returns NULL when any error
 * was reported (the caller exits 2). */
struct sk_profile *sk_profile_parse(const char *text, size_t len, const char *file,
				    struct sk_diags *diags);
/* Read FILE ("-" for stdin) and parse it. */
struct sk_profile *sk_profile_load(const char *file, struct sk_diags *diags);
/* The profile at ROOT, a node scmpkit/doc.h read (a document's root, or a
 * SeccompProfile object inside a stream): lint reads its input once and
 * builds every profile it finds from the nodes. Diagnostics as for
 * sk_profile_parse, at the nodes' positions in FILE. */
struct sk_profile *sk_profile_from_node(const struct sk_doc_node *root, const char *file,
					struct sk_diags *diags);

/* ---- emit ------------------------------------------------------------- */

/* Write P as FORMAT (JSON for oci/docker/runc-config, YAML for spo).
 * Returns a new string (caller frees) or NULL with an error in DIAGS (for
 * instance a Docker-only construct asked for as OCI without resolving first). */
char *sk_profile_emit(const struct sk_profile *p, enum sk_format format,
		      struct sk_diags *diags);

/* ---- normalize, resolve ------------------------------------------------ */

/* In place: names sorted within a rule, duplicate names in a rule removed,
 * rules with identical action/errno/args/conditions merged, rules sorted in a
 * stable order that keeps first-match semantics (rules are never reordered
 * across different actions for the same name). Names unknown on every listed
 * arch are reported as warnings. */
int sk_profile_normalize(struct sk_profile *p, struct sk_diags *diags);

/* Docker's evaluation for a host: what Docker/Podman hand to the runtime. */
struct sk_resolve_opts {
	enum sk_arch arch;   /* host arch; SK_ARCH_INVALID = native */
	const char **caps;   /* bounding set; NULL = Docker's default set */
	size_t n_caps;
	int kernel_major;    /* <0 = the running kernel */
	int kernel_minor;
};
/* Docker's 14 default capabilities. */
extern const char *const sk_docker_default_caps[];
extern const size_t sk_docker_default_caps_count;

/* Evaluate archMap and includes/excludes: returns a plain OCI profile
 * (architectures set, no conditions). NULL with diagnostics on error. */
struct sk_profile *sk_profile_resolve(const struct sk_profile *p,
				      const struct sk_resolve_opts *opts,
				      struct sk_diags *diags);

/* The architectures a profile applies to: its "architectures", or every arch
 * of its archMap; when it lists none, the native arch. Returns a count and
 * fills OUT (at most SK_ARCH_COUNT). */
size_t sk_profile_arches(const struct sk_profile *p, enum sk_arch out[SK_ARCH_COUNT]);

/* ---- SeccompProfile base profiles (security-profiles-operator) ---------- */

/* A base profile the Security Profiles Operator publishes for a runtime: the
 * calls that runtime makes under the container's filter (data/spo-base-profiles.tsv,
 * with the operator's repository, file and commit each list was read from). */
struct sk_spo_base {
	const char *name;   /* "runc-v1.4.2": a SeccompProfile's metadata.name */
	const char *oci;    /* "ghcr.io/security-profiles/runc:v1.4.2" (oci:// form) */
	const char *source; /* "kubernetes-sigs/security-profiles-operator examples/baseprofile-runc.yaml@COMMIT" */
	enum sk_arch arch;
	const char *const *names; /* the calls it allows */
	size_t n_names;
};
/* API_VERSION is the operator's SeccompProfile API: security-profiles-operator.x-k8s.io/
 * v1 (its storage version, cluster-scoped), v1beta1 or v1alpha1. */
bool sk_spo_api_version(const char *api_version);
size_t sk_spo_base_count(void);
const struct sk_spo_base *sk_spo_base_at(size_t i);
/* By name ("runc-v1.4.2", or "oci://ghcr.io/security-profiles/runc:v1.4.2"). */
const struct sk_spo_base *sk_spo_base_find(const char *name);

/* P stacked on its baseProfileName, as the operator does it: the base is
 * looked up by metadata.name among GIVEN (the SeccompProfiles at hand), then
 * among the published bases; a base may name a base of its own (15 levels at
 * most). The calls are unioned name by name, the less restrictive action
 * winning where both name a call (argument conditions joined); everything
 * else is P's. *OUT is a new profile without baseProfileName (a clone of P
 * when it has none); rules from a base point at P's baseProfileName.
 * Returns 0; -ENOENT when a base is found nowhere, -ELOOP past 15 levels or
 * in a cycle (an error naming it in DIAGS either way); -ENOMEM. */
int sk_profile_resolve_base(const struct sk_profile *p, const struct sk_profile *const *given,
			    size_t n_given, struct sk_profile **out, struct sk_diags *diags);

/* Structural equality, order-insensitive where order carries no meaning
 * (names within a rule, arches, rule order among rules that do not overlap);
 * positions and the file name are ignored. */
bool sk_profile_equal(const struct sk_profile *a, const struct sk_profile *b);

#ifdef __cplusplus
}
#endif
#endif
