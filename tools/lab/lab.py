#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The lab runner: boot a kernel under QEMU with an emulated VT-d, keep
DMA going, panic, boot the kdump capture kernel, save the dump, verify
it and report figures.

One generic runner; the scenarios are data in scenarios.py.

    tools/lab/lab.py                       make check's scenarios (CHECK_SCENARIOS)
    tools/lab/lab.py --matrix              every scenario of SCENARIOS (make matrix)
    tools/lab/lab.py --only a,b            run a subset (also EXTRA_SCENARIOS)
    tools/lab/lab.py --list                list the scenarios
    tools/lab/lab.py --bench [--repeat 5]   the kernels side by side (make bench)
    tools/lab/lab.py --demo                the hand-over window, stock vs ours
    tools/lab/lab.py --soak 100            100 panics under DMA (make soak)
    tools/lab/lab.py --fuzz 200 [--seed S] 200 seeded damages (make fuzz)

Results: $BUILD/results/<scenario>/ (serial.log, qemu.trace, result.json,
gt/, cap/, vmcore.kdump), $BUILD/results/summary.json, lab.ktap.
The last line printed is "N passed, N failed"; the exit status is
non-zero when anything failed.

The lab by job (as tools/testing/kunit/):
    lab.py            this CLI: which scenarios, how many at once, progress
    lab_machine.py    QEMU command line, boot and serial follower, UDP load,
                      accelerator probe
    lab_artefacts.py  run directory and disks, cpio, dump re-assembly and
                      verification, the walk of the dump
    lab_parser.py     serial log, QEMU trace, KTAP
    lab_checks.py     figures and the table of named checks (the verdict)
    lab_results.py    every key of result.json and summary.json; lab.ktap
    debugfs.py        the one reader of the debugfs tables
    scenarios.py      the scenarios and their defaults
    bench.py          make bench: the kernels side by side, figures,
                      the table and plots
    demo.py           make demo: the hand-over window, stock then ours,
                      one screen and a timeline
    lab_test.py       the lab's own tests (test_data/)
    lab_env.py        REPO, BUILD, QEMU, log()
