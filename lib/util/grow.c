/* SPDX-License-Identifier: Apache-2.0 */
#include "util/grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sk_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	if (!size || n >= SIZE_MAX / size / 2)
		return -ENOMEM;
	size_t nc = *cap ? *cap * 2 : 4;
	while (nc <= n)
		nc *= 2;
	void *nv = realloc(*v, nc * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

char *sk_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}
