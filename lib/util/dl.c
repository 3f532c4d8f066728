/* SPDX-License-Identifier: Apache-2.0 */
/* Libraries loaded when first needed: see dl.h. */
#include "util/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void keep_error(struct sk_dl *l)
{
	const char *e = dlerror();
	snprintf(l->error, sizeof l->error, "%s", e ? e : "unknown error");
}

static void load(struct sk_dl *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		keep_error(l);
		return;
	}
	char *filled = calloc(1, l->table_size);
	if (!filled) {
		snprintf(l->error, sizeof l->error, "out of memory");
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		void *f = dlsym(h, l->symbols[i].name);
		if (!f) {
			keep_error(l);
			free(filled);
			return; /* the handle stays open: a partial library is no use, nor harm */
		}
		/* POSIX guarantees a function pointer survives being a void *;
		 * memcpy, since the field's type is a function pointer's */
		memcpy(filled + l->symbols[i].offset, &f, sizeof f);
	}
	memcpy(l->table, filled, l->table_size);
	free(filled);
	l->ok = true;
}

bool sk_dl_load(struct sk_dl *l)
{
	pthread_mutex_lock(&l->lock);
	if (!l->tried) {
		l->tried = true;
		load(l);
	}
	bool ok = l->ok;
	pthread_mutex_unlock(&l->lock);
	return ok;
}
