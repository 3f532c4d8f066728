/* SPDX-License-Identifier: Apache-2.0 */
/* A stripped program built without unwind tables (busybox-static's shape):
 * print ends in a tail jump, and dump, after it, is a function nothing
 * calls; the code a function's start reaches ends there, so dump is not
 * print's (busybox's fputs_stdout ran on into xprint_and_close_file, and ls
 * reached realpath's calls through it). The block after print's tail jump
 * that its conditional jump reaches stays print's. tests/cli/extract.sh
 * builds it:
 *   cc -Os -fno-toplevel-reorder -static -nostdlib -no-pie
 *      -fno-asynchronous-unwind-tables -s
 * and wants getpid, getegid (print's branch after its tail jump calls
 * do_getegid), getgid (tail_only, after dump, which run tail-jumps to) and
 * not getuid (only dump calls do_getuid). */
static long sys(long nr)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

volatile int flag;

void __attribute__((noinline)) write_out(void)
{
	sys(39); /* getpid */
}

void __attribute__((noinline)) do_getegid(void)
{
	sys(108);
}

void __attribute__((noinline)) do_getuid(void)
{
	sys(102);
}

/* if (flag) do_getegid(); write_out(); with the call after the tail jump,
 * where compilers put an unlikely block */
void __attribute__((naked)) print(void)
{
	__asm__("cmpl $0, flag(%rip)\n\t"
		"jne 1f\n\t"
		"jmp write_out\n"
		"1:\tcall do_getegid\n\t"
		"jmp write_out");
}

void __attribute__((noinline)) do_getgid(void)
{
	sys(104);
}

void __attribute__((noinline)) dump(void)
{
	do_getuid(); /* nothing calls dump */
	__asm__ volatile("");
}

void __attribute__((noinline)) tail_only(void)
{
	do_getgid(); /* run tail-jumps here: reached, though after dump */
	__asm__ volatile("");
}

void __attribute__((noinline)) run(void)
{
	tail_only(); /* a tail jump */
}

void _start(void)
{
	print();
	run();
	write_out();
	sys(231); /* exit_group */
	for (;;)
		;
}
