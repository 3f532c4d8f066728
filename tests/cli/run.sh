#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit run: exit status and signals pass through, denials are reported,
# NOTIFY is answered, profile flags reach the kernel, and it fails closed.
. "$(dirname "$0")/tap.sh"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
BB=/bin/busybox
P="$T_TMP"
cat >"$P/allow.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW"}
J
cat >"$P/deny.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
              {"names": ["rmdir"], "action": "SCMP_ACT_KILL_PROCESS"},
              {"names": ["getcwd"], "action": "SCMP_ACT_LOG"}]}
J
cat >"$P/notify.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
J
cat >"$P/flags.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
 "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}
J

expect_rc "exit status passes through" 7 "$SCMPKIT" run -p "$P/allow.json" -- $BB sh -c 'exit 7'
expect_out "death by a signal passes through as a shell reports it" 143 \
	sh -c "'$SCMPKIT' run -p '$P/allow.json' -- $BB sh -c 'kill -TERM \$\$'; echo \$?"
expect_out "a call the profile kills: SIGSYS, 159" 159 \
	sh -c "mkdir '$P/k'; '$SCMPKIT' run -p '$P/deny.json' -- $BB rmdir '$P/k' 2>/dev/null; echo \$?"
expect_out "... also when supervised" 159 \
	sh -c "'$SCMPKIT' run -p '$P/deny.json' --report-denials -- $BB rmdir '$P/k' 2>/dev/null; echo \$?"
expect_msg "errnoRet reaches the program" 1 "Permission denied" \
	"$SCMPKIT" run -p "$P/deny.json" -- $BB mkdir "$P/d"
expect_out "no_new_privs is set by default (P1)" "NoNewPrivs:	1" \
	"$SCMPKIT" run -p "$P/allow.json" -- $BB grep NoNewPrivs /proc/self/status
expect_out "the filter is installed" "Seccomp:	2" \
	"$SCMPKIT" run -p "$P/allow.json" -- $BB grep '^Seccomp:' /proc/self/status
expect_rc "a command that is not there: 127" 127 "$SCMPKIT" run -p "$P/allow.json" -- "$P/nonexistent"
expect_rc "a command that cannot be executed: 126" 126 "$SCMPKIT" run -p "$P/allow.json" -- "$P"

# A profile can deny what a failed exec needs: after the filter is in, the
# process that installed it (scmpkit itself, or its child when supervising)
# could neither say why the exec failed nor exit, and died of SIGSEGV in
# glibc's _exit without a word. run now says what happened, with 126.
echo '{"defaultAction": "SCMP_ACT_ERRNO"}' >"$P/nothing.json"
cat >"$P/hostile.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_ERRNO",
               "args": [{"index": 2, "value": 0, "op": "SCMP_CMP_NE"}]},
              {"names": ["write", "exit_group", "exit"], "action": "SCMP_ACT_ERRNO"}]}
J
cat >"$P/kills-exec.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_KILL_PROCESS",
               "args": [{"index": 2, "value": 0, "op": "SCMP_CMP_NE"}]}]}
J
cat >"$P/notify-exec.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_NOTIFY"},
              {"names": ["write", "exit_group"], "action": "SCMP_ACT_ERRNO"}]}
J
for how in "" --report-denials; do
	expect_msg "execve, write and exit denied${how:+ ($how)}: 126, and why" 126 \
		"cannot execute '$BB': Operation not permitted; the profile denies .*could not exit either \\(ended with SIGILL\\).*scmpkit lint" \
		"$SCMPKIT" run -p "$P/hostile.json" $how -- $BB true
	expect_msg "execve killed${how:+ ($how)}: 126, the signal named" 126 \
		"'$BB' died of SIGSYS before its exec completed, so it never ran.*scmpkit lint" \
		"$SCMPKIT" run -p "$P/kills-exec.json" $how -- $BB true
