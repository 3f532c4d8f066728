/* SPDX-License-Identifier: Apache-2.0 */
/* The calls a runtime makes under the container's filter, added to a profile:
 * the one place record --runtime and learn --runtime share. */
#include <scmpkit/runtime.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool named_by_a_rule(const struct sk_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (sk_rule_names(&p->rules[i], name))
			return true;
	return false;
}

int sk_profile_allow_runtime(struct sk_profile *p, const char *runtime, struct sk_diags *d)
{
	const struct sk_runtime_call *calls;
	int n = sk_runtime_calls(runtime, &calls);
	if (n < 0) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "runtime-unknown",
			     "unknown runtime '%s' (measured: %s)", runtime ? runtime : "",
			     sk_runtime_names());
		return -ENOENT;
	}
	enum sk_arch arches[SK_ARCH_COUNT];
	size_t n_arches = sk_profile_arches(p, arches);
	/* which names each rule gets, decided before either rule is added */
	const char **pick[2] = {calloc((size_t)n + 1, sizeof(char *)),
				calloc((size_t)n + 1, sizeof(char *))};
	size_t n_pick[2] = {0, 0};
	int r = 0;
	if (!pick[0] || !pick[1]) {
		r = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char *name = calls[i].name;
		int c = calls[i].nnp ? 0 : 1; /* 1: made only with noNewPrivileges false */
		if (!calls[i].nnp && !calls[i].no_nnp)
			continue;
		if (sk_profile_allows_outright(p, name) || !sk_syscall_on_any(arches, n_arches, name))
			continue;
		if (named_by_a_rule(p, name)) {
			sk_diags_add(d, SK_SEV_WARNING, p->file, 0, 0, "runtime-call-ruled",
				     "%s calls '%s' itself after loading the filter, but the "
				     "profile has a rule of its own for it (arguments or another "
				     "action): the container fails to start if %s's call is not "
				     "allowed by it", runtime, name, runtime);
			continue;
		}
		pick[c][n_pick[c]++] = name;
	}
	static const char *const why[2] = {
		"calls %s makes itself after loading the filter (noNewPrivileges true, "
		"allowPrivilegeEscalation false; measured: data/runtime/%s.tsv)",
		"calls %s makes itself after loading the filter only with noNewPrivileges "
		"false (allowPrivilegeEscalation true; measured: data/runtime/%s.tsv)",
	};
	for (int c = 0; c < 2 && !r; c++) {
		if (!n_pick[c])
			continue;
		struct sk_rule *rule = sk_profile_add_rule(p, pick[c], n_pick[c], SK_ACT_ALLOW);
		char text[300];
		snprintf(text, sizeof text, why[c], runtime, runtime);
		if (!rule || !(rule->comment = strdup(text)))
			r = -ENOMEM;
	}
out:
	free(pick[0]);
	free(pick[1]);
	return r < 0 ? r : (int)(n_pick[0] + n_pick[1]);
}
