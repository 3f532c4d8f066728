/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 digests through libcrypto's one-shot EVP call (digest.h), the
 * library loaded when first needed (crypto_dl.h). */
#include "distribute/digest.h"

#include <errno.h>
#include <string.h>

#include "distribute/crypto_dl.h"

int sk_digest(const void *data, size_t len, char out[SK_DIGEST_LEN])
{
	const struct sk_crypto *c = sk_crypto();
	if (!c)
		return -ELIBACC;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!c->digest(data, len, md, &n, c->sha256(), NULL) || n != 32)
		return -EIO;
	static const char hex[] = "0123456789abcdef";
	memcpy(out, "sha256:", 7);
	for (unsigned i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = 0;
	return 0;
}

bool sk_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}
