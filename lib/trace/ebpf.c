/* SPDX-License-Identifier: Apache-2.0 */
/* eBPF backend, user half: load the program (bpf/record.bpf.c, compiled at
 * build time and embedded as a libbpf skeleton), give it scmpkit's syscall
 * numbers, seed its target set, wait, and read its bitmaps once at the end.
 *
 * The kernel half keeps the whole recording in maps: nothing streams to user
 * space, so nothing can be dropped while the target runs, and this side only
 * wakes ten times a second (for the live count, the end of the targets and
 * signals). Where something can still be missing — a number outside the
 * bitmaps that did not fit, calls a target's own seccomp listener answered
 * without running them — the kernel half counts it and this side says so and
 * marks the recording incomplete (a non-zero exit).
 *
 * Starting a command: fork; the child marks its own pid in the target
 * bitmap and execs: its execve is the first call recorded, as with ptrace.
 * What already runs: targets.c seeds the set after the program is attached
 * (that order closes the races: see there).
 *
 * Loading: libbpf relocates the program (CO-RE) against a BTF of the few
 * kernel structs it reads, which kernel_btf.c lays out from the running
 * kernel's BTF, not against the whole of it (see there for the cost). */
/* <linux/bpf.h> (through libbpf) has an `enum sk_action` of its own (socket
 * verdicts); ours is scmpkit's. Renamed here, in the one file that needs both. */
#define sk_action linux_bpf_sk_action
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#undef sk_action
#include <linux/types.h>

#include "bpf/record.h"
#include "core_btf.h"
#include "record.skel.h"
#include "record_core_btf.h"
#include "targets.h"
#include "trace_backend.h"

#include "util/cleanup.h"

#include <scmpkit/fileio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Seeded targets named one by one as running under a seccomp filter; the
 * rest are counted. */
#define FILTERED_NOTES 5

struct ebpf_rec {
	struct sk_recorder base;
	struct sk_record_bpf *skel;
	uint64_t *targets;               /* the target bitmap, mapped shared */
	size_t words;                    /* its length: pid_max / 64, rounded up */
	size_t map_len;                  /* bytes mapped */
	enum sk_arch arch[SK_BPF_NARCH]; /* the kernel half's arch index -> ours */
	pid_t pid;                       /* the command (0: attached) */
	int pidfd, err_fd;
	bool reaped;
	struct sk_cgroup_target cg;      /* fd -1 unless cgroup mode */
	unsigned filtered;               /* seeded targets under a seccomp filter */
	unsigned seeded;                 /* targets marked by seeding */
	unsigned beyond;                 /* targets whose pid the bitmap cannot hold */
	struct sk_diags *seed_diags;     /* where seeding names them */
	bool started;                    /* the fds above are set */
};

/* ---- may this process load it? -------------------------------------------- */

static bool has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective >> (cap % 32) & 1;
}

static bool bpf_allowed(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON));
}

/* "pid:[4026531836]": the initial pid namespace (PROC_PID_INIT_INO), whose
 * pids are the ones bpf_get_current_pid_tgid() gives. */
static bool initial_pid_ns(void)
{
	char buf[64];
	ssize_t n = readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
	if (n < 0)
		return true;
	buf[n] = 0;
	return !strcmp(buf, "pid:[4026531836]");
}

int sk_ebpf_usable(const char **why)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		*why = "the kernel has no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF), "
		       "which the program is relocated against when it loads (CO-RE)";
		return -ENOTSUP;
	}
	if (!bpf_allowed()) {
		*why = "loading a tracing BPF program needs root, or CAP_BPF and CAP_PERFMON";
		return -EPERM;
	}
	if (!initial_pid_ns()) {
		*why = "scmpkit runs in a pid namespace, and the kernel names tasks by their "
		       "pids in the initial one";
		return -ENOTSUP;
	}
	return 0;
}

/* ---- the target bitmap, shared with the kernel half ------------------------ */

/* A pid the bitmap can hold. */
static bool in_set(const struct ebpf_rec *e, pid_t pid)
{
	return pid > 0 && (size_t)pid / 64 < e->words;
}

static void mark(void *ctx, pid_t pid)
{
	struct ebpf_rec *e = ctx;
	if (in_set(e, pid))
		__atomic_fetch_or(&e->targets[pid / 64], UINT64_C(1) << (pid % 64), __ATOMIC_SEQ_CST);
}

