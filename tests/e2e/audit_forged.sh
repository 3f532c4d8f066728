#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The forged-record attack for real (issue 12.1): a process running as nobody
# maps a file whose name holds a seccomp record and crashes in it; the kernel
# prints the name, unescaped, in its segfault line — inside the line, or on a
# line of its own after a newline in the name. learn must take none of it.
. "$(dirname "$0")/../cli/tap.sh"
need_root "reading the kernel log, a process run as nobody"
FORGE="$SK_HELPERS/forge_segv"
[ -x "$FORGE" ] || skip_all "tests/helpers/forge_segv is not built"
[ "$(cat /proc/sys/debug/exception-trace 2>/dev/null)" = 1 ] ||
	skip_all "debug.exception-trace is off: the kernel prints no segfault lines"
RL=$(cat /proc/sys/kernel/printk_ratelimit)
DIR=$(mktemp -d /tmp/sk-audit-forge.XXXXXX)
trap 'echo "$RL" >/proc/sys/kernel/printk_ratelimit; rm -rf "$T_TMP" "$DIR"' EXIT
trap 'exit 1' INT TERM
chmod 1777 "$DIR"
# segfault lines go through the printk rate limit: let this one through
echo 0 >/proc/sys/kernel/printk_ratelimit
T0=$(date +%s.%N)
SOON=$(($(date +%s) + 60)) # stamps inside any window that starts now
TAG="skforge$$"
F="auid=0 uid=0 gid=0 ses=1 pid=4242 comm=\"$TAG\" exe=2F62696E2F7368 sig=0 arch=c000003e"
"$FORGE" "$DIR" \
	"x audit: type=1326 audit($SOON.100:1): $F syscall=41 compat=0 ip=0x1 code=0x7ffc0000 y=" \
	"x
audit: type=1326 audit($SOON.100:2): $F syscall=42 compat=0 ip=0x1 code=0x7ffc0000
y" \
	"x audit[1]: SECCOMP $F syscall=49 compat=0 ip=0x1 code=0x7ffc0000 y=" >"$T_TMP/forge.txt" 2>&1
rc=$?
[ $rc = 77 ] && skip_all "forge_segv has no faulting code for $(uname -m)"
echo "$RL" >/proc/sys/kernel/printk_ratelimit
n=$(dmesg | grep -c "comm=\"$TAG\"")
[ "$n" -ge 3 ] || skip_all "the kernel printed $n of the 3 segfault lines (rate limited?)"

ok "three processes as nobody died in files named like records" test "$rc" = 0
expect_msg "dmesg shows the newline form as a record line of its own" 0 \
	"^\\[ *[0-9.]+\\] audit: type=1326 audit\\($SOON.100:2\\): .*syscall=42 .*code=0x7ffc0000$" \
	dmesg -S
"$SCMPKIT" learn --from kmsg --since "@$T0" --comm "$TAG" -o "$T_TMP/k.json" >"$T_TMP/k.txt" 2>&1
expect_msg "learn --from kmsg keeps none of them" 0 "seccomp record\\(s\\) in /dev/kmsg.*, 0 kept" \
	cat "$T_TMP/k.txt"
ok "... so the profile has no socket, connect or bind" sh -c \
	"test -s '$T_TMP/k.json' && ! grep -Eq '\"(socket|connect|bind)\"' '$T_TMP/k.json'"
expect_msg "... and it says someone tried" 0 \
	"[0-9]+ line\\(s\\) of /dev/kmsg hold a seccomp record's text where the kernel never writes one" \
	cat "$T_TMP/k.txt"
expect_msg "learn --from dmesg refuses the text log" 2 "line-based text log.*any user can forge one" \
	"$SCMPKIT" learn --from dmesg --since "@$T0" --comm "$TAG" -o "$T_TMP/d.json"
# what a text log is worth: trusted, the line after the newline is a record
# like any other (the other two forms are cut short by the kernel's "[...]
# likely on CPU" after the name, and counted as malformed)
"$SCMPKIT" learn --from dmesg --trust-text-log --since "@$T0" --comm "$TAG" -o "$T_TMP/t.json" \
	>"$T_TMP/t.txt" 2>&1
ok "--trust-text-log: the forged connect is taken, which is why it is not the default" \
	grep -q '"connect"' "$T_TMP/t.json"
done_testing
