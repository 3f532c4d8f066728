/* SPDX-License-Identifier: Apache-2.0 */
/* An object's summary as text, the cache's format, and back.
 *
 *   scmpkit-extract-summary 1
 *   build-id HEX|-
 *   key HEX16
 *   items N                      then N lines, one per item:
 *   i sys ARCH NR SITE FUNCTION     a syscall and the function of its first site
 *   i import NEEDS NORET NAME       an imported symbol and what was assumed of it
 *   i unresolved SITE FUNCTION<TAB>WHAT
 *   i note TEXT
 *   sets N WORDS                 then N lines of WORDS 16-digit hex words
 *   exports N                    then N lines, sorted by name:
 *   e SET NEEDS FLAGS NAME         FLAGS: 1 data, 2 never returns
 *   roots INIT ENTRY ALL
 *   end
 *
 * A name is the rest of its line (Go's names hold spaces). Text written is
 * kept to printable bytes. The parser trusts nothing: the cache directory is
 * the user's own, but its files are input like any other, so every count is
 * bounded, every index checked, every line must be exactly what it says, and
 * any deviation refuses the whole entry (it is then computed again). */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

#define MAGIC "scmpkit-extract-summary 1"
#define MAX_ITEMS 1000000
#define MAX_SETS 4000000
#define MAX_EXPORTS 4000000
#define MAX_NAME 4096

