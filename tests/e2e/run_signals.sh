#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit run as a shell user sees it: exit status and death by signal pass
# through exactly, in the plain mode (scmpkit execs the command) and in the
# supervised ones (--report-denials, a profile's NOTIFY rules: scmpkit forks
# and answers notifications); `kill scmpkit` stops the command; processes the
# command leaves behind are still answered; the --fail-on-denial CI gate; and
# --no-new-privs=no without CAP_SYS_ADMIN. Needs only the kernel (the
# non-root part needs root to drop it).
. "$(dirname "$0")/../cli/tap.sh"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
BB=/bin/busybox
W="$T_TMP"
chmod 755 "$W"
trap 'for p in $(cat "$W"/bg.* 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T_TMP"' EXIT

# mkdir is denied (EACCES), rmdir kills the process, getcwd is logged
cat >"$W/deny.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
              {"names": ["rmdir"], "action": "SCMP_ACT_KILL_PROCESS"},
              {"names": ["getcwd"], "action": "SCMP_ACT_LOG"}]}
J
# the same with a NOTIFY rule: supervised without --report-denials
cat >"$W/notify.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"},
              {"names": ["rmdir"], "action": "SCMP_ACT_KILL_PROCESS"}]}
J

# rc_of CMD...: what a shell reports for CMD ($?), as stdout
rc_of() {
	"$@" >/dev/null 2>&1
	echo $?
}

# wait_file FILE: until the command under test has written FILE (bounded;
# the assertions never depend on how long it took)
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# kill_case NAME SIG WANT [LAUNCHER] -- RUN-ARGS: start `scmpkit run RUN-ARGS --
# sh (exec sleep)` in the background, send SIG to scmpkit once the command
# runs; passes when scmpkit exits WANT and the command is gone
kill_case() {
	kname=$1; ksig=$2; kwant=$3; shift 3
	klaunch=
	[ "$1" != -- ] && { klaunch=$1; shift; }
	shift
	rm -f "$W/pid.k"
	$klaunch "$SCMPKIT" run "$@" -- $BB sh -c "echo \$\$ >'$W/pid.k'; exec $BB sleep 600" \
		>/dev/null 2>&1 &
	sk=$!
	echo $sk >"$W/bg.k"
	wait_file "$W/pid.k"
	kcmd=$(cat "$W/pid.k")
	kill -"$ksig" $sk
	wait $sk
	kgot=$?
	if [ "$kgot" = "$kwant" ] && ! kill -0 "$kcmd" 2>/dev/null; then
		t_report ok "$kname"
	else
		echo "exit $kgot; command $kcmd: $(head -3 /proc/"$kcmd"/status 2>&1)" >"$W/why"
		t_report fail "$kname" "$W/why"
		kill -KILL "$kcmd" 2>/dev/null
	fi
}

# A launcher that restores the default disposition of SIGHUP, SIGINT and
# SIGQUIT before it execs: a background job of a script starts with SIGINT
# and SIGQUIT ignored, and the whole test with SIGHUP ignored when it runs
# under nohup; a shell cannot undo either (POSIX), so perl does, as an
# interactive shell would
printf '%s\n' '#!/usr/bin/perl' \
	'$SIG{HUP} = "DEFAULT"; $SIG{INT} = "DEFAULT"; $SIG{QUIT} = "DEFAULT"; exec @ARGV or die;' \
	>"$W/dfl"
chmod 755 "$W/dfl"
dfl=
command -v perl >/dev/null && dfl=$W/dfl

