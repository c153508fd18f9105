# SPDX-License-Identifier: GPL-2.0
"""make bench: the capture kernels side by side, one QEMU at a time.

Four capture kernels on the same workloads: stock 6.12, and ours with
intel_iommu_kdump=reset, =inplace and =copy.  Workloads:

    devN       the e1000e under its UDP stream plus N-1 virtio-blk disks
               behind PCIe root ports and switches (N = 1, 8, 32, 64)
    mapS-P     the e1000e plus QEMU's pci-testdev, for which the first
               kernel's kdump_dma_map_test maps S MiB in P KiB pieces
               (256 and 1024 MiB, 4 KiB and 2 MiB)

Every run boots the capture kernel with initcall_debug (initramfs_async=0
is always set) and lab.bench=1, so that the guest records the memory the
IOMMU code holds once booted and again once every handed-over device was
released.  Runs are interleaved (repeat, workload, kernel), so that a
slow minute of the host falls on every kernel alike.

Figures of a run (figures()): faults; the duration of the IOMMU initcall
(pci_iommu_init, the whole IOMMU set-up, measured the same way on every
kernel); adoption (ours: its ktime; stock: the printk stamps around its
copy); KiB held after boot and after release (nr_iommu_pages from
/proc/vmstat, plus our unit's slab bookkeeping from kdump/summary);
panic to capture init and to dump saved; the least time reading the same
tables takes (kdump/limit: memcpy of the pages, and a read of every
entry).  report() gives medians and spreads, a Markdown table, SVG plots
and the targets of issue 14 as met or missed by how much.
"""

import json
import os
import re
import shutil
import statistics
import subprocess

import scenarios

KERNELS = [
    ("stock", "stock", ""),
    ("reset", "ours", "intel_iommu_kdump=reset"),
    ("inplace", "ours", "intel_iommu_kdump=inplace"),
    ("copy", "ours", "intel_iommu_kdump=copy"),
]
KERNEL_NAMES = [k for k, _, _ in KERNELS]
DEVICE_COUNTS = [1, 8, 32, 64]
MAPS = [(256, 4), (1024, 4), (256, 2048), (1024, 2048)]
BENCH_CHECKS = ["dump", "clean_logs", "faults"]
# Devices per PCIe switch, behind one root port each.
PER_SWITCH = 16

# The targets of issue 14, ours "inplace" against stock.
TARGETS = {
    "adopt_ratio": 1.5,     # adoption (validation + walk) / stock's copy
    "initcall_ratio": 1.1,  # pci_iommu_init / stock's
    "memory_ratio": 1.25,   # KiB held after boot / stock's
    "panic_to_init": 1.02,  # panic -> capture init / stock's
}


def workload_names(counts=None, maps=None):
    counts = DEVICE_COUNTS if counts is None else counts
    maps = MAPS if maps is None else maps
    return ([f"dev{n}" for n in counts] +
            [f"map{mb}-{'2m' if kb == 2048 else '4k'}" for mb, kb in maps])


def parse_workload(name):
    """'dev8' -> ('dev', 8, None); 'map1024-2m' -> ('map', 1024, 2048)."""
    m = re.fullmatch(r"dev(\d+)", name)
    if m:
        return "dev", int(m.group(1)), None
    m = re.fullmatch(r"map(\d+)-(4k|2m)", name)
    if m:
        return "map", int(m.group(1)), 2048 if m.group(2) == "2m" else 4
    raise ValueError(f"bench: no workload {name!r} (devN or mapS-4k|2m)")


