// SPDX-License-Identifier: GPL-2.0
/*
 * kdump.c - a capture kernel adopts the crashed kernel's VT-d state
 *
 * When a kernel panics, its devices keep doing DMA through the IOMMU with
 * the crashed kernel's translations.  The capture kernel must not switch
 * translation off (the DMA would then hit raw physical memory) nor load
 * empty tables (the DMA would fault).  Instead, per IOMMU that it finds
 * with translation enabled, it adopts what is there:
 *
 *  - the registers are snapshotted as found, before anything touches them
 *    (intel_iommu_kdump_snapshot(), called when dmar.c maps the unit);
 *  - every root, context and PASID-table entry and every page-table entry
 *    below it is checked before it is used: a table or leaf must lie in RAM
 *    that belonged to the crashed kernel (the PT_LOAD ranges of the ELF core
 *    header) and never in the capture kernel's own RAM; reserved bits must
 *    be clear; the translation type, address width and domain-id must be
 *    ones this IOMMU supports; walks are bounded and loops are refused;
 *  - an entry that passes is copied into a new context table; one that fails
 *    is left out, so its device is blocked, and the reason is recorded;
 *  - each adopted context's page table is walked to record the IOVA ranges
 *    that were live at the panic, and its domain-id is marked in use;
 *  - page tables are either used in place (the default, as mainline does)
 *    or, with intel_iommu_kdump=copy, duplicated into capture-kernel memory
 *    and linked by their new physical addresses, as the 2014 proposal did.
 *
 * iommu.c then loads the new root table while translation stays enabled.
 * That is legal because the old and the new tables translate identically:
 * the VT-d specification lets software set the root-table pointer (GCMD.SRTP)
 * with translation enabled, the hardware using either table until the
 * context-cache and IOTLB invalidations that iommu.c issues next (Intel VT-d
 * specification rev 1.3, section 11.2; "Global Command Register" in later
 * revisions).  The root-table type (legacy or scalable, RTADDR.TTM) cannot
 * change while translation is enabled, so an IOMMU whose old format differs
 * from the one this kernel uses is reset, as mainline does.
 *
 * A device then goes through three states.  Adopted: its old context is in
 * use, and its old IOVA ranges are reserved regions, so the DMA domain the
 * IOMMU core creates for it never allocates them.  Handed over: when its
 * driver first uses the DMA API and the new domain is attached, every old
 * IOVA is first mapped in the new domain to the same page, then the
 * context entry is replaced without ever being non-present (in scalable
 * mode only once the new PASID table's RID_PASID entry is written), so DMA
 * still in flight from the crashed kernel translates identically at every
 * store of the switch (kdump_switch_legacy(), kdump_switch_scalable()).
 * Released: on request (kdump/release), once the driver has reset the
 * device, the old mappings are unmapped.  Devices with no driver in the
 * capture kernel stay adopted.
 *
 * Until this kernel requests its own fault interrupt, the fault event still
 * targets the crashed kernel's vector: it is masked at the snapshot and the
 * pending records are drained once the handler is in place.
 *
 * With intel_iommu_kdump=reset the unit steps aside and the capture kernel
 * resets the IOMMU: translation off, fresh tables, translation on.  Where
 * the unit declines an IOMMU (format mismatch, no memory map, -ENOMEM) it
 * leaves the root table empty and mainline's copy_translation_tables()
 * runs, as in a kernel built without CONFIG_INTEL_IOMMU_KDUMP_ADOPT.
 *
 * The adopted state is kept per IOMMU in struct kdump_iommu and shown under
 * /sys/kernel/debug/iommu/intel/kdump/, summed up per IOMMU in sysfs
 * (intel-iommu/kdump_adopted) and marked in debugfs dmar_translation_struct.
 * Every step is a tracepoint (trace/events/intel_iommu_kdump.h):
 * adoption begin and end, each context adopted or refused, each domain-id
 * reserved and IOVA range recorded, each hand-over, switch and release.
 *
 * This file holds the state per IOMMU and adoption: the judge
 * (kdump_validate.c) decides what to adopt without touching the IOMMU,
 * then kdump_install() loads the result as a whole.  kdump_private.h
 * lists what the other files do.
 */

#define pr_fmt(fmt)	"DMAR: kdump: " fmt

#include <linux/crash_dump.h>
#include <linux/elf.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "iommu.h"
#include "pasid.h"
#include "../iommu-pages.h"
#include "kdump_private.h"

