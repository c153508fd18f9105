# SPDX-License-Identifier: GPL-2.0
"""Where the lab finds things: the repository, the build directory
($BUILD: kernels, image, results), QEMU; and the lab's log line."""

import os

REPO = os.environ.get("REPO") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD") or os.path.join(REPO, "build")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")


def kernel_base(kind):
    """A kernel kind without its series: the Linux 7.3 kinds (ours7,
    stock7, off7: patches/7.3/ on build/src7) end in 7."""
    return kind[:-1] if kind.endswith("7") else kind


def log(msg):
    print(f"lab: {msg}", flush=True)
