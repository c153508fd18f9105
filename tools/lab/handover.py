# SPDX-License-Identifier: GPL-2.0
"""The hand-over check: what the capture kernel did with a device whose
old context it adopted, once a driver used the DMA API on it.

The guest (lab.handover=BB:DD.F on the capture command line) saves in its
report (cap/handover/): the device's domain_translation_struct before
and after writing the BDF to kdump/release, kdump/contexts before, and
the IOVAs the window test driver was given.  The crashed kernel's IOVA
ranges for the device come from the host's own walk of the dump
(walk/iova_ranges), so stock and ours are judged against the same truth.

    handover_state        the device's hand-over column before release
    legacy_pages          old pages mapped in the new domain before release
    legacy_pages_missing  old pages the new domain did not map (ours: 0)
    legacy_pages_after    old pages still mapped after release (ours: 0)
    new_iovas             IOVAs the window driver was given
    new_iova_overlaps     of those, how many fall in an old range (ours: 0)
    stale_dma_buffers     new buffers the old DMA wrote into (ours: 0)

On stock the window shows the problem either as DMAR faults or, when the
new IOVAs reuse old ones, as old DMA landing in the new buffers; the
check passes on stock when the problem shows, on ours when it does not.
"""

import os
import re

import debugfs
from debugfs import read_table

PAGE = debugfs.VTD_PAGE
WINDOW = re.compile(r"window: iova (0x[0-9a-f]+) size (0x[0-9a-f]+)")
STALE = re.compile(r"window: (\d+) of (\d+) new buffers written by stale DMA")


def old_ranges(rundir, bdf):
    """[(start, end)] of the crashed kernel's mapped IOVA for bdf (end
    inclusive), None without a walk of the dump."""
    path = f"{rundir}/walk/iova_ranges"
    if not os.path.exists(path):
        return None
    return [(int(r["start"], 16), int(r["end"], 16))
            for r in read_table(path, need=("bdf", "start", "end"))
            if r["bdf"] == bdf]


def mapped_pages(path):
    """IOVA page numbers a domain_translation_struct file lists."""
    leaves = debugfs.read_domain(path)
    if leaves is None:
        return None
    pages = set()
    for iova, size, _leaf in leaves:
        pages.update(range(iova // PAGE, (iova + size) // PAGE))
    return pages


def window_iovas(rundir):
    path = f"{rundir}/cap/handover/window-iovas"
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as f:
        return [(int(m.group(1), 16), int(m.group(2), 16))
                for m in map(WINDOW.search, f) if m]


def stale_buffers(rundir):
    path = f"{rundir}/cap/handover/window-iovas"
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        for m in map(STALE.search, f):
            if m:
                return int(m.group(1))
    return None


def handover_state(rundir, bdf, name="cap/handover/contexts-before"):
    """The handover column of bdf in a saved kdump/contexts."""
    rows = read_table(f"{rundir}/{name}", need=("bdf", "handover"))
    return next((r["handover"] for r in rows if r["bdf"] == bdf), None)


def judge_stock(fig, faults, expect):
    """(ok, detail) on stock: passes when the window shows the problem."""
    shown = [f"{faults} DMAR faults"] if faults else []
    if fig["new_iova_overlaps"]:
        shown.append(f"{fig['new_iova_overlaps']} new IOVAs in old ranges")
    if fig["stale_dma_buffers"]:
        shown.append(f"{fig['stale_dma_buffers']} new buffers written "
                     "by stale DMA")
    if not shown:
        return False, "the window showed no problem on stock"
    if expect == "faults" and not faults:
        return False, ("stock: no DMAR fault in the window (" +
                       ", ".join(shown) + ")")
    return True, "stock: " + ", ".join(shown)


def judge_ours(rundir, bdf, old, fig):
    """Problems on ours: the new domain maps every old page, drops them
    on release, no new IOVA in an old range, no stale DMA."""
    problems = []
    if fig["new_iova_overlaps"]:
        problems.append(f"{fig['new_iova_overlaps']} new IOVAs overlap old ranges")
    if fig["stale_dma_buffers"]:
        problems.append(f"{fig['stale_dma_buffers']} new buffers written by "
                        "stale DMA")
    fig["handover_state"] = handover_state(rundir, bdf)
    before = mapped_pages(f"{rundir}/cap/handover/before")
    after = mapped_pages(f"{rundir}/cap/handover/after")
    if before is None or after is None:
        problems.append("no domain_translation_struct before/after release")
    else:
        fig["legacy_pages"] = len(old & before)
        fig["legacy_pages_missing"] = len(old - before)
        fig["legacy_pages_after"] = len(old & after)
        if fig["legacy_pages_missing"]:
            problems.append(f"{fig['legacy_pages_missing']} old pages not "
                            "mapped in the new domain")
        if fig["legacy_pages_after"]:
            problems.append(f"{fig['legacy_pages_after']} old pages still "
                            "mapped after release")
    if fig["handover_state"] != "handed-over":
        problems.append(f"hand-over state {fig['handover_state']}")
    return problems


def check_handover(rundir, bdf, ours, faults=0, expect="any"):
    """(ok, detail, figures) for the device bdf; faults: DMAR faults seen.

    expect "faults": on stock, only DMAR faults count as the problem
    showing (the crashed kernel's IOVAs were out of the new allocator's
    reach, so no reuse can hide it)."""
    fig = {}
    ranges = old_ranges(rundir, bdf)
    if ranges is None:
        return False, "no walk of the dump (walk/iova_ranges)", fig
    old = set()
    for start, end in ranges:
        old.update(range(start // PAGE, end // PAGE + 1))
    new = window_iovas(rundir)
    fig["new_iovas"] = len(new)
    fig["new_iova_overlaps"] = sum(
        1 for iova, size in new
        if any(iova <= end and iova + size - 1 >= start
               for start, end in ranges))
    fig["stale_dma_buffers"] = stale_buffers(rundir)
    if not new or fig["stale_dma_buffers"] is None:
        return False, "the window driver did not run to the end", fig
    if not ours:
        return judge_stock(fig, faults, expect) + (fig,)
    problems = judge_ours(rundir, bdf, old, fig)
    detail = "; ".join(problems) or (
        f"{fig.get('legacy_pages')} old pages kept, dropped on release; "
        f"{fig['new_iovas']} new IOVAs, none in an old range, "
        "no buffer written by stale DMA")
    return not problems, detail, fig