static void unmark(struct ebpf_rec *e, pid_t pid)
{
	if (in_set(e, pid))
		__atomic_fetch_and(&e->targets[pid / 64], ~(UINT64_C(1) << (pid % 64)),
				   __ATOMIC_SEQ_CST);
}

static bool is_marked(void *ctx, pid_t pid)
{
	struct ebpf_rec *e = ctx;
	return in_set(e, pid) &&
	       __atomic_load_n(&e->targets[pid / 64], __ATOMIC_RELAXED) >> (pid % 64) & 1;
}

/* A seeded target: marked, and named when it runs under a seccomp filter. */
static bool seed(void *ctx, pid_t pid)
{
	struct ebpf_rec *e = ctx;
	if (pid == getpid() || pid <= 0)
		return false; /* scmpkit in what it watches: not its own calls */
	if (!in_set(e, pid)) {
		e->beyond++; /* pid_max raised since the bitmap was sized */
		return false;
	}
	mark(e, pid);
	e->seeded++;
	struct sk_diags quiet = {0};
	if (sk_trace_note_filtered(pid, &quiet) && e->filtered++ < FILTERED_NOTES)
		sk_diags_splice(e->seed_diags, &quiet);
	sk_diags_free(&quiet);
	return true;
}

/* A seeded mark taken back: the process was gone by then. */
static void unseed(void *ctx, pid_t pid)
{
	unmark(ctx, pid);
}

/* Call FN for every marked pid (512 words for the usual pid_max, mostly
 * zero). */
static size_t each_target(struct ebpf_rec *e, void (*fn)(struct ebpf_rec *, pid_t))
{
	size_t n = 0;
	for (size_t w = 0; w < e->words; w++) {
		uint64_t bits = __atomic_load_n(&e->targets[w], __ATOMIC_RELAXED);
		for (; bits; bits &= bits - 1, n++)
			if (fn)
				fn(e, (pid_t)(w * 64 + (size_t)__builtin_ctzll(bits)));
	}
	return n;
}

/* A seeded pid whose process was gone (or a zombie, its exit already past the
 * kernel half) before it was marked: nothing would ever clear it. */
static void drop_if_gone(struct ebpf_rec *e, pid_t pid)
{
	if (!sk_targets_alive(pid))
		unmark(e, pid);
}

/* ---- load, attach ----------------------------------------------------------- */

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0; /* the library never prints; failures become diagnostics */
}

/* scmpkit's numbers for the kernel half: per arch, seccomp and prctl (to see
 * a target install a filter) and the calls whose arguments --args records. */
static void give_numbers(struct ebpf_rec *e, struct sk_record_bpf *s, bool cgroup)
{
	struct sk_trace_result *res = e->base.result;
	enum sk_arch native = sk_arch_native();
	e->arch[SK_BPF_NATIVE] = native;
	e->arch[SK_BPF_COMPAT] = native == SK_ARCH_X86_64 ? SK_ARCH_X86 : SK_ARCH_INVALID;
	e->arch[SK_BPF_X32] = native == SK_ARCH_X86_64 ? SK_ARCH_X32 : SK_ARCH_INVALID;
	for (int a = 0; a < SK_BPF_NARCH; a++) {
		enum sk_arch sa = e->arch[a];
		bool have = sa != SK_ARCH_INVALID;
		s->rodata->seccomp_nr[a] = have ? sk_syscall_nr(sa, "seccomp") : -1;
		s->rodata->prctl_nr[a] = have ? sk_syscall_nr(sa, "prctl") : -1;
		for (int k = 0; k < SK_BPF_NKINDS; k++)
			s->rodata->kind_nr[a][k] = have ? res->arch[sa].arg_nr[k] : -1;
	}
	for (int k = 0; k < SK_BPF_NKINDS; k++)
		s->rodata->kind_arg[k] = (__u8)sk_trace_argkind_index(k);
	if (e->arch[SK_BPF_X32] != SK_ARCH_INVALID)
		s->rodata->x32_base = res->arch[SK_ARCH_X32].base;
	s->rodata->with_args = e->base.opts.args;
	s->rodata->cgroup_mode = cgroup;
	s->rodata->cgroup_id = e->cg.id;
}

/* Words of the target bitmap: pid_max bits (pids are below it), or the
 * largest pid space where pid_max cannot be read. Raised while a recording
 * runs, a child with a pid beyond is counted as lost, and said. */
