# SPDX-License-Identifier: GPL-2.0
"""The artefacts of one run: its directory and disks before the boot,
what the guest left on them after it, the dump re-assembled and verified.

    prepare_rundir()  a fresh <results>/<scenario>/ with the three disks,
                      QEMU's trace-event list and scenario.json
    mixed_initrd()    the first kernel's initramfs with another capture
                      kernel appended (cpio)
    extract_tar()     a disk the guest wrote a tar to -> a directory
    verify_dump()     labdump.img -> vmcore.kdump -> vmcore-dmesg.txt,
                      the crash line required
    walk_dump()       the crashed kernel's VT-d tables in the dump ->
                      walk/ (vtdwalk.py), checked against gt/
    crash_dump()      crash(8) opens the dump with the crashed kernel's
                      vmlinux and runs sys, bt and log -> crash.log
"""

import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import tarfile
import zlib

import groundtruth
import lab_parser as parser
import vtdwalk
from lab_env import BUILD

# The lab's disks, found in the guest by serial: ground truth, capture
# results, the dump (sparse).
DISKS = [("labgt", 16 << 20), ("labcap", 16 << 20), ("labdump", 512 << 20)]

TRACE_EVENTS = [
    "vtd_dmar_fault", "vtd_fault_disabled", "vtd_frr_new", "vtd_dmar_enable",
    "vtd_reg_dmar_root", "vtd_re_not_present", "vtd_ce_not_present",
    "e1000e_rx_written_to_guest", "e1000e_core_ctrl_sw_reset",
    "hda_audio_running",
]
# Per-translation events are only worth their cost when an HDA stream
# runs (QEMU has no per-DMA HDA event): enabled for "hda" loads.
TRACE_EVENTS_HDA = ["vtd_dmar_translate"]

PANIC_LINE = "sysrq: Trigger a crash"


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
                               "-R", "0:0"], cwd=stage,
                              input=b"lab\nlab/bzImage\n",
                              capture_output=True, check=True)
        f.write(gzip.compress(cpio.stdout, mtime=0))
    shutil.rmtree(stage)
    return out


def extract_tar(image, dest):
    """A disk the guest wrote a tar archive to -> dest/.  False if empty."""
    try:
        with tarfile.open(image) as tar:
            tar.extractall(dest, filter="data")
        return True
    except (tarfile.TarError, OSError):
        return False


def makedumpfile(args, logpath, stdin=None, mode="w"):
    with open(logpath, mode) as lg:
        return subprocess.run(["makedumpfile"] + args, stdin=stdin,
                              stdout=lg, stderr=subprocess.STDOUT,
                              timeout=300).returncode


def remove(path):
    if os.path.exists(path):
        os.unlink(path)


def verify_dump(rundir):
    """Flattened makedumpfile output on the dump disk -> vmcore.kdump ->
    the crashed kernel's log; require its crash line.  (ok, reason)"""
    img, vmcore = f"{rundir}/labdump.img", f"{rundir}/vmcore.kdump"
    dmesg, mlog = f"{rundir}/vmcore-dmesg.txt", f"{rundir}/makedumpfile.log"
    with open(img, "rb") as f:
        head = f.read(16)
    if not head.startswith(b"makedumpfile"):
        return False, "dump disk holds no makedumpfile stream"
    remove(vmcore)
    with open(img, "rb") as f:
        rc = makedumpfile(["-R", vmcore], mlog, stdin=f)
    if rc != 0:
        return False, f"makedumpfile -R failed ({rc})"
    remove(dmesg)
    rc = makedumpfile(["--dump-dmesg", vmcore, dmesg], mlog, mode="a")
    if rc != 0 or not os.path.exists(dmesg):
        return False, f"makedumpfile --dump-dmesg failed ({rc})"
    return dump_log_ok(dmesg)


def dump_log_ok(dmesg):
    """(ok, reason) of the crashed kernel's log taken from the dump."""
    with open(dmesg, errors="replace") as f:
        text = f.read()
    if PANIC_LINE in text or "Kernel panic" in text or \
            parser.OOPS.search(text):
        return True, ""
    return False, "crash line not in the dump's kernel log"


# What crash(8) runs on every verified dump, non-interactively.  crash is
# Debian trixie's (tools/lab/fetch-crash.sh: bookworm's cannot read 6.12).
# --no_kmem_cache: the lab kernels are SLUB_TINY (tinyconfig), whose
# struct kmem_cache lacks cpu_slab, and crash then takes it for SLAB;
# sys, bt and log do not need the slab caches.
CRASH = os.path.join(BUILD, "crash", "crash")
CRASH_COMMANDS = "sys\nbt\nlog\nquit\n"
# A 7.x dump: crash 8.0.6 (the newest in trixie and trixie-backports)
# looks for the module list of kernels it knows ("cannot resolve:
# "modules"": the lab kernels have no modules), and the guest's
# makedumpfile 1.7.2 ("kernel version is not supported") leaves pages
# crash walks out of the dump (xa_node: the PID xarray).  With these
# options sys, bt and log work; crash only warns about what is missing.
CRASH_OPTIONS_7 = ["--no_modules", "--zero_excluded"]


