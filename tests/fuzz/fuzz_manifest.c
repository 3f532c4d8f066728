/* libFuzzer harness for the manifest reader, lint and fix: any bytes must give
 * a manifest or diagnostics, never a crash; fix's edits must apply and diff. */
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
		struct sk_k8s_fix_opts fo = {.localhost_profile = (size & 1) ? "p/x.json" : NULL};
		struct sk_k8s_edits e;
		if (sk_k8s_fix(m, &fo, &e, &d) == 0) {
			/* edits are sorted and do not overlap */
			for (size_t i = 1; i < e.n; i++)
				if (e.v[i].start < e.v[i - 1].end)
					abort();
			free(sk_k8s_apply_edits(text, size, &e));
			free(sk_k8s_diff(text, size, &e, "fuzz.yaml"));
			sk_k8s_edits_free(&e);
		}
		sk_k8s_free(m);
	}
	free(sk_lint_render(&d, SK_LINT_SARIF, false));
	sk_diags_free(&d);
	free(text);
	return 0;
}
