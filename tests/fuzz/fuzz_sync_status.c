/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for the status file the readiness probe reads: any bytes
 * give a status or diagnostics, never a crash. */
#include <stdint.h>

#include <scmpkit/distribute.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_diags d = {0};
	struct sk_sync_status st;
	if (sk_sync_status_parse((const char *)data, size, "fuzz.json", &st, &d) == 0)
		sk_sync_status_free(&st);
	sk_diags_free(&d);
	return 0;
}
