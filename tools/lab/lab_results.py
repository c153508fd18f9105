# SPDX-License-Identifier: GPL-2.0
"""The results contract: every key of result.json (one per scenario, also
the entries of summary.json's "scenarios") and of summary.json, with its
unit and meaning, defined here and nowhere else; and the writers of
result.json, summary.json and lab.ktap.

A key not in RESULT_KEYS or SUMMARY_KEYS is a bug: lab_test.py fails on
one (undocumented()), so a new figure comes with its line here.
Units: ms, s, us, KiB, bytes, "count" (a number of things), "bool",
"text", "list" (of text unless said), "dict".
"""

import json
import os
import subprocess

from lab_env import BUILD, QEMU

# key: (unit, meaning).  None is a valid value of every key: not measured.
RESULT_KEYS = {
    # Identity and verdict
    "name": ("text", "the scenario's name (scenarios.py)"),
    "kernel": ("text", "the first kernel booted: ours, stock or off"),
    "capture_kernel": ("text", "the kernel kexec -p loaded"),
    "kernel_override": ("text", "<scenario kernel>-><booted> with --kernel"),
    "result": ("text", "pass, fail or baseline (recorded, not gated on)"),
    "reason": ("text", "why it failed, '; '-joined; '' when it passed"),
    "baseline_outcome": ("text", "a baseline scenario's own pass/fail"),
    "retried": ("text", "why the first attempt was run again (a stall "
                "before the panic, a QEMU abort), else None"),
    "expect_faults": ("bool", "the scenario expects DMAR faults"),
    # The run
    "wall_s": ("s", "host time of the boot, first kernel to power-off"),
    "elapsed_s": ("s", "host time of the whole scenario: boots, retry, "
                  "analysis (lab.py's progress estimates use it)"),
    "phase_reached": ("text", "the last phase of lab_machine.PHASES seen"),
    "udp_sent": ("count", "UDP packets the host sent to the e1000e"),
    "start_to_net_up_ms": ("ms", "QEMU start to 'LAB: net-up'"),
    "panic_to_init_ms": ("ms", "'sysrq: Trigger a crash' to 'LAB: "
                         "capture-init' (host clock)"),
    "panic_to_dump_saved_ms": ("ms", "crash line to 'LAB: dump-saved'"),
    "panic_to_nic_reset_ms": ("ms", "crash line to QEMU's first "
                              "e1000e_core_ctrl_sw_reset"),
    # Logs
    "dmar_faults": ("count", "DMAR fault records on the capture kernel's "
                    "console (not the selftest's KTAP copies)"),
    "dmar_faults_first": ("count", "the same in the first kernel's log"),
    "dmar_faults_dmesg": ("count", "fault records in the capture kernel's "
                          "dmesg buffer when it was saved (cap/dmesg)"),
    "log_problems": ("list", "oops/WARN/BUG/lockup/hung-task lines, "
                     "'first: ' or 'capture: ' prefixed, at most 10"),
    "faults_reported": ("bool", "no QEMU fault, or the guest logged some"),
    "mainline_copy": ("bool", "the capture kernel logged mainline's "
                      "'Copied translation tables from previous kernel'"),
    # QEMU's trace (same clock as the serial log)
    "qemu_dmar_faults": ("count", "vtd_dmar_fault events after the panic"),
    "qemu_dmar_faults_total": ("count", "vtd_dmar_fault events in the run"),
    "e1000e_rx_after_panic": ("count", "e1000e_rx_written_to_guest events "
                              "after the panic"),
    "hda_dma_after_panic": ("count", "vtd_dmar_translate events of the HDA "
                            "requester-id after the panic"),
    "dma_after_panic": ("count", "e1000e_rx_after_panic + "
                        "hda_dma_after_panic"),
    "qemu_dmar_enable_after_panic": ("list", "vtd_dmar_enable events after "
                                     "the panic, '<args> @+<ms>ms'"),
    "qemu_not_present": ("count", "vtd_ce_not_present after the panic, "
                         "contexts the capture kernel refused and 00:1f.* "
                         "aside"),
    "qemu_root_not_present": ("count", "vtd_re_not_present after the panic"),
    # The disks and the dump
    "ground_truth_saved": ("bool", "the labgt disk held a tar (gt/)"),
    "capture_saved": ("bool", "the labcap disk held a tar (cap/)"),
    "dump_verified": ("bool", "the dump re-assembled and its kernel log "
                      "holds the crash line"),
    "vmcore_bytes": ("bytes", "size of vmcore.kdump"),
    "crash_opened": ("bool", "crash(8) opened vmcore.kdump with the first "
                     "kernel's vmlinux and printed sys, bt and log "
                     "(crash.log)"),
    "crash_release": ("text", "crash's sys: RELEASE"),
    "crash_panic": ("text", "crash's sys: PANIC"),
    "crash_frames": ("list", "crash's bt: the panic task's frames"),
    "walk_contexts": ("count", "contexts vtdwalk.py found in the dump"),
    "walk_ranges": ("count", "IOVA ranges vtdwalk.py found in the dump"),
    "walk_tables_missing": ("count", "tables the walk could not read from "
                            "the dump"),
    "walk_error": ("text", "why the dump could not be walked"),
    "walk_matches_snapshot": ("bool", "the walk agrees with gt/ (volatile "
                              "devices loosely)"),
    "walk_detail": ("text", "the walk against gt/, in words"),
    # The capture kernel's adoption report (cap/kdump/)
    "adopt_time_us": ("us", "kdump/summary time_us, summed over IOMMUs"),
    "adopt_memory_kib": ("KiB", "kdump/summary memory_kib, summed"),
    "contexts_adopted": ("count", "kdump/summary contexts_adopted, summed"),
    "contexts_refused": ("count", "kdump/summary contexts_refused, summed"),
    "copy_time_us": ("us", "stock/off: printk time from 'Translation "
                     "already enabled' to 'Copied translation tables'"),
    "kdump_state": ("text", "the first IOMMU's kdump/summary state"),
    "refused": ("count", "refused contexts in kdump/contexts, 00:1f.* aside"),
    "refused_isa": ("count", "refused q35 00:1f.* functions"),
    "partial_list": ("list", "'<bdf> <dropped>' of the contexts adopted "
                             "with leaves into capture RAM left out, "
                             "00:1f.* aside"),
    "partial_isa": ("count", "q35 00:1f.* functions adopted partial"),
    "refused_list": ("list", "'<bdf> <reason>' of each refusal counted in "
                     "refused"),
    "pasids_not_adopted": ("list", "'<bdf> <pasid> <reason>' of kdump/pasids"),
    "ground_truth_match": ("bool", "groundtruth.compare_ground_truth()"),
    "ground_truth_detail": ("text", "the comparison, in words"),
    # Tests run in the guest
    "kunit": ("dict", "KUnit totals {pass, fail, skip} (counts)"),
    "selftests_passed": ("count", "capture kernel kselftest results ok"),
    "selftests_failed": ("count", "... not ok"),
    "selftests_skipped": ("count", "... ok # SKIP"),
    "selftests_failures": ("list", "names of the failed kselftests"),
    "selftests_broken": ("list", "the kselftests selftest_break must fail"),
    "selftests_first_kernel": ("dict", "the first kernel's kselftest "
                               "counts {passed, failed, skipped, failures}"),
    # capture_nic
    "capture_rx_packets": ("count", "packets the NIC received in the "
                           "capture kernel ('LAB: capture-nic rx N')"),
    "capture_nic_state": ("text", "00:02.0's handover column in "
                          "cap/nic/contexts"),
    # handover (handover.py)
    "handover_ok": ("bool", "handover.check_handover() passed"),
    "handover_detail": ("text", "its detail"),
    "handover_state": ("text", "the device's handover column before "
                       "release"),
    "legacy_pages": ("count", "old pages mapped in the new domain"),
    "legacy_pages_missing": ("count", "old pages the new domain lacks"),
    "legacy_pages_after": ("count", "old pages still mapped after release"),
    "new_iovas": ("count", "IOVAs the window test driver was given"),
    "new_iova_overlaps": ("count", "of those, in an old range"),
    "stale_dma_buffers": ("count", "new buffers written by the old DMA"),
    # bpftrace (bpfcheck.py)
    "bpftrace_ok": ("bool", "bpfcheck.check_bpftrace() passed"),
    "bpftrace_detail": ("text", "its detail"),
    "bpf_ring_adopted": ("count", "kdump_context_adopted in the ring buffer"),
    "bpf_ring_refused": ("count", "kdump_context_refused in the ring buffer"),
    "bpf_ring_dids": ("count", "kdump_did_reserved in the ring buffer"),
    "bpf_ring_ranges": ("count", "kdump_iova_range in the ring buffer"),
    "bpf_ring_faults": ("count", "dmar_fault in the ring buffer"),
    "bpf_live_handovers": ("count", "kdump_handover.bt: hand-overs"),
    "bpf_live_kept": ("count", "kdump_handover.bt: old mappings kept"),
    "bpf_live_skipped": ("count", "kdump_handover.bt: skipped"),
    "bpf_live_releases": ("count", "kdump_handover.bt: releases"),
    "bpf_live_unmapped": ("count", "kdump_handover.bt: unmapped"),
    "bpf_live_faults": ("count", "kdump_handover.bt: faults"),
    "bpf_timeline_counts": ("dict", "kdump_timeline.bt @count[event] "
                            "(counts)"),
    "bpf_faults_total": ("count", "dmar_faults.bt: faults seen"),
    "bpf_faults_logged": ("count", "dmar_faults.bt: faults logged"),
    "bpf_vmhwm_kib": ("list", "VmHWM of each bpftrace (KiB)"),
    "bpf_btf_switch": ("list", "kdump_btf.bt: the device's switches, "
                       "struct kdump_context read through BTF (dicts)"),
    "bpf_btf_release": ("list", "kdump_btf.bt: the device's releases "
                        "(dicts)"),
}

