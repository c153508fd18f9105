#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpatches.sh: write the series back into this repository after editing
# it as git commits.  Developer tool:
#
#   make patchset NOBUILD=1            # the series, applied in build/patchset/linux
#   cd build/patchset/linux; git checkout -B work; git rebase -i pristine ...
#   tools/lab/mkpatches.sh             # patches/NNNN-*.patch and our files
#
# Each commit's log (less its Signed-off-by) and its hunks to upstream
# files become patches/NNNN-*.patch, in series order; the files listed in
# patches/files are copied back from the last commit.  Review the diff.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$REPO/build}
tree=$BUILD/patchset/linux
cd "$REPO"
mapfile -t series < <(grep -v -e '^#' -e '^$' patches/series)
mapfile -t commits < <(git -C "$tree" rev-list --reverse pristine..HEAD)
[ "${#commits[@]}" = "${#series[@]}" ] || {
	echo "mkpatches: ${#commits[@]} commits, ${#series[@]} patches in patches/series" >&2
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
done <patches/files
for i in "${!series[@]}"; do
	c=${commits[$i]}
	{
		git -C "$tree" log -1 --format='Subject: [PATCH] %s%n%n%b' "$c" |
			grep -v '^Signed-off-by: ' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		echo '---'
		git -C "$tree" diff --no-color "$c~" "$c" -- . "${excl[@]}" |
			sed -E 's/^index ([0-9a-f]{7})[0-9a-f]*\.\.([0-9a-f]{7})[0-9a-f]*/index \1..\2/'
	} >"patches/${series[$i]}"
done
echo "mkpatches: ${#series[@]} patches and $(grep -cv -e '^#' -e '^$' patches/files) files written back"
