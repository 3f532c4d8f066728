#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract on C programs: tests/helpers/extract_prog.c static with
# glibc and with musl; coreutils ls, cat, cp and tar (tar runs gzip: both are
# extracted); busybox-static's sh (a small script, and one that runs 68
# applets: tests/data/extract/busybox-applets.sh), ls and httpd applets (httpd
# serves a few requests, then stops). The four properties of xl_check each.
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
done_testing
