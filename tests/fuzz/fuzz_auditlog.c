/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/audit: arbitrary bytes as a log -> feed, loss
 * explanation, learn on top of an empty profile. The first byte picks how the
 * rest is read: as a whole text (the source classified: audit.log and
 * ausearch raw or -i, journalctl's JSON, a text log, trusted or not), or every
 * line as one /dev/kmsg record, one audit.log line, one journal entry, one
 * syslog line; and whether a --since window applies. Must never crash, leak or
 * hit UB; every record that comes out must name its call consistently with the
 * tables, and none may come from a text log nobody trusted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/audit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	unsigned mode = data[0];
	const char *text = (const char *)data + 1;
	size--;
	struct sk_audit_filter f;
	sk_audit_filter_init(&f);
	if (mode & 1) { /* sometimes with a window */
		f.has_since = true;
		f.since = 1795873780;
	}
	f.trust_text_log = mode & 2;
	static const enum sk_audit_source sources[] = {SK_AUDIT_SRC_KMSG, SK_AUDIT_SRC_AUDITD,
						       SK_AUDIT_SRC_JOURNAL, SK_AUDIT_SRC_TEXT};
	struct sk_audit_log log = {0};
	unsigned how = (mode >> 2) % 5;
	int r = how == 0 ? sk_audit_log_feed_text(&log, text, size, &f)
			 : sk_audit_log_feed_lines(&log, sources[how - 1], text, size, &f);
	if (r == 0) {
		for (size_t i = 0; i < log.n; i++) {
			const struct sk_audit_record *rec = &log.v[i];
			if (rec->syscall && strcmp(rec->syscall, sk_syscall_name(rec->arch, rec->nr)))
				abort();
			if (log.source == SK_AUDIT_SRC_TEXT && !f.trust_text_log)
				abort();
			if (f.has_since && !rec->has_time)
				abort();
		}
		struct sk_diags d = {0};
		sk_audit_log_explain_loss(&log, &d);
		(void)sk_audit_log_lost(&log);
		struct sk_learn_opts o;
		sk_learn_opts_init(&o);
		o.allow_dangerous = mode & 0x40;
		o.include_denied = mode & 0x80;
		struct sk_learn_result res;
		if (sk_learn(NULL, &log, &o, &res, &d) == 0)
			free(sk_profile_emit(res.profile, SK_FORMAT_OCI, &d));
		sk_learn_result_free(&res);
		sk_diags_free(&d);
	}
	sk_audit_log_free(&log);
	return 0;
}
