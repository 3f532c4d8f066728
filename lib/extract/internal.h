/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/extract: the pieces of one analysis, in the order the
 * driver runs them. Each file owns one step and speaks only its own words:
 *
 *   elf.c        an ELF file in memory (libelf): segments, sections, symbols,
 *                relocations, dynamic entries, build-id
 *   ehframe.c    function starts and sizes from .eh_frame (stripped C code)
 *   gopclntab.c  Go's function table (gopclntab.h: a module of its own)
 *   decode.c     Zydis: one x86-64 instruction as the analysis needs it
 *   funcs.c      function boundaries from every source above
 *   scan.c       one linear pass per function: calls, references, syscalls;
 *                which functions never return
 *   values.c     the abstract values of registers and stack slots (values.h)
 *   flow.c       values per function: which numbers reach each syscall, and
 *                which parameters a wrapper takes its number from
 *   object.c     runs the steps above for one object
 *   graph.c      functions and data chunks as one graph; what each export
 *                and the object's start-up reach, as sets of items
 *   summary.c    an object's summary: what the linker step needs, as text
 *                for the cache (parsed back with full validation)
 *   cache.c      the per-user cache directory
 *   loader.c     which files load: DT_NEEDED, ld.so, --rootfs, --with
 *   link.c       the union over the objects of a program: imports to exports
 *   explain.c    one call chain to a site
 *   extract.c    the public API, provenance, the profile
 *
 * Why the split between graph and summary: an object's summary depends only
 * on the file (and on what its imports were assumed to be: wrappers taking a
 * number, functions never returning), so it can be cached; everything that
 * depends on which objects load together happens in link.c, over summaries. */
#ifndef SK_EXTRACT_INTERNAL_H
#define SK_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/extract.h>

#include "gopclntab.h"

/* ---- elf.c ------------------------------------------------------------ */

struct xseg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags; /* PF_X, PF_W, PF_R */
};

struct xsec {
	const char *name;
	uint64_t addr, size, off, flags; /* SHF_* */
	uint32_t type;                   /* SHT_* */
};

struct xsym {
	const char *name;
	uint64_t value, size;
	uint8_t type, bind; /* STT_*, STB_* */
	bool defined;       /* st_shndx != SHN_UNDEF */
	bool dyn;           /* from .dynsym: an exported name */
};

struct xrel {
	uint64_t where;  /* address of the relocated word */
	uint32_t type;   /* R_X86_64_* */
	int64_t sym;     /* index into dynsyms (or the section's own table), -1 none */
	int64_t addend;
	const char *name; /* the symbol's name, NULL without a symbol */
	uint64_t symval;  /* the symbol's value when it is defined here */
	bool symlocal;    /* the symbol binds locally (STB_LOCAL, or a section) */
};

enum { XARR_PREINIT, XARR_INIT, XARR_FINI, XARR_COUNT };

struct xelf {
	const char *path; /* as named in diagnostics (not owned) */
	char *data;       /* the whole file (owned) */
	size_t size;
	void *elf;        /* Elf * over data */
	bool dyn;         /* ET_DYN (a library or a PIE) */
	uint64_t entry;
	struct xseg *segs;
	size_t n_segs;
	struct xsec *secs;
	size_t n_secs;
	struct xsym *syms; /* .symtab then .dynsym, functions and objects */
	size_t n_syms;
	struct xsym *dynsyms; /* .dynsym by index, for relocations and exports */
	size_t n_dynsyms;
	struct xrel *rels;
	size_t n_rels;
	const char *interp;  /* PT_INTERP, NULL for a static program */
	const char **needed; /* DT_NEEDED, in order */
	size_t n_needed;
	const char *soname, *runpath, *rpath;
	uint64_t init, fini;            /* DT_INIT, DT_FINI; 0 none */
	uint64_t arr[XARR_COUNT][2];    /* address and size of each array */
	uint8_t build_id[64];
	size_t build_id_len;
	bool has_symtab;      /* a .symtab of its own (not stripped) */
	char *dbg_data;       /* a separate debug file read whole (fuzzing), or NULL */
	char *arch_names;     /* the names archive.c gave functions, or NULL */
	void *dbg_elf;        /* Elf * of the debug file whose symbols were added:
				 their names point into it */
};

