/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/extract: Go's function table (pclntab), read on its own.
 *
 * Every Go binary, stripped or not, carries the runtime's table of its
 * functions: entry address, end, name. No C library reads it, so this small
 * module does, per the layout each Go release documents in
 * runtime/symtab.go (pcHeader, functab, _func):
 *
 *   magic       release   functab entry                    entry address
 *   0xfffffffa  1.16-1.17 {entry uintptr, funcoff uintptr}  absolute
 *   0xfffffff0  1.18-1.19 {entryoff uint32, funcoff uint32} textStart + entryoff
 *   0xfffffff1  1.20-     as 1.18
 *
 * The header's offsets count from the header; funcoff counts from the
 * functab's table (pclnOffset); a _func's second field is its name's offset
 * in funcnametab. The reader knows nothing of ELF: it gets the table's bytes,
 * so the fuzz harness can drive it directly. Every offset is checked against
 * the buffer before it is followed. */
#ifndef SK_EXTRACT_GOPCLNTAB_H
#define SK_EXTRACT_GOPCLNTAB_H

#include <stddef.h>
#include <stdint.h>

struct xgo_func {
	uint64_t entry, end;
	const char *name; /* points into the table's buffer */
	int32_t args;     /* bytes of arguments, results and register spills in the
			     caller's frame; -1 unknown (assembly) */
};

struct xgo {
	unsigned version;    /* 116, 118 or 120: the first release of the layout */
	uint64_t text_start; /* the base of entry offsets (1.18+), else the lowest entry */
	struct xgo_func *funcs; /* sorted by entry, non-overlapping */
	size_t n;
	size_t table_len;    /* bytes of the buffer the table spans */
};

/* Parse the table at BUF (LEN bytes available from its header on).
 * TEXT_START replaces the header's textStart when that is 0 (a PIE keeps it
 * in a relocation). Returns 0; -EINVAL with *WHY set for a malformed table;
 * -ENOTSUP for a layout older than Go 1.16; -ENOMEM. */
int xgo_parse(const uint8_t *buf, size_t len, uint64_t text_start, struct xgo *g,
	      const char **why);
void xgo_free(struct xgo *g);

/* The offset of the next plausible header (a known magic, pads 0, minLC 1,
 * pointer size 8) in BUF at or after FROM, 8-byte aligned; -1 when none. */
long xgo_find(const uint8_t *buf, size_t len, size_t from);

#endif
