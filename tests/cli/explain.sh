#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit explain: action, deciding rule (file:line:col) and instruction count,
# checked against what the kernel does for the same profile where it can be.
. "$(dirname "$0")/tap.sh"

P="$T_TMP/p.json"
cat >"$P" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    {"names": ["read", "openat", "close"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
     "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}]},
    {"names": ["kill"], "action": "SCMP_ACT_KILL_PROCESS"}
  ]
}
JSON
expect_msg "rule with an argument decides" 0 "action: +ERRNO\(13\)" "$SCMPKIT" explain "$P" socket 16
expect_msg "its position is file:line:col" 0 "rule: +$P:6:" "$SCMPKIT" explain "$P" socket 16
expect_msg "other argument: the default" 0 "action: +ERRNO\(1\)" "$SCMPKIT" explain "$P" socket 2
expect_msg "the default's position" 0 "rule: +$P:2:.*defaultAction" "$SCMPKIT" explain "$P" socket 2
expect_msg "argument differing only in the high word" 0 "action: +ERRNO\(1\)" "$SCMPKIT" explain "$P" socket 0x100000010
expect_msg "allowed call" 0 "action: +ALLOW" "$SCMPKIT" explain "$P" openat
expect_msg "counts instructions" 0 "executed: [0-9]+ BPF instructions" "$SCMPKIT" explain "$P" openat
expect_msg "by number" 0 "action: +KILL_PROCESS" "$SCMPKIT" explain "$P" 62
expect_msg "i386" 0 "socket \(359 on x86\)" "$SCMPKIT" explain --arch x86 "$P" socket 16
expect_msg "x32" 0 "action: +ALLOW" "$SCMPKIT" explain --arch x32 "$P" read
expect_msg "foreign arch" 0 "not one the profile lists" "$SCMPKIT" explain --arch aarch64 "$P" read
expect_msg "runc's ENOSYS rule" 0 "ERRNO\(38\).*|ENOSYS" "$SCMPKIT" explain "$P" mseal
expect_msg "--no-enosys" 0 "action: +ERRNO\(1\)" "$SCMPKIT" explain --no-enosys "$P" mseal
expect_msg "unknown syscall suggests" 2 "did you mean 'socket'" "$SCMPKIT" explain "$P" sockte
expect_msg "bad argument" 2 "not a number" "$SCMPKIT" explain "$P" socket x
expect_rc "--help" 0 "$SCMPKIT" explain --help
# the file name is printed escaped: a path is whatever its creator chose
E=$(printf '%s/p\033[2K.json' "$T_TMP")
cp "$P" "$E"
"$SCMPKIT" explain "$E" read >"$T_TMP/esc.out" 2>&1
ok "a profile path with ESC is escaped in rule:" grep -qF 'p\e[2K.json:5:' "$T_TMP/esc.out"
ok "... and no raw ESC reaches the terminal" sh -c "! grep -qF \"\$(printf '\\033')\" '$T_TMP/esc.out'"
if [ -n "${SK_SHARED_DATA:-}" ] && [ -f "$SK_SHARED_DATA/profiles/docker-default.json" ]; then
	D="$SK_SHARED_DATA/profiles/docker-default.json"
	expect_msg "docker: personality(0) allowed by its arg rule" 0 "action: +ALLOW" "$SCMPKIT" explain "$D" personality 0
	expect_msg "docker: personality(1) refused" 0 "action: +ERRNO\(1\)" "$SCMPKIT" explain "$D" personality 1
	expect_msg "docker: clone with CLONE_NEWUSER refused by the masked rule" 0 "action: +ERRNO\(1\)" "$SCMPKIT" explain "$D" clone 0x10000000
fi
done_testing
