/* Whole-file reads and atomic writes: a failed run never leaves half a file. */
#include <scmpkit/profile.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_fd(int fd, char **data, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
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
	}
	buf[n] = 0;
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int sk_read_file(const char *path, char **data, size_t *len)
{
	if (!strcmp(path, "-"))
		return read_fd(STDIN_FILENO, data, len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	int r = read_fd(fd, data, len);
	close(fd);
	return r;
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

int sk_write_file_atomic(const char *path, const char *data, size_t len)
{
	if (!strcmp(path, "-"))
		return write_all(STDOUT_FILENO, data, len);
	/* A device or FIFO (-o /dev/null, a pipe) is written in place: renaming a
	 * temporary file over it would replace the device node itself. */
	struct stat target;
	if (stat(path, &target) == 0 && !S_ISREG(target.st_mode)) {
		if (S_ISDIR(target.st_mode))
			return -EISDIR;
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		int r = write_all(fd, data, len);
		if (close(fd) < 0 && !r)
			r = -errno;
		return r;
	}
	/* POSIX dirname/basename may modify their argument: give each a copy */
	char *d = strdup(path), *b = strdup(path);
	char *tmp = NULL;
	if (!d || !b || asprintf(&tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0) {
		free(d);
		free(b);
		return -ENOMEM;
	}
	free(d);
	free(b);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;
		free(tmp);
		return e;
	}
	/* keep the mode of a file we replace; otherwise the usual 0644 under umask */
	struct stat st;
	mode_t mode = 0666;
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	else {
		mode_t um = umask(0);
		umask(um);
		mode &= ~um;
	}
	int r = write_all(fd, data, len);
	if (!r && fchmod(fd, mode) < 0)
		r = -errno;
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}
