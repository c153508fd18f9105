#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The lab's own tests (unittest, stdlib only):

    tools/lab/lab_test.py            (make labtest; first step of make check)
    tools/lab/lab_test.py -k faults  one part

test_data/<sample>/ are trimmed copies of real runs (test_data/refresh.py
says which, and how they were cut).  A run sample is replayed as the lab
analyses a finished boot: its gt/ and cap/ packed as the guest packs
them onto its disks, the console replayed through the serial follower,
the dump's verification read from the sample's vmcore-dmesg.txt.  Each
check of lab_checks.CHECKS is run on a passing sample and on a failing
one, made by one named change to a real sample.

The last line says how many tests ran and how many failed, for CI:
"labtest: N tests, all passed" or "labtest: N tests, F failed".
"""

import copy
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import unittest
from unittest import mock

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import debugfs  # noqa: E402
import demo  # noqa: E402
import lab_artefacts  # noqa: E402
import lab_checks  # noqa: E402
import lab_env  # noqa: E402
import lab_machine  # noqa: E402
import lab_parser  # noqa: E402
import lab_results  # noqa: E402
import scenarios  # noqa: E402
import vtdwalk  # noqa: E402

DATA = os.path.join(HERE, "test_data")


def data(*parts):
    return os.path.join(DATA, *parts)


def run_samples():
    """The samples that are whole runs (bench/ holds bench files only)."""
    return [d for d in sorted(os.listdir(DATA))
            if os.path.exists(data(d, "scenario.json"))]


def lines_of(path):
    with open(path, errors="replace") as f:
        return f.read().splitlines()


# ---------------------------------------------------------------- samples

def pack(src, image):
    """A directory as the guest writes it to a lab disk: a tar of '.'."""
    with tarfile.open(image, "w") as tar:
        if os.path.isdir(src):
            tar.add(src, arcname=".")


def edit(path, fn):
    """Rewrite a text file of a sample copy: fn(lines) -> lines."""
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in fn(lines)))


def fake_verify_dump(rundir):
    """verify_dump() without the 18 MB dump: the sample keeps the
    crashed kernel's log makedumpfile --dump-dmesg took from it."""
    dmesg = os.path.join(rundir, "vmcore-dmesg.txt")
    if not os.path.exists(dmesg):
        return False, "dump disk holds no makedumpfile stream"
    return lab_artefacts.dump_log_ok(dmesg)


def fake_crash_dump(rundir, vmlinux):
    """crash_dump() without the dump and vmlinux: the sample keeps what
    crash printed for it (crash.log, the log cut)."""
    path = os.path.join(rundir, "crash.log")
    if not os.path.exists(path):
        # A sample recorded before the lab ran crash: nothing to judge.
        return True, "", {}
    with open(path, errors="replace") as f:
        return lab_artefacts.crash_log_ok(f.read())


def analyse_sample(sample, change=None):
    """The result lab_checks.analyse() gives a copy of @sample after
    @change(rundir) edited it (before its disks are packed)."""
    with tempfile.TemporaryDirectory() as tmp:
        rundir = os.path.join(tmp, "run")
        shutil.copytree(data(sample), rundir)
        if change:
            change(rundir)
        for disk, sub in (("labgt.img", "gt"), ("labcap.img", "cap")):
            pack(os.path.join(rundir, sub), os.path.join(rundir, disk))
            shutil.rmtree(os.path.join(rundir, sub), ignore_errors=True)
        with open(os.path.join(rundir, "scenario.json")) as f:
            sc = json.load(f)
        run = lab_machine.replay(rundir, sc)
        with mock.patch.object(lab_artefacts, "verify_dump",
                               fake_verify_dump), \
                mock.patch.object(lab_artefacts, "crash_dump",
                                  fake_crash_dump):
            return lab_checks.analyse(sc, rundir, run)


# Changes that make a real sample fail one check.
def drop_serial(pattern):
    return lambda d: edit(f"{d}/serial.log", lambda ls: [
        l for l in ls if not re.search(pattern, l)])


def drop_trace(event):
    return lambda d: edit(f"{d}/qemu.trace", lambda ls: [
        l for l in ls if f":{event} " not in l])


def capture_line(text):
    """A console line in the capture kernel's log, before its end."""
    def change(d):
        def fn(ls):
            i = next(i for i, l in enumerate(ls) if "LAB: capture-done" in l)
            ts = ls[i].split(" ", 1)[0]
            return ls[:i] + [f"{ts} {text}"] + ls[i:]
        edit(f"{d}/serial.log", fn)
    return change


def after_panic_trace(line):
    """A QEMU trace event just after the sample's last trace line."""
    def change(d):
        def fn(ls):
            pid, rest = ls[-1].split("@", 1)
            ts = rest.split(":", 1)[0]
            return ls + [f"{pid}@{ts}:{line}"]
        edit(f"{d}/qemu.trace", fn)
    return change


def sub_file(path, old, new, count=1):
    return lambda d: edit(f"{d}/{path}", lambda ls: [
        l for l in "\n".join(ls).replace(old, new, count).split("\n")])


def sub_re(path, pattern, new):
    """The first match of @pattern in a sample file replaced by @new."""
    def change(d):
        with open(f"{d}/{path}") as f:
            text = f.read()
        with open(f"{d}/{path}", "w") as f:
            f.write(re.sub(pattern, new, text, count=1, flags=re.M))
    return change


