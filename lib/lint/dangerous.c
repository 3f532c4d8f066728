/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups in the generated table of dangerous syscalls. */
#include <scmpkit/dangerous.h>

#include <stdlib.h>
#include <string.h>

#include "dangerous_table.h"

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sk_dangerous_entry *)elem)->name);
}

static const struct sk_dangerous_entry *find(const char *syscall)
{
	if (!syscall)
		return NULL;
	return bsearch(syscall, sk_dangerous_table, sk_dangerous_table_len,
		       sizeof sk_dangerous_table[0], cmp_name);
}

const char *sk_dangerous_reason(const char *syscall)
{
	const struct sk_dangerous_entry *e = find(syscall);
	return e ? e->reason : NULL;
}

bool sk_dangerous_args_only(const char *syscall)
{
	const struct sk_dangerous_entry *e = find(syscall);
	return e && e->args_only;
}

bool sk_dangerous_bypasses(const char *syscall)
{
	const struct sk_dangerous_entry *e = find(syscall);
	return e && e->bypasses;
}

size_t sk_dangerous_count(void)
{
	return sk_dangerous_table_len;
}

bool sk_dangerous_at(size_t i, const char **name, const char **reason)
{
	if (i >= sk_dangerous_table_len)
		return false;
	if (name)
		*name = sk_dangerous_table[i].name;
	if (reason)
		*reason = sk_dangerous_table[i].reason;
	return true;
}
