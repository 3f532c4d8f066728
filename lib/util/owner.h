/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: whose file scmpkit may trust. Caches, debug files, a kernel
 * layout kept for the boot and the directories node-sync writes into are
 * read back later, perhaps by root: what another user could have written or
 * swapped there must not be believed. One predicate, the rule (whose, and
 * whether a sticky directory will do) a parameter of each caller. */
#ifndef SK_UTIL_OWNER_H
#define SK_UTIL_OWNER_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#define SK_OWNER_ROOT 0x1u   /* root may own it */
#define SK_OWNER_SELF 0x2u   /* the effective user may own it */
#define SK_OWNER_STICKY 0x4u /* a directory others may write is fine when sticky
			      * (/tmp): they cannot rename or remove our entries */

/* UID is one of the owners WHO allows. */
bool sk_owner_allowed(uid_t uid, unsigned who);

/* ST (a file, directory or symlink) may be trusted under WHO: its owner is
 * allowed, and neither group nor others may write it (a symlink's own mode
 * means nothing and is not looked at; a sticky directory passes when WHO has
 * SK_OWNER_STICKY). */
bool sk_owner_trusted(const struct stat *st, unsigned who);

#endif
