#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The audit-mode loop with auditd running: records go to /var/log/audit/audit.log
# (type=SECCOMP), not to the kernel log, and no printk rate limit applies.
# The test starts auditd itself (no init system here) and stops it at the end,
# even on failure, restoring the kernel's audit "enabled" setting.
. "$(dirname "$0")/../cli/tap.sh"
need_root "auditd, runc"
command -v runc >/dev/null || skip_all "runc is not installed"
command -v auditd >/dev/null || skip_all "auditd is not installed"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
running() { [ -f /var/run/auditd.pid ] && kill -0 "$(cat /var/run/auditd.pid)" 2>/dev/null &&
	! grep -q '^State:.*Z' "/proc/$(cat /var/run/auditd.pid)/status" 2>/dev/null; }
running && skip_all "auditd is already running; this test starts its own"
ENABLED=$(auditctl -s 2>/dev/null | awk '$1 == "enabled" {print $2}')
stop_auditd() {
	if running; then
		pid=$(cat /var/run/auditd.pid)
		kill -TERM "$pid" 2>/dev/null
		# wait for it to let go of the audit netlink socket (it exits quickly)
		n=0; while kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && [ $n -lt 100 ]; do
			sleep 0.1; n=$((n + 1)); done
	fi
	[ -n "$ENABLED" ] && auditctl -e "$ENABLED" >/dev/null 2>&1
}
trap 'stop_auditd; rm -rf "$T_TMP"' EXIT
trap 'exit 1' INT TERM
auditd || skip_all "auditd does not start here"
n=0; while ! auditctl -s 2>/dev/null | grep -q '^pid [1-9]' && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
SK_LOG_FROM=/var/log/audit/audit.log
. "$(dirname "$0")/audit_loop_lib.sh"
loop_run
expect_msg "--from auto picks audit.log while auditd runs" 0 "in /var/log/audit/audit.log" \
	"$SCMPKIT" learn --exe "$W/$TAG/busybox" -o "$W/D.json"
ok "run --audit with auditd running: no warning about the rate limit" sh -c \
	"'$SCMPKIT' run --audit -p '$W/F.json' -- '$W/$TAG/busybox' true >'$W/r.txt' 2>&1 && ! grep -q audit-ratelimit '$W/r.txt'"
done_testing