def drop_lines(path, pattern):
    return lambda d: edit(f"{d}/{path}", lambda ls: [
        l for l in ls if not re.search(pattern, l)])


def both(*changes):
    def change(d):
        for c in changes:
            c(d)
    return change


# (check, sample, change or None, a failure text it must give).  None:
# the real sample passes the check.
CASES = [
    ("dump", "ours-legacy", None, None),
    ("dump", "ours-legacy", drop_serial("LAB: dump-saved"),
     "dump not saved"),
    ("dump", "stock-legacy", drop_lines("vmcore-dmesg.txt", "sysrq|panic"),
     "crash line not in the dump's kernel log"),
    # crash(8) on the dump: what it prints when the vmlinux has no debug
    # info (the lab before DEBUG_INFO), a bt without frames, a log
    # without the crash, an empty output (bookworm's crash on 6.12).
    ("dump", "stock-legacy", both(
        drop_lines("crash.log", "."),
        lambda d: edit(f"{d}/crash.log", lambda ls: [
            "crash: /build/stock/linux/vmlinux: no debugging data "
            "available"])),
     "crash: crash: /build/stock/linux/vmlinux: no debugging data"),
    ("dump", "bpftrace", drop_lines("crash.log", r"^ *#\d+ \["),
     "crash: bt printed no task with frames"),
    ("dump", "bpftrace", drop_lines("crash.log", "sysrq|Kernel panic"),
     "crash: log lacks the crash line"),
    ("dump", "stock-legacy", drop_lines("crash.log", "."),
     "crash: sys printed no KERNEL/RELEASE"),
    ("clean_logs", "ours-legacy", None, None),
    ("clean_logs", "ours-legacy",
     capture_line("[    2.000000] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2"),
     "log: capture: [    2.000000] WARNING: CPU"),
    ("dma_after_panic", "ours-legacy", None, None),
    ("dma_after_panic", "ours-legacy",
     drop_trace("e1000e_rx_written_to_guest"), "no DMA after the panic"),
    ("faults", "ours-legacy", None, None),
    ("faults", "ours-legacy",
     capture_line("[    1.900000] DMAR: [DMA Read NO_PASID] Request device "
                  "[00:02.0] fault addr 0xffffc000 [fault reason 0x06] PTE "
                  "Read access is not set"), "DMAR faults: guest 1, qemu 0"),
    ("faults", "ours-legacy",
     after_panic_trace("vtd_ce_not_present bus 0 devfn 16"),
     "1 non-present context entries met"),
    ("faults", "corrupt", None, None),
    ("faults", "corrupt",
     both(drop_trace("vtd_dmar_fault"), drop_serial(r"DMAR: \[DMA")),
     "expected DMAR faults, saw none"),
    ("faults", "corrupt", drop_serial(r"DMAR: \[DMA"),
     "40 faults raised, none reported by the capture kernel"),
    ("mainline_copy", "off-legacy", None, None),
    ("mainline_copy", "off-legacy", drop_serial("Copied translation tables"),
     "the capture kernel did not take mainline's copy"),
    ("kunit", "kunit", None, None),
    ("kunit", "kunit", sub_re("serial.log", r"(# Totals: pass:\d+) fail:0",
                              r"\1 fail:1"), "KUnit pass:21 fail:1"),
    ("selftests", "ours-legacy", None, None),
    ("selftests", "ours-legacy",
     sub_re("cap/selftests.ktap", r"^ok 3 (\S+)", r"not ok 3 \1"),
     "selftests failed: kdump.summary_counts"),
    ("selftests", "ours-legacy",
     sub_re("gt/selftests-first.ktap", r"^(ok 2 \S+) # SKIP.*$", r"\1"),
     "selftests in the first kernel did not all skip"),
    # An oops of the first kernel before its tables were damaged is one.
    ("clean_logs", "fuzz", sub_file(
        "serial.log", "LAB: selftests in the first kernel",
        "BUG: unable to handle page fault for address: ffa6"),
     "log: first:"),
    ("capture_ram", "fuzz", None, None),
    ("capture_ram", "fuzz",
     sub_re("cap/selftests.ktap", r"^ok 3 (\S+)",
            r"not ok 3 kdump.adopted_outside_capture_ram"),
     "an adopted leaf maps the capture kernel's RAM"),
    ("selftests", "selftest-break", None, None),
    ("selftests", "selftest-break",
     sub_re("cap/selftests.ktap", r"^not ok (\d+) kdump.domain_ids",
            r"ok \1 kdump.domain_ids"),
     "selftest_break=all: still passing: kdump.domain_ids"),
    ("refused", "corrupt", None, None),
    ("refused", "corrupt", drop_lines("cap/dmesg", "refused 00:02.0"),
     "0 log lines for 00:02.0 table-outside-old-ram, expected 1"),
    ("refused", "corrupt",
     sub_file("scenario.json", '"expect_refused"',
              '"expect_partial": ["00:03.0"], "expect_refused"'),
     "00:03.0 not adopted partial"),
    ("refused", "corrupt",
     sub_re("cap/kdump/contexts", r"^(dmar0\t00:03.0\t.*\t)-(\t\S+)$",
            r"\1partial\2"),
     "partial unexpectedly: 00:03.0"),
    ("refused", "corrupt-root", None, None),
    ("refused", "corrupt-root",
     sub_file("cap/kdump/contexts", "reserved-bits", "table-loop"),
     "bus 00:*.* not refused for reserved-bits"),
    ("ground_truth", "ours-legacy", None, None),
    ("ground_truth", "ours-legacy",
     sub_re("cap/kdump/iova_ranges", r"^(dmar0\t00:02.0\t.*\t)rw$",
            r"\1r-"),
     "00:02.0 ranges differ"),
    ("ground_truth", "ours-scalable-flts", None, None),
    ("ground_truth", "ours-scalable-flts", drop_lines(
        "cap/kdump/contexts", "00:03.0"), "contexts missing: 00:03.0"),
    ("capture_nic", "ptcapture", None, None),
    ("capture_nic", "ptcapture",
     sub_file("cap/nic/contexts", "handed-over", "adopted"),
     "capture-nic: 00:02.0 adopted, not handed-over"),
    ("handover", "handover-ours", None, None),
    ("handover", "handover-ours",
     drop_lines("cap/handover/before", r"^0x0000ffffffe"),
     "old pages not mapped in the new domain"),
    ("handover", "handover-stock", None, None),
    ("handover", "handover-stock",
     both(drop_trace("vtd_dmar_fault"), drop_serial(r"DMAR: \[DMA")),
     "hand-over: the window showed no problem on stock"),
    ("bpftrace", "bpftrace", None, None),
    ("bpftrace", "bpftrace",
     sub_file("cap/bpftrace/kdump_handover.out", "handovers=1",
              "handovers=2"), "hand-over of 00:02.0 seen 2 times"),
    ("finished", "ours-legacy", None, None),
    ("finished", "ours-legacy", drop_serial("LAB: capture-done"),
     "capture did not finish (qemu exited in capture-end)"),
]


