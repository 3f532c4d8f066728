/* SPDX-License-Identifier: Apache-2.0 */
/* One line of a kernel, auditd or journal log -> a seccomp record.
 *
 * The kernel writes a seccomp record (kernel/auditsc.c, audit_seccomp) as
 *   auid= uid= gid= ses= [subj=] pid= comm= exe= sig= arch= syscall= compat= ip= code=
 * in that order. comm and exe are the only strings a process chooses; in the
 * raw form they are quoted, or hex when they hold a space, a quote or a
 * control character, so a key=value scan cannot be fooled. ausearch -i decodes
 * them: an exe of "/tmp/a arch=x86_64 syscall=socket" then reads as fields.
 * So the parser takes the six fields after exe from the end of the record,
 * and the kernel's own fields before comm from the start; what is between is
 * comm and exe.
 *
 * Where a record may start depends on the source (audit.h, enum
 * sk_audit_source): from the first byte of a kmsg message or an audit.log
 * line; anywhere in a line only for a text log the user vouched for.
 */
#include <scmpkit/audit.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SECCOMP_RET_* action values (linux/seccomp.h), full 16-bit action field,
 * with the names ausearch -i gives them (auparse's seccomptab.h; "kill" is
 * the action field of both kills, which auparse masks alike). */
static const struct {
	uint32_t ret;
	enum sk_action action;
	const char *interpreted;
} ret_actions[] = {
	{0x80000000u, SK_ACT_KILL_PROCESS, "kill-process"},
	{0x00000000u, SK_ACT_KILL_THREAD, "kill"},
	{0x00000000u, SK_ACT_KILL_THREAD, "kill-thread"},
	{0x00030000u, SK_ACT_TRAP, "trap"},
	{0x00050000u, SK_ACT_ERRNO, "errno"},
	{0x7fc00000u, SK_ACT_NOTIFY, "user-notif"},
	{0x7fc00000u, SK_ACT_NOTIFY, "user-notify"},
	{0x7ff00000u, SK_ACT_TRACE, "trace"},
	{0x7ffc0000u, SK_ACT_LOG, "log"},
	{0x7fff0000u, SK_ACT_ALLOW, "allow"},
};
#define N_ACTIONS (sizeof ret_actions / sizeof ret_actions[0])

enum sk_action sk_audit_code_action(uint32_t code)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		if ((code & 0xffff0000u) == ret_actions[i].ret)
			return ret_actions[i].action;
	return SK_ACT_INVALID;
}

