# SPDX-License-Identifier: Apache-2.0
# Minimal TAP helpers for the CLI and e2e tests; source this file.
#   ok NAME CMD...            passes when CMD exits 0
#   expect_out NAME EXP CMD   passes when CMD's stdout equals EXP
#   expect_rc NAME RC CMD...  passes when CMD exits RC
#   skip_all REASON           skip the whole script
#   wait_for FILE PATTERN     until FILE holds PATTERN (10 s at most)
# $SCMPKIT is the binary under test; $SK_SHARED_DATA the reference data.
set -u
T_N=0
T_FAIL=0
: "${SCMPKIT:?run through meson test}"
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT

t_report() { # status name [diagnostic-file]
	T_N=$((T_N + 1))
	if [ "$1" = ok ]; then
		echo "ok $T_N - $2"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_N - $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/# /' "$3" | head -40
	fi
	return 0
}

ok() {
	name=$1; shift
	if "$@" >"$T_TMP/out" 2>&1; then t_report ok "$name"; else t_report fail "$name" "$T_TMP/out"; fi
}

expect_rc() {
	name=$1; want=$2; shift 2
	"$@" >"$T_TMP/out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then t_report ok "$name"; else
		echo "exit $got, wanted $want" >>"$T_TMP/out"; t_report fail "$name" "$T_TMP/out"; fi
}

expect_out() {
	name=$1; want=$2; shift 2
	got=$("$@" 2>"$T_TMP/err")
	if [ "$got" = "$want" ]; then t_report ok "$name"; else
		{ echo "got:    $got"; echo "wanted: $want"; cat "$T_TMP/err"; } >"$T_TMP/out"
		t_report fail "$name" "$T_TMP/out"; fi
}

# passes when CMD's stderr+stdout contains PATTERN (grep -E) and it exits RC
expect_msg() {
	name=$1; want_rc=$2; pat=$3; shift 3
	"$@" >"$T_TMP/out" 2>&1
	got=$?
	if [ "$got" = "$want_rc" ] && grep -Eq -- "$pat" "$T_TMP/out"; then t_report ok "$name"; else
		echo "exit $got (wanted $want_rc), pattern: $pat" >>"$T_TMP/out"; t_report fail "$name" "$T_TMP/out"; fi
}

wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root ($1)"
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAIL" = 0 ]
}
