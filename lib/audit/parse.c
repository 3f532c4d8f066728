/* One line of a kernel, auditd or journal log -> a seccomp record.
 *
 * The kernel writes a seccomp record (kernel/auditsc.c, audit_seccomp) as
 *   auid= uid= gid= ses= [subj=] pid= comm= exe= sig= arch= syscall= compat= ip= code=
 * with code always last: a line whose code= is missing was cut short. Every
 * form (dmesg, /dev/kmsg, audit.log, journalctl) wraps the same fields in a
 * different prefix, so the parser finds the marker and reads key=value pairs.
 */
#include <scmpkit/audit.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* SECCOMP_RET_* action values (linux/seccomp.h), full 16-bit action field. */
static const struct {
	uint32_t ret;
	enum sk_action action;
} ret_actions[] = {
	{0x80000000u, SK_ACT_KILL_PROCESS}, {0x00000000u, SK_ACT_KILL_THREAD},
	{0x00030000u, SK_ACT_TRAP},         {0x00050000u, SK_ACT_ERRNO},
	{0x7fc00000u, SK_ACT_NOTIFY},       {0x7ff00000u, SK_ACT_TRACE},
	{0x7ffc0000u, SK_ACT_LOG},          {0x7fff0000u, SK_ACT_ALLOW},
};

enum sk_action sk_audit_code_action(uint32_t code)
{
	for (size_t i = 0; i < sizeof ret_actions / sizeof ret_actions[0]; i++)
		if ((code & 0xffff0000u) == ret_actions[i].ret)
			return ret_actions[i].action;
	return SK_ACT_INVALID;
}

