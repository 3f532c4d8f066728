#!/bin/sh
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
echo 0 >/proc/sys/kernel/printk_ratelimit
. "$(dirname "$0")/audit_loop_lib.sh"
loop_run
expect_msg "learn reads the kernel log as dmesg does too" 0 "seccomp record\\(s\\) in the kernel log" \
	"$SCMPKIT" learn --from dmesg --exe "$W/$TAG/busybox" -o "$W/D.json"
done_testing
