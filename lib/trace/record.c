/* SPDX-License-Identifier: Apache-2.0 */
/* `scmpkit record` as one library call: check the request, choose the
 * backend, record, turn the result into a profile, merge it into an earlier
 * one, emit it. The decisions a command file must not make live here: which
 * backend runs (and saying why), what a combination of options means, what a
 * recording of something already running cannot contain. */
#include "trace_backend.h"

#include "util/cleanup.h"

#include <scmpkit/escape.h>
#include <scmpkit/profile_ops.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sk_record_job {
	struct sk_record_request req;
	struct sk_trace_profile_opts po;
	struct sk_profile *base; /* --append */
	char what[256];          /* for the recorded rule's comment */
};

void sk_record_job_free(struct sk_record_job *job)
{
	if (job)
		sk_profile_free(job->base);
	free(job);
}

static int usage(struct sk_diags *d, const char *msg)
{
	sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-usage", "%s", msg);
	return -EINVAL;
}

/* What the options say together; -EINVAL with a diag when they contradict. */
static int check(const struct sk_record_request *q, struct sk_diags *d)
{
	const struct sk_record_opts *o = &q->rec;
	int sources = (o->argv && o->argv[0]) + !!o->bundle + (o->pid > 0) + !!o->cgroup +
		      !!o->container;
	bool attach = o->pid > 0 || o->cgroup || o->container;
	if (sources == 0)
		return usage(d, "expected a command (-- CMD ARGS...), --bundle DIR, --pid PID, "
				"--cgroup PATH or --container ID");
	if (sources > 1)
		return usage(d, "give one of a command, --bundle, --pid, --cgroup, --container");
	if (o->duration_ms && !attach)
		return usage(d, "--duration applies to --pid, --cgroup and --container (a "
				"command is recorded until it exits)");
	if (o->runtime_root && !o->container)
		return usage(d, "--runtime-root applies to --container");
	if (o->bundle && q->backend != SK_BACKEND_AUTO)
		return usage(d, "--bundle records through runc's seccomp agent: --backend does "
				"not apply");
	if (attach && q->backend == SK_BACKEND_PTRACE)
		return usage(d, "--pid, --cgroup and --container need the eBPF backend: ptrace "
				"cannot follow what is already running");
	return 0;
}

/* The backend for Q; a note in D says which and why. */
static int choose(const struct sk_record_request *q, enum sk_recorder_kind *kind,
		  struct sk_diags *d)
{
	if (q->rec.bundle) {
		*kind = SK_RECORDER_RUNC_AGENT;
		return 0;
	}
	const char *why = NULL;
	int r = sk_ebpf_usable(&why);
	bool attach = q->rec.pid > 0 || q->rec.cgroup || q->rec.container;
	if (q->backend == SK_BACKEND_PTRACE) {
		*kind = SK_RECORDER_PTRACE;
		return 0;
	}
	if (r == 0) {
		*kind = SK_RECORDER_EBPF;
		if (q->backend == SK_BACKEND_AUTO && !attach)
			sk_diags_add(d, SK_SEV_NOTE, NULL, 0, 0, "record-backend",
				     "recording with the eBPF backend (--backend ptrace: no "
				     "privileges needed, slower)");
		return 0;
	}
	if (q->backend == SK_BACKEND_EBPF || attach) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "record-ebpf",
			     "the eBPF backend cannot run here: %s", why);
		return r;
	}
	*kind = SK_RECORDER_PTRACE;
	sk_diags_add(d, SK_SEV_NOTE, NULL, 0, 0, "record-backend",
		     "recording with ptrace, not eBPF: %s", why);
	return 0;
}

