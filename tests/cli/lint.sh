#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit lint: the manifest corpus (every expected finding at its line and
# nothing else), profiles, runc configs, output formats, controls, exit codes.
. "$(dirname "$0")/tap.sh"

D=$SK_SOURCE_ROOT/tests/data/manifests
P=$D/lint

# "LINE RULE" for every finding of FILE, sorted.
actual() {
	"$SCMPKIT" lint --fail-on error --format json "$1" |
		sed -n 's/.*"line": \([0-9]*\),.*"rule": "\([^"]*\)".*/\1 \2/p' | sort
}
# "LINE RULE" for every "# expect: RULE..." comment of FILE (and FILE.expected).
expected() {
	awk '{ if (match($0, /# expect: .*/)) {
		n = split(substr($0, RSTART + 10), r, " ");
		for (i = 1; i <= n; i++) print NR " " r[i] } }' "$1"
	[ -f "$1.expected" ] && cat "$1.expected"
} 
corpus_case() {
	f=$1
	expected "$f" | sort >"$T_TMP/want"
	actual "$f" >"$T_TMP/got"
	if cmp -s "$T_TMP/want" "$T_TMP/got"; then t_report ok "corpus $(basename "$f")"; else
		diff "$T_TMP/want" "$T_TMP/got" >"$T_TMP/out"; t_report fail "corpus $(basename "$f")" "$T_TMP/out"; fi
}
for f in "$D"/*.yaml "$D"/*.json; do
	corpus_case "$f"
done

expect_rc "findings exit 1" 1 "$SCMPKIT" lint "$D/kinds.yaml"
expect_rc "clean file exits 0" 0 "$SCMPKIT" lint "$D/windows.yaml"
expect_rc "CRDs are clean" 0 "$SCMPKIT" lint "$D/crd.yaml"
expect_rc "notes do not fail by default" 0 "$SCMPKIT" lint "$P/good-runtime-default.yaml"
expect_rc "--fail-on note fails on notes" 1 "$SCMPKIT" lint --fail-on note "$P/good-runtime-default.yaml"
expect_rc "--disable silences a rule" 0 "$SCMPKIT" lint --disable P4-unconfined "$D/pod.json"
expect_msg "--disable rejects unknown rules" 2 "unknown rule" "$SCMPKIT" lint --disable P9-nope "$D/pod.json"
expect_msg "syntax error: exit 2 with file:line:col" 2 "broken.yaml:[0-9]+:[0-9]+: error" "$SCMPKIT" lint "$P/broken.yaml"
expect_rc "missing file: exit 2" 2 "$SCMPKIT" lint "$P/no-such-file.yaml"
expect_msg "unknown input: exit 2" 2 "neither a seccomp profile" "$SCMPKIT" lint "$P/not-k8s.yaml"
expect_rc "stdin" 1 sh -c '"$SCMPKIT" lint - < "$1"' sh "$D/pod.json"
expect_msg "text is compiler-style with a fix line" 1 \
	"pod.json:12:39: error: .*Unconfined \[P4-unconfined\]" "$SCMPKIT" lint "$D/pod.json"
expect_msg "text has the fix" 1 "^    fix: use type: Localhost" "$SCMPKIT" lint "$D/pod.json"
expect_msg "a directory is searched" 1 "profiles/debug.json:2:.*P6-default-allow" "$SCMPKIT" lint "$P/seccomp-root"

# profiles
expect_msg "default-allow deny-list" 1 "deny-list.json:2:.*P6-default-allow" "$SCMPKIT" lint "$P/deny-list.json"
expect_msg "missing essentials are errors when the default blocks" 1 \
	"error: 'exit_group' is not allowed.*P7-missing-essential" "$SCMPKIT" lint "$P/no-exit.json"
expect_msg "dangerous calls with Docker's reason" 0 \
	"warning: 'keyctl' is allowed: the kernel keyring is not namespaced" "$SCMPKIT" lint "$P/dangerous.json"
expect_msg "clone with a flags filter is fine" 0 "^[^']*$|'keyctl'" sh -c '"$SCMPKIT" lint "$1" | grep -v "clone"' sh "$P/dangerous.json"
expect_msg "audit mode is flagged" 0 "P5-audit-mode" "$SCMPKIT" lint "$P/audit.json"
expect_msg "amd64 names on arm64: name the replacement" 0 \
	"'open' does not exist on aarch64, where libc calls 'openat'" "$SCMPKIT" lint "$P/amd64-on-arm64.json"
expect_msg "conflicting actions" 1 "conflicting-action" "$SCMPKIT" lint "$P/mistakes.json"
expect_msg "duplicates" 1 "duplicate-syscall" "$SCMPKIT" lint "$P/mistakes.json"
expect_msg "args that never match" 1 "arg-never-matches" "$SCMPKIT" lint "$P/mistakes.json"
expect_msg "notify without listener" 1 "notify-no-listener" "$SCMPKIT" lint "$P/mistakes.json"
expect_msg "runtime-coupled calls are a P1 note" 1 "note: 'capset' is allowed.*P1-runtime-coupled" "$SCMPKIT" lint --fail-on note "$P/dangerous.json"
expect_msg "kill with no rules" 1 "kill-no-rules" "$SCMPKIT" lint "$P/kill-empty.json"
cat >"$T_TMP/no-runc.json" <<'J'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write", "exit", "exit_group",
 "rt_sigreturn", "restart_syscall", "execve", "openat", "close"], "action": "SCMP_ACT_ALLOW"}]}
J
expect_msg "calls runc makes after loading the filter: a P1 note naming the missing ones" 0 \
	"no-runc.json:1:19: note: runc makes epoll_ctl, fstatfs, futex, getdents64, getpid, prctl itself after loading the filter.*P1-runtime-calls" \
	"$SCMPKIT" lint "$T_TMP/no-runc.json"
expect_out "... and the profile from learn --runtime runc has none" 0 \
	sh -c "'$SCMPKIT' learn --from '$SK_SOURCE_ROOT/tests/data/audit/journal.json' -p '$T_TMP/no-runc.json' --runtime runc -o '$T_TMP/runc-ok.json' 2>/dev/null && '$SCMPKIT' lint '$T_TMP/runc-ok.json' | grep -c P1-runtime-calls || true"
expect_rc "Docker's default profile has no errors" 0 "$SCMPKIT" lint "$SK_SHARED_DATA/profiles/docker-default.json"
expect_msg "runc config without seccomp" 1 "config.json:[0-9]+:[0-9]+: error: .*P4-no-seccomp" "$SCMPKIT" lint "$P/runc-noseccomp/config.json"
expect_msg "runc config: noNewPrivileges" 1 "P1-no-new-privs" "$SCMPKIT" lint "$P/runc-noseccomp/config.json"

# Localhost profiles under --profiles-dir are checked and linted, findings inside them
expect_msg "missing Localhost profile" 1 "list.yaml:16:33: error: .*does not exist under.*P3-localhost-missing" \
	"$SCMPKIT" lint --profiles-dir "$P/seccomp-root" "$D/list.yaml"
expect_msg "Localhost profile is linted, findings point into it" 1 \
	"seccomp-root/profiles/debug.json:2:[0-9]+: error: .*P6-default-allow" \
	"$SCMPKIT" lint --profiles-dir "$P/seccomp-root" "$D/kinds.yaml"

if command -v node >/dev/null; then
	expect_out "json parses, one object per finding, every field" \
		"1 file,line,column,severity,rule,practice,message,fix 12 P4" \
		sh -c '"$SCMPKIT" lint -f json "$1" | node -e "
			const a = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));
			console.log(a.length, Object.keys(a[0]).join(), a[0].line, a[0].practice)"' sh "$D/pod.json"
fi
# Kubernetes' own verdicts: our equivalents of pod-security-admission's
# Restricted fixtures. Rejected ones get an error of the matching family,
# accepted ones no P1/P4 error.
PSA=$SK_SOURCE_ROOT/tests/data/psa
for f in "$PSA"/fail/*.yaml; do
	case $(basename "$f") in
	seccomp-*) want='^P4-(unconfined|no-seccomp-profile)$' ;;
	ape-*) want='^P1-allow-privilege-escalation$' ;;
	privileged-*) want='^P4-privileged$' ;;
	esac
	expect_rc "PSA Restricted rejects $(basename "$f"): an error finding" 0 \
		sh -c 'errors() { "$SCMPKIT" lint -f json "$1" | grep -o "\"severity\": \"error\", \"rule\": \"[^\"]*\"" | sed "s/.*\"rule\": \"//; s/\"\$//"; }
		errors "$1" | grep -Eq "$2"' sh "$f" "$want"
done
for f in "$PSA"/pass/*.yaml; do
	expect_out "PSA Restricted accepts $(basename "$f"): no P1/P4 error" "" \
		sh -c '"$SCMPKIT" lint -f json "$1" | grep -o "\"severity\": \"error\", \"rule\": \"P[14][^\"]*\""' sh "$f"
done
# SARIF 2.1.0, checked by a real validator (tests/sarif: npm ci)
SARIF=$SK_SOURCE_ROOT/tests/sarif
if [ -n "$(find "$SARIF/node_modules" -name Sarif.Multitool -type f 2>/dev/null)" ] && command -v node >/dev/null; then
	"$SCMPKIT" lint -f sarif "$D" "$SK_SHARED_DATA/profiles/docker-default.json" >"$T_TMP/all.sarif" 2>/dev/null
	"$SCMPKIT" lint -f sarif "$D/windows.yaml" >"$T_TMP/empty.sarif"
	ok "SARIF of the whole corpus is valid (SARIF Multitool)" "$SARIF/validate.sh" "$T_TMP/all.sarif"
	ok "SARIF without results is valid" "$SARIF/validate.sh" "$T_TMP/empty.sarif"
	sed 's/"startLine": [0-9]*/"startLine": 0/' "$T_TMP/all.sarif" >"$T_TMP/bad.sarif"
	expect_rc "the validator rejects a broken SARIF file" 1 "$SARIF/validate.sh" "$T_TMP/bad.sarif"
