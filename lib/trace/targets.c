/* SPDX-License-Identifier: Apache-2.0 */
/* What already runs, as a set of processes for the eBPF recorder to seed: a
 * process and its descendants (from /proc), the processes of a cgroup v2
 * subtree (cgroup.procs), a container found through its runtime's state.
 *
 * Seeding races with the tasks it looks at, and each race is closed by the
 * order of the steps, not by luck: the BPF program is attached first, so a
 * fork by a task already marked is seen by the kernel side. A pid tree is
 * then walked until a pass over /proc finds nothing new: a child forked
 * before its parent was marked exists when the next pass looks. In a cgroup
 * the kernel side follows forks and moves into the subtree by itself, so one
 * walk of cgroup.procs suffices.
 *
 * Between reading a pid (from /proc or cgroup.procs) and marking it, its
 * process may exit (or leave the cgroup): the kernel half, which clears a
 * target's bit when it exits or moves out, then never clears this one, and
 * pids are reused (pid_max is 32768 here). Every seeded pid goes through
 * mark_checked(): marked, then looked at again, and the mark taken back
 * unless what is on that pid now is a target: the same process (still in the
 * cgroup), or one the kernel half marks by itself. */
#include "targets.h"

#include "util/cleanup.h"

#include <scmpkit/doc.h>
#include <scmpkit/escape.h>
#include <scmpkit/fileio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

static void sk_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* What /proc/.../stat says after the comm ("pid (comm) state ppid ...
 * starttime"): comm may hold spaces and parentheses, so read after the last
 * ')'. -1 when the task is gone. */
struct proc_stat {
	char state;               /* 'R', 'S', 'Z'... */
	pid_t ppid;
	unsigned long long start; /* starttime: tells a reused pid from the old one */
};

static int read_stat(const char *path, struct proc_stat *st)
{
	char buf[1024];
	_sk_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *end = strrchr(buf, ')');
	int ppid;
	if (!end || sscanf(end + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				    "%*d %*d %*d %*d %llu",
			   &st->state, &ppid, &st->start) != 3)
		return -1;
	st->ppid = ppid;
	return 0;
}

static int stat_of(pid_t pid, struct proc_stat *st)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	return read_stat(path, st);
}

bool sk_targets_alive(pid_t pid)
{
	struct proc_stat st;
	if (stat_of(pid, &st) < 0)
		return false;
	if (st.state != 'Z')
		return true;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	_sk_cleanup_(sk_closedirp) DIR *dir = opendir(path);
	for (struct dirent *e; dir && (e = readdir(dir));) {
		char task[320];
		snprintf(task, sizeof task, "/proc/%d/task/%s/stat", (int)pid, e->d_name);
		if (e->d_name[0] != '.' && read_stat(task, &st) == 0 && st.state != 'Z')
			return true;
	}
	return false;
}

/* Whether the process NOW on pid PID is a target: SAME, the one that was
 * found and marked; else another that took the pid meanwhile, which the
 * kernel half marks by itself when it is a target (then the mark is its). */
typedef bool targeted_fn(pid_t pid, const struct proc_stat *now, bool same, const void *arg);

/* Mark PID, whose process was BEFORE when it was found, and look again; the
 * mark stays only when TARGETED says what is there now is a target. True
 * when the process found is marked. */
static bool mark_checked(pid_t pid, const struct proc_stat *before, struct sk_target_set *set,
			 targeted_fn *targeted, const void *arg)
{
	if (!set->mark(set->ctx, pid))
		return false;
	struct proc_stat after;
	bool there = stat_of(pid, &after) == 0, same = there && after.start == before->start;
	if (there && targeted(pid, &after, same, arg))
		return same;
	set->unmark(set->ctx, pid);
	return false;
}

/* In a pid tree: the process found (a target's child once, it stays in the
 * tree), or a fork of a target, which the kernel half marks
 * (sched_process_fork). */
static bool child_of_target(pid_t pid, const struct proc_stat *now, bool same, const void *arg)
{
	(void)pid;
	const struct sk_target_set *set = arg;
	return same || (now->ppid > 0 && set->is_marked(set->ctx, now->ppid));
}

/* PID if its parent is a target; true when it was marked and still is. */
static bool take_child(pid_t pid, struct sk_target_set *set)
{
	struct proc_stat before;
	if (stat_of(pid, &before) < 0 || !child_of_target(pid, &before, false, set))
		return false;
	return mark_checked(pid, &before, set, child_of_target, set);
}