# The first kernel of a fuzz run dies of the damage itself: an oops in
# its own IOMMU code goes straight to crash_kexec(), with no sysrq line.
FIRST_KERNEL_OOPS = both(*(
    sub_file(f, old, new) for f in ("serial.log", "vmcore-dmesg.txt")
    for old, new in (
        ("sysrq: Trigger a crash",
         "BUG: unable to handle page fault for address: ffa6"),
        ("Kernel panic - not syncing: sysrq triggered crash",
         "Oops: Oops: 0000 [#1] SMP"))))


class DamageCrashTest(unittest.TestCase):
    def test_oops_after_the_damage_is_the_crash(self):
        res = analyse_sample("fuzz", FIRST_KERNEL_OOPS)
        self.assertEqual(res["result"], "pass", res["reason"])
        self.assertTrue(res["dump_verified"])

    def test_oops_while_damaging_is_the_crash(self):
        """Seed 0x1077: the oops came between the damage and the mark."""
        res = analyse_sample("fuzz", both(FIRST_KERNEL_OOPS, sub_file(
            "serial.log", "LAB: corrupted fuzz=0x1000 00:02.0",
            "LAB: net-up")))
        self.assertEqual(res["result"], "pass", res["reason"])


class ChecksTest(unittest.TestCase):
    """Each check's verdict on a passing and on a failing real sample."""

    def test_every_check_has_a_passing_and_a_failing_case(self):
        names = set(lab_checks.CHECKS) | set(lab_checks.ALWAYS)
        passing = {c for c, _, change, _ in CASES if change is None}
        failing = {c for c, _, change, _ in CASES if change is not None}
        self.assertEqual(names - passing, set(), "checks never passed")
        self.assertEqual(names - failing, set(), "checks never failed")

    def test_cases(self):
        for check, sample, change, want in CASES:
            with self.subTest(check=check, sample=sample, want=want):
                res = analyse_sample(sample, change)
                if change is None:
                    self.assertEqual(res["result"], "pass", res["reason"])
                else:
                    self.assertEqual(res["result"], "fail")
                    self.assertIn(want, res["reason"])

    def test_samples_give_their_recorded_result(self):
        """The figures a real run recorded are the ones the replay finds
        (those of the trimmed files aside)."""
        trimmed = {"e1000e_rx_after_panic", "dma_after_panic",
                   "qemu_dmar_faults", "qemu_dmar_faults_total", "wall_s",
                   "udp_sent", "start_to_net_up_ms", "phase_reached",
                   "vmcore_bytes", "walk_contexts", "walk_ranges",
                   "walk_matches_snapshot", "walk_detail", "elapsed_s",
                   "retried", "hda_dma_after_panic", "dump_verified",
                   "walk_tables_missing", "walk_error", "handover_detail"}
        for sample in run_samples():
            with self.subTest(sample=sample):
                with open(data(sample, "result.json")) as f:
                    rec = json.load(f)
                res = analyse_sample(sample)
                self.assertEqual(res["result"], rec["result"], res["reason"])
                for k in set(rec) - trimmed:
                    self.assertEqual(res.get(k), rec[k], k)

    def test_unknown_check_refused(self):
        sc = dict(scenarios.DEFAULTS, name="x", checks=["dump", "nosuch"])
        with self.assertRaises(ValueError):
            lab_checks.analyse(sc, "/nonexistent", {})

    def test_broken_tests(self):
        self.assertEqual(lab_checks.broken_tests("dids,ranges"),
                         ["kdump.domain_ids", "kdump.iova_ranges"])
        self.assertEqual(len(lab_checks.broken_tests("all")), 13)


