/* SPDX-License-Identifier: Apache-2.0 */
/* Actions <-> SECCOMP_RET_* values, and the kernel's precedence between them,
 * all read from the one action table (scmpkit/action.h). */
#include <stdio.h>

#include <scmpkit/action.h>
#include <scmpkit/bpf.h>

#define RET_DATA 0x0000ffffu

uint32_t sk_action_to_ret(enum sk_action a, uint32_t data)
{
	const struct sk_action_info *i = sk_action_info(a);
	if (!i)
		return 0; /* an invalid action fails closed: KILL_THREAD */
	return i->ret | (i->has_data ? (data & RET_DATA) : 0);
}

enum sk_action sk_ret_to_action(uint32_t ret, uint32_t *data)
{
	if (data)
		*data = ret & RET_DATA;
	const struct sk_action_info *i = sk_action_info_ret(ret);
	/* The kernel treats unknown actions as KILL_PROCESS. */
	return i ? i->action : SK_ACT_KILL_PROCESS;
}

/* kernel/seccomp.c: ACTION_ONLY(ret) = (s32)(ret & SECCOMP_RET_ACTION_FULL), and
 * the smallest signed value wins. Unknown actions act as KILL_PROCESS. */
int sk_ret_precedence(uint32_t ret)
{
	const struct sk_action_info *i = sk_action_info_ret(ret);
	return (int)(int32_t)(i ? i->ret : 0x80000000u);
}

const char *sk_ret_format(uint32_t ret, char *buf, size_t size)
{
	const struct sk_action_info *i = sk_action_info_ret(ret);
	if (!i)
		snprintf(buf, size, "UNKNOWN(0x%08x)", ret);
	else if (i->has_data)
		snprintf(buf, size, "%s(%u)", i->short_name, ret & RET_DATA);
	else
		snprintf(buf, size, "%s", i->short_name);
	return buf;
}
