/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iommu_kdump kselftest's oracle: the crashed kernel's VT-d tables,
 * walked here through /proc/vmcore.  The crashed kernel is dead, so its
 * tables are frozen: the walk is done once per run (oracle_get(), from
 * a constructor, before the harness forks a child per test), and every
 * test compares the capture kernel's report against the same walk.
 *
 * tools/lab/vtdwalk.py walks the same tables in the saved dump on the
 * host, with the same rules (RID_PASID below, the leaf permissions of
 * walk_pt()).
 */
#ifndef __IOMMU_KDUMP_ORACLE_H
#define __IOMMU_KDUMP_ORACLE_H

#include "iommu_kdump_utils.h"

struct range {
	__u64 start, last;
	char perm[3];
};

/* One leaf of an old page table. */
struct leaf {
	__u64 iova, phys, size;
	bool dropped;	/* into the capture kernel's RAM: left out */
};

struct old_ctx {
	int iommu;		/* index into oracle.iommu */
	char bdf[16];
	bool scalable;
	__u64 ce[2];
	unsigned int tt;	/* legacy TT, or PGTT of the RID_PASID entry */
	unsigned int did;	/* legacy DID, or that of the RID_PASID entry */
	__u64 table;		/* page-table root (legacy) or PASID directory */
	unsigned int *dids;	/* every DID its entries use */
	int nr_dids;
	struct range *ranges;	/* coalesced IOVA ranges */
	int nr_ranges;
	struct leaf *leaves;	/* what the ranges translate to */
	int nr_leaves;
	int nr_dropped;		/* leaves left out: not in the ranges */
	const char *error;	/* the oracle could not read its tables */
};

struct oracle_iommu {
	char name[32];
	bool enabled;		/* GSTS.TES as the capture kernel found it */
	bool scalable;
	__u64 rtaddr;
	const char *error;
	bool bad_bus[256];	/* context table not in the old RAM */
};

struct oracle {
	struct oracle_iommu iommu[MAX_IOMMUS];
	int nr_iommus;
	struct old_ctx *ctx;
	int nr_ctx;
};

static void add_did(struct old_ctx *c, unsigned int did)
{
	int i;

	for (i = 0; i < c->nr_dids; i++)
		if (c->dids[i] == did)
			return;
	i = push((void **)&c->dids, &c->nr_dids, sizeof(*c->dids));
	if (i >= 0)
		c->dids[i] = did;
}

/* The capture kernel's System RAM, read once by oracle_init(). */
static struct own_ram oracle_own;

/*
 * One leaf, in IOVA order: extend the last range or start a new one.  A
 * leaf into the capture kernel's own RAM is left out of what the capture
 * kernel adopts (the context is "partial"): it is marked, its IOVA still
 * in the ranges (live at the panic, so reserved), its page never mapped.
 */
static void add_leaf(struct old_ctx *c, __u64 iova, __u64 phys, __u64 size,
		     const char *perm)
{
	struct range *r = c->nr_ranges ? &c->ranges[c->nr_ranges - 1] : NULL;
	bool dropped = own_ram_hit(&oracle_own, phys, phys + size - 1);
	int i;

	i = push((void **)&c->leaves, &c->nr_leaves, sizeof(*c->leaves));
	if (i >= 0) {
		c->leaves[i].iova = iova;
		c->leaves[i].phys = phys;
		c->leaves[i].size = size;
		c->leaves[i].dropped = dropped;
	}
	c->nr_dropped += dropped;

	if (r && r->last + 1 == iova && !strcmp(r->perm, perm)) {
		r->last = iova + size - 1;
		return;
	}
	i = push((void **)&c->ranges, &c->nr_ranges, sizeof(*c->ranges));
	if (i < 0)
		return;
	c->ranges[i].start = iova;
	c->ranges[i].last = iova + size - 1;
	snprintf(c->ranges[i].perm, sizeof(c->ranges[i].perm), "%s", perm);
}

/*
 * Walk a 4 KiB-granule page table: second-level (R = bit 0, W = bit 1)
 * or first-level (x86 format: P = bit 0, R/W = bit 1).  Superpages (PS,
 * bit 7) at the 2 MiB and 1 GiB levels are leaves.
 */
