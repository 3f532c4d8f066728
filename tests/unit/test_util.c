/* SPDX-License-Identifier: Apache-2.0 */
/* lib/util: the growable buffer's invariants, escaping of untrusted text,
 * input limits and the refusals of the atomic writer (issue 12, items 5, 12,
 * 13, 14). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <scmpkit/escape.h>
#include <scmpkit/fileio.h>

#include "util/cleanup.h"
#include "util/owner.h"
#include "util/strbuf.h"

Test(strbuf, never_null_and_nul_terminated)
{
	struct sk_sb sb = SK_SB_INIT;
	cr_assert_not_null(sb.buf);
	cr_assert_str_eq(sb.buf, "");
	sk_sb_adds(&sb, "abc");
	sk_sb_addf(&sb, "-%d-", 42);
	sk_sb_addc(&sb, 'x');
	sk_sb_addchars(&sb, ' ', 3);
	cr_assert_str_eq(sb.buf, "abc-42-x   ");
	cr_assert_eq(sb.len, strlen(sb.buf));
	sk_sb_setlen(&sb, 3);
	cr_assert_str_eq(sb.buf, "abc");
	size_t len;
	char *s = sk_sb_detach(&sb, &len);
	cr_assert_str_eq(s, "abc");
	cr_assert_eq(len, 3);
	cr_assert_str_eq(sb.buf, "", "a detached buffer is empty again");
	free(s);
	s = sk_sb_detach(&sb, &len);
	cr_assert_not_null(s, "detaching an empty buffer gives an empty string");
	cr_assert_str_eq(s, "");
	free(s);
	sk_sb_release(&sb);
}

Test(strbuf, oom_is_sticky)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_adds(&sb, "x");
	cr_assert_eq(sk_sb_grow(&sb, SIZE_MAX - 1), -ENOMEM);
	sk_sb_adds(&sb, "more");
	cr_assert(sb.oom);
	cr_assert_null(sk_sb_detach(&sb, NULL), "half a text is never handed over");
}

Test(escape, terminal_controls)
{
	char *s = sk_escape("\r\x1b[2K\x1b[1Aevil\n\\ok\xc2\x9b\xff é");
	cr_assert_str_eq(s, "\\r\\e[2K\\e[1Aevil\\n\\\\ok\\xc2\\x9b\\xff é");
	cr_assert(!sk_needs_escape("busybox é"));
	cr_assert(sk_needs_escape("a\tb"));
	free(s);
}

static char dir[] = "/tmp/sk-util-XXXXXX";

static void mkdir_tmp(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(fileio, refuses_devices_and_limits, .init = mkdir_tmp, .fini = rm_tmp)
{
	char *data;
	size_t len;
	cr_assert_eq(sk_read_input("/dev/zero", SK_INPUT_PROFILE, &data, &len), -ENODEV);
	cr_assert_str_eq(sk_read_error(-ENODEV, SK_INPUT_PROFILE), "a device, not a file");
	char path[128];
	snprintf(path, sizeof path, "%s/big", dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, (off_t)(sk_input_limit(SK_INPUT_PROFILE) + 1)), 0);
	close(fd);
	cr_assert_eq(sk_read_input(path, SK_INPUT_PROFILE, &data, &len), -EFBIG);
	cr_assert_str_eq(sk_read_error(-EFBIG, SK_INPUT_PROFILE),
			 "larger than the 16 MiB limit for a profile");
	cr_assert_eq(sk_read_input(path, SK_INPUT_MANIFEST, &data, &len), 0);
	cr_assert_eq(len, sk_input_limit(SK_INPUT_PROFILE) + 1);
	free(data);
	cr_assert_eq(sk_read_input(dir, SK_INPUT_PROFILE, &data, &len), -EISDIR);
}

Test(fileio, fifo_without_writer_does_not_block, .init = mkdir_tmp, .fini = rm_tmp, .timeout = 10)
{
	char path[128];
	snprintf(path, sizeof path, "%s/fifo", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	char *data;
	size_t len;
	/* not an empty input either: nobody wrote it (a bounded wait, then this) */
	cr_assert_eq(sk_read_input(path, SK_INPUT_PROFILE, &data, &len), -ETIMEDOUT);
	cr_assert_not_null(strstr(sk_read_error(-ETIMEDOUT, SK_INPUT_PROFILE), "FIFO nobody writes"));
}

