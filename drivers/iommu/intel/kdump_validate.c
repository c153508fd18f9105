// SPDX-License-Identifier: GPL-2.0
/*
 * kdump_validate.c - judge the crashed kernel's VT-d tables
 *
 * Everything a capture kernel decides about the tables it found lives
 * here: which physical ranges a table or leaf may lie in, whether an
 * entry's fields are ones the IOMMU supports and the specification allows,
 * what a page table maps, and, for whole root, context and PASID tables,
 * which entries are adopted and what the new tables hold.  The judge reads
 * old memory only through the memory map's table reader and writes only
 * memory it allocates; it touches no IOMMU register, no struct
 * intel_iommu and no global state.  kdump.c installs what it produced;
 * the KUnit suite drives it on synthetic tables.
 */

#include <linux/io.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "iommu.h"
#include "pasid.h"
#include "../iommu-pages.h"
#include "kdump_private.h"

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
	[KDUMP_BUDGET]			= "budget",
	[KDUMP_TABLE_DMA_WRITABLE]	= "table-dma-writable",
};

const char *kdump_refusal_name(enum kdump_refusal reason)
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
void kdump_mem_map_normalize(struct kdump_phys_range *r, unsigned int *nr)
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

/**
 * kdump_range_append() - add a range to a growing range list
 * @r: the list, reallocated
 * @nr: its length, updated
 * @start: first byte
 * @last: last byte
 *
 * Return: 0, or -ENOMEM with the list unchanged.
 */
