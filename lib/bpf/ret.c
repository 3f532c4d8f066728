/* Actions <-> SECCOMP_RET_* values, and the kernel's precedence between them.
 * One table: the action, its return value without data, and its spelling. */
#include <stdio.h>

#include <scmpkit/bpf.h>

#define RET_ACTION_FULL 0xffff0000u
#define RET_DATA 0x0000ffffu

static const struct {
	enum sk_action act;
	uint32_t ret;
	const char *name;
	bool has_data; /* the 16 data bits mean something: printed */
} rets[] = {
	{SK_ACT_KILL_PROCESS, 0x80000000u, "KILL_PROCESS", false},
	{SK_ACT_KILL_THREAD, 0x00000000u, "KILL_THREAD", false},
	{SK_ACT_TRAP, 0x00030000u, "TRAP", true},
	{SK_ACT_ERRNO, 0x00050000u, "ERRNO", true},
	{SK_ACT_NOTIFY, 0x7fc00000u, "NOTIFY", false},
	{SK_ACT_TRACE, 0x7ff00000u, "TRACE", true},
	{SK_ACT_LOG, 0x7ffc0000u, "LOG", false},
	{SK_ACT_ALLOW, 0x7fff0000u, "ALLOW", false},
};
#define N_RETS (sizeof rets / sizeof rets[0])

uint32_t sk_action_to_ret(enum sk_action a, uint32_t data)
{
	for (size_t i = 0; i < N_RETS; i++)
		if (rets[i].act == a)
			return rets[i].ret | (rets[i].has_data ? (data & RET_DATA) : 0);
	return 0; /* an invalid action fails closed: KILL_THREAD */
}

enum sk_action sk_ret_to_action(uint32_t ret, uint32_t *data)
{
	if (data)
		*data = ret & RET_DATA;
	for (size_t i = 0; i < N_RETS; i++)
		if ((ret & RET_ACTION_FULL) == rets[i].ret)
			return rets[i].act;
	/* The kernel treats unknown actions as KILL_PROCESS. */
	return SK_ACT_KILL_PROCESS;
}

/* kernel/seccomp.c: ACTION_ONLY(ret) = (s32)(ret & SECCOMP_RET_ACTION_FULL), and
 * the smallest signed value wins. Unknown actions act as KILL_PROCESS. */
int sk_ret_precedence(uint32_t ret)
{
	uint32_t a = ret & RET_ACTION_FULL;
	for (size_t i = 0; i < N_RETS; i++)
		if (a == rets[i].ret)
			return (int)(int32_t)a;
	return (int)(int32_t)0x80000000u;
}

const char *sk_ret_format(uint32_t ret, char *buf, size_t size)
{
	uint32_t a = ret & RET_ACTION_FULL;
	for (size_t i = 0; i < N_RETS; i++) {
		if (a != rets[i].ret)
			continue;
		if (rets[i].has_data)
			snprintf(buf, size, "%s(%u)", rets[i].name, ret & RET_DATA);
		else
			snprintf(buf, size, "%s", rets[i].name);
		return buf;
	}
	snprintf(buf, size, "UNKNOWN(0x%08x)", ret);
	return buf;
}
