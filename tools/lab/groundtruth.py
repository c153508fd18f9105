# SPDX-License-Identifier: GPL-2.0
"""Ground truth vs the capture kernel's adoption report.

The first kernel saves its own view of the VT-d tables (debugfs
dmar_translation_struct and every <BDF>/domain_translation_struct) on
the ground-truth disk just before it panics; lab.py extracts it to
<rundir>/gt/.  The capture kernel saves /sys/kernel/debug/iommu/intel/
kdump/* (written by the adoption code) to <rundir>/cap/kdump/.

compare_ground_truth(rundir) -> None (no kdump report: nothing to
compare) or (match: bool, detail: str).

Caveat: e1000e refills its RX ring continuously, so the first kernel's
snapshot can differ from the tables at the panic for that device.  Such
devices are listed in the scenario's "gt_volatile" and only compared
loosely (both sides have mappings).  The exact truth is the crashed
kernel's tables in the dump: when lab.py could walk them (vtdwalk.py,
<rundir>/walk/), the capture kernel's report is compared against that
walk, exactly and for every device.
"""

import json
import os

import debugfs
from debugfs import norm_bdf, read_table

VTD_PAGE = debugfs.VTD_PAGE


def parse_contexts(path):
    """debugfs dmar_translation_struct -> {(iommu, bdf): info}."""
    return debugfs.read_translation_struct(path)


def parse_domain(path):
    """<BDF>/domain_translation_struct -> [(start, end_excl, perm)] of
    contiguous IOVA ranges with the same permissions."""
    return coalesce([(iova, iova + size, debugfs.entry_perm(leaf))
                     for iova, size, leaf in debugfs.read_domain(path)])


def coalesce(ranges):
    out = []
    for start, end, perm in sorted(ranges):
        if out and out[-1][1] == start and out[-1][2] == perm:
            out[-1] = (out[-1][0], end, perm)
        else:
            out.append((start, end, perm))
    return out


def _perm(text):
    t = text.strip().lower()
    if t.isdigit() or t.startswith("0x"):
        v = int(t, 0)
        return ("r" if v & 1 else "-") + ("w" if v & 2 else "-")
    return ("r" if "r" in t else "-") + ("w" if "w" in t else "-")


def parse_iova_ranges(path):
    """kdump/iova_ranges → {bdf: [(start, end_excl, perm)]}.  'end' may be
    inclusive or exclusive: the pages column decides."""
    out = {}
    for row in read_table(path):
        start, end = int(row["start"], 0), int(row["end"], 0)
        pages = int(row.get("pages", "0"), 0)
        if pages and (end + 1 - start) == pages * VTD_PAGE:
            end += 1
        out.setdefault(norm_bdf(row["bdf"]), []).append(
            (start, end, _perm(row.get("perm", "rw"))))
    return {k: coalesce(v) for k, v in out.items()}


def ground_truth(rundir):
    """The first kernel's snapshot: (contexts, {bdf: ranges})."""
    gt = os.path.join(rundir, "gt")
    ctx = parse_contexts(os.path.join(gt, "dmar_translation_struct"))
    ranges = {}
    for dirpath, _dirs, files in os.walk(gt):
        if "domain_translation_struct" in files and dirpath != gt:
            rel = os.path.relpath(dirpath, gt).split(os.sep)[0]
            ranges[norm_bdf(rel)] = parse_domain(
                os.path.join(dirpath, "domain_translation_struct"))
    return ctx, ranges


def walk_truth(rundir):
    """The crashed kernel's tables walked in the dump (vtdwalk.py output
    in <rundir>/walk/), or None: ({(iommu, bdf): {"did"}}, {bdf: ranges})."""
    w = os.path.join(rundir, "walk")
    if not os.path.exists(os.path.join(w, "iova_ranges")):
        return None
    ctx = {(r["iommu"], norm_bdf(r["bdf"])): {"did": int(r["did"])}
           for r in read_table(os.path.join(w, "contexts"))}
    return ctx, parse_iova_ranges(os.path.join(w, "iova_ranges"))


def compare_ranges(ref, other, volatile=()):
    """Problems between two {bdf: ranges} maps (volatile BDFs: loosely)."""
    problems = []
    for bdf in sorted(set(ref) | set(other)):
        g, c = ref.get(bdf, []), other.get(bdf, [])
        if bdf in volatile:
            if bool(g) != bool(c):
                problems.append(f"{bdf} (volatile): {len(g)} ranges vs {len(c)}")
        elif g != c:
            problems.append(f"{bdf} ranges differ: [{_fmt(g)}] vs [{_fmt(c)}]")
    return problems


def walk_vs_snapshot(rundir):
    """Self-check of the dump walk against the first kernel's debugfs
    snapshot (volatile devices loosely): None or (match, detail)."""
    walk = walk_truth(rundir)
    if walk is None or not os.path.exists(
            os.path.join(rundir, "gt", "dmar_translation_struct")):
        return None
    volatile = volatile_bdfs(rundir)
    snap_ctx, snap_ranges = ground_truth(rundir)
    problems = []
    if {b for _, b in snap_ctx} != {b for _, b in walk[0]}:
        problems.append("context sets differ")
    for key, info in snap_ctx.items():
        if key in walk[0] and walk[0][key]["did"] != info["did"]:
            problems.append(f"{key[1]} did {walk[0][key]['did']} vs {info['did']}")
    problems += compare_ranges(snap_ranges, walk[1], volatile)
    return (not problems, "; ".join(problems) or "match")


