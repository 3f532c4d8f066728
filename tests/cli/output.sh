#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Output files are written atomically: a failed run leaves the old file, no
# temporary files stay behind, and devices are written in place, not replaced.
. "$(dirname "$0")/tap.sh"
D="$SK_SHARED_DATA/profiles/docker-default.json"
out="$T_TMP/out.json"

ok "convert writes a file" "$SCMPKIT" convert --to oci -o "$out" "$D"
cp "$out" "$T_TMP/before.json"
printf '{"defaultAction": "SCMP_ACT_NOPE"}\n' >"$T_TMP/bad.json"
expect_rc "bad input exits 2" 2 "$SCMPKIT" convert --to oci -o "$out" "$T_TMP/bad.json"
ok "a failed run leaves the old output untouched" cmp "$out" "$T_TMP/before.json"
expect_out "no temporary files are left" "" sh -c "ls -A '$T_TMP' | grep '^\.' || true"
ok "an existing file keeps its mode" sh -c "chmod 600 '$out' && '$SCMPKIT' convert --to oci -o '$out' '$D' 2>/dev/null && [ \"\$(stat -c %a '$out')\" = 600 ]"
ok "-o /dev/null writes to the device, keeps it a device" sh -c "'$SCMPKIT' convert --to oci -o /dev/null '$D' 2>/dev/null && [ -c /dev/null ]"
# -o /dev/stdout is what the shell opened: ">> log" appends to the log (it used
# to be replaced by the profile), and the link is left a link
printf 'earlier line\n' >"$T_TMP/log"
"$SCMPKIT" convert --to oci -o /dev/stdout "$D" >>"$T_TMP/log"
ok "-o /dev/stdout >> log: appended, the log's earlier line kept" sh -c \
	"head -1 '$T_TMP/log' | grep -qx 'earlier line' && grep -q defaultAction '$T_TMP/log' && [ -L /dev/stdout ]"
# A failed write is the command's own failure (exit 1), not bad input (2): the
# input was fine. Every command that writes a file, and stdout on a full disk.
expect_rc "an unwritable directory is an error, exit 1" 1 "$SCMPKIT" convert --to oci -o /nonexistent/dir/x.json "$D"
for args in "compile -o" "compile -f asm -o" "compile -f c -o" "fmt -o" "audit-profile -o"; do
	expect_msg "$args into an unwritable directory: exit 1, says so" 1 "cannot write" \
		"$SCMPKIT" $args /nonexistent/dir/x "$D"
done
expect_msg "merge -o into an unwritable directory: exit 1, says so" 1 "cannot write" \
	"$SCMPKIT" merge -o /nonexistent/dir/x "$D" "$D"
if [ -w /dev/full ]; then
	for args in "compile -f asm" "fmt" "convert --to oci" "explain $D read" "syscalls --list" "disasm $T_TMP/dd.bpf"; do
		case $args in explain*|syscalls*|disasm*) in= ;; *) in=$D ;; esac
		[ "${args#disasm}" != "$args" ] && "$SCMPKIT" compile -o "$T_TMP/dd.bpf" "$D"
		expect_msg "$args to a full disk (/dev/full): exit 1, says so" 1 "stdout: cannot write" \
			sh -c "'$SCMPKIT' $args $in >/dev/full"
	done
fi
done_testing
