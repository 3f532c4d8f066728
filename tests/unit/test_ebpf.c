/* SPDX-License-Identifier: Apache-2.0 */
/* The eBPF recorder's kernel half on its own (lib/trace/bpf/record.bpf.c,
 * through its skeleton): it loads and attaches; a marked process's calls set
 * their bits, an unmarked one's do not; forks follow their parent, threads
 * their group, exits clear the mark; an i386 call (int $0x80 from this 64-bit
 * process) lands in the compat bitmap by TS_COMPAT; numbers outside the span
 * go to the extra map; --args values to theirs; a seccomp filter with a
 * listener is noticed, libseccomp's NULL-program probe is not. Every test
 * skips where this process may not load BPF programs (not root, no BTF).
 * The numbers the program is given come from scmpkit's tables, as in ebpf.c;
 * the calls are made through libc's SYS_ names. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/types.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/record.h"
#include "record.skel.h"

#include <scmpkit/arch.h>

#define I386(name) sk_syscall_nr(SK_ARCH_X86, name)

static struct sk_record_bpf *skel;
static uint64_t *targets; /* the target map, mapped as ebpf.c maps it */
static size_t targets_len;

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

/* Load and attach with NATIVE seccomp/prctl numbers and ioctl's request (arg
 * 1) as the one argument kind, a target set of WORDS words (0: the largest);
 * skip the test where that is not allowed. */
static void load_sized(bool args, size_t words)
{
	libbpf_set_print(quiet);
	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		cr_skip_test("needs root and kernel BTF to load BPF programs");
	skel = sk_record_bpf__open();
	cr_assert_not_null(skel);
	for (int a = 0; a < SK_BPF_NARCH; a++)
		for (int k = 0; k < SK_BPF_NKINDS; k++)
			skel->rodata->kind_nr[a][k] = -1;
	skel->rodata->seccomp_nr[SK_BPF_NATIVE] = SYS_seccomp;
	skel->rodata->prctl_nr[SK_BPF_NATIVE] = SYS_prctl;
	skel->rodata->seccomp_nr[SK_BPF_COMPAT] = I386("seccomp");
	skel->rodata->prctl_nr[SK_BPF_COMPAT] = I386("prctl");
	skel->rodata->kind_nr[SK_BPF_NATIVE][0] = SYS_ioctl;
	skel->rodata->kind_arg[0] = 1;
	skel->rodata->with_args = args;
	if (words)
		cr_assert_eq(bpf_map__set_max_entries(skel->maps.targets, (__u32)words), 0);
	int r = sk_record_bpf__load(skel);
	if (r == -EPERM || r == -EACCES) {
		sk_record_bpf__destroy(skel);
		skel = NULL;
		cr_skip_test("the kernel does not let this process load the program");
	}
	cr_assert_eq(r, 0, "load: %s", strerror(-r));
	targets_len = bpf_map__max_entries(skel->maps.targets) * sizeof *targets;
	targets = mmap(NULL, targets_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(skel->maps.targets), 0);
	cr_assert_neq(targets, MAP_FAILED, "mmap of the target set: %s", strerror(errno));
	cr_assert_eq(sk_record_bpf__attach(skel), 0, "attach");
}

static void load(bool args)
{
	load_sized(args, 0);
}

static void fini(void)
{
	if (targets && targets != MAP_FAILED)
		munmap(targets, targets_len);
	targets = NULL;
	sk_record_bpf__destroy(skel);
	skel = NULL;
}

static void mark(pid_t pid)
{
	__atomic_fetch_or(&targets[pid / 64], UINT64_C(1) << (pid % 64), __ATOMIC_SEQ_CST);
}

static bool marked(pid_t pid)
{
	return __atomic_load_n(&targets[pid / 64], __ATOMIC_SEQ_CST) >> (pid % 64) & 1;
}

static bool seen(int arch, long nr)
{
	return __atomic_load_n(&skel->bss->seen[arch][nr / 64], __ATOMIC_SEQ_CST) >> (nr % 64) & 1;
}

