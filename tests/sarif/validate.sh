#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Validate SARIF files with Microsoft's SARIF Multitool (npm: @microsoft/sarif-multitool),
# with the SARIF rules and GitHub code scanning's (--rule-kind "Sarif;Gh": GH2012
# wants each rule's help, ...). The .NET binary is called directly: the npm
# wrapper runs it through a shell, which splits the rule kinds at the ';'.
# Setup once: (cd tests/sarif && npm ci). Prints the validator's error-level
# results and exits 1 when there are any, 0 when every file is valid.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool=$(find "$here/node_modules" -name Sarif.Multitool -type f 2>/dev/null | head -n 1)
[ -n "$tool" ] || { echo "validate.sh: no Sarif.Multitool under $here/node_modules (npm ci)" >&2; exit 2; }
[ -x "$tool" ] || chmod u+x "$tool" # npm 11 skips the package's postinstall as root
rc=0
for f in "$@"; do
	out=$(mktemp -u).sarif # the tool will not overwrite an existing file
	"$tool" validate --rule-kind "Sarif;Gh" --output "$out" "$f" >/dev/null 2>&1 || true
	[ -f "$out" ] || { echo "$f: the validator wrote no log"; rc=1; continue; }
	node -e '
		const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const errs = (s.runs[0].results || []).filter(r => r.level === "error");
		for (const e of errs) console.log(process.argv[2] + ": " + e.ruleId + " " +
			JSON.stringify(e.message.arguments || e.message.text));
		process.exit(errs.length ? 1 : 0);' "$out" "$f" || rc=1
	rm -f "$out"
done
exit $rc
