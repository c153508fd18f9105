#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The lab runner: boot a kernel under QEMU with an emulated VT-d, keep
DMA going, panic, boot the kdump capture kernel, save the dump, verify
it and report figures.

One generic runner; the scenarios are data in scenarios.py.

    tools/lab/lab.py                       run the default scenario list
    tools/lab/lab.py --only a,b            run a subset (also EXTRA_SCENARIOS)
    tools/lab/lab.py --list                list the scenarios
    tools/lab/lab.py --bench NAME --repeat 3
    tools/lab/lab.py --soak 100            100 panics under DMA (make soak)

Results: $BUILD/results/<scenario>/ (serial.log, qemu.trace, result.json,
gt/, cap/, vmcore.kdump), $BUILD/results/summary.json, lab.ktap.
The last line printed is "N passed, N failed"; the exit status is
non-zero when anything failed.
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import queue
import re
import shutil
import socket
import struct
import subprocess
import sys
import tarfile
import threading
import time
import zlib

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import groundtruth  # noqa: E402
import bpfcheck  # noqa: E402
import debugfs  # noqa: E402
import handover  # noqa: E402
import scenarios  # noqa: E402
import vtdwalk  # noqa: E402

REPO = os.environ.get("REPO") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD") or os.path.join(REPO, "build")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

DEFAULTS = {
    "kernel": "ours",
    "role": "first",
    "iommu": "",
    "devices": [],
    "cmdline": "",
    "capture": "",
    "load": "udp",
    "udp_rate": 50,
    "expect_faults": False,
    "selftest_break": "",
    "checks": ["dump", "clean_logs", "dma_after_panic", "faults"],
    "timeout": 240,
    "memory": "1G",
    "gt_volatile": ["00:02.0"],
    "bpftrace": False,
    "corrupt": "",
    "expect_refused": [],
    "capture_kernel": None,
    "baseline": False,
    "handover_expect": "any",
    "capture_nic": "",
    "panic_delay_ms": 0,
}

QEMU_ASSERT = re.compile(r"^qemu-system-\S+: hw/\S+: .*Assertion .* failed")

# q35's LPC/SMBus functions (00:1f.*) sit in the ISA identity map, which
# overlaps the capture kernel's low memory: our capture kernel always
# refuses them (leaf-in-capture-ram).  Counted apart from the refusals a
# scenario provokes.
ISA_BDF_PREFIX = "00:1f."

TRACE_EVENTS = [
    "vtd_dmar_fault", "vtd_fault_disabled", "vtd_frr_new", "vtd_dmar_enable",
    "vtd_reg_dmar_root", "vtd_re_not_present", "vtd_ce_not_present",
    "e1000e_rx_written_to_guest", "e1000e_core_ctrl_sw_reset",
    "hda_audio_running",
]
# Per-translation events are only worth their cost when an HDA stream
# runs (QEMU has no per-DMA HDA event): enabled for "hda" loads.
TRACE_EVENTS_HDA = ["vtd_dmar_translate"]
HDA_DEVFN = "00:1b.00"

DISKS = [("labgt", 16 << 20), ("labcap", 16 << 20), ("labdump", 512 << 20)]

# Serial markers → the phase that starts when they are seen.
PHASES = [
    ("LAB: net-up", "kexec-load"),
    ("LAB: kexec-loaded", "wait-dma"),
    ("LAB: rx-flowing", "ground-truth"),
    ("LAB: panic-now", "panic"),
    ("sysrq: Trigger a crash", "boot-capture"),
    ("LAB: capture-init", "capture"),
    ("LAB: cap-saved", "dump"),
    ("LAB: dump-saved", "capture-end"),
    ("LAB: capture-done", "poweroff"),
    ("LAB: kunit-done", "poweroff"),
    ("LAB: probe-ok", "poweroff"),
]
PANIC_LINE = "sysrq: Trigger a crash"
# Before the panic the first kernel never goes quiet for long (the wait
# for RX DMA gives up after 30 s).  Silence this long there is TCG losing
# an interrupt (2026-11-24, make check with a soak running beside it: the
# first kernel stuck probing its second virtio disk until the 240 s
# timeout): the run is stopped and, once, run again.
PRE_PANIC_PHASES = ("boot-first", "kexec-load", "wait-dma", "ground-truth")
STALL_S = 60

BAD_PATTERNS = re.compile(
    r"\bOops\b|WARNING: CPU|\bBUG:|kernel BUG at|soft lockup|hard LOCKUP|"
    r"hung task|blocked for more than|general protection fault|"
    r"Unable to handle|refcount_t:|UBSAN:|KASAN:")
DMAR_FAULT_LINE = re.compile(
    r"DMAR: \[(DMA (Read|Write)|INTR-REMAP)[^\]]*\].*Request device")
TRACE_LINE = re.compile(r"^(\d+)@(\d+\.\d+):(\w+)\s?(.*)$")
KMSG_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")
# Top-level KTAP result of a kselftest_harness program.
KTAP_RESULT = re.compile(r"^(ok|not ok) \d+ (\S+)(?:\s+#\s*(\w+)?(.*))?$")


def log(msg):
    print(f"lab: {msg}", flush=True)


def scenario_list(include_extra=True):
    out = [dict(DEFAULTS, **s) for s in scenarios.SCENARIOS]
    if include_extra:
        out += [dict(DEFAULTS, **s) for s in scenarios.EXTRA_SCENARIOS]
    return out


PORTS_GIVEN = set()
PORTS_LOCK = threading.Lock()


def free_udp_port():
    """A port for QEMU's hostfwd, never the same twice in one lab run."""
    with PORTS_LOCK:
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in PORTS_GIVEN:
                PORTS_GIVEN.add(port)
                return port


# ---------------------------------------------------------------- QEMU

