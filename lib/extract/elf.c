/* SPDX-License-Identifier: Apache-2.0 */
/* An ELF file in memory, read through libelf: the tables the analysis needs,
 * copied out once into plain arrays (struct xelf), so that no later step
 * touches libelf or trusts an offset the file gave.
 *
 * The file is input: anything but a 64-bit little-endian x86-64 executable or
 * shared object is refused with a sentence naming what it is (an aarch64
 * program, a 32-bit i386 one, an object file, a core dump), and a header
 * that points past the end of the file is "truncated or corrupt", never a
 * read out of bounds. */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

static const struct {
	unsigned machine;
	const char *name;
} machines[] = {
	{EM_X86_64, "x86-64"}, {EM_386, "i386"},          {EM_AARCH64, "aarch64"},
	{EM_ARM, "arm"},       {EM_RISCV, "riscv"},       {EM_PPC64, "ppc64"},
	{EM_PPC, "ppc"},       {EM_S390, "s390"},         {EM_MIPS, "mips"},
	{EM_LOONGARCH, "loongarch"}, {EM_SPARCV9, "sparc64"}, {EM_IA_64, "ia64"},
	{EM_PARISC, "parisc"}, {EM_SH, "sh"},             {EM_68K, "m68k"},
	{EM_BPF, "bpf"},
};

const char *xelf_machine_name(unsigned machine)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
		if (machines[i].machine == machine)
			return machines[i].name;
	return NULL;
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct sk_diags *d, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_diags_vadd(d, SK_SEV_ERROR, path, 0, 0, "extract-input", fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/* What the file is, when it is not what extract reads. */
static int check_ident(const struct xelf *e, Elf *elf, struct sk_diags *d)
{
	if (e->size < EI_NIDENT || memcmp(e->data, ELFMAG, SELFMAG))
		return refuse(d, e->path, "not an ELF file%s (extract reads x86-64 Linux programs)",
			      e->size >= 2 && e->data[0] == '#' && e->data[1] == '!' ? " but a script" : "");
	if (elf_kind(elf) != ELF_K_ELF)
		return refuse(d, e->path, "a corrupt ELF header");
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		return refuse(d, e->path, "truncated or corrupt ELF header: %s", elf_errmsg(-1));
	const char *m = xelf_machine_name(eh.e_machine);
	char num[32];
	if (!m) {
		snprintf(num, sizeof num, "machine %u", eh.e_machine);
		m = num;
	}
	if (eh.e_machine != EM_X86_64)
		return refuse(d, e->path, "an ELF file for %s; extract reads x86-64 programs only", m);
	if (e->data[EI_CLASS] != ELFCLASS64)
		return refuse(d, e->path, "a 32-bit ELF file (x32 or i386 code); extract reads x86-64 programs only");
	if (e->data[EI_DATA] != ELFDATA2LSB)
		return refuse(d, e->path, "a big-endian ELF file; x86-64 is little-endian");
	if (eh.e_type == ET_REL)
		return refuse(d, e->path, "an object file (.o), not a linked program");
	if (eh.e_type == ET_CORE)
		return refuse(d, e->path, "a core dump, not a program");
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return refuse(d, e->path, "an ELF file of an unknown type");
	return 0;
}

static int read_segments(struct xelf *e, Elf *elf, struct sk_diags *d)
{
	size_t n;
	GElf_Ehdr eh;
	gelf_getehdr(elf, &eh);
	if (eh.e_phoff > e->size || (uint64_t)eh.e_phnum * eh.e_phentsize > e->size - eh.e_phoff)
		return refuse(d, e->path, "truncated or corrupt: the program headers lie past the "
			      "end of the file");
	if (elf_getphdrnum(elf, &n) != 0)
		return refuse(d, e->path, "truncated or corrupt program headers: %s", elf_errmsg(-1));
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			return refuse(d, e->path, "truncated or corrupt program headers: %s", elf_errmsg(-1));
		if (ph.p_type == PT_INTERP) {
			if (ph.p_offset >= e->size || ph.p_filesz > e->size - ph.p_offset ||
			    !ph.p_filesz || !memchr(e->data + ph.p_offset, 0, ph.p_filesz))
				return refuse(d, e->path, "truncated or corrupt PT_INTERP");
			e->interp = e->data + ph.p_offset;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > e->size || ph.p_filesz > e->size - ph.p_offset ||
		    ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return refuse(d, e->path, "truncated or corrupt: a loadable segment lies past "
				      "the end of the file");
		if (SK_GROW(e->segs, cap, e->n_segs) < 0)
			return -ENOMEM;
		e->segs[e->n_segs++] = (struct xseg){ph.p_vaddr, ph.p_memsz, ph.p_offset,
						     ph.p_filesz, ph.p_flags};
	}
	if (!e->n_segs)
		return refuse(d, e->path, "no loadable segment: not a program");
	return 0;
}

/* Symbols of one table, all of them by index into *OUT. */
static int read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct xsym **out,
		       size_t *n)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t esz = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (!data || !esz)
		return 0;
	size_t count = data->d_size / esz;
	*out = calloc(count ? count : 1, sizeof **out);
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		GElf_Sym s;
		if (!gelf_getsym(data, (int)i, &s))
			break;
		const char *name = elf_strptr(elf, sh->sh_link, s.st_name);
		(*out)[i] = (struct xsym){
			.name = name && *name ? name : NULL,
			.value = s.st_value,
			.size = s.st_size,
			.type = GELF_ST_TYPE(s.st_info),
			.bind = GELF_ST_BIND(s.st_info),
			.defined = s.st_shndx != SHN_UNDEF,
		};
		*n = i + 1;
	}
	return 0;
}

