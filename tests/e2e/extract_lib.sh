#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The corpus of scmpkit extract, shared by tests/e2e/extract_*.sh and
# bench/extract/run.sh: each program, the binaries to extract for it, and a
# workload that really exercises it (servers: requests, then a clean stop).
# Source after tap.sh (needs $T_TMP, $SCMPKIT). Programs built here go to the
# build directory (with Go's cache), so a second run builds nothing.
#
#   xl_bins NAME        the files to extract (tar runs gzip: both)
#   xl_with NAME        options: --with (python3's extension modules), --applet
#   xl_run NAME CMD...  the workload, its program started as CMD... PROGRAM ARGS
#                       (CMD empty: natively; "strace -f -o F"; "scmpkit run -p P --")
#   xl_check NAME       the four properties, as TAP lines (below)
XL_SRC=${SK_SOURCE_ROOT:?run through meson test}/tests/data/extract
XL_BUILD=${SK_BUILD_ROOT:?}/extract-corpus
XL_WORK=${T_TMP:?source tap.sh first}/work
XL_PY=/usr/bin/python3
XL_PYDYN=/usr/lib/python3.11/lib-dynload
# loopback ports of this worktree's tests (busybox httpd, nginx, redis)
XL_PORT_HTTPD=18471
XL_PORT_NGINX=18472
XL_PORT_REDIS=18473

# Build the Go programs (both with CGO_ENABLED=0 and =1) when missing or older
# than their source. Debian's Go, offline: GOPATH for golang.org/x/sys, no
# modules, no proxy, nothing from the user's go env.
xl_build_go() {
	command -v go >/dev/null || return 1
	export GOFLAGS= GOENV=off GOPROXY=off
	mkdir -p "$XL_BUILD"
	for xl_p in hello http unix; do
		for xl_cgo in 0 1; do
			xl_out=$XL_BUILD/go-$xl_p-cgo$xl_cgo
			[ "$xl_out" -nt "$XL_SRC/$xl_p.go" ] && continue
			GOCACHE=$XL_BUILD/gocache GO111MODULE=off GOPATH=/usr/share/gocode \
				CGO_ENABLED=$xl_cgo go build -o "$xl_out" "$XL_SRC/$xl_p.go" || return 1
		done
	done
	# a PIE, externally linked and stripped: no .gopclntab section, no symbols
	xl_out=$XL_BUILD/go-http-pie
	[ "$xl_out" -nt "$XL_SRC/http.go" ] && return 0
	GOCACHE=$XL_BUILD/gocache GO111MODULE=off GOPATH=/usr/share/gocode CGO_ENABLED=1 \
		go build -buildmode=pie -ldflags='-s -w' -o "$xl_out" "$XL_SRC/http.go"
}

xl_bins() {
	case $1 in
	go-*) echo "$XL_BUILD/$1" ;;
	c-glibc-static) echo "$SK_EXTRACT_HELPERS/extract_prog_static" ;;
	c-musl-static) echo "$SK_EXTRACT_HELPERS/extract_prog_musl" ;;
	busybox-*) echo /bin/busybox ;;
	tar) echo /bin/tar /bin/sh /bin/gzip ;; # tar z runs "sh -c gzip"
	nginx) echo /usr/sbin/nginx ;;
	redis) echo /usr/bin/redis-server ;;
	python3) echo "$XL_PY" ;;
	*) echo "/bin/$1" ;;
	esac
}

xl_with() {
	case $1 in
	busybox-sh-applets) echo "--applet sh" ;;
	busybox-*) echo "--applet ${1#busybox-}" ;; # the workload runs `busybox APPLET`
	python3)
		for m in _json _hashlib _bz2; do
			echo "--with $XL_PYDYN/$m.cpython-311-x86_64-linux-gnu.so"
		done ;;
	esac
}

# wait until CMD succeeds (a server is up), at most 10 s
xl_wait() {
	xl_i=0
	while ! "$@" >/dev/null 2>&1; do
		xl_i=$((xl_i + 1))
		[ $xl_i -gt 100 ] && return 1
		sleep 0.1
	done
}

xl_nginx_conf() {
	ngx=$XL_WORK/nginx
	mkdir -p "$ngx/logs" "$ngx/html" "$ngx/tmp"
	# nginx started as root serves as nobody: let it through to its files
	chmod 711 "$T_TMP" "$XL_WORK"
	echo "hello from nginx" >"$ngx/html/index.html"
	cat >"$ngx/nginx.conf" <<EOF
worker_processes 1;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 64; }
http {
  access_log logs/access.log;
  client_body_temp_path $ngx/tmp; proxy_temp_path $ngx/tmp; fastcgi_temp_path $ngx/tmp;
  uwsgi_temp_path $ngx/tmp; scgi_temp_path $ngx/tmp;
  server { listen 127.0.0.1:$XL_PORT_NGINX; root html; }
}
EOF
}

