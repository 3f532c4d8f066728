#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# extract against every program on the machine: each ELF program in DIR
# (default /usr/bin) runs `PROG --version` under strace -f, as nobody, in an
# empty directory, for at most 5 s; the calls strace saw are compared with
# `scmpkit extract -f names PROG`. A call extract did not list is a miss; it
# must come with a warning that explains it (a dlopen, an unresolved site, a
# program run with execve): this prints every program with a miss, then
# counts. Programs that ignore their arguments or may do harm are left out.
#   usage: bench/extract/sweep.sh [SCMPKIT] [DIR]     (root; not in CI: ~15 min)
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCMPKIT=${1:-$here/../../build/cli/scmpkit}
DIR=${2:-/usr/bin}
command -v strace >/dev/null && command -v runuser >/dev/null ||
	{ echo "sweep: needs strace and runuser" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
mkdir -m 777 "$W/run" "$W/out" # nobody's: the program's directory, strace's output
export XDG_CACHE_HOME="$W/cache"
skip='^(reboot|halt|poweroff|shutdown|init|telinit|su|sudo|login|newgrp|sg|passwd|chsh|chfn|gpasswd|expiry|chage|pkexec|mount|umount|fusermount3?|ssh-agent|dbus-daemon|timeout|strace|gdb|yes|watch|top|less|more|vi|vim|nano|screen|tmux|python3.*|perl.*|bash|sh|dash|busybox|script|scriptreplay|expect|tclsh.*)$'
n=0 missed=0 unresolved=0 failed=0
for f in "$DIR"/*; do
	b=$(basename "$f")
	[ -f "$f" ] && [ -x "$f" ] && ! [ -u "$f" ] && ! [ -g "$f" ] || continue
	[ "$(head -c4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || continue
	[[ $b =~ $skip ]] && continue
	rm -rf "$W/run"/* "$W/out"/*
	(cd "$W/run" && timeout -s KILL 5 runuser -u nobody -- strace -f -qq -o "$W/out/trace" -- \
		"$f" --version </dev/null >/dev/null 2>&1)
	[ -s "$W/out/trace" ] || continue
	n=$((n + 1))
	sed -n 's/^[0-9]* *\(<\.\.\. \)\?\([a-z0-9_]*\)[( ].*/\2/p' "$W/out/trace" | sort -u |
		grep -v '^\(\|exited\|killed\|resumed\)$' >"$W/strace"
	"$SCMPKIT" extract -f names "$f" >"$W/names" 2>"$W/err"
	rc=$?
	u=$(grep -c extract-unresolved "$W/err")
	miss=$(comm -23 "$W/strace" "$W/names" | tr '\n' ' ')
	[ "$rc" -gt 1 ] && failed=$((failed + 1))
	[ "$u" -gt 0 ] && unresolved=$((unresolved + 1))
	if [ -n "$miss" ] || [ "$rc" -gt 1 ]; then
		missed=$((missed + 1))
		printf '%s\texit %s\t%s unresolved\tmissed: %s\n' "$f" "$rc" "$u" "$miss"
	fi
done
echo "$n programs traced: $missed with a call extract missed, $unresolved with an unresolved site, $failed exit 2"
