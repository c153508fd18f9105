#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpatches.sh: regenerate patches/*.patch from an edited copy of the
# upstream files.  Developer tool: edit build/patchwork/b/<path>, run this,
# review the diff of patches/.  a/ is refreshed from the pristine tree.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
W=$REPO/build/patchwork
P=$REPO/build/src/pristine
cd "$REPO/patches"
while read -r p; do
	case "$p" in ''|\#*) continue ;; esac
	files=$(grep '^+++ b/' "$p" | sed 's|^+++ b/||')
	head=$(sed '/^---$/q' "$p")
	{
		printf '%s\n' "$head"
		for f in $files; do
			mkdir -p "$W/a/$(dirname "$f")"
			cp "$P/$f" "$W/a/$f"
			(cd "$W" && git diff --no-index --src-prefix= \
				--dst-prefix= "a/$f" "b/$f") || true
		done
	} >"$p.new"
	mv "$p.new" "$p"
done <series
echo "mkpatches: $(wc -l <series) patches regenerated"
