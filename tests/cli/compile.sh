#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit compile: formats, options, stacked output, the error paths.
. "$(dirname "$0")/tap.sh"
DD="$SK_SHARED_DATA/profiles/docker-default.json"
cat >"$T_TMP/p.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["getppid", "openat"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
J
ok "raw to a file" "$SCMPKIT" compile --arch x86_64 -o "$T_TMP/p.bpf" "$T_TMP/p.json"
expect_out "raw is whole struct sock_filter records" 0 sh -c "echo \$((\$(stat -c %s '$T_TMP/p.bpf') % 8))"
expect_out "raw has one record per asm line" \
	"$("$SCMPKIT" compile --arch x86_64 -f asm "$T_TMP/p.json" | wc -l)" \
	sh -c "echo \$((\$(stat -c %s '$T_TMP/p.bpf') / 8))"
expect_msg "asm names syscalls and the ENOSYS rule" 0 "getppid.*|ERRNO\\(38\\)" \
	"$SCMPKIT" compile --arch x86_64 -f asm "$T_TMP/p.json"
expect_msg "asm shows errnoRet" 0 "ERRNO\\(13\\)" "$SCMPKIT" compile --arch x86_64 -f asm "$T_TMP/p.json"
# Each part of a two-arch filter is named from its own table: 102 and 359 on
# x86 are socketcall and socket (on x86_64 they would read getuid and nothing)
cat >"$T_TMP/two.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
 "syscalls": [{"names": ["socket", "getppid"], "action": "SCMP_ACT_ALLOW"}]}
J
"$SCMPKIT" compile --arch x86_64 -f asm "$T_TMP/two.json" >"$T_TMP/two.asm"
ok "asm: the x86 part names x86 numbers (socketcall, socket)" \
	sh -c "sed -n '/A == x86)/,\$p' '$T_TMP/two.asm' | grep -q 'A == socketcall' && grep -q 'A == socket)' '$T_TMP/two.asm'"
ok "asm: no x86_64 name for an x86 number" sh -c "! grep -q getuid '$T_TMP/two.asm'"
ok "--no-enosys drops ENOSYS" sh -c "! '$SCMPKIT' compile --arch x86_64 --no-enosys -f asm '$T_TMP/p.json' | grep -q 'ERRNO(38)'"
expect_msg "c format is an array" 0 "struct sock_filter" "$SCMPKIT" compile --arch x86_64 -f c "$T_TMP/p.json"
ok "c format compiles" sh -c "'$SCMPKIT' compile --arch x86_64 -f c -o '$T_TMP/f.c' '$T_TMP/p.json' && cc -c -o '$T_TMP/f.o' '$T_TMP/f.c'"
expect_msg "docker default for amd64 stays small" 0 "^scmpkit compile: [1-4][0-9][0-9] instructions" \
	"$SCMPKIT" compile --arch x86_64 -s -o "$T_TMP/dd.bpf" "$DD"
ok "docker default for arm64" "$SCMPKIT" compile --arch arm64 -o "$T_TMP/dd64.bpf" "$DD"
ok "stdin" sh -c "'$SCMPKIT' compile --arch x86_64 -f asm - < '$T_TMP/p.json' >/dev/null"
expect_msg "-v prints notes" 0 "note: 'socketcall' does not exist on x86_64" \
	sh -c "printf '%s' '{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socketcall\"],\"action\":\"SCMP_ACT_ALLOW\"}]}' | '$SCMPKIT' compile --arch x86_64 -v -f asm -"
expect_msg "NOTIFY as default is refused like runc" 2 "cannot be the default action" \
	sh -c "printf '%s' '{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"syscalls\":[]}' | '$SCMPKIT' compile -f asm -"
expect_msg "unknown format" 2 "unknown format 'elf'" "$SCMPKIT" compile -f elf "$T_TMP/p.json"
expect_msg "unknown arch suggests" 2 "did you mean" "$SCMPKIT" compile --arch amd46 "$T_TMP/p.json"
expect_rc "missing file" 2 "$SCMPKIT" compile -f asm "$T_TMP/nope.json"
expect_rc "--help exits 0" 0 "$SCMPKIT" compile --help
expect_rc "help compile exits 0" 0 "$SCMPKIT" help compile