"""

import argparse
import collections
import concurrent.futures
import json
import os
import platform
import re
import sys
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import demo  # noqa: E402
import lab_artefacts  # noqa: E402
import lab_checks  # noqa: E402
import lab_machine  # noqa: E402
import lab_results  # noqa: E402
import scenarios  # noqa: E402
from lab_env import BUILD, log  # noqa: E402
from lab_results import base_result, fmt  # noqa: E402

# Boots of one scenario at most, when the ones before failed outside the
# kdump path (a stall before the panic, QEMU aborting on its own
# assertion).  Two in a row were seen once in 72 scenarios (a stall, then
# QEMU 10.0.2's iotlb_to_section assertion).
ATTEMPTS = 3


def run_scenario(sc, accel, results, kernel_override=None):
    """Boot one scenario (again, up to ATTEMPTS boots, after a stall
    before the panic or a QEMU abort) and analyse it: its result."""
    kind = kernel_override or sc["kernel"]
    capture_kind = sc["capture_kernel"] or kind
    bzimage = os.path.join(BUILD, kind, "bzImage")
    initrd = os.path.join(BUILD, kind, "first.cpio.gz")
    rundir = os.path.join(results, sc["name"])
    need = [bzimage, initrd, os.path.join(BUILD, capture_kind, "bzImage")]
    if not all(os.path.exists(p) for p in need):
        return dict(base_result(sc, kind),
                    reason=f"missing one of {' '.join(need)}")
    try:
        retried = None
        for attempt in range(1, ATTEMPTS + 1):
            lab_artefacts.prepare_rundir(sc, rundir)
            boot_initrd = initrd if capture_kind == kind else \
                lab_artefacts.mixed_initrd(initrd, capture_kind, rundir)
            run = lab_machine.boot(sc, accel, rundir, bzimage, boot_initrd)
            if not run["retry"] or attempt == ATTEMPTS:
                break
            # Nothing of the kdump path ran yet (a stall before the
            # panic), or QEMU itself aborted: run it again, and say so in
            # the result.
            retried = run["reason"] if not retried else \
                f"{retried}, then {run['reason']}"
            log(f"{sc['name']}: {run['reason']}; running it again")
        # The kernel that crashed, for crash(8)'s vmlinux.
        res = lab_checks.analyse(dict(sc, first_kernel=kind), rundir, run,
                                 retried)
    except Exception as e:  # a lab bug must fail the scenario, not skip it
        import traceback
        traceback.print_exc()
        return dict(base_result(sc, kind),
                    reason=f"lab error: {type(e).__name__}: {e}")
    res["capture_kernel"] = capture_kind
    if kernel_override:
        res["kernel"] = kind
        res["kernel_override"] = f"{sc['kernel']}->{kind}"
    return res


class Progress:
    """"[k/N]" and the time left, from what each scenario took in the
    last run into the same results directory (summary.json), else from
    the mean of those done so far, else 60 s."""

    def __init__(self, chosen, results, jobs):
        self.total, self.jobs = len(chosen), jobs
        self.done, self.t0 = 0, time.time()
        self.took = []
        last = {}
        try:
            with open(os.path.join(results, "summary.json")) as f:
                last = {r["name"]: r.get("elapsed_s") or r.get("wall_s")
                        for r in json.load(f)["scenarios"]}
        except (OSError, ValueError, KeyError, TypeError):
            pass
        self.expect = {sc["name"]: last.get(sc["name"]) for sc in chosen}

    def estimate(self, name):
        if self.expect.get(name):
            return self.expect[name]
        return sum(self.took) / len(self.took) if self.took else 60.0

    def finished(self, res, pending):
        """One scenario done; @pending: names not finished yet."""
        self.done += 1
        self.took.append(res.get("elapsed_s") or 0)
        left = sum(self.estimate(n) for n in pending) / self.jobs
        elapsed = time.time() - self.t0
        return (f"[{self.done}/{self.total}] {fmt(res)} "
                f"({elapsed / 60:.1f} min so far, ~{left / 60:.1f} min left)")


def choose(args):
    """The scenarios to run, as the flags say."""
    if args.bench:
        workloads = (args.bench_workloads.replace(",", " ").split()
                     if args.bench_workloads else bench.workload_names())
        kernels = (args.bench_kernels.replace(",", " ").split()
                   if args.bench_kernels else None)
        try:
            chosen = bench.bench_list(args.repeat, workloads, kernels)
        except ValueError as e:
            sys.exit(f"lab: {e}")
        args.results = os.path.join(BUILD, "bench")
    elif args.demo:
        # lab.bench=1: the memory both kernels' IOMMU code holds, alike.
        by_name = {s["name"]: s for s in scenarios.scenario_list()}
        chosen = [dict(by_name[n], capture=by_name[n]["capture"] +
                       " lab.bench=1") for n in demo.PAIR]
        args.results = os.path.join(BUILD, "results", "demo")
    elif args.soak:
        chosen = scenarios.soak_list(args.soak, scenarios.scenario_list())
        args.results = os.path.join(BUILD, "soak")
    elif args.fuzz:
        chosen = scenarios.fuzz_list(args.fuzz, args.seed)
        args.results = os.path.join(BUILD, "fuzz")
    elif args.only:
        names = [n for n in args.only.replace(",", " ").split() if n]
        by_name = {s["name"]: s for s in scenarios.scenario_list()}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            sys.exit(f"lab: unknown scenario(s): {' '.join(unknown)}")
        chosen = [by_name[n] for n in names]
    elif args.matrix:
        chosen = scenarios.scenario_list(include_extra=False)
    else:
        chosen = scenarios.check_list()
    if args.timeout:
        chosen = [dict(s, timeout=args.timeout) for s in chosen]
    return chosen


def accelerator(chosen, kernel_override):
    """(accel, why): probed with a kernel the run boots, when built."""
    kinds = [kernel_override or s["kernel"] for s in chosen]
    probe_kind = next((k for k in ["ours", "stock", "ours7", "stock7"]
                       if k in kinds and
                       os.path.exists(os.path.join(BUILD, k,
                                                   "first.cpio.gz"))),
                      None)
    if probe_kind or os.path.exists(os.path.join(BUILD, "accel")):
        kind = probe_kind or "stock"
        return lab_machine.detect_accel(
            os.path.join(BUILD, kind, "bzImage"),
            os.path.join(BUILD, kind, "first.cpio.gz"))
    return "tcg", "no kernel built to probe with"


def keep_soak_dumps_of_failures(rundir, res):
    """18 MB a run: a soak keeps the dumps of failed runs only."""
    if res["result"] != "pass":
        return
    for f in ("vmcore.kdump", "labcap.img", "labgt.img"):
        try:
            os.unlink(os.path.join(rundir, f))
        except OSError:
            pass


def run_all(args, chosen, accel, why):
    """Every chosen scenario, --jobs at once; results in chosen order."""
    # Figures that are timings (bench, soak) and the demo's report come
    # from one run at a time; make check runs --jobs at once.
    jobs = (1 if args.bench or args.soak or args.show or args.demo
            else max(1, args.jobs))
    if jobs > 1:
        log(f"{jobs} scenarios at a time")
    done = [None] * len(chosen)
    lock = threading.Lock()
    progress = Progress(chosen, args.results, jobs)

    def one(i, sc):
        log(f"{sc['name']}: start (kernel {args.kernel or sc['kernel']})")
        t0 = time.time()
        res = run_scenario(sc, accel, args.results, args.kernel)
        res["elapsed_s"] = round(time.time() - t0, 1)
        rundir = os.path.join(args.results, sc["name"])
        with lock:
            done[i] = res
            pending = [s["name"] for s, r in zip(chosen, done) if r is None]
            log(progress.finished(res, pending))
            if args.soak or args.fuzz:
                keep_soak_dumps_of_failures(rundir, res)
            if args.show:
                show_report(rundir, res)
            lab_results.write_reports(args.results, accel, why,
                                      [r for r in done if r is not None])

    if jobs == 1:
        for i, sc in enumerate(chosen):
            one(i, sc)
    else:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            for fut in [pool.submit(one, i, sc)
                        for i, sc in enumerate(chosen)]:
                fut.result()
    return done


def bench_report(chosen, reslist, results, accel, repeat):
    """make bench's tables and plots under $BUILD/results/bench."""
    runs = [{"name": sc["name"], "workload": sc["bench_workload"],
             "kernel": sc["bench_kernel"],
             "fig": bench.figures(os.path.join(results, sc["name"]), r)}
            for sc, r in zip(chosen, reslist) if r is not None]
    kv, qv = lab_results.versions()
    meta = {"date": time.strftime("%Y-%m-%d"),
            "machine": f"{os.cpu_count()} CPUs {platform.machine()}",
            "accel": accel, "qemu": qv, "kernel": kv, "repeat": repeat}
    out = os.path.join(BUILD, "results", "bench")
    print(bench.report(runs, out, meta), end="")
    print(f"bench: table {os.path.join(out, 'bench.md')}", flush=True)


