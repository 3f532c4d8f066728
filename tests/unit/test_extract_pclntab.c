/* SPDX-License-Identifier: Apache-2.0 */
/* Go's function table reader (lib/extract/gopclntab.c) on tables laid out
 * as each Go release writes them (runtime/symtab.go: pcHeader, functab,
 * _func), built here byte by byte: the Go 1.16, 1.18 and 1.20 layouts, and
 * every way a table can be cut short or point out of itself. Debian's Go
 * 1.19 binaries are read in tests/e2e/extract_go.sh. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extract/gopclntab.h"

#define TEXT 0x401000u

struct tab {
	uint8_t b[4096];
	size_t len;
};

static void put(struct tab *t, size_t off, uint64_t v, unsigned n)
{
	memcpy(t->b + off, &v, n);
	if (off + n > t->len)
		t->len = off + n;
}

static const char *const names[] = {"runtime.main", "main.main", "syscall.Syscall"};
static const uint32_t starts[] = {0x0, 0x120, 0x300}, end = 0x380;
static const int32_t args[] = {0, 0, 32};

/* A table in the layout of VERSION (116, 118, 120) with the three functions
 * above; offsets in the header as the runtime's pcHeader has them. */
static void build(struct tab *t, unsigned version)
{
	memset(t, 0, sizeof *t);
	uint32_t magic = version == 116 ? 0xfffffffa : version == 118 ? 0xfffffff0 : 0xfffffff1;
	put(t, 0, magic, 4);
	t->b[6] = 1; /* minLC */
	t->b[7] = 8; /* ptrSize */
	size_t hdr = version == 116 ? 64 : 72, names_at = hdr, pcln;
	put(t, 8, 3, 8); /* nfunc */
	size_t at = names_at;
	uint32_t nameoff[3];
	for (int i = 0; i < 3; i++) {
		nameoff[i] = (uint32_t)(at - names_at);
		memcpy(t->b + at, names[i], strlen(names[i]) + 1);
		at += strlen(names[i]) + 1;
	}
	pcln = (at + 7) & ~(size_t)7;
	size_t width = version == 116 ? 16 : 8, funcs = pcln + 4 * width;
	if (version == 116) {
		put(t, 24, names_at, 8); /* funcnameOffset */
		put(t, 56, pcln, 8);     /* pclnOffset */
	} else {
		put(t, 24, TEXT, 8);     /* textStart */
		put(t, 32, names_at, 8);
		put(t, 64, pcln, 8);
	}
	for (int i = 0; i <= 3; i++) {
		uint64_t entry = i < 3 ? starts[i] : end;
		uint64_t fo = funcs - pcln + (uint64_t)i * 40;
		if (version == 116) {
			put(t, pcln + i * 16, TEXT + entry, 8);
			put(t, pcln + i * 16 + 8, fo, 8);
		} else {
			put(t, pcln + i * 8, entry, 4);
			put(t, pcln + i * 8 + 4, fo, 4);
		}
		if (i == 3)
			break;
		size_t f = pcln + fo; /* _func: entry, nameoff, args */
		if (version == 116) {
			put(t, f, TEXT + entry, 8);
			put(t, f + 8, nameoff[i], 4);
			put(t, f + 12, (uint32_t)args[i], 4);
		} else {
			put(t, f, entry, 4);
			put(t, f + 4, nameoff[i], 4);
			put(t, f + 8, (uint32_t)args[i], 4);
		}
	}
	t->len = funcs + 3 * 40;
}

static void check(unsigned version)
{
	struct tab t;
	build(&t, version);
	struct xgo g;
	const char *why = NULL;
	cr_assert_eq(xgo_parse(t.b, t.len, 0, &g, &why), 0, "%u: %s", version, why);
	cr_expect_eq(g.version, version);
	cr_expect_eq(g.text_start, TEXT);
	cr_assert_eq(g.n, 3);
	for (int i = 0; i < 3; i++) {
		cr_expect_str_eq(g.funcs[i].name, names[i]);
		cr_expect_eq(g.funcs[i].entry, TEXT + starts[i]);
		cr_expect_eq(g.funcs[i].end, TEXT + (i < 2 ? starts[i + 1] : end));
		cr_expect_eq(g.funcs[i].args, args[i]);
	}
	cr_expect_geq(g.table_len, t.len - 40);
	xgo_free(&g);
}