const char *sk_audit_form_name(enum sk_audit_form f)
{
	static const char *const names[] = {"unknown", "dmesg", "kmsg", "audit.log", "journal"};
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

const char *sk_audit_source_name(enum sk_audit_source s)
{
	static const char *const names[] = {"a text log", "/dev/kmsg", "audit.log",
					    "the journal (JSON)"};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

void sk_audit_record_init(struct sk_audit_record *rec)
{
	memset(rec, 0, sizeof *rec);
	rec->pid = rec->uid = -1;
	rec->arch = SK_ARCH_INVALID;
}

void sk_audit_record_clear(struct sk_audit_record *rec)
{
	free(rec->comm);
	free(rec->exe);
	sk_audit_record_init(rec);
}

/* memmem bounded by the line (lines are not NUL-terminated). */
static const char *find(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	if ((size_t)(end - s) < n)
		return NULL;
	for (const char *p = s; p + n <= end; p++)
		if (*p == *needle && !memcmp(p, needle, n))
			return p;
	return NULL;
}

static bool starts(const char *s, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - s) >= n && !memcmp(s, prefix, n);
}

/* Value separators: a space, the end, or the GS (0x1d) auditd's enriched
 * format puts before its interpreted fields. */
static bool is_sep(char c)
{
	return c == ' ' || c == '\x1d' || c == '\t' || c == '\r';
}

/* KEY=VALUE at a field boundary in [s, end), VALUE up to the next separator
 * (the fields this is used for are numbers). */
static const char *field(const char *s, const char *end, const char *key, size_t *vlen)
{
	size_t kl = strlen(key);
	for (const char *p = s; p + kl + 1 <= end; p++) {
		if ((p != s && !is_sep(p[-1])) || memcmp(p, key, kl) || p[kl] != '=')
			continue;
		const char *v = p + kl + 1, *e = v;
		while (e < end && !is_sep(*e))
			e++;
		*vlen = (size_t)(e - v);
		return v;
	}
	return NULL;
}

bool sk_audit_number(const char *v, size_t len, int base, uint64_t *out)
{
	if (!v || !len || len > 24)
		return false;
	char buf[32];
	memcpy(buf, v, len);
	buf[len] = 0;
	if (!isalnum((unsigned char)buf[0]))
		return false;
	char *e;
	errno = 0;
	unsigned long long x = strtoull(buf, &e, base);
	if (errno || *e)
		return false;
	*out = x;
	return true;
}

static bool get_num(const char *s, const char *end, const char *key, int base, uint64_t *out)
{
	size_t len;
	const char *v = field(s, end, key, &len);
	return v && sk_audit_number(v, len, base, out);
}

bool sk_audit_has_record_text(const char *s, const char *end)
{
	return find(s, end, "type=1326") || find(s, end, "type=SECCOMP") ||
	       find(s, end, "SECCOMP ");
}

/* ---- the fields of a record ------------------------------------------------ */

struct span {
	const char *v;
	size_t len;
};

/* The last "KEY=VALUE" of [s, *end): VALUE in *T, and *END moved before it
 * and the spaces in front of it. */
static bool last_field(const char *s, const char **end, const char *key, struct span *t)
{
	const char *e = *end, *p = e;
	while (p > s && p[-1] != ' ')
		p--;
	size_t kl = strlen(key);
	if ((size_t)(e - p) < kl + 1 || memcmp(p, key, kl) || p[kl] != '=')
		return false;
	t->v = p + kl + 1;
	t->len = (size_t)(e - t->v);
	while (p > s && p[-1] == ' ')
		p--;
	*end = p;
	return true;
}

/* A raw untrusted string (audit_log_untrustedstring): "quoted", HEX, or
 * (null). *OUT is NULL for (null). False when it is none of these. */
static bool raw_string(struct span t, char **out)
{
	*out = NULL;
	if (t.len == 6 && !memcmp(t.v, "(null)", 6))
		return true;
	if (t.len >= 2 && t.v[0] == '"' && t.v[t.len - 1] == '"') {
		if (memchr(t.v + 1, '"', t.len - 2))
			return false;
		*out = strndup(t.v + 1, t.len - 2);
		return *out != NULL;
	}
	if (!t.len || t.len % 2)
		return false;
	for (size_t i = 0; i < t.len; i++)
		if (!isxdigit((unsigned char)t.v[i]) || islower((unsigned char)t.v[i]))
			return false;
	char *o = malloc(t.len / 2 + 1);
	if (!o)
		return false;
	for (size_t i = 0; i < t.len; i += 2) {
		char h[3] = {t.v[i], t.v[i + 1], 0};
		o[i / 2] = (char)strtoul(h, NULL, 16);
	}
	o[t.len / 2] = 0;
	*out = o;
	return true;
}

/* comm and exe between "comm=" and the tail. Raw: one token each, so the
 * boundary is certain. Interpreted: decoded text with spaces; split at the one
 * " exe=", or give up on both when there are several. */
static bool comm_exe(const char *s, const char *end, struct sk_audit_record *rec)
{
	if (!rec->interpreted) {
		const char *e = s;
		if (e < end && *e == '"')
			e = memchr(e + 1, '"', (size_t)(end - e - 1));
		if (!e)
			return false;
		while (e < end && *e != ' ')
			e++;
		if (!raw_string((struct span){s, (size_t)(e - s)}, &rec->comm))
			return false;
		if (e == end)
			return true; /* no exe= (older kernels) */
		if (!starts(e, end, " exe="))
			return false;
		struct span x = {e + 5, (size_t)(end - e - 5)};
		if (memchr(x.v, ' ', x.len))
			return false;
		return raw_string(x, &rec->exe);
	}
	const char *x = find(s, end, " exe="), *again = x ? find(x + 1, end, " exe=") : NULL;
	if (again) {
		rec->ambiguous = true;
		return true;
	}
	const char *ce = x ? x : end;
	rec->comm = strndup(s, (size_t)(ce - s));
	if (x && !(end - x == 11 && !memcmp(x + 5, "(null)", 6)))
		rec->exe = strndup(x + 5, (size_t)(end - x - 5));
	return rec->comm && (!x || rec->exe || end - x == 11);
}

/* code=: raw hex, or ausearch's name ("log", "unknown-seccomp-code(0x...)"). */
static bool parse_code(struct span t, struct sk_audit_record *rec)
{
	uint64_t code;
	if (t.len > 2 && t.v[0] == '0' && t.v[1] == 'x') {
		if (!sk_audit_number(t.v, t.len, 16, &code) || code > UINT32_MAX)
			return false;
		rec->code = (uint32_t)code;
		return true;
	}
	rec->interpreted = true;
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (strlen(ret_actions[i].interpreted) == t.len &&
		    !memcmp(ret_actions[i].interpreted, t.v, t.len)) {
			rec->code = ret_actions[i].ret;
			return true;
		}
	const char *open = memchr(t.v, '(', t.len);
	if (open && t.v[t.len - 1] == ')' &&
	    sk_audit_number(open + 1, (size_t)(t.v + t.len - 1 - open - 1), 16, &code) &&
	    code <= UINT32_MAX) {
		rec->code = (uint32_t)code;
		return true;
	}
	return false;
}

/* arch= and syscall=: numbers in the raw form, names once interpreted. */
static bool parse_call(struct span arch, struct span call, struct sk_audit_record *rec)
{
	uint64_t a, n;
	char name[64];
	if (!rec->interpreted) {
		if (!sk_audit_number(arch.v, arch.len, 16, &a) || a > UINT32_MAX ||
		    !sk_audit_number(call.v, call.len, 10, &n) || n > INT64_MAX)
			return false;
		rec->audit_arch = (uint32_t)a;
		rec->nr = (int64_t)n;
		rec->arch = sk_arch_from_audit(rec->audit_arch, (uint32_t)n);
		rec->syscall = rec->arch == SK_ARCH_INVALID ? NULL
							     : sk_syscall_name(rec->arch, rec->nr);
		return true;
	}
	if (arch.len >= sizeof name || call.len >= sizeof name || !call.len)
		return false;
	memcpy(name, arch.v, arch.len);
	name[arch.len] = 0;
	enum sk_arch an = sk_arch_parse(name);
	if (an == SK_ARCH_INVALID)
		return false;
	rec->audit_arch = sk_arch_info(an)->audit_arch;
	rec->arch = sk_arch_from_audit(rec->audit_arch, 0);
	memcpy(name, call.v, call.len);
	name[call.len] = 0;
	int64_t nr = rec->arch == SK_ARCH_INVALID ? -1 : sk_syscall_nr(rec->arch, name);
	if (nr < 0)
		return false;
	rec->nr = nr;
	rec->syscall = sk_syscall_name(rec->arch, nr);
	return true;
}

enum sk_audit_line sk_audit_record_fields(const char *s, const char *end,
					  struct sk_audit_record *rec)
{
	const char *gs = memchr(s, '\x1d', (size_t)(end - s));
	if (gs)
		end = gs; /* auditd's ENRICHED part: its own names, not the kernel's */
	while (end > s && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	while (s < end && (*s == ' ' || *s == ':'))
		s++;
	/* the tail, from the end: code ip compat syscall arch sig */
	struct span code, ip, compat, call, arch, sig;
	if (!last_field(s, &end, "code", &code) || !last_field(s, &end, "ip", &ip) ||
	    !last_field(s, &end, "compat", &compat) || !last_field(s, &end, "syscall", &call) ||
	    !last_field(s, &end, "arch", &arch) || !last_field(s, &end, "sig", &sig))
		return SK_AUDIT_LINE_MALFORMED;
	if (!parse_code(code, rec) || !parse_call(arch, call, rec))
		return SK_AUDIT_LINE_MALFORMED;
	/* the head, from the start: the kernel's numbers before comm */
	const char *comm = field(s, end, "comm", &(size_t){0});
	const char *head_end = comm ? comm - 5 : end;
	uint64_t v;
	if (get_num(s, head_end, "pid", 10, &v) && v <= INT64_MAX)
		rec->pid = (int64_t)v;
	if (get_num(s, head_end, "uid", 10, &v) && v <= INT64_MAX)
		rec->uid = (int64_t)v;
	if (comm && !comm_exe(comm, end, rec))
		return SK_AUDIT_LINE_MALFORMED;
	return SK_AUDIT_LINE_SECCOMP;
}

/* ---- stamps and the other lines ---------------------------------------------- */

/* "audit(1795873770.135:2)" -> time, ms, serial; P points at "audit(".
 * ausearch -i writes a local date instead of the epoch: the serial still
 * counts, the time is unknown. Returns the ')' or NULL. */
static const char *stamp(const char *p, const char *end, struct sk_audit_record *rec)
{
	p += 6;
	const char *close = memchr(p, ')', (size_t)(end - p));
	if (!close)
		return NULL;
	const char *colon = NULL;
	for (const char *c = close; c > p; c--)
		if (c[-1] == ':') {
			colon = c - 1;
			break;
		}
	uint64_t t, ms, serial;
	if (!colon || !sk_audit_number(colon + 1, (size_t)(close - colon - 1), 10, &serial))
		return NULL;
	const char *dot = memchr(p, '.', (size_t)(colon - p));
	rec->has_stamp = true;
	rec->serial = serial;
	if (dot && sk_audit_number(p, (size_t)(dot - p), 10, &t) && t <= INT64_MAX &&
	    sk_audit_number(dot + 1, (size_t)(colon - dot - 1), 10, &ms) && ms < 1000) {
		rec->has_time = true;
		rec->time = (int64_t)t;
		rec->time_ms = (unsigned)ms;
	}
	return close;
}

/* "kauditd_printk_skb: 7 callbacks suppressed" (only the audit code's), and
 * the kernel's own loss reports (kernel/audit.c audit_log_lost, kauditd), each
 * from the start of the message. */
static enum sk_audit_line rate_line(const char *s, const char *end, uint64_t *count)
{
	static const char suppressed[] = " callbacks suppressed";
	if (starts(s, end, "kauditd_printk_skb: ") && end - s > 20 &&
	    (size_t)(end - s) > sizeof suppressed - 1 &&
	    !memcmp(end - (sizeof suppressed - 1), suppressed, sizeof suppressed - 1)) {
		const char *n = s + 20;
		if (!sk_audit_number(n, (size_t)(end - (sizeof suppressed - 1) - n), 10, count))
			*count = 0;
		return SK_AUDIT_LINE_SUPPRESSED;
	}
	static const char *const markers[] = {
		"audit: audit_lost=", "audit: printk limit exceeded",
		"audit: rate limit exceeded", "audit: backlog limit exceeded",
		"audit: kauditd hold queue overflow", "audit: audit_backlog=",
	};
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		if (!starts(s, end, markers[i]))
			continue;
		*count = 0;
		if (i == 0)
			get_num(s + 7, end, "audit_lost", 10, count);
		return SK_AUDIT_LINE_LOST;
	}
	return SK_AUDIT_LINE_OTHER;
}

/* A seccomp record: after its stamp (at "audit("), the fields. */
static enum sk_audit_line stamped_record(const char *a, const char *end,
					 struct sk_audit_record *rec)
{
	const char *close = stamp(a, end, rec);
	if (!close)
		return SK_AUDIT_LINE_MALFORMED;
	return sk_audit_record_fields(close + 1, end, rec);
}

enum sk_audit_line sk_audit_kernel_message(const char *s, const char *end,
					   struct sk_audit_record *rec, uint64_t *count)
{
	static const char seccomp[] = "audit: type=1326 audit(";
	if (starts(s, end, seccomp)) {
		rec->form = SK_AUDIT_FORM_KMSG;
		return stamped_record(s + sizeof seccomp - 7, end, rec);
	}
	enum sk_audit_line r = rate_line(s, end, count);
	if (r != SK_AUDIT_LINE_OTHER)
		return r;
	if (starts(s, end, "audit: type=")) {
		const char *t = s + 12, *e = t;
		while (e < end && isdigit((unsigned char)*e))
			e++;
		if (e > t && starts(e, end, " audit(") && stamp(e + 1, end, rec)) {
			/* auditd unregistered: records come back to the kernel log */
			if (find(e, end, " op=set audit_pid=0 "))
				return SK_AUDIT_LINE_HANDOVER;
			return SK_AUDIT_LINE_AUDIT;
		}
	}
	return sk_audit_has_record_text(s, end) ? SK_AUDIT_LINE_FORGED : SK_AUDIT_LINE_OTHER;
}

/* "[node=N ]type=T msg=audit(": the start of T, its end, and "audit(". */
static bool auditd_prefix(const char *s, const char *end, const char **type,
			  const char **type_end, const char **a)
{
	if (starts(s, end, "node=")) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		if (!sp)
			return false;
		s = sp + 1;
	}
	if (!starts(s, end, "type="))
		return false;
	const char *t = s + 5, *e = t;
	while (e < end && (isalnum((unsigned char)*e) || *e == '_' || *e == '[' || *e == ']'))
		e++;
	if (e == t || !starts(e, end, " msg=audit("))
		return false;
	*type = t;
	*type_end = e;
	*a = e + 5;
	return true;
}

