#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages in tools/debian-packages.txt (as root, or with sudo).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkgs=$(grep -v '^#' "$here/debian-packages.txt" | tr '\n' ' ')
missing=
for p in $pkgs; do
	# a node/npm from elsewhere (nodesource bundles npm) satisfies nodejs/npm
	case $p in nodejs|npm) command -v "$( [ $p = nodejs ] && echo node || echo npm)" >/dev/null && continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "setup: installing$missing" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