SUMMARY_KEYS = {
    "kernel_version": ("text", "$BUILD/src/VERSION (the source's version)"),
    "qemu_version": ("text", "qemu-system-x86_64 --version"),
    "accel": ("text", "kvm or tcg"),
    "accel_reason": ("text", "why that accelerator"),
    "scenarios": ("list", "result.json of each scenario run (dicts)"),
}


def undocumented(summary):
    """Keys of a summary.json (or of one result) not defined above."""
    if "scenarios" not in summary:
        return sorted(set(summary) - set(RESULT_KEYS))
    bad = set(summary) - set(SUMMARY_KEYS)
    for res in summary["scenarios"]:
        bad |= set(res) - set(RESULT_KEYS)
    return sorted(bad)


def base_result(sc, kind=None):
    """The keys every scenario entry has, even a run that never started."""
    return {"name": sc["name"], "kernel": kind or sc["kernel"],
            "result": "fail", "reason": "",
            "expect_faults": sc["expect_faults"], "dmar_faults": None,
            "qemu_dmar_faults": None, "dma_after_panic": None,
            "panic_to_init_ms": None, "dump_verified": False,
            "capture_kernel": sc.get("capture_kernel") or kind or sc["kernel"],
            "refused": None}


def write_result(rundir, res):
    with open(f"{rundir}/result.json", "w") as f:
        json.dump(res, f, indent=1)


