# SPDX-License-Identifier: GPL-2.0
"""Where the lab finds things: the repository, the build directory
($BUILD: kernels, image, results), QEMU; and the lab's log line."""

import os

REPO = os.environ.get("REPO") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD") or os.path.join(REPO, "build")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")


def log(msg):
    print(f"lab: {msg}", flush=True)
