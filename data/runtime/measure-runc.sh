#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Measure the syscalls runc makes itself after loading a container's seccomp
# filter, and write them as data/runtime/runc.tsv. Needs root, runc, strace,
# busybox-static, /usr/bin/python3.
#
# Method: run the busybox bundle (tests/e2e/bundle.sh) with the command `true`
# and a permissive filter (default SCMP_ACT_ALLOW, one ERRNO rule, so that runc
# loads a filter) under `strace -f`, with noNewPrivileges true and false, RUNS
# times each. In the trace, the filter load is the prctl(PR_SET_SECCOMP) (or
# seccomp(SECCOMP_SET_MODE_FILTER)) of a `runc init` thread; every call that
# thread and the tasks it clones afterwards make (they inherit the filter), up
# to and including the execve of the container's command, is runc's own and
# must be allowed by the container's profile. The union over the runs is kept
# (Go's runtime threads add calls that vary from run to run). Every core is
# kept busy meanwhile: under contention Go's scheduler preempts and parks
# runc's init, and makes calls (rt_sigreturn, futex) a quiet run may not make.
#   usage: data/runtime/measure-runc.sh [RUNS] > data/runtime/runc.tsv
set -eu
RUNS=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../tests/e2e/bundle.sh"
tmp=$(mktemp -d)
load=""
trap 'kill $load 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq "$(nproc)"); do
	sh -c 'while :; do :; done' &
	load="$load $!"
done
cat >"$tmp/prof.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO"}]}
JSON
for nnp in true false; do
	SK_NNP=$nnp sk_make_bundle "$tmp/b-$nnp" "$tmp/prof.json" -- /bin/true >/dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		id="sk-measure-$$-$nnp-$i"
		strace -f -qq -o "$tmp/trace-$nnp-$i" runc run --bundle "$tmp/b-$nnp" "$id" </dev/null
		runc delete -f "$id" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
done
/usr/bin/python3 - "$tmp" "$RUNS" "$(runc --version | head -1)" <<'PY'
import re, sys, glob
tmp, runs, version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
line_re = re.compile(r'^(\d+)\s+(?:<\.\.\. )?([a-z_0-9]+)[( ]')
ret_re = re.compile(r'= (-?\d+)')
def late_calls(path):
    # The filter binds the thread that loads it (runc's libseccomp uses
    # prctl(PR_SET_SECCOMP) without TSYNC) and every task that thread, or a
    # task it created since, clones; runc's calls are theirs from the load to
    # the first successful execve among them.
    filtered, calls, done = set(), set(), False
    pending_clone = set()   # tids in a clone/clone3 call whose result is not printed yet
    for line in open(path):
        m = line_re.match(line)
        if not m or done:
            continue
        tid, name = int(m.group(1)), m.group(2)
        line = line.rstrip('\n')
        finished = '<unfinished' not in line
        if name in ('clone', 'clone3', 'fork', 'vfork'):
            if not finished:
                pending_clone.add(tid)
                if tid in filtered:
                    calls.add(name)
                continue
            pending_clone.discard(tid)
            r = ret_re.search(line.split(')')[-1] if ')' in line else line)
            if tid in filtered:
                calls.add(name)
                if r and int(r.group(1)) > 0:
                    filtered.add(int(r.group(1)))
            continue
        if not filtered:
            if (name == 'prctl' and 'PR_SET_SECCOMP' in line
                    and (line.endswith('= 0') or not finished)) or \
               (name == 'seccomp' and 'SECCOMP_SET_MODE_FILTER' in line and 'NULL' not in line
                and (line.endswith('= 0') or not finished)):
                filtered.add(tid)
            continue
        if tid not in filtered:
            continue
        if line.startswith(f'{tid} <...') and name in calls and name != 'execve':
            continue
        calls.add(name)
        if name == 'execve' and finished and line.endswith('= 0'):
            done = True
    return calls
res = {}
for nnp in ('true', 'false'):
    u = set()
    for i in range(runs):
        u |= late_calls(f'{tmp}/trace-{nnp}-{i}')
    res[nnp] = u
print('# Syscalls runc makes itself after loading the container\'s seccomp filter,')
print('# measured by data/runtime/measure-runc.sh (strace -f of `runc run` on the')
print('# busybox bundle running /bin/true; calls of the `runc init` thread after its')
print('# prctl(PR_SET_SECCOMP) and the tasks it clones, up to and including the execve of the')
print(f'# command; union of {runs} runs per case, every core kept busy). {version}.')
print('# Columns: syscall, made with noNewPrivileges true (nnp), made with it false (no_nnp).')
print('syscall\tnnp\tno_nnp')
for name in sorted(res['true'] | res['false']):
    print(f"{name}\t{'yes' if name in res['true'] else 'no'}\t{'yes' if name in res['false'] else 'no'}")
PY
