/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/* The kernel half of the eBPF recorder: which syscalls the target tasks make.
 *
 * Every syscall of every task on the machine runs sys_enter below, so its
 * path for a task outside the target is kept to a helper call (the current
 * task), a load of its tgid, one load from a bitmap indexed by tgid and a
 * branch (an array indexed by tgid costs about a third of a hash lookup on
 * the getppid loop). A target's path is inlined: no bpf-to-bpf call, and the
 * task it already has gives its TS_COMPAT status. Targets set a bit in a
 * per-arch bitmap of syscall numbers, and only the first time (a load before
 * the atomic OR keeps the cache line shared): there is no event stream, so
 * nothing can overflow or be dropped however fast the target calls.
 *
 * The target set is the bitmap `targets` (bit tgid): user space seeds it
 * (the command it forks, a pid and its descendants, the tasks of a cgroup);
 * sched_process_fork adds children (of a target, or in cgroup mode any task
 * born into the target cgroup subtree), cgroup_attach_task adds tasks moved
 * into the subtree and removes those moved out, and sched_process_exit
 * removes a thread group once its last thread exits, before its pid can be
 * reused. i386 calls are told from x86_64 ones by the task's TS_COMPAT
 * status, read with CO-RE, as the kernel's in_ia32_syscall() does.
 *
 * Seccomp runs before sys_enter: a call the task's own filter denies never
 * reaches this program. Installing a filter is visible, though, and noted in
 * `stats` so user space can say what it means. Syscall numbers come from
 * user space (.rodata, from scmpkit's tables), never typed here.
 *
 * Licence "GPL": bpf_probe_read_kernel and bpf_get_current_task_btf are
 * GPL-only helpers; this file is dual-licensed for that reason. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "record.h"

char LICENSE[] SEC("license") = "GPL";

/* arch/x86/include/asm/thread_info.h: thread_info.status bit set while the
 * task runs an i386 syscall (a macro, so not in the kernel's BTF). */
#define TS_COMPAT 0x0002
/* <linux/seccomp.h> and <linux/prctl.h> (macros, not in BTF) */
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#define PR_SET_SECCOMP 22
#define SECCOMP_MODE_FILTER 2

/* Set by user space before load; the verifier drops the branches that
 * depend on them (with_args off: no argument code runs at all). */
const volatile bool cgroup_mode = false;
const volatile __u64 cgroup_id = 0;    /* kernfs id of the target cgroup (v2) */
const volatile bool with_args = false;
const volatile __s64 x32_base = 0;     /* first x32 number; 0: no x32 */
const volatile __s64 seccomp_nr[SK_BPF_NARCH] = {-1, -1, -1};
const volatile __s64 prctl_nr[SK_BPF_NARCH] = {-1, -1, -1};
/* per arch, per argument kind: the syscall number (-1 none) and which
 * argument (0 or 1) holds the value */
const volatile __s64 kind_nr[SK_BPF_NARCH][SK_BPF_NKINDS];
const volatile __u8 kind_arg[SK_BPF_NKINDS];

/* Shared with user space through the mmapped .bss. */
__u64 seen[SK_BPF_NARCH][SK_BPF_NR_SPAN / 64];
struct sk_bpf_stats stats;

/* The target set: bit tgid % 64 of word tgid / 64. User space sizes it to
 * the machine's pid_max before load (4 KiB for the usual 32768, where the
 * largest possible pid space would take 512 KiB to allocate and copy at each
 * start) and maps it shared; a tgid beyond it cannot be a target, and one
 * born to a target is counted as lost. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, SK_BPF_PID_LIMIT / 64);
	__type(key, __u32);
	__type(value, __u64);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SK_BPF_MAX_EXTRA);
	__type(key, struct sk_bpf_extra_key);
	__type(value, __u8);
} extra SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	/* MAX_VALUES per (arch, kind), plus room for the racing inserts that
	 * pass the count check together */
	__uint(max_entries, SK_BPF_NARCH * SK_BPF_NKINDS * (SK_BPF_MAX_VALUES + 16));
	__type(key, struct sk_bpf_value_key);
	__type(value, __u8);
} values SEC(".maps");

