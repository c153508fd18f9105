#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh PRISTINE TREE [REPO]: make TREE a copy of the pristine
# source, then (with REPO) lay our drivers/ include/ Documentation/ and
# selftests over it and apply REPO/patches/series with patch -p1.
# Build outputs in TREE are kept, so rebuilds stay incremental; the
# pristine tree is never written.
set -euo pipefail
pristine=$1 tree=$2 repo=${3:-}
mkdir -p "$tree"
# Restore every upstream file that differs (undoing earlier patches).
rsync -a --checksum "$pristine"/ "$tree"/
chmod -R u+w "$tree"
[ -n "$repo" ] || exit 0
for d in drivers include Documentation; do
	[ -d "$repo/$d" ] && rsync -a --checksum "$repo/$d"/ "$tree/$d"/
done
if [ -d "$repo/selftests" ]; then
	mkdir -p "$tree/tools/testing/selftests/iommu_kdump"
	rsync -a --checksum "$repo/selftests"/ \
		"$tree/tools/testing/selftests/iommu_kdump"/
fi
series=$repo/patches/series
if [ -f "$series" ]; then
	while read -r p; do
		case "$p" in ''|\#*) continue ;; esac
		patch -s -p1 -N -d "$tree" <"$repo/patches/$p" || {
			echo "overlay: $p does not apply" >&2
			exit 1
		}
	done <"$series"
fi
echo "overlay: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo tree) laid over $(basename "$tree")"
