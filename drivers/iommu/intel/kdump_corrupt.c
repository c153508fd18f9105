// SPDX-License-Identifier: GPL-2.0
/*
 * kdump_corrupt.c - damage live VT-d tables on purpose, for testing only
 *
 * The kdump adoption code (kdump.c) must refuse whatever a crashed kernel
 * left behind that it cannot trust.  To test that on real tables, the lab's
 * first kernel writes a command to
 *
 *	/sys/kernel/debug/iommu/intel/kdump_corrupt
 *
 * just before it panics:  "<mode> <bus>:<dev>.<fn>".  The device's live
 * context, PASID or page-table entries (or its bus's root entry, or the
 * root-table address register) are damaged as the mode says, the IOMMU's
 * caches are flushed so the hardware uses the damage too, its fault events
 * are masked (see corrupt_mask_faults()), and the panic that follows leaves
 * it to the capture kernel.  Reading the file lists the modes.  The kernel
 * is not expected to survive long after a write: the damaged device's DMA
 * faults or lands where it should not.
 *
 * Nothing here is meant for a production kernel.
 */

#define pr_fmt(fmt)	"DMAR: kdump_corrupt: " fmt

#include <linux/crash_dump.h>	/* before crash_core.h: arch hooks */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "iommu.h"
#include "pasid.h"
#include "kdump_private.h"

/* A value no valid table entry holds: reserved bits set, out of RAM. */
#define CORRUPT_GARBAGE		0x0000deadbeef0f01ULL
#define CORRUPT_GARBAGE_ADDR	0x0000deadbeef0000ULL

/* Leaves copied into the crash kernel's region, at most. */
#define CORRUPT_MAX_COPY	SZ_32M

enum corrupt_mode {
	CORRUPT_TABLE_OUTSIDE_RAM,
	CORRUPT_TABLE_IN_CRASHK,
	CORRUPT_LEAF_IN_CRASHK,
	CORRUPT_TABLE_LOOP,
	CORRUPT_RESERVED_BITS,
	CORRUPT_ADDRESS_WIDTH,
	CORRUPT_DOMAIN_ID,
	CORRUPT_TRANSLATION_TYPE,
	CORRUPT_ROOT_ENTRY,
	CORRUPT_RTADDR,
	CORRUPT_PASID_DIR,
	CORRUPT_PASID_EXTRA,
	CORRUPT_LEAF_ON_TABLE,
	CORRUPT_NR_MODES
};

static const char * const corrupt_mode_names[CORRUPT_NR_MODES] = {
	[CORRUPT_TABLE_OUTSIDE_RAM]	= "table-outside-ram",
	[CORRUPT_TABLE_IN_CRASHK]	= "table-in-crashk",
	[CORRUPT_LEAF_IN_CRASHK]	= "leaf-in-crashk",
	[CORRUPT_TABLE_LOOP]		= "table-loop",
	[CORRUPT_RESERVED_BITS]		= "reserved-bits",
	[CORRUPT_ADDRESS_WIDTH]		= "address-width",
	[CORRUPT_DOMAIN_ID]		= "domain-id",
	[CORRUPT_TRANSLATION_TYPE]	= "translation-type",
	[CORRUPT_ROOT_ENTRY]		= "root-entry",
	[CORRUPT_RTADDR]		= "rtaddr",
	[CORRUPT_PASID_DIR]		= "pasid-dir",
	[CORRUPT_PASID_EXTRA]		= "pasid-extra",
	[CORRUPT_LEAF_ON_TABLE]		= "leaf-on-table",
};

/* The device's translation as the hardware sees it. */
struct corrupt_target {
	struct intel_iommu *iommu;
	u8 bus;
	u8 devfn;
	struct context_entry *ce;
	u64 *pasid_dir;		/* scalable mode: the PDE of its RID_PASID */
	u64 *pe;		/* scalable mode: its RID_PASID entry */
	u64 *ptr;		/* the quadword holding the page-table root */
	int levels;		/* 0: pass-through, no page table */
	bool first_level;
};

/* Next free byte of the crash kernel's region handed out to damage. */
static phys_addr_t corrupt_crashk_next;

static bool corrupt_overlaps(phys_addr_t a, u64 size, phys_addr_t b, u64 len)
{
	return a < b + len && b < a + size;
}

