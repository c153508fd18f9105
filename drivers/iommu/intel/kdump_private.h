/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the kdump adoption unit share; nothing outside
 * drivers/iommu/intel/kdump*.c includes this.  iommu.c and the other
 * upstream files see kdump.h only.
 *
 *   kdump.c           the state per IOMMU, the register snapshot, and
 *                     adoption: judge the old tables, then install
 *   kdump_validate.c  the judge: entry checks, page-table walks, and
 *                     root/context/PASID tables, on an explicit memory
 *                     map and table reader, touching no IOMMU
 *   kdump_handover.c  hand-over to the new domains, reserved regions,
 *                     release and detach
 *   kdump_switch.c    the switch of a live context entry, with no gap
 *   kdump_debugfs.c   kdump/ under debugfs (CONFIG_INTEL_IOMMU_DEBUGFS)
 *   kdump_pt_612.c,   what differs between kernel series: one of them is
 *   kdump_pt_73.c     built, the series' Makefile hunk says which
 */
#ifndef _INTEL_IOMMU_KDUMP_PRIVATE_H
#define _INTEL_IOMMU_KDUMP_PRIVATE_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/gfp_types.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "kdump.h"

struct context_entry;
struct device_domain_info;
struct dmar_domain;
struct intel_iommu;
struct root_entry;

/* A physical address range, @last inclusive. */
struct kdump_phys_range {
	u64 start;
	u64 last;
};

/*
 * How old tables are read: map() a table of @size bytes at physical @phys
 * for reading, unmap() it again.  NULL in struct kdump_mem_map means
 * memremap(), which is what a capture kernel reads the crashed kernel's
 * RAM with (it is not System RAM here, so not in the direct map).
 */
struct kdump_table_reader {
	void *(*map)(struct kdump_table_reader *rd, u64 phys, size_t size);
	void (*unmap)(struct kdump_table_reader *rd, void *virt);
};

/*
 * Where adopted tables and leaves may point: tables into @old only, leaves
 * into @old or @direct (firmware-reserved memory and the ISA DMA window,
 * which the crashed kernel identity-maps), and nothing into @own; how
 * tables are read: @reader, or memremap() when NULL.
 */
struct kdump_mem_map {
	struct kdump_table_reader *reader;
	struct kdump_phys_range *old;
	unsigned int nr_old;
	struct kdump_phys_range *own;
	unsigned int nr_own;
	struct kdump_phys_range *direct;
	unsigned int nr_direct;
};

/*
 * A table reader that maps each piece of the crashed kernel's RAM it reads
 * from once, however many tables lie in it: a piece is the naturally
 * aligned KDUMP_SPAN_SIZE block around a table, clipped to its old RAM
 * range and away from the capture kernel's own RAM.  Past KDUMP_SPANS
 * pieces, or where a piece cannot be mapped, a table is mapped on its
 * own.  Each mapping is a full ioremap_cache() in a capture kernel (old
 * RAM is not in its direct map), and under a busy IOMMU there are
 * hundreds of tables.  Pieces are small because ioremap_cache() maps a
 * range whose physical and virtual addresses are not congruent modulo
 * 2 MiB with 4 KiB pages: a whole old RAM range starting at 1 MiB took
 * 17 ms to map under TCG, more than the rest of the adoption.  @remap and
 * @unmap are memremap() and memunmap(), but in tests.
 */
#define KDUMP_SPANS		64
#define KDUMP_SPAN_SIZE		SZ_2M
/* Tables mapped on their own at once: a walk holds one per level. */
#define KDUMP_SPAN_ALONE	16

struct kdump_span_reader {
	struct kdump_table_reader rd;
	const struct kdump_mem_map *mm;
	void *(*remap)(resource_size_t phys, size_t size, unsigned long flags);
	void (*unmap)(void *virt);
	unsigned long remaps;		/* mappings made, spans and tables */
	unsigned int nr;
	struct {
		u64 start;
		u64 last;
		void *virt;
	} span[KDUMP_SPANS];
	void *alone[KDUMP_SPAN_ALONE];	/* tables mapped on their own */
};

