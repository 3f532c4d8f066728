/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/extract's summary parser (summary.c): the cache
 * directory is the user's own, but its entries are input all the same.
 * Arbitrary bytes -> parse; a summary that parses writes back to text that
 * parses to the same. Must never crash, leak or hit UB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsummary s, t;
	if (xsummary_parse((const char *)data, size, &s) < 0)
		return 0;
	size_t len;
	char *text = xsummary_write(&s, &len);
	if (!text)
		abort();
	if (xsummary_parse(text, len, &t) < 0 || t.n_items != s.n_items || t.n_sets != s.n_sets ||
	    t.n_exports != s.n_exports || memcmp(t.sets, s.sets, s.n_sets * s.nw * 8))
		abort(); /* what it writes, it reads */
	xsummary_free(&t);
	free(text);
	xsummary_free(&s);
	return 0;
}
