#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Count test cases across meson test logs and print `N passed, N failed, N skipped`.

Usage: count-tests.py TESTLOG.json... [--extra-pass N] [--extra-fail N]

Every test here speaks TAP (Criterion with --tap, the shell tests through
tests/cli/tap.sh), so each test case counts, not each executable. A test whose
TAP output is missing or cut short (a crash, a timeout) counts as one failure
on top of the cases it did report.
"""
import json
import re
import sys

passed = failed = skipped = 0
args = sys.argv[1:]
extra = {"--extra-pass": 0, "--extra-fail": 0, "--extra-skip": 0}
files = []
i = 0
while i < len(args):
    if args[i] in extra:
        extra[args[i]] += int(args[i + 1])
        i += 2
    else:
        files.append(args[i])
        i += 1

failed_names = []
for path in files:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        failed_names.append(f"{path}: no test log")
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        p = f = s = 0
        plan_skip = re.search(r"^1\.\.0\s*#\s*SKIP", out, re.M)
        for m in re.finditer(r"^(not ok|ok)\b[^\n]*", out, re.M):
            text = m.group(0)
            if re.search(r"#\s*SKIP", text, re.I):
                s += 1
            elif m.group(1) == "ok":
                p += 1
            else:
                f += 1
                failed_names.append(f"{t['name']}: {text}")
        if plan_skip:
            s += 1
        if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
            f += 1  # crashed, timed out, or a bad plan: count it
            failed_names.append(f"{t['name']}: {t['result']}")
        if t["result"] == "SKIP" and p + f + s == 0:
            s += 1
        passed += p
        failed += f
        skipped += s

passed += extra["--extra-pass"]
failed += extra["--extra-fail"]
skipped += extra["--extra-skip"]
for n in failed_names:
    print(f"FAILED {n}")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
