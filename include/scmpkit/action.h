/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit/action.h — each seccomp action once: how profiles spell it, the
 * kernel's SECCOMP_RET_* value for it, and its short name in listings.
 *
 * One table (lib/profile/model.c) serves the profile reader and writer
 * (sk_action_name, sk_action_parse) and the BPF side (sk_action_to_ret,
 * sk_ret_format, the emulator's precedence), so that an action added or
 * renamed changes one row, not two tables that must agree. */
#ifndef SCMPKIT_ACTION_H
#define SCMPKIT_ACTION_H

#include <stdbool.h>
#include <stdint.h>

#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sk_action_info {
	enum sk_action action;
	const char *name;       /* "SCMP_ACT_ERRNO": the spelling profiles are written with */
	const char *alias;      /* another spelling runc and libseccomp accept, or NULL */
	const char *short_name; /* "ERRNO": SECCOMP_RET_ERRNO without its prefix */
	uint32_t ret;           /* SECCOMP_RET_* value, without data */
	bool has_data;          /* its 16 data bits carry something (errno, tracer message) */
};

/* The row of A; NULL for SK_ACT_INVALID or out of range. */
const struct sk_action_info *sk_action_info(enum sk_action a);
/* The row whose SECCOMP_RET_* value is RET's action part (RET &
 * SECCOMP_RET_ACTION_FULL); NULL for an action the kernel does not define. */
const struct sk_action_info *sk_action_info_ret(uint32_t ret);

#ifdef __cplusplus
}
#endif
#endif
