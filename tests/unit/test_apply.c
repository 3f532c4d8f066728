/* SPDX-License-Identifier: Apache-2.0 */
/* lib/apply against the real kernel: every test installs filters in a forked
 * child (a filter cannot be taken off again) and reports back through a pipe;
 * the test process itself stays unfiltered. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/apply.h>
#include <scmpkit/bpf.h>
#include <scmpkit/profile.h>

/* ---- helpers ---------------------------------------------------------------- */

static void compile_text(const char *json, struct sk_filter_set *set)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_parse(json, strlen(json), "test.json", &d);
	cr_assert_not_null(p, "profile: %s", d.n ? d.v[0].message : "?");
	struct sk_compile_opts co;
	sk_compile_opts_init(&co);
	cr_assert_eq(sk_compile(p, &co, set, &d), 0, "compile: %s", d.n ? d.v[0].message : "?");
	sk_profile_free(p);
	sk_diags_free(&d);
}

/* What the emulator says a call with no arguments returns. */
static uint32_t emulated(const struct sk_filter_set *set, long nr)
{
	struct sk_seccomp_data sd = {.nr = (int32_t)nr,
				     .arch = sk_arch_info(sk_arch_native())->audit_arch};
	struct sk_run_result rr;
	cr_assert_eq(sk_filter_set_run(set, &sd, &rr), 0);
	return rr.ret;
}

/* The result of a raw call as the program sees it: >= 0, or -errno. */
static long raw(long nr)
{
	errno = 0;
	long r = syscall(nr, 0, 0, 0, 0, 0, 0);
	return r < 0 ? -errno : r;
}

/* A child's findings: it writes one line per failed check, then exits. */
struct kid {
	pid_t pid;
	int rd;
};
static int kid_fd = -1;

#define CHECK(cond, ...)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			char b_[512];                                                     \
			int n_ = snprintf(b_, sizeof b_, "line %d: %s: ", __LINE__, #cond); \
			n_ += snprintf(b_ + n_, sizeof b_ - (size_t)n_, __VA_ARGS__);     \
			b_[sizeof b_ - 2] = 0;                                            \
			strcat(b_, "\n");                                                 \
			if (write(kid_fd, b_, strlen(b_)) < 0)                            \
				_exit(99);                                                \
		}                                                                         \
	} while (0)

static struct kid spawn(void)
{
	int p[2];
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		kid_fd = p[1];
		return (struct kid){0, -1};
	}
	close(p[1]);
	return (struct kid){pid, p[0]};
}

/* Wait for the child; every line it wrote is a failure. Returns its status. */
static int reap(struct kid k)
{
	char buf[4096];
	size_t got = 0;
	ssize_t r;
	while ((r = read(k.rd, buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = 0;
	close(k.rd);
	int st;
	cr_assert_eq(waitpid(k.pid, &st, 0), k.pid);
	cr_expect_eq(got, 0, "the child reported:\n%s", buf);
	return st;
}

static const struct sk_diag *find_diag(const struct sk_diags *d, const char *rule)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].rule && !strcmp(d->v[i].rule, rule))
			return &d->v[i];
	return NULL;
}

/* Default allow; getpid fails with 42, getppid goes to the listener. */
static const char deny_getpid[] =
	"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";
static const char notify_getppid[] =
	"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	"{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}";

/* ---- the kernel does what the emulator says --------------------------------- */

