#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit fmt and convert on real profiles: formats, resolution, errors.
. "$(dirname "$0")/tap.sh"
DATA=$SK_SOURCE_ROOT/tests/data/profiles
DD=$SK_SHARED_DATA/profiles/docker-default.json
CC=/usr/share/containers/seccomp.json

# fmt: stable, idempotent, keeps the format
"$SCMPKIT" fmt "$DD" >"$T_TMP/dd.json" 2>/dev/null
ok "fmt docker-default exits 0" test -s "$T_TMP/dd.json"
expect_rc "fmt output is formatted (--check)" 0 "$SCMPKIT" fmt --check "$T_TMP/dd.json"
expect_rc "the original is not (--check exits 1)" 1 "$SCMPKIT" fmt --check "$DD"
"$SCMPKIT" fmt "$T_TMP/dd.json" >"$T_TMP/dd2.json" 2>/dev/null
ok "fmt is idempotent" cmp "$T_TMP/dd.json" "$T_TMP/dd2.json"
ok "fmt keeps Docker's archMap" grep -q '"archMap"' "$T_TMP/dd.json"
ok "fmt output is JSON jq reads" jq -e '.syscalls | length > 0' "$T_TMP/dd.json"
expect_out "fmt sorts and dedups names (SeccompProfile stays YAML)" \
	"$(printf '    - "exit_group"\n    - "read"\n    - "write"')" \
	sh -c '"$SCMPKIT" fmt "$1" | grep "^    - \"" | head -3' _ "$DATA/web.yaml"
ok "fmt -o writes the file" "$SCMPKIT" fmt -o "$T_TMP/small.json" "$DATA/small-oci.json"
expect_out "fmt merges rules with the same action" 2 jq '.syscalls | length' "$T_TMP/small.json"
ok "fmt reads stdin" sh -c '"$SCMPKIT" fmt - <"$1" | cmp - "$2"' _ "$DATA/small-oci.json" "$T_TMP/small.json"

# convert
"$SCMPKIT" convert --to oci "$DD" >"$T_TMP/oci.json" 2>/dev/null
expect_out "convert --to oci: native archMap entry" "$(jq -c '[.archMap[] | select(.architecture == "SCMP_ARCH_X86_64") | .architecture, .subArchitectures[]]' "$DD")" \
	jq -c .architectures "$T_TMP/oci.json"
ok "convert --to oci: no Docker-only keys left" sh -c '! grep -Eq "archMap|includes|excludes|comment" "$1"' _ "$T_TMP/oci.json"
ok "convert --to oci: arch_prctl (includes amd64) kept" sh -c 'jq -r ".syscalls[].names[]" "$1" | grep -qx arch_prctl' _ "$T_TMP/oci.json"
ok "convert --to oci: mount (CAP_SYS_ADMIN) dropped by default" sh -c '! jq -r ".syscalls[].names[]" "$1" | grep -qx mount' _ "$T_TMP/oci.json"
ok "convert --caps SYS_ADMIN: mount kept" sh -c '"$SCMPKIT" convert --to oci --caps SYS_ADMIN "$1" 2>/dev/null | jq -r ".syscalls[].names[]" | grep -qx mount' _ "$DD"
ok "convert --arch arm64: ARM subarch, no arch_prctl" sh -c '
	out=$("$SCMPKIT" convert --to oci --arch arm64 "$1" 2>/dev/null) &&
	[ "$(echo "$out" | jq -c .architectures)" = "[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"]" ] &&
	! echo "$out" | jq -r ".syscalls[].names[]" | grep -qx arch_prctl' _ "$DD"
ok "convert --kernel 4.7 drops the minKernel 4.8 rule" sh -c '
	a=$("$SCMPKIT" convert --to oci --kernel 4.7 "$1" 2>/dev/null | jq "[.syscalls[].names[]] | index(\"ptrace\")")
	b=$("$SCMPKIT" convert --to oci --kernel 6.1 "$1" 2>/dev/null | jq "[.syscalls[].names[]] | index(\"ptrace\")")
	[ "$a" = null ] && [ "$b" != null ]' _ "$DD"
ok "convert --to spo writes a SeccompProfile" sh -c '"$SCMPKIT" convert --to spo "$1" 2>/dev/null | grep -q "^kind: SeccompProfile$"' _ "$DD"
ok "convert spo -> oci -> spo keeps the profile" sh -c '
	"$SCMPKIT" convert --to oci "$1" >"$2/w.json" && "$SCMPKIT" convert --to spo "$2/w.json" >"$2/w2.yaml" &&
	"$SCMPKIT" convert --to oci "$2/w2.yaml" | cmp - "$2/w.json"' _ "$DATA/web.yaml" "$T_TMP"
