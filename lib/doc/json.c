/* SPDX-License-Identifier: Apache-2.0 */
/* Strict JSON (RFC 8259) over the tokens libfyaml found: json.h says why it
 * is shaped so. Each check names the YAML construct it met, because the
 * usual cause of a refusal is a document someone wrote as YAML. */
#include "doc/json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4))) static bool fault(struct sk_json_fault *f, size_t at,
							const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
	f->at = at;
	return false;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A YAML document marker ("---" or "...") at the start of a line. */
static bool doc_marker(const char *t, size_t i, size_t to)
{
	return (i == 0 || t[i - 1] == '\n' || t[i - 1] == '\r') && to - i >= 3 &&
	       (!memcmp(t + i, "---", 3) || !memcmp(t + i, "...", 3));
}

/* Why the byte at I cannot be where it is. */
static bool unexpected(const char *t, size_t i, size_t to, enum sk_json_gap kind,
		       struct sk_json_fault *f)
{
	static const struct {
		char c;
		const char *why;
	} yaml[] = {
		{'#', "a comment: JSON has none"},
		{'&', "an anchor (&): JSON has none"},
		{'*', "an alias (*): JSON has none"},
		{'!', "a tag (!): JSON has none"},
		{'?', "an explicit key (?): not JSON"},
		{'%', "a YAML directive: not JSON"},
	};
	unsigned char c = (unsigned char)t[i];
	if (i == 0 && to >= 3 && !memcmp(t, "\xef\xbb\xbf", 3))
		return fault(f, i, "a byte-order mark: JSON text must not start with one");
	if (doc_marker(t, i, to))
		return fault(f, i, "a YAML document marker (%.3s): JSON text is one value", t + i);
	for (size_t k = 0; k < sizeof yaml / sizeof yaml[0]; k++)
		if (c == (unsigned char)yaml[k].c)
			return fault(f, i, "%s", yaml[k].why);
	if (c == ',')
		return fault(f, i, kind == SK_JSON_GAP_CLOSE ? "a trailing comma: not JSON"
							       : "a comma where JSON wants a value");
	if (kind == SK_JSON_GAP_END)
		return fault(f, i, "more text after the JSON value");
	if (c > 0x20 && c < 0x7f)
		return fault(f, i, "unexpected '%c': not JSON", c);
	return fault(f, i, "unexpected byte 0x%02x: not JSON", c);
}

bool sk_json_gap_ok(const char *text, size_t from, size_t to, enum sk_json_gap kind,
		    struct sk_json_fault *f)
{
	if (from > to) /* the tokens overlap: libfyaml read a YAML-only form */
		return fault(f, to, "not JSON");
	char sep = kind == SK_JSON_GAP_COLON ? ':' : kind == SK_JSON_GAP_COMMA ? ',' : 0;
	bool seen = false;
	for (size_t i = from; i < to; i++) {
		if (is_ws(text[i]))
			continue;
		if (sep && !seen && text[i] == sep) {
			seen = true;
			continue;
		}
		return unexpected(text, i, to, kind, f);
	}
	if (sep && !seen)
		return fault(f, to, "'%c' expected", sep);
	return true;
}

static bool digits(const char *s, size_t n, size_t *i)
{
	size_t k = *i;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > k;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing more. */
static bool json_number(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i >= n || s[i] < '1' || s[i] > '9' || !digits(s, n, &i))
		return false;
	if (i < n && s[i] == '.' && (++i, !digits(s, n, &i)))
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digits(s, n, &i))
			return false;
	}
	return i == n;
}

static bool literal(const char *s, size_t n)
{
	static const char *const words[] = {"true", "false", "null"};
	for (size_t k = 0; k < 3; k++)
		if (n == strlen(words[k]) && !memcmp(s, words[k], n))
			return true;
	return json_number(s, n);
}

static int hex4(const char *s, size_t n, uint32_t *out)
{
	if (n < 4)
		return -1;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* The \u escape at T[I] (its backslash), with its low half when it starts a
 * surrogate pair: the bytes it takes, or 0 after a fault. */
static size_t unicode_escape(const char *t, size_t i, size_t end, struct sk_json_fault *f)
{
	uint32_t cp, lo;
	if (hex4(t + i + 2, end - i - 2, &cp))
		return fault(f, i, "\\u wants four hex digits"), 0;
	if (cp == 0) /* every reader holds C strings: "a\u0000b" would read as "a" */
		return fault(f, i, "\\u0000 in a string is refused"), 0;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fault(f, i, "a lone low surrogate \\u%04x", (unsigned)cp), 0;
	if (cp < 0xd800 || cp > 0xdbff)
		return 6;
	if (end - i < 12 || t[i + 6] != '\\' || t[i + 7] != 'u' || hex4(t + i + 8, 4, &lo) ||
	    lo < 0xdc00 || lo > 0xdfff)
		return fault(f, i, "a high surrogate \\u%04x without its low half", (unsigned)cp), 0;
	return 12;
}

/* The inside of a double-quoted string, T[START, END). */
static bool json_string(const char *t, size_t start, size_t end, struct sk_json_fault *f)
{
	for (size_t i = start; i < end;) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x20)
			return fault(f, i,
				     "a control character (0x%02x) inside a string: JSON wants it "
				     "escaped",
				     c);
		if (c == '"') /* cannot happen in a string libfyaml ended at END */
			return fault(f, i, "an unescaped '\"' inside a string");
		if (c != '\\') {
			i++;
			continue;
		}
		char e = i + 1 < end ? t[i + 1] : 0;
		if (e && strchr("\"\\/bfnrt", e)) {
			i += 2;
		} else if (e == 'u') {
			size_t n = unicode_escape(t, i, end, f);
			if (!n)
				return false;
			i += n;
		} else if (e > 0x20 && e < 0x7f) {
			return fault(f, i, "\\%c is a YAML escape, not JSON", e);
		} else {
			return fault(f, i, "a backslash JSON does not know");
		}
	}
	return true;
}

size_t sk_json_extent_start(const struct sk_doc_node *n)
{
	bool quoted = n->type == SK_DOC_SCALAR && !n->plain;
	return quoted && n->start ? n->start - 1 : n->start;
}

size_t sk_json_extent_end(const struct sk_doc_node *n)
{
	return n->type == SK_DOC_SCALAR && !n->plain ? n->end + 1 : n->end;
}

bool sk_json_scalar_ok(const char *text, size_t len, const struct sk_doc_node *n,
		       struct sk_json_fault *f)
{
	if (n->plain) { /* as written: a literal reads as its own text */
		if (literal(text + n->start, n->end - n->start))
			return true;
		if (n->end > n->start && strchr("+-.0123456789", text[n->start]))
			return fault(f, n->start,
				     "not a JSON number (-?INT[.DIGITS][e[+-]DIGITS], no leading zero, "
				     "no '+', hex, NaN or Infinity)");
		return fault(f, n->start,
			     "a plain YAML scalar: not JSON (a string is written in double quotes, "
			     "a literal as a number, true, false or null)");
	}
	char open = n->start ? text[n->start - 1] : 0;
	if (open == '\'')
		return fault(f, n->start - 1, "a single-quoted string: JSON strings are double-quoted");
	if (open != '"' || n->end >= len || text[n->end] != '"')
		return fault(f, n->start, "a YAML block scalar: not JSON");
	return json_string(text, n->start, n->end, f);
}
