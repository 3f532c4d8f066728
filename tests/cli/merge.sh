#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit merge / diff: union, the --check CI gate, per-arch differences.
. "$(dirname "$0")/tap.sh"
cd "$T_TMP" || exit 1
cat >a.json <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}
J
cat >b.json <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
 "syscalls": [{"names": ["read", "openat"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 21505, "op": "SCMP_CMP_EQ"}]}]}
J
ok "merge writes the union" "$SCMPKIT" merge -o u.json a.json b.json
expect_rc "the union covers both inputs" 0 "$SCMPKIT" merge --check u.json a.json b.json
expect_rc "diff of a profile with itself: no difference, exit 0" 0 "$SCMPKIT" diff u.json u.json
expect_rc "merge is idempotent (diff u u+a: same)" 0 sh -c '"$SCMPKIT" merge a.json u.json >u2.json && "$SCMPKIT" diff u.json u2.json'
expect_msg "--check fails and lists what is missing" 1 \
	"b.json: not covered by a.json: SCMP_ARCH_X86_64 openat" "$SCMPKIT" merge --check a.json b.json
expect_msg "--check names a missing architecture" 1 "SCMP_ARCH_X86 \(architecture\)" \
	"$SCMPKIT" merge --check a.json b.json
expect_msg "--check lists a conditional allowance with its condition" 1 \
	"SCMP_ARCH_X86_64 ioctl arg1 == 0x5401" "$SCMPKIT" merge --check a.json b.json
"$SCMPKIT" diff a.json b.json >d.out
expect_rc "diff exits 1 when the profiles differ" 1 "$SCMPKIT" diff a.json b.json
ok "diff: only A allows write (-), only B allows openat (+)" sh -c '
	grep -qx -- "- SCMP_ARCH_X86_64 write" d.out && grep -qx -- "+ SCMP_ARCH_X86_64 openat" d.out &&
	! grep -q "SCMP_ARCH_X86_64 read" d.out'
ok "diff: an arch only B lists" grep -qx -- "+ SCMP_ARCH_X86 (architecture)" d.out
cat >c.json <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["read", "write", "exit_group", "ioctl"], "action": "SCMP_ACT_ALLOW"}]}
J
expect_msg "diff: unconditional vs conditional" 1 "^- SCMP_ARCH_X86_64 ioctl unconditionally" "$SCMPKIT" diff c.json b.json
expect_msg "diff of different default actions" 1 "default SCMP_ACT_LOG" sh -c '
	sed s/SCMP_ACT_ERRNO/SCMP_ACT_LOG/ a.json >l.json; "$SCMPKIT" diff a.json l.json'
expect_msg "merge of an allow-list with a deny-list is refused" 2 "merge-default" sh -c '
	sed s/SCMP_ACT_ERRNO/SCMP_ACT_ALLOW/ a.json >al.json; "$SCMPKIT" merge a.json al.json'
# Docker's own default profile: resolved for this host, covered by itself
dd=$SK_SHARED_DATA/profiles/docker-default.json
if [ -f "$dd" ]; then
	expect_rc "docker-default covers itself" 0 "$SCMPKIT" merge --check "$dd" "$dd"
	expect_msg "a recorded profile is not covered by a tiny one" 1 "not covered" \
		"$SCMPKIT" merge --check a.json "$dd"
fi
expect_rc "merge --help" 0 "$SCMPKIT" merge --help
expect_rc "diff --help" 0 "$SCMPKIT" diff --help
expect_msg "diff needs two profiles" 2 "expected two profiles" "$SCMPKIT" diff a.json
expect_msg "unreadable profile: exit 2" 2 "nope.json" "$SCMPKIT" diff a.json nope.json
done_testing