Test(pclntab, go116)
{
	check(116);
}

Test(pclntab, go118)
{
	check(118);
}

Test(pclntab, go120)
{
	check(120);
}

Test(pclntab, pie_text_start_from_the_caller)
{
	struct tab t;
	build(&t, 120);
	put(&t, 24, 0, 8); /* a PIE: textStart is in a relocation, 0 in the file */
	struct xgo g;
	const char *why;
	cr_assert_eq(xgo_parse(t.b, t.len, 0x555555554000, &g, &why), 0);
	cr_expect_eq(g.funcs[0].entry, 0x555555554000);
	xgo_free(&g);
}

Test(pclntab, older_layouts_are_not_read)
{
	struct tab t;
	build(&t, 118);
	put(&t, 0, 0xfffffffb, 4); /* Go 1.2-1.15 */
	struct xgo g;
	const char *why = NULL;
	cr_expect_eq(xgo_parse(t.b, t.len, 0, &g, &why), -ENOTSUP);
	cr_expect(why && strstr(why, "1.16"));
}

/* Every prefix of a valid table: refused or read, never read out of bounds
 * (ASan in CI), and never a table of functions beyond the prefix. */
Test(pclntab, every_truncation)
{
	for (unsigned v = 116; v <= 120; v += 2) {
		struct tab t;
		build(&t, v);
		for (size_t n = 0; n < t.len; n++) {
			uint8_t *copy = malloc(n ? n : 1);
			memcpy(copy, t.b, n);
			struct xgo g;
			const char *why;
			int rc = xgo_parse(copy, n, 0, &g, &why);
			cr_expect(rc == -EINVAL || rc == 0, "%u at %zu: %d", v, n, rc);
			if (rc == 0)
				xgo_free(&g);
			free(copy);
		}
	}
}

Test(pclntab, offsets_out_of_the_table)
{
	struct xgo g;
	const char *why = NULL;
	struct tab t;
	build(&t, 118);
	put(&t, 8, 5000000, 8); /* nfunc */
	cr_expect_eq(xgo_parse(t.b, t.len, 0, &g, &why), -EINVAL);
	build(&t, 118);
	put(&t, 32, 100000, 8); /* funcnameOffset */
	cr_expect_eq(xgo_parse(t.b, t.len, 0, &g, &why), -EINVAL);
	build(&t, 118);
	size_t pcln = 0;
	memcpy(&pcln, t.b + 64, 8);
	put(&t, pcln + 8, 0x10, 4); /* the second entry before the first's end */
	put(&t, pcln + 0, 0x100, 4);
	cr_expect_eq(xgo_parse(t.b, t.len, 0, &g, &why), -EINVAL);
	cr_expect(why && strstr(why, "ascending"), "%s", why);
	build(&t, 118);
	uint32_t fo;
	memcpy(&fo, t.b + pcln + 4, 4);
	put(&t, pcln + fo + 4, 0x7fffffff, 4); /* a name far away */
	cr_expect_eq(xgo_parse(t.b, t.len, 0, &g, &why), -EINVAL);
	build(&t, 118);
	t.b[7] = 4; /* a 32-bit program's table */
	cr_expect_eq(xgo_parse(t.b, t.len, 0, &g, &why), -EINVAL);
}

Test(pclntab, found_by_its_magic)
{
	struct tab t;
	build(&t, 120);
	uint8_t *buf = calloc(1, 64 + t.len);
	memcpy(buf + 64, t.b, t.len);
	buf[8] = 0xf1, buf[9] = 0xff, buf[10] = 0xff, buf[11] = 0xff; /* a magic, no header */
	cr_expect_eq(xgo_find(buf, 64 + t.len, 0), 64);
	cr_expect_eq(xgo_find(buf, 64 + t.len, 65), -1);
	free(buf);
}
