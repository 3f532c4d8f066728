/* SPDX-License-Identifier: Apache-2.0 */
/* A stripped program that kept one symbol, built without unwind tables
 * (busybox-static given only its libc's symbols): the symbol splits the code
 * no source bounds into two gaps, and a call from the first into the second
 * starts a function there too. tests/cli/extract.sh builds it:
 *   cc -Os -fno-toplevel-reorder -static -nostdlib -no-pie
 *      -fno-asynchronous-unwind-tables && strip --strip-all -K kept
 * and wants getpid (do_getpid, which run calls) and not getuid (unused,
 * which nothing calls, just before do_getpid in the second gap). */
static long sys(long nr)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

void do_getpid(void);

void __attribute__((noinline)) run(void)
{
	do_getpid();
	__asm__ volatile(""); /* a call, not a tail jump */
}

void __attribute__((noinline)) kept(void)
{
	sys(110); /* getppid: nothing calls it either */
}

void __attribute__((noinline)) unused(void)
{
	sys(102); /* getuid */
}

void __attribute__((noinline)) do_getpid(void)
{
	sys(39);
}

void _start(void)
{
	run();
	sys(231); /* exit_group */
	for (;;)
		;
}
