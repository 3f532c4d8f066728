#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
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

check_workloads
# issue 12, item 10: SECCOMP_RET_USER_NOTIF outranks RET_TRACE; the program's
# own listener "continues" uname and emulates getpriority
check_workload "program with its own seccomp listener" "$H/notif_self"
expect_msg "own seccomp listener: said, and recorded at syscall entry" 0 "user-notification listener" \
	$REC -o pn.json -- "$H/notif_self"
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
