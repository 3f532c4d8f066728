#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run one libFuzzer harness for a bounded time over its seed corpus.
#   tests/fuzz/run.sh NAME SECONDS [BUILD_DIR]
# BUILD_DIR (default build-fuzz beside the sources) was set up with
#   CC=clang meson setup build-fuzz -Dfuzz=true
# New inputs go to a scratch copy of the corpus, so the checked-in seeds stay
# small; crashes are written to BUILD_DIR/fuzz-artifacts/NAME/.
set -eu
name=${1:?usage: run.sh NAME SECONDS [BUILD_DIR]}
secs=${2:?usage: run.sh NAME SECONDS [BUILD_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
build=${3:-$here/../../build-fuzz}
exe=$build/tests/fuzz/$name
[ -x "$exe" ] || { echo "run.sh: $exe not built (meson setup -Dfuzz=true)" >&2; exit 2; }
seeds=$here/corpus/$name
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -d "$seeds" ] && cp -r "$seeds/." "$work/"
# The shared reference profiles are good seeds for the profile parser.
if [ -n "${SK_SHARED_DATA:-}" ] && [ -d "$SK_SHARED_DATA/profiles" ]; then
	cp "$SK_SHARED_DATA"/profiles/* "$work/" 2>/dev/null || true
fi
art=$build/fuzz-artifacts/$name
mkdir -p "$art"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$exe" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$art/" -print_final_stats=1 "$work"