#define CREATE_TRACE_POINTS
#include <trace/events/intel_iommu_kdump.h>

const char * const kdump_mode_names[] = {
	[KDUMP_MODE_INPLACE]	= "inplace",
	[KDUMP_MODE_COPY]	= "copy",
	[KDUMP_MODE_RESET]	= "reset",
};

static enum kdump_mode kdump_mode = KDUMP_MODE_INPLACE;
u32 kdump_debug_mask;

/* Refused contexts logged one by one per IOMMU; the rest are counted. */
#define KDUMP_REFUSALS_LOGGED	16

#define KDUMP_REG(r, w)	{ #r, DMAR_##r##_REG, w }

const struct kdump_reg kdump_regs[KDUMP_NR_REGS] = {
	KDUMP_REG(VER, 4),	KDUMP_REG(CAP, 8),	KDUMP_REG(ECAP, 8),
	KDUMP_REG(GSTS, 4),	KDUMP_REG(RTADDR, 8),	KDUMP_REG(CCMD, 8),
	KDUMP_REG(FSTS, 4),	KDUMP_REG(FECTL, 4),	KDUMP_REG(FEDATA, 4),
	KDUMP_REG(FEADDR, 4),	KDUMP_REG(FEUADDR, 4),	KDUMP_REG(PMEN, 4),
	KDUMP_REG(IQH, 8),	KDUMP_REG(IQT, 8),	KDUMP_REG(IQA, 8),
	KDUMP_REG(ICS, 4),	KDUMP_REG(IQER, 8),	KDUMP_REG(IRTA, 8),
};

struct kdump_iommu *kdump_iommus[DMAR_UNITS_SUPPORTED];
/* Serialises the hand-over, release and readers after boot. */
DEFINE_MUTEX(kdump_lock);
static struct kdump_mem_map kdump_mm;
/* What adopting every IOMMU together may cost: see kdump_budget_init(). */
static struct kdump_budget kdump_global_budget;

static int __init intel_iommu_kdump_setup(char *str)
{
	char tok[32];

	while (str && *str) {
		size_t len = strcspn(str, ",");

		strscpy(tok, str, min(len + 1, sizeof(tok)));
		if (!strcmp(tok, "inplace"))
			kdump_mode = KDUMP_MODE_INPLACE;
		else if (!strcmp(tok, "copy"))
			kdump_mode = KDUMP_MODE_COPY;
		else if (!strcmp(tok, "reset"))
			kdump_mode = KDUMP_MODE_RESET;
		else if (!strncmp(tok, "debug=", 6) &&
			 !kstrtou32(tok + 6, 0, &kdump_debug_mask))
			;
		else
			pr_warn("unknown option '%s' in intel_iommu_kdump=\n",
				tok);
		str += len;
		if (*str == ',')
			str++;
	}
	return 0;
}
early_param("intel_iommu_kdump", intel_iommu_kdump_setup);

/* ---- The crashed kernel's memory map ------------------------------- */

static int kdump_add_own_ram(struct resource *res, void *arg)
{
	struct kdump_mem_map *mm = arg;

	return kdump_range_append(&mm->own, &mm->nr_own, res->start, res->end);
}

static int kdump_add_direct(struct resource *res, void *arg)
{
	struct kdump_mem_map *mm = arg;

	return kdump_range_append(&mm->direct, &mm->nr_direct, res->start,
				  res->end);
}

/* The crashed kernel's RAM is what its ELF core header lists as PT_LOAD. */
static int kdump_add_old_ram(struct kdump_mem_map *mm)
{
	struct elf64_hdr ehdr;
	struct elf64_phdr phdr;
	u64 pos = elfcorehdr_addr;
	unsigned int i;
	int ret;

	if (elfcorehdr_read((char *)&ehdr, sizeof(ehdr), &pos) != sizeof(ehdr))
		return -EIO;
	if (memcmp(ehdr.e_ident, ELFMAG, SELFMAG) ||
	    ehdr.e_ident[EI_CLASS] != ELFCLASS64 ||
	    ehdr.e_phentsize != sizeof(phdr) || !ehdr.e_phnum)
		return -EINVAL;

	for (i = 0; i < ehdr.e_phnum; i++) {
		pos = elfcorehdr_addr + ehdr.e_phoff + i * sizeof(phdr);
		if (elfcorehdr_read((char *)&phdr, sizeof(phdr), &pos) !=
		    sizeof(phdr))
			return -EIO;
		if (phdr.p_type != PT_LOAD || !phdr.p_memsz)
			continue;
		ret = kdump_range_append(&mm->old, &mm->nr_old, phdr.p_paddr,
					 phdr.p_paddr + phdr.p_memsz - 1);
		if (ret)
			return ret;
	}
	return mm->nr_old ? 0 : -ENOENT;
}

