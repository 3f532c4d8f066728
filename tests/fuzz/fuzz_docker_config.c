/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for Docker's config.json: any bytes give credentials,
 * none, or diagnostics — never a crash, never a user without a secret. */
#include <stdint.h>
#include <stdlib.h>

#include <scmpkit/distribute.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const registries[] = {"localhost:5000", "docker.io", "reg.example.com"};
	struct sk_diags d = {0};
	char *user, *secret;
	if (sk_docker_config_auth((const char *)data, size, "fuzz.json", registries[size % 3], &user,
				  &secret, &d) == 0) {
		if (!user != !secret)
			abort();
		free(user);
		free(secret);
	}
	sk_diags_free(&d);
	return 0;
}
