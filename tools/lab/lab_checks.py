# SPDX-License-Identifier: GPL-2.0
"""The verdict of one run: its figures, then a table of named checks.

analyse() first runs FIGURES in order: each reads part of the evidence
(serial log, QEMU trace, the disks, the dump) and records figures in the
result (every key is defined in lab_results.RESULT_KEYS).  Then the
verdict loops over CHECKS: the checks a scenario names in its "checks"
(scenarios.py), then ALWAYS; each returns its failures as text, and a
run passes when none has any.  A check decides from the figures and
from Evidence only; it does not measure.
"""

import os
import re

import bpfcheck
import groundtruth
import handover
import lab_artefacts
import lab_parser as parser
import lab_results
from debugfs import norm_bdf, read_table
from lab_env import BUILD, kernel_base

# q35's LPC/SMBus functions (00:1f.*) sit in the ISA identity map, which
# overlaps the capture kernel's low memory: our capture kernel adopts them
# with those leaves left out ("partial"), or refuses them where their
# tables cannot be adopted.  Counted apart from what a scenario provokes.
ISA_BDF_PREFIX = "00:1f."
HDA_DEVFN = "00:1b.00"
PANIC_LINE = parser.PANIC_LINE
CAPTURE_NIC_LINE = re.compile(r"LAB: capture-nic rx (-?\d+)")

# lab.selftest_break= knob -> the iommu_kdump test it must make fail.
SELFTEST_BREAKS = {
    "files": "kdump.files_parse", "summary": "kdump.summary_counts",
    "contexts": "kdump.contexts_accounted", "dids": "kdump.domain_ids",
    "ranges": "kdump.iova_ranges", "table": "kdump.old_table",
    "root": "kdump.root_only", "kva": "kdump.no_kernel_addresses",
    "handover": "kdump.handover", "faults": "capture.dmar_faults",
    "struct": "kdump.translation_struct", "sysfs": "kdump.sysfs_adopted",
    "switch": "kdump.handover", "ownram": "kdump.adopted_outside_capture_ram",
}


def broken_tests(knobs):
    """The tests a lab.selftest_break= list must make fail."""
    names = knobs.split(",")
    if "all" in names:
        names = list(SELFTEST_BREAKS)
    return sorted({SELFTEST_BREAKS[n] for n in names})


class Evidence:
    """What one run left, read once: the scenario, its directory, the
    run record of lab_machine.boot(), the console split at the capture
    kernel's boot, QEMU's events after the panic; res: the result being
    built."""

    def __init__(self, sc, rundir, run, retried=None):
        self.sc, self.rundir, self.run = sc, rundir, run
        self.marks = run["marks"]
        self.lines = [line for _, line in run["serial"]]
        self.first_log, self.capture_log = parser.split_console(self.lines)
        panic = parser.panic_index(self.lines)
        self.t_panic = None if panic is None else run["serial"][panic][0]
        self.events = parser.read_trace(f"{rundir}/qemu.trace")
        self.after = [e for e in self.events if self.t_panic is not None
                      and e[0] >= self.t_panic]
        self.refusals, self.kdump_state, self.partials = [], None, []
        self.dump_problem, self.selftests, self.pasids = None, None, []
        self.res = lab_results.base_result(sc)
        self.res["retried"] = retried

    def path(self, *parts):
        return os.path.join(self.rundir, *parts)

    def checks(self):
        return self.sc["checks"]


# ---------------------------------------------------------------- figures

def fig_run(ev):
    """Host-clock timings of the markers."""
    res, marks, run = ev.res, ev.marks, ev.run
    res.update({"wall_s": round(run["wall_s"], 1),
                "phase_reached": run["phase"], "udp_sent": run["udp_sent"]})

    def since(a, b):
        if a in marks and b in marks:
            return round((marks[b] - marks[a]) * 1000)
        return None
    res["panic_to_init_ms"] = since(PANIC_LINE, "LAB: capture-init")
    res["panic_to_dump_saved_ms"] = since(PANIC_LINE, "LAB: dump-saved")
    if "LAB: net-up" in marks:
        res["start_to_net_up_ms"] = round(
            (marks["LAB: net-up"] - run["t0"]) * 1000)


