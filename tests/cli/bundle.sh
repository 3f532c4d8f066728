#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit bundle: the checked-in example is what bundle writes today; lint
# finds nothing above a note in a bundle; the ConfigMap carries each profile
# byte for byte (projected as the kubelet does, node-sync installs from it
# exactly what it installs from the directory); the manifests pass
# Kubernetes' OpenAPI schemas; bad input exits 2 with the reason.
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
src=$SK_SOURCE_ROOT/deploy/profiles
ok "--help" "$SCMPKIT" bundle --help
expect_msg "one PROFILE_DIR" 2 "expected one PROFILE_DIR" "$SCMPKIT" bundle
expect_msg "--for" 2 "configmap or spo" "$SCMPKIT" bundle --for helm "$src"
expect_msg "a namespace Kubernetes refuses" 2 "DNS-1123" "$SCMPKIT" bundle -n Bad_NS "$src"
expect_msg "an image with a quote" 2 "not an image reference" "$SCMPKIT" bundle -i 'x" y' "$src"

ok "bundle writes the example" "$SCMPKIT" bundle "$src" -o "$T_TMP/b"
ok "deploy/kubernetes is what bundle writes (regenerate: scmpkit bundle deploy/profiles -o deploy/kubernetes)" \
	diff -r "$SK_SOURCE_ROOT/deploy/kubernetes" "$T_TMP/b"
expect_rc "lint on the bundle: nothing above a note" 0 "$SCMPKIT" lint --fail-on warning "$T_TMP/b"
ok "lint on the bundle: no warning or error printed" sh -c "! '$SCMPKIT' lint '$T_TMP/b' 2>&1 | grep -E ': (warning|error):'"

# kubectl apply -f - : the objects as one stream
"$SCMPKIT" bundle "$src" >"$T_TMP/stream.yaml" 2>/dev/null
ok "stdout: Namespace, ConfigMap, DaemonSet in one stream" "$PY" -c 'import sys, yaml
kinds = [d["kind"] for d in yaml.safe_load_all(open(sys.argv[1])) if d]
assert kinds == ["Namespace", "ConfigMap", "DaemonSet"], kinds' "$T_TMP/stream.yaml"

# The kubelet projects the ConfigMap into a volume; node-sync installs from
# it what it installs from the source directory itself.
"$PY" -c 'import os, sys, yaml
cm = yaml.safe_load(open(sys.argv[1]))
ts = os.path.join(sys.argv[2], "..2026_01_01_00_00_00.1")
os.makedirs(ts)
for k, v in cm["data"].items():
    open(os.path.join(ts, k), "w").write(v)
    os.symlink("..data/" + k, os.path.join(sys.argv[2], k))
os.symlink("..2026_01_01_00_00_00.1", os.path.join(sys.argv[2], "..data"))' "$T_TMP/b/configmap.yaml" "$T_TMP/cm"
ok "the ConfigMap holds each profile byte for byte" sh -c "cd '$src' && for f in *; do cmp \"\$f\" '$T_TMP/cm/'\"\$f\" || exit 1; done"
ok "node-sync from the projected ConfigMap" "$SCMPKIT" node-sync --from "$T_TMP/cm" --root "$T_TMP/r1" --once
ok "node-sync from the directory" "$SCMPKIT" node-sync --from "$src" --root "$T_TMP/r2" --once
ok "the same profiles installed either way" diff -r -x .scmpkit-owned.json "$T_TMP/r1/scmpkit" "$T_TMP/r2/scmpkit"
ok "the examples name what node-sync installs" sh -c "for f in '$T_TMP'/b/examples/*.yaml; do
	lp=\$(sed -n 's/.*localhostProfile: //p' \"\$f\"); test -f '$T_TMP/r1/'\"\$lp\" || exit 1; done"
expect_rc "lint --profiles-dir: the examples' profiles exist, no error" 0 \
	"$SCMPKIT" lint --fail-on error --profiles-dir "$T_TMP/r1" "$T_TMP/b/examples"

# Kubernetes' OpenAPI schemas (kubernetes-models); the validator must also
# refuse a broken object, or its "valid" means nothing
schema=$SK_SOURCE_ROOT/tests/k8s-schema
if [ -d "$schema/node_modules" ] && command -v node >/dev/null; then
	ok "the manifests pass Kubernetes' schemas" node "$schema/validate.js" "$T_TMP"/b/*.yaml "$T_TMP"/b/examples/*.yaml
	sed 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: "yes"/' "$T_TMP/b/daemonset.yaml" >"$T_TMP/broken.yaml"
	expect_rc "the schema check refuses a broken DaemonSet" 1 node "$schema/validate.js" "$T_TMP/broken.yaml"
else
	t_report ok "# SKIP tests/k8s-schema: run npm ci there (tools/test.sh does)"
fi

# a profile that node-sync would reject stops the bundle
mkdir -p "$T_TMP/broken"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$T_TMP/broken/app.json"
expect_msg "a profile lint rejects: exit 2, the reason" 2 "app.json:1:19: error: .*P7-missing-essential" \
	"$SCMPKIT" bundle "$T_TMP/broken" -o "$T_TMP/nob"
ok "nothing written" test ! -e "$T_TMP/nob"
mkdir -p "$T_TMP/names" && cp "$src/hello.json" "$T_TMP/names/Hello_World.json" && cp "$src/hello.json" "$T_TMP/names/hello-world.json"
expect_msg "two profiles, one object name" 2 "both be named 'hello-world'" "$SCMPKIT" bundle "$T_TMP/names"

# --for spo: SeccompProfile objects of the operator's v1 API
ok "--for spo" "$SCMPKIT" bundle --for spo --arch x86_64 "$src" -o "$T_TMP/spo"
ok "--for spo: examples name operator/NAME.json" grep -q "localhostProfile: operator/hello.json" "$T_TMP/spo/examples/hello.yaml"
expect_rc "lint on the SPO bundle: nothing above a note" 0 "$SCMPKIT" lint --fail-on warning "$T_TMP/spo"
ok "lint on the SPO bundle: no warning or error printed" sh -c "! '$SCMPKIT' lint '$T_TMP/spo' 2>&1 | grep -E ': (warning|error):'"
# Docker's format arrives resolved for the arch. (Docker's default is no
# example: P3 ranks it last, the kubelet has it as RuntimeDefault without a
# file, and resolved for one host its kernel-gated ptrace and process_vm_*
# become plain allows that lint rightly warns about.)
mkdir -p "$T_TMP/docker" && cp "$SK_SHARED_DATA/profiles/docker-default.json" "$T_TMP/docker/"
ok "--for spo on Docker's format" "$SCMPKIT" bundle --for spo --arch x86_64 "$T_TMP/docker" -o "$T_TMP/dspo"
ok "--for spo: v1, cluster-scoped, resolved (no archMap)" "$PY" -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["apiVersion"] == "security-profiles-operator.x-k8s.io/v1" and d["kind"] == "SeccompProfile", d
assert "namespace" not in d["metadata"] and "archMap" not in d["spec"], d["metadata"]
assert d["spec"]["architectures"][0] == "SCMP_ARCH_X86_64", d["spec"]["architectures"]' "$T_TMP/dspo/seccompprofile-docker-default.yaml"
done_testing
