#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark workload: fork/exec-heavy shell script — N (default 400) rounds of
# external commands, a pipeline and a command substitution.
n=${1:-400}
i=0
while [ "$i" -lt "$n" ]; do
	/bin/true
	echo "$i" | cat >/dev/null
	x=$(expr "$i" + 1)
	i=$x
done
echo "forkexec: $i rounds"