/* Parse DATA (LEN bytes of PATH, owned by E afterwards even on error).
 * -ENOEXEC with an error in D for anything but a 64-bit little-endian x86-64
 * ELF executable or shared object with consistent headers. */
int xelf_load(struct xelf *e, const char *path, char *data, size_t len, struct sk_diags *d);
void xelf_free(struct xelf *e);
/* Add the symbol table of E's separate debug file (DATA, LEN bytes; taken
 * in every case): 0, or 1 with *WHY when the file cannot serve (another
 * build-id, not a debug file of an x86-64 ELF, no symbol table). */
int xelf_add_debug(struct xelf *e, char *data, size_t len, const char **why);
/* The same from the open file FD (LEN bytes), reading only what it needs: the
 * caller may close FD afterwards. */
int xelf_add_debug_fd(struct xelf *e, int fd, size_t len, const char **why);
/* LEN bytes of the file at address VADDR, or NULL when not all of them are
 * in the file (outside every segment, or in .bss). */
const uint8_t *xelf_at(const struct xelf *e, uint64_t vaddr, size_t len);
/* The section named NAME, or NULL. */
const struct xsec *xelf_section(const struct xelf *e, const char *name);
/* ADDR is in an executable segment. */
bool xelf_exec(const struct xelf *e, uint64_t addr);
/* "x86-64", "aarch64", ... for an e_machine value (error messages). */
const char *xelf_machine_name(unsigned machine);

/* ---- ehframe.c ---------------------------------------------------------- */

struct xrange {
	uint64_t start, end;
};

/* Append the address range of every FDE in .eh_frame to *OUT (grown with
 * SK_GROW). Malformed entries end the walk; returns 0 or -ENOMEM. */
int xeh_functions(const struct xelf *e, struct xrange **out, size_t *n, size_t *cap);

/* ---- decode.c ------------------------------------------------------------ */

/* General-purpose registers in encoding order (rax=0 ... r15=15). */
enum { XR_AX, XR_CX, XR_DX, XR_BX, XR_SP, XR_BP, XR_SI, XR_DI, XR_R8, XR_R9,
       XR_R10, XR_R11, XR_R12, XR_R13, XR_R14, XR_R15, XR_COUNT };
#define XR_RIP 16
#define XR_NONE (-1)

enum xop {
	XO_OTHER = 0, XO_SYSCALL, XO_INT80, XO_CALL, XO_JMP, XO_JCC, XO_RET, XO_STOP,
	XO_MOV, XO_MOVZX, XO_MOVSX, XO_LEA, XO_XOR, XO_SUB, XO_ADD, XO_AND, XO_OR,
	XO_SHL, XO_INC, XO_DEC, XO_PUSH, XO_POP, XO_XCHG, XO_CMOV, XO_LEAVE, XO_NOP,
	XO_TEST, XO_CMP,
};

/* The condition of a jcc the analysis can use: equal / not equal. */
enum { XCC_NONE = 0, XCC_Z, XCC_NZ };

enum { XK_NONE = 0, XK_REG, XK_IMM, XK_MEM };

struct xopnd {
	uint8_t kind;
	uint8_t size;  /* bytes; 0 when unknown */
	int8_t reg;    /* XK_REG: XR_* (XR_NONE for non-GPRs); XK_MEM: base (XR_RIP) */
	int8_t index;  /* XK_MEM: index register or XR_NONE */
	uint8_t scale;
	bool high8;    /* ah, ch, dh, bh */
	bool write;
	int64_t val;   /* XK_IMM: the immediate; XK_MEM: displacement (absolute for rip) */
};

struct xinsn {
	uint64_t addr;
	uint8_t len;
	uint8_t op;      /* enum xop */
	uint8_t n;       /* explicit operands in o[] */
	bool rel;        /* a branch with an immediate target */
	struct xopnd o[3];
	uint64_t target; /* rel: the branch target */
	uint16_t wregs;  /* every GPR written, hidden operands included */
	uint8_t cc;      /* XO_JCC: XCC_* */
	bool wstack;     /* writes memory through a hidden operand (rep stos, ...) */
};

