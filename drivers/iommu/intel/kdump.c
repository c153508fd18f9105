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
 * Every step is a tracepoint (kdump_trace.h): adoption begin and end,
 * each context adopted or refused, each domain-id reserved and IOVA range
 * recorded, each hand-over and release.
 */

#define pr_fmt(fmt)	"DMAR: kdump: " fmt

#include <linux/crash_dump.h>
#include <linux/debugfs.h>
#include <linux/elf.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/sysfs.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "iommu.h"
#include "pasid.h"
#include "../iommu-pages.h"
#include "kdump.h"

#define CREATE_TRACE_POINTS
#include "kdump_trace.h"

enum kdump_mode {
	KDUMP_MODE_INPLACE,
	KDUMP_MODE_COPY,
	KDUMP_MODE_RESET,
};

static const char * const kdump_mode_names[] = {
	[KDUMP_MODE_INPLACE]	= "inplace",
	[KDUMP_MODE_COPY]	= "copy",
	[KDUMP_MODE_RESET]	= "reset",
};

/* Diagnostic output, off by default: intel_iommu_kdump=debug=MASK. */
#define KDUMP_DBG_REGISTERS	BIT(0)	/* register snapshot table */
#define KDUMP_DBG_CONTEXTS	BIT(1)	/* one line per context */
#define KDUMP_DBG_RANGES	BIT(2)	/* one line per IOVA range */
#define KDUMP_DBG_WALKS		BIT(3)	/* one line per page-table walk */

static enum kdump_mode kdump_mode = KDUMP_MODE_INPLACE;
static u32 kdump_debug_mask;

/* Refused contexts logged one by one per IOMMU; the rest are counted. */
#define KDUMP_REFUSALS_LOGGED	16

static const char * const kdump_refusal_names[KDUMP_NR_REFUSALS] = {
	[KDUMP_OK]			= "-",
	[KDUMP_BAD_RESERVED_BITS]	= "reserved-bits",
	[KDUMP_BAD_TRANSLATION_TYPE]	= "translation-type",
	[KDUMP_BAD_ADDRESS_WIDTH]	= "address-width",
	[KDUMP_BAD_DOMAIN_ID]		= "domain-id",
	[KDUMP_TABLE_OUTSIDE_OLD_RAM]	= "table-outside-old-ram",
	[KDUMP_TABLE_IN_CAPTURE_RAM]	= "table-in-capture-ram",
	[KDUMP_LEAF_OUTSIDE_OLD_RAM]	= "leaf-outside-old-ram",
	[KDUMP_LEAF_IN_CAPTURE_RAM]	= "leaf-in-capture-ram",
	[KDUMP_BAD_SUPERPAGE]		= "superpage",
	[KDUMP_TABLE_LOOP]		= "table-loop",
	[KDUMP_WALK_TOO_LARGE]		= "walk-too-large",
	[KDUMP_BAD_PASID_DIR]		= "pasid-directory",
	[KDUMP_BAD_PASID_ENTRY]		= "pasid-entry",
	[KDUMP_NO_MEMORY]		= "no-memory",
	[KDUMP_PASID_NOT_ADOPTED]	= "pasid-not-adopted",
};

/* Registers snapshotted on entry, in the order debugfs lists them. */
struct kdump_reg {
	const char *name;
	u16 offset;
	u8 width;
};

#define KDUMP_REG(r, w)	{ #r, DMAR_##r##_REG, w }

static const struct kdump_reg kdump_regs[] = {
	KDUMP_REG(VER, 4),	KDUMP_REG(CAP, 8),	KDUMP_REG(ECAP, 8),
	KDUMP_REG(GSTS, 4),	KDUMP_REG(RTADDR, 8),	KDUMP_REG(CCMD, 8),
	KDUMP_REG(FSTS, 4),	KDUMP_REG(FECTL, 4),	KDUMP_REG(FEDATA, 4),
	KDUMP_REG(FEADDR, 4),	KDUMP_REG(FEUADDR, 4),	KDUMP_REG(PMEN, 4),
	KDUMP_REG(IQH, 8),	KDUMP_REG(IQT, 8),	KDUMP_REG(IQA, 8),
	KDUMP_REG(ICS, 4),	KDUMP_REG(IQER, 8),	KDUMP_REG(IRTA, 8),
};

enum { KDUMP_REG_GSTS = 3, KDUMP_REG_RTADDR = 4, KDUMP_REG_FSTS = 6 };

/* Fault recording registers kept from the snapshot, at most. */
#define KDUMP_MAX_FRR	16

enum kdump_ctx_state {
	KDUMP_CTX_ADOPTED,
	KDUMP_CTX_REFUSED,
};

#define KDUMP_CTX_WHOLE_TABLE	0xffff	/* devfn of a refused context table */

/* What became of an adopted context once the capture kernel took over. */
enum kdump_handover {
	KDUMP_HO_ADOPTED,	/* old context in use, no new domain yet */
	KDUMP_HO_HANDED_OVER,	/* new domain, old mappings kept in it */
	KDUMP_HO_RELEASED,	/* old mappings and reservations dropped */
};

/* How an adopted context was replaced by the new domain's. */
enum kdump_switch {
	KDUMP_SWITCH_NONE,	/* still the adopted entry */
	KDUMP_SWITCH_GAPLESS,	/* no store left it non-present */
	KDUMP_SWITCH_GAP,	/* mainline's path: non-present in between */
	KDUMP_SWITCH_REPLACED,	/* by a domain without the old translation */
};

static const char * const kdump_switch_names[] = {
	[KDUMP_SWITCH_NONE]	= "-",
	[KDUMP_SWITCH_GAPLESS]	= "gapless",
	[KDUMP_SWITCH_GAP]	= "gap",
	[KDUMP_SWITCH_REPLACED]	= "replaced",
};

static const char * const kdump_handover_names[] = {
	[KDUMP_HO_ADOPTED]	= "adopted",
	[KDUMP_HO_HANDED_OVER]	= "handed-over",
	[KDUMP_HO_RELEASED]	= "released",
};

/* One old context entry (legacy) or scalable-mode context, as judged. */
struct kdump_context {
	u16 bus;
	u16 devfn;		/* KDUMP_CTX_WHOLE_TABLE: the bus's table */
	u16 did;
	u8 state;		/* enum kdump_ctx_state */
	u8 reason;		/* enum kdump_refusal */
	u8 tt;			/* legacy TT, or PGTT of the RID_PASID entry */
	u8 aw;			/* address width in bits, 0 if none */
	bool scalable;
	u64 old_table;		/* page-table root, or PASID directory */
	u64 new_table;		/* its copy in copy mode, else old_table */
	u64 bad_addr;
	struct kdump_walk *walk;	/* translation of requests w/o PASID */
	u8 handover;			/* enum kdump_handover */
	u8 switched;			/* enum kdump_switch */
	unsigned int legacy_maps;	/* runs mapped into the new domain */
	unsigned int legacy_skipped;	/* runs it could not take */
	unsigned int release_kept;	/* runs a sibling still needed */
	unsigned int pasids_dropped;	/* other PASIDs left out */
	unsigned long legacy_direct;	/* old pages the new domain maps 1:1 */
	struct dmar_domain *domain;	/* the new domain, once handed over */
	/* The capture kernel's RMRR and ISA windows of the device. */
	struct kdump_phys_range *direct;
	unsigned int nr_direct;
};

/* A present PASID entry (or a whole PASID table) that was not adopted. */
struct kdump_pasid {
	u16 bus;
	u16 devfn;
	u32 pasid;		/* the first of 64 when whole_table */
	u16 did;
	u8 pgtt;
	u8 reason;		/* enum kdump_refusal */
	bool whole_table;
};

/* PASIDs left out that kdump/pasids lists per IOMMU; the rest are counted. */
#define KDUMP_PASIDS_RECORDED	256

/* What was found and adopted on one IOMMU. */
struct kdump_iommu {
	struct intel_iommu *iommu;
	u64 regs[ARRAY_SIZE(kdump_regs)];
	u64 frr[KDUMP_MAX_FRR][2];
	unsigned int nr_frr;
	bool pre_enabled;
	bool scalable;
	bool adopted;
	bool root_refused;		/* every device blocked */
	const char *outcome;
	enum kdump_mode mode;

	struct kdump_context *ctx;
	unsigned int nr_ctx;
	unsigned int max_ctx;
	struct kdump_walk **walks;
	unsigned int nr_walks;
	unsigned int max_walks;
	struct list_head pages;		/* context and copied tables */
	unsigned long nr_pages;

	struct kdump_pasid *pasids;	/* PASIDs left out, the first ones */
	unsigned int nr_pasids;
	unsigned int max_pasids;
	unsigned long nr_pasids_dropped;

	unsigned long *dids;		/* domain-ids this unit reserved */
	unsigned int nr_dids;
	unsigned int nr_adopted;
	unsigned int nr_refused;
	unsigned int nr_ranges;
	unsigned long nr_iova_pages;
	u64 duration_ns;
	size_t bytes_held;
};

static struct kdump_iommu *kdump_iommus[DMAR_UNITS_SUPPORTED];
/* Serialises the hand-over, release and readers after boot. */
static DEFINE_MUTEX(kdump_lock);
static struct kdump_mem_map kdump_mm;

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

VISIBLE_IF_KUNIT const char *kdump_refusal_name(enum kdump_refusal reason)
{
	if (reason >= KDUMP_NR_REFUSALS)
		return "?";
	return kdump_refusal_names[reason];
}
EXPORT_SYMBOL_IF_KUNIT(kdump_refusal_name);

/* ---- Where adopted tables may point ---------------------------------- */

static int kdump_range_cmp(const void *a, const void *b)
{
	const struct kdump_phys_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/**
 * kdump_mem_map_normalize() - sort a range list and merge touching ranges
 * @r: the ranges
 * @nr: their number, updated
 *
 * Context: any; sorts in place.
 */
VISIBLE_IF_KUNIT void kdump_mem_map_normalize(struct kdump_phys_range *r,
					      unsigned int *nr)
{
	unsigned int i, out = 0;

	if (!*nr)
		return;
	sort(r, *nr, sizeof(*r), kdump_range_cmp, NULL);
	for (i = 1; i < *nr; i++) {
		if (r[out].last != U64_MAX && r[i].start <= r[out].last + 1) {
			r[out].last = max(r[out].last, r[i].last);
			continue;
		}
		r[++out] = r[i];
	}
	*nr = out + 1;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_mem_map_normalize);

static bool kdump_ranges_contain(const struct kdump_phys_range *r,
				 unsigned int nr, u64 start, u64 last)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (start >= r[i].start && last <= r[i].last)
			return true;
	return false;
}

static bool kdump_ranges_intersect(const struct kdump_phys_range *r,
				   unsigned int nr, u64 start, u64 last)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (start <= r[i].last && last >= r[i].start)
			return true;
	return false;
}

static enum kdump_refusal kdump_check_addr(const struct kdump_mem_map *mm,
					   u64 addr, u64 size, bool leaf)
{
	u64 last = addr + size - 1;

	if (!size || last < addr ||
	    kdump_ranges_intersect(mm->own, mm->nr_own, addr, last))
		return leaf ? KDUMP_LEAF_IN_CAPTURE_RAM :
			      KDUMP_TABLE_IN_CAPTURE_RAM;
	if (kdump_ranges_contain(mm->old, mm->nr_old, addr, last))
		return KDUMP_OK;
	if (leaf && kdump_ranges_contain(mm->direct, mm->nr_direct, addr, last))
		return KDUMP_OK;
	return leaf ? KDUMP_LEAF_OUTSIDE_OLD_RAM : KDUMP_TABLE_OUTSIDE_OLD_RAM;
}

/**
 * kdump_check_table_addr() - may an old table at @addr be read and adopted?
 * @mm: the crashed kernel's RAM and the capture kernel's own
 * @addr: physical address of the table
 * @size: its size in bytes
 *
 * Return: KDUMP_OK, or why the table is refused.
 */
VISIBLE_IF_KUNIT enum kdump_refusal
kdump_check_table_addr(const struct kdump_mem_map *mm, u64 addr, u64 size)
{
	return kdump_check_addr(mm, addr, size, false);
}
EXPORT_SYMBOL_IF_KUNIT(kdump_check_table_addr);

