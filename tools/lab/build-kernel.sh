#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh KIND: build the lab kernel KIND (ours|off|stock, or
# ours7|off7|stock7 for Linux 7.3) in $BUILD/KIND/linux.  "ours" is the pristine tree with this repository
# laid over it; "off" is the same tree with CONFIG_INTEL_IOMMU_KDUMP_ADOPT
# off (what a distro that leaves the option off ships: it must behave as
# mainline); "stock" is the pristine tree alone, configured from the
# same fragment minus our own symbols.  A kind ending in 7 is the same
# on the 7.3 pristine tree ($BUILD/src7/pristine) with patches/7.3/.  Uses ccache with its cache under
# ~/.cache so rebuilds and CI runs on the same machine are warm.
set -euo pipefail
kind=$1
BUILD=${BUILD:?}
REPO=${REPO:?}
tree=$BUILD/$kind/linux
lab=$REPO/tools/lab

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/vtd-kdump-ccache}
mkdir -p "$CCACHE_DIR"
ccache -M 10G >/dev/null
# The kernels carry debug info (crash, pahole, BTF).  With -g ccache hashes
# the build directory too, so a clone at another path (a CI checkout, a
# second BUILD) would compile cold; without it, it reuses the objects, and
# an object's DW_AT_comp_dir names the tree that first compiled it (the
# kernel compiles with relative paths: nothing else in it differs).
export CCACHE_NOHASHDIR=1
# The kernel embeds build time/host/user and a count of its links (#N):
# pin them so objects hit the cache across builds and trees, and a kernel
# is the same whichever tree it was linked in.
export KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=lab \
	KBUILD_BUILD_HOST=vtd-kdump KBUILD_BUILD_VERSION=1

start=$(date +%s)
frag=$BUILD/$kind/fragment
mkdir -p "$BUILD/$kind"
case "$kind" in
*7)	src=$BUILD/src7/pristine patches=$REPO/patches/7.3 ;;
*)	src=$BUILD/src/pristine patches=$REPO/patches ;;
esac
base=${kind%7}
# A cold ours is the off tree with three options on: start it from a copy
# of the built off tree (make check builds off first), so only the objects
# those options touch compile.  From ccache alone every file would be
# preprocessed again, autoconf.h having changed: 302 s for 6.12, against
# 90 s for the copy and an incremental build here, to the same bytes.
off=$BUILD/off${kind#"$base"}/linux
if [ "$base" = ours ] && [ ! -e "$tree" ] && [ -f "$off/vmlinux" ]; then
	echo "build-kernel: $kind starts from a copy of the built off tree"
	rm -rf "$tree.seed"
	flock "$BUILD/.kernel-off${kind#"$base"}.lock" cp -a "$off" "$tree.seed"
	mv "$tree.seed" "$tree"
fi
if [ "$base" = ours ]; then
	"$lab/overlay.sh" "$src" "$tree" "$REPO" ours "$patches"
	cp "$REPO/Kconfig.fragment" "$frag.new"
elif [ "$base" = off ]; then
	"$lab/overlay.sh" "$src" "$tree" "$REPO" ours "$patches"
	{
		grep -v -e 'KDUMP_ADOPT' -e 'KDUMP_CORRUPT' "$REPO/Kconfig.fragment"
		echo "CONFIG_INTEL_IOMMU_KDUMP_ADOPT=n"
	} >"$frag.new"
elif [ "$base" = stock ]; then
	"$lab/overlay.sh" "$src" "$tree" "$REPO" stock "$patches"
	grep -v -e 'KDUMP_ADOPT' -e 'KDUMP_CORRUPT' "$REPO/Kconfig.fragment" >"$frag.new"
else
	echo "build-kernel: unknown kind $kind" >&2
	exit 2
fi
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$tree/.config" ]; then
	"$lab/config.sh" "$tree" "$frag.new"
	mv "$frag.new" "$frag"
else
	rm -f "$frag.new"
fi
make -s -C "$tree" -j"$(nproc)" CC="ccache gcc" bzImage
cp "$tree/arch/x86/boot/bzImage" "$BUILD/$kind/bzImage"
echo "build-kernel: $kind $(make -s -C "$tree" kernelversion) built in $(( $(date +%s) - start ))s"