static int kdump_mem_map_init(struct kdump_mem_map *mm)
{
	int ret;

	if (mm->nr_old)
		return 0;
	ret = kdump_add_old_ram(mm);
	if (!ret)
		ret = walk_system_ram_res(0, U64_MAX, mm, kdump_add_own_ram);
	/* Identity-mapped by the crashed kernel for ISA and RMRR devices. */
	if (!ret)
		ret = kdump_range_append(&mm->direct, &mm->nr_direct, 0,
					 SZ_16M - 1);
	if (!ret) {
		ret = walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM,
					  0, U64_MAX, mm, kdump_add_direct);
		if (ret == -EINVAL)	/* no reserved region at all */
			ret = 0;
	}
	if (ret) {
		kfree(mm->old);
		kfree(mm->own);
		kfree(mm->direct);
		memset(mm, 0, sizeof(*mm));
		return ret;
	}
	kdump_mem_map_normalize(mm->old, &mm->nr_old);
	kdump_mem_map_normalize(mm->own, &mm->nr_own);
	kdump_mem_map_normalize(mm->direct, &mm->nr_direct);
	return 0;
}

/* ---- Register snapshot ----------------------------------------------- */

/**
 * kdump_state() - the adoption state of an IOMMU
 * @iommu: the IOMMU
 *
 * Return: its state, or NULL before its register snapshot.
 */
struct kdump_iommu *kdump_state(struct intel_iommu *iommu)
{
	struct kdump_iommu *st;

	if (iommu->seq_id < 0 || iommu->seq_id >= DMAR_UNITS_SUPPORTED)
		return NULL;
	st = kdump_iommus[iommu->seq_id];
	/* A unit freed and another given its seq_id: not its state. */
	return st && st->iommu == iommu ? st : NULL;
}

/**
 * intel_iommu_kdump_snapshot() - record an IOMMU's registers as found
 * @iommu: the IOMMU, just mapped
 *
 * Called by dmar.c before anything programs the unit, in capture kernels
 * only.  The snapshot is what debugfs shows under kdump/registers.
 */
void intel_iommu_kdump_snapshot(struct intel_iommu *iommu)
{
	struct kdump_iommu *st;
	unsigned int i, off;

	if (!is_kdump_kernel() || iommu->seq_id < 0 ||
	    iommu->seq_id >= DMAR_UNITS_SUPPORTED)
		return;

	st = kdump_iommus[iommu->seq_id];
	if (!st) {
		st = kzalloc_obj(*st, GFP_KERNEL);
		if (!st)
			return;
		kdump_judge_init(st);
		kdump_iommus[iommu->seq_id] = st;
	}
	st->iommu = iommu;
	st->mode = kdump_mode;
	for (i = 0; i < ARRAY_SIZE(kdump_regs); i++)
		st->regs[i] = kdump_regs[i].width == 8 ?
			readq(iommu->reg + kdump_regs[i].offset) :
			readl(iommu->reg + kdump_regs[i].offset);

	st->nr_frr = min_t(unsigned int, cap_num_fault_regs(iommu->cap),
			   KDUMP_MAX_FRR);
	off = cap_fault_reg_offset(iommu->cap);
	for (i = 0; i < st->nr_frr; i++, off += 16) {
		st->frr[i][0] = readq(iommu->reg + off);
		st->frr[i][1] = readq(iommu->reg + off + 8);
	}
	st->pre_enabled = st->regs[KDUMP_REG_GSTS] & DMA_GSTS_TES;

	/*
	 * The fault event interrupt still targets the crashed kernel's
	 * vector.  A fault raised before this kernel requests its own
	 * interrupt would be signalled there and lost, leaving PPF set so
	 * that no later fault raises an interrupt either.  Mask it: faults
	 * are still recorded, and unmasking delivers the pending one
	 * (intel_iommu_kdump_fault_takeover()).
	 */
	writel(DMA_FECTL_IM, iommu->reg + DMAR_FECTL_REG);

	/*
	 * vmcore_init() consumes the ELF core header before init_dmars()
	 * runs: read the crashed kernel's memory map now.
	 */
	if (st->pre_enabled && kdump_mem_map_init(&kdump_mm))
		pr_err("%s: cannot read the crashed kernel's memory map\n",
		       iommu->name);
	st->outcome = st->pre_enabled ? "found-enabled" : "found-disabled";

	if (kdump_debug_mask & KDUMP_DBG_REGISTERS)
		for (i = 0; i < ARRAY_SIZE(kdump_regs); i++)
			pr_info("%s: %-8s 0x%02x 0x%016llx\n", iommu->name,
				kdump_regs[i].name, kdump_regs[i].offset,
				st->regs[i]);
}

