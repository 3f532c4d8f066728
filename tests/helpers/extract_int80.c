/* SPDX-License-Identifier: Apache-2.0 */
/* An x86-64 program that makes an i386 syscall with int 0x80 (getpid is 20
 * there): the kernel and seccomp see it as SCMP_ARCH_X86, so the extracted
 * profile must name that architecture. */
#include <stdio.h>

int main(void)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	printf("i386 getpid %s\n", ret > 0 ? "ok" : "bad");
	return 0;
}
