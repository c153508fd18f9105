# SPDX-License-Identifier: GPL-2.0
"""The bpftrace check: what the tracepoints reported in the capture kernel
equals what the kdump/ report, sysfs and dmesg say.

The guest (lab.bpftrace=BB:DD.F) saves in cap/bpftrace/: the output of
tools/bpftrace/{dmar_faults,kdump_timeline,kdump_handover}.bt, run live
while the device was bound late (a hand-over under their eyes) and its old
mappings released; the trace ring buffer holding the boot-time events
(trace_event= on the capture command line) and kdump_boot_timeline.sh's
digest of it; each IOMMU's sysfs kdump_adopted; the kdump/ files holding
a kernel address (kva-hits, must be empty).

    bpf_ring_adopted / _refused     contexts in the ring buffer
    bpf_ring_dids / _ranges         domain-ids, IOVA ranges there
    bpf_ring_faults                 dmar_fault events since boot
    bpf_live_handovers / _kept / _skipped / _releases / _unmapped / _faults
                                    kdump_handover.bt's summary line
    bpf_faults_total / _logged      dmar_faults.bt's summary line
    bpf_btf_switch / _release       kdump_btf.bt's lines: struct
                                    kdump_context read through BTF by
                                    fentry/fexit probes
"""

import os
import re

from debugfs import read_table

HANDOVER_SUM = re.compile(
    r"^device (\S+) handovers=(\d+) kept=(\d+) skipped=(\d+) "
    r"releases=(\d+) unmapped=(\d+) faults=(\d+)$")
FAULT_SUM = re.compile(r"^faults total=(\d+) logged=(\d+)$")
TIMELINE_COUNT = re.compile(r'^@count\[(\w+)\]: (\d+)$')
RING_EVENT = re.compile(r"\s(kdump_\w+|dmar_fault): (.*)$")
BTF_LINE = re.compile(r"^\d+ btf-(switch|release) (\S+) (.*)$")


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return None


def _nr_dids(rows):
    n = 0
    for r in rows:
        for part in r.get("domain_ids", "-").split(","):
            if part in ("-", ""):
                continue
            lo, _, hi = part.partition("-")
            n += int(hi or lo) - int(lo) + 1
    return n


def ring_vs_report(bpf, kd, dmesg_faults, fig, bad):
    """Boot-time events from the ring buffer against the kdump/ report;
    the dmar_fault events of the ring buffer."""
    ring = [m.groups() for m in map(RING_EVENT.search, _read(f"{bpf}/trace")
                                    or []) if m]
    count = {}
    for ev, _ in ring:
        count[ev] = count.get(ev, 0) + 1
    contexts = read_table(f"{kd}/contexts")
    want = {
        "adopted": sum(1 for c in contexts if c.get("state") == "adopted"),
        "refused": sum(1 for c in contexts if c.get("state") == "refused"),
        "dids": _nr_dids(read_table(f"{kd}/domain_ids")),
        "ranges": len(read_table(f"{kd}/iova_ranges")),
    }
    got = {
        "adopted": count.get("kdump_context_adopted", 0),
        "refused": count.get("kdump_context_refused", 0),
        "dids": count.get("kdump_did_reserved", 0),
        "ranges": count.get("kdump_iova_range", 0),
    }
    for k in want:
        fig[f"bpf_ring_{k}"] = got[k]
        if got[k] != want[k]:
            bad.append(f"ring buffer {k} {got[k]} != kdump/ {want[k]}")
    if not want["adopted"]:
        bad.append("no adopted context to compare")
    ring_faults = [a for ev, a in ring if ev == "dmar_fault"]
    fig["bpf_ring_faults"] = len(ring_faults)
    logged = sum(1 for a in ring_faults if a.endswith("logged=1"))
    if dmesg_faults is not None and logged != dmesg_faults:
        bad.append(f"ring buffer logged faults {logged} != dmesg "
                   f"{dmesg_faults}")
    return ring_faults


def sysfs_vs_summary(bpf, kd, bad):
    """Each IOMMU's sysfs kdump_adopted against kdump/summary."""
    summary = read_table(f"{kd}/summary")
    sysfs = dict(line.split(": ", 1) for line in
                 _read(f"{bpf}/sysfs") or [] if ": " in line)
    for s in summary:
        key = f"{s['iommu']}/intel-iommu/kdump_adopted"
        exp = (f"adopted {s['contexts_adopted']} contexts, refused "
               f"{s['contexts_refused']}" if s["state"] == "adopted"
               else s["state"])
        if sysfs.get(key) != exp:
            bad.append(f"sysfs {key} {sysfs.get(key)!r} != {exp!r}")
    if not summary:
        bad.append("no kdump/summary")