for mode in plain report notify; do
	case $mode in
	plain) set -- -p "$W/deny.json" ;;
	report) set -- -p "$W/deny.json" --report-denials ;;
	notify) set -- -p "$W/notify.json" ;;
	esac
	expect_out "$mode: exit 3 is 3" 3 rc_of "$SCMPKIT" run "$@" -- $BB sh -c 'exit 3'
	expect_out "$mode: exit 0 is 0" 0 rc_of "$SCMPKIT" run "$@" -- $BB true
	expect_out "$mode: death by SIGTERM is 143" 143 \
		rc_of "$SCMPKIT" run "$@" -- $BB sh -c 'kill -TERM $$'
	expect_out "$mode: death by SIGKILL is 137" 137 \
		rc_of "$SCMPKIT" run "$@" -- $BB sh -c 'kill -KILL $$'
	mkdir -p "$W/k"
	expect_out "$mode: a call the profile kills: SIGSYS, 159" 159 \
		rc_of "$SCMPKIT" run "$@" -- $BB rmdir "$W/k"
	ok "$mode: ... and the call did not happen" test -d "$W/k"
	# a shell's own report of the death, as the user sees it
	expect_out "$mode: the shell sees the signal (kill -l)" SYS \
		sh -c "'$SCMPKIT' run $* -- $BB rmdir '$W/k' 2>/dev/null; kill -l \$?"

	# `kill scmpkit`: the command gets the signal and its death is ours
	kill_case "$mode: kill -TERM scmpkit: 143, and the command is gone" TERM 143 -- "$@"
	kill_case "$mode: kill -HUP scmpkit: 129, and the command is gone" HUP 129 $dfl -- "$@"
	kill_case "$mode: kill -USR1 scmpkit: 138, and the command is gone" USR1 138 -- "$@"

	# the command really got SIGTERM: it traps it, says so and exits 3
	rm -f "$W/pid.$mode"
	"$SCMPKIT" run "$@" -- $BB sh -c "trap 'echo TERM >\"$W/got.$mode\"; kill \$!; exit 3' TERM;
		$BB sleep 600 & echo \$\$ >'$W/pid.$mode'; wait" >/dev/null 2>&1 &
	sk=$!
	echo $sk >"$W/bg.$mode"
	wait_file "$W/pid.$mode"
	kill -TERM $sk
	wait $sk
	got=$?
	if [ "$got" = 3 ] && [ "$(cat "$W/got.$mode" 2>/dev/null)" = TERM ]; then
		t_report ok "$mode: the command itself receives SIGTERM (its handler ran, exit 3)"
	else
		echo "exit $got, handler wrote: $(cat "$W/got.$mode" 2>&1)" >"$W/why"
		t_report fail "$mode: the command itself receives SIGTERM (its handler ran, exit 3)" "$W/why"
	fi

done

# SIGINT and SIGQUIT: through the launcher above (a background job has them
# ignored)
if [ -n "$dfl" ]; then
	for mode in report notify; do
		case $mode in
		report) set -- -p "$W/deny.json" --report-denials ;;
		notify) set -- -p "$W/notify.json" ;;
		esac
		kill_case "$mode: kill -INT scmpkit (from kill, not the terminal): 130, the command is gone" \
			INT 130 "$W/dfl" -- "$@"
		kill_case "$mode: kill -QUIT scmpkit: 131, the command is gone" QUIT 131 "$W/dfl" -- "$@"
	done
fi

# Processes the command leaves behind still run under the filter: scmpkit
# keeps answering them (the profile's errno, not ENOSYS) until none is left,
# reports their denials, and exits with the command's status.
mkfifo "$W/fifo"
"$SCMPKIT" run -p "$W/deny.json" --report-denials -- $BB sh -c \
	"$BB sh -c 'read x <\"$W/fifo\"; $BB mkdir \"$W/left\" 2>\"$W/left.err\"; echo done >\"$W/left.done\"' &
	 exit 3" >"$W/left.out" 2>&1 &
sk=$!
echo $sk >"$W/bg.left"
echo go >"$W/fifo" # the leftover reads it only after the command has exited
wait $sk
got=$?
expect_out "leftovers: scmpkit exits with the command's status" 3 echo $got
ok "leftovers: the leftover ran to its end before scmpkit exited" test -s "$W/left.done"
expect_msg "leftovers: its denied call got the profile's errno, not ENOSYS" 0 \
	"Permission denied" cat "$W/left.err"
expect_msg "leftovers: and the report lists it" 0 "mkdir +x86_64 +[0-9]+ +/usr/bin/busybox +1" \
	cat "$W/left.out"

# a signal while waiting for leftovers ends the wait, says so, keeps the status
"$SCMPKIT" run -p "$W/deny.json" --report-denials -- $BB sh -c \
	"$BB sh -c 'echo \$\$ >\"$W/left.pid\"; read x <\"$W/fifo\"' & exit 4" >"$W/aband.out" 2>&1 &
