#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# image.sh [KIND...]: build the guest initramfs from Debian packages
# installed on the host (busybox-static, kexec-tools, makedumpfile,
# alsa-utils), with tools/lab/guest/init as /init.
#
#   $BUILD/image/base.cpio.gz     the image both kernels boot (the capture
#                                 kernel boots it alone)
#   $BUILD/KIND/first.cpio.gz     base + a second cpio adding /lab/bzImage
#                                 and /lab/capture.cpio.gz (= base), so the
#                                 first kernel can kexec -p itself
#
# Files under $BUILD/image/extra/ are copied into the base image as they
# are (e.g. extra/lab/selftests/...).  Without KIND arguments, every
# kind whose bzImage exists gets its first.cpio.gz.
set -euo pipefail
BUILD=${BUILD:?}
REPO=${REPO:?}
img=$BUILD/image
root=$img/root
[ "$(id -u)" = 0 ] || { echo "image: must run as root (mknod)" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,lab,etc,root}
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3

# busybox and its applets
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# copy_bin PATH: the binary at the same path, plus every shared library
# ldd lists (and the dynamic loader), dereferenced, at their paths.
copy_bin() {
	local bin=$1 lib
	install -D -m 755 "$bin" "$root$bin"
	for lib in $(ldd "$bin" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
		[ -e "$root$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
	done
}
for tool in kexec makedumpfile aplay; do
	path=$(command -v "$tool") || { echo "image: $tool not installed (make setup)" >&2; exit 1; }
	copy_bin "$(readlink -f "$path")"
	# keep the name reachable on PATH even if it lives elsewhere
	[ -e "$root/usr/sbin/$tool" ] || [ -e "$root/usr/bin/$tool" ] ||
		ln -s "$(readlink -f "$path")" "$root/usr/bin/$tool"
done
mkdir -p "$root/usr/share/alsa"
cp -a /usr/share/alsa/alsa.conf /usr/share/alsa/cards /usr/share/alsa/pcm \
	"$root/usr/share/alsa/"

install -m 755 "$REPO/tools/lab/guest/init" "$root/init"
if [ -d "$img/extra" ]; then
	cp -a "$img/extra/." "$root/"
fi

# mkcpio DIR OUT: newc cpio of DIR, owned by root, sorted, gzip'd.
mkcpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) | gzip -6n >"$2.tmp"
	mv "$2.tmp" "$2"
}
mkcpio "$root" "$img/base.cpio.gz"
echo "image: base.cpio.gz $(du -k "$img/base.cpio.gz" | cut -f1) KiB" \
	"($(find "$root" -type f | wc -l) files)"

# The bpftrace disk: bpftrace with its libraries (~200 MB: LLVM, clang)
# and tools/bpftrace/, as a read-only ext2 image the capture kernel mounts
# from a virtio disk (serial "labbpf") and chroots into.  Too big for the
# initramfs: the capture kernel has 256 MiB in all.
bpfroot=$img/bpfroot
rm -rf "$bpfroot"
if bt=$(command -v bpftrace); then
	mkdir -p "$bpfroot"/{bin,proc,sys,dev,tmp,usr/share/lab-bpftrace}
	# bpftrace needs /bin/sh: when it parses C with libclang (tracepoint
	# formats, casts its BTF does not resolve) it first asks
	# popen("clang-14 -Wp,-v ...") for the include paths.  Without a
	# shell popen() returns NULL and bpftrace 0.17 pclose()s it: SIGSEGV
	# in fclose.  With one, "clang-14: not found" is harmless.
	cp /bin/busybox "$bpfroot/bin/busybox"
	ln -s busybox "$bpfroot/bin/sh"
	root=$bpfroot copy_bin "$(readlink -f "$bt")"
	ln -s "$(readlink -f "$bt")" "$bpfroot/bpftrace"
	cp "$REPO"/tools/bpftrace/*.bt "$REPO"/tools/bpftrace/*.sh \
		"$bpfroot/usr/share/lab-bpftrace/"
	# The kernels carry BTF (kdump_btf.bt's fentry probes and struct
	# access need it); the kernel's own headers are there as well for
	# what bpftrace compiles with libclang: those of our tree, at
	# /usr/src/lab-kernel (BPFTRACE_KERNEL_SOURCE in the guest's init).
	ktree=$BUILD/ours/linux
	if [ -f "$ktree/include/generated/autoconf.h" ]; then
		for d in include arch/x86/include; do
			mkdir -p "$bpfroot/usr/src/lab-kernel/$d"
			rsync -a --prune-empty-dirs --include='*/' --include='*.h' \
				--exclude='*' "$ktree/$d"/ "$bpfroot/usr/src/lab-kernel/$d"/
		done
	else
		echo "image: no built ours tree, bpftrace will lack kernel headers"
	fi
	# Debian 12 is merged-/usr: libraries land in lib/, keep usr/lib too.
	[ -e "$bpfroot/usr/lib" ] || ln -s ../lib "$bpfroot/usr/lib"
	kib=$(du -sk "$bpfroot" | cut -f1)
	rm -f "$img/bpftrace.ext2"
	mke2fs -q -t ext2 -L labbpf -d "$bpfroot" "$img/bpftrace.ext2" \
		"$((kib + kib / 5 + 4096))k"
	echo "image: bpftrace.ext2 $((kib / 1024)) MiB of files" \
		"($(find "$bpfroot" -type f | wc -l) files)"
else
	echo "image: no bpftrace on the host, no bpftrace disk"
fi

kinds=("$@")
if [ ${#kinds[@]} = 0 ]; then
	for k in stock ours off stock7 ours7 off7; do
		[ -f "$BUILD/$k/bzImage" ] && kinds+=("$k")
	done
fi
for kind in "${kinds[@]}"; do
	[ -f "$BUILD/$kind/bzImage" ] || {
		echo "image: $BUILD/$kind/bzImage missing" >&2
		exit 1
	}
	add=$BUILD/$kind/first-add
	rm -rf "$add"
	mkdir -p "$add/lab"
	cp "$BUILD/$kind/bzImage" "$add/lab/bzImage"
	cp "$img/base.cpio.gz" "$add/lab/capture.cpio.gz"
	mkcpio "$add" "$BUILD/$kind/add.cpio.gz"
	cat "$img/base.cpio.gz" "$BUILD/$kind/add.cpio.gz" \
		>"$BUILD/$kind/first.cpio.gz"
	rm -rf "$add" "$BUILD/$kind/add.cpio.gz"
	echo "image: $kind/first.cpio.gz $(du -k "$BUILD/$kind/first.cpio.gz" | cut -f1) KiB"
done
