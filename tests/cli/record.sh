#!/bin/sh
# scmpkit record: "nothing lost". For each real workload:
#  - the command's stdout and exit status are the same with and without
#    recording (recording changes nothing but timing);
#  - every syscall name strace -f shows is in the recorded profile (strace is
#    the ground truth; it does not show vDSO calls, which record adds anyway);
#  - the profile works: the workload run under it, enforcing with default
#    errno (tests/helpers/sk_enforce: libseccomp compiles it), gives the same
#    output and status.
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
H=${SK_HELPERS:?run through meson test}
command -v strace >/dev/null || skip_all "strace not installed"
cd "$T_TMP" || exit 1

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

# check_workload NAME CMD...: the three properties above, as three TAP lines.
check_workload() {
	name=$1; shift
	rm -rf work && mkdir work
	(cd work && "$@") >native.out 2>/dev/null </dev/null
	native_rc=$?
	rm -rf work && mkdir work
	(cd work && "$SCMPKIT" record -q -o ../prof.json -- "$@") >rec.out 2>rec.err </dev/null
	rec_rc=$?
	if [ "$rec_rc" = "$native_rc" ] && cmp -s native.out rec.out && [ -s prof.json ]; then
		t_report ok "$name: same output and exit status ($native_rc) under record"
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
		t_report ok "$name: recorded set contains strace's ($(wc -l <strace.names) calls)"
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
if [ -x "$H/static32" ]; then
	check_workload "32-bit static binary" "$H/static32"
	expect_out "i386 calls are recorded under SCMP_ARCH_X86" yes sh -c '
		"$SCMPKIT" record -q -o p32.json -- "$1" >/dev/null &&
		/usr/bin/python3 -c "import json,sys; a=json.load(open(\"p32.json\"))[\"architectures\"]; print(\"yes\" if \"SCMP_ARCH_X86\" in a else a)"' sh "$H/static32"
else
	echo "ok $((T_N += 1)) # SKIP no gcc -m32 -static here (gcc-multilib)"
fi

# pass-through: environment, stdin, exit status, death by signal
expect_out "environment passes through" "bar" env FOO=bar "$SCMPKIT" record -q -o p.json -- sh -c 'echo $FOO'
expect_out "stdin passes through" "piped" sh -c 'echo piped | "$SCMPKIT" record -q -o p.json -- cat'
expect_rc "exit status passes through" 42 "$SCMPKIT" record -q -o p.json -- sh -c 'exit 42'
expect_out "death by signal passes through (as for the shell: 128+15)" 143 \
	sh -c '"$SCMPKIT" record -q -o p.json -- sh -c "kill -TERM \$\$"; echo $?'
expect_rc "profile still written when the command was killed" 0 test -s p.json
expect_msg "command not found: 127" 127 "cannot run 'no-such-command-xyz'" \
	"$SCMPKIT" record -q -o p.json -- no-such-command-xyz

# what every profile contains
"$SCMPKIT" record -q -o p.json -- true
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
"$SCMPKIT" record -q --runtime runc -o pr.json -- true
ok "--runtime runc adds runc's late calls (nnp and no-nnp rules)" "$PY" -c '
import json; p = json.load(open("pr.json"))
c = [r for r in p["syscalls"] if "runc" in r.get("comment", "")]
names = {n for r in c for n in r["names"]}
assert len(c) == 2 and {"capset", "setuid"} <= names and "noNewPrivileges false" in c[1]["comment"], c'
"$SCMPKIT" record -q --default log -f oci -o pl.json -- true
ok "--default log, --format oci" "$PY" -c '
import json; p = json.load(open("pl.json")); assert p["defaultAction"] == "SCMP_ACT_LOG", p'

# --append: the union with an earlier recording
"$SCMPKIT" record -q -o app.json -- "$H/threads" >/dev/null
"$SCMPKIT" record -q --append app.json -- busybox sh -c 'busybox uname >/dev/null'
profile_names app.json >app.names
ok "--append keeps the old calls and adds the new" sh -c 'grep -qx getpriority app.names && grep -qx uname app.names'

# --args: argument rules that still let the program run
"$SCMPKIT" record -q --args -o pa.json -- "$H/fork200" >/dev/null
ok "--args emits argument rules (clone: no namespace flags)" "$PY" -c '
import json; p = json.load(open("pa.json"))
cl = [r for r in p["syscalls"] if "clone" in r["names"] and r.get("args")]
assert cl and cl[0]["args"][0]["op"] == "SCMP_CMP_MASKED_EQ", p["syscalls"]
assert not any("clone" in r["names"] and not r.get("args") for r in p["syscalls"])'
expect_out "--args profile still runs the program" "fork200: 200 children exited 0" \
	"$H/sk_enforce" pa.json "$H/fork200"
"$SCMPKIT" record -q --args -o pc.json -- "$H/clone_ns" plain >/dev/null
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

expect_rc "--help" 0 "$SCMPKIT" record --help
expect_msg "no command: usage error" 2 "expected a command" "$SCMPKIT" record
expect_msg "bad --default" 2 "--default must be" "$SCMPKIT" record --default allow -- true
done_testing