static bool type_is(const char *t, const char *e, const char *name)
{
	return (size_t)(e - t) == strlen(name) && !memcmp(t, name, (size_t)(e - t));
}

static bool ctime_shaped(const char *s, const char *end)
{
	/* "Mon Nov 30 05:15:08 2026" */
	static const char shape[] = "Aaa Aaa dd dd:dd:dd dddd";
	if (end - s != (ptrdiff_t)(sizeof shape - 1))
		return false;
	for (size_t i = 0; i < sizeof shape - 1; i++) {
		char c = s[i], k = shape[i];
		if ((k == 'd' && !isdigit((unsigned char)c) && !(c == ' ' && i == 8)) ||
		    (k == 'A' && !isupper((unsigned char)c)) ||
		    (k == 'a' && !islower((unsigned char)c)) || (!isalpha(k) && k != 'd' && c != k))
			return false;
	}
	return true;
}

bool sk_audit_auditd_shaped(const char *s, const char *end)
{
	const char *t, *te, *a;
	if ((end - s == 4 && !memcmp(s, "----", 4)) ||
	    (starts(s, end, "time->") && ctime_shaped(s + 6, end)))
		return true;
	return auditd_prefix(s, end, &t, &te, &a) && memchr(a, ')', (size_t)(end - a));
}

