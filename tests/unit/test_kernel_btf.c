/* SPDX-License-Identifier: Apache-2.0 */
/* lib/trace/kernel_btf.c: the running kernel's layout of what the recorder
 * reads, from a streaming read of its BTF.
 *   - On this kernel, every struct and member of the recorder's template
 *     (built by bpftool gen min_core_btf) comes out at the offset, kind and
 *     size libbpf finds in the whole vmlinux BTF (the oracle), and the result
 *     is small.
 *   - On a BTF written here (libbpf's writer): members found through
 *     anonymous unions and typedef chains, a layout other than the
 *     template's, an embedded named struct, an anonymous struct member.
 *   - Bad input is an error that says what: not BTF, the other byte order,
 *     sections outside the file, a type running past its section, a kind it
 *     does not know, a type id out of range, a struct or member missing, a
 *     member of another kind. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>

#include "kernel_btf.h"
#include "record_core_btf.h"

static char why[256];

/* BYTES as a file to read from */
static int memfile(const void *bytes, size_t len)
{
	int fd = memfd_create("btf", MFD_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
	return fd;
}

static int relayout_bytes(const void *kernel, size_t klen, const struct btf *tmpl, struct btf **out)
{
	uint32_t tlen;
	const void *traw = btf__raw_data(tmpl, &tlen);
	int fd = memfile(kernel, klen);
	int r = sk_kernel_btf_relayout(fd, traw, tlen, out, why, sizeof why);
	close(fd);
	return r;
}

static int relayout_btf(const struct btf *kernel, const struct btf *tmpl, struct btf **out)
{
	uint32_t klen;
	const void *kraw = btf__raw_data(kernel, &klen);
	return relayout_bytes(kraw, klen, tmpl, out);
}

/* Member NAME of struct ID in B, through anonymous members: its type and
 * bit offset from the struct's start; 0 when absent. */
static int find_member(const struct btf *b, uint32_t id, const char *name, uint32_t base,
		       uint32_t *type, uint32_t *bits)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	const struct btf_member *m = btf_members(t);
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(b, m[i].name_off);
		if (n && !strcmp(n, name)) {
			*type = m[i].type;
			*bits = base + btf_member_bit_offset(t, i);
			return 1;
		}
	}
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		if (m[i].name_off)
			continue;
		uint32_t sub = btf__resolve_type(b, m[i].type);
		const struct btf_type *st = btf__type_by_id(b, sub);
		if ((btf_is_struct(st) || btf_is_union(st)) &&
		    find_member(b, sub, name, base + btf_member_bit_offset(t, i), type, bits))
			return 1;
	}
	return 0;
}

static uint32_t resolved_kind(const struct btf *b, uint32_t id, int64_t *size)
{
	int32_t r = btf__resolve_type(b, id);
	cr_assert_geq(r, 0);
	*size = btf__resolve_size(b, (uint32_t)r);
	return btf_kind(btf__type_by_id(b, (uint32_t)r));
}

/* Every member of every named struct of GOT is where ORACLE has it, of the
 * same kind and size; returns how many were compared. */