def crash_options(vmlinux):
    """crash's extra options for the kernel of @vmlinux (by the release
    its build tree recorded next to it)."""
    release = os.path.join(os.path.dirname(vmlinux), "include", "config",
                           "kernel.release")
    try:
        with open(release) as f:
            major = int(f.read().split(".")[0])
    except (OSError, ValueError):
        return []
    return CRASH_OPTIONS_7 if major >= 7 else []


def crash_dump(rundir, vmlinux):
    """crash(8) on <rundir>/vmcore.kdump with @vmlinux (the crashed
    kernel's, with its debug info): sys, bt and log -> crash.log.
    (ok, reason, figures)."""
    vmcore, out = f"{rundir}/vmcore.kdump", f"{rundir}/crash.log"
    if not os.path.exists(vmlinux):
        return False, f"crash: no {vmlinux}", {}
    try:
        p = subprocess.run([CRASH, "-s", "--no_kmem_cache",
                            *crash_options(vmlinux), vmlinux, vmcore],
                           input=CRASH_COMMANDS, capture_output=True,
                           text=True, errors="replace", timeout=300)
        text, rc = p.stdout + p.stderr, p.returncode
    except (OSError, subprocess.TimeoutExpired) as e:
        text, rc = f"{e}\n", -1
    with open(out, "w") as f:
        f.write(text)
    ok, why, fig = crash_log_ok(text)
    if ok and rc != 0:
        ok, why = False, f"crash exited {rc}"
    return ok, why, fig


CRASH_SYS = re.compile(r"^\s*(KERNEL|DUMPFILE|RELEASE|PANIC|TASKS|CPUS):"
                       r"\s*(.*?)\s*$", re.M)
CRASH_BT = re.compile(r"^PID: \d+.*TASK: [0-9a-f]+.*$", re.M)
CRASH_FRAME = re.compile(r"^\s*#\d+ \[[0-9a-f]+\] (\w+) at ", re.M)


def crash_log_ok(text):
    """(ok, reason, figures) of what crash(8) printed for CRASH_COMMANDS:
    sys names the kernel and the panic, bt a task and its frames, log
    holds the crash line."""
    sysf = dict(CRASH_SYS.findall(text))
    fig = {"crash_release": sysf.get("RELEASE"),
           "crash_panic": sysf.get("PANIC", "").strip('"') or None,
           "crash_frames": [m.group(1) for m in CRASH_FRAME.finditer(text)]}
    for line in text.splitlines():
        if "no debugging data available" in line or \
                "do not match" in line or line.startswith("crash: "):
            return False, "crash: " + line.strip()[:160], fig
    if "KERNEL" not in sysf or "RELEASE" not in sysf:
        return False, "crash: sys printed no KERNEL/RELEASE", fig
    if not CRASH_BT.search(text) or not fig["crash_frames"]:
        return False, "crash: bt printed no task with frames", fig
    if PANIC_LINE not in text and "Kernel panic" not in text:
        return False, "crash: log lacks the crash line", fig
    return True, "", fig


def walk_dump(rundir):
    """The crashed kernel's VT-d tables from the dump -> <rundir>/walk/;
    checked against the first kernel's debugfs snapshot.  Figures."""
    regset = f"{rundir}/gt/iommu_regset"
    if not os.path.exists(regset):
        return {}
    try:
        mem = vtdwalk.Vmcore(f"{rundir}/vmcore.kdump")
        ctx, ranges, missing = [], [], []
        for iommu, rtaddr in sorted(vtdwalk.read_regset(regset).items()):
            c, r, m = vtdwalk.walk(mem, iommu, rtaddr)
            ctx, ranges, missing = ctx + c, ranges + r, missing + m
        vtdwalk.write_tsv(f"{rundir}/walk", ctx, ranges)
    except (OSError, ValueError, struct.error, zlib.error) as e:
        return {"walk_error": str(e)}
    fig = {"walk_contexts": len(ctx), "walk_ranges": len(ranges)}
    if missing:
        fig["walk_tables_missing"] = len(missing)
    check = groundtruth.walk_vs_snapshot(rundir)
    if check:
        fig["walk_matches_snapshot"], fig["walk_detail"] = check
    return fig