/* The capability bits that decide what an entry may ask for. */
struct kdump_hw_caps {
	u64 cap;
	u64 ecap;
};

enum kdump_pt_format {
	KDUMP_PT_SECOND_LEVEL,
	KDUMP_PT_FIRST_LEVEL,
};

enum kdump_refusal {
	KDUMP_OK,
	KDUMP_BAD_RESERVED_BITS,
	KDUMP_BAD_TRANSLATION_TYPE,
	KDUMP_BAD_ADDRESS_WIDTH,
	KDUMP_BAD_DOMAIN_ID,
	KDUMP_TABLE_OUTSIDE_OLD_RAM,
	KDUMP_TABLE_IN_CAPTURE_RAM,
	KDUMP_LEAF_OUTSIDE_OLD_RAM,
	KDUMP_LEAF_IN_CAPTURE_RAM,
	KDUMP_BAD_SUPERPAGE,
	KDUMP_TABLE_LOOP,
	KDUMP_WALK_TOO_LARGE,
	KDUMP_BAD_PASID_DIR,
	KDUMP_BAD_PASID_ENTRY,
	KDUMP_NO_MEMORY,
	KDUMP_PASID_NOT_ADOPTED,
	KDUMP_BUDGET,
	KDUMP_TABLE_DMA_WRITABLE,
	KDUMP_NR_REFUSALS
};

/* IOVA permissions of a range. */
#define KDUMP_PERM_READ		BIT(0)
#define KDUMP_PERM_WRITE	BIT(1)

/* A run of mapped IOVA, @last inclusive, all leaves with @perm. */
struct kdump_iova_range {
	u64 start;
	u64 last;
	u8 perm;
};

/*
 * A run of IOVA mapped to contiguous physical memory with @perm.  One is
 * kept per run of leaves (per leaf where the crashed kernel's pages were
 * scattered): 24 bytes, not 32, with @size and @perm in one word.
 */
struct kdump_map {
	u64 iova;
	u64 phys;
	u64 size : 56;		/* bytes, KDUMP_MAP_MAX at most */
	u64 perm : 8;
};

#define KDUMP_MAP_MAX		(BIT_ULL(56) - VTD_PAGE_SIZE)

/* A piece of IOVA one iommu_map() call mapped, @last inclusive. */
struct kdump_piece {
	u64 iova;
	u64 last;
};

enum kdump_budget_item {
	KDUMP_BUDGET_TABLES,	/* table pages read */
	KDUMP_BUDGET_LEAVES,	/* leaves recorded */
	KDUMP_BUDGET_BYTES,	/* bytes allocated */
	KDUMP_NR_BUDGET
};

/*
 * What judging may read and allocate.  A charge that would take @used past
 * @limit, here or in @parent, is refused and charges nothing: the device
 * whose tables asked for it is refused ("budget"), never the boot.
 */
struct kdump_budget {
	unsigned long limit[KDUMP_NR_BUDGET];
	unsigned long used[KDUMP_NR_BUDGET];
	struct kdump_budget *parent;
};

/* The result of walking one old page table. */
struct kdump_walk {
	u64 root;
	u8 levels;
	u8 format;
	u8 reason;		/* enum kdump_refusal */
	unsigned int nr_windows;	/* of @windows, below */
	u64 bad_addr;		/* what made the walk refuse, if it did */
	u64 new_root;		/* copy mode: the duplicate's root */
	struct kdump_budget *budget;	/* set by the caller; NULL: none */
	struct kdump_iova_range *ranges;
	unsigned int nr_ranges;
	unsigned int max_ranges;
	struct kdump_map *maps;		/* what the hand-over re-creates */
	unsigned int nr_maps;
	unsigned int max_maps;
	unsigned long leaves[3];	/* 4KiB, 2MiB, 1GiB */
	unsigned long tables;
	unsigned long copied_pages;	/* of @copies, below */
	void **copies;			/* copy mode: the duplicate tables */
	unsigned int max_copies;
	struct xarray table_set;	/* in place: the tables, by page */
	u64 dma_writable;		/* a table an adopted leaf may write */
	unsigned long dropped;		/* leaves into capture RAM left out */
	u64 dropped_addr;		/* the first of them */
	unsigned long dropped_window;	/* direct-window leaves left out */
	/*
	 * The RMRR and ISA windows the capture kernel reported for the
	 * devices using this walk (one old domain: one new group, as a rule):
	 * their new domain maps them 1:1, whichever device they belong to.
	 */
	struct kdump_phys_range *windows;
};

