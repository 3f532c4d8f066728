/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/distribute.h — put profiles on every node: node-sync, cluster
 * bundles, and profiles as OCI artifacts in a registry.
 *
 * A Localhost profile works only when the file is on the node, under the
 * kubelet's seccomp root, and the runtimes read that file differently
 * (containerd takes runtime-spec JSON and drops Docker's archMap and
 * includes/excludes in silence; CRI-O evaluates Docker's format). So what
 * goes on a node is the profile resolved to runtime-spec JSON for that node's
 * architecture, checked the way `lint` and `compile` check it first.
 *
 * Everything a node or a registry hands us is untrusted: file names, sizes,
 * symlinks, JSON. Nothing here follows a symlink below the seccomp root or
 * writes outside ROOT/SUBDIR, and node-sync changes only files it wrote
 * itself (it keeps a manifest of them, with their digests).
 */
#ifndef SCMPKIT_DISTRIBUTE_H
#define SCMPKIT_DISTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <scmpkit/arch.h>
#include <scmpkit/diag.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one profile, made ready for a node -------------------------------- */

struct sk_profile;

struct sk_prepare_opts {
	enum sk_arch arch; /* the node's; SK_ARCH_INVALID: this machine's */
	/* The SeccompProfiles a baseProfileName may name: the other profiles of
	 * the same source, as the Security Profiles Operator looks a base up
	 * among the SeccompProfiles it has; the bases the operator publishes
	 * for runc and crun (sk_spo_base_find) are known besides. */
	const struct sk_profile *const *bases;
	size_t n_bases;
};

/* Parse TEXT (any format: OCI, Docker, SeccompProfile; JSON or YAML), stack
 * a SeccompProfile on its baseProfileName (sk_profile_resolve_base: a base
 * found nowhere, one two profiles of the source claim, or a cycle is an
 * error), resolve Docker's archMap and includes/excludes for the arch with
 * Docker's default capabilities, lint it and compile it. O may be NULL (this
 * machine's arch, published bases only). Returns the runtime-spec JSON to
 * install (caller frees), or NULL when any error was found; every finding
 * (errors, and the lint warnings and notes) is in DIAGS, pointing into FILE. */
char *sk_profile_for_node(const char *text, size_t len, const char *file,
			  const struct sk_prepare_opts *o, struct sk_diags *diags);

/* ---- OCI registries ------------------------------------------------------ */

/* The artifact layout the Security Profiles Operator, CRI-O and the `type:
 * OCI` KEP share: artifactType and config mediaType below, config blob "{}",
 * exactly one layer holding the runtime-spec JSON. */
#define SK_OCI_SECCOMP_TYPE "application/vnd.cncf.seccomp-profile.config.v1+json"
#define SK_OCI_LAYER_TYPE "application/json"
/* What runtimes refuse by default (KEP-6061, the merger's ValidateArtifact). */
#define SK_OCI_MAX_PROFILE_SIZE (1u << 20)
#define SK_OCI_MAX_ENTRIES_PER_SYSCALL 128

/* registry/repository[:tag][@sha256:...] ("oci://" in front is accepted). */
struct sk_oci_ref {
	char *registry;   /* "localhost:5000", "registry.example.com" */
	char *repository; /* "team/web" */
	char *tag;        /* NULL when absent ("latest" is used then, unless a digest is given) */
	char *digest;     /* "sha256:...", or NULL */
};

/* Parse S; 0, or -EINVAL with the reason in DIAGS (file: "reference"). */
int sk_oci_ref_parse(const char *s, struct sk_oci_ref *ref, struct sk_diags *diags);
void sk_oci_ref_free(struct sk_oci_ref *ref);
/* Plain HTTP is allowed only to these: localhost, 127.0.0.0/8, ::1. */
bool sk_oci_ref_is_loopback(const struct sk_oci_ref *ref);

struct sk_registry_opts {
	const char *docker_config; /* NULL: $DOCKER_CONFIG/config.json, else ~/.docker/config.json */
	const char *ca_file;       /* extra CA bundle for HTTPS, or NULL */
	long timeout_s;            /* per request; 0 = 60 */
};

/* Warnings for a runtime-spec profile that runtimes would refuse as an
 * artifact: larger than 1 MiB, a syscall named in more than 128 entries,
 * SCMP_ACT_NOTIFY or listener settings. Returns how many were added. */
size_t sk_oci_artifact_check(const char *json, size_t len, const char *file,
			     struct sk_diags *diags);

/* Push runtime-spec JSON PROFILE as an artifact to REF (a tag or a digest).
 * DIGEST gets the manifest's digest. 0, or a negative errno with the reason
 * in DIAGS. */
int sk_oci_push(const char *ref, const char *profile, size_t len,
		const struct sk_registry_opts *opts, char digest[72], struct sk_diags *diags);

/* Pull the profile of REF: the manifest (its digest checked when REF names
 * one; an index is followed to its one seccomp manifest), then the one layer,
 * its digest and size checked. *DATA (caller frees) holds the layer as it
 * was pushed; DIGEST the manifest's digest. 0, or a negative errno with the
 * reason in DIAGS. */
int sk_oci_pull(const char *ref, const struct sk_registry_opts *opts, char **data, size_t *len,
		char digest[72], struct sk_diags *diags);

/* The readers behind push and pull, exposed for tests and fuzzing. */
struct sk_oci_descriptor {
	char *media_type;
	char digest[72];
	uint64_t size;
	char *platform_arch; /* index entries: platform.architecture, or NULL */
};
struct sk_oci_manifest {
	bool index;          /* an image index: the entries are in LAYERS */
	char *media_type;
	char *artifact_type; /* NULL when absent */
	struct sk_oci_descriptor config;
	struct sk_oci_descriptor *layers; /* manifest: layers; index: manifests */
	size_t n_layers;
};
int sk_oci_manifest_parse(const char *text, size_t len, const char *file,
			  struct sk_oci_manifest *m, struct sk_diags *diags);
void sk_oci_manifest_free(struct sk_oci_manifest *m);

/* The credentials Docker's config.json TEXT holds for REGISTRY ("auths"
 * entries, keyed by host or by URL as `docker login` writes them): 0 with
 * *USER and *SECRET (caller frees) set, or both NULL when it has none
 * (a credential helper alone is reported as a warning); -EINVAL when TEXT is
 * malformed. */
int sk_docker_config_auth(const char *text, size_t len, const char *file, const char *registry,
			  char **user, char **secret, struct sk_diags *diags);

/* ---- node-sync ------------------------------------------------------------ */

struct sk_sync_opts {
	const char *const *sources; /* directories (a mounted ConfigMap), or "oci://REF" */
	size_t n_sources;
	const char *root;   /* the kubelet's seccomp root: /var/lib/kubelet/seccomp */
	const char *subdir; /* where under ROOT: NULL = "scmpkit"; plain names, '/' between */
	enum sk_arch arch;  /* the node's; SK_ARCH_INVALID = this machine's */
	const char *status; /* the status file to write after each sync, or NULL */
	const struct sk_registry_opts *registry; /* for oci:// sources; NULL = defaults */
};

enum sk_sync_what {
	SK_SYNC_ADDED,     /* installed, new */
	SK_SYNC_UPDATED,   /* installed, replacing the version node-sync wrote before */
	SK_SYNC_UNCHANGED, /* installed already, the same bytes */
	SK_SYNC_REMOVED,   /* node-sync wrote it, and it left the sources */
	SK_SYNC_REJECTED,  /* not installed (reasons in diags); see kept */
	SK_SYNC_IGNORED,   /* not a profile (a README, a directory, a symlink) */
};

struct sk_sync_item {
	char *name;   /* the installed file's name ("web.json"); NULL for IGNORED */
	char *source; /* where it comes from: "/profiles/web.yaml", "oci://..."; the
	                 name a source chose is escaped (sk_escape): safe to print */
	enum sk_sync_what what;
	bool kept;    /* REJECTED: the last good version stays installed */
	char digest[72];        /* what is installed now ("" when nothing) */
	struct sk_diags diags;  /* the reasons (REJECTED, IGNORED) and lint's notes */
};

struct sk_sync_result {
	struct sk_sync_item *items;
	size_t n;
	bool failed;           /* the sync could not run: nothing was changed */
	struct sk_diags errors; /* why it failed; also a status file that could not be written */
	char *dir;             /* ROOT/SUBDIR */
	char *subdir;          /* SUBDIR, the prefix of every localhostProfile */
	struct timespec when;  /* CLOCK_REALTIME at the end of the sync */
	size_t changes;        /* files written or removed under ROOT */
};

/* One sync: read every source (a ConfigMap's `..data` swap during the read is
 * waited out), prepare each profile with sk_profile_for_node, install what
 * passed atomically, remove what node-sync wrote and the sources no longer
 * hold, keep the last good version of a profile that fails, write the status
 * file. Returns 0 when every profile is installed; -EINVAL when some were
 * rejected; another negative errno when the sync failed (RES->failed). RES
 * is filled in every case; free it with sk_sync_result_free. */
int sk_node_sync_once(const struct sk_sync_opts *opts, struct sk_sync_result *res);
void sk_sync_result_free(struct sk_sync_result *res);

/* Sync now and then every INTERVAL_MS, and soon after a source directory
 * changes; call REPORT after each sync. Returns 0 after SIGTERM, SIGINT or
 * SIGHUP (which wait for the sync under way to end: no half-done install),
 * a negative errno when it cannot wait for them. */
typedef void (*sk_sync_report_fn)(const struct sk_sync_result *res, void *data);
int sk_node_sync_loop(const struct sk_sync_opts *opts, unsigned interval_ms,
		      sk_sync_report_fn report, void *data);

/* The status file, as JSON (caller frees). */
char *sk_sync_status_json(const struct sk_sync_result *res);

/* What a readiness probe reads back. */
struct sk_sync_status {
	bool ready;            /* the last sync ran and installed every profile */
	int64_t last_sync;     /* seconds since the epoch */
	size_t n_installed, n_rejected;
	char *first_problem;   /* a rejected profile's name or the sync's error; NULL */
};
int sk_sync_status_parse(const char *text, size_t len, const char *file,
			 struct sk_sync_status *st, struct sk_diags *diags);
void sk_sync_status_free(struct sk_sync_status *st);

/* Readiness: 0 when FILE says ready and its last sync is at most MAX_AGE_S
 * seconds old (0: any age); -EAGAIN not ready, -EINVAL unreadable or
 * malformed; the reason in DIAGS either way. */
int sk_sync_probe(const char *file, unsigned max_age_s, struct sk_diags *diags);

/* ---- bundle ---------------------------------------------------------------- */

enum sk_bundle_target {
	SK_BUNDLE_CONFIGMAP, /* a ConfigMap of the profiles and the node-sync DaemonSet */
	SK_BUNDLE_SPO,       /* Security Profiles Operator SeccompProfile objects (v1) */
};

struct sk_bundle_opts {
	enum sk_bundle_target target;
	const char *namespace_; /* NULL: "scmpkit" */
	const char *image;      /* node-sync's image; NULL: "scmpkit:" SCMPKIT_VERSION */
	enum sk_arch arch;      /* SPO objects are resolved for it: SK_ARCH_INVALID = native */
};

struct sk_bundle_file {
	char *name; /* relative to the output directory: "daemonset.yaml", "examples/web.yaml" */
	char *text;
};

struct sk_bundle {
	struct sk_bundle_file *files;
	size_t n;
};

/* Read every profile in DIR (the same names node-sync takes), check each as
 * node-sync will, and build the manifests. 0, or -EINVAL with the reasons in
 * DIAGS (a profile that fails, a name Kubernetes refuses, a ConfigMap over
 * the API server's 1 MiB). */
int sk_bundle_build(const char *dir, const struct sk_bundle_opts *opts, struct sk_bundle *out,
		    struct sk_diags *diags);
/* Write B's files under OUT_DIR (created; files written atomically). */
int sk_bundle_write(const struct sk_bundle *b, const char *out_dir, struct sk_diags *diags);
void sk_bundle_free(struct sk_bundle *b);

#ifdef __cplusplus
}
#endif
#endif
