/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: sk_profile_parse on arbitrary bytes, then everything a
 * parsed profile goes through (normalize, resolve, a SeccompProfile's base,
 * emit in every format, and re-parse of what was emitted). Must never crash,
 * leak or hit UB. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

static void emit_reparse(const struct sk_profile *p, enum sk_format f)
{
	struct sk_diags d = {0};
	char *text = sk_profile_emit(p, f, &d);
	if (text) {
		/* a SeccompProfile cannot hold defaultErrnoRet: emit says so when
		 * it loses one, and only that may differ */
		bool lost_errno = false;
		for (size_t i = 0; i < d.n; i++)
			lost_errno |= d.v[i].rule && !strcmp(d.v[i].rule, "emit-spo-default-errno");
		struct sk_profile *q = sk_profile_parse(text, strlen(text), "emitted", &d);
		if (q && lost_errno) {
			q->has_default_errno_ret = p->has_default_errno_ret;
			q->default_errno_ret = p->default_errno_ret;
		}
		/* What we write we must read back, and to the same profile. */
		if (!q || !sk_profile_equal(p, q))
			abort();
		sk_profile_free(q);
	}
	free(text);
	sk_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_parse((const char *)data, size, "fuzz", &d);
	if (p) {
		emit_reparse(p, SK_FORMAT_DOCKER);
		struct sk_resolve_opts o = {.arch = SK_ARCH_X86_64, .kernel_major = 6, .kernel_minor = 1};
		struct sk_profile *r = sk_profile_resolve(p, &o, &d);
		if (r) {
			emit_reparse(r, SK_FORMAT_OCI);
			emit_reparse(r, SK_FORMAT_SPO);
			sk_profile_free(r);
		}
		/* stacked on its base: itself (a cycle) or a published one */
		const struct sk_profile *given[] = {p};
		struct sk_profile *b = NULL;
		if (sk_profile_resolve_base(p, given, 1, &b, &d) == 0 && b->n_rules)
			emit_reparse(b, SK_FORMAT_DOCKER);
		sk_profile_free(b);
		struct sk_profile *n = sk_profile_clone(p);
		if (n && sk_profile_normalize(n, &d) == 0)
			emit_reparse(n, SK_FORMAT_DOCKER);
		sk_profile_free(n);
	}
	sk_profile_free(p);
	sk_diags_free(&d);
	return 0;
}
