/* SPDX-License-Identifier: Apache-2.0 */
/* A profile directory read into a snapshot (internal.h).
 *
 * The kubelet updates a ConfigMap volume atomically: it writes the new
 * version into a fresh `..TIMESTAMP` directory, swaps the `..data` symlink to
 * it, then deletes the old one; the visible names are symlinks through
 * `..data`. Reading the visible names one by one could mix two versions, or
 * hit a file the kubelet just deleted. So the snapshot is taken from the
 * `..TIMESTAMP` directory `..data` names, through its directory fd, and
 * taken again when `..data` changed while we read. Entries are opened with
 * O_NOFOLLOW relative to that fd: a link in a source is never followed. */
#include "distribute/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/escape.h>
#include <scmpkit/fileio.h>

#include "util/cleanup.h"
#include "util/grow.h"

#define SWAP_RETRIES 8

bool sk_src_profile_name(const char *name, char *out, size_t size)
{
	size_t len = strlen(name);
	static const char *const exts[] = {".json", ".yaml", ".yml"};
	size_t stem = 0;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t el = strlen(exts[i]);
		if (len > el && !strcmp(name + len - el, exts[i]))
			stem = len - el;
	}
	if (!stem || len > 200)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return snprintf(out, size, "%.*s.json", (int)stem, name) < (int)size;
}

void sk_src_free(struct sk_src *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].shown);
		free(s->v[i].text);
		free(s->v[i].ignored);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static struct sk_src_file *add_entry(struct sk_src *s, size_t *cap, const char *dir,
				     const char *name)
{
	if (SK_GROW(s->v, *cap, s->n) < 0)
		return NULL;
	struct sk_src_file *f = &s->v[s->n];
	memset(f, 0, sizeof *f);
	/* a name nobody chose for us to print: escaped before it is shown */
	f->name = sk_escape(name);
	size_t dl = strlen(dir);
	bool slash = dl && dir[dl - 1] == '/';
	if (!f->name || asprintf(&f->shown, "%s%s%s", dir, slash ? "" : "/", f->name) < 0) {
		free(f->name);
		f->shown = NULL;
		return NULL;
	}
	s->n++;
	return f;
}

static int ignore(struct sk_src_file *f, const char *why)
{
	return (f->ignored = strdup(why)) ? 0 : -ENOMEM;
}

/* Read the regular file NAME in DFD without following a link. */
static int read_entry(int dfd, const char *name, struct sk_src_file *f, size_t *total)
{
	_sk_cleanup_close_ int fd =
		openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			return ignore(f, "a symlink: node-sync never follows one in a source");
		return -errno; /* ENOENT: swapped away under us, the caller reads again */
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return ignore(f, "a directory: profiles are read from the top level only");
	if (!S_ISREG(st.st_mode))
		return ignore(f, "not a regular file");
	if ((uintmax_t)st.st_size > SK_SRC_MAX_FILE)
		return ignore(f, "larger than the 4 MiB a profile may have here");
	if (*total + (size_t)st.st_size > SK_SRC_MAX_TOTAL)
		return -EFBIG;
	/* the open fd, read by the one reader with limits (no second read loop) */
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	int r = sk_read_input(proc, SK_INPUT_PROFILE, &f->text, &f->len);
	if (r < 0)
		return r;
	if (f->len > SK_SRC_MAX_FILE) {
		free(f->text);
		f->text = NULL;
		return ignore(f, "larger than the 4 MiB a profile may have here");
	}
	*total += f->len;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sk_src_file *)a)->name, ((const struct sk_src_file *)b)->name);
}

