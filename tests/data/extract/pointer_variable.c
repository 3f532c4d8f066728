/* SPDX-License-Identifier: Apache-2.0 */
/* A function pointer variable in a fixed-address program, called through
 * (`call *hook(%rip)`): no relocation fills it, so only the variable's
 * content says what runs (Free Pascal's memory manager hooks; fpcmake's
 * mmap came that way). tests/cli/extract.sh builds it:
 *   cc -O2 -static -nostdlib -no-pie
 * and wants getppid (do_getppid, which only the variable names). */
static long sys(long nr)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

static void do_getppid(void)
{
	sys(110);
}

void (*hook)(void) = do_getppid;

void _start(void)
{
	hook();
	sys(231); /* exit_group */
	for (;;)
		;
}