static size_t target_words(void)
{
	_sk_cleanup_free_ char *text = NULL;
	size_t len;
	unsigned long max = 0;
	if (sk_read_file("/proc/sys/kernel/pid_max", &text, &len) < 0 || sscanf(text, "%lu", &max) != 1 ||
	    max == 0 || max > SK_BPF_PID_LIMIT)
		max = SK_BPF_PID_LIMIT;
	return (max + 63) / 64;
}

static int map_targets(struct ebpf_rec *e, struct sk_record_bpf *s)
{
	long page = sysconf(_SC_PAGESIZE);
	e->map_len = (e->words * sizeof *e->targets + (size_t)page - 1) / (size_t)page * (size_t)page;
	void *m = mmap(NULL, e->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(s->maps.targets), 0);
	if (m == MAP_FAILED)
		return -errno;
	e->targets = m;
	return 0;
}

static int load(struct ebpf_rec *e, bool cgroup, struct sk_diags *d)
{
	libbpf_set_print(quiet_libbpf);
	char why[256];
	_sk_cleanup_close_ int btf_fd =
		sk_core_btf_fd(sk_record_core_btf, sizeof sk_record_core_btf, why, sizeof why);
	if (btf_fd < 0) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ebpf",
			     "cannot relocate the BPF program for this kernel: %s", why);
		return -ENOTSUP;
	}
	char btf_path[64];
	snprintf(btf_path, sizeof btf_path, "/proc/self/fd/%d", btf_fd);
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	struct sk_record_bpf *s = sk_record_bpf__open_opts(&opts);
	if (!s) {
		int err = errno;
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ebpf",
			     "cannot open the BPF program: %s", strerror(err));
		return -err;
	}
	give_numbers(e, s, cgroup);
	/* cgroup moves matter only to a cgroup's recording: elsewhere the
	 * program is neither loaded nor attached (each attach and detach
	 * patches kernel text on every CPU) */
	bpf_program__set_autoload(s->progs.on_attach, cgroup);
	e->words = target_words();
	int r = bpf_map__set_max_entries(s->maps.targets, (__u32)e->words);
	if (r == 0)
		r = sk_record_bpf__load(s);
	const char *step = "load";
	if (r == 0) {
		step = "map the target set of";
		r = map_targets(e, s);
	}
	if (r == 0) {
		step = "attach";
		r = sk_record_bpf__attach(s);
	}
	if (r) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ebpf",
			     "the kernel refused to %s the BPF program: %s (it needs raw "
			     "tracepoints, BTF and BPF atomics: Linux 5.12 or later)",
			     step, strerror(-r));
		sk_record_bpf__destroy(s);
		return r;
	}
	e->skel = s;
	return 0;
}

/* ---- start: a command, or what already runs -------------------------------- */

/* In the child, just before exec: set its own bit in the target bitmap (a
 * map, mapped shared, so the fork kept it), a store and no call:
 * its execve is the first call recorded, as with ptrace, and the parent goes
 * on without waiting for it. Async-signal-safe: an atomic OR. */
static int mark_self(void *ctx)
{
	mark(ctx, (pid_t)syscall(SYS_getpid));
	return 0;
}

static int hold_nothing(void *ctx, pid_t pid, struct sk_diags *d)
{
	(void)ctx, (void)pid, (void)d;
	return 0;
}

/* The child is ours until it is reaped, so its pid cannot be reused under
 * the pidfd, even once it has exited; if it dies before it marked itself it
 * was never a target, if after, the kernel half clears it at its exit. */
static int start_command(struct ebpf_rec *e, struct sk_diags *d)
{
	struct sk_recorder *r = &e->base;
	sk_trace_note_filtered(0, d);
	int rc = sk_trace_spawn(r->opts.argv, mark_self, hold_nothing, e, &e->pid, &e->err_fd, d);
	if (rc < 0)
		return rc;
	e->pidfd = (int)syscall(SYS_pidfd_open, e->pid, 0);
	r->sig.relay_pid = r->sig.kill_pid = e->pid;
	e->beyond += !in_set(e, e->pid); /* it could not mark itself: said at the end */
	return 0;
}

