# SPDX-License-Identifier: Apache-2.0
# The audit-mode loop (practice P5) end to end; sourced by audit_loop_kmsg.sh
# and audit_loop_auditd.sh, which set SK_LOG_FROM (kmsg, or the audit.log path).
#
#   start profile S (too small for the program)
#   -> scmpkit audit-profile S = A -> the program under A: scmpkit run, runc
#   -> scmpkit learn -p S = F -> the program under F passes, scmpkit run and runc
#   -> audit-profile F, run again: the log shows no record of it any more
#
# The program is busybox, copied to a path unique to this run, so that --exe
# picks its records out of a log other processes write to as well.
E2E_DIR=$(dirname "$0")
. "$E2E_DIR/bundle.sh"

loop_setup() {
	W="$T_TMP/loop"
	TAG="sk$$x$(date +%s)"
	mkdir -p "$W/$TAG" "$W/${TAG}b"
	cp /bin/busybox "$W/$TAG/busybox"
	cp /bin/busybox "$W/${TAG}b/busybox"
	# the basics of busybox sh; no mkdir, unlink, rmdir: the program needs them
	cat >"$W/S.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    {"names": ["execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list",
               "rseq", "prlimit64", "mprotect", "getuid", "geteuid", "getpid",
               "getppid", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "write",
               "read", "exit", "exit_group", "uname", "getcwd", "prctl", "readlink",
               "getrandom", "close", "fcntl", "wait4", "clone", "fork", "vfork"],
     "action": "SCMP_ACT_ALLOW"}
  ]
}
EOF
}

prog_runc() { # PROFILE BUSYBOX-DIR-IN-ROOTFS NAME
	b="$W/bundle-$3"
	rm -rf "$b"
	sk_make_bundle "$b" "$1" -- "/$2/busybox" sh -c \
		"/$2/busybox mkdir /tmp/d && echo data >/tmp/d/f && /$2/busybox cat /tmp/d/f && /$2/busybox rm -r /tmp/d" \
		>/dev/null || return 99
	mkdir -p "$b/rootfs/$2"
	cp /bin/busybox "$b/rootfs/$2/busybox"
	sk_runc "$b"
}

# learn from the log: the host copy, the container copy, and runc's own calls
# after it loaded the filter (P1: a few remain even with noNewPrivileges).
# --runtime runc adds the calls runc was measured to make there: one run's log
# shows only those its Go scheduler happened to make (a run without futex in
# the log made a profile that crashed runc's init under load).
learn_all() { # BASE OUT SINCE
	"$SCMPKIT" learn --from "$SK_LOG_FROM" --exe "$W/$TAG/busybox" --since "@$3" -p "$1" -o "$W/L1.json" \
		>"$W/learn1.txt" 2>&1 &&
	"$SCMPKIT" learn --from "$SK_LOG_FROM" --exe "/$TAG/busybox" --since "@$3" -p "$W/L1.json" -o "$W/L2.json" \
		>"$W/learn2.txt" 2>&1 &&
	"$SCMPKIT" learn --from "$SK_LOG_FROM" --comm 'runc:[2:INIT]' --since "@$3" -p "$W/L2.json" --runtime runc \
		-o "$2" >"$W/learn3.txt" 2>&1
}

