#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Derive data/syscalls/obsolete.tsv from libseccomp (python3-seccomp).

Calls the kernel removed before Linux 7.2, or reserved and never implemented
(uselib, bdflush, nfsservctl, query_module, _sysctl, tuxcall, ...), and
libseccomp's own aliases (arm_sync_file_range), are absent from the 7.2 tables
in data/syscalls/*.tbl. libseccomp 2.5.4 still resolves them, so runc applies
rules that name them (Podman's profile names four). This script asks
libseccomp for the name of every number on each architecture and writes the
names the .tbl files lack, so that scmpkit resolves them exactly as runc does.

Run by hand (needs Debian's python3-seccomp, under /usr/bin/python3):
    tools/derive-obsolete-syscalls.py > data/syscalls/obsolete.tsv
"""
import os
import seccomp

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "syscalls")
BASE = {"MIPS": 4000, "MIPSEL": 4000, "MIPS64": 5000, "MIPSEL64": 5000,
        "MIPS64N32": 6000, "MIPSEL64N32": 6000, "X32": 0x40000000}


def table(name):
    nrs = {}
    with open(os.path.join(root, name + ".tbl")) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            nrs[cols[0]] = int(cols[1], 0) if len(cols) > 1 else None
    return nrs


rows = {}
with open(os.path.join(root, "arches.tsv")) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        oci, tbl = line.split("\t")[:2]
        short = oci[len("SCMP_ARCH_"):]
        if not hasattr(seccomp.Arch, short):
            continue  # libseccomp 2.5.4 lacks it (loongarch64, m68k, sh)
        arch = getattr(seccomp.Arch, short)
        known = table(tbl)
        base = BASE.get(short, 0)
        numbers = list(range(base, base + 1100))
        if short == "ARM":
            numbers += list(range(0xF0000, 0xF0010))
        for nr in numbers:
            try:
                name = seccomp.resolve_syscall(arch, nr)
            except (ValueError, RuntimeError):
                continue
            name = name.decode() if isinstance(name, bytes) else name
            if known.get(name) is None:
                rows[(tbl, name)] = nr

print("# Syscalls absent from the Linux 7.2 tables that libseccomp 2.5.4 still resolves:")
print("# calls removed from the kernel or never implemented, and libseccomp aliases.")
print("# Derived by tools/derive-obsolete-syscalls.py from Debian's python3-seccomp 2.5.4.")
print("# Columns: table, name, number.")
for (tbl, name), nr in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[1])):
    print(f"{tbl}\t{name}\t{nr}")
