#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# step.sh NAME COMMAND...: one step of make check, with a line when it
# starts and one with its time when it ends, so that a person watching a
# long run knows where it is:
#
#   step kernel-ours: start
#   ...
#   step kernel-ours: done in 412 s
set -uo pipefail
name=$1
shift
t0=$(date +%s)
echo "step $name: start"
"$@"
rc=$?
t=$(($(date +%s) - t0))
if [ "$rc" = 0 ]; then
	echo "step $name: done in $t s"
else
	echo "step $name: FAILED (exit $rc) after $t s"
fi
exit "$rc"