static enum sk_audit_line auditd_line(const char *s, const char *end,
				      struct sk_audit_record *rec)
{
	const char *t, *te, *a;
	if (!auditd_prefix(s, end, &t, &te, &a))
		return sk_audit_has_record_text(s, end) ? SK_AUDIT_LINE_FORGED
							: SK_AUDIT_LINE_OTHER;
	if (type_is(t, te, "SECCOMP") || type_is(t, te, "1326") ||
	    type_is(t, te, "UNKNOWN[1326]")) {
		rec->form = SK_AUDIT_FORM_AUDITD;
		return stamped_record(a, end, rec);
	}
	if (!stamp(a, end, rec))
		return SK_AUDIT_LINE_OTHER;
	/* auditd's own records carry auditd's serials, not the kernel's; its
	 * start and end (1200..1202) hand the records over */
	if (type_is(t, te, "DAEMON_START") || type_is(t, te, "DAEMON_END") ||
	    type_is(t, te, "DAEMON_ABORT") || type_is(t, te, "1200") || type_is(t, te, "1201") ||
	    type_is(t, te, "1202"))
		return SK_AUDIT_LINE_HANDOVER;
	if (starts(t, te, "DAEMON_") || (te - t == 4 && starts(t, te, "12"))) {
		rec->has_stamp = rec->has_time = false;
		return SK_AUDIT_LINE_OTHER;
	}
	return SK_AUDIT_LINE_AUDIT;
}

