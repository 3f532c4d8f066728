#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What the record tests of every backend share; source it after tap.sh, with
# REC_BACKEND set (ptrace or ebpf) and the current directory a scratch one.
#   check_workload NAME CMD...  the "nothing lost" properties, as TAP lines:
#     - the command's stdout and exit status are the same with and without
#       recording (recording changes nothing but timing);
#     - every syscall name strace -f shows is in the recorded profile (strace
#       is the ground truth; it does not show vDSO calls, which record adds);
#     - the profile works: the workload run under it, enforcing with default
#       errno (tests/helpers/sk_enforce: libseccomp compiles it, and
#       scmpkit run), gives the same output and status.
#   check_workloads  check_workload on real programs and on the ones that
#     lose calls when a task is missed (a fork storm of 500 short-lived
#     processes, 200 threads, exec chains, a 32-bit static binary, a tree whose
#     parent exits first), then pass-through of environment, stdin and status
#   check_signals  signals sent to scmpkit reach the command, the profile is
#     written, a second SIGTERM ends the recording at once (issue 12, item 4).
PY=/usr/bin/python3
H=${SK_HELPERS:?run through meson test}
: "${REC_BACKEND:?set REC_BACKEND to ptrace or ebpf}"
REC="$SCMPKIT record --backend $REC_BACKEND"

# names strace -f printed (one per line, sorted), from its -o file
strace_names() {
	"$PY" - "$1" <<'PY'
import re, sys
names = set()
for line in open(sys.argv[1]):
    m = re.match(r'^(?:\d+\s+)?(?:<\.\.\. )?([a-z_0-9]+)\(', line)
    if m:
        names.add(m.group(1))
print('\n'.join(sorted(names)))
PY
}
# every syscall name any rule of a profile (JSON, any format) allows, or
# answers ENOSYS so that the caller falls back (clone3 -> clone)
profile_names() {
	"$PY" - "$1" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
names = set()
for r in p.get('syscalls', []):
    if r.get('action') in ('SCMP_ACT_ALLOW', 'SCMP_ACT_LOG') or r.get('errnoRet') == 38:
        names.update(r.get('names', []) + ([r['name']] if 'name' in r else []))
print('\n'.join(sorted(names)))
PY
}

check_workload() {
	name=$1; shift
	rm -rf work && mkdir work
	(cd work && "$@") >native.out 2>/dev/null </dev/null
	native_rc=$?
	rm -rf work && mkdir work
	(cd work && $REC -q -o ../prof.json -- "$@") >rec.out 2>rec.err </dev/null
	rec_rc=$?
	if [ "$rec_rc" = "$native_rc" ] && cmp -s native.out rec.out && [ -s prof.json ]; then
		t_report ok "$name: same output and exit status ($native_rc) under record ($REC_BACKEND)"
	else
		{ echo "native rc $native_rc, recorded rc $rec_rc"; diff native.out rec.out | head; cat rec.err; } >diag
		t_report fail "$name: same output and exit status under record" diag
	fi
	rm -rf work && mkdir work
	# same redirections as the recorded run: libc asks a tty or /dev/null
	# other questions (ioctl TCGETS) than a regular file
	(cd work && strace -f -qq -o ../strace.out "$@") >strace.stdout 2>strace.err </dev/null
	strace_names strace.out >strace.names
	profile_names prof.json >prof.names
	missing=$(comm -23 strace.names prof.names)
	if [ -s strace.names ] && [ -z "$missing" ]; then
		t_report ok "$name: recorded set ($REC_BACKEND) contains strace's ($(wc -l <strace.names) calls)"
	else
		echo "missing: $missing" >diag
		t_report fail "$name: recorded set contains strace's" diag
	fi
	for enforcer in sk_enforce run; do
		case $enforcer in
		sk_enforce) set -- "$H/sk_enforce" ../prof.json "$@" ;;
		run) "$SCMPKIT" run --help >/dev/null 2>&1 || continue
		     set -- "$SCMPKIT" run -p ../prof.json -- "$@" ;;
		esac
		rm -rf work && mkdir work
		(cd work && "$@") >enf.out 2>enf.err </dev/null
		enf_rc=$?
		if [ "$enf_rc" = "$native_rc" ] && cmp -s native.out enf.out; then
			t_report ok "$name: runs under its recorded profile ($enforcer, enforcing, default errno)"
		else
			{ echo "native rc $native_rc, enforced rc $enf_rc"; diff native.out enf.out | head; cat enf.err; } >diag
			t_report fail "$name: runs under its recorded profile ($enforcer)" diag
		fi
		case $enforcer in sk_enforce) shift 2 ;; run) shift 4 ;; esac
	done
}

