/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/extract's reading of an ELF file: arbitrary
 * bytes as a file -> libelf tables, .eh_frame, Go's table found by magic,
 * functions, Zydis decoding, the value analysis, a multi-call binary's applet
 * tables, the graph and the summary; the same bytes as the file's own
 * separate debug file (its build-id matches), whose symbols are added first;
 * the summary's text must parse back to the same counts. Must never crash,
 * leak, hang or hit UB: a program to analyse is untrusted input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xdec *dec;
	if (!dec && !(dec = xdec_new()))
		abort();
	char *copy = malloc(size ? size : 1), *debug = malloc(size ? size : 1);
	if (!copy || !debug) {
		free(copy);
		free(debug);
		return 0;
	}
	memcpy(copy, data, size);
	memcpy(debug, data, size);
	struct xobj o = {0};
	struct sk_diags d = {0};
	const char *why;
	int rc = xelf_load(&o.elf, "fuzz", copy, size, &d);
	if (rc == 0)
		rc = xelf_add_debug(&o.elf, debug, size, &why) < 0 ? -1 : 0; /* takes DEBUG */
	else
		free(debug);
	if (rc == 0 && xobj_set_label(&o) == 0 && xobj_analyse(&o, dec) == 0) {
		/* a multi-call binary's tables, looked for as extract --applet does */
		struct xapplet a;
		static const char *const names[] = {"ls", "sh", "a"};
		for (size_t i = 0; i < sizeof names / sizeof *names; i++)
			xapplet_find(&o, names[i], &a);
		struct xsummary s = {0}, t;
		if (xobj_summarize(&o, &s, NULL) == 0) {
			size_t len;
			char *text = xsummary_write(&s, &len);
			if (text && xsummary_parse(text, len, &t) == 0) {
				if (t.n_items != s.n_items || t.n_sets != s.n_sets)
					abort(); /* the cache must read back what it wrote */
				xsummary_free(&t);
			}
			free(text);
		}
		xsummary_free(&s);
	}
	xobj_free(&o); /* frees the copy */
	sk_diags_free(&d);
	return 0;
}