done
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["exit_group", "exit"], "action": "SCMP_ACT_ERRNO"}]}' >"$P/noexit.json"
expect_out "a command that ran, then could not exit: its SIGSEGV passes through, no word of an exec" \
	"139 0" sh -c "'$SCMPKIT' run -p '$P/noexit.json' -- $BB true 2>'$P/err'; echo \$? \$(grep -c exec '$P/err')"
expect_msg "an allow-list of nothing: 126, and why" 126 "cannot execute '$BB': Operation not permitted" \
	"$SCMPKIT" run -p "$P/nothing.json" -- $BB true
expect_msg "NOTIFY answers execve EPERM, the report is denied: the errno still told" 126 \
	"cannot execute '$BB': Operation not permitted" \
	"$SCMPKIT" run -p "$P/notify-exec.json" --notify=errno:EPERM -- $BB true
cat >"$P/pid.sh" <<'S'
echo $$ >"$1"; exec "$SCMPKIT" run -p "$2" -- /bin/busybox sh -c 'cat "$0"; echo $$' "$1"
S
expect_out "a profile that lets a failed exec speak: exec in place, scmpkit's pid" 1 \
	sh -c "sh '$P/pid.sh' '$P/pid' '$P/allow.json' | uniq | wc -l"

# --report-denials / --fail-on-denial: the program sees the same results
expect_msg "--report-denials names the denied call, its errno and the executable" 1 \
	"mkdir +x86_64 +[0-9]+ +/usr/bin/busybox +1  ERRNO\\(13\\)" \
	"$SCMPKIT" run -p "$P/deny.json" --report-denials -- $BB mkdir "$P/d"
expect_msg "... and the program still got EACCES" 1 "Permission denied" \
	"$SCMPKIT" run -p "$P/deny.json" --report-denials -- $BB mkdir "$P/d"
expect_msg "--report-denials counts logged calls too" 0 "getcwd .* LOG" \
	"$SCMPKIT" run -p "$P/deny.json" --report-denials -- $BB pwd
expect_rc "--fail-on-denial: a logged call is exit 1" 1 \
	"$SCMPKIT" run -p "$P/deny.json" --fail-on-denial -- $BB pwd
expect_rc "--fail-on-denial: nothing denied is exit 0" 0 \
	"$SCMPKIT" run -p "$P/deny.json" --fail-on-denial -- $BB true
expect_msg "--audit: an allow-list of nothing logs every call, and the program works" 0 \
	"mkdir .* LOG" "$SCMPKIT" run -p "$P/nothing.json" --audit --report-denials -- $BB mkdir "$P/audited"

# a profile too big for one program: 12 calls x 150 argument rules (3 stacked
# programs, each denying some): --report-denials cannot watch it and says so.
# Each call compares its own values (rules alike would merge and compile small)
{
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": ['
	k=0
	for n in read write ioctl fcntl openat close mmap futex prctl kill socket setsockopt; do
		i=0
		k=$((k + 1000))
		while [ $i -lt 150 ]; do
			printf '{"names": ["%s"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 2, "value": %d, "op": "SCMP_CMP_EQ"}]},\n' $n $((i + 100000 + k))
			i=$((i + 1))
		done
	done
	printf '{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}\n'
} >"$P/split.json"
expect_msg "--report-denials with a filter split into stacked programs: refused, says why" 2 \
	"cannot watch this profile: it compiles to [0-9]+ stacked filters" \
	"$SCMPKIT" run -p "$P/split.json" --report-denials -- $BB touch "$P/m3"
ok "... and the command did not run" test ! -e "$P/m3"
expect_msg "... the same profile without it is enforced" 1 "Permission denied" \
	"$SCMPKIT" run -p "$P/split.json" -- $BB mkdir "$P/m3"

