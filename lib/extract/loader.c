/* SPDX-License-Identifier: Apache-2.0 */
/* Which files a program loads, found the way ld.so finds them: the
 * interpreter at PT_INTERP; each DT_NEEDED name in the loading object's
 * DT_RPATH (when it has no DT_RUNPATH) and the program's, then its
 * DT_RUNPATH ($ORIGIN is its directory), then the directories of
 * /etc/ld.so.conf (with its includes), then the default directories; a file
 * that is not an x86-64 object (a 32-bit library in /lib32) is skipped, as
 * ld.so skips it.
 *
 * With --rootfs every path is looked up inside that directory, a container
 * image's root filesystem: openat2 with RESOLVE_IN_ROOT makes absolute
 * symlinks and ".." stay inside it (Debian's /lib64/ld-linux-x86-64.so.2 is
 * an absolute symlink), so the host's files are never analysed in place of
 * the image's. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <scmpkit/escape.h>
#include <scmpkit/fileio.h>

#include "util/cleanup.h"
#include "util/grow.h"
#include "util/strbuf.h"

struct dirs {
	char **v;
	size_t n, cap;
};

struct xfs {
	int root;          /* the root directory, -1 for the host */
	char *rootdir;     /* as given, for messages */
	struct dirs glibc; /* from ld.so.conf, then the defaults */
	struct dirs musl;  /* musl's ld.so: /etc/ld-musl-x86_64.path, else its defaults */
};

static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib",
};

/* An fd for PATH inside the root (O_PATH), or -errno. */
static int open_in(const struct xfs *fs, const char *path, int flags)
{
	if (fs->root < 0) {
		int fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, fs->root, path, &how, sizeof how);
	return fd < 0 ? -errno : fd;
}

int xfs_open_path(const struct xfs *fs, const char *path)
{
	return open_in(fs, path, O_PATH);
}

/* Read PATH inside the root through sk_read_input (its limits, its checks). */
static int read_in(const struct xfs *fs, const char *path, enum sk_input_kind kind,
		   char **data, size_t *len, struct stat *st)
{
	_sk_cleanup_close_ int fd = open_in(fs, path, O_PATH);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		return -errno;
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	return sk_read_input(proc, kind, data, len);
}

static int add_to(struct dirs *d, const char *dir, size_t len)
{
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (!len || dir[0] != '/')
		return 0;
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->v[i]) == len && !memcmp(d->v[i], dir, len))
			return 0;
	if (SK_GROW(d->v, d->cap, d->n) < 0)
		return -ENOMEM;
	if (!(d->v[d->n] = strndup(dir, len)))
		return -ENOMEM;
	d->n++;
	return 0;
}

static void dirs_free(struct dirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
}

static int add_dir(struct xfs *fs, const char *dir, size_t len)
{
	return add_to(&fs->glibc, dir, len);
}

/* musl's ld.so reads /etc/ld-musl-ARCH.path (directories split by newlines
 * or colons) instead of ld.so.conf, and without it searches /lib,
 * /usr/local/lib and /usr/lib. */
static int read_musl_path(struct xfs *fs)
{
	static const char *const fallback[] = {"/lib", "/usr/local/lib", "/usr/lib"};
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int rc = 0;
	if (read_in(fs, "/etc/ld-musl-x86_64.path", SK_INPUT_OTHER, &text, &len, &st) == 0) {
		for (char *save, *d = strtok_r(text, ":\n", &save); rc == 0 && d;
		     d = strtok_r(NULL, ":\n", &save))
			rc = add_to(&fs->musl, d, strcspn(d, " \t\r"));
		free(text);
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < sizeof fallback / sizeof fallback[0]; i++)
		rc = add_to(&fs->musl, fallback[i], strlen(fallback[i]));
	return rc;
}

static int read_conf(struct xfs *fs, const char *path, int depth);