def switch_devices(n):
    """QEMU arguments for @n virtio-blk disks (DMA through the vIOMMU),
    PER_SWITCH behind each PCIe switch, one switch per root port."""
    args = []
    for i in range(n):
        sw, port = divmod(i, PER_SWITCH)
        if port == 0:
            args += ["-device", f"pcie-root-port,id=brp{sw},bus=pcie.0,"
                     f"chassis={40 + sw},addr={0x10 + sw:#x},io-reserve=0",
                     "-device", f"x3130-upstream,id=bup{sw},bus=brp{sw}"]
        args += ["-blockdev", f"driver=null-co,node-name=bd{i},"
                 "size=1048576,read-zeroes=on",
                 "-device", f"xio3130-downstream,id=bdn{i},bus=bup{sw},"
                 f"chassis={40 + sw},slot={port + 1}",
                 "-device", f"virtio-blk-pci,drive=bd{i},bus=bdn{i},"
                 "disable-legacy=on,iommu_platform=on"]
    return args


def scenario(workload, kernel, run, iommu="aw-bits=48"):
    """One bench run: a full scenario dict."""
    kind, n, page_kb = parse_workload(workload)
    kernel_kind, mode = {k: (kk, m) for k, kk, m in KERNELS}[kernel]
    sc = dict(scenarios.DEFAULTS, kernel=kernel_kind, iommu=iommu,
              load="udp", checks=list(BENCH_CHECKS),
              capture=f"{mode} initcall_debug lab.bench=1".strip(),
              bench=f"{workload} {kernel}", bench_kernel=kernel,
              bench_workload=workload, timeout=480)
    if kernel == "reset":
        # Translation off and fresh tables: DMA in flight faults, as the
        # reset is meant to show; the selftests are told so.
        sc["expect_faults"] = True
        sc["checks"] = ["dump", "clean_logs"]
    if kind == "dev":
        sc["devices"] = switch_devices(n - 1)
        sc["bench_devices"] = n
    else:
        sc["devices"] = ["-device", "pci-testdev,addr=0x8"]
        sc["cmdline"] = (f"kdump_dma_map_test.size_mb={n} "
                         f"kdump_dma_map_test.page_kb={page_kb}")
        sc["bench_map_mb"], sc["bench_page_kb"] = n, page_kb
        if kernel_kind == "ours" and mode:
            # One "walked" line per page table: its leaves by size.
            sc["capture"] = sc["capture"].replace(mode, mode + ",debug=8")
        sc["bench_devices"] = 1
    sc["name"] = f"bench-{workload}-{kernel}-{run}"
    return sc


def bench_list(repeat, workloads, kernels=None):
    """Every run, interleaved: repeat, then workload, then kernel."""
    kernels = KERNEL_NAMES if kernels is None else kernels
    bad = [k for k in kernels if k not in KERNEL_NAMES]
    if bad:
        raise ValueError(f"bench: no kernel {' '.join(bad)}")
    for w in workloads:
        parse_workload(w)
    return [scenario(w, k, r + 1) for r in range(repeat)
            for w in workloads for k in kernels]


# ---------------------------------------------------------------- figures

INITCALL = re.compile(r"initcall (\w+)\+0x[0-9a-f]+/0x[0-9a-f]+ returned "
                      r"-?\d+ after (\d+) usecs")


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def initcall_us(dmesg, name="pci_iommu_init"):
    """The duration initcall_debug printed for @name, or None."""
    for m in INITCALL.finditer(dmesg or ""):
        if m.group(1) == name:
            return int(m.group(2))
    return None


def vmstat_kib(text):
    """nr_iommu_pages of a /proc/vmstat excerpt, in KiB (4 KiB pages)."""
    m = re.search(r"^nr_iommu_pages (\d+)", text or "", re.M)
    return int(m.group(1)) * 4 if m else None


def table_rows(text):
    """A kdump debugfs table (header line, tab-separated) as dicts."""
    lines = [l for l in (text or "").splitlines() if l.strip()]
    if not lines:
        return []
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def slab_kib(summary_text):
    """Our unit's bookkeeping outside the page allocator: memory_kib less
    pages_kib, summed over the IOMMUs (0 where there is no summary)."""
    total = 0
    for r in table_rows(summary_text):
        try:
            total += int(r["memory_kib"]) - int(r.get("pages_kib", 0))
        except (KeyError, ValueError):
            pass
    return total


