#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# extract against real work: each workload below runs under strace -f; extract
# is given every ELF program the workload ran (execve) and its calls are
# compared with strace's; then the workload runs again under `scmpkit run
# --fail-on-denial` with that profile. A call extract missed must come with a
# warning that explains it (a dlopen, an unresolved site, a program run with
# execve); a denial only where such a miss is. Once with the debug files
# found under /usr/lib/debug, once with --no-debuginfo (most machines have
# none). Programs missing here are left out.
#   usage: bench/extract/workloads.sh [SCMPKIT]   (root; not in CI: ~10 s)
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCMPKIT=${1:-$here/../../build/cli/scmpkit}
SCMPKIT=$(cd "$(dirname "$SCMPKIT")" && pwd)/$(basename "$SCMPKIT")
command -v strace >/dev/null || { echo "workloads: needs strace" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME="$T/cache"

elf() { [ -f "$1" ] && [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# fresh inputs for each run: a workload may change them
setup() {
	rm -rf "$T/w" && mkdir -p "$T/w/d/e" && cd "$T/w" || exit 1
	printf 'hello world\nfoo bar\n' >a.txt
	cp a.txt d/e/b.txt
	ln -s a.txt lnk
	printf 'all:\n\techo hi > made\n' >Makefile
	printf 'int main(void) { return 0; }\n' >p.c
}

n=0 missed=0 denied=0
run() { # NAME COMMAND...
	local name=$1 flags=$2 miss said deny
	shift 2
	command -v "$1" >/dev/null || return 0
	setup
	strace -f -qq -o "$T/trace" "$@" >/dev/null 2>&1 </dev/null
	sed -n 's/^[0-9]* *\(<\.\.\. \)\?\([a-z0-9_]*\)[( ].*/\2/p' "$T/trace" | sort -u |
		grep -v '^\(\|exited\|killed\|resumed\|restart_syscall\)$' >"$T/strace"
	grep -o 'execve("[^"]*"' "$T/trace" | sed 's/^execve("//; s/"$//' | sort -u |
		while read -r p; do elf "$p" && echo "$p"; done >"$T/bins"
	# shellcheck disable=SC2046
	"$SCMPKIT" extract ${flags:+"$flags"} -o "$T/p.json" $(cat "$T/bins") 2>"$T/err"
	# shellcheck disable=SC2046
	"$SCMPKIT" extract ${flags:+"$flags"} -f names $(cat "$T/bins") 2>/dev/null | sort -u >"$T/names"
	miss=$(comm -23 "$T/strace" "$T/names" | tr '\n' ' ')
	said=$(grep -c -E 'extract-(dlopen|unresolved|exec)' "$T/err")
	setup
	deny=ok
	"$SCMPKIT" run -p "$T/p.json" --fail-on-denial -- "$@" >/dev/null 2>"$T/run" </dev/null
	grep -q 'denied or logged no call' "$T/run" || deny=DENIED
	n=$((n + 1))
	[ -n "$miss" ] && missed=$((missed + 1))
	[ "$deny" = ok ] || denied=$((denied + 1))
	printf '%-9s %-14s %5d %6d %7d  %-6s %s\n' "$name" "${flags:-debug files}" \
		"$(wc -l <"$T/bins")" "$(wc -l <"$T/strace")" "$(wc -l <"$T/names")" "$deny" \
		"${miss:+missed: $miss(warnings: $said)}"
}

printf '%-9s %-14s %5s %6s %7s  %-6s %s\n' workload mode progs strace extract run ""
for flags in "" --no-debuginfo; do
	run grep "$flags" grep -rn foo .
	run sed "$flags" sed -i.bak s/foo/baz/ a.txt
	run awk "$flags" awk '{n += NF} END {print n}' a.txt
	run find "$flags" find . -name '*.txt' -newer lnk -exec cat {} +
	run tar "$flags" tar czf x.tgz d a.txt
	run gzip "$flags" sh -c 'gzip -k a.txt && gunzip -c a.txt.gz'
	run xz "$flags" sh -c 'xz -k -T2 a.txt && xz -dc a.txt.xz'
	run sort "$flags" sort -u -k2 a.txt
	run cp "$flags" cp -a d d2
	run du "$flags" du -sh d
	run ls "$flags" ls -laR --color=always d
	run diff "$flags" sh -c 'diff -u a.txt d/e/b.txt; true'
	run date "$flags" date -d '2026-01-01 +3 days'
	run id "$flags" id
	run ps "$flags" ps aux
	run git "$flags" sh -c 'git init -q r && cd r && cp ../a.txt . && git add a.txt &&
		git -c user.name=a -c user.email=a@b commit -qm x && git log --oneline'
	run python3 "$flags" /usr/bin/python3 -c 'import json, os, hashlib; print(json.dumps(sorted(os.listdir("."))), hashlib.sha256(b"x").hexdigest())'
	run perl "$flags" perl -e 'opendir(D, "."); print join(",", readdir D), "\n"; print scalar localtime, "\n"'
	run openssl "$flags" openssl sha256 a.txt
	run keygen "$flags" ssh-keygen -q -t ed25519 -N '' -f k
	run curl "$flags" curl -s "file://$T/w/a.txt"
	run make "$flags" make -s
	run cc "$flags" cc -O2 -o p p.c
	run sqlite3 "$flags" sqlite3 db 'create table t(a); insert into t values(1); select * from t;'
	run jq "$flags" sh -c 'echo "{\"a\": 1}" | jq .a'
	run nginx "$flags" /usr/sbin/nginx -t -c /etc/nginx/nginx.conf
done
echo "$n runs: $missed with a call extract missed (each must be warned of), $denied with a denial"
