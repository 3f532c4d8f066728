/* SPDX-License-Identifier: Apache-2.0 */
/* A table of functions that code reaches only as tab(%reg), the table's
 * absolute address plus a register: what gcc -fno-pie makes of an index in
 * bytes, in a fixed-address program (`jmp *tab(%rdi)`; for a byte table,
 * `movzbl tab(%rdi),%eax`). Such an operand named nothing, and what only the
 * table holds (getppid, getuid) was lost without a word. Built with
 * cc -O2 -fno-pie -no-pie -static -nostdlib. */
static long __attribute__((noinline)) sys(long n)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
	return r;
}

static long a(void) { return sys(110); } /* getppid */
static long b(void) { return sys(102); } /* getuid */
long (*const tab[])(void) = {a, b};

long __attribute__((noinline)) pick(unsigned long off)
{
	return (*(long (*const *)(void))((const char *)tab + off))();
}

void _start(void)
{
	sys(pick((sys(39) & 1) * 8) * 0 + 231); /* getpid, then exit_group */
	for (;;)
		;
}