/**
 * intel_iommu_kdump_forget() - an IOMMU is about to be freed
 * @iommu: the IOMMU
 *
 * Called by dmar.c before it frees @iommu (unit hot-removed, or set-up
 * failed after the snapshot).  Its state stays allocated: debugfs stops
 * showing it and nothing reaches @iommu through it again.  Adoption only
 * happens at boot, so a unit that later gets the same seq_id is never
 * adopted and starts from a fresh snapshot.
 */
void intel_iommu_kdump_forget(struct intel_iommu *iommu)
{
	struct kdump_iommu *st;

	if (iommu->seq_id < 0 || iommu->seq_id >= DMAR_UNITS_SUPPORTED)
		return;
	mutex_lock(&kdump_lock);
	st = kdump_iommus[iommu->seq_id];
	if (st && st->iommu == iommu) {
		st->iommu = NULL;
		st->adopted = false;
	}
	mutex_unlock(&kdump_lock);
}

/**
 * intel_iommu_kdump_fault_takeover() - report faults held while masked
 * @iommu: the IOMMU whose fault interrupt was just requested
 *
 * Called by dmar_set_interrupt() once this kernel's fault handler is in
 * place: drain the fault recording registers so faults raised while the
 * interrupt was masked are reported, and PPF is clear for the next one.
 */
void intel_iommu_kdump_fault_takeover(struct intel_iommu *iommu)
{
	if (!is_kdump_kernel() || !iommu->irq)
		return;
	dmar_fault(iommu->irq, iommu);
}

/* ---- Adoption -------------------------------------------------------- */

/*
 * Bound what the crashed kernel's tables can make adoption read and hold,
 * from the capture kernel's memory (crashkernel=, often 256 MiB): all
 * IOMMUs together may allocate an eighth of it and read one table page
 * per 64 bytes of that (512Ki tables, 16 leaves each, at 256 MiB); one
 * IOMMU three quarters of that, so that one damaged unit cannot starve
 * the others.  A legitimate state is far below: a 64-device guest takes
 * under 0.5 MiB.
 */
static void kdump_budget_init(struct kdump_iommu *st)
{
	struct kdump_budget *g = &kdump_global_budget;
	unsigned long bytes = (totalram_pages() << PAGE_SHIFT) / 8;
	unsigned int i;

	if (!g->limit[KDUMP_BUDGET_BYTES]) {
		g->limit[KDUMP_BUDGET_BYTES] = bytes;
		g->limit[KDUMP_BUDGET_TABLES] = bytes / 64;
		g->limit[KDUMP_BUDGET_LEAVES] = bytes / 4;
	}
	for (i = 0; i < KDUMP_NR_BUDGET; i++) {
		st->budget.limit[i] = g->limit[i] / 4 * 3;
		st->budget.used[i] = 0;
	}
	st->budget.parent = g;
}

/* Release the domain-ids kdump_commit_dids() reserved, below @end. */
static void kdump_uncommit_dids(struct kdump_iommu *st, unsigned int end)
{
	unsigned int i;

	for (i = 0; i < end; i++)
		if (test_bit(i, st->dids))
			kdump_hw_unreserve_did(st->iommu, i);
}

/*
 * Reserve the domain-ids the judge found in use, so that no new domain
 * gets one.  The only step of the installation that can fail (the
 * allocator may need memory): it comes first, and undoes itself.
 */
static int kdump_commit_dids(struct kdump_iommu *st)
{
	unsigned int i;
	int ret;

	for (i = 0; i < cap_ndoms(st->iommu->cap); i++) {
		if (!test_bit(i, st->dids))
			continue;
		ret = kdump_hw_reserve_did(st->iommu, i);
		if (ret) {
			kdump_uncommit_dids(st, i);
			return ret;
		}
	}
	return 0;
}