/* "include /etc/ld.so.conf.d/NAME-PATTERN": a directory, a pattern for names. */
static int include_conf(struct xfs *fs, const char *pattern, int depth)
{
	const char *slash = strrchr(pattern, '/');
	if (!slash || pattern[0] != '/')
		return 0;
	char dir[4096];
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - pattern), pattern);
	int fd = open_in(fs, dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (struct dirent *de; rc == 0 && (de = readdir(dp));)
		if (de->d_name[0] != '.' && !fnmatch(slash + 1, de->d_name, 0)) {
			if (SK_GROW(names, cap, n) < 0 || !(names[n] = strdup(de->d_name)))
				rc = -ENOMEM;
			else
				n++;
		}
	closedir(dp);
	/* glob order: sorted */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (size_t i = 0; i < n; i++) {
		struct sk_sb p = SK_SB_INIT;
		sk_sb_addf(&p, "%s/%s", dir, names[i]);
		if (rc == 0)
			rc = p.oom ? -ENOMEM : read_conf(fs, p.buf, depth + 1);
		sk_sb_release(&p);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int read_conf(struct xfs *fs, const char *path, int depth)
{
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	if (depth > 8 || read_in(fs, path, SK_INPUT_OTHER, &text, &len, &st) < 0)
		return 0; /* no ld.so.conf (a minimal image): the defaults only */
	int rc = 0;
	for (char *save, *l = strtok_r(text, "\n", &save); rc == 0 && l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(l, '#');
		if (hash)
			*hash = 0;
		l += strspn(l, " \t");
		size_t n = strcspn(l, " \t\r");
		if (n == 7 && !strncmp(l, "include", 7)) {
			char *pat = l + 7 + strspn(l + 7, " \t");
			pat[strcspn(pat, " \t\r")] = 0;
			rc = include_conf(fs, pat, depth);
		} else {
			rc = add_dir(fs, l, n);
		}
	}
	free(text);
	return rc;
}

struct xfs *xfs_open(const char *rootfs, struct sk_diags *d)
{
	struct xfs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return NULL;
	fs->root = -1;
	if (rootfs) {
		fs->root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		fs->rootdir = strdup(rootfs);
		if (fs->root < 0 || !fs->rootdir) {
			sk_diags_add(d, SK_SEV_ERROR, rootfs, 0, 0, "extract-input",
				     "cannot open the root filesystem: %s", strerror(errno));
			xfs_close(fs);
			return NULL;
		}
		struct open_how probe = {.flags = O_PATH, .resolve = RESOLVE_IN_ROOT};
		int fd = (int)syscall(SYS_openat2, fs->root, "/", &probe, sizeof probe);
		if (fd < 0) {
			sk_diags_add(d, SK_SEV_ERROR, rootfs, 0, 0, "extract-input",
				     "--rootfs needs openat2 (Linux 5.6): %s", strerror(errno));
			xfs_close(fs);
			return NULL;
		}
		close(fd);
	}
	int rc = read_conf(fs, "/etc/ld.so.conf", 0);
	for (size_t i = 0; rc == 0 && i < sizeof default_dirs / sizeof default_dirs[0]; i++)
		rc = add_dir(fs, default_dirs[i], strlen(default_dirs[i]));
	if (rc == 0)
		rc = read_musl_path(fs);
	if (rc < 0) {
		xfs_close(fs);
		return NULL;
	}
	return fs;
}

void xfs_close(struct xfs *fs)
{
	if (!fs)
		return;
	if (fs->root >= 0)
		close(fs->root);
	dirs_free(&fs->glibc);
	dirs_free(&fs->musl);
	free(fs->rootdir);
	free(fs);
}

/* "ROOT/PATH" for messages, or PATH on the host. */
static char *shown_path(const struct xfs *fs, const char *path)
{
	struct sk_sb sb = SK_SB_INIT;
	if (fs->root >= 0) {
		size_t n = strlen(fs->rootdir);
		sk_sb_add(&sb, fs->rootdir, n && fs->rootdir[n - 1] == '/' ? n - 1 : n);
	}
	sk_sb_adds(&sb, path);
	/* a library's name is the needing file's DT_NEEDED: another party's text */
	char *raw = sk_sb_detach(&sb, NULL);
	char *shown = raw ? sk_escape(raw) : NULL;
	free(raw);
	return shown;
}

int xfs_load(const struct xfs *fs, const char *path, struct xobj *o, char **shown,
	     struct stat *st, struct sk_diags *d)
{
	char *data = NULL;
	size_t len = 0;
	memset(o, 0, sizeof *o);
	*shown = shown_path(fs, path);
	if (!*shown)
		return -ENOMEM;
	int rc = read_in(fs, path, SK_INPUT_BINARY, &data, &len, st);
	if (rc < 0) {
		sk_diags_add(d, SK_SEV_ERROR, *shown, 0, 0, "extract-input", "cannot read: %s",
			     sk_read_error(rc, SK_INPUT_BINARY));
		return rc == -ENOENT ? -ENOENT : rc == -EFBIG ? -EFBIG : -ENOEXEC;
	}
	rc = xelf_load(&o->elf, *shown, data, len, d);
	if (rc == 0)
		xobj_set_label(o);
	return rc;
}

/* The host path of the directory or file FD stands for, as the kernel
 * names it (symlinks resolved); -errno. */
static int fd_path(int fd, char out[PATH_MAX])
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, out, PATH_MAX - 1);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	out[n] = 0;
	return 0;
}

