#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#   1. install the Debian packages (tools/setup.sh),
#   2. build with -Werror and run every test (unit, cli, e2e against the kernel and runc),
#   3. build again with ASan+UBSan and run the unit and CLI tests,
#   4. build the libFuzzer harnesses with clang and run each for FUZZ_SECONDS (default 30;
#      tests/fuzz/meson.build caps the small readers at 20),
# and end with one line: N passed, N failed[, N skipped].
# Environment: FUZZ_SECONDS, SK_BUILD_PREFIX (default build-test), SK_SKIP_ASAN=1, SK_SKIP_FUZZ=1.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
prefix=${SK_BUILD_PREFIX:-build-test}
export FUZZ_SECONDS=${FUZZ_SECONDS:-30}
logs=
extra_fail=0

step() { printf '\n=== %s\n' "$*"; }
fail_step() { echo "FAILED step: $*"; extra_fail=$((extra_fail + 1)); }

step "setup: Debian packages"
./tools/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
if [ -f tests/sarif/package.json ] && [ ! -d tests/sarif/node_modules ]; then
	(cd tests/sarif && npm ci --no-audit --no-fund --loglevel=error) || fail_step "npm ci (tests/sarif)"
fi
if [ -f tests/k8s-schema/package.json ] && [ ! -d tests/k8s-schema/node_modules ]; then
	(cd tests/k8s-schema && npm ci --no-audit --no-fund --loglevel=error) || fail_step "npm ci (tests/k8s-schema)"
fi
# the package's postinstall (chmod of the .NET binary) does not run as root under npm 11
[ -d tests/sarif/node_modules ] && find tests/sarif/node_modules -name Sarif.Multitool -type f -exec chmod u+x {} +

# build DIR [meson options...]: configure (fresh) and compile
build() {
	dir=$1; shift
	rm -rf "$dir"
	meson setup "$dir" -Dwerror=true "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	ninja -C "$dir" >"$dir.build.log" 2>&1 || { tail -60 "$dir.build.log"; return 1; }
}

# run DIR [meson test options...]: run tests, keep the log for counting
run() {
	dir=$1; shift
	meson test -C "$dir" --num-processes 2 --print-errorlogs "$@" | tail -25
	logs="$logs $dir/meson-logs/testlog.json"
}

step "build (-Werror) and all tests"
if build "$prefix"; then
	run "$prefix" --no-suite fuzz
else
	fail_step "build"
fi

if [ "${SK_SKIP_ASAN:-0}" != 1 ]; then
	step "ASan+UBSan build: unit and CLI tests"
	if build "$prefix-asan" -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false; then
		run "$prefix-asan" --suite unit --suite cli
	else
		fail_step "ASan build"
	fi
fi

if [ "${SK_SKIP_FUZZ:-0}" != 1 ]; then
	step "libFuzzer harnesses, ${FUZZ_SECONDS}s each (the small readers 20 s)"
	if CC=clang build "$prefix-fuzz" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false; then
		run "$prefix-fuzz" --suite fuzz --num-processes 1 --timeout-multiplier 4
	else
		fail_step "fuzz build"
	fi
fi

step "summary"
/usr/bin/python3 tools/count-tests.py $logs --extra-fail "$extra_fail"