def _fmt(ranges, limit=4):
    s = ", ".join(f"{a:#x}-{b:#x}{p}" for a, b, p in ranges[:limit])
    return s + (f" (+{len(ranges) - limit})" if len(ranges) > limit else "")


def root_refused(kdump):
    """Did the capture kernel refuse a whole root table?"""
    spath = os.path.join(kdump, "summary")
    if not os.path.exists(spath):
        return False
    return any(r.get("state") == "root-refused" for r in read_table(spath))


def not_judged(rows, gt_ctx, kdump):
    """{bdf: "state/reason"} of the contexts the capture kernel did not
    adopt; a refused context table ("BB:*.*") or root table (summary
    state root-refused) covers every context below it: those contexts
    were never judged one by one.  And {bus: why} of those tables."""
    refused = {norm_bdf(r["bdf"]): f"{r.get('state')}/{r.get('reason')}"
               for r in rows if r.get("state", "adopted") != "adopted"}
    whole = {b[:2]: why for b, why in refused.items() if b.endswith(":*.*")}
    if root_refused(kdump):
        whole = {f"{b:02x}": "refused/root" for b in range(256)}
    for _, bdf in gt_ctx:
        if bdf[:2] in whole:
            refused.setdefault(bdf, whole[bdf[:2]])
    return refused, whole


def compare_dids(gt_ctx, cap):
    """Domain-ids of the adopted contexts against the truth."""
    problems = []
    for (iommu, bdf), info in gt_ctx.items():
        row = cap.get((iommu, bdf)) or next(
            (r for (_, b), r in cap.items() if b == bdf), None)
        # A refused context's domain-id is what the damaged entry says,
        # or unknown (never read): only adopted ones count.
        if not row or row.get("state", "adopted") != "adopted":
            continue
        if row.get("did", "").strip() in ("", "-"):
            continue
        try:
            did = int(row["did"], 0)
        except ValueError:
            continue
        if did != info["did"]:
            problems.append(f"{bdf} did {did} != first kernel {info['did']}")
    return problems


def compare_contexts(kdump, gt_ctx):
    """(problems, refused) of kdump/contexts against the truth's contexts;
    contexts the capture kernel did not adopt carry no ranges by design
    (refused: listed in the detail, their ranges not compared)."""
    cpath = os.path.join(kdump, "contexts")
    if not os.path.exists(cpath):
        return ["kdump/contexts missing"], {}
    rows = read_table(cpath, need=("bdf",))
    cap = {(r.get("iommu", ""), norm_bdf(r["bdf"])): r for r in rows}
    refused, whole = not_judged(rows, gt_ctx, kdump)
    gt_bdfs = {b for _, b in gt_ctx if b[:2] not in whole}
    cap_bdfs = {b for _, b in cap if not b.endswith(":*.*")}
    problems = []
    if gt_bdfs - cap_bdfs:
        problems.append("contexts missing: " +
                        " ".join(sorted(gt_bdfs - cap_bdfs)))
    if cap_bdfs - gt_bdfs:
        problems.append("contexts extra: " +
                        " ".join(sorted(cap_bdfs - gt_bdfs)))
    return problems + compare_dids(gt_ctx, cap), refused


def volatile_bdfs(rundir):
    """The scenario's gt_volatile (scenario.json), or none."""
    try:
        with open(os.path.join(rundir, "scenario.json")) as f:
            return set(json.load(f).get("gt_volatile", []))
    except OSError:
        return set()


def compare_ground_truth(rundir):
    kdump = os.path.join(rundir, "cap", "kdump")
    if not os.path.isdir(kdump):
        return None
    if not os.path.exists(os.path.join(rundir, "gt", "dmar_translation_struct")):
        return False, "no ground truth saved by the first kernel"
    walk = walk_truth(rundir)
    if walk is not None:
        # exact truth: the crashed kernel's tables at the panic
        gt_ctx, gt_ranges = walk
        volatile, source = set(), "dump walk"
    else:
        gt_ctx, gt_ranges = ground_truth(rundir)
        volatile, source = volatile_bdfs(rundir), "debugfs snapshot"
    problems, refused = compare_contexts(kdump, gt_ctx)
    rpath = os.path.join(kdump, "iova_ranges")
    if os.path.exists(rpath):
        ref = {b: r for b, r in gt_ranges.items() if b not in refused}
        problems += compare_ranges(ref, parse_iova_ranges(rpath), volatile)
    else:
        problems.append("kdump/iova_ranges missing")
    note = ""
    if refused:
        note = " (not adopted: " + ", ".join(
            f"{b} {why}" for b, why in sorted(refused.items())) + ")"
    if problems:
        return False, f"vs {source}: " + "; ".join(problems) + note
    nranges = sum(len(v) for b, v in gt_ranges.items() if b not in refused)
    return True, (f"{len(gt_ctx)} contexts, {nranges} ranges of the adopted "
                  f"contexts match the {source}{note}")
