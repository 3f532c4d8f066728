/* SPDX-License-Identifier: Apache-2.0 */
/* Test workload, built with gcc -m32 -static: an i386 process whose calls
 * must be recorded under SCMP_ARCH_X86 (uname, getuid32, ...). */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		return 2;
	printf("static32: uid %d, %zu-bit\n", (int)getuid(), sizeof(void *) * 8);
	return 0;
}
