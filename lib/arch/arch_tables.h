/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the shape of the tables gen_tables.py writes. */
#ifndef SK_ARCH_TABLES_H
#define SK_ARCH_TABLES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scmpkit/arch.h>

struct sk_gen_entry {
	int64_t nr;
	uint32_t name;  /* index into sk_gen_names */
};

struct sk_gen_table {
	const char *file;
	const int64_t *nr_of_name;       /* per name; -1 = absent */
	const struct sk_gen_entry *by_nr; /* sorted by nr */
	size_t n_by_nr;
};

struct sk_gen_arch {
	const char *oci_name;
	const char *short_name;
	const char *aliases;
	size_t table;
	uint32_t audit_arch;
	unsigned bits;
	bool big_endian;
};

extern const size_t sk_gen_name_count;
extern const char *const sk_gen_names[];
extern const uint32_t sk_gen_name_key[]; /* per name: shared by names that are one call */
struct sk_gen_mux {
	uint8_t kind; /* 0 none, 1 socketcall, 2 ipc */
	uint8_t call; /* the multiplexer's args[0] */
};
extern const struct sk_gen_mux sk_gen_name_mux[]; /* per name (data/syscalls/muxed.tsv) */
extern const struct sk_gen_table sk_gen_tables[];
extern const size_t sk_gen_table_count;
extern const struct sk_gen_arch sk_gen_arches[];
extern const size_t sk_gen_arch_count;
extern const struct sk_arch_info sk_gen_info[];
#endif
