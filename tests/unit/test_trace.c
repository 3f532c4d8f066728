/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/trace.h>

static struct sk_trace_result *fresh(bool args)
{
	struct sk_trace_result *r = malloc(sizeof *r);
	cr_assert_not_null(r);
	sk_trace_result_init(r, args);
	return r;
}

Test(trace, set_counts_distinct_per_arch)
{
	struct sk_trace_result *r = fresh(false);
	cr_expect(sk_trace_result_add(r, SK_ARCH_X86_64, 39, NULL));
	cr_expect_not(sk_trace_result_add(r, SK_ARCH_X86_64, 39, NULL));
	cr_expect(sk_trace_result_add(r, SK_ARCH_X86, 39, NULL)); /* same nr, other arch */
	cr_expect(sk_trace_result_add(r, SK_ARCH_X32, 0x40000000 + 39, NULL));
	cr_expect_eq(r->distinct, 3);
	cr_expect_eq(r->stops, 4);
	cr_expect(sk_trace_result_has(r, SK_ARCH_X32, 0x40000027));
	cr_expect_not(sk_trace_result_has(r, SK_ARCH_X32, 39));
	cr_expect_not(r->arch[SK_ARCH_AARCH64].seen);
	free(r);
}

Test(trace, iteration_in_order_with_out_of_span_numbers)
{
	struct sk_trace_result *r = fresh(false);
	int64_t want[] = {0, 63, 64, 1023, 5000};
	for (int i = 4; i >= 0; i--)
		sk_trace_result_add(r, SK_ARCH_X86_64, want[i], NULL);
	size_t cur = 0;
	int64_t nr;
	for (int i = 0; i < 5; i++) {
		cr_assert(sk_trace_result_next(r, SK_ARCH_X86_64, &cur, &nr));
		cr_expect_eq(nr, want[i]);
	}
	cr_expect_not(sk_trace_result_next(r, SK_ARCH_X86_64, &cur, &nr));
	free(r);
}

Test(trace, args_values_and_overflow)
{
	struct sk_trace_result *r = fresh(true);
	int64_t ioctl_nr = sk_syscall_nr(SK_ARCH_X86_64, "ioctl");
	for (uint64_t v = 0; v < SK_TRACE_MAX_VALUES + 2; v++) {
		uint64_t a[6] = {3, 0x5400 + v};
		sk_trace_result_add(r, SK_ARCH_X86_64, ioctl_nr, a);
		sk_trace_result_add(r, SK_ARCH_X86_64, ioctl_nr, a); /* duplicates kept once */
	}
	const struct sk_trace_values *v = &r->arch[SK_ARCH_X86_64].values[SK_TARG_IOCTL];
	cr_expect_eq(v->n, SK_TRACE_MAX_VALUES);
	cr_expect(v->overflow);
	cr_expect_eq(v->v[1], 0x5401);
	free(r);
}

Test(trace, merge_is_union)
{
	struct sk_trace_result *a = fresh(false), *b = fresh(false);
	sk_trace_result_add(a, SK_ARCH_X86_64, 1, NULL);
	sk_trace_result_add(b, SK_ARCH_X86_64, 2, NULL);
	sk_trace_result_add(b, SK_ARCH_X86, 3, NULL);
	sk_trace_result_merge(a, b);
	cr_expect(sk_trace_result_has(a, SK_ARCH_X86_64, 1));
	cr_expect(sk_trace_result_has(a, SK_ARCH_X86_64, 2));
	cr_expect(sk_trace_result_has(a, SK_ARCH_X86, 3));
	cr_expect_eq(a->distinct, 3);
	free(a);
	free(b);
}

static bool rule_has(const struct sk_profile *p, const char *name, const char *comment_part)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t k = 0; k < p->rules[i].n_names; k++)
			if (!strcmp(p->rules[i].names[k], name))
				return !comment_part ||
				       (p->rules[i].comment && strstr(p->rules[i].comment, comment_part));
	return false;
}