Test(fileio, a_stream_past_the_limit_is_an_error, .timeout = 20)
{
	/* /dev/zero through a pipe: no size to check up front */
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	if (!pid) {
		dup2(p[1], 1);
		close(p[0]);
		execlp("cat", "cat", "/dev/zero", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	char *data;
	size_t len;
	cr_assert_eq(sk_read_input(path, SK_INPUT_BPF, &data, &len), -EFBIG);
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static size_t count_entries(void)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

Test(fileio, atomic_write_keeps_mode_and_leaves_nothing, .init = mkdir_tmp, .fini = rm_tmp)
{
	char path[128];
	snprintf(path, sizeof path, "%s/out.json", dir);
	cr_assert_eq(sk_write_file_atomic(path, "one\n", 4), 0);
	cr_assert_eq(chmod(path, 0640), 0);
	cr_assert_eq(sk_write_file_atomic(path, "two\n", 4), 0);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640);
	cr_assert_eq(st.st_size, 4);
	cr_assert_eq(count_entries(), 1, "no temporary file is left behind");
	cr_assert_eq(sk_write_file_atomic(dir, "x", 1), -EISDIR);
}

/* What node-sync installs for the kubelet (sk_write_file_atomic_at): under
 * umask 000 the profiles came out 0666, and any user could rewrite one the
 * runtime then loads (node-sync calling it foreign and leaving it). */
Test(fileio, atomic_write_at_is_never_group_or_world_writable, .init = mkdir_tmp, .fini = rm_tmp)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert(dfd >= 0);
	mode_t old = umask(0);
	int r1 = sk_write_file_atomic_at(dfd, "new.json", "{}\n", 3);
	char path[128];
	snprintf(path, sizeof path, "%s/new.json", dir);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	mode_t fresh = st.st_mode & 07777;
	/* a file left 0666 (by an older version) loses the bits when replaced */
	cr_assert_eq(chmod(path, 0666), 0);
	int r2 = sk_write_file_atomic_at(dfd, "new.json", "{ }\n", 4);
	umask(old);
	close(dfd);
	cr_assert_eq(r1, 0);
	cr_assert_eq(r2, 0);
	cr_expect_eq(fresh, 0644, "new file: %04o", (unsigned)fresh);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0644, "replaced file: %04o", (unsigned)(st.st_mode & 07777));
}

/* `scmpkit fmt p.json -o /dev/stdout >> log` replaced the log with the
 * profile (realpath of /proc/self/fd/1 is the log's path): what the shell
 * opened is written to, as with "-o -". */
Test(fileio, a_path_to_an_open_fd_writes_to_it, .init = mkdir_tmp, .fini = rm_tmp)
{
	char log[128], via[64];
	snprintf(log, sizeof log, "%s/log", dir);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "old\n", 4), 4);
	struct stat before, after;
	cr_assert_eq(fstat(fd, &before), 0);
	snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
	cr_assert_eq(sk_write_file_atomic(via, "new\n", 4), 0);
	snprintf(via, sizeof via, "/dev/fd/%d", fd);
	cr_assert_eq(sk_write_file_atomic(via, "two\n", 4), 0);
	close(fd);
	char *data;
	size_t len;
	cr_assert_eq(sk_read_file(log, &data, &len), 0);
	cr_expect_str_eq(data, "old\nnew\ntwo\n");
	free(data);
	cr_assert_eq(stat(log, &after), 0);
	cr_expect_eq(after.st_ino, before.st_ino, "the log was replaced, not written to");
	int ro = open(log, O_RDONLY | O_CLOEXEC);
	cr_assert(ro >= 0);
	snprintf(via, sizeof via, "/proc/self/fd/%d", ro);
	cr_expect_eq(sk_write_file_atomic(via, "x", 1), -EBADF);
	close(ro);
}

Test(fileio, never_into_devices, .init = mkdir_tmp, .fini = rm_tmp)
{
	cr_assert_eq(sk_write_file_atomic("/dev/zero", "x", 1), -ENODEV);
	cr_assert_eq(sk_write_file_atomic("/dev/null", "x", 1), 0);
	char link[128];
	snprintf(link, sizeof link, "%s/link", dir);
	cr_assert_eq(symlink("/dev/zero", link), 0);
	cr_assert_eq(sk_write_file_atomic(link, "x", 1), -ENODEV);
}

Test(fileio, not_through_another_users_symlink, .init = mkdir_tmp, .fini = rm_tmp)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to plant a symlink owned by another user");
	char target[128], link[128];
	snprintf(target, sizeof target, "%s/victim", dir);
	snprintf(link, sizeof link, "%s/planted", dir);
	cr_assert_eq(sk_write_file_atomic(target, "precious\n", 9), 0);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(lchown(link, 65534, 65534), 0);
	cr_assert_eq(sk_write_file_atomic(link, "evil\n", 5), -ELOOP);
	char *data;
	size_t len;
	cr_assert_eq(sk_read_file(target, &data, &len), 0);
	cr_assert_str_eq(data, "precious\n");
	free(data);
	/* our own link to a regular file is written through, and stays a link */
	cr_assert_eq(lchown(link, 0, 0), 0);
	cr_assert_eq(sk_write_file_atomic(link, "new\n", 4), 0);
	struct stat st;
	cr_assert_eq(lstat(link, &st), 0);
	cr_assert(S_ISLNK(st.st_mode));
	cr_assert_eq(sk_read_file(target, &data, &len), 0);
	cr_assert_str_eq(data, "new\n");
	free(data);
}

/* The same link one level up: `-o /tmp/work/out.json` where another user
 * made /tmp/work a link (to /etc, to a directory of theirs) wrote there. */
