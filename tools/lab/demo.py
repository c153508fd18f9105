# SPDX-License-Identifier: GPL-2.0
"""make demo: the kdump hand-over window on stock, then on ours.

Both kernels boot the same machine: an e1000e receiving a UDP stream, a
panic, and in the capture kernel a driver (kdump_dma_window_test) that
maps DMA buffers three seconds before it resets the NIC, as some real
drivers do.  The crashed kernel's DMA is still in flight in that window.
Stock copies the old context tables and gives the device a fresh domain
when the driver maps: the DMA faults.  Ours adopted the old translations
and keeps them in the new domain until the release: the DMA lands in the
crashed kernel's buffers, where it always went.

side_by_side() is the one screen; timeline_svg() draws both runs against
the time since the panic (host clock of the console and of QEMU's trace):
panic, capture boot, IOMMU set-up, hand-over, device reset, faults, dump.
The raw debugfs files stay in each run's directory.
"""

import html
import os
import re

import bench

PAIR = ("stock-handover-legacy-aw48-e1000e",
        "ours-handover-legacy-aw48-inplace-e1000e")

# (label, console line) in the order a cycle reaches them; the first
# match after the panic line counts.
MARKS = [
    ("panic", re.compile(r"sysrq: Trigger a crash")),
    ("capture boot", re.compile(r"\] Linux version ")),
    ("IOMMU set-up", re.compile(r"DMAR: kdump: dmar\d+: adopted \d+ "
                                r"contexts|Copied translation tables")),
    ("hand-over", re.compile(r"window: iova 0x[0-9a-f]+ size 0x[0-9a-f]+ "
                             r"coherent")),
    ("device reset", re.compile(r"window: closed, device reset")),
    ("dump saved", re.compile(r"LAB: dump-saved")),
]
SERIAL = re.compile(r"^(\d+\.\d+) (.*)$")
FAULT = re.compile(r"^\d+@(\d+\.\d+):vtd_dmar_fault ")


def read_lines(path):
    return (bench.read(path) or "").splitlines()


def events(rundir):
    """{"marks": [(label, s since panic)], "faults": [s since panic]}."""
    stamped = [m.groups() for m in map(SERIAL.match,
                                       read_lines(os.path.join(
                                           rundir, "serial.log"))) if m]
    t0, marks, start = None, [], 0
    for label, pat in MARKS:
        for i in range(start, len(stamped)):
            if pat.search(stamped[i][1]):
                t = float(stamped[i][0])
                t0 = t if t0 is None else t0
                marks.append((label, t - t0))
                start = i + 1
                break
        if t0 is None:          # no panic: nothing to place
            return {"marks": [], "faults": []}
    faults = [float(m.group(1)) - t0 for m in map(
        FAULT.match, read_lines(os.path.join(rundir, "qemu.trace")))
        if m and float(m.group(1)) >= t0]
    return {"marks": marks, "faults": faults}


def landed(res):
    """Where the DMA of the window went, in words."""
    faults = (res.get("dmar_faults") or 0) + (res.get("qemu_dmar_faults")
                                               or 0)
    if faults:
        return f"faulted ({faults} faults)"
    kept = res.get("legacy_pages")
    stale = res.get("stale_dma_buffers")
    words = "old buffers"
    if kept is not None:
        words += f", {kept} old pages kept"
    if stale:
        words += f"; {stale} new buffers hit"
    return words