Test(trace, profile_has_recorded_essentials_vdso_and_arches)
{
	struct sk_trace_result *r = fresh(false);
	sk_trace_result_add(r, SK_ARCH_X86_64, sk_syscall_nr(SK_ARCH_X86_64, "getppid"), NULL);
	sk_trace_result_add(r, SK_ARCH_X86, sk_syscall_nr(SK_ARCH_X86, "socketcall"), NULL);
	struct sk_trace_profile_opts o = {.default_action = SK_ACT_ERRNO, .essentials = true,
					  .runtime = "runc"};
	struct sk_diags d = {0};
	struct sk_profile *p = sk_trace_to_profile(r, &o, &d);
	cr_assert_not_null(p);
	cr_expect_eq(p->default_errno_ret, 1);
	cr_expect_eq(p->n_arches, 2);
	cr_expect_eq(p->arches[0], sk_arch_native());
	cr_expect(rule_has(p, "getppid", "recorded"));
	cr_expect(rule_has(p, "socketcall", "recorded"));
	cr_expect(rule_has(p, "exit_group", "P7"));
	cr_expect(rule_has(p, "sigreturn", "P7")); /* exists on i386, which is listed */
	cr_expect(rule_has(p, "clock_gettime64", "vDSO"));
	cr_expect(rule_has(p, "capset", "noNewPrivileges false"));
	cr_expect(rule_has(p, "fstatfs", "runc"));
	sk_profile_free(p);
	sk_diags_free(&d);
	free(r);
}

Test(trace, ptrace_records_a_real_command)
{
	char *argv[] = {"/bin/sh", "-c", "exit 7", NULL};
	struct sk_record_opts o = {.argv = argv};
	struct sk_recorder *rec = sk_recorder_new(SK_RECORDER_PTRACE, &o);
	struct sk_diags d = {0};
	cr_assert_eq(sk_recorder_start(rec, &d), 0);
	cr_assert_eq(sk_recorder_run(rec, &d), 0);
	const struct sk_trace_result *r = sk_recorder_result(rec);
	cr_expect(r->exit.known && !r->exit.signaled);
	cr_expect_eq(r->exit.code, 7);
	cr_expect(sk_trace_result_has(r, sk_arch_native(), sk_syscall_nr(sk_arch_native(), "exit_group")));
	cr_expect(sk_trace_result_has(r, sk_arch_native(), sk_syscall_nr(sk_arch_native(), "execve")));
	sk_recorder_free(rec);
	sk_diags_free(&d);
}

Test(trace, ptrace_reports_a_missing_command)
{
	char *argv[] = {"/nonexistent/cmd", NULL};
	struct sk_record_opts o = {.argv = argv};
	struct sk_recorder *rec = sk_recorder_new(SK_RECORDER_PTRACE, &o);
	struct sk_diags d = {0};
	cr_assert_eq(sk_recorder_start(rec, &d), 0);
	cr_expect_eq(sk_recorder_run(rec, &d), -ENOENT);
	cr_expect_eq(d.n, 1);
	sk_recorder_free(rec);
	sk_diags_free(&d);
}

/* ---- what a signal sent to scmpkit does (sk_recorder_signal) ---------------- */

/* A stand-in for the command: collects HUP, INT, QUIT and TERM until USR1
 * says the test is done, and exits with a bit for each one it got. */
static pid_t collector(void)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL); /* before the fork: no early default action */
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int mask = 0, sig;
		struct timespec none = {0, 0};
		while ((sig = sigwaitinfo(&set, NULL)) != SIGUSR1)
			mask |= 1 << sig % 8; /* HUP 2, INT 4, QUIT 8, TERM 128 */
		while ((sig = sigtimedwait(&set, NULL, &none)) > 0)
			mask |= 1 << sig % 8;
		_exit(mask);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return pid;
}

/* What the collector got, once told to stop. */
static int collected(pid_t pid)
{
	int st;
	kill(pid, SIGUSR1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "the command died (status %#x)", st);
	return WEXITSTATUS(st);
}

static void to_scmpkit(struct sk_recorder *r, int sig, int code, pid_t from)
{
	siginfo_t si = {.si_signo = sig, .si_code = code, .si_pid = from};
	sk_recorder_signal(r, &si);
}

