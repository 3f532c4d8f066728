#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TAP wrapper around run.sh for `meson test --suite fuzz`:
#   tap.sh NAME BUILD_DIR [MAX]  (seconds from $FUZZ_SECONDS, default 60, at most MAX)
name=$1
build=$2
secs=${FUZZ_SECONDS:-60}
[ -n "${3:-}" ] && [ "$3" -lt "$secs" ] && secs=$3
log=$(mktemp)
if sh "$(dirname "$0")/run.sh" "$name" "$secs" "$build" >"$log" 2>&1; then
	runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1)
	echo "ok 1 - $name: ${secs}s under ASan+UBSan, no crash ($runs)"
else
	echo "not ok 1 - $name: libFuzzer found a problem (artifacts in $build/fuzz-artifacts/$name)"
	grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 | sed 's/^/# /'
fi
rm -f "$log"
echo "1..1"
