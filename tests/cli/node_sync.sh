#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scmpkit node-sync from the command line: usage, exit codes, what it prints,
# --subdir, --probe, and hostile sources (links out, odd names, huge files).
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
src=$T_TMP/src root=$T_TMP/root
mkdir -p "$src"
good='{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["read", "write", "exit", "exit_group", "rt_sigreturn", "restart_syscall"], "action": "SCMP_ACT_ALLOW"}]}'
echo "$good" >"$src/web.json"

ok "--help" "$SCMPKIT" node-sync --help
expect_msg "--from and --root are required" 2 "required" "$SCMPKIT" node-sync --once
expect_msg "a bad --interval" 2 "duration" "$SCMPKIT" node-sync --from "$src" --root "$root" --interval 3x
expect_msg "--once with --interval" 2 "exclude" "$SCMPKIT" node-sync --from "$src" --root "$root" --once --interval 1s
expect_msg "--probe needs --status" 2 "status" "$SCMPKIT" node-sync --probe
expect_msg "a bad --subdir" 1 "plain names" "$SCMPKIT" node-sync --from "$src" --root "$root" --once --subdir ../x
expect_msg "--once installs" 0 "installed $root/scmpkit/web.json" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once --status "$T_TMP/status.json"
expect_msg "a second run changes nothing" 0 "0 new, 0 updated, 1 unchanged" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once
expect_out "--probe: ready" "scmpkit node-sync: ready" "$SCMPKIT" node-sync --probe --status "$T_TMP/status.json"
expect_msg "--subdir" 0 "installed $root/team/web/web.json" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once --subdir team/web

# hostile source entries: none installed, none followed, the rest still works
echo "$good" >"$T_TMP/outside.json"
ln -s "$T_TMP/outside.json" "$src/link.json"
echo "$good" >"$src/$(printf 'bad\377name.json')"
echo "$good" >"$src/has space.json"
head -c 5000000 /dev/zero | tr '\0' ' ' >"$src/huge.json"
mkdir "$src/sub.json"
mkfifo "$src/fifo.json"
expect_msg "hostile entries are ignored, web.json stays" 0 "1 unchanged\), 0 rejected, 0 removed, 6 ignored" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once
expect_msg "ignored entries are named, escaped" 0 'bad\\xffname.json' \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once
ok "nothing but web.json installed" sh -c "[ \"\$(ls '$root/scmpkit')\" = web.json ]"
rm -f "$src/link.json" "$src"/bad* "$src/has space.json" "$src/huge.json" "$src/fifo.json"; rmdir "$src/sub.json"

# a broken profile: exit 1, the reason with file:line:col, the old one kept
printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}\n' >"$src/web.json"
expect_msg "a broken profile: exit 1, file:line:col" 1 "$src/web.json:2:45: error: unknown action" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once --status "$T_TMP/status.json"
expect_msg "a broken profile: the last good version stays" 1 "last good version stays" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once
expect_msg "--probe: not ready, names it" 1 "not ready: 1 profile\(s\) rejected, first: web.json" \
	"$SCMPKIT" node-sync --probe --status "$T_TMP/status.json"
echo '{"scmpkitNodeSync": 1, "ready": true}' >"$T_TMP/forged.json"
expect_msg "--probe: a malformed status file" 1 "lastSyncUnix" "$SCMPKIT" node-sync --probe --status "$T_TMP/forged.json"
rm "$src/web.json"
expect_msg "removed from the source, removed from the node" 0 "removed $root/scmpkit/web.json" \
	"$SCMPKIT" node-sync --from "$src" --root "$root" --once
expect_msg "a missing source: exit 1, nothing changed" 1 "cannot open" \
	"$SCMPKIT" node-sync --from "$T_TMP/nope" --root "$root" --once
# SeccompProfile objects, v1beta1 and v1 (the operator's storage version): both
# installed as runtime-spec JSON
mkdir -p "$T_TMP/spo"
for v in v1beta1 v1; do
	cat >"$T_TMP/spo/web-$v.yaml" <<YML
apiVersion: security-profiles-operator.x-k8s.io/$v
kind: SeccompProfile
metadata:
  name: web
