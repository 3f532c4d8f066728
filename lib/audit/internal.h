/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/audit: the pieces of the record parser (parse.c) the
 * journal reader (journal.c) builds on, and the journal reader itself. */
#ifndef SK_AUDIT_INTERNAL_H
#define SK_AUDIT_INTERNAL_H

#include <scmpkit/audit.h>

/* A kernel log message from its first byte (a /dev/kmsg record's message, a
 * journal entry of _TRANSPORT=kernel): "audit: type=1326 audit(...): ...",
 * another audit record, the rate limiter's lines. Record text anywhere else in
 * the message is FORGED. */
enum sk_audit_line sk_audit_kernel_message(const char *s, const char *end,
					   struct sk_audit_record *rec, uint64_t *count);

/* The fields of a seccomp record after its stamp ("auid=... code=0x7ffc0000"),
 * raw or as ausearch -i writes them. SECCOMP or MALFORMED. */
enum sk_audit_line sk_audit_record_fields(const char *s, const char *end,
					  struct sk_audit_record *rec);

/* The text of a seccomp record is in [S, END): something a forger wrote, when
 * found where the kernel writes none. */
bool sk_audit_has_record_text(const char *s, const char *end);

/* The shape of an audit.log or ausearch line ("[node=N ]type=T msg=audit(...)",
 * "----", "time->DATE"), and of a journal JSON entry: what sk_audit_log_feed_text
 * needs to tell a per-record log from a text log. */
bool sk_audit_auditd_shaped(const char *s, const char *end);
bool sk_audit_journal_shaped(const char *s, const char *end, bool *audit_transport);

/* One line of journalctl -o json. *AUDIT_TRANSPORT is set when the entry came
 * from journald's own audit reader. */
enum sk_audit_line sk_audit_journal_line(const char *s, const char *end,
					 struct sk_audit_record *rec, uint64_t *count,
					 bool *audit_transport);

/* Empty REC (pid, uid -1; arch invalid). */
void sk_audit_record_init(struct sk_audit_record *rec);

/* An unsigned number of BASE (0: auto) that fills [V, V+LEN). */
bool sk_audit_number(const char *v, size_t len, int base, uint64_t *out);

#endif
