/* SPDX-License-Identifier: Apache-2.0 */
/* A strict RFC 8259 reader and a string writer (json.h says why it exists).
 *
 * Recursive descent over the bytes with a line:column counter; recursion is
 * bounded by SK_JSON_MAX_DEPTH, so hostile nesting costs an error, not the
 * stack. The first error stops the parse: these documents are written by
 * programs, and one precise message is worth more than a cascade. */
#include "distribute/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/utf8.h"

struct reader {
	const char *p, *end;
	const char *line_start;
	unsigned line;
	const char *file;
	struct sk_diags *diags;
	bool failed;
};

static unsigned column(const struct reader *r, const char *at)
{
	return (unsigned)(at - r->line_start) + 1;
}

static void fail(struct reader *r, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct reader *r, const char *at, const char *fmt, ...)
{
	if (r->failed)
		return;
	r->failed = true;
	va_list ap;
	va_start(ap, fmt);
	sk_diags_vadd(r->diags, SK_SEV_ERROR, r->file, r->line, column(r, at), "json-syntax", fmt,
		      ap);
	va_end(ap);
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end) {
		char c = *r->p;
		if (c == '\n') {
			r->line++;
			r->line_start = r->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		r->p++;
	}
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct sk_sb *sb, unsigned cp)
{
	if (cp < 0x80) {
		sk_sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		sk_sb_addc(sb, (char)(0xc0 | cp >> 6));
		sk_sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sk_sb_addc(sb, (char)(0xe0 | cp >> 12));
		sk_sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		sk_sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sk_sb_addc(sb, (char)(0xf0 | cp >> 18));
		sk_sb_addc(sb, (char)(0x80 | (cp >> 12 & 0x3f)));
		sk_sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		sk_sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A \uXXXX escape (with its low surrogate when it starts a pair) at r->p,
 * which points after the backslash-u. */
static int unicode_escape(struct reader *r, const char *start, struct sk_sb *sb)
{
	unsigned cp, lo;
	if (r->end - r->p < 4 || hex4(r->p, &cp) < 0) {
		fail(r, start, "\\u wants four hex digits");
		return -1;
	}
	r->p += 4;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		fail(r, start, "a lone low surrogate \\u%04x", cp);
		return -1;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || hex4(r->p + 2, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff) {
			fail(r, start, "a high surrogate \\u%04x without its low half", cp);
			return -1;
		}
		r->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0) {
		/* every consumer holds C strings: "a\u0000b" would read as "a" */
		fail(r, start, "\\u0000 in a string is refused");
		return -1;
	}
	put_utf8(sb, cp);
	return 0;
}

static int escape(struct reader *r, struct sk_sb *sb)
{
	const char *start = r->p++;
	if (r->p >= r->end) {
		fail(r, start, "the input ends inside an escape");
		return -1;
	}
	char c = *r->p++;
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = c ? strchr(from, c) : NULL;
	if (k) {
		sk_sb_addc(sb, to[k - from]);
		return 0;
	}
	if (c == 'u')
		return unicode_escape(r, start, sb);
	fail(r, start, "unknown escape \\%c", c >= 0x20 && c < 0x7f ? c : '?');
	return -1;
}

/* A string at r->p (the opening quote) into a new buffer. */
static char *string(struct reader *r, size_t *len)
{
	const char *open = r->p++;
	struct sk_sb sb = SK_SB_INIT;
	for (;;) {
		if (r->p >= r->end) {
			fail(r, open, "a string that never ends");
			break;
		}
		unsigned char c = (unsigned char)*r->p;
		if (c == '"') {
			r->p++;
			if (sb.oom)
				break;
			return sk_sb_detach(&sb, len);
		}
		if (c == '\\') {
			if (escape(r, &sb) < 0)
				break;
			continue;
		}
		if (c < 0x20) {
			fail(r, r->p, "a control character (0x%02x) inside a string", c);
			break;
		}
		size_t n = sk_utf8_seq_len((const unsigned char *)r->p, (size_t)(r->end - r->p));
		if (!n) {
			fail(r, r->p, "invalid UTF-8 in a string");
			break;
		}
		sk_sb_add(&sb, r->p, n);
		r->p += n;
	}
	if (sb.oom)
		fail(r, open, "out of memory");
	sk_sb_release(&sb);
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int number(struct reader *r, struct sk_json *j)
{
	const char *s = r->p, *q = r->p;
	if (q < r->end && *q == '-')
		q++;
	if (q < r->end && *q == '0') {
		q++;
	} else if (q < r->end && is_digit(*q)) {
		while (q < r->end && is_digit(*q))
			q++;
	} else {
		fail(r, s, "a number wants a digit here");
		return -1;
	}
	if (q < r->end && *q == '.') {
		q++;
		if (q >= r->end || !is_digit(*q)) {
			fail(r, s, "a number wants digits after its '.'");
			return -1;
		}
		while (q < r->end && is_digit(*q))
			q++;
	}
	if (q < r->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < r->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= r->end || !is_digit(*q)) {
			fail(r, s, "a number wants digits in its exponent");
			return -1;
		}
		while (q < r->end && is_digit(*q))
			q++;
	}
	j->type = SK_JSON_NUMBER;
	j->slen = (size_t)(q - s);
	j->s = strndup(s, j->slen);
	r->p = q;
	if (!j->s) {
		fail(r, s, "out of memory");
		return -1;
	}
	return 0;
}

static int literal(struct reader *r, struct sk_json *j)
{
	static const struct {
		const char *word;
		enum sk_json_type type;
		bool b;
	} words[] = {{"true", SK_JSON_BOOL, true}, {"false", SK_JSON_BOOL, false},
		     {"null", SK_JSON_NULL, false}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t n = strlen(words[i].word);
		if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i].word, n)) {
			j->type = words[i].type;
			j->b = words[i].b;
			r->p += n;
			return 0;
		}
	}
	unsigned char c = (unsigned char)*r->p;
	if (c >= 0x21 && c < 0x7f)
		fail(r, r->p, "unexpected '%c': a JSON value starts with {, [, \", a digit, true, false or null", c);
	else
		fail(r, r->p, "unexpected byte 0x%02x where a JSON value starts", c);
	return -1;
}

