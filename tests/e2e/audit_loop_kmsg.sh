#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The audit-mode loop with the plain kernel log (/dev/kmsg), no auditd.
# The printk rate limit would drop most records of a run (burst 10 per 5 s):
# the test turns it off and restores it, as learn's advice says.
. "$(dirname "$0")/../cli/tap.sh"
need_root "seccomp audit records in the kernel log, runc"
command -v runc >/dev/null || skip_all "runc is not installed"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
if [ -f /var/run/auditd.pid ] && kill -0 "$(cat /var/run/auditd.pid)" 2>/dev/null &&
	! grep -q '^State:.*Z' "/proc/$(cat /var/run/auditd.pid)/status" 2>/dev/null; then
	skip_all "auditd is running: the kernel log gets no seccomp records"
fi
SK_LOG_FROM=kmsg
RL=$(cat /proc/sys/kernel/printk_ratelimit)
RLB=$(cat /proc/sys/kernel/printk_ratelimit_burst)
trap 'echo "$RL" >/proc/sys/kernel/printk_ratelimit; echo "$RLB" >/proc/sys/kernel/printk_ratelimit_burst; rm -rf "$T_TMP"' EXIT
trap 'exit 1' INT TERM
# run --audit looks before the run: with the rate limit on, it says what to do
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["execve", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$T_TMP/min.json"
echo 5 >/proc/sys/kernel/printk_ratelimit
expect_msg "run --audit with the printk rate limit on warns first, with what to do" 0 \
	"printk rate limit \\(.* per 5 s here\\).*what to do: before the run, 'sysctl -w kernel.printk_ratelimit=0'" \
	"$SCMPKIT" run --audit -p "$T_TMP/min.json" -- /bin/true
echo 0 >/proc/sys/kernel/printk_ratelimit
ok "... and says nothing of it with it off" sh -c \
	"'$SCMPKIT' run --audit -p '$T_TMP/min.json' -- /bin/true >'$T_TMP/r.txt' 2>&1 && ! grep -q audit-ratelimit '$T_TMP/r.txt'"
. "$(dirname "$0")/audit_loop_lib.sh"
loop_run
expect_msg "learn --from dmesg (syslog(2), a text log): refused" 2 "line-based text log" \
	"$SCMPKIT" learn --from dmesg --exe "$W/$TAG/busybox" -o "$W/D.json"
expect_msg "... read with --trust-text-log" 0 "seccomp record\\(s\\) in the kernel log" \
	"$SCMPKIT" learn --from dmesg --trust-text-log --since "@$T0" --exe "$W/$TAG/busybox" -o "$W/D.json"
done_testing
