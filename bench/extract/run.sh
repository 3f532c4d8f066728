#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract: precision and speed on the corpus of tests/e2e/extract_lib.sh
# (the same programs and workloads as the e2e tests), against the anchors in
# the same run:
#   - recorded: the union of RUNS `scmpkit record` runs of the workload (a Go
#     program's set varies from run to run), and strace -f of one run;
#   - extracted / recorded (target: <= 2x for Go and static programs), misses
#     (recorded or strace but not extracted: must be 0), and the share of
#     Docker's default profile (resolved for amd64, default capabilities) the
#     extracted profile allows (target: < 60% for dynamic C programs);
#   - the corpus average of distinct extracted syscalls (B-Side, Middleware
#     '24, reports 43 on 557 Debian binaries);
#   - "w/o dbg": extracted without the stripped files' debug files (the
#     symbols of /usr/lib/debug/.build-id, e.g. libc6-dbg, when installed)
#     and without the names libc.a gives a stripped static program;
#     the files whose debug file was used are listed after the table;
#   - time: a Go binary of a few MB (target < 0.3 s), the first summary of
#     libc (ld.so, libc and a small program, no cache: < 3 s), the same from
#     the cache (< 50 ms); medians.
#   usage: bench/extract/run.sh [SCMPKIT] [RUNS]   (default build/cli/scmpkit, 3)
# Needs the build tree (SK_BUILD_ROOT, default: the scmpkit binary's) for the
# Go programs it builds and tests/helpers/extract_prog.c's builds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SCMPKIT=${1:-${SCMPKIT:-$here/../../build/cli/scmpkit}}
RUNS=${2:-3}
SCMPKIT=$(cd "$(dirname "$SCMPKIT")" && pwd)/$(basename "$SCMPKIT")
export SCMPKIT
export SK_SOURCE_ROOT=${SK_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
export SK_BUILD_ROOT=${SK_BUILD_ROOT:-$(cd "$(dirname "$SCMPKIT")/.." && pwd)}
export SK_EXTRACT_HELPERS=${SK_EXTRACT_HELPERS:-$SK_BUILD_ROOT/tests/unit}
export SK_SHARED_DATA=${SK_SHARED_DATA:-$SK_SOURCE_ROOT/../shared/data}
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT
. "$SK_SOURCE_ROOT/tests/e2e/extract_lib.sh"
mkdir -p "$XL_WORK"
xl_build_go >/dev/null 2>&1 || echo "(go programs not built: golang-go missing?)" >&2
export XDG_CACHE_HOME="$T_TMP/cache"

CORPUS=${XL_ONLY:-"go-hello-cgo0 go-hello-cgo1 go-http-cgo0 go-http-cgo1 go-http-pie go-unix-cgo0 go-unix-cgo1
c-glibc-static c-musl-static busybox-sh busybox-sh-applets busybox-ls busybox-httpd
ls cat cp tar nginx redis python3"}

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
# median of the times of N runs of CMD (output discarded)
median() {
	n=$1; shift
	for m in $(seq "$n"); do
		s=$(now); "$@" >/dev/null 2>&1 || true; e=$(now)
		calc "$e - $s"
	done | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

"$SCMPKIT" convert --to oci --arch amd64 --caps default "$SK_SHARED_DATA/profiles/docker-default.json" \
	-o "$T_TMP/docker.json"
xl_profile_names "$T_TMP/docker.json" >"$T_TMP/docker.names"
docker_n=$(wc -l <"$T_TMP/docker.names")

printf '%-18s %9s %8s %9s %7s %7s %6s %9s %8s\n' program extracted "w/o dbg" recorded ratio strace \
	misses "docker%" time
total=0
count=0
for p in $CORPUS; do
	# shellcheck disable=SC2046
	[ -e "$(xl_bins "$p" | cut -d' ' -f1)" ] || continue
	d=$T_TMP/$p
	mkdir -p "$d"
	s=$(now)
	# shellcheck disable=SC2046
	"$SCMPKIT" extract --no-cache -o "$d/ext.json" $(xl_with "$p") $(xl_bins "$p") 2>"$d/ext.err" || true
	t=$(calc "$(now) - $s")
	xl_profile_names "$d/ext.json" >"$d/ext.names"
	sed -n 's/: note: stripped: its symbols come from .*extract-debuginfo.*//p' "$d/ext.err" >>"$T_TMP/dbg"
	# shellcheck disable=SC2046
	"$SCMPKIT" extract --no-cache --no-debuginfo -o "$d/nodbg.json" $(xl_with "$p") $(xl_bins "$p") \
		2>/dev/null || true
	xl_profile_names "$d/nodbg.json" >"$d/nodbg.names"
	xl_record_union "$p" "$SCMPKIT" "$RUNS" "$d"
	xl_run "$p" strace -f -qq -o "$d/strace.out" >/dev/null 2>&1 </dev/null || true
	xl_strace_names "$d/strace.out" >"$d/strace.names"
	ext=$(wc -l <"$d/ext.names")
	rec=$(wc -l <"$d/rec.union")
	misses=$(sort -u "$d/rec.union" "$d/strace.names" | comm -23 - "$d/ext.names" | wc -l)
	share=$(comm -12 "$d/ext.names" "$T_TMP/docker.names" | wc -l)
	printf '%-18s %9d %8d %9d %6.2fx %7d %6d %8.0f%% %7.2fs\n' "$p" "$ext" \
		"$(wc -l <"$d/nodbg.names")" "$rec" \
		"$(calc "$ext / $rec")" "$(wc -l <"$d/strace.names")" "$misses" \
		"$(calc "100 * $share / $docker_n")" "$t"
	case $p in
	busybox-sh-applets) ;; # busybox-sh's program, another workload: counted once
	*) total=$((total + ext)) count=$((count + 1)) ;;
	esac
done
[ -s "$T_TMP/dbg" ] && printf '\ndebug files used (by build-id): %s\n' \
	"$(sort -u "$T_TMP/dbg" | sed 's|.*/||' | tr '\n' ' ')"
[ "$count" -gt 0 ] && printf '\ncorpus average: %.1f distinct syscalls extracted per program (B-Side: 43 on 557 Debian binaries; Docker'"'"'s default allows %d)\n' \
	"$(calc "$total / $count")" "$docker_n"

echo
go=$(xl_bins go-http-cgo0)
if [ -x "$go" ]; then
	printf 'Go binary (%s, %.1f MB), no cache:    %.3f s  (target < 0.3 s)\n' "$(basename "$go")" \
		"$(calc "$(stat -c %s "$go") / 1048576")" \
		"$(median 5 "$SCMPKIT" extract --no-cache -f names "$go")"
fi
prog=$SK_EXTRACT_HELPERS/extract_prog
rm -rf "$XDG_CACHE_HOME"
printf 'first libc summary (ld.so, libc, a small program): %.3f s  (target < 3 s)\n' \
	"$(median 3 sh -c "rm -rf '$XDG_CACHE_HOME'; '$SCMPKIT' extract -f names '$prog'")"
"$SCMPKIT" extract -f names "$prog" >/dev/null 2>&1
printf 'the same, cached:                                  %.3f s  (target < 0.05 s)\n' \
	"$(median 5 "$SCMPKIT" extract -f names "$prog")"