static unsigned same_layout(const struct btf *got, const struct btf *oracle)
{
	unsigned compared = 0;
	for (uint32_t id = 1; id < btf__type_cnt(got); id++) {
		const struct btf_type *t = btf__type_by_id(got, id);
		if (!(btf_is_struct(t) || btf_is_union(t)) || !t->name_off)
			continue;
		const char *name = btf__name_by_offset(got, t->name_off);
		int32_t oid = btf__find_by_name_kind(oracle, name, btf_kind(t));
		cr_assert_gt(oid, 0, "%s is not in the oracle", name);
		cr_assert_eq(btf__type_by_id(oracle, (uint32_t)oid)->size, t->size, "size of %s", name);
		const struct btf_member *m = btf_members(t);
		for (unsigned i = 0; i < btf_vlen(t); i++) {
			const char *mname = btf__name_by_offset(got, m[i].name_off);
			uint32_t otype, obits;
			cr_assert(find_member(oracle, (uint32_t)oid, mname, 0, &otype, &obits),
				  "%s.%s is not in the oracle", name, mname);
			cr_assert_eq(btf_member_bit_offset(t, i), obits, "offset of %s.%s", name, mname);
			int64_t gsize, osize;
			uint32_t gk = resolved_kind(got, m[i].type, &gsize);
			uint32_t ok = resolved_kind(oracle, otype, &osize);
			cr_assert(gk == ok || (btf_is_composite(btf__type_by_id(got, btf__resolve_type(got, m[i].type))) &&
					       (ok == BTF_KIND_STRUCT || ok == BTF_KIND_UNION)),
				  "kind of %s.%s: %u, the oracle's %u", name, mname, gk, ok);
			if (gk != BTF_KIND_ARRAY)
				cr_assert_eq(gsize, osize, "size of %s.%s", name, mname);
			compared++;
		}
	}
	return compared;
}

Test(kernel_btf, this_kernel_agrees_with_libbpf_reading_all_of_it)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		cr_skip_test("this kernel has no /sys/kernel/btf/vmlinux");
	struct btf *got = NULL;
	int r = sk_kernel_btf_relayout(fd, sk_record_core_btf, sizeof sk_record_core_btf, &got, why,
				       sizeof why);
	close(fd);
	cr_assert_eq(r, 0, "%s", why);
	struct btf *oracle = btf__load_vmlinux_btf();
	cr_assert_not_null(oracle);
	struct btf *tmpl = btf__new(sk_record_core_btf, sizeof sk_record_core_btf);
	cr_assert_not_null(tmpl);
	/* every member the template names is there, and where libbpf has it */
	unsigned want = 0;
	for (uint32_t id = 1; id < btf__type_cnt(tmpl); id++) {
		const struct btf_type *t = btf__type_by_id(tmpl, id);
		if (btf_is_struct(t) || btf_is_union(t))
			want += btf_vlen(t);
	}
	unsigned compared = same_layout(got, oracle);
	cr_assert_geq(compared, 15, "only %u members compared", compared);
	cr_assert_leq(compared, want);
	uint32_t len;
	btf__raw_data(got, &len);
	cr_assert_lt(len, 4096, "the relocation BTF is %u bytes", len);
	btf__free(tmpl);
	btf__free(oracle);
	btf__free(got);
}

/* ---- a kernel written here -------------------------------------------------- */

struct kernelish {
	struct btf *k, *t;
};

/* The kernel: struct task { long pad; union { int a; struct { char c; pid_t
 * tgid; }; }; struct info ti; struct sig *signal; struct cg *anc[]; } with
 * pid_t a typedef of a typedef of int, struct info { long f; u32 status; },
 * struct sig { int x; atomic live; } with atomic a typedef of an anonymous
 * struct { int counter; }. The template: the same names, other offsets, in
 * another order. */
static struct kernelish build(void)
{
	struct kernelish b = {btf__new_empty(), btf__new_empty()};
	struct btf *k = b.k;
	int i32 = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	int i64 = btf__add_int(k, "long", 8, BTF_INT_SIGNED);
	int u32 = btf__add_int(k, "unsigned int", 4, 0);
	int chr = btf__add_int(k, "char", 1, BTF_INT_CHAR);
	int kpid = btf__add_typedef(k, "__kernel_pid_t", i32);
	int pid = btf__add_typedef(k, "pid_t", kpid);
	int anon = btf__add_struct(k, NULL, 8);
	btf__add_field(k, "c", chr, 0, 0);
	btf__add_field(k, "tgid", pid, 32, 0);
	int un = btf__add_union(k, NULL, 8);
	btf__add_field(k, "a", i32, 0, 0);
	btf__add_field(k, NULL, anon, 0, 0);
	int info = btf__add_struct(k, "info", 16);
	btf__add_field(k, "f", i64, 0, 0);
	btf__add_field(k, "status", u32, 64, 0);
	int counter = btf__add_struct(k, NULL, 4);
	btf__add_field(k, "counter", i32, 0, 0);
	int atomic = btf__add_typedef(k, "atomic_t", counter);
	int sig = btf__add_struct(k, "sig", 8);
	btf__add_field(k, "x", i32, 0, 0);
	btf__add_field(k, "live", atomic, 32, 0);
	int sigp = btf__add_ptr(k, sig);
	int cgp = btf__add_ptr(k, btf__add_fwd(k, "cg", BTF_FWD_STRUCT));
	int arr = btf__add_array(k, u32, cgp, 0);
	int vol = btf__add_volatile(k, sigp);
	cr_assert_gt(btf__add_struct(k, "task", 48), 0);
	btf__add_field(k, "pad", i64, 0, 0);
	btf__add_field(k, NULL, un, 64, 0);
	btf__add_field(k, "ti", info, 128, 0);
	btf__add_field(k, "signal", vol, 256, 0);
	btf__add_field(k, "anc", arr, 320, 0);

