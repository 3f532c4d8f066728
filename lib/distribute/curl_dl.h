/* SPDX-License-Identifier: Apache-2.0 */
/* libcurl, loaded when a registry is first talked to (dlopen), not when
 * scmpkit starts: libcurl brings about thirty libraries (TLS, Kerberos,
 * LDAP, ...) whose loading and constructors cost every command ~3 ms
 * (scmpkit --version: 1.3 -> 4.1 ms), though only push and pull use it. The
 * types come from <curl/curl.h>, so each pointer has the function's own
 * prototype. */
#ifndef SK_DISTRIBUTE_CURL_DL_H
#define SK_DISTRIBUTE_CURL_DL_H

#include <curl/curl.h>

#include <scmpkit/diag.h>

struct sk_curl {
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_reset) *easy_reset;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_escape) *easy_escape;
	__typeof__(curl_free) *free;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
};

/* libcurl's functions, loaded on the first call (thread-safe); NULL with an
 * error in D about WHAT (the reference being pushed or pulled) naming the
 * library and what dlerror said, when it cannot be. */
const struct sk_curl *sk_curl(const char *what, struct sk_diags *d);

#endif
