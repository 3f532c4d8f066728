#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit syscalls: the issue's examples, every spelling, and the error paths.
. "$(dirname "$0")/tap.sh"

expect_out "x86_64 mseal is 462" 462 "$SCMPKIT" syscalls --arch x86_64 mseal
expect_out "x32 recvfrom carries the x32 bit" 1073742341 "$SCMPKIT" syscalls --arch x32 recvfrom
expect_out "i386 371 is recvfrom" recvfrom "$SCMPKIT" syscalls --arch i386 371
expect_out "hex numbers" recvfrom "$SCMPKIT" syscalls --arch i386 0x173
expect_out "no --arch means the host's" "$("$SCMPKIT" syscalls --arch "$(uname -m)" openat)" "$SCMPKIT" syscalls openat
for a in SCMP_ARCH_X86_64 x86_64 amd64 scmp_arch_x86_64; do
	expect_out "spelling $a" 45 "$SCMPKIT" syscalls --arch "$a" recvfrom
done
for a in 386 i386 i686 x86 SCMP_ARCH_X86; do
	expect_out "spelling $a" 371 "$SCMPKIT" syscalls --arch "$a" recvfrom
done
expect_out "arm64 = aarch64" "$("$SCMPKIT" syscalls --arch aarch64 openat)" "$SCMPKIT" syscalls --arch arm64 openat
expect_out "ppc64le" 286 "$SCMPKIT" syscalls --arch ppc64le openat
expect_out "s390x" 288 "$SCMPKIT" syscalls --arch s390x openat
expect_out "loong64 (Go's name)" 56 "$SCMPKIT" syscalls --arch loong64 openat
expect_out "mipsel (o32 base 4000)" 4288 "$SCMPKIT" syscalls --arch mipsel openat
ok "every one of the 23 OCI arches resolves" sh -c '
	for a in X86 X86_64 X32 ARM AARCH64 MIPS MIPS64 MIPS64N32 MIPSEL MIPSEL64 MIPSEL64N32 PPC PPC64 PPC64LE S390 S390X PARISC PARISC64 RISCV64 LOONGARCH64 M68K SH SHEB; do
		"$SCMPKIT" syscalls --arch SCMP_ARCH_$a exit_group >/dev/null || exit 1
	done'
# every numbered line of the table, plus the obsolete calls libseccomp still knows there
want=$(( $(grep -c '	' "$SK_SOURCE_ROOT/data/syscalls/arm64.tbl") + $(grep -c '^arm64	' "$SK_SOURCE_ROOT/data/syscalls/obsolete.tsv") ))
expect_out "aarch64 --list has every call" "$want" sh -c '"$SCMPKIT" syscalls --arch aarch64 --list | wc -l'
expect_msg "unknown name suggests" 2 "did you mean 'recvfrom'" "$SCMPKIT" syscalls --arch x86_64 recvfrm
expect_msg "missing on this arch says where it exists" 2 "'open' does not exist on aarch64; it exists on.*x86_64" "$SCMPKIT" syscalls --arch aarch64 open
expect_msg "unknown arch suggests" 2 "did you mean" "$SCMPKIT" syscalls --arch amd46 open
expect_out "obsolete calls resolve as libseccomp does (uselib)" 134 "$SCMPKIT" syscalls --arch x86_64 uselib
expect_out "a libseccomp alias resolves forwards only" sync_file_range2 sh -c '"$SCMPKIT" syscalls --arch arm "$("$SCMPKIT" syscalls --arch arm arm_sync_file_range)"'
expect_msg "unknown number" 2 "no syscall 9999 on x86_64" "$SCMPKIT" syscalls --arch x86_64 9999
expect_rc "--help exits 0" 0 "$SCMPKIT" syscalls --help
expect_rc "help syscalls exits 0" 0 "$SCMPKIT" help syscalls
done_testing
