/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: scoped cleanup and explicit hand-over of ownership.
 *
 * A function that owns several resources (fds, buffers, a signal mask)
 * declares them with a cleanup attribute, so that each early return releases
 * them without a ladder of gotos:
 *
 *     _sk_cleanup_close_ int fd = open(...);
 *     _sk_cleanup_free_ char *text = NULL;
 *     ...
 *     *out = SK_TAKE_PTR(text);   // the caller owns it now; nothing is freed
 *     return SK_TAKE_FD(fd);
 *
 * The pattern is systemd's _cleanup_ and crun's cleanup_close; GCC and clang
 * implement the attribute. */
#ifndef SK_UTIL_CLEANUP_H
#define SK_UTIL_CLEANUP_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void sk_freep(void *p)
{
	free(*(void **)p);
}

/* close(2) that keeps errno: cleanup runs after the value to return is set. */
static inline void sk_closep(const int *fd)
{
	if (*fd >= 0) {
		int e = errno;
		close(*fd);
		errno = e;
	}
}

static inline void sk_fclosep(FILE **f)
{
	if (*f) {
		int e = errno;
		fclose(*f);
		errno = e;
	}
}

/* A signal mask to put back when the scope ends: fill `old` with
 * sigprocmask(SIG_BLOCK, &set, &g.old) and set `active`. */
struct sk_sigmask_guard {
	sigset_t old;
	int active;
};

static inline void sk_sigmask_restore(struct sk_sigmask_guard *g)
{
	if (g->active) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &g->old, NULL);
		errno = e;
	}
}

#define _sk_cleanup_(f) __attribute__((cleanup(f)))
#define _sk_cleanup_free_ _sk_cleanup_(sk_freep)
#define _sk_cleanup_close_ _sk_cleanup_(sk_closep)
#define _sk_cleanup_fclose_ _sk_cleanup_(sk_fclosep)
#define _sk_cleanup_sigmask_ _sk_cleanup_(sk_sigmask_restore)

/* Hand over ownership: yield the value and leave the variable empty, so the
 * cleanup attribute has nothing left to release. */
#define SK_TAKE_PTR(p)                            \
	({                                        \
		__typeof__(p) sk_take_ = (p);     \
		(p) = NULL;                       \
		sk_take_;                         \
	})
#define SK_TAKE_FD(fd)                 \
	({                             \
		int sk_take_fd_ = (fd); \
		(fd) = -1;             \
		sk_take_fd_;           \
	})

#endif