def versions():
    try:
        with open(os.path.join(BUILD, "src", "VERSION")) as f:
            kv = f.read().strip()
    except OSError:
        kv = "unknown"
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True)
    qv = (out.stdout.splitlines()[0].split("version ", 1)[-1]
          if out.stdout else "unknown")
    return kv, qv


def ktap_line(i, r):
    """One scenario as a KTAP result line."""
    if r["result"] == "pass":
        return f"ok {i} {r['name']}"
    if r["result"] == "baseline":
        return (f"ok {i} {r['name']} # SKIP baseline, "
                f"{r.get('baseline_outcome')}: "
                f"{r['reason'] or 'no failure'}")
    why = r["reason"].replace("\n", " ")
    return f"not ok {i} {r['name']} # {why}"


def write_reports(results, accel, why, reslist):
    """summary.json and lab.ktap of the scenarios run so far."""
    kv, qv = versions()
    summary = {"kernel_version": kv, "qemu_version": qv, "accel": accel,
               "accel_reason": why, "scenarios": reslist}
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(results, "lab.ktap"), "w") as f:
        f.write(f"TAP version 13\n1..{len(reslist)}\n")
        for i, r in enumerate(reslist, 1):
            f.write(ktap_line(i, r) + "\n")
    return summary


FMT_KEYS = ["dmar_faults", "qemu_dmar_faults", "dma_after_panic",
            "panic_to_init_ms", "dump_verified", "crash_opened", "refused",
            "selftests_passed", "selftests_failed", "selftests_skipped",
            "wall_s"]


def fmt(res):
    """One line of a result, as the runner prints it."""
    figs = " ".join(f"{k}={res.get(k)}" for k in FMT_KEYS if k in res)
    verdict = res["result"].upper()
    return f"{verdict} {res['name']}: {figs}" + (
        f" -- {res['reason']}" if res["reason"] else "") + (
        f" (run again: {res['retried']})"
        if res.get("retried") else "")
