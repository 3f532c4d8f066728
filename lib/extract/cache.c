/* SPDX-License-Identifier: Apache-2.0 */
/* The per-user cache of summaries: $XDG_CACHE_HOME/scmpkit/extract (or
 * ~/.cache/scmpkit/extract), one file per (build-id, key).
 *
 * A summary decides which syscalls a profile allows, so nothing another user
 * could have written may be used. The cache may sit anywhere (XDG_CACHE_HOME
 * inside another user's directory, a home reached through links), and a
 * check of its last directory by path proves nothing: whoever owns a
 * directory on the way can swap what lies below it between the check and
 * each later use. So the directory is opened once, from / one component at a
 * time without following links by path: each directory on the way must be
 * root's or ours and writable by nobody else (a sticky one, such as /tmp,
 * excepted: others may not rename or remove what is ours there); a symlink is
 * followed only when root or we own it; the cache directory itself is ours
 * and made 0700; missing components are created 0700. Entries are opened in
 * that directory with O_NOFOLLOW, checked on the open file (regular, ours,
 * writable by nobody else) and read from it; written through the same
 * directory fd atomically (sk_write_file_atomic_at). An entry must still
 * parse as a whole (summary.c validates every field) and name the build-id
 * and key asked for. The key includes a hash of the file's bytes, so a
 * rebuilt library with a reused build-id is not mistaken. A cache that
 * cannot be trusted is not used: extract works without it, and says so once. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/fileio.h>

#include "util/cleanup.h"
#include "util/owner.h"
#include "util/strbuf.h"

struct xcache {
	int dfd;
};

static void note(struct sk_diags *d, const char *dir, const char *why)
{
	sk_diags_add(d, SK_SEV_NOTE, dir, 0, 0, "extract-cache",
		     "summary cache not used: %s; every library is analysed", why);
}

/* Symbolic links followed on the way at most, as the kernel's MAXSYMLINKS. */
#define MAX_LINKS 40

/* The walk from / to the cache directory: FD is where it stands (SHOWN names
 * it), REST what is left to walk. WHY says what stopped it. */
struct walk {
	int fd;
	struct sk_sb shown, rest;
	unsigned links;
	bool done; /* FD is the cache directory */
	char why[160];
};

/* W now stands in FD. */
static void walk_to(struct walk *w, int fd)
{
	sk_closep(&w->fd);
	w->fd = fd;
}

static void walk_release(struct walk *w)
{
	walk_to(w, -1);
	sk_sb_release(&w->shown);
	sk_sb_release(&w->rest);
}

/* ST (a directory or link met on the way) may be trusted: root's or ours,
 * and a directory writable by nobody else unless it is sticky. */
static bool trusted(struct walk *w, const struct stat *st)
{
	if (!sk_owner_allowed(st->st_uid, SK_OWNER_ROOT | SK_OWNER_SELF))
		snprintf(w->why, sizeof w->why, "%s uid %u, neither root nor you",
			 S_ISLNK(st->st_mode) ? "a symlink of" : "owned by", (unsigned)st->st_uid);
	else if (!sk_owner_trusted(st, SK_OWNER_ROOT | SK_OWNER_SELF | SK_OWNER_STICKY))
		snprintf(w->why, sizeof w->why, "writable by group or others (mode %04o)",
			 (unsigned)(st->st_mode & 07777));
	else
		return true;
	return false;
}

/* Start again at / (the start, and an absolute link's target). */
static int walk_root(struct walk *w)
{
	walk_to(w, open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
	struct stat st;
	if (w->fd < 0 || fstat(w->fd, &st) < 0) {
		int e = errno;
		snprintf(w->why, sizeof w->why, "%s", strerror(e));
		return -e;
	}
	sk_sb_reset(&w->shown);
	return trusted(w, &st) ? 0 : -EPERM;
}

/* Replace REST by TARGET (a link's) followed by what was left. */
static int walk_link(struct walk *w, const char *name)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(w->fd, name, target, sizeof target - 1);
	int e = n < 0 ? errno : n == (ssize_t)sizeof target - 1 ? ENAMETOOLONG
			: ++w->links > MAX_LINKS ? ELOOP : 0;
	if (e) {
		snprintf(w->why, sizeof w->why, "%s", e == ELOOP ? "too many symlinks" : strerror(e));
		return -e;
	}
	target[n] = 0;
	struct sk_sb rest = SK_SB_INIT;
	sk_sb_addf(&rest, "%s/%s", target, w->rest.buf);
	sk_sb_release(&w->rest);
	w->rest = rest;
	if (rest.oom)
		return -ENOMEM;
	if (target[0] == '/')
		return walk_root(w);
	/* relative: from the directory that holds the link */
	char *slash = strrchr(w->shown.buf, '/');
	if (slash)
		sk_sb_setlen(&w->shown, (size_t)(slash - w->shown.buf));
	return 0;
}

/* One step: NAME in the directory W stands in. LAST: the cache directory
 * itself, opened to read and write in, and ours only. */