# threads, a subprocess, files, JSON, hashing: a typical interpreter run
PY_WORKLOAD='
import json, os, subprocess, threading, hashlib, tempfile
r = []
t = threading.Thread(target=lambda: r.append(hashlib.sha256(b"x" * 100000).hexdigest()))
t.start(); t.join()
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "f"), "w").write(json.dumps({"a": [1, 2]}))
    print(sorted(os.listdir(d)), json.load(open(os.path.join(d, "f"))))
print(subprocess.run(["echo", "child"], capture_output=True, text=True).stdout.strip(), r[0][:8])'

check_workloads() {
	mkdir -p data/sub && echo hello >data/a.txt && seq 1 500 >data/sub/n.txt
	D=$T_TMP/data
	check_workload "busybox sh script" busybox sh -c '
		for i in 1 2 3; do echo "line $i" | busybox wc -c; done >out.txt
		(cd /; busybox ls >/dev/null); busybox cat out.txt; x=$(busybox date +%Y); [ -n "$x" ]
		busybox sh -c "exit 4"; echo "sub exited $?"'
	check_workload "python3 workload" "$PY" -c "$PY_WORKLOAD"
	check_workload "coreutils ls" ls -la --color=never "$D/sub"
	check_workload "coreutils cp" sh -c "cp -r '$D' copy && cat copy/a.txt && ls copy/sub"
	check_workload "tar c + x" sh -c "tar cf a.tar -C '$D' . && mkdir x && tar xf a.tar -C x && tar tf a.tar | sort"
	check_workload "multi-threaded program" "$H/threads"
	check_workload "200 children exiting at once (exit 3)" "$H/fork200"
	check_workload "fork storm: 500 short-lived processes" "$H/storm" procs 500
	check_workload "200 threads" "$H/storm" threads 200
	check_workload "tree whose parent exits first" "$H/storm" orphan
	check_workload "exec chain" sh -c 'exec env busybox sh -c "exec busybox uname -m"'
	if [ -x "$H/static32" ]; then
		check_workload "32-bit static binary" "$H/static32"
		check_workload "exec chain into a 32-bit binary" sh -c "exec env '$H/static32'"
		expect_out "i386 calls are recorded under SCMP_ARCH_X86 ($REC_BACKEND)" yes sh -c '
			$REC -q -o p32.json -- "$1" >/dev/null &&
			/usr/bin/python3 -c "import json,sys; a=json.load(open(\"p32.json\"))[\"architectures\"]; print(\"yes\" if \"SCMP_ARCH_X86\" in a else a)"' sh "$H/static32"
	else
		echo "ok $((T_N += 1)) # SKIP no gcc -m32 -static here (gcc-multilib)"
	fi

	# pass-through: environment, stdin, exit status, death by signal
	expect_out "environment passes through" "bar" env FOO=bar $REC -q -o p.json -- sh -c 'echo $FOO'
	expect_out "stdin passes through" "piped" sh -c 'echo piped | $REC -q -o p.json -- cat'
	expect_rc "exit status passes through" 42 $REC -q -o p.json -- sh -c 'exit 42'
	expect_out "death by signal passes through (as for the shell: 128+15)" 143 \
		sh -c '$REC -q -o p.json -- sh -c "kill -TERM \$\$"; echo $?'
	expect_rc "profile still written when the command was killed" 0 test -s p.json
	expect_msg "command not found: 127" 127 "cannot run 'no-such-command-xyz'" \
		$REC -q -o p.json -- no-such-command-xyz
	# 20 distinct numbers outside the bitmaps: 16 are kept; the rest used
	# to be a warning with exit 0 (ptrace, and eBPF below its map's 48)
	expect_msg "numbers the recording had no room for: said, exit 1" 1 "record-dropped" \
		$REC -q -o p.json -- "$PY" -c 'import ctypes
libc = ctypes.CDLL(None)
for i in range(20): libc.syscall(2000 + i)'
}


