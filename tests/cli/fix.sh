#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit fix: only the intended nodes change, the diff applies, the result
# lints clean, a second run changes nothing, -i is atomic and in place.
. "$(dirname "$0")/tap.sh"

D=$SK_SOURCE_ROOT/tests/data/manifests

for f in multi-doc kinds cronjob annotations list; do
	for mode in rd lh; do
		opt=--runtime-default
		[ $mode = lh ] && opt="--profile profiles/app.json"
		cp "$D/$f.yaml" "$T_TMP/$f.yaml"
		# shellcheck disable=SC2086
		"$SCMPKIT" fix $opt "$T_TMP/$f.yaml" >"$T_TMP/diff" 2>"$T_TMP/err"
		cp "$D/$f.yaml" "$T_TMP/patched.yaml"
		ok "$f/$mode: the diff applies with patch(1)" patch -s "$T_TMP/patched.yaml" "$T_TMP/diff"
		# shellcheck disable=SC2086
		ok "$f/$mode: -i edits in place" "$SCMPKIT" fix -i $opt "$T_TMP/$f.yaml"
		ok "$f/$mode: -i gives what the diff says" cmp "$T_TMP/patched.yaml" "$T_TMP/$f.yaml"
		# every removed line is an annotation, an escalation or an Unconfined type;
		# every added line one of the keys fix writes
		diff "$D/$f.yaml" "$T_TMP/$f.yaml" >"$T_TMP/d"
		expect_out "$f/$mode: only the intended lines are removed" "" \
			sh -c 'grep "^< " "$1" | grep -Ev "seccomp\.security\.alpha\.kubernetes\.io/|^<  *annotations:$|allowPrivilegeEscalation: true|type: Unconfined"' sh "$T_TMP/d"
		expect_out "$f/$mode: only the intended lines are added" "" \
			sh -c 'grep "^> " "$1" | grep -Ev "^>  *(securityContext:|seccompProfile:|type: (RuntimeDefault|Localhost)|localhostProfile: profiles/(app|sidecar|debug).json|allowPrivilegeEscalation: false)( #.*)?$"' sh "$T_TMP/d"
		expect_out "$f/$mode: comments survive" "$(grep -v 'scmpkit\|seccomp.security.alpha' "$D/$f.yaml" | grep -c '#')" \
			sh -c 'grep -c "#" "$1"' sh "$T_TMP/$f.yaml"
		# shellcheck disable=SC2086
		expect_out "$f/$mode: a second run changes nothing" "" "$SCMPKIT" fix $opt "$T_TMP/$f.yaml"
		# list.yaml has a privileged container with allowPrivilegeEscalation: true,
		# which fix reports and leaves (the API server rejects privileged + false)
		keep=P4-privileged
		[ $f = list ] && keep="P4-privileged|P1-allow-privilege-escalation"
		expect_out "$f/$mode: no P1/P2/P4 findings left but privileged ones" "" \
			sh -c '"$SCMPKIT" lint -f json "$1" | grep -o "\"rule\": \"P[124][^\"]*\"" | grep -Ev "$2"' sh "$T_TMP/$f.yaml" "$keep"
	done