/* The word of `targets` that holds TGID, NULL beyond the set (an array
 * lookup the verifier inlines: a bounds check and an add, no call). */
static __always_inline __u64 *word(__u32 tgid)
{
	__u32 i = tgid / 64;
	return bpf_map_lookup_elem(&targets, &i);
}

static __always_inline bool is_target(__u32 tgid)
{
	__u64 *w = word(tgid);
	return w && (*w >> (tgid % 64) & 1);
}

static __always_inline void mark(__u32 tgid)
{
	__u64 *w = word(tgid);
	if (!w) {
		__sync_fetch_and_add(&stats.lost_fork, 1);
		return;
	}
	__u64 bit = 1ULL << (tgid % 64);
	if (!(*w & bit))
		__sync_fetch_and_or(w, bit);
}

static __always_inline void unmark(__u32 tgid)
{
	__u64 *w = word(tgid);
	__u64 bit = 1ULL << (tgid % 64);
	if (w && (*w & bit))
		__sync_fetch_and_and(w, ~bit);
}

/* Argument I (0, 1 or 2) of the current call, from the user registers the
 * tracepoint hands over: x86_64 (and x32) pass them in di, si, dx; i386 in
 * bx, cx, dx. */
static __always_inline __u64 arg(struct pt_regs *regs, int a, int i)
{
	if (i == 2)
		return BPF_CORE_READ(regs, dx);
	if (a == SK_BPF_COMPAT)
		return i == 0 ? BPF_CORE_READ(regs, bx) : BPF_CORE_READ(regs, cx);
	return i == 0 ? BPF_CORE_READ(regs, di) : BPF_CORE_READ(regs, si);
}