static struct sk_recorder *launched(pid_t command)
{
	char *argv[] = {"true", NULL};
	struct sk_record_opts o = {.argv = argv};
	struct sk_recorder *r = sk_recorder_new(SK_RECORDER_PTRACE, &o);
	cr_assert_not_null(r);
	r->sig.relay_pid = r->sig.kill_pid = command;
	return r;
}

Test(trace, signals_sent_to_scmpkit_reach_the_command)
{
	pid_t cmd = collector();
	struct sk_recorder *r = launched(cmd);
	to_scmpkit(r, SIGHUP, SI_KERNEL, 0);  /* a terminal's: the command has it already */
	to_scmpkit(r, SIGTERM, SI_USER, 4242); /* kill(1) */
	to_scmpkit(r, SIGTERM, SI_USER, 4242); /* the copy timeout(1) sends to the group */
	to_scmpkit(r, SIGQUIT, SI_QUEUE, 4243);
	to_scmpkit(r, SIGINT, SI_USER, cmd);   /* the command signalling its parent */
	cr_expect_eq(collected(cmd), 128 | 8, "relayed: TERM and QUIT only");
	cr_expect_not(r->sig.stop, "the recording goes on while the command shuts down");
	sk_recorder_free(r);
}

Test(trace, second_sigterm_ends_at_once)
{
	pid_t cmd = collector();
	struct sk_recorder *r = launched(cmd);
	to_scmpkit(r, SIGTERM, SI_USER, 4242);
	cr_expect_not(r->sig.stop);
	to_scmpkit(r, SIGINT, SI_USER, 4243); /* another sender: not a copy */
	cr_expect(r->sig.stop);
	cr_expect_eq(r->sig.stop_sig, SIGINT);
	int st;
	cr_assert_eq(waitpid(cmd, &st, 0), cmd);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the command is killed at once");
	sk_recorder_free(r);
}

Test(trace, watching_any_signal_ends_nothing_is_passed_on)
{
	pid_t cmd = collector();
	struct sk_recorder *r = launched(cmd);
	r->attach = true; /* --pid CMD: scmpkit only watches it */
	to_scmpkit(r, SIGINT, SI_KERNEL, 0);
	cr_expect(r->sig.stop);
	cr_expect_eq(collected(cmd), 0, "a watched process got a signal from scmpkit");
	sk_recorder_free(r);
}

Test(trace, command_gone_any_signal_ends)
{
	struct sk_recorder *r = launched(0); /* not started, or reaped */
	to_scmpkit(r, SIGINT, SI_KERNEL, 0);
	cr_expect(r->sig.stop);
	sk_recorder_free(r);
}

/* ---- seeding what already runs (targets.c) --------------------------------- */

#include "trace/targets.h"

/* A set of a few pids, standing in for the eBPF backend's bitmap. When MARK
 * is asked for `vanish`, that process is killed and reaped first: it exited
 * in the moment between being found in /proc and being marked. */
struct fake_set {
	pid_t marked[64];
	size_t n;
	pid_t vanish;
	pid_t vanish_parent; /* reaps it */
	int unmarked_vanished;
	/* then its pid goes to a new process (clone3 set_tid, as root): in the
	 * cgroup REUSE_CG (an fd) when >= 0, outside it when -1; -2: none */
	int reuse_cg;
	pid_t reused;
};

static bool fake_is_marked(void *ctx, pid_t pid)
{
	struct fake_set *s = ctx;
	for (size_t i = 0; i < s->n; i++)
		if (s->marked[i] == pid)
			return true;
	return false;
}

/* A process (waiting to be killed) with pid PID, in the cgroup CG (an fd)
 * unless it is -1: a pid reused at the worst moment, on purpose. */
static pid_t with_pid(pid_t pid, int cg)
{
	struct clone_args a = {.exit_signal = SIGCHLD, .set_tid = (uintptr_t)&pid, .set_tid_size = 1};
	if (cg >= 0) {
		a.flags = CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cg;
	}
	/* The reaper frees a pid's number after it unhashes the task (since
	 * Linux 6.15, outside tasklist_lock): /proc may no longer show the pid
	 * while clone3 still finds it taken. */
	long r = -1;
	for (int i = 0; i < 1000 && (r = syscall(SYS_clone3, &a, sizeof a)) < 0 && errno == EEXIST; i++)
		usleep(1000);
	if (r == 0) {
		pause();
		_exit(0);
	}
	cr_assert_eq(r, pid, "clone3 with set_tid %d: %s", (int)pid, strerror(errno));
	return (pid_t)r;
}