done
cp "$D/windows.yaml" "$T_TMP/w.yaml"
expect_out "Windows pods are left alone" "" "$SCMPKIT" fix "$T_TMP/w.yaml"
expect_msg "privileged containers are reported, not changed" 0 "privileged.*left unchanged" "$SCMPKIT" fix "$D/list.yaml"
# JSON (kubectl get -o json) and empty or flow-style values in YAML
for f in fix/list.json fix/empty-sc.yaml pod.json; do
	for mode in rd lh; do
		opt=--runtime-default
		[ $mode = lh ] && opt="--profile profiles/app.json"
		b=$(basename "$f")
		cp "$D/$f" "$T_TMP/$b"
		# shellcheck disable=SC2086
		"$SCMPKIT" fix $opt "$T_TMP/$b" >"$T_TMP/diff" 2>"$T_TMP/fix-err"
		expect_out "$b/$mode: no warnings" "" grep -v ": note: .*\[fix-choice\]$" "$T_TMP/fix-err"
		cp "$D/$f" "$T_TMP/patched"
		ok "$b/$mode: the diff applies with patch(1)" patch -s "$T_TMP/patched" "$T_TMP/diff"
		# shellcheck disable=SC2086
		ok "$b/$mode: -i edits in place" "$SCMPKIT" fix -i $opt "$T_TMP/$b"
		ok "$b/$mode: -i gives what the diff says" cmp "$T_TMP/patched" "$T_TMP/$b"
		case $b in *.json)
			ok "$b/$mode: still valid JSON (python3 -m json.tool)" \
				sh -c '/usr/bin/python3 -m json.tool "$1" >/dev/null' sh "$T_TMP/$b" ;;
		esac
		# shellcheck disable=SC2086
		expect_out "$b/$mode: a second run changes nothing" "" "$SCMPKIT" fix $opt "$T_TMP/$b"
		expect_out "$b/$mode: no P1/P2/P4 findings left" "" \
			sh -c '"$SCMPKIT" lint -f json "$1" | grep -o "\"rule\": \"P[124][^\"]*\""' sh "$T_TMP/$b"
	done
done
# the JSON before and after differs only in the nodes fix owns
cat >"$T_TMP/same.py" <<'PY'
import json, sys
def strip(o):
    if isinstance(o, dict):
        sc = o.get("securityContext")
        if isinstance(sc, dict):
            sc.pop("allowPrivilegeEscalation", None); sc.pop("seccompProfile", None)
            if not sc: del o["securityContext"]
        ann = o.get("annotations")
        if isinstance(ann, dict):
            for k in [k for k in ann if "seccomp.security.alpha.kubernetes.io" in k]: del ann[k]
            if not ann: del o["annotations"]
        for v in o.values(): strip(v)
    elif isinstance(o, list):
        for v in o: strip(v)
    return o
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
PY
cp "$D/fix/list.json" "$T_TMP/o.json"
"$SCMPKIT" fix -i "$T_TMP/o.json"
ok "JSON: only the nodes fix owns differ (python3 json)" /usr/bin/python3 "$T_TMP/same.py" "$D/fix/list.json" "$T_TMP/o.json"
sed 's/"runAsNonRoot": true/"runAsNonRoot": false/' "$T_TMP/o.json" >"$T_TMP/o2.json"
expect_rc "JSON: the comparison can fail" 1 /usr/bin/python3 "$T_TMP/same.py" "$D/fix/list.json" "$T_TMP/o2.json"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: a\n    securityContext: {runAsUser: 1, seccompProfile: }\n' >"$T_TMP/odd.yaml"
expect_msg "a case it cannot do is refused with file:line:col" 0 "odd.yaml:7:[0-9]+: warning: .*left unchanged" "$SCMPKIT" fix "$T_TMP/odd.yaml"
expect_out "... and nothing else is written" "" sh -c '"$SCMPKIT" fix "$1" 2>/dev/null' sh "$T_TMP/odd.yaml"
expect_msg "--profile must be relative" 2 "relative" "$SCMPKIT" fix --profile /etc/x.json "$D/kinds.yaml"
expect_msg "bad YAML: exit 2 with a position" 2 "broken.yaml:[0-9]+:[0-9]+: error" "$SCMPKIT" fix "$D/lint/broken.yaml"
expect_rc "--help" 0 "$SCMPKIT" fix --help
# an annotation with an empty value has no position of its own in libfyaml's
# events: it is removed with its key's line (found by fuzz_manifest: the edit
# once ran backwards and the "fixed" file repeated the document's first lines)
cat >"$T_TMP/empty-ann.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata:
  name: legacy
  annotations:
    container.seccomp.security.alpha.kubernetes.io/app:
    team: web
spec:
  containers:
  - name: app
    image: app:1
Y
"$SCMPKIT" fix "$T_TMP/empty-ann.yaml" >"$T_TMP/empty.diff" 2>&1
expect_out "an empty annotation value: only its line goes" \
	"-    container.seccomp.security.alpha.kubernetes.io/app:" \
	sh -c 'grep "^-[^-]" "$1"' sh "$T_TMP/empty.diff"