/*
 * @size bytes, @size-aligned, of the crash kernel's region that the loaded
 * capture kernel's segments and control pages do not use.  Crash control
 * pages (relocate_kernel's code and identity page tables) are all below
 * image->control_page.
 */
static phys_addr_t corrupt_crashk_alloc(u64 size)
{
	struct kimage *image = kexec_crash_image;
	phys_addr_t a;
	unsigned long i;
	bool moved;

	if (!crashk_res.end || !image)
		return 0;
	a = max_t(phys_addr_t, corrupt_crashk_next, crashk_res.start);
	a = ALIGN(max_t(phys_addr_t, a, image->control_page), size);
	do {
		moved = false;
		for (i = 0; i < image->nr_segments; i++) {
			struct kexec_segment *s = &image->segment[i];

			if (corrupt_overlaps(a, size, s->mem, s->memsz)) {
				a = ALIGN(s->mem + s->memsz, size);
				moved = true;
			}
		}
	} while (moved);
	if (a + size - 1 > crashk_res.end)
		return 0;
	corrupt_crashk_next = a + size;
	return a;
}

static void corrupt_flush(struct corrupt_target *t)
{
	struct intel_iommu *iommu = t->iommu;

	if (!ecap_coherent(iommu->ecap))
		wbinvd_on_all_cpus();
	iommu->flush.flush_context(iommu, 0, 0, 0, DMA_CCMD_GLOBAL_INVL);
	if (sm_supported(iommu))
		qi_flush_pasid_cache(iommu, 0, QI_PC_GLOBAL, 0);
	iommu->flush.flush_iotlb(iommu, 0, 0, 0, DMA_TLB_GLOBAL_FLUSH);
}

/*
 * The fault handler's diagnostics (dmar_fault_dump_ptes()) walk the
 * faulting device's tables with phys_to_virt(): on a damaged table they
 * oops in interrupt context before the test's panic.  Mask fault events:
 * faults are still recorded, and the capture kernel finds them.
 */
static void corrupt_mask_faults(struct intel_iommu *iommu)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&iommu->register_lock, flags);
	writel(DMA_FECTL_IM, iommu->reg + DMAR_FECTL_REG);
	raw_spin_unlock_irqrestore(&iommu->register_lock, flags);
}

static int corrupt_find(struct corrupt_target *t, u8 bus, u8 devfn)
{
	struct device_domain_info *info;
	struct pci_dev *pdev;
	u32 rid_pasid;
	u64 *table;

	pdev = pci_get_domain_bus_and_slot(0, bus, devfn);
	if (!pdev)
		return -ENODEV;
	info = dev_iommu_priv_get(&pdev->dev);
	pci_dev_put(pdev);
	if (!info || !info->iommu)
		return -ENODEV;

	t->iommu = info->iommu;
	t->bus = info->bus;
	t->devfn = info->devfn;
	t->ce = iommu_context_addr(t->iommu, t->bus, t->devfn, 0);
	if (!t->ce || !context_present(t->ce))
		return -ENOENT;

	if (!sm_supported(t->iommu)) {
		if (((t->ce->lo >> 2) & 3) == CONTEXT_TT_PASS_THROUGH)
			return 0;
		t->ptr = &t->ce->lo;
		t->levels = (t->ce->hi & CTX_AW_MASK) + 2;
		return 0;
	}

	rid_pasid = t->ce->hi & GENMASK_ULL(19, 0);
	table = phys_to_virt(t->ce->lo & VTD_PAGE_MASK);
	t->pasid_dir = &table[rid_pasid >> PASID_PDE_SHIFT];
	if (!(*t->pasid_dir & PASID_PTE_PRESENT))
		return -ENOENT;
	table = phys_to_virt(*t->pasid_dir & VTD_PAGE_MASK);
	t->pe = &table[(rid_pasid & PASID_PTE_MASK) * 8];
	if (!(t->pe[0] & PASID_PTE_PRESENT))
		return -ENOENT;
	switch (PE_PGTT(t->pe)) {
	case PASID_ENTRY_PGTT_FL_ONLY:
		t->ptr = &t->pe[2];
		t->levels = PE_FLPM(t->pe) ? 5 : 4;
		t->first_level = true;
		break;
	case PASID_ENTRY_PGTT_SL_ONLY:
	case PASID_ENTRY_PGTT_NESTED:
		t->ptr = &t->pe[0];
		t->levels = ((t->pe[0] & PE_AW_MASK) >> 2) + 2;
		break;
	}
	return 0;
}

