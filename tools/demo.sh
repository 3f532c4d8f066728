#!/bin/sh
# scmpkit's main job on a real program, from a fresh Debian 12 machine:
# install what is needed, build, record python3, lint the profile, and run
# python3 under it with the filter enforced.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./tools/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
S=$root/build/cli/scmpkit
dir=${SK_DEMO_DIR:-/tmp/scmpkit-demo}
mkdir -p "$dir"
prog='import hashlib, json, os; print(json.dumps({"pid_ok": os.getpid() > 0, "sha256": hashlib.sha256(b"scmpkit").hexdigest()[:16]}))'

echo "\$ scmpkit record -o $dir/python3.json -- python3 -c '...'"
"$S" record -o "$dir/python3.json" -- /usr/bin/python3 -c "$prog"
echo
echo "\$ scmpkit diff $dir/python3.json $dir/python3.json   # what it allows, per arch:"
n=$(grep -c '^ *"[a-z_0-9]*",\?$' "$dir/python3.json" || true)
echo "$n syscall names allowed; default action: $(grep -o '"defaultAction": *"[A-Z_]*"' "$dir/python3.json")"
echo
echo "\$ scmpkit lint $dir/python3.json"
"$S" lint "$dir/python3.json" || true
echo
echo "\$ scmpkit run -p $dir/python3.json -- python3 -c '...'"
"$S" run -p "$dir/python3.json" -- /usr/bin/python3 -c "$prog"
echo
echo "\$ scmpkit run -p $dir/python3.json -- python3 -c 'import os; os.unshare(0)'   # not recorded: denied"
"$S" run -p "$dir/python3.json" -- /usr/bin/python3 -c 'import os; os.unshare(0)' 2>&1 | tail -1 || true
