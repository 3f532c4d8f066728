/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for what a registry sends pull: any bytes as an OCI
 * manifest or index must give a manifest or diagnostics, never a crash; a
 * manifest it accepts is then checked as pull checks it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/distribute.h>

#include "distribute/oci_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_diags d = {0};
	struct sk_oci_manifest m;
	if (sk_oci_manifest_parse((const char *)data, size, "fuzz.json", &m, &d) == 0) {
		if (!m.index)
			sk_oci_manifest_check(&m, "fuzz.json", &d);
		for (size_t i = 0; i < m.n_layers; i++)
			if (strlen(m.layers[i].digest) != 71)
				abort();
		sk_oci_manifest_free(&m);
	}
	sk_diags_free(&d);
	return 0;
}