struct xdec;
struct xdec *xdec_new(void);
void xdec_free(struct xdec *d);
/* Decode the instruction at BUF (LEN bytes available) at address ADDR.
 * Returns 0, or -1 for bytes that are no instruction. */
int xdec_one(const struct xdec *d, const uint8_t *buf, size_t len, uint64_t addr,
	     struct xinsn *out);

/* ---- funcs.c: one object being analysed -------------------------------- */

enum {
	XF_GO = 1u << 0,      /* in Go's function table: Go's ABI (all registers clobbered) */
	XF_PLT = 1u << 1,     /* a PLT stub */
	XF_GAP = 1u << 2,     /* code no symbol, FDE or table names */
	XF_EXPORT = 1u << 3,  /* a dynamic symbol names it */
	XF_NAMED_SYM = 1u << 4,
	XF_NORET = 1u << 5,   /* never returns (abort, exit, __stack_chk_fail, ...) */
	XF_SETXID = 1u << 6,  /* installed as glibc's SIGSETXID (33) handler */
	XF_TAKEN = 1u << 7,   /* a wrapper whose address is taken, resolved through
				 the numbers indirect calls pass (flow.c) */
	XF_DATA = 1u << 8,    /* an object symbol in code (OpenSSL's precomputed
				 tables): never decoded */
	XF_OPEN_END = 1u << 9, /* a start no source gives the end of (an entry point
				  without symbol size or FDE): it runs to the next
				  start, and is cut like a gap */
};

#define XT_IMPORT 0x80000000u /* a call target that is an import, not a function */
#define XT_NONE 0xffffffffu

enum { XC_CALL = 0, XC_TAIL, XC_FALL, XC_REF };

struct xcall {
	uint64_t site;
	uint32_t target; /* function index, or XT_IMPORT | import index */
	uint8_t kind;    /* XC_* */
};

struct xfunc {
	uint64_t start, end;
	const char *name;  /* NULL: unnamed (shown as object+offset) */
	uint32_t flags;
	uint32_t first_call, n_calls; /* into obj->calls */
	uint32_t first_ref, n_refs;   /* into obj->refs (addresses) */
	bool has_sys;      /* holds syscall or int 0x80 */
	bool has_ret;      /* holds a ret */
	bool has_ijmp;     /* jumps to a computed address (a table, a pointer) */
	bool has_icall;    /* calls a computed address */
	bool sig33;        /* puts 33 (SIGSETXID) in edi: installs glibc's handler */
	uint32_t needs;    /* parameters (XL_*) a syscall number comes from */
	int32_t args;      /* Go: bytes it may write in its caller's frame; -1 unknown */
};

/* Parameter locations of a function, as bits of a needs mask: registers at
 * entry (XR_*), the stack slots above the return address, and the 32-bit
 * word a pointer argument points at (glibc's __nptl_setxid takes its number
 * as cmdp->syscall_no, the first field of the struct its caller filled). */
#define XL_STACK0 16
#define XL_NSTACK 8
#define XL_MEM0 (XL_STACK0 + XL_NSTACK)
#define XL_NMEM 6 /* *rdi, *rsi, *rdx, *rcx, *r8, *r9 */
#define XL_COUNT (XL_MEM0 + XL_NMEM)

/* A relocated pointer-sized word: what it holds once the loader is done. */
struct xslot {
	uint64_t where;
	uint32_t import;  /* XT_NONE, or the import it points to */
	uint64_t local;   /* else a local address (0: nothing known) */
	bool ifunc;       /* local is an IFUNC resolver (IRELATIVE) */
};

struct ximport {
	const char *name;
	uint32_t needs; /* from the library that defines it */
	bool noret;     /* likewise: it never returns */
	uint32_t first_user; /* a function that calls it, for provenance; XT_NONE */
};

/* What an object's analysis produces, site by site. */
enum xitem_kind { XI_SYS = 0, XI_IMPORT, XI_UNRESOLVED, XI_NOTE };