int kdump_range_append(struct kdump_phys_range **r, unsigned int *nr,
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

/* ---- Reading old tables ---------------------------------------------- */

static void *kdump_map_table(const struct kdump_mem_map *mm, u64 phys,
			     size_t size)
{
	if (mm->reader)
		return mm->reader->map(mm->reader, phys, size);
	return memremap(phys, size, MEMREMAP_WB);
}

static void kdump_unmap_table(const struct kdump_mem_map *mm, void *virt)
{
	if (mm->reader)
		mm->reader->unmap(mm->reader, virt);
	else
		memunmap(virt);
}

/* The piece of old RAM around [@addr, @last] a span reader maps whole. */
static bool kdump_span_of(const struct kdump_mem_map *mm, u64 addr, u64 last,
			  u64 *start, u64 *end)
{
	u64 base = round_down(addr, KDUMP_SPAN_SIZE);
	unsigned int i;

	for (i = 0; i < mm->nr_old; i++)
		if (addr >= mm->old[i].start && last <= mm->old[i].last)
			break;
	if (i == mm->nr_old)
		return false;
	*start = max(mm->old[i].start, base);
	*end = min(mm->old[i].last, base + KDUMP_SPAN_SIZE - 1);
	for (i = 0; i < mm->nr_own; i++) {
		if (mm->own[i].last < addr)
			*start = max(*start, mm->own[i].last + 1);
		else if (mm->own[i].start > last)
			*end = min(*end, mm->own[i].start - 1);
		else
			return false;	/* never read the capture kernel's RAM */
	}
	return addr >= *start && last <= *end;
}

static void *kdump_span_map(struct kdump_table_reader *rd, u64 phys,
			    size_t size)
{
	struct kdump_span_reader *sr = container_of(rd, struct kdump_span_reader,
						    rd);
	u64 last = phys + size - 1, start, end;
	unsigned int i;
	void *virt;

	if (!size || last < phys)
		return NULL;
	for (i = 0; i < sr->nr; i++)
		if (phys >= sr->span[i].start && last <= sr->span[i].last)
			return sr->span[i].virt + (phys - sr->span[i].start);
	if (sr->nr < KDUMP_SPANS &&
	    kdump_span_of(sr->mm, phys, last, &start, &end)) {
		virt = sr->remap(start, end - start + 1, MEMREMAP_WB);
		sr->remaps++;
		if (virt) {
			sr->span[sr->nr].start = start;
			sr->span[sr->nr].last = end;
			sr->span[sr->nr++].virt = virt;
			return virt + (phys - start);
		}
	}
	for (i = 0; i < KDUMP_SPAN_ALONE && sr->alone[i]; i++)
		;
	if (i == KDUMP_SPAN_ALONE)
		return NULL;
	sr->remaps++;
	sr->alone[i] = sr->remap(phys, size, MEMREMAP_WB);
	return sr->alone[i];
}

static void kdump_span_unmap(struct kdump_table_reader *rd, void *virt)
{
	struct kdump_span_reader *sr = container_of(rd, struct kdump_span_reader,
						    rd);
	unsigned int i;

	/*
	 * A table mapped alone is unmapped; a span stays mapped until the
	 * release.  Looked up by pointer, not by range: in the direct map
	 * (memremap() of System RAM) a table alone may lie inside a span.
	 */
	for (i = 0; i < KDUMP_SPAN_ALONE; i++) {
		if (sr->alone[i] == virt) {
			sr->alone[i] = NULL;
			sr->unmap(virt);
			return;
		}
	}
}

/**
 * kdump_span_reader_init() - a reader that maps each piece of old RAM once
 * @sr: the reader; @sr->remap and @sr->unmap default to memremap() and
 *	memunmap() when NULL
 * @mm: the memory map whose old RAM it reads
 *
 * Install it as @mm->reader for the time of one adoption; release it with
 * kdump_span_reader_release(), after which no pointer it gave is valid.
 */
void kdump_span_reader_init(struct kdump_span_reader *sr,
			    const struct kdump_mem_map *mm)
{
	sr->rd.map = kdump_span_map;
	sr->rd.unmap = kdump_span_unmap;
	sr->mm = mm;
	if (!sr->remap)
		sr->remap = memremap;
	if (!sr->unmap)
		sr->unmap = memunmap;
	sr->nr = 0;
	sr->remaps = 0;
	memset(sr->alone, 0, sizeof(sr->alone));
}
EXPORT_SYMBOL_IF_KUNIT(kdump_span_reader_init);

/**
 * kdump_span_reader_release() - unmap every piece a span reader mapped
 * @sr: the reader
 */
void kdump_span_reader_release(struct kdump_span_reader *sr)
{
	while (sr->nr)
		sr->unmap(sr->span[--sr->nr].virt);
}
EXPORT_SYMBOL_IF_KUNIT(kdump_span_reader_release);

/* ---- Entry checks ---------------------------------------------------- */

/*
 * The fields the VT-d specification (rev 4.1) reserves, per entry kind and
 * quadword: each must be zero, or, where @unless names a capability, may
 * be set only when the IOMMU reports it.  An entry with one of them set is
 * not one this IOMMU, or the crashed kernel, could have meant: it is
 * refused with @reason.  Address bits beyond the IOMMU's reach are checked
 * against the memory map instead (kdump_check_addr()).  In paging entries,
 * the walk checks the rows of the second-level format here; the other
 * reserved fields, which differ per level and page size, are the address
 * bits below a large page (superpage alignment), a large-page bit where no
 * large page may be (superpage: 9.7, 9.8, and CAP.SLLPS, CAP.FL1GP), and
 * address bits above the host address width (the memory map).
 */
#define RSVD(k, q, m, u, r, s)	\
	{ .kind = (k), .qw = (q), .bits = (m), .unless = (u), .reason = (r), .spec = (s) }
#define ALL_BITS		GENMASK_ULL(63, 0)
#define ECAP_DT			BIT_ULL(2)	/* device-TLB */
#define ECAP_PRS		BIT_ULL(29)	/* page requests */
#define ECAP_PASID		BIT_ULL(40)	/* PASID support */
#define ECAP_RPS		BIT_ULL(49)	/* RID_PASID support */
#define ECAP_SC			BIT_ULL(7)	/* snoop control */
#define ECAP_SMTS		BIT_ULL(43)	/* scalable mode */

VISIBLE_IF_KUNIT const struct kdump_rsvd_rule kdump_rsvd_rules[] = {
	RSVD(KDUMP_E_ROOT, 0, ROOT_RSVD, 0, KDUMP_BAD_RESERVED_BITS,
	     "9.1 Root Entry: 11:1"),
	RSVD(KDUMP_E_ROOT, 1, ALL_BITS, 0, KDUMP_BAD_RESERVED_BITS,
	     "9.1 Root Entry: 127:64"),
	RSVD(KDUMP_E_SM_ROOT, 0, ROOT_RSVD, 0, KDUMP_BAD_RESERVED_BITS,
	     "9.2 Scalable-Mode Root Entry: 11:1"),
	RSVD(KDUMP_E_SM_ROOT, 1, ROOT_RSVD, 0, KDUMP_BAD_RESERVED_BITS,
	     "9.2 Scalable-Mode Root Entry: 75:65"),
	RSVD(KDUMP_E_CONTEXT, 0, CTX_LEGACY_LO_RSVD, 0,
	     KDUMP_BAD_RESERVED_BITS, "9.3 Context Entry: 11:4"),
	RSVD(KDUMP_E_CONTEXT, 1, CTX_LEGACY_HI_RSVD, 0,
	     KDUMP_BAD_RESERVED_BITS, "9.3 Context Entry: 71, 127:88"),
	RSVD(KDUMP_E_SM_CONTEXT, 0, CTX_SM_LO_RSVD, 0,
	     KDUMP_BAD_RESERVED_BITS, "9.4 Scalable-Mode Context Entry: 8:5"),
	RSVD(KDUMP_E_SM_CONTEXT, 0, BIT_ULL(2), ECAP_DT,
	     KDUMP_BAD_RESERVED_BITS, "9.4 DTE without ECAP.DT"),
	RSVD(KDUMP_E_SM_CONTEXT, 0, BIT_ULL(3), ECAP_PASID,
	     KDUMP_BAD_RESERVED_BITS, "9.4 PASIDE without ECAP.PASID"),
	RSVD(KDUMP_E_SM_CONTEXT, 0, BIT_ULL(4), ECAP_PRS,
	     KDUMP_BAD_RESERVED_BITS, "9.4 PRE without ECAP.PRS"),
	RSVD(KDUMP_E_SM_CONTEXT, 1, CTX_SM_HI_RSVD, 0,
	     KDUMP_BAD_RESERVED_BITS, "9.4 Scalable-Mode Context Entry: 127:85"),
	RSVD(KDUMP_E_SM_CONTEXT, 1, CTX_SM_RID_PASID_MASK, ECAP_RPS,
	     KDUMP_BAD_RESERVED_BITS, "9.4 RID_PASID without ECAP.RPS"),
	RSVD(KDUMP_E_SM_CONTEXT, 2, ALL_BITS, 0, KDUMP_BAD_RESERVED_BITS,
	     "9.4 Scalable-Mode Context Entry: 191:128"),
	RSVD(KDUMP_E_SM_CONTEXT, 3, ALL_BITS, 0, KDUMP_BAD_RESERVED_BITS,
	     "9.4 Scalable-Mode Context Entry: 255:192"),
	RSVD(KDUMP_E_PASID_DIR, 0, PDE_RSVD, 0, KDUMP_BAD_PASID_DIR,
	     "9.5 Scalable-Mode PASID Directory Entry: 11:2"),
	RSVD(KDUMP_E_PASID, 0, GENMASK_ULL(11, 10), 0, KDUMP_BAD_PASID_ENTRY,
	     "9.6 Scalable-Mode PASID Table Entry: 11:10"),
	RSVD(KDUMP_E_PASID, 3, ALL_BITS, 0, KDUMP_BAD_PASID_ENTRY,
	     "9.6 Scalable-Mode PASID Table Entry: 255:192"),
	RSVD(KDUMP_E_PASID, 4, ALL_BITS, 0, KDUMP_BAD_PASID_ENTRY,
	     "9.6 Scalable-Mode PASID Table Entry: 319:256"),
	RSVD(KDUMP_E_PASID, 5, ALL_BITS, 0, KDUMP_BAD_PASID_ENTRY,
	     "9.6 Scalable-Mode PASID Table Entry: 383:320"),
	RSVD(KDUMP_E_PASID, 6, ALL_BITS, 0, KDUMP_BAD_PASID_ENTRY,
	     "9.6 Scalable-Mode PASID Table Entry: 447:384"),
	RSVD(KDUMP_E_PASID, 7, ALL_BITS, 0, KDUMP_BAD_PASID_ENTRY,
	     "9.6 Scalable-Mode PASID Table Entry: 511:448"),
	RSVD(KDUMP_E_SL_TABLE, 0, BIT_ULL(62), 0, KDUMP_BAD_RESERVED_BITS,
	     "9.8 Second-Stage Paging Entry: 62"),
	RSVD(KDUMP_E_SL_TABLE, 0, BIT_ULL(11), 0, KDUMP_BAD_RESERVED_BITS,
	     "9.8 Second-Stage Paging Entry to a table: 11"),
	RSVD(KDUMP_E_SL_LEAF, 0, BIT_ULL(62), 0, KDUMP_BAD_RESERVED_BITS,
	     "9.8 Second-Stage Paging Entry: 62"),
	RSVD(KDUMP_E_SL_LEAF, 0, BIT_ULL(11), ECAP_SC | ECAP_SMTS,
	     KDUMP_BAD_RESERVED_BITS, "9.8 SNP without ECAP.SC"),
};
EXPORT_SYMBOL_IF_KUNIT(kdump_rsvd_rules);
VISIBLE_IF_KUNIT const unsigned int kdump_nr_rsvd_rules =
	ARRAY_SIZE(kdump_rsvd_rules);
EXPORT_SYMBOL_IF_KUNIT(kdump_nr_rsvd_rules);

/**
 * kdump_check_reserved() - check the reserved fields of an entry
 * @hw: capabilities of the IOMMU that will use it
 * @kind: what the entry is
 * @e: its quadwords, as many as @kind has
 *
 * Return: KDUMP_OK, or the reason of the first rule the entry breaks.
 */
VISIBLE_IF_KUNIT enum kdump_refusal
kdump_check_reserved(const struct kdump_hw_caps *hw,
		     enum kdump_entry_kind kind, const u64 *e)
{
	const struct kdump_rsvd_rule *rule;

	for (rule = kdump_rsvd_rules;
	     rule < kdump_rsvd_rules + kdump_nr_rsvd_rules; rule++) {
		if (rule->kind != kind || (rule->unless & hw->ecap))
			continue;
		if (e[rule->qw] & rule->bits)
			return rule->reason;
	}
	return KDUMP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_check_reserved);

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
	enum kdump_refusal r = kdump_check_reserved(hw, KDUMP_E_CONTEXT, ce);

	if (r)
		return r;

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
 * @ce: the entry's four quadwords
 *
 * Return: KDUMP_OK, or why the entry cannot be adopted.
 */
VISIBLE_IF_KUNIT enum kdump_refusal
kdump_check_sm_context(const struct kdump_hw_caps *hw, const u64 ce[4])
{
	enum kdump_refusal r = kdump_check_reserved(hw, KDUMP_E_SM_CONTEXT, ce);

	if (r)
		return r;
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
	enum kdump_refusal r = kdump_check_reserved(hw, KDUMP_E_PASID, pe);

	if (r)
		return r;
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

struct kdump_walker {
	const struct kdump_mem_map *mm;
	const struct kdump_hw_caps *hw;
	struct kdump_walk *w;
	u64 *snap;		/* in place: one page per level, see below */
	u64 rsvd_table;		/* any reserved bit of a table entry */
	u64 rsvd_leaf;		/* any reserved bit of a leaf */
	bool copy;
};

/* kdump_walk_leaf(): the leaf is left out of the tables installed. */
#define KDUMP_LEAF_LEFT_OUT	1

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

/**
 * kdump_charge() - take @n of @item from a budget and its parents
 * @b: the budget, or NULL for none
 * @item: what is charged
 * @n: how much
 * @hit: set to the limit that refused the charge, if one did
 *
 * Return: true if charged; false, with nothing charged, if @n would take
 * @b or one of its parents past its limit.
 */
bool kdump_charge(struct kdump_budget *b, enum kdump_budget_item item,
		  unsigned long n, unsigned long *hit)
{
	struct kdump_budget *p;

	for (p = b; p; p = p->parent) {
		if (p->used[item] + n < n || p->used[item] + n > p->limit[item]) {
			*hit = p->limit[item];
			return false;
		}
	}
	for (p = b; p; p = p->parent)
		p->used[item] += n;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_charge);

/* Give back what kdump_charge() took for something that was not made. */
static void kdump_refund(struct kdump_budget *b, enum kdump_budget_item item,
			 unsigned long n)
{
	for (; b; b = b->parent)
		b->used[item] -= min(n, b->used[item]);
}

/*
 * Room for one more element in a growing array of @nr elements of @size
 * with room for *@max: the array, reallocated (*@max doubled, at least
 * @first) when full and the growth charged to @b.  Large arrays come from
 * vmalloc.  Return: the array; ERR_PTR(-ENOMEM), or -ENOSPC past the
 * budget (*@hit set), with the old array left untouched.
 */
static void *kdump_grow(struct kdump_budget *b, void *array, unsigned int nr,
			unsigned int *max, size_t size, unsigned int first,
			unsigned long *hit)
{
	unsigned int n;
	void *p;

	if (nr < *max)
		return array;
	n = max(first, *max * 2);
	if (n <= *max || !kdump_charge(b, KDUMP_BUDGET_BYTES,
				       (n - *max) * size, hit))
		return ERR_PTR(-ENOSPC);
	p = kvrealloc(array, array_size(n, size), GFP_KERNEL);
	if (!p) {
		kdump_refund(b, KDUMP_BUDGET_BYTES, (n - *max) * size);
		return ERR_PTR(-ENOMEM);
	}
	*max = n;
	return p;
}

/* Like kdump_grow(), for arrays whose size the hardware bounds. */
static void *kdump_grow_bounded(void *array, unsigned int nr,
				unsigned int *max, size_t size,
				unsigned int first)
{
	unsigned long hit;
	void *p = kdump_grow(NULL, array, nr, max, size, first, &hit);

	return IS_ERR(p) ? NULL : p;
}

static int kdump_walk_add_range(struct kdump_walk *w, u64 start, u64 last,
				u8 perm, unsigned long *hit)
{
	struct kdump_iova_range *r;

	if (w->nr_ranges) {
		r = &w->ranges[w->nr_ranges - 1];
		if (r->last + 1 == start && r->perm == perm) {
			r->last = last;
			return 0;
		}
	}
	r = kdump_grow(w->budget, w->ranges, w->nr_ranges, &w->max_ranges,
		       sizeof(*r), 16, hit);
	if (IS_ERR(r))
		return PTR_ERR(r);
	w->ranges = r;
	r = &w->ranges[w->nr_ranges++];
	r->start = start;
	r->last = last;
	r->perm = perm;
	return 0;
}

static int kdump_walk_add_map(struct kdump_walk *w, u64 iova, u64 phys,
			      u64 size, u8 perm, unsigned long *hit)
{
	struct kdump_map *m;

	if (w->nr_maps) {
		m = &w->maps[w->nr_maps - 1];
		if (m->iova + m->size == iova && m->phys + m->size == phys &&
		    m->perm == perm && size <= KDUMP_MAP_MAX - m->size) {
			m->size += size;
			return 0;
		}
	}
	m = kdump_grow(w->budget, w->maps, w->nr_maps, &w->max_maps,
		       sizeof(*m), 16, hit);
	if (IS_ERR(m))
		return PTR_ERR(m);
	w->maps = m;
	m = &w->maps[w->nr_maps++];
	m->iova = iova;
	m->phys = phys;
	m->size = size;
	m->perm = perm;
	return 0;
}

/*
 * In place, a writable 1:1 leaf of a direct window (the ISA window below
 * 16 MiB, an RMRR) over the crashed kernel's RAM is left out too.  Such a
 * window maps whatever lies there, the page tables adopted in place
 * included (the crashed kernel allocates them anywhere): its DMA could
 * rewrite them once checked, and every context using one would have to
 * be refused (table-dma-writable).  The device keeps its other
 * translations, and the capture kernel's own domain maps the window 1:1
 * again at the hand-over.  Firmware-reserved memory, which is not the
 * crashed kernel's RAM, stays mapped.
 */
static bool kdump_window_over_old_ram(const struct kdump_walker *k, u64 iova,
				      u64 addr, u64 size, u8 perm)
{
	u64 last = addr + size - 1;

	return !k->copy && iova == addr && (perm & KDUMP_PERM_WRITE) &&
	       kdump_ranges_contain(k->mm->direct, k->mm->nr_direct, addr,
				    last) &&
	       kdump_ranges_intersect(k->mm->old, k->mm->nr_old, addr, last);
}

/*
 * @perm is what the levels above allow: the access a leaf grants is the
 * AND of its own permission and every upper entry's (VT-d 4.1, 3.6 and
 * 3.7: an access is allowed only if every entry of the walk allows it).
 */
static int kdump_walk_leaf(struct kdump_walker *k, u64 pte, int level,
			   u64 iova, u8 perm)
{
	unsigned int shift = kdump_level_shift(level);
	u64 size = BIT_ULL(shift), addr = pte & PTE_ADDR_MASK;
	enum kdump_refusal r;
	unsigned long hit;
	bool window;
	int ret;

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
	/*
	 * A leaf into the capture kernel's RAM is left out, not the device:
	 * its other translations stay and DMA to that leaf faults.  A large
	 * leaf that only overlaps that RAM is left out whole.  Its IOVA was
	 * live at the panic: it stays in the ranges (reserved, so no new
	 * driver is given it), never in the maps the hand-over re-creates.
	 */
	if (r && r != KDUMP_LEAF_IN_CAPTURE_RAM)
		return kdump_walk_fail(k, r, addr);
	if (!kdump_charge(k->w->budget, KDUMP_BUDGET_LEAVES, 1, &hit))
		return kdump_walk_fail(k, KDUMP_BUDGET, hit);
	perm &= kdump_pte_perm(k->w->format, pte);
	window = !r && kdump_window_over_old_ram(k, iova, addr, size, perm);
	ret = kdump_walk_add_range(k->w, iova, iova + size - 1, perm, &hit);
	if (!ret && !r && !window)
		ret = kdump_walk_add_map(k->w, iova, addr, size, perm, &hit);
	if (ret)
		return kdump_walk_fail(k, ret == -ENOSPC ? KDUMP_BUDGET :
				       KDUMP_NO_MEMORY, ret == -ENOSPC ? hit : 0);
	if (r) {
		if (!k->w->dropped++)
			k->w->dropped_addr = addr;
		return KDUMP_LEAF_LEFT_OUT;
	}
	if (window) {
		k->w->dropped_window++;
		return KDUMP_LEAF_LEFT_OUT;
	}
	k->w->leaves[level - 1]++;
	return 0;
}

/* Every bit kdump_rsvd_rules[] reserves in quadword 0 of a @kind entry. */
static u64 kdump_rsvd_mask(const struct kdump_hw_caps *hw,
			   enum kdump_entry_kind kind)
{
	const struct kdump_rsvd_rule *rule;
	u64 mask = 0;

	for (rule = kdump_rsvd_rules;
	     rule < kdump_rsvd_rules + kdump_nr_rsvd_rules; rule++)
		if (rule->kind == kind && !rule->qw &&
		    !(rule->unless & hw->ecap))
			mask |= rule->bits;
	return mask;
}

/*
 * The reserved fields of kdump_rsvd_rules[] in a present paging entry:
 * one test against the walk's mask, the rules only for the reason.
 */
static enum kdump_refusal kdump_check_pte(const struct kdump_walker *k,
					  u64 pte, int level)
{
	bool leaf = level == 1 || (pte & PTE_LARGE);

	if (k->w->format != KDUMP_PT_SECOND_LEVEL ||
	    !(pte & (leaf ? k->rsvd_leaf : k->rsvd_table)))
		return KDUMP_OK;
	return kdump_check_reserved(k->hw, leaf ? KDUMP_E_SL_LEAF :
					    KDUMP_E_SL_TABLE, &pte);
}

/*
 * A table of the capture kernel's own for @table, whose entries are @out:
 * charged, kept with the walk's copies and made visible to the IOMMU.
 */
static int kdump_dup_table(struct kdump_walker *k, u64 table, const u64 *out,
			   u64 **dup)
{
	struct kdump_walk *w = k->w;
	unsigned long hit;
	void **copies;

	/* At most KDUMP_WALK_MAX_TABLES: the array is not charged. */
	copies = kdump_grow_bounded(w->copies, w->copied_pages,
				    &w->max_copies, sizeof(*copies), 16);
	if (!copies)
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
	w->copies = copies;
	if (!kdump_charge(w->budget, KDUMP_BUDGET_BYTES, VTD_PAGE_SIZE, &hit))
		return kdump_walk_fail(k, KDUMP_BUDGET, hit);
	*dup = kdump_hw_alloc_table(NUMA_NO_NODE, GFP_KERNEL, 0);
	if (!*dup) {
		kdump_refund(w->budget, KDUMP_BUDGET_BYTES, VTD_PAGE_SIZE);
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
	}
	if (out)
		memcpy(*dup, out, VTD_PAGE_SIZE);
	w->copies[w->copied_pages++] = *dup;
	return 0;
}

/* Free a walk's duplicate tables, and their array. */
static void kdump_free_copies(struct kdump_walk *w)
{
	unsigned long i;

	for (i = 0; i < w->copied_pages; i++)
		kdump_hw_free_table(w->copies[i], 0);
	kvfree(w->copies);
	w->copies = NULL;
	w->copied_pages = 0;
	w->max_copies = 0;
}

/*
 * Walk one table and write, into *@new_table, the table to install for
 * it: the old one in place, unless something below it was left out; a
 * duplicate in copy mode, or in place on the path to a leaf left out.
 * In place, the entries as checked are kept in k->snap (one page per
 * level), so that such a duplicate holds what was checked, not what old
 * DMA may have written since.
 */
static int kdump_walk_table(struct kdump_walker *k, u64 table, int level,
			    u64 iova, u8 perm, u64 *new_table)
{
	unsigned int shift = kdump_level_shift(level);
	u64 *old, *out, *dup = NULL;
	enum kdump_refusal r;
	bool changed = false;
	unsigned long hit;
	int i, ret = 0;

	*new_table = table;
	r = kdump_check_addr(k->mm, table, VTD_PAGE_SIZE, false);
	if (r)
		return kdump_walk_fail(k, r, table);
	if (k->w->tables >= KDUMP_WALK_MAX_TABLES)
		return kdump_walk_fail(k, KDUMP_WALK_TOO_LARGE, table);
	if (!kdump_charge(k->w->budget, KDUMP_BUDGET_TABLES, 1, &hit))
		return kdump_walk_fail(k, KDUMP_BUDGET, hit);
	/* A table reached twice is a loop or a corrupt tree: refuse both. */
	ret = xa_insert(&k->w->table_set, table >> VTD_PAGE_SHIFT,
			xa_mk_value(level), GFP_KERNEL);
	if (ret == -EBUSY)
		return kdump_walk_fail(k, KDUMP_TABLE_LOOP, table);
	if (ret)
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
	k->w->tables++;

	old = kdump_map_table(k->mm, table, VTD_PAGE_SIZE);
	if (!old)
		return kdump_walk_fail(k, KDUMP_NO_MEMORY, table);
	if (k->copy) {
		ret = kdump_dup_table(k, table, NULL, &dup);
		if (ret) {
			kdump_unmap_table(k->mm, old);
			return ret;
		}
		out = dup;
	} else {
		out = k->snap + (level - 1) * BIT(LEVEL_STRIDE);
		memset(out, 0, VTD_PAGE_SIZE);
	}

	for (i = 0; i < BIT(LEVEL_STRIDE) && !ret; i++) {
		u64 pte = READ_ONCE(old[i]);
		u64 sub = iova + ((u64)i << shift);
		u64 child = 0;

		if (!kdump_pte_present(k->w->format, pte))
			continue;
		r = kdump_check_pte(k, pte, level);
		if (r) {
			ret = kdump_walk_fail(k, r, pte);
			break;
		}
		if (level == 1 || (pte & PTE_LARGE)) {
			ret = kdump_walk_leaf(k, pte, level, sub, perm);
			if (ret == KDUMP_LEAF_LEFT_OUT) {
				ret = 0;
				changed = true;
				continue;
			}
			out[i] = pte;
			continue;
		}
		ret = kdump_walk_table(k, pte & PTE_ADDR_MASK, level - 1, sub,
				       perm & kdump_pte_perm(k->w->format, pte),
				       &child);
		out[i] = (pte & ~PTE_ADDR_MASK) | child;
		changed |= child != (pte & PTE_ADDR_MASK);
	}
	kdump_unmap_table(k->mm, old);
	if (!ret && !dup && changed) {
		ret = kdump_dup_table(k, table, out, &dup);
		/* No longer in use: DMA may write it (kdump_inuse_pages()). */
		if (!ret)
			xa_store(&k->w->table_set, table >> VTD_PAGE_SHIFT,
				 xa_mk_value(level | KDUMP_TABLE_REPLACED),
				 GFP_KERNEL);
	}
	if (ret || !dup)
		return ret;
	/* A non-coherent IOMMU walks memory, not the CPU's caches. */
	if (!ecap_coherent(k->hw->ecap))
		clflush_cache_range(dup, VTD_PAGE_SIZE);
	*new_table = virt_to_phys(dup);
	return 0;
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
 * of contiguous IOVA with the same permissions, in ascending order, and
 * what it maps to in @w->maps.  The walk stops at the first entry that
 * fails a check, recording why in @w->reason, but for a leaf into the
 * capture kernel's RAM: that leaf is left out of the tables to install and
 * of @w->maps (@w->dropped counts them; its IOVA stays in @w->ranges), and
 * the tables from the root down to it are then copies, in place too.
 * @w->new_root is the table to install: @root, unless it was copied.
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
		.rsvd_table = kdump_rsvd_mask(hw, KDUMP_E_SL_TABLE),
		.rsvd_leaf = kdump_rsvd_mask(hw, KDUMP_E_SL_LEAF),
	};
	int ret;

	w->root = root;
	w->levels = levels;
	w->format = format;
	w->copies = NULL;
	w->copied_pages = 0;
	w->max_copies = 0;
	xa_init(&w->table_set);
	if (levels < 3 || levels > 5)
		return kdump_walk_fail(&k, KDUMP_BAD_ADDRESS_WIDTH, root);
	if (!copy) {
		k.snap = kvmalloc_array(levels, VTD_PAGE_SIZE, GFP_KERNEL);
		if (!k.snap)
			return kdump_walk_fail(&k, KDUMP_NO_MEMORY, root);
	}

	ret = kdump_walk_table(&k, root, levels, 0,
			       KDUMP_PERM_READ | KDUMP_PERM_WRITE, &w->new_root);
	kvfree(k.snap);
	/*
	 * The tables seen, kept in place where they stay in use (see
	 * kdump_refuse_dma_writable()); copies are the capture kernel's.
	 */
	if (ret || copy)
		xa_destroy(&w->table_set);
	if (ret) {
		kdump_free_copies(w);
		w->new_root = 0;
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_walk_pgtable);

/**
 * kdump_walk_free() - release what a walk allocated
 * @w: the walk
 */
void kdump_walk_free(struct kdump_walk *w)
{
	kvfree(w->ranges);
	w->ranges = NULL;
	w->nr_ranges = 0;
	w->max_ranges = 0;
	kvfree(w->maps);
	w->maps = NULL;
	w->nr_maps = 0;
	w->max_maps = 0;
	kfree(w->windows);
	w->windows = NULL;
	w->nr_windows = 0;
	kdump_free_copies(w);
	xa_destroy(&w->table_set);
}
EXPORT_SYMBOL_IF_KUNIT(kdump_walk_free);

/**
 * kdump_walk_table_list() - the old tables of a walk that passed
 * @mm: where tables may lie
 * @rd: what reads them
 * @w: the walk, judged with no refusal
 * @tables: filled with their physical addresses, the top-level one first
 * @max: room in @tables
 *
 * Follows the entries the judge followed without judging them again, but
 * for each table's address, which must still be the crashed kernel's RAM:
 * what DMA may have written since is not trusted.  For diagnostics only
 * (kdump/limit): what reading those tables costs at the least.
 *
 * Return: the number of tables in @tables, at most @max.
 */
unsigned int kdump_walk_table_list(const struct kdump_mem_map *mm,
				   struct kdump_table_reader *rd,
				   const struct kdump_walk *w, u64 *tables,
				   unsigned int max)
{
	unsigned int n = 0, i, e;

	if (w->reason || !max)
		return 0;
	/* Tables are page-aligned: their level rides in the low bits. */
	tables[n++] = w->root | w->levels;
	for (i = 0; i < n; i++) {
		u64 table = tables[i] & VTD_PAGE_MASK;
		int level = tables[i] & ~VTD_PAGE_MASK;
		u64 *old;

		tables[i] = table;
		if (level == 1)
			continue;
		old = rd->map(rd, table, VTD_PAGE_SIZE);
		if (!old)
			continue;
		for (e = 0; e < BIT(LEVEL_STRIDE) && n < max; e++) {
			u64 pte = READ_ONCE(old[e]), child = pte & PTE_ADDR_MASK;

			if (!kdump_pte_present(w->format, pte) ||
			    (pte & PTE_LARGE) ||
			    kdump_check_table_addr(mm, child, VTD_PAGE_SIZE))
				continue;
			tables[n++] = child | (level - 1);
		}
		rd->unmap(rd, old);
	}
	return n;
}

/**
 * kdump_walk_trim() - free what a walk no context uses any more needs
 * @w: the walk, whose every context was released
 *
 * Its page-table copies, which no context entry points to once its devices
 * were switched to their new domains, the maps the hand-over re-created,
 * and the set of old tables kept in place.  The IOVA ranges and windows
 * stay: debugfs shows them, and they stay reserved in domains made since.
 */
void kdump_walk_trim(struct kdump_walk *w)
{
	kvfree(w->maps);
	w->maps = NULL;
	w->nr_maps = 0;
	w->max_maps = 0;
	kdump_free_copies(w);
	xa_destroy(&w->table_set);
}

/* ---- Root, context and PASID tables ---------------------------------- */

static struct kdump_context *kdump_new_context(struct kdump_iommu *st,
					       u16 bus, u16 devfn)
{
	struct kdump_context *c;

	/* At most 256 contexts and 2 tables per bus: the hardware bounds it. */
	c = kdump_grow_bounded(st->ctx, st->nr_ctx, &st->max_ctx, sizeof(*c),
			       64);
	if (!c)
		return NULL;
	st->ctx = c;
	c = &st->ctx[st->nr_ctx++];
	memset(c, 0, sizeof(*c));
	c->bus = bus;
	c->devfn = devfn;
	return c;
}

/* The key of a walk in @st->walk_index: root page, levels and format. */
static unsigned long kdump_walk_key(u64 root, int levels,
				    enum kdump_pt_format format)
{
	/* Checked entries ask for 2 to 6 levels. */
	return (unsigned long)(root >> VTD_PAGE_SHIFT) << 4 |
	       (levels & 7) << 1 | format;
}

/*
 * Walk a page table once per IOMMU, however many contexts share it; the
 * walks are indexed by an xarray, so that thousands of distinct roots
 * cost O(log n) each.  Return: the walk (check its reason), or NULL when
 * there is no memory or budget left for one.
 */
static struct kdump_walk *kdump_get_walk(struct kdump_iommu *st, u64 root,
					 int levels,
					 enum kdump_pt_format format,
					 enum kdump_refusal *why)
{
	unsigned long key = kdump_walk_key(root, levels, format), hit;
	struct kdump_walk *w, **ws;
	void *idx;

	*why = KDUMP_NO_MEMORY;
	idx = xa_load(&st->walk_index, key);
	if (idx)
		return st->walks[xa_to_value(idx)];
	/* Bounded by the contexts, each at most one walk, and charged. */
	ws = kdump_grow_bounded(st->walks, st->nr_walks, &st->max_walks,
				sizeof(*ws), 8);
	if (!ws)
		return NULL;
	st->walks = ws;
	if (!kdump_charge(&st->budget, KDUMP_BUDGET_BYTES, sizeof(*w), &hit)) {
		*why = KDUMP_BUDGET;
		return NULL;
	}
	w = kzalloc_obj(*w, GFP_KERNEL);
	if (!w || xa_err(xa_store(&st->walk_index, key,
				  xa_mk_value(st->nr_walks), GFP_KERNEL))) {
		kfree(w);
		kdump_refund(&st->budget, KDUMP_BUDGET_BYTES, sizeof(*w));
		return NULL;
	}
	w->budget = &st->budget;
	kdump_walk_pgtable(st->mm, &st->hw, root, levels, format, st->copy, w);
	st->walks[st->nr_walks++] = w;
	return w;
}

/* Keep a domain-id reserved: kdump.c marks it in use when it installs. */
static void kdump_reserve_did(struct kdump_iommu *st, u16 did)
{
	if (did < cap_ndoms(st->hw.cap) && !test_and_set_bit(did, st->dids))
		st->nr_dids++;
}

/*
 * A new table for @list, charged to the budget unless the hardware bounds
 * how many there can be (one context table per bus half).  *@why says
 * what was missing when this returns NULL.
 */
static void *kdump_alloc_block(struct kdump_iommu *st, struct list_head *list,
			       int order, bool bounded,
			       enum kdump_refusal *why)
{
	struct kdump_block *b;
	unsigned long hit;

	*why = KDUMP_BUDGET;
	if (!bounded && !kdump_charge(&st->budget, KDUMP_BUDGET_BYTES,
				      PAGE_SIZE << order, &hit))
		return NULL;
	*why = KDUMP_NO_MEMORY;
	b = kmalloc_obj(*b, GFP_KERNEL);
	if (b)
		b->virt = kdump_hw_alloc_table(st->node, GFP_KERNEL, order);
	if (!b || !b->virt) {
		kfree(b);
		if (!bounded)
			kdump_refund(&st->budget, KDUMP_BUDGET_BYTES,
				     PAGE_SIZE << order);
		return NULL;
	}
	b->order = order;
	list_add_tail(&b->node, list);
	return b->virt;
}

/**
 * kdump_free_blocks() - free the tables kdump_alloc_block() allocated
 * @list: their list, emptied
 */
void kdump_free_blocks(struct list_head *list)
{
	struct kdump_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, list, node) {
		kdump_hw_free_table(b->virt, b->order);
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
	enum kdump_refusal why;
	struct kdump_walk *w = kdump_get_walk(st, root, levels, fmt, &why);

	if (!w)
		return why;
	if (w->reason) {
		c->bad_addr = w->bad_addr;
		return w->reason;
	}
	*new_root = w->new_root;
	return KDUMP_OK;
}

/* Judge one legacy context entry; @ce becomes the entry to install. */
static enum kdump_refusal kdump_adopt_legacy(struct kdump_iommu *st,
					     struct kdump_context *c, u64 ce[2])
{
	u64 root = ce[0] & VTD_PAGE_MASK, new_root;
	int levels = CTX_AW(ce[1]) + 2;
	enum kdump_refusal r;

	c->tt = CTX_TT(ce[0]);
	c->did = CTX_DID(ce[1]);
	c->aw = kdump_aw_bits(CTX_AW(ce[1]));
	c->old_table = c->tt == CONTEXT_TT_PASS_THROUGH ? 0 : root;
	c->new_table = c->old_table;

	r = kdump_check_legacy_context(&st->hw, ce);
	if (r || c->tt == CONTEXT_TT_PASS_THROUGH)
		return r;

	r = kdump_walk_for(st, c, root, levels, KDUMP_PT_SECOND_LEVEL,
			   &new_root);
	if (r)
		return r;
	c->walk = kdump_get_walk(st, root, levels, KDUMP_PT_SECOND_LEVEL, &r);
	c->tables = c->walk;
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
	enum kdump_pt_format fmt = KDUMP_PT_SECOND_LEVEL;
	u64 root = 0, new_root;
	enum kdump_refusal r;
	int levels = 0;

	r = kdump_check_pasid_entry(&st->hw, pe);
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
		c->aw = levels ? kdump_aw_bits(levels - 2) : 0;
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
	if (rid_pasid) {
		c->tables = kdump_get_walk(st, root, levels, fmt, &r);
		if (PE_PGTT(pe) != PASID_ENTRY_PGTT_NESTED)
			c->walk = c->tables;
	}
	if (fmt == KDUMP_PT_FIRST_LEVEL)
		pe[2] = (pe[2] & ~VTD_PAGE_MASK) | new_root;
	else
		pe[0] = (pe[0] & ~VTD_PAGE_MASK) | new_root;
	return KDUMP_OK;
}

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
	p = kdump_grow_bounded(st->pasids, st->nr_pasids, &st->max_pasids,
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
	enum kdump_refusal r = KDUMP_OK;
	u64 *old, pe[PASID_ENTRY_QW];
	unsigned long hit;
	unsigned int i;

	r = kdump_check_table_addr(st->mm, table, VTD_PAGE_SIZE);
	if (r) {
		c->bad_addr = table;
		return r;
	}
	if (!kdump_charge(&st->budget, KDUMP_BUDGET_TABLES, 1, &hit)) {
		c->bad_addr = hit;
		return KDUMP_BUDGET;
	}
	old = kdump_map_table(st->mm, table, VTD_PAGE_SIZE);
	if (!old)
		return KDUMP_NO_MEMORY;

	for (i = 0; i < PASID_TBL_ENTRIES && !r; i++) {
		memcpy(pe, old + i * PASID_ENTRY_QW, sizeof(pe));
		if (!(pe[0] & PASID_PTE_PRESENT))
			continue;
		if (first_pasid + i != rid_pasid) {
			enum kdump_refusal why = kdump_check_pasid_entry(&st->hw, pe);

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
	kdump_unmap_table(st->mm, old);
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
	enum kdump_refusal why;
	u64 *dir, *tbl;

	if (idx >= 128)
		pdts = CTX_SM_PDTS(ce[0]);
	else
		size = 128 * sizeof(u64);
	dir = kdump_alloc_block(st, blocks, get_order(size), false, &why);
	if (!dir)
		return why;
	if (pde & PASID_PTE_PRESENT) {
		tbl = kdump_alloc_block(st, blocks, 0, false, &why);
		if (!tbl)
			return why;
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
					       u64 ce[4])
{
	bool copy = st->copy;
	u64 dir = ce[0] & VTD_PAGE_MASK, *old, rid_pde = 0;
	unsigned int i, others = 0, nr_pdes = 1U << (CTX_SM_PDTS(ce[0]) + 7);
	u32 rid_pasid = CTX_SM_RID_PASID(ce[1]);
	u32 rid_idx = rid_pasid >> PASID_PDE_SHIFT;
	u64 rid_pe[PASID_ENTRY_QW] = {};
	size_t size = nr_pdes * sizeof(u64);
	enum kdump_refusal r;
	struct kdump_block *b;
	unsigned long hit;
	LIST_HEAD(blocks);

	c->scalable = true;
	c->old_table = dir;
	c->new_table = dir;
	c->old_dir_size = size;
	r = kdump_check_sm_context(&st->hw, ce);
	if (r)
		return r;
	if (rid_idx >= nr_pdes) {
		c->bad_addr = rid_pasid;
		return KDUMP_BAD_PASID_DIR;
	}
	r = kdump_check_table_addr(st->mm, dir, size);
	if (r) {
		c->bad_addr = dir;
		return r;
	}
	if (!kdump_charge(&st->budget, KDUMP_BUDGET_TABLES,
			  DIV_ROUND_UP(size, VTD_PAGE_SIZE), &hit)) {
		c->bad_addr = hit;
		return KDUMP_BUDGET;
	}
	old = kdump_map_table(st->mm, dir, size);
	if (!old)
		return KDUMP_NO_MEMORY;

	/* Other PASIDs' tables are neither read nor kept. */
	for (i = 0; i < nr_pdes && !r; i++) {
		u64 pde = READ_ONCE(old[i]);

		if (!(pde & PASID_PTE_PRESENT))
			continue;
		r = kdump_check_reserved(&st->hw, KDUMP_E_PASID_DIR, &pde);
		if (i != rid_idx) {
			kdump_note_pasid(st, c, i << PASID_PDE_SHIFT, NULL,
					 r ? r : KDUMP_PASID_NOT_ADOPTED);
			r = KDUMP_OK;
			others++;
			continue;
		}
		if (r) {
			c->bad_addr = pde;
			break;
		}
		rid_pde = pde;
		c->old_pasid_table = pde & VTD_PAGE_MASK;
		r = kdump_adopt_pasid_table(st, c, pde & VTD_PAGE_MASK,
					    i << PASID_PDE_SHIFT, rid_pasid,
					    rid_pe, &others);
	}
	kdump_unmap_table(st->mm, old);
	if (r)
		return r;

	/*
	 * In place, the old PASID structures serve when they hold nothing
	 * else and the RID_PASID entry still names the old page table.
	 */
	if (copy || others ||
	    (c->tables && c->tables->new_root != c->tables->root)) {
		r = kdump_new_pasid_tables(st, &blocks, nr_pdes, rid_pde,
					   rid_pasid, rid_pe, ce);
		if (r) {
			kdump_free_blocks(&blocks);
			return r;
		}
		list_for_each_entry(b, &blocks, node)
			if (!ecap_coherent(st->hw.ecap))
				clflush_cache_range(b->virt,
						    PAGE_SIZE << b->order);
		c->new_table = ce[0] & VTD_PAGE_MASK;
		c->pasids_dropped = others;
	}
	kdump_keep_blocks(st, &blocks);
	return KDUMP_OK;
}

/* Refuse a whole context table: every device it holds is blocked. */
static int kdump_refuse_table(struct kdump_iommu *st, u16 bus, int half,
			      enum kdump_refusal r, u64 bad_addr)
{
	struct kdump_context *c = kdump_new_context(st, bus,
						    KDUMP_CTX_WHOLE_TABLE);

	if (!c)
		return -ENOMEM;
	/* A scalable-mode context table holds one half of the bus. */
	c->half = st->scalable ? half : KDUMP_CTX_BOTH_HALVES;
	c->state = KDUMP_CTX_REFUSED;
	c->reason = r;
	c->bad_addr = bad_addr;
	st->nr_refused++;
	return 0;
}

/**
 * kdump_judge_context_table() - judge every entry of one old context table
 * @st: what the judge reads (@mm, @hw, @copy) and what it found so far
 * @bus: the bus the table translates for
 * @table: physical address of the old table
 * @half: 0, or 1 for the upper table of a scalable-mode root entry
 * @new_half: set to the root-entry half that points at the new table
 *	(Present set), or left alone when no entry was adopted
 *
 * Every present entry gets a struct kdump_context in @st, adopted or
 * refused with its reason; the adopted ones are copied into a new table
 * of @st->pages, as they are to be installed (in copy mode pointing at
 * the duplicated tables).  A table that may not be read is refused whole.
 *
 * Context: may sleep.
 * Return: 0, or -ENOMEM with @st holding what was judged before.
 */
VISIBLE_IF_KUNIT int kdump_judge_context_table(struct kdump_iommu *st, u16 bus,
					       u64 table, int half,
					       u64 *new_half)
{
	unsigned int i, nr = st->scalable ? 128 : 256;
	unsigned int stride = st->scalable ? 4 : 2;
	struct kdump_context *c;
	u64 *old, *new = NULL;
	enum kdump_refusal r;
	unsigned long hit;
	LIST_HEAD(blocks);
	int ret = 0;

	r = kdump_check_table_addr(st->mm, table, VTD_PAGE_SIZE);
	if (r)
		return kdump_refuse_table(st, bus, half, r, table);
	if (!kdump_charge(&st->budget, KDUMP_BUDGET_TABLES, 1, &hit))
		return kdump_refuse_table(st, bus, half, KDUMP_BUDGET, hit);
	old = kdump_map_table(st->mm, table, VTD_PAGE_SIZE);
	if (!old)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		u64 ce[4] = { READ_ONCE(old[i * stride]),
			      READ_ONCE(old[i * stride + 1]) };
		u16 devfn = half * 128 + i;

		if (!(ce[0] & 1))
			continue;
		c = kdump_new_context(st, bus, devfn);
		if (!c) {
			ret = -ENOMEM;
			break;
		}
		if (st->scalable) {
			ce[2] = READ_ONCE(old[i * stride + 2]);
			ce[3] = READ_ONCE(old[i * stride + 3]);
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
			continue;
		}
		if (!new) {
			new = kdump_alloc_block(st, &blocks, 0, true, &r);
			if (!new) {
				/* Not adopted after all: nothing points at it. */
				c->state = KDUMP_CTX_REFUSED;
				c->reason = KDUMP_NO_MEMORY;
				st->nr_refused++;
				ret = -ENOMEM;
				break;
			}
		}
		new[i * stride] = ce[0];
		new[i * stride + 1] = ce[1];
		c->state = KDUMP_CTX_ADOPTED;
		st->nr_adopted++;
	}
	kdump_unmap_table(st->mm, old);

	if (ret) {
		kdump_free_blocks(&blocks);
		return ret;
	}
	if (new) {
		if (!ecap_coherent(st->hw.ecap))
			clflush_cache_range(new, VTD_PAGE_SIZE);
		*new_half = virt_to_phys(new) | 1;
		kdump_keep_blocks(st, &blocks);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_judge_context_table);

/*
 * Tables used in place stay where the crashed kernel left them.  If an
 * adopted leaf lets a device write one of them, DMA still in flight can
 * rewrite a checked table into one that points anywhere, the capture
 * kernel's memory included.  Such a context is refused ("table-dma-
 * writable"); in copy mode the tables in use are the capture kernel's
 * copies, which no leaf may map.  Every walk that passed counts: a walk
 * is shared, and a nested entry's second level is what its DMA reaches.
 */
/*
 * A page the IOMMU reads in place, and whose it is: a walk's table (@owner
 * the walk's index) or a scalable context's PASID directory or table
 * (KDUMP_INUSE_CTX | the context's index).
 */
struct kdump_inuse {
	u64 page;
	u32 owner;
	u8 pasid_table;		/* the context's PASID table, not its dir */
};

#define KDUMP_INUSE_CTX		BIT(31)

static int kdump_inuse_cmp(const void *a, const void *b)
{
	const struct kdump_inuse *x = a, *y = b;

	return x->page < y->page ? -1 : x->page > y->page;
}

static bool kdump_ctx_in_place(const struct kdump_context *c)
{
	return c->state == KDUMP_CTX_ADOPTED && c->scalable &&
	       c->new_table == c->old_table;
}

/* The pages kdump_refuse_dma_writable() checks, or with @p NULL a count. */
static unsigned long kdump_inuse_pages(struct kdump_iommu *st,
				       struct kdump_inuse *p)
{
	unsigned long n = 0, pfn;
	unsigned int i;
	void *entry;
	u64 a;

	for (i = 0; i < st->nr_walks; i++) {
		if (st->walks[i]->reason)
			continue;
		xa_for_each(&st->walks[i]->table_set, pfn, entry) {
			if (xa_to_value(entry) & KDUMP_TABLE_REPLACED)
				continue;
			if (p)
				p[n] = (struct kdump_inuse){
					.page = (u64)pfn << VTD_PAGE_SHIFT,
					.owner = i };
			n++;
		}
	}
	for (i = 0; i < st->nr_ctx; i++) {
		const struct kdump_context *c = &st->ctx[i];

		if (!kdump_ctx_in_place(c))
			continue;
		for (a = c->old_table; a < c->old_table + c->old_dir_size;
		     a += VTD_PAGE_SIZE, n++)
			if (p)
				p[n] = (struct kdump_inuse){
					.page = a, .owner = KDUMP_INUSE_CTX | i };
		if (c->old_pasid_table) {
			if (p)
				p[n] = (struct kdump_inuse){
					.page = c->old_pasid_table,
					.owner = KDUMP_INUSE_CTX | i,
					.pasid_table = 1 };
			n++;
		}
	}
	return n;
}

/*
 * Count, in @cover, the writable maps over each of the sorted pages @p:
 * +1 at the first page @m reaches, -1 past its last, summed afterwards.
 * Maps are whole leaves, so a page is covered whole or not at all.  Each
 * map costs two searches, however many pages it covers: corrupt tables
 * may hold many large leaves over the same tables.
 */
static unsigned long kdump_inuse_first(const struct kdump_inuse *p,
				       unsigned long n, u64 addr)
{
	unsigned long lo = 0, hi = n;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (p[mid].page < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void kdump_inuse_cover(const struct kdump_map *m,
			      const struct kdump_inuse *p, unsigned long n,
			      long *cover)
{
	u64 first = round_down(m->phys, VTD_PAGE_SIZE);
	u64 last = m->phys + m->size - 1;

	if (last < first)
		last = U64_MAX;
	cover[kdump_inuse_first(p, n, first)]++;
	if (last != U64_MAX)
		cover[kdump_inuse_first(p, n, last + 1)]--;
}

/*
 * What a context uses in place that an adopted writable leaf reaches, or
 * U64_MAX: its PASID directory first, then its PASID table, then its
 * walk's tables.
 */
static u64 kdump_context_writable(const struct kdump_context *c,
				  const u64 *ctx_hit)
{
	if (kdump_ctx_in_place(c)) {
		if (ctx_hit[0] != U64_MAX || !c->old_pasid_table)
			return ctx_hit[0];
		if (ctx_hit[1] != U64_MAX)
			return ctx_hit[1];
	}
	return c->tables ? c->tables->dma_writable : U64_MAX;
}

/* Take an adopted context out of the new tables, not yet installed. */
static void kdump_unadopt(struct kdump_iommu *st, struct kdump_context *c,
			  const struct root_entry *new_rt,
			  enum kdump_refusal r, u64 bad_addr)
{
	u64 half = c->devfn >= 128 && st->scalable ? new_rt[c->bus].hi :
						     new_rt[c->bus].lo;
	unsigned int idx = st->scalable ? (c->devfn & 127) * 4 : c->devfn * 2;
	u64 *table = phys_to_virt(half & VTD_PAGE_MASK);

	table[idx] = 0;
	table[idx + 1] = 0;
	if (!ecap_coherent(st->hw.ecap))
		clflush_cache_range(table + idx, 2 * sizeof(u64));
	c->state = KDUMP_CTX_REFUSED;
	c->reason = r;
	c->bad_addr = bad_addr;
	c->walk = NULL;
	c->tables = NULL;
	st->nr_adopted--;
	st->nr_refused++;
}

/*
 * Known limits: the writable set is this IOMMU's (a leaf behind another
 * IOMMU is not seen), and a pass-through context's DMA is untranslated:
 * it could write any table, and nothing here can check that.
 *
 * The pages in use, a few per device, are sorted and each writable leaf
 * run is looked up among them (kdump_inuse_cover()): a 1 GiB mapping of
 * scattered 4 KiB pages is 262144 runs, whose sort took 300 ms under TCG.
 */
static int kdump_refuse_dma_writable(struct kdump_iommu *st,
				     const struct root_entry *new_rt)
{
	unsigned long k, n = kdump_inuse_pages(st, NULL);
	struct kdump_inuse *p;
	unsigned int i, j;
	u64 (*ctx_hit)[2];
	long *cover, sum = 0;

	for (i = 0; i < st->nr_walks; i++)
		st->walks[i]->dma_writable = U64_MAX;
	if (!n)
		return 0;
	/* Bounded by the tables budget and the contexts; freed below. */
	p = kvmalloc_array(n, sizeof(*p), GFP_KERNEL);
	cover = kvcalloc(n + 1, sizeof(*cover), GFP_KERNEL);
	ctx_hit = kvmalloc_array(st->nr_ctx, sizeof(*ctx_hit), GFP_KERNEL);
	if (!p || !cover || !ctx_hit) {
		kvfree(p);
		kvfree(cover);
		kvfree(ctx_hit);
		return -ENOMEM;
	}
	kdump_inuse_pages(st, p);
	sort(p, n, sizeof(*p), kdump_inuse_cmp, NULL);
	for (i = 0; i < st->nr_ctx; i++) {
		ctx_hit[i][0] = U64_MAX;
		ctx_hit[i][1] = U64_MAX;
	}
	/* Each walk once, however many contexts share it. */
	for (i = 0; i < st->nr_walks; i++) {
		const struct kdump_walk *w = st->walks[i];

		for (j = 0; !w->reason && j < w->nr_maps; j++)
			if (w->maps[j].perm & KDUMP_PERM_WRITE)
				kdump_inuse_cover(&w->maps[j], p, n, cover);
	}
	/* Pages in ascending order: the first hit of each owner is its least. */
	for (k = 0; k < n; k++) {
		u64 *slot;

		sum += cover[k];
		if (sum <= 0)
			continue;
		if (p[k].owner & KDUMP_INUSE_CTX)
			slot = &ctx_hit[p[k].owner & ~KDUMP_INUSE_CTX]
				       [p[k].pasid_table];
		else
			slot = &st->walks[p[k].owner]->dma_writable;
		*slot = min(*slot, p[k].page);
	}
	for (i = 0; i < st->nr_ctx; i++) {
		struct kdump_context *c = &st->ctx[i];
		u64 hit;

		if (c->state != KDUMP_CTX_ADOPTED)
			continue;
		hit = kdump_context_writable(c, ctx_hit[i]);
		if (hit != U64_MAX)
			kdump_unadopt(st, c, new_rt, KDUMP_TABLE_DMA_WRITABLE,
				      hit);
	}
	kvfree(p);
	kvfree(cover);
	kvfree(ctx_hit);
	return 0;
}

/**
 * kdump_judge_root_table() - judge a whole old root table
 * @st: what the judge reads and what it found; @st->root_refused is set
 *	when the root table itself may not be read
 * @old_root: physical address of the old root table
 * @new_rt: the 256 root entries to install, zeroed by the caller
 *
 * A root entry with reserved bits set refuses its bus's devices; every
 * other present half is judged by kdump_judge_context_table().  Nothing
 * is installed: on success the caller loads @new_rt as a whole.
 *
 * Context: may sleep.
 * Return: 0 (possibly with every entry refused), or -ENOMEM.
 */
int kdump_judge_root_table(struct kdump_iommu *st, u64 old_root,
			   struct root_entry *new_rt)
{
	struct root_entry *old_rt;
	struct kdump_context *c;
	int bus, ret = 0;

	st->root_reason = kdump_check_table_addr(st->mm, old_root,
						 VTD_PAGE_SIZE);
	if (st->root_reason) {
		st->root_refused = true;
		return 0;
	}
	old_rt = kdump_map_table(st->mm, old_root, VTD_PAGE_SIZE);
	if (!old_rt)
		return -ENOMEM;

	for (bus = 0; bus < 256 && !ret; bus++) {
		u64 re[2] = { READ_ONCE(old_rt[bus].lo), READ_ONCE(old_rt[bus].hi) };
		u64 lo = re[0], hi = re[1];

		if (kdump_check_reserved(&st->hw, st->scalable ? KDUMP_E_SM_ROOT :
					 KDUMP_E_ROOT, re)) {
			c = kdump_new_context(st, bus, KDUMP_CTX_WHOLE_TABLE);
			if (!c) {
				ret = -ENOMEM;
				break;
			}
			c->half = KDUMP_CTX_BOTH_HALVES;
			c->state = KDUMP_CTX_REFUSED;
			c->reason = KDUMP_BAD_RESERVED_BITS;
			c->bad_addr = lo;
			st->nr_refused++;
			continue;
		}
		if (lo & 1)
			ret = kdump_judge_context_table(st, bus,
							lo & VTD_PAGE_MASK, 0,
							&new_rt[bus].lo);
		if (!ret && st->scalable && (hi & 1))
			ret = kdump_judge_context_table(st, bus,
							hi & VTD_PAGE_MASK, 1,
							&new_rt[bus].hi);
	}
	kdump_unmap_table(st->mm, old_rt);
	if (!ret && !st->copy)
		ret = kdump_refuse_dma_writable(st, new_rt);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_judge_root_table);

/**
 * kdump_judge_init() - make @st ready for judging, with no budget limit
 * @st: zeroed but for @mm, @hw, @node, @copy and @scalable
 *
 * The caller may then set @st->budget's limits and parent.
 */
void kdump_judge_init(struct kdump_iommu *st)
{
	unsigned int i;

	INIT_LIST_HEAD(&st->pages);
	xa_init(&st->walk_index);
	for (i = 0; i < KDUMP_NR_BUDGET; i++)
		st->budget.limit[i] = ULONG_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_judge_init);

/**
 * kdump_judged_free() - free what judging allocated in @st
 * @st: the state; its counts are reset, @st->dids kept but cleared
 *
 * Context: may sleep; nothing of what is freed may be installed.
 */
void kdump_judged_free(struct kdump_iommu *st)
{
	kdump_free_blocks(&st->pages);
	st->nr_pages = 0;
	while (st->nr_walks) {
		kdump_walk_free(st->walks[--st->nr_walks]);
		kfree(st->walks[st->nr_walks]);
	}
	kvfree(st->walks);
	st->walks = NULL;
	st->max_walks = 0;
	xa_destroy(&st->walk_index);
	kvfree(st->ctx);
	st->ctx = NULL;
	st->nr_ctx = 0;
	st->max_ctx = 0;
	kvfree(st->pasids);
	st->pasids = NULL;
	st->nr_pasids = 0;
	st->max_pasids = 0;
	st->nr_pasids_dropped = 0;
	if (st->dids)
		bitmap_zero(st->dids, cap_ndoms(st->hw.cap));
	st->nr_dids = 0;
	st->nr_adopted = 0;
	st->nr_refused = 0;
	st->root_refused = false;
	st->root_reason = KDUMP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(kdump_judged_free);