class ParserTest(unittest.TestCase):
    def serial(self, sample):
        return [l.split(" ", 1)[1] for l in
                lines_of(data(sample, "serial.log"))]

    def test_split_console(self):
        lines = self.serial("ours-legacy")
        first, cap = lab_parser.split_console(lines)
        self.assertEqual(first + cap, lines)
        self.assertTrue(any("LAB: panic-now" in l for l in first))
        self.assertIn("] Linux version", cap[0])
        self.assertTrue(any("LAB: capture-done" in l for l in cap))
        self.assertEqual(lab_parser.split_console(lines[:5]),
                         (lines[:5], []))

    def test_count_faults(self):
        lines = self.serial("corrupt")
        copies = [l for l in lines if l.startswith("# fault: DMAR")]
        self.assertTrue(copies, "the sample holds the selftest's copies")
        _, cap = lab_parser.split_console(lines)
        self.assertEqual(lab_parser.count_faults(cap), 4)
        self.assertEqual(lab_parser.count_faults(copies), 0)

    def test_log_problems(self):
        lines = self.serial("ours-legacy")
        first, cap = lab_parser.split_console(lines)
        self.assertEqual(lab_parser.log_problems(first, cap), [])
        bad = cap + ["[    3.1] BUG: kernel NULL pointer dereference",
                     "[    3.2] Kernel panic - not syncing: Fatal exception"]
        self.assertEqual(lab_parser.log_problems(first, bad), [
            "capture: [    3.1] BUG: kernel NULL pointer dereference",
            "capture: [    3.2] Kernel panic - not syncing: Fatal exception"])
        stall = "[   25.2] rcu: INFO: rcu_sched self-detected stall on CPU"
        self.assertEqual(lab_parser.log_problems(first + [stall], []),
                         ["first: " + stall])

    def test_read_trace(self):
        path = data("ours-legacy", "qemu.trace")
        ev = lab_parser.read_trace(path)
        first = lines_of(path)[0]     # <pid>@<time>:<event> <args>
        self.assertEqual(ev[0][1:], tuple(first.split(":", 1)[1]
                                          .split(" ", 1)))
        self.assertEqual(len(ev), len(lines_of(path)))
        self.assertIsInstance(ev[0][0], float)
        self.assertTrue(any(e[1] == "e1000e_rx_written_to_guest"
                            for e in ev))
        self.assertEqual(lab_parser.read_trace("/nonexistent"), [])

    def test_trace_bdf(self):
        ev = lab_parser.read_trace(data("stock-legacy", "qemu.trace"))
        np = next(e for e in ev if e[1] == "vtd_ce_not_present")
        self.assertEqual(np[2], "Context entry bus 0 devfn 24 not present")
        self.assertEqual(lab_parser.trace_bdf(np[2]), "00:03.0")
        self.assertEqual(lab_parser.trace_bdf("bus 0 devfn 248"), "00:1f.0")
        self.assertEqual(lab_parser.trace_bdf("bus 1 devfn 9"), "01:01.1")
        self.assertEqual(lab_parser.trace_bdf("enable 1"), "")

    def test_ktap(self):
        cap = lab_parser.ktap_counts(data("ours-legacy", "cap",
                                          "selftests.ktap"))
        self.assertEqual((cap["passed"], cap["failed"], cap["skipped"]),
                         (13, 0, 0))
        first = lab_parser.ktap_counts(data("ours-legacy", "gt",
                                            "selftests-first.ktap"))
        self.assertEqual((first["passed"], first["skipped"]), (0, 13))
        broken = lab_parser.ktap_counts(data("selftest-break", "cap",
                                             "selftests.ktap"))
        self.assertEqual(broken["failed"], 13)
        self.assertIn("kdump.old_table", broken["failures"])
        self.assertIsNone(lab_parser.ktap_parse(["# no result here"]))
        self.assertIsNone(lab_parser.ktap_counts("/nonexistent"))

    def test_selftest_ktap_from_console(self):
        ktap = lines_of(data("ours-legacy", "cap", "selftests.ktap"))
        log = ["LAB-BEGIN selftests"] + ktap + ["LAB-END selftests", "ok 99 x"]
        st = lab_parser.selftest_ktap("/nonexistent", log)
        self.assertEqual((st["passed"], st["source"]), (13, "console"))

    def test_kunit_totals(self):
        tot = lab_parser.kunit_totals(self.serial("kunit"))
        self.assertGreater(tot["pass"], 0)
        self.assertEqual(tot["fail"], 0)
        self.assertIsNone(lab_parser.kunit_totals(["no totals"]))

    def test_printk_time(self):
        self.assertEqual(lab_parser.printk_time(
            ["x", "[   12.500000] DMAR: Copied translation tables"],
            "Copied"), 12.5)
        self.assertIsNone(lab_parser.printk_time(["x"], "Copied"))