/*
 * Load what the judge decided, as a whole and only once it all succeeded
 * and its domain-ids are reserved (kdump_commit_dids()): the contexts it
 * copied, the new root entries.  Translation stays enabled; init_dmars()
 * then loads the root table pointer and invalidates the context cache and
 * the IOTLB.
 */
static void kdump_install(struct kdump_iommu *st,
			  const struct root_entry *new_rt)
{
	struct intel_iommu *iommu = st->iommu;
	unsigned int i;

	for (i = 0; i < st->nr_ctx; i++)
		if (st->ctx[i].state == KDUMP_CTX_ADOPTED)
			set_context_copied(iommu, st->ctx[i].bus,
					   st->ctx[i].devfn);
	spin_lock(&iommu->lock);
	memcpy(iommu->root_entry, new_rt, VTD_PAGE_SIZE);
	spin_unlock(&iommu->lock);
	__iommu_flush_cache(iommu, iommu->root_entry, VTD_PAGE_SIZE);
}

/**
 * kdump_held_bytes() - what an adopted IOMMU's state holds now
 * @st: the IOMMU's state
 *
 * Context and PASID tables, page-table copies and the bookkeeping arrays;
 * the tables of the crashed kernel used in place are not counted (they
 * are its memory).  Less once released walks were trimmed.
 *
 * Return: bytes.
 */
size_t kdump_held_bytes(const struct kdump_iommu *st)
{
	size_t bytes = st->nr_pages * PAGE_SIZE +
		       st->max_ctx * sizeof(*st->ctx) +
		       st->max_walks * sizeof(*st->walks) +
		       st->max_pasids * sizeof(*st->pasids) +
		       BITS_TO_LONGS(cap_ndoms(st->iommu->cap)) *
		       sizeof(long) + sizeof(*st);
	unsigned int i;

	for (i = 0; i < st->nr_walks; i++) {
		const struct kdump_walk *w = st->walks[i];

		bytes += sizeof(*w) + w->copied_pages * PAGE_SIZE +
			 w->max_copies * sizeof(*w->copies) +
			 w->max_ranges * sizeof(*w->ranges) +
			 w->max_maps * sizeof(*w->maps);
	}
	return bytes;
}

/**
 * kdump_held_pages() - the pages of kdump_held_bytes() from the allocator
 * @st: the IOMMU's state
 *
 * The context, PASID and page-table pages, allocated with the IOMMU page
 * allocator and so also counted in /proc/vmstat nr_iommu_pages.
 *
 * Return: pages.
 */
unsigned long kdump_held_pages(const struct kdump_iommu *st)
{
	unsigned long pages = st->nr_pages;
	unsigned int i;

	for (i = 0; i < st->nr_walks; i++)
		pages += st->walks[i]->copied_pages;
	return pages;
}

static void kdump_account(struct kdump_iommu *st)
{
	unsigned int i, j;

	st->bytes_held = kdump_held_bytes(st);
	for (i = 0; i < st->nr_ctx; i++) {
		struct kdump_walk *w = st->ctx[i].walk;

		if (!w || st->ctx[i].state != KDUMP_CTX_ADOPTED)
			continue;
		st->nr_ranges += w->nr_ranges;
		for (j = 0; j < w->nr_ranges; j++)
			st->nr_iova_pages += (w->ranges[j].last -
					      w->ranges[j].start + 1) >>
					     VTD_PAGE_SHIFT;
	}
}

