/* SPDX-License-Identifier: Apache-2.0 */
/* The install directory under the kubelet's seccomp root, and the manifest of
 * the files node-sync wrote there (internal.h).
 *
 * Other parties write into the seccomp root too (the admin, the Security
 * Profiles Operator, another agent), and one of them may be hostile. So:
 * every operation is relative to the install directory's fd, opened one
 * component at a time with O_NOFOLLOW; the directory must be ours and
 * writable by nobody else (else files could change between our check and our
 * rename); a file is ours only when the manifest lists it with the digest it
 * has now, and anything else is left alone. Files are written with
 * sk_write_file_atomic_at(), which follows no link at all (the path-based
 * writer follows root's links by design: right for a CLI's output, wrong
 * here). */
#include "distribute/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/fileio.h>

#include "util/cleanup.h"
#include "util/grow.h"
#include "util/json_quote.h"
#include "util/owner.h"
#include "util/strbuf.h"

bool sk_own_subdir_valid(const char *subdir)
{
	if (!subdir || !*subdir || strlen(subdir) > 200 || *subdir == '/')
		return false;
	const char *p = subdir;
	while (*p) {
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (!n || (n == 1 && *p == '.') || (n == 2 && !strncmp(p, "..", 2)) || *p == '.')
			return false;
		for (const char *q = p; q < e; q++) {
			char c = *q;
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '.' || c == '_' || c == '-'))
				return false;
		}
		p = *e ? e + 1 : e;
		if (*e && !*p)
			return false; /* a trailing slash */
	}
	return true;
}

/* One component: created when missing, opened without following a link, and
 * then it must be a directory of ours that nobody else may write to. */
static int open_component(int parent, const char *name, const char *shown, struct sk_diags *d)
{
	if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
		int e = -errno;
		sk_diags_add(d, SK_SEV_ERROR, shown, 0, 0, "sync-root", "cannot create: %s",
			     strerror(-e));
		return e;
	}
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;
		sk_diags_add(d, SK_SEV_ERROR, shown, 0, 0, "sync-root", "%s",
			     e == -ELOOP || e == -ENOTDIR
				     ? "a symlink or not a directory: refusing to write through it"
				     : strerror(-e));
		return e == -ENOTDIR ? -ELOOP : e;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !sk_owner_trusted(&st, SK_OWNER_SELF)) {
		sk_diags_add(d, SK_SEV_ERROR, shown, 0, 0, "sync-root",
			     "owned by uid %u or writable by others (mode %04o): another party could "
			     "swap files under node-sync; refusing",
			     (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	return fd;
}

int sk_own_open_dir(const char *root, const char *subdir, struct sk_diags *d)
{
	if (!sk_own_subdir_valid(subdir)) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "sync-root",
			     "subdirectory '%s' must be plain names joined by '/' (no '.', '..' or "
			     "leading dot)",
			     subdir ? subdir : "");
		return -EINVAL;
	}
	/* the root itself is the admin's path (it may be a link); created when
	 * missing, as the kubelet does not create it */
	if (mkdir(root, 0755) < 0 && errno != EEXIST) {
		int e = -errno;
		sk_diags_add(d, SK_SEV_ERROR, root, 0, 0, "sync-root",
			     "cannot create the seccomp root: %s", strerror(-e));
		return e;
	}
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;
		sk_diags_add(d, SK_SEV_ERROR, root, 0, 0, "sync-root", "cannot open the seccomp root: %s",
			     strerror(-e));
		return e;
	}
	struct sk_sb shown = SK_SB_INIT;
	sk_sb_adds(&shown, root);
	const char *p = subdir;
	while (*p && fd >= 0) {
		const char *e = strchrnul(p, '/');
		char comp[256];
		snprintf(comp, sizeof comp, "%.*s", (int)(e - p), p);
		sk_sb_addf(&shown, "/%s", comp);
		int next = open_component(fd, comp, shown.buf, d);
		close(fd);
		fd = next;
		p = *e ? e + 1 : e;
	}
	sk_sb_release(&shown);
	return fd;
}

/* ---- the manifest ---------------------------------------------------------- */

