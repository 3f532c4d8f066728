/* SPDX-License-Identifier: Apache-2.0 */
/* sk_run_*: what `scmpkit run` does with a profile — compile, then either
 * install and exec (nothing to answer) or supervise (denials to report, or the
 * profile's own NOTIFY rules). The choice between the two, and which signals
 * a supervisor relays, are decisions about enforcement, so they live here and
 * not in the command. Two steps, so that the caller can show the compiler's
 * warnings before the exec: after it, nothing of the caller is left.
 *
 * Installing in this process and exec'ing keeps the command's pid and leaves
 * no supervisor behind, but a failed exec is then reported from under the
 * filter: a profile that kills execve, or denies the write that says why or
 * the exits after it, would leave this process dying of SIGSYS or SIGSEGV
 * without a word. The filter is known before it is installed, so the
 * emulator asks it first; when it would, the command runs as a child, under a
 * supervisor that stays outside the filter and can tell. */
#include <scmpkit/apply.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>


void sk_run_opts_init(struct sk_run_opts *o)
{
	memset(o, 0, sizeof *o);
	sk_compile_opts_init(&o->compile);
	sk_apply_opts_init(&o->apply);
	o->answer.cont = true;
}

/* P compiled again with every denying or logging return sent to the
 * supervisor; the plain set keeps deciding what they return. */
static int watched_set(const struct sk_profile *p, const struct sk_run_opts *o,
		       struct sk_filter_set *watched, struct sk_diags *diags)
{
	int r = sk_compile(p, &o->compile, watched, diags);
	if (r < 0)
		return r;
	struct sk_diags nd = {0};
	r = sk_filter_set_notify_denials(watched, &nd);
	sk_diags_free(&nd);
	if (r >= 0)
		return 0;
	sk_diags_add(diags, SK_SEV_ERROR, p->file, 0, 0, "run-report-stacked",
		     "--report-denials cannot watch this profile: it compiles to %zu stacked "
		     "filters (one would pass the kernel's %d instructions) and several of them "
		     "deny or log, but the kernel hands notifications to one filter only",
		     watched->n, SK_BPF_MAXINSNS);
	return -ENOTSUP;
}

int sk_run_prepare(struct sk_run *run, const struct sk_profile *p, const struct sk_run_opts *o,
		   struct sk_diags *diags)
{
	memset(run, 0, sizeof *run);
	run->opts = *o;
	int r = sk_compile(p, &o->compile, &run->set, diags);
	if (!r && o->report_denials)
		r = watched_set(p, o, &run->watched, diags);
	if (r < 0) {
		sk_run_free(run);
		return r;
	}
	/* NOTIFY rules need a listener; -EINVAL (several notifying programs) is
	 * refused by sk_apply_supervise with its reason */
	run->supervised = o->report_denials || sk_filter_set_notify_prog(&run->set) != -1;
	return 0;
}

/* What SET returns (its action) for NAME(A0, A1, A2) on this machine's arch;
 * a kill when it cannot say. */
static uint32_t decides(const struct sk_filter_set *set, const char *name, uint64_t a0,
			uint64_t a1, uint64_t a2)
{
	enum sk_arch arch = sk_arch_native();
	const struct sk_arch_info *ai = sk_arch_info(arch);
	int64_t nr = sk_syscall_nr(arch, name);
	struct sk_seccomp_data data = {.nr = (int32_t)nr, .arch = ai ? ai->audit_arch : 0,
				       .args = {a0, a1, a2}};
	struct sk_run_result rr;
	if (nr < 0 || !ai || sk_filter_set_run(set, &data, &rr) < 0)
		return SECCOMP_RET_KILL_PROCESS;
	return rr.ret & SECCOMP_RET_ACTION_FULL;
}

static bool goes_through(uint32_t action)
{
	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

/* The call fails and returns (no tracer, no listener: TRACE is ENOSYS). */
static bool returns(uint32_t action)
{
	return action == SECCOMP_RET_ERRNO || action == SECCOMP_RET_TRACE ||
	       action == SECCOMP_RET_USER_NOTIF;
}

/* Under SET, a failed execvp(ARGV) can still be told and end in 126/127:
 * execve returns (it is not killed or trapped), the message reaches stderr,
 * and exit_group, or exit after glibc's _exit sees it fail, goes through. */
static bool exec_failure_told(const struct sk_filter_set *set, char *const argv[])
{
	extern char **environ;
	uint32_t exec = decides(set, "execve", (uintptr_t)argv[0], (uintptr_t)argv,
				(uintptr_t)environ);
	if (!goes_through(exec) && !returns(exec))
		return false;
	if (!goes_through(decides(set, "write", STDERR_FILENO, 0, 0)))
		return false;
	for (uint64_t status = 126; status <= 127; status++) {
		uint32_t group = decides(set, "exit_group", status, 0, 0);
		if (!goes_through(group) &&
		    !(returns(group) && goes_through(decides(set, "exit", status, 0, 0))))
			return false;
	}
	return true;
}

int sk_run_start(struct sk_run *run, char *const argv[], struct sk_supervised *out,
		 struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	if (!run->supervised && exec_failure_told(&run->set, argv))
		return sk_apply_exec(&run->set, &run->opts.apply, argv, diags);
	/* `kill scmpkit` must stop the command, as it would without a supervisor;
	 * sk_apply_supervise skips what the terminal sent the whole group (^C) */
	static const int relayed[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	sigset_t forward;
	sigemptyset(&forward);
	for (size_t i = 0; i < sizeof relayed / sizeof relayed[0]; i++)
		sigaddset(&forward, relayed[i]);
	struct sk_apply_opts ao = run->opts.apply;
	ao.forward = &forward;
	ao.wait_leftovers = true;
	const struct sk_run_opts *o = &run->opts;
	return sk_apply_supervise(o->report_denials ? &run->watched : &run->set, &run->set, &ao,
				  &o->answer, argv, o->cb, o->ctx, out, diags);
}

void sk_run_free(struct sk_run *run)
{
	sk_filter_set_free(&run->set);
	sk_filter_set_free(&run->watched);
}
