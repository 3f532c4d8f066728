/* SPDX-License-Identifier: Apache-2.0 */
/* Where the eBPF recorder gets the BTF libbpf relocates its program against:
 * kernel_btf.c's layout of the running kernel, kept for the rest of the boot
 * in /run/scmpkit (root's, mode 0700), since a kernel's BTF cannot change
 * before the next boot. The layout costs 3-4 ms to read out of the kernel's
 * BTF; a recording starts in about 10. */
#ifndef SK_TRACE_CORE_BTF_H
#define SK_TRACE_CORE_BTF_H

#include <stddef.h>

/* An fd whose file is the relocation BTF for template TMPL (TMPL_LEN bytes):
 * the cached one when root's cache holds it for this boot, else a memfd with
 * a new one (stored in the cache when running as root). -1 with WHY (WHYLEN
 * bytes) when the kernel's BTF cannot give it. The caller closes the fd once
 * libbpf has loaded the program. */
int sk_core_btf_fd(const void *tmpl, size_t tmpl_len, char *why, size_t whylen);

#endif
