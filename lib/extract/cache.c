/* SPDX-License-Identifier: Apache-2.0 */
/* The per-user cache of summaries: $XDG_CACHE_HOME/scmpkit/extract (or
 * ~/.cache/scmpkit/extract), one file per (build-id, key).
 *
 * A summary decides which syscalls a profile allows, so an entry another user
 * could have written must not be used: the directory is created with mode
 * 0700 and used only when it is owned by this user and nobody else can write
 * to it; an entry is used only when it is a regular file owned by this user,
 * writable by nobody else, and parses as a whole (summary.c validates every
 * field). Entries are written atomically (sk_write_file_atomic), so a crash
 * leaves the old entry or the new one. The key includes a hash of the file's
 * bytes, so a rebuilt library with a reused build-id is not mistaken. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/fileio.h>

#include "util/strbuf.h"

struct xcache {
	char *dir;
};

static void note(struct sk_diags *d, const char *dir, const char *why)
{
	sk_diags_add(d, SK_SEV_NOTE, dir, 0, 0, "extract-cache",
		     "summary cache not used: %s; every library is analysed", why);
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int rc = mkdir(path, 0700);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return -errno;
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

static char *default_dir(void)
{
	struct sk_sb sb = SK_SB_INIT;
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/') { /* the spec ignores relative values */
		sk_sb_adds(&sb, xdg);
	} else {
		if (!home || home[0] != '/') {
			struct passwd *pw = getpwuid(geteuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return NULL;
		sk_sb_addf(&sb, "%s/.cache", home);
	}
	sk_sb_adds(&sb, "/scmpkit/extract");
	return sk_sb_detach(&sb, NULL);
}

struct xcache *xcache_open(const char *dir, struct sk_diags *d)
{
	char *path = dir ? strdup(dir) : default_dir();
	if (!path) {
		note(d, "~/.cache", "no home directory");
		return NULL;
	}
	int rc = make_dirs(path);
	struct stat st;
	const char *why = NULL;
	if (rc < 0)
		why = strerror(-rc);
	else if (lstat(path, &st) < 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory (a symlink?)";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if ((st.st_mode & 0077) && chmod(path, 0700) < 0)
		why = "others may write to it, and it cannot be made private";
	if (why) {
		note(d, path, why);
		free(path);
		return NULL;
	}
	struct xcache *c = malloc(sizeof *c);
	if (!c) {
		free(path);
		return NULL;
	}
	c->dir = path;
	return c;
}

void xcache_close(struct xcache *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c);
}

static char *entry_path(const struct xcache *c, const struct xsummary *s)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_addf(&sb, "%s/", c->dir);
	for (size_t i = 0; i < s->build_id_len; i++)
		sk_sb_addf(&sb, "%02x", s->build_id[i]);
	if (!s->build_id_len)
		sk_sb_adds(&sb, "no-build-id");
	sk_sb_addf(&sb, "-%016" PRIx64 ".summary", s->key);
	return sk_sb_detach(&sb, NULL);
}

int xcache_get(struct xcache *c, const struct xsummary *want, struct xsummary *s)
{
	char *path = entry_path(c, want);
	struct stat st;
	if (!path)
		return -ENOMEM;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		free(path);
		return -ENOENT;
	}
	char *text = NULL;
	size_t len = 0;
	int rc = sk_read_input(path, SK_INPUT_OTHER, &text, &len);
	free(path);
	if (rc < 0)
		return -ENOENT;
	rc = xsummary_parse(text, len, s);
	free(text);
	if (rc < 0)
		return -ENOENT;
	if (s->key != want->key || s->build_id_len != want->build_id_len ||
	    memcmp(s->build_id, want->build_id, s->build_id_len)) {
		xsummary_free(s);
		return -ENOENT;
	}
	return 0;
}

int xcache_put(struct xcache *c, const struct xsummary *s)
{
	size_t len;
	char *text = xsummary_write(s, &len);
	char *path = entry_path(c, s);
	/* an entry we did not trust goes first: replacing it would keep its owner */
	if (path)
		unlink(path);
	int rc = text && path ? sk_write_file_atomic(path, text, len) : -ENOMEM;
	free(text);
	free(path);
	return rc;
}