def bench_rejudge(results, repeat):
    """--bench-report: the report again from the saved runs."""
    chosen, reslist = [], []
    for name in sorted(os.listdir(results)):
        path = os.path.join(results, name, "result.json")
        m = re.fullmatch(r"bench-(.+)-(stock|reset|inplace|copy)-(\d+)", name)
        if not m or not os.path.exists(path):
            continue
        with open(path) as f:
            reslist.append(json.load(f))
        chosen.append({"name": name, "bench_workload": m.group(1),
                       "bench_kernel": m.group(2)})
    accel = "tcg"
    try:
        with open(os.path.join(results, "summary.json")) as f:
            accel = json.load(f).get("accel", accel)
    except (OSError, ValueError):
        pass
    bench_report(chosen, reslist, results, accel, repeat)


def show_report(rundir, res):
    """The adoption report of one run, for make demo."""
    print(f"==== {res['name']} ({res['kernel']}) ====")
    for k, v in res.items():
        if k not in ("name", "kernel"):
            print(f"  {k}: {v}")
    kdump = os.path.join(rundir, "cap", "kdump")
    if not os.path.isdir(kdump):
        print("  (the capture kernel has no iommu/intel/kdump report: "
              "stock kernel or adoption code absent)")
    else:
        for name in sorted(os.listdir(kdump)):
            print(f"---- kdump/{name}")
            with open(os.path.join(kdump, name), errors="replace") as f:
                sys.stdout.write(f.read())
    print(f"  files: {rundir}", flush=True)


