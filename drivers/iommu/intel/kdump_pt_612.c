// SPDX-License-Identifier: GPL-2.0
/*
 * The kdump adoption unit on Linux 6.12: the IOMMU-driver internals that
 * differ between kernel series (see kdump_private.h).  Built instead of
 * kdump_pt_73.c by the 6.12 series' Makefile hunk.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/iommu.h>

#include "iommu.h"
#include "../iommu-pages.h"
#include "kdump_private.h"

/**
 * kdump_hw_alloc_table() - allocate zeroed table pages for the IOMMU
 * @nid: NUMA node, or NUMA_NO_NODE
 * @gfp: allocation flags
 * @order: 2^@order pages
 *
 * Return: the pages' kernel address, or NULL.
 */
void *kdump_hw_alloc_table(int nid, gfp_t gfp, unsigned int order)
{
	return iommu_alloc_pages_node(nid, gfp, order);
}

/**
 * kdump_hw_free_table() - free what kdump_hw_alloc_table() allocated
 * @virt: the pages, or NULL
 * @order: the order they were allocated with
 */
void kdump_hw_free_table(void *virt, unsigned int order)
{
	iommu_free_pages(virt, order);
}

/**
 * kdump_hw_reserve_did() - keep an old domain-id from being handed out
 * @iommu: the IOMMU
 * @did: the domain-id, below cap_ndoms()
 *
 * Return: 0 (the domain-id bitmap needs no allocation).
 */
int kdump_hw_reserve_did(struct intel_iommu *iommu, u16 did)
{
	if (did >= cap_ndoms(iommu->cap))
		return -ERANGE;
	set_bit(did, iommu->domain_ids);
	return 0;
}

/**
 * kdump_hw_unreserve_did() - undo kdump_hw_reserve_did()
 * @iommu: the IOMMU
 * @did: the domain-id
 */
void kdump_hw_unreserve_did(struct intel_iommu *iommu, u16 did)
{
	/* 6.12 reserves domain-id 0 (and 1 with first level) itself. */
	if (did > 1 && did < cap_ndoms(iommu->cap))
		clear_bit(did, iommu->domain_ids);
}

/**
 * kdump_hw_ss_root() - what a legacy context entry names for a domain
 * @domain: a second-level paging domain
 * @iommu: the IOMMU whose context entry is built
 * @root: set to the physical address of the top table @iommu walks
 * @aw: set to the AW field for it
 *
 * A domain whose table has more levels than @iommu supports is entered
 * below its top, as domain_context_mapping_one() does.
 *
 * Context: @iommu->lock may be held.
 * Return: 0, or -ENOMEM where that skipped level is not present.
 */
int kdump_hw_ss_root(struct dmar_domain *domain, struct intel_iommu *iommu,
		     u64 *root, u8 *aw)
{
	struct dma_pte *pgd = domain->pgd;
	int agaw;

	for (agaw = domain->agaw; agaw > iommu->agaw; agaw--) {
		pgd = phys_to_virt(dma_pte_addr(pgd));
		if (!dma_pte_present(pgd))
			return -ENOMEM;
	}
	*root = virt_to_phys(pgd);
	*aw = agaw;
	return 0;
}

/**
 * kdump_hw_sm_pre() - whether a device's scalable-mode context has PRE set
 * @info: the device
 *
 * On this series context_entry_set_pasid_table() leaves PRE clear and
 * context_flip_pri() sets it once the driver enables I/O page faults.
 *
 * Return: true if the device's page requests are enabled.
 */
bool kdump_hw_sm_pre(const struct device_domain_info *info)
{
	return info->pri_enabled;
}