def walk_leaves(dmesg):
    """'leaves 4K/2M/1G a/b/c' summed over the walked lines, if logged."""
    tot = [0, 0, 0]
    found = False
    for m in re.finditer(r"leaves 4K/2M/1G (\d+)/(\d+)/(\d+)", dmesg or ""):
        found = True
        for i in range(3):
            tot[i] += int(m.group(i + 1))
    return tot if found else None


def figures(rundir, res):
    """The bench figures of one finished run (also from a saved run)."""
    cap = os.path.join(rundir, "cap")
    dmesg = read(os.path.join(cap, "dmesg.boot")) or read(
        os.path.join(cap, "dmesg"))
    b = os.path.join(cap, "bench")
    booted = vmstat_kib(read(os.path.join(b, "vmstat-booted")))
    released = vmstat_kib(read(os.path.join(b, "vmstat-released")))
    slab_b = slab_kib(read(os.path.join(b, "summary-booted")))
    slab_r = slab_kib(read(os.path.join(b, "summary-released")))
    limit = table_rows(read(os.path.join(b, "limit")))
    fig = {
        "faults": (res.get("dmar_faults") or 0) +
                  (res.get("qemu_dmar_faults") or 0),
        "initcall_us": initcall_us(dmesg),
        "adopt_us": (res.get("adopt_time_us")
                     if res.get("adopt_time_us") is not None
                     else res.get("copy_time_us")),
        "kib_booted": None if booted is None else booted + slab_b,
        "kib_released": None if released is None else released + slab_r,
        "panic_to_init_ms": res.get("panic_to_init_ms"),
        "panic_to_dump_ms": res.get("panic_to_dump_saved_ms"),
        "dump_saved": bool(res.get("dump_verified")),
        "passed": res.get("result") == "pass",
    }
    if limit:
        fig["limit_tables"] = sum(int(r["tables"]) for r in limit)
        fig["limit_memcpy_us"] = sum(int(r["memcpy_us"]) for r in limit)
        fig["limit_read_us"] = sum(int(r["read_us"]) for r in limit)
        if all("judge_us" in r for r in limit):
            fig["warm_judge_us"] = sum(int(r["judge_us"]) for r in limit)
    leaves = walk_leaves(dmesg)
    if leaves:
        fig["leaves_4k"], fig["leaves_2m"], fig["leaves_1g"] = leaves
    return fig


# ---------------------------------------------------------------- report

COLUMNS = [
    ("faults", "faults", "sum"),
    ("initcall_us", "IOMMU initcall µs", "med"),
    ("adopt_us", "adoption µs", "med"),
    ("warm_judge_us", "warm judge µs", "med"),
    ("limit_read_us", "PTE read µs", "med"),
    ("limit_memcpy_us", "memcpy µs", "med"),
    ("kib_booted", "KiB booted", "med"),
    ("kib_released", "KiB released", "med"),
    ("panic_to_init_ms", "panic→init ms", "med"),
    ("panic_to_dump_ms", "panic→dump ms", "med"),
    ("dump_saved", "dumps", "count"),
]


def stat(vals):
    """(median, min, max) of the numbers in @vals, or None."""
    nums = [v for v in vals if isinstance(v, (int, float)) and
            not isinstance(v, bool)]
    if not nums:
        return None
    return statistics.median(nums), min(nums), max(nums)


def aggregate(runs):
    """{(workload, kernel): {key: stat or count, "n": runs}}."""
    groups = {}
    for r in runs:
        groups.setdefault((r["workload"], r["kernel"]), []).append(r["fig"])
    out = {}
    for key, figs in groups.items():
        agg = {"n": len(figs)}
        for col, _, how in COLUMNS + [("limit_tables", "", "med"),
                                      ("leaves_4k", "", "med"),
                                      ("leaves_2m", "", "med")]:
            vals = [f.get(col) for f in figs]
            if how == "sum":
                nums = [v for v in vals if isinstance(v, int)]
                agg[col] = sum(nums) if nums else None
            elif how == "count":
                agg[col] = sum(1 for v in vals if v)
            else:
                agg[col] = stat(vals)
        agg["passed"] = sum(1 for f in figs if f.get("passed"))
        out[key] = agg
    return out


