#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests.sh: build the iommu_kdump kselftest (selftests/ of this
# repository, tools/testing/selftests/iommu_kdump/ in our kernel tree)
# with the kernel's own kselftest makefiles, statically linked, and
# install it for the guest image:
#
#   $BUILD/image/extra/lab/selftests/iommu_kdump   the test program
#   $BUILD/image/extra/lab/selftests/run           what guest/init runs
#                                                  in the capture kernel
#
# guest/init runs /lab/selftests/run in every capture kernel and tees its
# output (KTAP) to the console and to selftests.ktap on the capture disk;
# lab.py counts the results.  Without our kernel tree (stock-only runs)
# the image carries no selftests.
set -euo pipefail
BUILD=${BUILD:?}
REPO=${REPO:?}
tree=$BUILD/ours/linux
dest=$BUILD/image/extra/lab/selftests

rm -rf "$dest"
if [ ! -f "$tree/tools/testing/selftests/lib.mk" ]; then
	echo "selftests: no kernel tree at $tree (make kernel-ours): image without selftests"
	exit 0
fi
# overlay.sh lays selftests/ over the tree when the kernel is built; do
# it here too so that editing a test needs no kernel rebuild.
src=$tree/tools/testing/selftests/iommu_kdump
mkdir -p "$src"
rsync -a --checksum --exclude=/iommu_kdump "$REPO/selftests"/ "$src"/
make -s -C "$tree/tools/testing/selftests" TARGETS=iommu_kdump \
	LDFLAGS=-static

mkdir -p "$dest"
install -m 755 "$src/iommu_kdump" "$dest/iommu_kdump"
cat >"$dest/run" <<'RUN'
#!/bin/sh
# Run the capture kernel's kselftests; KTAP on stdout.
exec /lab/selftests/iommu_kdump
RUN
chmod 755 "$dest/run"
echo "selftests: iommu_kdump $(du -k "$dest/iommu_kdump" | cut -f1) KiB -> $dest"