static bool fake_mark(void *ctx, pid_t pid)
{
	struct fake_set *s = ctx;
	if (pid == s->vanish) {
		kill(pid, SIGKILL);
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		for (int i = 0; i < 1000 && access(path, F_OK) == 0; i++)
			usleep(1000); /* until its parent has reaped it */
		cr_assert_neq(access(path, F_OK), 0, "the vanishing child was not reaped");
		if (s->reuse_cg >= -1)
			s->reused = with_pid(pid, s->reuse_cg);
	}
	if (!fake_is_marked(ctx, pid) && s->n < 64)
		s->marked[s->n++] = pid;
	return true;
}

static void fake_unmark(void *ctx, pid_t pid)
{
	struct fake_set *s = ctx;
	for (size_t i = 0; i < s->n; i++)
		if (s->marked[i] == pid) {
			s->marked[i] = s->marked[--s->n];
			s->unmarked_vanished += pid == s->vanish;
		}
}

/* A parent that reaps its child as soon as it dies, then waits to be killed;
 * the child's pid is written to P. */
static pid_t parent_with_child(pid_t *child)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t parent = fork();
	cr_assert_geq(parent, 0);
	if (parent == 0) {
		pid_t c = fork();
		if (c == 0) {
			pause();
			_exit(0);
		}
		if (write(p[1], &c, sizeof c) != sizeof c)
			_exit(1);
		waitpid(c, NULL, 0);
		pause();
		_exit(0);
	}
	cr_assert_eq(read(p[0], child, sizeof *child), (ssize_t)sizeof *child);
	close(p[0]);
	close(p[1]);
	return parent;
}

Test(trace, seeding_takes_back_a_child_gone_before_its_mark)
{
	/* the kernel half clears a target's bit when it exits, but this one was
	 * not a target yet: the bit would stay, for whoever gets the pid next */
	pid_t child;
	pid_t parent = parent_with_child(&child);
	struct fake_set s = {.vanish = child, .reuse_cg = -2};
	struct sk_target_set set = {.mark = fake_mark, .unmark = fake_unmark,
				    .is_marked = fake_is_marked, .ctx = &s};
	struct sk_diags d = {0};
	cr_expect_eq(sk_targets_pid_tree(parent, &set, &d), 0);
	cr_expect(fake_is_marked(&s, parent));
	cr_expect_not(fake_is_marked(&s, child), "a pid marked after its process was gone");
	cr_expect_eq(s.unmarked_vanished, 1);
	kill(parent, SIGKILL);
	waitpid(parent, NULL, 0);
	sk_diags_free(&d);
}

Test(trace, seeding_refuses_a_process_that_has_exited)
{
	/* a zombie: kill(pid, 0) still works, but nothing of it runs any more;
	 * it used to be watched for ever, since it never exits again */
	pid_t z = fork();
	cr_assert_geq(z, 0);
	if (z == 0)
		_exit(0);
	siginfo_t si;
	cr_assert_eq(waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT), 0); /* a zombie now */
	struct fake_set s = {.reuse_cg = -2};
	struct sk_target_set set = {.mark = fake_mark, .unmark = fake_unmark,
				    .is_marked = fake_is_marked, .ctx = &s};
	struct sk_diags d = {0};
	cr_expect_eq(sk_targets_pid_tree(z, &set, &d), -ESRCH);
	cr_expect_eq(s.n, 0);
	cr_assert_eq(d.n, 1);
	cr_expect(strstr(d.v[0].message, "has exited"), "%s", d.v[0].message);
	waitpid(z, NULL, 0);
	sk_diags_free(&d);
}

/* Seeding a cgroup from cgroup.procs has the same window as a pid tree: a
 * task read there may exit before its mark, and its pid go to a process
 * outside the cgroup. A cgroup v2 of our own (as root) holds the child. */
