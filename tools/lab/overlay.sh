#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh PRISTINE TREE REPO [stock]: make TREE a copy of the
# pristine source, then lay our drivers/ include/ Documentation/ and
# selftests over it and apply REPO/patches/series with patch -p1.
# With "stock", only the test-only files listed in patches/stock-files
# and the patches in patches/series.stock (code that touches no IOMMU
# code, which the baseline carries too).  Build outputs in TREE are kept,
# so rebuilds stay incremental; the pristine tree is never written.
set -euo pipefail
pristine=$1 tree=$2 repo=$3 kind=${4:-ours}
mkdir -p "$tree"
# Files are compared by content and a copied one gets the current time,
# not its source's (no rsync -t): a file whose content changed but whose
# source mtime is older than the object built from the previous content
# would otherwise be skipped by make and leave a stale object behind.
sync_tree() { rsync -a --no-times --checksum "$1"/ "$2"/; }
# Restore every upstream file that differs (undoing earlier patches).
sync_tree "$pristine" "$tree"
chmod -R u+w "$tree"

apply_series() {
	while read -r p; do
		case "$p" in ''|\#*) continue ;; esac
		patch -s -p1 -N -d "$tree" <"$repo/patches/$p" || {
			echo "overlay: $p does not apply" >&2
			exit 1
		}
	done <"$1"
}

if [ "$kind" = stock ]; then
	while read -r f; do
		case "$f" in ''|\#*) continue ;; esac
		install -D -m 0644 "$repo/$f" "$tree/$f"
	done <"$repo/patches/stock-files"
	apply_series "$repo/patches/series.stock"
	echo "overlay: stock tree with the test-only files"
	exit 0
fi
for d in drivers include Documentation; do
	[ -d "$repo/$d" ] && sync_tree "$repo/$d" "$tree/$d"
done
if [ -d "$repo/selftests" ]; then
	mkdir -p "$tree/tools/testing/selftests/iommu_kdump"
	sync_tree "$repo/selftests" "$tree/tools/testing/selftests/iommu_kdump"
fi
apply_series "$repo/patches/series"
echo "overlay: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo tree) laid over $(basename "$tree")"
