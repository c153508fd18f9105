// SPDX-License-Identifier: GPL-2.0
/*
 * kdump_handover.c - hand an adopted device over to the capture kernel
 *
 * An adopted device goes from its old context to a domain of the capture
 * kernel's when its driver first uses the DMA API.  Until then its old
 * IOVAs are reserved regions, so that new mappings never alias DMA still
 * in flight; at the attach every old IOVA is mapped in the new domain to
 * its old page (intel_iommu_kdump_handover()), and once the driver has
 * reset the device a release (kdump/release) unmaps them again.  The
 * context entry itself is switched by kdump_switch.c.
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

const char * const kdump_handover_names[] = {
	[KDUMP_HO_ADOPTED]	= "adopted",
	[KDUMP_HO_HANDED_OVER]	= "handed-over",
	[KDUMP_HO_RELEASED]	= "released",
};

/**
 * kdump_find_context() - the adopted context of a device
 * @iommu: its IOMMU
 * @bus: its bus
 * @devfn: its device and function
 *
 * The array is only grown during adoption, before any device is attached,
 * so this needs no lock; what it returns is protected by kdump_lock.
 *
 * Return: the context, or NULL if @bus:@devfn has no adopted one.
 */
struct kdump_context *kdump_find_context(struct intel_iommu *iommu, u8 bus,
					 u8 devfn)
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

