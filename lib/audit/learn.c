/* learn: BASE + every syscall the audit log shows, as ALLOW (P5's last step). */
#include <scmpkit/audit.h>
#include <scmpkit/dangerous.h>
#include <scmpkit/fallback.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile/internal.h"

void sk_learn_result_free(struct sk_learn_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].comm);
	free(r->v);
	sk_profile_free(r->profile);
	memset(r, 0, sizeof *r);
}

static int cmp_learned(const void *a, const void *b)
{
	const struct sk_learned *x = a, *y = b;
	if (x->arch != y->arch)
		return x->arch < y->arch ? -1 : 1;
	if (!x->name || !y->name)
		return x->name ? -1 : y->name ? 1 : (x->nr > y->nr) - (x->nr < y->nr);
	return strcmp(x->name, y->name);
}

static int collect(const struct sk_audit_log *log, struct sk_learn_result *out)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct sk_audit_record *r = &log->v[i];
		struct sk_learned *e = NULL;
		for (size_t j = 0; j < out->n && !e; j++)
			if (out->v[j].arch == r->arch && out->v[j].nr == r->nr)
				e = &out->v[j];
		if (e) {
			e->count++;
			continue;
		}
		struct sk_learned *v = realloc(out->v, (out->n + 1) * sizeof *v);
		if (!v)
			return -ENOMEM;
		out->v = v;
		e = &v[out->n++];
		memset(e, 0, sizeof *e);
		e->arch = r->arch;
		e->name = r->syscall;
		e->nr = r->nr;
		e->count = 1;
		e->action = sk_audit_code_action(r->code);
		e->danger = r->syscall ? sk_dangerous_reason(r->syscall) : NULL;
		e->comm = sk_strdup0(r->comm);
		e->pid = r->pid;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, cmp_learned);
	return 0;
}

/* A name BASE logs outright moves to ALLOW: drop it from its LOG rules (and
 * drop rules left without names). */
static void unlog(struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules;) {
		struct sk_rule *r = &p->rules[i];
		if (r->action == SK_ACT_LOG && sk_rule_plain(r)) {
			for (size_t j = 0; j < r->n_names;) {
				if (strcmp(r->names[j], name)) {
					j++;
					continue;
				}
				free(r->names[j]);
				memmove(&r->names[j], &r->names[j + 1],
					(r->n_names - j - 1) * sizeof r->names[0]);
				if (r->name_pos)
					memmove(&r->name_pos[j], &r->name_pos[j + 1],
						(r->n_names - j - 1) * sizeof r->name_pos[0]);
				r->n_names--;
			}
			if (!r->n_names) {
				sk_rule_clear(r);
				memmove(r, r + 1, (p->n_rules - i - 1) * sizeof *r);
				p->n_rules--;
				continue;
			}
		}
		i++;
	}
}

static int add_arch(struct sk_profile *p, enum sk_arch a, struct sk_learn_result *out)
{
	enum sk_arch have[SK_ARCH_COUNT];
	size_t n = sk_profile_arches(p, have);
	for (size_t i = 0; i < n; i++)
		if (have[i] == a)
			return 0;
	/* no "architectures" means the native one only: keep it explicit */
	if (!p->n_arches && !p->n_archmap) {
		int r = sk_profile_add_arch(p, sk_arch_native());
		if (r < 0)
			return r;
		if (a == sk_arch_native())
			return 0;
	}
	out->new_arches[out->n_new_arches++] = a;
	return sk_profile_add_arch(p, a);
}

int sk_learn(const struct sk_profile *base, const struct sk_audit_log *log,
	     bool allow_dangerous, struct sk_learn_result *out, struct sk_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->profile = base ? sk_profile_clone(base) : sk_profile_new();
	if (!out->profile)
		return -ENOMEM;
	struct sk_profile *p = out->profile;
	if (base && (base->default_action == SK_ACT_LOG || base->default_action == SK_ACT_ALLOW))
		sk_diags_add(diags, SK_SEV_WARNING, base->file, base->default_action_pos.line,
			     base->default_action_pos.col, "learn-permissive-base",
			     "the base profile's default action is %s: the learned profile will "
			     "not enforce anything beyond it; learn on top of the enforcing profile "
			     "the audit profile was made from",
			     sk_action_name(base->default_action));
	int r = collect(log, out);
	if (r < 0)
		return r;

	const char **names = calloc(out->n + 1, sizeof *names);
	if (!names)
		return -ENOMEM;
	size_t n_names = 0;
	for (size_t i = 0; i < out->n; i++) {
		struct sk_learned *e = &out->v[i];
		if (!e->name) {
			out->unknown++;
			continue;
		}
		if (e->danger && !allow_dangerous) {
			out->dangerous++;
			continue;
		}
		bool mine = false; /* another arch of this log added it already */
		for (size_t j = 0; j < n_names && !mine; j++)
			mine = !strcmp(names[j], e->name);
		if (mine) {
			e->added = true;
		} else if (sk_profile_allows_outright(p, e->name)) {
			e->already = true;
		} else {
			unlog(p, e->name);
			names[n_names++] = e->name;
			e->added = true;
			out->added++;
		}
		if ((r = add_arch(p, e->arch, out)) < 0)
			break;
	}
	if (!r && n_names) {
		/* sorted, one rule: the way a reviewer reads it */
		for (size_t i = 1; i < n_names; i++)
			for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				const char *t = names[j];
				names[j] = names[j - 1];
				names[j - 1] = t;
			}
		if (!sk_profile_add_rule(p, names, n_names, SK_ACT_ALLOW))
			r = -ENOMEM;
	}
	free(names);
	return r ? r : sk_profile_finish_generated(p, diags) < 0 ? -ENOMEM : 0;
}