struct xitem {
	uint8_t kind;
	uint8_t arch;     /* XI_SYS: enum sk_arch */
	int64_t nr;       /* XI_SYS: number; XI_IMPORT: import index */
	uint64_t site;    /* XI_SYS, XI_UNRESOLVED: the instruction */
	uint32_t func;    /* the function holding the site (XT_NONE for data) */
	char *text;       /* XI_UNRESOLVED: what; XI_NOTE: the note (owned) */
};

/* A multi-call binary's applets (applet.c): where its tables are, and the
 * main functions of the applets it is started as. */
#define XAPPLET_MAINS 8
struct xapplet {
	char name[96];     /* the applets chosen, ", "-separated; "" none */
	uint64_t names;    /* the name table */
	uint64_t table;    /* the main table: n pointer-sized words */
	uint32_t n, idx;   /* applets; the first chosen one's place */
	uint32_t dup;      /* its name listed this many times in a row */
	uint64_t main[XAPPLET_MAINS];
	uint32_t n_main;
	bool whole;        /* also started as itself: every applet counts */
};

struct xobj {
	struct xelf elf;
	struct xapplet applet; /* the applets it runs as (graph.c): see xapplet_on */
	const char *label;     /* short name for messages: soname or basename */
	struct xgo go;         /* Go's function table, when there is one */
	bool is_go;
	struct xrange go_table; /* where it lies (never scanned for pointers) */
	struct xrange *code;   /* executable, file-backed ranges */
	size_t n_code;
	struct xfunc *funcs;
	size_t n_funcs;
	struct xcall *calls;
	size_t n_calls, cap_calls;
	uint64_t *refs;
	size_t n_refs, cap_refs;
	bool *ref_indexed;     /* per ref: the base of an indexed operand, no start */
	size_t cap_indexed;
	uint64_t *touched;     /* addresses code writes, takes (lea) or data points
				  at: a global not among them keeps its value */
	size_t n_touched, cap_touched;
	struct xrange *data_syms; /* data objects symbols bound, by address */
	size_t n_data_syms;
	uint64_t *entries;     /* code addresses reached from outside their function
				  (a jump from a .cold part, a label's address
				  taken), sorted: where a block starts unknown */
	size_t n_entries, cap_entries;
	uint64_t *bounds;      /* entries that code names (a call or jump target, an
				  address lea takes), sorted: instruction starts,
				  whatever linear decoding met before them */
	size_t n_bounds, cap_bounds;
	uint64_t *branch_in;   /* direct call and jump targets from another function,
				  not at a function's start (xobj_split_branched) */
	size_t n_branch_in, cap_branch_in;
	bool has_eh;           /* .gcc_except_table: landing pads nothing jumps to */
	struct ximport *imports; /* sorted by name */
	size_t n_imports;
	struct xslot *slots;     /* sorted by address */
	size_t n_slots;
	struct xitem *items;   /* unique: one per (arch, nr), site, note */
	size_t n_items, cap_items;
	struct xvec *fown;     /* per function: the items its own sites give */
	uint32_t taken_passed; /* locations indirect calls pass numbers in */
};

struct xvec {
	uint32_t *v;
	size_t n, cap;
};

/* object.c: read PATH (named SHOWN in diagnostics) and parse it; -ENOENT,
 * -EFBIG, -ENOEXEC with an error in D. SHOWN must outlive O. */
int xobj_open(struct xobj *o, const char *path, const char *shown, struct sk_diags *d);
/* After the ELF is loaded: the label, code ranges, imports and slots. */
int xobj_set_label(struct xobj *o);
int xobj_index(struct xobj *o);
/* Functions, scan, values: everything before the summary. Imports' needs
 * must be set first. */
int xobj_analyse(struct xobj *o, const struct xdec *dec);
/* Forget the analysis (to run it again with other import assumptions). */
void xobj_reset(struct xobj *o);
void xobj_free(struct xobj *o);