ok "... and the rest of the file is intact" sh -c '"$1" fix -i "$2" && [ "$(head -5 "$2")" = "apiVersion: v1
kind: Pod
metadata:
  name: legacy
  annotations:" ] && grep -qx "    team: web" "$2"' sh "$SCMPKIT" "$T_TMP/empty-ann.yaml"
# YAML anchors and aliases (issue 12): a shared securityContext is reported at
# both places and left alone; the rest is fixed; -i writes the whole new text
A=$D/fix/anchors.yaml
cp "$A" "$T_TMP/anchors.yaml"
expect_msg "a shared securityContext: fix warns at the anchor and at the alias" 0 \
	"anchors.yaml:27:11: warning: securityContext comes from a YAML anchor.*left unchanged.*anchors.yaml:34:11: warning: securityContext comes from a YAML anchor" \
	sh -c '"$1" fix "$2" 2>&1 | tr "\n" " "' sh "$SCMPKIT" "$T_TMP/anchors.yaml"
"$SCMPKIT" fix "$T_TMP/anchors.yaml" >"$T_TMP/anchors.diff" 2>/dev/null
expect_out "... and changes only the container without one" \
	"+          securityContext:|+            allowPrivilegeEscalation: false|+            seccompProfile:|+              type: RuntimeDefault" \
	sh -c 'grep "^[-+] " "$1" | tr "\n" "|" | sed "s/|\$//"' sh "$T_TMP/anchors.diff"
cp "$A" "$T_TMP/anchors-patched.yaml"
ok "... the diff applies with patch(1)" patch -s "$T_TMP/anchors-patched.yaml" "$T_TMP/anchors.diff"
expect_rc "fix -i on anchors: exit 0" 0 "$SCMPKIT" fix -i "$T_TMP/anchors.yaml"
ok "... and the file is the whole new text" cmp "$T_TMP/anchors.yaml" "$T_TMP/anchors-patched.yaml"
expect_msg "... lint still reads both containers through the alias" 1 \
	"anchors.yaml:28:39: error: Deployment checkoutservice: container 'envoy': allowPrivilegeEscalation is true" \
	"$SCMPKIT" lint "$T_TMP/anchors.yaml"
# never a downgrade (issue 13): a Localhost annotation is carried over, a
# pod-level Localhost is inherited, and stderr says what each container got
C=$D/fix/carry-over.yaml
"$SCMPKIT" fix "$C" >"$T_TMP/carry.diff" 2>"$T_TMP/carry.err"
expect_out "an annotation's Localhost profile becomes the container's field" \
	"+              localhostProfile: profiles/fine-grained.json" \
	sh -c 'grep -A9 "^ *- name: server" "$1" | grep "localhostProfile"' sh "$T_TMP/carry.diff"
expect_out "a pod-level Localhost profile is inherited, not shadowed by RuntimeDefault" \
	"+          localhostProfile: profiles/redis.json" sh -c 'grep "localhostProfile: profiles/redis" "$1"' sh "$T_TMP/carry.diff"
expect_out "... no RuntimeDefault but the one the pod's annotation asked for" "1" \
	sh -c 'grep -c "^+ *type: RuntimeDefault" "$1"' sh "$T_TMP/carry.diff"
expect_out "stderr says what each container got, and why" \
	"carry-over.yaml:22:11: note: Deployment checkoutservice: container 'server': Localhost profiles/fine-grained.json (carried over from its annotation localhost/profiles/fine-grained.json) [fix-choice]
