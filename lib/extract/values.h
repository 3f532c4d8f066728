/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to lib/extract (flow.c, values.c): the abstract values the value
 * analysis computes for registers and stack slots.
 *
 * A value is one of
 *   BOT    nothing yet (the block was not reached),
 *   VAL    a small set of 32-bit constants and/or "the value parameter P had
 *          at the function's entry" (a bit per parameter location, XL_*),
 *   STK    an address in the function's own stack: entry rsp + offset,
 *   TOP    anything.
 * Only the low 32 bits of constants are kept: the kernel reads a syscall
 * number as an int, and nothing else the analysis tracks needs more. A set
 * that would grow past XV_MAXC constants becomes TOP, so that every chain of
 * joins is short and the fixpoint is reached fast.
 *
 * A state is the value of the 16 general-purpose registers and of the stack
 * slots written so far, keyed by their offset from the entry rsp. A slot
 * never written at a positive offset (above the return address) is a
 * parameter on the stack (Go's ABI0, arguments past the sixth in C). */
#ifndef SK_EXTRACT_VALUES_H
#define SK_EXTRACT_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

#define XV_MAXC 6
#define XV_NSLOT 32

enum { V_BOT = 0, V_VAL, V_STK, V_TOP };

struct aval {
	uint8_t k;
	uint8_t n;    /* V_VAL: constants in c[] */
	uint32_t pm;  /* V_VAL: parameter bits */
	uint32_t c[XV_MAXC]; /* V_VAL: sorted constants; V_STK: c[0] is the offset */
};

struct aslot {
	int32_t off;
	struct aval v;
};

struct astate {
	bool reached;
	bool lost; /* slots were dropped: an absent slot is TOP, not a parameter */
	uint8_t ns;
	struct aval r[XR_COUNT];
	struct aslot s[XV_NSLOT];
};

struct aval v_top(void);
struct aval v_const(uint32_t c);
struct aval v_param(unsigned loc);
/* Stack offsets stay within +-XSTK_MAX (beyond, a value is unknown), so that
 * an offset plus or minus a slot's size never overflows. */
#define XSTK_MAX (1 << 28)
struct aval v_stk(int32_t off);
bool v_eq(const struct aval *a, const struct aval *b);
struct aval v_join(const struct aval *a, const struct aval *b);
/* The value as an operand of SIZE bytes sees it (a 4-byte read of a stack
 * address is TOP; constants are truncated; a parameter survives 4 and 8). */
struct aval v_view(const struct aval *v, unsigned size);
/* Constants combined pairwise by OP (XO_ADD, ...); TOP when either is not a
 * set of constants or the result set is too large. */
struct aval v_arith(const struct aval *a, const struct aval *b, uint8_t op);
/* Constants extended from FROM bytes: zero- or sign-extension. */
struct aval v_extend(const struct aval *v, unsigned from, bool sign);

/* The state at a function's entry: every register its own parameter. */
void st_entry(struct astate *s);
/* The state of a block only an unknown jump reaches: nothing known. */
void st_unknown(struct astate *s);
/* Join SRC into DST; true when DST changed. */
bool st_join(struct astate *dst, const struct astate *src);
/* The slot at OFF read with SIZE bytes. */
struct aval st_load(const struct astate *s, int32_t off, unsigned size);
/* Write V to the SIZE bytes at OFF (overlapping slots are forgotten). */
void st_store(struct astate *s, int32_t off, unsigned size, const struct aval *v);
/* Forget every slot in [LO, HI). */
void st_forget(struct astate *s, int64_t lo, int64_t hi);

#endif
