/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the kdump adoption of an active VT-d IOMMU
 * (drivers/iommu/intel/kdump*.c).
 *
 * They share the intel_iommu trace system with trace.h.  Adoption runs
 * during boot, before user space: enable the events from the capture
 * kernel's command line (trace_event=intel_iommu:*) to find them in the
 * trace ring buffer; the hand-over, the release and DMAR faults happen
 * later and can be attached to live (tools/bpftrace/).  Addresses are
 * physical addresses, IOVAs or raw entry values, never kernel pointers.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM intel_iommu

#if !defined(_TRACE_INTEL_IOMMU_KDUMP_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_INTEL_IOMMU_KDUMP_H

#include <linux/tracepoint.h>

/* The includer has drivers/iommu/intel/iommu.h: events read iommu->name. */
struct intel_iommu;

TRACE_EVENT(kdump_adopt_begin,
	    TP_PROTO(struct intel_iommu *iommu, u64 rtaddr, const char *mode),
	    TP_ARGS(iommu, rtaddr, mode),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __field(u64, rtaddr)
			     __string(mode, mode)),
	    TP_fast_assign(__assign_str(iommu);
			   __entry->rtaddr = rtaddr;
			   __assign_str(mode);),
	    TP_printk("%s: rtaddr=0x%llx mode=%s", __get_str(iommu),
		      __entry->rtaddr, __get_str(mode))
);

TRACE_EVENT(kdump_adopt_end,
	    TP_PROTO(struct intel_iommu *iommu, const char *outcome, int ret,
		     unsigned int adopted, unsigned int refused,
		     unsigned int dids, unsigned int ranges,
		     unsigned long iova_pages, u64 duration_ns),
	    TP_ARGS(iommu, outcome, ret, adopted, refused, dids, ranges,
		    iova_pages, duration_ns),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __string(outcome, outcome)
			     __field(int, ret)
			     __field(unsigned int, adopted)
			     __field(unsigned int, refused)
			     __field(unsigned int, dids)
			     __field(unsigned int, ranges)
			     __field(unsigned long, iova_pages)
			     __field(u64, duration_ns)),
	    TP_fast_assign(__assign_str(iommu);
			   __assign_str(outcome);
			   __entry->ret = ret;
			   __entry->adopted = adopted;
			   __entry->refused = refused;
			   __entry->dids = dids;
			   __entry->ranges = ranges;
			   __entry->iova_pages = iova_pages;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("%s: %s ret=%d adopted=%u refused=%u dids=%u ranges=%u iova_pages=%lu ns=%llu",
		      __get_str(iommu), __get_str(outcome), __entry->ret,
		      __entry->adopted, __entry->refused, __entry->dids,
		      __entry->ranges, __entry->iova_pages,
		      __entry->duration_ns)
);

/* @devfn is 0xffff, printed BB:ff.7, for a whole context table. */
DECLARE_EVENT_CLASS(kdump_context,
		    TP_PROTO(struct intel_iommu *iommu, u8 bus, u16 devfn,
			     u16 did, u8 tt, u8 aw, u64 table,
			     const char *reason, u64 bad),
		    TP_ARGS(iommu, bus, devfn, did, tt, aw, table, reason,
			    bad),
		    TP_STRUCT__entry(__string(iommu, iommu->name)
				     __field(u8, bus)
				     __field(u16, devfn)
				     __field(u16, did)
				     __field(u8, tt)
				     __field(u8, aw)
				     __field(u64, table)
				     __string(reason, reason)
				     __field(u64, bad)),
		    TP_fast_assign(__assign_str(iommu);
				   __entry->bus = bus;
				   __entry->devfn = devfn;
				   __entry->did = did;
				   __entry->tt = tt;
				   __entry->aw = aw;
				   __entry->table = table;
				   __assign_str(reason);
				   __entry->bad = bad;),
		    TP_printk("%s: %02x:%02x.%d did=%u tt=%u aw=%u table=0x%llx reason=%s bad=0x%llx",
			      __get_str(iommu), __entry->bus,
			      (__entry->devfn >> 3) & 0xff,
			      __entry->devfn & 7, __entry->did, __entry->tt,
			      __entry->aw, __entry->table, __get_str(reason),
			      __entry->bad)
);

DEFINE_EVENT(kdump_context, kdump_context_adopted,
	     TP_PROTO(struct intel_iommu *iommu, u8 bus, u16 devfn, u16 did,
		      u8 tt, u8 aw, u64 table, const char *reason, u64 bad),
	     TP_ARGS(iommu, bus, devfn, did, tt, aw, table, reason, bad)
);