def side_by_side(stock, ours):
    """The demo's one screen: two columns of figures."""
    def row(label, f):
        return f"  {label:30} {f(stock):>24}   {f(ours):<24}"

    def faults(r):
        return (f"{r.get('dmar_faults', '?')} guest / "
                f"{r.get('qemu_dmar_faults', '?')} QEMU")

    def setup(r):
        if r.get("adopt_time_us") is not None:
            return f"adopted in {r['adopt_time_us']:,} us"
        if r.get("copy_time_us") is not None:
            return f"copied in {r['copy_time_us']:,} us"
        return "-"

    def memory(r):
        kib = r.get("kib_booted")
        return "-" if kib is None else f"{kib:,} KiB"

    def secs(key):
        return lambda r: ("-" if r.get(key) is None else
                          f"{r[key] / 1000:.1f} s")

    lines = [f"  {'':30} {'stock 6.12':>24}   {'ours (inplace)':<24}",
             row("DMAR faults in the window", faults),
             row("DMA after the panic (packets)",
                 lambda r: str(r.get("e1000e_rx_after_panic", "-"))),
             row("... landed in", landed),
             row("new buffers hit by stale DMA",
                 lambda r: str(r.get("stale_dma_buffers", "-"))),
             row("dump saved and verified",
                 lambda r: "yes" if r.get("dump_verified") else "NO"),
             row("IOMMU set-up", setup),
             row("IOMMU memory after boot", memory),
             row("panic to capture init", secs("panic_to_init_ms")),
             row("panic to dump saved", secs("panic_to_dump_saved_ms")),
             row("lab verdict", lambda r: r.get("result", "-"))]
    return "\n".join(lines)


def timeline_svg(runs, path):
    """Both runs as lanes against seconds since the panic; @runs is
    [(title, events())]."""
    width, lane, left = 960, 120, 150
    end = max([t for _, ev in runs for _, t in ev["marks"]] +
              [t for _, ev in runs for t in ev["faults"]] + [1.0])
    scale = (width - left - 30) / end
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{40 + lane * len(runs) + 30}" font-family="sans-serif" '
           'font-size="11">',
           '<text x="10" y="20" font-size="14">kdump hand-over window '
           '(shaded: DMA mapped, device not yet reset): seconds since the '
           'panic; red: DMAR faults</text>']
    for i, (title, ev) in enumerate(runs):
        y = 60 + i * lane
        out.append(f'<text x="10" y="{y + 4}" font-size="13">'
                   f'{html.escape(title)}</text>')
        out.append(f'<line x1="{left}" y1="{y}" x2="{width - 20}" '
                   f'y2="{y}" stroke="#888"/>')
        for t in ev["faults"]:
            x = left + t * scale
            out.append(f'<line x1="{x:.1f}" y1="{y - 14}" x2="{x:.1f}" '
                       f'y2="{y + 14}" stroke="red" stroke-opacity="0.4"/>')
        at = dict(ev["marks"])
        if "hand-over" in at and "device reset" in at:
            x0 = left + at["hand-over"] * scale
            x1 = left + at["device reset"] * scale
            out.append(f'<rect x="{x0:.1f}" y="{y - 18}" '
                       f'width="{x1 - x0:.1f}" height="36" fill="#fd8" '
                       'fill-opacity="0.4"/>')
        for j, (label, t) in enumerate(ev["marks"]):
            x = left + t * scale
            dy = 24 + (j % 3) * 13
            anchor = "end" if x > width - 90 else "middle"
            out.append(f'<circle cx="{x:.1f}" cy="{y}" r="4" fill="#225"/>')
            out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" '
                       f'y2="{y + dy - 9}" stroke="#225" stroke-width="0.5"/>')
            out.append(f'<text x="{x:.1f}" y="{y + dy}" '
                       f'text-anchor="{anchor}">{html.escape(label)} '
                       f'{t:.1f}s</text>')
        out.append(f'<text x="{width - 20}" y="{y - 18}" text-anchor="end">'
                   f'{len(ev["faults"])} faults</text>')
    y = 40 + lane * len(runs) + 10
    for s in range(int(end) + 1):
        x = left + s * scale
        out.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle" '
                   f'fill="#666">{s}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


def report(results, stock, ours):
    """Print the screen, write the timeline; its path is returned."""
    print(side_by_side(stock, ours))
    path = timeline_svg([("stock 6.12", events(os.path.join(
                              results, stock["name"]))),
                         ("ours (inplace)", events(os.path.join(
                             results, ours["name"])))],
                        os.path.join(results, "timeline.svg"))
    print(f"  timeline: {path}")
    print(f"  raw debugfs and logs: {results}/<run>/cap/", flush=True)
    return path
