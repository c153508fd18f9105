# SPDX-License-Identifier: GPL-2.0
"""The machine: the QEMU command line, one boot with its serial follower,
the load generators and the accelerator probe.

    qemu_command()   the one place the QEMU command line is built
    boot()           run QEMU for one scenario: the run record (serial
                     lines stamped with the host clock, the markers seen,
                     the phase reached, why it stopped)
    UdpSender        the UDP stream to the guest's e1000e
    detect_accel()   kvm or tcg, probed once and cached in $BUILD/accel
"""

import os
import queue
import re
import socket
import subprocess
import threading
import time

import lab_artefacts
import scenarios
from lab_env import BUILD, QEMU, log

QEMU_ASSERT = re.compile(r"^qemu-system-\S+: (hw|system|accel|target)/\S+: "
                         r".*Assertion .* failed")

# Serial markers -> the phase that starts when they are seen.
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
# Before the panic the first kernel never goes quiet for long (the wait
# for RX DMA gives up after 30 s).  Silence this long there is TCG losing
# an interrupt (2026-11-24, make check with a soak running beside it: the
# first kernel stuck probing its second virtio disk until the 240 s
# timeout): the run is stopped and, once, run again.
PRE_PANIC_PHASES = ("boot-first", "kexec-load", "wait-dma", "ground-truth")
STALL_S = 60


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


def kernel_append(sc):
    """The first kernel's command line; the capture kernel's rides in it
    as lab.capture="..." (guest/init passes it to kexec -p)."""
    # no_timer_check: under TCG on a loaded host the IO-APIC timer check
    # can miss its window and panic ("timer doesn't work through
    # Interrupt-remapped IO-APIC"), as on any slow VM.
    append = (f"console=ttyS0 no_timer_check crashkernel=256M "
              f"lab.scenario={sc['name']} "
              f"lab.role={sc['role']} lab.load={sc['load'] or 'none'} "
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
    return append


def qemu_command(sc, accel, bzimage, initrd, rundir, port):
    """The one place the QEMU command line is built."""
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
    for i, (serial, _size) in enumerate(lab_artefacts.DISKS):
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
            "-kernel", bzimage, "-initrd", initrd,
            "-append", kernel_append(sc)]
    return cmd


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


class SerialFollower:
    """Follows QEMU's console: stamps each line with the host clock,
    moves through PHASES, starts the UDP load at "LAB: net-up", stops on
    the timeout, a pre-panic stall or @stop_on."""

    def __init__(self, sc, lines, sender, t0, stop_on=None):
        self.sc, self.lines, self.sender = sc, lines, sender
        self.stop_on = stop_on
        self.phase = "boot-" + sc["role"]
        self.reason, self.retry = None, False
        self.marks, self.serial = {}, []
        self.deadline = t0 + sc["timeout"]
        self.last_line = t0

    def stalled(self):
        return (self.sc["role"] == "first"
                and self.phase in PRE_PANIC_PHASES
                and time.time() - self.last_line > STALL_S)

    def line(self, ts, line, out):
        """One console line; True when the run is to stop here."""
        self.last_line = ts
        self.serial.append((ts, line))
        out.write(f"{ts:.6f} {line}\n")
        for marker, nxt in PHASES:
            if marker in line and marker not in self.marks:
                self.marks[marker] = ts
                self.phase = nxt
                if marker == "LAB: net-up" and self.sender:
                    self.sender.start()
        if line.startswith("LAB: error:") and not self.reason:
            self.reason = line[len("LAB: "):]
        return bool(self.stop_on and self.stop_on in line)

    def follow(self, out):
        while True:
            left = self.deadline - time.time()
            if left <= 0:
                self.reason = f"timeout in {self.phase}"
                return
            if self.stalled():
                self.reason = (f"stalled in {self.phase}: no console "
                               f"output for {STALL_S} s")
                self.retry = True
                return
            try:
                item = self.lines.get(timeout=min(1.0, left))
            except queue.Empty:
                continue
            if item is None or self.line(*item, out):
                return