int xobj_funcs(struct xobj *o);
/* F's bounds are not given by any source: a gap, or a start without end. */
bool xobj_cuttable(const struct xfunc *f);
/* Cut code no source describes at the targets of its direct calls. */
int xobj_split_gaps(struct xobj *o, const struct xdec *dec);
/* After a scan: cut it also where calls and jumps from other functions land
 * (o->branch_in). 1 when it cut (scan again), 0 when not, -ENOMEM. */
int xobj_split_branched(struct xobj *o);
/* What runs when the object loads or unloads: DT_INIT/FINI, the constructor
 * and destructor arrays, IFUNC resolvers (addresses in code, malloc'ed). The
 * entry point is apart: it runs only for the program and the interpreter.
 * With IMP, also the imports those arrays name (malloc'ed): a constructor the
 * loader looks up by name (libcap's .init_array holds _libcap_initialize by
 * an R_X86_64_64 on its own exported symbol), which runs at load wherever
 * the name resolves. */
int xobj_roots(const struct xobj *o, uint64_t **v, size_t *n, uint32_t **imp, size_t *n_imp);
/* The memory word a call or jump X goes through when it is a fixed slot: a
 * rip-relative one, or (in a fixed-address program) an absolute one; 0 for
 * a direct branch, a register, a table indexed by a register. */
uint64_t xinsn_slot(const struct xobj *o, const struct xinsn *x);
/* The function holding ADDR, or XT_NONE. */
uint32_t xobj_func_at(const struct xobj *o, uint64_t addr);
/* qsort's order for addresses and for the structs that begin with one
 * (xslot, xrange, graph.c's starts and areas): by that first uint64_t. */
int xcmp_lead(const void *a, const void *b);
/* The import named NAME, or XT_NONE (every name a relocation uses is one). */
uint32_t xobj_import(const struct xobj *o, const char *name);
/* The slot relocated at ADDR, or NULL. */
const struct xslot *xobj_slot(const struct xobj *o, uint64_t addr);
/* Name of function F for messages: its symbol, or "label+0xOFF" (BUF). */
const char *xobj_func_name(const struct xobj *o, uint32_t f, char *buf, size_t len);

/* ---- applet.c ------------------------------------------------------------ */

/* Find the tables of a multi-call binary and the applet NAME in them (after
 * xobj_index). 0 and *OUT filled (but its name); 1 when O has no such pair
 * of tables naming NAME, or more than one; -ENOMEM. */
int xapplet_find(const struct xobj *o, const char *name, struct xapplet *out);
/* Program O is started as NAME (NULL: as itself, all applets count): merge
 * it into O's applets. 0 done; 1 NAME is not an applet of O (then O counts
 * whole); -ENOMEM. */
int xapplet_choose(struct xobj *o, const char *name);
/* O is analysed as some of its applets only. */
bool xapplet_on(const struct xobj *o);
/* Append the address of every applet's main (each starts a function: code
 * no table describes is cut there) to *V. */
int xapplet_mains(const struct xobj *o, uint64_t **v, size_t *n, size_t *cap);

/* ---- scan.c ------------------------------------------------------------ */

/* Decode every function once: direct calls and tail calls (to functions and
 * imports), references to addresses, syscall instructions. */
int xobj_scan(struct xobj *o, const struct xdec *dec);
/* Forget what a scan found (to scan again with other function bounds); the
 * imports' first users too. */
void xobj_scan_clear(struct xobj *o);

/* ADDR is entered from outside the function that holds it. */
bool xobj_entered(const struct xobj *o, uint64_t addr);
/* The first address after AFTER that code names as an instruction start
 * (o->bounds), UINT64_MAX when there is none. */
uint64_t xobj_next_bound(const struct xobj *o, uint64_t after);
/* A global variable at ADDR that nothing writes or takes the address of:
 * its SIZE-byte initial value from the file. False otherwise. */
bool xobj_global(const struct xobj *o, uint64_t addr, unsigned size, uint64_t *value);

/* Which functions never return: no ret, no computed jump, and every tail
 * call to a function or import that never returns (a greatest fixpoint, so
 * that abort -> raise-style cycles count). Sets XF_NORET. */
void xobj_noreturn(struct xobj *o);

/* ---- flow.c ------------------------------------------------------------ */