static int value(struct reader *r, struct sk_json *j, unsigned depth);

static int add_kid(struct reader *r, struct sk_json *j, size_t *cap, char *key)
{
	size_t keycap = *cap;
	if (SK_GROW(j->kids, *cap, j->n) < 0 ||
	    (j->type == SK_JSON_OBJECT && SK_GROW(j->keys, keycap, j->n) < 0)) {
		free(key);
		fail(r, r->p, "out of memory");
		return -1;
	}
	memset(&j->kids[j->n], 0, sizeof j->kids[j->n]);
	if (j->type == SK_JSON_OBJECT)
		j->keys[j->n] = key;
	j->n++;
	return 0;
}

static int member_key(struct reader *r, struct sk_json *j, char **key)
{
	skip_ws(r);
	if (r->p >= r->end || *r->p != '"') {
		fail(r, r->p < r->end ? r->p : r->end, "an object key must be a string");
		return -1;
	}
	const char *at = r->p;
	unsigned line = r->line, col = column(r, at);
	size_t klen;
	if (!(*key = string(r, &klen)))
		return -1;
	for (size_t i = 0; i < j->n; i++) {
		if (!strcmp(j->keys[i], *key)) {
			r->failed = true;
			sk_diags_add(r->diags, SK_SEV_ERROR, r->file, line, col, "json-syntax",
				     "duplicate key \"%s\" (first at line %u, column %u): readers "
				     "disagree on which one counts",
				     *key, j->kids[i].line, j->kids[i].col);
			free(*key);
			return -1;
		}
	}
	skip_ws(r);
	if (r->p >= r->end || *r->p != ':') {
		free(*key);
		fail(r, r->p < r->end ? r->p : r->end, "':' expected after an object key");
		return -1;
	}
	r->p++;
	return 0;
}

