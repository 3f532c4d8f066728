#!/bin/sh
# scmpkit record against the real runtime (root; runc, busybox-static):
#  - --bundle: the busybox bundle under runc with scmpkit as seccomp agent;
#    same output and exit status as a plain `runc run`, and the recorded
#    profile, loaded by runc itself (enforcing), runs the container again;
#  - a profile recorded on the host with --runtime runc works under runc with
#    noNewPrivileges true and false (runc's own late calls are in it), and the
#    same profile without --runtime does not (the data is needed).
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/bundle.sh"
need_root "runc runs containers as root"
command -v runc >/dev/null || skip_all "runc not installed"
[ -x /bin/busybox ] || skip_all "busybox-static not installed"
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
done_testing