void sk_own_free(struct sk_own *own)
{
	for (size_t i = 0; i < own->n; i++) {
		free(own->v[i].name);
		free(own->v[i].source);
	}
	free(own->v);
	memset(own, 0, sizeof *own);
}

struct sk_own_entry *sk_own_find(const struct sk_own *own, const char *name)
{
	for (size_t i = 0; i < own->n; i++)
		if (!strcmp(own->v[i].name, name))
			return &own->v[i];
	return NULL;
}

struct sk_own_entry *sk_own_add(struct sk_own *own, const char *name)
{
	if (SK_GROW(own->v, own->cap, own->n) < 0)
		return NULL;
	struct sk_own_entry *e = &own->v[own->n];
	memset(e, 0, sizeof *e);
	if (!(e->name = strdup(name)))
		return NULL;
	own->n++;
	return e;
}

void sk_own_remove(struct sk_own *own, struct sk_own_entry *e)
{
	size_t i = (size_t)(e - own->v);
	free(e->name);
	free(e->source);
	memmove(e, e + 1, (own->n - i - 1) * sizeof *e);
	own->n--;
}

static int own_error(struct sk_diags *d, const char *file, const struct sk_doc_node *at,
		     const char *what)
{
	return sk_dist_doc_error(d, file, at, "sync-manifest", what);
}

/* One "files" entry. Its name is checked as strictly as a source's: a forged
 * manifest must not make node-sync remove "../../etc/passwd". */
static int own_entry(const struct sk_doc_node *f, const char *file, struct sk_own *own,
		     struct sk_diags *d)
{
	const char *name = sk_doc_string(sk_doc_get(f, "name"));
	const char *digest = sk_doc_string(sk_doc_get(f, "digest"));
	const char *prev = sk_doc_string(sk_doc_get(f, "previous"));
	const char *source = sk_doc_string(sk_doc_get(f, "source"));
	char canon[256];
	if (f->type != SK_DOC_MAP || !name || !digest)
		return own_error(d, file, f, "each file needs \"name\" and \"digest\" strings");
	if (!sk_src_profile_name(name, canon, sizeof canon) || strcmp(canon, name))
		return own_error(d, file, sk_doc_get(f, "name"),
				 "not a name node-sync installs (NAME.json, plain characters)");
	if (!sk_digest_valid(digest) || (prev && !sk_digest_valid(prev)))
		return own_error(d, file, f, "a digest must be sha256:<64 lower-case hex digits>");
	if (sk_own_find(own, name))
		return own_error(d, file, sk_doc_get(f, "name"), "a file listed twice");
	struct sk_own_entry *e = sk_own_add(own, name);
	if (!e || (source && !(e->source = strdup(source))))
		return own_error(d, file, f, "out of memory");
	snprintf(e->digest, sizeof e->digest, "%s", digest);
	snprintf(e->prev, sizeof e->prev, "%s", prev ? prev : "");
	return 0;
}

int sk_own_parse(const char *text, size_t len, const char *file, struct sk_own *own,
		 struct sk_diags *d)
{
	memset(own, 0, sizeof *own);
	struct sk_doc doc;
	const struct sk_doc_node *j = sk_dist_json(text, len, file, &doc, d);
	if (!j)
		return -EINVAL;
	uint64_t version = 0;
	const struct sk_doc_node *files = sk_doc_get(j, "files");
	int r = 0;
	if (!sk_doc_uint53(sk_doc_get(j, "scmpkitOwned"), &version) || version != 1)
		r = own_error(d, file, j, "not a node-sync manifest (\"scmpkitOwned\": 1)");
	else if (!files || files->type != SK_DOC_SEQ)
		r = own_error(d, file, j, "\"files\" must be an array");
	for (size_t i = 0; !r && i < files->n; i++)
		r = own_entry(files->kids[i], file, own, d);
	sk_doc_release(&doc);
	if (r)
		sk_own_free(own);
	return r;
}

