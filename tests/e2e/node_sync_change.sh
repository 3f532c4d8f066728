#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# node-sync under change, as a node sees it: the agent runs as a loop on a
# ConfigMap-style directory while the "kubelet" publishes versions (profiles
# added, changed, broken, removed) and swaps ..data many times in a row,
# during syncs; a "runtime" reads every installed profile over and over the
# whole time. Every read must be a whole, valid profile; each version must end
# installed as published; SIGTERM must end the agent cleanly (exit 0).
. "$(dirname "$0")/../cli/tap.sh"
. "$(dirname "$0")/configmap.sh"
PY=/usr/bin/python3
[ -x "$SK_HELPERS/watch_profiles" ] || skip_all "watch_profiles helper not built"

cm=$T_TMP/cm root=$T_TMP/seccomp status=$T_TMP/status.json v=$T_TMP/v
mkdir -p "$v"
ess='"exit", "exit_group", "rt_sigreturn", "restart_syscall"'
prof() { # NAME EXTRA-CALLS: a valid profile allowing read, write, the essentials and EXTRA
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],\n "syscalls": [{"names": ["read", "write", %s%s], "action": "SCMP_ACT_ALLOW"}]}\n' "$ess" "$2" >"$1"
}
version() { # N: a fresh directory for version N
	rm -rf "$v/$1"; mkdir -p "$v/$1"; echo "$v/$1"
}
names() { # "installed names|rejected names" from the status file
	"$PY" -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(" ".join(sorted(i["name"] for i in s["installed"])) + "|" + " ".join(sorted(i["name"] for i in s["rejected"])))' "$status" 2>/dev/null
}
wait_for() { # WANT: wait until the status file says WANT (20 s at most)
	i=0
	while [ $i -lt 200 ]; do
		[ "$(names)" = "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "status says '$(names)', wanted '$1'"
	return 1
}

d=$(version 1); prof "$d/a.json" ""; prof "$d/b.yaml" ', "getpid"'
sk_cm_publish "$cm" "$d"

"$SK_HELPERS/watch_profiles" "$root/scmpkit" "$T_TMP/stop" >"$T_TMP/watch.out" 2>&1 &
watcher=$!
"$SCMPKIT" node-sync --from "$cm" --root "$root" --interval 50ms --status "$status" \
	>"$T_TMP/sync.out" 2>&1 &
agent=$!

ok "version 1 installed (a.json, b.yaml as b.json)" wait_for "a.json b.json|"

d=$(version 2); prof "$d/a.json" ', "openat"'; prof "$d/b.yaml" ', "getpid"'; prof "$d/c.json" ', "close"'
sk_cm_publish "$cm" "$d"
ok "version 2: c added" wait_for "a.json b.json c.json|"
ok "version 2: a changed" grep -q openat "$root/scmpkit/a.json"

d=$(version 3); prof "$d/a.json" ', "openat"'; cp "$v/2/c.json" "$d/"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$d/b.yaml"
sk_cm_publish "$cm" "$d"
ok "version 3: b broken, rejected" wait_for "a.json c.json|b.json"
ok "version 3: b's last good version stays" grep -q getpid "$root/scmpkit/b.json"
expect_rc "version 3: the probe says not ready" 1 "$SCMPKIT" node-sync --probe --status "$status"

d=$(version 4); prof "$d/a.json" ', "openat"'; cp "$v/2/c.json" "$d/"
sk_cm_publish "$cm" "$d"
ok "version 4: b removed from the node" wait_for "a.json c.json|"
ok "version 4: b.json is gone" test ! -e "$root/scmpkit/b.json"
ok "version 4: the probe says ready" "$SCMPKIT" node-sync --probe --status "$status" --max-age 1m

# 60 versions published back to back, while syncs run: each swap of ..data
# lands during some read; the snapshot is retaken, never mixed.
i=0
while [ $i -lt 60 ]; do
	d=$(version s$((i % 2)))
	prof "$d/a.json" ", \"getuid\", \"getgid\"$( [ $((i % 2)) = 1 ] && echo ', "getppid"')"
	prof "$d/n$i.json" ', "close"'
	sk_cm_publish "$cm" "$d"
	i=$((i + 1))
done
ok "after 60 swaps: the last version, exactly" wait_for "a.json n59.json|"
ok "after 60 swaps: a.json is the last one's" grep -q getppid "$root/scmpkit/a.json"

touch "$T_TMP/stop"
wait $watcher
watch_rc=$?
t_name="every read of an installed profile was whole and valid ($(cat "$T_TMP/watch.out" | tail -1))"
if [ $watch_rc = 0 ] && grep -q '^reads=[1-9]' "$T_TMP/watch.out"; then t_report ok "$t_name"; else
	t_report fail "$t_name" "$T_TMP/watch.out"; fi

kill -TERM $agent
wait $agent
agent_rc=$?
if [ $agent_rc = 0 ]; then t_report ok "SIGTERM: node-sync exits 0"; else
	echo "exit $agent_rc" >>"$T_TMP/sync.out"; t_report fail "SIGTERM: node-sync exits 0" "$T_TMP/sync.out"; fi
ok "the manifest lists exactly what is installed" "$PY" -c 'import json, os, sys
m = json.load(open(sys.argv[1] + "/.scmpkit-owned.json"))
files = sorted(f for f in os.listdir(sys.argv[1]) if not f.startswith("."))
assert sorted(e["name"] for e in m["files"]) == files == ["a.json", "n59.json"], (m, files)' "$root/scmpkit"
done_testing
