/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adoption of an active VT-d IOMMU by a kdump capture kernel.
 *
 * The hooks below are what iommu.c, dmar.c and debugfs.c call; with
 * CONFIG_INTEL_IOMMU_KDUMP_ADOPT off they become stubs and the capture
 * kernel does what mainline does: copy_translation_tables().
 */
#ifndef _INTEL_IOMMU_KDUMP_H
#define _INTEL_IOMMU_KDUMP_H

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
void intel_iommu_kdump_forget(struct intel_iommu *iommu);
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

static inline void intel_iommu_kdump_forget(struct intel_iommu *iommu)
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

#endif /* _INTEL_IOMMU_KDUMP_H */
