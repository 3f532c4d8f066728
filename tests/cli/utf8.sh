#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Input that is not UTF-8 is refused with its position, by every parser, and
# never reaches libfyaml 0.7.12, whose scanner loops for ever on a '%'
# directive followed by an invalid byte (found by fuzz_manifest).
. "$(dirname "$0")/tap.sh"
printf 'apiVersion: v1\nkind: Pod\n%%\240 x\n' >"$T_TMP/pod.yaml"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "comment": "caf\351"}\n' >"$T_TMP/latin1.json"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "caf\303\251"}]}\n' >"$T_TMP/utf8.json"
expect_msg "lint: a directive with an invalid byte is an error, not a hang" 2 \
	"pod.yaml:3:2: error: invalid UTF-8 \(byte 0xa0\)" timeout 20 "$SCMPKIT" lint "$T_TMP/pod.yaml"
expect_msg "fix: the same" 2 "pod.yaml:3:2: error: invalid UTF-8" \
	timeout 20 "$SCMPKIT" fix --runtime-default "$T_TMP/pod.yaml"
expect_msg "fmt: the same" 2 "pod.yaml:3:2: error: invalid UTF-8" timeout 20 "$SCMPKIT" fmt "$T_TMP/pod.yaml"
expect_msg "a Latin-1 byte in a JSON profile: line and column" 2 \
	"latin1.json:1:52: error: invalid UTF-8 \(byte 0xe9\)" "$SCMPKIT" fmt "$T_TMP/latin1.json"
expect_rc "valid UTF-8 beyond ASCII is fine" 0 "$SCMPKIT" fmt "$T_TMP/utf8.json"
# libfyaml 0.7.12's error printer crashed on this plain scalar (tabs and a CR;
# found by fuzz_manifest): errors are collected, never printed by libfyaml
R=$SK_SOURCE_ROOT/tests/data/manifests/lint/regress-fy-diag-write.txt
expect_msg "lint: libfyaml's error, not its crash" 2 "regress-fy-diag-write.txt:3:58: error: syntax error" \
	"$SCMPKIT" lint "$R"
expect_msg "fmt: the same" 2 "regress-fy-diag-write.txt:3:58: error: syntax error" "$SCMPKIT" fmt "$R"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: "a\001b"}\n' >"$T_TMP/ctl.yaml"
expect_msg "a control character is refused with its position" 2 "ctl.yaml:3:20: error: control character U\+0001" \
	"$SCMPKIT" lint "$T_TMP/ctl.yaml"
done_testing
