#!/bin/sh
# Time `scmpkit lint` on 10,000 generated workload documents (target: < 1 s).
# Usage: bench/lint/run.sh [path/to/scmpkit] [N]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/cli/scmpkit}
n=${2:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen.py" "$n" >"$tmp/workloads.yaml"
echo "input: $n documents, $(wc -l <"$tmp/workloads.yaml") lines, $(wc -c <"$tmp/workloads.yaml") bytes"
for fmt in text json sarif; do
	for run in 1 2 3; do
		start=$(date +%s%N)
		"$bin" lint --format $fmt "$tmp/workloads.yaml" >"$tmp/out" || true
		end=$(date +%s%N)
		echo "format $fmt run $run: $(( (end - start) / 1000000 )) ms, $(grep -c 'error' "$tmp/out") lines with errors"
	done
done
