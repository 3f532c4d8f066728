# SPDX-License-Identifier: Apache-2.0
# A ConfigMap volume as the kubelet writes it (pkg/volume/util/atomic_writer):
# each version in a fresh ..TIMESTAMP directory, the ..data symlink swapped to
# it by a rename, one visible symlink per key through ..data, the old version
# removed last. Source this file, then:
#   sk_cm_publish DIR SRC   publish the files of directory SRC into DIR
sk_cm_publish() {
	cm=$1 src=$2
	mkdir -p "$cm"
	ts="..$(date +%Y_%m_%d_%H_%M_%S.%N)"
	mkdir "$cm/$ts" && cp "$src"/* "$cm/$ts/" || return 1
	old=$(readlink "$cm/..data" 2>/dev/null)
	ln -s "$ts" "$cm/..data_tmp" && mv -T "$cm/..data_tmp" "$cm/..data" || return 1
	for f in "$cm/$ts"/*; do
		n=$(basename "$f")
		[ -L "$cm/$n" ] || ln -s "..data/$n" "$cm/$n"
	done
	for l in "$cm"/*; do
		[ -e "$l" ] || rm -f "$l"
	done
	[ -z "$old" ] || rm -rf "${cm:?}/$old"
}
