/* SPDX-License-Identifier: Apache-2.0 */
/* Names for the library code inside a stripped static program, from the
 * static library it was linked from.
 *
 * A static program holds its libc's functions byte for byte as they are in
 * libc.a, but for the fields the linker filled (call targets, addresses):
 * an archive member's function, its relocated fields masked, either is in
 * the program at the start of a function its unwind table bounds (FDEs
 * bound each libc function exactly) or is not. Debian's busybox-static is
 * such a program: its symbols are gone, its glibc is Debian's libc.a.
 *
 * Names decide reachability in a few places (graph.c's gates: glibc's
 * priority-protection code runs only in a program that can make such a
 * mutex, which only pthread_mutexattr_setprotocol can), so a name must be
 * right, and its absence must mean something:
 *   - a function of the program is named only when exactly one function
 *     body of the archive (its aliases aside) matches it whole;
 *   - the archive is the program's libc only when, beyond many matches, the
 *     program's calls agree with the archive's: every call a matched
 *     function makes to a function the archive defines lands on a function
 *     matched to that name (or on no matched function: an IFUNC's PLT slot).
 *     A libc of another build or version matches few functions whole, and
 *     its calls land elsewhere; then no name is taken at all.
 * What is then absent from the program is absent from its libc: a member of
 * the same build would be byte for byte this one. */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* Matches below this many, or calls that disagree, and the archive is not
 * taken for the program's libc. */
#define MIN_MATCHES 64
/* What a hostile archive may cost: relocations visited per member (a body's
 * relocations are those of its section: a member of many functions and many
 * relocations would be quadratic), bodies of one size compared with one
 * function (glibc's largest run of one size is 181 symbols). */
#define MEMBER_WORK (1u << 24)
#define SAME_SIZE 1024

/* A function of the archive: its bytes and which of them relocations fill. */
struct body {
	const uint8_t *code; /* in the archive's member */
	uint8_t *mask;       /* 1: filled at link time */
	uint64_t size;
	size_t first_call, n_calls; /* into calls[] */
	size_t first_name, n_names; /* into names[], once sorted */
};

/* A name of a body (aliases share one: sched_setscheduler and
 * __sched_setscheduler). */
struct name {
	size_t body;
	const char *name; /* in the member's string table */
};

/* A call or jump (PC32/PLT32) from a body to a named function. */
struct call {
	uint64_t off;      /* of the 4-byte field, from the body's start */
	int64_t addend;
	const char *name;  /* in the member's string table */
};

struct arch {
	struct body *b;
	size_t n_b, cap_b;
	struct name *names; /* by body, once read */
	size_t n_names, cap_names;
	struct call *calls;
	size_t n_calls, cap_calls;
	Elf **elves; /* members kept open while names point into them */
	size_t n_elves, cap_elves;
};

