/* SPDX-License-Identifier: Apache-2.0 */
/* Function ranges from .eh_frame. A stripped shared library (Debian's libc)
 * has no .symtab, but the unwinder needs a frame description (FDE) for every
 * function compiled with unwind tables, and each FDE names its function's
 * start and length: the best map of a stripped binary's functions there is.
 *
 * The format is the LSB's (.eh_frame, DWARF CFI with GNU augmentations):
 * a sequence of CIEs and FDEs; an FDE's pc_begin is encoded as its CIE's
 * augmentation 'R' says. Only what that needs is read; anything malformed
 * ends the walk, keeping what came before. */
#include "internal.h"

#include <errno.h>
#include <string.h>

#include "util/grow.h"

/* DW_EH_PE_* */
enum {
	PE_ABSPTR = 0x00, PE_ULEB = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04,
	PE_SLEB = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c,
	PE_PCREL = 0x10,
};

struct cur {
	const uint8_t *b;
	size_t len, pos;
	uint64_t addr; /* of b[0] */
	bool bad;
};

static uint64_t get(struct cur *c, size_t n)
{
	if (c->pos > c->len || c->len - c->pos < n) {
		c->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)c->b[c->pos + i] << (8 * i);
	c->pos += n;
	return v;
}

static uint64_t uleb(struct cur *c)
{
	uint64_t v = 0;
	for (unsigned shift = 0; !c->bad; shift += 7) {
		uint64_t byte = get(c, 1);
		if (shift < 64)
			v |= (byte & 0x7f) << shift;
		if (!(byte & 0x80))
			break;
	}
	return v;
}

static int64_t sleb(struct cur *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint64_t byte = 0;
	do {
		byte = get(c, 1);
		if (shift < 64)
			v |= (byte & 0x7f) << shift;
		shift += 7;
	} while ((byte & 0x80) && !c->bad);
	if (shift < 64 && (byte & 0x40))
		v |= ~UINT64_C(0) << shift;
	return (int64_t)v;
}

/* A pointer in encoding ENC (format and pc-relative application only). */
static uint64_t encoded(struct cur *c, uint8_t enc)
{
	uint64_t at = c->addr + c->pos, v;
	switch (enc & 0x0f) {
	case PE_ABSPTR: case PE_UDATA8: case PE_SDATA8: v = get(c, 8); break;
	case PE_ULEB: v = uleb(c); break;
	case PE_SLEB: v = (uint64_t)sleb(c); break;
	case PE_UDATA2: v = get(c, 2); break;
	case PE_SDATA2: v = (uint64_t)(int64_t)(int16_t)get(c, 2); break;
	case PE_UDATA4: v = get(c, 4); break;
	case PE_SDATA4: v = (uint64_t)(int64_t)(int32_t)get(c, 4); break;
	default: c->bad = true; return 0;
	}
	if ((enc & 0x70) == PE_PCREL)
		v += at;
	return v;
}

/* The FDE pointer encoding of the CIE at OFF ('R' augmentation), and
 * whether its FDEs describe signal frames ('S'). */
static int cie_encoding(const struct cur *whole, size_t off, uint8_t *enc, bool *signal)
{
	struct cur c = *whole;
	c.pos = off;
	uint64_t len = get(&c, 4);
	if (len == 0xffffffff || c.bad || get(&c, 4) != 0) /* 64-bit CIEs do not occur here */
		return -1;
	unsigned version = (unsigned)get(&c, 1);
	const char *aug = (const char *)c.b + c.pos;
	size_t room = c.pos < c.len ? c.len - c.pos : 0;
	const char *nul = memchr(aug, 0, room);
	if (!nul || (version != 1 && version != 3))
		return -1;
	c.pos += (size_t)(nul - aug) + 1;
	*enc = PE_ABSPTR;
	*signal = false;
	if (aug[0] != 'z')
		return aug[0] ? -1 : 0;
	uleb(&c); /* code alignment */
	sleb(&c); /* data alignment */
	if (version == 1)
		get(&c, 1);
	else
		uleb(&c); /* return address register */
	uleb(&c);         /* augmentation data length */
	for (const char *a = aug + 1; *a && !c.bad; a++) {
		if (*a == 'R')
			*enc = (uint8_t)get(&c, 1);
		else if (*a == 'L')
			get(&c, 1);
		else if (*a == 'P') {
			uint8_t penc = (uint8_t)get(&c, 1);
			encoded(&c, penc & 0x7f);
		} else if (*a == 'S') {
			*signal = true;
		} else if (*a != 'B') {
			return -1;
		}
	}
	return c.bad ? -1 : 0;
}

int xeh_functions(const struct xelf *e, struct xrange **out, size_t *n, size_t *cap)
{
	const struct xsec *s = xelf_section(e, ".eh_frame");
	if (!s || s->type == 8 /* SHT_NOBITS */ || s->off > e->size || s->size > e->size - s->off)
		return 0;
	struct cur c = {.b = (const uint8_t *)e->data + s->off, .len = s->size, .addr = s->addr};
	size_t last_cie = SIZE_MAX;
	uint8_t enc = 0;
	bool signal = false;
	while (c.pos < c.len && !c.bad) {
		uint64_t len = get(&c, 4);
		if (len == 0 || len == 0xffffffff || c.bad || len > c.len - c.pos)
			break;
		size_t next = c.pos + len;
		size_t id_at = c.pos;
		uint64_t id = get(&c, 4);
		if (id != 0) { /* an FDE: id is the distance back to its CIE */
			if (id > id_at)
				break;
			size_t cie = id_at - id;
			if (cie != last_cie && cie_encoding(&c, cie, &enc, &signal) < 0)
				break;
			last_cie = cie;
			uint64_t begin = encoded(&c, enc);
			uint64_t range = encoded(&c, enc & 0x0f);
			if (c.bad)
				break;
			/* a signal frame's FDE starts a byte early, in the instruction
			 * before the code (glibc's __restore_rt): an unwinder looks up
			 * the return address minus one, and the kernel's return address
			 * for a handler is the code itself. The code starts a byte on. */
			if (signal && range > 1)
				begin++, range--;
			if (begin && range && begin + range > begin) {
				if (SK_GROW(*out, *cap, *n) < 0)
					return -ENOMEM;
				(*out)[(*n)++] = (struct xrange){begin, begin + range};
			}
		}
		c.pos = next;
	}
	return 0;
}
