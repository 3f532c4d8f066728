/* SPDX-License-Identifier: Apache-2.0 */
/* The eBPF backend of a build that could not make it (no clang, bpftool,
 * libbpf or kernel BTF on the build host, or meson -Debpf=disabled): every
 * use says so, and --backend auto records with ptrace. */
#include "trace_backend.h"

#include <errno.h>

static const char absent[] =
	"this scmpkit was built without it (meson option ebpf: clang, bpftool, libbpf "
	"and /sys/kernel/btf/vmlinux are needed at build time, on x86_64)";

int sk_ebpf_usable(const char **why)
{
	*why = absent;
	return -ENOTSUP;
}

static int absent_start(struct sk_recorder *r, struct sk_diags *d)
{
	(void)r;
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ebpf", "no eBPF backend: %s", absent);
	return -ENOTSUP;
}

static int absent_run(struct sk_recorder *r, struct sk_diags *d)
{
	return absent_start(r, d);
}

const struct sk_recorder_ops sk_ebpf_ops = {
	.name = "ebpf",
	.size = sizeof(struct sk_recorder),
	.start = absent_start,
	.run = absent_run,
};
