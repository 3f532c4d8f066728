/* SPDX-License-Identifier: Apache-2.0 */
/* One entry of `journalctl -o json` -> a seccomp record, or nothing.
 *
 * journald stores whatever a client sends, so MESSAGE proves nothing: any user
 * can send "audit: type=1326 ..." with SYSLOG_IDENTIFIER=kernel. The fields
 * whose names start with '_' are journald's own and no client can set them:
 * _TRANSPORT says who sent the entry. Two transports carry the kernel's
 * records:
 *   kernel: what journald read from /dev/kmsg, MESSAGE the whole message
 *           (unescaped), so the record must start it, as on /dev/kmsg;
 *   audit:  journald's own audit reader (systemd journald-audit.c): MESSAGE is
 *           "SECCOMP <fields>", _AUDIT_TYPE=1326, the stamp in _AUDIT_ID and
 *           _SOURCE_REALTIME_TIMESTAMP.
 * The second has every record; the first only those the printk rate limit let
 * through, so when both are there the kernel copies are skipped (the caller
 * sees AUDIT_TRANSPORT).
 *
 * An entry is one line of flat JSON; journalctl writes a field holding bytes
 * that are not UTF-8 as an array of numbers, a field sent twice as an array of
 * values, an oversized one as null. The reader here takes exactly that
 * (strings, numbers, null, flat arrays) and nothing nested: it is a reader for
 * one program's output, not a JSON library, and a field it cannot decode
 * unambiguously is not believed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/strbuf.h"

/* The fields read; the others are skipped. */
enum { F_TRANSPORT, F_MESSAGE, F_AUDIT_TYPE, F_AUDIT_ID, F_SOURCE_TIME, F_FACILITY, F_COUNT };
static const char *const wanted[F_COUNT] = {
	"_TRANSPORT", "MESSAGE", "_AUDIT_TYPE", "_AUDIT_ID", "_SOURCE_REALTIME_TIMESTAMP",
	"SYSLOG_FACILITY",
};

struct entry {
	struct sk_sb v[F_COUNT];
	bool present[F_COUNT]; /* with a value (not null) */
	bool seen[F_COUNT];
	bool multi[F_COUNT]; /* sent more than once: not one value */
};

struct reader {
	const char *p, *end;
};

static void ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
		r->p++;
}

