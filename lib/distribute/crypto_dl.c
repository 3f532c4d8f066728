/* SPDX-License-Identifier: Apache-2.0 */
/* libcrypto through dlopen: see crypto_dl.h for why. */
#include "crypto_dl.h"

#include <stddef.h>

#include "util/dl.h"

static struct sk_crypto crypto;

#define ENTRY(field, sym) {#sym, offsetof(struct sk_crypto, field)}
static const struct sk_dl_symbol symbols[] = {
	ENTRY(digest, EVP_Digest),
	ENTRY(sha256, EVP_sha256),
	ENTRY(encode_block, EVP_EncodeBlock),
	ENTRY(decode_block, EVP_DecodeBlock),
};

static struct sk_dl lib = SK_DL_INIT(SK_CRYPTO_SONAME, symbols, crypto);

const struct sk_crypto *sk_crypto(void)
{
	return sk_dl_load(&lib) ? &crypto : NULL;
}

const char *sk_crypto_error(void)
{
	return lib.error;
}
