#!/bin/sh
# The kubelet's side, as the runtime sees it: node-sync installs profiles from
# a ConfigMap-style directory, and runc runs the busybox bundle with the
# profile read from the path the kubelet hands it for localhostProfile
# "scmpkit/NAME.json" (ROOT/scmpkit/NAME.json). What the profile allows works;
# what it denies is denied. Docker's format arrives resolved for this node.
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
done_testing