/* One relocatable member: its function symbols, grouped by body. */
static int member(struct arch *a, Elf *elf)
{
	size_t first = a->n_b; /* this member's bodies, where its aliases are */
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh) || eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
		return 0;
	size_t nsec;
	if (elf_getshdrnum(elf, &nsec) != 0 || nsec == 0 || nsec > 65536)
		return 0;
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr symsh = {0};
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			symscn = scn, symsh = sh;
	}
	Elf_Data *syms = symscn ? elf_getdata(symscn, NULL) : NULL;
	if (!syms || !symsh.sh_entsize)
		return 0;
	size_t nsym = symsh.sh_size / symsh.sh_entsize, work = 0;
	for (size_t i = 1; i < nsym; i++) {
		GElf_Sym s;
		if (!gelf_getsym(syms, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    !s.st_size || s.st_shndx == SHN_UNDEF || s.st_shndx >= nsec)
			continue;
		const char *name = elf_strptr(elf, symsh.sh_link, s.st_name);
		Elf_Scn *text = elf_getscn(elf, s.st_shndx);
		GElf_Shdr tsh;
		Elf_Data *td = text ? elf_getdata(text, NULL) : NULL;
		if (!name || !*name || !td || !gelf_getshdr(text, &tsh) ||
		    tsh.sh_type != SHT_PROGBITS || !(tsh.sh_flags & SHF_EXECINSTR) ||
		    s.st_value > td->d_size || s.st_size > td->d_size - s.st_value)
			continue;
		const uint8_t *code = (const uint8_t *)td->d_buf + s.st_value;
		size_t alias = first; /* another name of a body of this member */
		if ((work += a->n_b - first) > MEMBER_WORK)
			return 1;
		while (alias < a->n_b && !(a->b[alias].code == code && a->b[alias].size == s.st_size))
			alias++;
		if (alias < a->n_b) {
			if (SK_GROW(a->names, a->cap_names, a->n_names) < 0)
				return -ENOMEM;
			a->names[a->n_names++] = (struct name){alias, name};
			continue;
		}
		uint8_t *mask = calloc(s.st_size, 1);
		if (!mask || SK_GROW(a->b, a->cap_b, a->n_b) < 0 ||
		    SK_GROW(a->names, a->cap_names, a->n_names) < 0) {
			free(mask);
			return -ENOMEM;
		}
		struct body *b = &a->b[a->n_b++];
		*b = (struct body){.code = code, .mask = mask, .size = s.st_size,
				   .first_call = a->n_calls};
		a->names[a->n_names++] = (struct name){a->n_b - 1, name};
		/* the fields relocations of this section fill, within the body */
		Elf_Scn *r = NULL;
		while ((r = elf_nextscn(elf, r))) {
			GElf_Shdr rsh;
			if (++work > MEMBER_WORK)
				return 1;
			if (!gelf_getshdr(r, &rsh) || rsh.sh_type != SHT_RELA || rsh.sh_info != s.st_shndx)
				continue;
			Elf_Data *rd = elf_getdata(r, NULL);
			Elf_Data *rsyms = rsh.sh_link == elf_ndxscn(symscn) ? syms : NULL;
			size_t nr = rd && rsh.sh_entsize ? rd->d_size / rsh.sh_entsize : 0;
			if ((work += nr) > MEMBER_WORK)
				return 1; /* no compiler's member */
			for (size_t k = 0; k < nr; k++) {
				GElf_Rela rel;
				if (!gelf_getrela(rd, (int)k, &rel) || rel.r_offset < s.st_value ||
				    rel.r_offset >= s.st_value + s.st_size)
					continue;
				uint32_t type = GELF_R_TYPE(rel.r_info);
				uint64_t off = rel.r_offset - s.st_value;
				uint64_t len = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
				/* the linker may rewrite the instruction around a GOT or
				 * TLS access to a direct one (mov -> lea, call *GOT ->
				 * addr32 call): its prefix, opcode and ModRM too */
				uint64_t from = off;
				if (type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
				    type == R_X86_64_REX_GOTPCRELX || type == R_X86_64_GOTTPOFF)
					from = off >= 3 ? off - 3 : 0;
				for (uint64_t j = from; j < off + len && j < s.st_size; j++)
					mask[j] = 1;
				GElf_Sym t;
				if ((type != R_X86_64_PLT32 && type != R_X86_64_PC32) || !rsyms ||
				    !gelf_getsym(rsyms, (int)GELF_R_SYM(rel.r_info), &t) ||
				    GELF_ST_TYPE(t.st_info) == STT_SECTION || off + 4 > s.st_size)
					continue;
				const char *tn = elf_strptr(elf, symsh.sh_link, t.st_name);
				if (!tn || !*tn)
					continue;
				if (SK_GROW(a->calls, a->cap_calls, a->n_calls) < 0)
					return -ENOMEM;
				a->calls[a->n_calls++] = (struct call){off, rel.r_addend, tn};
			}
		}
		b->n_calls = a->n_calls - b->first_call;
	}
	return 0;
}