static void kdump_report_context(struct kdump_iommu *st,
				 const struct kdump_context *c,
				 unsigned int *logged)
{
	const char *name = st->iommu->name;

	if (c->state == KDUMP_CTX_ADOPTED) {
		unsigned long dropped = kdump_context_dropped(c);
		unsigned long window = kdump_context_dropped_window(c);

		trace_kdump_context_adopted(st->iommu, c->bus, c->devfn, c->did,
					    c->tt, c->aw, c->old_table,
					    dropped + window ? "partial" : "-",
					    dropped + window);
		if (dropped + window && (*logged)++ < KDUMP_REFUSALS_LOGGED)
			pr_warn("%s: adopted %02x:%02x.%d partially: %lu leaves into capture RAM (the first at 0x%llx) and %lu of a direct window over old RAM left out, DMA to them is blocked\n",
				name, c->bus, PCI_SLOT(c->devfn),
				PCI_FUNC(c->devfn), dropped,
				c->tables->dropped_addr, window);
		if (kdump_debug_mask & KDUMP_DBG_CONTEXTS)
			pr_info("%s: adopted %02x:%02x.%d did %u tt %u aw %u table 0x%llx -> 0x%llx\n",
				name, c->bus, PCI_SLOT(c->devfn),
				PCI_FUNC(c->devfn), c->did, c->tt, c->aw,
				c->old_table, c->new_table);
		return;
	}
	trace_kdump_context_refused(st->iommu, c->bus, c->devfn, c->did, c->tt,
				    c->aw, c->old_table,
				    kdump_refusal_name(c->reason), c->bad_addr);
	if ((*logged)++ >= KDUMP_REFUSALS_LOGGED)
		return;
	if (c->devfn == KDUMP_CTX_WHOLE_TABLE)
		pr_warn("%s: refused the context table of bus %02x: %s (0x%llx), its devices are blocked\n",
			name, c->bus, kdump_refusal_name(c->reason),
			c->bad_addr);
	else
		pr_warn("%s: refused %02x:%02x.%d: %s (0x%llx), its DMA is blocked\n",
			name, c->bus, PCI_SLOT(c->devfn), PCI_FUNC(c->devfn),
			kdump_refusal_name(c->reason), c->bad_addr);
}

static void kdump_report_walk(struct kdump_iommu *st,
			      const struct kdump_walk *w)
{
	pr_info("%s: walked %s table 0x%llx (%d levels): %lu tables, %u ranges, leaves 4K/2M/1G %lu/%lu/%lu%s%s\n",
		st->iommu->name,
		w->format == KDUMP_PT_FIRST_LEVEL ? "first-level" :
						    "second-level",
		w->root, w->levels, w->tables, w->nr_ranges, w->leaves[0],
		w->leaves[1], w->leaves[2], w->reason ? ", refused: " : "",
		w->reason ? kdump_refusal_name(w->reason) : "");
}

static void kdump_report_ranges(struct kdump_iommu *st,
				const struct kdump_context *c)
{
	unsigned int j;

	for (j = 0; c->walk && j < c->walk->nr_ranges; j++) {
		const struct kdump_iova_range *r = &c->walk->ranges[j];

		trace_kdump_iova_range(st->iommu, c->bus, c->devfn, r->start,
				       r->last, r->perm);
		if (kdump_debug_mask & KDUMP_DBG_RANGES)
			pr_info("%s: %02x:%02x.%d iova 0x%llx-0x%llx %c%c\n",
				st->iommu->name, c->bus, PCI_SLOT(c->devfn),
				PCI_FUNC(c->devfn), r->start, r->last,
				r->perm & KDUMP_PERM_READ ? 'r' : '-',
				r->perm & KDUMP_PERM_WRITE ? 'w' : '-');
	}
}

/*
 * Say what adoption found, outside the time it is measured by: the
 * tracepoints of every context, domain-id and IOVA range, the refusals
 * (the first KDUMP_REFUSALS_LOGGED of them), and what debug= asks for.
 */
static void kdump_report(struct kdump_iommu *st)
{
	struct intel_iommu *iommu = st->iommu;
	unsigned int i, logged = 0;

	if (st->root_refused) {
		pr_err("%s: refused the root table at 0x%llx: %s; every device is blocked\n",
		       iommu->name, st->old_root,
		       kdump_refusal_name(st->root_reason));
		return;
	}
	for (i = 0; i < st->nr_ctx; i++)
		kdump_report_context(st, &st->ctx[i], &logged);
	if (logged > KDUMP_REFUSALS_LOGGED)
		pr_warn("%s: %u more contexts refused (kdump/contexts)\n",
			iommu->name, logged - KDUMP_REFUSALS_LOGGED);
	for (i = 0; i < cap_ndoms(iommu->cap); i++)
		if (test_bit(i, st->dids))
			trace_kdump_did_reserved(iommu, i);
	for (i = 0; i < st->nr_ctx; i++)
		if (st->ctx[i].state == KDUMP_CTX_ADOPTED)
			kdump_report_ranges(st, &st->ctx[i]);
	for (i = 0; (kdump_debug_mask & KDUMP_DBG_WALKS) && i < st->nr_walks; i++)
		kdump_report_walk(st, st->walks[i]);
}