sk=$!
echo $sk >"$W/bg.aband"
wait_file "$W/left.pid"
# scmpkit is waiting once the command is gone (it is the leftover's parent then)
i=0
while [ "$(awk '/^PPid:/ {print $2}' /proc/"$(cat "$W/left.pid")"/status 2>/dev/null)" != "$sk" ] &&
	[ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $sk
wait $sk
got=$?
expect_out "abandoned leftovers: the command's status still" 4 echo $got
expect_msg "... and scmpkit says it stopped answering them" 0 "stopped answering the processes" \
	cat "$W/aband.out"
echo go >"$W/fifo"

# The CI gate: a test suite (a busybox script making several calls) under a
# profile that denies one of them: exit 1, and the report names it.
cat >"$W/gate.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO"}]}
J
cat >"$W/suite.sh" <<S
set -e
d="$W/suite"
$BB mkdir -p "\$d"
$BB touch "\$d/a" "\$d/b"
$BB ls "\$d" >/dev/null
$BB cat "\$d/a"
$BB chmod 600 "\$d/a" || true
$BB chmod 600 "\$d/b" || true
$BB rm -r "\$d"
S
expect_msg "--fail-on-denial: the suite ran to its end, exit 1" 1 \
	"distinct denied or logged call\\(s\\): exit 1" \
	"$SCMPKIT" run -p "$W/gate.json" --fail-on-denial -- $BB sh "$W/suite.sh"
expect_msg "... the report: name, arch, pid, exe, count" 1 \
	"(f?chmod(at2?)?) +x86_64 +[0-9]+ +/usr/bin/busybox +1  ERRNO\\(1\\)" \
	"$SCMPKIT" run -p "$W/gate.json" --fail-on-denial -- $BB sh "$W/suite.sh"
ok "... and the suite's other calls worked (it cleaned up)" test ! -e "$W/suite"
expect_rc "--fail-on-denial: the suite under a profile that denies nothing it does: 0" 0 \
	"$SCMPKIT" run -p "$W/deny.json" --fail-on-denial -- $BB sh -c "$BB true; $BB ls / >/dev/null"

# --no-new-privs=no without CAP_SYS_ADMIN: refused with the reason, nothing run
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	for prof in deny notify; do
		rm -f "$W/nnp"
		expect_msg "--no-new-privs=no as nobody ($prof): exit 125, says CAP_SYS_ADMIN is needed" 125 \
			"needs CAP_SYS_ADMIN" \
			setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$SCMPKIT" run -p "$W/$prof.json" --no-new-privs=no -- $BB touch "$W/nnp"
		ok "... and the command did not run" test ! -e "$W/nnp"
	done
	chmod 777 "$W"
	expect_rc "the control: as nobody with no_new_privs (the default), it runs" 0 \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SCMPKIT" run -p "$W/deny.json" -- $BB touch "$W/nnp"
	ok "... and the command did run" test -e "$W/nnp"
else
	echo "# skipping --no-new-privs=no as nobody: needs root and setpriv to become nobody"
fi

# dump stops the process for a moment: a signal that reaches it then must still
# be delivered. sigq queues real-time signals (they never merge) in batches the
# target acknowledges, while dump reads its filter over and over; one lost
# signal leaves a batch unacknowledged.
if [ "$(id -u)" = 0 ] && [ -x "${SK_HELPERS:-}/sigq" ]; then
	rm -f "$W/sigq.pid"
	"$SK_HELPERS/sigq" 400000 "$W/sigq.pid" >"$W/sigq.out" 2>&1 &
	sq=$!
	echo $sq >"$W/bg.sigq"
	wait_file "$W/sigq.pid"
	: >"$W/dumps"
	while kill -0 $sq 2>/dev/null; do
		"$SCMPKIT" dump "$(cat "$W/sigq.pid")" >>"$W/dumps" 2>&1
	done
	wait $sq
	sqrc=$?
	if [ "$sqrc" = 0 ] && grep -q "received 399872" "$W/sigq.out"; then
		t_report ok "dump while queued real-time signals arrive: none lost ($(grep -c '^# filter 1 of 1' "$W/dumps") dumps)"
	else
		{ cat "$W/sigq.out"; echo "sigq exit $sqrc; $(grep -c '^# filter' "$W/dumps") dumps"; } >"$W/why"
		t_report fail "dump while queued real-time signals arrive: none lost" "$W/why"
	fi
	ok "... and dump read the filter each time" grep -q "return ALLOW" "$W/dumps"
else
	echo "# skipping dump under signals: needs root (PTRACE_SECCOMP_GET_FILTER) and tests/helpers/sigq"
fi
done_testing