/* Resolve every syscall site and every call of a wrapper (a function whose
 * syscall number is one of its parameters) to items: numbers, or unresolved
 * sites; sets each function's needs. Imports' needs must be set. */
int xobj_flow(struct xobj *o, const struct xdec *dec);
/* The index of an item equal to IT (added when new: IT's text is copied),
 * or XT_NONE when out of memory. Equal: same kind and (arch, nr) for a
 * syscall, same site for an unresolved one, same text for a note. */
uint32_t xobj_item(struct xobj *o, const struct xitem *it);
/* Append item I to function F's own list (once). */
int xobj_own(struct xobj *o, uint32_t f, uint32_t i);

/* ---- graph.c ------------------------------------------------------------- */

/* A set of item indices of one object, as a bitset of its items. */
struct xset {
	uint64_t *w;
	size_t nw;
};

/* The summary of an object: what each export and its start-up reach. */
struct xsum_export {
	char *name;
	uint32_t set;   /* index into sets */
	uint32_t needs; /* wrapper parameters (XL_*) */
	bool data;      /* an object, not a function */
	bool noret;     /* a function that never returns */
};

struct xsum_item {
	uint8_t kind;   /* enum xitem_kind */
	uint8_t arch;
	int64_t nr;     /* XI_SYS */
	char *name;     /* XI_IMPORT: the symbol; XI_SYS: the site's function;
			   XI_UNRESOLVED: the site's function; XI_NOTE: the note */
	char *what;     /* XI_UNRESOLVED: what the site is */
	uint64_t site;
	uint32_t needs; /* XI_IMPORT: the needs assumed for it */
	bool noret;     /* XI_IMPORT: assumed never to return */
};

struct xsummary {
	uint8_t build_id[64];
	size_t build_id_len;
	uint64_t key;          /* file hash and analysis inputs */
	struct xsum_item *items;
	size_t n_items;
	size_t nw;             /* words per set */
	uint64_t *sets;        /* n_sets * nw words */
	size_t n_sets;
	struct xsum_export *exports;
	size_t n_exports;
	uint32_t init;         /* set of what loading runs: constructors, IFUNCs, ... */
	uint32_t entry;        /* set of the entry point (a program, ld.so) */
	uint32_t all;          /* set of every export, init and entry together */
};

/* The graph of O (after flow) reduced to a summary. With GRAPH non-NULL the
 * graph is kept for explain. */
struct xgraph;
int xobj_summarize(struct xobj *o, struct xsummary *s, struct xgraph **graph);
void xsummary_free(struct xsummary *s);
void xgraph_free(struct xgraph *g);
bool xset_has(const struct xsummary *s, uint32_t set, size_t item);

/* Where a chain starts: the entry, the load-time code, the export NAME, or
 * every export (a --with library). */
enum xstart { XS_ENTRY, XS_INIT, XS_EXPORT, XS_ALL };
/* One shortest chain of nodes from the start to a node that owns item IT,
 * named into SB ("f -> g -> h"). 0 found, 1 none, -ENOMEM. */
struct sk_sb;
int xgraph_chain(const struct xgraph *g, const struct xobj *o, enum xstart how, const char *name,
		 size_t it, struct sk_sb *sb);

/* ---- summary.c --------------------------------------------------------- */

/* The summary as text (the cache's format) and back. Parsing validates
 * everything (the cache is input): -EINVAL for any inconsistency. */
char *xsummary_write(const struct xsummary *s, size_t *len);
int xsummary_parse(const char *text, size_t len, struct xsummary *s);
/* Look an export up by name (binary search: exports are sorted). */
const struct xsum_export *xsummary_export(const struct xsummary *s, const char *name);

/* ---- cache.c ------------------------------------------------------------- */

struct xcache;
/* Open (create) the cache directory: NULL when it cannot be used, with a
 * note in D saying why (the analysis goes on without it). */
struct xcache *xcache_open(const char *dir, struct sk_diags *d);
void xcache_close(struct xcache *c);
/* 0 and S filled from the entry for (BUILD_ID, KEY), or -ENOENT. */
int xcache_get(struct xcache *c, const struct xsummary *want, struct xsummary *s);
int xcache_put(struct xcache *c, const struct xsummary *s);

