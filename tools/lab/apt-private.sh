# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by fetch-source.sh and fetch-crash.sh: the options that give
# apt-get and apt-cache a private state under $apt_dir (lists, archives,
# sources), Debian trixie and trixie-backports, without touching the
# system's apt setup.  Sets apt_opts.
apt_dir=${apt_dir:?}
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat >"$apt_dir/sources.list" <<'SRC'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
SRC
apt_opts=(-o Dir::State::Lists="$apt_dir/lists"
	  -o Dir::Etc::SourceList="$apt_dir/sources.list"
	  -o Dir::Etc::SourceParts=/dev/null
	  -o Dir::Cache::Archives="$apt_dir/archives"
	  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	  -o APT::Architecture=amd64 -o Debug::NoLocking=1)
# A list older than a day is fetched again (the newest 7.x moves).
if [ -z "$(find "$apt_dir/lists" -name '*trixie-backports*Packages*' -mtime -1 2>/dev/null)" ]; then
	apt-get "${apt_opts[@]}" update -q
fi
