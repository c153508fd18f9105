# SPDX-License-Identifier: GPL-2.0
#
# The VT-d kdump adoption lab.  See README.md ("The lab").
#
#   make check                 CI's gate, unattended: host setup, the lab's
#                              own tests, source, the six kernels, image,
#                              both series applied and checked, static
#                              checks, the scenarios of CHECK_SCENARIOS
#                              (each step timed: step.sh)
#   make check SCENARIOS="a b" only those scenarios (and only the kernels
#                              they need)
#   make matrix                make check with every scenario of the matrix
#                              and every step of both series built
#   make demo                  the hand-over window on stock, then ours:
#                              one screen side by side, an SVG timeline
#   make bench [REPEAT=5]      stock and ours (reset, inplace, copy) side
#                              by side, 1-64 devices and large mappings
#   make fuzz [N=200]          N panics, each after seeded random damage of
#                              the live tables: dumps saved out of N
#   make soak [N=100]          N panics under DMA load, the panic moment
#                              varied: dumps saved and verified out of N
#
# Steps, each runnable on its own: setup, labtest, source, kernel-stock,
# kernel-ours, kernel-off, image, patchset (the git am series, applied and
# equal to the overlay; make patchset builds every patch), patchset7 (the
# same on 7.3; make patchset7), static (checkpatch
# --strict on the series and our files, kernel-doc, W=1 and sparse on our
# files, once kernel-ours is built).
# make lint: shellcheck and pyflakes.

BUILD ?= $(CURDIR)/build
REPO := $(CURDIR)
export BUILD REPO

LAB := tools/lab
STEP := $(LAB)/step.sh
SCENARIOS ?=
REPEAT ?= 5
# make soak N=100: that many consecutive panics (not part of make check).
N ?= 100


only := $(if $(strip $(SCENARIOS)),--only "$(strip $(SCENARIOS))")

.PHONY: all matrix setup source kernel-stock kernel-ours kernel-off \
	kernel-stock7 kernel-ours7 kernel-off7 image static static7 patchset \
	patchset7 \
	demo check \
	bench fuzz \
	soak lint labtest clean-results

all: check

setup:
	$(LAB)/setup-host.sh

source:
	$(LAB)/fetch-source.sh
	$(LAB)/fetch-source.sh 7
	$(LAB)/fetch-crash.sh

# flock: two builds of one tree at once (make check while someone runs
# build-kernel.sh by hand) corrupt the overlay; use the same lock by hand:
#   flock build/.kernel-ours.lock tools/lab/build-kernel.sh ours
kernel-stock kernel-ours kernel-off kernel-stock7 kernel-ours7 kernel-off7: kernel-%:
	mkdir -p $(BUILD)
	flock $(BUILD)/.kernel-$*.lock $(LAB)/build-kernel.sh $*

image:
	$(LAB)/selftests.sh
	$(LAB)/image.sh

static:
	flock $(BUILD)/.kernel-ours.lock $(LAB)/static.sh

# The series (git format-patch against pristine 6.12) in
# $(BUILD)/patchset/series: git am onto a pristine git tree, the result
# equal to the overlay, every patch built with the option on and off
# (tools/lab/patchset.sh; NOBUILD=1 skips the builds).
patchset:
	$(MAKE) kernel-off
	$(MAKE) kernel-ours
	flock $(BUILD)/.patchset.lock $(LAB)/patchset.sh $(if $(NOBUILD),--no-build)

static7:
	flock $(BUILD)/.kernel-ours7.lock $(LAB)/static.sh ours7

# The same series on Linux 7.3 (patches/7.3/), in $(BUILD)/patchset7/series.
# make check applies it (git am, equal to the overlay) and checks it; the
# build of every step runs here.
patchset7:
	$(MAKE) kernel-off7
	$(MAKE) kernel-ours7
	flock $(BUILD)/.patchset7.lock $(LAB)/patchset.sh $(if $(NOBUILD),--no-build) 7.3

# The hand-over window on stock, then on ours: one screen side by side and
# an SVG timeline (tools/lab/demo.py).  Sub-makes keep the order of the
# steps under make -j as well.
demo:
	$(MAKE) setup
	$(MAKE) source
	$(MAKE) kernel-stock
	$(MAKE) kernel-ours
	$(MAKE) image
	$(LAB)/lab.py --demo

# The lab's own tests need nothing built: they run before any kernel is.
labtest:
	python3 $(LAB)/lab_test.py

check:
	$(STEP) setup $(MAKE) setup
	$(STEP) labtest $(MAKE) labtest
	$(STEP) source $(MAKE) source
	for k in $$($(LAB)/lab.py --kernels $(only)); do \
		$(STEP) kernel-$$k $(MAKE) kernel-$$k || exit 1; \
	done
	$(STEP) image $(MAKE) image
	if $(LAB)/lab.py --kernels $(only) | grep -qw ours; then \
		$(STEP) patchset flock $(BUILD)/.patchset.lock \
			$(LAB)/patchset.sh $(if $(build),,--no-build) || exit 1; \
		$(STEP) static $(MAKE) static || exit 1; \
	fi
	if $(LAB)/lab.py --kernels $(only) | grep -qw ours7; then \
		$(STEP) patchset7 flock $(BUILD)/.patchset7.lock \
			$(LAB)/patchset.sh $(if $(build),,--no-build) 7.3 || exit 1; \
		$(STEP) static7 $(MAKE) static7 || exit 1; \
	fi
	$(STEP) scenarios $(LAB)/lab.py $(only)

# make matrix: what make check does, with every scenario of the matrix
# (scenarios.SCENARIOS: 89) and every step of both series built with the
# option on and off.  About 40 min warm and 75 cold here: outside CI's
# budget, run before a series is sent.
matrix:
	$(MAKE) check only=--matrix build=1

soak:
	$(MAKE) setup
	$(MAKE) source
	$(MAKE) kernel-ours
	$(MAKE) image
	$(LAB)/lab.py --soak $(N)

# make fuzz N=200 [SEED=0x1000]: seeded random damage of live tables before
# each panic; dumps saved out of N, failures with their seeds.
fuzz:
	$(MAKE) setup
	$(MAKE) source
	$(MAKE) kernel-ours
	$(MAKE) image
	$(LAB)/lab.py --fuzz $(N) $(if $(SEED),--seed $(SEED))

# make bench [REPEAT=5] [WORKLOADS="dev1 map256-4k"] [KERNELS="stock inplace"]:
# the capture kernels side by side, one QEMU at a time; the table and the
# plots in build/results/bench/ (tools/lab/bench.py).
bench:
	$(MAKE) setup
	$(MAKE) source
	$(MAKE) kernel-ours
	$(MAKE) kernel-stock
	$(MAKE) image
	$(LAB)/lab.py --bench --repeat $(REPEAT) \
		$(if $(strip $(WORKLOADS)),--bench-workloads "$(strip $(WORKLOADS))") \
		$(if $(strip $(KERNELS)),--bench-kernels "$(strip $(KERNELS))")

lint:
	shellcheck -S warning $(LAB)/*.sh $(LAB)/guest/init .ci/run
	pyflakes3 $(LAB)/*.py $(LAB)/test_data/*.py

clean-results:
	rm -rf $(BUILD)/results $(BUILD)/bench