int sk_targets_pid_tree(pid_t root, struct sk_target_set *set, struct sk_diags *d)
{
	if (!sk_targets_alive(root)) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-pid",
			     kill(root, 0) < 0 && errno == ESRCH ? "no process %d"
								 : "process %d has exited",
			     (int)root);
		return -ESRCH;
	}
	set->mark(set->ctx, root);
	for (bool grew = true; grew;) {
		grew = false;
		_sk_cleanup_(sk_closedirp) DIR *proc = opendir("/proc");
		if (!proc)
			return -errno;
		for (struct dirent *e; (e = readdir(proc));) {
			pid_t pid = atoi(e->d_name);
			if (pid > 0 && !set->is_marked(set->ctx, pid) && take_child(pid, set))
				grew = true;
		}
	}
	return 0;
}

static int cgroup_of(pid_t pid, char *out, size_t len);

/* In a cgroup: a task in the target cgroup T or below, the one found (unless
 * it moved out before its mark: the kernel half's unmark came first) or one
 * the kernel half marks (born there, moved there). Its cgroup's directory is
 * walked up to the hierarchy's root, looking for T's. */
static bool in_cgroup(pid_t pid, const struct proc_stat *now, bool same, const void *arg)
{
	(void)now, (void)same;
	const struct sk_cgroup_target *t = arg;
	char path[PATH_MAX];
	struct stat target, st;
	if (cgroup_of(pid, path, sizeof path) < 0 || fstat(t->fd, &target) < 0)
		return false;
	_sk_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (unsigned up = 0; fd >= 0 && up <= 64 && fstat(fd, &st) == 0 && st.st_dev == target.st_dev;
	     up++) {
		if (st.st_ino == target.st_ino)
			return true;
		int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = parent;
	}
	return false;
}

/* Mark every pid in DIR/cgroup.procs and below, each checked as the file's
 * first comment says against T, the target cgroup. */
static int seed_dir(const struct sk_cgroup_target *t, int dirfd, struct sk_target_set *set,
		    unsigned depth)
{
	if (depth > 64)
		return -ELOOP;
	_sk_cleanup_close_ int procs = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (procs >= 0) {
		_sk_cleanup_fclose_ FILE *f = fdopen(procs, "r");
		if (f) {
			procs = -1;
			struct proc_stat before;
			for (int pid; fscanf(f, "%d", &pid) == 1;)
				if (pid > 0 && stat_of(pid, &before) == 0)
					mark_checked(pid, &before, set, in_cgroup, t);
		}
	}
	int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	_sk_cleanup_(sk_closedirp) DIR *dir = dup >= 0 ? fdopendir(dup) : NULL;
	if (!dir) {
		if (dup >= 0)
			close(dup);
		return -errno;
	}
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_sk_cleanup_close_ int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			seed_dir(t, sub, set, depth + 1); /* a cgroup removed meanwhile: nothing to seed */
	}
	return 0;
}

/* "cgroup:[4026531835]": the initial cgroup namespace (PROC_CGROUP_INIT_INO),
 * in which the cgroup paths /proc shows are the host's. */
static bool initial_cgroup_ns(void)
{
	char buf[64];
	ssize_t n = readlink("/proc/self/ns/cgroup", buf, sizeof buf - 1);
	if (n < 0)
		return true; /* no cgroup namespaces in this kernel */
	buf[n] = 0;
	return !strcmp(buf, "cgroup:[4026531835]");
}

int sk_targets_cgroup_open(const char *path, struct sk_cgroup_target *t, struct sk_diags *d)
{
	_sk_cleanup_free_ char *name = sk_escape(path);
	_sk_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct statfs fs;
	struct stat st;
	if (fd < 0 || fstatfs(fd, &fs) < 0 || fstat(fd, &st) < 0) {
		sk_diags_add(d, SK_SEV_ERROR, name, 0, 0, "record-cgroup", "cannot open the cgroup: %s",
			     strerror(errno));
		return -errno;
	}
	if (fs.f_type != CGROUP2_SUPER_MAGIC) {
		sk_diags_add(d, SK_SEV_ERROR, name, 0, 0, "record-cgroup",
			     "not a cgroup v2 directory (a v1 hierarchy, or not a cgroup); on a "
			     "hybrid machine cgroup v2 is mounted at /sys/fs/cgroup/unified");
		return -EINVAL;
	}
	if (!initial_cgroup_ns()) {
		sk_diags_add(d, SK_SEV_ERROR, name, 0, 0, "record-cgroup",
			     "scmpkit runs in a cgroup namespace: run it in the host's");
		return -EINVAL;
	}
	t->id = st.st_ino; /* a cgroup's kernfs id, as bpf_get_current_cgroup_id() says */
	t->fd = SK_TAKE_FD(fd);
	return 0;
}