def start_qemu(cmd):
    """QEMU with its console on a queue of (host time, line); None ends."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = queue.Queue()

    def reader():
        for raw in proc.stdout:
            lines.put((time.time(), raw.decode("utf-8", "replace")
                       .rstrip("\r\n").replace("\r", "")))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    return proc, lines


def qemu_abort(proc, serial):
    """QEMU's own device models can abort on an assertion of theirs
    (QEMU 10.0.2, seen once in ~60 runs on 2026-11-24: hw/net/
    e1000e_core.c e1000e_intmgr_collect_delayed_causes, as the capture
    kernel's e1000e probe met the NIC still mitigating interrupts of
    the crashed kernel), and so can its core (2026-12-03, once in ~200
    runs with two QEMUs and a build at once: system/physmem.c
    iotlb_to_section, TCG, while the first kernel probed its PCI
    devices): an emulator failure, not the guest's.  The assertion
    line, or None."""
    if proc.returncode != -6:
        return None
    abort = [line for _, line in serial[-5:] if QEMU_ASSERT.search(line)]
    return abort[-1] if abort else None


def boot(sc, accel, rundir, bzimage, initrd, stop_on=None):
    """Run QEMU for one scenario; return the run record.

    Serial lines are timestamped with host wall-clock time (QEMU stamps
    its trace lines with the same clock: -msg timestamp=on)."""
    port = free_udp_port()
    cmd = qemu_command(sc, accel, bzimage, initrd, rundir, port)
    with open(f"{rundir}/qemu.cmd", "w") as f:
        f.write(" ".join(f"'{a}'" if " " in a else a for a in cmd) + "\n")
    t0 = time.time()
    proc, lines = start_qemu(cmd)
    sender = UdpSender(port, sc["udp_rate"]) if "udp" in sc["load"] else None
    fol = SerialFollower(sc, lines, sender, t0, stop_on)
    try:
        # Line-buffered: the file follows the console while it runs.
        with open(f"{rundir}/serial.log", "w", buffering=1) as out:
            fol.follow(out)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if sender and sender.is_alive():
            sender.stop.set()
            sender.join()
    abort = qemu_abort(proc, fol.serial)
    if abort and not fol.reason:
        fol.reason = f"QEMU aborted in {fol.phase}: {abort}"
    return {"serial": fol.serial, "marks": fol.marks, "phase": fol.phase,
            "reason": fol.reason, "retry": fol.retry or bool(abort),
            "rc": proc.returncode,
            "wall_s": time.time() - t0, "t0": t0,
            "udp_sent": sender.sent if sender else 0}


def probe_kvm(bzimage, initrd):
    """One boot of the lab kernel under KVM with lab.role=probe:
    (accel, why)."""
    rundir = os.path.join(BUILD, "results", ".probe")
    sc = dict(scenarios.DEFAULTS, name="probe", role="probe", load="",
              timeout=40, iommu="")
    lab_artefacts.prepare_rundir(sc, rundir)
    run = boot(sc, "kvm", rundir, bzimage, initrd, stop_on="LAB: probe-ok")
    if "LAB: probe-ok" in run["marks"]:
        return "kvm", "probe boot under KVM reached /init"
    last = run["serial"][-1][1] if run["serial"] else "no output"
    return "tcg", (f"KVM probe boot did not reach /init "
                   f"({run['reason'] or 'qemu exited'} after "
                   f"{run['wall_s']:.1f}s, rc {run['rc']}, "
                   f"last line: {last.strip()[:100]!r})")


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
        accel, why = probe_kvm(bzimage, initrd)
    with open(cache, "w") as f:
        f.write(f"{accel} {why}\n")
    log(f"accelerator {accel}: {why}")
    return accel, why


def replay(rundir, sc):
    """The run record of a finished run, rebuilt from its serial.log
    (to analyse a run again, and for the lab's tests): markers and phase
    as boot() saw them; rc, retry and the UDP count are not kept."""
    with open(os.path.join(rundir, "serial.log"), errors="replace") as f:
        serial = []
        for line in f:
            ts, _, text = line.rstrip("\n").partition(" ")
            serial.append((float(ts), text))
    fol = SerialFollower(sc, None, None, serial[0][0] if serial else 0)
    with open(os.devnull, "w") as out:
        for ts, text in serial:
            fol.line(ts, text, out)
    t0 = serial[0][0] if serial else 0
    return {"serial": fol.serial, "marks": fol.marks, "phase": fol.phase,
            "reason": fol.reason, "retry": False, "rc": 0,
            "wall_s": (serial[-1][0] - t0) if serial else 0, "t0": t0,
            "udp_sent": 0}
