#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patchset.sh [--no-build] [6.12|7.3]: make patchset (make patchset7).
# Writes the series as `git format-patch` output against pristine Debian
# 6.12 (patches/, into $BUILD/patchset/series/) or 7.3 (patches/7.3/,
# into $BUILD/patchset7/series/), then proves it:
#
#   1. every file of this repository that the overlay lays over the
#      kernel is added by exactly one patch (files in the series
#      directory), or marked as another series' own ("-");
#   2. `git am` applies the whole series to a git tree of the pristine
#      source, and the result equals the overlay build ($BUILD/ours/linux,
#      ours7 for 7.3) file for file;
#   3. bisectable: after every patch the kernel builds with the option on
#      (the ours or ours7 configuration) and off (off, off7): all
#      objects, vmlinux.a and vmlinux.o, and vmlinux.o needs no symbol the
#      final, linked kernel of that configuration does not (a call into a
#      later patch would be one).  The final link with BTF is what
#      kernel-ours and kernel-off do; it is not repeated per patch.
#
# Each commit takes its subject and log from NNNN-*.patch of the series
# directory, its upstream hunks from the same file and its new files from
# its files list.
# The author is the repository's git identity (user.name/user.email, or
# the author of HEAD when none is configured), with a Signed-off-by.
set -euo pipefail
BUILD=${BUILD:?}
REPO=${REPO:?}
build=1
[ "${1:-}" = --no-build ] && { build=0; shift; }
case "${1:-6.12}" in
6.12)	src=$BUILD/src pdir=patches top=$BUILD/patchset k7= ;;
7.3)	src=$BUILD/src7 pdir=patches/7.3 top=$BUILD/patchset7 k7=7 ;;
*)	echo "patchset: unknown series ${1:-}" >&2; exit 2 ;;
esac
pristine=$src/pristine
out=$top/series
gen=$top/gen
tree=$top/linux
offtree=$top/linux-off
kinds=ours$k7
[ "$build" = 0 ] || kinds="ours$k7 off$k7"
for k in $kinds; do
	[ -f "$BUILD/$k/linux/vmlinux.o" ] || {
		echo "patchset: build kernel-$k first" >&2
		exit 1
	}
done
mkdir -p "$top"
cd "$REPO"

name=$(git config user.name || git log -1 --format=%an)
email=$(git config user.email || git log -1 --format=%ae)
date=$(git log -1 --format=%ad --date=rfc)
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
export GIT_COMMITTER_DATE=$date
gitq() { git -c advice.detachedHead=false -c core.autocrlf=false "$@"; }

mapfile -t series < <(grep -v -e '^#' -e '^$' "$pdir/series")

