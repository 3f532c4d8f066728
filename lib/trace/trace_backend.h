/* Internal to lib/trace: what backends share. */
#ifndef SK_TRACE_BACKEND_H
#define SK_TRACE_BACKEND_H

#include <scmpkit/trace.h>

#include <sys/wait.h>

extern const struct sk_recorder_ops sk_ptrace_ops;
extern const struct sk_recorder_ops sk_agent_ops;

/* Record one call and report progress when it is new. */
void sk_recorder_note(struct sk_recorder *r, enum sk_arch arch, int64_t nr, const uint64_t args[6]);
/* The main process ended with WSTATUS (from waitpid). */
void sk_recorder_set_exit(struct sk_recorder *r, int wstatus);

#endif