/*
 * Free what a failed adoption judged.  Nothing was installed (that comes
 * last, and cannot fail), so mainline's copy finds the IOMMU as
 * iommu_alloc_root_entry() left it: an empty root table, no copied-context
 * bitmap, none of this unit's context tables.
 */
static void kdump_adopt_undo(struct kdump_iommu *st)
{
	struct intel_iommu *iommu = st->iommu;
	unsigned int i;

	bitmap_free(iommu->copied_tables);
	iommu->copied_tables = NULL;
	/* What this unit used is not lost to the next one. */
	for (i = 0; i < KDUMP_NR_BUDGET && st->budget.parent; i++)
		st->budget.parent->used[i] -= min(st->budget.used[i],
						  st->budget.parent->used[i]);
	kdump_judged_free(st);
	bitmap_free(st->dids);
	st->dids = NULL;
}

static int kdump_adopt(struct kdump_iommu *st)
{
	struct intel_iommu *iommu = st->iommu;
	struct kdump_span_reader *reader;
	struct root_entry *new_rt;
	int ret;

	if (st->mode == KDUMP_MODE_RESET) {
		st->outcome = "reset-by-request";
		pr_info("%s: adoption off (intel_iommu_kdump=reset): resetting translation\n",
			iommu->name);
		return -ECANCELED;
	}

	st->scalable = readq(iommu->reg + DMAR_RTADDR_REG) &
		       DMA_RTADDR_SMT;
	/*
	 * The root-table type can only change with translation disabled,
	 * and disabling it opens the window this unit exists to close.
	 * Mainline's copy refuses the same and resets: leave it to it.
	 */
	if (st->scalable != !!sm_supported(iommu)) {
		st->outcome = "mainline-format-mismatch";
		pr_err("%s: old tables are %s but this kernel uses %s mode: left to mainline's copy\n",
		       iommu->name, st->scalable ? "scalable" : "legacy",
		       sm_supported(iommu) ? "scalable" : "legacy");
		return -EINVAL;
	}

	if (!kdump_mm.nr_old) {
		st->outcome = "mainline-no-memory-map";
		pr_err("%s: the crashed kernel's memory map is unknown: left to mainline's copy\n",
		       iommu->name);
		return -ENOENT;
	}

	kdump_budget_init(st);
	st->mm = &kdump_mm;
	st->hw.cap = iommu->cap;
	st->hw.ecap = iommu->ecap;
	st->node = iommu->node;
	st->copy = st->mode == KDUMP_MODE_COPY;
	st->old_root = readq(iommu->reg + DMAR_RTADDR_REG) & VTD_PAGE_MASK;
	st->dids = bitmap_zalloc(cap_ndoms(iommu->cap), GFP_KERNEL);
	iommu->copied_tables = bitmap_zalloc(BIT_ULL(16), GFP_KERNEL);
	new_rt = kdump_hw_alloc_table(iommu->node, GFP_KERNEL, 0);
	ret = st->dids && iommu->copied_tables && new_rt ? 0 : -ENOMEM;
	if (!ret) {
		/* Old RAM mapped once per piece, not once per table. */
		reader = kzalloc_obj(*reader, GFP_KERNEL);
		if (reader) {
			kdump_span_reader_init(reader, &kdump_mm);
			kdump_mm.reader = &reader->rd;
		}
		ret = kdump_judge_root_table(st, st->old_root, new_rt);
		kdump_mm.reader = NULL;
		if (reader)
			kdump_span_reader_release(reader);
		kfree(reader);
	}
	/* A refused root: translation on with empty tables, DMA blocked. */
	if (!ret && !st->root_refused)
		ret = kdump_commit_dids(st);
	if (ret) {
		st->outcome = "mainline-no-memory";
		pr_err("%s: adoption failed (%d): left to mainline's copy\n",
		       iommu->name, ret);
		kdump_hw_free_table(new_rt, 0);
		kdump_adopt_undo(st);
		return ret;
	}
	if (!st->root_refused)
		kdump_install(st, new_rt);
	kdump_hw_free_table(new_rt, 0);
	st->outcome = st->root_refused ? "root-refused" : "adopted";
	st->adopted = true;
	kdump_account(st);
	return 0;
}