/* The defined, named functions and objects of a table, appended to e->syms. */
static int collect_syms(struct xelf *e, const struct xsym *v, size_t n, bool dyn, size_t *cap)
{
	for (size_t i = 0; i < n; i++) {
		const struct xsym *s = &v[i];
		if (!s->defined || !s->name || !s->value)
			continue;
		if (s->type != STT_FUNC && s->type != STT_GNU_IFUNC && s->type != STT_OBJECT &&
		    s->type != STT_NOTYPE)
			continue;
		if (SK_GROW(e->syms, *cap, e->n_syms) < 0)
			return -ENOMEM;
		e->syms[e->n_syms] = *s;
		e->syms[e->n_syms++].dyn = dyn;
	}
	return 0;
}

static int read_rela(struct xelf *e, Elf *elf, Elf_Scn *scn, const struct xsym *tab,
		     size_t ntab, size_t *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t esz = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
	if (!data || !esz)
		return 0;
	size_t count = data->d_size / esz;
	for (size_t i = 0; i < count; i++) {
		GElf_Rela r;
		if (!gelf_getrela(data, (int)i, &r))
			break;
		size_t si = GELF_R_SYM(r.r_info);
		if (SK_GROW(e->rels, *cap, e->n_rels) < 0)
			return -ENOMEM;
		e->rels[e->n_rels++] = (struct xrel){
			.where = r.r_offset,
			.type = GELF_R_TYPE(r.r_info),
			.sym = si && si < ntab ? (int64_t)si : -1,
			.addend = r.r_addend,
			.name = si && si < ntab ? tab[si].name : NULL,
			.symval = si && si < ntab && tab[si].defined ? tab[si].value : 0,
			.symlocal = si && si < ntab && (tab[si].bind == STB_LOCAL ||
							tab[si].type == STT_SECTION),
		};
	}
	return 0;
}

/* RELR (DT_RELR, Debian 12's libc): relative relocations packed as an
 * address followed by bitmaps of the next 63 words; the addend is the word
 * already in the file. Each becomes an R_X86_64_RELATIVE. */
static int read_relr(struct xelf *e, const GElf_Shdr *sh, size_t *cap)
{
	const uint8_t *p = (const uint8_t *)e->data + sh->sh_offset;
	uint64_t base = 0;
	for (uint64_t i = 0; i + 8 <= sh->sh_size; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		uint64_t where[64];
		unsigned n = 0;
		if (!(w & 1)) {
			where[n++] = w;
			base = w + 8;
		} else {
			for (unsigned b = 1; b < 64; b++)
				if (w >> b & 1)
					where[n++] = base + 8 * (b - 1);
			base += 63 * 8;
		}
		for (unsigned k = 0; k < n; k++) {
			const uint8_t *v = xelf_at(e, where[k], 8);
			if (!v)
				continue;
			if (SK_GROW(e->rels, *cap, e->n_rels) < 0)
				return -ENOMEM;
			int64_t addend;
			memcpy(&addend, v, 8);
			e->rels[e->n_rels++] = (struct xrel){.where = where[k], .type = R_X86_64_RELATIVE,
							     .sym = -1, .addend = addend};
		}
	}
	return 0;
}