# The executable is named by whoever made it: a path with terminal escapes is
# printed escaped (a raw ESC [2K ESC [1A would erase the lines above it)
E=$(printf '%s/x\033[2K\033[1Ay' "$P")
mkdir -p "$E" && cp $BB "$E/busybox"
ESC=$(printf '\033')
"$SCMPKIT" run -p "$P/deny.json" --report-denials -- "$E/busybox" mkdir "$P/d" >"$P/esc.out" 2>&1
ok "--report-denials: an executable path with escapes is escaped in the EXE column" \
	grep -qF 'x\e[2K\e[1Ay/busybox' "$P/esc.out"
ok "... and no raw ESC reaches the terminal" sh -c "! grep -qF '$ESC' '$P/esc.out'"
"$SCMPKIT" run -p "$P/notify.json" -- "$E/busybox" mkdir "$P/n0" >"$P/esc.out" 2>&1
ok "NOTIFY lines escape the executable too" grep -qF 'x\e[2K\e[1Ay/busybox: mkdir' "$P/esc.out"
ok "... and no raw ESC reaches the terminal" sh -c "! grep -qF '$ESC' '$P/esc.out'"

# NOTIFY: scmpkit is the listener
expect_msg "NOTIFY: each call is reported and continued" 0 "notify: pid [0-9]+ /usr/bin/busybox: mkdir.*-> continue" \
	"$SCMPKIT" run -p "$P/notify.json" -- $BB mkdir "$P/n1"
ok "... and the call really happened" test -d "$P/n1"
expect_msg "NOTIFY: --notify=errno:EACCES fails it" 1 "Permission denied" \
	"$SCMPKIT" run -p "$P/notify.json" --notify=errno:EACCES -- $BB mkdir "$P/n2"
ok "... and the call did not happen" test ! -e "$P/n2"
expect_msg "--notify takes only continue or errno:N" 2 "continue or errno" \
	"$SCMPKIT" run -p "$P/notify.json" --notify=maybe -- $BB true

# clone3: its flags sit in memory, so record answers it ENOSYS and allows clone
# with Docker's check on the flags instead; glibc falls back and the program
# runs. Real programs: the threads helper (pthread_create) and python3
# (threads, posix_spawn).
H=${SK_HELPERS:?run through meson test}
PY=/usr/bin/python3
"$SCMPKIT" record -q -o "$P/thr.json" -- "$H/threads" >/dev/null
expect_msg "record answers clone3 ERRNO(38)" 0 "action: +ERRNO\\(38\\)" \
	"$SCMPKIT" explain "$P/thr.json" clone3
expect_msg "... and allows clone for threads (no namespace flag)" 0 "action: +ALLOW" \
	"$SCMPKIT" explain "$P/thr.json" clone 0x3d0f00
expect_msg "... but not clone with CLONE_NEWUSER" 0 "action: +ERRNO\\(1\\)" \
	"$SCMPKIT" explain "$P/thr.json" clone 0x10000000
expect_out "the threaded program runs under it: glibc fell back to clone" "threads: sum 140" \
	"$SCMPKIT" run -p "$P/thr.json" -- "$H/threads"
expect_msg "--fail-on-denial: the fallback answer is the profile's design, not a denial" 0 \
	"answered ENOSYS as the profile says, so that the caller falls back: clone3" \
	"$SCMPKIT" run --fail-on-denial -p "$P/thr.json" -- "$H/threads"
PYW='import subprocess, threading; r = []
t = threading.Thread(target=lambda: r.append(subprocess.run(["true"]).returncode)); t.start(); t.join()
print("ok", r)'
"$SCMPKIT" record -q -o "$P/py.json" -- $PY -c "$PYW" >/dev/null
expect_out "python3 with a thread and a child runs under its recorded profile" "ok [0]" \
	"$SCMPKIT" run -p "$P/py.json" -- $PY -c "$PYW"
expect_rc "lint finds nothing to warn about ENOSYS in what record wrote" 1 \
	sh -c "'$SCMPKIT' lint '$P/thr.json' 2>&1 | grep -q 'warning: .*enosys-fallback'"