ok "containers-common converts to oci" sh -c '"$SCMPKIT" convert --to oci "$1" 2>/dev/null | jq -e ".defaultErrnoRet == 38"' _ "$CC"
expect_msg "--to spo: SeccompProfile has no defaultErrnoRet, so ENOSYS is lost with a warning" 0 \
	"warning: a SeccompProfile has no defaultErrnoRet .*EPERM, not ENOSYS \\(38\\).*emit-spo-default-errno" \
	"$SCMPKIT" convert --to spo -o "$T_TMP/cc-spo.yaml" "$CC"
ok "... and the YAML has no such field (kubectl's strict validation would refuse it)" \
	sh -c '! grep -q defaultErrnoRet "$1"' _ "$T_TMP/cc-spo.yaml"
expect_out "--to spo of Docker's profile (EPERM): no warning" 0 \
	sh -c '"$SCMPKIT" convert --to spo -o "$1/dd-spo.yaml" "$2" 2>&1 | grep -c emit-spo || true' _ "$T_TMP" "$DD"
ok "convert --to docker keeps conditions" sh -c '"$SCMPKIT" convert --to docker "$1" 2>/dev/null | jq -e "[.syscalls[] | select(.includes)] | length == 3"' _ "$DATA/docker-conditions.json"

# errors
expect_msg "bad action: file:line:col and did you mean" 2 'typo.json:6:17: error: unknown action "SCMP_ACT_ALOW"; did you mean "SCMP_ACT_ALLOW"\?' "$SCMPKIT" fmt "$DATA/typo.json"
expect_msg "unknown syscall is an error with a suggestion" 2 'typo.json:5:25: error: unknown syscall "opne".*did you mean "open"' "$SCMPKIT" fmt "$DATA/typo.json"
expect_msg "missing file" 2 "cannot read" "$SCMPKIT" fmt /nonexistent.json
expect_msg "--to is required" 2 "--to" "$SCMPKIT" convert "$DD"
expect_msg "bad --to" 2 "oci, docker or spo" "$SCMPKIT" convert --to xml "$DD"
expect_msg "bad --arch suggests" 2 "did you mean" "$SCMPKIT" convert --to oci --arch amd46 "$DD"
expect_msg "bad --kernel" 2 "MAJOR.MINOR" "$SCMPKIT" convert --to oci --kernel five "$DD"
expect_msg "fmt refuses config.json" 2 "convert --to oci" sh -c 'printf "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_LOG\"}}}" >"$1/config.json"; "$SCMPKIT" fmt "$1/config.json"' _ "$T_TMP"
ok "config.json converts to oci" sh -c '"$SCMPKIT" convert --to oci "$1/config.json" | jq -e ".defaultAction == \"SCMP_ACT_LOG\""' _ "$T_TMP"
# SeccompProfile v1, the operator's storage version: cluster-scoped, int64 values
expect_out "convert --to spo writes security-profiles-operator.x-k8s.io/v1" \
	"apiVersion: security-profiles-operator.x-k8s.io/v1" sh -c '"$1" convert --to spo "$2" 2>/dev/null | head -1' _ "$SCMPKIT" "$DD"
expect_msg "... cluster-scoped: a namespace is left out, with a warning" 0 \
	"warning: namespace \"prod\" left out: SeccompProfiles are cluster-scoped.*emit-spo-namespace" \
	"$SCMPKIT" convert --to spo "$DATA/web.yaml"
expect_out "... and not written" "" sh -c '"$1" convert --to spo "$2" 2>/dev/null | grep namespace' _ "$SCMPKIT" "$DATA/web.yaml"
ok "... lint reads what convert wrote (v1)" sh -c '"$1" convert --to spo "$2" 2>/dev/null | "$1" lint --fail-on error - >/dev/null; [ $? -lt 2 ]' _ "$SCMPKIT" "$DATA/web.yaml"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [\n {"names": ["personality"], "action": "SCMP_ACT_ALLOW",\n  "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}\n' >"$T_TMP/big.json"
expect_msg "--to spo: a value above 2^63-1 does not fit the CRD's int64: exit 2" 2 \
	"big.json:3:12: error: argument value 18446744073709551615 is above 2\\^63-1.*emit-spo-range" \
	"$SCMPKIT" convert --to spo "$T_TMP/big.json"
printf 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: nginx}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.4.2\n  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [accept4]\n' >"$T_TMP/based.yaml"
expect_out "--to oci stacks the operator's published base (it names no base)" "accept4 exit_group" \
	sh -c '"$1" convert --to oci "$2" | jq -r ".syscalls[].names[]" | grep -x "accept4\|exit_group" | tr "\n" " " | sed "s/ $//"' _ "$SCMPKIT" "$T_TMP/based.yaml"
sed 's/runc-v1.4.2/runc-v0.0.1/' "$T_TMP/based.yaml" >"$T_TMP/lost.yaml"
expect_msg "... and refuses a base it does not know" 2 "lost.yaml:6:20: error: baseProfileName \"runc-v0.0.1\" is neither" \
	"$SCMPKIT" convert --to oci "$T_TMP/lost.yaml"
expect_rc "fmt --help" 0 "$SCMPKIT" fmt --help
expect_rc "convert --help" 0 "$SCMPKIT" convert --help
done_testing