static void corrupt_set_table(struct corrupt_target *t, u64 addr)
{
	WRITE_ONCE(*t->ptr, (*t->ptr & ~PTE_ADDR_MASK) | addr);
}

/*
 * Copy every leaf of the table at @table into the crash kernel's region and
 * point the leaf there: the device's current IOVAs, descriptor rings and
 * buffers included, then translate into the capture kernel's memory.
 */
static int corrupt_leaves(struct corrupt_target *t, u64 table, int level,
			  u64 *copied)
{
	unsigned int shift = VTD_PAGE_SHIFT + (level - 1) * LEVEL_STRIDE;
	u64 *pt = phys_to_virt(table);
	int i, ret = 0;

	for (i = 0; i < BIT(LEVEL_STRIDE) && !ret; i++) {
		u64 pte = READ_ONCE(pt[i]), size = BIT_ULL(shift);
		u64 mask = GENMASK_ULL(51, shift);
		phys_addr_t to;
		void *src, *dst;

		if (!(pte & (t->first_level ? BIT_ULL(0) : 3)))
			continue;
		if (level > 1 && !(pte & PTE_LARGE)) {
			ret = corrupt_leaves(t, pte & PTE_ADDR_MASK, level - 1,
					     copied);
			continue;
		}
		if (*copied + size > CORRUPT_MAX_COPY)
			return -ENOSPC;
		to = corrupt_crashk_alloc(size);
		if (!to)
			return -ENOSPC;
		src = memremap(pte & mask, size, MEMREMAP_WB);
		dst = memremap(to, size, MEMREMAP_WB);
		if (src && dst)
			memcpy(dst, src, size);
		if (src)
			memunmap(src);
		if (dst)
			memunmap(dst);
		if (!src || !dst)
			return -ENOMEM;
		WRITE_ONCE(pt[i], (pte & ~mask) | to);
		*copied += size;
	}
	return ret;
}

/*
 * Point the first 4 KiB leaf below @table at the level-1 table that holds
 * it, writable: DMA to that IOVA (a receive buffer, say) now rewrites the
 * device's own page table.  Return: 0, or -ENOENT with no such leaf.
 */
static int corrupt_leaf_on_table(struct corrupt_target *t, u64 table,
				 int level)
{
	u64 *pt = phys_to_virt(table);
	u64 rw = t->first_level ? BIT_ULL(0) | BIT_ULL(1) :
				  DMA_PTE_READ | DMA_PTE_WRITE;
	int i;

	for (i = 0; i < BIT(LEVEL_STRIDE); i++) {
		u64 pte = READ_ONCE(pt[i]);

		if (!(pte & (t->first_level ? BIT_ULL(0) : 3)))
			continue;
		if (level == 1) {
			WRITE_ONCE(pt[i], (pte & ~PTE_ADDR_MASK) | table | rw);
			pr_info("%02x:%02x.%d: leaf %d of table 0x%llx now maps that table, writable\n",
				t->bus, PCI_SLOT(t->devfn), PCI_FUNC(t->devfn),
				i, table);
			return 0;
		}
		if (pte & PTE_LARGE)
			continue;
		if (!corrupt_leaf_on_table(t, pte & PTE_ADDR_MASK, level - 1))
			return 0;
	}
	return -ENOENT;
}