class DebugfsTest(unittest.TestCase):
    def test_read_table_by_name(self):
        rows = debugfs.read_table(data("ours-legacy", "cap", "kdump",
                                       "summary"), need=("time_us",))
        self.assertEqual(rows[0]["iommu"], "dmar0")
        self.assertEqual(rows[0]["state"], "adopted")
        self.assertTrue(rows[0]["time_us"].isdigit())
        ctx = debugfs.read_table(data("ours-legacy", "cap", "kdump",
                                      "contexts"))
        self.assertEqual({r["handover"] for r in ctx} - {
            "adopted", "handed-over", "blocked", "released", "-"}, set())

    def test_read_table_missing_column_fails(self):
        with self.assertRaisesRegex(ValueError, "no column handover"):
            debugfs.read_table(data("ours-legacy", "cap", "kdump",
                                    "summary"), need=("handover",))

    def test_read_table_missing_file(self):
        self.assertEqual(debugfs.read_table("/nonexistent"), [])

    def test_read_domain(self):
        path = data("ours-legacy", "gt", "0000:00:02.0",
                    "domain_translation_struct")
        leaves = debugfs.read_domain(path)
        first = lines_of(path)[2]
        self.assertEqual(leaves[0], (int(first.split()[0], 16) * 4096, 4096,
                                     int(first.split()[-1], 16)))
        self.assertEqual(len(leaves), len(lines_of(path)) - 2)
        self.assertIsNone(debugfs.read_domain("/nonexistent"))

    def test_leaf_size_rule(self):
        """dump_page_info() stops at the leaf: 4 entries a 2 MiB page, 3
        a 1 GiB one (lines derived from the sample's first leaf)."""
        line = lines_of(data("ours-legacy", "gt", "0000:00:02.0",
                             "domain_translation_struct"))[2]
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("\t".join(line.split("\t")[:-1]) + "\n")
            f.write("\t".join(line.split("\t")[:-2]) + "\n")
            f.flush()
            sizes = [s for _, s, _ in debugfs.read_domain(f.name)]
        self.assertEqual(sizes, [2 << 20, 1 << 30])

    def test_translation_struct(self):
        legacy = debugfs.read_translation_struct(
            data("ours-legacy", "gt", "dmar_translation_struct"))
        self.assertEqual(legacy[("dmar0", "00:02.0")]["mode"], "legacy")
        self.assertEqual(legacy[("dmar0", "00:02.0")]["did"], 3)
        sm = debugfs.read_translation_struct(
            data("ours-scalable-flts", "gt", "dmar_translation_struct"))
        info = next(iter(sm.values()))
        self.assertEqual((info["mode"], info["pasid"]), ("scalable", 0))

    def test_norm_bdf(self):
        self.assertEqual(debugfs.norm_bdf("0000:00:1F.3"), "00:1f.3")
        self.assertEqual(debugfs.norm_bdf(" 00:*.* "), "00:*.*")


class FakeMem:
    """vtdwalk's memory interface over a dict {paddr: [qwords]}."""

    def __init__(self, qwords):
        self.q = qwords

    def qwords(self, paddr, count):
        base = paddr & ~4095
        page = self.q.get(base)
        if page is None:
            return None
        o = (paddr - base) // 8
        return tuple(page[o:o + count])


class VtdwalkTest(unittest.TestCase):
    def mem(self, pasid):
        """A context entry whose RID_PASID is @pasid, its PASID directory
        at 0x1000 and table at 0x2000; the entry there says DID 7."""
        pdir, table = [0] * 512, [0] * 512
        pdir[pasid >> 6] = 0x2000 | 1
        o = 8 * (pasid & 63)
        table[o:o + 3] = [(2 << 6) | (2 << 2) | 1, 7, 0]
        return FakeMem({0x1000: pdir, 0x2000: table}), (0x1000 | 1, pasid)

    def test_rid_pasid_zero(self):
        mem, ce = self.mem(0)
        self.assertEqual(vtdwalk.scalable_context(mem, ce)[:3],
                         (7, "sl", 2))

    def test_rid_pasid_from_the_context_entry(self):
        mem, ce = self.mem(65)
        self.assertEqual(vtdwalk.rid_pasid_entry(mem, ce)[1], 7)
        self.assertIsNone(vtdwalk.rid_pasid_entry(mem, (ce[0], 0)))


