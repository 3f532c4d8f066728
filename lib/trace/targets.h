/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/trace: finding what already runs (targets.c), for the eBPF
 * backend to seed its target set with. */
#ifndef SK_TRACE_TARGETS_H
#define SK_TRACE_TARGETS_H

#include "trace_backend.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The set being seeded (the backend's bitmap). MARK returns false for a pid
 * it will not take (scmpkit itself); UNMARK takes back a mark that went to a
 * process which was gone by then. */
struct sk_target_set {
	bool (*mark)(void *ctx, pid_t pid);
	void (*unmark)(void *ctx, pid_t pid);
	bool (*is_marked)(void *ctx, pid_t pid);
	void *ctx;
};

/* Whether a thread of group PID still runs: its leader may be a zombie
 * (pthread_exit) while the others go on. */
bool sk_targets_alive(pid_t pid);

/* ROOT and every descendant it has now, until a pass over /proc finds no new
 * one (forks of marked processes are the kernel side's). -ESRCH: no ROOT, or
 * it has exited (a zombie). */
int sk_targets_pid_tree(pid_t root, struct sk_target_set *set, struct sk_diags *d);

struct sk_cgroup_target {
	int fd;       /* the cgroup's directory */
	uint64_t id;  /* its kernfs id (bpf_get_current_cgroup_id) */
};

/* Open PATH, a cgroup v2 directory; errors (not v2, not there) go to D. */
int sk_targets_cgroup_open(const char *path, struct sk_cgroup_target *t, struct sk_diags *d);
/* Mark the processes in T and below (cgroup.procs). */
int sk_targets_cgroup_seed(const struct sk_cgroup_target *t, struct sk_target_set *set);
/* cgroup.events says "populated 1": a process is in T or below. */
bool sk_targets_cgroup_populated(const struct sk_cgroup_target *t);

/* The cgroup v2 directory of container ID of RUNTIME (`RUNTIME [--root ROOT]
 * state ID`: its init's pid, then that process's cgroup) into CGROUP; 1 when
 * the container is created but not started (its whole run is ahead), else 0. */
int sk_targets_container(const char *runtime, const char *root, const char *id, char *cgroup,
			 size_t len, struct sk_diags *d);

#endif
