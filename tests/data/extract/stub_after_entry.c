/* SPDX-License-Identifier: Apache-2.0 */
/* A program shaped as Free Pascal's (Debian's fpc: /usr/bin/bin2obj and the
 * rest): syscall stubs that take the number in rdi, placed after the code
 * that calls them, no unwind tables, stripped. The entry point is then the
 * only start the file gives, so its "function" runs over the stubs, which
 * only calls reach. tests/cli/extract.sh builds it:
 *   cc -O2 -fno-toplevel-reorder -static -nostdlib -no-pie
 *      -fno-asynchronous-unwind-tables && strip
 * and wants getppid and exit_group, resolved. */
static long stub(long nr, long a);

void _start(void)
{
	stub(110, 0); /* getppid */
	stub(231, 0); /* exit_group */
	for (;;)
		;
}

static long __attribute__((noinline, noclone)) stub(long nr, long a)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
	return r;
}
