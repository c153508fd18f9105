#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# static.sh: the static checks of make check, on the built "ours" tree:
#   checkpatch.pl --strict  every patch of the series (make patchset) and
#                           every file we own;
#   kernel-doc -none -Wall  every .c/.h we own;
#   make W=1 C=2            (extra warnings and sparse) our objects.
# Any warning in our files fails the step.  Counts are printed, and the
# full output is kept in $BUILD/static/.
set -euo pipefail
BUILD=${BUILD:?}
REPO=${REPO:?}
tree=$BUILD/ours/linux
out=$BUILD/static
rm -rf "$out"
mkdir -p "$out"
[ -f "$tree/vmlinux" ] || { echo "static: build kernel-ours first" >&2; exit 1; }

cd "$REPO"
mapfile -t owned < <(git ls-files drivers include selftests | grep -E '\.[ch]$')
# The series as make patchset writes it: commit logs, sign-offs and the
# new files in full.
series=$BUILD/patchset/series
[ -f "$series/0000-cover-letter.patch" ] || {
	echo "static: run make patchset first" >&2
	exit 1
}
patches=("$series"/*.patch)
patches=("${patches[@]:1}")	# not the cover letter
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
