#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Walk the crashed kernel's VT-d tables inside its memory dump.

    vtdwalk.py VMCORE REGSET OUTDIR

VMCORE: kdump-compressed (makedumpfile -c: zlib, or uncompressed pages)
or ELF.  REGSET: the first kernel's debugfs iommu_regset (RTADDR of each
IOMMU; the root table does not move after boot).  Writes OUTDIR/contexts
and OUTDIR/iova_ranges (tab-separated, header line):

    contexts     iommu bdf did mode tt aw pgd
    iova_ranges  iommu bdf start end pages perm     (end inclusive)

Legacy mode (root/context, second-level 3/4/5-level tables) and scalable
mode (the RID_PASID entry, see rid_pasid_entry(): first-level,
second-level or pass-through).
stdlib only; LZO/snappy/zstd pages (makedumpfile -l/-p/-z) are refused.
"""

import os
import re
import struct
import sys
import zlib

PAGE = 4096
ADDR_MASK = 0x000FFFFFFFFFF000


class Vmcore:
    """Physical memory of a dump: read(paddr, size) → bytes (None for a
    page that is not in the dump)."""

    def __init__(self, path):
        self.f = open(path, "rb")
        magic = self.f.read(8)
        if magic == b"KDUMP   ":
            self._open_kdump()
        elif magic[:4] == b"\x7fELF":
            self._open_elf()
        else:
            raise ValueError(f"{path}: neither kdump-compressed nor ELF")

    # kdump-compressed (makedumpfile's diskdump format)
    def _open_kdump(self):
        f = self.f
        f.seek(0)
        head = f.read(464)
        version = struct.unpack_from("<i", head, 8)[0]
        (self.block, sub_blocks, bitmap_blocks,
         max_mapnr) = struct.unpack_from("<iiII", head, 428)
        if version >= 6:
            f.seek(self.block + 96)
            max_mapnr = struct.unpack("<Q", f.read(8))[0]
        f.seek((1 + sub_blocks) * self.block)
        bitmap = f.read(bitmap_blocks * self.block)
        second = bitmap[len(bitmap) // 2:]
        self.index = {}
        n = 0
        for byte_i, byte in enumerate(second):
            if not byte:
                continue
            for bit in range(8):
                if byte & (1 << bit):
                    pfn = byte_i * 8 + bit
                    if pfn < max_mapnr:
                        self.index[pfn] = n
                        n += 1
        self.desc_base = (1 + sub_blocks + bitmap_blocks) * self.block
        self.kind = "kdump"

    def _kdump_page(self, pfn):
        i = self.index.get(pfn)
        if i is None:
            return None
        self.f.seek(self.desc_base + 24 * i)
        offset, size, flags, _ = struct.unpack("<qIIQ", self.f.read(24))
        self.f.seek(offset)
        data = self.f.read(size)
        if flags & 0x1:
            return zlib.decompress(data)
        if flags:
            raise ValueError(f"page {pfn:#x}: compression flags {flags:#x} "
                             "not supported (dump with makedumpfile -c)")
        return data

    # ELF (makedumpfile -E, /proc/vmcore)
    def _open_elf(self):
        f = self.f
        f.seek(0)
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        self.loads = []
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _flags, off, _vaddr, paddr, filesz, _memsz, _al = \
                struct.unpack("<IIQQQQQQ", f.read(56))
            if p_type == 1:
                self.loads.append((paddr, filesz, off))
        self.kind = "elf"

    def _elf_page(self, pfn):
        pa = pfn * PAGE
        for paddr, filesz, off in self.loads:
            if paddr <= pa < paddr + filesz:
                self.f.seek(off + pa - paddr)
                return self.f.read(PAGE)
        return None

    def page(self, pfn):
        return self._kdump_page(pfn) if self.kind == "kdump" else self._elf_page(pfn)

    def qwords(self, paddr, count):
        data = self.page(paddr // PAGE)
        if data is None:
            return None
        o = paddr % PAGE
        return struct.unpack_from(f"<{count}Q", data, o)


def read_regset(path):
    """iommu_regset → {iommu name: RTADDR}."""
    out, name = {}, None
    with open(path) as f:
        for line in f:
            m = re.match(r"IOMMU: (\S+) Register Base Address", line)
            if m:
                name = m.group(1)
                continue
            cols = line.split()
            if name and len(cols) == 3 and cols[0] == "RTADDR":
                out[name] = int(cols[2], 16)
    return out


def walk_pt(mem, table, level, base, first_level, leaves, missing):
    """Collect (iova, size, perm) leaves of a 4K-granule page table."""
    ents = mem.qwords(table, 512)
    if ents is None:
        missing.append(table)
        return
    span = PAGE << (9 * (level - 1))
    for i, e in enumerate(ents):
        if first_level:
            present, write = e & 1, e & 2
            readable = present
        else:
            readable, write = e & 1, e & 2
            present = readable or write
        if not present:
            continue
        iova = base + i * span
        if level == 1 or (level in (2, 3) and e & (1 << 7)):
            perm = ("r" if readable else "-") + ("w" if write else "-")
            leaves.append((iova, span, perm))
        else:
            walk_pt(mem, e & ADDR_MASK, level - 1, iova, first_level,
                    leaves, missing)


def coalesce(leaves):
    out = []
    for start, size, perm in sorted(leaves):
        if out and out[-1][1] == start and out[-1][2] == perm:
            out[-1] = (out[-1][0], start + size, perm)
        else:
            out.append((start, start + size, perm))
    return out


# The RID_PASID rule, shared with the kselftest's oracle
# (selftests/iommu_kdump_oracle.h, walk_pasid_dir()): in scalable mode a
# request without PASID is translated through the PASID-table entry whose
# number the context entry gives in its RID_PASID field (Intel VT-d
# Architecture Specification 4.1, section 9.4 "Scalable-Mode Context-
# Entry", RID_PASID: bits 83:64, i.e. bits 19:0 of the entry's second
# qword).  Linux programs it to IOMMU_NO_PASID, 0, so in practice this is
# PASID 0; the walk reads the field rather than assume it.
RID_PASID_MASK = 0xFFFFF


def rid_pasid_entry(mem, ce):
    """The PASID-table entry (8 qwords) the scalable-mode context entry
    @ce translates requests without PASID with, or None if not present:
    PASID directory entry RID_PASID >> 6, table entry RID_PASID & 63."""
    pasid = ce[1] & RID_PASID_MASK
    de = mem.qwords((ce[0] & ADDR_MASK) + 8 * (pasid >> 6), 1)
    if de is None or not de[0] & 1:
        return None
    pe = mem.qwords((de[0] & ADDR_MASK) + 64 * (pasid & 63), 8)
    if pe is None or not pe[0] & 1:
        return None
    return pe


def scalable_context(mem, ce):
    """(did, mode, tt, aw, pgd, levels, first_level) of a scalable-mode
    context from its RID_PASID entry, or None."""
    pe = rid_pasid_entry(mem, ce)
    if pe is None:
        return None
    pgtt, aw = (pe[0] >> 6) & 7, (pe[0] >> 2) & 7
    did = pe[1] & 0xFFFF
    if pgtt == 1:      # first-level only
        levels = 5 if (pe[2] >> 2) & 3 else 4
        return did, "fl", pgtt, aw, pe[2] & ADDR_MASK, levels, True
    if pgtt in (2, 3):
        return did, "sl", pgtt, aw, pe[0] & ADDR_MASK, aw + 2, False
    return did, f"pgtt{pgtt}", pgtt, aw, 0, 0, False


def legacy_context(ce):
    """(did, mode, tt, aw, pgd, levels, first_level) of a legacy context."""
    tt, aw = (ce[0] >> 2) & 3, ce[1] & 7
    did = (ce[1] >> 8) & 0xFFFF
    if tt in (0, 1):
        return did, "legacy", tt, aw, ce[0] & ADDR_MASK, aw + 2, False
    return did, "legacy-pt", tt, aw, 0, 0, False


def context_entries(mem, roots, scalable):
    """(bus, devfn, context entry) of every present context."""
    for bus in range(256):
        lo, hi = roots[2 * bus], roots[2 * bus + 1]
        for devfn in range(256):
            if scalable:
                half = hi if devfn >= 128 else lo
                if not half & 1:
                    continue
                ce = mem.qwords((half & ADDR_MASK) + 32 * (devfn % 128), 4)
            else:
                if not lo & 1:
                    break
                ce = mem.qwords((lo & ADDR_MASK) + 16 * devfn, 2)
            if ce is not None and ce[0] & 1:
                yield bus, devfn, ce


def walk(mem, iommu, rtaddr):
    """Contexts and ranges of one IOMMU: ([context rows], [range rows],
    [tables missing from the dump])."""
    scalable = bool(rtaddr & (1 << 10))
    root = rtaddr & ADDR_MASK
    contexts, ranges, missing = [], [], []
    roots = mem.qwords(root, 512)
    if roots is None:
        raise ValueError(f"{iommu}: root table {root:#x} not in the dump")
    for bus, devfn, ce in context_entries(mem, roots, scalable):
        bdf = f"{bus:02x}:{devfn >> 3:02x}.{devfn & 7}"
        info = scalable_context(mem, ce) if scalable else legacy_context(ce)
        if info is None:
            continue
        did, mode, tt, aw, pgd, levels, fl = info
        contexts.append((iommu, bdf, did, mode, tt, aw, pgd))
        if not levels:
            continue
        leaves = []
        walk_pt(mem, pgd, levels, 0, fl, leaves, missing)
        for start, end, perm in coalesce(leaves):
            ranges.append((iommu, bdf, start, end - 1,
                           (end - start) // PAGE, perm))
    return contexts, ranges, missing


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    vmcore, regset, outdir = sys.argv[1:]
    mem = Vmcore(vmcore)
    allc, allr, missing = [], [], []
    for iommu, rtaddr in sorted(read_regset(regset).items()):
        c, r, m = walk(mem, iommu, rtaddr)
        allc += c
        allr += r
        missing += m
    write_tsv(outdir, allc, allr)
    print(f"vtdwalk: {len(allc)} contexts, {len(allr)} ranges"
          + (f", {len(missing)} tables missing from the dump" if missing else ""))
    return 1 if missing else 0


def write_tsv(outdir, allc, allr):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "contexts"), "w") as f:
        f.write("iommu\tbdf\tdid\tmode\ttt\taw\tpgd\n")
        for iommu, bdf, did, mode, tt, aw, pgd in allc:
            f.write(f"{iommu}\t{bdf}\t{did}\t{mode}\t{tt}\t{aw}\t{pgd:#x}\n")
    with open(os.path.join(outdir, "iova_ranges"), "w") as f:
        f.write("iommu\tbdf\tstart\tend\tpages\tperm\n")
        for iommu, bdf, start, end, pages, perm in allr:
            f.write(f"{iommu}\t{bdf}\t{start:#x}\t{end:#x}\t{pages}\t{perm}\n")


if __name__ == "__main__":
    sys.exit(main())
