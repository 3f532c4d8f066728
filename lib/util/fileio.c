/* SPDX-License-Identifier: Apache-2.0 */
/* Reading inputs within limits and writing outputs atomically (fileio.h).
 *
 * Both directions are where a hostile neighbour on the node gets a say: an
 * input can be /dev/zero or a FIFO nobody writes, an output path can be a
 * symlink someone else planted. Each rule here answers one such attack; the
 * header lists them. */
#include <scmpkit/fileio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/owner.h"

#define MiB ((size_t)1 << 20)
#define FIFO_WAIT_MS 2000

static const struct {
	size_t limit;
	const char *name;
} kinds[] = {
	[SK_INPUT_PROFILE] = {16 * MiB, "a profile"},
	[SK_INPUT_MANIFEST] = {64 * MiB, "a manifest"},
	[SK_INPUT_BPF] = {1 * MiB, "a BPF program"},
	[SK_INPUT_LOG] = {1024 * MiB, "a log"},
	[SK_INPUT_BINARY] = {2048 * MiB, "a binary"},
	[SK_INPUT_OTHER] = {64 * MiB, "an input"},
};

size_t sk_input_limit(enum sk_input_kind kind)
{
	return kinds[(unsigned)kind <= SK_INPUT_OTHER ? kind : SK_INPUT_OTHER].limit;
}

const char *sk_input_kind_name(enum sk_input_kind kind)
{
	return kinds[(unsigned)kind <= SK_INPUT_OTHER ? kind : SK_INPUT_OTHER].name;
}

const char *sk_read_error(int err, enum sk_input_kind kind)
{
	static __thread char msg[96];
	switch (err < 0 ? -err : err) {
	case EFBIG:
		snprintf(msg, sizeof msg, "larger than the %zu MiB limit for %s",
			 sk_input_limit(kind) / MiB, sk_input_kind_name(kind));
		return msg;
	case ENODEV:
		return "a device, not a file";
	case EISDIR:
		return "a directory, not a file";
	case ETIMEDOUT:
		snprintf(msg, sizeof msg, "a FIFO nobody writes (no writer within %d s)",
			 FIFO_WAIT_MS / 1000);
		return msg;
	default:
		return strerror(err < 0 ? -err : err);
	}
}

/* A FIFO nobody has opened for writing reads as empty at once, and an empty
 * input would pass for "nothing to check". Wait a while for a writer (a shell
 * may start it just after us); past that, nobody will. Linux's poll reports
 * nothing on such a FIFO until a first writer opens it (no POLLHUP before). */
static int wait_writer(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int n = poll(&p, 1, FIFO_WAIT_MS);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* Read FD to its end, at most LIMIT bytes. A read error is an error, never
 * the end of the file (ENOMEM from a read once looked like EOF). */
static int read_fd(int fd, size_t limit, size_t hint, char **data, size_t *len)
{
	size_t cap = hint && hint < limit ? hint + 1 : 65536, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > limit) {
				free(buf);
				return -EFBIG;
			}
			size_t nc = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
			char *nb = realloc(buf, nc + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = nc;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > limit) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[n] = 0;
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int sk_read_input(const char *path, enum sk_input_kind kind, char **data, size_t *len)
{
	size_t limit = sk_input_limit(kind);
	if (!strcmp(path, "-"))
		return read_fd(STDIN_FILENO, limit, 0, data, len);
	/* O_NONBLOCK: opening a FIFO nobody writes would otherwise wait forever;
	 * a FIFO then waits a bounded time for its writer, and O_NONBLOCK is
	 * switched off again before reading, so a writer that is there is read
	 * to its end. */
	_sk_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return sk_read_input_fd(fd, kind, data, len);
}

int sk_read_input_fd(int fd, enum sk_input_kind kind, char **data, size_t *len)
{
	size_t limit = sk_input_limit(kind);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return -ENODEV;
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit)
		return -EFBIG;
	int r = S_ISFIFO(st.st_mode) ? wait_writer(fd) : 0;
	if (r < 0)
		return r;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	return read_fd(fd, limit, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, data, len);
}