def fig_guest_logs(ev):
    ev.res["dmar_faults"] = parser.count_faults(ev.capture_log)
    ev.res["dmar_faults_first"] = parser.count_faults(ev.first_log)
    ev.res["log_problems"] = parser.log_problems(ev.first_log,
                                                 ev.capture_log)
    if "mainline_copy" in ev.checks():
        ev.res["mainline_copy"] = any(
            "Copied translation tables from previous kernel" in l
            for l in ev.capture_log)
    if "kunit" in ev.checks():
        ev.res["kunit"] = parser.kunit_totals(ev.lines)


def fig_qemu_trace(ev):
    """QEMU's view after the panic: faults, DMA, resets, enables."""
    res, after = ev.res, ev.after
    res["qemu_dmar_faults"] = sum(1 for e in after
                                  if e[1] == "vtd_dmar_fault")
    res["qemu_dmar_faults_total"] = sum(1 for e in ev.events
                                        if e[1] == "vtd_dmar_fault")
    rx = sum(1 for e in after if e[1] == "e1000e_rx_written_to_guest")
    hda_rid = "dev " + ev.sc.get("hda_rid", HDA_DEVFN)
    hda = sum(1 for e in after if e[1] == "vtd_dmar_translate"
              and e[2].startswith(hda_rid))
    res["e1000e_rx_after_panic"] = rx
    res["hda_dma_after_panic"] = hda
    res["dma_after_panic"] = rx + hda
    resets = [e[0] for e in after if e[1] == "e1000e_core_ctrl_sw_reset"]
    if resets:
        res["panic_to_nic_reset_ms"] = round((resets[0] - ev.t_panic) * 1000)
    res["qemu_dmar_enable_after_panic"] = [
        f"{e[2]} @+{round((e[0] - ev.t_panic) * 1000)}ms"
        for e in after if e[1] == "vtd_dmar_enable"]


def fig_disks(ev):
    """The guest's disks -> gt/ and cap/; the refusals it reported."""
    res = ev.res
    res["ground_truth_saved"] = lab_artefacts.extract_tar(
        ev.path("labgt.img"), ev.path("gt"))
    res["capture_saved"] = lab_artefacts.extract_tar(
        ev.path("labcap.img"), ev.path("cap"))
    if res["capture_saved"] and os.path.exists(ev.path("cap", "dmesg")):
        with open(ev.path("cap", "dmesg"), errors="replace") as f:
            res["dmar_faults_dmesg"] = parser.count_faults(f)
    ev.refusals, ev.kdump_state = read_refusals(ev.rundir)
    ev.partials = read_partials(ev.rundir)


def read_partials(rundir):
    """The contexts adopted with leaves left out: [(bdf, dropped)]."""
    kdump = os.path.join(rundir, "cap", "kdump")
    return [(norm_bdf(r["bdf"]), int(r.get("dropped", "0")))
            for r in read_table(f"{kdump}/contexts", need=("bdf", "state"))
            if r.get("state") == "adopted" and r.get("reason") == "partial"]


def read_refusals(rundir):
    """The capture kernel's refusals: ([(bdf, reason)], summary state or
    None).  bdf is "BB:*.*" for a whole context table."""
    kdump = os.path.join(rundir, "cap", "kdump")
    rows = [(norm_bdf(r["bdf"]), r.get("reason", "?"))
            for r in read_table(f"{kdump}/contexts", need=("bdf", "state"))
            if r.get("state") == "refused"]
    states = [r.get("state") for r in read_table(f"{kdump}/summary")]
    return rows, (states[0] if states else None)


def fig_not_present(ev):
    """A context entry met non-present (QEMU 10 has no event for a
    non-present PASID entry: that one shows as a fault), but for the
    contexts our capture kernel refused (q35's 00:1f.* always): those
    are blocked on purpose.  A root entry is never rewritten by a switch:
    one met non-present (a scalable-mode half whose contexts were all
    refused) is recorded only."""
    refused = {b for b, _ in ev.refusals}

    def counted(text):
        bdf = parser.trace_bdf(text)
        return not (bdf.startswith(ISA_BDF_PREFIX) or bdf in refused
                    or bdf[:2] + ":*.*" in refused)
    ev.res["qemu_not_present"] = sum(
        1 for e in ev.after if e[1] == "vtd_ce_not_present" and counted(e[2]))
    ev.res["qemu_root_not_present"] = sum(
        1 for e in ev.after if e[1] == "vtd_re_not_present")
    if "faults" in ev.checks():
        ev.res["faults_reported"] = (not ev.res["qemu_dmar_faults"]
                                     or ev.res["dmar_faults"] > 0)