def median(vals):
    return vals[len(vals) // 2] if vals else None


def soak_report(chosen, reslist):
    """The soak's figures: dumps saved and verified out of N panics."""
    saved = sum(1 for r in reslist if r.get("dump_verified"))
    failed = [r["name"] for r in reslist if r["result"] != "pass"]
    faults = sum((r.get("dmar_faults") or 0) + (r.get("qemu_dmar_faults") or 0)
                 for r in reslist)
    dma = sorted(r.get("dma_after_panic") or 0 for r in reslist)
    saved_ms = sorted(r["panic_to_dump_saved_ms"] for r in reslist
                      if r.get("panic_to_dump_saved_ms"))
    for base in dict.fromkeys(sc["soak_base"] for sc in chosen):
        runs = [r for sc, r in zip(chosen, reslist) if sc["soak_base"] == base]
        ok = sum(1 for r in runs if r["result"] == "pass")
        print(f"soak {base}: {ok} of {len(runs)} passed")
    print(f"soak: {len(reslist)} panics, {saved} dumps saved and verified, "
          f"{len(failed)} failed{': ' + ' '.join(failed) if failed else ''}")
    print(f"soak: DMAR faults {faults} (guest + QEMU), DMA after panic "
          f"min {dma[0] if dma else None} median {median(dma)}, panic to "
          f"dump saved median {median(saved_ms)} ms, "
          f"max {saved_ms[-1] if saved_ms else None} ms", flush=True)


FUZZ_DAMAGE = re.compile(r"fuzz seed (0x[0-9a-f]+): damage \d+ of \d+: "
                         r"(\w+) of ([\w-]+) table")


def fuzz_damages(results, name):
    """[(kind, table kind)] the first kernel logged for one fuzz run."""
    try:
        with open(os.path.join(results, name, "serial.log"),
                  errors="replace") as f:
            return [m.group(2, 3) for m in map(FUZZ_DAMAGE.search, f) if m]
    except OSError:
        return []


def fuzz_report(chosen, reslist, results):
    """Dumps saved out of N, per damage kind and table kind; the runs that
    failed, with their seeds."""
    per = collections.defaultdict(lambda: [0, 0])
    for sc, res in zip(chosen, reslist):
        for key in set(fuzz_damages(results, sc["name"])):
            per[key][0] += 1
            per[key][1] += bool(res.get("dump_verified"))
    saved = sum(1 for r in reslist if r.get("dump_verified"))
    print(f"fuzz: {len(reslist)} runs, {saved} dumps saved and verified")
    for (kind, table), (runs, ok) in sorted(per.items()):
        print(f"fuzz: {kind:8} {table:14} {ok:4} of {runs:4} dumps saved")
    for sc, res in zip(chosen, reslist):
        if res["result"] != "pass":
            print(f"fuzz: FAIL seed {sc['fuzz_seed']:#x} {sc['fuzz_base']}: "
                  f"{res['reason']}")


def closing(results, reslist):
    """What failed with the tail of its console (CI keeps only the tail
    of what we print), then the closing line; the exit status."""
    failures = [r for r in reslist if r["result"] not in ("pass", "baseline")]
    for res in failures:
        print(f"==== {fmt(res)}")
        serial = os.path.join(results, res["name"], "serial.log")
        try:
            with open(serial, errors="replace") as f:
                tail = f.read().splitlines()[-12:]
        except OSError:
            tail = ["(no serial.log)"]
        for line in tail:
            print(f"  | {line[:160]}")
    passed = sum(1 for r in reslist if r["result"] == "pass")
    baseline = sum(1 for r in reslist if r["result"] == "baseline")
    failed = len(reslist) - passed - baseline
    print(f"{passed} passed, {failed} failed" +
          (f", {baseline} baseline (not gated)" if baseline else ""),
          flush=True)
    return 1 if failed else 0


def parse_args():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--matrix", action="store_true",
                    help="every scenario of scenarios.SCENARIOS (make "
                    "matrix), not make check's CHECK_SCENARIOS")
    ap.add_argument("--kernel", choices=["stock", "ours", "stock7", "ours7"],
                    help="boot this kernel for every scenario (plumbing "
                    "tests; recorded as kernel_override in the results)")
    ap.add_argument("--bench", action="store_true",
                    help="make bench: the capture kernels side by side "
                    "(tools/lab/bench.py), --repeat runs of each")
    ap.add_argument("--bench-workloads", metavar="W",
                    help="bench workloads (default: dev1 dev8 dev32 dev64 "
                    "map256-4k map1024-4k map256-2m map1024-2m)")
    ap.add_argument("--bench-kernels", metavar="K",
                    help="bench kernels (default: stock reset inplace copy)")
    ap.add_argument("--bench-report", action="store_true",
                    help="the bench report again from the saved runs")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--jobs", type=int,
                    default=int(os.environ.get("LAB_JOBS", "2")),
                    help="scenarios run at once by a plain run (default "
                    "$LAB_JOBS or 2: each QEMU keeps about one core busy)")
    ap.add_argument("--demo", action="store_true",
                    help="make demo: the hand-over window on stock, then "
                    "on ours, side by side, and a timeline "
                    "(results in $BUILD/results/demo)")
    ap.add_argument("--soak", type=int, metavar="N",
                    help="N consecutive panics under DMA load, rotating "
                    "through scenarios.SOAK_BASES, the panic moved by a "
                    "different delay each time (results in $BUILD/soak)")
    ap.add_argument("--fuzz", type=int, metavar="N",
                    help="N panics, each after seeded random damage of the "
                    "NIC's live tables (results in $BUILD/fuzz)")
    ap.add_argument("--seed", type=lambda v: int(v, 0), default=0x1000,
                    help="the first --fuzz seed (default 0x1000)")
    ap.add_argument("--timeout", type=int,
                    help="override every scenario's hard timeout (s)")
    ap.add_argument("--results", default=os.path.join(BUILD, "results"))
    ap.add_argument("--kernels", action="store_true",
                    help="print the kernels the chosen scenarios boot, exit")
    ap.add_argument("--show", action="store_true",
                    help="print each scenario's adoption report")
    return ap.parse_args()