/* Every member of the ar archive DATA. */
static int read_archive(struct arch *a, char *data, size_t len, const char **why)
{
	if (len < 8 || memcmp(data, "!<arch>\n", 8)) {
		*why = "not an ar archive";
		return 1;
	}
	for (size_t off = 8; off + 60 <= len;) {
		const char *h = data + off;
		char sz[11] = {0};
		memcpy(sz, h + 48, 10);
		char *end;
		unsigned long long size = strtoull(sz, &end, 10);
		if (end == sz || memcmp(h + 58, "`\n", 2) || size > len - off - 60) {
			*why = "truncated or corrupt: a member's header or size is wrong";
			return 1;
		}
		char *m = data + off + 60;
		/* the index ("/", "/SYM64/") and the long names ("//") are no
		 * objects; a member with a long name is "/123" */
		bool special = h[0] == '/' && (h[1] == ' ' || h[1] == '/' || h[1] == 'S');
		if (!special && size >= 4 && !memcmp(m, ELFMAG, 4)) {
			Elf *elf = elf_memory(m, size);
			if (elf && SK_GROW(a->elves, a->cap_elves, a->n_elves) < 0) {
				elf_end(elf);
				return -ENOMEM;
			}
			if (elf) {
				a->elves[a->n_elves++] = elf;
				int rc = member(a, elf);
				if (rc == 1)
					*why = "a member has more functions and relocations than any library's";
				if (rc != 0)
					return rc;
			}
		}
		off += 60 + size + (size & 1);
	}
	return 0;
}

static void arch_free(struct arch *a)
{
	for (size_t i = 0; i < a->n_b; i++)
		free(a->b[i].mask);
	for (size_t i = 0; i < a->n_elves; i++)
		elf_end(a->elves[i]);
	free(a->b);
	free(a->names);
	free(a->calls);
	free(a->elves);
}

static int cmp_name(const void *x, const void *y)
{
	const struct name *p = x, *q = y;
	return p->body < q->body ? -1 : p->body > q->body;
}

/* Each body's names, together. */
static void index_names(struct arch *a)
{
	if (a->n_names)
		qsort(a->names, a->n_names, sizeof *a->names, cmp_name);
	for (size_t i = 0; i < a->n_names; i++) {
		struct body *b = &a->b[a->names[i].body];
		if (!b->n_names)
			b->first_name = i;
		b->n_names++;
	}
}

/* Bodies by size, to find those of a function's size (sorted by xcmp_lead:
 * the size comes first). */
struct sized {
	uint64_t size;
	size_t body;
};

static bool same(const struct body *b, const uint8_t *code)
{
	for (uint64_t i = 0; i < b->size; i++)
		if (!b->mask[i] && b->code[i] != code[i])
			return false;
	return true;
}

/* A program's function and the body it matched (sorted by xcmp_lead). */
struct match {
	uint64_t start;
	size_t body;
};