else
	T_N=$((T_N + 1)); echo "ok $T_N - SARIF validation # SKIP run 'npm ci' in tests/sarif"
fi
# GitHub code scanning: every rule has a full description, help (text and
# markdown), the security tag and a security-severity
if command -v node >/dev/null; then
	expect_out "SARIF rules carry what GitHub shows" "ok" sh -c '"$1" lint -f sarif "$2" | node -e "
		const s = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));
		const bad = s.runs[0].tool.driver.rules.filter(r => !r.fullDescription || !r.fullDescription.text ||
			!r.help || !r.help.text || !r.help.markdown || !r.properties.tags.includes(\"security\") ||
			!(parseFloat(r.properties[\"security-severity\"]) > 0));
		console.log(bad.length ? bad.map(r => r.id).join() : \"ok\")"' sh "$SCMPKIT" "$D/pod.json"
fi

# one document reader: what YAML may say (issue 13)
expect_msg "a duplicate key is an error (exit 2) ..." 2 \
	"duplicate-keys.yaml:26:11: error: duplicate key \"securityContext\" \(first at line 20\)" \
	"$SCMPKIT" lint "$P/duplicate-keys.yaml"
expect_msg "... naming the first place too" 2 \
	"duplicate-keys.yaml:20:11: note: \"securityContext\" is first set here" "$SCMPKIT" lint "$P/duplicate-keys.yaml"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: "x\\e[2K"}\nspec:\n  containers: [{name: "a\\e[1A", securityContext: {allowPrivilegeEscalation: false}}]\n' >"$T_TMP/esc.yaml"
expect_msg "control characters of manifest values are escaped in text" 1 "Pod x\\\\e\[2K: container 'a\\\\e\[1A'" \
	"$SCMPKIT" lint "$T_TMP/esc.yaml"
# directories: what is no manifest is skipped with a note, never exit 2
R=$P/repo
expect_rc "a directory of a kustomize overlay and a Helm chart: exit 0" 0 "$SCMPKIT" lint "$R"
"$SCMPKIT" lint "$R/" >"$T_TMP/repo.out" 2>"$T_TMP/repo.err"
expect_out "... a note for each file skipped" "chart/Chart.yaml: not a Kubernetes manifest
chart/templates/deployment.yaml: a Helm template
chart/templates/serviceaccount.yaml: a Helm template
chart/values.yaml: not a Kubernetes manifest
overlays/prod/replicas.yaml: a patch the kustomization
overlays/prod/resources.yaml: a patch the kustomization" \
	sed -n 's#^.*/repo/\([^:]*\): note: skipped: \(a Helm template\|a patch the kustomization\|not a Kubernetes manifest\).*#\1: \2#p' "$T_TMP/repo.err"
expect_out "... paths without doubled slashes" "" grep -h "//" "$T_TMP/repo.out" "$T_TMP/repo.err"
cp "$R/chart/templates/deployment.yaml" "$T_TMP/tmpl.yaml"
expect_msg "a Helm template named on the command line is bad input" 2 "tmpl.yaml:[0-9]+:[0-9]+: error" \
	"$SCMPKIT" lint "$T_TMP/tmpl.yaml"
mkdir -p "$T_TMP/dir"
cp "$P/broken.yaml" "$P/not-k8s.yaml" "$D/pod.json" "$T_TMP/dir/"
expect_msg "a broken file in a directory is a finding, not exit 2" 1 "dir/broken.yaml:[0-9]+:[0-9]+: error" \
	"$SCMPKIT" lint "$T_TMP/dir"
mkdir -p "$T_TMP/loop/a"
ln -s .. "$T_TMP/loop/a/up"
cp "$D/pod.json" "$T_TMP/loop/"
expect_out "a symlink back up a directory is walked once" "1" \
	sh -c '"$1" lint "$2" 2>/dev/null | grep -c "P4-unconfined"' sh "$SCMPKIT" "$T_TMP/loop"
expect_out "stdin is named the same in every format" "stdin stdin stdin" sh -c '
	a=$("$1" lint - <"$2" | sed -n "1s/:.*//p")
	b=$("$1" lint -f json - <"$2" | sed -n "s/.*\"file\": \"\([^\"]*\)\".*/\1/p" | head -1)
	c=$("$1" lint -f sarif - <"$2" | sed -n "s/.*\"uri\": \"\([^\"]*\)\".*/\1/p" | head -1)
	echo "$a $b $c"' sh "$SCMPKIT" "$D/pod.json"
# profiles: names for no listed architecture, sigreturn, Docker's format as Localhost
expect_msg "names that exist on none of the profile's architectures" 1 \
	"flattened.json:6:42: note: 'arm_fadvise64_64' exists on none of the profile's architectures \(x86_64, x86, x32\).*syscall-not-on-arch" \
	"$SCMPKIT" lint "$P/flattened.json"
expect_msg "sigreturn is missing on 32-bit x86 only" 1 \
	"error: 'sigreturn' is not allowed: x86 \(32-bit\) processes cannot return from signal handlers" \
	"$SCMPKIT" lint "$P/flattened.json"
expect_msg "a Localhost profile in Docker's format: containerd drops archMap and includes" 0 \
	"node-agent.json:5:5: warning: a Localhost profile in Docker's format \(archMap\): containerd reads it as runtime-spec JSON.*CRI-O honours them.*convert --to oci" \
	sh -c '"$1" lint --profiles-dir "$2" "$3" 2>&1 | tr "\n" " "' sh "$SCMPKIT" "$P/seccomp-root" "$P/localhost-docker.yaml"
expect_out "... and a Docker profile linted on its own is not one" "" \
	sh -c '"$1" lint "$2" | grep docker-format-localhost' sh "$SCMPKIT" "$P/seccomp-root/profiles/node-agent.json"
# Localhost files that are no profile: a FIFO (never waited on), an empty file
mkdir -p "$T_TMP/root"
mkfifo "$T_TMP/root/fifo.json"
: >"$T_TMP/root/empty.json"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - {name: a, securityContext: {allowPrivilegeEscalation: false, seccompProfile: {type: Localhost, localhostProfile: fifo.json}}}\n  - {name: b, securityContext: {allowPrivilegeEscalation: false, seccompProfile: {type: Localhost, localhostProfile: empty.json}}}\n' >"$T_TMP/lh.yaml"
expect_msg "a FIFO under --profiles-dir is no profile (and no hang)" 1 "Localhost profile 'fifo.json' under .*root/ is not a regular file" \
	timeout 20 "$SCMPKIT" lint --profiles-dir "$T_TMP/root/" "$T_TMP/lh.yaml"
expect_msg "an empty one cannot be loaded" 1 "Localhost profile 'empty.json' under .*root is empty" \
	"$SCMPKIT" lint --profiles-dir "$T_TMP/root" "$T_TMP/lh.yaml"
# texts (issue 13 item 14)
expect_msg "P5's fix names a command that exists" 0 "fix: learn from the log \(scmpkit learn\)" "$SCMPKIT" lint "$P/audit.json"
expect_msg "the annotation's history: API servers up to 1.26 still copied it" 1 \
	"annotation seccomp.security.alpha.kubernetes.io/pod has no effect since Kubernetes 1.27 \(API servers up to 1.26 copied it into securityContext.seccompProfile" \
	"$SCMPKIT" lint "$D/annotations.yaml"
for cmd in $("$SCMPKIT" lint --list-rules >/dev/null; "$SCMPKIT" lint -f sarif "$D/pod.json" | grep -o 'scmpkit [a-z-]*' | sort -u | sed 's/scmpkit //'); do
	expect_rc "every command a fix text names exists: scmpkit $cmd" 0 "$SCMPKIT" "$cmd" --help
done
expect_rc "--help" 0 "$SCMPKIT" lint --help
expect_rc "--list-rules" 0 "$SCMPKIT" lint --list-rules
done_testing