static int kdump_range_append(struct kdump_phys_range **r, unsigned int *nr,
			      u64 start, u64 last)
{
	struct kdump_phys_range *n;

	n = krealloc_array(*r, *nr + 1, sizeof(**r), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n[*nr].start = start;
	n[*nr].last = last;
	*r = n;
	(*nr)++;
	return 0;
}

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

/* ---- Entry checks ---------------------------------------------------- */

#define ROOT_RSVD		GENMASK_ULL(11, 1)
#define CTX_LEGACY_LO_RSVD	GENMASK_ULL(11, 4)
#define CTX_LEGACY_HI_RSVD	(GENMASK_ULL(63, 24) | BIT_ULL(7))
#define CTX_SM_LO_RSVD		GENMASK_ULL(8, 5)
#define CTX_SM_HI_RSVD		GENMASK_ULL(63, 21)
#define CTX_TT(lo)		(((lo) >> 2) & 3)
#define CTX_AW(hi)		((hi) & 7)
#define CTX_DID(hi)		(((hi) >> 8) & 0xffff)
#define CTX_SM_PDTS(lo)		(((lo) >> 9) & 7)
#define CTX_SM_RID_PASID(hi)	((hi) & GENMASK_ULL(19, 0))
#define PE_AW(pe)		(((pe)[0] >> 2) & 7)
#define PE_PGTT(pe)		(((pe)[0] >> 6) & 7)
#define PE_DID(pe)		((pe)[1] & 0xffff)
#define PE_FLPM(pe)		(((pe)[2] >> 2) & 3)
#define PE_SLPTR(pe)		((pe)[0] & VTD_PAGE_MASK)
#define PE_FLPTR(pe)		((pe)[2] & VTD_PAGE_MASK)

static bool kdump_aw_supported(const struct kdump_hw_caps *hw, unsigned int aw)
{
	return aw < 5 && (cap_sagaw(hw->cap) & BIT(aw));
}

/**
 * kdump_check_legacy_context() - check a legacy-mode context entry
 * @hw: capabilities of the IOMMU that will use it
 * @ce: the entry, low and high quadwords
 *
 * Return: KDUMP_OK, or why the entry cannot be adopted.
 */
VISIBLE_IF_KUNIT enum kdump_refusal
kdump_check_legacy_context(const struct kdump_hw_caps *hw, const u64 ce[2])
{
	if ((ce[0] & CTX_LEGACY_LO_RSVD) || (ce[1] & CTX_LEGACY_HI_RSVD))
		return KDUMP_BAD_RESERVED_BITS;

	switch (CTX_TT(ce[0])) {
	case CONTEXT_TT_MULTI_LEVEL:
		break;
	case CONTEXT_TT_DEV_IOTLB:
		if (!ecap_dev_iotlb_support(hw->ecap))
			return KDUMP_BAD_TRANSLATION_TYPE;
		break;
	case CONTEXT_TT_PASS_THROUGH:
		if (!ecap_pass_through(hw->ecap))
			return KDUMP_BAD_TRANSLATION_TYPE;
		break;
	default:
		return KDUMP_BAD_TRANSLATION_TYPE;
	}
	if (!kdump_aw_supported(hw, CTX_AW(ce[1])))
		return KDUMP_BAD_ADDRESS_WIDTH;
	if (CTX_DID(ce[1]) >= cap_ndoms(hw->cap))
		return KDUMP_BAD_DOMAIN_ID;
	return KDUMP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_check_legacy_context);

/**
 * kdump_check_sm_context() - check a scalable-mode context entry
 * @hw: capabilities of the IOMMU that will use it
 * @ce: the low 128 bits of the entry
 *
 * Return: KDUMP_OK, or why the entry cannot be adopted.
 */
VISIBLE_IF_KUNIT enum kdump_refusal
kdump_check_sm_context(const struct kdump_hw_caps *hw, const u64 ce[2])
{
	if ((ce[0] & CTX_SM_LO_RSVD) || (ce[1] & CTX_SM_HI_RSVD))
		return KDUMP_BAD_RESERVED_BITS;
	if (!ecap_smts(hw->ecap))
		return KDUMP_BAD_TRANSLATION_TYPE;
	return KDUMP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_check_sm_context);

/**
 * kdump_check_pasid_entry() - check a present scalable-mode PASID entry
 * @hw: capabilities of the IOMMU that will use it
 * @pe: the entry's eight quadwords
 *
 * Return: KDUMP_OK, or why the entry cannot be adopted.
 */
VISIBLE_IF_KUNIT enum kdump_refusal
kdump_check_pasid_entry(const struct kdump_hw_caps *hw, const u64 pe[8])
{
	switch (PE_PGTT(pe)) {
	case PASID_ENTRY_PGTT_FL_ONLY:
		if (!ecap_flts(hw->ecap))
			return KDUMP_BAD_TRANSLATION_TYPE;
		if (PE_FLPM(pe) > 1 ||
		    (PE_FLPM(pe) == 1 && !cap_fl5lp_support(hw->cap)))
			return KDUMP_BAD_ADDRESS_WIDTH;
		break;
	case PASID_ENTRY_PGTT_SL_ONLY:
	case PASID_ENTRY_PGTT_NESTED:
		if (!ecap_slts(hw->ecap) ||
		    (PE_PGTT(pe) == PASID_ENTRY_PGTT_NESTED &&
		     !ecap_nest(hw->ecap)))
			return KDUMP_BAD_TRANSLATION_TYPE;
		if (!kdump_aw_supported(hw, PE_AW(pe)))
			return KDUMP_BAD_ADDRESS_WIDTH;
		break;
	case PASID_ENTRY_PGTT_PT:
		if (!ecap_pass_through(hw->ecap))
			return KDUMP_BAD_TRANSLATION_TYPE;
		break;
	default:
		return KDUMP_BAD_TRANSLATION_TYPE;
	}
	if (PE_DID(pe) >= cap_ndoms(hw->cap))
		return KDUMP_BAD_DOMAIN_ID;
	return KDUMP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_check_pasid_entry);

/* ---- Page-table walk ------------------------------------------------- */

#define PTE_ADDR_MASK		GENMASK_ULL(51, VTD_PAGE_SHIFT)
#define PTE_LARGE		BIT_ULL(7)
#define FL_PTE_PRESENT		BIT_ULL(0)
#define FL_PTE_RW		BIT_ULL(1)
#define SL_PTE_READ		BIT_ULL(0)
#define SL_PTE_WRITE		BIT_ULL(1)

struct kdump_walker {
	const struct kdump_mem_map *mm;
	const struct kdump_hw_caps *hw;
	struct kdump_walk *w;
	struct xarray seen;
	struct list_head copies;
	bool copy;
};

static unsigned int kdump_level_shift(int level)
{
	return VTD_PAGE_SHIFT + (level - 1) * LEVEL_STRIDE;
}

static bool kdump_pte_present(enum kdump_pt_format fmt, u64 pte)
{
	if (fmt == KDUMP_PT_FIRST_LEVEL)
		return pte & FL_PTE_PRESENT;
	return pte & (SL_PTE_READ | SL_PTE_WRITE);
}

static u8 kdump_pte_perm(enum kdump_pt_format fmt, u64 pte)
{
	if (fmt == KDUMP_PT_FIRST_LEVEL)
		return KDUMP_PERM_READ |
		       ((pte & FL_PTE_RW) ? KDUMP_PERM_WRITE : 0);
	return ((pte & SL_PTE_READ) ? KDUMP_PERM_READ : 0) |
	       ((pte & SL_PTE_WRITE) ? KDUMP_PERM_WRITE : 0);
}

static bool kdump_superpage_ok(const struct kdump_walker *k, int level)
{
	if (k->w->format == KDUMP_PT_FIRST_LEVEL)
		return level == 2 ||
		       (level == 3 && cap_fl1gp_support(k->hw->cap));
	return (level == 2 || level == 3) &&
	       (cap_super_page_val(k->hw->cap) & BIT(level - 2));
}

static int kdump_walk_fail(struct kdump_walker *k, enum kdump_refusal r,
			   u64 addr)
{
	k->w->reason = r;
	k->w->bad_addr = addr;
	return -EINVAL;
}

/*
 * Room for one more element in a growing array of @nr elements of @size
 * with room for *@max: the array, reallocated (*@max doubled, at least
 * @first) when full, or NULL with the old array left untouched.
 */
static void *kdump_grow(void *array, unsigned int nr, unsigned int *max,
			size_t size, unsigned int first)
{
	unsigned int n;
	void *p;

	if (nr < *max)
		return array;
	n = max(first, *max * 2);
	p = krealloc_array(array, n, size, GFP_KERNEL);
	if (p)
		*max = n;
	return p;
}

static int kdump_walk_add_range(struct kdump_walk *w, u64 start, u64 last,
				u8 perm)
{
	struct kdump_iova_range *r;

	if (w->nr_ranges) {
		r = &w->ranges[w->nr_ranges - 1];
		if (r->last + 1 == start && r->perm == perm) {
			r->last = last;
			return 0;
		}
	}
	r = kdump_grow(w->ranges, w->nr_ranges, &w->max_ranges, sizeof(*r),
		       16);
	if (!r)
		return -ENOMEM;
	w->ranges = r;
	r = &w->ranges[w->nr_ranges++];
	r->start = start;
	r->last = last;
	r->perm = perm;
	return 0;
}

static int kdump_walk_add_map(struct kdump_walk *w, u64 iova, u64 phys,
			      u64 size, u8 perm)
{
	struct kdump_map *m;

	if (w->nr_maps) {
		m = &w->maps[w->nr_maps - 1];
		if (m->iova + m->size == iova && m->phys + m->size == phys &&
		    m->perm == perm) {
			m->size += size;
			return 0;
		}
	}
	m = kdump_grow(w->maps, w->nr_maps, &w->max_maps, sizeof(*m), 16);
	if (!m)
		return -ENOMEM;
	w->maps = m;
	m = &w->maps[w->nr_maps++];
	m->iova = iova;
	m->phys = phys;
	m->size = size;
	m->perm = perm;
	return 0;
}

static int kdump_walk_leaf(struct kdump_walker *k, u64 pte, int level,
			   u64 iova)
{
	unsigned int shift = kdump_level_shift(level);
	u64 size = BIT_ULL(shift), addr = pte & PTE_ADDR_MASK;
	enum kdump_refusal r;

	if (level > 1) {
		if (!kdump_superpage_ok(k, level))
			return kdump_walk_fail(k, KDUMP_BAD_SUPERPAGE, pte);
		/* First-level large leaves keep PAT in bit 12. */
		if (k->w->format == KDUMP_PT_FIRST_LEVEL)
			addr &= ~BIT_ULL(VTD_PAGE_SHIFT);
		if (addr & (size - 1))
			return kdump_walk_fail(k, KDUMP_BAD_SUPERPAGE, pte);
	}
	r = kdump_check_addr(k->mm, addr, size, true);
	if (r)
		return kdump_walk_fail(k, r, addr);
	k->w->leaves[level - 1]++;
	if (kdump_walk_add_range(k->w, iova, iova + size - 1,
				 kdump_pte_perm(k->w->format, pte)) ||
	    kdump_walk_add_map(k->w, iova, addr, size,
			       kdump_pte_perm(k->w->format, pte)))
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, 0);
	return 0;
}

static int kdump_walk_table(struct kdump_walker *k, u64 table, int level,
			    u64 iova, u64 *new_table)
{
	unsigned int shift = kdump_level_shift(level);
	enum kdump_refusal r;
	u64 *old, *dup = NULL;
	int i, ret = 0;

	r = kdump_check_addr(k->mm, table, VTD_PAGE_SIZE, false);
	if (r)
		return kdump_walk_fail(k, r, table);
	if (k->w->tables >= KDUMP_WALK_MAX_TABLES)
		return kdump_walk_fail(k, KDUMP_WALK_TOO_LARGE, table);
	/* A table reached twice is a loop or a corrupt tree: refuse both. */
	ret = xa_insert(&k->seen, table >> VTD_PAGE_SHIFT, xa_mk_value(level),
			GFP_KERNEL);
	if (ret == -EBUSY)
		return kdump_walk_fail(k, KDUMP_TABLE_LOOP, table);
	if (ret)
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
	k->w->tables++;

	old = memremap(table, VTD_PAGE_SIZE, MEMREMAP_WB);
	if (!old)
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
	if (k->copy) {
		dup = iommu_alloc_page(GFP_KERNEL);
		if (!dup) {
			memunmap(old);
			return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
		}
		list_add_tail(&virt_to_page(dup)->lru, &k->copies);
		k->w->copied_pages++;
	}

	for (i = 0; i < BIT(LEVEL_STRIDE) && !ret; i++) {
		u64 pte = READ_ONCE(old[i]);
		u64 sub = iova + ((u64)i << shift);
		u64 child;

		if (!kdump_pte_present(k->w->format, pte))
			continue;
		if (level == 1 || (pte & PTE_LARGE)) {
			ret = kdump_walk_leaf(k, pte, level, sub);
			if (dup)
				dup[i] = pte;
			continue;
		}
		ret = kdump_walk_table(k, pte & PTE_ADDR_MASK, level - 1, sub,
				       &child);
		if (dup)
			dup[i] = (pte & ~PTE_ADDR_MASK) | child;
	}
	memunmap(old);
	if (dup) {
		/* A non-coherent IOMMU walks memory, not the CPU's caches. */
		if (!ecap_coherent(k->hw->ecap))
			clflush_cache_range(dup, VTD_PAGE_SIZE);
		*new_table = virt_to_phys(dup);
	}
	return ret;
}

