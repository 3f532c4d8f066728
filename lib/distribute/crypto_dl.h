/* SPDX-License-Identifier: Apache-2.0 */
/* libcrypto (OpenSSL), loaded when a digest or base64 is first needed
 * (util/dl.h says why): node-sync, bundle, push and pull use it; linked, its
 * 21,000 relocations were most of every command's dynamic loading. The
 * types come from <openssl/evp.h>. */
#ifndef SK_DISTRIBUTE_CRYPTO_DL_H
#define SK_DISTRIBUTE_CRYPTO_DL_H

#include <openssl/evp.h>

/* OpenSSL 3's soname (Debian 12: libssl3), for the messages that name it */
#define SK_CRYPTO_SONAME "libcrypto.so.3"

struct sk_crypto {
	__typeof__(EVP_Digest) *digest;
	__typeof__(EVP_sha256) *sha256;
	__typeof__(EVP_EncodeBlock) *encode_block;
	__typeof__(EVP_DecodeBlock) *decode_block;
};

/* libcrypto's functions, loaded on the first call (thread-safe); NULL when
 * it cannot be, and sk_crypto_error() says why. */
const struct sk_crypto *sk_crypto(void);
const char *sk_crypto_error(void);

#endif