	struct btf *t = b.t;
	int ti32 = btf__add_int(t, "int", 4, BTF_INT_SIGNED);
	int tu32 = btf__add_int(t, "u32", 4, 0);
	int tinfo = btf__add_struct(t, "info", 4);
	btf__add_field(t, "status", tu32, 0, 0);
	int tcounter = btf__add_struct(t, NULL, 4);
	btf__add_field(t, "counter", ti32, 0, 0);
	int tsig = btf__add_struct(t, "sig", 4);
	btf__add_field(t, "live", tcounter, 0, 0);
	int tptr = btf__add_ptr(t, tsig);
	int tarr = btf__add_array(t, ti32, tptr, 0);
	btf__add_struct(t, "task", 64);
	btf__add_field(t, "anc", tarr, 0, 0);
	btf__add_field(t, "signal", tptr, 64, 0);
	btf__add_field(t, "tgid", ti32, 128, 0);
	btf__add_field(t, "ti", tinfo, 192, 0);
	return b;
}

static void drop(struct kernelish b)
{
	btf__free(b.k);
	btf__free(b.t);
}

Test(kernel_btf, members_are_found_through_anonymous_unions_and_typedefs)
{
	struct kernelish b = build();
	struct btf *got = NULL;
	cr_assert_eq(relayout_btf(b.k, b.t, &got), 0, "%s", why);
	cr_assert_eq(same_layout(got, b.k), 1 + 1 + 4);
	/* the embedded named struct is made once, and the task's ti is it */
	int32_t task = btf__find_by_name_kind(got, "task", BTF_KIND_STRUCT);
	int32_t info = btf__find_by_name_kind(got, "info", BTF_KIND_STRUCT);
	cr_assert_gt(task, 0);
	uint32_t type, bits;
	cr_assert(find_member(got, (uint32_t)task, "ti", 0, &type, &bits));
	cr_assert_eq((int32_t)type, info);
	cr_assert_eq(bits, 128);
	cr_assert(find_member(got, (uint32_t)task, "tgid", 0, &type, &bits));
	cr_assert_eq(bits, 64 + 32);
	btf__free(got);
	drop(b);
}

static void fails_with(const void *bytes, size_t len, const struct btf *tmpl, const char *text)
{
	struct btf *got = (struct btf *)1;
	int r = relayout_bytes(bytes, len, tmpl, &got);
	cr_assert_lt(r, 0, "accepted; wanted: %s", text);
	cr_assert_null(got);
	cr_assert(strstr(why, text), "'%s' does not say '%s'", why, text);
}

/* The kernel BTF of build() as bytes to damage; *TYPES: where its types start. */
static uint8_t *raw_copy(struct kernelish b, size_t *len, size_t *types)
{
	uint32_t n;
	const void *raw = btf__raw_data(b.k, &n);
	uint8_t *copy = malloc(n);
	memcpy(copy, raw, n);
	*len = n;
	const struct btf_header *h = raw;
	*types = h->hdr_len + h->type_off;
	return copy;
}

