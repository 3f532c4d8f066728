/* SPDX-License-Identifier: Apache-2.0 */
/* Architecture names and syscall lookups over the generated tables. */
#include <scmpkit/arch.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arch/arch_tables.h"

const struct sk_arch_info *sk_arch_info(enum sk_arch arch)
{
	if ((int)arch < 0 || arch >= SK_ARCH_COUNT || (size_t)arch >= sk_gen_arch_count)
		return NULL;
	return &sk_gen_info[arch];
}

/* True when NAME equals one entry of the comma-separated LIST (case-insensitive). */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncasecmp(p, name, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

enum sk_arch sk_arch_parse(const char *name)
{
	if (!name || !*name)
		return SK_ARCH_INVALID;
	for (size_t i = 0; i < sk_gen_arch_count; i++) {
		const struct sk_gen_arch *g = &sk_gen_arches[i];
		if (strcasecmp(g->oci_name, name) == 0 || in_list(g->aliases, name))
			return (enum sk_arch)i;
	}
	return SK_ARCH_INVALID;
}

size_t sk_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

/* Accept a suggestion only when it is reasonably close to what was typed. */
static bool close_enough(size_t dist, const char *typed)
{
	size_t len = strlen(typed);
	return dist <= 2 || (dist <= 3 && len >= 8) || dist * 3 <= len;
}

const char *sk_arch_suggest(const char *name)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t i = 0; i < sk_gen_arch_count; i++) {
		const struct sk_gen_arch *g = &sk_gen_arches[i];
		size_t d = sk_edit_distance(name, g->oci_name);
		if (d < bestd) {
			bestd = d;
			best = g->oci_name;
		}
		/* every alias counts; the suggestion names the arch by its short name */
		for (const char *p = g->aliases; *p;) {
			char tok[32];
			size_t len = strcspn(p, ",");
			if (len < sizeof tok) {
				memcpy(tok, p, len);
				tok[len] = 0;
				d = sk_edit_distance(name, tok);
				if (d < bestd) {
					bestd = d;
					best = g->short_name;
				}
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	return best && close_enough(bestd, name) ? best : NULL;
}

enum sk_arch sk_arch_native(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return SK_ARCH_X32;
#elif defined(__x86_64__)
	return SK_ARCH_X86_64;
#elif defined(__i386__)
	return SK_ARCH_X86;
#elif defined(__aarch64__)
	return SK_ARCH_AARCH64;
#elif defined(__arm__)
	return SK_ARCH_ARM;
#elif defined(__riscv) && __riscv_xlen == 64
	return SK_ARCH_RISCV64;
#elif defined(__loongarch64)
	return SK_ARCH_LOONGARCH64;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return SK_ARCH_PPC64LE;
#elif defined(__powerpc64__)
	return SK_ARCH_PPC64;
#elif defined(__powerpc__)
	return SK_ARCH_PPC;
#elif defined(__s390x__)
	return SK_ARCH_S390X;
#elif defined(__s390__)
	return SK_ARCH_S390;
#elif defined(__mips__) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return SK_ARCH_MIPSEL64;
#elif defined(__mips__) && _MIPS_SIM == _ABI64
	return SK_ARCH_MIPS64;
#elif defined(__mips__) && _MIPS_SIM == _ABIN32 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return SK_ARCH_MIPSEL64N32;
#elif defined(__mips__) && _MIPS_SIM == _ABIN32
	return SK_ARCH_MIPS64N32;
#elif defined(__mips__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return SK_ARCH_MIPSEL;
#elif defined(__mips__)
	return SK_ARCH_MIPS;
#elif defined(__hppa64__)
	return SK_ARCH_PARISC64;
#elif defined(__hppa__)
	return SK_ARCH_PARISC;
#elif defined(__m68k__)
	return SK_ARCH_M68K;
#elif defined(__sh__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return SK_ARCH_SHEB;
#elif defined(__sh__)
	return SK_ARCH_SH;
#else
	return SK_ARCH_INVALID;
#endif
}

enum sk_arch sk_arch_from_audit(uint32_t audit_arch, uint32_t nr)
{
	for (size_t i = 0; i < sk_gen_arch_count; i++) {
		if (sk_gen_arches[i].audit_arch != audit_arch)
			continue;
		if (i == SK_ARCH_X86_64 && (nr & SK_X32_SYSCALL_BIT))
			return SK_ARCH_X32;
		return (enum sk_arch)i;
	}
	return SK_ARCH_INVALID;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

static long name_index(const char *name)
{
	if (!name)
		return -1;
	const char *const *hit = bsearch(name, sk_gen_names, sk_gen_name_count,
					 sizeof sk_gen_names[0], cmp_name);
	return hit ? (long)(hit - sk_gen_names) : -1;
}

static const struct sk_gen_table *table_of(enum sk_arch arch)
{
	if ((int)arch < 0 || (size_t)arch >= sk_gen_arch_count)
		return NULL;
	return &sk_gen_tables[sk_gen_arches[arch].table];
}

int64_t sk_syscall_nr(enum sk_arch arch, const char *name)
{
	const struct sk_gen_table *t = table_of(arch);
	long i = name_index(name);
	if (!t || i < 0)
		return -1;
	return t->nr_of_name[i];
}

const char *sk_syscall_name(enum sk_arch arch, int64_t nr)
{
	const struct sk_gen_table *t = table_of(arch);
	if (!t)
		return NULL;
	size_t lo = 0, hi = t->n_by_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->by_nr[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n_by_nr && t->by_nr[lo].nr == nr)
		return sk_gen_names[t->by_nr[lo].name];
	return NULL;
}

bool sk_syscall_known(const char *name)
{
	return name_index(name) >= 0;
}

const char *sk_syscall_suggest(const char *name)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	for (size_t i = 0; i < sk_gen_name_count; i++) {
		size_t d = sk_edit_distance(name, sk_gen_names[i]);
		if (d < bestd) {
			bestd = d;
			best = sk_gen_names[i];
		}
	}
	return best && close_enough(bestd, name) ? best : NULL;
}

size_t sk_syscall_count(enum sk_arch arch)
{
	const struct sk_gen_table *t = table_of(arch);
	return t ? t->n_by_nr : 0;
}

bool sk_syscall_at(enum sk_arch arch, size_t i, const char **name, int64_t *nr)
{
	const struct sk_gen_table *t = table_of(arch);
	if (!t || i >= t->n_by_nr)
		return false;
	if (name)
		*name = sk_gen_names[t->by_nr[i].name];
	if (nr)
		*nr = t->by_nr[i].nr;
	return true;
}

int64_t sk_syscall_id(const char *name)
{
	return name_index(name);
}

bool sk_syscall_numbered(const char *name)
{
	long i = name_index(name);
	for (size_t t = 0; i >= 0 && t < sk_gen_table_count; t++)
		if (sk_gen_tables[t].nr_of_name[i] >= 0)
			return true;
	return false;
}

bool sk_syscall_on_any(const enum sk_arch *arches, size_t n, const char *name)
{
	for (size_t a = 0; a < n; a++)
		if (sk_syscall_nr(arches[a], name) >= 0)
			return true;
	return false;
}

size_t sk_syscall_name_count(void)
{
	return sk_gen_name_count;
}

const char *sk_syscall_name_at(size_t i)
{
	return i < sk_gen_name_count ? sk_gen_names[i] : NULL;
}

int64_t sk_syscall_max(enum sk_arch arch)
{
	const struct sk_gen_table *t = table_of(arch);
	if (!t || t->n_by_nr == 0)
		return -1;
	return t->by_nr[t->n_by_nr - 1].nr;
}

/* ---- socketcall(2) / ipc(2) multiplexing ---------------------------------- */

/* The arches where libseccomp also matches the muxed calls (data/syscalls/
 * muxed.tsv) through the multiplexer (abi_rule_add): those with
 * socketcall(2)/ipc(2). */
bool sk_arch_muxes(enum sk_arch arch)
{
	switch (arch) {
	case SK_ARCH_X86: case SK_ARCH_S390: case SK_ARCH_S390X: case SK_ARCH_PPC:
	case SK_ARCH_PPC64: case SK_ARCH_PPC64LE: case SK_ARCH_MIPS: case SK_ARCH_MIPSEL:
		return true;
	default:
		return false;
	}
}

bool sk_syscall_ref(const char *name, struct sk_syscall_ref *ref)
{
	long i = name_index(name);
	*ref = (struct sk_syscall_ref){.id = i, .key = -1};
	if (i < 0)
		return false;
	ref->key = sk_gen_name_key[i];
	ref->mux = sk_gen_name_mux[i].kind;
	ref->call = sk_gen_name_mux[i].call;
	return true;
}

int64_t sk_syscall_nr_id(enum sk_arch arch, int64_t id)
{
	const struct sk_gen_table *t = table_of(arch);
	if (!t || id < 0 || (size_t)id >= sk_gen_name_count)
		return -1;
	return t->nr_of_name[id];
}

bool sk_syscall_muxed(enum sk_arch arch, const char *name, bool *ipc, unsigned *call)
{
	struct sk_syscall_ref r;
	if (!sk_arch_muxes(arch) || !sk_syscall_ref(name, &r) || !r.mux)
		return false;
	if (ipc)
		*ipc = r.mux == SK_MUX_IPC;
	if (call)
		*call = r.call;
	return true;
}