char *sk_own_format(const struct sk_own *own)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_adds(&sb, "{\n  \"scmpkitOwned\": 1,\n  \"files\": [");
	for (size_t i = 0; i < own->n; i++) {
		const struct sk_own_entry *e = &own->v[i];
		sk_sb_adds(&sb, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
		sk_json_quote(&sb, e->name);
		sk_sb_addf(&sb, ", \"digest\": \"%s\"", e->digest);
		if (e->prev[0])
			sk_sb_addf(&sb, ", \"previous\": \"%s\"", e->prev);
		if (e->source) {
			sk_sb_adds(&sb, ", \"source\": ");
			sk_json_quote(&sb, e->source);
		}
		sk_sb_addc(&sb, '}');
	}
	sk_sb_adds(&sb, own->n ? "\n  ]\n}\n" : "]\n}\n");
	return sk_sb_detach(&sb, NULL);
}

/* Read NAME in DFD (a regular file, not followed) within LIMIT bytes. */
static int read_at(int dfd, const char *name, size_t limit, char **data, size_t *len)
{
	_sk_cleanup_close_ int fd =
		openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENODEV;
	if ((uintmax_t)st.st_size > limit)
		return -EFBIG;
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	size_t n = 0;
	while (n <= (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0) {
				int e = -errno;
				free(buf);
				return e;
			}
			break;
		}
		n += (size_t)r;
	}
	if (n > (size_t)st.st_size) { /* grew while we read: not a file we wrote */
		free(buf);
		return -EFBIG;
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

int sk_own_load(int dfd, const char *shown, struct sk_own *own, struct sk_diags *d)
{
	memset(own, 0, sizeof *own);
	_sk_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_at(dfd, SK_OWN_FILE, 16u << 20, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		sk_diags_add(d, SK_SEV_ERROR, shown, 0, 0, "sync-manifest", "cannot read: %s",
			     r == -ENODEV ? "not a regular file" : strerror(-r));
		return r;
	}
	return sk_own_parse(text, len, shown, own, d);
}

int sk_own_save(int dfd, const struct sk_own *own)
{
	_sk_cleanup_free_ char *text = sk_own_format(own);
	if (!text)
		return -ENOMEM;
	return sk_own_install(dfd, SK_OWN_FILE, text, strlen(text));
}

int sk_own_state(int dfd, const char *name, const struct sk_own_entry *entry,
		 char digest[SK_DIGEST_LEN])
{
	digest[0] = 0;
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? SK_OWN_ABSENT : -errno;
	if (!S_ISREG(st.st_mode))
		return SK_OWN_FOREIGN;
	_sk_cleanup_free_ char *text = NULL;
	size_t len;
	int r = read_at(dfd, name, SK_SRC_MAX_FILE * 2, &text, &len);
	if (r == -EFBIG || r == -ENODEV || r == -ELOOP)
		return SK_OWN_FOREIGN;
	if (r == -ENOENT)
		return SK_OWN_ABSENT;
	if (r < 0 || (r = sk_digest(text, len, digest)) < 0)
		return r;
	if (entry && (!strcmp(digest, entry->digest) || (entry->prev[0] && !strcmp(digest, entry->prev))))
		return SK_OWN_OURS;
	return SK_OWN_FOREIGN;
}

/* ---- installing ------------------------------------------------------------ */

int sk_own_install(int dfd, const char *name, const char *data, size_t len)
{
	return sk_write_file_atomic_at(dfd, name, data, len);
}

/* NAME is a temporary file sk_write_file_atomic_at made for one of our
 * files: ".web.json.k3x9q0", "..scmpkit-owned.json.0a1b2c". */
static bool our_tmp(const char *name)
{
	size_t len = strlen(name);
	if (len < 10 || name[0] != '.' || name[len - 7] != '.')
		return false;
	for (size_t i = len - 6; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9')))
			return false;
	char stem[256], canon[256];
	snprintf(stem, sizeof stem, "%.*s", (int)(len - 8), name + 1);
	return !strcmp(stem, SK_OWN_FILE) ||
	       (sk_src_profile_name(stem, canon, sizeof canon) && !strcmp(stem, canon));
}

void sk_own_clean_tmp(int dfd)
{
	/* only the names our installs use, only regular files: what a crash
	 * between the link and the rename left behind */
	int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	if (!d) {
		if (dup >= 0)
			close(dup);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (our_tmp(de->d_name) &&
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			unlinkat(dfd, de->d_name, 0);
	}
	closedir(d);
}
