#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The kubelet's side, as the runtime sees it: node-sync installs profiles from
# a ConfigMap-style directory, and runc runs the busybox bundle with the
# profile read from the path the kubelet hands it for localhostProfile
# "scmpkit/NAME.json" (ROOT/scmpkit/NAME.json). What the profile allows works;
# what it denies is denied. Docker's format arrives resolved for this node, and
# a SeccompProfile stacked on the operator's base for this runc (runc-v1.1.5)
# arrives as the union, runtime-spec JSON that runc runs with.
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/bundle.sh"
. "$(dirname "$0")/configmap.sh"
need_root "runc"
command -v runc >/dev/null || skip_all "runc is not installed"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"

src=$T_TMP/src cm=$T_TMP/cm root=$T_TMP/kubelet/seccomp
mkdir -p "$src" "$T_TMP/kubelet"  # the kubelet's directory exists on a node
ok "record the application" "$SCMPKIT" record --runtime runc -o "$src/app.json" -- \
	/bin/busybox sh -c 'echo hello; cat /etc/passwd >/dev/null'
cp "$SK_SHARED_DATA/profiles/docker-default.json" "$src/docker.json"
sk_cm_publish "$cm" "$src"
expect_msg "node-sync installs both" 0 "installed .*/scmpkit/app.json" \
	"$SCMPKIT" node-sync --from "$cm" --root "$root" --once --status "$T_TMP/status.json"
ok "installed as runtime-spec JSON (no archMap, no includes)" sh -c \
	"! grep -qE 'archMap|includes' '$root/scmpkit/docker.json'"

# what the kubelet does with localhostProfile: scmpkit/app.json
lp=$root/scmpkit/app.json
sk_make_bundle "$T_TMP/ok" "$lp" -- /bin/sh -c 'echo hello; cat /etc/passwd >/dev/null' >/dev/null 2>&1
expect_out "runc runs the recorded command under it" hello sk_runc "$T_TMP/ok"
sk_make_bundle "$T_TMP/deny" "$lp" -- /bin/sh -c 'mkdir /tmp/x' >/dev/null 2>&1
expect_msg "a call it does not allow is denied (mkdir)" 1 "Operation not permitted" sk_runc "$T_TMP/deny"

# Docker's default, resolved by node-sync: unshare needs CAP_SYS_ADMIN there
sk_make_bundle "$T_TMP/none" -- /bin/busybox unshare -U /bin/echo unshared >/dev/null 2>&1
if sk_runc "$T_TMP/none" >/dev/null 2>&1; then
	sk_make_bundle "$T_TMP/docker" "$root/scmpkit/docker.json" -- /bin/busybox unshare -U /bin/echo unshared >/dev/null 2>&1
	expect_msg "docker.json in force: unshare refused" 1 "Operation not permitted|Function not implemented" sk_runc "$T_TMP/docker"
else
	t_report ok "# SKIP unshare fails here even without a profile"
fi
sk_make_bundle "$T_TMP/decho" "$root/scmpkit/docker.json" -- /bin/echo hello >/dev/null 2>&1
expect_out "docker.json: echo works" hello sk_runc "$T_TMP/decho"

# A SeccompProfile (v1) that lists only what the application needs beyond
# runc-v1.1.5, the base the operator publishes for Debian's runc: node-sync
# stacks it, and runc runs with the union. mkdir is in neither: denied.
"$SCMPKIT" record --runtime runc -o "$T_TMP/echo.json" -- /bin/busybox echo stacked >/dev/null 2>&1
own=$($SK_PY - "$T_TMP/echo.json" "$SK_SOURCE_ROOT/data/spo-base-profiles.tsv" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
names = {n for r in rec["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]}
base = next(l.split("\t")[3].strip().split(",") for l in open(sys.argv[2])
            if l.startswith("runc-v1.1.5\t"))
print(", ".join(sorted(names - set(base) - {"mkdir"})))
PY
)
ok "the application needs calls beyond the base" test -n "$own"
cat >"$src/stacked.yaml" <<EOF
apiVersion: security-profiles-operator.x-k8s.io/v1
kind: SeccompProfile
metadata:
  name: stacked
spec:
  defaultAction: SCMP_ACT_ERRNO
  baseProfileName: runc-v1.1.5
  syscalls:
  - action: SCMP_ACT_ALLOW
    names: [$own]
EOF
sk_cm_publish "$cm" "$src"
expect_msg "node-sync installs the stacked profile" 0 "installed .*/scmpkit/stacked.json" \
	"$SCMPKIT" node-sync --from "$cm" --root "$root" --once
ok "resolved: the base's calls are in, baseProfileName is gone" sh -c \
	"grep -q '\"pivot_root\"' '$root/scmpkit/stacked.json' && ! grep -q baseProfileName '$root/scmpkit/stacked.json'"
sk_make_bundle "$T_TMP/st" "$root/scmpkit/stacked.json" -- /bin/busybox echo stacked >/dev/null 2>&1
expect_out "runc runs under the stacked profile" stacked sk_runc "$T_TMP/st"
sk_make_bundle "$T_TMP/stu" "$root/scmpkit/stacked.json" -- /bin/busybox mkdir /tmp/x >/dev/null 2>&1
expect_msg "a call neither allows is denied (mkdir)" 1 "Operation not permitted" sk_runc "$T_TMP/stu"
done_testing