carry-over.yaml:26:11: note: Deployment checkoutservice: container 'envoy': RuntimeDefault (carried over from the pod's annotation runtime/default) [fix-choice]
carry-over.yaml:39:7: note: Pod redis-cart: container 'redis': Localhost profiles/redis.json (inherited from the pod level) [fix-choice]" \
	sh -c 'sed "s|^[^:]*/||" "$1"' sh "$T_TMP/carry.err"
cp "$C" "$T_TMP/carry.yaml"
"$SCMPKIT" fix -i --profile profiles/other.json "$T_TMP/carry.yaml" 2>/dev/null
expect_out "--profile does not replace a profile the workload named" "profiles/fine-grained.json profiles/redis.json" \
	sh -c 'grep -o "localhostProfile: profiles/[a-z-]*.json" "$1" | sed "s/.* //" | sort -u | grep -v other | tr "\n" " " | sed "s/ $//"' sh "$T_TMP/carry.yaml"
# map containers to profiles by workload and container name
"$SCMPKIT" fix --profile checkoutservice/server=profiles/server-v2.json --profile exporter=profiles/exporter.json \
	"$C" >"$T_TMP/map.diff" 2>"$T_TMP/map.err"
expect_out "--profile WORKLOAD/CONTAINER=PATH and CONTAINER=PATH" "+              localhostProfile: profiles/server-v2.json
+          localhostProfile: profiles/exporter.json" sh -c 'grep "^+.*localhostProfile: profiles/\(server-v2\|exporter\)" "$1"' sh "$T_TMP/map.diff"
expect_msg "... and says which got what" 0 "container 'exporter': Localhost profiles/exporter.json \(--profile exporter=profiles/exporter.json\)" \
	cat "$T_TMP/map.err"
expect_msg "--profile CONTAINER=PATH must be relative too" 2 "relative" "$SCMPKIT" fix --profile web=/etc/x.json "$C"
expect_msg "--profile =PATH is not a mapping" 2 "CONTAINER=PATH" "$SCMPKIT" fix --profile =x.json "$C"
# fix in a pipe: -i - prints the fixed YAML, which lints without P1/P4 errors
"$SCMPKIT" fix -i - <"$D/kinds.yaml" >"$T_TMP/piped.yaml" 2>/dev/null
expect_out "fix -i - in a pipe prints the whole fixed manifest" "$(head -4 "$D/kinds.yaml")" head -4 "$T_TMP/piped.yaml"
expect_out "... which lints without P1/P4 errors" "0" \
	sh -c '"$1" lint -f json "$2" | grep -c "\"rule\": \"P[14]"' sh "$SCMPKIT" "$T_TMP/piped.yaml"
expect_out "... unchanged input comes through whole" "$(cat "$D/windows.yaml")" sh -c '"$1" fix -i - <"$2" 2>/dev/null' sh "$SCMPKIT" "$D/windows.yaml"
# never what the API server rejects: no allowPrivilegeEscalation: false beside
# privileged: true or CAP_SYS_ADMIN; a string "false" becomes the boolean
E=$D/escalation.yaml
cp "$E" "$T_TMP/esc.yaml"
"$SCMPKIT" fix -i "$T_TMP/esc.yaml" 2>"$T_TMP/esc.err"
expect_out "fix adds allowPrivilegeEscalation: false to no privileged or CAP_SYS_ADMIN container" \
	"2" sh -c 'diff "$1" "$2" | grep -c "allowPrivilegeEscalation"' sh "$E" "$T_TMP/esc.yaml"
expect_out "... and its output has no new api-server-rejects finding" \
	"$("$SCMPKIT" lint -f json "$E" | grep -c api-server-rejects | sed 's/3/2/')" \
	sh -c '"$1" lint -f json "$2" | grep -c api-server-rejects' sh "$SCMPKIT" "$T_TMP/esc.yaml"
expect_msg "... and says why on stderr" 0 "container 'helper' adds CAP_SYS_ADMIN: allowPrivilegeEscalation left unchanged" \
	cat "$T_TMP/esc.err"
# Windows pods: HostProcess, nodeSelector, node affinity
expect_out "Windows pods (hostProcess, nodeSelector, affinity) get no Linux-only fields" "@@ -111,3 +111,7 @@" \
	sh -c '"$1" fix "$2" 2>/dev/null | grep "^@@"' sh "$SCMPKIT" "$D/windows-hostprocess.yaml"
expect_msg "... and stderr says why each was left alone" 0 \
	"container 'exporter': left alone, a Windows pod \(windowsOptions.hostProcess: true\)" \
	"$SCMPKIT" fix "$D/windows-hostprocess.yaml"
done_testing
