/* libFuzzer harness for lib/audit: arbitrary bytes as a log (any form, any
 * line) -> feed, loss explanation, learn on top of an empty profile. Must
 * never crash, leak or hit UB; every record that comes out must name its
 * call consistently with the tables. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/audit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_audit_filter f;
	sk_audit_filter_init(&f);
	if (size && data[0] & 1) { /* sometimes with a window */
		f.has_since = true;
		f.since = 1795873780;
	}
	struct sk_audit_log log = {0};
	if (sk_audit_log_feed_text(&log, (const char *)data, size, &f) == 0) {
		for (size_t i = 0; i < log.n; i++) {
			const struct sk_audit_record *r = &log.v[i];
			if (r->syscall && strcmp(r->syscall, sk_syscall_name(r->arch, r->nr)))
				abort();
		}
		struct sk_diags d = {0};
		sk_audit_log_explain_loss(&log, &d);
		struct sk_learn_result res;
		if (sk_learn(NULL, &log, size & 2, &res, &d) == 0)
			free(sk_profile_emit(res.profile, SK_FORMAT_OCI, &d));
		sk_learn_result_free(&res);
		sk_diags_free(&d);
	}
	sk_audit_log_free(&log);
	return 0;
}
