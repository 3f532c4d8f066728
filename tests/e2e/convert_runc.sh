#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# convert --to oci output is what runc accepts: Docker's default profile and
# containers-common's, resolved for this host, run a busybox container; and
# Docker's is really in force (unshare is refused inside, allowed without it).
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/bundle.sh"
need_root "runc"
command -v runc >/dev/null || skip_all "runc is not installed"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"

# Control: without a profile, an unprivileged user namespace works here.
sk_make_bundle "$T_TMP/none" -- /bin/busybox unshare -U /bin/echo unshared >/dev/null 2>&1
sk_runc "$T_TMP/none" >"$T_TMP/control" 2>&1
control=$?

for prof in "$SK_SHARED_DATA/profiles/docker-default.json" /usr/share/containers/seccomp.json; do
	n=$(basename "$prof" .json)
	ok "$n: convert --to oci" "$SCMPKIT" convert --to oci -o "$T_TMP/$n.json" "$prof"
	sk_make_bundle "$T_TMP/$n-echo" "$T_TMP/$n.json" -- /bin/echo hello >/dev/null 2>&1
	expect_out "$n: runc accepts it and echo works" hello sk_runc "$T_TMP/$n-echo"
	# Podman's profile (containers-common) allows unshare for rootless
	# containers; Docker's allows it only with CAP_SYS_ADMIN.
	if [ "$n" != docker-default ]; then
		continue
	elif [ "$control" = 0 ]; then
		sk_make_bundle "$T_TMP/$n-unshare" "$T_TMP/$n.json" -- /bin/busybox unshare -U /bin/echo unshared >/dev/null 2>&1
		expect_msg "$n: unshare is refused inside" 1 "Operation not permitted|Function not implemented" sk_runc "$T_TMP/$n-unshare"
	else
		t_report ok "# SKIP $n: unshare fails here even without a profile"
	fi
done
done_testing
