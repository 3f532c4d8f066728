/* SPDX-License-Identifier: Apache-2.0 */
/* One x86-64 instruction, decoded by Zydis, reduced to what the analysis
 * looks at: a small set of operations whose effect on general-purpose
 * registers and stack slots flow.c models (moves, constants, stack pointer
 * arithmetic, calls and branches, syscall), and for everything else the set
 * of registers it writes (hidden operands included: `syscall` clobbers rcx
 * and r11, `cpuid` four registers), so that no unmodelled instruction can
 * leave a stale value behind. Zydis stays inside this file: aarch64 would be
 * another decoder behind the same struct xinsn. */
#include "internal.h"

#include <Zydis/Zydis.h>
#include <stdlib.h>

struct xdec {
	ZydisDecoder z;
};

struct xdec *xdec_new(void)
{
	struct xdec *d = malloc(sizeof *d);
	if (d && ZYAN_FAILED(ZydisDecoderInit(&d->z, ZYDIS_MACHINE_MODE_LONG_64,
					      ZYDIS_STACK_WIDTH_64))) {
		free(d);
		return NULL;
	}
	return d;
}

void xdec_free(struct xdec *d)
{
	free(d);
}

/* XR_* for a Zydis register (any width), XR_RIP, or XR_NONE. */
static int8_t gpr(ZydisRegister r, bool *high8)
{
	if (high8)
		*high8 = r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH;
	if (r == ZYDIS_REGISTER_RIP)
		return XR_RIP;
	ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
	if (big >= ZYDIS_REGISTER_RAX && big <= ZYDIS_REGISTER_R15)
		return (int8_t)(big - ZYDIS_REGISTER_RAX);
	return XR_NONE;
}

static uint8_t op_of(const ZydisDecodedInstruction *in)
{
	switch (in->meta.category) {
	case ZYDIS_CATEGORY_COND_BR: return XO_JCC;
	case ZYDIS_CATEGORY_UNCOND_BR: return XO_JMP;
	case ZYDIS_CATEGORY_CALL: return XO_CALL;
	case ZYDIS_CATEGORY_RET: return XO_RET;
	case ZYDIS_CATEGORY_CMOV: return XO_CMOV;
	case ZYDIS_CATEGORY_NOP: case ZYDIS_CATEGORY_WIDENOP: return XO_NOP;
	default: break;
	}
	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_SYSCALL: return XO_SYSCALL;
	case ZYDIS_MNEMONIC_MOV: return XO_MOV;
	case ZYDIS_MNEMONIC_MOVZX: return XO_MOVZX;
	case ZYDIS_MNEMONIC_MOVSX: case ZYDIS_MNEMONIC_MOVSXD: return XO_MOVSX;
	case ZYDIS_MNEMONIC_LEA: return XO_LEA;
	case ZYDIS_MNEMONIC_XOR: return XO_XOR;
	case ZYDIS_MNEMONIC_SUB: return XO_SUB;
	case ZYDIS_MNEMONIC_ADD: return XO_ADD;
	case ZYDIS_MNEMONIC_AND: return XO_AND;
	case ZYDIS_MNEMONIC_OR: return XO_OR;
	case ZYDIS_MNEMONIC_SHL: return XO_SHL;
	case ZYDIS_MNEMONIC_INC: return XO_INC;
	case ZYDIS_MNEMONIC_DEC: return XO_DEC;
	case ZYDIS_MNEMONIC_PUSH: return XO_PUSH;
	case ZYDIS_MNEMONIC_POP: return XO_POP;
	case ZYDIS_MNEMONIC_XCHG: return XO_XCHG;
	case ZYDIS_MNEMONIC_LEAVE: return XO_LEAVE;
	case ZYDIS_MNEMONIC_TEST: return XO_TEST;
	case ZYDIS_MNEMONIC_CMP: return XO_CMP;
	/* the end of a path: nothing runs after them in this function */
	case ZYDIS_MNEMONIC_HLT: case ZYDIS_MNEMONIC_UD0: case ZYDIS_MNEMONIC_UD1:
	case ZYDIS_MNEMONIC_UD2: case ZYDIS_MNEMONIC_INT3: return XO_STOP;
	default: return XO_OTHER;
	}
}