/* The state of @dev's IOMMU, if the unit adopted it. */
static struct kdump_iommu *kdump_dev_state(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct kdump_iommu *st;

	if (!info || !info->iommu)
		return NULL;
	st = kdump_state(info->iommu);
	return st && st->adopted ? st : NULL;
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

/* Add the windows of every device of @c's old domain to @c->direct. */
static int kdump_add_windows(struct kdump_context *c)
{
	unsigned int i;
	int ret;

	for (i = 0; c->walk && i < c->walk->nr_windows; i++) {
		ret = kdump_range_append(&c->direct, &c->nr_direct,
					 c->walk->windows[i].start,
					 c->walk->windows[i].last);
		if (ret)
			return ret;
	}
	kdump_mem_map_normalize(c->direct, &c->nr_direct);
	return 0;
}

/*
 * Record [@iova, @last] as mapped by @c into its domain: @c's release
 * unmaps it, exactly as one piece.  iommu_unmap() of generic page tables
 * (7.x) does not split a mapping nor cross an unmapped hole, so a release
 * must not unmap by the edges of its own windows what a group sibling
 * mapped by others.
 */
static int kdump_own_piece(struct kdump_context *c, u64 iova, u64 last)
{
	struct kdump_piece *p = c->own;

	if (c->nr_own == c->max_own) {
		unsigned int n = max(16U, c->max_own * 2);

		if (n <= c->max_own)
			return -ENOMEM;
		p = kvrealloc(c->own, array_size(n, sizeof(*p)), GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		c->own = p;
		c->max_own = n;
	}
	p[c->nr_own].iova = iova;
	p[c->nr_own++].last = last;
	return 0;
}

static void kdump_own_free(struct kdump_context *c)
{
	kvfree(c->own);
	c->own = NULL;
	c->nr_own = 0;
	c->max_own = 0;
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
		/*
		 * iommu_iova_to_phys() cannot tell page 0 mapped 1:1 from
		 * unmapped: a window the new domain maps that this device's
		 * list lacks (a refused sibling's) would then be mapped twice.
		 */
		else if (inside || cur || !phys || end > max_iova ||
			 iommu_map(domain, iova, phys, len,
				   kdump_iommu_prot(m->perm), GFP_KERNEL))
			c->legacy_skipped++;
		else if (kdump_own_piece(c, iova, end) &&
			 iommu_unmap(domain, iova, len) == len)
			c->legacy_skipped++;	/* not kept: unmapped again */
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
 * Which other device, handed over to the same domain and not released,
 * still needs [@iova, @last]?  Devices of one IOMMU group share their new
 * domain, and in the crashed kernel they shared one page table: releasing
 * one must not unmap what the others' DMA in flight still uses.
 */
static struct kdump_context *kdump_sibling_needs(const struct kdump_context *c,
						 u64 iova, u64 last)
{
	unsigned int i, n;

	lockdep_assert_held(&kdump_lock);
	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		struct kdump_iommu *st = kdump_iommus[i];

		for (n = 0; st && st->adopted && n < st->nr_ctx; n++) {
			struct kdump_context *s = &st->ctx[n];

			if (s != c && s->domain == c->domain && s->walk &&
			    s->handover == KDUMP_HO_HANDED_OVER &&
			    kdump_walk_maps_any(s->walk, iova, last))
				return s;
		}
	}
	return NULL;
}

/*
 * Unmap the pieces @c's hand-over mapped (or took over), each exactly as
 * mapped, but for what a handed-over sibling still needs: that sibling
 * takes the piece over, and the last of them to be released unmaps it.
 */
static unsigned int kdump_release_pieces(struct kdump_context *c,
					 struct iommu_domain *domain)
{
	unsigned int i, unmapped = 0;

	for (i = 0; i < c->nr_own; i++) {
		const struct kdump_piece *p = &c->own[i];
		size_t len = p->last - p->iova + 1;
		struct kdump_context *s;

		s = kdump_sibling_needs(c, p->iova, p->last);
		if (s) {
			/* Without memory to hand it on, it stays mapped. */
			kdump_own_piece(s, p->iova, p->last);
			c->release_kept++;
		} else if (iommu_unmap(domain, p->iova, len) == len) {
			unmapped++;
		}
	}
	kdump_own_free(c);
	return unmapped;
}

/**
 * kdump_context_passthrough() - did the old context pass DMA through?
 * @c: the context
 *
 * Return: true for a pass-through context (legacy TT 2, or PGTT 4).
 */
bool kdump_context_passthrough(const struct kdump_context *c)
{
	return c->scalable ? c->tt == PASID_ENTRY_PGTT_PT :
			     c->tt == CONTEXT_TT_PASS_THROUGH;
}

/**
 * kdump_context_covers() - does @c describe the device at @devfn?
 * @c: a context of the device's bus
 * @devfn: the device and function
 *
 * A refused whole context table covers its half of the bus in scalable
 * mode (devfn 0x00-0x7f or 0x80-0xff), the whole bus otherwise.
 *
 * Return: true if @c is @devfn's own context or a refused table holding it.
 */
bool kdump_context_covers(const struct kdump_context *c, u16 devfn)
{
	if (c->devfn != KDUMP_CTX_WHOLE_TABLE)
		return c->devfn == devfn;
	return c->half == KDUMP_CTX_BOTH_HALVES || c->half == devfn >> 7;
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

		if (c->bus != info->bus || !kdump_context_covers(c, info->devfn))
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

	/*
	 * The device's windows and its old domain's: a sibling's ISA window
	 * (the ISA bridge's, for q35's AHCI) is mapped 1:1 in the group's
	 * domain too.  Without the list, every old page in a window is
	 * skipped.
	 */
	if (kdump_collect_direct(&resv, &c->direct, &c->nr_direct) ||
	    kdump_add_windows(c)) {
		kfree(c->direct);
		c->direct = NULL;
		c->nr_direct = 0;
	}
	/* The domain's IOVA space: its first-level table's lower half. */
	max_iova = domain->domain.geometry.aperture_end;
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

/*
 * Is @w the translation, or the tables (a nested context's second level),
 * of an adopted context not yet released?
 */
static bool kdump_walk_live(const struct kdump_iommu *st,
			    const struct kdump_walk *w)
{
	unsigned int i;

	for (i = 0; i < st->nr_ctx; i++)
		if ((st->ctx[i].walk == w || st->ctx[i].tables == w) &&
		    st->ctx[i].state == KDUMP_CTX_ADOPTED &&
		    st->ctx[i].handover != KDUMP_HO_RELEASED)
			return true;
	return false;
}

/*
 * Free what @w kept for its contexts once the last of them is released:
 * not while one is still adopted (a nested context uses @w's tables as
 * its second level), nor while one's adopted entry is still installed (a
 * release between the hand-over and the switch of its context entry).
 */
static void kdump_release_walk(struct kdump_iommu *st, struct kdump_walk *w)
{
	unsigned int i;

	if (!w || kdump_walk_live(st, w))
		return;
	for (i = 0; i < st->nr_ctx; i++) {
		const struct kdump_context *c = &st->ctx[i];

		if ((c->walk == w || c->tables == w) &&
		    c->state == KDUMP_CTX_ADOPTED &&
		    context_copied(st->iommu, c->bus, c->devfn))
			return;
	}
	kdump_walk_trim(w);
	st->bytes_held = kdump_held_bytes(st);
}

/* After @c was released: what its walks no longer need, both of them. */
static void kdump_release_walks(struct kdump_iommu *st,
				const struct kdump_context *c)
{
	kdump_release_walk(st, c->walk);
	if (c->tables != c->walk)
		kdump_release_walk(st, c->tables);
}

/* Add @w's IOVA ranges to @head as reserved, but for @direct's pieces. */
static int kdump_reserve_walk(const struct kdump_walk *w,
			      const struct kdump_phys_range *direct,
			      unsigned int nr_direct, struct list_head *head)
{
	struct iommu_resv_region *reg;
	unsigned int i;
	bool inside;
	u64 iova, end;

	for (i = 0; i < w->nr_ranges; i++) {
		const struct kdump_iova_range *r = &w->ranges[i];

		for (iova = r->start;; iova = end + 1) {
			end = kdump_direct_piece(direct, nr_direct, iova,
						 r->last, &inside);
			if (!inside) {
				reg = iommu_alloc_resv_region(iova,
							      end - iova + 1, 0,
							      IOMMU_RESV_RESERVED,
							      GFP_KERNEL);
				if (!reg)
					return -ENOMEM;
				list_add_tail(&reg->list, head);
			}
			if (end == r->last)
				break;
		}
	}
	return 0;
}

/**
 * intel_iommu_kdump_get_resv_regions() - reserve a device's old IOVAs
 * @dev: the device
 * @head: the list of reserved regions being built
 *
 * While an adopted context or its legacy mappings are live, the IOVA
 * ranges the crashed kernel had mapped for it are reported as
 * IOMMU_RESV_RESERVED, so the DMA layer never allocates them and new
 * mappings never alias DMA still in flight.  They are reported for every
 * device behind the IOMMU, not only the context's own: the DMA layer
 * reserves the regions of the first device of a group only
 * (iommu_dma_init_domain()), which may be a sibling whose context was
 * refused, and IOVA space is cheap.  What falls in the device's RMRR or
 * ISA window, already on @head as a direct region, is left out: the new
 * domain maps that 1:1 itself.
 */
void intel_iommu_kdump_get_resv_regions(struct device *dev,
					struct list_head *head)
{
	struct kdump_phys_range *direct = NULL;
	unsigned int i, nr_direct = 0;
	struct kdump_iommu *st;
	struct kdump_context *c;

	if (!is_kdump_kernel())
		return;
	/* @head already holds the device's RMRR and ISA windows. */
	if (kdump_collect_direct(head, &direct, &nr_direct))
		goto out_free;
	mutex_lock(&kdump_lock);
	c = kdump_dev_context(dev);
	st = kdump_dev_state(dev);
	/* Known to the hand-over of every device of the same old domain. */
	for (i = 0; c && c->walk && i < nr_direct; i++)
		if (kdump_range_append(&c->walk->windows, &c->walk->nr_windows,
				       direct[i].start, direct[i].last))
			break;
	if (c && c->walk)
		kdump_mem_map_normalize(c->walk->windows, &c->walk->nr_windows);
	for (i = 0; st && i < st->nr_walks; i++)
		if (kdump_walk_live(st, st->walks[i]) &&
		    kdump_reserve_walk(st->walks[i], direct, nr_direct, head))
			break;
	mutex_unlock(&kdump_lock);
out_free:
	kfree(direct);
}

/**
 * kdump_release_context() - drop the old mappings of a handed-over device
 * @st: the IOMMU's state
 * @c: the device's context
 *
 * Its driver has reset the device, so no DMA can use them any more.
 * iommu_unmap() flushes the IOTLB of the new domain for the range.  The
 * IOVA holes the allocator reserved stay reserved for the life of the
 * domain; only later domains lose them.
 *
 * Context: kdump_lock held.
 * Return: 0; -EBUSY if @c was not handed over yet; -EALREADY if released.
 */
int kdump_release_context(struct kdump_iommu *st, struct kdump_context *c)
{
	struct iommu_domain *domain;
	unsigned int unmapped;

	lockdep_assert_held(&kdump_lock);
	if (c->handover == KDUMP_HO_ADOPTED)
		return -EBUSY;
	if (c->handover != KDUMP_HO_HANDED_OVER || !c->domain)
		return -EALREADY;
	domain = &c->domain->domain;
	unmapped = kdump_release_pieces(c, domain);
	kfree(c->direct);
	c->direct = NULL;
	c->nr_direct = 0;
	c->handover = KDUMP_HO_RELEASED;
	c->domain = NULL;
	kdump_release_walks(st, c);
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
		kdump_own_free(c);
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
			kdump_release_walks(kdump_state(info->iommu), c);
			trace_kdump_release(info->iommu, c->bus, c->devfn, 0);
		}
	}
	mutex_unlock(&kdump_lock);
}
