/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/trace/kernel_btf.c, the streaming reader of the
 * kernel's BTF: arbitrary bytes as /sys/kernel/btf/vmlinux (through a memfd,
 * read with pread as the real file is), relaid out for the recorder's real
 * template. Must never crash, hang, leak or hit UB; when it succeeds the
 * result must be a BTF that libbpf parses back. Seeds: this kernel's layout
 * of the template (bpftool gen min_core_btf), and variants. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "trace/kernel_btf.h"
#include "trace/record_core_btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	if (fd < 0 && (fd = memfd_create("fuzz-btf", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	char why[256];
	struct btf *out = NULL;
	if (sk_kernel_btf_relayout(fd, sk_record_core_btf, sizeof sk_record_core_btf, &out, why,
				   sizeof why) == 0) {
		uint32_t len;
		const void *raw = btf__raw_data(out, &len);
		struct btf *back = btf__new(raw, len);
		if (!back)
			abort();
		btf__free(back);
		btf__free(out);
	} else if (out || !why[0]) {
		abort(); /* an error leaves nothing behind and says what */
	}
	return 0;
}
