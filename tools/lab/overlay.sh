#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh PRISTINE TREE REPO [ours|stock [PATCHES]]: make TREE a copy
# of the pristine source, then lay our drivers/ include/ Documentation/
# and selftests over it and apply PATCHES/series with patch -p1.  PATCHES
# is the series directory for PRISTINE's version: REPO/patches (6.12,
# the default) or REPO/patches/7.3.  With "stock", only the test-only
# files listed in PATCHES/stock-files and the patches in
# PATCHES/series.stock (code that touches no IOMMU code, which the
# baseline carries too).  Build outputs in TREE are kept,
# so rebuilds stay incremental; the pristine tree is never written.
#
# Every file is staged first and copied into TREE only if its content
# differs: an unchanged file keeps its time, so make rebuilds and relinks
# nothing (a relink with BTF takes a minute or more under make check).
set -euo pipefail
pristine=$1 tree=$2 repo=$3 kind=${4:-ours} pdir=${5:-$3/patches}
mkdir -p "$tree"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Files are compared by content and a copied one gets the current time,
# not its source's (no rsync -t): a file whose content changed but whose
# source mtime is older than the object built from the previous content
# would otherwise be skipped by make and leave a stale object behind.
sync_tree() { rsync -a --no-times --checksum "$@"; }

if [ "$kind" = stock ]; then
	series=$pdir/series.stock
else
	series=$pdir/series
fi
patches=()
while read -r p; do
	case "$p" in ''|\#*) continue ;; esac
	patches+=("$pdir/$p")
done <"$series"

# The stage: the pristine version of every upstream file a patch touches
# (a file the series creates has none), our own files, then the series.
for p in "${patches[@]}"; do
	grep '^+++ b/' "$p" | sed 's|^+++ b/||' || true
done | sort -u >"$stage/.patched"
while read -r f; do
	[ -f "$pristine/$f" ] && install -D -m 0644 "$pristine/$f" "$stage/$f"
done <"$stage/.patched"
if [ "$kind" = stock ]; then
	while read -r f; do
		case "$f" in ''|\#*) continue ;; esac
		install -D -m 0644 "$repo/$f" "$stage/$f"
	done <"$pdir/stock-files"
else
	for d in drivers include Documentation; do
		[ -d "$repo/$d" ] && sync_tree "$repo/$d"/ "$stage/$d"/
	done
	if [ -d "$repo/selftests" ]; then
		mkdir -p "$stage/tools/testing/selftests/iommu_kdump"
		sync_tree "$repo/selftests"/ "$stage/tools/testing/selftests/iommu_kdump"/
	fi
fi
for p in "${patches[@]}"; do
	# A patch that only adds our files has no upstream hunk.
	grep -q '^+++ b/' "$p" || continue
	patch -s -p1 -N -d "$stage" <"$p" || {
		echo "overlay: ${p##*/} does not apply" >&2
		exit 1
	}
done

# Restore every upstream file the stage does not hold (undoing earlier
# overlays), then lay the stage over it; both by content.
(cd "$stage" && find . -type f ! -name .patched | sed 's|^\.||') >"$stage/.files"
sync_tree --exclude-from="$stage/.files" "$pristine"/ "$tree"/
chmod -R u+w "$tree"
sync_tree --exclude=/.patched --exclude=/.files "$stage"/ "$tree"/
if [ "$kind" = stock ]; then
	echo "overlay: stock tree with the test-only files"
else
	echo "overlay: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo tree) laid over $(basename "$tree")"
fi
