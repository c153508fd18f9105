#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-6.12 from the trixie suite with a private
# apt state under $BUILD/apt (the system's apt setup is not touched) and
# extract it once into $BUILD/src/pristine.  The exact version is
# recorded in $BUILD/src/VERSION.
set -euo pipefail
BUILD=${BUILD:?}
apt_dir=$BUILD/apt
pristine=$BUILD/src/pristine

if [ -f "$BUILD/src/.extracted" ]; then
	echo "fetch-source: linux-source $(cat "$BUILD/src/VERSION") already extracted"
	exit 0
fi

mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$BUILD/src"
cat >"$apt_dir/sources.list" <<'SRC'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
SRC
opts=(-o Dir::State::Lists="$apt_dir/lists"
      -o Dir::Etc::SourceList="$apt_dir/sources.list"
      -o Dir::Etc::SourceParts=/dev/null
      -o Dir::Cache::Archives="$apt_dir/archives"
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
      -o APT::Architecture=amd64 -o Debug::NoLocking=1)
apt-get "${opts[@]}" update -q
ver=$(apt-cache "${opts[@]}" policy linux-source-6.12 |
      awk '/Candidate:/ { print $2 }')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || {
	echo "fetch-source: linux-source-6.12 not found in trixie" >&2
	exit 1
}
echo "fetch-source: linux-source-6.12 $ver"
(cd "$apt_dir/archives" && apt-get "${opts[@]}" download "linux-source-6.12=$ver")
deb=$(ls "$apt_dir"/archives/linux-source-6.12_*.deb | head -1)
rm -rf "$BUILD/src/deb" "$pristine"
dpkg-deb -x "$deb" "$BUILD/src/deb"
mkdir -p "$pristine"
tar -xJf "$BUILD"/src/deb/usr/src/linux-source-6.12.tar.xz -C "$pristine" \
	--strip-components=1
rm -rf "$BUILD/src/deb"
chmod -R a-w "$pristine"
echo "$ver" >"$BUILD/src/VERSION"
touch "$BUILD/src/.extracted"
echo "fetch-source: extracted $(make -s -C "$pristine" kernelversion) into $pristine"