class ScenarioTest(unittest.TestCase):
    def test_names_carry_their_configuration(self):
        self.assertEqual(scenarios.check_names(scenarios.scenario_list()), [])

    def test_misnamed_scenario_caught(self):
        sc = copy.deepcopy(next(s for s in scenarios.scenario_list()
                                if s["name"] == "ours-scalable-aw48-"
                                "inplace-e1000e"))
        sc["name"] = "ours-legacy-aw48-inplace-e1000e-x"
        self.assertEqual(scenarios.check_names([sc]), [
            "ours-legacy-aw48-inplace-e1000e-x: lacks scalable"])
        sc["name"] = "mine-scalable-aw48-inplace-e1000e"
        self.assertEqual(scenarios.check_names([sc]), [
            "mine-scalable-aw48-inplace-e1000e: lacks kernel"])

    def test_duplicate_names_caught(self):
        sc = scenarios.scenario_list()[0]
        self.assertEqual(scenarios.check_names([sc, sc]),
                         [f"{sc['name']}: twice"])

    def test_named_adds_configuration_words(self):
        sc = scenarios.named("ours-x", {"kernel": "ours",
                                        "iommu": "aw-bits=39,eim=on",
                                        "capture": "intel_iommu_kdump=copy"})
        self.assertEqual(sc["name"], "ours-x-legacy-x2apic-aw39-copy-e1000e")

    def test_series7_scenarios(self):
        """Every 7.3 scenario is its 6.12 base on the kernel of the same
        base kind with 7 appended; capture kernels too."""
        by_name = {s["name"]: s for s in scenarios.scenario_list()}
        for base in scenarios.SERIES7_BASES:
            word, _, rest = base.partition("-")
            sc = by_name[f"{word}7-{rest}" if rest else f"{word}7"]
            self.assertEqual(sc["kernel"], by_name[base]["kernel"] + "7")
            self.assertEqual(lab_env.kernel_base(sc["kernel"]),
                             by_name[base]["kernel"])
            if by_name[base]["capture_kernel"]:
                self.assertTrue(sc["capture_kernel"].endswith("7"))
            self.assertEqual(sc["checks"], by_name[base]["checks"])
        self.assertEqual(lab_env.kernel_base("stock"), "stock")

    def test_check_covers_every_mode(self):
        """make check's list names scenarios of the matrix, once each,
        and keeps every mode, every kernel and the main jobs."""
        matrix = {s["name"]: s for s in scenarios.scenario_list(False)}
        check = scenarios.CHECK_SCENARIOS
        self.assertEqual([n for n in check if n not in matrix], [])
        self.assertEqual(len(set(check)), len(check))
        words = [set(n.split("-")) for n in check]

        def has(kernel, *want):
            return any(kernel in w and set(want) <= w for w in words)
        for k in ("ours", "ours7"):
            for mode in ("inplace", "copy"):
                self.assertTrue(has(k, "scalable", "flts", mode), (k, mode))
                self.assertTrue(has("ours", "legacy", mode), mode)
            self.assertTrue(has(k, "scalable", "inplace"), k)
            self.assertTrue(has(k, "handover", "scalable"), k)
            self.assertTrue(has(k, "corrupt"), k)
        self.assertTrue(has("ours7", "legacy", "inplace"))
        for mode in ("legacy", "scalable"):
            self.assertTrue(has("ours", mode, "pt"), mode)
            self.assertTrue(has("ours", "handover", mode), mode)
            self.assertTrue(has("ours", "corrupt", mode), mode)
        self.assertTrue(has("ours", "scalable", "copy"))
        for k in ("stock", "off"):
            for mode in (("legacy",), ("scalable",), ("scalable", "flts")):
                self.assertTrue(has(k, *mode), (k, mode))
        for k in ("stock7", "off7"):
            self.assertTrue(has(k, "legacy"), k)
        self.assertTrue(has("stock", "handover"))
        self.assertTrue(has("stock7", "handover"))
        self.assertTrue({"kunit", "kunit7"} <= set(check))

    def test_crash_options_by_release(self):
        with tempfile.TemporaryDirectory() as d:
            vmlinux = os.path.join(d, "vmlinux")
            self.assertEqual(lab_artefacts.crash_options(vmlinux), [])
            os.makedirs(os.path.join(d, "include", "config"))
            rel = os.path.join(d, "include", "config", "kernel.release")
            for release, want in (("6.12.117\n", []),
                                  ("7.3.4\n", lab_artefacts.CRASH_OPTIONS_7)):
                with open(rel, "w") as f:
                    f.write(release)
                self.assertEqual(lab_artefacts.crash_options(vmlinux), want)

    def test_checks_exist(self):
        self.assertEqual(scenarios.check_checks(scenarios.scenario_list(),
                                                lab_checks.CHECKS), [])
        sc = dict(scenarios.DEFAULTS, name="x", checks=["dump", "nosuch"])
        self.assertEqual(scenarios.check_checks([sc], lab_checks.CHECKS),
                         ["x: no check nosuch"])

    def test_defaults_fill_every_scenario(self):
        for sc in scenarios.scenario_list():
            self.assertEqual(set(scenarios.DEFAULTS) - set(sc), set())

    def test_soak_list(self):
        soak = scenarios.soak_list(5, scenarios.scenario_list())
        self.assertEqual(soak[4]["soak_base"], scenarios.SOAK_BASES[0])
        self.assertEqual(len({s["panic_delay_ms"] for s in soak}), 5)


class ResultsTest(unittest.TestCase):
    def test_every_key_documented(self):
        for key, (unit, meaning) in {**lab_results.RESULT_KEYS,
                                     **lab_results.SUMMARY_KEYS}.items():
            self.assertTrue(unit and meaning, key)

    def test_sample_results_documented(self):
        for sample in run_samples():
            with self.subTest(sample=sample):
                res = analyse_sample(sample)
                self.assertEqual(lab_results.undocumented(res), [])
                with open(data(sample, "result.json")) as f:
                    self.assertEqual(lab_results.undocumented(json.load(f)),
                                     [])

    def test_summary_schema(self):
        res = analyse_sample("ours-legacy")
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(lab_results, "versions",
                                  lambda: ("6.12.x", "10.0.2")):
            lab_results.write_reports(tmp, "tcg", "test", [res])
            with open(os.path.join(tmp, "summary.json")) as f:
                summary = json.load(f)
            ktap = lines_of(os.path.join(tmp, "lab.ktap"))
        self.assertEqual(set(summary), set(lab_results.SUMMARY_KEYS))
        self.assertEqual(lab_results.undocumented(summary), [])
        summary["scenarios"][0]["new_figure_ms"] = 1
        self.assertEqual(lab_results.undocumented(summary),
                         ["new_figure_ms"])
        summary["extra"] = 1
        self.assertIn("extra", lab_results.undocumented(summary))
        self.assertEqual(ktap, ["TAP version 13", "1..1",
                                "ok 1 ours-legacy-aw48-inplace-e1000e"])

    def test_base_result_documented(self):
        sc = scenarios.scenario_list()[0]
        self.assertEqual(lab_results.undocumented(
            lab_results.base_result(sc)), [])

    def test_ktap_lines(self):
        self.assertEqual(lab_results.ktap_line(
            2, {"name": "a", "result": "fail", "reason": "x\ny"}),
            "not ok 2 a # x y")
        self.assertEqual(lab_results.ktap_line(
            3, {"name": "b", "result": "baseline", "reason": "",
                "baseline_outcome": "fail"}),
            "ok 3 b # SKIP baseline, fail: no failure")