static void walk_pt(const struct vmcore *v, struct old_ctx *c, __u64 table,
		    int level, __u64 base, bool first_level, int depth)
{
	__u64 span = PAGE_SZ << (9 * (level - 1));
	__u64 e[512];
	int i;

	if (depth > 5 || old_read(v, table, e, sizeof(e))) {
		c->error = "page table not readable";
		return;
	}
	for (i = 0; i < 512; i++) {
		bool r = e[i] & 1, w = e[i] & 2;
		__u64 iova = base + i * span;

		if (first_level ? !r : !(r || w))
			continue;
		if (level == 1 || ((level == 2 || level == 3) &&
				   (e[i] & (1ULL << 7)))) {
			add_leaf(c, iova, e[i] & ADDR_MASK & ~(span - 1), span,
				 first_level ?
				 (w ? "rw" : "r-") :
				 (r ? (w ? "rw" : "r-") : "-w"));
			continue;
		}
		walk_pt(v, c, e[i] & ADDR_MASK, level - 1, iova, first_level,
			depth + 1);
	}
}

/*
 * The RID_PASID rule, shared with tools/lab/vtdwalk.py (rid_pasid_entry()):
 * in scalable mode a request without PASID is translated through the
 * PASID-table entry whose number the context entry gives in its RID_PASID
 * field (Intel VT-d Architecture Specification 4.1, section 9.4
 * "Scalable-Mode Context-Entry", RID_PASID: bits 83:64, i.e. bits 19:0 of
 * the entry's second qword).  Linux programs it to IOMMU_NO_PASID, 0, so
 * in practice this is PASID 0; the walk reads the field rather than
 * assume it.
 */
#define RID_PASID_MASK	0xfffffULL

/* Scalable mode: every PASID entry's DID, and the RID_PASID translation. */
static void walk_pasid_dir(const struct vmcore *v, struct old_ctx *c)
{
	unsigned int nr_pdes = 1U << (((c->ce[0] >> 9) & 7) + 7);
	unsigned int rid_pasid = c->ce[1] & RID_PASID_MASK, d, i;
	__u64 pde, pe[8];
	int levels = 0;
	bool found = false, fl = false;
	__u64 root = 0;

	c->table = c->ce[0] & ADDR_MASK;
	for (d = 0; d < nr_pdes; d++) {
		if (old_read(v, c->table + d * 8ULL, &pde, sizeof(pde))) {
			c->error = "PASID directory not readable";
			return;
		}
		if (!(pde & 1))
			continue;
		for (i = 0; i < 64; i++) {
			if (old_read(v, (pde & ADDR_MASK) + i * 64ULL, pe,
				     sizeof(pe))) {
				c->error = "PASID table not readable";
				return;
			}
			if (!(pe[0] & 1))
				continue;
			add_did(c, pe[1] & 0xffff);
			if (d * 64 + i != rid_pasid)
				continue;
			found = true;
			c->tt = (pe[0] >> 6) & 7;
			c->did = pe[1] & 0xffff;
			if (c->tt == 1) {
				fl = true;
				root = pe[2] & ADDR_MASK;
				levels = (pe[2] >> 2) & 3 ? 5 : 4;
			} else if (c->tt == 2 || c->tt == 3) {
				root = pe[0] & ADDR_MASK;
				levels = ((pe[0] >> 2) & 7) + 2;
			}
		}
	}
	if (found && levels)
		walk_pt(v, c, root, levels, 0, fl, 0);
}

static void walk_context(const struct vmcore *v, struct oracle *o, int iommu,
			 unsigned int bus, unsigned int devfn, const __u64 *ce)
{
	struct old_ctx *c;
	int i;

	i = push((void **)&o->ctx, &o->nr_ctx, sizeof(*o->ctx));
	if (i < 0)
		return;
	c = &o->ctx[i];
	c->iommu = iommu;
	snprintf(c->bdf, sizeof(c->bdf), "%02x:%02x.%u", bus, devfn >> 3,
		 devfn & 7);
	c->scalable = o->iommu[iommu].scalable;
	c->ce[0] = ce[0];
	c->ce[1] = ce[1];
	if (c->scalable) {
		walk_pasid_dir(v, c);
		return;
	}
	c->tt = (ce[0] >> 2) & 3;
	c->did = (ce[1] >> 8) & 0xffff;
	add_did(c, c->did);
	if (c->tt == 2)		/* pass-through: no page table */
		return;
	c->table = ce[0] & ADDR_MASK;
	walk_pt(v, c, c->table, (ce[1] & 7) + 2, 0, false, 0);
}