spec:
  defaultAction: SCMP_ACT_ERRNO
  architectures: [SCMP_ARCH_X86_64]
  syscalls:
  - action: SCMP_ACT_ALLOW
    names: [read, write, exit, exit_group, rt_sigreturn, restart_syscall]
YML
done
"$SCMPKIT" node-sync --from "$T_TMP/spo" --root "$T_TMP/spo-root" --once >"$T_TMP/spo.out" 2>&1
ok "a SeccompProfile (v1beta1) installed as runtime-spec JSON" "$PY" -c 'import json, sys
p = json.load(open(sys.argv[1]))
assert p["defaultAction"] == "SCMP_ACT_ERRNO" and "kind" not in p and "spec" not in p, p' "$T_TMP/spo-root/scmpkit/web-v1beta1.json"
ok "a SeccompProfile (v1) installed" test -f "$T_TMP/spo-root/scmpkit/web-v1.json"
# baseProfileName: stacked as the operator stacks it, on a published base or
# another profile of the same source; what cannot be resolved is refused by name
mkdir -p "$T_TMP/b"
sed 's/^spec:/spec:\n  baseProfileName: runc-v1.1.5/' "$T_TMP/spo/web-v1.yaml" >"$T_TMP/b/web.yaml"
sed 's/^  name: web/  name: app/; s/^spec:/spec:\n  baseProfileName: web/; s/names: .*/names: [getpid]/' \
	"$T_TMP/spo/web-v1.yaml" >"$T_TMP/b/app.yaml"
expect_msg "stacked on runc-v1.1.5, and on a profile of the source: both installed" 0 \
	"2 new, 0 updated, 0 unchanged\), 0 rejected" \
	"$SCMPKIT" node-sync --from "$T_TMP/b" --root "$T_TMP/b-root" --once
ok "app.json holds its own call, web's and the base's" sh -c \
	"grep -q '\"getpid\"' '$T_TMP/b-root/scmpkit/app.json' && grep -q '\"exit\"' '$T_TMP/b-root/scmpkit/app.json' && grep -q '\"pivot_root\"' '$T_TMP/b-root/scmpkit/app.json'"
sed 's/^  name: web/  name: lost/; s/^spec:/spec:\n  baseProfileName: runc-v0.0.1/' \
	"$T_TMP/spo/web-v1.yaml" >"$T_TMP/b/lost.yaml"
expect_msg "an unknown base: refused, named, with its position" 1 \
	"$T_TMP/b/lost.yaml:6:20: error: baseProfileName \"runc-v0.0.1\" is neither" \
	"$SCMPKIT" node-sync --from "$T_TMP/b" --root "$T_TMP/b-root" --once
rm "$T_TMP/b/lost.yaml"
sed 's/^  baseProfileName: runc-v1.1.5/  baseProfileName: app/' "$T_TMP/b/web.yaml" >"$T_TMP/b/web.tmp" &&
	mv "$T_TMP/b/web.tmp" "$T_TMP/b/web.yaml"
expect_msg "a cycle of bases (web -> app -> web): refused" 1 "cycle" \
	"$SCMPKIT" node-sync --from "$T_TMP/b" --root "$T_TMP/b-root" --once
# libcrypto (the digests) is loaded when first needed, not at start-up:
# without a usable one node-sync changes nothing and says so (exit 1), and
# commands that need no digest run as before
mkdir -p "$T_TMP/nocrypto" "$T_TMP/root-nc" "$T_TMP/src-nc" && echo "not a library" >"$T_TMP/nocrypto/libcrypto.so.3"
echo "$good" >"$T_TMP/src-nc/web.json"
expect_msg "without a usable libcrypto: exit 1, nothing changed, saying a library is missing" 1 \
	"nothing was changed: Can not access a needed shared library" \
	env LD_LIBRARY_PATH="$T_TMP/nocrypto" "$SCMPKIT" node-sync --from "$T_TMP/src-nc" --root "$T_TMP/root-nc" --once
ok "... and nothing installed" test ! -e "$T_TMP/root-nc/scmpkit/web.json"
ok "lint runs without libcrypto (it is not loaded at start-up)" \
	env LD_LIBRARY_PATH="$T_TMP/nocrypto" "$SCMPKIT" lint "$T_TMP/src-nc/web.json"
done_testing
