#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write N Kubernetes workload documents (default 10,000) as one multi-document
YAML stream on stdout: a mix of Deployments, StatefulSets, DaemonSets, Jobs,
CronJobs and Pods with init containers, sidecars, pod- and container-level
profiles, old annotations and unset fields — the shapes lint meets in clusters.
With --profile N: one OCI profile of N argument rules instead (what record
--args writes for a busy program), for the time lint takes to read a profile."""
import sys

KINDS = [("apps/v1", "Deployment", "spec.template"),
         ("apps/v1", "StatefulSet", "spec.template"),
         ("apps/v1", "DaemonSet", "spec.template"),
         ("batch/v1", "Job", "spec.template"),
         ("batch/v1", "CronJob", "spec.jobTemplate.spec.template"),
         ("v1", "Pod", "")]


def container(name, i, indent):
    p = " " * indent
    lines = [f"{p}- name: {name}", f"{p}  image: registry.example.com/{name}:{i % 17}.{i % 5}",
             f"{p}  ports:", f"{p}    - containerPort: {8000 + i % 100}",
             f"{p}  resources:", f"{p}    limits: {{cpu: 500m, memory: 256Mi}}"]
    mode = i % 4
    if mode:
        lines.append(f"{p}  securityContext:")
        if mode >= 2:
            lines.append(f"{p}    allowPrivilegeEscalation: false")
        if mode == 3:
            lines += [f"{p}    seccompProfile:", f"{p}      type: Localhost",
                      f"{p}      localhostProfile: profiles/{name}.json"]
        else:
            lines.append(f"{p}    readOnlyRootFilesystem: true")
    return lines


def pod_spec(i, indent):
    p = " " * indent
    out = []
    if i % 5 == 0:
        out += [f"{p}securityContext:", f"{p}  seccompProfile:", f"{p}    type: RuntimeDefault"]
    out.append(f"{p}initContainers:")
    out += container("init", i, indent + 2)
    out.append(f"{p}containers:")
    out += container("app", i, indent + 2)
    out += container("sidecar", i + 1, indent + 2)
    return out


def doc(i):
    api, kind, path = KINDS[i % len(KINDS)]
    out = ["---", f"apiVersion: {api}", f"kind: {kind}", "metadata:",
           f"  name: workload-{i}", "  labels:", f"    app: workload-{i}"]
    indent = 0
    if kind == "Pod":
        if i % 7 == 0:
            out += ["  annotations:",
                    "    seccomp.security.alpha.kubernetes.io/pod: runtime/default"]
        out.append("spec:")
        return out + pod_spec(i, 2)
    out.append("spec:")
    indent = 2
    if kind == "CronJob":
        out += ['  schedule: "*/5 * * * *"', "  jobTemplate:", "    spec:"]
        indent = 6
    else:
        out += ["  selector:", "    matchLabels:", f"      app: workload-{i}"]
    p = " " * indent
    out += [f"{p}template:", f"{p}  metadata:", f"{p}    labels:", f"{p}      app: workload-{i}",
            f"{p}  spec:"]
    return out + pod_spec(i, indent + 4)


CALLS = ["ioctl", "fcntl", "setsockopt", "getsockopt", "prctl", "socket", "clone",
         "madvise", "mmap", "mprotect", "futex", "openat", "personality", "sendto"]


def profile(n):
    rules = ['    {"names": ["exit", "exit_group", "rt_sigreturn", "restart_syscall", "read", '
             '"write", "close"], "action": "SCMP_ACT_ALLOW"}']
    for i in range(n):
        rules.append('    {"names": ["%s"], "action": "SCMP_ACT_ALLOW", "args": [{"index": %d, '
                     '"value": %d, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}'
                     % (CALLS[i % len(CALLS)], i % 6, i))
    return ('{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "architectures": ["SCMP_ARCH_X86_64"],\n'
            '  "syscalls": [\n' + ",\n".join(rules) + "\n  ]\n}\n")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--profile":
        sys.stdout.write(profile(int(sys.argv[2])))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    w = sys.stdout.write
    for i in range(n):
        w("\n".join(doc(i)) + "\n")


if __name__ == "__main__":
    main()
