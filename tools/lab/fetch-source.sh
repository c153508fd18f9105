#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-source.sh [6.12|7]: fetch Debian's kernel source with a private apt
# state under $BUILD/apt (the system's apt setup is not touched) and
# extract it once.
#   6.12 (default): linux-source-6.12 from trixie -> $BUILD/src/pristine
#   7:              the newest linux-source-7.x from trixie-backports
#                   -> $BUILD/src7/pristine
# The version is recorded in <dir>/VERSION, the package in <dir>/PACKAGE.
set -euo pipefail
BUILD=${BUILD:?}
which=${1:-6.12}
apt_dir=$BUILD/apt
case "$which" in
6.12) src=$BUILD/src ;;
7) src=$BUILD/src7 ;;
*) echo "fetch-source: unknown source '$which' (6.12 or 7)" >&2; exit 2 ;;
esac
pristine=$src/pristine

if [ -f "$src/.extracted" ]; then
	echo "fetch-source: $(cat "$src/PACKAGE" 2>/dev/null || echo "linux-source-$which")" \
		"$(cat "$src/VERSION") already extracted"
	exit 0
fi

mkdir -p "$src"
# shellcheck source=tools/lab/apt-private.sh
. "$(dirname "$0")/apt-private.sh"
opts=("${apt_opts[@]}")
if [ "$which" = 6.12 ]; then
	pkg=linux-source-6.12
else
	# linux-source-7.N: the highest N that has a candidate.
	pkg=$(apt-cache "${opts[@]}" pkgnames linux-source-7. | sort -V | tail -1)
fi
ver=$(apt-cache "${opts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
[ -n "$pkg" ] && [ -n "$ver" ] && [ "$ver" != "(none)" ] || {
	echo "fetch-source: ${pkg:-linux-source-$which} not found" >&2
	exit 1
}
echo "fetch-source: $pkg $ver"
(cd "$apt_dir/archives" && apt-get "${opts[@]}" download "$pkg=$ver")
deb=$(ls "$apt_dir"/archives/"${pkg}"_*.deb | head -1)
rm -rf "$src/deb" "$pristine"
dpkg-deb -x "$deb" "$src/deb"
mkdir -p "$pristine"
tar -xJf "$src"/deb/usr/src/"$pkg".tar.xz -C "$pristine" --strip-components=1
rm -rf "$src/deb"
chmod -R a-w "$pristine"
echo "$ver" >"$src/VERSION"
echo "$pkg" >"$src/PACKAGE"
touch "$src/.extracted"
echo "fetch-source: extracted $(make -s -C "$pristine" kernelversion) into $pristine"