static int corrupt_apply(enum corrupt_mode mode, struct corrupt_target *t)
{
	struct intel_iommu *iommu = t->iommu;
	bool sm = sm_supported(iommu);
	u64 *top, copied = 0, rtaddr;
	phys_addr_t pa;
	unsigned int aw;
	int i, ret;

	switch (mode) {
	case CORRUPT_TABLE_OUTSIDE_RAM:
	case CORRUPT_TABLE_IN_CRASHK:
	case CORRUPT_LEAF_IN_CRASHK:
	case CORRUPT_TABLE_LOOP:
	case CORRUPT_LEAF_ON_TABLE:
		if (!t->levels)
			return -EOPNOTSUPP;
		break;
	case CORRUPT_PASID_DIR:
	case CORRUPT_PASID_EXTRA:
		if (!sm)
			return -EOPNOTSUPP;
		break;
	default:
		break;
	}

	corrupt_mask_faults(iommu);
	switch (mode) {
	case CORRUPT_TABLE_OUTSIDE_RAM:
		corrupt_set_table(t, CORRUPT_GARBAGE_ADDR & PTE_ADDR_MASK &
				  GENMASK_ULL(cap_mgaw(iommu->cap) - 1, 0));
		break;
	case CORRUPT_TABLE_IN_CRASHK:
		pa = corrupt_crashk_alloc(VTD_PAGE_SIZE);
		if (!pa)
			return -ENOSPC;
		corrupt_set_table(t, pa);
		break;
	case CORRUPT_LEAF_IN_CRASHK:
		arch_kexec_unprotect_crashkres();
		ret = corrupt_leaves(t, *t->ptr & PTE_ADDR_MASK, t->levels, &copied);
		arch_kexec_protect_crashkres();
		pr_info("%02x:%02x.%d: %llu KiB of leaves now map the crash kernel's region, up to 0x%llx (%d)\n",
			t->bus, PCI_SLOT(t->devfn), PCI_FUNC(t->devfn),
			copied >> 10, (u64)corrupt_crashk_next, ret);
		if (ret)
			return ret;
		break;
	case CORRUPT_LEAF_ON_TABLE:
		ret = corrupt_leaf_on_table(t, *t->ptr & PTE_ADDR_MASK,
					    t->levels);
		if (ret)
			return ret;
		break;
	case CORRUPT_TABLE_LOOP:
		top = phys_to_virt(*t->ptr & PTE_ADDR_MASK);
		for (i = BIT(LEVEL_STRIDE) - 1; i >= 0 && top[i]; i--)
			;
		if (i < 0)
			return -ENOSPC;
		WRITE_ONCE(top[i], (*t->ptr & PTE_ADDR_MASK) |
			   (t->first_level ? 7 : DMA_PTE_READ | DMA_PTE_WRITE));
		break;
	case CORRUPT_RESERVED_BITS:
		if (sm)
			WRITE_ONCE(t->ce->lo, t->ce->lo | BIT_ULL(5));
		else
			WRITE_ONCE(t->ce->hi, t->ce->hi | BIT_ULL(7));
		break;
	case CORRUPT_ADDRESS_WIDTH:
		for (aw = 0; aw < 5; aw++)
			if (!(cap_sagaw(iommu->cap) & BIT(aw)))
				break;
		if (!sm)
			WRITE_ONCE(t->ce->hi, (t->ce->hi & ~CTX_AW_MASK) | aw);
		else if (t->first_level)
			t->pe[2] |= 3ULL << 2;		/* FLPM: reserved */
		else if (t->levels)
			t->pe[0] = (t->pe[0] & ~PE_AW_MASK) | ((u64)aw << 2);
		else
			return -EOPNOTSUPP;
		break;
	case CORRUPT_DOMAIN_ID:
		if (cap_ndoms(iommu->cap) > 0xffff)
			return -EOPNOTSUPP;
		if (sm)
			t->pe[1] |= 0xffff;
		else
			WRITE_ONCE(t->ce->hi, t->ce->hi | CTX_DID_MASK);
		break;
	case CORRUPT_TRANSLATION_TYPE:
		if (sm)
			t->pe[0] |= PE_PGTT_MASK;	/* PGTT 7: reserved */
		else
			WRITE_ONCE(t->ce->lo, t->ce->lo | CTX_TT_MASK);
		break;
	case CORRUPT_ROOT_ENTRY:
		WRITE_ONCE(iommu->root_entry[t->bus].lo, CORRUPT_GARBAGE);
		break;
	case CORRUPT_RTADDR:
		/* No SRTP: the hardware keeps the root it latched. */
		rtaddr = readq(iommu->reg + DMAR_RTADDR_REG);
		writeq(CORRUPT_GARBAGE_ADDR | (rtaddr & DMA_RTADDR_SMT),
		       iommu->reg + DMAR_RTADDR_REG);
		break;
	case CORRUPT_PASID_DIR:
		WRITE_ONCE(*t->pasid_dir, *t->pasid_dir | PDE_RSVD);
		break;
	case CORRUPT_PASID_EXTRA:
		/*
		 * What an SVA bind leaves: another PASID of the device, whose
		 * page table is not the DMA domain's (here: a table in the
		 * crash kernel's region).  The RID_PASID entry is untouched.
		 */
		if (offset_in_page(t->pe) / (8 * sizeof(u64)) ==
		    PASID_PTE_MASK)
			return -EOPNOTSUPP;	/* the last entry of its table */
		pa = corrupt_crashk_alloc(VTD_PAGE_SIZE);
		if (!pa)
			return -ENOSPC;
		memcpy(t->pe + 8, t->pe, 8 * sizeof(u64));
		if (t->first_level)
			t->pe[8 + 2] = (t->pe[2] & ~PTE_ADDR_MASK) | pa;
		else
			t->pe[8] = (t->pe[0] & ~PTE_ADDR_MASK) | pa;
		break;
	default:
		return -EINVAL;
	}
	corrupt_flush(t);
	return 0;
}

