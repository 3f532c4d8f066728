/* SPDX-License-Identifier: Apache-2.0 */
/* The running kernel's layout of the struct members a BPF object reads, as a
 * BTF of a few hundred bytes that libbpf relocates the object against
 * (bpf_object_open_opts.btf_custom_path) instead of the whole vmlinux BTF.
 *
 * Why: libbpf reads all of /sys/kernel/btf/vmlinux (5 MB here) into memory
 * and indexes it to relocate a handful of fields: 11 ms of CPU and 2,900
 * page faults at every `record --backend ebpf`, most of its start-up. This
 * reads the same file in two streaming passes through a 64 KiB buffer (its
 * strings, for the names wanted; its types, for an index of where each one
 * starts) and then only the few types it needs. What is wanted is not a list
 * kept here: the build writes it (bpftool gen min_core_btf: the structs and
 * members the object's CO-RE relocations name), and this fills in the
 * running kernel's offsets and sizes. */
#ifndef SK_TRACE_KERNEL_BTF_H
#define SK_TRACE_KERNEL_BTF_H

#include <stddef.h>

struct btf;

/* FD: the kernel's BTF, raw (as /sys/kernel/btf/vmlinux gives it), read with
 * pread. TMPL (TMPL_LEN bytes): a BTF whose named structs and unions, and
 * their members (through anonymous ones), are what is wanted. On success
 * *OUT is a new BTF (free it with btf__free) with those structs, their
 * members at the kernel's offsets, of the kernel's kinds and sizes: 0.
 * Otherwise a negative errno, and WHY (WHYLEN bytes) says what is wrong with
 * which type. */
int sk_kernel_btf_relayout(int fd, const void *tmpl, size_t tmpl_len, struct btf **out, char *why,
			   size_t whylen);

#endif