/**
 * kdump_walk_pgtable() - check an old page table and record what it maps
 * @mm: where tables and leaves may point
 * @hw: capabilities of the IOMMU that uses the table
 * @root: physical address of the top-level table
 * @levels: 3, 4 or 5
 * @format: second-level (VT-d) or first-level (x86) entries
 * @copy: duplicate the tables into newly allocated pages
 * @w: the result; zeroed by the caller, released with kdump_walk_free()
 *
 * Walks every present entry.  Mapped IOVA is recorded in @w->ranges as runs
 * of contiguous IOVA with the same permissions, in ascending order.  The walk
 * stops at the first entry that fails a check, recording why in @w->reason.
 *
 * Context: may sleep.
 * Return: 0 if every entry passed, -EINVAL otherwise (see @w->reason).
 */
VISIBLE_IF_KUNIT int kdump_walk_pgtable(const struct kdump_mem_map *mm,
					const struct kdump_hw_caps *hw,
					u64 root, int levels,
					enum kdump_pt_format format, bool copy,
					struct kdump_walk *w)
{
	struct kdump_walker k = {
		.mm = mm, .hw = hw, .w = w, .copy = copy,
		.copies = LIST_HEAD_INIT(k.copies),
	};
	int ret;

	w->root = root;
	w->levels = levels;
	w->format = format;
	INIT_LIST_HEAD(&w->pages);
	if (levels < 3 || levels > 5)
		return kdump_walk_fail(&k, KDUMP_BAD_ADDRESS_WIDTH, root);

	xa_init(&k.seen);
	ret = kdump_walk_table(&k, root, levels, 0, &w->new_root);
	xa_destroy(&k.seen);
	if (ret) {
		iommu_put_pages_list(&k.copies);
		w->copied_pages = 0;
		w->new_root = 0;
	} else {
		list_splice(&k.copies, &w->pages);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_walk_pgtable);

/**
 * kdump_walk_free() - release what a walk allocated
 * @w: the walk
 */
VISIBLE_IF_KUNIT void kdump_walk_free(struct kdump_walk *w)
{
	kfree(w->ranges);
	w->ranges = NULL;
	w->nr_ranges = 0;
	w->max_ranges = 0;
	kfree(w->maps);
	w->maps = NULL;
	w->nr_maps = 0;
	w->max_maps = 0;
	if (w->pages.next)
		iommu_put_pages_list(&w->pages);
}
EXPORT_SYMBOL_IF_KUNIT(kdump_walk_free);

/* ---- Register snapshot ----------------------------------------------- */

static struct kdump_iommu *kdump_state(struct intel_iommu *iommu)
{
	if (iommu->seq_id < 0 || iommu->seq_id >= DMAR_UNITS_SUPPORTED)
		return NULL;
	return kdump_iommus[iommu->seq_id];
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
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st)
			return;
		INIT_LIST_HEAD(&st->pages);
		kdump_iommus[iommu->seq_id] = st;
	}
	st->iommu = iommu;
	st->mode = kdump_mode;
	for (i = 0; i < ARRAY_SIZE(kdump_regs); i++)
		st->regs[i] = kdump_regs[i].width == 8 ?
			dmar_readq(iommu->reg + kdump_regs[i].offset) :
			readl(iommu->reg + kdump_regs[i].offset);

	st->nr_frr = min_t(unsigned int, cap_num_fault_regs(iommu->cap),
			   KDUMP_MAX_FRR);
	off = cap_fault_reg_offset(iommu->cap);
	for (i = 0; i < st->nr_frr; i++, off += 16) {
		st->frr[i][0] = dmar_readq(iommu->reg + off);
		st->frr[i][1] = dmar_readq(iommu->reg + off + 8);
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

static struct kdump_context *kdump_new_context(struct kdump_iommu *st,
					       u16 bus, u16 devfn)
{
	struct kdump_context *c;

	c = kdump_grow(st->ctx, st->nr_ctx, &st->max_ctx, sizeof(*c), 64);
	if (!c)
		return NULL;
	st->ctx = c;
	c = &st->ctx[st->nr_ctx++];
	memset(c, 0, sizeof(*c));
	c->bus = bus;
	c->devfn = devfn;
	return c;
}

/* Walk a page table once per IOMMU, however many contexts share it. */
static struct kdump_walk *kdump_get_walk(struct kdump_iommu *st, u64 root,
					 int levels,
					 enum kdump_pt_format format)
{
	struct kdump_hw_caps hw = { st->iommu->cap, st->iommu->ecap };
	struct kdump_walk *w, **ws;
	unsigned int i;

	for (i = 0; i < st->nr_walks; i++) {
		w = st->walks[i];
		if (w->root == root && w->levels == levels &&
		    w->format == format)
			return w;
	}
	ws = kdump_grow(st->walks, st->nr_walks, &st->max_walks, sizeof(*ws),
			8);
	if (!ws)
		return NULL;
	st->walks = ws;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return NULL;
	kdump_walk_pgtable(&kdump_mm, &hw, root, levels, format,
			   st->mode == KDUMP_MODE_COPY, w);
	st->walks[st->nr_walks++] = w;

	if (kdump_debug_mask & KDUMP_DBG_WALKS)
		pr_info("%s: walked %s table 0x%llx (%d levels): %lu tables, %u ranges, leaves 4K/2M/1G %lu/%lu/%lu%s%s\n",
			st->iommu->name,
			format == KDUMP_PT_FIRST_LEVEL ? "first-level" :
							 "second-level",
			root, levels, w->tables, w->nr_ranges, w->leaves[0],
			w->leaves[1], w->leaves[2], w->reason ? ", refused: " : "",
			w->reason ? kdump_refusal_name(w->reason) : "");
	return w;
}

static void kdump_reserve_did(struct kdump_iommu *st, u16 did)
{
	struct intel_iommu *iommu = st->iommu;

	if (did >= cap_ndoms(iommu->cap))
		return;
	set_bit(did, iommu->domain_ids);
	if (!test_and_set_bit(did, st->dids)) {
		st->nr_dids++;
		trace_kdump_did_reserved(iommu, did);
	}
}

/* A table this unit allocated for the new context or PASID structures. */
struct kdump_block {
	struct list_head node;
	void *virt;
	int order;
};

static void *kdump_alloc_block(struct kdump_iommu *st, struct list_head *list,
			       int order)
{
	struct kdump_block *b = kmalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	b->virt = iommu_alloc_pages_node(st->iommu->node, GFP_KERNEL, order);
	if (!b->virt) {
		kfree(b);
		return NULL;
	}
	b->order = order;
	list_add_tail(&b->node, list);
	return b->virt;
}

static void kdump_free_blocks(struct list_head *list)
{
	struct kdump_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, list, node) {
		iommu_free_pages(b->virt, b->order);
		list_del(&b->node);
		kfree(b);
	}
}

static void kdump_keep_blocks(struct kdump_iommu *st, struct list_head *list)
{
	struct kdump_block *b;

	list_for_each_entry(b, list, node)
		st->nr_pages += 1UL << b->order;
	list_splice_tail_init(list, &st->pages);
}

static enum kdump_refusal kdump_walk_for(struct kdump_iommu *st,
					 struct kdump_context *c, u64 root,
					 int levels, enum kdump_pt_format fmt,
					 u64 *new_root)
{
	struct kdump_walk *w = kdump_get_walk(st, root, levels, fmt);

	if (!w)
		return KDUMP_NO_MEMORY;
	if (w->reason) {
		c->bad_addr = w->bad_addr;
		return w->reason;
	}
	*new_root = st->mode == KDUMP_MODE_COPY ? w->new_root : root;
	return KDUMP_OK;
}

/* Judge one legacy context entry; @ce becomes the entry to install. */
static enum kdump_refusal kdump_adopt_legacy(struct kdump_iommu *st,
					     struct kdump_context *c, u64 ce[2])
{
	struct kdump_hw_caps hw = { st->iommu->cap, st->iommu->ecap };
	u64 root = ce[0] & VTD_PAGE_MASK, new_root;
	int levels = CTX_AW(ce[1]) + 2;
	enum kdump_refusal r;

	c->tt = CTX_TT(ce[0]);
	c->did = CTX_DID(ce[1]);
	c->aw = agaw_to_width(CTX_AW(ce[1]));
	c->old_table = c->tt == CONTEXT_TT_PASS_THROUGH ? 0 : root;
	c->new_table = c->old_table;

	r = kdump_check_legacy_context(&hw, ce);
	if (r || c->tt == CONTEXT_TT_PASS_THROUGH)
		return r;

	r = kdump_walk_for(st, c, root, levels, KDUMP_PT_SECOND_LEVEL,
			   &new_root);
	if (r)
		return r;
	c->walk = kdump_get_walk(st, root, levels, KDUMP_PT_SECOND_LEVEL);
	ce[0] = (ce[0] & ~VTD_PAGE_MASK) | new_root;
	c->new_table = new_root;
	return KDUMP_OK;
}

/*
 * Check one present PASID entry and the page table below it; in copy mode
 * point @pe at the duplicate.  The entry of the RID_PASID (the translation
 * of requests without PASID) describes the context in debugfs.
 */
static enum kdump_refusal kdump_adopt_pasid_entry(struct kdump_iommu *st,
						  struct kdump_context *c,
						  u64 pe[8], bool rid_pasid)
{
	struct kdump_hw_caps hw = { st->iommu->cap, st->iommu->ecap };
	enum kdump_pt_format fmt = KDUMP_PT_SECOND_LEVEL;
	u64 root = 0, new_root;
	enum kdump_refusal r;
	int levels = 0;

	r = kdump_check_pasid_entry(&hw, pe);
	if (r)
		return r;
	kdump_reserve_did(st, PE_DID(pe));

	switch (PE_PGTT(pe)) {
	case PASID_ENTRY_PGTT_FL_ONLY:
		fmt = KDUMP_PT_FIRST_LEVEL;
		root = PE_FLPTR(pe);
		levels = PE_FLPM(pe) ? 5 : 4;
		break;
	case PASID_ENTRY_PGTT_SL_ONLY:
	case PASID_ENTRY_PGTT_NESTED:
		/* Nested: the first-level pointer is a guest address. */
		root = PE_SLPTR(pe);
		levels = PE_AW(pe) + 2;
		break;
	}

	if (rid_pasid) {
		c->tt = PE_PGTT(pe);
		c->did = PE_DID(pe);
		c->aw = levels ? agaw_to_width(levels - 2) : 0;
	}
	if (!levels)
		return KDUMP_OK;

	r = kdump_walk_for(st, c, root, levels, fmt, &new_root);
	if (r)
		return r;
	/*
	 * A nested entry's second level maps guest-physical addresses, not
	 * the IOVAs of the device's DMA: it is checked, but its mappings are
	 * neither reserved nor handed over as IOVA -> physical.
	 */
	if (rid_pasid && PE_PGTT(pe) != PASID_ENTRY_PGTT_NESTED)
		c->walk = kdump_get_walk(st, root, levels, fmt);
	if (fmt == KDUMP_PT_FIRST_LEVEL)
		pe[2] = (pe[2] & ~VTD_PAGE_MASK) | new_root;
	else
		pe[0] = (pe[0] & ~VTD_PAGE_MASK) | new_root;
	return KDUMP_OK;
}

#define PDE_RSVD	GENMASK_ULL(11, 2)
#define PASID_ENTRY_QW	8
#define CTX_SM_PDTS_MASK	GENMASK_ULL(11, 9)

/*
 * Only the RID_PASID entry of a scalable-mode context is adopted: it is
 * what translates the DMA still in flight without a PASID, and what the
 * hand-over keeps.  Any other PASID the crashed kernel had set up (SVA,
 * whose first level is a process page table that may map any RAM, the
 * capture kernel's included; a nested guest's) is not: it is left out of
 * the PASID table the capture kernel installs, so its requests fault, and
 * it is reported in kdump/pasids.  The tables behind it are never walked.
 */
static void kdump_note_pasid(struct kdump_iommu *st,
			     const struct kdump_context *c, u32 pasid,
			     const u64 *pe, enum kdump_refusal reason)
{
	struct kdump_pasid *p;

	st->nr_pasids_dropped++;
	if (st->nr_pasids >= KDUMP_PASIDS_RECORDED)
		return;
	p = kdump_grow(st->pasids, st->nr_pasids, &st->max_pasids,
		       sizeof(*p), 16);
	if (!p)
		return;
	st->pasids = p;
	p = &st->pasids[st->nr_pasids++];
	p->bus = c->bus;
	p->devfn = c->devfn;
	p->pasid = pasid;
	p->pgtt = pe ? PE_PGTT(pe) : 0;
	p->did = pe ? PE_DID(pe) : 0;
	p->whole_table = !pe;
	p->reason = reason;
}

/*
 * Judge the PASID table that holds the RID_PASID entry: that entry is
 * checked and its page table walked into @rid_pe; every other present
 * entry is noted and left out.  Return: why the context is refused, or
 * KDUMP_OK; @others counts the entries left out.
 */