/* An array or object at r->p (its opening bracket). */
static int container(struct reader *r, struct sk_json *j, unsigned depth)
{
	bool obj = *r->p == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;
	j->type = obj ? SK_JSON_OBJECT : SK_JSON_ARRAY;
	if (depth >= SK_JSON_MAX_DEPTH) {
		fail(r, r->p, "nested deeper than %d levels", SK_JSON_MAX_DEPTH);
		return -1;
	}
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		if (obj && member_key(r, j, &key) < 0)
			return -1;
		if (add_kid(r, j, &cap, key) < 0)
			return -1;
		if (value(r, &j->kids[j->n - 1], depth + 1) < 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		fail(r, r->p < r->end ? r->p : r->end, "',' or '%c' expected", close);
		return -1;
	}
}

static int value(struct reader *r, struct sk_json *j, unsigned depth)
{
	skip_ws(r);
	j->line = r->line;
	j->col = column(r, r->p);
	if (r->p >= r->end) {
		fail(r, r->end, "the input ends where a value is expected");
		return -1;
	}
	char c = *r->p;
	if (c == '{' || c == '[')
		return container(r, j, depth);
	if (c == '"') {
		j->type = SK_JSON_STRING;
		return (j->s = string(r, &j->slen)) ? 0 : -1;
	}
	if (c == '-' || is_digit(c))
		return number(r, j);
	return literal(r, j);
}

static void json_release(struct sk_json *j)
{
	free(j->s);
	for (size_t i = 0; i < j->n; i++) {
		json_release(&j->kids[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->kids);
	free(j->keys);
}

void sk_json_free(struct sk_json *j)
{
	if (!j)
		return;
	json_release(j);
	free(j);
}

struct sk_json *sk_json_parse(const char *text, size_t len, const char *file,
			      struct sk_diags *diags)
{
	struct reader r = {.p = text, .end = text + len, .line_start = text, .line = 1,
			   .file = file, .diags = diags};
	struct sk_json *j = calloc(1, sizeof *j);
	if (!j) {
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "json-syntax", "out of memory");
		return NULL;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		fail(&r, text, "a byte-order mark: JSON text must not start with one");
	if (!r.failed && value(&r, j, 0) == 0) {
		skip_ws(&r);
		if (r.p < r.end)
			fail(&r, r.p, "more text after the JSON value");
	}
	if (r.failed) {
		sk_json_free(j);
		return NULL;
	}
	return j;
}

const struct sk_json *sk_json_get(const struct sk_json *j, const char *key)
{
	if (!j || j->type != SK_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < j->n; i++)
		if (!strcmp(j->keys[i], key))
			return &j->kids[i];
	return NULL;
}

const char *sk_json_get_str(const struct sk_json *j, const char *key)
{
	const struct sk_json *v = sk_json_get(j, key);
	return v && v->type == SK_JSON_STRING ? v->s : NULL;
}

bool sk_json_uint(const struct sk_json *j, uint64_t *out)
{
	if (!j || j->type != SK_JSON_NUMBER || !j->slen || j->slen > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < j->slen; i++) {
		if (!is_digit(j->s[i]))
			return false;
		v = v * 10 + (uint64_t)(j->s[i] - '0');
	}
	if (v > (UINT64_C(1) << 53))
		return false;
	*out = v;
	return true;
}

void sk_json_quote(struct sk_sb *sb, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	sk_sb_addc(sb, '"');
	for (size_t i = 0; i < len;) {
		size_t n = sk_utf8_seq_len(u + i, len - i);
		if (!n) {
			/* the output stays JSON whatever a caller passes */
			sk_sb_adds(sb, "\\ufffd");
			i++;
			continue;
		}
		switch (u[i]) {
		case '"': sk_sb_adds(sb, "\\\""); break;
		case '\\': sk_sb_adds(sb, "\\\\"); break;
		case '\n': sk_sb_adds(sb, "\\n"); break;
		case '\r': sk_sb_adds(sb, "\\r"); break;
		case '\t': sk_sb_adds(sb, "\\t"); break;
		default:
			if (u[i] < 0x20 || u[i] == 0x7f)
				sk_sb_addf(sb, "\\u%04x", u[i]);
			else
				sk_sb_add(sb, s + i, n);
		}
		i += n;
	}
	sk_sb_addc(sb, '"');
}