/* 64-bit FNV-1a, the cache key's hash. */
uint64_t xhash(uint64_t h, const void *data, size_t len);
#define XHASH_INIT UINT64_C(0xcbf29ce484222325)

/* ---- loader.c ------------------------------------------------------------- */

struct stat;
struct xfs;
/* Where libraries are looked up: ROOTFS (NULL: the host). */
struct xfs *xfs_open(const char *rootfs, struct sk_diags *d);
void xfs_close(struct xfs *fs);
/* PATH inside the root (the host's when there is none) as an O_PATH fd, or
 * -errno; symlinks and ".." stay inside the root. */
int xfs_open_path(const struct xfs *fs, const char *path);
/* Read and parse PATH (absolute, inside the root) into O (indexed); *SHOWN
 * gets the path as messages name it (caller frees, even on error). */
int xfs_load(const struct xfs *fs, const char *path, struct xobj *o, char **shown,
	     struct stat *st, struct sk_diags *d);
/* Find and load the library NAME that LOADER needs, in PROGRAM's process, as
 * ld.so would; each one's $ORIGIN is given (a library's: the directory of the
 * path it was found at; the program's: xfs_program_origin). *FOUND gets its
 * path in the root, *SHOWN its name for messages (both the caller's, even on
 * error). */
int xfs_find(const struct xfs *fs, const char *name, const struct xobj *loader,
	     const char *loader_origin, const struct xobj *program, const char *program_origin,
	     struct xobj *o, char **found, char **shown, struct stat *st, struct sk_diags *d);
/* NAME is a library the PROGRAM's ld.so answers with itself (musl's ld.so
 * is its libc: libc.so, libm, libpthread, ...): loading it loads nothing. */
bool xfs_interp_answers(const struct xobj *program, const char *name);
/* PATH, a host path, as the path inside the root it lies under ("/usr/bin/x"
 * for ROOT/usr/bin/x, taken lexically: a link in an image is resolved in the
 * image); NULL when there is no root, PATH is outside it, or no memory. */
char *xfs_in_root(const struct xfs *fs, const char *path);
/* PATH's directory: "/" for "/x", "." for "x". NULL: no memory. */
char *xfs_dirname(const char *path);
/* The program's $ORIGIN as ld.so takes it: the directory of the file the
 * kernel runs for PATH, symlinks followed (/proc/self/exe; Debian's
 * /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/.../bin/java finds
 * libjli.so through $ORIGIN/../lib). PATH is in the root when IN_ROOT, else a
 * host path. PATH's own directory when it cannot be resolved. */
char *xfs_program_origin(const struct xfs *fs, const char *path, bool in_root);

/* ---- archive.c: names from the static library a program was linked from -- */

/* E, a stripped static program with unwind tables, gets a symbol for each of
 * its functions that a function of the ar archive DATA (libc.a) is byte for
 * byte, relocated fields aside, when the archive is its library: enough of
 * them match and its calls land where the archive's would. *NAMED gets how
 * many functions were named. 0; 1 when the archive is not used (*WHY says
 * why, or is NULL when few functions match: the program's libc is another);
 * -ENOMEM. */
int xelf_add_archive_names(struct xelf *e, char *data, size_t len, size_t *named,
			   const char **why);

/* ---- debuginfo.c ---------------------------------------------------------- */

/* E's separate debug file, when E has no symbols of its own: the first
 * DIR/.build-id/NN/N....debug of the N_DIRS host directories DIRS (none:
 * /usr/lib/debug in FS, inside the root when IN_ROOT) that is one extract may
 * use. 0 with *PATH (caller frees) and *ST, 1 when there is none, -ENOMEM. */
int xdebug_find(const struct xfs *fs, const char *const *dirs, size_t n_dirs, bool in_root,
		const struct xelf *e, char **path, struct stat *st);
/* Read the debug file at PATH (as found above: HOST when DIRS were given)
 * and add its symbols to E: 0, 1 with *WHY when it cannot serve, -ENOMEM. */
