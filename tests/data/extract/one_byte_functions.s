# SPDX-License-Identifier: Apache-2.0
# A hostile program: after _start, 2 MB of `ret`, a function per byte in code
# no source bounds. Cut finer than any compiler's code, the region is left
# whole, and that one function is too large for the value analysis: its site
# is unresolved, said (it cost a bitmap per start, quadratic, and 3.4 GB of
# block states). tests/cli/extract.sh builds it: cc -nostdlib -static -s
	.globl _start
	.text
_start:
	mov $231, %eax
	syscall
	.fill 2000000, 1, 0xc3
