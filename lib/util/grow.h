/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the one way an array grows (bytes and strings use strbuf.h). */
#ifndef SK_UTIL_GROW_H
#define SK_UTIL_GROW_H

#include <stddef.h>

/* Make *V (elements of SIZE bytes, *CAP of them) hold at least N+1 elements,
 * doubling; multiplications are checked. 0, or -ENOMEM with *V unchanged. */
int sk_grow(void **v, size_t *cap, size_t n, size_t size);

/* SK_GROW(arr, cap, n): typed form, room for arr[n]; a compare when there is
 * room already (hot loops append through it). */
#define SK_GROW(arr, cap, n) \
	((size_t)(n) < (cap) ? 0 : sk_grow((void **)&(arr), &(cap), (n), sizeof *(arr)))

/* strdup that accepts NULL (returns NULL). */
char *sk_strdup0(const char *s);

#endif
