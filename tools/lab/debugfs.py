# SPDX-License-Identifier: GPL-2.0
"""The one reader of the debugfs formats the lab reads.

Tables with a header line, read by column name, never by position:

    kdump/{summary,contexts,domain_ids,iova_ranges,pasids,registers}
                      the capture kernel's adoption report
                      (Documentation/ABI/testing/debugfs-intel-iommu-kdump)
    walk/{contexts,iova_ranges}
                      vtdwalk.py's walk of the dump, the same layout

and the page-table dump <BDF>/domain_translation_struct of
drivers/iommu/intel/debugfs.c, one line per leaf:

    0x<IOVA_PFN> |  PML5E  PML4E  PDPE  [PDE  [PTE]]

dump_page_info() prints the path down to the leaf and stops there, so
the number of entries on a line gives the leaf's size: 5 entries a
4 KiB page, 4 a 2 MiB page, 3 a 1 GiB page (LEAF_SIZE; the kselftest's
domain_pages() applies the same rule).
"""

import re

VTD_PAGE = 4096
# Entries on a domain_translation_struct line -> size of its leaf.
LEAF_SIZE = {5: VTD_PAGE, 4: VTD_PAGE << 9, 3: VTD_PAGE << 18}
BDF_RE = re.compile(r"^(?:[0-9a-f]{4}:)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])")


def norm_bdf(text):
    """'0000:00:02.0' / '00:02.0' -> '00:02.0'; anything else stripped."""
    m = BDF_RE.match(text.strip().lower())
    return f"{m.group(1)}:{m.group(2)}.{m.group(3)}" if m else text.strip()


def read_table(path, need=()):
    """A tab-separated table with a header line -> [{column: text}].

    [] when the file is missing or empty.  @need: columns the caller
    reads; a header without one of them raises ValueError (a renamed
    column must fail loudly, not read as missing data)."""
    try:
        with open(path, errors="replace") as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
    except OSError:
        return []
    if not lines:
        return []
    head = lines[0].split("\t")
    absent = [c for c in need if c not in head]
    if absent:
        raise ValueError(f"{path}: no column {' '.join(absent)} in the "
                         f"header ({' '.join(head)})")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


def entry_perm(entry):
    """'rw', 'r-', ... of a VT-d page-table entry (bit 0 R, bit 1 W)."""
    return ("r" if entry & 1 else "-") + ("w" if entry & 2 else "-")


def read_domain(path):
    """<BDF>/domain_translation_struct -> [(iova, size, leaf entry)], or
    None when the file is missing.  Lines that are not leaves (the
    "Device ..." and IOVA_PFN header lines) are skipped."""
    try:
        with open(path, errors="replace") as f:
            text = f.read().splitlines()
    except OSError:
        return None
    leaves = []
    for line in text:
        if not line.startswith("0x") or "|" not in line:
            continue
        pfn, rest = line.split("|", 1)
        entries = [int(x, 16) for x in rest.split()]
        size = LEAF_SIZE.get(len(entries))
        if size is None:
            raise ValueError(f"{path}: {len(entries)} entries on {line!r}")
        leaves.append((int(pfn, 16) * VTD_PAGE, size, entries[-1]))
    return leaves


def read_translation_struct(path):
    """debugfs dmar_translation_struct (mainline's format: an "IOMMU
    <name>: Root Table Address" line, a header, then one line per
    context; its header spans several tabs per column, so the columns
    are split on tabs and read in mainline's fixed order: B.D.F,
    Root_entry, Context_entry hi:lo, PASID, PASID_table_entry
    val2:val1:val0) -> {(iommu, bdf): info}.  Legacy mode (PASID -1):
    did, aw, tt of the context entry; scalable: did, pgtt, aw of the
    RID_PASID entry (the first one listed for the device)."""
    out, iommu = {}, None
    with open(path) as f:
        for line in f:
            m = re.match(r"IOMMU (\S+): Root Table Address: (0x[0-9a-f]+)",
                         line)
            if m:
                iommu = m.group(1)
                continue
            cols = line.rstrip("\n").split("\t")
            if not BDF_RE.match(cols[0]) or len(cols) < 5:
                continue
            ctx_hi, ctx_lo = (int(x, 16) for x in cols[2].split(":"))
            pasid = int(cols[3])
            pe = [int(x, 16) for x in cols[4].split(":")]  # val2:val1:val0
            if pasid < 0:   # legacy
                info = {"did": (ctx_hi >> 8) & 0xffff, "aw": ctx_hi & 7,
                        "tt": (ctx_lo >> 2) & 3, "mode": "legacy"}
            else:
                info = {"did": pe[1] & 0xffff, "pgtt": (pe[2] >> 6) & 7,
                        "aw": (pe[2] >> 2) & 7, "mode": "scalable",
                        "pasid": pasid}
            out.setdefault((iommu, norm_bdf(cols[0])), info)
    return out
