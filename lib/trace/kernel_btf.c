/* SPDX-License-Identifier: Apache-2.0 */
/* Re-lay a template BTF's structs out as the running kernel has them: see
 * kernel_btf.h for why. The kernel's BTF is read, never trusted: every
 * offset, length, kind and type id is checked before it is used, and a file
 * that does not hold together is an error naming where (fuzz_kernel_btf).
 *
 * The raw format (Documentation/bpf/btf.rst): a header, then a types section
 * of records (a 12-byte struct btf_type, then a tail whose size its kind and
 * vlen give; type ids count the records from 1) and a strings section of
 * NUL-terminated names that records point into by offset. */
#include "kernel_btf.h"

#include <bpf/btf.h>
#include <errno.h>
#include <linux/btf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/grow.h"

#define CHUNK 65536
#define MAX_NAME 64       /* longest name looked for, its NUL included */
#define MAX_NAMES 128     /* distinct names in the template */
#define MAX_OFFS 4        /* strings equal to one name (pahole dedups them: 1) */
#define MAX_DEPTH 8       /* anonymous members in anonymous members; typedef chains */
#define MAX_TYPES 0xfffff /* BTF_MAX_TYPE in the kernel */
/* Members looked at while searching: anonymous members of anonymous members
 * could otherwise multiply (a file of a few KB, thousands of members each
 * pointing at the same struct) into hours; the real search looks at a few
 * hundred. */
#define MAX_VISITS (1 << 20)

struct name {
	const char *s;
	size_t len;
	uint32_t off[MAX_OFFS]; /* where the kernel's strings hold it */
	unsigned noff;
};

struct kbtf {
	int fd;
	uint64_t types_at, strs_at; /* file offsets of the sections */
	uint32_t types_len, strs_len;
	uint32_t *start; /* start[id - 1]: where type id begins in the types section */
	uint32_t ntypes;
	struct name names[MAX_NAMES];
	unsigned nnames;
	int by_len[MAX_NAME]; /* the first name of each length, chained by next */
	int next[MAX_NAMES];  /* (every string of the file is looked up here) */
	unsigned roots[MAX_NAMES]; /* the names of the template's named structs */
	unsigned nroots;
	uint32_t *cands; /* ids of kernel structs and unions named like a template one */
	size_t ncands, capcands;
	const struct btf *tmpl;
	struct btf *out;
	int *made;  /* template type id -> its new id, 0 while not made */
	int idx_id; /* the index type of arrays, once made */
	unsigned long visits; /* members looked at, up to MAX_VISITS */
	char *why;
	size_t whylen;
};

static int fail(struct kbtf *k, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct kbtf *k, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (k->whylen)
		vsnprintf(k->why, k->whylen, fmt, ap);
	va_end(ap);
	return -err;
}

static int read_at(struct kbtf *k, void *buf, size_t len, uint64_t at)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(k->fd, (char *)buf + done, len - done, (off_t)(at + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(k, errno, "cannot read the kernel's BTF: %s", strerror(errno));
		if (n == 0)
			return fail(k, EINVAL, "the kernel's BTF ends at byte %llu, inside what its "
				    "header says it holds", (unsigned long long)(at + done));
		done += (size_t)n;
	}
	return 0;
}

/* ---- what is wanted: the template's names --------------------------------- */

/* The index of name S among those looked for, -1 when it is not one. */
static int name_index(const struct kbtf *k, const char *s)
{
	for (unsigned i = 0; i < k->nnames; i++)
		if (!strcmp(k->names[i].s, s))
			return (int)i;
	return -1;
}

/* Name S is looked for; its index, or < 0. */
static int want(struct kbtf *k, const char *s)
{
	int known = name_index(k, s);
	if (known >= 0)
		return known;
	size_t len = strlen(s);
	if (len >= MAX_NAME || k->nnames == MAX_NAMES)
		return fail(k, EINVAL, "the template names more than scmpkit looks for (%s)", s);
	k->names[k->nnames] = (struct name){.s = s, .len = len};
	k->next[k->nnames] = k->by_len[len];
	k->by_len[len] = (int)k->nnames;
	return (int)k->nnames++;
}

static bool is_composite(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}

