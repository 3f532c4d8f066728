/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for node-sync's ownership manifest: any bytes must give
 * a manifest or diagnostics; every name it accepts must be a plain file name
 * node-sync installs (never "..", never a '/'); what it accepts it writes
 * back and reads again to the same entries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "distribute/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_diags d = {0};
	struct sk_own own, again;
	if (sk_own_parse((const char *)data, size, "fuzz.json", &own, &d) == 0) {
		for (size_t i = 0; i < own.n; i++)
			if (strchr(own.v[i].name, '/') || own.v[i].name[0] == '.')
				abort();
		char *text = sk_own_format(&own);
		if (!text || sk_own_parse(text, strlen(text), "again", &again, &d) != 0 || again.n != own.n)
			abort();
		for (size_t i = 0; i < own.n; i++)
			if (strcmp(own.v[i].name, again.v[i].name) || strcmp(own.v[i].digest, again.v[i].digest))
				abort();
		sk_own_free(&again);
		free(text);
		sk_own_free(&own);
	}
	sk_diags_free(&d);
	return 0;
}
