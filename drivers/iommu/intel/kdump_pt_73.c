// SPDX-License-Identifier: GPL-2.0
/*
 * The kdump adoption unit on Linux 7.3: the IOMMU-driver internals that
 * differ between kernel series (see kdump_private.h).  Built instead of
 * kdump_pt_612.c by the 7.3 series' Makefile hunk.
 *
 * Page tables are the generic page-table code's (generic_pt, format vtdss
 * for second level), domain-ids an IDA, table pages sized in bytes.
 */

#include <linux/cleanup.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mutex.h>

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
	return iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE << order);
}

/**
 * kdump_hw_free_table() - free what kdump_hw_alloc_table() allocated
 * @virt: the pages, or NULL
 * @order: the order they were allocated with (the allocator knows it)
 */
void kdump_hw_free_table(void *virt, unsigned int order)
{
	iommu_free_pages(virt);
}

/**
 * kdump_hw_reserve_did() - keep an old domain-id from being handed out
 * @iommu: the IOMMU
 * @did: the domain-id
 *
 * Domain-ids below IDA_START_DID are never handed out: nothing to hold.
 * One already held (by an earlier call) is not an error.
 *
 * Context: process context; takes @iommu->did_lock.
 * Return: 0; -ERANGE past max_domain_id, -ENOMEM.
 */
int kdump_hw_reserve_did(struct intel_iommu *iommu, u16 did)
{
	int ret;

	if (did < IDA_START_DID)
		return 0;
	if (did >= iommu->max_domain_id)
		return -ERANGE;
	guard(mutex)(&iommu->did_lock);
	ret = ida_alloc_range(&iommu->domain_ida, did, did, GFP_KERNEL);
	if (ret == -ENOSPC)
		return 0;
	return ret < 0 ? ret : 0;
}

/**
 * kdump_hw_unreserve_did() - undo kdump_hw_reserve_did()
 * @iommu: the IOMMU
 * @did: the domain-id
 *
 * Context: process context; takes @iommu->did_lock.
 */
void kdump_hw_unreserve_did(struct intel_iommu *iommu, u16 did)
{
	if (did < IDA_START_DID || did >= iommu->max_domain_id)
		return;
	guard(mutex)(&iommu->did_lock);
	ida_free(&iommu->domain_ida, did);
}

/**
 * kdump_hw_ss_root() - what a legacy context entry names for a domain
 * @domain: a second-level paging domain
 * @iommu: the IOMMU whose context entry is built
 * @root: set to the physical address of its top table
 * @aw: set to the AW field for it
 *
 * What domain_context_mapping_one() writes: the generic page table's
 * top, which never moves (no PT_FEAT_DYNAMIC_TOP).
 *
 * Context: @iommu->lock may be held.
 * Return: 0, or -EINVAL for a domain that is not second level.
 */
int kdump_hw_ss_root(struct dmar_domain *domain, struct intel_iommu *iommu,
		     u64 *root, u8 *aw)
{
	struct pt_iommu_vtdss_hw_info pt_info;

	if (WARN_ON(!intel_domain_is_ss_paging(domain)))
		return -EINVAL;
	pt_iommu_vtdss_hw_info(&domain->sspt, &pt_info);
	*root = pt_info.ssptptr;
	*aw = pt_info.aw;
	return 0;
}

/**
 * kdump_hw_sm_pre() - whether a device's scalable-mode context has PRE set
 * @info: the device
 *
 * On this series context_entry_set_pasid_table() sets PRE for every
 * device with PRI: without it a switch would turn off page requests.
 *
 * Return: true if the device supports PRI.
 */
bool kdump_hw_sm_pre(const struct device_domain_info *info)
{
	return info->pri_supported;
}