static int walk_step(struct walk *w, const char *name, bool last)
{
	sk_sb_addf(&w->shown, "/%s", name);
	struct stat st;
	if (fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		mkdirat(w->fd, name, 0700); /* an existing one goes through the same checks */
	if (fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;
		snprintf(w->why, sizeof w->why, "%s", strerror(e));
		return -e;
	}
	if (S_ISLNK(st.st_mode)) {
		if (!trusted(w, &st))
			return -EPERM;
		return walk_link(w, name);
	}
	int flags = (last ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(w->fd, name, flags);
	if (fd < 0 || fstat(fd, &st) < 0) { /* the checks hold for what is open */
		int e = errno;
		snprintf(w->why, sizeof w->why, "%s",
			 e == ELOOP ? "swapped for a symlink meanwhile" : strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	walk_to(w, fd);
	if (!last)
		return trusted(w, &st) ? 0 : -EPERM;
	/* the cache directory: ours, and made private if it was not */
	if (!sk_owner_allowed(st.st_uid, SK_OWNER_SELF)) {
		snprintf(w->why, sizeof w->why, "owned by uid %u, not by you", (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0700) < 0) {
		snprintf(w->why, sizeof w->why, "others may read it, and it cannot be made private");
		return -EPERM;
	}
	w->done = true;
	return 0;
}

/* The next component of REST into NAME (empty ones and "." skipped): 1, or
 * 0 when nothing is left, -ENAMETOOLONG. */
static int next_name(struct sk_sb *rest, char name[NAME_MAX + 1])
{
	for (;;) {
		char *p = rest->buf;
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (!n)
			return 0;
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, p, n);
		name[n] = 0;
		memmove(rest->buf, p + n, strlen(p + n) + 1);
		sk_sb_setlen(rest, strlen(rest->buf));
		if (strcmp(name, "."))
			return 1;
	}
}

/* Nothing but "." and slashes is left in REST. */
static bool nothing_after(const char *rest)
{
	for (const char *p = rest; *p; p += strcspn(p, "/")) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (n && !(n == 1 && *p == '.'))
			return false;
	}
	return true;
}

/* Open PATH (absolute) for the cache as the file's first comment says: a
 * directory fd, or a negative errno with W->why and W->shown saying why. */
static int open_trusted(struct walk *w, const char *path)
{
	sk_sb_adds(&w->rest, path);
	if (w->rest.oom)
		return -ENOMEM;
	int r = walk_root(w);
	char name[NAME_MAX + 1];
	/* the last component is the one nothing follows (when it is a link,
	 * its target's components follow) */
	int more = 0;
	while (!r && (more = next_name(&w->rest, name)) > 0)
		r = walk_step(w, name, nothing_after(w->rest.buf));
	if (!r && more < 0) {
		snprintf(w->why, sizeof w->why, "%s", strerror(-more));
		r = more;
	}
	if (!r && !w->done) {
		snprintf(w->why, sizeof w->why, "not a directory of yours");
		r = -ENOTDIR;
	}
	return r;
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
	_sk_cleanup_free_ char *path = dir ? strdup(dir) : default_dir();
	if (!path) {
		note(d, "~/.cache", "no home directory");
		return NULL;
	}
	if (path[0] != '/') { /* from the working directory, walked from / all the same */
		_sk_cleanup_free_ char *cwd = getcwd(NULL, 0);
		char *abs = NULL;
		if (!cwd || asprintf(&abs, "%s/%s", cwd, path) < 0) {
			note(d, path, "the working directory cannot be named");
			return NULL;
		}
		free(path);
		path = abs;
	}
	struct walk w = {.fd = -1, .shown = SK_SB_INIT, .rest = SK_SB_INIT};
	int r = open_trusted(&w, path);
	struct xcache *c = r < 0 ? NULL : malloc(sizeof *c);
	if (c)
		c->dfd = SK_TAKE_FD(w.fd);
	else if (r < 0)
		note(d, w.shown.len ? w.shown.buf : "/", w.why[0] ? w.why : strerror(-r));
	walk_release(&w);
	return c;
}

void xcache_close(struct xcache *c)
{
	if (!c)
		return;
	sk_closep(&c->dfd);
	free(c);
}

/* "BUILDID-KEY.summary" */
static char *entry_name(const struct xsummary *s)
{
	struct sk_sb sb = SK_SB_INIT;
	for (size_t i = 0; i < s->build_id_len; i++)
		sk_sb_addf(&sb, "%02x", s->build_id[i]);
	if (!s->build_id_len)
		sk_sb_adds(&sb, "no-build-id");
	sk_sb_addf(&sb, "-%016" PRIx64 ".summary", s->key);
	return sk_sb_detach(&sb, NULL);
}

int xcache_get(struct xcache *c, const struct xsummary *want, struct xsummary *s)
{
	_sk_cleanup_free_ char *name = entry_name(want);
	if (!name)
		return -ENOMEM;
	/* O_NONBLOCK: a FIFO of ours must not hang the open; refused below */
	_sk_cleanup_close_ int fd =
		openat(c->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !sk_owner_trusted(&st, SK_OWNER_SELF))
		return -ENOENT;
	_sk_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (sk_read_input_fd(fd, SK_INPUT_OTHER, &text, &len) < 0 || xsummary_parse(text, len, s) < 0)
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
	_sk_cleanup_free_ char *text = xsummary_write(s, &len);
	_sk_cleanup_free_ char *name = entry_name(s);
	if (!text || !name)
		return -ENOMEM;
	/* an entry we did not trust goes first: replacing it would keep its owner */
	unlinkat(c->dfd, name, 0);
	return sk_write_file_atomic_at(c->dfd, name, text, len);
}