static int eb_start(struct sk_recorder *r, struct sk_diags *d)
{
	struct ebpf_rec *e = (struct ebpf_rec *)r;
	e->pidfd = e->err_fd = e->cg.fd = -1;
	e->started = true;
	char cgroup[PATH_MAX];
	const char *cg = r->opts.cgroup;
	if (r->opts.container) {
		int rc = sk_targets_container(r->opts.runtime ? r->opts.runtime : "runc",
					      r->opts.runtime_root, r->opts.container, cgroup,
					      sizeof cgroup, d);
		if (rc < 0)
			return rc;
		r->from_start = rc == 1;
		cg = cgroup;
	}
	if (cg) {
		int rc = sk_targets_cgroup_open(cg, &e->cg, d);
		if (rc < 0)
			return rc;
	}
	int rc = load(e, cg != NULL, d);
	if (rc < 0)
		return rc;
	if (!r->attach)
		return start_command(e, d);
	struct sk_target_set set = {.mark = seed, .unmark = unseed, .is_marked = is_marked, .ctx = e};
	e->seed_diags = d;
	rc = cg ? sk_targets_cgroup_seed(&e->cg, &set) : sk_targets_pid_tree(r->opts.pid, &set, d);
	if (rc < 0)
		return rc;
	if (e->filtered > FILTERED_NOTES)
		sk_diags_add(d, SK_SEV_WARNING, NULL, 0, 0, "record-filtered",
			     "%u more target processes run under a seccomp filter",
			     e->filtered - FILTERED_NOTES);
	each_target(e, drop_if_gone);
	return 0;
}

/* ---- run: wait for the end, then read the maps once ------------------------ */

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static size_t seen_count(const struct ebpf_rec *e)
{
	size_t n = 0;
	for (int a = 0; a < SK_BPF_NARCH; a++)
		for (int w = 0; w < SK_BPF_NR_SPAN / 64; w++)
			n += (size_t)__builtin_popcountll(
				__atomic_load_n(&e->skel->bss->seen[a][w], __ATOMIC_RELAXED));
	return n;
}

/* The command exited: its status (it is our child). */
static void reap(struct ebpf_rec *e)
{
	int st;
	if (e->reaped || waitpid(e->pid, &st, WNOHANG) != e->pid)
		return;
	sk_recorder_set_exit(&e->base, st);
	e->reaped = true;
}

/* Until the targets are gone (a command: it exited and so did everything it
 * started), --duration is over, or a signal says stop. */
static void wait_for_end(struct ebpf_rec *e)
{
	struct sk_recorder *r = &e->base;
	long long start = now_ms(), last_sweep = start;
	long long deadline = r->opts.duration_ms ? start + (long long)r->opts.duration_ms : 0;
	/* a target seeded but gone before this loop (it exited during the
	 * set-up, and the kernel half cleared it) still counts: what was
	 * watched is over */
	bool had_targets = e->seeded > 0 || each_target(e, NULL) > 0;
	for (;;) {
		if (r->sig.stop)
			return;
		bool command_gone = !r->attach && e->reaped;
		long long now = now_ms();
		int timeout = command_gone ? 10 : 100;
		if (deadline && deadline - now < timeout)
			timeout = deadline > now ? (int)(deadline - now) : 0;
		struct pollfd pfd[2] = {{.fd = r->sig.wake[0], .events = POLLIN},
					{.fd = e->reaped ? -1 : e->pidfd, .events = POLLIN}};
		if (poll(pfd, 2, timeout) > 0 && (pfd[0].revents & POLLIN)) {
			char buf[64];
			while (read(r->sig.wake[0], buf, sizeof buf) > 0)
				;
		}
		if (!r->attach)
			reap(e);
		if (r->opts.progress)
			r->opts.progress(r->opts.progress_ctx, seen_count(e));
		now = now_ms();
		if (deadline && now >= deadline)
			return;
		if (r->attach && now - last_sweep >= 1000) {
			each_target(e, drop_if_gone);
			last_sweep = now;
		}
		size_t left = each_target(e, NULL);
		had_targets |= left > 0;
		if (left == 0 && (r->attach ? had_targets : e->reaped))
			return;
	}
}

static void note_key(struct ebpf_rec *e, const struct sk_bpf_extra_key *k)
{
	if (k->arch < SK_BPF_NARCH && e->arch[k->arch] != SK_ARCH_INVALID)
		sk_recorder_note(&e->base, e->arch[k->arch], k->nr, NULL);
}

