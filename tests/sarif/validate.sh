#!/bin/sh
# Validate SARIF files with Microsoft's SARIF Multitool (npm: @microsoft/sarif-multitool).
# Setup once: (cd tests/sarif && npm ci). Prints the validator's error-level
# results and exits 1 when there are any, 0 when every file is valid.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool=$here/node_modules/.bin/sarif-multitool
rc=0
for f in "$@"; do
	out=$(mktemp -u).sarif # the tool will not overwrite an existing file
	"$tool" validate --output "$out" "$f" >/dev/null 2>&1 || true
	node -e '
		const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const errs = (s.runs[0].results || []).filter(r => r.level === "error");
		for (const e of errs) console.log(process.argv[2] + ": " + e.ruleId + " " +
			JSON.stringify(e.message.arguments || e.message.text));
		process.exit(errs.length ? 1 : 0);' "$out" "$f" || rc=1
	rm -f "$out"
done
exit $rc
