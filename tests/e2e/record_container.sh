#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit record --container and --cgroup on a runc busybox container (root;
# runc, busybox-static, the eBPF backend):
#  - a container created (runc create), recorded by id, then started: same
#    output and status as a plain `runc run`, and the profile recorded that
#    way runs the container under runc with zero denials — enforced once with
#    default errno and once with default kill (any call outside the profile
#    would kill the container);
#  - the same through --cgroup with the container's cgroup v2 directory;
#  - a running container: a process `runc exec` moves into its cgroup is
#    recorded (cgroup_attach_task), and the note says the start-up is missing;
#  - a container that is not there: exit 2.
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/bundle.sh"
sk_need_runc
cd "$T_TMP" || exit 1
if ! "$SCMPKIT" record --backend ebpf -q -o probe.json -- true 2>probe.err; then
	skip_all "the eBPF backend cannot run here: $(tr '\n' ' ' <probe.err)"
fi
SCRIPT='echo "hello from $(uname -s)"; ls /bin | wc -l; mkdir -p /tmp/x && touch /tmp/x/f && ls /tmp/x; exit 3'
ID=sk-rec-ct-$$
trap 'runc delete -f $ID >/dev/null 2>&1; rm -rf "$T_TMP"' EXIT

# the container's cgroup v2 directory, from its init's /proc/PID/cgroup
cgroup_dir() {
	pid=$(runc state "$1" | "$SK_PY" -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	rel=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
	echo "$mnt$rel"
}
# record_created NAME DEFAULT SOURCE...: runc create, record (SOURCE: --container
# ID or --cgroup DIR, the latter found once created), runc start; NAME.out is
# the container's output, NAME.rc its status, NAME.json the profile
record_created() {
	name=$1 dflt=$2; shift 2
	runc create --bundle plain "$ID" </dev/null >"$name.out" 2>&1
	[ "$1" = --cgroup ] && set -- --cgroup "$(cgroup_dir "$ID")"
	"$SCMPKIT" record "$@" --default "$dflt" -f oci -o "$name.json" >"$name.rec" 2>&1 &
	rp=$!
	wait_for "$name.rec" "recording"
	runc start "$ID"
	wait $rp
	echo $? >"$name.recrc"
	i=0
	while [ "$(runc state "$ID" 2>/dev/null | grep -c '"stopped"')" = 0 ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	runc state "$ID" | "$SK_PY" -c 'import json,sys; json.load(sys.stdin)' >/dev/null
	runc delete -f "$ID" >/dev/null 2>&1
}
# enforce NAME PROFILE: the container under runc with PROFILE, compared with plain
enforce() {
	sk_make_bundle "enf-$1" "$2" -- /bin/sh -c "$SCRIPT" >/dev/null
	sk_runc "enf-$1" >"enf-$1.out" 2>"enf-$1.err"
	rc=$?
	if [ "$rc" = "$plain_rc" ] && cmp -s plain.out "enf-$1.out"; then
		t_report ok "$1: the recorded profile runs the container under runc (status $rc, same output)"
	else
		{ echo "plain $plain_rc enforced $rc"; diff plain.out "enf-$1.out"; cat "enf-$1.err"; } >diag
		t_report fail "$1: the recorded profile runs the container under runc" diag
	fi
}

sk_make_bundle plain -- /bin/sh -c "$SCRIPT" >/dev/null
sk_runc plain >plain.out 2>plain.err
plain_rc=$?
for how in container cgroup; do
	for dflt in errno kill; do
		record_created "$how-$dflt" "$dflt" --"$how" "$ID"
		# a container created, not started: its whole run is ahead (a cgroup
		# cannot say so, and gets the note about calls made before)
		if [ "$(cat "$how-$dflt.recrc")" = 0 ] && cmp -s plain.out "$how-$dflt.out" &&
			{ [ $how = cgroup ] || ! grep -q "record-attached" "$how-$dflt.rec"; }; then
			t_report ok "--$how: recorded from runc create to the end (output unchanged)"
		else
			{ cat "$how-$dflt.recrc" "$how-$dflt.rec"; diff plain.out "$how-$dflt.out"; } >diag 2>&1
			t_report fail "--$how: recorded from runc create to the end" diag
		fi
		enforce "--$how, default $dflt" "$how-$dflt.json"
	done
done
ok "--container adds runc's late calls (as --runtime runc)" grep -q '"capset"' container-errno.json

# a running container: what runc exec starts in it is recorded
sk_make_bundle run -- /bin/sh -c 'while [ ! -e /tmp/stop ]; do sleep 0.1; done' >/dev/null
runc run -d --bundle run "$ID" </dev/null >/dev/null 2>&1
"$SCMPKIT" record --container "$ID" -o run.json >run.rec 2>&1 &
rp=$!
wait_for run.rec "recording"
runc exec "$ID" /bin/uname -a >/dev/null
runc exec "$ID" /bin/touch /tmp/stop
wait $rp
rc=$?
runc delete -f "$ID" >/dev/null 2>&1
if [ "$rc" = 0 ] && grep -q '"uname"' run.json && grep -q "record-attached" run.rec; then
	t_report ok "--container, running: runc exec's process recorded, the missing start-up said"
else
	{ echo "rc $rc"; cat run.rec; } >diag
	t_report fail "--container, running: runc exec's process recorded" diag
fi
expect_msg "--container of no container: exit 2" 2 "no container" \
	"$SCMPKIT" record --container no-such-container-$$ -o x.json
expect_msg "--cgroup of a cgroup v1 directory: exit 2" 2 "not a cgroup v2 directory" \
	"$SCMPKIT" record --cgroup /sys/fs/cgroup/pids -o x.json

# --cgroup through a bind mount of a cgroup subtree: ".." stops at the mount,
# so a depth worked out from the path was too small, and the kernel half
# then followed no fork (the children's calls were lost, exit 0)
v2=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
top="$v2/scmpkit-test-$$"
if mkdir -p "$top/inner" && mkdir bound && mount --bind "$top" bound; then
	rm -f go.fifo && mkfifo go.fifo
	sh -c 'echo $$ >"$1/inner/cgroup.procs" && read x <go.fifo && busybox uname -m >/dev/null' sh "$top" &
	cp=$!
	i=0
	while ! grep -qx "$cp" "$top/inner/cgroup.procs" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	timeout -s KILL 20 "$SCMPKIT" record --cgroup bound/inner -o bound.json >bound.rec 2>&1 &
	rp=$!
	wait_for bound.rec "recording cgroup"
	echo >go.fifo
	wait $cp
	wait $rp
	rc=$?
	if [ "$rc" = 0 ] && grep -q '"uname"' bound.json && grep -q '"execve"' bound.json; then
		t_report ok "--cgroup through a bind mount of a subtree: the children's calls are recorded"
	else
		{ echo "rc $rc"; cat bound.rec; cat bound.json; } >diag 2>&1
		t_report fail "--cgroup through a bind mount of a subtree" diag
	fi
	umount bound
else
	echo "ok $((T_N += 1)) # SKIP cannot create a cgroup v2 directory and bind-mount it"
fi
rmdir "$top/inner" "$top" 2>/dev/null
done_testing
