# SPDX-License-Identifier: GPL-2.0
"""Parsers of what a run leaves: the host-stamped serial log, QEMU's
trace, KTAP (the kselftest's and KUnit's totals).

    split_console()   serial lines -> (first kernel's log, capture's log)
    count_faults()    DMAR fault records a kernel logged
    log_problems()    oops/WARN/BUG/lockup/... lines
    read_trace()      qemu.trace -> [(host time, event, arguments)]
    trace_bdf()       BB:DD.F of a VT-d trace event
    ktap_parse()      top-level KTAP results -> counts and failures
    selftest_ktap()   the capture kernel's kselftest KTAP (disk or console)
    kunit_totals()    KUnit's "# Totals:" lines summed
"""

import os
import re

PANIC_LINE = "sysrq: Trigger a crash"

BAD_PATTERNS = re.compile(
    r"\bOops\b|WARNING: CPU|\bBUG:|kernel BUG at|soft lockup|hard LOCKUP|"
    r"hung task|blocked for more than|general protection fault|"
    r"Unable to handle|refcount_t:|UBSAN:|KASAN:|"
    r"self-detected stall|detected stalls on CPUs")
DMAR_FAULT_LINE = re.compile(
    r"DMAR: \[(DMA (Read|Write)|INTR-REMAP)[^\]]*\].*Request device")
# "<pid>@<host time>:<event> <arguments>" (qemu -msg timestamp=on -D)
TRACE_LINE = re.compile(r"^(\d+)@(\d+\.\d+):(\w+)\s?(.*)$")
# Top-level KTAP result of a kselftest_harness program.
KTAP_RESULT = re.compile(r"^(ok|not ok) \d+ (\S+)(?:\s+#\s*(\w+)?(.*))?$")
KUNIT_TOTALS = re.compile(r"# Totals: pass:(\d+) fail:(\d+) skip:(\d+)")
# A printk timestamp, "[   12.345678]".
STAMP = re.compile(r"\[\s*(\d+\.\d+)\]")

# The first kernel is about to damage its live tables (kdump_corrupt's
# taint line, then the guest's mark): from here on it may die of the
# damage itself, before sysrq c, even while the damage is being done.
CORRUPTED = re.compile(r"IOMMU tables are about to be damaged|"
                       r"LAB: corrupted")
OOPS = re.compile(r"\bOops\b|\bBUG:|kernel BUG at|general protection fault")


def panic_index(lines):
    """Index of the crash line (sysrq c), or None.  After the damage of a
    corrupt-*/fuzz run, an oops of the first kernel's own (it walks the
    tables it uses) is the crash: the kernel goes straight to the capture
    kernel (crash_kexec() from oops_end()), with no sysrq line."""
    i = next((i for i, l in enumerate(lines) if PANIC_LINE in l), None)
    if i is not None:
        return i
    damaged = next((i for i, l in enumerate(lines) if CORRUPTED.search(l)),
                   None)
    if damaged is None:
        return None
    return next((i for i in range(damaged, len(lines))
                 if OOPS.search(lines[i])), None)

def split_console(lines):
    """(first kernel's log, capture kernel's log): the first kernel's log
    runs to the capture kernel's "Linux version" after the crash line."""
    panic = panic_index(lines)
    boot = None if panic is None else next(
        (i for i in range(panic, len(lines))
         if "] Linux version" in lines[i]), None)
    if boot is None:
        return lines, []
    return lines[:boot], lines[boot:]

def count_faults(log):
    """DMAR fault records the kernel logged; not the copies a selftest
    prints as KTAP diagnostics ("# fault: DMAR: ...")."""
    return sum(1 for line in log
               if DMAR_FAULT_LINE.search(line) and not line.startswith("#"))

def log_problems(first_log, capture_log, limit=10):
    """Oops/WARN/BUG/... lines of either kernel, and a panic of the
    capture kernel: ["first: <line>", "capture: <line>", ...].  The first
    kernel's lines after its tables were damaged on purpose are the crash
    being tested, not a problem."""
    damaged = next((i for i, l in enumerate(first_log)
                    if CORRUPTED.search(l)), None)
    if damaged is not None:
        first_log = first_log[:damaged]
    bad = [(who, l) for who, lines in (("first", first_log),
                                       ("capture", capture_log))
           for l in lines if BAD_PATTERNS.search(l)]
    panic = next((l for l in capture_log if "Kernel panic" in l), None)
    if panic:
        bad.append(("capture", panic))
    return [f"{who}: {l.strip()[:160]}" for who, l in bad][:limit]

def read_trace(path):
    """qemu.trace -> [(host time, event, arguments)]; [] if absent."""
    events = []
    if not os.path.exists(path):
        return events
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_LINE.match(line)
            if m:
                events.append((float(m.group(2)), m.group(3), m.group(4)))
    return events

def trace_bdf(text):
    """BB:DD.F of a "bus B devfn D" QEMU VT-d trace line, or ""."""
    m = re.search(r"bus (\d+) devfn (\d+)", text)
    if not m:
        return ""
    bus, devfn = int(m.group(1)), int(m.group(2))
    return f"{bus:02x}:{devfn >> 3:02x}.{devfn & 7}"

def ktap_parse(ktap):
    """passed/failed/skipped/failures of KTAP lines, None if no result."""
    out = {"passed": 0, "failed": 0, "skipped": 0, "failures": []}
    seen = False
    for line in ktap:
        m = KTAP_RESULT.match(line.strip("\r"))
        if not m:
            continue
        seen = True
        ok, name, directive = m.group(1) == "ok", m.group(2), m.group(3)
        if directive and directive.upper() == "SKIP":
            out["skipped"] += 1
        elif ok:
            out["passed"] += 1
        else:
            out["failed"] += 1
            out["failures"].append(name)
    return out if seen else None

def ktap_counts(path):
    """ktap_parse() of a file, None if it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return ktap_parse(f.read().splitlines())
    except OSError:
        return None

def console_section(lines, name):
    """The lines between "LAB-BEGIN <name>" and "LAB-END <name>"."""
    out, inside = [], False
    for line in lines:
        if line.startswith(f"LAB-BEGIN {name}"):
            inside = True
        elif line.startswith(f"LAB-END {name}"):
            inside = False
        elif inside:
            out.append(line)
    return out

def selftest_ktap(rundir, capture_log):
    """The capture kernel's kselftest KTAP (the copy on the capture disk,
    else the console between LAB-BEGIN/LAB-END selftests) -> counts and
    "source", or None when no selftest result was printed."""
    path = os.path.join(rundir, "cap", "selftests.ktap")
    if os.path.exists(path):
        out, source = ktap_counts(path), "disk"
    else:
        out = ktap_parse(console_section(capture_log, "selftests"))
        source = "console"
    if out:
        out["source"] = source
    return out

def kunit_totals(lines):
    """Sum of KTAP '# Totals: pass:N fail:M skip:K' lines (None if none)."""
    tot, seen = {"pass": 0, "fail": 0, "skip": 0}, False
    for line in lines:
        m = KUNIT_TOTALS.search(line)
        if m:
            seen = True
            for k, v in zip(("pass", "fail", "skip"), m.groups()):
                tot[k] += int(v)
    return tot if seen else None

def printk_time(lines, text):
    """The printk timestamp (s) of the first line holding @text, or None."""
    m = next((STAMP.search(l) for l in lines if text in l), None)
    return float(m.group(1)) if m else None
