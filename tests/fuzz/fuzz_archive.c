/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/extract/archive.c: arbitrary bytes as the
 * libc.a a stripped static program's functions are named from -> ar member
 * headers, each member's ELF (libelf), its function symbols and relocations,
 * the match against a real program's functions (this harness's own file:
 * its .eh_frame bounds them), the check of calls. Must never crash, leak,
 * hang or hit UB: an image's libc.a is untrusted input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/fileio.h>

#include "extract/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xelf e;
	static size_t n_syms;
	static bool loaded;
	if (!loaded) {
		char *self = NULL;
		size_t len = 0;
		struct sk_diags d = {0};
		if (sk_read_input("/proc/self/exe", SK_INPUT_BINARY, &self, &len) < 0 ||
		    xelf_load(&e, "self", self, len, &d) < 0)
			abort();
		sk_diags_free(&d);
		n_syms = e.n_syms;
		loaded = true;
	}
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	size_t named;
	const char *why;
	xelf_add_archive_names(&e, copy, size, &named, &why);
	e.n_syms = n_syms; /* the next input starts from the program's own */
	free(e.arch_names);
	e.arch_names = NULL;
	free(copy);
	return 0;
}