Test(apply, installed_filter_decides_as_the_emulator_says)
{
	/* an allow-list: what the child needs after the install (and what the
	 * sanitizers' exit path needs), plus getppid */
	static const char prof[] =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":["
		"{\"names\":[\"write\",\"exit\",\"exit_group\",\"getppid\",\"rt_sigreturn\","
		"\"close\",\"getuid\",\"sigaltstack\",\"mmap\",\"munmap\",\"madvise\","
		"\"mprotect\",\"brk\",\"rt_sigprocmask\",\"rt_sigaction\",\"futex\",\"gettid\","
		"\"sched_yield\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";
	struct sk_filter_set set = {0};
	compile_text(prof, &set);
	const long calls[] = {SYS_getppid, SYS_getpid, SYS_getgid, 1000};
	const size_t n = sizeof calls / sizeof calls[0];
	uint32_t want[4];
	for (size_t i = 0; i < n; i++)
		want[i] = emulated(&set, calls[i]);
	/* what the emulator says, spelled out: the test is about these four */
	cr_assert_eq(want[0], SECCOMP_RET_ALLOW);
	cr_assert_eq(want[1], SECCOMP_RET_ERRNO | 42);
	cr_assert_eq(want[2], SECCOMP_RET_ERRNO | 1);     /* the default */
	cr_assert_eq(want[3], SECCOMP_RET_ERRNO | ENOSYS); /* above the highest named */

	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		struct sk_diags d = {0};
		int lfd;
		int r = sk_apply_install(&set, &o, &lfd, &d);
		CHECK(r == 0, "install: %d", r);
		long got[4];
		for (size_t i = 0; i < n; i++)
			got[i] = raw(calls[i]);
		for (size_t i = 0; i < n; i++) {
			if ((want[i] & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
				CHECK(got[i] >= 0, "call %ld: %ld, the emulator says ALLOW", calls[i],
				      got[i]);
			else
				CHECK(got[i] == -(long)(want[i] & SECCOMP_RET_DATA),
				      "call %ld: %ld, the emulator says errno %u", calls[i], got[i],
				      want[i] & SECCOMP_RET_DATA);
		}
		_exit(0);
	}
	int st = reap(k);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
	sk_filter_set_free(&set);
}

Test(apply, no_new_privs_is_set_by_default)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		struct sk_diags d = {0};
		int lfd;
		CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "already set before");
		CHECK(sk_apply_install(&set, &o, &lfd, &d) == 0, "install");
		CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "not set after");
		CHECK(lfd == -1, "a listener without NOTIFY: %d", lfd);
		_exit(0);
	}
	reap(k);
	sk_filter_set_free(&set);
}

/* ---- flags -------------------------------------------------------------------- */

struct waiter {
	int go;
	long got;
};
static void *thread_getpid(void *arg)
{
	struct waiter *w = arg;
	char c;
	if (read(w->go, &c, 1) != 1)
		return NULL;
	w->got = raw(SYS_getpid);
	return NULL;
}

/* Install with or without TSYNC while a second thread waits; what does the
 * thread's getpid return then? */
static void tsync_case(bool tsync)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	struct kid k = spawn();
	if (!k.pid) {
		int go[2];
		CHECK(pipe(go) == 0, "pipe");
		struct waiter w = {.go = go[0], .got = 0};
		pthread_t t;
		CHECK(pthread_create(&t, NULL, thread_getpid, &w) == 0, "thread");
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		o.flags = tsync ? SK_FLAG_TSYNC : 0;
		struct sk_diags d = {0};
		int lfd;
		int r = sk_apply_install(&set, &o, &lfd, &d);
		CHECK(r == 0, "install: %d %s", r, d.n ? d.v[0].message : "");
		CHECK(write(go[1], "g", 1) == 1, "go");
		pthread_join(t, NULL);
		CHECK(raw(SYS_getpid) == -42, "the installing thread is filtered");
		if (tsync)
			CHECK(w.got == -42, "the other thread got %ld, not EPERM 42", w.got);
		else /* the control: the test can tell */
			CHECK(w.got > 0, "without TSYNC the other thread got %ld", w.got);
		_exit(0);
	}
	reap(k);
	sk_filter_set_free(&set);
}

Test(apply, tsync_filters_the_other_threads_too)
{
	tsync_case(true);
}

Test(apply, without_tsync_other_threads_stay_unfiltered)
{
	tsync_case(false);
}

/* The flags the kernel keeps on an installed filter, read back with
 * PTRACE_SECCOMP_GET_METADATA (needs CAP_SYS_ADMIN): only LOG is reported. */
static long installed_flags(unsigned flags)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	int ready[2];
	cr_assert_eq(pipe(ready), 0);
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		o.flags = flags;
		struct sk_diags d = {0};
		int lfd;
		int r = sk_apply_install(&set, &o, &lfd, &d);
		CHECK(r == 0, "install: %d %s", r, d.n ? d.v[0].message : "");
		close(kid_fd);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	cr_assert_eq(ptrace(PTRACE_SEIZE, k.pid, 0, 0), 0, "PTRACE_SEIZE: %s", strerror(errno));
	cr_assert_eq(ptrace(PTRACE_INTERRUPT, k.pid, 0, 0), 0);
	int st;
	cr_assert_eq(waitpid(k.pid, &st, 0), k.pid);
	struct { /* linux/ptrace.h's struct seccomp_metadata */
		uint64_t filter_off;
		uint64_t flags;
	} md = {.filter_off = 0};
	long r = ptrace(PTRACE_SECCOMP_GET_METADATA, k.pid, sizeof md, &md);
	int e = errno;
	kill(k.pid, SIGKILL);
	reap(k);
	sk_filter_set_free(&set);
	cr_assert_eq(r, (long)sizeof md, "PTRACE_SECCOMP_GET_METADATA: %s", strerror(e));
	return (long)md.flags;
}

