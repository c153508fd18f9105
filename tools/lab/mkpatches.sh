#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpatches.sh [6.12|7.3]: write a series back into this repository after
# editing it as git commits.  Developer tool:
#
#   make patchset NOBUILD=1            # the series, applied in build/patchset/linux
#   cd build/patchset/linux; git checkout -B work; git rebase -i pristine ...
#   tools/lab/mkpatches.sh             # patches/NNNN-*.patch and our files
#
# For 7.3: make patchset7 NOBUILD=1, build/patchset7/linux, patches/7.3/.
# Each commit's log (less its Signed-off-by) and its hunks to upstream
# files become NNNN-*.patch of the series directory, in series order; the
# files its files list gives a patch number are copied back from the last
# commit.  Both series share those files: after editing one in one series,
# run the other's make patchset.  Review the diff.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$REPO/build}
case "${1:-6.12}" in
6.12)	pdir=patches tree=$BUILD/patchset/linux ;;
7.3)	pdir=patches/7.3 tree=$BUILD/patchset7/linux ;;
*)	echo "mkpatches: unknown series ${1:-}" >&2; exit 2 ;;
esac
cd "$REPO"
mapfile -t series < <(grep -v -e '^#' -e '^$' "$pdir/series")
mapfile -t commits < <(git -C "$tree" rev-list --reverse pristine..HEAD)
[ "${#commits[@]}" = "${#series[@]}" ] || {
	echo "mkpatches: ${#commits[@]} commits, ${#series[@]} patches in $pdir/series" >&2
	exit 1
}
where() {
	case "$1" in
	selftests/*) echo "tools/testing/selftests/iommu_kdump/${1#selftests/}" ;;
	*) echo "$1" ;;
	esac
}
excl=()
while read -r n f; do
	case "$n" in ''|\#*|-) continue ;; esac
	excl+=(":(exclude)$(where "$f")")
	cp "$tree/$(where "$f")" "$f"
done <"$pdir/files"
for i in "${!series[@]}"; do
	c=${commits[$i]}
	{
		git -C "$tree" log -1 --format='Subject: [PATCH] %s%n%n%b' "$c" |
			grep -v '^Signed-off-by: ' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		echo '---'
		git -C "$tree" diff --no-color "$c~" "$c" -- . "${excl[@]}" |
			sed -E 's/^index ([0-9a-f]{7})[0-9a-f]*\.\.([0-9a-f]{7})[0-9a-f]*/index \1..\2/'
	} >"$pdir/${series[$i]}"
done
echo "mkpatches: ${#series[@]} patches and $(grep -v -e '^#' -e '^$' -e '^-' "$pdir/files" | wc -l) files written back into $pdir"