/* A text log: the record's marker anywhere in the line, after whatever prefix
 * dmesg, syslog or journalctl put before it. Only for logs the user trusts. */
static enum sk_audit_form form_of(const char *s, const char *end, const char *marker)
{
	if (starts(s, end, "type=") || starts(s, end, "node="))
		return SK_AUDIT_FORM_AUDITD;
	if (s < end && (*s == '[' || *s == '<'))
		return SK_AUDIT_FORM_DMESG;
	/* a saved /dev/kmsg: digits and commas up to ';' */
	const char *semi = memchr(s, ';', (size_t)(marker - s));
	if (semi && isdigit((unsigned char)*s) &&
	    strspn(s, "0123456789,-+cd") >= (size_t)(semi - s))
		return SK_AUDIT_FORM_KMSG;
	return SK_AUDIT_FORM_JOURNAL;
}

static enum sk_audit_line text_line(const char *s, const char *end,
				    struct sk_audit_record *rec, uint64_t *count)
{
	const char *m = find(s, end, "type=1326 ");
	if (!m)
		m = find(s, end, "type=SECCOMP ");
	if (m) {
		rec->form = form_of(s, end, m);
		const char *a = find(m, end, "audit(");
		return a ? stamped_record(a, end, rec) : SK_AUDIT_LINE_MALFORMED;
	}
	/* journald's audit reader as journalctl prints it: "host audit[8289]:
	 * SECCOMP auid=...", without a stamp */
	m = find(s, end, "]: SECCOMP ");
	if (m && find(s, m, "audit[")) {
		rec->form = SK_AUDIT_FORM_JOURNAL;
		return sk_audit_record_fields(m + 11, end, rec);
	}
	/* the rate limiter's lines, after whatever prefix */
	for (const char *k = s; (k = find(k, end, ": ")) != NULL; k++) {
		const char *w = k;
		while (w > s && w[-1] != ' ' && w[-1] != ']' && w[-1] != ';')
			w--;
		enum sk_audit_line r = rate_line(w, end, count);
		if (r != SK_AUDIT_LINE_OTHER)
			return r;
	}
	const char *t = find(s, end, "type=");
	const char *a = t ? find(t, end, "audit(") : NULL;
	if (a && stamp(a, end, rec)) {
		if (find(t, a, "type=DAEMON_START") || find(t, a, "type=DAEMON_END") ||
		    find(t, a, "type=DAEMON_ABORT"))
			return SK_AUDIT_LINE_HANDOVER;
		if (find(t, a, "type=DAEMON_") || find(t, a, "type=12")) {
			rec->has_stamp = rec->has_time = false;
			return SK_AUDIT_LINE_OTHER;
		}
		if (find(a, end, " op=set audit_pid=0 "))
			return SK_AUDIT_LINE_HANDOVER;
		return SK_AUDIT_LINE_AUDIT;
	}
	return SK_AUDIT_LINE_OTHER;
}