const char *sk_audit_form_name(enum sk_audit_form f)
{
	static const char *const names[] = {"unknown", "dmesg", "kmsg", "audit.log", "journal"};
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

void sk_audit_record_clear(struct sk_audit_record *rec)
{
	free(rec->comm);
	free(rec->exe);
	memset(rec, 0, sizeof *rec);
	rec->pid = rec->uid = -1;
	rec->arch = SK_ARCH_INVALID;
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

/* Value separators: a space, the end, or the GS (0x1d) auditd's enriched
 * format puts before its interpreted fields. */
static bool is_sep(char c)
{
	return c == ' ' || c == '\x1d' || c == '\t' || c == '\r';
}

/* Find KEY= at a field boundary in [s, end); returns the value's start and
 * sets *vlen (quotes stripped), or NULL. Stops at the enriched part. */
static const char *field(const char *s, const char *end, const char *key, size_t *vlen,
			 bool *quoted)
{
	size_t kl = strlen(key);
	const char *stop = memchr(s, '\x1d', (size_t)(end - s));
	if (stop)
		end = stop;
	for (const char *p = s; p + kl + 1 <= end; p++) {
		if ((p != s && !is_sep(p[-1])) || memcmp(p, key, kl) || p[kl] != '=')
			continue;
		const char *v = p + kl + 1;
		if (v < end && *v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
			if (!q)
				return NULL; /* cut inside a quoted value */
			*vlen = (size_t)(q - v - 1);
			*quoted = true;
			return v + 1;
		}
		const char *e = v;
		while (e < end && !is_sep(*e))
			e++;
		*vlen = (size_t)(e - v);
		*quoted = false;
		return v;
	}
	return NULL;
}

/* Parse an unsigned number of BASE (0: auto) that fills the whole value. */
static bool number(const char *v, size_t len, int base, uint64_t *out)
{
	if (!v || !len || len > 24)
		return false;
	char buf[32];
	memcpy(buf, v, len);
	buf[len] = 0;
	if (buf[0] == '-' || buf[0] == '+')
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
	bool q;
	const char *v = field(s, end, key, &len, &q);
	return v && number(v, len, base, out);
}

/* comm= and exe= are quoted, or hex when they hold spaces, quotes or control
 * characters (audit_log_n_untrustedstring), or "(null)". */
static char *get_str(const char *s, const char *end, const char *key)
{
	size_t len;
	bool quoted;
	const char *v = field(s, end, key, &len, &quoted);
	if (!v)
		return NULL;
	bool hex = !quoted && len && len % 2 == 0;
	for (size_t i = 0; hex && i < len; i++)
		hex = isxdigit((unsigned char)v[i]) && !islower((unsigned char)v[i]);
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	if (hex) {
		size_t o = 0;
		for (size_t i = 0; i < len; i += 2) {
			char h[3] = {v[i], v[i + 1], 0};
			out[o++] = (char)strtoul(h, NULL, 16);
		}
		out[o] = 0;
	} else {
		memcpy(out, v, len);
		out[len] = 0;
	}
	return out;
}

/* "audit(1795873770.135:2)" -> time, ms, serial. P points at "audit(".
 * ausearch -i writes a local date instead of the epoch: the serial still
 * counts, the time is then unknown (0). */
static bool stamp(const char *p, const char *end, struct sk_audit_record *rec)
{
	p += 6;
	const char *close = memchr(p, ')', (size_t)(end - p));
	if (!close)
		return false;
	const char *colon = NULL;
	for (const char *c = close; c > p; c--)
		if (c[-1] == ':') {
			colon = c - 1;
			break;
		}
	uint64_t t, ms, serial;
	if (!colon || !number(colon + 1, (size_t)(close - colon - 1), 10, &serial))
		return false;
	const char *dot = memchr(p, '.', (size_t)(colon - p));
	rec->has_stamp = true;
	rec->serial = serial;
	if (dot && number(p, (size_t)(dot - p), 10, &t) &&
	    number(dot + 1, (size_t)(colon - dot - 1), 10, &ms)) {
		rec->time = (int64_t)t;
		rec->time_ms = (unsigned)ms;
	}
	return true;
}

static enum sk_audit_form form_of(const char *s, const char *end, const char *marker)
{
	if (end - s >= 5 && !memcmp(s, "type=", 5))
		return SK_AUDIT_FORM_AUDITD;
	if (s < end && (*s == '[' || *s == '<'))
		return SK_AUDIT_FORM_DMESG;
	/* /dev/kmsg: digits and commas up to ';' */
	const char *semi = memchr(s, ';', (size_t)(marker - s));
	if (semi && isdigit((unsigned char)*s) &&
	    strspn(s, "0123456789,-+cd") >= (size_t)(semi - s))
		return SK_AUDIT_FORM_KMSG;
	return SK_AUDIT_FORM_JOURNAL;
}

/* "kauditd_printk_skb: 7 callbacks suppressed": only the audit code's. */
static bool suppressed_line(const char *s, const char *end, uint64_t *count)
{
	const char *m = find(s, end, " callbacks suppressed");
	if (!m)
		return false;
	const char *colon = NULL;
	for (const char *p = m; p > s; p--)
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	if (!colon || !find(s, colon, "audit"))
		return false;
	const char *n = colon + 1;
	while (n < m && *n == ' ')
		n++;
	uint64_t c = 0;
	number(n, (size_t)(m - n), 10, &c);
	*count = c;
	return true;
}

/* The kernel's own loss reports (kernel/audit.c audit_log_lost, kauditd). */
static bool lost_line(const char *s, const char *end, uint64_t *count)
{
	static const char *const markers[] = {
		"audit: audit_lost=", "audit: printk limit exceeded",
		"audit: rate limit exceeded", "audit: backlog limit exceeded",
		"audit: kauditd hold queue overflow", "audit: audit_backlog=",
	};
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		const char *m = find(s, end, markers[i]);
		if (!m)
			continue;
		*count = 0;
		if (i == 0)
			get_num(m + 7, end, "audit_lost", 10, count);
		return true;
	}
	return false;
}

enum sk_audit_line sk_audit_parse_line(const char *line, size_t len,
				       struct sk_audit_record *rec, uint64_t *count)
{
	const char *s = line, *end = line + len;
	while (end > s && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	memset(rec, 0, sizeof *rec);
	rec->pid = rec->uid = -1;
	rec->arch = SK_ARCH_INVALID;
	*count = 0;

	const char *m = find(s, end, "type=1326 ");
	if (!m)
		m = find(s, end, "type=SECCOMP ");
	bool journald = false;
	if (!m) {
		/* journald's audit reader: "host audit[8289]: SECCOMP auid=..." */
		m = find(s, end, "]: SECCOMP ");
		if (m && find(s, m, "audit["))
			journald = true;
		else
			m = NULL;
	}
	if (!m) {
		if (suppressed_line(s, end, count))
			return SK_AUDIT_LINE_SUPPRESSED;
		if (lost_line(s, end, count))
			return SK_AUDIT_LINE_LOST;
		/* any other audit record: keep its serial for the gap detector */
		const char *t = find(s, end, "type=");
		const char *a = t ? find(t, end, "audit(") : NULL;
		if (a && stamp(a, end, rec)) {
			/* auditd's own records carry auditd's serials, not the kernel's;
			 * its start and end (1200..1202) hand the records over */
			if (find(t, a, "type=DAEMON_START") || find(t, a, "type=DAEMON_END") ||
			    find(t, a, "type=DAEMON_ABORT") || find(t, a, "type=1200 ") ||
			    find(t, a, "type=1201 ") || find(t, a, "type=1202 "))
				return SK_AUDIT_LINE_HANDOVER;
			if (find(t, a, "type=DAEMON_") || find(t, a, "type=12")) {
				rec->has_stamp = false;
				return SK_AUDIT_LINE_OTHER;
			}
			/* the kernel log: auditd unregistered, records come back here */
			if (find(a, end, "op=set audit_pid=0 "))
				return SK_AUDIT_LINE_HANDOVER;
			return SK_AUDIT_LINE_AUDIT;
		}
		return SK_AUDIT_LINE_OTHER;
	}
	rec->form = journald ? SK_AUDIT_FORM_JOURNAL : form_of(s, end, m);
	const char *fields = m;
	if (!journald) {
		const char *a = find(m, end, "audit(");
		if (!a || !stamp(a, end, rec))
			return SK_AUDIT_LINE_MALFORMED;
		const char *close = memchr(a, ')', (size_t)(end - a));
		fields = close + 1;
		if (fields < end && *fields == ':')
			fields++;
	} else {
		fields = m + 10;
	}

	uint64_t arch, nr, code, v;
	size_t alen;
	bool q;
	const char *av = field(fields, end, "arch", &alen, &q);
	if (!av || !get_num(fields, end, "code", 16, &code) || code > UINT32_MAX)
		return SK_AUDIT_LINE_MALFORMED;
	if (number(av, alen, 16, &arch)) {
		rec->audit_arch = (uint32_t)arch;
	} else {
		/* ausearch -i: arch=x86_64 syscall=openat */
		char an[32];
		if (alen >= sizeof an)
			return SK_AUDIT_LINE_MALFORMED;
		memcpy(an, av, alen);
		an[alen] = 0;
		enum sk_arch a = sk_arch_parse(an);
		if (a == SK_ARCH_INVALID)
			return SK_AUDIT_LINE_MALFORMED;
		rec->audit_arch = sk_arch_info(a)->audit_arch;
	}
	rec->code = (uint32_t)code;
	if (get_num(fields, end, "syscall", 10, &nr)) {
		rec->nr = (int64_t)nr;
		rec->arch = sk_arch_from_audit(rec->audit_arch, (uint32_t)nr);
		rec->syscall = rec->arch == SK_ARCH_INVALID ? NULL
							     : sk_syscall_name(rec->arch, rec->nr);
	} else {
		size_t sl;
		const char *sv = field(fields, end, "syscall", &sl, &q);
		char sn[64];
		if (!sv || !sl || sl >= sizeof sn)
			return SK_AUDIT_LINE_MALFORMED;
		memcpy(sn, sv, sl);
		sn[sl] = 0;
		rec->arch = sk_arch_from_audit(rec->audit_arch, 0);
		int64_t n = rec->arch == SK_ARCH_INVALID ? -1 : sk_syscall_nr(rec->arch, sn);
		if (n < 0)
			return SK_AUDIT_LINE_MALFORMED;
		rec->nr = n;
		rec->syscall = sk_syscall_name(rec->arch, n);
	}
	if (get_num(fields, end, "pid", 10, &v))
		rec->pid = (int64_t)v;
	if (get_num(fields, end, "uid", 10, &v))
		rec->uid = (int64_t)v;
	rec->comm = get_str(fields, end, "comm");
	rec->exe = get_str(fields, end, "exe");
	return SK_AUDIT_LINE_SECCOMP;
}