static enum kdump_refusal kdump_adopt_pasid_table(struct kdump_iommu *st,
						  struct kdump_context *c,
						  u64 table, u32 first_pasid,
						  u32 rid_pasid, u64 *rid_pe,
						  unsigned int *others)
{
	struct kdump_hw_caps hw = { st->iommu->cap, st->iommu->ecap };
	enum kdump_refusal r = KDUMP_OK;
	u64 *old, pe[PASID_ENTRY_QW];
	unsigned int i;

	r = kdump_check_table_addr(&kdump_mm, table, VTD_PAGE_SIZE);
	if (r) {
		c->bad_addr = table;
		return r;
	}
	old = memremap(table, VTD_PAGE_SIZE, MEMREMAP_WB);
	if (!old)
		return KDUMP_NO_MEMORY;

	for (i = 0; i < PASID_TBL_ENTRIES && !r; i++) {
		memcpy(pe, old + i * PASID_ENTRY_QW, sizeof(pe));
		if (!(pe[0] & PASID_PTE_PRESENT))
			continue;
		if (first_pasid + i != rid_pasid) {
			enum kdump_refusal why = kdump_check_pasid_entry(&hw, pe);

			/* A valid domain-id may still tag IOTLB entries. */
			if (!why)
				kdump_reserve_did(st, PE_DID(pe));
			kdump_note_pasid(st, c, first_pasid + i, pe,
					 why ? why : KDUMP_PASID_NOT_ADOPTED);
			(*others)++;
			continue;
		}
		r = kdump_adopt_pasid_entry(st, c, pe, true);
		memcpy(rid_pe, pe, sizeof(pe));
	}
	memunmap(old);
	return r;
}

/*
 * The PASID structures a context installs when it cannot keep the old
 * ones in place: a one-page directory (PDTS 0, 128 entries) when the
 * RID_PASID falls in it, and one table holding the RID_PASID entry alone.
 */
static enum kdump_refusal kdump_new_pasid_tables(struct kdump_iommu *st,
						 struct list_head *blocks,
						 unsigned int nr_pdes, u64 pde,
						 u32 rid_pasid,
						 const u64 *rid_pe, u64 ce[2])
{
	unsigned int idx = rid_pasid >> PASID_PDE_SHIFT, pdts = 0;
	size_t size = nr_pdes * sizeof(u64);
	u64 *dir, *tbl;

	if (idx >= 128)
		pdts = CTX_SM_PDTS(ce[0]);
	else
		size = 128 * sizeof(u64);
	dir = kdump_alloc_block(st, blocks, get_order(size));
	if (!dir)
		return KDUMP_NO_MEMORY;
	if (pde & PASID_PTE_PRESENT) {
		tbl = kdump_alloc_block(st, blocks, 0);
		if (!tbl)
			return KDUMP_NO_MEMORY;
		memcpy(tbl + (rid_pasid & PASID_PTE_MASK) * PASID_ENTRY_QW,
		       rid_pe, PASID_ENTRY_QW * sizeof(u64));
		dir[idx] = (pde & ~VTD_PAGE_MASK) | virt_to_phys(tbl);
	}
	ce[0] = (ce[0] & ~(VTD_PAGE_MASK | CTX_SM_PDTS_MASK)) |
		virt_to_phys(dir) | ((u64)pdts << 9);
	return KDUMP_OK;
}

/* Judge one scalable-mode context entry; @ce becomes the one to install. */
static enum kdump_refusal kdump_adopt_scalable(struct kdump_iommu *st,
					       struct kdump_context *c,
					       u64 ce[2])
{
	struct kdump_hw_caps hw = { st->iommu->cap, st->iommu->ecap };
	bool copy = st->mode == KDUMP_MODE_COPY;
	u64 dir = ce[0] & VTD_PAGE_MASK, *old, rid_pde = 0;
	unsigned int i, others = 0, nr_pdes = 1U << (CTX_SM_PDTS(ce[0]) + 7);
	u32 rid_pasid = CTX_SM_RID_PASID(ce[1]);
	u32 rid_idx = rid_pasid >> PASID_PDE_SHIFT;
	u64 rid_pe[PASID_ENTRY_QW] = {};
	size_t size = nr_pdes * sizeof(u64);
	enum kdump_refusal r;
	struct kdump_block *b;
	LIST_HEAD(blocks);

	c->scalable = true;
	c->old_table = dir;
	c->new_table = dir;
	r = kdump_check_sm_context(&hw, ce);
	if (r)
		return r;
	if (rid_idx >= nr_pdes) {
		c->bad_addr = rid_pasid;
		return KDUMP_BAD_PASID_DIR;
	}
	r = kdump_check_table_addr(&kdump_mm, dir, size);
	if (r) {
		c->bad_addr = dir;
		return r;
	}
	old = memremap(dir, size, MEMREMAP_WB);
	if (!old)
		return KDUMP_NO_MEMORY;

	/* Other PASIDs' tables are neither read nor kept. */
	for (i = 0; i < nr_pdes && !r; i++) {
		u64 pde = READ_ONCE(old[i]);

		if (!(pde & PASID_PTE_PRESENT))
			continue;
		if (i != rid_idx) {
			kdump_note_pasid(st, c, i << PASID_PDE_SHIFT, NULL,
					 pde & PDE_RSVD ? KDUMP_BAD_PASID_DIR :
					 KDUMP_PASID_NOT_ADOPTED);
			others++;
			continue;
		}
		if (pde & PDE_RSVD) {
			c->bad_addr = pde;
			r = KDUMP_BAD_PASID_DIR;
			break;
		}
		rid_pde = pde;
		r = kdump_adopt_pasid_table(st, c, pde & VTD_PAGE_MASK,
					    i << PASID_PDE_SHIFT, rid_pasid,
					    rid_pe, &others);
	}
	memunmap(old);
	if (r)
		return r;

	/* In place, the old PASID structures serve when they hold nothing else. */
	if (copy || others) {
		r = kdump_new_pasid_tables(st, &blocks, nr_pdes, rid_pde,
					   rid_pasid, rid_pe, ce);
		if (r) {
			kdump_free_blocks(&blocks);
			return r;
		}
		list_for_each_entry(b, &blocks, node)
			if (!ecap_coherent(st->iommu->ecap))
				clflush_cache_range(b->virt,
						    PAGE_SIZE << b->order);
		c->new_table = ce[0] & VTD_PAGE_MASK;
		c->pasids_dropped = others;
	}
	kdump_keep_blocks(st, &blocks);
	return KDUMP_OK;
}

static void kdump_trace_context(struct kdump_iommu *st,
				const struct kdump_context *c)
{
	if (c->state == KDUMP_CTX_ADOPTED)
		trace_kdump_context_adopted(st->iommu, c->bus, c->devfn, c->did,
					    c->tt, c->aw, c->old_table, "-", 0);
	else
		trace_kdump_context_refused(st->iommu, c->bus, c->devfn, c->did,
					    c->tt, c->aw, c->old_table,
					    kdump_refusal_name(c->reason),
					    c->bad_addr);
}

static void kdump_log_context(struct kdump_iommu *st, struct kdump_context *c)
{
	const char *name = st->iommu->name;

	kdump_trace_context(st, c);

	if (c->state == KDUMP_CTX_REFUSED) {
		if (st->nr_refused <= KDUMP_REFUSALS_LOGGED)
			pr_warn("%s: refused %02x:%02x.%d: %s (0x%llx), its DMA is blocked\n",
				name, c->bus, PCI_SLOT(c->devfn),
				PCI_FUNC(c->devfn), kdump_refusal_name(c->reason),
				c->bad_addr);
		return;
	}
	if (kdump_debug_mask & KDUMP_DBG_CONTEXTS)
		pr_info("%s: adopted %02x:%02x.%d did %u tt %u aw %u table 0x%llx -> 0x%llx\n",
			name, c->bus, PCI_SLOT(c->devfn), PCI_FUNC(c->devfn),
			c->did, c->tt, c->aw, c->old_table, c->new_table);
}

/* Judge every entry of one old context table; install the adopted ones. */
static int kdump_adopt_context_table(struct kdump_iommu *st, u16 bus,
				     u64 table, int half, u64 *new_root_half)
{
	struct intel_iommu *iommu = st->iommu;
	unsigned int i, nr = st->scalable ? 128 : 256;
	unsigned int stride = st->scalable ? 4 : 2;
	struct kdump_context *c;
	u64 *old, *new = NULL;
	enum kdump_refusal r;
	LIST_HEAD(blocks);

	r = kdump_check_table_addr(&kdump_mm, table, VTD_PAGE_SIZE);
	if (r) {
		c = kdump_new_context(st, bus, KDUMP_CTX_WHOLE_TABLE);
		if (!c)
			return -ENOMEM;
		c->state = KDUMP_CTX_REFUSED;
		c->reason = r;
		c->bad_addr = table;
		st->nr_refused++;
		kdump_trace_context(st, c);
		pr_warn("%s: refused the context table of bus %02x: %s (0x%llx), its devices are blocked\n",
			iommu->name, bus, kdump_refusal_name(r), table);
		return 0;
	}
	old = memremap(table, VTD_PAGE_SIZE, MEMREMAP_WB);
	if (!old)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		u64 ce[2] = { READ_ONCE(old[i * stride]),
			      READ_ONCE(old[i * stride + 1]) };
		u16 devfn = half * 128 + i;

		if (!(ce[0] & 1))
			continue;
		c = kdump_new_context(st, bus, devfn);
		if (!c) {
			memunmap(old);
			kdump_free_blocks(&blocks);
			return -ENOMEM;
		}
		if (st->scalable)
			r = kdump_adopt_scalable(st, c, ce);
		else
			r = kdump_adopt_legacy(st, c, ce);

		/* A valid domain-id may still tag IOTLB entries: keep it. */
		if (!st->scalable)
			kdump_reserve_did(st, c->did);
		if (r) {
			c->state = KDUMP_CTX_REFUSED;
			c->reason = r;
			st->nr_refused++;
			kdump_log_context(st, c);
			continue;
		}
		if (!new) {
			new = kdump_alloc_block(st, &blocks, 0);
			if (!new) {
				memunmap(old);
				return -ENOMEM;
			}
		}
		new[i * stride] = ce[0];
		new[i * stride + 1] = ce[1];
		set_context_copied(iommu, bus, devfn);
		c->state = KDUMP_CTX_ADOPTED;
		st->nr_adopted++;
		kdump_log_context(st, c);
	}
	memunmap(old);

	if (new) {
		__iommu_flush_cache(iommu, new, VTD_PAGE_SIZE);
		*new_root_half = virt_to_phys(new) | 1;
		kdump_keep_blocks(st, &blocks);
	}
	return 0;
}

static int kdump_adopt_tables(struct kdump_iommu *st)
{
	struct intel_iommu *iommu = st->iommu;
	u64 rtaddr = dmar_readq(iommu->reg + DMAR_RTADDR_REG);
	u64 old_root = rtaddr & VTD_PAGE_MASK;
	struct root_entry *old_rt;
	enum kdump_refusal r;
	int bus, ret = 0;

	r = kdump_check_table_addr(&kdump_mm, old_root, VTD_PAGE_SIZE);
	if (r) {
		/* Keep translation on with empty tables: all DMA blocked. */
		pr_err("%s: refused the root table at 0x%llx: %s; every device is blocked\n",
		       iommu->name, old_root, kdump_refusal_name(r));
		st->outcome = "root-refused";
		st->root_refused = true;
		return 0;
	}
	old_rt = memremap(old_root, VTD_PAGE_SIZE, MEMREMAP_WB);
	if (!old_rt)
		return -ENOMEM;

	for (bus = 0; bus < 256 && !ret; bus++) {
		struct root_entry re = old_rt[bus];
		u64 lo = 0, hi = 0;

		if ((re.lo & ROOT_RSVD) ||
		    (st->scalable ? (re.hi & ROOT_RSVD) : re.hi)) {
			struct kdump_context *c;

			c = kdump_new_context(st, bus, KDUMP_CTX_WHOLE_TABLE);
			if (!c) {
				ret = -ENOMEM;
				break;
			}
			c->state = KDUMP_CTX_REFUSED;
			c->reason = KDUMP_BAD_RESERVED_BITS;
			c->bad_addr = re.lo;
			st->nr_refused++;
			kdump_trace_context(st, c);
			pr_warn("%s: refused root entry of bus %02x: reserved bits set, its devices are blocked\n",
				iommu->name, bus);
			continue;
		}
		if (re.lo & 1)
			ret = kdump_adopt_context_table(st, bus,
							re.lo & VTD_PAGE_MASK,
							0, &lo);
		if (!ret && st->scalable && (re.hi & 1))
			ret = kdump_adopt_context_table(st, bus,
							re.hi & VTD_PAGE_MASK,
							1, &hi);
		spin_lock(&iommu->lock);
		iommu->root_entry[bus].lo = lo;
		iommu->root_entry[bus].hi = hi;
		spin_unlock(&iommu->lock);
	}
	memunmap(old_rt);
	__iommu_flush_cache(iommu, iommu->root_entry, VTD_PAGE_SIZE);
	st->outcome = "adopted";
	return ret;
}