Test(fileio, not_through_another_users_directory_link, .init = mkdir_tmp, .fini = rm_tmp)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to plant a symlink owned by another user");
	char real[128], work[128], out[160];
	snprintf(real, sizeof real, "%s/elsewhere", dir);
	snprintf(work, sizeof work, "%s/work", dir);
	snprintf(out, sizeof out, "%s/work/out.json", dir);
	cr_assert_eq(mkdir(real, 0755), 0);
	cr_assert_eq(symlink(real, work), 0);
	cr_assert_eq(lchown(work, 65534, 65534), 0);
	cr_expect_eq(sk_write_file_atomic(out, "x\n", 2), -ELOOP);
	char landed[160];
	snprintf(landed, sizeof landed, "%s/out.json", real);
	cr_expect_neq(access(landed, F_OK), 0, "written through the planted directory link");
	/* a link of our own on the way is followed, as before */
	cr_assert_eq(lchown(work, 0, 0), 0);
	cr_expect_eq(sk_write_file_atomic(out, "x\n", 2), 0);
	cr_expect_eq(access(landed, F_OK), 0);
	/* ".." after a link goes up from where the link leads, as the kernel's */
	char up[192];
	snprintf(up, sizeof up, "%s/work/../up.json", dir);
	cr_expect_eq(sk_write_file_atomic(up, "y\n", 2), 0);
	cr_expect_eq(access(up, F_OK), 0);
	/* a link of ours that leads nowhere makes no file */
	char dangling[128], nowhere[128];
	snprintf(dangling, sizeof dangling, "%s/dangling", dir);
	snprintf(nowhere, sizeof nowhere, "%s/nowhere.json", dir);
	cr_assert_eq(symlink(nowhere, dangling), 0);
	cr_expect_eq(sk_write_file_atomic(dangling, "z", 1), -ENOENT);
}

Test(cleanup, take_ptr_hands_over)
{
	char *kept;
	{
		_sk_cleanup_free_ char *p = strdup("x");
		kept = SK_TAKE_PTR(p);
		cr_assert_null(p);
	}
	cr_assert_str_eq(kept, "x");
	free(kept);
	int fd;
	{
		_sk_cleanup_close_ int f = open("/dev/null", O_RDONLY);
		fd = SK_TAKE_FD(f);
	}
	cr_assert(fcntl(fd, F_GETFD) >= 0, "a taken fd stays open");
	close(fd);
}

/* The owner rule every cache and writer shares: whose, and who else may
 * write. Made-up stats for each case, then real files. */
Test(owner, whose_and_who_else_may_write)
{
	uid_t me = geteuid(), other = me == 4242 ? 4343 : 4242;
	static const unsigned rs = SK_OWNER_ROOT | SK_OWNER_SELF;
	struct {
		uid_t uid;
		mode_t mode;
		unsigned who;
		bool trusted;
	} cases[] = {
		{0, S_IFREG | 0644, SK_OWNER_ROOT, true},
		{0, S_IFREG | 0664, SK_OWNER_ROOT, false},       /* group may write */
		{0, S_IFREG | 0646, SK_OWNER_ROOT, false},       /* others may write */
		{other, S_IFREG | 0600, rs, false},              /* another user's */
		{other, S_IFLNK | 0777, rs, false},              /* another user's link */
		{0, S_IFLNK | 0777, rs, true},                   /* a link's mode is not looked at */
		{0, S_IFDIR | 01777, SK_OWNER_ROOT, false},      /* /tmp, sticky not allowed */
		{0, S_IFDIR | 01777, SK_OWNER_ROOT | SK_OWNER_STICKY, true},
		{0, S_IFDIR | 0777, SK_OWNER_ROOT | SK_OWNER_STICKY, false}, /* not sticky */
		{0, S_IFREG | 01777, SK_OWNER_ROOT | SK_OWNER_STICKY, false}, /* files: never */
		{me, S_IFDIR | 0700, SK_OWNER_SELF, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct stat st = {.st_uid = cases[i].uid, .st_mode = cases[i].mode};
		cr_expect_eq(sk_owner_trusted(&st, cases[i].who), cases[i].trusted, "case %zu", i);
	}
	cr_expect(sk_owner_allowed(0, SK_OWNER_ROOT));
	cr_expect(sk_owner_allowed(me, SK_OWNER_SELF));
	cr_expect_not(sk_owner_allowed(other, SK_OWNER_ROOT | SK_OWNER_SELF));
	cr_expect_eq(sk_owner_allowed(0, SK_OWNER_SELF), me == 0, "root is 'self' only as root");
	struct stat st;
	cr_assert_eq(stat("/", &st), 0);
	cr_expect(sk_owner_trusted(&st, SK_OWNER_ROOT), "/ is root's, 0755");
	char file[] = "/tmp/sk-owner-XXXXXX";
	int fd = mkstemp(file);
	cr_assert_geq(fd, 0);
	cr_assert_eq(fchmod(fd, 0600), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_expect(sk_owner_trusted(&st, SK_OWNER_SELF));
	cr_assert_eq(fchmod(fd, 0620), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_expect_not(sk_owner_trusted(&st, SK_OWNER_SELF), "group-writable");
	close(fd);
	unlink(file);
}