# bg_record NAME CMD...: record CMD in the background into NAME.json (output
# in NAME.out); sets $pid, $out, $json
bg_record() {
	out=$1.out json=$1.json
	rm -f "$out" "$json"
	shift
	$REC -q -o "$json" -- "$@" >"$out" 2>&1 &
	pid=$!
}
# judge TITLE CHECK...: one TAP line; on failure the status, output, profile
judge() {
	title="$1 ($REC_BACKEND)"
	shift
	if "$@"; then t_report ok "$title"; else
		{ echo "rc $rc"; cat "$out"; ls -l "$json"; } >diag 2>&1
		t_report fail "$title" diag
	fi
}
has_call() { grep -q "\"$1\"" "$json" 2>/dev/null; }

check_signals() {
	# kill -TERM: the server gets it, dies of it; the profile is written and
	# scmpkit dies of the same signal (143), as systemd and docker stop expect
	bg_record srv "$PY" -u -m http.server 0 --bind 127.0.0.1
	wait_for "$out" "Serving HTTP"
	kill -TERM $pid
	wait $pid
	rc=$?
	judge "kill -TERM: relayed to the server, profile written (bind, listen), exit 143" \
		eval '[ "$rc" = 143 ] && has_call bind && has_call listen'
	out=to.out json=to.json
	timeout 2 $REC -q -o "$json" -- "$PY" -u -m http.server 0 --bind 127.0.0.1 >"$out" 2>&1
	rc=$?
	judge "timeout 2 scmpkit record ...: profile written" eval '[ "$rc" = 124 ] && has_call listen'
	# a program that stays up on SIGTERM: the second SIGTERM ends the
	# recording at once; the command is killed, the profile written
	bg_record twice sh -c "trap 'echo got TERM' TERM; echo up; while :; do sleep 0.1; done # $T_TMP"
	wait_for "$out" up
	kill -TERM $pid
	wait_for "$out" "got TERM"
	sleep 0.6 # more than the 500 ms within which a copy counts as the same signal
	kill -TERM $pid
	wait $pid
	rc=$?
	sleep 0.2
	judge "second SIGTERM ends the recording at once: command gone, profile written" \
		eval '[ "$rc" = 143 ] && has_call wait4 && ! pgrep -f "done # $T_TMP" >/dev/null'
	# SIGINT sent to scmpkit's own pid reaches the command (it used to be ignored)
	bg_record int sh -c 'trap "echo got INT; exit 5" INT; echo up; while :; do sleep 0.1; done'
	wait_for "$out" up
	kill -INT $pid
	wait $pid
	rc=$?
	judge "kill -INT scmpkit: relayed, the command's exit status (5) passes through" \
		eval '[ "$rc" = 5 ] && grep -q "got INT" "$out" && has_call wait4'
	check_signal_during_start
}

# A SIGTERM that comes while the backend starts the command, before there is
# a command to pass it to: strace holds the call that ends the start (ptrace:
# PTRACE_SEIZE; ebpf: pidfd_open, once the command is marked) for a second,
# and the signal goes in meanwhile. It must reach the command once it runs:
# scmpkit used to wait for a command nobody signalled (sleep 20 ran out, and
# under ptrace scmpkit deadlocked with its stopped tracee), so the 10 s
# timeout killed it (137).
check_signal_during_start() {
	case $REC_BACKEND in ptrace) call=ptrace ;; *) call=pidfd_open ;; esac
	out=early.out json=early.json
	rm -f "$json"
	timeout -s KILL 10 strace -o /dev/null -e trace=$call -e inject=$call:delay_exit=1000000:when=1 \
		$REC -q -o "$json" -- sleep 20 >"$out" 2>&1 &
	sp=$!
	rp= cp= i=0
	while [ $i -lt 200 ]; do
		rp=$(pgrep -o -x -f "$REC -q -o $json -- sleep 20")
		[ -n "$rp" ] && cp=$(pgrep -P "$rp") && break
		sleep 0.05; i=$((i + 1))
	done
	[ -n "$rp" ] && kill -TERM "$rp"
	wait $sp
	rc=$?
	# the command is left behind only when scmpkit hung (its pid is ours
	# to kill only while it is still that sleep)
	[ -n "$cp" ] && [ "$(tr '\0' ' ' 2>/dev/null </proc/"$cp"/cmdline)" = "sleep 20 " ] &&
		kill -KILL "$cp"
	judge "SIGTERM while the command is being started: passed on once it runs, profile written, exit 143" \
		eval '[ "$rc" = 143 ] && [ -s "$json" ]'
}