static void kdump_account(struct kdump_iommu *st)
{
	unsigned int i, j;

	st->bytes_held = st->nr_pages * PAGE_SIZE +
			 st->max_ctx * sizeof(*st->ctx) +
			 st->max_walks * sizeof(*st->walks) +
			 st->max_pasids * sizeof(*st->pasids) +
			 BITS_TO_LONGS(cap_ndoms(st->iommu->cap)) *
			 sizeof(long) + sizeof(*st);
	for (i = 0; i < st->nr_walks; i++) {
		struct kdump_walk *w = st->walks[i];

		st->bytes_held += sizeof(*w) + w->copied_pages * PAGE_SIZE +
				  w->max_ranges * sizeof(*w->ranges) +
				  w->max_maps * sizeof(*w->maps);
	}
	for (i = 0; i < st->nr_ctx; i++) {
		struct kdump_walk *w = st->ctx[i].walk;

		if (!w || st->ctx[i].state != KDUMP_CTX_ADOPTED)
			continue;
		st->nr_ranges += w->nr_ranges;
		for (j = 0; j < w->nr_ranges; j++) {
			st->nr_iova_pages += (w->ranges[j].last -
					      w->ranges[j].start + 1) >>
					     VTD_PAGE_SHIFT;
			trace_kdump_iova_range(st->iommu, st->ctx[i].bus,
					       st->ctx[i].devfn,
					       w->ranges[j].start,
					       w->ranges[j].last,
					       w->ranges[j].perm);
		}
		if (kdump_debug_mask & KDUMP_DBG_RANGES)
			for (j = 0; j < w->nr_ranges; j++)
				pr_info("%s: %02x:%02x.%d iova 0x%llx-0x%llx %c%c\n",
					st->iommu->name, st->ctx[i].bus,
					PCI_SLOT(st->ctx[i].devfn),
					PCI_FUNC(st->ctx[i].devfn),
					w->ranges[j].start, w->ranges[j].last,
					w->ranges[j].perm & KDUMP_PERM_READ ?
					'r' : '-',
					w->ranges[j].perm & KDUMP_PERM_WRITE ?
					'w' : '-');
	}
}

/*
 * Undo what a failed adoption wrote, so that mainline's copy finds the
 * IOMMU as iommu_alloc_root_entry() left it: an empty root table, no
 * copied-context bitmap, none of this unit's context tables.
 */
static void kdump_adopt_undo(struct kdump_iommu *st)
{
	struct intel_iommu *iommu = st->iommu;

	spin_lock(&iommu->lock);
	memset(iommu->root_entry, 0, VTD_PAGE_SIZE);
	spin_unlock(&iommu->lock);
	__iommu_flush_cache(iommu, iommu->root_entry, VTD_PAGE_SIZE);
	bitmap_free(iommu->copied_tables);
	iommu->copied_tables = NULL;
	kdump_free_blocks(&st->pages);
	st->nr_pages = 0;
	while (st->nr_walks) {
		kdump_walk_free(st->walks[--st->nr_walks]);
		kfree(st->walks[st->nr_walks]);
	}
	kfree(st->walks);
	st->walks = NULL;
	st->max_walks = 0;
	kfree(st->ctx);
	st->ctx = NULL;
	st->nr_ctx = 0;
	st->max_ctx = 0;
	kfree(st->pasids);
	st->pasids = NULL;
	st->nr_pasids = 0;
	st->max_pasids = 0;
	bitmap_free(st->dids);
	st->dids = NULL;
	st->nr_dids = 0;
	st->nr_adopted = 0;
	st->nr_refused = 0;
}

static int kdump_adopt(struct kdump_iommu *st)
{
	struct intel_iommu *iommu = st->iommu;
	int ret;

	if (st->mode == KDUMP_MODE_RESET) {
		st->outcome = "reset-by-request";
		pr_info("%s: adoption off (intel_iommu_kdump=reset): resetting translation\n",
			iommu->name);
		return -ECANCELED;
	}

	st->scalable = dmar_readq(iommu->reg + DMAR_RTADDR_REG) &
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

	st->dids = bitmap_zalloc(cap_ndoms(iommu->cap), GFP_KERNEL);
	iommu->copied_tables = bitmap_zalloc(BIT_ULL(16), GFP_KERNEL);
	if (!st->dids || !iommu->copied_tables) {
		st->outcome = "mainline-no-memory";
		kdump_adopt_undo(st);
		return -ENOMEM;
	}

	ret = kdump_adopt_tables(st);
	if (ret) {
		st->outcome = "mainline-no-memory";
		pr_err("%s: adoption failed (%d): left to mainline's copy\n",
		       iommu->name, ret);
		kdump_adopt_undo(st);
		return ret;
	}
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
		pr_err("%s: no register snapshot, resetting translation\n",
		       iommu->name);
		return -ENODEV;
	}
	st->mode = kdump_mode;
	trace_kdump_adopt_begin(iommu, st->regs[KDUMP_REG_RTADDR],
				kdump_mode_names[st->mode]);
	ret = kdump_adopt(st);
	st->duration_ns = ktime_get_ns() - start;
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

/* ---- Hand-over to the capture kernel's domains ----------------------- */

static struct kdump_context *kdump_find_context(struct intel_iommu *iommu,
						u8 bus, u8 devfn)
{
	struct kdump_iommu *st = kdump_state(iommu);
	unsigned int i;

	if (!st || !st->adopted)
		return NULL;
	for (i = 0; i < st->nr_ctx; i++)
		if (st->ctx[i].bus == bus && st->ctx[i].devfn == devfn &&
		    st->ctx[i].state == KDUMP_CTX_ADOPTED)
			return &st->ctx[i];
	return NULL;
}

static struct kdump_context *kdump_dev_context(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);

	if (!info || !info->iommu)
		return NULL;
	return kdump_find_context(info->iommu, info->bus, info->devfn);
}

static int kdump_iommu_prot(u8 perm)
{
	return (perm & KDUMP_PERM_READ ? IOMMU_READ : 0) |
	       (perm & KDUMP_PERM_WRITE ? IOMMU_WRITE : 0);
}

/**
 * kdump_direct_piece() - split an IOVA range at the edges of direct regions
 * @direct: the device's direct-mapped (RMRR, ISA window) IOVA ranges
 * @nr: their number
 * @iova: start of what is left of the range
 * @last: its last byte
 * @inside: set to whether the piece lies in a direct region
 *
 * The capture kernel's own domain maps a device's RMRR and ISA windows
 * 1:1 (iommu_create_device_direct_mappings()) before it is attached.  The
 * hand-over, the release and the reserved regions must leave those pieces
 * to it rather than map, unmap or reserve them a second time.
 *
 * Return: the last byte of the first piece of [@iova, @last] that lies
 * wholly inside or wholly outside @direct; never below @iova.
 */
VISIBLE_IF_KUNIT u64 kdump_direct_piece(const struct kdump_phys_range *direct,
					unsigned int nr, u64 iova, u64 last,
					bool *inside)
{
	u64 end = last;
	unsigned int i;

	*inside = false;
	for (i = 0; i < nr; i++) {
		if (iova >= direct[i].start && iova <= direct[i].last) {
			*inside = true;
			return min(last, direct[i].last);
		}
		if (direct[i].start > iova && direct[i].start - 1 < end)
			end = direct[i].start - 1;
	}
	return end;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_direct_piece);

