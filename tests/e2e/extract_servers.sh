#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract on servers from Debian packages: nginx-light and
# redis-server, each serving a few requests on loopback, then stopped the
# way their operators stop them (nginx -s quit, redis-cli shutdown). The four
# properties of xl_check each.
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/extract_lib.sh"
command -v strace >/dev/null || skip_all "strace not installed"
command -v curl >/dev/null || skip_all "curl not installed"
export XDG_CACHE_HOME="$T_TMP/cache"
for p in nginx redis; do
	case $p in
	nginx) command -v nginx >/dev/null || { echo "ok $((T_N = T_N + 1)) # SKIP nginx-light not installed"; continue; } ;;
	redis) command -v redis-server >/dev/null || { echo "ok $((T_N = T_N + 1)) # SKIP redis-server not installed"; continue; } ;;
	esac
	xl_check $p
done
done_testing
