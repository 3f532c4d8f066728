/* SPDX-License-Identifier: Apache-2.0 */
/* A syscall number in a global struct's field, which a function sets
 * through the struct's address before the call: the field's value in the
 * file (39, getpid) is not what runs (102, getuid). The address taken is the
 * struct's, 8 bytes before the field; a global counted as unchanged when no
 * address within 7 bytes before it was taken, and getuid was lost without a
 * word. The struct's symbol bounds it. Built with cc -O2 -static -nostdlib. */
static long __attribute__((noinline)) sys(long n)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
	return r;
}

struct cfg {
	long pad;
	long nr;
};
struct cfg conf = {0, 39};

void __attribute__((noinline)) set(struct cfg *c, long v)
{
	c->nr = v;
}

void _start(void)
{
	set(&conf, 102);
	sys(conf.nr);
	sys(231);
	for (;;)
		;
}