/* Every entry of the directory DFD into OUT; SHOWN prefixes their names. */
static int read_all(int dfd, const char *shown, struct sk_src *out, struct sk_diags *diags)
{
	int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	if (!d) {
		int e = -errno;
		if (dup >= 0)
			close(dup);
		sk_diags_add(diags, SK_SEV_ERROR, shown, 0, 0, "sync-source", "cannot list: %s",
			     strerror(-e));
		return e;
	}
	size_t cap = 0, total = 0;
	int r = 0;
	struct dirent *de;
	char installed[256];
	while (!r && (errno = 0, de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., ..data, ..TIMESTAMP and hidden files */
		if (out->n >= SK_SRC_MAX_FILES) {
			r = -E2BIG;
			break;
		}
		struct sk_src_file *f = add_entry(out, &cap, shown, de->d_name);
		if (!f) {
			r = -ENOMEM;
			break;
		}
		if (!sk_src_profile_name(de->d_name, installed, sizeof installed))
			r = ignore(f, "not a profile name: [A-Za-z0-9][A-Za-z0-9._-]* ending in .json, "
				      ".yaml or .yml, at most 200 bytes");
		else
			r = read_entry(dfd, de->d_name, f, &total);
	}
	if (!r && errno)
		r = -errno;
	closedir(d);
	if (r == -E2BIG || r == -EFBIG)
		sk_diags_add(diags, SK_SEV_ERROR, shown, 0, 0, "sync-source",
			     "more than %s in one source: refusing all of it",
			     r == -E2BIG ? "4096 entries" : "64 MiB");
	else if (r < 0 && r != -ENOENT)
		sk_diags_add(diags, SK_SEV_ERROR, shown, 0, 0, "sync-source", "cannot read: %s",
			     strerror(-r));
	if (!r && out->n)
		qsort(out->v, out->n, sizeof *out->v, by_name);
	return r;
}

/* The `..data` link's target when DFD is a ConfigMap mount: a single name
 * starting with "..". 1 with TARGET set, 0 when it is a plain directory. */
static int configmap_target(int dfd, char *target, size_t size)
{
	ssize_t n = readlinkat(dfd, "..data", target, size - 1);
	if (n < 0)
		return errno == ENOENT || errno == EINVAL ? 0 : -errno;
	target[n] = 0;
	if (strncmp(target, "..", 2) || strchr(target, '/') || !strcmp(target, ".."))
		return -EXDEV; /* not the kubelet's layout: a link leading out */
	return 1;
}

int sk_src_read_dir(const char *dir, struct sk_src *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	_sk_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		int e = -errno;
		sk_diags_add(diags, SK_SEV_ERROR, dir, 0, 0, "sync-source", "cannot open: %s",
			     strerror(-e));
		return e;
	}
	for (int attempt = 0; attempt < SWAP_RETRIES; attempt++) {
		char before[NAME_MAX + 1], after[NAME_MAX + 1];
		int cm = configmap_target(dfd, before, sizeof before);
		if (cm == -EXDEV) {
			sk_diags_add(diags, SK_SEV_ERROR, dir, 0, 0, "sync-source",
				     "..data is a symlink that leads out of the directory: refusing");
			return cm;
		}
		if (cm < 0) {
			sk_diags_add(diags, SK_SEV_ERROR, dir, 0, 0, "sync-source",
				     "cannot read ..data: %s", strerror(-cm));
			return cm;
		}
		if (!cm)
			return read_all(dfd, dir, out, diags);
		_sk_cleanup_close_ int tfd =
			openat(dfd, before, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int r = tfd < 0 ? -errno : 0;
		struct sk_diags local = {0};
		if (!r)
			r = read_all(tfd, dir, out, &local);
		if (r && r != -ENOENT) {
			sk_diags_splice(diags, &local);
			return r;
		}
		sk_diags_free(&local);
		if (!r && configmap_target(dfd, after, sizeof after) == 1 && !strcmp(before, after))
			return 0;
		sk_src_free(out); /* swapped while we read: once more, from the new version */
	}
	sk_diags_add(diags, SK_SEV_ERROR, dir, 0, 0, "sync-source",
		     "..data changed %d times while it was read: trying again at the next sync",
		     SWAP_RETRIES);
	return -EAGAIN;
}
