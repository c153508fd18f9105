#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# config.sh TREE FRAGMENT...: x86_64 tinyconfig + the fragments, merged
# with the kernel's merge_config.sh.  Fails if any option of a fragment
# did not end up as asked (a dependency missing, a typo).
set -euo pipefail
tree=$1; shift
frag=$(mktemp)
trap 'rm -f "$frag"' EXIT
cat "$@" >"$frag"
cd "$tree"
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s olddefconfig >/dev/null
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		opt=${line%%=*}
		if grep -q "^$opt=" .config; then
			echo "config: $opt asked off but is $(grep "^$opt=" .config)" >&2
			bad=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qx "$line" .config; then
			echo "config: asked $line, got: $(grep "^${line%%=*}=" .config || echo 'not set')" >&2
			bad=1
		fi ;;
	esac
done <"$frag"
[ "$bad" = 0 ] || { echo "config: fragment not honoured" >&2; exit 1; }
echo "config: $(grep -c '=y$' .config) options built in"
