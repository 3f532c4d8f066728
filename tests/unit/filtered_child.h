/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for test children that install a seccomp filter and must end even
 * when the filter denies exit_group, under ASan too.
 *
 * A filter may deny exit_group: glibc's _exit then ends in a fault. Under ASan
 * that fault (and _exit itself, which ASan intercepts, and every call to a
 * noreturn function, which ASan precedes with __asan_handle_no_return) runs
 * sanitizer code whose syscalls the filter denies, and the child spins for
 * ever. So: faults kill at once, and children end through a raw exit_group
 * followed by a trap instruction, in a function the compiler cannot see as
 * noreturn. */
#ifndef SK_TEST_FILTERED_CHILD_H
#define SK_TEST_FILTERED_CHILD_H

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Call in the child before installing the filter. */
static inline void filtered_child_signals(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
}

static volatile int filtered_child_trap = 1; /* volatile: not inferred noreturn */

static inline void filtered_child_exit(int code)
{
	syscall(SYS_exit_group, code);
	while (filtered_child_trap)
		__asm__ volatile("ud2"); /* SIGILL: the test files are x86-only */
}

#endif