/* In a walk's table_set: a table replaced by a copy, no longer in use. */
#define KDUMP_TABLE_REPLACED	BIT(3)

#define KDUMP_WALK_MAX_TABLES	BIT(16)

/* A domain-id no entry can hold: "every domain-id" to flush_iotlb(). */
#define KDUMP_DID_ALL		BIT(16)

/*
 * How the switch of a live context entry reaches the hardware: one 64-bit
 * store the IOMMU may observe on its own (made visible to a non-coherent
 * IOMMU before the next), and the invalidations that follow.  The KUnit
 * suite records them to check every state the hardware could see.
 */
struct kdump_entry_ops {
	void (*store)(void *priv, u64 *qw, u64 val);
	void (*flush_context)(void *priv, u16 did, u16 sid);
	void (*flush_pasid_all)(void *priv);
	void (*flush_iotlb)(void *priv, u32 did);
};

/* The kinds of entry whose reserved fields kdump_rsvd_rules[] lists. */
enum kdump_entry_kind {
	KDUMP_E_ROOT,
	KDUMP_E_SM_ROOT,
	KDUMP_E_CONTEXT,
	KDUMP_E_SM_CONTEXT,
	KDUMP_E_PASID_DIR,
	KDUMP_E_PASID,
	KDUMP_E_SL_TABLE,	/* second-level entry naming a table */
	KDUMP_E_SL_LEAF,	/* second-level leaf, any page size */
};

/* In quadword @qw of a @kind entry, @bits must be clear unless ECAP has @unless. */
struct kdump_rsvd_rule {
	u8 kind;		/* enum kdump_entry_kind */
	u8 qw;
	u8 reason;		/* enum kdump_refusal */
	u64 bits;
	u64 unless;
	const char *spec;	/* section and bits of the VT-d spec 4.1 */
};

/*
 * Fields of the VT-d entries this unit reads, by the VT-d specification
 * 4.1: root entry (9.1), scalable-mode root entry (9.2), context entry
 * (9.3), scalable-mode context entry (9.4), PASID directory entry (9.5),
 * PASID-table entry (9.6), first- and second-level paging entries (9.7,
 * 9.8).  iommu.h and pasid.h have setters for the entries this kernel
 * builds; these read what another kernel left.  The corruption facility
 * and the KUnit builders use the same ones.
 */