def live_handover(rundir, bpf, bdf, fig, bad):
    """kdump_handover.bt's summary: the late hand-over and the release of
    bdf, each seen once.  Its values, or None."""
    ho = [m for m in map(HANDOVER_SUM.match,
                         _read(f"{bpf}/kdump_handover.out") or []) if m]
    if not ho:
        bad.append("kdump_handover.bt printed no summary")
        return None
    keys = ("handovers", "kept", "skipped", "releases", "unmapped", "faults")
    vals = dict(zip(keys, map(int, ho[-1].groups()[1:])))
    for k, v in vals.items():
        fig[f"bpf_live_{k}"] = v
    after = {c["bdf"]: c for c in read_table(
        f"{rundir}/cap/handover/contexts-after")}
    state = after.get(bdf, {}).get("handover")
    if vals["handovers"] != 1 or not vals["kept"] or vals["skipped"]:
        bad.append(f"hand-over of {bdf} seen {vals['handovers']} times,"
                   f" kept {vals['kept']}, skipped {vals['skipped']}")
    if vals["releases"] != 1 or state != "released":
        bad.append(f"release of {bdf} seen {vals['releases']} times, "
                   f"kdump/contexts says {state}")
    return vals


def btf_view(bpf, bdf, ho, fig, bad):
    """kdump_btf.bt, whose fentry/fexit probes read struct kdump_context
    through BTF: bdf switched once, without a gap, to the domain it was
    handed over to (state 1), with as many runs kept as kdump_handover.bt's
    tracepoint said and none skipped; one release of it that returned 0."""
    lines = [m.groups() for m in map(BTF_LINE.match,
                                     _read(f"{bpf}/kdump_btf.out") or [])
             if m]
    mine = {}
    for kind, dev, rest in lines:
        if dev == bdf:
            mine.setdefault(kind, []).append(
                dict(kv.split("=", 1) for kv in rest.split()))
    sw, rels = mine.get("switch", []), mine.get("release", [])
    fig["bpf_btf_switch"], fig["bpf_btf_release"] = sw, rels
    if len(sw) != 1:
        bad.append(f"kdump_btf.bt saw {len(sw)} switches of {bdf}")
    elif sw[0]["how"] != "1" or sw[0]["state"] != "1" or \
            sw[0]["skipped"] != "0" or \
            (ho and int(sw[0]["kept"]) != ho["kept"]) or \
            int(sw[0]["runs"]) < int(sw[0]["kept"]):
        bad.append(f"kdump_btf.bt switch {sw[0]} disagrees with "
                   f"kdump_handover.bt {ho}")
    if len(rels) != 1 or rels[0]["ret"] != "0" or rels[0]["state"] != "1":
        bad.append(f"kdump_btf.bt releases of {bdf}: {rels}")


def timeline(bpf, fig, bad):
    """kdump_timeline.bt counted one hand-over and one release."""
    tl = {m.group(1): int(m.group(2)) for m in map(
        TIMELINE_COUNT.match, _read(f"{bpf}/kdump_timeline.out") or []) if m}
    fig["bpf_timeline_counts"] = tl
    if tl.get("kdump_handover") != 1 or tl.get("kdump_release") != 1:
        bad.append(f"kdump_timeline.bt counted {tl}")


def fault_scripts(bpf, ring_faults, dmesg_faults, live_faults, ho, fig, bad):
    """dmar_faults.bt against the ring buffer, dmesg, kdump_handover.bt."""
    fs = [m for m in map(FAULT_SUM.match,
                         _read(f"{bpf}/dmar_faults.out") or []) if m]
    if not fs:
        bad.append("dmar_faults.bt printed no summary")
        return
    total, logged = map(int, fs[-1].groups())
    fig["bpf_faults_total"], fig["bpf_faults_logged"] = total, logged
    if total > len(ring_faults):
        bad.append("dmar_faults.bt counted more faults than the ring "
                   "buffer holds")
    if not live_faults:
        return
    # Nothing faulted before the scripts attached: all three counts are
    # of the same faults.
    if not total:
        bad.append("released in the window, yet no fault seen")
    if total != len(ring_faults):
        bad.append(f"dmar_faults.bt total {total} != ring buffer "
                   f"{len(ring_faults)}")
    if logged != dmesg_faults:
        bad.append(f"dmar_faults.bt logged {logged} != dmesg {dmesg_faults}")
    if ho and ho["faults"] != total:
        bad.append(f"kdump_handover.bt faults {ho['faults']} != "
                   f"dmar_faults.bt {total}")


def check_bpftrace(rundir, bdf, dmesg_faults, live_faults=False):
    """(ok, detail, figures) of one run's cap/bpftrace/.  @live_faults:
    bdf was released while its DMA still ran (lab.release_in_window_ms),
    so the scripts must have seen faults, as many as the ring buffer and
    dmesg hold."""
    bpf, kd = f"{rundir}/cap/bpftrace", f"{rundir}/cap/kdump"
    fig, bad = {}, []
    if not os.path.isdir(bpf):
        return False, "no cap/bpftrace (the scripts did not run)", fig
    ring_faults = ring_vs_report(bpf, kd, dmesg_faults, fig, bad)
    sysfs_vs_summary(bpf, kd, bad)
    ho = live_handover(rundir, bpf, bdf, fig, bad)
    btf_view(bpf, bdf, ho, fig, bad)
    timeline(bpf, fig, bad)
    fault_scripts(bpf, ring_faults, dmesg_faults, live_faults, ho, fig, bad)
    hits = _read(f"{bpf}/kva-hits")
    if hits:
        bad.append("kernel addresses in " + " ".join(hits))
    rss = _read(f"{bpf}/rss") or []
    fig["bpf_vmhwm_kib"] = [int(x) for line in rss for x in
                            re.findall(r"VmHWM:\s+(\d+)", line)]
    return not bad, "; ".join(bad), fig