static void note_value(struct ebpf_rec *e, const struct sk_bpf_value_key *k)
{
	if (k->arch >= SK_BPF_NARCH || k->kind >= SK_BPF_NKINDS || e->arch[k->arch] == SK_ARCH_INVALID)
		return;
	enum sk_arch a = e->arch[k->arch];
	uint64_t args[6] = {0};
	args[sk_trace_argkind_index(k->kind)] = k->value;
	sk_recorder_note(&e->base, a, e->base.result->arch[a].arg_nr[k->kind], args);
}

/* The bitmaps, the out-of-span numbers and the argument values into the
 * result; what was lost into diagnostics. */
static void collect(struct ebpf_rec *e, struct sk_diags *d)
{
	const struct sk_record_bpf *s = e->skel;
	for (int a = 0; a < SK_BPF_NARCH; a++) {
		enum sk_arch sa = e->arch[a];
		for (int i = 0; sa != SK_ARCH_INVALID && i < SK_BPF_NR_SPAN; i++)
			if (s->bss->seen[a][i / 64] >> (i % 64) & 1)
				sk_recorder_note(&e->base, sa, e->base.result->arch[sa].base + i, NULL);
	}
	struct sk_bpf_extra_key ek, *prev = NULL;
	for (int fd = bpf_map__fd(s->maps.extra); !bpf_map_get_next_key(fd, prev, &ek); prev = &ek)
		note_key(e, &ek);
	struct sk_bpf_value_key vk, *vprev = NULL;
	for (int fd = bpf_map__fd(s->maps.values); !bpf_map_get_next_key(fd, vprev, &vk); vprev = &vk)
		note_value(e, &vk);
	const struct sk_bpf_stats *st = &s->bss->stats;
	for (int a = 0; a < SK_BPF_NARCH; a++)
		for (int k = 0; k < SK_BPF_NKINDS && e->arch[a] != SK_ARCH_INVALID; k++)
			if (st->overflow[a][k])
				e->base.result->arch[e->arch[a]].values[k].overflow = true;
	if (st->lost_extra || st->lost_fork || e->beyond) {
		e->base.incomplete = true;
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-lost",
			     "calls may be missing: %llu call(s) with numbers outside the "
			     "recorded range found its table full (%d entries), %llu process(es) "
			     "had a pid beyond the target bitmap (sized to pid_max when the recording "
			     "began)",
			     (unsigned long long)st->lost_extra, SK_BPF_MAX_EXTRA,
			     (unsigned long long)st->lost_fork + e->beyond);
	}
	if (st->listener_tgid) {
		e->base.incomplete = true;
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-listener",
			     "pid %u installed a seccomp filter with a user-notification listener: "
			     "calls its listener answered itself never ran in the kernel and are "
			     "not recorded (those it let continue are); record it with --backend "
			     "ptrace, which sees every call at syscall entry, before seccomp",
			     st->listener_tgid);
	} else if (st->filter_tgid) {
		sk_diags_add(d, SK_SEV_NOTE, NULL, 0, 0, "record-own-filter",
			     "pid %u installed a seccomp filter of its own: calls that filter "
			     "denies are not recorded (it installs the same filter under the "
			     "profile, so they stay denied)",
			     st->filter_tgid);
	}
}

static int eb_run(struct sk_recorder *r, struct sk_diags *d)
{
	struct ebpf_rec *e = (struct ebpf_rec *)r;
	if (!e->skel)
		return -ECHILD;
	wait_for_end(e);
	if (!r->attach && !e->reaped && r->sig.stop) {
		/* ended at once: the handler SIGKILLed the command; reap it */
		while (waitpid(e->pid, NULL, 0) < 0 && errno == EINTR)
			;
		e->reaped = true;
	}
	collect(e, d);
	if (!r->attach) {
		int err = sk_trace_exec_error(e->err_fd, r->opts.argv[0], d);
		if (err) {
			r->exec_errno = err;
			return -err;
		}
	}
	return 0;
}

static void eb_destroy(struct sk_recorder *r)
{
	struct ebpf_rec *e = (struct ebpf_rec *)r;
	if (e->targets)
		munmap(e->targets, e->map_len);
	sk_record_bpf__destroy(e->skel);
	if (e->started) {
		sk_closep(&e->pidfd);
		sk_closep(&e->err_fd);
		sk_closep(&e->cg.fd);
	}
}

const struct sk_recorder_ops sk_ebpf_ops = {
	.name = "ebpf",
	.size = sizeof(struct ebpf_rec),
	.start = eb_start,
	.run = eb_run,
	.destroy = eb_destroy,
};
