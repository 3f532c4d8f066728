/* The recorder interface: pick a backend by kind, then start / run / result. */
#include "trace_backend.h"

#include <errno.h>
#include <stdlib.h>

static const struct sk_recorder_ops *const backends[] = {
	[SK_RECORDER_PTRACE] = &sk_ptrace_ops,
	[SK_RECORDER_RUNC_AGENT] = &sk_agent_ops,
};

struct sk_recorder *sk_recorder_new(enum sk_recorder_kind kind, const struct sk_record_opts *o)
{
	if ((size_t)kind >= sizeof backends / sizeof backends[0] || !backends[kind])
		return NULL;
	const struct sk_recorder_ops *ops = backends[kind];
	struct sk_recorder *r = calloc(1, ops->size);
	if (!r)
		return NULL;
	r->ops = ops;
	r->opts = *o;
	r->result = malloc(sizeof *r->result);
	if (!r->result) {
		free(r);
		return NULL;
	}
	sk_trace_result_init(r->result, o->args);
	return r;
}

int sk_recorder_start(struct sk_recorder *r, struct sk_diags *d)
{
	return r->ops->start(r, d);
}

int sk_recorder_run(struct sk_recorder *r, struct sk_diags *d)
{
	return r->ops->run(r, d);
}

const struct sk_trace_result *sk_recorder_result(const struct sk_recorder *r)
{
	return r->result;
}

void sk_recorder_free(struct sk_recorder *r)
{
	if (!r)
		return;
	if (r->ops->destroy)
		r->ops->destroy(r);
	free(r->result);
	free(r);
}

void sk_recorder_note(struct sk_recorder *r, enum sk_arch arch, int64_t nr, const uint64_t args[6])
{
	if (sk_trace_result_add(r->result, arch, nr, args) && r->opts.progress)
		r->opts.progress(r->opts.progress_ctx, r->result->distinct);
}

void sk_recorder_set_exit(struct sk_recorder *r, int wstatus)
{
	struct sk_trace_exit *e = &r->result->exit;
	e->known = true;
	e->signaled = WIFSIGNALED(wstatus);
	e->code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 0;
	e->sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	e->core = WIFSIGNALED(wstatus) && WCOREDUMP(wstatus);
}
