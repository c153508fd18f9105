#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the lab needs on a Debian 12 host, idempotently.
# QEMU comes from Debian's bookworm-backports suite (QEMU 10: scalable
# mode with first-stage translation and x2APIC under TCG); everything
# else from bookworm itself.
set -euo pipefail

PKGS=(build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
      zstd rsync ccache dwarves sparse python3 perl kmod
      busybox-static kexec-tools makedumpfile
      alsa-utils bpftrace
      gnuplot-nox
      shellcheck pyflakes3)

need=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		need+=("$p")
done

bpo=/etc/apt/sources.list.d/bookworm-backports.sources
qemu_from_bpo() {
	dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null | grep -q bpo
}
if ! qemu_from_bpo; then
	if [ ! -f "$bpo" ]; then
		cat >"$bpo" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	need_qemu=1
else
	need_qemu=0
fi

if [ ${#need[@]} -gt 0 ] || [ "$need_qemu" = 1 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	if [ ${#need[@]} -gt 0 ]; then
		echo "setup-host: installing ${need[*]}"
		apt-get install -y -q --no-install-recommends "${need[@]}"
	fi
	if [ "$need_qemu" = 1 ]; then
		echo "setup-host: installing qemu-system-x86 from bookworm-backports"
		apt-get install -y -q --no-install-recommends \
			-t bookworm-backports qemu-system-x86 qemu-utils
	fi
fi
qemu-system-x86_64 --version | head -1