int sk_read_file(const char *path, char **data, size_t *len)
{
	return sk_read_input(path, SK_INPUT_OTHER, data, len);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

const char *sk_write_error(int err)
{
	switch (err < 0 ? -err : err) {
	case ELOOP:
		return "a symlink owned by another user: refusing to write through it";
	case ENODEV:
		return "a device: refusing to write into it";
	case EISDIR:
		return "a directory";
	case ENOENT:
		return "no such directory, or a symlink that leads nowhere";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

static bool is_dev_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3;
}

/* Write in place: a FIFO someone reads, or /dev/null. */
static int write_in_place(const char *path, const char *data, size_t len)
{
	_sk_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* the node may have been swapped between our stat and this open */
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISFIFO(st.st_mode) && !is_dev_null(&st))
		return -ENODEV;
	int r = write_all(fd, data, len);
	int c = close(SK_TAKE_FD(fd));
	return r ? r : c < 0 ? -errno : 0;
}

static mode_t current_umask(void)
{
	mode_t um = umask(0);
	umask(um);
	return um;
}

/* DIR/.BASE.XXXXXX into BUF; a fresh random suffix each call. */
static int temp_name(char *buf, size_t size, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) : 1;
	const char *dir = slash ? path : ".";
	if (slash == path)
		dirlen = 0; /* "/name": the root directory */
	const char *base = slash ? slash + 1 : path;
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char suffix[7];
	unsigned v = 0;
	FILE *r = fopen("/dev/urandom", "re");
	for (int i = 0; i < 6; i++) {
		if (!r || fread(&v, sizeof v, 1, r) != 1)
			v = (unsigned)rand() ^ (unsigned)getpid() ^ (unsigned)i * 7919u;
		suffix[i] = alnum[v % (sizeof alnum - 1)];
	}
	suffix[6] = 0;
	if (r)
		fclose(r);
	int n = snprintf(buf, size, "%.*s/.%s.%s", dirlen, dir, base, suffix);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Create the contents as an unnamed file in TARGET's directory and give it a
 * temporary name only once it is whole: killed mid-way, the kernel frees it.
 * TARGET and TMP are relative to DIRFD (AT_FDCWD for a path). The mode bits
 * in DENY are cleared whatever the umask and the old file say. */
static int write_temp(int dirfd, const char *target, const struct stat *old, mode_t deny,
		      const char *data, size_t len, char *tmp, size_t tmpsize)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(target, '/');
	int n = slash ? snprintf(dir, sizeof dir, "%.*s", slash == target ? 1 : (int)(slash - target), target)
		      : snprintf(dir, sizeof dir, ".");
	if (n < 0 || (size_t)n >= sizeof dir)
		return -ENAMETOOLONG;
	mode_t mode = (old ? old->st_mode & 07777 : 0666) & ~deny;
	bool named = false;
	_sk_cleanup_close_ int fd = openat(dirfd, dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0) {
		/* no O_TMPFILE on this filesystem: a named temporary file */
		if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
			return -errno;
		for (int tries = 0; fd < 0 && tries < 100; tries++) {
			int r = temp_name(tmp, tmpsize, target);
			if (r < 0)
				return r;
			fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
			if (fd < 0 && errno != EEXIST)
				return -errno;
		}
		if (fd < 0)
			return -EEXIST;
		named = true;
	}
	int r = write_all(fd, data, len);
	/* a replaced file keeps its mode and, where we may, its owner */
	if (!r && old && fchown(fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)
		r = -errno;
	if (!r && fchmod(fd, (old ? mode : mode & ~current_umask()) & ~deny) < 0)
		r = -errno;
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (!r && !named) {
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		r = -EEXIST;
		for (int tries = 0; r == -EEXIST && tries < 100; tries++) {
			r = temp_name(tmp, tmpsize, target);
			if (!r && linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) < 0)
				r = -errno;
		}
		named = !r;
	}
	if (close(SK_TAKE_FD(fd)) < 0 && !r)
		r = -errno;
	if (r && named)
		unlinkat(dirfd, tmp, 0);
	return r;
}

/* FD when P names one of this process's open files through procfs
 * ("/proc/self/fd/1", "/dev/fd/2", "/proc/PID/fd/N" of our own pid), else -1. */
static int fd_path(const char *p)
{
	char own[48];
	snprintf(own, sizeof own, "/proc/%d/fd/", (int)getpid());
	const char *const prefixes[] = {"/proc/self/fd/", "/proc/thread-self/fd/", "/dev/fd/", own};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);
		const char *d = p + n;
		if (strncmp(p, prefixes[i], n) || !*d || strspn(d, "0123456789") != strlen(d) ||
		    strlen(d) > 9)
			continue;
		return atoi(d);
	}
	return -1;
}

/* The open file PATH leads to through symlinks (/dev/stdout ->
 * /proc/self/fd/1): its fd, or -1 when it leads to none. Such a path means
 * what the shell opened (a ">>" log, a pipe, the terminal), so the output is
 * written to that fd; replacing the file it names would throw away what the
 * log held. */
static int open_fd_of(const char *path)
{
	char cur[PATH_MAX], next[PATH_MAX];
	if (snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur)
		return -1;
	for (int hops = 0; hops < 40; hops++) {
		int fd = fd_path(cur);
		if (fd >= 0)
			return fd;
		ssize_t n = readlink(cur, next, sizeof next - 1);
		if (n < 0)
			return -1;
		next[n] = 0;
		if (next[0] == '/') {
			memcpy(cur, next, (size_t)n + 1);
			continue;
		}
		char *slash = strrchr(cur, '/');
		size_t keep = slash ? (size_t)(slash - cur) + 1 : 0;
		if (keep + (size_t)n >= sizeof cur)
			return -1;
		memcpy(cur + keep, next, (size_t)n + 1);
	}
	return -1;
}