static void operand(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *zo,
		    uint64_t addr, struct xopnd *o)
{
	o->size = (uint8_t)(zo->size / 8);
	o->write = (zo->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) != 0;
	o->reg = o->index = XR_NONE;
	switch (zo->type) {
	case ZYDIS_OPERAND_TYPE_REGISTER:
		o->kind = XK_REG;
		o->reg = gpr(zo->reg.value, &o->high8);
		if (o->reg == XR_RIP)
			o->reg = XR_NONE;
		break;
	case ZYDIS_OPERAND_TYPE_IMMEDIATE:
		o->kind = XK_IMM;
		o->val = zo->imm.value.s;
		break;
	case ZYDIS_OPERAND_TYPE_MEMORY: {
		o->kind = XK_MEM;
		o->reg = zo->mem.base == ZYDIS_REGISTER_NONE ? XR_NONE : gpr(zo->mem.base, NULL);
		o->index = zo->mem.index == ZYDIS_REGISTER_NONE ? XR_NONE : gpr(zo->mem.index, NULL);
		o->scale = zo->mem.scale;
		o->val = zo->mem.disp.has_displacement ? zo->mem.disp.value : 0;
		ZyanU64 abs;
		if (o->reg == XR_RIP && ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(in, zo, addr, &abs)))
			o->val = (int64_t)abs;
		/* fs:/gs: addresses are thread-local, never the stack or data */
		if (zo->mem.segment == ZYDIS_REGISTER_FS || zo->mem.segment == ZYDIS_REGISTER_GS)
			o->reg = o->index = XR_NONE, o->val = 0, o->kind = XK_NONE;
		break;
	}
	default:
		o->kind = XK_NONE;
	}
}

/* Registers written by any operand, and hidden memory writes. */
static void writes(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
		   struct xinsn *x)
{
	for (unsigned i = 0; i < in->operand_count; i++) {
		const ZydisDecodedOperand *zo = &ops[i];
		if (!(zo->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			continue;
		if (zo->type == ZYDIS_OPERAND_TYPE_REGISTER) {
			int8_t r = gpr(zo->reg.value, NULL);
			if (r >= 0 && r < XR_COUNT)
				x->wregs |= (uint16_t)(1u << r);
		} else if (zo->type == ZYDIS_OPERAND_TYPE_MEMORY &&
			   zo->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
			   gpr(zo->mem.base, NULL) != XR_SP) {
			x->wstack = true; /* rep stos/movs and the like: through rdi */
		}
	}
}

int xdec_one(const struct xdec *d, const uint8_t *buf, size_t len, uint64_t addr,
	     struct xinsn *x)
{
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	if (ZYAN_FAILED(ZydisDecoderDecodeFull(&d->z, buf, len, &in, ops)))
		return -1;
	*x = (struct xinsn){.addr = addr, .len = in.length, .op = op_of(&in)};
	x->cc = in.mnemonic == ZYDIS_MNEMONIC_JZ ? XCC_Z : in.mnemonic == ZYDIS_MNEMONIC_JNZ ? XCC_NZ
										     : XCC_NONE;
	if (in.mnemonic == ZYDIS_MNEMONIC_INT && in.operand_count_visible == 1 &&
	    ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && ops[0].imm.value.u == 0x80)
		x->op = XO_INT80;
	for (unsigned i = 0; i < in.operand_count_visible && x->n < 3; i++) {
		const ZydisDecodedOperand *zo = &ops[i];
		if (zo->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && zo->imm.is_relative) {
			ZyanU64 t;
			if (ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&in, zo, addr, &t))) {
				x->rel = true;
				x->target = t;
			}
			continue;
		}
		operand(&in, zo, addr, &x->o[x->n++]);
	}
	writes(&in, ops, x);
	return 0;
}
