/* SPDX-License-Identifier: Apache-2.0 */
/* sk_run_*: what `scmpkit run` does with a profile — compile, then either
 * install and exec (nothing to answer) or supervise (denials to report, or the
 * profile's own NOTIFY rules). The choice between the two, and which signals
 * a supervisor relays, are decisions about enforcement, so they live here and
 * not in the command. Two steps, so that the caller can show the compiler's
 * warnings before the exec: after it, nothing of the caller is left. */
#include <scmpkit/apply.h>

#include <errno.h>
#include <signal.h>
#include <string.h>


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

int sk_run_start(struct sk_run *run, char *const argv[], struct sk_supervised *out,
		 struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	if (!run->supervised)
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
