/* SPDX-License-Identifier: Apache-2.0 */
/* sk_compile: resolve the profile, model it (compile_model.c), generate
 * (compile_gen.c), and split into stacked filters when one program would pass
 * the kernel's 4096-instruction limit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile_ops.h>

#include "compile_internal.h"

void sk_compile_opts_init(struct sk_compile_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->host = SK_ARCH_INVALID;
	opts->bad_arch = SK_ACT_INVALID;
	opts->kernel_major = -1;
	opts->kernel_minor = -1;
	opts->optimize = 1;
}

void sk_bpf_prog_free(struct sk_bpf_prog *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	free(prog->origin);
	prog->insns = NULL;
	prog->origin = NULL;
	prog->len = 0;
}

void sk_filter_set_free(struct sk_filter_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		sk_bpf_prog_free(&set->progs[i]);
	free(set->progs);
	sk_profile_free((struct sk_profile *)set->source);
	memset(set, 0, sizeof *set);
}

static bool needs_resolve(const struct sk_profile *p)
{
	if (p->format == SK_FORMAT_DOCKER || p->n_archmap)
		return true;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].has_includes || p->rules[i].has_excludes)
			return true;
	return false;
}

/* What runc refuses outright (libcontainer/seccomp/seccomp_linux.go). */
static int check_runc(const struct sk_profile *p, struct sk_diags *diags)
{
	int rc = 0;
	if (p->default_action == SK_ACT_NOTIFY) {
		sk_diags_add(diags, SK_SEV_ERROR, p->file, p->default_action_pos.line,
			     p->default_action_pos.col, "compile-notify-default",
			     "SCMP_ACT_NOTIFY cannot be the default action (runc refuses it: "
			     "the runtime's own calls would wait for the agent)");
		rc = -EINVAL;
	}
	if (p->default_action <= SK_ACT_INVALID || p->default_action >= SK_ACT_COUNT) {
		sk_diags_add(diags, SK_SEV_ERROR, p->file, p->default_action_pos.line,
			     p->default_action_pos.col, "compile-bad-action", "invalid default action");
		rc = -EINVAL;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		if (r->action <= SK_ACT_INVALID || r->action >= SK_ACT_COUNT) {
			sk_diags_add(diags, SK_SEV_ERROR, p->file, r->action_pos.line,
				     r->action_pos.col, "compile-bad-action", "invalid action");
			rc = -EINVAL;
			continue;
		}
		for (size_t j = 0; j < r->n_args; j++) {
			if (r->args[j].index > 5 || r->args[j].op <= SK_OP_INVALID ||
			    r->args[j].op >= SK_OP_COUNT) {
				sk_diags_add(diags, SK_SEV_ERROR, p->file, r->args[j].pos.line,
					     r->args[j].pos.col, "compile-bad-arg",
					     "invalid argument index or operator");
				rc = -EINVAL;
			}
		}
		if (r->action == SK_ACT_NOTIFY)
			for (size_t j = 0; j < r->n_names; j++)
				if (!strcmp(r->names[j], "write"))
					sk_diags_add(diags, SK_SEV_WARNING, p->file, r->pos.line,
						     r->pos.col, "compile-notify-write",
						     "runc refuses SCMP_ACT_NOTIFY for write");
		uint32_t ret = ck_rule_ret(r->action, r->has_errno_ret, r->errno_ret);
		if (ret == ck_rule_ret(p->default_action, p->has_default_errno_ret,
				       p->default_errno_ret))
			sk_diags_add(diags, SK_SEV_NOTE, p->file, r->pos.line, r->pos.col,
				     "compile-rule-is-default",
				     "rule %zu has the default action: runc skips it", i);
	}
	return rc;
}

static size_t decision_size(const struct ck_decision *d)
{
	size_t n = 1;
	for (size_t c = 0; c < d->n_chains; c++)
		n += 1 + 6 * d->chains[c].n;
	return n;
}

/* Stack K parts: argument-check decisions dealt out by size (largest first to
 * the lightest part); decisions without checks are real in every part, which
 * changes nothing since the kernel keeps the most restrictive result. */
