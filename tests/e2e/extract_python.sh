#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract on Debian's python3 (dynamic, /usr/bin/python3: `python3`
# on PATH may be a pyenv shim), with --with for each extension module its
# workload loads (_json, _hashlib with libcrypto, _bz2 with libbz2): the
# four properties of xl_check.
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/extract_lib.sh"
command -v strace >/dev/null || skip_all "strace not installed"
[ -x "$XL_PY" ] || skip_all "python3 not installed"
export XDG_CACHE_HOME="$T_TMP/cache"
xl_check python3
done_testing