static void read_dynamic(struct xelf *e, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			 size_t *cap_needed, int *rc)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t esz = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	if (!data || !esz)
		return;
	for (size_t i = 0; i < data->d_size / esz; i++) {
		GElf_Dyn dy;
		if (!gelf_getdyn(data, (int)i, &dy) || dy.d_tag == DT_NULL)
			break;
		const char *s = NULL;
		if (dy.d_tag == DT_NEEDED || dy.d_tag == DT_SONAME || dy.d_tag == DT_RUNPATH ||
		    dy.d_tag == DT_RPATH)
			s = elf_strptr(elf, sh->sh_link, dy.d_un.d_val);
		switch (dy.d_tag) {
		case DT_NEEDED:
			if (!s)
				continue;
			if (SK_GROW(e->needed, *cap_needed, e->n_needed) < 0) {
				*rc = -ENOMEM;
				return;
			}
			e->needed[e->n_needed++] = s;
			break;
		case DT_SONAME: e->soname = s; break;
		case DT_RUNPATH: e->runpath = s; break;
		case DT_RPATH: e->rpath = s; break;
		case DT_INIT: e->init = dy.d_un.d_ptr; break;
		case DT_FINI: e->fini = dy.d_un.d_ptr; break;
		case DT_PREINIT_ARRAY: e->arr[XARR_PREINIT][0] = dy.d_un.d_ptr; break;
		case DT_PREINIT_ARRAYSZ: e->arr[XARR_PREINIT][1] = dy.d_un.d_val; break;
		case DT_INIT_ARRAY: e->arr[XARR_INIT][0] = dy.d_un.d_ptr; break;
		case DT_INIT_ARRAYSZ: e->arr[XARR_INIT][1] = dy.d_un.d_val; break;
		case DT_FINI_ARRAY: e->arr[XARR_FINI][0] = dy.d_un.d_ptr; break;
		case DT_FINI_ARRAYSZ: e->arr[XARR_FINI][1] = dy.d_un.d_val; break;
		}
	}
}

static void read_build_id(struct xelf *e, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data)
		return;
	size_t off = 0, next;
	GElf_Nhdr nh;
	size_t name_off, desc_off;
	while (off < data->d_size &&
	       (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((char *)data->d_buf + name_off, "GNU", 4) && nh.n_descsz &&
		    nh.n_descsz <= sizeof e->build_id) {
			memcpy(e->build_id, (char *)data->d_buf + desc_off, nh.n_descsz);
			e->build_id_len = nh.n_descsz;
			return;
		}
		off = next;
	}
}

/* The symbol tables first: relocations name their symbols by index. */
static int read_symbols(struct xelf *e, Elf *elf, struct xsym **symtab, size_t *n_symtab,
			size_t *symtab_ndx, size_t *dynsym_ndx)
{
	size_t cap = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		int rc = 0;
		if (sh.sh_type == SHT_DYNSYM && !e->dynsyms) {
			*dynsym_ndx = elf_ndxscn(scn);
			rc = read_symtab(elf, scn, &sh, &e->dynsyms, &e->n_dynsyms);
		} else if (sh.sh_type == SHT_SYMTAB && !*symtab) {
			e->has_symtab = true;
			*symtab_ndx = elf_ndxscn(scn);
			rc = read_symtab(elf, scn, &sh, symtab, n_symtab);
		}
		if (rc < 0)
			return rc;
	}
	int rc = collect_syms(e, *symtab, *n_symtab, false, &cap);
	return rc < 0 ? rc : collect_syms(e, e->dynsyms, e->n_dynsyms, true, &cap);
}

