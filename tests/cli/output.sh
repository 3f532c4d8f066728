#!/bin/sh
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
expect_rc "an unwritable directory is an error, exit 2" 2 "$SCMPKIT" convert --to oci -o /nonexistent/dir/x.json "$D"
done_testing
