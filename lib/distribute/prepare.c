/* SPDX-License-Identifier: Apache-2.0 */
/* One profile made ready for a node (distribute.h): the one path every
 * profile takes before node-sync installs it, bundle packs it or push
 * uploads it, so the three can never disagree on what is acceptable.
 *
 * The order is the order of the questions a user would ask: does it parse,
 * can a node use it as it is (a base profile it stacks on is not resolved
 * yet), what does it mean on this architecture, does lint find an error in
 * it, does it compile within the kernel's limits. Lint reads the text as
 * `scmpkit lint` does, so the verdict and the inline ignores are the same. */
#include <scmpkit/distribute.h>

#include <stdlib.h>

#include <scmpkit/bpf.h>
#include <scmpkit/lint.h>
#include <scmpkit/profile.h>

/* A SeccompProfile stacked on another (baseProfileName) means only what it
 * means together with its base, which node-sync does not have yet: refuse it
 * rather than install half a profile. */
static bool refuse_base(const struct sk_profile *p, struct sk_diags *d)
{
	if (!p->spo_base_profile)
		return false;
	sk_diags_add(d, SK_SEV_ERROR, p->file, p->pos.line, p->pos.col, "sync-base-profile",
		     "SeccompProfile '%s' stacks on baseProfileName '%s', which scmpkit does not "
		     "resolve yet: installing it alone would leave out every call the base allows",
		     p->spo_name ? p->spo_name : "?", p->spo_base_profile);
	sk_diags_set_fix(d, "merge the base into the profile (scmpkit merge) and distribute the result");
	return true;
}

char *sk_profile_for_node(const char *text, size_t len, const char *file, enum sk_arch arch,
			  struct sk_diags *diags)
{
	/* parse quietly first: lint parses again and reports the same warnings */
	struct sk_diags parse = {0};
	struct sk_profile *p = sk_profile_parse(text, len, file, &parse), *r = NULL;
	char *out = NULL;
	if (!p)
		sk_diags_splice(diags, &parse);
	sk_diags_free(&parse);
	if (!p || refuse_base(p, diags))
		goto done;
	struct sk_lint_opts lo = {0};
	size_t errors = sk_diags_count(diags, SK_SEV_ERROR);
	if (sk_lint_text(text, len, file, &lo, diags) < 0 ||
	    sk_diags_count(diags, SK_SEV_ERROR) > errors)
		goto done;
	struct sk_resolve_opts ro = {.arch = arch, .kernel_major = -1};
	if (!(r = sk_profile_resolve(p, &ro, diags)))
		goto done;
	struct sk_compile_opts co;
	sk_compile_opts_init(&co);
	co.host = arch;
	struct sk_filter_set set = {0};
	if (sk_compile(r, &co, &set, diags) < 0)
		goto done;
	sk_filter_set_free(&set);
	out = sk_profile_emit(r, SK_FORMAT_OCI, diags);
done:
	sk_profile_free(p);
	sk_profile_free(r);
	return out;
}