/* ---- Seeded random damage: "fuzz=SEED BB:DD.F" ----------------------- */

#define CORRUPT_FUZZ_TABLES	32

/* The tables of a device that fuzz damage may hit, with their kinds. */
struct corrupt_fuzz {
	u64 *v[CORRUPT_FUZZ_TABLES];
	const char *kind[CORRUPT_FUZZ_TABLES];
	unsigned int nr;
	struct rnd_state rnd;
};

static void corrupt_fuzz_add(struct corrupt_fuzz *z, u64 *v, const char *kind)
{
	if (z->nr < CORRUPT_FUZZ_TABLES) {
		z->v[z->nr] = (u64 *)((unsigned long)v & PAGE_MASK);
		z->kind[z->nr++] = kind;
	}
}

static void corrupt_fuzz_pt(struct corrupt_fuzz *z, struct corrupt_target *t,
			    u64 table, int level)
{
	static const char * const names[] = {
		"page-table-l1", "page-table-l2", "page-table-l3",
		"page-table-l4", "page-table-l5",
	};
	u64 *pt = phys_to_virt(table);
	int i;

	corrupt_fuzz_add(z, pt, names[level - 1]);
	for (i = 0; i < BIT(LEVEL_STRIDE) && level > 1; i++) {
		u64 pte = READ_ONCE(pt[i]);

		if ((pte & (t->first_level ? BIT_ULL(0) : 3)) &&
		    !(pte & PTE_LARGE) && z->nr < CORRUPT_FUZZ_TABLES)
			corrupt_fuzz_pt(z, t, pte & PTE_ADDR_MASK, level - 1);
	}
}

static u64 corrupt_fuzz_rand64(struct corrupt_fuzz *z)
{
	return (u64)prandom_u32_state(&z->rnd) << 32 |
	       prandom_u32_state(&z->rnd);
}

/*
 * One to three damages, each one of: a bit flip in a present entry, a
 * pointer swapped for another of the device's tables (any level or kind),
 * a page of the crash kernel's region or a random address, or a whole
 * page of garbage; in the root, context, PASID-directory, PASID-table or
 * page-table pages of @t.  Every damage is logged with the seed, so that
 * a run that goes wrong can be replayed.
 */
