/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/* What the eBPF recorder's kernel half (record.bpf.c) and its user half
 * (ebpf.c) share: sizes, the keys of the two hash maps and the counters in
 * the program's .bss. Included by both, so plain fixed-width types only
 * (vmlinux.h and <linux/types.h> both define __u32/__u64). */
#ifndef SK_TRACE_BPF_RECORD_H
#define SK_TRACE_BPF_RECORD_H

/* PID_MAX_LIMIT on 64-bit kernels: no pid (tgid) is ever this large. The
 * target bitmap is sized to the machine's pid_max, this where that cannot be
 * read. */
#define SK_BPF_PID_LIMIT (4 * 1024 * 1024)
/* Syscall numbers [base, base + SPAN) of each arch go in a bitmap; the same
 * span as struct sk_trace_archset. */
#define SK_BPF_NR_SPAN 1024
/* The arches a task on an x86_64 kernel can call with: its own, i386 (the
 * task's TS_COMPAT status) and x32 (numbers from x32_base). */
enum { SK_BPF_NATIVE = 0, SK_BPF_COMPAT = 1, SK_BPF_X32 = 2, SK_BPF_NARCH = 3 };
/* The argument kinds --args records (enum sk_trace_argkind) and how many
 * distinct values of each are kept (SK_TRACE_MAX_VALUES). */
#define SK_BPF_NKINDS 6
#define SK_BPF_MAX_VALUES 64
/* How far below the target cgroup a task is still looked for (its
 * ancestors are compared with the target one by one). */
#define SK_BPF_MAX_DEPTH 64
/* Numbers outside the span kept per recording (3 arches x 16). */
#define SK_BPF_MAX_EXTRA 48

struct sk_bpf_extra_key {
	__u32 arch;
	__u32 pad;
	__s64 nr;
};

struct sk_bpf_value_key {
	__u32 arch;
	__u32 kind;
	__u64 value;
};

/* Everything that can make a recording incomplete is counted here: user
 * space turns each non-zero field into a diagnostic and a non-zero exit. */
struct sk_bpf_stats {
	__u64 lost_extra;    /* calls outside the span that found the extra map full */
	__u64 lost_fork;     /* children of a target with a tgid beyond the bitmap */
	__u32 filter_tgid;   /* last target seen installing a seccomp filter */
	__u32 listener_tgid; /* ... one with a user-notification listener */
	__u32 nvalues[SK_BPF_NARCH][SK_BPF_NKINDS]; /* distinct values stored */
	__u8 overflow[SK_BPF_NARCH][SK_BPF_NKINDS]; /* more than MAX_VALUES seen */
};

#endif