/* The direct-mapped IOVA ranges among a device's reserved regions. */
static int kdump_collect_direct(const struct list_head *resv,
				struct kdump_phys_range **direct,
				unsigned int *nr)
{
	const struct iommu_resv_region *reg;
	int ret;

	list_for_each_entry(reg, resv, list) {
		if ((reg->type != IOMMU_RESV_DIRECT &&
		     reg->type != IOMMU_RESV_DIRECT_RELAXABLE) || !reg->length)
			continue;
		ret = kdump_range_append(direct, nr, reg->start,
					 reg->start + reg->length - 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* Map one old run into the new domain, but for its direct-mapped pieces. */
static void kdump_handover_map(struct kdump_context *c,
			       struct iommu_domain *domain, u64 max_iova,
			       const struct kdump_map *m)
{
	u64 last = m->iova + m->size - 1, iova = m->iova, end;
	bool inside;

	for (;; iova = end + 1) {
		u64 phys = m->phys + (iova - m->iova), len;
		phys_addr_t cur = iommu_iova_to_phys(domain, iova);

		end = kdump_direct_piece(c->direct, c->nr_direct, iova, last,
					 &inside);
		len = end - iova + 1;
		if (inside && cur == phys)
			c->legacy_direct += len >> VTD_PAGE_SHIFT;
		else if (cur && cur == phys)
			c->legacy_maps++;	/* a sibling in the group did */
		else if (inside || cur || end > max_iova ||
			 iommu_map(domain, iova, phys, len,
				   kdump_iommu_prot(m->perm), GFP_KERNEL))
			c->legacy_skipped++;
		else
			c->legacy_maps++;
		if (end == last)
			break;
	}
}

/* Does @w map any of [@iova, @last]?  Its maps are in IOVA order. */
static bool kdump_walk_maps_any(const struct kdump_walk *w, u64 iova, u64 last)
{
	unsigned int lo = 0, hi = w->nr_maps;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct kdump_map *m = &w->maps[mid];

		if (m->iova + m->size - 1 < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->nr_maps && w->maps[lo].iova <= last;
}

/*
 * Does another device, handed over to the same domain and not released,
 * still need [@iova, @last]?  Devices of one IOMMU group share their new
 * domain, and in the crashed kernel they shared one page table: releasing
 * one must not unmap what the others' DMA in flight still uses.
 */
static bool kdump_sibling_needs(const struct kdump_context *c, u64 iova,
				u64 last)
{
	unsigned int i, n;

	lockdep_assert_held(&kdump_lock);
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		const struct kdump_iommu *st = kdump_iommus[i];

		for (n = 0; st && st->adopted && n < st->nr_ctx; n++) {
			const struct kdump_context *s = &st->ctx[n];

			if (s != c && s->domain == c->domain && s->walk &&
			    s->handover == KDUMP_HO_HANDED_OVER &&
			    kdump_walk_maps_any(s->walk, iova, last))
				return true;
		}
	}
	return false;
}

/*
 * Unmap what kdump_handover_map() mapped of one old run, but for what a
 * handed-over sibling still needs: the last of them to be released unmaps
 * that.
 */
static unsigned int kdump_release_map(struct kdump_context *c,
				      struct iommu_domain *domain,
				      const struct kdump_map *m)
{
	u64 last = m->iova + m->size - 1, iova = m->iova, end;
	unsigned int unmapped = 0;
	bool inside;

	for (;; iova = end + 1) {
		u64 phys = m->phys + (iova - m->iova);

		end = kdump_direct_piece(c->direct, c->nr_direct, iova, last,
					 &inside);
		if (!inside && iommu_iova_to_phys(domain, iova) == phys) {
			if (kdump_sibling_needs(c, iova, end))
				c->release_kept++;
			else if (iommu_unmap(domain, iova, end - iova + 1))
				unmapped++;
		}
		if (end == last)
			break;
	}
	return unmapped;
}

static bool kdump_context_passthrough(const struct kdump_context *c)
{
	return c->scalable ? c->tt == PASID_ENTRY_PGTT_PT :
			     c->tt == CONTEXT_TT_PASS_THROUGH;
}

/* What the crashed kernel's DMA of a device needs from the capture kernel. */
enum kdump_dev_need {
	KDUMP_NEED_NOTHING,	/* no adopted state: the capture kernel decides */
	KDUMP_NEED_TRANSLATION,	/* adopted, translating: keep its IOVAs */
	KDUMP_NEED_PASSTHROUGH,	/* adopted, pass-through */
	KDUMP_NEED_BLOCKING,	/* refused: its old DMA must keep faulting */
};

static enum kdump_dev_need kdump_dev_need(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	enum kdump_dev_need need = KDUMP_NEED_NOTHING;
	struct kdump_iommu *st;
	unsigned int i;

	if (!is_kdump_kernel() || !info || !info->iommu ||
	    !(info->iommu->flags & VTD_FLAG_TRANS_PRE_ENABLED))
		return KDUMP_NEED_NOTHING;
	mutex_lock(&kdump_lock);
	st = kdump_state(info->iommu);
	if (st && st->root_refused)
		need = KDUMP_NEED_BLOCKING;
	for (i = 0; st && st->adopted && i < st->nr_ctx; i++) {
		const struct kdump_context *c = &st->ctx[i];

		if (c->bus != info->bus ||
		    (c->devfn != info->devfn && c->devfn != KDUMP_CTX_WHOLE_TABLE))
			continue;
		if (c->state == KDUMP_CTX_REFUSED)
			need = KDUMP_NEED_BLOCKING;
		else if (c->handover != KDUMP_HO_RELEASED)
			need = kdump_context_passthrough(c) ?
			       KDUMP_NEED_PASSTHROUGH : KDUMP_NEED_TRANSLATION;
		break;
	}
	mutex_unlock(&kdump_lock);
	return need;
}

/**
 * intel_iommu_kdump_def_domain_type() - the domain type an adopted device needs
 * @dev: the device
 *
 * A device whose context was adopted keeps the kind of translation its
 * DMA in flight was set up for.  Translated DMA needs a paging domain, so
 * that the hand-over can keep its old IOVAs: with iommu=pt on the capture
 * kernel's command line an identity domain would never be attached (the
 * attach is deferred until the DMA API is used, and dma-direct does not
 * use it), and the driver's physical addresses would be looked up in the
 * crashed kernel's page table, faulting or, worse, hitting an old IOVA.
 * Pass-through DMA needs an identity domain: a paging domain would turn
 * every old physical address into an unmapped IOVA.  A device whose
 * context was refused needs a paging domain too: an identity domain would
 * let its old DMA, aimed at IOVAs nobody vouched for, reach memory.
 *
 * Context: process context, the device's group mutex held.
 * Return: IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_IDENTITY, or 0 for no preference.
 */
int intel_iommu_kdump_def_domain_type(struct device *dev)
{
	switch (kdump_dev_need(dev)) {
	case KDUMP_NEED_TRANSLATION:
	case KDUMP_NEED_BLOCKING:
		return IOMMU_DOMAIN_DMA;
	case KDUMP_NEED_PASSTHROUGH:
		return IOMMU_DOMAIN_IDENTITY;
	default:
		return 0;
	}
}

/**
 * intel_iommu_kdump_defer_attach() - must the device's domain wait?
 * @dev: the device, behind an IOMMU the crashed kernel left translating
 *
 * Mainline defers the attach of every device's default domain to its
 * driver's first DMA-API call, to keep copied contexts in use until then.
 * Where this unit adopted the IOMMU, only an adopted context is worth
 * keeping (where it left the IOMMU to mainline's copy, mainline's rule
 * stands).  A device whose context was refused is blocked already, and
 * one that had none has no old DMA to keep: waiting would leave them
 * blocked for good when the default domain
 * is an identity domain, which dma-direct never attaches.  They get their
 * domain when they are probed, as in any other kernel.
 *
 * Return: true if the attach must wait for the DMA API.
 */
bool intel_iommu_kdump_defer_attach(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	enum kdump_dev_need need;
	struct kdump_iommu *st;

	/* Left to mainline's copy: mainline's rule, defer every device. */
	mutex_lock(&kdump_lock);
	st = info && info->iommu ? kdump_state(info->iommu) : NULL;
	need = st && st->adopted ? KDUMP_NEED_NOTHING : KDUMP_NEED_TRANSLATION;
	mutex_unlock(&kdump_lock);
	if (need == KDUMP_NEED_TRANSLATION)
		return true;
	need = kdump_dev_need(dev);

	return need == KDUMP_NEED_TRANSLATION || need == KDUMP_NEED_PASSTHROUGH;
}

/**
 * intel_iommu_kdump_handover() - give a new domain a device's old mappings
 * @domain: the paging domain the device is being attached to
 * @dev: the device, whose context may have been adopted
 *
 * Called by dmar_domain_attach_device() before the device's context entry
 * is switched to @domain.  Mainline gives such a device a fresh, empty
 * domain, assuming its driver has reset it by its first DMA mapping; a
 * driver that maps before it resets lets the old DMA hit an empty table.
 * Here every IOVA the crashed kernel had mapped for the device is mapped
 * in @domain to the same physical page, so DMA still in flight finds its
 * pages in @domain once the context switches to it.  The IOVA allocator
 * never hands these IOVAs out: they are reserved regions
 * (intel_iommu_kdump_get_resv_regions()).  Only the DMA API's domains are
 * handed over: a domain user space owns never gets the crashed kernel's
 * mappings.
 *
 * The context entry is then switched by intel_iommu_kdump_switch_context()
 * (legacy) or intel_iommu_kdump_switch_sm_context() (scalable mode), with
 * no non-present state in between.  The old domain-id stays reserved.
 *
 * Context: process context, the device's group mutex held.
 */
void intel_iommu_kdump_handover(struct dmar_domain *domain, struct device *dev)
{
	struct device_domain_info *info;
	struct kdump_context *c;
	u64 max_iova, start;
	unsigned int i;

	LIST_HEAD(resv);

	/* Only the DMA API's domains: user space owns the others. */
	if (!is_kdump_kernel() || !(domain->domain.type & __IOMMU_DOMAIN_DMA_API))
		return;
	start = ktime_get_ns();
	/* Before kdump_lock: it calls intel_iommu_kdump_get_resv_regions(). */
	iommu_get_resv_regions(dev, &resv);
	mutex_lock(&kdump_lock);
	c = kdump_dev_context(dev);
	if (!c || c->handover != KDUMP_HO_ADOPTED)
		goto out;
	info = dev_iommu_priv_get(dev);

	/* Without the list, every old page in a direct window is skipped. */
	if (kdump_collect_direct(&resv, &c->direct, &c->nr_direct)) {
		kfree(c->direct);
		c->direct = NULL;
		c->nr_direct = 0;
	}
	max_iova = domain->gaw >= 64 ? U64_MAX : BIT_ULL(domain->gaw) - 1;
	for (i = 0; c->walk && i < c->walk->nr_maps; i++)
		kdump_handover_map(c, &domain->domain, max_iova,
				   &c->walk->maps[i]);
	c->domain = domain;
	c->handover = KDUMP_HO_HANDED_OVER;
	trace_kdump_handover(info->iommu, c->bus, c->devfn, c->did,
			     domain_id_iommu(domain, info->iommu),
			     c->legacy_maps, c->legacy_skipped,
			     ktime_get_ns() - start);
	if (c->legacy_skipped)
		dev_warn(dev, "kdump: %u old mappings could not be kept in the new domain\n",
			 c->legacy_skipped);
	else if (kdump_debug_mask & KDUMP_DBG_CONTEXTS)
		dev_info(dev, "kdump: handed over with %u old mappings, %lu old pages in its direct windows\n",
			 c->legacy_maps, c->legacy_direct);
out:
	mutex_unlock(&kdump_lock);
	iommu_put_resv_regions(dev, &resv);
}

/**
 * intel_iommu_kdump_get_resv_regions() - reserve a device's old IOVAs
 * @dev: the device
 * @head: the list of reserved regions being built
 *
 * While a device's adopted context or its legacy mappings are live, the
 * IOVA ranges the crashed kernel had mapped for it are reported as
 * IOMMU_RESV_RESERVED, so the DMA layer never allocates them and new
 * mappings never alias DMA still in flight.  What falls in the device's
 * RMRR or ISA window, already on @head as a direct region, is left out:
 * the new domain maps that 1:1 itself.
 */
void intel_iommu_kdump_get_resv_regions(struct device *dev,
					struct list_head *head)
{
	struct kdump_phys_range *direct = NULL;
	struct iommu_resv_region *reg;
	unsigned int i, nr_direct = 0;
	struct kdump_context *c;
	bool inside;
	u64 iova, end;

	if (!is_kdump_kernel())
		return;
	/* @head already holds the device's RMRR and ISA windows. */
	if (kdump_collect_direct(head, &direct, &nr_direct))
		goto out_free;
	mutex_lock(&kdump_lock);
	c = kdump_dev_context(dev);
	if (!c || !c->walk || c->handover == KDUMP_HO_RELEASED)
		goto out;
	for (i = 0; i < c->walk->nr_ranges; i++) {
		const struct kdump_iova_range *r = &c->walk->ranges[i];

		for (iova = r->start;; iova = end + 1) {
			end = kdump_direct_piece(direct, nr_direct, iova,
						 r->last, &inside);
			if (!inside) {
				reg = iommu_alloc_resv_region(iova,
							      end - iova + 1, 0,
							      IOMMU_RESV_RESERVED,
							      GFP_KERNEL);
				if (!reg)
					goto out;
				list_add_tail(&reg->list, head);
			}
			if (end == r->last)
				break;
		}
	}
out:
	mutex_unlock(&kdump_lock);
out_free:
	kfree(direct);
}

/*
 * Drop the old mappings of a handed-over device: its driver has reset it,
 * so no DMA can use them any more.  iommu_unmap() flushes the IOTLB of the
 * new domain for the range.  The IOVA holes the allocator reserved stay
 * reserved for the life of the domain; only later domains lose them.
 */
static int kdump_release_context(struct kdump_iommu *st,
				 struct kdump_context *c)
{
	struct iommu_domain *domain;
	unsigned int i, unmapped = 0;

	lockdep_assert_held(&kdump_lock);
	if (c->handover == KDUMP_HO_ADOPTED)
		return -EBUSY;
	if (c->handover != KDUMP_HO_HANDED_OVER || !c->domain)
		return -EALREADY;
	domain = &c->domain->domain;
	for (i = 0; c->walk && i < c->walk->nr_maps; i++)
		unmapped += kdump_release_map(c, domain, &c->walk->maps[i]);
	kfree(c->direct);
	c->direct = NULL;
	c->nr_direct = 0;
	c->handover = KDUMP_HO_RELEASED;
	c->domain = NULL;
	trace_kdump_release(st->iommu, c->bus, c->devfn, unmapped);
	return 0;
}

/**
 * intel_iommu_kdump_detach() - a handed-over device leaves its new domain
 * @dev: the device, about to be detached from its domain
 *
 * The old mappings live in the domain and go with it; the domain itself
 * may be freed once the device has left it.  Forget it, so that a later
 * release cannot touch it, and count the device as released.
 *
 * Context: process context, the device's group mutex held.
 */
void intel_iommu_kdump_detach(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct kdump_context *c;

	if (!is_kdump_kernel() || !info || !info->domain)
		return;
	mutex_lock(&kdump_lock);
	c = kdump_dev_context(dev);
	if (c && c->domain == info->domain) {
		c->domain = NULL;
		kfree(c->direct);
		c->direct = NULL;
		c->nr_direct = 0;
		c->legacy_maps = 0;
		c->legacy_skipped = 0;
		c->legacy_direct = 0;
		/*
		 * An attach that failed before the switch left the adopted
		 * entry in use: the next attach hands over again.
		 */
		if (context_copied(info->iommu, c->bus, c->devfn)) {
			c->handover = KDUMP_HO_ADOPTED;
		} else {
			c->handover = KDUMP_HO_RELEASED;
			trace_kdump_release(info->iommu, c->bus, c->devfn, 0);
		}
	}
	mutex_unlock(&kdump_lock);
}

/* ---- The switch from an adopted context to the new domain ------------ */

/*
 * An adopted context entry is live: the IOMMU may fetch it, in whole or in
 * part, between any two of the CPU's stores, and DMA from the crashed
 * kernel is still in flight.  Mainline replaces such an entry the way it
 * replaces any other: Present cleared, caches invalidated, the entry
 * rebuilt field by field, Present set.  Every request in between faults
 * ("Present bit in context entry is clear"), and in scalable mode the
 * device also points at a new PASID table whose RID_PASID entry is written
 * only later ("Present bit in Directory Entry is clear").
 *
 * The switch here never passes through a non-present state.  The new
 * domain already maps every old IOVA to its old page when it starts
 * (intel_iommu_kdump_handover()), and in scalable mode its RID_PASID entry
 * is written into the new PASID table before the context points there.
 * The entry is then replaced by 64-bit stores, each of which the hardware
 * may see on its own (VT-d spec 4.1, 9.3 and 9.4: the hardware makes no
 * atomicity promise beyond a naturally aligned quadword; 6.5.3.3 "Guidance
 * to Software for Invalidations"): only entries whose every mix of old and
 * new quadwords translates the same way are switched like this.
 *
 *  - Legacy (128 bits): the low quadword holds Present, the translation
 *    type and the page-table pointer; the high one the address width and
 *    the domain-id.  With the same address width and kind of translation
 *    (paging or pass-through), both mixes walk a table that maps the old
 *    IOVAs to the same pages, only under another domain-id tag.
 *  - Scalable (256 bits): only the low quadword changes (the PASID
 *    directory pointer and its size); one store switches the device from
 *    the old directory to the new one, whose RID_PASID entry is present.
 *
 * The context cache for the device, then the PASID cache and the IOTLB of
 * every domain-id the old and the new entry name, are invalidated after
 * the last store, as 6.5.3.3 orders for a modified present context entry
 * (the old PASID table may name several domain-ids: scalable mode uses the
 * global PASID-cache and IOTLB invalidations, as mainline does there).
 * An entry that cannot be switched this way (another address width, a
 * different RID_PASID, an alias) takes mainline's path, and the switch is
 * recorded as "gap" in kdump/contexts.
 */

static void kdump_hw_store(void *priv, u64 *qw, u64 val)
{
	struct intel_iommu *iommu = priv;

	WRITE_ONCE(*qw, val);
	/* A non-coherent IOMMU reads memory: flush each store on its own. */
	if (!ecap_coherent(iommu->ecap))
		clflush_cache_range(qw, sizeof(*qw));
}

static void kdump_hw_flush_context(void *priv, u16 did, u16 sid)
{
	struct intel_iommu *iommu = priv;

	iommu->flush.flush_context(iommu, did, sid, DMA_CCMD_MASK_NOBIT,
				   DMA_CCMD_DEVICE_INVL);
}

static void kdump_hw_flush_pasid_all(void *priv)
{
	qi_flush_pasid_cache(priv, 0, QI_PC_GLOBAL, 0);
}

static void kdump_hw_flush_iotlb(void *priv, u32 did)
{
	struct intel_iommu *iommu = priv;

	if (did == KDUMP_DID_ALL)
		iommu->flush.flush_iotlb(iommu, 0, 0, 0, DMA_TLB_GLOBAL_FLUSH);
	else if (did < cap_ndoms(iommu->cap))
		iommu->flush.flush_iotlb(iommu, did, 0, 0, DMA_TLB_DSI_FLUSH);
}

static const struct kdump_entry_ops kdump_hw_ops = {
	.store		= kdump_hw_store,
	.flush_context	= kdump_hw_flush_context,
	.flush_pasid_all = kdump_hw_flush_pasid_all,
	.flush_iotlb	= kdump_hw_flush_iotlb,
};

/**
 * kdump_switch_legacy() - replace a live legacy context entry without a gap
 * @ops: how to store a quadword and invalidate
 * @priv: passed to @ops
 * @live: the entry in use, two quadwords
 * @new: the entry to install
 * @sid: the source-id the entry translates for
 *
 * Return: 0 when @live holds @new and the caches were invalidated;
 * -EINVAL, with @live untouched, when some mix of the two entries would
 * not be present or would translate differently.
 */
VISIBLE_IF_KUNIT int kdump_switch_legacy(const struct kdump_entry_ops *ops,
					 void *priv, u64 *live, const u64 *new,
					 u16 sid)
{
	u64 lo = READ_ONCE(live[0]), hi = READ_ONCE(live[1]);
	u16 did_old = CTX_DID(hi), did_new = CTX_DID(new[1]);
	bool pt_old = CTX_TT(lo) == CONTEXT_TT_PASS_THROUGH;
	bool pt_new = CTX_TT(new[0]) == CONTEXT_TT_PASS_THROUGH;

	if (!(lo & 1) || !(new[0] & 1) || pt_old != pt_new ||
	    ((hi ^ new[1]) & ~(0xffffULL << 8)))
		return -EINVAL;

	/*
	 * Domain-id first: in between, the old table is walked under the
	 * new domain-id, and what that caches is what the new domain maps
	 * too.  The other way round, entries of the new table (new IOVAs)
	 * would be cached under the old domain-id, which still-adopted
	 * contexts of the old domain use.
	 */
	ops->store(priv, &live[1], new[1]);
	ops->store(priv, &live[0], new[0]);
	ops->flush_context(priv, did_old, sid);
	if (did_new != did_old)
		ops->flush_context(priv, did_new, sid);
	ops->flush_iotlb(priv, did_old);
	if (did_new != did_old)
		ops->flush_iotlb(priv, did_new);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_switch_legacy);

/**
 * kdump_switch_scalable() - point a live scalable-mode context entry at a
 * new PASID directory without a gap
 * @ops: how to store a quadword and invalidate
 * @priv: passed to @ops
 * @live: the entry in use, four quadwords
 * @new: the entry to install
 * @new_rid_pasid: the RID_PASID entry of the new PASID table, 8 quadwords
 * @sid: the source-id the entry translates for
 *
 * Return: 0 when @live holds @new and the caches were invalidated;
 * -EINVAL, with @live untouched, when more than the low quadword would
 * change or the new table does not translate requests without PASID yet.
 */
VISIBLE_IF_KUNIT int kdump_switch_scalable(const struct kdump_entry_ops *ops,
					   void *priv, u64 *live,
					   const u64 *new,
					   const u64 *new_rid_pasid, u16 sid)
{
	unsigned int i;

	if (!(READ_ONCE(live[0]) & 1) || !(new[0] & 1) ||
	    !(new_rid_pasid[0] & PASID_PTE_PRESENT))
		return -EINVAL;
	for (i = 1; i < 4; i++)
		if (READ_ONCE(live[i]) != new[i])
			return -EINVAL;

	ops->store(priv, &live[0], new[0]);
	ops->flush_context(priv, 0, sid);
	ops->flush_pasid_all(priv);
	ops->flush_iotlb(priv, KDUMP_DID_ALL);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_switch_scalable);

/*
 * The adopted context of @bus:@devfn, looked up without kdump_lock: the
 * array is only grown during adoption, before any device is attached.
 */
static struct kdump_context *kdump_switch_context_of(struct intel_iommu *iommu,
						     u8 bus, u8 devfn)
{
	struct kdump_iommu *st = kdump_state(iommu);
	unsigned int i;

	if (!is_kdump_kernel() || !st || !st->adopted || st->root_refused ||
	    !context_copied(iommu, bus, devfn))
		return NULL;
	for (i = 0; i < st->nr_ctx; i++)
		if (st->ctx[i].bus == bus && st->ctx[i].devfn == devfn &&
		    st->ctx[i].state == KDUMP_CTX_ADOPTED)
			return &st->ctx[i];
	return NULL;
}

/*
 * Does the new translation (@domain, or pass-through when NULL) map what
 * @c's old context did, so that a gapless switch keeps DMA in flight
 * landing where it did?  A translating context needs a device of the
 * same old page table (itself, or a group sibling for a DMA alias)
 * handed over to @domain with every old run kept; a nested one never
 * (its old IOVAs are unknown); a pass-through one a pass-through entry.
 */
static bool kdump_switch_keeps(struct intel_iommu *iommu,
			       const struct kdump_context *c,
			       const struct dmar_domain *domain)
{
	struct kdump_iommu *st = kdump_state(iommu);
	unsigned int i;

	if (!domain || kdump_context_passthrough(c))
		return !domain && kdump_context_passthrough(c);
	for (i = 0; c->walk && i < st->nr_ctx; i++) {
		const struct kdump_context *s = &st->ctx[i];

		if (s->walk == c->walk && s->domain == domain &&
		    s->handover == KDUMP_HO_HANDED_OVER && !s->legacy_skipped)
			return true;
	}
	return false;
}

static void kdump_switch_done(struct intel_iommu *iommu,
			      struct kdump_context *c, enum kdump_switch how)
{
	c->switched = how;
	trace_kdump_switch(iommu, c->bus, c->devfn,
			   how == KDUMP_SWITCH_GAPLESS);
	if (how == KDUMP_SWITCH_GAP)
		pr_warn("%s: %02x:%02x.%d: its context cannot be switched without a gap: taking the non-present path\n",
			iommu->name, c->bus, PCI_SLOT(c->devfn),
			PCI_FUNC(c->devfn));
}

/**
 * intel_iommu_kdump_switch_context() - switch an adopted legacy context
 * @iommu: the IOMMU
 * @domain: the new paging domain, or NULL for pass-through
 * @did: the domain-id of the new entry
 * @info: the device, if known (for its ATS support)
 * @context: the live entry of @bus:@devfn
 * @bus: the bus of the context
 * @devfn: its device and function
 *
 * Called by iommu.c where it would tear down a copied context to build a
 * new one.  The new entry is what iommu.c would build; it replaces the
 * adopted one without ever being non-present (see the comment above
 * kdump_switch_legacy()).
 *
 * Context: @iommu->lock held.
 * Return: 0 if the context was switched; a negative errno if the caller
 * must take its own path (the context was not adopted, or the two entries
 * cannot be mixed).
 */
int intel_iommu_kdump_switch_context(struct intel_iommu *iommu,
				     struct dmar_domain *domain, u16 did,
				     struct device_domain_info *info,
				     struct context_entry *context,
				     u8 bus, u8 devfn)
{
	struct kdump_context *c = kdump_switch_context_of(iommu, bus, devfn);
	struct context_entry ce = {};
	struct dma_pte *pgd;
	int agaw, tt, ret;

	assert_spin_locked(&iommu->lock);
	if (!c)
		return -ENOENT;
	if (!kdump_switch_keeps(iommu, c, domain)) {
		kdump_switch_done(iommu, c, KDUMP_SWITCH_REPLACED);
		return -ESRCH;
	}

	context_set_domain_id(&ce, did);
	if (domain) {
		pgd = domain->pgd;
		for (agaw = domain->agaw; agaw > iommu->agaw; agaw--) {
			pgd = phys_to_virt(dma_pte_addr(pgd));
			if (!dma_pte_present(pgd))
				return -ENOMEM;
		}
		tt = info && info->ats_supported ? CONTEXT_TT_DEV_IOTLB :
						   CONTEXT_TT_MULTI_LEVEL;
		context_set_address_root(&ce, virt_to_phys(pgd));
	} else {
		agaw = iommu->msagaw;
		tt = CONTEXT_TT_PASS_THROUGH;
	}
	context_set_address_width(&ce, agaw);
	context_set_translation_type(&ce, tt);
	context_set_fault_enable(&ce);
	context_set_present(&ce);

	ret = kdump_switch_legacy(&kdump_hw_ops, iommu, (u64 *)context,
				  (u64 *)&ce, PCI_DEVID(bus, devfn));
	kdump_switch_done(iommu, c, ret ? KDUMP_SWITCH_GAP :
					  KDUMP_SWITCH_GAPLESS);
	if (!ret)
		clear_context_copied(iommu, bus, devfn);
	return ret;
}

struct kdump_aliases {
	struct pci_dev *pdev;
	unsigned int nr;
};

/* Count the requester-ids @data->pdev's DMA may use besides its own. */
static int kdump_count_alias(struct pci_dev *pdev, u16 alias, void *data)
{
	struct kdump_aliases *a = data;

	if (alias != pci_dev_id(a->pdev))
		a->nr++;
	return 0;
}

static bool kdump_dev_has_alias(struct device *dev)
{
	struct kdump_aliases a = { .pdev = to_pci_dev(dev) };

	pci_for_each_dma_alias(a.pdev, kdump_count_alias, &a);
	return a.nr;
}

/**
 * intel_iommu_kdump_switches_sm_context() - does the unit switch @dev's
 * adopted scalable-mode context itself?
 * @dev: the device being attached
 * @domain: the domain it is being attached to
 *
 * When it does, iommu.c leaves the adopted context in place while it
 * writes the RID_PASID entry of the device's new PASID table, and calls
 * intel_iommu_kdump_switch_sm_context() once that entry is present.  Only
 * the DMA API's own domains get the crashed kernel's mappings; a device
 * with a DMA alias keeps mainline's path.
 *
 * Return: true if the unit will switch the context.
 */
bool intel_iommu_kdump_switches_sm_context(struct device *dev,
					   struct iommu_domain *domain)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);

	if (!(domain->type & __IOMMU_DOMAIN_DMA_API) || !dev_is_pci(dev) ||
	    !kdump_switch_context_of(info->iommu, info->bus, info->devfn))
		return false;
	return !kdump_dev_has_alias(dev);
}

/* The RID_PASID entry of @dev's new PASID table, or NULL. */
static u64 *kdump_new_rid_pasid_entry(struct device_domain_info *info)
{
	struct pasid_table *table = info->pasid_table;
	struct pasid_dir_entry *pde;

	if (!table || !table->table)
		return NULL;
	pde = (struct pasid_dir_entry *)table->table +
	      (IOMMU_NO_PASID >> PASID_PDE_SHIFT);
	if (!pasid_pde_is_present(pde))
		return NULL;
	return get_pasid_table_from_pde(pde)[IOMMU_NO_PASID &
					     PASID_PTE_MASK].val;
}

/**
 * intel_iommu_kdump_switch_sm_context() - switch an adopted scalable-mode
 * context to the device's new PASID table
 * @dev: the device, whose RID_PASID entry in its new PASID table is set
 * @domain: the paging domain that entry points at, or NULL for pass-through
 *
 * The scalable-mode counterpart of intel_iommu_kdump_switch_context(),
 * called after the RID_PASID entry was written for a device for which
 * intel_iommu_kdump_switches_sm_context() said yes, or for an identity
 * domain.  If the new entry does not keep the old translation, or the
 * entries cannot be mixed, or the device has a DMA alias, the context
 * takes mainline's path (intel_pasid_setup_sm_context()), to the new PASID
 * table that is already written.  The device-TLB needs no invalidation
 * here: the new kernel has not enabled ATS on the device yet, and with the
 * hand-over complete any translation it cached is still the right one.
 *
 * Context: process context; takes @dev's IOMMU's lock.
 * Return: 0, or a negative errno from mainline's path.
 */
int intel_iommu_kdump_switch_sm_context(struct device *dev,
					struct dmar_domain *domain)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct intel_iommu *iommu = info->iommu;
	struct pasid_table *table = info->pasid_table;
	struct context_entry ce[2] = {};
	unsigned long max_pde, pds;
	u64 *live, *rid_pasid;
	struct kdump_context *c;
	int ret = -EINVAL;

	bool alias = dev_is_pci(dev) && kdump_dev_has_alias(dev);
	enum kdump_switch how = KDUMP_SWITCH_GAP;

	spin_lock(&iommu->lock);
	c = kdump_switch_context_of(iommu, info->bus, info->devfn);
	if (!c) {
		spin_unlock(&iommu->lock);
		return 0;
	}
	live = (u64 *)intel_iommu_kdump_context(iommu, info->bus, info->devfn);
	rid_pasid = kdump_new_rid_pasid_entry(info);
	if (!kdump_switch_keeps(iommu, c, domain)) {
		how = KDUMP_SWITCH_REPLACED;
	} else if (live && rid_pasid && !alias) {
		/* What context_entry_set_pasid_table() in pasid.c builds. */
		max_pde = table->max_pasid >> PASID_PDE_SHIFT;
		pds = find_first_bit(&max_pde, MAX_NR_PASID_BITS);
		ce[0].lo = virt_to_phys(table->table) |
			   context_pdts(pds < 7 ? 0 : pds - 7);
		context_set_sm_rid2pasid(&ce[0], IOMMU_NO_PASID);
		if (info->ats_supported)
			context_set_sm_dte(&ce[0]);
		if (info->pasid_supported)
			context_set_pasid(&ce[0]);
		context_set_fault_enable(&ce[0]);
		context_set_present(&ce[0]);
		ret = kdump_switch_scalable(&kdump_hw_ops, iommu, live,
					    (u64 *)ce, rid_pasid,
					    PCI_DEVID(info->bus, info->devfn));
		if (!ret)
			how = KDUMP_SWITCH_GAPLESS;
	}
	kdump_switch_done(iommu, c, how);
	if (!ret)
		clear_context_copied(iommu, info->bus, info->devfn);
	spin_unlock(&iommu->lock);
	return ret ? intel_pasid_setup_sm_context(dev) : 0;
}