static int read_sections(struct xelf *e, Elf *elf, struct sk_diags *d)
{
	size_t nsec, shstr;
	if (elf_getshdrnum(elf, &nsec) != 0)
		return refuse(d, e->path, "truncated or corrupt section headers: %s", elf_errmsg(-1));
	if (nsec && elf_getshdrstrndx(elf, &shstr) != 0)
		shstr = 0;
	e->secs = calloc(nsec ? nsec : 1, sizeof *e->secs);
	if (!e->secs)
		return -ENOMEM;
	struct xsym *symtab = NULL;
	size_t n_symtab = 0, symtab_ndx = 0, dynsym_ndx = 0, cap_rels = 0, cap_needed = 0;
	int rc = read_symbols(e, elf, &symtab, &n_symtab, &symtab_ndx, &dynsym_ndx);
	bool dynamic_seen = false;
	Elf_Scn *scn = NULL;
	while (rc == 0 && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > e->size || sh.sh_size > e->size - sh.sh_offset)) {
			rc = refuse(d, e->path, "truncated or corrupt: a section lies past the end of "
				    "the file");
			break;
		}
		const char *name = shstr ? elf_strptr(elf, shstr, sh.sh_name) : NULL;
		e->secs[e->n_secs++] = (struct xsec){name ? name : "", sh.sh_addr, sh.sh_size,
						     sh.sh_offset, sh.sh_flags, sh.sh_type};
		if (sh.sh_type == SHT_RELA && (sh.sh_flags & SHF_ALLOC)) {
			bool dynamic = sh.sh_link == dynsym_ndx && dynsym_ndx;
			bool local = sh.sh_link == symtab_ndx && symtab_ndx;
			rc = read_rela(e, elf, scn, dynamic ? e->dynsyms : local ? symtab : NULL,
				       dynamic ? e->n_dynsyms : local ? n_symtab : 0, &cap_rels);
		} else if (sh.sh_type == SHT_RELR && (sh.sh_flags & SHF_ALLOC)) {
			rc = read_relr(e, &sh, &cap_rels);
		} else if (sh.sh_type == SHT_DYNAMIC && !dynamic_seen) {
			dynamic_seen = true;
			read_dynamic(e, elf, scn, &sh, &cap_needed, &rc);
		} else if (sh.sh_type == SHT_NOTE && !e->build_id_len) {
			read_build_id(e, scn);
		}
	}
	free(symtab);
	return rc;
}

/* A stripped file's symbols, from its separate debug file (objcopy
 * --only-keep-debug: the sections it kept, .symtab among them, and the others
 * as NOBITS at the same addresses; Debian's -dbgsym and libc6-dbg packages
 * install them under /usr/lib/debug/.build-id). The symbols give what the
 * stripped file lost: function bounds, and the bounds of data objects, which
 * keep a table reached from one object from running on into the next (see
 * graph.c). Only a file with the same build-id counts: the linker computed it
 * over the output those symbols describe.
 *
 * Adds ELF's symbols (a debug file of LEN bytes) to E: 0, 1 with *WHY, or
 * -ENOMEM. ELF is E's afterwards on 0, the caller's otherwise. */
static int add_debug(struct xelf *e, Elf *elf, size_t len, const char **why)
{
	GElf_Ehdr eh;
	*why = NULL;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		*why = "not an ELF file";
	else if (eh.e_machine != EM_X86_64 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
		 eh.e_ident[EI_DATA] != ELFDATA2LSB)
		*why = "not a debug file of an x86-64 ELF file";
	else if (eh.e_shoff > len || (uint64_t)eh.e_shnum * eh.e_shentsize > len - eh.e_shoff)
		*why = "truncated or corrupt: its section headers lie past the end of the file";
	struct xelf dbg = {.path = e->path};
	Elf_Scn *scn = NULL, *symtab = NULL;
	GElf_Shdr symsh;
	while (!*why && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset))
			*why = "truncated or corrupt: a section lies past the end of the file";
		else if (sh.sh_type == SHT_NOTE && !dbg.build_id_len)
			read_build_id(&dbg, scn);
		else if (sh.sh_type == SHT_SYMTAB && !symtab)
			symtab = scn, symsh = sh;
	}
	if (!*why && (dbg.build_id_len != e->build_id_len || !e->build_id_len ||
		      memcmp(dbg.build_id, e->build_id, e->build_id_len)))
		*why = "its build-id is not the file's";
	else if (!*why && !symtab)
		*why = "it has no symbol table";
	struct xsym *tab = NULL;
	size_t n = 0, cap = 0;
	int rc = *why ? 1 : read_symtab(elf, symtab, &symsh, &tab, &n);
	struct xsym *own = e->syms;
	size_t n_own = e->n_syms;
	if (rc == 0) { /* the debug file's first, then what the file had (.dynsym) */
		e->syms = NULL;
		e->n_syms = 0;
		rc = collect_syms(e, tab, n, false, &cap);
		for (size_t i = 0; rc == 0 && i < n_own; i++) {
			if (SK_GROW(e->syms, cap, e->n_syms) < 0)
				rc = -ENOMEM;
			else
				e->syms[e->n_syms++] = own[i];
		}
		if (rc < 0) {
			free(e->syms);
			e->syms = own, e->n_syms = n_own;
		} else {
			free(own);
		}
	}
	free(tab);
	if (rc == 0)
		e->dbg_elf = elf;
	return rc;
}