#define ROOT_RSVD		GENMASK_ULL(11, 1)
#define CTX_LEGACY_LO_RSVD	GENMASK_ULL(11, 4)
#define CTX_LEGACY_HI_RSVD	(GENMASK_ULL(63, 24) | BIT_ULL(7))
#define CTX_SM_LO_RSVD		GENMASK_ULL(8, 5)
#define CTX_SM_HI_RSVD		GENMASK_ULL(63, 21)
#define CTX_TT_MASK		GENMASK_ULL(3, 2)
#define CTX_AW_MASK		GENMASK_ULL(2, 0)
#define CTX_DID_MASK		GENMASK_ULL(23, 8)
#define CTX_SM_PDTS_MASK	GENMASK_ULL(11, 9)
#define CTX_SM_RID_PASID_MASK	GENMASK_ULL(19, 0)
#define CTX_TT(lo)		FIELD_GET(CTX_TT_MASK, lo)
#define CTX_AW(hi)		FIELD_GET(CTX_AW_MASK, hi)
#define CTX_DID(hi)		FIELD_GET(CTX_DID_MASK, hi)
#define CTX_SM_PDTS(lo)		FIELD_GET(CTX_SM_PDTS_MASK, lo)
#define CTX_SM_RID_PASID(hi)	FIELD_GET(CTX_SM_RID_PASID_MASK, hi)
#define PDE_RSVD		GENMASK_ULL(11, 2)
#define PASID_ENTRY_QW		8
#define PE_AW_MASK		GENMASK_ULL(4, 2)
#define PE_PGTT_MASK		GENMASK_ULL(8, 6)
#define PE_FLPM_MASK		GENMASK_ULL(3, 2)
#define PE_AW(pe)		FIELD_GET(PE_AW_MASK, (pe)[0])
#define PE_PGTT(pe)		FIELD_GET(PE_PGTT_MASK, (pe)[0])
#define PE_DID(pe)		((pe)[1] & 0xffff)
#define PE_FLPM(pe)		FIELD_GET(PE_FLPM_MASK, (pe)[2])
#define PE_SLPTR(pe)		((pe)[0] & VTD_PAGE_MASK)
#define PE_FLPTR(pe)		((pe)[2] & VTD_PAGE_MASK)
#define PTE_ADDR_MASK		GENMASK_ULL(51, VTD_PAGE_SHIFT)
#define PTE_LARGE		BIT_ULL(7)
#define FL_PTE_PRESENT		BIT_ULL(0)
#define FL_PTE_RW		BIT_ULL(1)
#define SL_PTE_READ		BIT_ULL(0)
#define SL_PTE_WRITE		BIT_ULL(1)

enum kdump_mode {
	KDUMP_MODE_INPLACE,
	KDUMP_MODE_COPY,
	KDUMP_MODE_RESET,
};

/* Diagnostic output, off by default: intel_iommu_kdump=debug=MASK. */
#define KDUMP_DBG_REGISTERS	BIT(0)	/* register snapshot table */
#define KDUMP_DBG_CONTEXTS	BIT(1)	/* one line per context */
#define KDUMP_DBG_RANGES	BIT(2)	/* one line per IOVA range */
#define KDUMP_DBG_WALKS		BIT(3)	/* one line per page-table walk */

/* Registers snapshotted on entry, in the order debugfs lists them. */
struct kdump_reg {
	const char *name;
	u16 offset;
	u8 width;
};

#define KDUMP_NR_REGS		18
enum { KDUMP_REG_GSTS = 3, KDUMP_REG_RTADDR = 4, KDUMP_REG_FSTS = 6 };

/* Fault recording registers kept from the snapshot, at most. */
#define KDUMP_MAX_FRR	16

enum kdump_ctx_state {
	KDUMP_CTX_ADOPTED,
	KDUMP_CTX_REFUSED,
};

#define KDUMP_CTX_WHOLE_TABLE	0xffff	/* devfn of a refused context table */
#define KDUMP_CTX_BOTH_HALVES	2	/* its half: every devfn of the bus */

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