static int collect_names(struct kbtf *k)
{
	for (uint32_t id = 1; id < btf__type_cnt(k->tmpl); id++) {
		const struct btf_type *t = btf__type_by_id(k->tmpl, id);
		if (!is_composite(t))
			continue;
		const char *name = btf__name_by_offset(k->tmpl, t->name_off);
		if (name && *name) {
			int r = want(k, name);
			if (r < 0)
				return r;
			bool dup = false;
			for (unsigned i = 0; i < k->nroots; i++)
				dup |= k->roots[i] == (unsigned)r;
			if (!dup)
				k->roots[k->nroots++] = (unsigned)r;
		}
		const struct btf_member *m = btf_members(t);
		for (unsigned i = 0; i < btf_vlen(t); i++) {
			const char *mname = btf__name_by_offset(k->tmpl, m[i].name_off);
			int r = mname && *mname ? want(k, mname) : 0;
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- pass 1: the strings, for where each wanted name is ------------------- */

static void end_string(struct kbtf *k, uint32_t at, const char *s, size_t len)
{
	for (int i = k->by_len[len]; i >= 0; i = k->next[i]) {
		struct name *n = &k->names[i];
		if (n->s[0] == s[0] && !memcmp(n->s, s, len) && n->noff < MAX_OFFS)
			n->off[n->noff++] = at;
	}
}

/* BUF has room for CHUNK + 1 bytes: a NUL after each chunk ends the scan of
 * its last string without a bounds check in the loop. */
static int scan_strings(struct kbtf *k, uint8_t *buf)
{
	char carry[MAX_NAME]; /* a string begun in the previous chunk */
	size_t carry_len = 0; /* saturates at MAX_NAME: longer than any name */
	uint32_t carry_at = 0;
	bool carrying = false;
	for (uint32_t pos = 0; pos < k->strs_len;) {
		uint32_t n = k->strs_len - pos < CHUNK ? k->strs_len - pos : CHUNK;
		int r = read_at(k, buf, n, k->strs_at + pos);
		if (r)
			return r;
		buf[n] = 0;
		for (uint32_t i = 0; i < n;) {
			uint32_t j = (uint32_t)((const uint8_t *)memchr(buf + i, 0, n + 1 - i) - buf);
			if (carrying) {
				size_t len = j - i;
				if (carry_len + len < MAX_NAME)
					memcpy(carry + carry_len, buf + i, len);
				carry_len = carry_len + len < MAX_NAME ? carry_len + len : MAX_NAME;
				if (j == n)
					break; /* goes on in the next chunk */
				if (carry_len < MAX_NAME && k->by_len[carry_len] >= 0)
					end_string(k, carry_at, carry, carry_len);
				carrying = false;
			} else if (j == n) {
				carrying = true;
				carry_at = pos + i;
				carry_len = j - i < MAX_NAME ? j - i : MAX_NAME;
				memcpy(carry, buf + i, carry_len < MAX_NAME ? carry_len : 0);
				break;
			} else if (j - i < MAX_NAME && k->by_len[j - i] >= 0) {
				end_string(k, pos + i, (const char *)buf + i, j - i);
			}
			i = j + 1;
		}
		pos += n;
	}
	if (carrying)
		return fail(k, EINVAL, "the kernel's BTF strings do not end with a NUL");
	return 0;
}

static bool named(const struct kbtf *k, unsigned name, uint32_t off)
{
	for (unsigned i = 0; i < k->names[name].noff; i++)
		if (k->names[name].off[i] == off)
			return true;
	return false;
}

/* ---- pass 2: the types, for where each starts ------------------------------ */

/* Bytes after the 12-byte struct btf_type: FIXED[kind] + PER[kind] * vlen;
 * a kind missing here (PER -1) is a newer kernel's, which this reader cannot
 * step over. */
static const struct {
	int8_t fixed, per;
} tails[] = {
	[BTF_KIND_UNKN] = {0, -1},
	[BTF_KIND_INT] = {4, 0},
	[BTF_KIND_PTR] = {0, 0},
	[BTF_KIND_ARRAY] = {sizeof(struct btf_array), 0},
	[BTF_KIND_STRUCT] = {0, sizeof(struct btf_member)},
	[BTF_KIND_UNION] = {0, sizeof(struct btf_member)},
	[BTF_KIND_ENUM] = {0, sizeof(struct btf_enum)},
	[BTF_KIND_FWD] = {0, 0},
	[BTF_KIND_TYPEDEF] = {0, 0},
	[BTF_KIND_VOLATILE] = {0, 0},
	[BTF_KIND_CONST] = {0, 0},
	[BTF_KIND_RESTRICT] = {0, 0},
	[BTF_KIND_FUNC] = {0, 0},
	[BTF_KIND_FUNC_PROTO] = {0, sizeof(struct btf_param)},
	[BTF_KIND_VAR] = {4, 0},
	[BTF_KIND_DATASEC] = {0, sizeof(struct btf_var_secinfo)},
	[BTF_KIND_FLOAT] = {0, 0},
	[BTF_KIND_DECL_TAG] = {4, 0},
	[BTF_KIND_TYPE_TAG] = {0, 0},
	[BTF_KIND_ENUM64] = {0, sizeof(struct btf_enum64)},
};

static inline int64_t tail_len(const struct btf_type *t)
{
	unsigned kind = btf_kind(t);
	if (kind >= sizeof tails / sizeof *tails || tails[kind].per < 0)
		return -1;
	return tails[kind].fixed + (int64_t)tails[kind].per * btf_vlen(t);
}

static bool wanted_struct_name(const struct kbtf *k, uint32_t name_off)
{
	for (unsigned i = 0; i < k->nroots; i++)
		if (named(k, k->roots[i], name_off))
			return true;
	return false;
}

static int scan_types(struct kbtf *k, uint8_t *buf)
{
	unsigned n = 0;
	/* one entry per 12 bytes at most: a bound known before reading, and the
	 * pages beyond the real count are never touched */
	uint64_t most = k->types_len / sizeof(struct btf_type);
	if (!(k->start = malloc((most < MAX_TYPES ? most : MAX_TYPES) * sizeof *k->start + 1)))
		return fail(k, ENOMEM, "out of memory reading the kernel's BTF");
	uint64_t pos = 0, have = 0; /* BUF holds the section's bytes [pos, pos + have) */
	uint64_t next = 0;          /* where the next record starts */
	while (next < k->types_len) {
		if (next + sizeof(struct btf_type) > k->types_len)
			return fail(k, EINVAL, "the kernel's BTF ends inside type %u", n + 1);
		if (next + sizeof(struct btf_type) > pos + have) {
			uint64_t len = k->types_len - next < CHUNK ? k->types_len - next : CHUNK;
			int r = read_at(k, buf, (size_t)len, k->types_at + next);
			if (r)
				return r;
			pos = next, have = len;
		}
		struct btf_type t;
		memcpy(&t, buf + (next - pos), sizeof t);
		int64_t tail = tail_len(&t);
		if (tail < 0)
			return fail(k, EINVAL, "type %u in the kernel's BTF is of kind %u, which this "
				    "scmpkit does not know", n + 1, btf_kind(&t));
		if (n == MAX_TYPES)
			return fail(k, EINVAL, "the kernel's BTF holds more than %u types", MAX_TYPES);
		k->start[n++] = (uint32_t)next;
		if (is_composite(&t) && t.name_off && wanted_struct_name(k, t.name_off)) {
			if (SK_GROW(k->cands, k->capcands, k->ncands) < 0)
				return fail(k, ENOMEM, "out of memory reading the kernel's BTF");
			k->cands[k->ncands++] = n;
		}
		next += sizeof t + (uint64_t)tail;
	}
	if (next != k->types_len)
		return fail(k, EINVAL, "the last type in the kernel's BTF runs past its types section");
	k->ntypes = n;
	return 0;
}

/* ---- reading one kernel type ---------------------------------------------- */

static int ktype(struct kbtf *k, uint32_t id, struct btf_type *t)
{
	if (id == 0 || id > k->ntypes)
		return fail(k, EINVAL, "the kernel's BTF refers to type %u, which it does not hold", id);
	return read_at(k, t, sizeof *t, k->types_at + k->start[id - 1]);
}

/* Where the tail of type ID (after its struct btf_type) lies in the file;
 * ID checked by ktype first. */
static uint64_t tail_at(const struct kbtf *k, uint32_t id)
{
	return k->types_at + k->start[id - 1] + sizeof(struct btf_type);
}

/* The tail of type ID (its members, its array, ...) into a new buffer. */
static int ktail(struct kbtf *k, uint32_t id, const struct btf_type *t, void **tail)
{
	size_t len = (size_t)tail_len(t);
	*tail = malloc(len ? len : 1);
	if (!*tail)
		return fail(k, ENOMEM, "out of memory reading the kernel's BTF");
	int r = read_at(k, *tail, len, tail_at(k, id));
	if (r) {
		free(*tail);
		*tail = NULL;
	}
	return r;
}

static bool is_mod(unsigned kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_VOLATILE || kind == BTF_KIND_CONST ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

/* Through typedefs and qualifiers to the type itself. */
static int kskip(struct kbtf *k, uint32_t *id, struct btf_type *t)
{
	for (int depth = 0;; depth++) {
		int r = ktype(k, *id, t);
		if (r)
			return r;
		if (!is_mod(btf_kind(t)))
			return 0;
		if (depth == MAX_DEPTH * 4)
			return fail(k, EINVAL, "type %u in the kernel's BTF is a loop of typedefs", *id);
		*id = t->type;
	}
}

static uint32_t tskip(const struct btf *b, uint32_t id)
{
	for (int depth = 0; depth < MAX_DEPTH * 4; depth++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		if (!t || !is_mod(btf_kind(t)))
			return id;
		id = t->type;
	}
	return id;
}

/* Member M's offset in bits from its struct's start (T's kind_flag packs a
 * bitfield's width in the top byte). */
static uint32_t member_bits(const struct btf_type *t, const struct btf_member *m)
{
	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

struct found {
	uint32_t type;
	uint32_t bits;   /* offset in the outermost struct */
	uint32_t bitsz;  /* a bitfield's width, else 0 */
	unsigned member; /* relayout's: which template member this is */
};

/* Member NAME of kernel struct or union ID (T), looked for through its
 * anonymous members as a C compiler does: 1 found, 0 not, < 0 an error. */
static int kmember(struct kbtf *k, uint32_t id, const struct btf_type *t, unsigned name,
		   uint32_t base, int depth, struct found *f)
{
	void *tail;
	int r = ktail(k, id, t, &tail);
	if (r)
		return r;
	const struct btf_member *m = tail;
	if ((k->visits += btf_vlen(t)) > MAX_VISITS) {
		free(tail);
		return fail(k, EINVAL, "the kernel's BTF nests anonymous members beyond any kernel's");
	}
	for (unsigned i = 0; r == 0 && i < btf_vlen(t); i++) {
		if (m[i].name_off && named(k, name, m[i].name_off)) {
			*f = (struct found){.type = m[i].type, .bits = base + member_bits(t, &m[i]),
					    .bitsz = btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0};
			r = 1;
		}
	}
	for (unsigned i = 0; r == 0 && i < btf_vlen(t); i++) {
		if (m[i].name_off)
			continue;
		if (depth == MAX_DEPTH) {
			r = fail(k, EINVAL, "type %u in the kernel's BTF nests anonymous members "
				 "deeper than %d", id, MAX_DEPTH);
			break;
		}
		uint32_t sub = m[i].type;
		struct btf_type st;
		if ((r = kskip(k, &sub, &st)) == 0 && is_composite(&st))
			r = kmember(k, sub, &st, name, base + member_bits(t, &m[i]), depth + 1, f);
	}
	free(tail);
	return r;
}

/* ---- writing the new BTF --------------------------------------------------- */

static const char *kind_name(unsigned kind)
{
	static const char *const names[] = {
		[BTF_KIND_INT] = "an integer",   [BTF_KIND_PTR] = "a pointer",
		[BTF_KIND_ARRAY] = "an array",   [BTF_KIND_STRUCT] = "a struct",
		[BTF_KIND_UNION] = "a union",    [BTF_KIND_ENUM] = "an enum",
		[BTF_KIND_FWD] = "a declaration", [BTF_KIND_FUNC] = "a function",
		[BTF_KIND_FLOAT] = "a float",    [BTF_KIND_ENUM64] = "an enum",
	};
	return kind < sizeof names / sizeof *names && names[kind] ? names[kind] : "another kind";
}

static int made(struct kbtf *k, int id, const char *what)
{
	return id < 0 ? fail(k, -id, "cannot build the relocation BTF (%s): %s", what, strerror(-id))
		      : id;
}

static int relayout(struct kbtf *k, uint32_t tid, uint32_t kid, int depth);

/* The new type standing for template type TID, which the kernel has as KID. */
static int emit(struct kbtf *k, uint32_t tid, uint32_t kid, const char *where, int depth)
{
	tid = tskip(k->tmpl, tid);
	const struct btf_type *t = btf__type_by_id(k->tmpl, tid);
	struct btf_type kt;
	int r = kskip(k, &kid, &kt);
	if (r)
		return r;
	if (!t)
		return fail(k, EINVAL, "the template refers to type %u, which it does not hold", tid);
	unsigned kind = btf_kind(t), kkind = btf_kind(&kt);
	if (kind != kkind && !(is_composite(t) && is_composite(&kt)))
		return fail(k, EINVAL, "%s is %s in this kernel, where the program reads %s", where,
			    kind_name(kkind), kind_name(kind));
	if (depth == MAX_DEPTH)
		return fail(k, EINVAL, "%s nests deeper than %d", where, MAX_DEPTH);
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info;
		if ((r = read_at(k, &info, sizeof info, tail_at(k, kid))))
			return r;
		if (BTF_INT_OFFSET(info) || !kt.size || kt.size > 16 || (kt.size & (kt.size - 1)))
			return fail(k, EINVAL, "%s is an integer of an unusual shape in this kernel", where);
		const char *name = btf__name_by_offset(k->tmpl, t->name_off);
		return made(k, btf__add_int(k->out, name && *name ? name : "int", kt.size,
					    BTF_INT_ENCODING(info) & (BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL)),
			    where);
	}
	case BTF_KIND_PTR:
		/* CO-RE compares pointers by kind alone: what they point to is
		 * another relocation's business */
		return made(k, btf__add_ptr(k->out, 0), where);
	case BTF_KIND_ARRAY: {
		struct btf_array ka;
		if ((r = read_at(k, &ka, sizeof ka, tail_at(k, kid))))
			return r;
		int elem = emit(k, btf_array(t)->type, ka.type, where, depth + 1);
		if (elem < 0)
			return elem;
		if (!k->idx_id && (k->idx_id = made(k, btf__add_int(k->out, "unsigned int", 4, 0), where)) < 0)
			return k->idx_id;
		return made(k, btf__add_array(k->out, k->idx_id, elem, ka.nelems), where);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return relayout(k, tid, kid, depth + 1);
	default:
		return fail(k, EINVAL, "%s: the program reads %s, which this scmpkit does not relocate",
			    where, kind_name(kind));
	}
}

static int by_offset(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	return x->bits < y->bits ? -1 : x->bits > y->bits;
}

/* Template struct or union TID, with the members it names, as the kernel's
 * KID lays them out. */
static int relayout(struct kbtf *k, uint32_t tid, uint32_t kid, int depth)
{
	if (k->made[tid])
		return k->made[tid];
	const struct btf_type *t = btf__type_by_id(k->tmpl, tid);
	const char *sname = btf__name_by_offset(k->tmpl, t->name_off);
	if (!sname || !*sname)
		sname = "(anonymous)";
	struct btf_type kt;
	int r = ktype(k, kid, &kt);
	if (r)
		return r;
	unsigned n = btf_vlen(t);
	struct found *f = calloc(n ? n : 1, sizeof *f);
	int *ids = calloc(n ? n : 1, sizeof *ids);
	if (!f || !ids) {
		r = fail(k, ENOMEM, "out of memory reading the kernel's BTF");
		goto out;
	}
	const struct btf_member *m = btf_members(t);
	for (unsigned i = 0; i < n; i++) {
		const char *mname = btf__name_by_offset(k->tmpl, m[i].name_off);
		char where[160];
		snprintf(where, sizeof where, "%s.%s", sname, mname ? mname : "?");
		int name = mname && *mname ? name_index(k, mname) : -1;
		if (name < 0) {
			r = fail(k, EINVAL, "the template names an anonymous member in %s", sname);
			goto out;
		}
		if ((r = kmember(k, kid, &kt, (unsigned)name, 0, 0, &f[i])) <= 0) {
			if (r == 0)
				r = fail(k, ENOENT, "%s is not in this kernel's BTF: the recorder reads it",
					 where);
			goto out;
		}
		if ((ids[i] = emit(k, m[i].type, f[i].type, where, depth)) < 0) {
			r = ids[i];
			goto out;
		}
		f[i].member = i;
	}
	qsort(f, n, sizeof *f, by_offset);
	const char *name = t->name_off ? sname : NULL;
	int id = made(k, btf_kind(t) == BTF_KIND_UNION ? btf__add_union(k->out, name, kt.size)
						      : btf__add_struct(k->out, name, kt.size),
		      sname);
	for (unsigned i = 0; id >= 0 && i < n; i++) {
		unsigned which = f[i].member;
		int fr = btf__add_field(k->out, btf__name_by_offset(k->tmpl, m[which].name_off),
					ids[which], f[i].bits, f[i].bitsz);
		if (fr < 0)
			id = made(k, fr, sname);
	}
	r = id;
	if (id > 0)
		k->made[tid] = id;
out:
	free(f);
	free(ids);
	return r;
}

/* ---- the whole ------------------------------------------------------------- */

static int read_header(struct kbtf *k)
{
	struct stat st;
	if (fstat(k->fd, &st) < 0)
		return fail(k, errno, "cannot read the kernel's BTF: %s", strerror(errno));
	struct btf_header h;
	if (st.st_size < (off_t)sizeof h)
		return fail(k, EINVAL, "the kernel's BTF is shorter than its header");
	int r = read_at(k, &h, sizeof h, 0);
	if (r)
		return r;
	if (h.magic == 0x9FEB)
		return fail(k, EINVAL, "the kernel's BTF is in the other byte order");
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION)
		return fail(k, EINVAL, "not a BTF file (magic %#x, version %u)", h.magic, h.version);
	uint64_t size = (uint64_t)st.st_size;
	if (h.hdr_len < sizeof h || h.hdr_len > size ||
	    (uint64_t)h.type_off + h.type_len > size - h.hdr_len ||
	    (uint64_t)h.str_off + h.str_len > size - h.hdr_len || h.type_off % 4)
		return fail(k, EINVAL, "the kernel's BTF header places its sections outside the file");
	if (h.str_len == 0)
		return fail(k, EINVAL, "the kernel's BTF has no strings");
	k->types_at = (uint64_t)h.hdr_len + h.type_off;
	k->types_len = h.type_len;
	k->strs_at = (uint64_t)h.hdr_len + h.str_off;
	k->strs_len = h.str_len;
	return 0;
}

/* Every named struct and union of the template, from its kernel namesake. */
static int relayout_all(struct kbtf *k)
{
	for (uint32_t id = 1; id < btf__type_cnt(k->tmpl); id++) {
		const struct btf_type *t = btf__type_by_id(k->tmpl, id);
		if (!is_composite(t) || !t->name_off || k->made[id])
			continue;
		const char *name = btf__name_by_offset(k->tmpl, t->name_off);
		int ni = name_index(k, name);
		uint32_t kid = 0;
		for (size_t c = 0; !kid && ni >= 0 && c < k->ncands; c++) {
			struct btf_type kt;
			int r = ktype(k, k->cands[c], &kt);
			if (r)
				return r;
			if (btf_kind(&kt) == btf_kind(t) && named(k, (unsigned)ni, kt.name_off))
				kid = k->cands[c];
		}
		if (!kid)
			return fail(k, ENOENT, "this kernel's BTF has no %s %s: the recorder reads it",
				    btf_kind(t) == BTF_KIND_UNION ? "union" : "struct", name);
		int r = relayout(k, id, kid, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int sk_kernel_btf_relayout(int fd, const void *tmpl, size_t tmpl_len, struct btf **out, char *why,
			   size_t whylen)
{
	struct kbtf k = {.fd = fd, .why = why, .whylen = whylen};
	memset(k.by_len, -1, sizeof k.by_len);
	*out = NULL;
	if (whylen)
		why[0] = 0;
	uint8_t *buf = NULL;
	int r;
	if (tmpl_len > UINT32_MAX || !(k.tmpl = btf__new(tmpl, (uint32_t)tmpl_len))) {
		r = fail(&k, EINVAL, "the recorder's template BTF does not parse");
		k.tmpl = NULL;
		goto out;
	}
	if (!(buf = malloc(CHUNK + 1)) || !(k.made = calloc(btf__type_cnt(k.tmpl), sizeof *k.made)) ||
	    !(k.out = btf__new_empty())) {
		r = fail(&k, ENOMEM, "out of memory reading the kernel's BTF");
		goto out;
	}
	if ((r = collect_names(&k)) || (r = read_header(&k)) || (r = scan_strings(&k, buf)) ||
	    (r = scan_types(&k, buf)) || (r = relayout_all(&k)))
		goto out;
	*out = k.out;
	k.out = NULL;
out:
	btf__free(k.out);
	btf__free((struct btf *)k.tmpl);
	free(buf);
	free(k.made);
	free(k.start);
	free(k.cands);
	return r < 0 ? r : 0;
}
