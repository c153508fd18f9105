/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adoption of an active VT-d IOMMU by a kdump capture kernel.
 *
 * The hooks below are what iommu.c, dmar.c and debugfs.c call; with
 * CONFIG_INTEL_IOMMU_KDUMP_ADOPT off they become stubs and the capture
 * kernel resets the IOMMU instead (translation off, fresh tables).
 */
#ifndef _INTEL_IOMMU_KDUMP_H
#define _INTEL_IOMMU_KDUMP_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/sysfs.h>
#include <linux/types.h>

struct context_entry;
struct dentry;
struct device;
struct device_domain_info;
struct dmar_domain;
struct intel_iommu;
struct iommu_domain;

#ifdef CONFIG_INTEL_IOMMU_KDUMP_ADOPT
void intel_iommu_kdump_snapshot(struct intel_iommu *iommu);
void intel_iommu_kdump_fault_takeover(struct intel_iommu *iommu);
int intel_iommu_kdump_adopt(struct intel_iommu *iommu);
void intel_iommu_kdump_handover(struct dmar_domain *domain,
				struct device *dev);
int intel_iommu_kdump_def_domain_type(struct device *dev);
bool intel_iommu_kdump_defer_attach(struct device *dev);
void intel_iommu_kdump_get_resv_regions(struct device *dev,
					struct list_head *head);
void intel_iommu_kdump_debugfs_init(struct dentry *parent);
ssize_t intel_iommu_kdump_adopted_show(struct intel_iommu *iommu, char *buf);
struct context_entry *intel_iommu_kdump_context(struct intel_iommu *iommu,
						u8 bus, u8 devfn);
int intel_iommu_kdump_switch_context(struct intel_iommu *iommu,
				     struct dmar_domain *domain, u16 did,
				     struct device_domain_info *info,
				     struct context_entry *context,
				     u8 bus, u8 devfn);
bool intel_iommu_kdump_switches_sm_context(struct device *dev,
					   struct iommu_domain *domain);
int intel_iommu_kdump_switch_sm_context(struct device *dev,
					struct dmar_domain *domain);
void intel_iommu_kdump_detach(struct device *dev);
#else
static inline void intel_iommu_kdump_snapshot(struct intel_iommu *iommu)
{
}

static inline void intel_iommu_kdump_fault_takeover(struct intel_iommu *iommu)
{
}

/* Mainline copies the old tables as they are: see init_dmars(). */
static inline int intel_iommu_kdump_adopt(struct intel_iommu *iommu)
{
	return -EOPNOTSUPP;
}

static inline void intel_iommu_kdump_handover(struct dmar_domain *domain,
					      struct device *dev)
{
}

static inline int intel_iommu_kdump_def_domain_type(struct device *dev)
{
	return 0;
}

static inline bool intel_iommu_kdump_defer_attach(struct device *dev)
{
	return true;
}

static inline void intel_iommu_kdump_get_resv_regions(struct device *dev,
						      struct list_head *head)
{
}

static inline void intel_iommu_kdump_debugfs_init(struct dentry *parent)
{
}

static inline ssize_t intel_iommu_kdump_adopted_show(struct intel_iommu *iommu,
						     char *buf)
{
	return sysfs_emit(buf, "no\n");
}

static inline struct context_entry *
intel_iommu_kdump_context(struct intel_iommu *iommu, u8 bus, u8 devfn)
{
	return NULL;
}

static inline int
intel_iommu_kdump_switch_context(struct intel_iommu *iommu,
				 struct dmar_domain *domain, u16 did,
				 struct device_domain_info *info,
				 struct context_entry *context, u8 bus, u8 devfn)
{
	return -EOPNOTSUPP;
}

static inline bool
intel_iommu_kdump_switches_sm_context(struct device *dev,
				      struct iommu_domain *domain)
{
	return false;
}

static inline int intel_iommu_kdump_switch_sm_context(struct device *dev,
						      struct dmar_domain *domain)
{
	return 0;
}

static inline void intel_iommu_kdump_detach(struct device *dev)
{
}
#endif /* CONFIG_INTEL_IOMMU_KDUMP_ADOPT */

/*
 * The unit's own types.  The checks and the page-table walk that use
 * them are visible to the KUnit suite, which drives them on synthetic
 * tables built in memory; nothing else calls them.
 */

/* A physical address range, @last inclusive. */
struct kdump_phys_range {
	u64 start;
	u64 last;
};

/*
 * Where adopted tables and leaves may point: tables into @old only, leaves
 * into @old or @direct (firmware-reserved memory and the ISA DMA window,
 * which the crashed kernel identity-maps), and nothing into @own.
 */
struct kdump_mem_map {
	struct kdump_phys_range *old;
	unsigned int nr_old;
	struct kdump_phys_range *own;
	unsigned int nr_own;
	struct kdump_phys_range *direct;
	unsigned int nr_direct;
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

/* A run of IOVA mapped to contiguous physical memory with @perm. */
struct kdump_map {
	u64 iova;
	u64 phys;
	u64 size;
	u8 perm;
};

/* The result of walking one old page table. */
struct kdump_walk {
	u64 root;
	u8 levels;
	u8 format;
	u8 reason;		/* enum kdump_refusal */
	u64 bad_addr;		/* what made the walk refuse, if it did */
	u64 new_root;		/* copy mode: the duplicate's root */
	struct kdump_iova_range *ranges;
	unsigned int nr_ranges;
	unsigned int max_ranges;
	struct kdump_map *maps;		/* what the hand-over re-creates */
	unsigned int nr_maps;
	unsigned int max_maps;
	unsigned long leaves[3];	/* 4KiB, 2MiB, 1GiB */
	unsigned long tables;
	unsigned long copied_pages;
	struct list_head pages;		/* copy mode: the duplicate tables */
};

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

#if IS_ENABLED(CONFIG_KUNIT)
const char *kdump_refusal_name(enum kdump_refusal reason);
void kdump_mem_map_normalize(struct kdump_phys_range *r, unsigned int *nr);
enum kdump_refusal kdump_check_table_addr(const struct kdump_mem_map *mm,
					  u64 addr, u64 size);
enum kdump_refusal kdump_check_legacy_context(const struct kdump_hw_caps *hw,
					      const u64 ce[2]);
enum kdump_refusal kdump_check_sm_context(const struct kdump_hw_caps *hw,
					  const u64 ce[2]);
enum kdump_refusal kdump_check_pasid_entry(const struct kdump_hw_caps *hw,
					   const u64 pe[8]);
int kdump_walk_pgtable(const struct kdump_mem_map *mm,
		       const struct kdump_hw_caps *hw, u64 root, int levels,
		       enum kdump_pt_format format, bool copy,
		       struct kdump_walk *w);
void kdump_walk_free(struct kdump_walk *w);
int kdump_switch_legacy(const struct kdump_entry_ops *ops, void *priv,
			u64 *live, const u64 *new, u16 sid);
int kdump_switch_scalable(const struct kdump_entry_ops *ops, void *priv,
			  u64 *live, const u64 *new, const u64 *new_rid_pasid,
			  u16 sid);
u64 kdump_direct_piece(const struct kdump_phys_range *direct, unsigned int nr,
		       u64 iova, u64 last, bool *inside);
#endif /* CONFIG_KUNIT */

#endif /* _INTEL_IOMMU_KDUMP_H */