Test(apply, log_flag_reaches_the_kernel)
{
	if (geteuid() != 0)
		cr_skip_test("PTRACE_SECCOMP_GET_METADATA needs CAP_SYS_ADMIN (run as root)");
	cr_expect_eq(installed_flags(SK_FLAG_LOG) & SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_LOG);
	cr_expect_eq(installed_flags(0) & SECCOMP_FILTER_FLAG_LOG, 0, "the control");
}

Test(apply, spec_allow_is_accepted_and_leaves_ssb_alone)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	set.flags = SK_FLAG_SPEC_ALLOW; /* as a profile's "flags" sets it */
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		struct sk_diags d = {0};
		int lfd;
		int r = sk_apply_install(&set, &o, &lfd, &d);
		CHECK(r == 0, "install: %d %s", r, d.n ? d.v[0].message : "");
		CHECK(raw(SYS_getpid) == -42, "filter in place");
		/* with spec_store_bypass_disable=seccomp a filter without SPEC_ALLOW
		 * forces the mitigation on; SPEC_ALLOW must not */
		char buf[4096];
		int fd = open("/proc/self/status", O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		buf[n > 0 ? n : 0] = 0;
		CHECK(!strstr(buf, "force mitigated"), "SSB: %s", strstr(buf, "Speculation_Store"));
		_exit(0);
	}
	reap(k);
	sk_filter_set_free(&set);
}

Test(apply, wait_killable_recv_is_dropped_without_a_listener)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	set.flags = SK_FLAG_WAIT_KILLABLE_RECV;
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		struct sk_diags d = {0};
		int lfd;
		int r = sk_apply_install(&set, &o, &lfd, &d);
		CHECK(r == 0, "install: %d %s", r, d.n ? d.v[0].message : "");
		CHECK(find_diag(&d, "apply-flag-dropped") != NULL, "no note that the flag was dropped");
		CHECK(raw(SYS_getpid) == -42, "filter in place");
		_exit(0);
	}
	reap(k);
	sk_filter_set_free(&set);
}

/* ---- NEW_LISTENER ------------------------------------------------------------- */

static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	const char *p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* The child installs NOTIFY(getppid) with a listener, a grandchild calls
 * getppid, the child receives it from the fd and answers. Once received, a
 * signal with a handler interrupts the caller's wait ('S': the call fails
 * with EINTR), unless WAIT_KILLABLE_RECV: then the wait turns killable ('D')
 * and the answer still arrives. */
