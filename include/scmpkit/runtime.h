/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a container runtime does itself under the container's filter.
 *
 * A runtime loads the seccomp filter before it execs the container's command
 * (practice P1): the calls it makes in between must be allowed by the
 * profile, though the application never makes them. They were measured for
 * each runtime (data/runtime/<runtime>.tsv, compiled in) with
 * noNewPrivileges true and false. record and learn add them on request.
 */
#ifndef SCMPKIT_RUNTIME_H
#define SCMPKIT_RUNTIME_H

#include <stdbool.h>

#include <scmpkit/diag.h>
#include <scmpkit/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One call a runtime makes after loading the filter, and in which case:
 * with noNewPrivileges true (nnp; allowPrivilegeEscalation: false) and/or
 * false (no_nnp). */
struct sk_runtime_call {
	const char *name;
	bool nnp, no_nnp;
};

/* Set *CALLS to RUNTIME's static table and return its length; -ENOENT for a
 * runtime that was not measured. */
int sk_runtime_calls(const char *runtime, const struct sk_runtime_call **calls);

/* The runtimes measured, comma-separated ("runc"), for messages. */
const char *sk_runtime_names(void);

/* Allow in P what RUNTIME calls after loading the filter: one rule for the
 * calls made with noNewPrivileges true, one for those made only with it false,
 * each with a comment saying so. Skipped: names P allows outright already and
 * names no arch of P has. A name P has another rule for (argument conditions,
 * another action) is left to that rule, with a warning in D: the runtime may
 * fail there. Returns the number of names added (the rules are appended last),
 * -ENOENT for an unknown runtime (with an error in D) or -ENOMEM. */
int sk_profile_allow_runtime(struct sk_profile *p, const char *runtime, struct sk_diags *d);

#ifdef __cplusplus
}
#endif

#endif
