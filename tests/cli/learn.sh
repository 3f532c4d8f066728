#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit learn and audit-profile on captured logs (tests/data/audit).
. "$(dirname "$0")/tap.sh"
D="$SK_SOURCE_ROOT/tests/data/audit"
P="$T_TMP"
PY=/usr/bin/python3
names() { # PROFILE: the names its ALLOW rules list, sorted, one line
	"$PY" -c 'import json,sys
p=json.load(open(sys.argv[1]))
print(" ".join(sorted(n for r in p.get("syscalls",[]) if r["action"]=="SCMP_ACT_ALLOW" for n in r["names"])))' "$1"
}
cat >"$P/base.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["brk", "execve"], "action": "SCMP_ACT_ALLOW"}]}
J

ok "learn from auditd's enriched audit.log" "$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" -o "$P/out.json"
expect_out "BASE plus the logged calls" \
	"arch_prctl brk execve exit_group getrandom getuid mprotect prctl prlimit64 readlink rseq set_robust_list set_tid_address" \
	names "$P/out.json"
expect_msg "says how many records and from which processes" 0 \
	"17 seccomp record\\(s\\) in .*auditd-enriched.log" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" -o "$P/out.json"
expect_msg "lists the processes, with their uid" 0 "pid 8840 +uid 0 +busybox +/usr/bin/busybox +16 record" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" -o "$P/out.json"
expect_msg "prints what it added as a diff against BASE" 0 "^\\+ mprotect +SCMP_ACT_ALLOW" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" -o "$P/out.json"
expect_msg "reads stdin" 0 "17 seccomp record" sh -c \
	"'$SCMPKIT' learn --from - -o '$P/stdin.json' <'$D/auditd-enriched.log'"
# the samples of dmesg and journalctl text were made by the kernel: trusted here
TT=--trust-text-log
expect_msg "the rate-limited kernel log: says records were lost and what to do, exits 1" 1 \
	"7 audit record\\(s\\) missing.*" \
	"$SCMPKIT" learn $TT --from "$D/dmesg-ratelimited.txt" -o "$P/rl.json"
expect_msg "... the fix: printk_ratelimit=0 or auditd" 1 "kernel.printk_ratelimit=0.*auditd" \
	"$SCMPKIT" learn $TT --from "$D/kmsg-ratelimited.txt" -o "$P/rl.json"
expect_msg "malformed and truncated lines are counted and skipped" 0 \
	"4 malformed or truncated seccomp line" \
	"$SCMPKIT" learn $TT --from "$D/truncated.txt" -o "$P/tr.json"
expect_msg "a number no table knows is reported, not added" 0 "syscall 1073741869 on x32: no table knows it" \
	"$SCMPKIT" learn $TT --from "$D/dmesg-compat-kill.txt" -o "$P/ck.json"
expect_msg "an i386 record adds the arch" 0 "architecture SCMP_ARCH_X86$" \
	"$SCMPKIT" learn $TT --from "$D/dmesg-compat-kill.txt" -o "$P/ck.json"
expect_msg "journalctl output" 0 "8 seccomp record" \
	"$SCMPKIT" learn $TT --from "$D/journal.txt" -o "$P/j.json"
expect_msg "--comm" 1 "2 kept" "$SCMPKIT" learn $TT --from "$D/dmesg-ratelimited.txt" --comm logall -o "$P/c.json"

# dangerous calls: reported apart, added only when asked
sed 's/syscall=59 /syscall=101 /' "$D/auditd-enriched.log" >"$P/ptrace.log"
expect_msg "a dangerous call is not added, with Docker's reason" 0 "! ptrace +NOT added.*Docker's blocked list" \
	"$SCMPKIT" learn --from "$P/ptrace.log" -o "$P/p1.json"
ok "... and is not in the profile" sh -c "! grep -q ptrace '$P/p1.json'"
ok "--allow-dangerous adds it" sh -c "'$SCMPKIT' learn --from '$P/ptrace.log' --allow-dangerous -o '$P/p2.json' 2>/dev/null && grep -q ptrace '$P/p2.json'"