static void listener_case(unsigned flags, bool answer_errno, char want_state)
{
	struct sk_filter_set set = {0};
	compile_text(notify_getppid, &set);
	set.flags = flags;
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		o.listener = true;
		struct sk_diags d = {0};
		int lfd;
		int r = sk_apply_install(&set, &o, &lfd, &d);
		CHECK(r == 0, "install: %d %s", r, d.n ? d.v[0].message : "");
		CHECK(lfd >= 0, "no listener fd");
		if (r || lfd < 0)
			_exit(1);
		pid_t me = getpid();
		pid_t gc = fork();
		if (gc == 0) {
			struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
			sigaction(SIGUSR1, &sa, NULL);
			long got = raw(SYS_getppid);
			_exit(got == me ? 0 : got < 0 ? (int)-got : 100);
		}
		struct seccomp_notif_sizes sz;
		syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz);
		struct seccomp_notif *req = calloc(1, sz.seccomp_notif + sizeof *req);
		struct seccomp_notif_resp *resp = calloc(1, sz.seccomp_notif_resp + sizeof *resp);
		r = ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, req);
		CHECK(r == 0, "RECV: %s", strerror(errno));
		CHECK(req->pid == (__u32)gc, "from pid %u, not %d", req->pid, (int)gc);
		CHECK(req->data.nr == SYS_getppid, "nr %d", req->data.nr);
		if (want_state == 'S') {
			char s;
			while ((s = proc_state(gc)) == 'R')
				sched_yield();
			CHECK(s == 'S', "the caller waits in state %c, not S", s);
			kill(gc, SIGUSR1);
			/* interrupted: the notification goes away */
			while (ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0)
				sched_yield();
		} else if (want_state == 'D') {
			/* a signal after the receive turns the wait killable, it does
			 * not interrupt it (without the flag the caller would leave
			 * with EINTR: state Z, then gone) */
			kill(gc, SIGUSR1);
			char s;
			while ((s = proc_state(gc)) == 'R' || s == 'S')
				sched_yield();
			CHECK(s == 'D', "after a signal the caller is in state %c, not D", s);
			CHECK(ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0,
			      "the notification is gone");
		}
		resp->id = req->id;
		if (answer_errno)
			resp->error = -77;
		else
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		r = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, resp);
		int st;
		waitpid(gc, &st, 0);
		if (want_state == 'S') {
			CHECK(r < 0 && errno == ENOENT, "SEND after the signal: %d", r);
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == EINTR, "grandchild status 0x%x", st);
		} else {
			CHECK(r == 0, "SEND: %s", strerror(errno));
			int want = answer_errno ? 77 : 0;
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == want, "grandchild status 0x%x, want "
			      "exit %d", st, want);
		}
		_exit(0);
	}
	reap(k);
	sk_filter_set_free(&set);
}

Test(apply, new_listener_returns_a_usable_fd)
{
	listener_case(0, false, 0);
	listener_case(0, true, 0);
}

Test(apply, wait_killable_recv_makes_the_wait_killable)
{
	if (!(sk_apply_kernel_flags() & SK_FLAG_WAIT_KILLABLE_RECV))
		cr_skip_test("this kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux >= 5.19)");
	listener_case(SK_FLAG_WAIT_KILLABLE_RECV, true, 'D');
}

Test(apply, without_wait_killable_recv_a_signal_interrupts_the_wait)
{
	listener_case(0, true, 'S');
}

/* ---- fail closed --------------------------------------------------------------- */

static char marker_dir[] = "/tmp/sk-apply-XXXXXX";

/* In the child: sk_apply_exec of `sh -c 'echo ran > MARKER'`; it must fail
 * with WANT (a negative errno) and a diagnostic RULE. */
static void exec_refused(const struct sk_filter_set *set, const struct sk_apply_opts *o,
			 const char *marker, int want, const char *rule, const char *text)
{
	char script[600];
	snprintf(script, sizeof script, "echo ran > %s", marker);
	char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct sk_diags d = {0};
	int r = sk_apply_exec(set, o, argv, &d);
	CHECK(r == want, "sk_apply_exec returned %d, want %d", r, want);
	const struct sk_diag *dg = find_diag(&d, rule);
	CHECK(dg != NULL, "no [%s] diagnostic (%zu others)", rule, d.n);
	if (dg && text)
		CHECK(strstr(dg->message, text) != NULL, "[%s] says: %s", rule, dg->message);
}

static char *marker_path(const char *name)
{
	cr_assert_not_null(mkdtemp(marker_dir));
	chmod(marker_dir, 0777);
	char *m = NULL;
	cr_assert_geq(asprintf(&m, "%s/%s", marker_dir, name), 0);
	return m;
}

static void expect_no_marker(char *m)
{
	struct stat st;
	cr_expect_neq(stat(m, &st), 0, "%s exists: the command ran", m);
	unlink(m);
	rmdir(marker_dir);
	free(m);
}

Test(apply, refused_without_no_new_privs_and_capability_nothing_runs)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	char *m = marker_path("nnp");
	struct kid k = spawn();
	if (!k.pid) {
		if (geteuid() == 0) { /* drop CAP_SYS_ADMIN with root */
			CHECK(setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
			      setresuid(65534, 65534, 65534) == 0, "dropping root: %s", strerror(errno));
		}
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		o.no_new_privs = false;
		exec_refused(&set, &o, m, -EACCES, "apply-no-new-privs", "CAP_SYS_ADMIN");
		CHECK(raw(SYS_getpid) > 0, "no filter was installed");
		_exit(0);
	}
	reap(k);
	expect_no_marker(m);
	sk_filter_set_free(&set);
}