def list_scenarios():
    check = {s["name"] for s in scenarios.check_list()}
    matrix = {s["name"] for s in scenarios.scenario_list(False)}
    for s in scenarios.scenario_list():
        tier = ("check" if s["name"] in check else
                "matrix" if s["name"] in matrix else "extra")
        print(f"{s['name']:56} {s['kernel']:6} {s['role']:6} {tier:6} "
              f"iommu={s['iommu']} capture={s['capture']!r}")


def main():
    args = parse_args()
    every = scenarios.scenario_list()
    bad = scenarios.check_names(every) + scenarios.check_checks(
        every, lab_checks.CHECKS)
    if bad:
        sys.exit("lab: scenario names must carry their configuration "
                 "words, and checks must exist: " + "; ".join(bad))
    if args.list:
        list_scenarios()
        return 0
    if args.bench_report:
        bench_rejudge(os.path.join(BUILD, "bench"), args.repeat)
        return 0
    chosen = choose(args)
    if args.kernels:
        need = {args.kernel or s["kernel"] for s in chosen} | {
            s["capture_kernel"] for s in chosen if s["capture_kernel"]}
        # off before ours: a cold ours starts from the built off tree
        # (build-kernel.sh).
        print(" ".join(k for k in ("stock", "off", "ours", "stock7", "off7",
                                   "ours7") if k in need))
        return 0
    os.makedirs(args.results, exist_ok=True)
    accel, why = accelerator(chosen, args.kernel)
    log(f"running {len(chosen)} scenario(s) with accel={accel} ({why})")
    reslist = run_all(args, chosen, accel, why)
    if args.bench:
        bench_report(chosen, reslist, args.results, accel, args.repeat)
    if args.demo:
        for sc, r in zip(chosen, reslist):
            r["kib_booted"] = bench.figures(
                os.path.join(args.results, sc["name"]), r)["kib_booted"]
        demo.report(args.results, *reslist)
    if args.soak:
        soak_report(chosen, reslist)
    if args.fuzz:
        fuzz_report(chosen, reslist, args.results)
    return closing(args.results, reslist)


if __name__ == "__main__":
    sys.exit(main())
