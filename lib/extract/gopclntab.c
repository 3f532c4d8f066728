/* SPDX-License-Identifier: Apache-2.0 */
/* Go's function table: entries, ends and names of every Go function (the
 * layouts are in gopclntab.h). The table is untrusted input: every read goes
 * through rd32/rd64, which check the offset against the buffer, and every
 * offset the table gives is checked before it is followed. */
#include "gopclntab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_116 0xfffffffau
#define MAGIC_118 0xfffffff0u
#define MAGIC_120 0xfffffff1u
#define MAGIC_12 0xfffffffbu /* Go 1.2-1.15 */

/* More functions than this in one table is a corrupt count, not a program
 * (a 200 MB Kubernetes binary has about 100,000). */
#define MAX_FUNCS 4000000u
#define MAX_NAME 4096

struct rd {
	const uint8_t *b;
	size_t len;
	bool bad;
};

/* N (4 or 8) little-endian bytes at OFF; 0 and r->bad past the end. */
static uint64_t rd(struct rd *r, uint64_t off, unsigned n)
{
	if (off > r->len || r->len - off < n) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	memcpy(&v, r->b + off, n); /* x86-64 tables are little-endian, like the host */
	return v;
}

static uint32_t rd32(struct rd *r, uint64_t off)
{
	return (uint32_t)rd(r, off, 4);
}

static uint64_t rd64(struct rd *r, uint64_t off)
{
	return rd(r, off, 8);
}

long xgo_find(const uint8_t *buf, size_t len, size_t from)
{
	for (size_t o = (from + 7) & ~(size_t)7; o + 16 <= len; o += 8) {
		uint32_t m;
		memcpy(&m, buf + o, 4);
		if ((m == MAGIC_116 || m == MAGIC_118 || m == MAGIC_120) && buf[o + 4] == 0 &&
		    buf[o + 5] == 0 && buf[o + 6] == 1 && buf[o + 7] == 8)
			return (long)o;
	}
	return -1;
}

/* The header's fields past magic and the four bytes, as the release lays them out. */
struct hdr {
	unsigned version;
	uint64_t nfunc, text_start, funcname, pcln;
};

static int read_header(struct rd *r, struct hdr *h, const char **why)
{
	uint32_t magic = rd32(r, 0);
	if (magic == MAGIC_12) {
		*why = "the Go 1.2-1.15 layout, older than scmpkit reads (Go 1.16 and later)";
		return -ENOTSUP;
	}
	if (magic != MAGIC_116 && magic != MAGIC_118 && magic != MAGIC_120) {
		*why = "no pclntab magic";
		return -EINVAL;
	}
	if (r->len < 8 || r->b[4] || r->b[5] || r->b[6] != 1 || r->b[7] != 8) {
		*why = "header is not for a 64-bit x86 program (instruction size 1, pointer size 8)";
		return -EINVAL;
	}
	h->version = magic == MAGIC_116 ? 116 : magic == MAGIC_118 ? 118 : 120;
	h->nfunc = rd64(r, 8);
	if (h->version == 116) {
		h->text_start = 0;
		h->funcname = rd64(r, 24);
		h->pcln = rd64(r, 56);
	} else {
		h->text_start = rd64(r, 24);
		h->funcname = rd64(r, 32);
		h->pcln = rd64(r, 64);
	}
	if (r->bad) {
		*why = "truncated header";
		return -EINVAL;
	}
	if (h->nfunc == 0 || h->nfunc > MAX_FUNCS) {
		*why = "function count out of range";
		return -EINVAL;
	}
	if (h->funcname >= r->len || h->pcln >= r->len) {
		*why = "header offsets point past the table";
		return -EINVAL;
	}
	return 0;
}

/* The name at OFF in funcnametab: NUL-terminated inside the buffer. */
static const char *name_at(struct rd *r, const struct hdr *h, int64_t off)
{
	if (off < 0 || (uint64_t)off >= r->len - h->funcname)
		return NULL;
	const char *s = (const char *)r->b + h->funcname + off;
	size_t room = r->len - h->funcname - (size_t)off;
	const char *nul = memchr(s, 0, room < MAX_NAME ? room : MAX_NAME);
	return nul && nul != s ? s : NULL;
}

/* Functab entry I: its entry address and its _func's offset in the table. */
static void ftab_entry(struct rd *r, const struct hdr *h, uint64_t i, uint64_t *entry,
		       uint64_t *funcoff)
{
	if (h->version == 116) {
		*entry = rd64(r, h->pcln + i * 16);
		*funcoff = rd64(r, h->pcln + i * 16 + 8);
	} else {
		*entry = h->text_start + rd32(r, h->pcln + i * 8);
		*funcoff = rd32(r, h->pcln + i * 8 + 4);
	}
}

static int read_funcs(struct rd *r, const struct hdr *h, struct xgo *g, const char **why)
{
	uint64_t width = h->version == 116 ? 16 : 8;
	if ((r->len - h->pcln) / width < h->nfunc + 1) {
		*why = "function table runs past the end";
		return -EINVAL;
	}
	g->funcs = calloc(h->nfunc, sizeof *g->funcs);
	if (!g->funcs)
		return -ENOMEM;
	uint64_t prev = 0;
	for (uint64_t i = 0; i < h->nfunc; i++) {
		uint64_t entry, funcoff, end, unused;
		ftab_entry(r, h, i, &entry, &funcoff);
		ftab_entry(r, h, i + 1, &end, &unused);
		/* _func: entry (uintptr, 1.16) or entryoff (uint32), then nameoff */
		uint64_t fo = h->pcln + funcoff;
		uint64_t name_field = fo + (h->version == 116 ? 8 : 4);
		int32_t nameoff = (int32_t)rd32(r, name_field);
		int32_t args = (int32_t)rd32(r, name_field + 4);
		const char *name = r->bad ? NULL : name_at(r, h, nameoff);
		if (r->bad || funcoff >= r->len - h->pcln || end < entry || entry < prev || !name) {
			*why = r->bad ? "a function record runs past the end"
			       : !name ? "a function name is outside the name table"
				       : "function entries are not in ascending order";
			return -EINVAL;
		}
		g->funcs[g->n++] = (struct xgo_func){.entry = entry, .end = end, .name = name,
						     .args = args < 0 ? -1 : args};
		prev = end;
		if (fo + 8 > g->table_len)
			g->table_len = fo + 8;
	}
	return 0;
}

int xgo_parse(const uint8_t *buf, size_t len, uint64_t text_start, struct xgo *g,
	      const char **why)
{
	memset(g, 0, sizeof *g);
	struct rd r = {.b = buf, .len = len};
	struct hdr h;
	int rc = read_header(&r, &h, why);
	if (rc < 0)
		return rc;
	if (h.version != 116 && h.text_start == 0)
		h.text_start = text_start;
	g->version = h.version;
	rc = read_funcs(&r, &h, g, why);
	if (rc < 0) {
		xgo_free(g);
		return rc;
	}
	g->text_start = h.version == 116 ? g->funcs[0].entry : h.text_start;
	/* the table spans its header, names, functab and _func records at least */
	uint64_t width = h.version == 116 ? 16 : 8;
	if (g->table_len < h.pcln + (h.nfunc + 1) * width)
		g->table_len = h.pcln + (h.nfunc + 1) * width;
	return 0;
}

void xgo_free(struct xgo *g)
{
	free(g->funcs);
	memset(g, 0, sizeof *g);
}