# 1. Every file we own is in exactly one patch, and every patch named
# in the files list exists.
where() {
	case "$1" in
	selftests/*) echo "tools/testing/selftests/iommu_kdump/${1#selftests/}" ;;
	*) echo "$1" ;;
	esac
}
grep -v -e '^#' -e '^$' "$pdir/files" | awk '{print $2}' | sort >"$top/manifest"
git ls-files drivers include Documentation selftests | sort >"$top/owned"
if ! diff -u "$top/owned" "$top/manifest" >"$top/manifest.diff"; then
	echo "patchset: $pdir/files and the repository differ (- owned, + listed):" >&2
	grep '^[-+][^-+]' "$top/manifest.diff" >&2
	exit 1
fi
if [ -n "$(uniq -d "$top/manifest")" ]; then
	echo "patchset: in $pdir/files twice: $(uniq -d "$top/manifest")" >&2
	exit 1
fi
while read -r n f; do
	case "$n" in ''|\#*|-) continue ;; esac
	printf '%s\n' "${series[@]}" | grep -q "^$n-" || {
		echo "patchset: $pdir/files names $n ($f), not in the series" >&2
		exit 1
	}
done <"$pdir/files"

# 2a. Generate: a small git tree holding the pristine version of every
# upstream file the series touches; one commit per patch.
rm -rf "$gen" "$out"
mkdir -p "$gen"
for p in "${series[@]}"; do
	grep '^+++ b/' "$pdir/$p" | sed 's|^+++ b/||' || true
done | sort -u | while read -r f; do
	install -D -m 0644 "$pristine/$f" "$gen/$f"
done
gitq -C "$gen" init -q
gitq -C "$gen" add -A
gitq -C "$gen" commit -q -m "Debian linux-source $(cat "$src/VERSION")"
for p in "${series[@]}"; do
	if grep -q '^+++ b/' "$pdir/$p"; then
		gitq -C "$gen" apply --whitespace=error-all "$REPO/$pdir/$p" || {
			echo "patchset: $p does not apply in order" >&2
			exit 1
		}
	fi
	while read -r n f; do
		[ "$n" = "${p%%-*}" ] || continue
		install -D -m 0644 "$f" "$gen/$(where "$f")"
	done <"$pdir/files"
	gitq -C "$gen" add -A
	{
		sed -n '1s/^Subject: \[PATCH\] //p' "$pdir/$p"
		sed -n '2,/^---$/p' "$pdir/$p" | sed '$d'
		printf '\nSigned-off-by: %s <%s>\n' "$name" "$email"
	} >"$top/msg"
	gitq -C "$gen" commit -q -F "$top/msg"
done
gitq -C "$gen" format-patch -q --no-signature --cover-letter -o "$out" \
	HEAD~${#series[@]}..HEAD
# The cover letter: subject and text from patches/cover-letter.
cover=$(ls "$out"/0000-*.patch)
subject=$(head -1 patches/cover-letter)
tail -n +3 patches/cover-letter >"$top/blurb"
sed -i -e "s|\*\*\* SUBJECT HERE \*\*\*|$subject|" \
	-e "/\*\*\* BLURB HERE \*\*\*/{r $top/blurb" -e 'd}' "$cover"
echo "patchset: ${#series[@]} patches and a cover letter in ${out#"$REPO"/}"
gitq -C "$gen" log --reverse --format='  %s' HEAD~${#series[@]}..HEAD

# 2b. git am onto a git tree of the whole pristine source (made once).
if [ ! -d "$tree/.git" ]; then
	rm -rf "$tree" "$offtree"
	echo "patchset: a git tree of the pristine source (once)"
	cp -a "$pristine" "$tree"
	chmod -R u+w "$tree"
	gitq -C "$tree" init -q
	gitq -C "$tree" add -A -f
	gitq -C "$tree" commit -q -m pristine
	gitq -C "$tree" tag pristine
fi
gitq -C "$tree" checkout -q -f --detach pristine
gitq -C "$tree" clean -q -f -d
mails=("$out"/*.patch)
mails=("${mails[@]:1}")	# 0000-cover-letter.patch sorts first
gitq -C "$tree" am -q "${mails[@]}" || {
	echo "patchset: git am of the series failed" >&2
	gitq -C "$tree" am --abort || true
	exit 1
}
mapfile -t changed < <(gitq -C "$tree" diff --name-only pristine HEAD)
differ=0
for f in "${changed[@]}"; do
	cmp -s "$tree/$f" "$BUILD/ours$k7/linux/$f" || {
		echo "patchset: $f differs from the overlay build" >&2
		differ=1
	}
done
[ "$differ" = 0 ] || exit 1
echo "patchset: git am applies all ${#series[@]}; the result equals the" \
	"overlay build in all ${#changed[@]} files it changes"
[ "$build" = 1 ] || exit 0

# 3. Build every step, option on (in $tree) and off (in a worktree).
if [ ! -d "$offtree" ]; then
	gitq -C "$tree" worktree add -q --detach "$offtree" pristine
fi
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/vtd-kdump-ccache}
export CCACHE_NOHASHDIR=1
export KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=lab \
	KBUILD_BUILD_HOST=vtd-kdump
undef() { nm -u "$1" | awk '{print $2}' | sort -u; }
undef "$BUILD/ours$k7/linux/vmlinux.o" >"$top/undef-on"
undef "$BUILD/off$k7/linux/vmlinux.o" >"$top/undef-off"
mapfile -t steps < <(gitq -C "$tree" rev-list --reverse pristine..HEAD)
mapfile -t added < <(gitq -C "$tree" diff --name-only --diff-filter=A \
	pristine HEAD -- '*.c')
i=0
for c in "${steps[@]}"; do
	i=$((i + 1))
	for cfg in on off; do
		if [ "$cfg" = on ]; then t=$tree k=ours$k7; else t=$offtree k=off$k7; fi
		t0=$(date +%s)
		gitq -C "$t" checkout -q -f --detach "$c"
		# The object of a file a later patch adds, left from an
		# earlier run, would stand in for it: Kbuild keeps an object
		# whose source is gone (fixdep gives every dependency an
		# empty rule), and a step missing a file would still link.
		for f in "${added[@]}"; do
			[ -e "$t/$f" ] && continue
			o=${f%.c}.o
			rm -f "$t/$o" "$t/$(dirname "$o")/.$(basename "$o").cmd"
		done
		# The lab kernel's own configuration, debug info included:
		# most objects then come from ccache (its preprocessor mode
		# matches them to the lab kernels' though autoconf.h
		# differs).  Without debug info the first step compiled
		# everything cold: 27 min here, against 7 min with it.
		cp "$BUILD/$k/linux/.config" "$t/.config"
		make -s -C "$t" olddefconfig >/dev/null
		log=$top/build-$i-$cfg.log
		if ! make -s -C "$t" -j"$(nproc)" CC="ccache gcc" vmlinux_o \
			>"$log" 2>&1; then
			echo "patchset: patch $i does not build with the option $cfg:" >&2
			tail -20 "$log" >&2
			exit 1
		fi
		new=$(undef "$t/vmlinux.o" | comm -23 - "$top/undef-$cfg")
		if [ -n "$new" ]; then
			echo "patchset: patch $i, option $cfg: vmlinux.o needs" \
				"symbols no patch before it defines:" $new >&2
			exit 1
		fi
		warn=$(grep -c 'warning:' "$log" || true)
		echo "patchset: patch $i/${#steps[@]} builds with the option" \
			"$cfg ($warn warnings, $(($(date +%s) - t0)) s)"
		[ "$warn" = 0 ] || { grep 'warning:' "$log" | head; exit 1; }
	done
done