def fmt_stat(s):
    if s is None:
        return "–"
    med, lo, hi = s
    if lo == hi:
        return f"{med:,.0f}"
    return f"{med:,.0f} ({lo:,.0f}–{hi:,.0f})"


def med(agg, key, col):
    s = agg.get(key, {}).get(col)
    return s[0] if s else None


def targets(agg, workloads):
    """[(workload, target, ours, stock, ratio, limit, met)] for inplace."""
    out = []
    for w in workloads:
        ours, stock = (w, "inplace"), (w, "stock")
        for name, col in (("adopt_ratio", "adopt_us"),
                          ("initcall_ratio", "initcall_us"),
                          ("memory_ratio", "kib_booted"),
                          ("panic_to_init", "panic_to_init_ms")):
            o, s = med(agg, ours, col), med(agg, stock, col)
            if o is None or not s:
                continue
            ratio = o / s
            out.append((w, name, o, s, ratio, TARGETS[name],
                        ratio <= TARGETS[name]))
        o, s = med(agg, ours, "kib_released"), med(agg, stock,
                                                     "kib_released")
        if o is not None and s:
            out.append((w, "released_equal", o, s, o / s, 1.0, o <= s))
        f = agg.get(ours, {}).get("faults")
        if f is not None:
            out.append((w, "faults", f, 0, 0, 0, f == 0))
    return out


def markdown(agg, workloads, kernels, meta):
    lines = [f"# make bench, {meta.get('date', '')}", "",
             f"Machine: {meta.get('machine', '')}; accelerator "
             f"{meta.get('accel', '')}; QEMU {meta.get('qemu', '')}; "
             f"kernel {meta.get('kernel', '')}; "
             f"{meta.get('repeat', '')} runs per cell, one QEMU at a time.",
             "Medians, (min–max) where runs differ.  Adoption: ours' own "
             "ktime, stock's printk-stamped copy; KiB: nr_iommu_pages "
             "plus our unit's slab bookkeeping.", ""]
    head = ["workload", "kernel", "runs passed"] + [c[1] for c in COLUMNS]
    lines += ["| " + " | ".join(head) + " |",
              "|" + "---|" * len(head)]
    for w in workloads:
        for k in kernels:
            a = agg.get((w, k))
            if not a:
                continue
            cells = [w, k, f"{a['passed']}/{a['n']}"]
            for col, _, how in COLUMNS:
                v = a.get(col)
                if how in ("sum", "count"):
                    cells.append("–" if v is None else str(v))
                else:
                    cells.append(fmt_stat(v))
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Targets (ours inplace against stock, medians)", "",
              "| workload | target | ours | stock | ratio | limit | |",
              "|---|---|---|---|---|---|---|"]
    for w, name, o, s, ratio, limit, met in targets(agg, workloads):
        verdict = "met" if met else (
            f"missed by {ratio / limit:.2f}×" if limit else "missed")
        lines.append(f"| {w} | {name} | {o:,.0f} | {s:,.0f} | "
                     f"{ratio:.2f} | {limit} | {verdict} |")
    return "\n".join(lines) + "\n"


def headline(agg, workloads):
    """The README's table: one line per workload, stock against ours."""
    lines = ["| workload | faults stock / inplace | IOMMU initcall µs "
             "stock / inplace | adoption µs stock copy / inplace / copy "
             "| KiB booted stock / inplace / copy | panic→init ms stock "
             "/ inplace |",
             "|---|---|---|---|---|---|"]

    def m(w, k, col):
        v = med(agg, (w, k), col)
        return "–" if v is None else f"{v:,.0f}"

    for w in workloads:
        if (w, "stock") not in agg:
            continue
        f = [agg.get((w, k), {}).get("faults") for k in ("stock", "inplace")]
        lines.append(
            f"| {w} | {f[0]} / {f[1]} | {m(w, 'stock', 'initcall_us')} / "
            f"{m(w, 'inplace', 'initcall_us')} | "
            f"{m(w, 'stock', 'adopt_us')} / {m(w, 'inplace', 'adopt_us')} "
            f"/ {m(w, 'copy', 'adopt_us')} | "
            f"{m(w, 'stock', 'kib_booted')} / "
            f"{m(w, 'inplace', 'kib_booted')} / "
            f"{m(w, 'copy', 'kib_booted')} | "
            f"{m(w, 'stock', 'panic_to_init_ms')} / "
            f"{m(w, 'inplace', 'panic_to_init_ms')} |")
    return "\n".join(lines) + "\n"


