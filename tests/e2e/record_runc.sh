#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit record against the real runtime (root; runc, busybox-static):
#  - --bundle: the busybox bundle under runc with scmpkit as seccomp agent;
#    same output and exit status as a plain `runc run`, and the recorded
#    profile, loaded by runc itself (enforcing), runs the container again;
#  - a profile recorded on the host with --runtime runc works under runc with
#    noNewPrivileges true and false (runc's own late calls are in it), and the
#    same profile without --runtime does not (the data is needed);
#  - SIGTERM sent to `scmpkit record --bundle` reaches the container through
#    runc, the profile is written, and neither the container nor the agent's
#    directory is left behind; a second SIGTERM ends it at once (issue 12, 4).
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/bundle.sh"
sk_need_runc
cd "$T_TMP" || exit 1
SCRIPT='echo "hello from $(uname -s)"; ls /bin | wc -l; mkdir -p /tmp/x && touch /tmp/x/f && ls /tmp/x; exit 3'

sk_make_bundle plain -- /bin/sh -c "$SCRIPT" >/dev/null
sk_runc plain >plain.out 2>plain.err
plain_rc=$?
"$SCMPKIT" record -q --bundle plain -f oci -o agent.json >agent.out 2>agent.err
agent_rc=$?
if [ -s plain.out ] && [ "$agent_rc" = "$plain_rc" ] && cmp -s plain.out agent.out; then
	t_report ok "--bundle: same output and exit status ($plain_rc) as runc without recording"
else
	{ echo "plain $plain_rc agent $agent_rc"; diff plain.out agent.out; cat agent.err; } >diag
	t_report fail "--bundle: same output and exit status" diag
fi
ok "--bundle: recorded runc's late calls and the container's" sh -c '
	for c in execve fstatfs getdents64 epoll_ctl mkdir mkdirat uname write; do
		grep -q "\"$c\"" agent.json || case $c in mkdir|mkdirat) ;; *) echo "missing $c"; exit 1;; esac
	done; grep -q "\"mkdir" agent.json'
sk_make_bundle enf agent.json -- /bin/sh -c "$SCRIPT" >/dev/null
sk_runc enf >enf.out 2>enf.err
enf_rc=$?
if [ "$enf_rc" = "$plain_rc" ] && cmp -s plain.out enf.out; then
	t_report ok "--bundle profile runs the container under runc (enforcing)"
else
	{ echo "plain $plain_rc enforced $enf_rc"; diff plain.out enf.out; cat enf.err; } >diag
	t_report fail "--bundle profile runs the container under runc" diag
fi

# Host recording of the same script with busybox; runc adds its own calls.
"$SCMPKIT" record -q --runtime runc -f oci -o host.json -- busybox sh -c "$SCRIPT" >/dev/null
"$SCMPKIT" record -q -f oci -o bare.json -- busybox sh -c "$SCRIPT" >/dev/null
for nnp in true false; do
	SK_NNP=$nnp sk_make_bundle "h-$nnp" host.json -- /bin/sh -c "$SCRIPT" >/dev/null
	sk_runc "h-$nnp" >h.out 2>h.err
	rc=$?
	if [ "$rc" = "$plain_rc" ] && cmp -s plain.out h.out; then
		t_report ok "host recording + --runtime runc runs under runc (noNewPrivileges $nnp)"
	else
		{ echo "rc $rc"; diff plain.out h.out; cat h.err; } >diag
		t_report fail "host recording + --runtime runc runs under runc (noNewPrivileges $nnp)" diag
	fi
done
SK_NNP=false sk_make_bundle bare-b bare.json -- /bin/sh -c "$SCRIPT" >/dev/null
sk_runc bare-b >b.out 2>b.err
rc=$?
if [ "$rc" != "$plain_rc" ] || ! cmp -s plain.out b.out; then
	t_report ok "without --runtime, runc (noNewPrivileges false) fails: its calls are needed"
else
	t_report fail "without --runtime the container should not start (runc's calls missing)"
fi

# left_behind PID: the container and agent directory of the recording by PID
left_behind() {
	runc list 2>/dev/null | grep "scmpkit-record-$1\b"
	ls -d /tmp/scmpkit-agent-"$1"-* 2>/dev/null
	return 0
}
sk_make_bundle term -- /bin/sh -c 'trap "echo bye; exit 7" TERM; echo up; while :; do sleep 0.1; done' >/dev/null
"$SCMPKIT" record -q --bundle term -f oci -o term.json >term.out 2>&1 &
pid=$!
wait_for term.out up
kill -TERM $pid
wait $pid
rc=$?
left=$(left_behind $pid)
if [ "$rc" = 7 ] && grep -q bye term.out && grep -q '"wait4"' term.json 2>/dev/null && [ -z "$left" ]; then
	t_report ok "--bundle, kill -TERM: through runc to the container (exit 7), profile written, nothing left behind"
else
	{ echo "rc $rc; left: $left"; cat term.out; ls -l term.json; } >diag 2>&1
	t_report fail "--bundle, kill -TERM: through runc to the container" diag
fi
# busybox sh as the container's init ignores SIGTERM (no handler in pid 1):
# the second one ends the recording at once, with runc kill KILL
sk_make_bundle term2 -- /bin/sh -c 'echo up; while :; do sleep 0.1; done' >/dev/null
"$SCMPKIT" record -q --bundle term2 -f oci -o term2.json >term2.out 2>&1 &
pid=$!
wait_for term2.out up
kill -TERM $pid
sleep 0.7
kill -TERM $pid
wait $pid
rc=$?
left=$(left_behind $pid)
if [ "$rc" = 143 ] && grep -q '"wait4"' term2.json 2>/dev/null && [ -z "$left" ]; then
	t_report ok "--bundle, second SIGTERM: ends at once (143), profile written, container deleted"
else
	{ echo "rc $rc; left: $left"; cat term2.out; ls -l term2.json; } >diag 2>&1
	t_report fail "--bundle, second SIGTERM: ends at once" diag
fi
# a SIGTERM while the agent sets up (strace holds its listen(2) for a second,
# before runc is started): it used to end the wait for runc's connection at
# once and `runc kill` a container that did not exist yet; runc then created
# it, with nobody to answer its notifications, and scmpkit waited for it for
# ever. Now runc gets the signal once it runs: the recording ends (143),
# the profile is written, nothing is left behind.
timeout -s KILL 20 strace -o /dev/null -e trace=listen -e inject=listen:delay_exit=1000000 \
	"$SCMPKIT" record -q --bundle term -f oci -o early.json >early.out 2>&1 &
sp=$!
pid= i=0
while [ $i -lt 200 ]; do
	pid=$(pgrep -o -x -f "$SCMPKIT record -q --bundle term -f oci -o early.json")
	[ -n "$pid" ] && ls /tmp/scmpkit-agent-"$pid"-*/agent.sock >/dev/null 2>&1 && break
	sleep 0.05; i=$((i + 1))
done
kill -TERM "$pid"
wait $sp
rc=$?
left=$(left_behind "$pid")
if [ "$rc" = 143 ] && [ -s early.json ] && [ -z "$left" ]; then
	t_report ok "--bundle, SIGTERM during set-up: ends (143), profile written, nothing left behind"
else
	{ echo "rc $rc; left: $left"; cat early.out; ls -l early.json; } >diag 2>&1
	t_report fail "--bundle, SIGTERM during set-up: ends, nothing left behind" diag
	runc delete -f "scmpkit-record-$pid" >/dev/null 2>&1
	rm -rf /tmp/scmpkit-agent-"$pid"-*
fi
done_testing
