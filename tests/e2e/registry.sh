#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Profiles as OCI artifacts against a real registry: Debian's docker-registry
# (CNCF distribution) on a loopback port with its own storage, started here
# and stopped at the end; skopeo (Debian) reads what scmpkit pushed. Push,
# pull by tag and by digest, reproducible digests, a tampered blob and a
# non-profile artifact refused, Basic credentials from a Docker config file,
# node-sync --from oci://.
. "$(dirname "$0")/../cli/tap.sh"
PY=/usr/bin/python3
command -v docker-registry >/dev/null || skip_all "docker-registry is not installed"
command -v skopeo >/dev/null || skip_all "skopeo is not installed"

# start_registry NAME [AUTH-YAML]: a registry on a free loopback port; sets $port
start_registry() {
	name=$1 auth=${2:-}
	tries=0
	while [ $tries -lt 10 ]; do
		port=$((20000 + ($$ * 7 + tries * 131 + ${#name} * 977) % 30000))
		# a port something already answers on is not ours to test against
		"$PY" -c 'import socket, sys
s = socket.socket(); s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) else 1)' "$port" || { tries=$((tries + 1)); continue; }
		mkdir -p "$T_TMP/$name"
		cat >"$T_TMP/$name/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $T_TMP/$name/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$auth
YML
		docker-registry serve "$T_TMP/$name/config.yml" >"$T_TMP/$name/log" 2>&1 &
		echo $! >"$T_TMP/$name/pid"
		i=0
		while [ $i -lt 50 ]; do
			if "$PY" -c 'import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen("http://127.0.0.1:%s/v2/" % sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass' "$port" 2>/dev/null; then
				return 0
			fi
			kill -0 "$(cat "$T_TMP/$name/pid")" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		kill "$(cat "$T_TMP/$name/pid")" 2>/dev/null
		wait "$(cat "$T_TMP/$name/pid")" 2>/dev/null
		tries=$((tries + 1))
	done
	return 1
}
stop_registries() {
	for p in "$T_TMP"/*/pid "$T_TMP"/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null && wait "$(cat "$p")" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap stop_registries EXIT

start_registry reg || { cat "$T_TMP/reg/log"; skip_all "the registry did not start"; }
R=localhost:$port
printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],\n "syscalls": [{"names": ["read", "write", "exit", "exit_group", "rt_sigreturn", "restart_syscall"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$T_TMP/web.json"

expect_msg "push by tag prints REF@DIGEST" 0 "^$R/team/web:v1@sha256:[0-9a-f]{64}$" \
	"$SCMPKIT" push "$T_TMP/web.json" "$R/team/web:v1"
digest=$("$SCMPKIT" push "$T_TMP/web.json" "oci://$R/team/web:v1" 2>/dev/null | sed 's/.*@//')
expect_out "the same profile pushed again: the same digest" "$digest" \
	sh -c "'$SCMPKIT' push '$T_TMP/web.json' '$R/team/web:v2' | sed 's/.*@//'"

skopeo inspect --raw --tls-verify=false "docker://$R/team/web:v1" >"$T_TMP/manifest.json" 2>"$T_TMP/skopeo.err"
ok "skopeo reads it: the artifact layout of SPO, CRI-O and the KEP" "$PY" -c 'import hashlib, json, sys
m = json.load(open(sys.argv[1]))
T = "application/vnd.cncf.seccomp-profile.config.v1+json"
assert m["schemaVersion"] == 2 and m["mediaType"] == "application/vnd.oci.image.manifest.v1+json", m
assert m["artifactType"] == T and m["config"]["mediaType"] == T, m
assert m["config"]["digest"] == "sha256:" + hashlib.sha256(b"{}").hexdigest() and m["config"]["size"] == 2
assert len(m["layers"]) == 1 and m["layers"][0]["mediaType"] == "application/json", m["layers"]
assert "platform" not in m["layers"][0]' "$T_TMP/manifest.json"
ok "the manifest's digest is what push printed" sh -c "[ sha256:\$(sha256sum <'$T_TMP/manifest.json' | cut -c1-64) = '$digest' ]"

ok "pull by tag" "$SCMPKIT" pull "$R/team/web:v1" -o "$T_TMP/by-tag.json"
ok "pull by digest" "$SCMPKIT" pull "$R/team/web@$digest" -o "$T_TMP/by-digest.json"
ok "both are the layer, byte for byte" "$PY" -c 'import hashlib, json, sys
m = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    b = open(f, "rb").read()
    assert m["layers"][0]["digest"] == "sha256:" + hashlib.sha256(b).hexdigest(), f
    assert m["layers"][0]["size"] == len(b), f
    assert json.loads(b)["defaultAction"] == "SCMP_ACT_ERRNO"' "$T_TMP/manifest.json" "$T_TMP/by-tag.json" "$T_TMP/by-digest.json"
expect_msg "an unknown digest: exit 1, the registry's answer" 1 "404 MANIFEST_UNKNOWN" \
	"$SCMPKIT" pull "$R/team/web@sha256:$(printf '%064d' 0)" -o "$T_TMP/none.json"
ok "... and nothing written" test ! -e "$T_TMP/none.json"
# libcurl is loaded when a registry is first talked to, not at start-up:
# without a usable one, push and pull say so (exit 1); other commands never
# load it
mkdir -p "$T_TMP/nocurl" && echo "not a library" >"$T_TMP/nocurl/libcurl.so.4"
expect_msg "without a usable libcurl: exit 1, saying which library and why" 1 \
	"cannot load libcurl \\(libcurl.so.4, Debian package libcurl4\\).*" \
	env LD_LIBRARY_PATH="$T_TMP/nocurl" "$SCMPKIT" pull "$R/team/web:v1" -o "$T_TMP/nocurl.json"
ok "... and nothing written" test ! -e "$T_TMP/nocurl.json"
ok "lint runs without libcurl (it is not loaded at start-up)" \
	env LD_LIBRARY_PATH="$T_TMP/nocurl" "$SCMPKIT" lint "$T_TMP/by-tag.json"
expect_msg "a bad reference: exit 2" 2 "repository must be lower-case" "$SCMPKIT" pull "$R/Team/Web:v1" -o "$T_TMP/x.json"
expect_msg "a lint error stops push: exit 2" 2 "P7-missing-essential" sh -c \
	"echo '{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}' >'$T_TMP/bad.json' && '$SCMPKIT' push '$T_TMP/bad.json' '$R/team/bad:v1'"

# a profile with a syscall in more than 128 entries: pushed, with a warning
"$PY" -c 'import json
rules = [{"names": ["read", "write", "exit", "exit_group", "rt_sigreturn", "restart_syscall"], "action": "SCMP_ACT_ALLOW"}]
rules += [{"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": i, "op": "SCMP_CMP_EQ"}]} for i in range(130)]
print(json.dumps({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": rules}))' >"$T_TMP/many.json"
expect_msg "over 128 entries for one syscall: a warning" 0 "'ioctl' is named in 130 entries.*oci-artifact-entries" \
	"$SCMPKIT" push "$T_TMP/many.json" "$R/team/many:v1"

# an artifact that is not a seccomp profile: refused before its layer is read
"$PY" - "$port" <<'PY'
import hashlib, json, sys, urllib.request
base = "http://127.0.0.1:%s/v2/team/other" % sys.argv[1]
def put_blob(b):
    d = "sha256:" + hashlib.sha256(b).hexdigest()
    loc = urllib.request.urlopen(urllib.request.Request(base + "/blobs/uploads/", data=b"", method="POST")).headers["Location"]
    sep = "&" if "?" in loc else "?"
    urllib.request.urlopen(urllib.request.Request(loc + sep + "digest=" + d, data=b, method="PUT",
        headers={"Content-Type": "application/octet-stream"}))
    return d, len(b)
cd, cs = put_blob(b"{}")
ld, ls = put_blob(b"not a profile")
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
     "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ls}]}
urllib.request.urlopen(urllib.request.Request(base + "/manifests/v1", data=json.dumps(m).encode(), method="PUT",
    headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
PY
expect_msg "an artifact of another type is refused" 1 "not a seccomp profile artifact" \
	"$SCMPKIT" pull "$R/team/other:v1" -o "$T_TMP/o.json"

# node-sync --from oci://: installed as the repository's last component
"$SCMPKIT" push "$T_TMP/web.json" "$R/team/api:v1" >/dev/null 2>&1
expect_msg "node-sync --from oci:// installs it" 0 "installed $T_TMP/root/scmpkit/api.json" \
	"$SCMPKIT" node-sync --from "oci://$R/team/api:v1" --root "$T_TMP/root" --once
ok "node-sync installed the pulled profile" cmp "$T_TMP/root/scmpkit/api.json" "$T_TMP/by-digest.json"
expect_msg "a registry that cannot be read: the sync fails, nothing removed" 1 "sync FAILED" \
	"$SCMPKIT" node-sync --from "oci://$R/team/gone:v1" --root "$T_TMP/root" --once
ok "... api.json still there" test -f "$T_TMP/root/scmpkit/api.json"

# A lying registry (a few lines of Python): it claims another digest than it
# serves, serves another manifest for a digest than the one asked for, and
# redirects the layer to plain HTTP elsewhere. Each is refused.
fport=$((port + 1))
"$PY" - "$fport" "$T_TMP/manifest.json" >"$T_TMP/fake.log" 2>&1 <<'PY' &
import hashlib, http.server, json, sys
port, manifest = int(sys.argv[1]), open(sys.argv[2], "rb").read()
other = manifest.replace(b'"size": 2', b'"size": 2 ')
d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body=b"", headers={}):
        self.send_response(code)
        for k, v in headers.items(): self.send_header(k, v)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        p = self.path
        if p == "/v2/":
            self.send(200, b"{}")
        elif p == "/v2/lies/claim/manifests/v1":   # claims another digest than it serves
            self.send(200, manifest, {"Docker-Content-Digest": d(other),
                                      "Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        elif p.startswith("/v2/lies/swap/manifests/sha256:"):   # serves another manifest
            self.send(200, other, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        elif p == "/v2/lies/redirect/manifests/v1":
            self.send(200, manifest, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        elif p.startswith("/v2/lies/redirect/blobs/"):   # to plain HTTP, not loopback
            self.send(307, b"", {"Location": "http://blobs.example.com/x"})
        else:
            self.send(404, b'{"errors": [{"code": "NAME_UNKNOWN", "message": "\\u001b[2J no"}]}')
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
fake=$!
echo "$fake" >"$T_TMP/fake.pid"
i=0
until "$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$fport" 2>/dev/null || [ $i -gt 50 ]; do
	sleep 0.1; i=$((i + 1)); done
F=127.0.0.1:$fport
expect_msg "a registry that claims another digest: refused" 1 "says the manifest is sha256:.*refusing" \
	"$SCMPKIT" pull "$F/lies/claim:v1" -o "$T_TMP/l1.json"
expect_msg "a manifest that is not the digest asked for: refused" 1 "hashes to sha256:.*refusing" \
	"$SCMPKIT" pull "$F/lies/swap@$digest" -o "$T_TMP/l2.json"
expect_msg "a layer redirected to plain HTTP elsewhere: refused" 1 "not HTTPS, refusing" \
	"$SCMPKIT" pull "$F/lies/redirect:v1" -o "$T_TMP/l3.json"
expect_msg "the registry's error text arrives escaped" 1 'NAME_UNKNOWN: \\e\[2J no' \
	"$SCMPKIT" pull "$F/lies/nothing:v1" -o "$T_TMP/l4.json"
ok "nothing written by any of them" sh -c "! ls '$T_TMP'/l[1-4].json 2>/dev/null"
kill "$fake" 2>/dev/null; wait "$fake" 2>/dev/null; rm -f "$T_TMP/fake.pid"

# A registry on a loopback port is whoever listens there first: any local user
# may bind one above 1024 before the real registry does. Over plain HTTP,
# scmpkit talks only to a server whose socket belongs to root or to the caller
# (the server side of the very connection, in /proc/net/tcp and tcp6). A rogue
# registry run as nobody (a child of this root shell: the socket's owner
# counts, not the process tree) serves a profile that allows ptrace, bpf and kexec_load; pull, push
# and node-sync refuse it, a pull pinned by digest is checked by hash and may
# go on, but never with credentials. The same server run as root is trusted,
# IPv4 clients of a dual-stack IPv6 socket (::ffff:127.0.0.1) included.
printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],\n "syscalls": [{"names": ["ptrace", "bpf", "kexec_load", "read", "write", "exit", "exit_group", "rt_sigreturn", "restart_syscall"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$T_TMP/evil.json"
"$PY" -c 'import hashlib, json, sys
d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
T = "application/vnd.cncf.seccomp-profile.config.v1+json"
layer = open(sys.argv[1], "rb").read()
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "artifactType": T,
     "config": {"mediaType": T, "digest": d(b"{}"), "size": 2},
     "layers": [{"mediaType": "application/json", "digest": d(layer), "size": len(layer)}]}
open(sys.argv[2], "w").write(json.dumps(m))' "$T_TMP/evil.json" "$T_TMP/evil-manifest.json"
evil_digest=sha256:$(sha256sum <"$T_TMP/evil-manifest.json" | cut -c1-64)
cat >"$T_TMP/rogue.py" <<'PY'
import hashlib, http.server, os, socket, sys
port, bind, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
manifest, layer = open(sys.argv[4], "rb").read(), open(sys.argv[5], "rb").read()
if user == "nobody":  # the socket is created after this: it is nobody's
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
d = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
blobs = {d(b"{}"): b"{}", d(layer): layer}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body=b"", headers={}):
        self.send_response(code)
        for k, v in headers.items(): self.send_header(k, v)
        self.send_header("Content-Length", str(len(body))); self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def answer(self):
        print(self.command, self.path, "auth" if self.headers.get("Authorization") else "-", flush=True)
        p = self.path
        if p.startswith("/v2/auth/") and not self.headers.get("Authorization"):
            return self.send(401, b"", {"WWW-Authenticate": 'Basic realm="rogue"'})
        if self.command == "POST":
            return self.send(202, b"", {"Location": "/v2/upload/1"})
        if self.command == "PUT":
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            return self.send(201, b"", {"Docker-Content-Digest": d(body)})
        if p == "/v2/":
            return self.send(200, b"{}")
        if "/manifests/" in p:
            return self.send(200, manifest, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        if "/blobs/" in p and p.rsplit("/", 1)[1] in blobs:
            return self.send(200, blobs[p.rsplit("/", 1)[1]])
        self.send(404, b'{"errors": [{"code": "BLOB_UNKNOWN", "message": "no"}]}')
    do_GET = do_HEAD = do_POST = do_PUT = answer
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    def server_bind(self):
        if self.address_family == socket.AF_INET6:  # dual stack: IPv4 clients too
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
S((bind, port), H).serve_forever()
PY
# start_rogue NAME PORT BIND USER: the server above, until the port answers
start_rogue() {
	"$PY" "$T_TMP/rogue.py" "$2" "$3" "$4" "$T_TMP/evil-manifest.json" "$T_TMP/evil.json" \
		>"$T_TMP/$1.log" 2>&1 &
	echo $! >"$T_TMP/$1.pid"
	i=0
	until "$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$2" 2>/dev/null || [ $i -gt 50 ]; do
		sleep 0.1; i=$((i + 1)); done
}
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	rport=$((port + 2)) dport=$((port + 3)) tport=$((port + 4))
	start_rogue rogue "$rport" 127.0.0.1 nobody
	start_rogue rogue6 "$dport" :: nobody
	start_rogue root6 "$tport" :: root
	G=127.0.0.1:$rport
	expect_msg "a loopback registry run by nobody: pull refused, the owner named" 1 \
		"127.0.0.1:$rport is served by uid 65534.*HTTPS.*by digest" \
		"$SCMPKIT" pull "$G/team/web:latest" -o "$T_TMP/r1.json"
	ok "... nothing written" test ! -e "$T_TMP/r1.json"
	expect_msg "push to it: refused before anything is sent" 1 "served by uid 65534" \
		"$SCMPKIT" push "$T_TMP/web.json" "$G/team/web:v9"
	ok "... it got no request at all" sh -c "! grep -q . '$T_TMP/rogue.log'"
	expect_msg "node-sync --from it (the reproducer): refused, nothing installed" 1 "served by uid 65534" \
		"$SCMPKIT" node-sync --from "oci://$G/team/web:latest" --once --root "$T_TMP/rroot"
	ok "... no profile in the seccomp root" sh -c "! ls '$T_TMP/rroot/scmpkit/'*.json 2>/dev/null"
	expect_msg "an IPv4 client of its dual-stack IPv6 socket: refused, the owner found" 1 \
		"127.0.0.1:$dport is served by uid 65534" \
		"$SCMPKIT" pull "127.0.0.1:$dport/team/web:latest" -o "$T_TMP/r2.json"
	expect_msg "pinned by digest: pulled, checked by hash, with a note" 0 \
		"note: .*uid 65534.*pinned by digest" \
		"$SCMPKIT" pull "$G/team/evil@$evil_digest" -o "$T_TMP/r3.json"
	ok "... the layer the digest names" cmp "$T_TMP/r3.json" "$T_TMP/evil.json"
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$G" "$(printf 'ci:s3cret' | base64)" >"$T_TMP/rogue-auth.json"
	expect_msg "pinned, but it asks for credentials: refused" 1 "served by uid 65534" \
		"$SCMPKIT" pull --docker-config "$T_TMP/rogue-auth.json" "$G/auth/web@$evil_digest" -o "$T_TMP/r4.json"
	ok "... and they were never sent" sh -c "grep -q 'GET /v2/auth/' '$T_TMP/rogue.log' && ! grep -q ' auth$' '$T_TMP/rogue.log'"
	ok "the same server run by root: trusted (IPv4 client, IPv6 socket)" \
		"$SCMPKIT" pull "127.0.0.1:$tport/team/web:latest" -o "$T_TMP/r5.json"
	ok "... and over [::1]" "$SCMPKIT" pull "[::1]:$tport/team/web:latest" -o "$T_TMP/r6.json"
	for n in rogue rogue6 root6; do
		kill "$(cat "$T_TMP/$n.pid")" 2>/dev/null; wait "$(cat "$T_TMP/$n.pid")" 2>/dev/null; rm -f "$T_TMP/$n.pid"
	done
else
	t_report ok "# SKIP a registry run by another user needs root (and a user nobody)"
fi

# tamper with the stored layer (same size, one byte changed): refused; last,
# since every repository of this registry shares the blob
blob=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"][7:])' "$T_TMP/manifest.json")
data=$T_TMP/reg/data/docker/registry/v2/blobs/sha256/$(echo "$blob" | cut -c1-2)/$blob/data
ok "the stored layer is where distribution keeps it" test -f "$data"
"$PY" -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[b.index(b"read")] = ord("R")
open(sys.argv[1], "wb").write(b)' "$data"
expect_msg "a tampered layer is refused (digest)" 1 "hashing to sha256:" "$SCMPKIT" pull "$R/team/web:v1" -o "$T_TMP/t.json"
ok "... and nothing written" test ! -e "$T_TMP/t.json"
printf ' ' >>"$data"
expect_msg "a layer longer than declared is refused (size)" 1 "larger than the [0-9]+ bytes expected|not what the manifest says" \
	"$SCMPKIT" pull "$R/team/web:v1" -o "$T_TMP/t.json"

# Basic credentials from a Docker config file
hash=$("$PY" -W ignore -c 'import crypt; print(crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))')
printf 'ci:%s\n' "$hash" >"$T_TMP/htpasswd"
if start_registry auth "auth:
  htpasswd:
    realm: scmpkit-test
    path: $T_TMP/htpasswd"; then
	A=localhost:$port
	mkdir -p "$T_TMP/docker"
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$A" "$(printf 'ci:s3cret' | base64)" >"$T_TMP/docker/config.json"
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$A" "$(printf 'ci:wrong' | base64)" >"$T_TMP/wrong.json"
	expect_msg "no credentials: 401" 1 "user and password|401" env DOCKER_CONFIG="$T_TMP/none" \
		"$SCMPKIT" push "$T_TMP/web.json" "$A/team/web:v1"
	expect_msg "wrong credentials: refused" 1 "401|UNAUTHORIZED" \
		"$SCMPKIT" push --docker-config "$T_TMP/wrong.json" "$T_TMP/web.json" "$A/team/web:v1"
	ok "credentials from \$DOCKER_CONFIG/config.json: push" env DOCKER_CONFIG="$T_TMP/docker" \
		"$SCMPKIT" push "$T_TMP/web.json" "$A/team/web:v1"
	ok "credentials from --docker-config: pull" \
		"$SCMPKIT" pull --docker-config "$T_TMP/docker/config.json" "$A/team/web:v1" -o "$T_TMP/auth.json"
else
	t_report ok "# SKIP a registry with htpasswd did not start: $(tail -1 "$T_TMP/auth/log")"
fi
done_testing
