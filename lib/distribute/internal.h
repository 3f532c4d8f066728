/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/distribute: how its files talk to each other.
 *
 *   doc.c     reads every document through lib/doc's strict JSON mode;
 *   source.c  reads a profile directory (a mounted ConfigMap with its `..data`
 *             symlink, or a plain one) into a snapshot, never following a link;
 *   owned.c   the install directory under the seccomp root: opening it without
 *             following links, atomic installs and removals there, and the
 *             manifest of the files node-sync wrote;
 *   prepare.c one profile made ready for a node (distribute.h);
 *   sync.c    node-sync: the plan, the status file, the loop;
 *   bundle.c  the cluster manifests;
 *   oci.c, registry.c, dockercfg.c  references, artifacts and the HTTP client;
 *   peer.c    who serves the other end of a connection on this host.
 */
#ifndef SK_DISTRIBUTE_INTERNAL_H
#define SK_DISTRIBUTE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <scmpkit/diag.h>
#include <scmpkit/doc.h>

#include "distribute/digest.h"

/* ---- doc.c ------------------------------------------------------------------- */

/* TEXT (kept by reference) as one strict JSON value (doc.c says why) into
 * DOC, which the caller releases: the value, or NULL after an error in D
 * (DOC released then). */
const struct sk_doc_node *sk_dist_json(const char *text, size_t len, const char *file,
				       struct sk_doc *doc, struct sk_diags *d);

/* An error WHAT at node AT of FILE under RULE, in D; -EINVAL (the reader
 * stops at the first). */
int sk_dist_doc_error(struct sk_diags *d, const char *file, const struct sk_doc_node *at,
		      const char *rule, const char *what);

/* ---- prepare.c ---------------------------------------------------------------- */

/* The SeccompProfiles of one source: what a baseProfileName there may name. */
struct sk_bases {
	struct sk_profile **v;
	size_t n, cap;
};
/* Keep TEXT's profile when it is a SeccompProfile (parsed quietly: a text
 * that does not parse is reported where it is prepared). 0 or -ENOMEM. */
int sk_bases_add(struct sk_bases *b, const char *text, size_t len, const char *file);
void sk_bases_free(struct sk_bases *b);

/* ---- source.c ---------------------------------------------------------------- */

/* Limits on what a source may hand us: no ConfigMap holds more than 1 MiB,
 * and an OCI profile artifact is refused by runtimes past 1 MiB too; a plain
 * directory gets more room but not a node's worth of memory. */
#define SK_SRC_MAX_FILES 4096
#define SK_SRC_MAX_FILE (4u << 20)
#define SK_SRC_MAX_TOTAL (64u << 20)

struct sk_src_file {
	char *name;  /* the file's name in the source ("web.yaml"), valid UTF-8 */
	char *shown; /* how diagnostics name it: "/profiles/web.yaml" */
	char *text;  /* NULL for an ignored entry */
	size_t len;
	char *ignored; /* why this entry is not a profile, or NULL */
};

struct sk_src {
	struct sk_src_file *v;
	size_t n;
};

/* Read every entry of DIR. A ConfigMap mount (a `..data` symlink to a
 * `..TIMESTAMP` directory) is read from the directory `..data` names, and read
 * again when `..data` was swapped meanwhile, so the snapshot is one version
 * of the ConfigMap. Dotfiles are skipped; symlinks, directories, devices and
 * names that are not profile names become ignored entries. 0, or a negative
 * errno with the reason in DIAGS (nothing in OUT then). */
int sk_src_read_dir(const char *dir, struct sk_src *out, struct sk_diags *diags);
void sk_src_free(struct sk_src *s);

/* NAME is a profile file name: [A-Za-z0-9][A-Za-z0-9._-]* ending in .json,
 * .yaml or .yml, at most 200 bytes (a ConfigMap key and a file name on every
 * filesystem). Writes the installed name (STEM.json) into OUT. */
bool sk_src_profile_name(const char *name, char *out, size_t size);

/* ---- owned.c ----------------------------------------------------------------- */

#define SK_OWN_FILE ".scmpkit-owned.json"

struct sk_own_entry {
	char *name;
	char *source;
	char digest[SK_DIGEST_LEN];
	/* while an install is under way: the digest of the version it replaces,
	 * so that a crash between the manifest and the rename loses no file */
	char prev[SK_DIGEST_LEN];
};

struct sk_own {
	struct sk_own_entry *v;
	size_t n, cap;
};

/* Open ROOT/SUBDIR, creating what is missing (0755): ROOT is the admin's and
 * may be a symlink; below it nothing is followed (O_NOFOLLOW on each
 * component), so a link planted in the seccomp root cannot send a write
 * elsewhere. SUBDIR must be plain names ('/'-separated, no '.' or '..').
 * Returns a directory fd, or a negative errno with the reason in DIAGS. */
int sk_own_open_dir(const char *root, const char *subdir, struct sk_diags *diags);
/* SUBDIR is acceptable to sk_own_open_dir. */
bool sk_own_subdir_valid(const char *subdir);

int sk_own_parse(const char *text, size_t len, const char *file, struct sk_own *own,
		 struct sk_diags *diags);
char *sk_own_format(const struct sk_own *own);
/* The manifest in DFD (none: empty). SHOWN names it in diagnostics. */
int sk_own_load(int dfd, const char *shown, struct sk_own *own, struct sk_diags *diags);
int sk_own_save(int dfd, const struct sk_own *own);
void sk_own_free(struct sk_own *own);
struct sk_own_entry *sk_own_find(const struct sk_own *own, const char *name);
struct sk_own_entry *sk_own_add(struct sk_own *own, const char *name);
void sk_own_remove(struct sk_own *own, struct sk_own_entry *e);

enum sk_own_state {
	SK_OWN_ABSENT,  /* no such name */
	SK_OWN_OURS,    /* a regular file whose digest the entry records */
	SK_OWN_FOREIGN, /* anything else: not ours to touch */
};
/* What NAME in DFD is, given ENTRY (NULL: not in the manifest). DIGEST gets
 * the file's digest when it is a regular file. Negative errno on I/O error. */
int sk_own_state(int dfd, const char *name, const struct sk_own_entry *entry,
		 char digest[SK_DIGEST_LEN]);

/* Write NAME in DFD atomically (a temporary file in DFD, fsync, renameat),
 * mode 0644; a symlink at NAME is replaced, never followed. */
int sk_own_install(int dfd, const char *name, const char *data, size_t len);
/* Remove the temporary files a crash mid-install left in DFD. */
void sk_own_clean_tmp(int dfd);

/* ---- peer.c ------------------------------------------------------------------ */

/* The uid owning the server side of the TCP connection from CLIENT_IP:
 * CLIENT_PORT to SERVER_IP:SERVER_PORT (numeric IPv4 or IPv6 addresses),
 * read from this thread's /proc/net/tcp and tcp6. Returns 0, -ENOENT when no
 * live socket of this host's network namespace is that server side (the
 * server is elsewhere, or it is gone), -EINVAL for an address that does not
 * parse, or another negative errno when /proc cannot be read. */
int sk_tcp_server_uid(const char *server_ip, int server_port, const char *client_ip,
		      int client_port, uid_t *uid);
/* UID is root or our effective uid (and not the overflow uid that stands for
 * every unmapped user in a user namespace). */
bool sk_uid_trusted(uid_t uid);

#endif