# chrome.json's shape: one rule per call, Docker's old single "name" key and
# "args": null (here Docker's allowed calls, and a few denied ones between).
# It compiles to the very program its fmt'd form does (one rule per action):
# how rules are split changes nothing (it took 576 instructions against 41)
python3 - "$DD" "$T_TMP/chrome.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = d["syscalls"][0]["names"]
rules = []
for i, n in enumerate(names):
    rules.append({"name": n, "action": "SCMP_ACT_ALLOW", "args": None})
    if i % 40 == 0:
        rules.append({"name": ["acct", "kexec_load", "reboot", "swapon"][i // 40 % 4],
                      "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": None})
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": rules}, open(sys.argv[2], "w"), indent=1)
PY
"$SCMPKIT" fmt -o "$T_TMP/chrome-fmt.json" "$T_TMP/chrome.json" 2>/dev/null
"$SCMPKIT" compile --arch x86_64 -s -o "$T_TMP/chrome.bpf" "$T_TMP/chrome.json" 2>"$T_TMP/chrome.stats"
"$SCMPKIT" compile --arch x86_64 -s -o "$T_TMP/chrome-fmt.bpf" "$T_TMP/chrome-fmt.json" 2>"$T_TMP/chrome-fmt.stats"
expect_out "one rule per call: as many instructions as after fmt" "$(cat "$T_TMP/chrome-fmt.stats")" \
	cat "$T_TMP/chrome.stats"
ok "... the very same program" cmp "$T_TMP/chrome.bpf" "$T_TMP/chrome-fmt.bpf"
expect_msg "... and explain still names the call's own rule and position" 0 \
	"rule: +.*chrome.json:[0-9]+:[0-9]+ \(rule [0-9]{2,}: SCMP_ACT_ALLOW\)" \
	"$SCMPKIT" explain "$T_TMP/chrome.json" write

# A profile is someone else's text: a name holding a terminal escape is quoted
# escaped in the diagnostic, not sent raw to the terminal
ESC=$(printf '\033')
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["re\\u001b[2Kad"],"action":"SCMP_ACT_ALLOW"}]}' >"$T_TMP/esc.json"
"$SCMPKIT" compile -f asm "$T_TMP/esc.json" >"$T_TMP/esc.out" 2>&1
ok "a diagnostic quoting a name with ESC escapes it" grep -qF 're\e[2Kad' "$T_TMP/esc.out"
ok "... and no raw ESC reaches the terminal" sh -c "! grep -qF '$ESC' '$T_TMP/esc.out'"

# A profile past 4096 instructions: stacked parts, FILE, FILE.1, ...
"$SCMPKIT" syscalls --arch x86_64 --list | cut -f1 | python3 -c '
import json, sys
rules = [{"names": [n.strip()], "action": "SCMP_ACT_ALLOW",
          "args": [{"index": a, "value": 4294967296 + 7 * i + a, "op": "SCMP_CMP_EQ"} for a in range(3)]}
         for i, n in enumerate(sys.stdin)]
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": rules}, open(sys.argv[1], "w"))
' "$T_TMP/big.json"
expect_msg "big profile splits" 0 "in [2-8] stacked filters" "$SCMPKIT" compile --arch x86_64 -s -o "$T_TMP/big.bpf" "$T_TMP/big.json"
ok "stacked parts written as FILE.1" test -s "$T_TMP/big.bpf.1"
expect_msg "stacked raw to stdout is refused" 2 "needs -o FILE" sh -c "'$SCMPKIT' compile --arch x86_64 '$T_TMP/big.json' >'$T_TMP/out.bin'"
# Two overlapping argument rules on which libseccomp 2.5.4 never returns from
# seccomp_rule_add (found by fuzz_bpf): runc would hang loading the profile.
# scmpkit ports libseccomp's rule tree, so it notices and refuses instead.
LOOP="$SK_SOURCE_ROOT/tests/data/profiles/libseccomp-loop.json"
expect_msg "a profile libseccomp never finishes is refused, not hung on" 2 \
	"would never finish loading this profile.*compile-libseccomp-loop" \
	timeout 60 "$SCMPKIT" compile --arch x86_64 -o "$T_TMP/loop.bpf" "$LOOP"
if /usr/bin/python3 -c 'import seccomp' 2>/dev/null; then
	expect_rc "libseccomp 2.5.4 itself hangs on it (the oracle, 10 s)" 124 timeout 10 /usr/bin/python3 -c '
import seccomp
f = seccomp.SyscallFilter(seccomp.ERRNO(1))
f.add_rule(seccomp.ALLOW, "sigaltstack", seccomp.Arg(3, seccomp.GE, 4818027659547833804), seccomp.Arg(0, seccomp.LE, 0xffffffff))
f.add_rule(seccomp.TRACE(2326), "sigaltstack", seccomp.Arg(3, seccomp.LE, 48), seccomp.Arg(0, seccomp.LE, 0xffffffff))'
fi
done_testing
