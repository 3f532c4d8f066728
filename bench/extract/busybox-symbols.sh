#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# How far busybox's applets are from their recordings when the analysis has
# busybox's symbols. Debian's busybox-static is stripped, and its debug file
# (busybox-static-dbgsym) lives in the debug archive, which a machine may not
# reach; so this builds the same source package with the same configuration
# and flags (debian/rules' static flavour), strips it, keeps its symbols in a
# debug file (objcopy --only-keep-debug, as dh_strip does), and compares, for
# the ls, httpd and sh applets of the e2e corpus (tests/e2e/extract_lib.sh):
#   - extracted from the stripped file alone (--no-debuginfo), with the
#     names libc.a gives its glibc (no debug file), and with --debug-dir;
#   - the union of RUNS `scmpkit record` runs of the same workloads, run by
#     this busybox; misses (must be 0); and that each workload runs under its
#     extracted profile with no denial.
#   usage: bench/extract/busybox-symbols.sh [SCMPKIT] [RUNS]   (default 3)
# Needs the source package: `apt-get source busybox` (a deb-src entry for
# bookworm), gcc and libc6-dev (static glibc). Not part of CI: it downloads.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SCMPKIT=${1:-$here/../../build/cli/scmpkit}
RUNS=${2:-3}
SCMPKIT=$(cd "$(dirname "$SCMPKIT")" && pwd)/$(basename "$SCMPKIT")
export SK_SOURCE_ROOT=${SK_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
export SK_BUILD_ROOT=${SK_BUILD_ROOT:-$(cd "$(dirname "$SCMPKIT")/.." && pwd)}
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT
. "$SK_SOURCE_ROOT/tests/e2e/extract_lib.sh"
mkdir -p "$XL_WORK"

src=$T_TMP/src
mkdir -p "$src" && cd "$src"
if ! apt-get source -qq busybox >"$T_TMP/apt.log" 2>&1; then
	echo "busybox-symbols: no source package (apt-get source busybox needs a deb-src entry):" >&2
	tail -3 "$T_TMP/apt.log" >&2
	exit 1
fi
dir=$(find "$src" -maxdepth 1 -type d -name 'busybox-*' | head -1)
out=$T_TMP/static
mkdir -p "$out"
cat "$dir/debian/config/os/linux" "$dir/debian/config/pkg/static" >"$out/.config" 2>/dev/null ||
	cat "$dir/debian/config/pkg/static" >"$out/.config"
export KCONFIG_NOTIMESTAMP=1
cflags=$(dpkg-buildflags --get CFLAGS | sed 's/-O2//') # debian/rules: busybox's own -Os
(cd "$dir" && yes "" | make -C "$out" -f "$dir/Makefile" KBUILD_SRC="$dir" silentoldconfig &&
	make -j"$(nproc)" -C "$out" all SKIP_STRIP=y \
		CONFIG_EXTRA_CFLAGS="$cflags $(dpkg-buildflags --get CPPFLAGS)" \
		CONFIG_EXTRA_LDFLAGS="$cflags $(dpkg-buildflags --get LDFLAGS)") >"$T_TMP/build.log" 2>&1 ||
	{ tail -20 "$T_TMP/build.log" >&2; exit 1; }

bin=$T_TMP/bin
mkdir -p "$bin"
strip -o "$bin/busybox" "$out/busybox"
id=$(readelf -n "$bin/busybox" | awk '/Build ID/ {print $3}')
dbg=$T_TMP/debug/.build-id/$(echo "$id" | cut -c1-2)
mkdir -p "$dbg"
objcopy --only-keep-debug "$out/busybox" "$dbg/$(echo "$id" | cut -c3-).debug"
printf 'busybox %s from the source package, static, stripped: %d bytes (Debian'"'"'s: %d)\n\n' \
	"$(basename "$dir" | sed 's/busybox-//')" "$(stat -c %s "$bin/busybox")" \
	"$(stat -c %s /bin/busybox 2>/dev/null || echo 0)"
export PATH="$bin:$PATH" # the workloads run `busybox APPLET`: this one

calc() { awk "BEGIN { print $* }"; }
printf '%-18s %9s %9s %9s %9s %7s %7s %8s\n' program stripped "+ libc.a" "+ debug" recorded ratio \
	misses denials
for p in busybox-ls busybox-httpd busybox-sh busybox-sh-applets; do
	d=$T_TMP/$p
	mkdir -p "$d"
	# shellcheck disable=SC2046
	"$SCMPKIT" extract --no-cache --no-debuginfo -o "$d/stripped.json" $(xl_with "$p") \
		"$bin/busybox" 2>/dev/null
	# shellcheck disable=SC2046
	"$SCMPKIT" extract --no-cache --debug-dir "$T_TMP/none" -o "$d/libc.json" $(xl_with "$p") \
		"$bin/busybox" 2>/dev/null
	# shellcheck disable=SC2046
	"$SCMPKIT" extract --no-cache --debug-dir "$T_TMP/debug" -o "$d/ext.json" $(xl_with "$p") \
		"$bin/busybox" 2>/dev/null
	xl_profile_names "$d/stripped.json" >"$d/stripped.names"
	xl_profile_names "$d/libc.json" >"$d/libc.names"
	xl_profile_names "$d/ext.json" >"$d/ext.names"
	xl_record_union "$p" "$SCMPKIT" "$RUNS" "$d"
	xl_run "$p" "$SCMPKIT" run -p "$d/ext.json" --report-denials -- >/dev/null 2>"$d/run.err" \
		</dev/null || true
	ext=$(wc -l <"$d/ext.names")
	rec=$(wc -l <"$d/rec.union")
	printf '%-18s %9d %9d %9d %9d %6.2fx %7d %8s\n' "$p" "$(wc -l <"$d/stripped.names")" \
		"$(wc -l <"$d/libc.names")" "$ext" \
		"$rec" "$(calc "$ext / $rec")" "$(comm -23 "$d/rec.union" "$d/ext.names" | wc -l)" \
		"$(grep -q 'denied or logged no call' "$d/run.err" && echo 0 || echo SOME)"
done
