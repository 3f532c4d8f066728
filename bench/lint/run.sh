#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Time `scmpkit lint` on 10,000 generated workload documents (target: < 1 s),
# and on one profile of 50,000 argument rules (read once since the one
# document reader: the input was parsed three times before).
# Usage: bench/lint/run.sh [-n N] [SCMPKIT...]
# With several binaries (say, before and after a change) the runs interleave,
# so that every binary meets the same machine load. Each run reports wall time
# and CPU time (user + system): wall time depends on what else the machine is
# doing, CPU time much less.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
n=10000
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
[ $# -gt 0 ] || set -- "$here/../../build/cli/scmpkit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen.py" "$n" >"$tmp/workloads.yaml"
python3 "$here/gen.py" --profile 50000 >"$tmp/profile.json"
echo "input: $n documents, $(wc -l <"$tmp/workloads.yaml") lines, $(wc -c <"$tmp/workloads.yaml") bytes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
# run BIN INPUT FMT: one timed lint, "wall N ms  cpu N ms"
run() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S' -o "$tmp/time" "$1" lint --format "$3" "$2" >"$tmp/out" || true
		tail -n 1 "$tmp/time" | awk '{ printf "wall %4d ms  cpu %4d ms", $1 * 1000, ($2 + $3) * 1000 }'
	else
		start=$(date +%s%N)
		"$1" lint --format "$3" "$2" >"$tmp/out" || true
		end=$(date +%s%N)
		echo "wall $(( (end - start) / 1000000 )) ms"
	fi
}
echo "profile: 50000 rules, $(wc -c <"$tmp/profile.json") bytes"
for r in 1 2 3; do
	i=0
	for bin in "$@"; do
		i=$((i + 1))
		label=""
		[ $# -gt 1 ] && label="[$i: $bin] "
		echo "${label}profile run $r: $(run "$bin" "$tmp/profile.json" text), $(grep -c 'error' "$tmp/out") lines with errors"
	done
done
for fmt in text json sarif; do
	for run in 1 2 3; do
		i=0
		for bin in "$@"; do
			i=$((i + 1))
			if [ -x /usr/bin/time ]; then
				/usr/bin/time -f '%e %U %S' -o "$tmp/time" \
					"$bin" lint --format $fmt "$tmp/workloads.yaml" >"$tmp/out" || true
				t=$(tail -n 1 "$tmp/time" | awk '{ printf "wall %4d ms  cpu %4d ms", $1 * 1000, ($2 + $3) * 1000 }')
			else
				start=$(date +%s%N)
				"$bin" lint --format $fmt "$tmp/workloads.yaml" >"$tmp/out" || true
				end=$(date +%s%N)
				t="wall $(( (end - start) / 1000000 )) ms"
			fi
			label=""
			[ $# -gt 1 ] && label="[$i: $bin] "
			echo "${label}format $fmt run $run: $t, $(grep -c 'error' "$tmp/out") lines with errors"
		done
	done
done