def qemu_command(sc, accel, bzimage, initrd, rundir, port):
    """The one place the QEMU command line is built."""
    role = sc["role"]
    # no_timer_check: under TCG on a loaded host the IO-APIC timer check
    # can miss its window and panic ("timer doesn't work through
    # Interrupt-remapped IO-APIC"), as on any slow VM.
    append = (f"console=ttyS0 no_timer_check crashkernel=256M "
              f"lab.scenario={sc['name']} "
              f"lab.role={role} lab.load={sc['load'] or 'none'} "
              f"kunit.enable=0 panic=1")
    # The capture kernel's selftests read their knobs from its command
    # line: faults the scenario expects, a deliberately broken oracle.
    capture = sc["capture"]
    if sc["expect_faults"]:
        capture += " lab.expect_faults=1"
    if sc["selftest_break"]:
        capture += f" lab.selftest_break={sc['selftest_break']}"
    if sc["capture_nic"]:
        capture += " lab.capture_nic=1"
    if capture.strip():
        append += f' lab.capture="{capture.strip()}"'
    if sc["panic_delay_ms"]:
        append += f" lab.panic_delay_ms={sc['panic_delay_ms']}"
    if sc["corrupt"]:
        append += f' lab.corrupt="{sc["corrupt"]}"'
    if sc["cmdline"]:
        append += " " + sc["cmdline"]
    iommu = "intel-iommu,intremap=on" + (
        "," + sc["iommu"] if sc["iommu"] else "")
    cmd = [QEMU,
           "-M", "q35,kernel-irqchip=split", "-accel", accel,
           "-cpu", "max", "-m", sc["memory"], "-smp", "2",
           "-nographic", "-vga", "none", "-no-reboot",
           "-serial", "stdio", "-monitor", "none",
           "-device", iommu,
           "-netdev", f"user,id=n0,hostfwd=udp:127.0.0.1:{port}-10.0.2.15:5555",
           "-device", "e1000e,netdev=n0,addr=0x2"]
    for i, (serial, _size) in enumerate(DISKS):
        cmd += ["-drive", f"file={rundir}/{serial}.img,format=raw,if=none,"
                f"id={serial}",
                "-device", f"virtio-blk-pci,drive={serial},serial={serial},"
                f"addr={0x3 + i:#x},disable-legacy=on,iommu_platform=on"]
    if sc["bpftrace"]:
        cmd += ["-drive", f"file={BUILD}/image/bpftrace.ext2,format=raw,"
                "if=none,id=labbpf,readonly=on",
                "-device", "virtio-blk-pci,drive=labbpf,serial=labbpf,"
                "addr=0x6,disable-legacy=on,iommu_platform=on"]
    cmd += list(sc["devices"])
    cmd += ["-trace", f"events={rundir}/trace-events",
            "-msg", "timestamp=on", "-D", f"{rundir}/qemu.trace",
            "-kernel", bzimage, "-initrd", initrd, "-append", append]
    return cmd


def prepare_rundir(sc, rundir):
    shutil.rmtree(rundir, ignore_errors=True)
    os.makedirs(rundir)
    for serial, size in DISKS:
        with open(f"{rundir}/{serial}.img", "wb") as f:
            f.truncate(size)
    events = TRACE_EVENTS + (TRACE_EVENTS_HDA if "hda" in sc["load"] else [])
    with open(f"{rundir}/trace-events", "w") as f:
        f.write("\n".join(events) + "\n")
    with open(f"{rundir}/scenario.json", "w") as f:
        json.dump(sc, f, indent=1)


