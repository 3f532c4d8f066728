/* SPDX-License-Identifier: Apache-2.0 */
/* A stripped file's separate debug file: where it is, and whether it may be
 * used.
 *
 * Distributions strip their binaries and ship the symbols apart, found by the
 * file's build-id: /usr/lib/debug/.build-id/NN/NNNN....debug (Debian's
 * -dbgsym packages and libc6-dbg, Fedora's -debuginfo, what debuginfod
 * serves). Symbols make the analysis finer: function bounds, and data
 * objects' bounds, where a stripped file leaves the analysis to let an object
 * run on into the next (graph.c). So a debug file decides what a
 * profile allows, like the file itself: it is looked up where the file's
 * libraries are (inside --rootfs when given, an image's own /usr/lib/debug),
 * or in the directory --debug-dir names; on the host it must be root's or
 * ours and writable by nobody else (another user's file could hold symbols
 * that cut an object short); it must carry the file's build-id (elf.c). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/fileio.h>

#include "util/cleanup.h"
#include "util/owner.h"
#include "util/strbuf.h"

#define DEBUG_DIR "/usr/lib/debug"

/* DIR/.build-id/NN/NNNN....debug for E's build-id (two bytes or more);
 * NULL when out of memory. */
static char *debug_path(const char *dir, const struct xelf *e)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_addf(&sb, "%s/.build-id/%02x/", dir, e->build_id[0]);
	for (size_t i = 1; i < e->build_id_len; i++)
		sk_sb_addf(&sb, "%02x", e->build_id[i]);
	sk_sb_adds(&sb, ".debug");
	return sk_sb_detach(&sb, NULL);
}

/* PATH as an O_PATH fd when it is a debug file extract may use (a regular
 * file; outside an image's root, root's or ours and writable by nobody
 * else), else -1. HOST: PATH is a host path (--debug-dir), not one in FS. */
static int open_debug(const struct xfs *fs, bool host, bool in_root, const char *path,
		      struct stat *st)
{
	int fd = host ? open(path, O_PATH | O_CLOEXEC) : xfs_open_path(fs, path);
	bool image = in_root && !host; /* as trusted as the image's own libraries */
	if (fd >= 0 && fstat(fd, st) == 0 && S_ISREG(st->st_mode) &&
	    (image || sk_owner_trusted(st, SK_OWNER_ROOT | SK_OWNER_SELF)))
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

int xdebug_find(const struct xfs *fs, const char *const *dirs, size_t n_dirs, bool in_root,
		const struct xelf *e, char **path, struct stat *st)
{
	static const char *const fallback[] = {DEBUG_DIR};
	*path = NULL;
	if (e->has_symtab || e->build_id_len < 2)
		return 1;
	bool host = n_dirs > 0;
	if (!host)
		dirs = fallback, n_dirs = 1;
	for (size_t i = 0; i < n_dirs; i++) {
		char *p = debug_path(dirs[i], e);
		if (!p)
			return -ENOMEM;
		int fd = open_debug(fs, host, in_root, p, st);
		if (fd >= 0) {
			close(fd);
			*path = p;
			return 0;
		}
		free(p);
	}
	return 1;
}

/* PATH (as open_debug takes it) opened for reading, or -1 with *WHY. The
 * O_PATH fd's checks hold for what is read: it is reopened, not the path. */
static int open_checked(const struct xfs *fs, bool host, bool in_root, const char *path,
			struct stat *st, const char **why)
{
	_sk_cleanup_close_ int fd = open_debug(fs, host, in_root, path, st);
	if (fd < 0) {
		*why = "it is gone, or no longer a regular file of root's or ours";
		return -1;
	}
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	int rfd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (rfd < 0)
		*why = strerror(errno);
	return rfd;
}

int xdebug_add(const struct xfs *fs, bool host, bool in_root, struct xelf *e, const char *path,
	       const char **why)
{
	struct stat st;
	_sk_cleanup_close_ int rfd = open_checked(fs, host, in_root, path, &st, why);
	return rfd < 0 ? 1 : xelf_add_debug_fd(e, rfd, (size_t)st.st_size, why);
}

/* A static program's libc, as the linker found it on a Debian system: its
 * code is in the program byte for byte (archive.c). */
#define LIBC_ARCHIVE "/usr/lib/x86_64-linux-gnu/libc.a"

int xdebug_find_archive(const struct xfs *fs, bool in_root, const struct xelf *e, char **path,
			struct stat *st)
{
	*path = NULL;
	if (e->has_symtab || e->interp || e->soname || e->n_needed)
		return 1; /* not a stripped static program */
	int fd = open_debug(fs, false, in_root, LIBC_ARCHIVE, st);
	if (fd < 0)
		return 1;
	close(fd);
	*path = strdup(LIBC_ARCHIVE);
	return *path ? 0 : -ENOMEM;
}

int xdebug_add_archive(const struct xfs *fs, bool in_root, struct xelf *e, const char *path,
		       size_t *named, const char **why)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	*named = 0;
	_sk_cleanup_close_ int rfd = open_checked(fs, false, in_root, path, &st, why);
	if (rfd < 0)
		return 1;
	if (sk_read_input_fd(rfd, SK_INPUT_BINARY, &data, &len) < 0) {
		*why = "it cannot be read";
		return 1;
	}
	int rc = xelf_add_archive_names(e, data, len, named, why);
	free(data);
	return rc;
}