static void walk_iommu(const struct vmcore *v, struct oracle *o, int iommu)
{
	struct oracle_iommu *u = &o->iommu[iommu];
	__u64 root[512], ct[512];
	unsigned int bus, half, i;

	if (old_read(v, u->rtaddr, root, sizeof(root))) {
		u->error = "root table not readable";
		return;
	}
	for (bus = 0; bus < 256; bus++) {
		for (half = 0; half < (u->scalable ? 2 : 1); half++) {
			__u64 re = root[2 * bus + half];
			unsigned int nr = u->scalable ? 128 : 256;
			unsigned int stride = u->scalable ? 4 : 2;

			if (!(re & 1))
				continue;
			if (old_read(v, re & ADDR_MASK, ct, sizeof(ct))) {
				u->bad_bus[bus] = true;
				continue;
			}
			for (i = 0; i < nr; i++) {
				if (!(ct[i * stride] & 1))
					continue;
				walk_context(v, o, iommu, bus, half * 128 + i,
					     &ct[i * stride]);
			}
		}
	}
}

/* The IOMMUs from kdump/registers, then their old tables. */
static int oracle_build(struct oracle *o, const struct tsv *regs)
{
	struct vmcore v;
	int r, i;

	memset(o, 0, sizeof(*o));
	for (r = 0; r < regs->nr; r++) {
		const char *name = tsv_get(regs, r, "iommu");
		const char *reg = tsv_get(regs, r, "register");
		__u64 val = tsv_u64(regs, r, "value");

		for (i = 0; i < o->nr_iommus; i++)
			if (!strcmp(o->iommu[i].name, name))
				break;
		if (i == o->nr_iommus) {
			if (i == MAX_IOMMUS)
				return -1;
			snprintf(o->iommu[i].name, sizeof(o->iommu[i].name),
				 "%s", name);
			o->nr_iommus++;
		}
		if (!strcmp(reg, "GSTS"))
			o->iommu[i].enabled = val & (1ULL << 31);
		if (!strcmp(reg, "RTADDR")) {
			o->iommu[i].rtaddr = val & ADDR_MASK;
			o->iommu[i].scalable = val & (1ULL << 10);
		}
	}
	if (vmcore_open(&v))
		return -1;
	for (i = 0; i < o->nr_iommus; i++)
		if (o->iommu[i].enabled)
			walk_iommu(&v, o, i);
	close(v.fd);
	return 0;
}

static const char *tt_name(const struct old_ctx *c)
{
	static const char * const legacy[] = {
		"multi-level", "dev-iotlb", "pass-through", "reserved",
	};
	static const char * const pgtt[] = {
		"sm-none", "sm-first-level", "sm-second-level", "sm-nested",
		"sm-pass-through", "sm-reserved", "sm-reserved", "sm-reserved",
	};

	return c->scalable ? pgtt[c->tt & 7] : legacy[c->tt & 3];
}

/*
 * Expectations broken on purpose (lab.selftest_break=): applied to the
 * walk once, so that the test comparing against them must fail.
 */
static void oracle_break(struct oracle *o)
{
	int i;

	if (broken("ranges")) {
		for (i = 0; i < o->nr_ctx; i++) {
			if (o->ctx[i].nr_ranges) {
				o->ctx[i].ranges[0].last += PAGE_SZ;
				break;
			}
		}
	}
	if (broken("handover")) {
		for (i = 0; i < o->nr_ctx; i++) {
			if (o->ctx[i].nr_leaves && !o->ctx[i].leaves[0].dropped) {
				o->ctx[i].leaves[0].phys += PAGE_SZ;
				break;
			}
		}
	}
	if (broken("table")) {
		for (i = 0; i < o->nr_ctx; i++)
			o->ctx[i].table += PAGE_SZ;
	}
}

static struct oracle the_oracle;
static const char *oracle_error = "not built";

/*
 * Build the oracle once, in the harness's parent process: every test's
 * child inherits it.  Outside a capture kernel there is nothing to walk
 * (the fixtures skip before they ask).
 */
static void __attribute__((constructor)) oracle_init(void)
{
	struct tsv regs = {};

	if (access(VMCORE, R_OK) || access(KDUMP_DIR, F_OK)) {
		oracle_error = "no " VMCORE " or " KDUMP_DIR;
		return;
	}
	if (tsv_load("registers", &regs)) {
		oracle_error = "kdump/registers not readable";
		return;
	}
	if (own_ram_read(&oracle_own) <= 0) {
		oracle_error = "no System RAM in /proc/iomem";
		return;
	}
	if (oracle_build(&the_oracle, &regs)) {
		oracle_error = "cannot read the IOMMUs or " VMCORE;
		return;
	}
	oracle_break(&the_oracle);
	oracle_error = NULL;
}

/* The walk of this run, or NULL (*why says why). */
static struct oracle *oracle_get(const char **why)
{
	*why = oracle_error;
	return oracle_error ? NULL : &the_oracle;
}

#endif /* __IOMMU_KDUMP_ORACLE_H */