/* "ls -l /tmp" (truncated, escaped) for the recorded rule's comment. */
static void describe(char *buf, size_t len, const struct sk_record_opts *o)
{
	_sk_cleanup_free_ char *s = NULL;
	if (o->bundle)
		s = sk_escape(o->bundle), snprintf(buf, len, "OCI bundle %s under runc", s ? s : "?");
	else if (o->container)
		s = sk_escape(o->container), snprintf(buf, len, "container %s", s ? s : "?");
	else if (o->cgroup)
		s = sk_escape(o->cgroup), snprintf(buf, len, "cgroup %s", s ? s : "?");
	else if (o->pid > 0)
		snprintf(buf, len, "pid %d and its descendants", (int)o->pid);
	else {
		size_t n = 0;
		buf[0] = 0;
		for (size_t i = 0; o->argv[i] && n + 1 < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", o->argv[i]);
	}
}

struct sk_recorder *sk_record_new(const struct sk_record_request *req, struct sk_diags *d)
{
	enum sk_recorder_kind kind = SK_RECORDER_PTRACE;
	if (check(req, d) < 0 || choose(req, &kind, d) < 0)
		return NULL;
	struct sk_record_job *job = calloc(1, sizeof *job);
	if (!job)
		return NULL;
	job->req = *req;
	if (req->profile)
		job->po = *req->profile;
	/* --container attaches after runc's init made its late calls; --bundle
	 * sees them, but some only now and then (futex, under load): both get
	 * runc's measured ones, as --runtime runc gives */
	if ((req->rec.container || req->rec.bundle) && !job->po.runtime)
		job->po.runtime = "runc";
	describe(job->what, sizeof job->what, &req->rec);
	job->po.what = job->what;
	if (req->append && !(job->base = sk_profile_load(req->append, d))) {
		sk_record_job_free(job);
		return NULL;
	}
	struct sk_recorder *r = sk_recorder_new(kind, &req->rec);
	if (!r) {
		sk_record_job_free(job);
		return NULL;
	}
	r->job = job;
	return r;
}

/* The profile of R's result, merged into --append's, as text. */
static char *emit(struct sk_recorder *r, struct sk_diags *d)
{
	struct sk_record_job *job = r->job;
	struct sk_profile *p = sk_trace_to_profile(r->result, &job->po, d);
	if (p && job->base) {
		const struct sk_profile *both[] = {job->base, p};
		struct sk_profile *m = sk_profile_merge(both, 2, d);
		sk_profile_free(p);
		p = m;
	}
	char *text = p ? sk_profile_emit(p, job->req.format, d) : NULL;
	sk_profile_free(p);
	return text;
}

int sk_record_run(struct sk_recorder *r, struct sk_record_outcome *out, struct sk_diags *d)
{
	memset(out, 0, sizeof *out);
	out->backend = r->ops->name;
	int rc = sk_recorder_start(r, d);
	if (rc == 0 && r->opts.started)
		r->opts.started(r->opts.progress_ctx, r->job ? r->job->what : "");
	if (rc == 0)
		rc = sk_recorder_run(r, d);
	out->exec_errno = r->exec_errno;
	if (rc < 0)
		return r->exec_errno ? 0 : rc;
	if (r->attach && !r->from_start && !r->job->base)
		sk_diags_add(d, SK_SEV_NOTE, NULL, 0, 0, "record-attached",
			     "recorded what ran while scmpkit watched: calls made before (the "
			     "program's start-up, its execve, the loader, libc's set-up) are not "
			     "in the profile; merge with an earlier recording (--append FILE)");
	out->distinct = r->result->distinct;
	out->exit = r->result->exit;
	/* numbers the result had no room for (to_profile names them) are
	 * missing from the profile like any other loss */
	for (int a = 0; a < SK_ARCH_COUNT; a++)
		r->incomplete |= r->result->arch[a].dropped > 0;
	out->incomplete = r->incomplete;
	if (r->sig.stop && !r->attach)
		out->stopped_by = r->sig.stop_sig;
	out->text = r->job ? emit(r, d) : NULL;
	return out->text ? 0 : -ENOMEM;
}

void sk_record_outcome_free(struct sk_record_outcome *out)
{
	free(out->text);
	out->text = NULL;
}
