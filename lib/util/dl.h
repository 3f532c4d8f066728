/* SPDX-License-Identifier: Apache-2.0 */
/* A library loaded when first needed (dlopen), not when scmpkit starts: for
 * the ones only a few commands use, whose loading would cost every command
 * (libcurl: ~3 ms and thirty libraries; libcrypto: 21,000 relocations, 0.5 ms
 * and 126 page faults warm, several ms cold). A table of symbols, each copied
 * into a struct of typed function pointers at its offset. */
#ifndef SK_UTIL_DL_H
#define SK_UTIL_DL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct sk_dl_symbol {
	const char *name;
	size_t offset; /* of its pointer in the table */
};

/* Define one with SK_DL_INIT; the table is filled on the first sk_dl_load. */
struct sk_dl {
	pthread_mutex_t lock;
	const char *soname;
	const struct sk_dl_symbol *symbols;
	size_t n;
	void *table;       /* where the pointers go, all or none */
	size_t table_size;
	bool tried, ok;
	char error[512];   /* dlerror()'s text, copied: its buffer is reused */
};

#define SK_DL_INIT(soname_, symbols_, table_)                                               \
	{                                                                                   \
		.lock = PTHREAD_MUTEX_INITIALIZER, .soname = (soname_), .symbols = (symbols_), \
		.n = sizeof(symbols_) / sizeof *(symbols_), .table = &(table_),               \
		.table_size = sizeof(table_),                                                   \
	}

/* Load L's library and fill its table, once (thread-safe): true when every
 * symbol was found; else false, and L->error says what dlerror said. */
bool sk_dl_load(struct sk_dl *l);

#endif
