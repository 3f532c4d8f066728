/* SPDX-License-Identifier: Apache-2.0 */
/* The public face of lib/extract: run the analysis (link.c does the work),
 * answer questions about its result, and write the profile through the
 * recorder's writer, so that an extracted profile has what a recorded one
 * has (P7 essentials, vDSO calls, --runtime, comments) and one writer owns
 * that policy. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/strbuf.h"

void sk_extract_free(struct sk_extract *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n_objs; i++) {
		struct lobj *l = &x->objs[i];
		if (l->summarised)
			xsummary_free(&l->sum);
		xgraph_free(l->graph);
		xobj_free(&l->obj);
		free(l->deps);
		free(l->path);
		free(l->shown);
		free(l->debug);
		free(l->archive);
	}
	for (size_t i = 0; i < x->n_progs; i++) {
		free(x->progs[i].scope);
		free(x->progs[i].with);
		free(x->progs[i].origin);
	}
	for (size_t i = 0; i < x->n_prov; i++)
		free(x->prov[i].text);
	for (size_t i = 0; i < x->n_notes; i++)
		free(x->notes[i]);
	free(x->objs);
	free(x->progs);
	free(x->visits);
	free(x->prov);
	free(x->unres);
	free(x->notes);
	free(x);
}

static bool is_interp(const struct sk_extract *x, uint32_t obj)
{
	for (size_t i = 0; i < x->n_progs; i++)
		if (x->progs[i].interp == obj)
			return true;
	return false;
}

/* A program that runs others (execve) runs them under the same filter. */
static void exec_note(const struct sk_extract *x, struct sk_diags *d)
{
	static const char *const calls[] = {"execve", "execveat"};
	for (size_t i = 0; i < 2; i++) {
		int64_t nr = sk_syscall_nr(SK_ARCH_X86_64, calls[i]);
		const struct xprov *pv = NULL;
		for (size_t k = 0; k < x->n_prov; k++)
			if (x->prov[k].arch == SK_ARCH_X86_64 && x->prov[k].nr == nr)
				pv = &x->prov[k];
		/* ld.so's own execve (run as a program) is not the program's */
		if (!pv || pv->visit == XT_NONE || is_interp(x, x->visits[pv->visit].obj))
			continue;
		const char *from = pv->text;
		sk_diags_add(d, SK_SEV_NOTE, x->objs[x->progs[0].main].shown, 0, 0, "extract-exec",
			     "can run other programs (%s, from %s): they run under the same filter "
			     "(a filter survives exec); extract them with it: scmpkit extract %s "
			     "PROGRAM...", calls[i], from, x->objs[x->progs[0].main].shown);
		return;
	}
}

int sk_extract_run(const char *const *paths, size_t n, const struct sk_extract_opts *o,
		   struct sk_extract **out, struct sk_diags *d)
{
	*out = NULL;
	if (!n) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "extract-input", "no program to analyse");
		return -EINVAL;
	}
	struct sk_extract *x = calloc(1, sizeof *x);
	if (!x)
		return -ENOMEM;
	sk_trace_result_init(&x->res, false);
	x->strict = o->strict;
	x->explain = o->explain;
	int rc = xlink_run(x, paths, n, o, d);
	if (rc < 0) {
		sk_extract_free(x);
		return rc;
	}
	/* scmpkit run and runc install the filter before the execve that starts
	 * the program: that execve is filtered too */
	int64_t nr = sk_syscall_nr(SK_ARCH_X86_64, "execve");
	if (!sk_extract_provenance(x, SK_ARCH_X86_64, nr)) {
		char *why = strdup("the execve that starts the program, made under the filter");
		if (!why || SK_GROW(x->prov, x->cap_prov, x->n_prov) < 0) {
			free(why);
			sk_extract_free(x);
			return -ENOMEM;
		}
		x->prov[x->n_prov++] = (struct xprov){SK_ARCH_X86_64, nr, XT_NONE, XT_NONE, why};
		sk_trace_result_add(&x->res, SK_ARCH_X86_64, nr, NULL);
	} else {
		exec_note(x, d);
	}
	*out = x;
	return 0;
}

const struct sk_trace_result *sk_extract_result(const struct sk_extract *x)
{
	return &x->res;
}

const char *sk_extract_provenance(const struct sk_extract *x, enum sk_arch arch, int64_t nr)
{
	for (size_t i = 0; i < x->n_prov; i++)
		if (x->prov[i].arch == arch && x->prov[i].nr == nr)
			return x->prov[i].text;
	return NULL;
}

size_t sk_extract_unresolved_count(const struct sk_extract *x)
{
	return x->n_unres;
}

const struct sk_extract_site *sk_extract_unresolved(const struct sk_extract *x, size_t i)
{
	return i < x->n_unres ? &x->unres[i] : NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *sk_extract_names(const struct sk_extract *x)
{
	const char **v = NULL;
	size_t n = 0, cap = 0;
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		size_t cur = 0;
		int64_t nr;
		while (sk_trace_result_next(&x->res, a, &cur, &nr)) {
			const char *s = sk_syscall_name(a, nr);
			if (!s)
				continue;
			if (SK_GROW(v, cap, n) < 0) {
				free(v);
				return NULL;
			}
			v[n++] = s;
		}
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_name);
	struct sk_sb sb = SK_SB_INIT;
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			sk_sb_addf(&sb, "%s\n", v[i]);
	free(v);
	return sk_sb_detach(&sb, NULL);
}

/* The provenance of a syscall NAME on whichever arch the set has it. */
static const char *prov_of_name(const struct sk_extract *x, const char *name)
{
	for (size_t i = 0; i < x->n_prov; i++)
		if (!strcmp(sk_syscall_name((enum sk_arch)x->prov[i].arch, x->prov[i].nr) ?: "", name))
			return x->prov[i].text;
	return NULL;
}

/* Rule 0 (the extracted calls, one rule) becomes one rule per call, each
 * commented with where the call comes from; the other rules keep their
 * places after them. */
static int split_first_rule(struct sk_profile *p, const struct sk_extract *x)
{
	if (!p->n_rules || p->rules[0].n_names < 1)
		return 0;
	size_t n = p->rules[0].n_names, before = p->n_rules;
	for (size_t i = 0; i < n; i++) {
		const char *name = p->rules[0].names[i];
		struct sk_rule *r = sk_profile_add_rule(p, &name, 1, SK_ACT_ALLOW);
		const char *why = prov_of_name(x, name);
		if (!r || !(r->comment = strdup(why ? why : "extracted")))
			return -ENOMEM;
	}
	/* drop the old rule 0 and move the new ones in front */
	struct sk_rule old = p->rules[0];
	for (size_t i = 0; i < old.n_names; i++)
		free(old.names[i]);
	free(old.names);
	free(old.name_pos);
	free(old.comment);
	free(old.args);
	struct sk_rule *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, &p->rules[before], n * sizeof *tmp);
	memmove(&p->rules[n], &p->rules[1], (before - 1) * sizeof *tmp);
	memcpy(&p->rules[0], tmp, n * sizeof *tmp);
	free(tmp);
	p->n_rules = before - 1 + n;
	return 0;
}

struct sk_profile *sk_extract_to_profile(const struct sk_extract *x,
					 const struct sk_trace_profile_opts *o,
					 bool per_call_comments, struct sk_diags *d)
{
	struct sk_profile *p = sk_trace_to_profile(&x->res, o, d);
	if (p && per_call_comments && split_first_rule(p, x) < 0) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "extract-nomem", "out of memory");
		sk_profile_free(p);
		return NULL;
	}
	return p;
}