Test(apply, refused_second_listener_nothing_runs)
{
	struct sk_filter_set set = {0};
	compile_text(notify_getppid, &set);
	char *m = marker_path("busy");
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		o.listener = true;
		struct sk_diags d = {0};
		int lfd;
		CHECK(sk_apply_install(&set, &o, &lfd, &d) == 0, "first install");
		exec_refused(&set, &o, m, -EBUSY, "apply-listener-busy", "already has a seccomp listener");
		_exit(0);
	}
	reap(k);
	expect_no_marker(m);
	sk_filter_set_free(&set);
}

/* A stacked set whose second program the kernel rejects (a load beyond
 * seccomp_data): an error naming it, nothing run, the first one stays. */
Test(apply, refused_stacked_program_nothing_runs)
{
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	cr_assert_eq(set.n, 1);
	struct sock_filter bad[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4096),
				    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sk_bpf_prog *progs = calloc(2, sizeof *progs);
	progs[0] = set.progs[0];
	progs[1] = (struct sk_bpf_prog){.insns = malloc(sizeof bad), .len = 2};
	memcpy(progs[1].insns, bad, sizeof bad);
	free(set.progs);
	set.progs = progs;
	set.n = 2;
	char *m = marker_path("stacked");
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		exec_refused(&set, &o, m, -EINVAL, "apply-refused", "program 2 of 2");
		CHECK(raw(SYS_getpid) == -42, "the first program stays installed");
		_exit(0);
	}
	reap(k);
	expect_no_marker(m);
	sk_filter_set_free(&set);
}

Test(apply, the_exec_happens_when_the_install_succeeds)
{
	/* the control for the fail-closed tests: the marker does appear */
	struct sk_filter_set set = {0};
	compile_text(deny_getpid, &set);
	char *m = marker_path("ran");
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		exec_refused(&set, &o, m, 0, "none", NULL); /* returns only on failure */
		_exit(1);
	}
	close(k.rd);
	int st;
	waitpid(k.pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sh: status 0x%x", st);
	struct stat sb;
	cr_expect_eq(stat(m, &sb), 0, "%s missing: the command did not run", m);
	unlink(m);
	rmdir(marker_dir);
	free(m);
	sk_filter_set_free(&set);
}

/* ---- stacked sets ---------------------------------------------------------------- */

/* Two programs that both fail getpid, with different errnos: the kernel keeps
 * the newest filter's result among equal actions, so the errno tells which
 * was installed last. */
static void stacked_case(bool a_first)
{
	struct sk_filter_set a = {0}, b = {0};
	compile_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		     "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":11}]}", &a);
	compile_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		     "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":22},"
		     "{\"names\":[\"getgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33}]}", &b);
	struct sk_filter_set set = {.n = 2, .progs = calloc(2, sizeof *set.progs)};
	set.progs[0] = a_first ? a.progs[0] : b.progs[0];
	set.progs[1] = a_first ? b.progs[0] : a.progs[0];
	uint32_t want_pid = emulated(&set, SYS_getpid), want_gid = emulated(&set, SYS_getgid);
	cr_expect_eq(want_gid, SECCOMP_RET_ERRNO | 33);
	struct kid k = spawn();
	if (!k.pid) {
		struct sk_apply_opts o;
		sk_apply_opts_init(&o);
		struct sk_diags d = {0};
		int lfd;
		CHECK(sk_apply_install(&set, &o, &lfd, &d) == 0, "install");
		long pid = raw(SYS_getpid), gid = raw(SYS_getgid);
		long newest = a_first ? 22 : 11;
		CHECK(pid == -newest, "getpid: %ld, want the newest program's -%ld", pid, newest);
		CHECK(pid == -(long)(want_pid & SECCOMP_RET_DATA), "getpid: %ld, the emulator says %u",
		      pid, want_pid & SECCOMP_RET_DATA);
		CHECK(gid == -33, "getgid: %ld (only one program denies it)", gid);
		_exit(0);
	}
	reap(k);
	free(set.progs);
	sk_filter_set_free(&a);
	sk_filter_set_free(&b);
}

Test(apply, stacked_programs_are_installed_in_order)
{
	stacked_case(true);
	stacked_case(false);
}
