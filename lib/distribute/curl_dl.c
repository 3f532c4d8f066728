/* SPDX-License-Identifier: Apache-2.0 */
/* libcurl through dlopen: see curl_dl.h for why. */
#include "curl_dl.h"

#include <stddef.h>

#include "util/dl.h"

/* The soname of libcurl 7.x and 8.x (Debian 12: libcurl4, 7.88). */
#define CURL_SONAME "libcurl.so.4"

static struct sk_curl curl;

#define ENTRY(field, sym) {#sym, offsetof(struct sk_curl, field)}
static const struct sk_dl_symbol symbols[] = {
	ENTRY(easy_init, curl_easy_init),	  ENTRY(easy_cleanup, curl_easy_cleanup),
	ENTRY(easy_reset, curl_easy_reset),	  ENTRY(easy_setopt, curl_easy_setopt),
	ENTRY(easy_perform, curl_easy_perform),	  ENTRY(easy_getinfo, curl_easy_getinfo),
	ENTRY(easy_strerror, curl_easy_strerror), ENTRY(easy_escape, curl_easy_escape),
	ENTRY(free, curl_free),			  ENTRY(slist_append, curl_slist_append),
	ENTRY(slist_free_all, curl_slist_free_all),
};

static struct sk_dl lib = SK_DL_INIT(CURL_SONAME, symbols, curl);

const struct sk_curl *sk_curl(const char *what, struct sk_diags *d)
{
	if (sk_dl_load(&lib))
		return &curl;
	sk_diags_add(d, SK_SEV_ERROR, what, 0, 0, "oci-registry",
		     "cannot load libcurl (" CURL_SONAME ", Debian package libcurl4), which push and "
		     "pull need: %s",
		     lib.error);
	return NULL;
}