def fig_adoption(ev):
    """What the capture kernel's IOMMU set-up cost: ours from kdump/summary
    (time_us, memory_kib, summed over IOMMUs), stock from the printk stamps
    around mainline's copy ("Translation already enabled" -> "Copied
    translation tables")."""
    path = ev.path("cap", "kdump", "summary")
    if os.path.exists(path):
        cols = ("state", "contexts_adopted", "contexts_refused", "time_us",
                "memory_kib")
        rows = [r for r in read_table(path, need=cols)
                if r["state"] == "adopted"]
        if rows:
            for key, col in (("adopt_time_us", "time_us"),
                             ("adopt_memory_kib", "memory_kib"),
                             ("contexts_adopted", "contexts_adopted"),
                             ("contexts_refused", "contexts_refused")):
                ev.res[key] = sum(int(r[col]) for r in rows)
        return
    panic = parser.panic_index(ev.lines)
    cap = ev.lines[len(ev.lines) if panic is None else panic:]
    t0 = parser.printk_time(cap, "Translation already enabled")
    t1 = parser.printk_time(cap, "Copied translation tables")
    if t0 is not None and t1 is not None:
        ev.res["copy_time_us"] = round((t1 - t0) * 1e6)


def fig_dump(ev):
    """With the "dump" check: the dump re-assembled, verified, walked."""
    if "dump" not in ev.checks():
        return
    if "LAB: dump-saved" not in ev.marks:
        ev.res["dump_verified"] = False
        ev.dump_problem = "dump not saved"
    else:
        ok, why = lab_artefacts.verify_dump(ev.rundir)
        ev.res["dump_verified"] = ok
        ev.dump_problem = None if ok else why
    if os.path.exists(ev.path("vmcore.kdump")):
        ev.res["vmcore_bytes"] = os.path.getsize(ev.path("vmcore.kdump"))
        ev.res.update(lab_artefacts.walk_dump(ev.rundir))
    if ev.res["dump_verified"]:
        # The dump is of the first kernel: its vmlinux, debug info and all.
        kind = ev.sc.get("first_kernel", ev.sc["kernel"])
        vmlinux = os.path.join(BUILD, kind, "linux", "vmlinux")
        ok, why, fig = lab_artefacts.crash_dump(ev.rundir, vmlinux)
        ev.res.update(fig)
        ev.res["crash_opened"] = ok
        ev.dump_problem = None if ok else why


def fig_selftests(ev):
    """The kselftest's KTAP of both kernels (a first-role run only)."""
    if ev.sc["role"] != "first":
        return
    st = parser.selftest_ktap(ev.rundir, ev.capture_log)
    for k in ("passed", "failed", "skipped", "failures"):
        ev.res[f"selftests_{k}"] = st[k] if st else None
    ev.selftests = st
    ev.res["selftests_first_kernel"] = parser.ktap_counts(
        ev.path("gt", "selftests-first.ktap"))
    if ev.sc["selftest_break"]:
        ev.res["selftests_broken"] = broken_tests(ev.sc["selftest_break"])


def fig_refusals(ev):
    """The refusals and the PASIDs not adopted (a first-role run only)."""
    if ev.sc["role"] != "first":
        return
    isa = [r for r in ev.refusals if r[0].startswith(ISA_BDF_PREFIX)]
    other = [r for r in ev.refusals if not r[0].startswith(ISA_BDF_PREFIX)]
    ev.res["refused"] = len(other)
    ev.res["refused_isa"] = len(isa)
    ev.res["refused_list"] = [f"{b} {why}" for b, why in other]
    ev.res["partial_list"] = [f"{b} {n}" for b, n in ev.partials
                              if not b.startswith(ISA_BDF_PREFIX)]
    ev.res["partial_isa"] = sum(1 for b, _ in ev.partials
                                if b.startswith(ISA_BDF_PREFIX))
    ev.res["kdump_state"] = ev.kdump_state
    ev.pasids = [(norm_bdf(r["bdf"]), r.get("pasid"), r.get("reason"))
                 for r in read_table(ev.path("cap", "kdump", "pasids"))]
    ev.res["pasids_not_adopted"] = [" ".join(p) for p in ev.pasids]


