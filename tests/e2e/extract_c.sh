#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract on C programs: tests/helpers/extract_prog.c static with
# glibc and with musl; coreutils ls, cat, cp and tar (tar runs gzip: both are
# extracted); busybox-static's sh (a small script, and one that runs 68
# applets: tests/data/extract/busybox-applets.sh), ls and httpd applets (httpd
# serves a few requests, then stops). The four properties of xl_check each;
# and busybox ls run by nobody under the extracted profile.
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/extract_lib.sh"
command -v strace >/dev/null || skip_all "strace not installed"
[ -x /bin/busybox ] || skip_all "busybox-static not installed"
command -v curl >/dev/null || skip_all "curl not installed"
export XDG_CACHE_HOME="$T_TMP/cache"
for p in c-glibc-static c-musl-static; do
	if [ -x "$(xl_bins $p)" ]; then xl_check $p; else
		echo "ok $((T_N = T_N + 1)) # SKIP $p: not built (no static libc or musl-gcc)"; fi
done
for p in ls cat cp tar busybox-sh busybox-sh-applets busybox-ls busybox-httpd; do
	xl_check $p
done
# busybox is one program for all its applets: an applet no workload runs
# (insmod, built without unwind tables, in code no symbol describes) counts
if busybox --list | grep -qx insmod; then
	if grep -Eqx 'init_module|finit_module' "$T_TMP/busybox-sh/ext.names"; then
		t_report ok "busybox: the insmod applet's init_module is in the extracted set"
	else
		t_report fail "busybox: insmod's init_module is missing"
	fi
fi
# busybox drops its privileges when a user other than root runs it (setgid,
# setuid: appletlib.c's check_suid), a path no recording as root takes: as
# nobody, ls runs under the extracted profile and not under the recorded one
pub=$(mktemp -d)
chmod 755 "$pub"
nobody() { # SCMPKIT ARGS... as nobody, its output in $pub/out and $pub/err
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$SCMPKIT" "$@" \
		>"$pub/out" 2>"$pub/err" </dev/null
}
as_nobody() { nobody run -p "$1" --fail-on-denial -- busybox ls -l /etc/apt; }
if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
	t_report ok "# SKIP busybox ls as nobody: needs root, a nobody user and setpriv"
elif ! install -m 644 "$T_TMP/busybox-ls/ext.json" "$pub/ext.json" 2>/dev/null ||
	! install -m 644 "$T_TMP/busybox-ls/rec.json" "$pub/rec.json" 2>/dev/null ||
	! nobody --version; then
	t_report ok "# SKIP busybox ls as nobody: nobody cannot run $SCMPKIT or the profiles are missing"
else
	if as_nobody "$pub/ext.json" && grep -q "denied or logged no call" "$pub/err"; then
		t_report ok "busybox ls as nobody runs under the extracted profile, no denial"
	else
		t_report fail "busybox ls as nobody runs under the extracted profile" "$pub/err"
	fi
	if ! as_nobody "$pub/rec.json" && grep -Eq "set(uid|gid)" "$pub/err"; then
		t_report ok "... and the profile recorded as root denies its setgid/setuid"
	else
		t_report fail "... and the profile recorded as root denies its setgid/setuid" "$pub/err"
	fi
fi
rm -rf "$pub"
done_testing