/* One old context entry (legacy) or scalable-mode context, as judged. */
struct kdump_context {
	u16 bus;
	u16 devfn;		/* KDUMP_CTX_WHOLE_TABLE: the bus's table */
	u16 did;
	u8 half;		/* whole table: devfn >> 7, or BOTH_HALVES */
	u8 state;		/* enum kdump_ctx_state */
	u8 reason;		/* enum kdump_refusal */
	u8 tt;			/* legacy TT, or PGTT of the RID_PASID entry */
	u8 aw;			/* address width in bits, 0 if none */
	bool scalable;
	u8 handover;			/* enum kdump_handover */
	u8 switched;			/* enum kdump_switch */
	u64 old_table;		/* page-table root, or PASID directory */
	u64 old_pasid_table;	/* scalable: the RID_PASID's PASID table */
	u64 new_table;		/* its copy in copy mode, else old_table */
	u64 bad_addr;
	struct kdump_walk *walk;	/* translation of requests w/o PASID */
	struct kdump_walk *tables;	/* the walk whose tables it uses */
	unsigned int legacy_maps;	/* runs mapped into the new domain */
	unsigned int legacy_skipped;	/* runs it could not take */
	unsigned int release_kept;	/* runs a sibling still needed */
	unsigned int pasids_dropped;	/* other PASIDs left out */
	unsigned int nr_own;		/* of @own, below */
	unsigned int max_own;
	/*
	 * The pieces of old runs this device's hand-over mapped into
	 * @domain, or took over from a released sibling: what its release
	 * unmaps, exactly as mapped (iommu_unmap() may not split a mapping).
	 */
	struct kdump_piece *own;
	u32 old_dir_size;	/* scalable: bytes of the PASID directory */
	unsigned int nr_direct;		/* of @direct, below */
	unsigned long legacy_direct;	/* old pages the new domain maps 1:1 */
	struct dmar_domain *domain;	/* the new domain, once handed over */
	/* The capture kernel's RMRR and ISA windows of the device. */
	struct kdump_phys_range *direct;
};

/* Leaves of an adopted context left out: it is adopted "partial". */
static inline unsigned long kdump_context_dropped(const struct kdump_context *c)
{
	return c->tables ? c->tables->dropped : 0;
}

static inline unsigned long
kdump_context_dropped_window(const struct kdump_context *c)
{
	return c->tables ? c->tables->dropped_window : 0;
}

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

/* A table this unit allocated for the new context or PASID structures. */
struct kdump_block {
	struct list_head node;
	void *virt;
	int order;
};

/* PASIDs left out that kdump/pasids lists per IOMMU; the rest are counted. */
#define KDUMP_PASIDS_RECORDED	256

/*
 * What was found and adopted on one IOMMU.  The judge (kdump_validate.c)
 * fills the second part from @mm, @hw and @copy alone; only kdump.c
 * touches @iommu, to install what was judged.
 */
struct kdump_iommu {
	struct intel_iommu *iommu;
	u64 regs[KDUMP_NR_REGS];
	u64 frr[KDUMP_MAX_FRR][2];
	unsigned int nr_frr;
	bool pre_enabled;
	bool scalable;
	bool adopted;
	bool root_refused;		/* every device blocked */
	u8 root_reason;			/* enum kdump_refusal, if refused */
	u64 old_root;			/* the crashed kernel's root table */
	const char *outcome;
	enum kdump_mode mode;

	/* What the judge reads. */
	const struct kdump_mem_map *mm;
	struct kdump_hw_caps hw;
	int node;			/* NUMA node for new tables */
	bool copy;			/* duplicate the page tables */