def fig_ground_truth(ev):
    """The lead's ground-truth comparison (absent when the capture kernel
    has no kdump report, e.g. stock)."""
    if ev.sc["role"] != "first":
        return
    gt = groundtruth.compare_ground_truth(ev.rundir)
    if gt is not None:
        ev.res["ground_truth_match"], ev.res["ground_truth_detail"] = gt


def fig_capture_nic(ev):
    if "capture_nic" not in ev.checks():
        return
    rx = [int(m.group(1)) for m in map(CAPTURE_NIC_LINE.search, ev.lines)
          if m]
    ev.res["capture_rx_packets"] = rx[0] if rx else None
    ev.res["capture_nic_state"] = handover.handover_state(
        ev.rundir, "00:02.0", "cap/nic/contexts")


def fig_handover(ev):
    if "handover" not in ev.checks():
        return
    ok, detail, fig = handover.check_handover(
        ev.rundir, ev.sc["handover"],
        kernel_base(ev.sc["kernel"]) == "ours",
        ev.res["dmar_faults"] + ev.res["qemu_dmar_faults"],
        ev.sc["handover_expect"])
    ev.res.update(fig)
    ev.res["handover_ok"], ev.res["handover_detail"] = ok, detail


def fig_bpftrace(ev):
    if "bpftrace" not in ev.checks():
        return
    ok, detail, fig = bpfcheck.check_bpftrace(
        ev.rundir, ev.sc["handover"], ev.res.get("dmar_faults_dmesg"),
        "lab.release_in_window_ms=" in ev.sc["capture"])
    ev.res.update(fig)
    ev.res["bpftrace_ok"], ev.res["bpftrace_detail"] = ok, detail


FIGURES = [fig_run, fig_guest_logs, fig_qemu_trace, fig_disks,
           fig_not_present, fig_adoption, fig_dump, fig_selftests,
           fig_refusals, fig_ground_truth, fig_capture_nic, fig_handover,
           fig_bpftrace]


# ---------------------------------------------------------------- checks

def check_dump(ev):
    """The dump was saved, re-assembled, and holds the crash line."""
    return [ev.dump_problem] if ev.dump_problem else []


def check_clean_logs(ev):
    """Neither kernel logged an oops, WARN, BUG, lockup or hung task."""
    probs = ev.res["log_problems"]
    return ["log: " + probs[0]] if probs else []


def check_dma_after_panic(ev):
    """The loads' DMA went on after the panic.  The HDA witness is only a
    witness if its stream ran on after the panic, through the hand-over."""
    load, res, out = ev.sc["load"], ev.res, []
    if "udp" in load and res["dma_after_panic"] == 0:
        out.append("no DMA after the panic")
    if "hda" in load and not res["hda_dma_after_panic"]:
        out.append("no HDA DMA after the panic")
    return out


def check_faults(ev):
    """DMAR faults as expected: some with expect_faults, else none in the
    guest's log nor QEMU's trace; ours never meets a non-present context
    and reports the faults QEMU raised."""
    res, ours = ev.res, kernel_base(ev.sc["kernel"]) == "ours"
    out = []
    if ev.sc["expect_faults"]:
        if res["dmar_faults"] == 0 and res["qemu_dmar_faults"] == 0:
            out.append("expected DMAR faults, saw none")
    elif res["dmar_faults"] or res["qemu_dmar_faults"]:
        out.append(f"DMAR faults: guest {res['dmar_faults']}, "
                   f"qemu {res['qemu_dmar_faults']}")
    # QEMU re-reads a context entry when its cache is invalidated: a
    # switch that passes through Present = 0 (mainline's) shows here on
    # every run, DMA in the window or not.  Ours must never.
    elif ours and res["qemu_not_present"]:
        out.append(f"{res['qemu_not_present']} non-present "
                   "context entries met during the run")
    # Our capture kernel takes the fault event over before anything can
    # fault: when QEMU raised faults, the guest must report some (the log
    # is rate limited, so not all).  Stock may lose them all.
    if ours and not res["faults_reported"]:
        out.append(f"{res['qemu_dmar_faults']} faults raised, "
                   "none reported by the capture kernel")
    return out


def check_mainline_copy(ev):
    """Mainline's path: the old context tables copied as they are."""
    if ev.res.get("mainline_copy"):
        return []
    return ["the capture kernel did not take mainline's copy"]