loop_run() {
	loop_setup
	expect_msg "the program fails under the start profile (it needs calls S lacks)" 1 \
		"Operation not permitted" "$SCMPKIT" run -p "$W/S.json" -- "$W/$TAG/busybox" mkdir "$W/$TAG/d"
	ok "audit-profile S" "$SCMPKIT" audit-profile "$W/S.json" -o "$W/A.json"
	expect_out "the audit profile logs by default" SCMP_ACT_LOG \
		"$SK_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["defaultAction"])' "$W/A.json"
	expect_msg "--report-denials under A names the calls it logged" 0 "mkdir +x86_64.*LOG" \
		"$SCMPKIT" run -p "$W/A.json" --report-denials -- "$W/${TAG}b/busybox" mkdir "$W/${TAG}b/r"
	rmdir "$W/${TAG}b/r"
	T0=$(date +%s.%N) # to the millisecond: a run just before stays out
	ok "the program passes under A with scmpkit run" \
		"$SCMPKIT" run -p "$W/A.json" -- "$W/$TAG/busybox" sh -c \
		"$W/$TAG/busybox mkdir $W/$TAG/d && echo data >$W/$TAG/d/f && $W/$TAG/busybox cat $W/$TAG/d/f && $W/$TAG/busybox rm -r $W/$TAG/d"
	ok "the program passes under A with runc" prog_runc "$W/A.json" "$TAG" a
	ok "learn from $SK_LOG_FROM" learn_all "$W/S.json" "$W/F.json" "$T0"
	cat "$W/learn1.txt" "$W/learn2.txt" "$W/learn3.txt" >"$W/learn.txt"
	expect_msg "learn says how many records and from which process" 0 \
		"seccomp record\\(s\\) in .*from:" cat "$W/learn1.txt"
	expect_msg "learn added mkdir (as a diff against S)" 0 "^\\+ mkdir +SCMP_ACT_ALLOW" \
		cat "$W/learn.txt"
	if grep -q "audit-lost\|audit-suppressed\|audit-maybe-lost" "$W/learn.txt"; then
		t_report fail "learn reports no lost records" "$W/learn.txt"
	else
		t_report ok "learn reports no lost records"
	fi
	expect_rc "the program passes under F with scmpkit run --fail-on-denial" 0 \
		"$SCMPKIT" run -p "$W/F.json" --fail-on-denial -- "$W/$TAG/busybox" sh -c \
		"$W/$TAG/busybox mkdir $W/$TAG/d && echo data >$W/$TAG/d/f && $W/$TAG/busybox cat $W/$TAG/d/f && $W/$TAG/busybox rm -r $W/$TAG/d"
	ok "the program passes under F with runc" prog_runc "$W/F.json" "$TAG" f

	# no LOG records left: audit mode of F logs nothing for the same program
	T1=$(date +%s)
	sleep 1 # records of the runs above carry a time <= T1
	ok "audit-profile F" "$SCMPKIT" audit-profile "$W/F.json" -o "$W/A2.json"
	ok "the program under audit-profile(F), scmpkit run" "$SCMPKIT" run -p "$W/A2.json" -- \
		"$W/${TAG}b/busybox" sh -c \
		"$W/${TAG}b/busybox mkdir $W/${TAG}b/d && echo data >$W/${TAG}b/d/f && $W/${TAG}b/busybox cat $W/${TAG}b/d/f && $W/${TAG}b/busybox rm -r $W/${TAG}b/d"
	ok "the program under audit-profile(F), runc" prog_runc "$W/A2.json" "${TAG}b" a2
	for sel in "--exe $W/${TAG}b/busybox" "--exe /${TAG}b/busybox"; do
		# shellcheck disable=SC2086
		expect_msg "no LOG record left ($sel)" 0 "nothing to add" \
			"$SCMPKIT" learn --from "$SK_LOG_FROM" $sel --since "@$((T1 + 1))" -p "$W/F.json" -o "$W/F2.json"
	done
	# runc's init is a Go program: its scheduler makes a few calls (futex,
	# nanosleep, ...) only on some runs. Anything else it still logs is a failure.
	"$SCMPKIT" learn --from "$SK_LOG_FROM" --comm 'runc:[2:INIT]' --since "@$((T1 + 1))" \
		-p "$W/F.json" -o "$W/F2.json" >"$W/learn4.txt" 2>&1
	other=$(sed -n 's/^+ \([a-z0-9_]*\) .*/\1/p' "$W/learn4.txt" |
		grep -vxE 'futex|nanosleep|sched_yield|getpid|gettid|tgkill|rt_sigreturn|rt_sigprocmask|sigaltstack|madvise|mmap|munmap|clone|clone3' || true)
	if [ -z "$other" ]; then
		t_report ok "no LOG record left from runc's init beyond its Go scheduler ($(sed -n 's/^+ \([a-z0-9_]*\) .*/\1/p' "$W/learn4.txt" | tr '\n' ' '))"
	else
		t_report fail "no LOG record left from runc's init: $other" "$W/learn4.txt"
	fi
	cp "$W/learn.txt" "$W/S.json" "$W/A.json" "$W/F.json" "${SK_LOOP_KEEP:-/nonexistent}/" 2>/dev/null
	return 0
}