/* The body matched at ADDR, or SIZE_MAX. */
static size_t body_at(const struct match *m, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].start == addr)
			return m[mid].body;
		if (m[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static bool has_name(const struct arch *a, const struct body *b, const char *name)
{
	for (size_t i = 0; i < b->n_names; i++)
		if (!strcmp(a->names[b->first_name + i].name, name))
			return true;
	return false;
}

/* Do the matched functions' calls land where the archive says? */
static bool calls_agree(const struct arch *a, const struct xelf *e, const struct match *m,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct body *b = &a->b[m[i].body];
		for (size_t k = 0; k < b->n_calls; k++) {
			const struct call *c = &a->calls[b->first_call + k];
			const uint8_t *f = xelf_at(e, m[i].start + c->off, 4);
			if (!f)
				return false;
			int32_t rel;
			memcpy(&rel, f, 4);
			/* field = S + A - P, so S = field - A + P */
			uint64_t target = m[i].start + c->off + (uint64_t)(int64_t)rel - (uint64_t)c->addend;
			size_t t = body_at(m, n, target);
			if (t != SIZE_MAX && !has_name(a, &a->b[t], c->name))
				return false;
		}
	}
	return true;
}

/* The function each FDE bounds, matched against the bodies: exactly one
 * body (with its aliases) must match it whole. */
static int match_all(const struct arch *a, const struct xelf *e, const struct xrange *fde,
		     size_t n_fde, struct match **m, size_t *n)
{
	struct sized *v = malloc((a->n_b + 1) * sizeof *v);
	size_t cap = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < a->n_b; i++)
		v[i] = (struct sized){a->b[i].size, i};
	if (a->n_b)
		qsort(v, a->n_b, sizeof *v, xcmp_lead);
	for (size_t f = 0; f < n_fde; f++) {
		uint64_t size = fde[f].end - fde[f].start;
		const uint8_t *code = size ? xelf_at(e, fde[f].start, size) : NULL;
		size_t lo = 0, hi = a->n_b, hit = SIZE_MAX;
		bool twice = false;
		while (lo < hi) { /* the first body of this size */
			size_t mid = lo + (hi - lo) / 2;
			if (v[mid].size < size)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t last = lo + SAME_SIZE < a->n_b ? lo + SAME_SIZE : a->n_b;
		if (last < a->n_b && v[last].size == size)
			continue; /* more bodies of this size than a libc has: unnamed */
		for (size_t i = lo; code && i < last && v[i].size == size; i++)
			if (same(&a->b[v[i].body], code)) {
				twice |= hit != SIZE_MAX; /* two bodies alike: which is it? */
				hit = v[i].body;
			}
		if (hit == SIZE_MAX || twice)
			continue;
		if (SK_GROW(*m, cap, *n) < 0) {
			free(v);
			return -ENOMEM;
		}
		(*m)[(*n)++] = (struct match){fde[f].start, hit};
	}
	free(v);
	if (*n)
		qsort(*m, *n, sizeof **m, xcmp_lead);
	return 0;
}

/* A symbol for each name of each match; the names in one pool E owns. */
static int add_symbols(struct xelf *e, const struct arch *a, const struct match *m, size_t n)
{
	size_t bytes = 1, cap = e->n_syms, n_old = e->n_syms;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < a->b[m[i].body].n_names; k++)
			bytes += strlen(a->names[a->b[m[i].body].first_name + k].name) + 1;
	char *pool = malloc(bytes);
	if (!pool)
		return -ENOMEM;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const struct body *b = &a->b[m[i].body];
		for (size_t k = 0; k < b->n_names; k++) {
			const char *nm = a->names[b->first_name + k].name;
			size_t l = strlen(nm) + 1;
			if (SK_GROW(e->syms, cap, e->n_syms) < 0) {
				e->n_syms = n_old; /* none of them, rather than some */
				free(pool);
				return -ENOMEM;
			}
			memcpy(pool + at, nm, l);
			e->syms[e->n_syms++] = (struct xsym){.name = pool + at, .value = m[i].start,
							     .size = b->size, .type = STT_FUNC,
							     .bind = STB_GLOBAL, .defined = true};
			at += l;
		}
	}
	free(e->arch_names);
	e->arch_names = pool;
	return 0;
}

int xelf_add_archive_names(struct xelf *e, char *data, size_t len, size_t *named,
			   const char **why)
{
	struct arch a = {0};
	struct xrange *fde = NULL;
	struct match *m = NULL;
	size_t n_fde = 0, cap_fde = 0, n = 0;
	*named = 0;
	*why = "libelf cannot be used";
	int rc = elf_version(EV_CURRENT) == EV_NONE ? 1 : read_archive(&a, data, len, why);
	if (rc == 0) {
		index_names(&a);
		rc = xeh_functions(e, &fde, &n_fde, &cap_fde);
	}
	if (rc == 0)
		rc = match_all(&a, e, fde, n_fde, &m, &n);
	if (rc == 0 && n < MIN_MATCHES) {
		*why = NULL; /* another libc (musl), or Go: nothing to say */
		rc = 1;
	} else if (rc == 0 && !calls_agree(&a, e, m, n)) {
		*why = "the program's calls do not land where the archive's functions call";
		rc = 1;
	}
	if (rc == 0)
		rc = add_symbols(e, &a, m, n);
	if (rc == 0)
		*named = n;
	free(m);
	free(fde);
	arch_free(&a);
	return rc;
}
