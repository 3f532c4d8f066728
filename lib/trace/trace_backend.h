/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/trace: what backends share. */
#ifndef SK_TRACE_BACKEND_H
#define SK_TRACE_BACKEND_H

#include <scmpkit/trace.h>

#include <sys/wait.h>

extern const struct sk_recorder_ops sk_ptrace_ops;
extern const struct sk_recorder_ops sk_agent_ops;
/* ebpf.c, or ebpf_absent.c when the build had no clang/bpftool/libbpf/BTF */
extern const struct sk_recorder_ops sk_ebpf_ops;

/* Whether the eBPF backend can run here: 0, or -errno and a sentence (static
 * storage) saying what is missing. */
int sk_ebpf_usable(const char **why);
void sk_record_job_free(struct sk_record_job *job);

/* Record one call and report progress when it is new. */
void sk_recorder_note(struct sk_recorder *r, enum sk_arch arch, int64_t nr, const uint64_t args[6]);
/* The main process ended with WSTATUS (from waitpid). */
void sk_recorder_set_exit(struct sk_recorder *r, int wstatus);
/* fork(2) for a backend: the child starts with default signal dispositions
 * (the caller's handlers relay signals to a recording it is not part of). */
pid_t sk_trace_fork(void);

/* The command's child side, shared by the backends that start it: wait for
 * the parent on SYNC_FD, run BEFORE_EXEC(CTX) (NULL: nothing; it returns 0 or
 * an errno), execvp ARGV; on failure write the errno to ERR_FD and _exit. */
_Noreturn void sk_trace_exec_child(int sync_fd, int err_fd, char *const *argv,
				   int (*before_exec)(void *ctx), void *ctx);
/* Fork the command: the child waits until HOLD(CTX, pid) has returned in the
 * parent (the recorder is in place), then runs BEFORE_EXEC(CTX) and execs ARGV.
 * Sets *PID and *ERR_FD (for sk_trace_exec_error). A negative HOLD (with its
 * diag) kills the child and is returned. */
int sk_trace_spawn(char *const *argv, int (*before_exec)(void *ctx),
		   int (*hold)(void *ctx, pid_t pid, struct sk_diags *d), void *ctx, pid_t *pid,
		   int *err_fd, struct sk_diags *d);
/* After the run: the errno the child wrote to ERR_FD, as a diag; 0 when the
 * command was executed. */
int sk_trace_exec_error(int err_fd, const char *cmd, struct sk_diags *d);

/* Where a target process runs under a seccomp filter (/proc/PID/status
 * "Seccomp: 2"): a note in D saying which calls cannot be recorded. Returns
 * whether it does. PID 0: this process (what a command it starts inherits). */
bool sk_trace_note_filtered(pid_t pid, struct sk_diags *d);

#endif