class UdpSender(threading.Thread):
    """~50 packets/s to the guest's e1000e through the hostfwd port."""

    def __init__(self, port, rate=50):
        super().__init__(daemon=True)
        self.port, self.period = port, 1.0 / rate
        self.stop = threading.Event()
        self.sent = 0

    def run(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            payload = b"lab-dma " * 64
            while not self.stop.wait(self.period):
                try:
                    s.sendto(payload, ("127.0.0.1", self.port))
                    self.sent += 1
                except OSError:
                    pass


def boot(sc, accel, rundir, bzimage, initrd, stop_on=None):
    """Run QEMU for one scenario; return the run record.

    Serial lines are timestamped with host wall-clock time (QEMU stamps
    its trace lines with the same clock: -msg timestamp=on)."""
    port = free_udp_port()
    cmd = qemu_command(sc, accel, bzimage, initrd, rundir, port)
    with open(f"{rundir}/qemu.cmd", "w") as f:
        f.write(" ".join(f"'{a}'" if " " in a else a for a in cmd) + "\n")
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = queue.Queue()

    def reader():
        for raw in proc.stdout:
            lines.put((time.time(), raw.decode("utf-8", "replace")
                       .rstrip("\r\n").replace("\r", "")))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    sender = UdpSender(port, sc["udp_rate"]) if "udp" in sc["load"] else None
    st = {"phase": "boot-" + sc["role"], "reason": None, "retry": False}
    marks, serial = {}, []
    deadline = t0 + sc["timeout"]
    last_line = [t0]

    def follow(out):
        while True:
            left = deadline - time.time()
            if left <= 0:
                st["reason"] = f"timeout in {st['phase']}"
                return
            if (sc["role"] == "first" and st["phase"] in PRE_PANIC_PHASES
                    and time.time() - last_line[0] > STALL_S):
                st["reason"] = (f"stalled in {st['phase']}: no console "
                                f"output for {STALL_S} s")
                st["retry"] = True
                return
            try:
                item = lines.get(timeout=min(1.0, left))
            except queue.Empty:
                continue
            if item is None:
                return
            ts, line = item
            last_line[0] = ts
            serial.append((ts, line))
            out.write(f"{ts:.6f} {line}\n")
            for marker, nxt in PHASES:
                if marker in line and marker not in marks:
                    marks[marker] = ts
                    st["phase"] = nxt
                    if marker == "LAB: net-up" and sender:
                        sender.start()
            if line.startswith("LAB: error:") and not st["reason"]:
                st["reason"] = line[len("LAB: "):]
            if stop_on and stop_on in line:
                return

    try:
        # Line-buffered: the file follows the console while it runs.
        with open(f"{rundir}/serial.log", "w", buffering=1) as out:
            follow(out)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if sender and sender.is_alive():
            sender.stop.set()
            sender.join()
    # QEMU's own device models can abort on an assertion of theirs
    # (QEMU 10.0.2, seen once in ~60 runs on 2026-11-24: hw/net/
    # e1000e_core.c e1000e_intmgr_collect_delayed_causes, as the capture
    # kernel's e1000e probe met the NIC still mitigating interrupts of
    # the crashed kernel): an emulator failure, not the guest's.
    abort = [line for _, line in serial[-5:]
             if QEMU_ASSERT.search(line)] if proc.returncode == -6 else []
    if abort and not st["reason"]:
        st["reason"] = f"QEMU aborted in {st['phase']}: {abort[-1]}"
    return {"serial": serial, "marks": marks, "phase": st["phase"],
            "reason": st["reason"], "retry": st["retry"] or bool(abort),
            "rc": proc.returncode,
            "wall_s": time.time() - t0, "t0": t0,
            "udp_sent": sender.sent if sender else 0}


# ---------------------------------------------------------------- accel

def detect_accel(bzimage, initrd):
    """kvm if a probe boot reaches /init under KVM, else tcg.  Cached in
    $BUILD/accel (delete it to probe again)."""
    cache = os.path.join(BUILD, "accel")
    if os.path.exists(cache):
        with open(cache) as f:
            accel, _, why = f.read().strip().partition(" ")
        log(f"accelerator {accel} (cached in {cache}: {why})")
        return accel, why
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        accel, why = "tcg", "no usable /dev/kvm"
    else:
        rundir = os.path.join(BUILD, "results", ".probe")
        sc = dict(DEFAULTS, name="probe", role="probe", load="",
                  timeout=40, iommu="")
        prepare_rundir(sc, rundir)
        run = boot(sc, "kvm", rundir, bzimage, initrd,
                   stop_on="LAB: probe-ok")
        if "LAB: probe-ok" in run["marks"]:
            accel, why = "kvm", "probe boot under KVM reached /init"
        else:
            last = run["serial"][-1][1] if run["serial"] else "no output"
            why = (f"KVM probe boot did not reach /init "
                   f"({run['reason'] or 'qemu exited'} after "
                   f"{run['wall_s']:.1f}s, rc {run['rc']}, "
                   f"last line: {last.strip()[:100]!r})")
            accel = "tcg"
    with open(cache, "w") as f:
        f.write(f"{accel} {why}\n")
    log(f"accelerator {accel}: {why}")
    return accel, why


# ---------------------------------------------------------------- analysis

def read_trace(path):
    events = []
    if not os.path.exists(path):
        return events
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE_LINE.match(line)
            if m:
                events.append((float(m.group(2)), m.group(3), m.group(4)))
    return events


def extract_tar(image, dest):
    """A disk the guest wrote a tar archive to → dest/.  False if empty."""
    try:
        with tarfile.open(image) as tar:
            tar.extractall(dest, filter="data")
        return True
    except (tarfile.TarError, OSError):
        return False


def verify_dump(rundir):
    """Flattened makedumpfile output on the dump disk → vmcore.kdump →
    the crashed kernel's log; require its crash line.  (ok, reason)"""
    img, vmcore = f"{rundir}/labdump.img", f"{rundir}/vmcore.kdump"
    with open(img, "rb") as f:
        head = f.read(16)
    if not head.startswith(b"makedumpfile"):
        return False, "dump disk holds no makedumpfile stream"
    if os.path.exists(vmcore):
        os.unlink(vmcore)
    with open(img, "rb") as f, open(f"{rundir}/makedumpfile.log", "w") as lg:
        r = subprocess.run(["makedumpfile", "-R", vmcore], stdin=f,
                           stdout=lg, stderr=subprocess.STDOUT, timeout=300)
    if r.returncode != 0:
        return False, f"makedumpfile -R failed ({r.returncode})"
    dmesg = f"{rundir}/vmcore-dmesg.txt"
    if os.path.exists(dmesg):
        os.unlink(dmesg)
    with open(f"{rundir}/makedumpfile.log", "a") as lg:
        r = subprocess.run(["makedumpfile", "--dump-dmesg", vmcore, dmesg],
                           stdout=lg, stderr=subprocess.STDOUT, timeout=300)
    if r.returncode != 0 or not os.path.exists(dmesg):
        return False, f"makedumpfile --dump-dmesg failed ({r.returncode})"
    with open(dmesg, errors="replace") as f:
        text = f.read()
    if PANIC_LINE in text or "Kernel panic" in text:
        return True, ""
    return False, "crash line not in the dump's kernel log"


def walk_dump(rundir, res):
    """The crashed kernel's VT-d tables from the dump → <rundir>/walk/;
    checked against the first kernel's debugfs snapshot."""
    regset = f"{rundir}/gt/iommu_regset"
    if not os.path.exists(regset):
        return
    try:
        mem = vtdwalk.Vmcore(f"{rundir}/vmcore.kdump")
        ctx, ranges, missing = [], [], []
        for iommu, rtaddr in sorted(vtdwalk.read_regset(regset).items()):
            c, r, m = vtdwalk.walk(mem, iommu, rtaddr)
            ctx, ranges, missing = ctx + c, ranges + r, missing + m
        vtdwalk.write_tsv(f"{rundir}/walk", ctx, ranges)
    except (OSError, ValueError, struct.error, zlib.error) as e:
        res["walk_error"] = str(e)
        return
    res["walk_contexts"], res["walk_ranges"] = len(ctx), len(ranges)
    if missing:
        res["walk_tables_missing"] = len(missing)
    check = groundtruth.walk_vs_snapshot(rundir)
    if check:
        res["walk_matches_snapshot"], res["walk_detail"] = check


STAMP = re.compile(r"\[\s*(\d+\.\d+)\]")


def adoption_figures(rundir, lines, res):
    """What the capture kernel's IOMMU set-up cost: ours from kdump/summary
    (time_us, memory_kib, summed over IOMMUs), stock from the printk stamps
    around mainline's copy ("Translation already enabled" -> "Copied
    translation tables")."""
    path = f"{rundir}/cap/kdump/summary"
    if os.path.exists(path):
        with open(path) as f:
            rows = [l.rstrip("\n").split("\t") for l in f][1:]
        rows = [r for r in rows if len(r) >= 11 and r[1] == "adopted"]
        if rows:
            res["adopt_time_us"] = sum(int(r[9]) for r in rows)
            res["adopt_memory_kib"] = sum(int(r[10]) for r in rows)
            res["contexts_adopted"] = sum(int(r[4]) for r in rows)
            res["contexts_refused"] = sum(int(r[5]) for r in rows)
        return
    cap = lines[next((i for i, l in enumerate(lines) if PANIC_LINE in l),
                     len(lines)):]
    t0 = next((STAMP.search(l) for l in cap
               if "Translation already enabled" in l), None)
    t1 = next((STAMP.search(l) for l in cap
               if "Copied translation tables" in l), None)
    if t0 and t1:
        res["copy_time_us"] = round((float(t1.group(1)) -
                                     float(t0.group(1))) * 1e6)


def read_refusals(rundir):
    """The capture kernel's refusals: ([(bdf, reason)], summary state or
    None).  bdf is "BB:*.*" for a whole context table."""
    kdump = os.path.join(rundir, "cap", "kdump")
    rows, state = [], None
    cpath, spath = f"{kdump}/contexts", f"{kdump}/summary"
    if os.path.exists(cpath):
        rows = [(groundtruth.norm_bdf(r["bdf"]), r.get("reason", "?"))
                for r in debugfs.read_table(cpath)
                if r.get("state") == "refused"]
    if os.path.exists(spath):
        states = [r.get("state") for r in debugfs.read_table(spath)]
        state = states[0] if states else None
    return rows, state


CAPTURE_NIC_LINE = re.compile(r"LAB: capture-nic rx (-?\d+)")


def check_capture_nic(sc, rundir, lines, res):
    """The NIC received in the capture kernel; 00:02.0 in the wanted state."""
    rx = [int(m.group(1)) for m in map(CAPTURE_NIC_LINE.search, lines) if m]
    res["capture_rx_packets"] = rx[0] if rx else None
    res["capture_nic_state"] = handover.handover_state(
        rundir, "00:02.0", "cap/nic/contexts")
    want = sc["capture_nic"]
    if want == "any":
        return []
    if not rx:
        return ["capture-nic: the NIC was not brought up in the capture kernel"]
    problems = []
    if rx[0] <= 0:
        problems.append(f"capture-nic: received {rx[0]} packets")
    if res["capture_nic_state"] != want:
        problems.append(f"capture-nic: 00:02.0 {res['capture_nic_state']}, "
                        f"not {want}")
    return problems


def check_refusals(sc, rundir, res):
    """Record the refusals; with "refused" in the checks, require exactly
    the scenario's expect_refused ones (besides the ISA functions), each
    with its reason in kdump/contexts and one log line.  Failures list."""
    rows, state = read_refusals(rundir)
    isa = [r for r in rows if r[0].startswith(ISA_BDF_PREFIX)]
    other = [r for r in rows if not r[0].startswith(ISA_BDF_PREFIX)]
    res["refused"] = len(other)
    res["refused_isa"] = len(isa)
    res["refused_list"] = [f"{b} {why}" for b, why in other]
    res["kdump_state"] = state
    ppath = os.path.join(rundir, "cap", "kdump", "pasids")
    pasids = ([(groundtruth.norm_bdf(r["bdf"]), r.get("pasid"),
                r.get("reason")) for r in debugfs.read_table(ppath)]
              if os.path.exists(ppath) else [])
    res["pasids_not_adopted"] = [" ".join(p) for p in pasids]
    if "refused" not in sc["checks"]:
        return []
    failures = [f"PASID {p} of {b} not listed as {why} in kdump/pasids"
                for b, p, why in map(tuple, sc.get("expect_pasids", []))
                if (b, p, why) not in pasids]
    try:
        with open(os.path.join(rundir, "cap", "dmesg"), errors="replace") as f:
            dmesg = [l for l in f if "DMAR: kdump: " in l and "refused" in l]
    except OSError:
        return failures + ["capture dmesg not saved"]
    expected = [tuple(e) for e in sc["expect_refused"]]
    for bdf, why in expected:
        if bdf == "root":
            if state != "root-refused":
                failures.append(f"root table not refused (state {state})")
            hits = [l for l in dmesg if "refused the root table" in l
                    and why in l]
        elif bdf.endswith(":*.*"):
            if (bdf, why) not in rows:
                failures.append(f"bus {bdf} not refused for {why}")
            words = (why, why.replace("-", " "))
            hits = [l for l in dmesg if f"bus {bdf[:2]}:" in l
                    and any(w in l for w in words)]
        else:
            if (bdf, why) not in rows:
                got = [w for b, w in rows if b == bdf]
                failures.append(f"{bdf} not refused for {why} "
                                f"(refused: {got or 'no'})")
            hits = [l for l in dmesg if f"refused {bdf}: {why}" in l]
        if len(hits) != 1:
            failures.append(f"{len(hits)} log lines for {bdf} {why}, "
                            f"expected 1")
    unexpected = [r for r in other if r not in expected]
    if unexpected:
        failures.append("refused unexpectedly: " + ", ".join(
            f"{b} {why}" for b, why in unexpected))
    return failures


def kunit_totals(lines):
    """Sum of KTAP '# Totals: pass:N fail:M' lines (None if none)."""
    tot, seen = {"pass": 0, "fail": 0, "skip": 0}, False
    for line in lines:
        m = re.search(r"# Totals: pass:(\d+) fail:(\d+) skip:(\d+)", line)
        if m:
            seen = True
            for k, v in zip(("pass", "fail", "skip"), m.groups()):
                tot[k] += int(v)
    return tot if seen else None


# lab.selftest_break= knob -> the iommu_kdump test it must make fail.
SELFTEST_BREAKS = {
    "files": "kdump.files_parse", "summary": "kdump.summary_counts",
    "contexts": "kdump.contexts_accounted", "dids": "kdump.domain_ids",
    "ranges": "kdump.iova_ranges", "table": "kdump.old_table",
    "root": "kdump.root_only", "kva": "kdump.no_kernel_addresses",
    "handover": "kdump.handover", "faults": "capture.dmar_faults",
    "struct": "kdump.translation_struct", "sysfs": "kdump.sysfs_adopted",
    "switch": "kdump.handover",
}


def broken_tests(knobs):
    """The tests a lab.selftest_break= list must make fail."""
    names = knobs.split(",")
    if "all" in names:
        names = list(SELFTEST_BREAKS)
    return sorted({SELFTEST_BREAKS[n] for n in names})


def ktap_parse(ktap):
    """passed/failed/skipped/failures of KTAP lines, None if no result."""
    out = {"passed": 0, "failed": 0, "skipped": 0, "failures": []}
    seen = False
    for line in ktap:
        m = KTAP_RESULT.match(line.strip("\r"))
        if not m:
            continue
        seen = True
        ok, name, directive = m.group(1) == "ok", m.group(2), m.group(3)
        if directive and directive.upper() == "SKIP":
            out["skipped"] += 1
        elif ok:
            out["passed"] += 1
        else:
            out["failed"] += 1
            out["failures"].append(name)
    return out if seen else None


def ktap_counts(path):
    """ktap_parse() of a file, None if it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return ktap_parse(f.read().splitlines())
    except OSError:
        return None


def selftest_results(rundir, lines):
    """The capture kernel's kselftest KTAP (the copy on the capture disk,
    else the console between LAB-BEGIN/LAB-END selftests) → counts, or
    None when no selftest result was printed."""
    path = os.path.join(rundir, "cap", "selftests.ktap")
    if os.path.exists(path):
        out, source = ktap_counts(path), "disk"
    else:
        ktap, inside = [], False
        for line in lines:
            if line.startswith("LAB-BEGIN selftests"):
                inside = True
            elif line.startswith("LAB-END selftests"):
                inside = False
            elif inside:
                ktap.append(line)
        out, source = ktap_parse(ktap), "console"
    if out:
        out["source"] = source
    return out


def base_result(sc, kind=None):
    """The keys every scenario entry has, even a run that never started."""
    return {"name": sc["name"], "kernel": kind or sc["kernel"],
            "result": "fail", "reason": "",
            "expect_faults": sc["expect_faults"], "dmar_faults": None,
            "qemu_dmar_faults": None, "dma_after_panic": None,
            "panic_to_init_ms": None, "dump_verified": False,
            "capture_kernel": sc.get("capture_kernel") or kind or sc["kernel"],
            "refused": None}


def trace_bdf(text):
    """BB:DD.F of a "bus B devfn D" QEMU VT-d trace line, or ""."""
    m = re.search(r"bus (\d+) devfn (\d+)", text)
    if not m:
        return ""
    bus, devfn = int(m.group(1)), int(m.group(2))
    return f"{bus:02x}:{devfn >> 3:02x}.{devfn & 7}"


def count_faults(log):
    """DMAR fault records the kernel logged; not the copies a selftest
    prints as KTAP diagnostics ("# fault: DMAR: ...")."""
    return sum(1 for line in log
               if DMAR_FAULT_LINE.search(line) and not line.startswith("#"))


def analyse(sc, rundir, run, retried=None):
    """Figures and verdict of one run."""
    serial, marks = run["serial"], run["marks"]
    lines = [line for _, line in serial]
    # The first kernel's log runs to the capture kernel's "Linux version".
    panic_idx = next((i for i, l in enumerate(lines) if PANIC_LINE in l), None)
    boot_idx = None if panic_idx is None else next(
        (i for i in range(panic_idx, len(lines)) if "] Linux version" in lines[i]),
        None)
    first_log = lines if boot_idx is None else lines[:boot_idx]
    capture_log = [] if boot_idx is None else lines[boot_idx:]
    t_panic = serial[panic_idx][0] if panic_idx is not None else None

    res = base_result(sc)
    res["retried"] = retried
    res.update({"wall_s": round(run["wall_s"], 1),
                "phase_reached": run["phase"], "udp_sent": run["udp_sent"]})
    failures = []
    if run["reason"]:
        failures.append(run["reason"])

    # Timings from the host clock.
    def since(a, b):
        if a in marks and b in marks:
            return round((marks[b] - marks[a]) * 1000)
        return None
    res["panic_to_init_ms"] = since(PANIC_LINE, "LAB: capture-init")
    res["panic_to_dump_saved_ms"] = since(PANIC_LINE, "LAB: dump-saved")
    if "LAB: net-up" in marks:
        res["start_to_net_up_ms"] = round((marks["LAB: net-up"] - run["t0"]) * 1000)

    # Guest side.
    res["dmar_faults"] = count_faults(capture_log)
    res["dmar_faults_first"] = count_faults(first_log)
    bad = [(who, l) for who, log_ in (("first", first_log), ("capture", capture_log))
           for l in log_ if BAD_PATTERNS.search(l)]
    if any("Kernel panic" in l for l in capture_log):
        bad.append(("capture", next(l for l in capture_log if "Kernel panic" in l)))
    res["log_problems"] = [f"{who}: {l.strip()[:160]}" for who, l in bad][:10]

    # Host side (QEMU trace, same clock).
    events = read_trace(f"{rundir}/qemu.trace")
    after = [e for e in events if t_panic is not None and e[0] >= t_panic]
    res["qemu_dmar_faults"] = sum(1 for e in after if e[1] == "vtd_dmar_fault")
    res["qemu_dmar_faults_total"] = sum(1 for e in events if e[1] == "vtd_dmar_fault")
    rx_after = sum(1 for e in after if e[1] == "e1000e_rx_written_to_guest")
    hda_rid = "dev " + sc.get("hda_rid", HDA_DEVFN)
    hda_after = sum(1 for e in after if e[1] == "vtd_dmar_translate"
                    and e[2].startswith(hda_rid))
    res["e1000e_rx_after_panic"] = rx_after
    res["hda_dma_after_panic"] = hda_after
    res["dma_after_panic"] = rx_after + hda_after
    resets = [e[0] for e in after if e[1] == "e1000e_core_ctrl_sw_reset"]
    if resets:
        res["panic_to_nic_reset_ms"] = round((resets[0] - t_panic) * 1000)
    enables = [f"{e[2]} @+{round((e[0] - t_panic) * 1000)}ms"
               for e in after if e[1] == "vtd_dmar_enable"]
    res["qemu_dmar_enable_after_panic"] = enables

    # Disks written by the guest.
    res["ground_truth_saved"] = extract_tar(f"{rundir}/labgt.img", f"{rundir}/gt")
    res["capture_saved"] = extract_tar(f"{rundir}/labcap.img", f"{rundir}/cap")
    if res["capture_saved"] and os.path.exists(f"{rundir}/cap/dmesg"):
        with open(f"{rundir}/cap/dmesg", errors="replace") as f:
            res["dmar_faults_dmesg"] = count_faults(f)

    # A context entry met non-present (QEMU 10 has no event for a
    # non-present PASID entry: that one shows as a fault), but for the
    # contexts our capture kernel refused (q35's 00:1f.* always): those
    # are blocked on purpose.  A root entry is never rewritten by a
    # switch: one met non-present (a scalable-mode half whose contexts
    # were all refused) is recorded only.
    refused = {b for b, _ in read_refusals(rundir)[0]}
    res["qemu_not_present"] = sum(
        1 for e in after if e[1] == "vtd_ce_not_present" and not
        trace_bdf(e[2]).startswith(ISA_BDF_PREFIX) and
        trace_bdf(e[2]) not in refused and
        trace_bdf(e[2])[:2] + ":*.*" not in refused)
    res["qemu_root_not_present"] = sum(1 for e in after
                                       if e[1] == "vtd_re_not_present")

    adoption_figures(rundir, lines, res)

    checks = sc["checks"]
    if "dump" in checks:
        if "LAB: dump-saved" not in marks:
            res["dump_verified"] = False
            failures.append("dump not saved")
        else:
            ok, why = verify_dump(rundir)
            res["dump_verified"] = ok
            if not ok:
                failures.append(why)
        if os.path.exists(f"{rundir}/vmcore.kdump"):
            res["vmcore_bytes"] = os.path.getsize(f"{rundir}/vmcore.kdump")
            walk_dump(rundir, res)
    if "clean_logs" in checks and res["log_problems"]:
        failures.append("log: " + res["log_problems"][0])
    if "dma_after_panic" in checks and "udp" in sc["load"] \
            and res["dma_after_panic"] == 0:
        failures.append("no DMA after the panic")
    # The HDA witness is only a witness if its stream ran on after the
    # panic, through the hand-over.
    if "dma_after_panic" in checks and "hda" in sc["load"] \
            and not res["hda_dma_after_panic"]:
        failures.append("no HDA DMA after the panic")
    if "faults" in checks:
        if sc["expect_faults"]:
            if res["dmar_faults"] == 0 and res["qemu_dmar_faults"] == 0:
                failures.append("expected DMAR faults, saw none")
        elif res["dmar_faults"] or res["qemu_dmar_faults"]:
            failures.append(f"DMAR faults: guest {res['dmar_faults']}, "
                            f"qemu {res['qemu_dmar_faults']}")
        # QEMU re-reads a context entry when its cache is invalidated: a
        # switch that passes through Present = 0 (mainline's) shows here
        # on every run, DMA in the window or not.  Ours must never.
        elif sc["kernel"] == "ours" and res["qemu_not_present"]:
            failures.append(f"{res['qemu_not_present']} non-present "
                            "context entries met during the run")
        # Our capture kernel takes the fault event over before anything
        # can fault: when QEMU raised faults, the guest must report some
        # (the log is rate limited, so not all).  Stock may lose them all.
        res["faults_reported"] = (not res["qemu_dmar_faults"]
                                  or res["dmar_faults"] > 0)
        if sc["kernel"] == "ours" and not res["faults_reported"]:
            failures.append(f"{res['qemu_dmar_faults']} faults raised, "
                            "none reported by the capture kernel")
    # Mainline's path: the old context tables copied as they are.
    if "mainline_copy" in checks and not any(
            "Copied translation tables from previous kernel" in l
            for l in capture_log):
        failures.append("the capture kernel did not take mainline's copy")
    if "kunit" in checks:
        tot = kunit_totals(lines)
        res["kunit"] = tot
        if tot is None:
            failures.append("no KUnit totals on the console")
        elif tot["fail"] or not tot["pass"]:
            failures.append(f"KUnit pass:{tot['pass']} fail:{tot['fail']}")
    if sc["role"] == "first":
        st = selftest_results(rundir, capture_log)
        for k in ("passed", "failed", "skipped", "failures"):
            res[f"selftests_{k}"] = st[k] if st else None
        first = ktap_counts(os.path.join(rundir, "gt", "selftests-first.ktap"))
        res["selftests_first_kernel"] = first
        if "selftests" in checks:
            if st is None:
                failures.append("no selftest KTAP from the capture kernel")
            elif sc["selftest_break"]:
                # Negative control: each broken expectation must make
                # its own test fail.
                want = broken_tests(sc["selftest_break"])
                missed = sorted(set(want) - set(st["failures"]))
                res["selftests_broken"] = want
                if missed:
                    failures.append(f"selftest_break={sc['selftest_break']}"
                                    ": still passing: " + " ".join(missed))
            elif st["failed"]:
                failures.append("selftests failed: " +
                                " ".join(st["failures"]))
            elif not st["passed"]:
                failures.append(f"no selftest ran ({st['skipped']} skipped)")
            # Outside a capture kernel every test must skip.
            if first is None:
                failures.append("no selftest KTAP from the first kernel")
            elif first["passed"] or first["failed"] or not first["skipped"]:
                failures.append("selftests in the first kernel did not all "
                                f"skip: {first}")
        failures += check_refusals(sc, rundir, res)
    if sc["role"] == "first" and "LAB: capture-done" not in marks and not run["reason"]:
        failures.append(f"capture did not finish (qemu exited in {run['phase']})")
    if sc["role"] == "kunit" and "LAB: kunit-done" not in marks and not run["reason"]:
        failures.append(f"kunit run did not finish (qemu exited in {run['phase']})")

    # Plug-in: the lead's ground-truth comparison (absent when the
    # capture kernel has no kdump report, e.g. stock).
    if sc["role"] == "first":
        gt = groundtruth.compare_ground_truth(rundir)
        if gt is not None:
            res["ground_truth_match"], res["ground_truth_detail"] = gt
            if "ground_truth" in checks and not gt[0]:
                failures.append("ground truth: " + gt[1])
        # Without the host's own walk of the dump the comparison above
        # falls back to the first kernel's snapshot: not enough.
        if "ground_truth" in checks and res.get("walk_error"):
            failures.append("walk of the dump: " + res["walk_error"])

    if "capture_nic" in checks:
        failures += check_capture_nic(sc, rundir, lines, res)
    if "handover" in checks:
        ok, detail, fig = handover.check_handover(
            rundir, sc["handover"], sc["kernel"] == "ours",
            res["dmar_faults"] + res["qemu_dmar_faults"],
            sc["handover_expect"])
        res.update(fig)
        res["handover_ok"], res["handover_detail"] = ok, detail
        if not ok:
            failures.append("hand-over: " + detail)

    if "bpftrace" in checks:
        ok, detail, fig = bpfcheck.check_bpftrace(
            rundir, sc["handover"], res.get("dmar_faults_dmesg"),
            "lab.release_in_window_ms=" in sc["capture"])
        res.update(fig)
        res["bpftrace_ok"], res["bpftrace_detail"] = ok, detail
        if not ok:
            failures.append("bpftrace: " + detail)

    # Large raw disk images are not kept.
    if os.path.exists(f"{rundir}/labdump.img"):
        os.unlink(f"{rundir}/labdump.img")
    if failures:
        res["reason"] = "; ".join(failures)
    else:
        res["result"] = "pass"
    if sc["baseline"]:
        # A baseline records what an unprotected kernel does; its outcome
        # is reported, never gated on.
        res["baseline_outcome"] = res["result"]
        res["result"] = "baseline"
    with open(f"{rundir}/result.json", "w") as f:
        json.dump(res, f, indent=1)
    return res


# ---------------------------------------------------------------- driver

def mixed_initrd(first_initrd, capture_kind, rundir):
    """first_initrd with /lab/bzImage replaced by capture_kind's kernel
    (a later cpio archive in an initramfs overrides earlier files)."""
    stage = os.path.join(rundir, "capture-add")
    os.makedirs(f"{stage}/lab")
    shutil.copy(os.path.join(BUILD, capture_kind, "bzImage"),
                f"{stage}/lab/bzImage")
    out = os.path.join(rundir, "first-mixed.cpio.gz")
    with open(out, "wb") as f:
        with open(first_initrd, "rb") as src:
            shutil.copyfileobj(src, f)
        cpio = subprocess.run(["cpio", "--quiet", "-o", "-H", "newc",
                               "-R", "0:0"], cwd=stage, input=b"lab\nlab/bzImage\n",
                              capture_output=True, check=True)
        f.write(gzip.compress(cpio.stdout, mtime=0))
    shutil.rmtree(stage)
    return out


def run_scenario(sc, accel, results, kernel_override=None):
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
        for attempt in (1, 2):
            prepare_rundir(sc, rundir)
            boot_initrd = initrd if capture_kind == kind else \
                mixed_initrd(initrd, capture_kind, rundir)
            run = boot(sc, accel, rundir, bzimage, boot_initrd)
            if not run["retry"] or attempt == 2:
                break
            # Nothing of the kdump path ran yet (a stall before the
            # panic), or QEMU itself aborted: run it again, once, and say
            # so in the result.
            retried = run["reason"]
            log(f"{sc['name']}: {retried}; running it again")
        res = analyse(sc, rundir, run, retried)
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


def versions():
    try:
        with open(os.path.join(BUILD, "src", "VERSION")) as f:
            kv = f.read().strip()
    except OSError:
        kv = "unknown"
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True)
    qv = out.stdout.splitlines()[0].split("version ", 1)[-1] if out.stdout else "unknown"
    return kv, qv


def fmt(res):
    keys = ["dmar_faults", "qemu_dmar_faults", "dma_after_panic",
            "panic_to_init_ms", "dump_verified", "refused",
            "selftests_passed", "selftests_failed", "selftests_skipped",
            "wall_s"]
    figs = " ".join(f"{k}={res.get(k)}" for k in keys if k in res)
    verdict = res["result"].upper()
    return f"{verdict} {res['name']}: {figs}" + (
        f" -- {res['reason']}" if res["reason"] else "") + (
        f" (run twice, the first {res['retried']})"
        if res.get("retried") else "")


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
          f"min {dma[0] if dma else None} median "
          f"{dma[len(dma) // 2] if dma else None}, panic to dump saved "
          f"median {saved_ms[len(saved_ms) // 2] if saved_ms else None} ms, "
          f"max {saved_ms[-1] if saved_ms else None} ms", flush=True)


def write_reports(results, accel, why, reslist):
    kv, qv = versions()
    summary = {"kernel_version": kv, "qemu_version": qv, "accel": accel,
               "accel_reason": why, "scenarios": reslist}
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(results, "lab.ktap"), "w") as f:
        f.write(f"TAP version 13\n1..{len(reslist)}\n")
        for i, r in enumerate(reslist, 1):
            if r["result"] == "pass":
                f.write(f"ok {i} {r['name']}\n")
            elif r["result"] == "baseline":
                f.write(f"ok {i} {r['name']} # SKIP baseline, "
                        f"{r.get('baseline_outcome')}: "
                        f"{r['reason'] or 'no failure'}\n")
            else:
                why_ = r["reason"].replace("\n", " ")
                f.write(f"not ok {i} {r['name']} # {why_}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--kernel", choices=["stock", "ours"],
                    help="boot this kernel for every scenario (plumbing "
                    "tests; recorded as kernel_override in the results)")
    ap.add_argument("--bench", metavar="NAME",
                    help="rerun one scenario --repeat times, print timings")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int,
                    default=int(os.environ.get("LAB_JOBS", "2")),
                    help="scenarios run at once by a plain run (default "
                    "$LAB_JOBS or 2: each QEMU keeps about one core busy)")
    ap.add_argument("--soak", type=int, metavar="N",
                    help="N consecutive panics under DMA load, rotating "
                    "through scenarios.SOAK_BASES, the panic moved by a "
                    "different delay each time (results in $BUILD/soak)")
    ap.add_argument("--timeout", type=int,
                    help="override every scenario's hard timeout (s)")
    ap.add_argument("--results", default=os.path.join(BUILD, "results"))
    ap.add_argument("--kernels", action="store_true",
                    help="print the kernels the chosen scenarios boot, exit")
    ap.add_argument("--show", action="store_true",
                    help="print each scenario's adoption report")
    args = ap.parse_args()

    misnamed = scenarios.check_names(scenario_list())
    if misnamed:
        sys.exit("lab: scenario names must carry their configuration "
                 "words: " + "; ".join(misnamed))
    if args.list:
        for s in scenario_list():
            extra = "" if s in scenario_list(False) else " (extra)"
            print(f"{s['name']:56} {s['kernel']:6} {s['role']:6} "
                  f"iommu={s['iommu']} capture={s['capture']!r}{extra}")
        return 0

    if args.bench:
        by_name = {s["name"]: s for s in scenario_list()}
        benches = args.bench.replace(",", " ").split()
        unknown = [n for n in benches if n not in by_name]
        if unknown:
            sys.exit(f"lab: no scenario {' '.join(unknown)}")
        chosen = [dict(by_name[n], name=f"{n}-{i + 1}", bench=n)
                  for n in benches for i in range(args.repeat)]
        args.results = os.path.join(BUILD, "bench")
    elif args.soak:
        chosen = scenarios.soak_list(args.soak, scenario_list())
        args.results = os.path.join(BUILD, "soak")
    elif args.only:
        names = [n for n in args.only.replace(",", " ").split() if n]
        by_name = {s["name"]: s for s in scenario_list()}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            sys.exit(f"lab: unknown scenario(s): {' '.join(unknown)}")
        chosen = [by_name[n] for n in names]
    else:
        chosen = scenario_list(include_extra=False)

    if args.timeout:
        chosen = [dict(s, timeout=args.timeout) for s in chosen]

    if args.kernels:
        need = {args.kernel or s["kernel"] for s in chosen} | {
            s["capture_kernel"] for s in chosen if s["capture_kernel"]}
        print(" ".join(k for k in ("stock", "ours", "off") if k in need))
        return 0

    os.makedirs(args.results, exist_ok=True)
    kinds = [args.kernel or s["kernel"] for s in chosen]
    probe_kind = next((k for k in ["ours", "stock"] if k in kinds and
                       os.path.exists(os.path.join(BUILD, k, "first.cpio.gz"))),
                      None)
    if probe_kind or os.path.exists(os.path.join(BUILD, "accel")):
        kind = probe_kind or "stock"
        accel, why = detect_accel(os.path.join(BUILD, kind, "bzImage"),
                                  os.path.join(BUILD, kind, "first.cpio.gz"))
    else:
        accel, why = "tcg", "no kernel built to probe with"
    log(f"running {len(chosen)} scenario(s) with accel={accel} ({why})")

    # Figures that are timings (bench, soak) and the demo's report come
    # from one run at a time; make check runs --jobs at once.
    jobs = 1 if args.bench or args.soak or args.show else max(1, args.jobs)
    if jobs > 1:
        log(f"{jobs} scenarios at a time")
    done = [None] * len(chosen)
    lock = threading.Lock()

    def one(i, sc):
        log(f"{sc['name']}: start (kernel {args.kernel or sc['kernel']})")
        res = run_scenario(sc, accel, args.results, args.kernel)
        with lock:
            done[i] = res
            log(fmt(res))
            if args.soak and res["result"] == "pass":
                # 18 MB a run: keep the dumps of failed runs only.
                for f in ("vmcore.kdump", "labcap.img", "labgt.img"):
                    try:
                        os.unlink(os.path.join(args.results, sc["name"], f))
                    except OSError:
                        pass
            if args.show:
                show_report(os.path.join(args.results, sc["name"]), res)
            write_reports(args.results, accel, why,
                          [r for r in done if r is not None])

    if jobs == 1:
        for i, sc in enumerate(chosen):
            one(i, sc)
    else:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            for fut in [pool.submit(one, i, sc) for i, sc in enumerate(chosen)]:
                fut.result()
    reslist = done

    if args.bench:
        for name in dict.fromkeys(sc["bench"] for sc in chosen):
            runs = [r for sc, r in zip(chosen, reslist) if sc["bench"] == name]
            for key in ["wall_s", "panic_to_init_ms", "panic_to_dump_saved_ms",
                        "adopt_time_us", "adopt_memory_kib", "copy_time_us",
                        "contexts_adopted", "dma_after_panic",
                        "dmar_faults", "qemu_dmar_faults"]:
                vals = [r.get(key) for r in runs]
                nums = [v for v in vals if isinstance(v, (int, float))]
                if not nums:
                    continue
                stat = (f"min {min(nums)} median "
                        f"{sorted(nums)[len(nums) // 2]} max {max(nums)}")
                print(f"bench {name} {key}: {vals} {stat}")

    if args.soak:
        soak_report(chosen, reslist)
    failures = [r for r in reslist if r["result"] not in ("pass", "baseline")]
    for res in failures:
        # CI keeps only the tail of what we print: say here what failed
        # and how the guest's console ended.
        print(f"==== {fmt(res)}")
        serial = os.path.join(args.results, res["name"], "serial.log")
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


if __name__ == "__main__":
    sys.exit(main())
