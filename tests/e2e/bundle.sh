# SPDX-License-Identifier: Apache-2.0
# Build an OCI bundle with a busybox-static rootfs, for runc (Debian packages
# runc, busybox-static). Source this file, then:
#   sk_make_bundle DIR [PROFILE.json] [-- CMD ARGS...]
# writes DIR/rootfs and DIR/config.json (runc spec, no terminal, no network
# namespace changes needed) with linux.seccomp set from PROFILE (an OCI
# linux.seccomp object, as `scmpkit convert --to oci` writes it) and process.args
# set to CMD. Environment: SK_NNP=false gives noNewPrivileges false (default true).
#   sk_runc DIR  runs it with a unique container id; prints the command's output,
#   returns its exit status.
#   sk_need_runc  skips the whole script unless root with runc and busybox-static.
SK_PY=/usr/bin/python3

sk_need_runc() {
	need_root "runc runs containers as root"
	command -v runc >/dev/null || skip_all "runc not installed"
	[ -x /bin/busybox ] || skip_all "busybox-static not installed"
}

sk_make_bundle() {
	dir=$1; shift
	prof=
	if [ $# -gt 0 ] && [ "$1" != -- ]; then prof=$1; shift; fi
	[ "${1:-}" = -- ] && shift
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/tmp" \
		"$dir/rootfs/etc" "$dir/rootfs/sys"
	cp /bin/busybox "$dir/rootfs/bin/busybox"
	for app in sh echo cat ls true false sleep id uname mkdir rm touch wc grep \
		head date env stat chmod ln nproc hostname; do
		ln -sf busybox "$dir/rootfs/bin/$app"
	done
	echo 'root:x:0:0:root:/:/bin/sh' >"$dir/rootfs/etc/passwd"
	(cd "$dir" && rm -f config.json && runc spec) || return 1
	SK_PROF="$prof" SK_NNP="${SK_NNP:-true}" "$SK_PY" - "$dir/config.json" "$@" <<'PY'
import json, os, sys
path, args = sys.argv[1], sys.argv[2:]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["noNewPrivileges"] = os.environ["SK_NNP"] == "true"
c["root"]["readonly"] = False
if args:
    c["process"]["args"] = args
prof = os.environ.get("SK_PROF")
if prof:
    p = json.load(open(prof))
    p = p.get("linux", {}).get("seccomp", p) if "linux" in p else p
    c["linux"]["seccomp"] = p
else:
    c["linux"].pop("seccomp", None)
json.dump(c, open(path, "w"), indent=1)
PY
}

sk_runc() {
	id="sk-test-$$-$(date +%s%N)"
	runc run --bundle "$1" "$id" </dev/null
	rc=$?
	runc delete -f "$id" >/dev/null 2>&1
	return $rc
}
