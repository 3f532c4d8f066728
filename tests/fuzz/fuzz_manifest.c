/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for the manifest reader, lint and fix: any bytes must give
 * a manifest or diagnostics, never a crash; fix's edits must apply and diff,
 * and what fix writes must read back as YAML. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/k8s.h>
#include <scmpkit/lint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct sk_diags d = {0};
	struct sk_lint_opts o = {0};
	sk_lint_text(text, size, "fuzz.yaml", &o, &d);
	struct sk_k8s_manifest *m = sk_k8s_parse(text, size, "fuzz.yaml", &d);
	if (m) {
		static const struct sk_k8s_profile_map map[] = {{NULL, "app", "app.json"},
								  {"web", "c", "c.json"}};
		struct sk_k8s_fix_opts fo = {.localhost_profile = (size & 1) ? "p/x.json" : NULL,
					     .map = map, .n_map = (size & 2) ? 2 : 0};
		struct sk_k8s_edits e;
		if (sk_k8s_fix(m, &fo, &e, &d) == 0) {
			/* edits are sorted and do not overlap */
			for (size_t i = 1; i < e.n; i++)
				if (e.v[i].start < e.v[i - 1].end)
					abort();
			char *out = sk_k8s_apply_edits(text, size, &e);
			char *diff = sk_k8s_diff(text, size, &e, "fuzz.yaml");
			if (!out || !diff)
				abort(); /* sk_k8s_fix hands over only edits that apply */
			struct sk_diags d2 = {0};
			struct sk_k8s_manifest *again = sk_k8s_parse(out, strlen(out), "fixed.yaml", &d2);
			if (!again)
				abort(); /* fix wrote what no reader takes */
			sk_k8s_free(again);
			sk_diags_free(&d2);
			free(out);
			free(diff);
			sk_k8s_edits_free(&e);
		}
		sk_k8s_free(m);
	}
	free(sk_lint_render(&d, SK_LINT_SARIF, false));
	sk_diags_free(&d);
	free(text);
	return 0;
}