/* ---- debugfs: /sys/kernel/debug/iommu/intel/kdump/ ------------------- */

/* The state of the @i-th IOMMU, if it was found by a capture kernel. */
static struct kdump_iommu *kdump_iommu_at(unsigned int i)
{
	struct kdump_iommu *st = kdump_iommus[i];

	return st && st->iommu ? st : NULL;
}

static void kdump_show_bdf(struct seq_file *m, const struct kdump_context *c)
{
	if (c->devfn == KDUMP_CTX_WHOLE_TABLE)
		seq_printf(m, "%02x:*.*", c->bus);
	else
		seq_printf(m, "%02x:%02x.%d", c->bus, PCI_SLOT(c->devfn),
			   PCI_FUNC(c->devfn));
}

static int kdump_summary_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i;

	seq_puts(m, "iommu\tstate\ttables\tpage_tables\tcontexts_adopted\tcontexts_refused\tdomain_ids\tiova_ranges\tiova_pages\ttime_us\tmemory_kib\n");
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		st = kdump_iommu_at(i);
		if (!st)
			continue;
		seq_printf(m, "%s\t%s\t%s\t%s\t%u\t%u\t%u\t%u\t%lu\t%llu\t%zu\n",
			   st->iommu->name, st->outcome,
			   st->scalable ? "scalable" : "legacy",
			   kdump_mode_names[st->mode], st->nr_adopted,
			   st->nr_refused, st->nr_dids, st->nr_ranges,
			   st->nr_iova_pages,
			   div_u64(st->duration_ns, NSEC_PER_USEC),
			   DIV_ROUND_UP(st->bytes_held, 1024));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_summary);