# --runtime: what runc calls itself after loading the filter, whether or not the log shows it
expect_msg "--runtime runc adds runc's late calls the log does not show" 0 \
	"^\\+ futex +SCMP_ACT_ALLOW +# the runtime's, after it loads the filter" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" --runtime runc -o "$P/rt.json"
# the fallback step may put names into an ERRNO(38) rule the base already has:
# they are new all the same, and the base's own names are not
cat >"$P/base38.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["brk", "execve"], "action": "SCMP_ACT_ALLOW"},
 {"names": ["statx"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
J
expect_msg "--runtime runc: the ENOSYS answers added to the base's own ERRNO(38) rule are shown" 0 \
	"^\\+ clone3 +SCMP_ACT_ERRNO\\(38\\) +# callers fall back to clone" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base38.json" --runtime runc -o "$P/rt38.json"
ok "... and the base's own statx is not" sh -c \
	"! '$SCMPKIT' learn --from '$D/auditd-enriched.log' -p '$P/base38.json' --runtime runc -o '$P/rt38.json' 2>&1 | grep -q '^+ statx'"
ok "--runtime runc, docker format" "$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" \
	--runtime runc -f docker -o "$P/rt-docker.json"
expect_out "... in two rules of their own, with comments saying when" \
	"calls runc makes itself after loading the filter (noNewPrivileges true|calls runc makes itself after loading the filter only with noNewPrivileges false (allowPrivilegeEscalation true; measured: data/runtime/runc.tsv)" \
	"$PY" -c 'import json,sys
p=json.load(open(sys.argv[1]))
print("|".join(r["comment"].split(",")[0] for r in p["syscalls"] if "runc" in r.get("comment","")))' "$P/rt-docker.json"
expect_out "... and calls already allowed are not added twice" "1" \
	"$PY" -c 'import json,sys
p=json.load(open(sys.argv[1]))
print(sum(r["names"].count("execve") for r in p["syscalls"]))' "$P/rt.json"
expect_msg "an unknown runtime is a usage error naming the measured ones" 2 "unknown runtime 'crun' \\(measured: runc\\)" \
	"$SCMPKIT" learn --from "$D/journal.txt" --runtime crun -o "$P/x.json"

# 12.1: records only where the kernel alone writes them (the samples are real:
# tests/data/audit/README.md)
expect_msg "a text log is refused: anyone can forge a record in it" 2 \
	"forged-dmesg.txt:1: error: 9 seccomp record\\(s\\) in a line-based text log.*any user can forge one" \
	"$SCMPKIT" learn --from "$D/forged-dmesg.txt" -o "$P/fd.json"
ok "... and nothing is written" test ! -e "$P/fd.json"
expect_msg "... what to do instead" 2 "what to do: read a source that keeps records apart: --from kmsg" \
	"$SCMPKIT" learn --from "$D/forged-dmesg.txt" -o "$P/fd.json"
expect_msg "a saved /dev/kmsg is a text log too" 2 "audit-text-log" \
	"$SCMPKIT" learn --from "$D/kmsg-ratelimited.txt" -o "$P/fd.json"
ok "--trust-text-log reads it, forged continuation line and all (connect)" sh -c \
	"'$SCMPKIT' learn --trust-text-log --from '$D/forged-dmesg.txt' -o '$P/fd.json' 2>/dev/null; grep -q '\"connect\"' '$P/fd.json'"
ok "the journal's JSON: journald's audit records, not the forged ones" sh -c \
	"'$SCMPKIT' learn --from '$D/journal.json' -o '$P/jj.json' 2>'$P/jj.err' &&
	grep -q '\"execve\"' '$P/jj.json' && ! grep -Eq '\"(socket|connect|bind|accept)\"' '$P/jj.json'"
expect_msg "... and says someone tried" 0 "4 line\\(s\\) of the journal \\(JSON\\) hold a seccomp record's text" \
	cat "$P/jj.err"

# 12.2: ausearch -i, whose decoded exe spells "arch=x86_64 syscall=socket"
ok "ausearch -i learns what the raw log does" sh -c \
	"'$SCMPKIT' learn --from '$D/ausearch-i.txt' -o '$P/ai.json' 2>/dev/null &&
	'$SCMPKIT' learn --from '$D/auditd-exe-spaces.log' -o '$P/ar.json' 2>/dev/null"
expect_out "... the same calls" "$(names "$P/ar.json")" names "$P/ai.json"
ok "... and no socket" sh -c "! grep -q socket '$P/ai.json'"

# 12.6: attribution
expect_msg "--exe is the whole path: a name alone is not" 0 "0 kept" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" --exe busybox -o "$P/e.json"
expect_msg "--exe-name takes the last component" 0 "16 kept" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" --exe-name busybox -o "$P/e.json"
expect_msg "--uid" 0 "0 kept" "$SCMPKIT" learn --from "$D/auditd-enriched.log" --uid nobody -o "$P/e.json"
expect_msg "--uid with --exe" 0 "16 kept.*" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" --uid 0 --exe /usr/bin/busybox -o "$P/e.json"
expect_msg "the help says which filters a process controls" 0 "a process sets its own comm" \
	"$SCMPKIT" learn --help

# 12.8: only logged calls; what a base denies stays denied
expect_msg "a killed call is not added, and is named" 0 \
	"^- mkdir +NOT added \\(x86_64, 1 record\\(s\\), busybox, was SCMP_ACT_KILL_PROCESS\\): the filter denied it" \
	"$SCMPKIT" learn $TT --from "$D/dmesg-compat-kill.txt" -o "$P/k.json"
ok "... not in the profile" sh -c "! grep -q mkdir '$P/k.json'"
ok "--include-denied adds it" sh -c \
	"'$SCMPKIT' learn $TT --include-denied --from '$D/dmesg-compat-kill.txt' -o '$P/k2.json' 2>/dev/null && grep -q mkdir '$P/k2.json'"
cat >"$P/deny.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getrandom"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
J
expect_msg "a call the base denies in a rule of its own is not allowed beside it" 0 \
	"^! getrandom +NOT added .*the base profile denies it in a rule of its own \\(SCMP_ACT_ERRNO\\)" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/deny.json" -o "$P/d.json"
expect_out "... the base's rule stands alone" "SCMP_ACT_ERRNO" "$PY" -c 'import json,sys
p=json.load(open(sys.argv[1]))
print(" ".join(r["action"] for r in p["syscalls"] if "getrandom" in r["names"]))' "$P/d.json"

# 12.9: loss changes the outcome
rm -f "$P/rl.json"
expect_msg "records lost: exit 1, and says so" 1 "21 audit record\\(s\\) were lost: the profile is written" \
	"$SCMPKIT" learn $TT --from "$D/dmesg-ratelimited.txt" -o "$P/rl.json"
ok "... the profile is written" test -s "$P/rl.json"

# 12.12: what a process chose is escaped: comm "\r\e[2K\e[1A" (hex in audit.log)
printf 'type=SECCOMP msg=audit(1795873790.879:37): auid=0 uid=0 gid=0 ses=1 pid=7 comm=0D1B5B324B1B5B3141 exe=2F746D702F1B5B324B sig=0 arch=c000003e syscall=39 compat=0 ip=0x1 code=0x7ffc0000\n' >"$P/esc.log"
"$SCMPKIT" learn --from "$P/esc.log" -o "$P/esc.json" >"$P/esc.out" 2>&1
expect_msg "comm and exe are escaped in the summary" 0 'pid 7 +uid 0 +\\r\\e\[2K\\e\[1A +/tmp/\\e\[2K' cat "$P/esc.out"
ok "... no escape character reaches the terminal" sh -c "! grep -q \"$(printf '\033')\" '$P/esc.out'"

# 12.13: inputs within limits; read errors are errors
expect_msg "/dev/zero: a device, refused" 2 "/dev/zero: error: cannot read: a device, not a file" \
	timeout 20 "$SCMPKIT" learn --from /dev/zero -o "$P/z.json"
mkfifo "$P/fifo"
expect_msg "a FIFO nobody writes: an error after a bounded wait, no hang" 2 "a FIFO nobody writes" \
	timeout 20 "$SCMPKIT" learn --from "$P/fifo" -o "$P/z.json"
truncate -s 1100M "$P/huge.log"
expect_msg "a log over the limit" 2 "cannot read: larger than the 1024 MiB limit for a log" \
	"$SCMPKIT" learn --from "$P/huge.log" -o "$P/z.json"
rm -f "$P/huge.log"
if ldd "$SCMPKIT" 2>/dev/null | grep -q libasan; then
	t_report ok "out of memory is an error, not the end of the log # SKIP ulimit -v and ASan"
else
	truncate -s 300M "$P/nul.log"
	expect_msg "out of memory is an error, not the end of the log" 2 "cannot read: Cannot allocate memory" \
		sh -c "ulimit -v 200000; exec '$SCMPKIT' learn --from '$P/nul.log' -o '$P/z.json'"
	rm -f "$P/nul.log"
fi

# usage
expect_msg "-o is required" 2 "-o OUT is required" "$SCMPKIT" learn --from "$D/journal.txt"
expect_msg "one selector" 2 "one of --comm" "$SCMPKIT" learn --from "$D/journal.txt" --comm a --pid 3 -o "$P/x.json"
expect_msg "a bad --since" 2 "cannot read the time" "$SCMPKIT" learn --since yesterday -o "$P/x.json"
expect_msg "a missing log" 2 "nope.log: error: cannot read: No such file" "$SCMPKIT" learn --from "$P/nope.log" -o "$P/x.json"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ]; then
	expect_msg "the kernel log without root: says so plainly" 2 "needs root.*dmesg_restrict=1" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$SCMPKIT" learn --from kmsg -o /dev/null
	expect_msg "... through syslog(2) too" 2 "needs root.*dmesg_restrict=1" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$SCMPKIT" learn --from dmesg -o /dev/null
fi
expect_rc "learn --help" 0 "$SCMPKIT" learn --help

# audit-profile
cat >"$P/app.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["mkdir"], "action": "SCMP_ACT_KILL_PROCESS"}]}
J
ok "audit-profile" "$SCMPKIT" audit-profile "$P/app.json" -o "$P/app-audit.json"
expect_out "default becomes SCMP_ACT_LOG, allowed stays allowed, ordinary blocks go" \
	"SCMP_ACT_LOG read,write False" "$PY" -c 'import json,sys
p=json.load(open(sys.argv[1]))
al=sorted(n for r in p["syscalls"] if r["action"]=="SCMP_ACT_ALLOW" for n in r["names"])
print(p["defaultAction"], ",".join(al), any("mkdir" in r["names"] for r in p["syscalls"]))' "$P/app-audit.json"
expect_out "Docker's dangerous calls stay blocked (kexec_load, ptrace, mount), clone does not" \
	"True True True False" "$PY" -c 'import json,sys
p=json.load(open(sys.argv[1]))
blk=set(n for r in p["syscalls"] if r["action"]=="SCMP_ACT_ERRNO" for n in r["names"])
print("kexec_load" in blk, "ptrace" in blk, "mount" in blk, "clone" in blk)' "$P/app-audit.json"
expect_rc "audit-profile --help" 0 "$SCMPKIT" audit-profile --help

# layers (issue 14.4): lib/audit reaches other modules through their public
# headers only, and audit mode lives in the module whose header declares it
S="$SK_SOURCE_ROOT"
expect_out "lib/audit includes no other module's internal header" "" \
	sh -c "grep -n '#include \"[a-z]*/' '$S'/lib/audit/*.c | grep -v '\"util/' || true"
expect_out "sk_profile_audit_mode: declared in audit.h, defined in lib/audit" "lib/audit/mode.c" \
	sh -c "cd '$S' && grep -l '^struct sk_profile \*sk_profile_audit_mode(' lib/*/*.c"
# thin commands (issue 14.6)
expect_out "cli_print_delta: declared once, in cli/cli.h" "cli/cli.h" \
	sh -c "cd '$S' && grep -l '^void cli_print_delta(.*);' cli/*.c cli/*.h"
expect_out "cmd_learn.c neither picks the log source nor reads rule comments" "" \
	sh -c "grep -n 'auditd_running\|AUDITD_LOG\|auditd.pid\|strstr\|->comment' '$S/cli/cmd_learn.c' || true"
expect_rc "audit-profile of nothing: 2" 2 "$SCMPKIT" audit-profile "$P/nope.json"
done_testing