/* PATH made absolute, "." and ".." taken lexically (no link is followed: a
 * link inside an image means something else on the host). */
static int lexical(const char *path, char out[PATH_MAX])
{
	size_t len = 0;
	if (path[0] != '/') {
		if (!getcwd(out, PATH_MAX))
			return -errno;
		len = strlen(out);
		if (len == 1)
			len = 0;
	}
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len && out[--len] != '/')
				;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (len + 1 + n >= PATH_MAX)
				return -ENAMETOOLONG;
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	if (!len)
		out[len++] = '/';
	out[len] = 0;
	return 0;
}

/* TAIL when FULL is PREFIX/TAIL ("/" for PREFIX itself), else NULL. */
static const char *under(const char *full, const char *prefix)
{
	size_t n = strlen(prefix);
	while (n && prefix[n - 1] == '/')
		n--;
	if (strncmp(full, prefix, n) || (full[n] && full[n] != '/'))
		return NULL;
	return full[n] ? full + n : "/";
}

char *xfs_in_root(const struct xfs *fs, const char *path)
{
	char abs[PATH_MAX], root[PATH_MAX];
	if (fs->root < 0 || lexical(path, abs) < 0)
		return NULL;
	const char *tail = lexical(fs->rootdir, root) == 0 ? under(abs, root) : NULL;
	if (!tail && fd_path(fs->root, root) == 0) /* the root as the kernel names it */
		tail = under(abs, root);
	return tail ? strdup(tail) : NULL;
}

char *xfs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash == path ? strdup("/") : slash ? strndup(path, (size_t)(slash - path))
						    : strdup(".");
}

char *xfs_program_origin(const struct xfs *fs, const char *path, bool in_root)
{
	char real[PATH_MAX], root[PATH_MAX];
	const char *tail = NULL;
	_sk_cleanup_close_ int fd = in_root ? open_in(fs, path, O_PATH)
					    : open(path, O_PATH | O_CLOEXEC);
	if (fd >= 0 && fd_path(fd, real) == 0)
		tail = !in_root ? real : fd_path(fs->root, root) == 0 ? under(real, root) : NULL;
	return xfs_dirname(tail ? tail : path);
}

/* Expand $ORIGIN (and ${ORIGIN}) in one search path entry. */
static char *expand(const char *entry, size_t len, const char *origin)
{
	struct sk_sb sb = SK_SB_INIT;
	for (size_t i = 0; i < len;) {
		if (!strncmp(entry + i, "$ORIGIN", 7) && i + 7 <= len) {
			sk_sb_adds(&sb, origin);
			i += 7;
		} else if (!strncmp(entry + i, "${ORIGIN}", 9) && i + 9 <= len) {
			sk_sb_adds(&sb, origin);
			i += 9;
		} else {
			sk_sb_addc(&sb, entry[i++]);
		}
	}
	return sk_sb_detach(&sb, NULL);
}

