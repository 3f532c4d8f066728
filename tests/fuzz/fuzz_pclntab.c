/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/extract's reader of Go's function table
 * (gopclntab.c): arbitrary bytes as a table, and as a buffer searched for
 * one by its magic. Every function read must lie in order and have a name
 * inside the buffer. Must never crash, hang or hit UB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/gopclntab.h"

static void check(const uint8_t *data, size_t size, const struct xgo *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const char *n = g->funcs[i].name;
		if ((const uint8_t *)n < data || (const uint8_t *)n >= data + size || !*n)
			abort();
		if (g->funcs[i].end < g->funcs[i].entry || (i && g->funcs[i].entry < g->funcs[i - 1].end))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xgo g;
	const char *why;
	uint64_t text = size >= 8 ? data[size - 1] * UINT64_C(0x1000) : 0;
	if (xgo_parse(data, size, text, &g, &why) == 0) {
		check(data, size, &g);
		xgo_free(&g);
	}
	int found = 0;
	for (long at = xgo_find(data, size, 0); at >= 0 && found < 8;
	     at = xgo_find(data, size, (size_t)at + 8), found++) {
		if ((size_t)at >= size || at % 8)
			abort();
		if (xgo_parse(data + at, size - (size_t)at, text, &g, &why) == 0) {
			check(data + at, size - (size_t)at, &g);
			xgo_free(&g);
		}
	}
	return 0;
}
