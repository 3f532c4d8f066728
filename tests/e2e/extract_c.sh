#!/bin/sh
# scmpkit extract on C programs: tests/helpers/extract_prog.c static with
# glibc and with musl; coreutils ls, cat, cp and tar (tar runs gzip: both are
# extracted); busybox-static's sh, ls and httpd applets (httpd serves a few
# requests, then stops). The four properties of xl_check each.
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
for p in ls cat cp tar busybox-sh busybox-ls busybox-httpd; do
	xl_check $p
done
done_testing
