#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes the seed corpora of fuzz_elf, fuzz_pclntab and fuzz_summary (checked
# in, each file a few KB, under libFuzzer's 64 KiB max_len):
#   fuzz_elf:     tiny x86-64 programs built here: static and static-pie (a
#                 wrapper taking its number in rdi, a table of function
#                 pointers: relocations, .eh_frame), one with int 0x80, one
#                 with a signal frame's FDE, the static one's debug file, one
#                 whose syscall stubs follow the entry point, no unwind tables,
#                 one with tables side by side that only code names, one
#                 stripped but for one symbol, one whose function ends in a
#                 tail jump before one nothing calls, one that calls through
#                 a function pointer variable, one that indexes a table at
#                 its absolute address plus a register, one that sets a
#                 syscall number in a struct's field through its address
#   fuzz_pclntab: Go function tables in the 1.16, 1.18 and 1.20 layouts
#   fuzz_summary: the cache text of the tiny programs' summaries
#   fuzz_archive: an ar archive of relocatable objects built here (function
#                 symbols, calls and GOT loads to mask), as libc.a is
# Run from anywhere: sh tests/fuzz/extract_seeds.sh BUILD_DIR (a built tree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: extract_seeds.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/a.c" <<'C'
static long __attribute__((noinline)) sys(long n, long a)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return r;
}
static long f1(void) { return sys(39, 0); }
static long f2(void) { return sys(186, 0); }
long (*const table[])(void) = {f1, f2};
void _start(void)
{
	long r = table[sys(110, 0) & 1]();
	sys(231, r);
	for (;;)
		;
}
C
cat >"$tmp/b.c" <<'C'
void _start(void)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	__asm__ volatile("syscall" : : "a"(60L), "D"(r) : "rcx", "r11", "memory");
	for (;;)
		;
}
C
# a signal restorer as glibc writes it: an FDE of a CIE with the 'S'
# augmentation starting in the nop before the code (ehframe.c)
cat >"$tmp/c.s" <<'S'
	.text
	.globl _start
_start:
	lea restore(%rip), %rdi
	mov $60, %eax
	syscall
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa %rsp, 8
	nop
restore:
	mov $15, %rax
	syscall
	.cfi_endproc
S
flags="-nostdlib -Os -fno-stack-protector -Wl,-z,max-page-size=0x1000 -Wl,-z,noseparate-code"
cc $flags -static -o "$here/corpus/fuzz_elf/static" "$tmp/a.c"
cc $flags -static-pie -fpie -o "$here/corpus/fuzz_elf/static-pie" "$tmp/a.c"
cc $flags -static -s -o "$here/corpus/fuzz_elf/stripped-int80" "$tmp/b.c"
cc $flags -static -s -o "$here/corpus/fuzz_elf/signal-frame" "$tmp/c.s"
cc $flags -static -s -no-pie -fno-toplevel-reorder -fno-asynchronous-unwind-tables \
	-o "$here/corpus/fuzz_elf/stub-after-entry" "$here/../data/extract/stub_after_entry.c"
cc $flags -static -s -no-pie -fPIE -fno-toplevel-reorder \
	-o "$here/corpus/fuzz_elf/adjacent-tables" "$here/../data/extract/adjacent_tables.c"
cc $flags -static -no-pie -fno-toplevel-reorder -fno-asynchronous-unwind-tables \
	-o "$here/corpus/fuzz_elf/partial-symbols" "$here/../data/extract/partial_symbols.c"
strip --strip-all -K kept "$here/corpus/fuzz_elf/partial-symbols"
cc $flags -static -s -no-pie -fno-toplevel-reorder -fno-asynchronous-unwind-tables \
	-o "$here/corpus/fuzz_elf/tail-jump" "$here/../data/extract/tail_jump.c"
cc $flags -static -no-pie -o "$here/corpus/fuzz_elf/pointer-variable" \
	"$here/../data/extract/pointer_variable.c"
# a separate debug file (objcopy --only-keep-debug): code and data as NOBITS,
# the symbols kept; fuzz_elf feeds every input as its own debug file too
cc -O2 -fno-pie -no-pie -static -nostdlib -o "$here/corpus/fuzz_elf/indexed-table" \
	"$here/../data/extract/indexed_table.c"
cc -O2 -static -nostdlib -o "$here/corpus/fuzz_elf/global-field" \
	"$here/../data/extract/global_field.c"
objcopy --only-keep-debug "$here/corpus/fuzz_elf/static" "$here/corpus/fuzz_elf/static.debug"
python3 - "$here/corpus/fuzz_pclntab" <<'PY'
import struct, sys
names = [b"runtime.main", b"main.main", b"syscall.Syscall"]
starts, end, args = [0, 0x120, 0x300], 0x380, [0, 0, 32]
for version, magic in ((116, 0xfffffffa), (118, 0xfffffff0), (120, 0xfffffff1)):
    hdr = 64 if version == 116 else 72
    blob = b"".join(n + b"\0" for n in names)
    offs = [sum(len(n) + 1 for n in names[:i]) for i in range(3)]
    pcln = (hdr + len(blob) + 7) & ~7
    width = 16 if version == 116 else 8
    funcs = pcln + 4 * width
    t = bytearray(funcs + 3 * 40)
    struct.pack_into("<IBBBB", t, 0, magic, 0, 0, 1, 8)
    struct.pack_into("<Q", t, 8, 3)
    if version == 116:
        struct.pack_into("<Q", t, 24, hdr); struct.pack_into("<Q", t, 56, pcln)
    else:
        struct.pack_into("<QQ", t, 24, 0x401000, hdr); struct.pack_into("<Q", t, 64, pcln)
    t[hdr:hdr + len(blob)] = blob
    for i in range(4):
        e = starts[i] if i < 3 else end
        fo = funcs - pcln + i * 40
        if version == 116:
            struct.pack_into("<QQ", t, pcln + i * 16, 0x401000 + e, fo)
        else:
            struct.pack_into("<II", t, pcln + i * 8, e, fo)
        if i < 3:
            if version == 116:
                struct.pack_into("<Qii", t, pcln + fo, 0x401000 + e, offs[i], args[i])
            else:
                struct.pack_into("<Iii", t, pcln + fo, e, offs[i], args[i])
    open(f"{sys.argv[1]}/go{version}", "wb").write(bytes(t))
PY
for f in static static-pie stripped-int80; do
	XDG_CACHE_HOME="$tmp/cache" "$build/cli/scmpkit" extract -f names \
		"$here/corpus/fuzz_elf/$f" >/dev/null 2>&1 || true
done
i=0
for s in "$tmp"/cache/scmpkit/extract/*.summary; do
	i=$((i + 1))
	cp "$s" "$here/corpus/fuzz_summary/summary$i"
done
mkdir -p "$here/corpus/fuzz_archive"
cc -O2 -fpie -c -o "$tmp/a.o" "$tmp/a.c"
# a name longer than 15 characters: the member is named through "//"
cc -O2 -fpie -c -o "$tmp/tail_jump_functions.o" "$here/../data/extract/tail_jump.c"
rm -f "$here/corpus/fuzz_archive/objects.a"
ar rc "$here/corpus/fuzz_archive/objects.a" "$tmp/a.o" "$tmp/tail_jump_functions.o"
ls -l "$here"/corpus/fuzz_elf "$here"/corpus/fuzz_pclntab "$here"/corpus/fuzz_summary \
	"$here"/corpus/fuzz_archive
