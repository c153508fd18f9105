#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kdump_boot_timeline.sh [TRACE]: the part of the kdump adoption timeline
# no bpftrace script can see, because it runs during boot: the
# intel_iommu:kdump_* and dmar_fault events the capture kernel recorded in
# its trace ring buffer when booted with trace_event=intel_iommu:*.
# TRACE defaults to /sys/kernel/tracing/trace.  Prints the events with
# their boot timestamps, then "count <event> <N>" per event, in the same
# form as kdump_timeline.bt.
trace=${1:-/sys/kernel/tracing/trace}
[ -r "$trace" ] || { echo "kdump_boot_timeline: cannot read $trace" >&2; exit 1; }
awk '
/ (kdump_[a-z_]+|dmar_fault): / {
	for (i = 1; i <= NF; i++)
		if ($i ~ /^(kdump_[a-z_]+|dmar_fault):$/) {
			ev = substr($i, 1, length($i) - 1)
			ts = $(i - 1)
			sub(/:$/, "", ts)
			rest = ""
			for (j = i + 1; j <= NF; j++)
				rest = rest " " $j
			if (ev != "kdump_iova_range" && ev != "kdump_did_reserved")
				printf("%14s s %s%s\n", ts, ev, rest)
			n[ev]++
			break
		}
}
END {
	for (e in n)
		printf("count %s %d\n", e, n[e])
}' "$trace"
