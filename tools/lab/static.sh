#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# static.sh [ours|ours7]: the static checks of make check, on the built
# "ours" tree (6.12) or "ours7" tree (7.3, patches/7.3/):
#   checkpatch.pl --strict  every patch of the series and every file we own
#                           (the series make patchset or patchset7 writes:
#                           commit logs, sign-offs and new files in full);
#   kernel-doc -none -Wall  every .c/.h we own;
#   make W=1 C=2            (extra warnings and sparse) our objects, but
#                           the kdump_pt_<series>.c of the other series.
# Any warning in our files fails the step.  Counts are printed, and the
# full output is kept in $BUILD/static/ (static7/ for ours7).
set -euo pipefail
BUILD=${BUILD:?}
REPO=${REPO:?}
kind=${1:-ours}
case "$kind" in
ours)	out=$BUILD/static ;;
ours7)	out=$BUILD/static7 ;;
*)	echo "static: unknown kind $kind" >&2; exit 2 ;;
esac
tree=$BUILD/$kind/linux
rm -rf "$out"
mkdir -p "$out"
[ -f "$tree/vmlinux" ] || { echo "static: build kernel-$kind first" >&2; exit 1; }

cd "$REPO"
mapfile -t owned < <(git ls-files drivers include selftests | grep -E '\.[ch]$')
series=$BUILD/patchset${kind#ours}/series
[ -f "$series/0000-cover-letter.patch" ] || {
	echo "static: run make patchset${kind#ours} first" >&2
	exit 1
}
patches=("$series"/*.patch)
patches=("${patches[@]:1}")	# not the cover letter
# The series' Makefile hunk builds one kdump_pt_<series>.o of them.
pt_obj=$(grep -o 'kdump_pt_[0-9a-z]*\.o' "$tree/drivers/iommu/intel/Makefile")
fail=0

# checkpatch: --no-tree for our files (it needs no tree to judge them);
# the patches are checked as patches, commit message and sign-off too.
cp_out=$out/checkpatch.txt
for f in "${owned[@]}"; do
	"$tree/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types -f "$f" || true
done >"$cp_out" 2>&1
# A patch goes in on standard input: named on the command line inside
# this git work tree, checkpatch reads it as a plain file.
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is raised by
# every patch that adds a file; patch 2 adds the MAINTAINERS entry that
# covers them all.
for p in "${patches[@]}"; do
	"$tree/scripts/checkpatch.pl" --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES --no-tree - <"$p" |
		sed "s|^-:|${p##*/}:|" || true
done >>"$cp_out" 2>&1
n_cp=$(grep -cE ': (ERROR|WARNING|CHECK):' "$cp_out" || true)
echo "static: checkpatch --strict: ${#owned[@]} files, ${#patches[@]} patches," \
	"$n_cp problems"
[ "$n_cp" = 0 ] || { grep -E ': (ERROR|WARNING|CHECK):' "$cp_out" | head -20; fail=1; }

# kernel-doc: every comment that opens with /** must be well-formed, and
# every non-static function it documents fully described.
kd_out=$out/kernel-doc.txt
"$tree/scripts/kernel-doc" -none -Wall "${owned[@]}" >"$kd_out" 2>&1 || true
n_kd=$(grep -c . "$kd_out" || true)
echo "static: kernel-doc -Wall: $n_kd warnings"
[ "$n_kd" = 0 ] || { head -20 "$kd_out"; fail=1; }

# W=1 and sparse on our objects only: the upstream files our patches
# touch have warnings of their own, which are not ours to count.
objs=()
for f in "${owned[@]}"; do
	case "$f" in
	*/kdump_pt_*.c)
		if [ "${f##*/}" = "${pt_obj%.o}.c" ]; then
			objs+=("${f%.c}.o")
		fi ;;
	drivers/*.c) objs+=("${f%.c}.o") ;;
	esac
done
cc_out=$out/w1-sparse.txt
# What W=1 rebuilds (our objects, and the prepare stage: asm-offsets,
# bounds, modpost, compile.h) would make the next kernel build rebuild it
# and relink
# vmlinux (pahole: a minute or more): keep the build's own files and
# their command files, and put them back afterwards.
keep=$out/objects
for o in "${objs[@]}" arch/x86/kernel/asm-offsets.s kernel/bounds.s \
	include/generated/compile.h \
	.missing-syscalls.d; do
	for f in "$o" "$(dirname "$o")/.$(basename "$o").cmd"; do
		[ -f "$tree/$f" ] && install -D -p "$tree/$f" "$keep/$f"
	done
done
mkdir -p "$keep/scripts"
cp -a "$tree/scripts/mod" "$keep/scripts/"
rc=0
make -s -C "$tree" -j"$(nproc)" CC="ccache gcc" W=1 C=2 \
	"${objs[@]}" >"$cc_out" 2>&1 || rc=$?
(cd "$keep" && find . -type f -exec cp -p {} "$tree"/{} \;)
rm -rf "$keep"
[ "$rc" = 0 ] || { tail -20 "$cc_out"; exit 1; }
ours_re=$(printf '%s|' "${owned[@]}")
n_cc=$({ grep -E "^(${ours_re%|}):[0-9]+:[0-9]+: (warning|error)" \
	"$cc_out" || true; } | sort -u | wc -l)
echo "static: W=1 and sparse on ${#objs[@]} objects: $n_cc warnings"
[ "$n_cc" = 0 ] || { grep -E "^(${ours_re%|}):" "$cc_out" | head -20; fail=1; }
exit $fail
