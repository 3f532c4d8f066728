/* SPDX-License-Identifier: Apache-2.0 */
/* libcurl through dlopen: see curl_dl.h for why. */
#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The soname of libcurl 7.x and 8.x (Debian 12: libcurl4, 7.88). */
#define CURL_SONAME "libcurl.so.4"

static struct sk_curl curl;
static char load_error[512]; /* dlerror()'s text, copied: its buffer is reused */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The table: each entry names a symbol and where its pointer goes. */
#define ENTRY(field, sym) {#sym, offsetof(struct sk_curl, field)}
static const struct {
	const char *symbol;
	size_t offset;
} symbols[] = {
	ENTRY(easy_init, curl_easy_init),	  ENTRY(easy_cleanup, curl_easy_cleanup),
	ENTRY(easy_reset, curl_easy_reset),	  ENTRY(easy_setopt, curl_easy_setopt),
	ENTRY(easy_perform, curl_easy_perform),	  ENTRY(easy_getinfo, curl_easy_getinfo),
	ENTRY(easy_strerror, curl_easy_strerror), ENTRY(easy_escape, curl_easy_escape),
	ENTRY(free, curl_free),			  ENTRY(slist_append, curl_slist_append),
	ENTRY(slist_free_all, curl_slist_free_all),
};

static void keep_error(void)
{
	const char *e = dlerror();
	snprintf(load_error, sizeof load_error, "%s", e ? e : "unknown error");
}

static void load(void)
{
	void *h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		keep_error();
		return;
	}
	struct sk_curl c;
	for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) {
		void *f = dlsym(h, symbols[i].symbol);
		if (!f) {
			keep_error();
			return; /* the handle stays open: a partial libcurl is no use, nor harm */
		}
		/* POSIX guarantees a function pointer survives being a void *;
		 * memcpy, since the field's type is a function pointer's */
		memcpy((char *)&c + symbols[i].offset, &f, sizeof f);
	}
	curl = c;
}

const struct sk_curl *sk_curl(const char *what, struct sk_diags *d)
{
	pthread_once(&once, load);
	if (curl.easy_init)
		return &curl;
	sk_diags_add(d, SK_SEV_ERROR, what, 0, 0, "oci-registry",
		     "cannot load libcurl (" CURL_SONAME ", Debian package libcurl4), which push and "
		     "pull need: %s",
		     load_error);
	return NULL;
}