/* A link we follow: our own, or root's (/dev/stdout, /lib -> usr/lib). */
static bool trusted_link(const struct stat *st)
{
	return sk_owner_allowed(st->st_uid, SK_OWNER_ROOT | SK_OWNER_SELF);
}

/* PATH with every symlink on the way resolved into OUT, as realpath(3) does,
 * but -ELOOP for a link of another user wherever it is: a directory planted
 * as a link (/tmp/work -> /etc) leads a write as far as a last component
 * does. The last component may be missing (OUT then names the file to
 * create). */
static int resolve_trusted(const char *path, char out[PATH_MAX])
{
	char rest[PATH_MAX], link[PATH_MAX];
	size_t olen;
	if (path[0] == '/') {
		olen = 0;
	} else if (!getcwd(out, PATH_MAX)) {
		return -errno;
	} else {
		olen = strlen(out);
		if (olen == 1)
			olen = 0; /* the root: components add their own '/' */
	}
	out[olen] = 0;
	if (snprintf(rest, sizeof rest, "%s", path) >= (int)sizeof rest)
		return -ENAMETOOLONG;
	int hops = 0;
	for (char *p = rest; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, "/");
		bool last = !p[n + strspn(p + n, "/")];
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			if (n == 2)
				while (olen && out[--olen] != '/')
					;
			out[olen] = 0;
			p += n;
			continue;
		}
		if (olen + 1 + n >= PATH_MAX)
			return -ENAMETOOLONG;
		out[olen] = '/';
		memcpy(out + olen + 1, p, n);
		out[olen + 1 + n] = 0;
		p += n;
		struct stat st;
		if (lstat(out, &st) < 0) {
			if (errno == ENOENT && last)
				return 0;
			return -errno;
		}
		if (!S_ISLNK(st.st_mode)) {
			olen += 1 + n;
			continue;
		}
		if (!trusted_link(&st) || ++hops > 40)
			return -ELOOP;
		ssize_t ln = readlink(out, link, sizeof link - 1);
		if (ln < 0)
			return -errno;
		link[ln] = 0;
		/* the link's text, then what was left of the path */
		size_t left = strlen(p);
		if ((size_t)ln + left + 1 >= sizeof rest)
			return -ENAMETOOLONG;
		memmove(rest + ln, p, left + 1);
		memcpy(rest, link, (size_t)ln);
		p = rest;
		out[olen] = 0;
		if (link[0] == '/')
			out[olen = 0] = 0;
	}
	if (!olen)
		snprintf(out, PATH_MAX, "/");
	return 0;
}

int sk_write_file_atomic(const char *path, const char *data, size_t len)
{
	if (!strcmp(path, "-"))
		return write_all(STDOUT_FILENO, data, len);
	char target[PATH_MAX];
	struct stat st;
	bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	if (link && trusted_link(&st)) {
		int fd = open_fd_of(path);
		if (fd >= 0) {
			int fl = fcntl(fd, F_GETFL);
			if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
				return -EBADF;
			return write_all(fd, data, len);
		}
	}
	/* Follow only our own links (or root's), on the way and at the end: a
	 * link another user planted could lead anywhere we may write. */
	int r = resolve_trusted(path, target);
	if (r < 0)
		return r;
	path = target;
	bool exists = true;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT || link)
			return -errno; /* a link that leads nowhere: no file made for it */
		exists = false;
	}
	if (exists) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (S_ISFIFO(st.st_mode) || is_dev_null(&st))
			return write_in_place(path, data, len);
		if (!S_ISREG(st.st_mode))
			return -ENODEV;
	}
	char tmp[PATH_MAX];
	r = write_temp(AT_FDCWD, path, exists ? &st : NULL, 0, data, len, tmp, sizeof tmp);
	if (r)
		return r;
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
	}
	return r;
}

int sk_write_file_atomic_at(int dirfd, const char *name, const char *data, size_t len)
{
	if (!*name || strchr(name, '/'))
		return -EINVAL;
	struct stat st;
	bool exists = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT)
		return -errno;
	if (exists && S_ISDIR(st.st_mode))
		return -EISDIR;
	/* whatever else NAME is (a link, a device) is replaced, never opened */
	bool keep = exists && S_ISREG(st.st_mode);
	char tmp[PATH_MAX];
	int r = write_temp(dirfd, name, keep ? &st : NULL, S_IWGRP | S_IWOTH, data, len, tmp,
			   sizeof tmp);
	if (r)
		return r;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return fsync(dirfd) < 0 ? -errno : 0;
}
