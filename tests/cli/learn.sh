#!/bin/sh
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
expect_msg "lists the processes" 0 "pid 8840 +busybox +/usr/bin/busybox +16 record" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" -o "$P/out.json"
expect_msg "prints what it added as a diff against BASE" 0 "^\\+ mprotect +SCMP_ACT_ALLOW" \
	"$SCMPKIT" learn --from "$D/auditd-enriched.log" -p "$P/base.json" -o "$P/out.json"
expect_msg "reads stdin" 0 "17 seccomp record" sh -c \
	"'$SCMPKIT' learn --from - -o '$P/stdin.json' <'$D/auditd-enriched.log'"
expect_msg "the rate-limited kernel log: says records were lost and what to do" 0 \
	"7 audit record\\(s\\) missing.*" \
	"$SCMPKIT" learn --from "$D/dmesg-ratelimited.txt" -o "$P/rl.json"
expect_msg "... the fix: printk_ratelimit=0 or auditd" 0 "kernel.printk_ratelimit=0.*auditd" \
	"$SCMPKIT" learn --from "$D/kmsg-ratelimited.txt" -o "$P/rl.json"
expect_msg "malformed and truncated lines are counted and skipped" 0 \
	"4 malformed or truncated seccomp line" \
	"$SCMPKIT" learn --from "$D/truncated.txt" -o "$P/tr.json"
expect_msg "a number no table knows is reported, not added" 0 "syscall 1073741869 on x32: no table knows it" \
	"$SCMPKIT" learn --from "$D/dmesg-compat-kill.txt" -o "$P/ck.json"
expect_msg "an i386 record adds the arch" 0 "architecture SCMP_ARCH_X86$" \
	"$SCMPKIT" learn --from "$D/dmesg-compat-kill.txt" -o "$P/ck.json"
expect_msg "journalctl output" 0 "8 seccomp record" \
	"$SCMPKIT" learn --from "$D/journal.txt" -o "$P/j.json"
expect_msg "--comm" 0 "2 kept" "$SCMPKIT" learn --from "$D/dmesg-ratelimited.txt" --comm logall -o "$P/c.json"

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

# usage
expect_msg "-o is required" 2 "-o OUT is required" "$SCMPKIT" learn --from "$D/journal.txt"
expect_msg "one selector" 2 "one of --comm" "$SCMPKIT" learn --from "$D/journal.txt" --comm a --pid 3 -o "$P/x.json"
expect_msg "a bad --since" 2 "cannot read the time" "$SCMPKIT" learn --since yesterday -o "$P/x.json"
expect_msg "a missing log" 2 "cannot open" "$SCMPKIT" learn --from "$P/nope.log" -o "$P/x.json"
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
	sh -c "grep -n '#include \"' '$S'/lib/audit/*.c | grep -v '\"util/' || true"
expect_out "sk_profile_audit_mode: declared in audit.h, defined in lib/audit" "lib/audit/mode.c" \
	sh -c "cd '$S' && grep -l '^struct sk_profile \*sk_profile_audit_mode(' lib/*/*.c"
expect_rc "audit-profile of nothing: 2" 2 "$SCMPKIT" audit-profile "$P/nope.json"
done_testing