uint64_t xhash(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) { /* a word at a time: files are megabytes */
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * UINT64_C(0x100000001b3);
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static const char *const kinds[] = {"sys", "import", "unresolved", "note"};

/* Text another party chose (symbol names), kept to one printable line. */
static void add_name(struct sk_sb *sb, const char *s)
{
	size_t n = 0;
	for (; *s && n < MAX_NAME; s++, n++)
		sk_sb_addc(sb, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	if (!n)
		sk_sb_addc(sb, '?');
}

static void write_item(struct sk_sb *sb, const struct xsum_item *it)
{
	sk_sb_addf(sb, "i %s ", kinds[it->kind]);
	switch (it->kind) {
	case XI_SYS:
		sk_sb_addf(sb, "%u %" PRId64 " %" PRIx64 " ", it->arch, it->nr, it->site);
		add_name(sb, it->name);
		break;
	case XI_IMPORT:
		sk_sb_addf(sb, "%" PRIu32 " %d ", it->needs, it->noret);
		add_name(sb, it->name);
		break;
	case XI_UNRESOLVED:
		sk_sb_addf(sb, "%" PRIx64 " ", it->site);
		add_name(sb, it->name);
		sk_sb_addc(sb, '\t');
		add_name(sb, it->what);
		break;
	default:
		add_name(sb, it->name);
	}
	sk_sb_addc(sb, '\n');
}

char *xsummary_write(const struct xsummary *s, size_t *len)
{
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_adds(&sb, MAGIC "\nbuild-id ");
	for (size_t i = 0; i < s->build_id_len; i++)
		sk_sb_addf(&sb, "%02x", s->build_id[i]);
	if (!s->build_id_len)
		sk_sb_addc(&sb, '-');
	sk_sb_addf(&sb, "\nkey %016" PRIx64 "\nitems %zu\n", s->key, s->n_items);
	for (size_t i = 0; i < s->n_items; i++)
		write_item(&sb, &s->items[i]);
	sk_sb_addf(&sb, "sets %zu %zu\n", s->n_sets, s->nw);
	for (size_t i = 0; i < s->n_sets; i++)
		for (size_t w = 0; w < s->nw; w++)
			sk_sb_addf(&sb, "%016" PRIx64 "%c", s->sets[i * s->nw + w],
				   w + 1 < s->nw ? ' ' : '\n');
	sk_sb_addf(&sb, "exports %zu\n", s->n_exports);
	for (size_t i = 0; i < s->n_exports; i++) {
		const struct xsum_export *e = &s->exports[i];
		sk_sb_addf(&sb, "e %" PRIu32 " %" PRIu32 " %d ", e->set, e->needs,
			   e->data | e->noret << 1);
		add_name(&sb, e->name);
		sk_sb_addc(&sb, '\n');
	}
	sk_sb_addf(&sb, "roots %" PRIu32 " %" PRIu32 " %" PRIu32 "\nend\n", s->init, s->entry,
		   s->all);
	return sk_sb_detach(&sb, len);
}

/* ---- parsing ---------------------------------------------------------------- */

struct rd {
	const char *p, *end;
	bool bad;
};

/* The next line (without its newline), or NULL at the end / when bad. */
static const char *line(struct rd *r, size_t *len)
{
	if (r->bad || r->p >= r->end)
		return NULL;
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	if (!nl) {
		r->bad = true;
		return NULL;
	}
	const char *l = r->p;
	*len = (size_t)(nl - l);
	r->p = nl + 1;
	return l;
}

struct fields {
	const char *p, *end;
	bool bad;
};

/* An unsigned number in BASE, followed by one space (or the end when LAST). */
static uint64_t num(struct fields *f, int base, bool last)
{
	uint64_t v = 0;
	const char *start = f->p;
	for (; f->p < f->end && *f->p != ' '; f->p++) {
		int d = *f->p >= '0' && *f->p <= '9' ? *f->p - '0'
			: base == 16 && *f->p >= 'a' && *f->p <= 'f' ? *f->p - 'a' + 10 : -1;
		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			f->bad = true;
			return 0;
		}
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (f->p == start || f->p - start > 20 || (last ? f->p != f->end : f->p == f->end))
		f->bad = true;
	else if (!last)
		f->p++;
	return v;
}

/* The rest of the line as a name: non-empty, printable, not too long. */
static char *name(struct fields *f, const char *stop)
{
	const char *e = stop ? stop : f->end;
	size_t n = (size_t)(e - f->p);
	if (!n || n > MAX_NAME)
		f->bad = true;
	for (const char *q = f->p; q < e && !f->bad; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			f->bad = true;
	if (f->bad)
		return NULL;
	char *s = strndup(f->p, n);
	if (!s)
		f->bad = true;
	f->p = e;
	return s;
}

static struct fields fields_of(const char *l, size_t len)
{
	return (struct fields){.p = l, .end = l ? l + len : NULL};
}

static bool word(struct fields *f, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(f->end - f->p) <= n || memcmp(f->p, w, n) || f->p[n] != ' ') {
		f->bad = true;
		return false;
	}
	f->p += n + 1;
	return true;
}

static int parse_item(struct fields *f, struct xsum_item *it)
{
	int kind = -1;
	for (int k = 0; k < 4 && kind < 0; k++) {
		struct fields t = *f;
		if (word(&t, kinds[k])) {
			kind = k;
			*f = t;
		}
	}
	if (kind < 0)
		return -EINVAL;
	it->kind = (uint8_t)kind;
	if (kind == XI_SYS) {
		uint64_t arch = num(f, 10, false);
		it->nr = (int64_t)num(f, 10, false);
		it->site = num(f, 16, false);
		if (arch >= SK_ARCH_COUNT || it->nr > INT32_MAX || f->bad ||
		    !sk_syscall_name((enum sk_arch)arch, it->nr))
			return -EINVAL;
		it->arch = (uint8_t)arch;
		it->name = name(f, NULL);
	} else if (kind == XI_IMPORT) {
		uint64_t needs = num(f, 10, false), noret = num(f, 10, false);
		if (needs >> XL_COUNT || noret > 1)
			return -EINVAL;
		it->needs = (uint32_t)needs;
		it->noret = noret;
		it->name = name(f, NULL);
	} else if (kind == XI_UNRESOLVED) {
		it->site = num(f, 16, false);
		const char *tab = f->bad ? NULL : memchr(f->p, '\t', (size_t)(f->end - f->p));
		if (!tab)
			return -EINVAL;
		it->name = name(f, tab);
		f->p = tab + 1;
		it->what = f->bad ? NULL : name(f, NULL);
	} else {
		it->name = name(f, NULL);
	}
	return f->bad ? -EINVAL : 0;
}

/* "WORD N" exactly; N at most MAX. */
static int count_line(struct rd *r, const char *w, uint64_t max, uint64_t *n, bool more)
{
	size_t len;
	const char *l = line(r, &len);
	if (!l)
		return -EINVAL;
	struct fields f = fields_of(l, len);
	word(&f, w);
	*n = num(&f, 10, !more);
	return f.bad || *n > max ? -EINVAL : 0;
}

static int parse_header(struct rd *r, struct xsummary *s)
{
	size_t len;
	const char *l = line(r, &len);
	if (!l || len != strlen(MAGIC) || memcmp(l, MAGIC, len))
		return -EINVAL;
	l = line(r, &len);
	struct fields f = fields_of(l, len);
	if (!l || !word(&f, "build-id"))
		return -EINVAL;
	size_t hex = (size_t)(f.end - f.p);
	if (!(hex == 1 && *f.p == '-')) {
		if (hex % 2 || hex / 2 > sizeof s->build_id || !hex)
			return -EINVAL;
		for (size_t i = 0; i < hex / 2; i++) {
			struct fields b = fields_of(f.p + 2 * i, 2);
			s->build_id[i] = (uint8_t)num(&b, 16, true);
			if (b.bad)
				return -EINVAL;
		}
		s->build_id_len = hex / 2;
	}
	l = line(r, &len);
	f = fields_of(l, len);
	if (!l || !word(&f, "key"))
		return -EINVAL;
	s->key = num(&f, 16, true);
	return f.bad ? -EINVAL : 0;
}

static int parse_sets(struct rd *r, struct xsummary *s)
{
	size_t len;
	const char *l = line(r, &len);
	struct fields f = fields_of(l, len);
	if (!l || !word(&f, "sets"))
		return -EINVAL;
	uint64_t n = num(&f, 10, false), nw = num(&f, 10, true);
	if (f.bad || n > MAX_SETS || nw != s->n_items / 64 + 1)
		return -EINVAL;
	s->nw = nw;
	s->sets = calloc(n * nw + 1, 8);
	if (!s->sets)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		l = line(r, &len);
		f = fields_of(l, len);
		if (!l)
			return -EINVAL;
		for (size_t w = 0; w < nw; w++)
			s->sets[i * nw + w] = num(&f, 16, w + 1 == nw);
		/* no bit past the last item */
		uint64_t tail = s->sets[i * nw + nw - 1] >> (s->n_items % 64);
		if (f.bad || tail)
			return -EINVAL;
		s->n_sets = i + 1;
	}
	return 0;
}

static int parse_exports(struct rd *r, struct xsummary *s)
{
	uint64_t n;
	if (count_line(r, "exports", MAX_EXPORTS, &n, false) < 0)
		return -EINVAL;
	s->exports = calloc(n + 1, sizeof *s->exports);
	if (!s->exports)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *l = line(r, &len);
		struct fields f = fields_of(l, len);
		if (!l || !word(&f, "e"))
			return -EINVAL;
		struct xsum_export *e = &s->exports[i];
		uint64_t set = num(&f, 10, false), needs = num(&f, 10, false), flags = num(&f, 10, false);
		if (f.bad || set >= s->n_sets || needs >> XL_COUNT || flags > 3)
			return -EINVAL;
		*e = (struct xsum_export){.set = (uint32_t)set, .needs = (uint32_t)needs,
					  .data = flags & 1, .noret = flags >> 1, .name = name(&f, NULL)};
		s->n_exports = i + 1;
		if (!e->name || (i && strcmp(s->exports[i - 1].name, e->name) >= 0))
			return -EINVAL; /* sorted and unique: looked up by binary search */
	}
	return 0;
}