# the control: the same profile where clone3 lies below a named call (mseal)
# and gets the default errno: glibc does not fall back, the threads fail
$PY -c 'import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"] = [r for r in p["syscalls"] if r.get("errnoRet") != 38 and "clone" not in r["names"]]
p["syscalls"][0]["names"] = [n for n in p["syscalls"][0]["names"] if n != "clone3"] + ["mseal"]
json.dump(p, open(sys.argv[2], "w"))' "$P/thr.json" "$P/eperm.json"
expect_msg "control: clone3 shadowed (EPERM), the threads cannot start" 0 "[1-9]" \
	sh -c "'$SCMPKIT' run -p '$P/eperm.json' -- '$H/threads' >/dev/null 2>&1; echo \$?"
expect_msg "... and lint says why" 0 "'clone3' is not named and lies below.*glibc" \
	"$SCMPKIT" lint "$P/eperm.json"

# io_uring: what goes through the ring escapes seccomp and record: where the
# recorded profile allows it, its rule's comment says so, and record warns
if "$H/uring" >/dev/null 2>&1; then
	"$SCMPKIT" record -o "$P/uring.json" -- "$H/uring" >/dev/null 2>"$P/uring.err"
	ok "record warns that io_uring is allowed and bypasses seccomp" \
		grep -q "io_uring_setup is allowed: .*bypasses seccomp.*generate-bypass" "$P/uring.err"
	ok "... the rule that allows it says so in its comment" $PY -c 'import json, sys
r = [r for r in json.load(open(sys.argv[1]))["syscalls"] if "io_uring_setup" in r["names"]]
assert r and r[0]["action"] == "SCMP_ACT_ALLOW" and "bypasses seccomp" in r[0]["comment"], r' "$P/uring.json"
	expect_out "... and the program runs under it" "uring: read some bytes" \
		"$SCMPKIT" run -p "$P/uring.json" -- "$H/uring"
else
	echo "# skipping io_uring: this kernel has it switched off"
fi

# profile flags
expect_rc "TSYNC, LOG and SPEC_ALLOW are accepted by this kernel" 1 \
	"$SCMPKIT" run -p "$P/flags.json" -- $BB mkdir "$P/f"

# fail closed: the command must not run
expect_rc "an invalid profile: exit 2" 2 "$SCMPKIT" run -p "$P/nonexistent.json" -- $BB touch "$P/m0"
ok "... and the command did not run" test ! -e "$P/m0"
expect_msg "a supervisor inside a supervisor: the kernel refuses a second listener" 125 \
	"already has a seccomp listener" \
	"$SCMPKIT" run -p "$P/notify.json" -- "$SCMPKIT" run -p "$P/notify.json" -- $BB touch "$P/m1"
ok "... and the command did not run" test ! -e "$P/m1"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$P"
	expect_msg "--no-new-privs=no without CAP_SYS_ADMIN: refused, says why" 125 \
		"needs CAP_SYS_ADMIN" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SCMPKIT" run -p "$P/allow.json" --no-new-privs=no -- $BB touch "$P/m2"
	ok "... and the command did not run" test ! -e "$P/m2"
	expect_out "--no-new-privs=no as root" "NoNewPrivs:	0" \
		"$SCMPKIT" run -p "$P/allow.json" --no-new-privs=no -- $BB grep NoNewPrivs /proc/self/status
elif [ "$(id -u)" != 0 ]; then
	expect_msg "--no-new-privs=no without CAP_SYS_ADMIN: refused, says why" 125 \
		"needs CAP_SYS_ADMIN" \
		"$SCMPKIT" run -p "$P/allow.json" --no-new-privs=no -- $BB touch "$P/m2"
	ok "... and the command did not run" test ! -e "$P/m2"
fi
expect_msg "-p is required" 2 "PROFILE is required" "$SCMPKIT" run -- $BB true
expect_rc "--help exits 0" 0 "$SCMPKIT" run --help
done_testing
