/* SPDX-License-Identifier: Apache-2.0 */
/* One profile made ready for a node (distribute.h): the one path every
 * profile takes before node-sync installs it, bundle packs it or push
 * uploads it, so the three can never disagree on what is acceptable.
 *
 * The order is the order of the questions a user would ask: does it parse,
 * what does it mean stacked on the base profile it names, what does it mean
 * on this architecture, does lint find an error in it, does it compile
 * within the kernel's limits. Lint reads the text as `scmpkit lint` does,
 * given the same bases, so the verdict and the inline ignores are the same.
 *
 * A SeccompProfile's baseProfileName is looked up as the Security Profiles
 * Operator looks it up: among the SeccompProfiles at hand (for node-sync and
 * bundle, the other profiles of the same source), then among the bases the
 * operator publishes for runc and crun (sk_profile_resolve_base). What
 * arrives on the node is the union, resolved: a runtime never sees a base. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/bpf.h>
#include <scmpkit/lint.h>
#include <scmpkit/profile.h>

#include "distribute/internal.h"
#include "util/grow.h"

int sk_bases_add(struct sk_bases *b, const char *text, size_t len, const char *file)
{
	struct sk_diags quiet = {0};
	struct sk_profile *p = sk_profile_parse(text, len, file, &quiet);
	sk_diags_free(&quiet);
	if (!p || !p->spo_name) { /* only a SeccompProfile has a name to be named by */
		sk_profile_free(p);
		return 0;
	}
	if (SK_GROW(b->v, b->cap, b->n) < 0) {
		sk_profile_free(p);
		return -ENOMEM;
	}
	b->v[b->n++] = p;
	return 0;
}

void sk_bases_free(struct sk_bases *b)
{
	for (size_t i = 0; i < b->n; i++)
		sk_profile_free(b->v[i]);
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* Two SeccompProfiles of one source with the name a base of P's chain has:
 * which one the operator would take depends on the order it lists them in,
 * so neither is taken. */
static bool ambiguous_base(const struct sk_profile *p, const struct sk_prepare_opts *o,
			   struct sk_diags *d)
{
	const struct sk_profile *cur = p;
	for (int lv = 0; cur && cur->spo_base_profile && lv < 16; lv++) {
		const struct sk_profile *first = NULL, *again = NULL;
		for (size_t i = 0; i < o->n_bases && !again; i++) {
			const struct sk_profile *g = o->bases[i];
			if (!g->spo_name || strcmp(g->spo_name, cur->spo_base_profile))
				continue;
			if (first)
				again = g;
			else
				first = g;
		}
		if (again) {
			sk_diags_add(d, SK_SEV_ERROR, p->file, p->spo_base_pos.line, p->spo_base_pos.col,
				     "sync-base-profile",
				     "baseProfileName \"%s\"%s%s names two SeccompProfiles of this "
				     "source (%s and %s): which one is meant is not clear",
				     p->spo_base_profile, cur == p ? "" : ", through ",
				     cur == p ? "" : cur->spo_base_profile, first->file, again->file);
			return true;
		}
		cur = first;
	}
	return false;
}

/* P stacked on its base, or a clone of P when it has none; NULL after the
 * reason in D. */
static struct sk_profile *stack(const struct sk_profile *p, const struct sk_prepare_opts *o,
				struct sk_diags *d)
{
	struct sk_profile *s = NULL;
	if (ambiguous_base(p, o, d))
		return NULL;
	int e = sk_profile_resolve_base(p, o->bases, o->n_bases, &s, d);
	if (e == -ENOMEM)
		sk_diags_add(d, SK_SEV_ERROR, p->file, 0, 0, "sync-base-profile", "out of memory");
	return e ? NULL : s;
}

char *sk_profile_for_node(const char *text, size_t len, const char *file,
			  const struct sk_prepare_opts *o, struct sk_diags *diags)
{
	static const struct sk_prepare_opts none = {.arch = SK_ARCH_INVALID};
	if (!o)
		o = &none;
	/* parse quietly first: lint parses again and reports the same warnings */
	struct sk_diags parse = {0};
	struct sk_profile *p = sk_profile_parse(text, len, file, &parse), *s = NULL, *r = NULL;
	char *out = NULL;
	if (!p)
		sk_diags_splice(diags, &parse);
	sk_diags_free(&parse);
	if (!p || !(s = stack(p, o, diags)))
		goto done;
	struct sk_lint_opts lo = {.bases = o->bases, .n_bases = o->n_bases};
	size_t errors = sk_diags_count(diags, SK_SEV_ERROR);
	if (sk_lint_text(text, len, file, &lo, diags) < 0 ||
	    sk_diags_count(diags, SK_SEV_ERROR) > errors)
		goto done;
	struct sk_resolve_opts ro = {.arch = o->arch, .kernel_major = -1};
	if (!(r = sk_profile_resolve(s, &ro, diags)))
		goto done;
	struct sk_compile_opts co;
	sk_compile_opts_init(&co);
	co.host = o->arch;
	struct sk_filter_set set = {0};
	if (sk_compile(r, &co, &set, diags) < 0)
		goto done;
	sk_filter_set_free(&set);
	out = sk_profile_emit(r, SK_FORMAT_OCI, diags);
done:
	sk_profile_free(p);
	sk_profile_free(s);
	sk_profile_free(r);
	return out;
}