int xdebug_add(const struct xfs *fs, bool host, bool in_root, struct xelf *e, const char *path,
	       const char **why);

/* A stripped static program's libc.a (in FS, inside the root when IN_ROOT;
 * root's or ours there), whose functions may name the program's (archive.c):
 * 0 with *PATH (caller frees) and *ST, 1 when E is no such program or there
 * is none, -ENOMEM. */
int xdebug_find_archive(const struct xfs *fs, bool in_root, const struct xelf *e, char **path,
			struct stat *st);
/* Read it and name E's functions from it: 0 with *NAMED, 1 with *WHY (NULL:
 * nothing worth saying) when it is not E's libc or cannot be read, -ENOMEM. */
int xdebug_add_archive(const struct xfs *fs, bool in_root, struct xelf *e, const char *path,
		       size_t *named, const char **why);

/* ---- link.c: the objects of the programs and their union -------------------- */

struct lobj {
	char *path;      /* as opened: inside the root, or on the host */
	char *shown;     /* as messages name it */
	uint64_t dev, ino;
	struct xobj obj; /* parsed and indexed; analysed unless the cache had it */
	bool summarised, from_cache;
	struct xsummary sum;
	char *debug;          /* its separate debug file (debuginfo.c), or NULL */
	uint64_t debug_size;  /* in the cache key: a summary made with its symbols */
	bool debug_added;     /* the debug file's symbols were read (or failed to) */
	char *archive;        /* a stripped static program's libc.a, or NULL */
	uint64_t archive_id[2]; /* its size and mtime, in the cache key */
	bool archive_added;   /* its names were matched (or failed to be) */
	struct xgraph *graph; /* with explain */
	uint32_t *deps;       /* DT_NEEDED, resolved */
	size_t n_deps;
};

struct xprog {
	uint32_t main, interp;   /* interp XT_NONE: static */
	uint32_t *scope;         /* symbol lookup order: the program, then BFS */
	size_t n_scope, n_loaded; /* the first n_loaded: DT_NEEDED closure; then --with */
	uint32_t *with;
	size_t n_with;
	char *origin;            /* the program's $ORIGIN (xfs_program_origin) */
	bool in_root;            /* the program was read inside --rootfs */
};

/* One step of the union: a set of an object, and how it was reached. */
struct xvisit {
	uint32_t obj, set;
	uint32_t parent;   /* XT_NONE for a root */
	const char *via;   /* the import name that led here; NULL for a root */
	const char *root;  /* for a root: "entry", "load", "dlopen", "start" */
	const char *start; /* the export it starts from (an import, a name ld.so
			      looks up); NULL for the entry, load and dlopen */
};

struct sk_extract {
	struct sk_trace_result res;
	bool strict, explain;
	struct lobj *objs;
	size_t n_objs, cap_objs;
	struct xprog *progs;
	size_t n_progs, cap_progs;
	struct xvisit *visits;
	size_t n_visits, cap_visits;
	struct xprov *prov;
	size_t n_prov, cap_prov;
	struct sk_extract_site *unres;
	size_t n_unres, cap_unres;
	char **notes;
	size_t n_notes, cap_notes;
	struct { /* where debug files are, during xlink_run only */
		const struct xfs *fs;
		const char *const *dirs; /* host directories; none: /usr/lib/debug in fs */
		size_t n_dirs;
		bool in_root, off;
		struct sk_diags *d;
	} debug;
};

struct xprov {
	uint8_t arch;
	int64_t nr;
	uint32_t visit; /* where it was first found */
	uint32_t item;
	char *text;
};

/* Load the programs' objects (and their libraries), summarise each (from the
 * cache or by analysis), and take the union. */
int xlink_run(struct sk_extract *x, const char *const *paths, size_t n,
	      const struct sk_extract_opts *o, struct sk_diags *d);
/* An export or data symbol NAME in PROG's lookup scope: the object's index,
 * or XT_NONE. */
uint32_t xlink_lookup(const struct sk_extract *x, const struct xprog *p, const char *name,
		      const struct xsum_export **e);

#endif
