#!/bin/sh
# scmpkit record with the ptrace backend (no privileges): "nothing lost" on
# real workloads (record_lib.sh says what each check proves), what every
# profile contains, the options, pass-through of status and signals.
# tests/e2e/record_ebpf.sh runs the same workloads with the eBPF backend.
. "$(dirname "$0")/tap.sh"
REC_BACKEND=ptrace
command -v strace >/dev/null || skip_all "strace not installed"
cd "$T_TMP" || exit 1
. "$(dirname "$0")/record_lib.sh"
export REC

mkdir -p data/sub && echo hello >data/a.txt && seq 1 500 >data/sub/n.txt
D=$T_TMP/data
check_workload "busybox sh script" busybox sh -c '
	for i in 1 2 3; do echo "line $i" | busybox wc -c; done >out.txt
	(cd /; busybox ls >/dev/null); busybox cat out.txt; x=$(busybox date +%Y); [ -n "$x" ]
	busybox sh -c "exit 4"; echo "sub exited $?"'
check_workload "python3 workload" "$PY" -c '
import json, os, subprocess, threading, hashlib, tempfile
r = []
t = threading.Thread(target=lambda: r.append(hashlib.sha256(b"x" * 100000).hexdigest()))
t.start(); t.join()
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "f"), "w").write(json.dumps({"a": [1, 2]}))
    print(sorted(os.listdir(d)), json.load(open(os.path.join(d, "f"))))
print(subprocess.run(["echo", "child"], capture_output=True, text=True).stdout.strip(), r[0][:8])'
check_workload "coreutils ls" ls -la --color=never "$D/sub"
check_workload "coreutils cp" sh -c "cp -r '$D' copy && cat copy/a.txt && ls copy/sub"
check_workload "tar c + x" sh -c "tar cf a.tar -C '$D' . && mkdir x && tar xf a.tar -C x && tar tf a.tar | sort"
check_workload "multi-threaded program" "$H/threads"
check_workload "200 children exiting at once (exit 3)" "$H/fork200"
check_workload "fork storm: 500 short-lived processes" "$H/storm" procs 500
check_workload "200 threads" "$H/storm" threads 200
check_workload "tree whose parent exits first" "$H/storm" orphan
check_workload "exec chain" sh -c 'exec env busybox sh -c "exec busybox uname -m"'
# issue 12, item 10: SECCOMP_RET_USER_NOTIF outranks RET_TRACE; the program's
# own listener "continues" uname and emulates getpriority
check_workload "program with its own seccomp listener" "$H/notif_self"
expect_msg "own seccomp listener: said, and recorded at syscall entry" 0 "user-notification listener" \
	$REC -o pn.json -- "$H/notif_self"
if [ -x "$H/static32" ]; then
	check_workload "32-bit static binary" "$H/static32"
	expect_out "i386 calls are recorded under SCMP_ARCH_X86" yes sh -c '
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

# what every profile contains
$REC -q -o p.json -- true
profile_names p.json >p.names
ok "P7 essentials and vDSO calls always present" sh -c '
	for c in exit exit_group rt_sigreturn restart_syscall clock_gettime gettimeofday time getcpu execve; do
		grep -qx "$c" p.names || { echo "missing $c"; exit 1; }; done'
ok "added calls carry a comment saying why" "$PY" -c '
import json
p = json.load(open("p.json"))
rules = p["syscalls"]
added = [r for r in rules if "vDSO" in r.get("comment", "") or "P7" in r.get("comment", "")]
assert len(added) == 2 and all(r.get("comment") for r in rules), rules'
ok "default action is errno EPERM" "$PY" -c '
import json; p = json.load(open("p.json"))
assert p["defaultAction"] == "SCMP_ACT_ERRNO" and p["defaultErrnoRet"] == 1, p'
$REC -q --runtime runc -o pr.json -- true
ok "--runtime runc adds runc's late calls (nnp and no-nnp rules)" "$PY" -c '
import json; p = json.load(open("pr.json"))
c = [r for r in p["syscalls"] if "runc" in r.get("comment", "")]
names = {n for r in c for n in r["names"]}
assert len(c) == 2 and {"capset", "setuid"} <= names and "noNewPrivileges false" in c[1]["comment"], c'
$REC -q --default log -f oci -o pl.json -- true
ok "--default log, --format oci" "$PY" -c '
import json; p = json.load(open("pl.json")); assert p["defaultAction"] == "SCMP_ACT_LOG", p'

# --append: the union with an earlier recording
$REC -q -o app.json -- "$H/threads" >/dev/null
$REC -q --append app.json -- busybox sh -c 'busybox uname >/dev/null'
profile_names app.json >app.names
ok "--append keeps the old calls and adds the new" sh -c 'grep -qx getpriority app.names && grep -qx uname app.names'

# --args: argument rules that still let the program run
$REC -q --args -o pa.json -- "$H/fork200" >/dev/null
ok "--args emits argument rules (clone: no namespace flags)" "$PY" -c '
import json; p = json.load(open("pa.json"))
cl = [r for r in p["syscalls"] if "clone" in r["names"] and r.get("args")]
assert cl and cl[0]["args"][0]["op"] == "SCMP_CMP_MASKED_EQ", p["syscalls"]
assert not any("clone" in r["names"] and not r.get("args") for r in p["syscalls"])'
expect_out "--args profile still runs the program" "fork200: 200 children exited 0" \
	"$H/sk_enforce" pa.json "$H/fork200"
$REC -q --args -o pc.json -- "$H/clone_ns" plain >/dev/null
expect_out "--args: the recorded clone flags are allowed" "clone: ok" "$H/sk_enforce" pc.json "$H/clone_ns" plain
expect_out "--args: clone with a namespace flag is refused" "clone: Operation not permitted" \
	"$H/sk_enforce" pc.json "$H/clone_ns" ns

# no privileges needed: as root, record again as nobody (when nobody can
# reach the build tree)
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null &&
	runuser -u nobody -- test -x "$SCMPKIT" 2>/dev/null; then
	expect_out "works as an ordinary user (nobody)" "65534 ok" sh -c '
		runuser -u nobody -- sh -c "cd /tmp && \"\$SCMPKIT\" record -q -o /tmp/sk-nobody.\$\$.json -- id -u && rm /tmp/sk-nobody.\$\$.json && echo ok" |
		tr "\n" " " | sed "s/ \$//"'
else
	echo "ok $((T_N += 1)) # SKIP ordinary-user run: not root, or nobody cannot reach \$SCMPKIT"
fi

check_signals

expect_rc "--help" 0 "$SCMPKIT" record --help
expect_msg "no command: usage error" 2 "expected a command" "$SCMPKIT" record
expect_msg "bad --default" 2 "--default must be" "$SCMPKIT" record --default allow -- true
done_testing