/* Fork a child that waits for a byte on a pipe, then runs FN and exits. */
static pid_t child(void (*fn)(void), int *go)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) == 1)
			fn();
		_exit(0);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void run(pid_t pid, int go)
{
	cr_assert_eq(write(go, "x", 1), 1);
	close(go);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* FN run by a marked child, waited for: its exit status */
static int record_child(void (*fn)(void))
{
	int go, st;
	pid_t pid = child(fn, &go);
	mark(pid);
	cr_assert_eq(write(go, "x", 1), 1);
	close(go);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static void calls_getpgid(void)
{
	syscall(SYS_getpgid, 0);
}

Test(ebpf, marked_process_counted_unmarked_not, .fini = fini)
{
	load(false);
	int go1, go2;
	pid_t in = child(calls_getpgid, &go1);
	pid_t out = child(calls_getpgid, &go2);
	mark(in);
	run(out, go2);
	cr_expect_not(seen(SK_BPF_NATIVE, SYS_getpgid), "an unmarked process was recorded");
	run(in, go1);
	cr_expect(seen(SK_BPF_NATIVE, SYS_getpgid));
	cr_expect_not(seen(SK_BPF_NATIVE, SYS_getpriority));
	cr_expect_not(marked(in), "the exit did not clear the mark");
}

static void forks_grandchild(void)
{
	pid_t g = fork();
	if (g == 0) {
		syscall(SYS_getsid, 0);
		_exit(0);
	}
	waitpid(g, NULL, 0);
}

Test(ebpf, fork_follows_the_parent, .fini = fini)
{
	load(false);
	cr_assert_eq(record_child(forks_grandchild), 0);
	cr_expect(seen(SK_BPF_NATIVE, SYS_getsid), "the grandchild's call is missing");
	cr_expect(seen(SK_BPF_NATIVE, SYS_wait4));
}

/* A target set sized to hold this process's pid and no more (as ebpf.c sizes
 * it to pid_max): children of a marked process with larger pids cannot be
 * marked, and each is counted as lost, never dropped in silence. */
Test(ebpf, a_child_beyond_the_target_set_is_counted_as_lost, .fini = fini)
{
	pid_t self = getpid();
	load_sized(false, (size_t)self / 64 + 1);
	mark(self);
	unsigned beyond = 0;
	for (int i = 0; i < 200 && beyond < 3; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		cr_assert_gt(c, 0);
		waitpid(c, NULL, 0);
		beyond += (size_t)c / 64 > (size_t)self / 64;
	}
	if (!beyond)
		cr_skip_test("no child got a pid beyond the set (pids wrapped)");
	cr_expect_geq(skel->bss->stats.lost_fork, beyond, "%u children beyond, %llu counted", beyond,
		      (unsigned long long)skel->bss->stats.lost_fork);
}

static void *thread_call(void *arg)
{
	(void)arg;
	syscall(SYS_sched_getscheduler, 0);
	return NULL;
}

static void starts_thread(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, thread_call, NULL) == 0)
		pthread_join(t, NULL);
}

Test(ebpf, threads_belong_to_their_group, .fini = fini)
{
	load(false);
	cr_assert_eq(record_child(starts_thread), 0);
	cr_expect(seen(SK_BPF_NATIVE, SYS_sched_getscheduler));
}

static void i386_call(void)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"((long)I386("getpid")) : "memory");
	_exit(r > 0 ? 0 : 3);
}

Test(ebpf, i386_call_by_ts_compat, .fini = fini)
{
	load(false);
	int st = record_child(i386_call);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cr_skip_test("no i386 emulation in this kernel (int $0x80 failed)");
	cr_expect(seen(SK_BPF_COMPAT, I386("getpid")), "the i386 getpid is not in the compat bitmap");
	cr_expect_not(seen(SK_BPF_COMPAT, SYS_exit_group), "a native call went to the compat bitmap");
	cr_expect(seen(SK_BPF_NATIVE, SYS_exit_group));
}

static void out_of_span(void)
{
	syscall(5000);
}

Test(ebpf, numbers_beyond_the_span_in_the_extra_map, .fini = fini)
{
	load(false);
	cr_assert_eq(record_child(out_of_span), 0);
	struct sk_bpf_extra_key k = {.arch = SK_BPF_NATIVE, .nr = 5000};
	__u8 v;
	cr_expect_eq(bpf_map_lookup_elem(bpf_map__fd(skel->maps.extra), &k, &v), 0);
	cr_expect_eq(skel->bss->stats.lost_extra, 0);
}

static void ioctls(void)
{
	int n;
	ioctl(0, FIONREAD, &n);
	ioctl(0, FIONREAD, &n);
	ioctl(0, 0x5401 /* TCGETS */, &n);
}

Test(ebpf, argument_values, .fini = fini)
{
	load(true);
	cr_assert_eq(record_child(ioctls), 0);
	int fd = bpf_map__fd(skel->maps.values);
	struct sk_bpf_value_key a = {.arch = SK_BPF_NATIVE, .kind = 0, .value = FIONREAD};
	struct sk_bpf_value_key b = {.arch = SK_BPF_NATIVE, .kind = 0, .value = 0x5401};
	__u8 v;
	cr_expect_eq(bpf_map_lookup_elem(fd, &a, &v), 0);
	cr_expect_eq(bpf_map_lookup_elem(fd, &b, &v), 0);
	cr_expect_eq(skel->bss->stats.nvalues[SK_BPF_NATIVE][0], 2, "each value once");
}

static void listener(void)
{
	struct sock_filter insn[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog prog = {.len = 1, .filter = insn};
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* libseccomp's probe first: a NULL program, EFAULT, nothing installed */
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		    &prog) < 0)
		_exit(3);
}

static void probe_only(void)
{
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL);
}

Test(ebpf, own_listener_noticed_probe_not, .fini = fini)
{
	load(false);
	cr_assert_eq(record_child(probe_only), 0);
	cr_expect_eq(skel->bss->stats.listener_tgid, 0, "a NULL-program probe counted");
	int go;
	pid_t pid = child(listener, &go);
	mark(pid);
	run(pid, go);
	cr_expect_eq(skel->bss->stats.listener_tgid, (__u32)pid);
	cr_expect_eq(skel->bss->stats.filter_tgid, (__u32)pid);
}
