#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit extract on Go programs built here with Debian's Go 1.19, each with
# CGO_ENABLED=0 (static) and =1 (net/http then links libc: Go and C at once):
# the article's fmt.Println("test"), a net/http server with its client, and a
# program using golang.org/x/sys/unix; and the server again as a stripped,
# externally linked PIE (Go's table found by its magic). For each, the four
# properties of
# xl_check (tests/e2e/extract_lib.sh): no unresolved site, extracted covers
# strace -f and scmpkit record, the program runs under the profile.
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/extract_lib.sh"
command -v strace >/dev/null || skip_all "strace not installed"
command -v go >/dev/null || skip_all "golang-go not installed"
[ -d /usr/share/gocode/src/golang.org/x/sys/unix ] || skip_all "golang-golang-x-sys-dev not installed"
xl_build_go || { echo "Bail out! go build failed"; exit 1; }
export XDG_CACHE_HOME="$T_TMP/cache"
for p in hello http unix; do
	for cgo in 0 1; do
		xl_check go-$p-cgo$cgo
	done
done
xl_check go-http-pie
done_testing