class LayoutTest(unittest.TestCase):
    MAX_LINES = 60

    def test_no_long_function(self):
        """No function of the lab's Python over MAX_LINES lines: a newcomer
        reads one job at a time."""
        import ast
        import glob
        long = []
        for path in sorted(glob.glob(os.path.join(HERE, "*.py")) +
                           glob.glob(os.path.join(DATA, "*.py"))):
            with open(path) as f:
                tree = ast.parse(f.read(), path)
            long += [f"{os.path.basename(path)}:{n.name} "
                     f"{n.end_lineno - n.lineno + 1} lines"
                     for n in ast.walk(tree)
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.end_lineno - n.lineno + 1 > self.MAX_LINES]
        self.assertEqual(long, [])


class MachineTest(unittest.TestCase):
    def test_qemu_command(self):
        sc = next(s for s in scenarios.scenario_list()
                  if s["name"] == "ours-selftest-break-legacy-aw48-"
                  "inplace-e1000e")
        cmd = lab_machine.qemu_command(sc, "tcg", "bz", "rd", "/r", 1234)
        append = cmd[cmd.index("-append") + 1]
        self.assertIn("lab.selftest_break=all", append)
        self.assertIn("hostfwd=udp:127.0.0.1:1234-10.0.2.15:5555",
                      " ".join(cmd))
        self.assertIn("intel-iommu,intremap=on,aw-bits=48", cmd)
        self.assertEqual(cmd.count("virtio-blk-pci,drive=labdump,"
                                   "serial=labdump,addr=0x5,"
                                   "disable-legacy=on,iommu_platform=on"), 1)

    def test_qemu_abort(self):
        """QEMU's own assertions, in its device models or its core, are
        the emulator's failure (the run is repeated once); the guest's
        lines never are."""
        class Proc:
            returncode = -6
        lines = [
            "qemu-system-x86_64: system/physmem.c:2678: iotlb_to_section: "
            "Assertion `section_index < d->map.sections_nb' failed.",
            "qemu-system-x86_64: hw/net/e1000e_core.c:1234: e1000e_intmgr_"
            "collect_delayed_causes: Assertion `x' failed."]
        for line in lines:
            self.assertEqual(lab_machine.qemu_abort(Proc, [(0.0, line)]),
                             line)
        guest = "[    1.0] foo.c:12: Assertion `x' failed."
        self.assertIsNone(lab_machine.qemu_abort(Proc, [(0.0, guest)]))
        Proc.returncode = 0
        self.assertIsNone(lab_machine.qemu_abort(Proc, [(0.0, lines[0])]))

    def test_replay_marks(self):
        sc = dict(scenarios.DEFAULTS, name="x")
        run = lab_machine.replay(data("ours-legacy"), sc)
        self.assertEqual(run["phase"], "poweroff")
        self.assertIn("LAB: capture-init", run["marks"])
        self.assertIsNone(run["reason"])