static int split(struct ck_model *m, size_t k, struct sk_bpf_prog *progs)
{
	size_t *part = calloc(m->n_decisions, sizeof *part);
	size_t *load = calloc(k, sizeof *load);
	bool *done = calloc(m->n_decisions, sizeof *done);
	int rc = part && load && done ? 0 : -ENOMEM;
	for (size_t round = 0; !rc && round < m->n_decisions; round++) {
		size_t best = SIZE_MAX, bs = 0;
		for (size_t d = 0; d < m->n_decisions; d++) {
			size_t s = decision_size(&m->decisions[d]);
			if (!done[d] && m->decisions[d].n_chains && (best == SIZE_MAX || s > bs)) {
				best = d;
				bs = s;
			}
		}
		if (best == SIZE_MAX)
			break;
		size_t lp = 0;
		for (size_t i = 1; i < k; i++)
			if (load[i] < load[lp])
				lp = i;
		part[best] = lp;
		load[lp] += bs;
		done[best] = true;
	}
	for (size_t i = 0; !rc && i < k; i++) {
		for (size_t d = 0; d < m->n_decisions; d++)
			m->decisions[d].owned = !m->decisions[d].n_chains || part[d] == i;
		rc = ck_generate(m, &progs[i]);
	}
	free(part);
	free(load);
	free(done);
	return rc;
}

/* The compiler's own copy of P: resolved for HOST (Docker's conditions),
 * checked as runc checks it, and its rules regrouped so that how they were
 * split changes nothing (after the checks, whose notes count rules as
 * written). NULL with *RC set. */
static struct sk_profile *prepare(const struct sk_profile *p, const struct sk_compile_opts *opts,
				  enum sk_arch host, int *rc, struct sk_diags *diags)
{
	struct sk_profile *r;
	*rc = 0;
	if (needs_resolve(p)) {
		struct sk_resolve_opts ro = {.arch = host, .caps = opts->caps, .n_caps = opts->n_caps,
					     .kernel_major = opts->kernel_major,
					     .kernel_minor = opts->kernel_minor};
		if (!(r = sk_profile_resolve(p, &ro, diags)))
			*rc = -EINVAL;
	} else if (!(r = sk_profile_clone(p))) {
		*rc = -ENOMEM;
	}
	if (!*rc)
		*rc = check_runc(r, diags);
	if (!*rc && sk_profile_merge_alike(r) < 0)
		*rc = -ENOMEM;
	if (*rc) {
		sk_profile_free(r);
		return NULL;
	}
	return r;
}

/* M as one program, or as the fewest stacked ones within the kernel's
 * limits; *TOTAL the length of the last try. */
static int fit(struct ck_model *m, struct sk_filter_set *out, size_t *total)
{
	int rc = 0;
	for (size_t k = 1; k <= SK_BPF_MAX_TOTAL_INSNS / SK_BPF_MAXINSNS; k++) {
		struct sk_bpf_prog *progs = calloc(k, sizeof *progs);
		if (!progs)
			return -ENOMEM;
		rc = split(m, k, progs);
		bool fits = !rc;
		*total = 0;
		for (size_t i = 0; i < k; i++) {
			*total += progs[i].len;
			if (progs[i].len > SK_BPF_MAXINSNS)
				fits = false;
		}
		if (fits && *total <= SK_BPF_MAX_TOTAL_INSNS) {
			out->progs = progs;
			out->n = k;
			return 0;
		}
		for (size_t i = 0; i < k; i++)
			sk_bpf_prog_free(&progs[i]);
		free(progs);
		if (rc)
			return rc;
	}
	return 0;
}

int sk_compile(const struct sk_profile *p, const struct sk_compile_opts *opts,
	       struct sk_filter_set *out, struct sk_diags *diags)
{
	struct sk_compile_opts defaults;
	if (!opts) {
		sk_compile_opts_init(&defaults);
		opts = &defaults;
	}
	memset(out, 0, sizeof *out);
	enum sk_arch host = opts->host == SK_ARCH_INVALID ? sk_arch_native() : opts->host;
	if (!sk_arch_info(host))
		return -EINVAL;
	int rc;
	struct sk_profile *r = prepare(p, opts, host, &rc, diags);
	if (!r)
		return rc;
	struct ck_model m;
	rc = ck_model_build(r, opts, host, &m, diags);
	if (rc < 0) {
		sk_profile_free(r);
		return rc;
	}
	out->flags = r->has_flags ? r->flags : 0;
	out->source = r;
	size_t total = 0;
	rc = fit(&m, out, &total);
	ck_model_free(&m);
	if (!rc && !out->progs) {
		sk_diags_add(diags, SK_SEV_ERROR, r->file, 0, 0, "compile-too-large",
			     "the filter does not fit the kernel's limits even split into %d "
			     "stacked programs (%d instructions each, %d in all); last try: %zu "
			     "instructions",
			     SK_BPF_MAX_TOTAL_INSNS / SK_BPF_MAXINSNS, SK_BPF_MAXINSNS,
			     SK_BPF_MAX_TOTAL_INSNS, total);
		rc = -E2BIG;
	}
	if (rc)
		sk_filter_set_free(out);
	return rc;
}