# Wait for the server PID (our child) to end, at most 20 s; then kill it and
# the processes it started, by their ids, so that no test leaves one behind.
xl_reap() {
	xl_i=0
	while [ -e "/proc/$1" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; do
		xl_i=$((xl_i + 1))
		if [ $xl_i -gt 200 ]; then
			for xl_c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do kill -KILL "$xl_c"; done
			kill -KILL "$1"
			break
		fi
		sleep 0.1
	done
	wait "$1"
}

# A server that did not come up: it, what it started and what those started
# (a wrapper, the server, its workers) go, by their ids.
xl_abort() {
	for xl_c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		for xl_g in $(cat "/proc/$xl_c/task/$xl_c/children" 2>/dev/null); do kill -KILL "$xl_g"; done
		kill -KILL "$xl_c"
	done
	kill -KILL "$1"
	xl_reap "$1"
	return 1
}

# A server: start it wrapped, a few requests, a clean stop, its status.
xl_server() {
	name=$1; shift
	case $name in
	busybox-httpd)
		mkdir -p "$XL_WORK/www" && echo "hello from httpd" >"$XL_WORK/www/index.html"
		"$@" busybox httpd -f -p "127.0.0.1:$XL_PORT_HTTPD" -h "$XL_WORK/www" &
		pid=$!
		xl_wait curl -sf "http://127.0.0.1:$XL_PORT_HTTPD/" || { xl_abort $pid; return 1; }
		for xl_i in 1 2 3; do curl -s "http://127.0.0.1:$XL_PORT_HTTPD/"; done
		curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$XL_PORT_HTTPD/none"
		# SIGTERM is httpd's only stop: to httpd itself, not to a wrapper
		srv=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)
		kill -TERM ${srv:-$pid}
		xl_reap $pid
		return 0 ;;
	nginx)
		xl_nginx_conf
		"$@" nginx -p "$XL_WORK/nginx" -c nginx.conf -g 'daemon off;' &
		pid=$!
		xl_wait curl -sf "http://127.0.0.1:$XL_PORT_NGINX/" || { xl_abort $pid; return 1; }
		for xl_i in 1 2 3; do curl -s "http://127.0.0.1:$XL_PORT_NGINX/"; done
		curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$XL_PORT_NGINX/none"
		nginx -p "$XL_WORK/nginx" -c nginx.conf -s quit 2>/dev/null
		xl_reap $pid ;;
	redis)
		mkdir -p "$XL_WORK/redis"
		"$@" redis-server --port "$XL_PORT_REDIS" --save '' --appendonly no \
			--dir "$XL_WORK/redis" --logfile "$XL_WORK/redis/log" &
		pid=$!
		xl_wait redis-cli -p "$XL_PORT_REDIS" ping || { xl_abort $pid; return 1; }
		redis-cli -p "$XL_PORT_REDIS" set k v
		redis-cli -p "$XL_PORT_REDIS" get k
		redis-cli -p "$XL_PORT_REDIS" incr n
		redis-cli -p "$XL_PORT_REDIS" shutdown nosave >/dev/null 2>&1
		xl_reap $pid ;;
	esac
}

xl_run() {
	name=$1; shift
	rm -rf "$XL_WORK/out" && mkdir -p "$XL_WORK/out"
	case $name in
	go-*|c-*) "$@" $(xl_bins "$name") ;;
	ls) "$@" ls -l /etc/apt ;;
	cat) "$@" cat /etc/passwd /etc/hostname ;;
	cp) "$@" cp -a /etc/apt "$XL_WORK/out/apt" && ls "$XL_WORK/out/apt" ;;
	tar) "$@" tar czf "$XL_WORK/out/x.tgz" -C /etc apt && tar tzf "$XL_WORK/out/x.tgz" | sort ;;
	busybox-sh) "$@" busybox sh -c 'for f in /etc/hostname /etc/passwd; do [ -r $f ] && echo $f; done; echo $((6 * 7)) | wc -c' ;;
	busybox-sh-applets) "$@" busybox sh "$XL_SRC/busybox-applets.sh" ;;
	busybox-ls) "$@" busybox ls -l /etc/apt ;;
	busybox-httpd|nginx|redis) xl_server "$name" "$@" ;;
	python3) "$@" "$XL_PY" -c 'import bz2, hashlib, json, os, socket
s = socket.socket(); s.close()
print(json.dumps({"sha": hashlib.sha256(b"scmpkit").hexdigest()[:16], "pid": os.getpid() > 0,
                  "bz2": len(bz2.compress(b"x" * 1000))}))' ;;
	esac
}

