/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-call binaries (busybox): one file, hundreds of programs ("applets"),
 * the one that runs chosen by the name the file is started as (argv[0], the
 * symlink /bin/ls -> busybox) or by its first argument (`busybox ls`).
 *
 * Analysed whole, such a binary reaches every applet: its dispatcher calls
 * through a table of every applet's main function. Told which applet runs,
 * the analysis can start from that applet's main instead; this file finds
 * the two tables that make this possible, from the binary's structure alone
 * (Debian's busybox-static is stripped):
 *
 *   - the names: NUL-separated, non-empty printable strings in ascending
 *     strcmp order (the dispatcher searches them by bisection), ended by an
 *     empty string (the string literal's own NUL after the last name's);
 *   - the mains: as many consecutive pointer-sized words as there are names,
 *     each the address of code, the i-th name's main function in the i-th
 *     word; no code pointer right before or after it (an array of exactly
 *     that length).
 *
 * A name may precede the table's first name and still sort before it, so the
 * names' start is not certain from the strings alone: every start the order
 * allows is tried, and a pair counts when its count matches an array of code
 * pointers and code refers to both starts (the dispatcher searches the names
 * and indexes the mains). Exactly one pair must: anything ambiguous is "not
 * recognised", and the binary is then analysed whole, which is sound. What the table means for
 * reachability (the chosen main as an entry; the table's pointers cut unless
 * the applet itself can dispatch through it) is graph.c's. */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* A run of code pointers: N words from START. */
struct run {
	uint64_t start;
	size_t n;
};

/* The code address stored in the pointer-sized word at A once the loader is
 * done (a relocated slot in a PIE, the raw word in a fixed-address program),
 * or 0 when it holds none. */
static uint64_t code_word(const struct xobj *o, uint64_t a)
{
	const struct xslot *s = xobj_slot(o, a);
	uint64_t w = 0;
	if (s) {
		w = s->import == XT_NONE && !s->ifunc ? s->local : 0;
	} else if (!o->elf.dyn) {
		const uint8_t *b = xelf_at(&o->elf, a, 8);
		if (b)
			memcpy(&w, b, 8);
	}
	return w && xelf_exec(&o->elf, w) ? w : 0;
}

static int add_run(struct run **v, size_t *n, size_t *cap, uint64_t end, size_t len)
{
	if (len < 2)
		return 0;
	if (SK_GROW(*v, *cap, *n) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = (struct run){end - 8 * len, len};
	return 0;
}

/* Every maximal run of at least two code pointers in [START, END). */
static int runs_in(const struct xobj *o, uint64_t start, uint64_t end, struct run **v,
		   size_t *n, size_t *cap)
{
	size_t len = 0;
	uint64_t a = (start + 7) & ~7ull;
	for (; a + 8 <= end; a += 8) {
		if (code_word(o, a)) {
			len++;
			continue;
		}
		if (add_run(v, n, cap, a, len) < 0)
			return -ENOMEM;
		len = 0;
	}
	return add_run(v, n, cap, a, len);
}

/* The runs of the file's data, section by section where it has sections (a
 * section's end ends an array: .init_array's pointers run on into
 * .data.rel.ro's in the file), else segment by segment. */
static int code_runs(const struct xobj *o, struct run **v, size_t *n)
{
	size_t cap = 0;
	int rc = 0;
	*n = 0;
	for (size_t i = 0; rc == 0 && i < o->elf.n_secs; i++) {
		const struct xsec *s = &o->elf.secs[i];
		if ((s->flags & SHF_ALLOC) && !(s->flags & SHF_EXECINSTR) && s->type != SHT_NOBITS &&
		    s->size >= 16 && xelf_at(&o->elf, s->addr, s->size))
			rc = runs_in(o, s->addr, s->addr + s->size, v, n, &cap);
	}
	for (size_t i = 0; rc == 0 && !o->elf.n_secs && i < o->elf.n_segs; i++) {
		const struct xseg *s = &o->elf.segs[i];
		if (!(s->flags & PF_X) && s->filesz >= 16)
			rc = runs_in(o, s->vaddr, s->vaddr + s->filesz, v, n, &cap);
	}
	return rc;
}

static bool printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return len > 0;
}

/* The names run through NAME at B[P] (its bytes B[0..LEN)): the tokens from P
 * to the empty string that ends the table, in order; -1 when they are not
 * one. *AFTER gets how many from P on (NAME included), *DUP how many equal
 * NAME in a row (a name listed twice maps to both mains). */
static int forward(const char *b, size_t len, size_t p, size_t *after, size_t *dup)
{
	const char *prev = NULL;
	*after = *dup = 0;
	while (p < len) {
		const char *nul = memchr(b + p, 0, len - p);
		if (!nul)
			return -1;
		size_t tl = (size_t)(nul - (b + p));
		if (!tl)
			return *after >= 1 ? 0 : -1;
		if (!printable(b + p, tl) || (prev && strcmp(prev, b + p) > 0))
			return -1;
		if (!prev || (*dup == *after && !strcmp(prev, b + p)))
			(*dup)++;
		prev = b + p;
		(*after)++;
		p += tl + 1;
	}
	return -1;
}

/* The start of the token that ends at B[END - 1] (a NUL), or SIZE_MAX. */
static size_t token_before(const char *b, size_t end)
{
	if (end < 2 || b[end - 1] || !b[end - 2])
		return SIZE_MAX;
	size_t s = end - 1;
	while (s > 0 && b[s - 1])
		s--;
	return s;
}

/* Code refers to ADDR: a rip-relative displacement (followed by up to four
 * bytes of immediate) or, in a fixed-address program, an absolute one. A
 * byte-wise search, not a decode: it only has to rule out a pair of tables
 * that no code uses, which a coincidence of lengths can produce. */
static bool referenced(const struct xobj *o, uint64_t addr)
{
	for (size_t i = 0; i < o->elf.n_segs; i++) {
		const struct xseg *s = &o->elf.segs[i];
		const uint8_t *b = xelf_at(&o->elf, s->vaddr, s->filesz);
		if (!(s->flags & PF_X) || !b)
			continue;
		for (uint64_t k = 0; k + 4 <= s->filesz; k++) {
			int32_t v;
			memcpy(&v, b + k, 4);
			uint64_t next = s->vaddr + k + 4 + (uint64_t)(int64_t)v;
			if (addr - next <= 4 || (!o->elf.dyn && (uint64_t)(int64_t)v == addr))
				return true;
		}
	}
	return false;
}

struct found {
	struct xapplet a;
	size_t count; /* how many (names, table) pairs matched */
};

/* Try every start the order allows for the names run through B[P]. */
static void try_run(const struct xobj *o, uint64_t base, const char *b, size_t len, size_t p,
		    const struct run *runs, size_t n_runs, struct found *f)
{
	size_t after, dup, prev = token_before(b, p);
	if (prev != SIZE_MAX && !strcmp(b + prev, b + p))
		return; /* a name listed twice: its first place counts */
	if (forward(b, len, p, &after, &dup) < 0)
		return;
	size_t start = p, before = 0;
	for (;;) {
		size_t total = before + after;
		for (size_t r = 0; total >= 2 && r < n_runs; r++) {
			if (runs[r].n != total || (f->count && f->a.names == base + start &&
						   f->a.table == runs[r].start))
				continue;
			if (!referenced(o, base + start) || !referenced(o, runs[r].start))
				continue;
			if (f->count++)
				continue; /* ambiguous: the caller refuses it */
			f->a.names = base + start;
			f->a.table = runs[r].start;
			f->a.n = (uint32_t)total;
			f->a.idx = (uint32_t)before;
			f->a.dup = (uint32_t)dup;
		}
		size_t s = token_before(b, start);
		if (s == SIZE_MAX || !printable(b + s, start - 1 - s) || strcmp(b + s, b + start) > 0)
			break;
		start = s;
		before++;
	}
}

int xapplet_find(const struct xobj *o, const char *name, struct xapplet *out)
{
	size_t nl = strlen(name);
	if (!nl || !printable(name, nl))
		return 1;
	struct run *runs = NULL;
	size_t n_runs = 0;
	int rc = code_runs(o, &runs, &n_runs);
	struct found f = {0};
	for (size_t i = 0; rc == 0 && n_runs && i < o->elf.n_segs; i++) {
		const struct xseg *s = &o->elf.segs[i];
		const char *b = (const char *)xelf_at(&o->elf, s->vaddr, s->filesz);
		if ((s->flags & PF_X) || !b)
			continue;
		for (size_t p = 0; p + nl < s->filesz;) {
			const char *hit = memmem(b + p, s->filesz - p, name, nl + 1);
			if (!hit)
				break;
			size_t at = (size_t)(hit - b);
			if (at == 0 || !b[at - 1])
				try_run(o, s->vaddr, b, s->filesz, at, runs, n_runs, &f);
			p = at + 1;
		}
	}
	free(runs);
	if (rc < 0)
		return rc;
	if (f.count != 1)
		return 1;
	*out = f.a;
	for (uint32_t k = 0; k < out->dup && k < XAPPLET_MAINS; k++)
		out->main[out->n_main++] = code_word(o, out->table + 8 * (out->idx + k));
	return 0;
}

int xapplet_mains(const struct xobj *o, uint64_t **v, size_t *n, size_t *cap)
{
	for (uint32_t i = 0; xapplet_on(o) && i < o->applet.n; i++) {
		uint64_t w = code_word(o, o->applet.table + 8ull * i);
		if (!w)
			continue;
		if (SK_GROW(*v, *cap, *n) < 0)
			return -ENOMEM;
		(*v)[(*n)++] = w;
	}
	return 0;
}

bool xapplet_on(const struct xobj *o)
{
	return o->applet.name[0] && !o->applet.whole;
}

/* Several programs of one extraction may be the same file started as
 * different applets (their union), or as itself: then all of it counts. */
int xapplet_choose(struct xobj *o, const char *name)
{
	struct xapplet *ap = &o->applet, a = {0};
	int rc = name ? xapplet_find(o, name, &a) : 1;
	if (rc != 0) {
		ap->whole = true;
		return rc;
	}
	size_t used = strlen(ap->name);
	if (!used) {
		*ap = a;
	} else if (a.table != ap->table || used + 2 + strlen(name) >= sizeof ap->name ||
		   ap->n_main + a.n_main > XAPPLET_MAINS) {
		ap->whole = true; /* tables that disagree, or too many names: stay sound */
		return 0;
	} else {
		for (uint32_t i = 0; i < a.n_main; i++)
			ap->main[ap->n_main++] = a.main[i];
	}
	used = strlen(ap->name);
	snprintf(ap->name + used, sizeof ap->name - used, "%s%s", used ? ", " : "", name);
	return 0;
}