int sk_targets_cgroup_seed(const struct sk_cgroup_target *t, struct sk_target_set *set)
{
	return seed_dir(t, t->fd, set, 0);
}

bool sk_targets_cgroup_populated(const struct sk_cgroup_target *t)
{
	char buf[256];
	_sk_cleanup_close_ int fd = openat(t->fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* removed */
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return strstr(buf, "populated 1") != NULL;
}

/* RUNTIME [--root ROOT] state ID: its standard output (1 MiB at most). */
static char *runtime_state(const char *runtime, const char *root, const char *id, int *status)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	pid_t pid = sk_trace_fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		if (root)
			execlp(runtime, runtime, "--root", root, "state", id, (char *)NULL);
		else
			execlp(runtime, runtime, "state", id, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	_sk_cleanup_close_ int rd = p[0];
	if (pid < 0)
		return NULL;
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap + 1);
	for (ssize_t n = 1; buf && n > 0 && len < cap;) {
		n = read(rd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			len += (size_t)n;
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (buf)
		buf[len] = 0;
	return buf;
}

/* "pid" and "status" of an OCI state document (through the document
 * layer, libfyaml's one client). */
static int parse_state(const char *text, pid_t *pid, char *status, size_t len)
{
	struct sk_doc doc;
	struct sk_diags d = {0};
	int r = sk_doc_parse(text, strlen(text), "runc state", NULL, &doc, &d);
	const struct sk_doc_node *root = !r && doc.n_docs ? doc.docs[0].root : NULL;
	const struct sk_doc_node *p = sk_doc_get(root, "pid"), *s = sk_doc_get(root, "status");
	*pid = p && p->type == SK_DOC_SCALAR ? atoi(p->str) : 0;
	snprintf(status, len, "%s", s && s->type == SK_DOC_SCALAR ? s->str : "?");
	sk_doc_release(&doc);
	sk_diags_free(&d);
	return *pid > 0 ? 0 : -EINVAL;
}

/* The cgroup v2 path of PID: its "0::/path" in /proc/PID/cgroup, under the
 * mount point of cgroup2 in /proc/self/mountinfo. */
static int cgroup_of(pid_t pid, char *out, size_t len)
{
	char path[64], line[PATH_MAX + 64], mnt[PATH_MAX] = "", rel[PATH_MAX] = "";
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	_sk_cleanup_fclose_ FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "0::", 3))
			sscanf(line + 3, "%4095[^\n]", rel);
	_sk_cleanup_fclose_ FILE *m = fopen("/proc/self/mountinfo", "re");
	while (m && fgets(line, sizeof line, m)) {
		/* id parent maj:min root mountpoint opts... - fstype source opts */
		char *dash = strstr(line, " - cgroup2 ");
		char point[PATH_MAX];
		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1) {
			snprintf(mnt, sizeof mnt, "%s", point);
			break;
		}
	}
	if (!rel[0] || !mnt[0])
		return -ENOENT;
	if ((size_t)snprintf(out, len, "%s%s", mnt, strcmp(rel, "/") ? rel : "") >= len)
		return -ENAMETOOLONG;
	return 0;
}

int sk_targets_container(const char *runtime, const char *root, const char *id, char *cgroup,
			 size_t len, struct sk_diags *d)
{
	_sk_cleanup_free_ char *name = sk_escape(id);
	int status = 0;
	_sk_cleanup_free_ char *state = runtime_state(runtime, root, id, &status);
	pid_t pid = 0;
	char st[32];
	if (!state || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    parse_state(state, &pid, st, sizeof st) < 0) {
		_sk_cleanup_free_ char *rt = sk_escape(runtime);
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-container",
			     "no container '%s': %s%s state failed%s", name ? name : "?",
			     rt ? rt : "?", root ? " --root" : "",
			     WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (not installed?)" : "");
		return -ENOENT;
	}
	if (strcmp(st, "running") && strcmp(st, "created") && strcmp(st, "paused")) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-container",
			     "container '%s' is %s: nothing runs in it", name ? name : "?", st);
		return -ESRCH;
	}
	if (cgroup_of(pid, cgroup, len) < 0) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-container",
			     "container '%s': no cgroup v2 for its init (pid %d)", name ? name : "?",
			     (int)pid);
		return -ENOENT;
	}
	return !strcmp(st, "created");
}