static const char * const kdump_gsts_bits[] = {
	[31] = "TES", [30] = "RTPS", [29] = "FLS", [28] = "AFLS",
	[27] = "WBFS", [26] = "QIES", [25] = "IRES", [24] = "IRTPS",
	[23] = "CFIS",
};

static const char * const kdump_fsts_bits[] = {
	[0] = "PFO", [1] = "PPF", [4] = "IQE", [5] = "ICE", [6] = "ITE",
	[7] = "PRO",
};

static void kdump_show_bits(struct seq_file *m, u64 val,
			    const char * const *names, unsigned int nr)
{
	bool any = false;
	unsigned int b;

	for (b = 0; b < nr; b++) {
		if (!names[b] || !(val & BIT_ULL(b)))
			continue;
		seq_printf(m, "%s%s", any ? "," : "", names[b]);
		any = true;
	}
	if (!any)
		seq_putc(m, '-');
}

static int kdump_registers_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, r;

	seq_puts(m, "iommu\tregister\toffset\tvalue\tdecoded\n");
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		st = kdump_iommu_at(i);
		if (!st)
			continue;
		const char *name = st->iommu->name;

		for (r = 0; r < ARRAY_SIZE(kdump_regs); r++) {
			u64 v = st->regs[r];

			seq_printf(m, "%s\t%s\t0x%02x\t0x%016llx\t", name,
				   kdump_regs[r].name, kdump_regs[r].offset, v);
			if (r == KDUMP_REG_GSTS)
				kdump_show_bits(m, v, kdump_gsts_bits,
						ARRAY_SIZE(kdump_gsts_bits));
			else if (r == KDUMP_REG_FSTS)
				kdump_show_bits(m, v, kdump_fsts_bits,
						ARRAY_SIZE(kdump_fsts_bits));
			else if (r == KDUMP_REG_RTADDR)
				seq_printf(m, "root=0x%llx,%s",
					   v & VTD_PAGE_MASK,
					   v & DMA_RTADDR_SMT ? "scalable" :
								"legacy");
			else
				seq_putc(m, '-');
			seq_putc(m, '\n');
		}
		for (r = 0; r < st->nr_frr; r++) {
			u64 hi = st->frr[r][1], lo = st->frr[r][0];

			seq_printf(m, "%s\tFRR%u\t0x%03x\t0x%016llx%016llx\t",
				   name, r,
				   (unsigned int)cap_fault_reg_offset(st->iommu->cap) +
				   r * 16,
				   hi, lo);
			if (hi & BIT_ULL(63))
				seq_printf(m, "fault,reason=%llu,source=%02llx:%02llx.%llu,addr=0x%llx\n",
					   (hi >> 32) & 0xff, (hi >> 8) & 0xff,
					   (hi >> 3) & 0x1f, hi & 7,
					   lo & VTD_PAGE_MASK);
			else
				seq_puts(m, "-\n");
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_registers);

static const char *kdump_tt_name(const struct kdump_context *c)
{
	static const char * const legacy[] = {
		"multi-level", "dev-iotlb", "pass-through", "reserved",
	};
	static const char * const pgtt[] = {
		"sm-none", "sm-first-level", "sm-second-level", "sm-nested",
		"sm-pass-through", "sm-reserved", "sm-reserved", "sm-reserved",
	};

	if (c->devfn == KDUMP_CTX_WHOLE_TABLE)
		return "-";
	return c->scalable ? pgtt[c->tt & 7] : legacy[c->tt & 3];
}

static int kdump_contexts_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, n;

	seq_puts(m, "iommu\tbdf\tstate\tdid\ttt\taw\told_table\tnew_table\thandover\treason\tswitch\n");
	guard(mutex)(&kdump_lock);
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		st = kdump_iommu_at(i);
		if (!st)
			continue;
		for (n = 0; n < st->nr_ctx; n++) {
			const struct kdump_context *c = &st->ctx[n];
			bool ok = c->state == KDUMP_CTX_ADOPTED;

			seq_printf(m, "%s\t", st->iommu->name);
			kdump_show_bdf(m, c);
			seq_printf(m, "\t%s\t%u\t%s\t%u\t0x%llx\t",
				   ok ? "adopted" : "refused", c->did,
				   kdump_tt_name(c), c->aw, c->old_table);
			if (ok)
				seq_printf(m, "0x%llx\t%s\t-\t%s\n",
					   c->new_table,
					   kdump_handover_names[c->handover],
					   kdump_switch_names[c->switched]);
			else
				seq_printf(m, "-\tblocked\t%s\t-\n",
					   kdump_refusal_name(c->reason));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_contexts);

static int kdump_domain_ids_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i;

	seq_puts(m, "iommu\tdomain_ids\n");
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		st = kdump_iommu_at(i);
		if (!st)
			continue;
		unsigned int rs, re;
		bool any = false;

		seq_printf(m, "%s\t", st->iommu->name);
		if (st->dids) {
			for_each_set_bitrange(rs, re, st->dids,
					      cap_ndoms(st->iommu->cap)) {
				seq_printf(m, any ? ",%u" : "%u", rs);
				if (re - 1 > rs)
					seq_printf(m, "-%u", re - 1);
				else if (re - 1 == rs + 1)
					seq_printf(m, ",%u", re - 1);
				any = true;
			}
		}
		seq_puts(m, any ? "\n" : "-\n");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_domain_ids);

static int kdump_iova_ranges_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, n, r;

	seq_puts(m, "iommu\tbdf\tstart\tend\tpages\tperm\n");
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		st = kdump_iommu_at(i);
		if (!st)
			continue;
		for (n = 0; n < st->nr_ctx; n++) {
			const struct kdump_context *c = &st->ctx[n];

			if (c->state != KDUMP_CTX_ADOPTED || !c->walk)
				continue;
			for (r = 0; r < c->walk->nr_ranges; r++) {
				const struct kdump_iova_range *x;

				x = &c->walk->ranges[r];
				seq_printf(m, "%s\t", st->iommu->name);
				kdump_show_bdf(m, c);
				seq_printf(m, "\t0x%llx\t0x%llx\t%llu\t%c%c\n",
					   x->start, x->last,
					   (x->last - x->start + 1) >>
					   VTD_PAGE_SHIFT,
					   x->perm & KDUMP_PERM_READ ? 'r' : '-',
					   x->perm & KDUMP_PERM_WRITE ? 'w' : '-');
			}
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_iova_ranges);

static int kdump_pasids_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, n;

	seq_puts(m, "iommu\tbdf\tpasid\tpgtt\tdid\treason\n");
	guard(mutex)(&kdump_lock);
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		st = kdump_iommu_at(i);
		for (n = 0; st && n < st->nr_pasids; n++) {
			const struct kdump_pasid *p = &st->pasids[n];

			seq_printf(m, "%s\t%02x:%02x.%d\t", st->iommu->name,
				   p->bus, PCI_SLOT(p->devfn), PCI_FUNC(p->devfn));
			if (p->whole_table)
				seq_printf(m, "0x%x-0x%x\t-\t-\t%s\n", p->pasid,
					   p->pasid + (u32)PASID_TBL_ENTRIES - 1,
					   kdump_refusal_name(p->reason));
			else
				seq_printf(m, "0x%x\t%u\t%u\t%s\n", p->pasid,
					   p->pgtt, p->did,
					   kdump_refusal_name(p->reason));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_pasids);

/* Write "BB:DD.F" or "all" to drop handed-over devices' old mappings. */
static ssize_t kdump_release_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	unsigned int bus, dev, fn, i, n, released = 0;
	int ret = 0, n_ret;
	bool all = false;
	char buf[16];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "all"))
		all = true;
	else if (sscanf(buf, "%x:%x.%x", &bus, &dev, &fn) != 3 ||
		 bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;

	mutex_lock(&kdump_lock);
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		struct kdump_iommu *st = kdump_iommu_at(i);

		for (n = 0; st && n < st->nr_ctx; n++) {
			struct kdump_context *c = &st->ctx[n];

			if (c->state != KDUMP_CTX_ADOPTED ||
			    (!all && (c->bus != bus ||
				      c->devfn != PCI_DEVFN(dev, fn))))
				continue;
			n_ret = kdump_release_context(st, c);
			if (!n_ret)
				released++;
			else if (!ret)
				ret = n_ret;
		}
	}
	mutex_unlock(&kdump_lock);
	/* "all" releases what it can; a named device says why it could not. */
	if (!released)
		return all || !ret ? -ENODEV : ret;
	return len;
}

static const struct file_operations kdump_release_fops = {
	.owner = THIS_MODULE,
	.write = kdump_release_write,
	.llseek = noop_llseek,
};

/**
 * intel_iommu_kdump_debugfs_init() - create the kdump/ debugfs directory
 * @parent: /sys/kernel/debug/iommu/intel
 *
 * Only in capture kernels: elsewhere there is nothing to show.
 */
void intel_iommu_kdump_debugfs_init(struct dentry *parent)
{
	struct dentry *dir;

	if (!is_kdump_kernel())
		return;
	dir = debugfs_create_dir("kdump", parent);
	debugfs_create_file("summary", 0400, dir, NULL, &kdump_summary_fops);
	debugfs_create_file("registers", 0400, dir, NULL,
			    &kdump_registers_fops);
	debugfs_create_file("contexts", 0400, dir, NULL, &kdump_contexts_fops);
	debugfs_create_file("domain_ids", 0400, dir, NULL,
			    &kdump_domain_ids_fops);
	debugfs_create_file("iova_ranges", 0400, dir, NULL,
			    &kdump_iova_ranges_fops);
	debugfs_create_file("pasids", 0400, dir, NULL, &kdump_pasids_fops);
	debugfs_create_x32("debug_mask", 0600, dir, &kdump_debug_mask);
	debugfs_create_file("release", 0200, dir, NULL, &kdump_release_fops);
}