def check_kunit(ev):
    """KUnit's totals: some passed, none failed."""
    tot = ev.res["kunit"]
    if tot is None:
        return ["no KUnit totals on the console"]
    if tot["fail"] or not tot["pass"]:
        return [f"KUnit pass:{tot['pass']} fail:{tot['fail']}"]
    return []


def check_selftests(ev):
    """The capture kernel's kselftests all passed (with selftest_break:
    each broken test failed), and in the first kernel all skipped."""
    if ev.sc["role"] != "first":
        return []
    st, out = ev.selftests, []
    if st is None:
        out.append("no selftest KTAP from the capture kernel")
    elif ev.sc["selftest_break"]:
        # Negative control: each broken expectation must make its own
        # test fail.
        missed = sorted(set(ev.res["selftests_broken"]) - set(st["failures"]))
        if missed:
            out.append(f"selftest_break={ev.sc['selftest_break']}"
                       ": still passing: " + " ".join(missed))
    elif st["failed"]:
        out.append("selftests failed: " + " ".join(st["failures"]))
    elif not st["passed"]:
        out.append(f"no selftest ran ({st['skipped']} skipped)")
    first = ev.res["selftests_first_kernel"]
    if first is None:
        out.append("no selftest KTAP from the first kernel")
    elif first["passed"] or first["failed"] or not first["skipped"]:
        out.append(f"selftests in the first kernel did not all skip: {first}")
    return out


def refusal_hits(ev, bdf, why, dmesg):
    """(failures, log lines) of one expected refusal."""
    rows, out = ev.refusals, []
    if bdf == "root":
        if ev.kdump_state != "root-refused":
            out.append(f"root table not refused (state {ev.kdump_state})")
        return out, [l for l in dmesg
                     if "refused the root table" in l and why in l]
    if bdf.endswith(":*.*"):
        if (bdf, why) not in rows:
            out.append(f"bus {bdf} not refused for {why}")
        words = (why, why.replace("-", " "))
        return out, [l for l in dmesg if f"bus {bdf[:2]}:" in l
                     and any(w in l for w in words)]
    if (bdf, why) not in rows:
        got = [w for b, w in rows if b == bdf]
        out.append(f"{bdf} not refused for {why} (refused: {got or 'no'})")
    return out, [l for l in dmesg if f"refused {bdf}: {why}" in l]


def partial_problems(ev, dmesg):
    """Exactly the scenario's expect_partial contexts (besides the ISA
    functions) adopted with leaves left out, each with its log line."""
    out = []
    got = {b for b, _ in ev.partials if not b.startswith(ISA_BDF_PREFIX)}
    for bdf in ev.sc.get("expect_partial", []):
        if bdf not in got:
            out.append(f"{bdf} not adopted partial")
        elif not any(f"adopted {bdf} partially" in l for l in dmesg):
            out.append(f"no log line for {bdf} adopted partially")
    extra = sorted(got - set(ev.sc.get("expect_partial", [])))
    if extra:
        out.append("partial unexpectedly: " + ", ".join(extra))
    return out


def check_refused(ev):
    """Exactly the scenario's expect_refused refusals (besides the ISA
    functions), each with its reason in kdump/contexts and one log line;
    exactly its expect_partial contexts adopted with leaves left out; the
    expect_pasids rows in kdump/pasids."""
    if ev.sc["role"] != "first":
        return []
    out = [f"PASID {p} of {b} not listed as {why} in kdump/pasids"
           for b, p, why in map(tuple, ev.sc.get("expect_pasids", []))
           if (b, p, why) not in ev.pasids]
    try:
        with open(ev.path("cap", "dmesg"), errors="replace") as f:
            logged = [l for l in f if "DMAR: kdump: " in l]
    except OSError:
        return out + ["capture dmesg not saved"]
    out += partial_problems(ev, logged)
    dmesg = [l for l in logged if "refused" in l]
    expected = [tuple(e) for e in ev.sc["expect_refused"]]
    for bdf, why in expected:
        fails, hits = refusal_hits(ev, bdf, why, dmesg)
        out += fails
        if len(hits) != 1:
            out.append(f"{len(hits)} log lines for {bdf} {why}, expected 1")
    unexpected = [r for r in ev.refusals if not r[0].startswith(
        ISA_BDF_PREFIX) and r not in expected]
    if unexpected:
        out.append("refused unexpectedly: " + ", ".join(
            f"{b} {why}" for b, why in unexpected))
    return out


