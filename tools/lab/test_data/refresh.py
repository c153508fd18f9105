#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Refresh test_data/ from the results of a real lab run.

    tools/lab/test_data/refresh.py RESULTS

RESULTS: a results directory holding the scenarios of SAMPLES (e.g.
$BUILD/results).  Each sample is a trimmed copy of one run directory:
the files the figures and checks read (serial.log, qemu.trace,
scenario.json, result.json, gt/, cap/, walk/, vmcore-dmesg.txt,
crash.log), less
what no check reads (the page tables of the ISA functions and, but in
one sample, of the first kernel; the capture kernel's own debugfs view;
dmesg.boot), the console, cap/dmesg and the dump's log cut to the lines
a parser looks at, QEMU's per-packet events capped (see README).
Nothing is edited: every line kept is a line the run wrote.
"""

import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = {
    "ours-legacy": "ours-legacy-aw48-inplace-e1000e",
    "ours-scalable-flts": "ours-scalable-flts-x2apic-aw48-inplace-e1000e",
    "stock-legacy": "stock-legacy-aw48-e1000e",
    "off-legacy": "off-legacy-aw48-e1000e",
    "corrupt": "ours-corrupt-table-outside-ram-legacy-aw48-inplace-e1000e",
    "corrupt-root": "ours-corrupt-root-entry-legacy-aw48-inplace-e1000e",
    "kunit": "kunit",
    "bpftrace": "ours-bpftrace-legacy-aw48-inplace-e1000e",
    "handover-ours": "ours-handover-legacy-aw48-inplace-e1000e",
    "handover-stock": "stock-handover-legacy-aw48-e1000e",
    "selftest-break": "ours-selftest-break-legacy-aw48-inplace-e1000e",
    "fuzz": "fuzz-001-0x1000-ours-legacy-aw48-inplace-e1000e",
    "ptcapture": "ours-ptcapture-legacy-aw48-inplace-e1000e",
}
# Console lines a parser or check reads (lab_parser, lab_checks).
SERIAL_KEEP = re.compile(
    r"LAB|DMAR|sysrq|Linux version|Kernel panic|Totals|Translation|"
    r"Copied|^(ok|not ok) |TAP version|Oops|WARNING|BUG|kdump")
# Trace events kept whole but e1000e RX, faults and HDA translations.
TRACE_CAP = 40
SKIP = re.compile(r"(^|/)(0000:00:1f\.\d|00:1f\.\d)/|dmesg\.boot$|"
                  r"ir_translation_struct$|^iommu/")


# The first kernel's page-table dumps are read only when a run has no walk
# of its dump: one sample keeps them, for the reader's tests.
GT_DOMAINS = "ours-legacy"


def copy_tree(src, dst, keep_domains):
    for dirpath, _dirs, files in os.walk(src):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            if SKIP.search(rel) or (not keep_domains and "/" in rel and
                                    name == "domain_translation_struct"):
                continue
            os.makedirs(os.path.dirname(os.path.join(dst, rel)),
                        exist_ok=True)
            shutil.copy(os.path.join(dirpath, name), os.path.join(dst, rel))


def trim_cap_dmesg(path):
    """cap/dmesg: its DMAR lines (faults, refusals) are what is read."""
    if not os.path.exists(path):
        return
    with open(path, errors="replace") as f:
        keep = [l for i, l in enumerate(f) if i < 2 or "DMAR" in l]
    with open(path, "w") as f:
        f.writelines(keep)


def trim_serial(src, dst):
    with open(src, errors="replace") as f, open(dst, "w") as out:
        for i, line in enumerate(f):
            text = line.split(" ", 1)[-1]
            if i < 3 or SERIAL_KEEP.search(text):
                out.write(line)


def panic_time(serial):
    with open(serial, errors="replace") as f:
        for line in f:
            if "sysrq: Trigger a crash" in line:
                return float(line.split(" ", 1)[0])
    return float("inf")


def trim_trace(src, dst, t_panic):
    """Every event but the per-packet and per-fault ones, of which up to
    TRACE_CAP before the panic and TRACE_CAP after are kept."""
    seen = {}
    with open(src, errors="replace") as f, open(dst, "w") as out:
        for line in f:
            m = re.match(r"^\d+@([\d.]+):(\w+)", line)
            if not m:
                continue
            key = (m.group(2), float(m.group(1)) >= t_panic)
            seen[key] = seen.get(key, 0) + 1
            if key[0] in ("e1000e_rx_written_to_guest", "vtd_dmar_fault",
                          "vtd_dmar_translate") and seen[key] > TRACE_CAP:
                continue
            out.write(line)


def trim_dmesg(src, dst):
    """The crashed kernel's log from the dump: its first lines and the
    crash (what lab_artefacts.dump_log_ok() looks for)."""
    if not os.path.exists(src):
        return
    with open(src, errors="replace") as f, open(dst, "w") as out:
        for i, line in enumerate(f):
            if i < 2 or re.search(r"sysrq|Kernel panic", line):
                out.write(line)


def trim_crash(src, dst):
    """crash(8)'s sys, bt and log: sys and bt whole, of the log its first
    lines and the crash (what lab_artefacts.crash_log_ok() reads)."""
    if not os.path.exists(src):
        return
    with open(src, errors="replace") as f, open(dst, "w") as out:
        n = 0
        for line in f:
            if line.startswith("["):
                n += 1
                if n > 2 and not re.search(r"sysrq|Kernel panic", line):
                    continue
            out.write(line)


def main():
    results = sys.argv[1]
    for sample, name in SAMPLES.items():
        src, dst = os.path.join(results, name), os.path.join(HERE, sample)
        if not os.path.isdir(src):
            print(f"refresh: no {src}, {sample} kept as it is")
            continue
        shutil.rmtree(dst, ignore_errors=True)
        os.makedirs(dst)
        for sub in ("gt", "cap", "walk"):
            if os.path.isdir(os.path.join(src, sub)):
                copy_tree(os.path.join(src, sub), os.path.join(dst, sub),
                          sub != "gt" or sample == GT_DOMAINS)
        trim_cap_dmesg(os.path.join(dst, "cap", "dmesg"))
        for f in ("scenario.json", "result.json"):
            shutil.copy(os.path.join(src, f), dst)
        trim_serial(os.path.join(src, "serial.log"),
                    os.path.join(dst, "serial.log"))
        trim_trace(os.path.join(src, "qemu.trace"),
                   os.path.join(dst, "qemu.trace"),
                   panic_time(os.path.join(src, "serial.log")))
        trim_dmesg(os.path.join(src, "vmcore-dmesg.txt"),
                   os.path.join(dst, "vmcore-dmesg.txt"))
        trim_crash(os.path.join(src, "crash.log"),
                   os.path.join(dst, "crash.log"))
        print(f"refresh: {sample} <- {name}")


if __name__ == "__main__":
    main()