/* Try NAME in each directory of the colon-separated LIST. */
static int try_list(const struct xfs *fs, const char *list, const char *origin, const char *name,
		    struct xobj *o, char **found, char **shown, struct stat *st)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ":");
		char *dir = expand(p, n, origin);
		if (!dir)
			return -ENOMEM;
		struct sk_sb path = SK_SB_INIT;
		sk_sb_addf(&path, "%s/%s", dir, name);
		free(dir);
		char *full = sk_sb_detach(&path, NULL);
		if (!full)
			return -ENOMEM;
		struct sk_diags quiet = {0}; /* a miss or a 32-bit library: go on */
		int rc = full[0] == '/' ? xfs_load(fs, full, o, shown, st, &quiet) : -ENOENT;
		sk_diags_free(&quiet);
		if (rc == 0) {
			*found = full;
			return 0;
		}
		free(full);
		if (rc == -ENOMEM)
			return rc;
		xobj_free(o);
		free(*shown);
		*shown = NULL;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

/* The program is run by musl's ld.so (/lib/ld-musl-x86_64.so.1: Alpine). */
static bool musl_program(const struct xobj *program)
{
	const char *i = program->elf.interp, *base = i ? strrchr(i, '/') : NULL;
	return base && !strncmp(base + 1, "ld-musl-", 8);
}

/* A name musl's ld.so answers with itself, its libc holding them all:
 * libc.so, libc.musl-x86_64.so.1, libm.so.6, libpthread.so.0, librt, libdl,
 * libutil, libxnet (musl's ldso/dynlink.c, "reserved"). */
static bool musl_builtin(const char *name)
{
	static const char *const reserved[] = {"c.", "pthread.", "rt.", "m.", "dl.", "util.",
					       "xnet."};
	if (strncmp(name, "lib", 3))
		return false;
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (!strncmp(name + 3, reserved[i], strlen(reserved[i])))
			return true;
	return false;
}

bool xfs_interp_answers(const struct xobj *program, const char *name)
{
	return program && musl_program(program) && musl_builtin(name);
}

int xfs_find(const struct xfs *fs, const char *name, const struct xobj *loader,
	     const char *loader_origin, const struct xobj *program, const char *program_origin,
	     struct xobj *o, char **found, char **shown, struct stat *st, struct sk_diags *d)
{
	*found = NULL;
	if (strchr(name, '/')) {
		if (!(*found = strdup(name)))
			return -ENOMEM;
		return xfs_load(fs, name, o, shown, st, d);
	}
	const struct xelf *le = loader ? &loader->elf : NULL;
	bool musl = program && musl_program(program);
	if (xfs_interp_answers(program, name)) { /* musl's ld.so is its libc: itself */
		if (!(*found = strdup(program->elf.interp)))
			return -ENOMEM;
		return xfs_load(fs, program->elf.interp, o, shown, st, d);
	}
	int rc = -ENOENT;
	/* each list's $ORIGIN is its own object's directory */
	if (le && !le->runpath)
		rc = try_list(fs, le->rpath, loader_origin, name, o, found, shown, st);
	if (rc == -ENOENT && program && !program->elf.runpath && program != loader)
		rc = try_list(fs, program->elf.rpath, program_origin, name, o, found, shown, st);
	if (rc == -ENOENT && le)
		rc = try_list(fs, le->runpath, loader_origin, name, o, found, shown, st);
	const struct dirs *sys = musl ? &fs->musl : &fs->glibc;
	for (size_t i = 0; rc == -ENOENT && i < sys->n; i++)
		rc = try_list(fs, sys->v[i], "", name, o, found, shown, st);
	char *shown_name = rc == -ENOENT ? sk_escape(name) : NULL;
	if (rc == -ENOENT)
		sk_diags_add(d, SK_SEV_ERROR, loader ? loader->elf.path : name, 0, 0,
			     "extract-library", "needs %s, which is not found%s%s%s",
			     shown_name ? shown_name : "?", fs->root >= 0 ? " in " : "",
			     fs->root >= 0 ? fs->rootdir : "", fs->root >= 0 ? "" : " on this host");
	free(shown_name);
	return rc;
}
