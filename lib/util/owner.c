/* SPDX-License-Identifier: Apache-2.0 */
#include "util/owner.h"

#include <unistd.h>

bool sk_owner_allowed(uid_t uid, unsigned who)
{
	return ((who & SK_OWNER_ROOT) && uid == 0) || ((who & SK_OWNER_SELF) && uid == geteuid());
}

bool sk_owner_trusted(const struct stat *st, unsigned who)
{
	if (!sk_owner_allowed(st->st_uid, who))
		return false;
	if (S_ISLNK(st->st_mode) || !(st->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return (who & SK_OWNER_STICKY) && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);
}