class BenchTest(unittest.TestCase):
    """make bench: its runs, the figures of a saved run, the verdicts."""

    def test_workloads(self):
        self.assertEqual(bench.workload_names(), [
            "dev1", "dev8", "dev32", "dev64", "map256-4k", "map1024-4k",
            "map256-2m", "map1024-2m"])
        self.assertEqual(bench.parse_workload("map1024-2m"),
                         ("map", 1024, 2048))
        self.assertEqual(bench.parse_workload("dev32"), ("dev", 32, None))
        with self.assertRaises(ValueError):
            bench.parse_workload("dev")

    def test_switch_devices(self):
        """63 disks: 4 root ports with a switch each, every downstream port
        a unique (chassis, slot), every disk through the vIOMMU."""
        args = bench.switch_devices(63)
        devs = [args[i + 1] for i, a in enumerate(args) if a == "-device"]
        disks = [d for d in devs if d.startswith("virtio-blk-pci")]
        self.assertEqual(len(disks), 63)
        self.assertTrue(all("iommu_platform=on" in d for d in disks))
        self.assertEqual(sum(d.startswith("pcie-root-port") for d in devs),
                         4)
        slots = [re.search(r"chassis=(\d+),slot=(\d+)", d).groups()
                 for d in devs if d.startswith("xio3130-downstream")]
        self.assertEqual(len(slots), len(set(slots)))
        self.assertEqual(bench.switch_devices(0), [])

    def test_runs(self):
        """Interleaved by kernel; each kernel's command line as named."""
        runs = bench.bench_list(2, ["dev8", "map256-2m"])
        self.assertEqual(len(runs), 2 * 2 * 4)
        self.assertEqual([r["bench_kernel"] for r in runs[:4]],
                         ["stock", "reset", "inplace", "copy"])
        self.assertEqual(len({r["name"] for r in runs}), len(runs))
        by = {r["name"]: r for r in runs}
        st = by["bench-dev8-stock-1"]
        self.assertEqual(st["kernel"], "stock")
        self.assertNotIn("intel_iommu_kdump", st["capture"])
        self.assertIn("initcall_debug", st["capture"])
        self.assertIn("lab.bench=1", st["capture"])
        mp = by["bench-map256-2m-inplace-2"]
        self.assertIn("intel_iommu_kdump=inplace,debug=8", mp["capture"])
        self.assertIn("kdump_dma_map_test.size_mb=256", mp["cmdline"])
        self.assertIn("kdump_dma_map_test.page_kb=2048", mp["cmdline"])
        self.assertIn("pci-testdev,addr=0x8", mp["devices"])
        with self.assertRaises(ValueError):
            bench.bench_list(1, ["dev8"], ["ours"])

    def test_figures(self):
        """A saved run of ours: initcall, memory counted as stock's plus
        the unit's slab, the limit and the leaves."""
        res = {"result": "pass", "dmar_faults": 0, "qemu_dmar_faults": 0,
               "adopt_time_us": 9000, "panic_to_init_ms": 5000,
               "panic_to_dump_saved_ms": 11000, "dump_verified": True}
        fig = bench.figures(data("bench", "ours-inplace"), res)
        self.assertEqual(fig["initcall_us"], 57956)
        self.assertEqual(fig["kib_booted"], 308 * 4 + (122 - 52))
        self.assertEqual(fig["kib_released"], 307 * 4 + (120 - 52))
        self.assertEqual(fig["limit_tables"], 45)
        self.assertEqual(fig["limit_read_us"], 210)
        self.assertEqual(fig["warm_judge_us"], 1500)
        self.assertEqual(fig["leaves_2m"], 128)
        self.assertEqual(fig["adopt_us"], 9000)
        stock = bench.figures(data("bench", "stock"),
                              dict(res, adopt_time_us=None,
                                   copy_time_us=1200))
        self.assertEqual(stock["adopt_us"], 1200)
        self.assertEqual(stock["kib_booted"], 287 * 4)
        self.assertNotIn("limit_tables", stock)

    def test_targets(self):
        """Ratios against stock's medians; a miss says by how much."""
        def run(w, k, **fig):
            return {"workload": w, "kernel": k,
                    "fig": dict({"faults": 0, "passed": True,
                                 "dump_saved": True}, **fig)}
        runs = [run("dev1", "stock", adopt_us=1000, initcall_us=20000,
                    kib_booted=1000, kib_released=1000,
                    panic_to_init_ms=5000),
                run("dev1", "inplace", adopt_us=3000, initcall_us=21000,
                    kib_booted=1100, kib_released=1000,
                    panic_to_init_ms=5050),
                run("dev1", "inplace", adopt_us=3400, initcall_us=21000,
                    kib_booted=1100, kib_released=1000,
                    panic_to_init_ms=5050, faults=2)]
        agg = bench.aggregate(runs)
        self.assertEqual(agg[("dev1", "inplace")]["adopt_us"],
                         (3200, 3000, 3400))
        got = {t[1]: t for t in bench.targets(agg, ["dev1"])}
        self.assertFalse(got["adopt_ratio"][6])
        self.assertAlmostEqual(got["adopt_ratio"][4], 3.2)
        self.assertTrue(got["initcall_ratio"][6])
        self.assertTrue(got["memory_ratio"][6])
        self.assertTrue(got["panic_to_init"][6])
        self.assertTrue(got["released_equal"][6])
        self.assertFalse(got["faults"][6])
        md = bench.markdown(agg, ["dev1"], ["stock", "inplace"], {})
        self.assertIn("| dev1 | adopt_ratio | 3,200 | 1,000 | 3.20 | 1.5 | "
                      "missed by 2.13× |", md)
        self.assertIn("| dev1 | inplace | 2/2 | 2 |", md)


class DemoTest(unittest.TestCase):
    """make demo: the timeline of a real run of each kernel, the screen."""

    def test_events(self):
        labels = [m[0] for m in demo.MARKS]
        for sample, faulted in (("handover-stock", True),
                                ("handover-ours", False)):
            with self.subTest(sample=sample):
                ev = demo.events(data(sample))
                self.assertEqual([m[0] for m in ev["marks"]], labels)
                times = [t for _, t in ev["marks"]]
                self.assertEqual(times, sorted(times))
                self.assertEqual(times[0], 0)
                self.assertEqual(bool(ev["faults"]), faulted)
                self.assertTrue(all(t >= 0 for t in ev["faults"]))

    def test_screen_and_timeline(self):
        with open(data("handover-stock", "result.json")) as f:
            stock = json.load(f)
        with open(data("handover-ours", "result.json")) as f:
            ours = json.load(f)
        screen = demo.side_by_side(stock, ours)
        self.assertIn("stock 6.12", screen)
        self.assertIn("faulted", screen.splitlines()[3])
        self.assertIn("old buffers", screen.splitlines()[3])
        self.assertEqual(len(screen.splitlines()), 11)
        with tempfile.TemporaryDirectory() as tmp:
            path = demo.timeline_svg(
                [("stock", demo.events(data("handover-stock"))),
                 ("ours", demo.events(data("handover-ours")))],
                os.path.join(tmp, "t.svg"))
            with open(path) as f:
                svg = f.read()
        self.assertTrue(svg.startswith("<svg"))
        self.assertIn(">0 faults<", svg)
        self.assertIn("device reset", svg)


def main():
    prog = unittest.main(verbosity=1, exit=False)
    r = prog.result
    bad = len(r.failures) + len(r.errors)
    print(f"labtest: {r.testsRun} tests, " +
          (f"{bad} failed" if bad else "all passed"), flush=True)
    return 1 if bad or not r.wasSuccessful() else 0


if __name__ == "__main__":
    sys.exit(main())