def check_capture_ram(ev):
    """Nothing the capture kernel adopted maps its own RAM: its selftest
    kdump.adopted_outside_capture_ram ran on the old tables in
    /proc/vmcore and passed."""
    st = ev.selftests
    if st is None:
        return ["no selftest KTAP from the capture kernel"]
    if "kdump.adopted_outside_capture_ram" in st["failures"]:
        return ["an adopted leaf maps the capture kernel's RAM"]
    if not st["passed"]:
        return ["no selftest ran"]
    return []


def check_finished(ev):
    """The guest reached its end (a kdump cycle, a KUnit run)."""
    if ev.run["reason"]:
        return []      # already the run's first failure
    if ev.sc["role"] == "first" and "LAB: capture-done" not in ev.marks:
        return [f"capture did not finish (qemu exited in {ev.run['phase']})"]
    if ev.sc["role"] == "kunit" and "LAB: kunit-done" not in ev.marks:
        return [f"kunit run did not finish (qemu exited in "
                f"{ev.run['phase']})"]
    return []


def check_ground_truth(ev):
    """The capture kernel's report matches the crashed kernel's tables,
    walked in the dump (the first kernel's snapshot is not enough)."""
    if ev.sc["role"] != "first":
        return []
    out = []
    if ev.res.get("ground_truth_match") is False:
        out.append("ground truth: " + ev.res["ground_truth_detail"])
    if ev.res.get("walk_error"):
        out.append("walk of the dump: " + ev.res["walk_error"])
    return out


def check_capture_nic(ev):
    """The NIC received in the capture kernel; 00:02.0 in the wanted state."""
    want, res = ev.sc["capture_nic"], ev.res
    if want == "any":
        return []
    rx = res["capture_rx_packets"]
    if rx is None:
        return ["capture-nic: the NIC was not brought up in the capture "
                "kernel"]
    out = [f"capture-nic: received {rx} packets"] if rx <= 0 else []
    if res["capture_nic_state"] != want:
        out.append(f"capture-nic: 00:02.0 {res['capture_nic_state']}, "
                   f"not {want}")
    return out


def check_handover(ev):
    """handover.check_handover(): see handover.py."""
    if ev.res["handover_ok"]:
        return []
    return ["hand-over: " + ev.res["handover_detail"]]


def check_bpftrace(ev):
    """bpfcheck.check_bpftrace(): see bpfcheck.py."""
    if ev.res["bpftrace_ok"]:
        return []
    return ["bpftrace: " + ev.res["bpftrace_detail"]]


# The checks a scenario can name in its "checks", in verdict order.
CHECKS = {
    "dump": check_dump,
    "clean_logs": check_clean_logs,
    "dma_after_panic": check_dma_after_panic,
    "faults": check_faults,
    "mainline_copy": check_mainline_copy,
    "kunit": check_kunit,
    "selftests": check_selftests,
    "refused": check_refused,
    "ground_truth": check_ground_truth,
    "capture_nic": check_capture_nic,
    "handover": check_handover,
    "bpftrace": check_bpftrace,
    "capture_ram": check_capture_ram,
}
# Checks of every run, after the named ones.
ALWAYS = {"finished": check_finished}


def verdict(ev):
    """The failures of a run: the run's own (timeout, stall, guest
    error), then each check's, in table order."""
    failures = [ev.run["reason"]] if ev.run["reason"] else []
    for name, check in CHECKS.items():
        if name in ev.checks():
            failures += check(ev)
    for check in ALWAYS.values():
        failures += check(ev)
    return failures


def analyse(sc, rundir, run, retried=None):
    """Figures and verdict of one run; writes result.json."""
    unknown = [c for c in sc["checks"] if c not in CHECKS]
    if unknown:
        raise ValueError(f"{sc['name']}: no check {' '.join(unknown)}")
    ev = Evidence(sc, rundir, run, retried)
    for figure in FIGURES:
        figure(ev)
    failures = verdict(ev)
    res = ev.res
    # Large raw disk images are not kept.
    lab_artefacts.remove(ev.path("labdump.img"))
    if failures:
        res["reason"] = "; ".join(failures)
    else:
        res["result"] = "pass"
    if sc["baseline"]:
        # A baseline records what an unprotected kernel does; its outcome
        # is reported, never gated on.
        res["baseline_outcome"] = res["result"]
        res["result"] = "baseline"
    lab_results.write_result(rundir, res)
    return res
