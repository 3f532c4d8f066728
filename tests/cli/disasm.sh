#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit disasm and dump: libseccomp's exported programs (python3-seccomp, an
# independent producer), names per arch, invalid input, and a live process.
. "$(dirname "$0")/tap.sh"

PY=/usr/bin/python3
"$PY" -c 'import seccomp' 2>/dev/null || skip_all "python3-seccomp missing"
"$PY" - "$T_TMP/lib.bpf" <<'PYEOF'
import seccomp, sys
f = seccomp.SyscallFilter(seccomp.ERRNO(1))
f.add_arch(seccomp.Arch.X86)
f.add_rule(seccomp.ALLOW, "openat")
f.add_rule(seccomp.ERRNO(13), "socket", seccomp.Arg(0, seccomp.EQ, 16))
f.add_rule(seccomp.ALLOW, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, 4, 0))
f.export_bpf(open(sys.argv[1], "wb"))
PYEOF
"$SCMPKIT" disasm "$T_TMP/lib.bpf" >"$T_TMP/asm"
ok "lists libseccomp's program" test -s "$T_TMP/asm"
expect_out "one line per instruction" "$(($(wc -c <"$T_TMP/lib.bpf") / 8))" sh -c "wc -l <'$T_TMP/asm' | tr -d ' '"
ok "arch check named" grep -q 'if (A != x86_64) goto' "$T_TMP/asm"
ok "x86_64 syscall named" grep -q 'if (A == openat) goto\|if (A != openat) goto' "$T_TMP/asm"
ok "i386 block names i386 calls" grep -q 'socketcall' "$T_TMP/asm"
ok "argument words named" grep -q 'A = args\[0\].lo' "$T_TMP/asm"
ok "errno returns" grep -q 'return ERRNO(13)' "$T_TMP/asm"
ok "allow returns" grep -q 'return ALLOW' "$T_TMP/asm"
"$SCMPKIT" disasm --arch x86 "$T_TMP/lib.bpf" >"$T_TMP/asm86"
ok "--arch names everything for that arch" grep -q 'if (A == openat) goto\|if (A != openat) goto\|socketcall' "$T_TMP/asm86"
ok "stdin" sh -c "'$SCMPKIT' disasm - <'$T_TMP/lib.bpf' | cmp -s - '$T_TMP/asm'"
"$SCMPKIT" disasm --format c "$T_TMP/lib.bpf" >"$T_TMP/f.c"
ok "C output compiles" cc -c -Wall -Werror -o "$T_TMP/f.o" -x c "$T_TMP/f.c" -include stddef.h -Dunused=unused -Wno-unused-const-variable
printf 'abc' >"$T_TMP/short"
expect_msg "not a whole number of instructions" 2 "not a seccomp program" "$SCMPKIT" disasm "$T_TMP/short"
printf '\006\000\000\000\000\000\377\177\040\000\000\000\000\000\000\000' >"$T_TMP/noret"
expect_msg "a program the kernel refuses is listed with the reason" 2 "last instruction is not a return" "$SCMPKIT" disasm "$T_TMP/noret"
expect_msg "missing file" 2 "no-such" "$SCMPKIT" disasm "$T_TMP/no-such"
expect_rc "--help" 0 "$SCMPKIT" disasm --help
expect_rc "dump --help" 0 "$SCMPKIT" dump --help

# dump: a child under a libseccomp filter, read back and compared with the export.
if [ "$(id -u)" = 0 ]; then
	"$PY" - "$T_TMP/child.bpf" <<'PYEOF' &
import seccomp, sys, time
f = seccomp.SyscallFilter(seccomp.ALLOW)
f.add_rule(seccomp.ERRNO(99), "mknodat")
f.export_bpf(open(sys.argv[1], "wb"))
f.load()
open(sys.argv[1] + ".ready", "w").close()
time.sleep(30)
PYEOF
	child=$!
	i=0; while [ ! -e "$T_TMP/child.bpf.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	"$SCMPKIT" dump "$child" >"$T_TMP/dump" 2>&1
	"$SCMPKIT" disasm "$T_TMP/child.bpf" >"$T_TMP/child.asm"
	ok "dump shows the installed filter" grep -q 'return ERRNO(99)' "$T_TMP/dump"
	ok "dump equals the disassembled export" sh -c "grep -v '^#' '$T_TMP/dump' | cmp -s - '$T_TMP/child.asm'"
	kill "$child" 2>/dev/null; wait "$child" 2>/dev/null
	expect_msg "dump of an unfiltered process" 0 "no seccomp filter" sh -c "sleep 5 & p=\$!; '$SCMPKIT' dump \$p; r=\$?; kill \$p; exit \$r"
	if command -v setpriv >/dev/null; then
		expect_msg "without CAP_SYS_ADMIN it says so" 1 "CAP_SYS_ADMIN" setpriv --reuid=65534 --regid=65534 --clear-groups "$SCMPKIT" dump 1
	fi
fi
expect_msg "no such process" 1 "no process" "$SCMPKIT" dump 2147483646
done_testing