static bool eat(struct reader *r, char c)
{
	ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void add_utf8(struct sk_sb *sb, unsigned long cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sk_sb_add(sb, b, n);
}

/* A string at r->p ('"' included), decoded into OUT when OUT is not NULL. */
static bool string(struct reader *r, struct sk_sb *out)
{
	ws(r);
	if (r->p >= r->end || *r->p != '"')
		return false;
	for (r->p++; r->p < r->end; r->p++) {
		unsigned char c = (unsigned char)*r->p;
		if (c == '"') {
			r->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\') {
			if (out)
				sk_sb_addc(out, (char)c);
			continue;
		}
		if (++r->p >= r->end)
			return false;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *k = strchr(from, *r->p);
		if (k && *r->p) {
			if (out)
				sk_sb_addc(out, to[k - from]);
			continue;
		}
		if (*r->p != 'u' || r->end - r->p < 5)
			return false;
		int hi = hex4(r->p + 1);
		if (hi < 0)
			return false;
		r->p += 4;
		unsigned long cp = (unsigned long)hi;
		if (hi >= 0xd800 && hi < 0xdc00) {
			/* a surrogate pair: \uD8xx\uDCxx */
			bool pair = r->end - r->p >= 7 && r->p[1] == '\\' && r->p[2] == 'u';
			int lo = pair ? hex4(r->p + 3) : -1;
			if (lo < 0xdc00 || lo >= 0xe000)
				return false;
			cp = 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
			     ((unsigned long)lo - 0xdc00);
			r->p += 6;
		} else if (hi >= 0xdc00 && hi < 0xe000) {
			return false;
		}
		if (out)
			add_utf8(out, cp);
	}
	return false;
}

/* A number; its digits into OUT (a byte when AS_BYTE) when OUT is not NULL. */
static bool number(struct reader *r, struct sk_sb *out, bool as_byte)
{
	ws(r);
	const char *s = r->p;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	while (r->p < r->end && (isdigit((unsigned char)*r->p) || *r->p == '.' || *r->p == 'e' ||
				 *r->p == 'E' || *r->p == '+' || *r->p == '-'))
		r->p++;
	if (r->p == s || !isdigit((unsigned char)r->p[-1]))
		return false;
	if (!out)
		return true;
	uint64_t v;
	if (!as_byte || !sk_audit_number(s, (size_t)(r->p - s), 10, &v) || v > 255)
		return false;
	sk_sb_addc(out, (char)v);
	return true;
}

static bool word(struct reader *r, const char *w)
{
	ws(r);
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return false;
	r->p += n;
	return true;
}

/* A value; OUT (when not NULL) gets a string's text, or the bytes of an array
 * of numbers; *MULTI is set for an array of strings (a field sent twice). */
static bool value(struct reader *r, struct sk_sb *out, bool *multi, bool *null)
{
	ws(r);
	if (r->p >= r->end)
		return false;
	switch (*r->p) {
	case '"':
		return string(r, out);
	case 'n':
		*null = true;
		return word(r, "null");
	case 't':
		return word(r, "true");
	case 'f':
		return word(r, "false");
	case '[':
		break;
	default:
		return number(r, NULL, false);
	}
	r->p++;
	if (eat(r, ']'))
		return true;
	do {
		ws(r);
		if (r->p < r->end && *r->p == '"') {
			*multi = true;
			if (!string(r, NULL))
				return false;
		} else if (!number(r, *multi ? NULL : out, true)) {
			return false;
		}
	} while (eat(r, ','));
	return eat(r, ']');
}

/* Parse one entry; false when the line is not one flat JSON object. */
static bool parse_entry(const char *s, const char *end, struct entry *e)
{
	struct reader r = {s, end};
	struct sk_sb key = SK_SB_INIT;
	bool ok = eat(&r, '{');
	if (ok && !eat(&r, '}')) {
		do {
			sk_sb_reset(&key);
			if (!(ok = string(&r, &key) && !key.oom && eat(&r, ':')))
				break;
			int f = -1;
			for (int i = 0; i < F_COUNT && f < 0; i++)
				if (!strcmp(key.buf, wanted[i]) && strlen(wanted[i]) == key.len)
					f = i;
			bool multi = false, null = false;
			if (f >= 0 && e->seen[f]) {
				e->multi[f] = true; /* the key twice: believe neither */
				f = -1;
			}
			if (!(ok = value(&r, f >= 0 ? &e->v[f] : NULL, &multi, &null)))
				break;
			if (f >= 0) {
				e->seen[f] = true;
				e->present[f] = !null;
				e->multi[f] = multi;
			}
		} while (eat(&r, ','));
		ok = ok && eat(&r, '}');
	}
	ws(&r);
	sk_sb_release(&key);
	for (int i = 0; i < F_COUNT; i++)
		ok = ok && !e->v[i].oom;
	return ok && r.p == r.end;
}

static void entry_release(struct entry *e)
{
	for (int i = 0; i < F_COUNT; i++)
		sk_sb_release(&e->v[i]);
}

/* The field, when it is there exactly once. */
static const struct sk_sb *get(const struct entry *e, int f)
{
	return e->present[f] && !e->multi[f] ? &e->v[f] : NULL;
}

static bool is(const struct entry *e, int f, const char *v)
{
	const struct sk_sb *b = get(e, f);
	return b && b->len == strlen(v) && !memcmp(b->buf, v, b->len);
}

bool sk_audit_journal_shaped(const char *s, const char *end, bool *audit_transport)
{
	struct entry e;
	memset(&e, 0, sizeof e);
	for (int i = 0; i < F_COUNT; i++)
		sk_sb_init(&e.v[i]);
	bool ok = parse_entry(s, end, &e);
	if (ok && is(&e, F_TRANSPORT, "audit"))
		*audit_transport = true;
	entry_release(&e);
	return ok;
}

/* journald's audit reader: "SECCOMP <fields>" with the stamp beside it. */
static enum sk_audit_line audit_entry(const struct entry *e, struct sk_audit_record *rec)
{
	const struct sk_sb *id = get(e, F_AUDIT_ID), *t = get(e, F_SOURCE_TIME),
			   *m = get(e, F_MESSAGE);
	uint64_t serial, usec;
	if (id && sk_audit_number(id->buf, id->len, 10, &serial)) {
		rec->has_stamp = true;
		rec->serial = serial;
	}
	if (t && sk_audit_number(t->buf, t->len, 10, &usec)) {
		rec->has_time = true;
		rec->time = (int64_t)(usec / 1000000);
		rec->time_ms = (unsigned)(usec / 1000 % 1000);
	}
	rec->form = SK_AUDIT_FORM_JOURNAL;
	if (!is(e, F_AUDIT_TYPE, "1326"))
		return rec->has_stamp ? SK_AUDIT_LINE_AUDIT : SK_AUDIT_LINE_OTHER;
	static const char prefix[] = "SECCOMP ";
	if (!m || m->len < sizeof prefix - 1 || memcmp(m->buf, prefix, sizeof prefix - 1))
		return SK_AUDIT_LINE_MALFORMED;
	return sk_audit_record_fields(m->buf + sizeof prefix - 1, m->buf + m->len, rec);
}

enum sk_audit_line sk_audit_journal_line(const char *s, const char *end,
					 struct sk_audit_record *rec, uint64_t *count,
					 bool *audit_transport)
{
	struct entry e;
	memset(&e, 0, sizeof e);
	for (int i = 0; i < F_COUNT; i++)
		sk_sb_init(&e.v[i]);
	*audit_transport = false;
	enum sk_audit_line r;
	const struct sk_sb *m;
	if (!parse_entry(s, end, &e)) {
		r = sk_audit_has_record_text(s, end) ? SK_AUDIT_LINE_MALFORMED
						      : SK_AUDIT_LINE_OTHER;
	} else if (is(&e, F_TRANSPORT, "audit")) {
		*audit_transport = true;
		r = audit_entry(&e, rec);
	} else if (is(&e, F_TRANSPORT, "kernel") && (m = get(&e, F_MESSAGE)) &&
		   (!e.present[F_FACILITY] || is(&e, F_FACILITY, "0"))) {
		/* facility kern: the kernel's own printk, not a root process
		 * writing to /dev/kmsg */
		r = sk_audit_kernel_message(m->buf, m->buf + m->len, rec, count);
		rec->form = SK_AUDIT_FORM_JOURNAL;
	} else {
		m = get(&e, F_MESSAGE);
		r = m && sk_audit_has_record_text(m->buf, m->buf + m->len) ? SK_AUDIT_LINE_FORGED
									   : SK_AUDIT_LINE_OTHER;
	}
	entry_release(&e);
	return r;
}
