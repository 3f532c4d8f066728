#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Inputs nobody should be able to hang or balloon scmpkit with: /dev/zero, a
# FIFO no process writes, a sparse file of 3 GiB (no disk, all zeros). fmt,
# lint and disasm each refuse them with exit 2 and a sentence that says which
# limit or what kind of file, and none reads more than its limit.
. "$(dirname "$0")/tap.sh"
mkfifo "$T_TMP/fifo" || skip_all "mkfifo failed"
truncate -s 3G "$T_TMP/sparse" || skip_all "cannot make a sparse file here"

# the FIFO cases wait for a writer that never comes: run them side by side
for c in fmt lint disasm; do
	(timeout 60 "$SCMPKIT" $c "$T_TMP/fifo" >"$T_TMP/fifo.$c" 2>&1; echo $? >"$T_TMP/fifo.$c.rc") &
done
wait
for c in fmt lint disasm; do
	expect_msg "$c /dev/zero: exit 2, a device" 2 "/dev/zero.*cannot read: a device, not a file" \
		"$SCMPKIT" $c /dev/zero
	case $c in
	fmt) limit="16 MiB limit for a profile" ;;
	lint) limit="64 MiB limit for a manifest" ;;
	disasm) limit="1 MiB limit for a BPF program" ;;
	esac
	expect_msg "$c on a 3 GiB sparse file: exit 2, names the limit" 2 "sparse.*larger than the $limit" \
		"$SCMPKIT" $c "$T_TMP/sparse"
	expect_msg "$c on a FIFO nobody writes: exit 2, says so (not a hang, not an empty input)" 2 \
		"fifo.*cannot read: a FIFO nobody writes" sh -c "cat '$T_TMP/fifo.$c'; exit \$(cat '$T_TMP/fifo.$c.rc')"
done
# a writer that comes late is waited for and read to its end
(sleep 0.3; cat "$SK_SHARED_DATA/profiles/docker-default.json" >"$T_TMP/fifo") &
expect_msg "fmt on a FIFO whose writer starts late: read whole" 0 '"defaultAction": "SCMP_ACT_ERRNO"' \
	"$SCMPKIT" fmt "$T_TMP/fifo"
wait
done_testing