int xelf_add_debug(struct xelf *e, char *data, size_t len, const char **why)
{
	Elf *elf = data && len >= EI_NIDENT && !memcmp(data, ELFMAG, SELFMAG) ?
			   elf_memory(data, len) : NULL;
	int rc = add_debug(e, elf, len, why);
	if (rc == 0) {
		e->dbg_data = data;
		return 0;
	}
	if (elf)
		elf_end(elf);
	free(data);
	return rc;
}

int xelf_add_debug_fd(struct xelf *e, int fd, size_t len, const char **why)
{
	/* ELF_C_READ: libelf reads the headers now and a section's data when
	 * asked (pread), so of a debug file mostly DWARF only the symbol table,
	 * its strings and the notes are read */
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	int rc = add_debug(e, elf, len, why);
	if (rc == 0) {
		elf_cntl(elf, ELF_C_FDDONE); /* what the names point into is read */
		return 0;
	}
	if (elf)
		elf_end(elf);
	return rc;
}

static bool has_dynamic_segment(Elf *elf)
{
	size_t n;
	if (elf_getphdrnum(elf, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_DYNAMIC)
			return true;
	}
	return false;
}

int xelf_load(struct xelf *e, const char *path, char *data, size_t len, struct sk_diags *d)
{
	memset(e, 0, sizeof *e);
	e->path = path;
	e->data = data;
	e->size = len;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return refuse(d, path, "libelf: %s", elf_errmsg(-1));
	Elf *elf = elf_memory(data, len);
	if (!elf)
		return refuse(d, path, "not an ELF file: %s", elf_errmsg(-1));
	e->elf = elf;
	int rc = check_ident(e, elf, d);
	if (rc < 0)
		return rc;
	GElf_Ehdr eh;
	gelf_getehdr(elf, &eh);
	e->dyn = eh.e_type == ET_DYN;
	e->entry = eh.e_entry;
	if ((rc = read_segments(e, elf, d)) < 0 || (rc = read_sections(e, elf, d)) < 0)
		return rc;
	if (has_dynamic_segment(elf) && !e->n_secs)
		return refuse(d, path, "a dynamic program without section headers (sstrip'ed): "
			      "its symbols cannot be read");
	return 0;
}

void xelf_free(struct xelf *e)
{
	if (e->elf)
		elf_end(e->elf);
	if (e->dbg_elf)
		elf_end(e->dbg_elf);
	free(e->dbg_data);
	free(e->arch_names);
	free(e->segs);
	free(e->secs);
	free(e->syms);
	free(e->dynsyms);
	free(e->rels);
	free(e->needed);
	free(e->data);
	memset(e, 0, sizeof *e);
}

const uint8_t *xelf_at(const struct xelf *e, uint64_t vaddr, size_t len)
{
	for (size_t i = 0; i < e->n_segs; i++) {
		const struct xseg *s = &e->segs[i];
		if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		if (len > s->filesz - (vaddr - s->vaddr))
			return NULL;
		return (const uint8_t *)e->data + s->off + (vaddr - s->vaddr);
	}
	return NULL;
}

const struct xsec *xelf_section(const struct xelf *e, const char *name)
{
	for (size_t i = 0; i < e->n_secs; i++)
		if (!strcmp(e->secs[i].name, name))
			return &e->secs[i];
	return NULL;
}

bool xelf_exec(const struct xelf *e, uint64_t addr)
{
	for (size_t i = 0; i < e->n_segs; i++) {
		const struct xseg *s = &e->segs[i];
		if ((s->flags & PF_X) && addr >= s->vaddr && addr - s->vaddr < s->memsz)
			return true;
	}
	return false;
}