	/* What the judge found. */
	struct kdump_context *ctx;
	unsigned int nr_ctx;
	unsigned int max_ctx;
	struct kdump_walk **walks;
	unsigned int nr_walks;
	unsigned int max_walks;
	struct xarray walk_index;	/* root, levels, format -> walks[] */
	struct kdump_budget budget;	/* its parent: the global one */
	struct list_head pages;		/* new context and PASID tables */
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

/* kdump.c */
extern struct kdump_iommu *kdump_iommus[];
extern struct mutex kdump_lock;
extern u32 kdump_debug_mask;
extern const char * const kdump_mode_names[];
extern const struct kdump_reg kdump_regs[KDUMP_NR_REGS];
struct kdump_iommu *kdump_state(struct intel_iommu *iommu);
size_t kdump_held_bytes(const struct kdump_iommu *st);
unsigned long kdump_held_pages(const struct kdump_iommu *st);

/* kdump_validate.c */
const char *kdump_refusal_name(enum kdump_refusal reason);
bool kdump_charge(struct kdump_budget *b, enum kdump_budget_item item,
		  unsigned long n, unsigned long *hit);
void kdump_judge_init(struct kdump_iommu *st);
void kdump_mem_map_normalize(struct kdump_phys_range *r, unsigned int *nr);
int kdump_range_append(struct kdump_phys_range **r, unsigned int *nr,
		       u64 start, u64 last);
void kdump_span_reader_init(struct kdump_span_reader *sr,
			    const struct kdump_mem_map *mm);
void kdump_span_reader_release(struct kdump_span_reader *sr);
int kdump_judge_root_table(struct kdump_iommu *st, u64 old_root,
			   struct root_entry *new_rt);
void kdump_judged_free(struct kdump_iommu *st);
void kdump_walk_free(struct kdump_walk *w);
void kdump_walk_trim(struct kdump_walk *w);
unsigned int kdump_walk_table_list(const struct kdump_mem_map *mm,
				   struct kdump_table_reader *rd,
				   const struct kdump_walk *w, u64 *tables,
				   unsigned int max);
void kdump_free_blocks(struct list_head *list);

/* kdump_handover.c */
extern const char * const kdump_handover_names[];
struct kdump_context *kdump_find_context(struct intel_iommu *iommu, u8 bus,
					 u8 devfn);
bool kdump_context_passthrough(const struct kdump_context *c);
bool kdump_context_covers(const struct kdump_context *c, u16 devfn);
int kdump_release_context(struct kdump_iommu *st, struct kdump_context *c);

/* kdump_switch.c */
extern const char * const kdump_switch_names[];

/*
 * kdump_pt_<series>.c: the few IOMMU-driver internals that differ between
 * kernel series (table pages, domain-id reservation, a domain's
 * second-level root, the PRE bit of a scalable-mode context entry).
 */
void *kdump_hw_alloc_table(int nid, gfp_t gfp, unsigned int order);
void kdump_hw_free_table(void *virt, unsigned int order);
int kdump_hw_reserve_did(struct intel_iommu *iommu, u16 did);
void kdump_hw_unreserve_did(struct intel_iommu *iommu, u16 did);
int kdump_hw_ss_root(struct dmar_domain *domain, struct intel_iommu *iommu,
		     u64 *root, u8 *aw);
bool kdump_hw_sm_pre(const struct device_domain_info *info);

/* The address width in bits of a second-level AW (AGAW) field. */
static inline unsigned int kdump_aw_bits(unsigned int agaw)
{
	return min(30 + 9 * agaw, 64U);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* Visible to the KUnit suite only (VISIBLE_IF_KUNIT). */
enum kdump_refusal kdump_check_table_addr(const struct kdump_mem_map *mm,
					  u64 addr, u64 size);
enum kdump_refusal kdump_check_legacy_context(const struct kdump_hw_caps *hw,
					      const u64 ce[2]);
enum kdump_refusal kdump_check_sm_context(const struct kdump_hw_caps *hw,
					  const u64 ce[4]);
extern const struct kdump_rsvd_rule kdump_rsvd_rules[];
extern const unsigned int kdump_nr_rsvd_rules;
enum kdump_refusal kdump_check_reserved(const struct kdump_hw_caps *hw,
					enum kdump_entry_kind kind,
					const u64 *e);
enum kdump_refusal kdump_check_pasid_entry(const struct kdump_hw_caps *hw,
					   const u64 pe[8]);
int kdump_judge_context_table(struct kdump_iommu *st, u16 bus, u64 table,
			      int half, u64 *new_half);
int kdump_walk_pgtable(const struct kdump_mem_map *mm,
		       const struct kdump_hw_caps *hw, u64 root, int levels,
		       enum kdump_pt_format format, bool copy,
		       struct kdump_walk *w);
int kdump_switch_legacy(const struct kdump_entry_ops *ops, void *priv,
			u64 *live, const u64 *new, u16 sid);
int kdump_switch_scalable(const struct kdump_entry_ops *ops, void *priv,
			  u64 *live, const u64 *new, const u64 *new_rid_pasid,
			  u16 sid);
u64 kdump_direct_piece(const struct kdump_phys_range *direct, unsigned int nr,
		       u64 iova, u64 last, bool *inside);
#endif /* CONFIG_KUNIT */

#endif /* _INTEL_IOMMU_KDUMP_PRIVATE_H */