DEFINE_EVENT(kdump_context, kdump_context_refused,
	     TP_PROTO(struct intel_iommu *iommu, u8 bus, u16 devfn, u16 did,
		      u8 tt, u8 aw, u64 table, const char *reason, u64 bad),
	     TP_ARGS(iommu, bus, devfn, did, tt, aw, table, reason, bad)
);

TRACE_EVENT(kdump_did_reserved,
	    TP_PROTO(struct intel_iommu *iommu, u16 did),
	    TP_ARGS(iommu, did),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __field(u16, did)),
	    TP_fast_assign(__assign_str(iommu);
			   __entry->did = did;),
	    TP_printk("%s: did=%u", __get_str(iommu), __entry->did)
);

TRACE_EVENT(kdump_iova_range,
	    TP_PROTO(struct intel_iommu *iommu, u8 bus, u8 devfn, u64 start,
		     u64 last, u8 perm),
	    TP_ARGS(iommu, bus, devfn, start, last, perm),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __field(u8, bus)
			     __field(u8, devfn)
			     __field(u64, start)
			     __field(u64, last)
			     __field(u8, perm)),
	    TP_fast_assign(__assign_str(iommu);
			   __entry->bus = bus;
			   __entry->devfn = devfn;
			   __entry->start = start;
			   __entry->last = last;
			   __entry->perm = perm;),
	    TP_printk("%s: %02x:%02x.%d iova=0x%llx-0x%llx perm=%s%s",
		      __get_str(iommu), __entry->bus,
		      __entry->devfn >> 3, __entry->devfn & 7,
		      __entry->start, __entry->last,
		      __entry->perm & 1 ? "r" : "-",
		      __entry->perm & 2 ? "w" : "-")
);

TRACE_EVENT(kdump_handover,
	    TP_PROTO(struct intel_iommu *iommu, u8 bus, u8 devfn, u16 old_did,
		     u16 new_did, unsigned int kept, unsigned int skipped,
		     u64 duration_ns),
	    TP_ARGS(iommu, bus, devfn, old_did, new_did, kept, skipped,
		    duration_ns),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __field(u8, bus)
			     __field(u8, devfn)
			     __field(u16, old_did)
			     __field(u16, new_did)
			     __field(unsigned int, kept)
			     __field(unsigned int, skipped)
			     __field(u64, duration_ns)),
	    TP_fast_assign(__assign_str(iommu);
			   __entry->bus = bus;
			   __entry->devfn = devfn;
			   __entry->old_did = old_did;
			   __entry->new_did = new_did;
			   __entry->kept = kept;
			   __entry->skipped = skipped;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("%s: %02x:%02x.%d old_did=%u new_did=%u kept=%u skipped=%u ns=%llu",
		      __get_str(iommu), __entry->bus,
		      __entry->devfn >> 3, __entry->devfn & 7,
		      __entry->old_did, __entry->new_did, __entry->kept,
		      __entry->skipped, __entry->duration_ns)
);

TRACE_EVENT(kdump_switch,
	    TP_PROTO(struct intel_iommu *iommu, u8 bus, u8 devfn, bool gapless),
	    TP_ARGS(iommu, bus, devfn, gapless),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __field(u8, bus)
			     __field(u8, devfn)
			     __field(bool, gapless)),
	    TP_fast_assign(__assign_str(iommu);
			   __entry->bus = bus;
			   __entry->devfn = devfn;
			   __entry->gapless = gapless;),
	    TP_printk("%s: %02x:%02x.%d %s",
		      __get_str(iommu), __entry->bus,
		      __entry->devfn >> 3, __entry->devfn & 7,
		      __entry->gapless ? "gapless" : "gap")
);

TRACE_EVENT(kdump_release,
	    TP_PROTO(struct intel_iommu *iommu, u8 bus, u8 devfn,
		     unsigned int unmapped),
	    TP_ARGS(iommu, bus, devfn, unmapped),
	    TP_STRUCT__entry(__string(iommu, iommu->name)
			     __field(u8, bus)
			     __field(u8, devfn)
			     __field(unsigned int, unmapped)),
	    TP_fast_assign(__assign_str(iommu);
			   __entry->bus = bus;
			   __entry->devfn = devfn;
			   __entry->unmapped = unmapped;),
	    TP_printk("%s: %02x:%02x.%d unmapped=%u", __get_str(iommu),
		      __entry->bus, __entry->devfn >> 3,
		      __entry->devfn & 7, __entry->unmapped)
);
#endif /* _TRACE_INTEL_IOMMU_KDUMP_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE intel_iommu_kdump
#include <trace/define_trace.h>