PLOTS = [
    # file, x axis, workload kind, column, y label
    ("adoption-vs-devices.svg", "devices", "dev", "adopt_us",
     "adoption / copy (µs)"),
    ("initcall-vs-devices.svg", "devices", "dev", "initcall_us",
     "pci_iommu_init (µs)"),
    ("memory-vs-devices.svg", "devices", "dev", "kib_booted",
     "KiB held after boot"),
    ("adoption-vs-mapped.svg", "mapped MiB", "map", "adopt_us",
     "adoption / copy (µs)"),
    ("memory-vs-mapped.svg", "mapped MiB", "map", "kib_booted",
     "KiB held after boot"),
]


def plots(agg, workloads, kernels, outdir):
    """SVG curves with gnuplot, one per PLOTS entry: [paths written]."""
    if not shutil.which("gnuplot"):
        return []
    written = []
    for fname, xlabel, kind, col, ylabel in PLOTS:
        series = []
        for k in kernels:
            pts = []
            for w in workloads:
                wk, n, page_kb = parse_workload(w)
                if wk != kind:
                    continue
                s = agg.get((w, k), {}).get(col)
                if s is None:
                    continue
                label = k if kind == "dev" else f"{k} {page_kb} KiB"
                pts.append((label, n, s))
            by_label = {}
            for label, x, s in pts:
                by_label.setdefault(label, []).append((x, s))
            series += sorted(by_label.items())
        if not series:
            continue
        data = os.path.join(outdir, fname[:-4] + ".dat")
        with open(data, "w") as f:
            for label, pts in series:
                f.write(f"# {label}\n")
                for x, (m, lo, hi) in sorted(pts):
                    f.write(f"{x} {m} {lo} {hi}\n")
                f.write("\n\n")
        script = ["set terminal svg size 720,440 dynamic",
                  f"set output '{os.path.join(outdir, fname)}'",
                  f"set xlabel '{xlabel}'", f"set ylabel '{ylabel}'",
                  "set key top left", "set grid",
                  "plot " + ", ".join(
                      f"'{data}' index {i} using 1:2:3:4 with yerrorlines "
                      f"title '{label}'"
                      for i, (label, _) in enumerate(series))]
        subprocess.run(["gnuplot"], input="\n".join(script) + "\n",
                       text=True, check=False, capture_output=True)
        if os.path.exists(os.path.join(outdir, fname)):
            written.append(os.path.join(outdir, fname))
    return written


def report(runs, outdir, meta):
    """Write bench.md, bench.json, headline.md and the plots to @outdir;
    return the Markdown."""
    os.makedirs(outdir, exist_ok=True)
    agg = aggregate(runs)
    order = workload_names()
    workloads = [w for w in order if any(k[0] == w for k in agg)] + sorted(
        {k[0] for k in agg} - set(order))
    kernels = [k for k in KERNEL_NAMES if any(a[1] == k for a in agg)]
    md = markdown(agg, workloads, kernels, meta)
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(md)
    with open(os.path.join(outdir, "headline.md"), "w") as f:
        f.write(headline(agg, workloads))
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump({"meta": meta, "runs": runs,
                   "targets": [list(t) for t in targets(agg, workloads)]},
                  f, indent=1)
    svgs = plots(agg, workloads, kernels, outdir)
    return md + "".join(f"plot: {p}\n" for p in svgs)