/* "PRI,SEQ,USEC,FLAGS[,...];" of a /dev/kmsg record: the message after it. */
static const char *kmsg_message(const char *s, const char *end)
{
	/* the kernel writes the header; the message starts after its first ';' */
	const char *semi = memchr(s, ';', (size_t)(end - s));
	return semi && isdigit((unsigned char)*s) ? semi + 1 : NULL;
}

/* The header's PRI says facility kern (PRI < 8): printed by the kernel. A
 * process that may write to /dev/kmsg (root, or a container given the
 * device, as kind's nodes and privileged pods are) writes whatever message
 * it likes, but the kernel gives it a facility of its own choosing or
 * LOG_USER, never kern (devkmsg_write), as the journal's SYSLOG_FACILITY
 * shows too. */
static bool kmsg_from_kernel(const char *s, const char *message)
{
	const char *comma = memchr(s, ',', (size_t)(message - s));
	uint64_t pri;
	return comma && sk_audit_number(s, (size_t)(comma - s), 10, &pri) && pri < 8;
}

enum sk_audit_line sk_audit_parse_line(enum sk_audit_source src, const char *line,
				       size_t len, struct sk_audit_record *rec,
				       uint64_t *count)
{
	const char *s = line, *end = line + len;
	while (end > s && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	sk_audit_record_init(rec);
	*count = 0;
	bool audit_transport;
	switch (src) {
	case SK_AUDIT_SRC_KMSG: {
		const char *m = kmsg_message(s, end);
		if (!m)
			return SK_AUDIT_LINE_OTHER;
		if (!kmsg_from_kernel(s, m))
			return sk_audit_has_record_text(m, end) ? SK_AUDIT_LINE_FORGED
								: SK_AUDIT_LINE_OTHER;
		return sk_audit_kernel_message(m, end, rec, count);
	}
	case SK_AUDIT_SRC_AUDITD:
		return auditd_line(s, end, rec);
	case SK_AUDIT_SRC_JOURNAL:
		return sk_audit_journal_line(s, end, rec, count, &audit_transport);
	case SK_AUDIT_SRC_TEXT:
		break;
	}
	return text_line(s, end, rec, count);
}