static int corrupt_fuzz(struct corrupt_target *t, u64 seed)
{
	static const char * const what[] = { "flip", "swap", "garbage" };
	struct corrupt_fuzz *z = kzalloc_obj(*z, GFP_KERNEL);
	unsigned int n, i, j;

	if (!z)
		return -ENOMEM;
	prandom_seed_state(&z->rnd, seed);
	corrupt_fuzz_add(z, (u64 *)t->iommu->root_entry, "root");
	corrupt_fuzz_add(z, (u64 *)t->ce, "context");
	if (t->pasid_dir) {
		corrupt_fuzz_add(z, t->pasid_dir, "pasid-dir");
		corrupt_fuzz_add(z, t->pe, "pasid-table");
	}
	if (t->levels)
		corrupt_fuzz_pt(z, t, *t->ptr & PTE_ADDR_MASK, t->levels);

	arch_kexec_unprotect_crashkres();
	n = 1 + prandom_u32_state(&z->rnd) % 3;
	for (i = 0; i < n; i++) {
		unsigned int pg = prandom_u32_state(&z->rnd) % z->nr;
		unsigned int k = prandom_u32_state(&z->rnd) % 3;
		unsigned int slot = prandom_u32_state(&z->rnd) % 512;
		u64 *v = z->v[pg], to;

		for (j = 0; j < 512 && !v[(slot + j) % 512]; j++)
			;
		slot = (slot + j) % 512;
		switch (k) {
		case 0:
			WRITE_ONCE(v[slot], v[slot] ^
				   BIT_ULL(prandom_u32_state(&z->rnd) % 64));
			break;
		case 1:
			switch (prandom_u32_state(&z->rnd) % 3) {
			case 0:
				to = virt_to_phys(z->v[prandom_u32_state(&z->rnd) %
						       z->nr]);
				break;
			case 1:
				to = corrupt_crashk_alloc(VTD_PAGE_SIZE);
				break;
			default:
				to = corrupt_fuzz_rand64(z);
				break;
			}
			WRITE_ONCE(v[slot], (v[slot] & ~PTE_ADDR_MASK) |
				   (to & PTE_ADDR_MASK));
			break;
		default:
			for (j = 0; j < 512; j++)
				WRITE_ONCE(v[j], corrupt_fuzz_rand64(z));
			break;
		}
		pr_warn("fuzz seed 0x%llx: damage %u of %u: %s of %s table 0x%llx [%u]\n",
			seed, i + 1, n, what[k], z->kind[pg],
			(u64)virt_to_phys(v), slot);
	}
	arch_kexec_protect_crashkres();
	kfree(z);
	corrupt_flush(t);
	return 0;
}

static ssize_t corrupt_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct corrupt_target t = {};
	unsigned int bus, dev, fn;
	char buf[64], name[32];
	u64 seed = 0;
	enum corrupt_mode mode;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%31s %x:%x.%x", name, &bus, &dev, &fn) != 4 ||
	    bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	for (mode = 0; mode < CORRUPT_NR_MODES; mode++)
		if (!strcmp(name, corrupt_mode_names[mode]))
			break;
	if (mode == CORRUPT_NR_MODES &&
	    (strncmp(name, "fuzz=", 5) || kstrtou64(name + 5, 0, &seed)))
		return -EINVAL;

	ret = corrupt_find(&t, bus, PCI_DEVFN(dev, fn));
	if (!ret && !test_taint(TAINT_TEST)) {
		/* A kernel whose IOMMU tables were damaged is no longer sound. */
		pr_warn("tainting the kernel (TAINT_TEST): live IOMMU tables are about to be damaged on purpose\n");
		add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	}
	if (!ret && mode == CORRUPT_NR_MODES) {
		corrupt_mask_faults(t.iommu);
		ret = corrupt_fuzz(&t, seed);
	} else if (!ret) {
		ret = corrupt_apply(mode, &t);
	}
	if (ret) {
		pr_err("%s %02x:%02x.%x failed: %d\n", name, bus, dev, fn, ret);
		return ret;
	}
	pr_warn("%s: damaged %02x:%02x.%x (%s mode), expect a crash\n",
		name, bus, dev, fn, sm_supported(t.iommu) ? "scalable" :
		"legacy");
	return len;
}

static int corrupt_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < CORRUPT_NR_MODES; i++)
		seq_printf(m, "%s\n", corrupt_mode_names[i]);
	seq_puts(m, "fuzz=SEED\n");
	return 0;
}

static int corrupt_open(struct inode *inode, struct file *file)
{
	return single_open(file, corrupt_show, NULL);
}

static const struct file_operations corrupt_fops = {
	.open		= corrupt_open,
	.read		= seq_read,
	.write		= corrupt_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init kdump_corrupt_init(void)
{
	struct dentry *dir;

	if (is_kdump_kernel())
		return 0;
	dir = debugfs_lookup("intel", iommu_debugfs_dir);
	if (IS_ERR_OR_NULL(dir))
		return 0;
	pr_warn("test facility enabled: %s/kdump_corrupt damages live tables\n",
		"iommu/intel");
	debugfs_create_file("kdump_corrupt", 0600, dir, NULL, &corrupt_fops);
	dput(dir);
	return 0;
}
late_initcall(kdump_corrupt_init);
