#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit's main job on a real program, from a fresh Debian 12 machine:
# install what is needed, build, record python3, lint the profile, and run
# python3 under it with the filter enforced (record -> lint -> run); then the
# same from the code alone: extract the article's Go program and python3,
# lint, run (extract -> lint -> run).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./tools/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
S=$root/build/cli/scmpkit
dir=${SK_DEMO_DIR:-/tmp/scmpkit-demo}
mkdir -p "$dir"
cd "$dir"
prog='import hashlib, json, os; print(json.dumps({"pid": os.getpid() > 0, "sha256": hashlib.sha256(b"scmpkit").hexdigest()[:16]}))'
show() { printf '\n$ %s\n' "$*"; }

show "scmpkit record -o python3.json -- python3 -c '$prog'"
"$S" record -q -o python3.json -- /usr/bin/python3 -c "$prog"
show "head -12 python3.json"
head -12 python3.json
echo "  ... ($(grep -c '^ *"[a-z0-9_]*",\{0,1\}$' python3.json) syscall names in all)"
show "scmpkit lint python3.json"
out=$("$S" lint python3.json) || true # findings of every severity are shown
printf '%s\n' "${out:-(no findings)}"
show "scmpkit run -p python3.json -- python3 -c '$prog'"
"$S" run -p python3.json -- /usr/bin/python3 -c "$prog"
show "scmpkit run -p python3.json -- python3 -c 'import socket; socket.socket()'   # never recorded"
"$S" run -p python3.json -- /usr/bin/python3 -c 'import socket; socket.socket()' 2>&1 | tail -1 || true
show "scmpkit explain python3.json socket"
"$S" explain python3.json socket

# extract -> lint -> run: the syscalls read from the code, no run needed
cp "$root/tests/data/extract/hello.go" .
GOCACHE="$dir/gocache" GO111MODULE=off GOFLAGS= GOENV=off GOPROXY=off CGO_ENABLED=0 \
	go build -o hello hello.go
show "cat hello.go   # the article's program; gosystract printed 14 syscalls for it"
grep -v '^//' hello.go
show "scmpkit extract -f names ./hello | tr '\\n' ' '"
"$S" extract -f names ./hello | tr '\n' ' '
echo
show "scmpkit extract -o hello.json ./hello && scmpkit lint hello.json"
"$S" extract -o hello.json ./hello
out=$("$S" lint hello.json) || true
printf '%s\n' "${out:-(no findings)}"
show "scmpkit run -p hello.json --fail-on-denial -- ./hello"
"$S" run -p hello.json --fail-on-denial -- ./hello
show "scmpkit extract --explain clone ./hello"
"$S" extract --explain clone ./hello
dyn=/usr/lib/python3.11/lib-dynload
show "scmpkit extract -o python3-x.json --with \$dyn/_json...so --with \$dyn/_hashlib...so /usr/bin/python3"
"$S" extract -o python3-x.json --with "$dyn/_json.cpython-311-x86_64-linux-gnu.so" \
	--with "$dyn/_hashlib.cpython-311-x86_64-linux-gnu.so" /usr/bin/python3 2>extract.err
echo "  ($(grep -c '"names"' python3-x.json) rules, recorded: $(grep -c '^ *"[a-z0-9_]*",\{0,1\}$' python3.json) names;" \
	"$(grep -c extract-dlopen extract.err) warnings name what python3 and its libraries may dlopen)"
show "scmpkit run -p python3-x.json --fail-on-denial -- python3 -c '$prog'"
"$S" run -p python3-x.json --fail-on-denial -- /usr/bin/python3 -c "$prog"
