#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch crash(8) from Debian trixie with the private apt state under
# $BUILD/apt (like fetch-source.sh), with the libraries it needs, into
# $BUILD/crash/root, and write $BUILD/crash/crash, which runs it with
# trixie's own dynamic loader and libraries (trixie's crash needs glibc
# 2.38 and libstdc++ 14; Debian 12 has 2.36 and 12).  Debian 12's crash
# 8.0.2 cannot read a 6.12 dump: its gdb takes a segmentation fault on
# every command.  Nothing is installed on the host.
set -euo pipefail
BUILD=${BUILD:?}
apt_dir=$BUILD/apt
dir=$BUILD/crash
pkgs=(crash libc6 libgcc-s1 liblzo2-2 libncursesw6 libtinfo6 libsnappy1v5
      libstdc++6 libzstd1 zlib1g)

if [ -x "$dir/crash" ] && [ "$(cat "$dir/PACKAGES" 2>/dev/null)" = "${pkgs[*]}" ]; then
	echo "fetch-crash: $("$dir/crash" --version | awk 'NF { print; exit }') already there"
	exit 0
fi
# shellcheck source=tools/lab/apt-private.sh
. "$(dirname "$0")/apt-private.sh"
opts=("${apt_opts[@]}")
rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root"
# From trixie itself, not trixie-backports: pin each package's version.
for p in "${pkgs[@]}"; do
	v=$(apt-cache "${opts[@]}" madison "$p" |
	    awk -F'|' '$3 ~ /trixie\/main/ && $3 !~ /backports/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$v" ] || { echo "fetch-crash: $p not found in trixie" >&2; exit 1; }
	(cd "$dir/debs" && apt-get "${opts[@]}" download "$p=$v" 2>&1 |
		grep -v -e '^W: Download is performed unsandboxed' -e '^Get:' || true)
done
for d in "$dir"/debs/*.deb; do
	dpkg-deb -x "$d" "$dir/root"
done
lib=$dir/root/usr/lib/x86_64-linux-gnu
[ -x "$dir/root/usr/bin/crash" ] && [ -e "$lib/ld-linux-x86-64.so.2" ] || {
	echo "fetch-crash: crash or its loader missing after extraction" >&2
	exit 1
}
cat >"$dir/crash" <<WRAP
#!/bin/sh
# crash(8) from Debian trixie, with its own loader and libraries.
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" \\
	"$dir/root/usr/bin/crash" "\$@"
WRAP
chmod +x "$dir/crash"
rm -rf "$dir/debs"
echo "${pkgs[*]}" >"$dir/PACKAGES"
echo "fetch-crash: $("$dir/crash" --version | awk 'NF { print; exit }') in $dir"