Test(kernel_btf, bad_input_is_an_error_that_says_what)
{
	struct kernelish b = build();
	size_t len, types;
	uint8_t *raw = raw_copy(b, &len, &types);
	struct btf_header *h = (struct btf_header *)raw;

	fails_with("hello, world, not btf at all", 28, b.t, "not a BTF file");
	fails_with(raw, 10, b.t, "shorter than its header");
	uint16_t magic = h->magic;
	h->magic = 0x9FEB;
	fails_with(raw, len, b.t, "other byte order");
	h->magic = magic;
	h->str_len += 100;
	fails_with(raw, len, b.t, "outside the file");
	h->str_len -= 100;
	fails_with(raw, len - 1, b.t, "outside the file");
	/* the first type (an int, 16 bytes) claims another kind */
	struct btf_type *first = (struct btf_type *)(raw + types);
	uint32_t info = first->info;
	first->info = (info & ~(0x1fu << 24)) | (31u << 24);
	fails_with(raw, len, b.t, "of kind 31");
	/* a struct of 65535 members: its tail runs past the section */
	first->info = (uint32_t)BTF_KIND_STRUCT << 24 | 0xffff;
	fails_with(raw, len, b.t, "runs past its types section");
	first->info = info;
	/* the last type (task) points a member at a type that is not there */
	struct btf_member *last = (struct btf_member *)(raw + types + h->type_len) - 1;
	uint32_t type = last->type;
	last->type = 9999;
	fails_with(raw, len, b.t, "refers to type 9999");
	last->type = type;
	/* the strings do not end */
	raw[len - 1] = 'x';
	fails_with(raw, len, b.t, "do not end with a NUL");
	free(raw);
	drop(b);
}

/* A template of one struct SNAME with one int member FNAME. */
static struct btf *int_member(const char *sname, const char *fname)
{
	struct btf *t = btf__new_empty();
	int i32 = btf__add_int(t, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(t, sname, 4);
	btf__add_field(t, fname, i32, 0, 0);
	return t;
}

Test(kernel_btf, a_missing_struct_member_or_kind_names_it)
{
	struct kernelish b = build();
	static const char *const cases[][3] = {
		{"cgroup", "level", "no struct cgroup"},
		{"task", "ancestors", "task.ancestors is not in this kernel"},
		/* the program reads signal as an integer; the kernel has a pointer */
		{"task", "signal", "task.signal is a pointer in this kernel, where the program reads an integer"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct btf *t = int_member(cases[i][0], cases[i][1]), *got = NULL;
		cr_assert_lt(relayout_btf(b.k, t, &got), 0);
		cr_assert(strstr(why, cases[i][2]), "'%s' does not say '%s'", why, cases[i][2]);
		cr_assert_null(got);
		btf__free(t);
	}
	drop(b);
}

/* Thousands of anonymous members, each the same struct of thousands of
 * anonymous members: a search through all of them would look at 8 million
 * members for a name that is not there. It stops, and says why. */
Test(kernel_btf, anonymous_members_that_multiply_are_an_error)
{
	struct btf *k = btf__new_empty();
	int i32 = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	int inner = btf__add_struct(k, NULL, 4);
	btf__add_field(k, "x", i32, 0, 0);
	for (int level = 0; level < 2; level++) {
		int next = btf__add_struct(k, NULL, 4);
		for (int i = 0; i < 200; i++)
			btf__add_field(k, NULL, inner, 0, 0);
		inner = next;
	}
	btf__add_struct(k, "task", 4);
	for (int i = 0; i < 200; i++)
		btf__add_field(k, NULL, inner, 0, 0);
	struct btf *t = int_member("task", "tgid"), *got = NULL;
	cr_assert_lt(relayout_btf(k, t, &got), 0);
	cr_assert(strstr(why, "beyond any kernel's"), "%s", why);
	btf__free(t);
	btf__free(k);
}