struct test_cg {
	char path[512];
	int fd;
};

static void cg_make(struct test_cg *cg)
{
	if (geteuid() != 0)
		cr_skip_test("moving a process into a cgroup and clone3 set_tid need root");
	char line[1024], mnt[512] = "";
	FILE *m = fopen("/proc/self/mountinfo", "re");
	while (m && fgets(line, sizeof line, m))
		if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1)
			break;
	if (m)
		fclose(m);
	if (!mnt[0])
		cr_skip_test("no cgroup v2 hierarchy is mounted");
	snprintf(cg->path, sizeof cg->path, "%s/sk-test-trust2-%d", mnt, (int)getpid());
	/* one an interrupted run left on this pid goes first (an empty cgroup
	 * goes with rmdir; one with a task in it stays, and the test skips) */
	if (mkdir(cg->path, 0755) < 0 && (errno != EEXIST || rmdir(cg->path) < 0 ||
					  mkdir(cg->path, 0755) < 0))
		cr_skip_test("cannot create a cgroup under %s: %s", mnt, strerror(errno));
	cg->fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(cg->fd, 0);
}

static void cg_enter(const struct test_cg *cg, pid_t pid)
{
	char procs[600];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", cg->path);
	FILE *f = fopen(procs, "we");
	cr_assert_not_null(f);
	fprintf(f, "%d\n", (int)pid);
	cr_assert_eq(fclose(f), 0, "moving %d into %s", (int)pid, cg->path);
}

static void cg_seed(struct test_cg *cg, int reuse, struct fake_set *s)
{
	pid_t child;
	pid_t parent = parent_with_child(&child);
	cg_enter(cg, child);
	*s = (struct fake_set){.vanish = child, .reuse_cg = reuse == 1 ? cg->fd : reuse ? -1 : -2};
	struct sk_target_set set = {.mark = fake_mark, .unmark = fake_unmark,
				    .is_marked = fake_is_marked, .ctx = s};
	struct sk_diags d = {0};
	struct sk_cgroup_target t;
	cr_assert_eq(sk_targets_cgroup_open(cg->path, &t, &d), 0);
	cr_expect_eq(sk_targets_cgroup_seed(&t, &set), 0);
	close(t.fd);
	kill(parent, SIGKILL);
	waitpid(parent, NULL, 0);
	if (s->reused > 0) {
		kill(s->reused, SIGKILL);
		waitpid(s->reused, NULL, 0);
	}
	close(cg->fd);
	/* a task reaped may still count in its cgroup until it has switched out
	 * for the last time: rmdir says EBUSY meanwhile */
	int r = rmdir(cg->path);
	for (int i = 0; i < 1000 && r < 0 && errno == EBUSY; i++) {
		usleep(1000);
		r = rmdir(cg->path);
	}
	cr_expect_eq(r, 0, "%s: %s", cg->path, strerror(errno));
	sk_diags_free(&d);
}

Test(trace, seeding_a_cgroup_takes_back_a_task_gone_before_its_mark)
{
	struct test_cg cg;
	cg_make(&cg);
	struct fake_set s;
	cg_seed(&cg, 0, &s);
	cr_expect_not(fake_is_marked(&s, s.vanish), "a pid marked after its task was gone");
	cr_expect_eq(s.unmarked_vanished, 1);
}

Test(trace, seeding_a_cgroup_takes_back_a_pid_reused_outside)
{
	struct test_cg cg;
	cg_make(&cg);
	struct fake_set s;
	cg_seed(&cg, -1, &s);
	cr_expect_eq(s.reused, s.vanish);
	cr_expect_not(fake_is_marked(&s, s.vanish), "a process outside the cgroup would be recorded");
}

Test(trace, seeding_a_cgroup_keeps_a_pid_reused_inside)
{
	/* a task born in the cgroup on that pid: the kernel half marks it */
	struct test_cg cg;
	cg_make(&cg);
	struct fake_set s;
	cg_seed(&cg, 1, &s);
	cr_expect_eq(s.reused, s.vanish);
	cr_expect(fake_is_marked(&s, s.vanish), "a task of the cgroup lost");
}
