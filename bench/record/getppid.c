/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark workload: N (default 1000000) getppid calls. The raw syscall
 * defeats any libc caching. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long sum = 0;
	for (long i = 0; i < n; i++)
		sum += syscall(SYS_getppid) > 0;
	printf("getppid: %ld calls\n", sum);
	return 0;
}