static int parse_body(struct rd *r, struct xsummary *s)
{
	uint64_t n;
	int rc = parse_header(r, s);
	if (rc == 0)
		rc = count_line(r, "items", MAX_ITEMS, &n, false);
	if (rc < 0)
		return rc;
	s->items = calloc(n + 1, sizeof *s->items);
	if (!s->items)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *l = line(r, &len);
		struct fields f = fields_of(l, len);
		if (!l || !word(&f, "i"))
			return -EINVAL;
		s->n_items = i + 1;
		if ((rc = parse_item(&f, &s->items[i])) < 0)
			return rc;
	}
	s->n_items = n;
	if ((rc = parse_sets(r, s)) < 0 || (rc = parse_exports(r, s)) < 0)
		return rc;
	size_t len;
	const char *l = line(r, &len);
	struct fields f = fields_of(l, len);
	if (!l || !word(&f, "roots"))
		return -EINVAL;
	uint64_t init = num(&f, 10, false), entry = num(&f, 10, false), all = num(&f, 10, true);
	if (f.bad || init >= s->n_sets || entry >= s->n_sets || all >= s->n_sets)
		return -EINVAL;
	s->init = (uint32_t)init, s->entry = (uint32_t)entry, s->all = (uint32_t)all;
	l = line(r, &len);
	return l && len == 3 && !memcmp(l, "end", 3) && r->p == r->end ? 0 : -EINVAL;
}

int xsummary_parse(const char *text, size_t len, struct xsummary *s)
{
	memset(s, 0, sizeof *s);
	struct rd r = {.p = text, .end = text + len};
	int rc = parse_body(&r, s);
	if (rc < 0)
		xsummary_free(s);
	return rc;
}

void xsummary_free(struct xsummary *s)
{
	for (size_t i = 0; s->items && i < s->n_items; i++) {
		free(s->items[i].name);
		free(s->items[i].what);
	}
	for (size_t i = 0; s->exports && i < s->n_exports; i++)
		free(s->exports[i].name);
	free(s->items);
	free(s->sets);
	free(s->exports);
	memset(s, 0, sizeof *s);
}

const struct xsum_export *xsummary_export(const struct xsummary *s, const char *name)
{
	size_t lo = 0, hi = s->n_exports;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->exports[mid].name, name);
		if (!c)
			return &s->exports[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