static __always_inline void note_value(int a, int k, __u64 v)
{
	struct sk_bpf_value_key key = {.arch = a, .kind = k, .value = v};
	__u8 one = 1;
	if (bpf_map_lookup_elem(&values, &key))
		return;
	if (stats.nvalues[a][k] >= SK_BPF_MAX_VALUES) {
		stats.overflow[a][k] = 1; /* user space then writes no argument rule */
		return;
	}
	if (bpf_map_update_elem(&values, &key, &one, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(&stats.nvalues[a][k], 1);
	else if (!bpf_map_lookup_elem(&values, &key))
		stats.overflow[a][k] = 1; /* map full: no rule rather than a wrong one */
}

/* A filter being installed; a NULL program is libseccomp (runc, systemd)
 * probing which flags the kernel knows, and installs nothing. */
static __always_inline void note_filter(struct pt_regs *regs, int a, __s64 nr, __u32 tgid)
{
	if (arg(regs, a, 2) == 0)
		return;
	if (nr == seccomp_nr[a] && arg(regs, a, 0) == SECCOMP_SET_MODE_FILTER) {
		stats.filter_tgid = tgid;
		if (arg(regs, a, 1) & SECCOMP_FILTER_FLAG_NEW_LISTENER)
			stats.listener_tgid = tgid;
	} else if (nr == prctl_nr[a] && arg(regs, a, 0) == PR_SET_SECCOMP &&
		   arg(regs, a, 1) == SECCOMP_MODE_FILTER) {
		stats.filter_tgid = tgid;
	}
}

/* A target's call: set its bit (first time only), note what else it says. */
static __always_inline int record(struct task_struct *task, struct pt_regs *regs, __s64 nr,
				  __u32 tgid)
{
	int a = (task->thread_info.status & TS_COMPAT) ? SK_BPF_COMPAT : SK_BPF_NATIVE;
	__s64 base = 0;
	if (a == SK_BPF_NATIVE && x32_base > 0 && nr >= x32_base) {
		a = SK_BPF_X32;
		base = x32_base;
	}
	if (nr < 0)
		return 0; /* -1: a call a tracer cancelled; nothing ran */
	__u64 i = (__u64)(nr - base);
	if (i < SK_BPF_NR_SPAN) {
		__u64 bit = 1ULL << (i % 64);
		if (!(seen[a][i / 64] & bit))
			__sync_fetch_and_or(&seen[a][i / 64], bit);
	} else {
		struct sk_bpf_extra_key key = {.arch = a, .nr = nr};
		__u8 one = 1;
		if (!bpf_map_lookup_elem(&extra, &key) &&
		    bpf_map_update_elem(&extra, &key, &one, BPF_NOEXIST) != 0 &&
		    !bpf_map_lookup_elem(&extra, &key))
			__sync_fetch_and_add(&stats.lost_extra, 1);
	}
	if (nr == seccomp_nr[a] || nr == prctl_nr[a])
		note_filter(regs, a, nr, tgid);
	if (with_args) {
		for (int k = 0; k < SK_BPF_NKINDS; k++)
			if (nr == kind_nr[a][k])
				note_value(a, k, arg(regs, a, kind_arg[k]));
	}
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	/* one helper call on every path: the task, whose tgid is a plain load
	 * (and whose status record() reads) */
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = task->tgid;
	if (!is_target(tgid))
		return 0;
	return record(task, (struct pt_regs *)ctx->args[0], (__s64)ctx->args[1], tgid);
}

/* Where cgroup CG is: -1 on a cgroup v1 hierarchy (its ids are another
 * namespace: not ours to judge), 1 the target cgroup or below it (at most
 * SK_BPF_MAX_DEPTH levels), 0 elsewhere on the v2 hierarchy. The target is
 * looked for among CG's ancestors by its id, not at a depth user space
 * worked out: the path it was given may be a bind mount of a subtree, whose
 * ".." stops short of the root, and a wrong depth lost every fork in
 * silence. Runs on forks and cgroup moves only, never on the syscall path. */
static __always_inline int subtree(struct cgroup *cg)
{
	struct task_struct *self = bpf_get_current_task_btf();
	if (!cg || BPF_CORE_READ(cg, root) != BPF_CORE_READ(self, cgroups, dfl_cgrp, root))
		return -1;
	int level = BPF_CORE_READ(cg, level);
	for (int up = 0; up < SK_BPF_MAX_DEPTH; up++) {
		int i = level - up;
		if (i < 0)
			break;
		struct cgroup *anc = NULL;
		bpf_core_read(&anc, sizeof anc, &cg->ancestors[i]);
		if (anc && BPF_CORE_READ(anc, kn, id) == cgroup_id)
			return 1;
	}
	return 0;
}

SEC("raw_tracepoint/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	if (cgroup_mode) {
		/* the child's own cgroup: clone3(CLONE_INTO_CGROUP) may differ
		 * from its parent's */
		if (subtree(BPF_CORE_READ(child, cgroups, dfl_cgrp)) != 1)
			return 0;
	} else if (!is_target(bpf_get_current_pid_tgid() >> 32)) {
		return 0;
	}
	mark(BPF_CORE_READ(child, tgid));
	return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int on_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (!is_target(tgid))
		return 0;
	/* do_exit() counts the group's live threads down before this
	 * tracepoint: 0 means this is the last one, and the tgid stays taken
	 * (a zombie) until after it, so clearing here cannot hit a reused pid */
	struct task_struct *task = bpf_get_current_task_btf();
	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		unmark(tgid);
	return 0;
}

SEC("raw_tracepoint/cgroup_attach_task")
int on_attach(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[2];
	if (!cgroup_mode)
		return 0;
	int where = subtree((struct cgroup *)ctx->args[0]);
	__u32 tgid = BPF_CORE_READ(task, tgid);
	if (where == 1)
		mark(tgid);
	else if (where == 0)
		unmark(tgid); /* moved out of the target cgroup */
	return 0;
}