# The union of RUNS `SCMPKIT record` runs of NAME's workload (a Go program's
# set varies from run to run), as profile names in DIR/rec.union. busybox
# drops its privileges when someone other than root runs it (check_suid:
# getgid, setgid, setuid), as a container's non-root USER does: its applets
# get one run more, as nobody (when this is root and there is a nobody),
# into a directory of nobody's.
xl_record_union() {
	: >"$4/rec.union"
	for xl_r in $(seq "$3"); do
		xl_run "$1" "$2" record -q -o "$4/rec$xl_r.json" -- >/dev/null 2>&1 </dev/null || true
		xl_profile_names "$4/rec$xl_r.json" >>"$4/rec.union" 2>/dev/null || true
	done
	case $1 in
	busybox-*)
		if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null &&
			xl_n=$(mktemp -d) && chown nobody "$xl_n"; then
			xl_run "$1" setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
				"$2" record -q -o "$xl_n/rec.json" -- >/dev/null 2>&1 </dev/null || true
			xl_profile_names "$xl_n/rec.json" >>"$4/rec.union" 2>/dev/null || true
			rm -rf "$xl_n"
		fi ;;
	esac
	sort -u -o "$4/rec.union" "$4/rec.union"
}

# Every name of a profile's allow rules, and of its ERRNO(38) rules (the
# caller falls back: clone3 -> clone), and the names strace printed.
xl_profile_names() {
	"$XL_PY" -c 'import json, sys
p = json.load(open(sys.argv[1]))
print("\n".join(sorted({n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" or r.get("errnoRet") == 38 for n in r["names"]})))' "$1"
}
xl_strace_names() {
	sed -n 's/^[0-9]* *\(<\.\.\. \)\{0,1\}\([a-z_0-9]*\)(.*/\2/p' "$1" | sort -u
}

# xl_check NAME: four TAP lines.
#  1. extraction with --strict succeeds: no unresolved site;
#  2. every call strace -f sees in the workload is in the extracted profile;
#  3. every call scmpkit record sees is in it;
#  4. the workload runs under it (scmpkit run --fail-on-denial): no denial, the
#     same output as natively.
xl_check() {
	name=$1
	d=$T_TMP/$name
	mkdir -p "$d"
	# extract_prog.c has one unresolved site on purpose (syscall(argv) in main)
	strict=--strict
	case $name in c-*) strict= ;; esac
	# shellcheck disable=SC2046
	"$SCMPKIT" extract $strict -o "$d/ext.json" $(xl_with "$name") $(xl_bins "$name") \
		2>"$d/extract.err"
	rc=$?
	grep "extract-unresolved" "$d/extract.err" | grep -v "main at 0x" >"$d/unresolved"
	how="(--strict)"
	[ -z "$strict" ] && how="but the one in main"
	if [ $rc = 0 ] && [ ! -s "$d/unresolved" ]; then
		t_report ok "$name: extracted, no unresolved site $how"
	else
		t_report fail "$name: extracted without unresolved sites" "$d/extract.err"
		return
	fi
	xl_profile_names "$d/ext.json" >"$d/ext.names"
	if ! xl_run "$name" >"$d/native.out" 2>"$d/native.err" </dev/null || [ ! -s "$d/native.out" ]; then
		t_report fail "$name: the workload fails without scmpkit" "$d/native.err"
		return
	fi
	xl_run "$name" strace -f -qq -o "$d/strace.out" >/dev/null 2>&1 </dev/null
	xl_strace_names "$d/strace.out" >"$d/strace.names"
	comm -23 "$d/strace.names" "$d/ext.names" >"$d/miss.strace"
	if [ -s "$d/strace.names" ] && [ ! -s "$d/miss.strace" ]; then
		t_report ok "$name: extracted covers strace -f ($(wc -l <"$d/strace.names") calls)"
	else
		t_report fail "$name: extracted covers strace -f; missing:" "$d/miss.strace"
	fi
	xl_run "$name" "$SCMPKIT" record -q -o "$d/rec.json" -- >/dev/null 2>"$d/rec.err" </dev/null
	xl_profile_names "$d/rec.json" >"$d/rec.names" 2>>"$d/rec.err"
	comm -23 "$d/rec.names" "$d/ext.names" >"$d/miss.rec"
	if [ -s "$d/rec.names" ] && [ ! -s "$d/miss.rec" ]; then
		t_report ok "$name: extracted covers scmpkit record ($(wc -l <"$d/rec.names") names)"
	else
		cat "$d/rec.err" >>"$d/miss.rec"
		t_report fail "$name: extracted covers scmpkit record; missing:" "$d/miss.rec"
	fi
	xl_run "$name" "$SCMPKIT" run -p "$d/ext.json" --fail-on-denial -- >"$d/run.out" \
		2>"$d/run.err" </dev/null
	rc=$?
	if [ $rc = 0 ] && grep -q "denied or logged no call" "$d/run.err" &&
		cmp -s "$d/native.out" "$d/run.out"; then
		t_report ok "$name: runs under the extracted profile, no denial, same output"
	else
		diff "$d/native.out" "$d/run.out" >>"$d/run.err"
		t_report fail "$name: runs under the extracted profile" "$d/run.err"
	fi
}