/**
 * intel_iommu_kdump_adopt() - adopt an IOMMU found translating at boot
 * @iommu: the IOMMU; its new, empty root table is allocated
 *
 * Called by init_dmars() in a capture kernel for every IOMMU whose
 * translation the crashed kernel left enabled.  Fills @iommu's new root
 * table with checked copies of the old context tables and reserves the
 * old domain-ids; the caller then loads the new root with translation on.
 *
 * Context: process context during boot, before any device is attached.
 * Return: 0 if the IOMMU was adopted (possibly with every entry refused:
 * translation stays on and refused devices are blocked); -ECANCELED if
 * intel_iommu_kdump=reset asks the caller to reset the IOMMU; any other
 * negative errno if the caller must take mainline's path (copy the old
 * context tables as they are), with the root table left empty.
 */
int intel_iommu_kdump_adopt(struct intel_iommu *iommu)
{
	struct kdump_iommu *st = kdump_state(iommu);
	u64 start = ktime_get_ns();
	int ret;

	if (!st) {
		pr_err("%s: no register snapshot: left to mainline's copy\n",
		       iommu->name);
		return -ENODEV;
	}
	st->mode = kdump_mode;
	trace_kdump_adopt_begin(iommu, st->regs[KDUMP_REG_RTADDR],
				kdump_mode_names[st->mode]);
	ret = kdump_adopt(st);
	st->duration_ns = ktime_get_ns() - start;
	if (!ret)
		kdump_report(st);
	trace_kdump_adopt_end(iommu, st->outcome, ret, st->nr_adopted,
			      st->nr_refused, st->nr_dids, st->nr_ranges,
			      st->nr_iova_pages, st->duration_ns);
	if (ret)
		return ret;

	pr_info("%s: adopted %u contexts, %u domain-ids, %u IOVA ranges (%lu pages) in %llu us, %zu KiB (%s page tables); refused %u\n",
		iommu->name, st->nr_adopted, st->nr_dids, st->nr_ranges,
		st->nr_iova_pages, div_u64(st->duration_ns, NSEC_PER_USEC),
		st->bytes_held >> 10, kdump_mode_names[st->mode],
		st->nr_refused);
	if (st->nr_pasids_dropped)
		pr_info("%s: %lu PASID entries other than RID_PASID not adopted (kdump/pasids)\n",
			iommu->name, st->nr_pasids_dropped);
	return 0;
}

/**
 * intel_iommu_kdump_adopted_show() - the kdump_adopted sysfs attribute
 * @iommu: the IOMMU
 * @buf: the sysfs page
 *
 * One line: "no" when this is not a capture kernel or the crashed kernel
 * left @iommu's translation off; "adopted N contexts, refused M" when the
 * IOMMU was adopted; otherwise the outcome shown by kdump/summary
 * ("root-refused", "reset-by-request", "reset-format-mismatch", ...).
 *
 * Return: the number of bytes written to @buf.
 */
ssize_t intel_iommu_kdump_adopted_show(struct intel_iommu *iommu, char *buf)
{
	struct kdump_iommu *st = is_kdump_kernel() ? kdump_state(iommu) : NULL;

	if (!st || !st->pre_enabled)
		return sysfs_emit(buf, "no\n");
	if (st->adopted && !st->root_refused)
		return sysfs_emit(buf, "adopted %u contexts, refused %u\n",
				  st->nr_adopted, st->nr_refused);
	return sysfs_emit(buf, "%s\n", st->outcome);
}

/**
 * intel_iommu_kdump_context() - the context entry an adopted device uses
 * @iommu: the IOMMU
 * @bus: the device's bus
 * @devfn: its device and function
 *
 * iommu_context_addr() hides contexts copied from the crashed kernel; this
 * returns them, for debugfs to show.  The caller holds @iommu->lock.
 *
 * Return: the entry in the capture kernel's own context table, or NULL if
 * the context of @bus:@devfn was not adopted or was replaced since.
 */
struct context_entry *intel_iommu_kdump_context(struct intel_iommu *iommu,
						u8 bus, u8 devfn)
{
	u64 entry;
	int idx = devfn;

	if (!is_kdump_kernel() || !context_copied(iommu, bus, devfn))
		return NULL;
	entry = iommu->root_entry[bus].lo;
	if (sm_supported(iommu)) {
		if (devfn >= 0x80) {
			idx -= 0x80;
			entry = iommu->root_entry[bus].hi;
		}
		idx *= 2;
	}
	if (!(entry & 1))
		return NULL;
	return (struct context_entry *)phys_to_virt(entry & VTD_PAGE_MASK) +
	       idx;
}
