// SPDX-License-Identifier: GPL-2.0
/*
 * kdump_switch.c - switch a live adopted context entry to its new domain
 *
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

#define pr_fmt(fmt)	"DMAR: kdump: " fmt

#include <linux/crash_dump.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "iommu.h"
#include "pasid.h"
#include "kdump_private.h"
#include <trace/events/intel_iommu_kdump.h>

const char * const kdump_switch_names[] = {
	[KDUMP_SWITCH_NONE]	= "-",
	[KDUMP_SWITCH_GAPLESS]	= "gapless",
	[KDUMP_SWITCH_GAP]	= "gap",
	[KDUMP_SWITCH_REPLACED]	= "replaced",
};

static void kdump_hw_store(void *priv, u64 *qw, u64 val)
{
	struct intel_iommu *iommu = priv;

	WRITE_ONCE(*qw, val);
	/* Ordered before the next store, as context_set_present() does. */
	dma_wmb();
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

	if (!is_kdump_kernel() || !st || st->root_refused ||
	    !context_copied(iommu, bus, devfn))
		return NULL;
	return kdump_find_context(iommu, bus, devfn);
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
	int tt, ret;
	u64 root;
	u8 aw;

	assert_spin_locked(&iommu->lock);
	if (!c)
		return -ENOENT;
	if (!kdump_switch_keeps(iommu, c, domain)) {
		kdump_switch_done(iommu, c, KDUMP_SWITCH_REPLACED);
		return -ESRCH;
	}

	context_set_domain_id(&ce, did);
	if (domain) {
		ret = kdump_hw_ss_root(domain, iommu, &root, &aw);
		if (ret)
			return ret;
		tt = info && info->ats_supported ? CONTEXT_TT_DEV_IOTLB :
						   CONTEXT_TT_MULTI_LEVEL;
		context_set_address_root(&ce, root);
	} else {
		aw = iommu->msagaw;
		tt = CONTEXT_TT_PASS_THROUGH;
	}
	context_set_address_width(&ce, aw);
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

/*
 * The scalable-mode context entry mainline's context_entry_set_pasid_table()
 * builds for @info, present, into @ce (two zeroed struct context_entry).
 */
static void kdump_sm_context(struct device_domain_info *info,
			     struct context_entry *ce)
{
	struct pasid_table *table = info->pasid_table;
	unsigned long max_pde, pds;

	max_pde = table->max_pasid >> PASID_PDE_SHIFT;
	pds = find_first_bit(&max_pde, MAX_NR_PASID_BITS);
	ce->lo = virt_to_phys(table->table) | context_pdts(pds < 7 ? 0 : pds - 7);
	context_set_sm_rid2pasid(ce, IOMMU_NO_PASID);
	if (info->ats_supported)
		context_set_sm_dte(ce);
	if (info->pasid_supported)
		context_set_pasid(ce);
	if (kdump_hw_sm_pre(info))
		context_set_sm_pre(ce);
	context_set_fault_enable(ce);
	context_set_present(ce);
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
	struct context_entry ce[2] = {};
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
		kdump_sm_context(info, ce);
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
