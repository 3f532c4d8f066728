#!/bin/sh
# Recording speed: wall time of two workloads run natively, under
# `scmpkit record` and under `strace -f -qq -o /dev/null`, in the same run,
# as ratios. Targets (issue 5): record <= 0.5x strace on the getppid loop,
# <= 0.7x on the fork/exec script.
#   usage: bench/record/run.sh [SCMPKIT] [REPEATS]   (default: build/cli/scmpkit, 5)
# Each figure is the median of REPEATS runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SCMPKIT=${1:-${SCMPKIT:-$here/../../build/cli/scmpkit}}
REPEATS=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/getppid" "$here/getppid.c"
exec /usr/bin/python3 - "$SCMPKIT" "$REPEATS" "$tmp" "$here" <<'PY'
import statistics, subprocess, sys, time
scmpkit, repeats, tmp, here = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
workloads = [
    ("getppid x 1e6", [f"{tmp}/getppid", "1000000"], 0.5),
    ("fork/exec script", ["sh", f"{here}/forkexec.sh", "400"], 0.7),
]
modes = [
    ("native", []),
    ("record", [scmpkit, "record", "-q", "-o", f"{tmp}/p.json", "--"]),
    ("strace", ["strace", "-f", "-qq", "-o", "/dev/null"]),
]
def run(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t
ok = True
print(f"{'workload':18} {'native':>9} {'record':>9} {'strace':>9} {'rec/native':>11} {'strace/native':>14} {'rec/strace':>11} target")
for name, cmd, target in workloads:
    times = {m: [] for m, _ in modes}
    for _ in range(repeats):          # interleaved, so drift hits every mode alike
        for m, prefix in modes:
            times[m].append(run(prefix + cmd))
    med = {m: statistics.median(v) for m, v in times.items()}
    r = med["record"] / med["strace"]
    ok &= r <= target
    print(f"{name:18} {med['native']:8.3f}s {med['record']:8.3f}s {med['strace']:8.3f}s "
          f"{med['record'] / med['native']:10.1f}x {med['strace'] / med['native']:13.1f}x "
          f"{r:10.2f}x <= {target} {'ok' if r <= target else 'MISSED'}")
sys.exit(0 if ok else 1)
PY
