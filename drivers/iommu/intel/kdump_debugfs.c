// SPDX-License-Identifier: GPL-2.0
/*
 * kdump_debugfs.c - the adopted state under /sys/kernel/debug/iommu/intel/kdump/
 *
 * Read-only tables of what adoption found (summary, registers, contexts,
 * domain_ids, iova_ranges, pasids), one row per object with a header line,
 * and the write-only release file.  Documentation/ABI/testing/
 * debugfs-intel-iommu-kdump describes every column.
 */

#include <linux/crash_dump.h>
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "iommu.h"
#include "pasid.h"
#include "../iommu-pages.h"
#include "kdump_private.h"

/* The first IOMMU from *@i on with a register snapshot; *@i moves past it. */
static struct kdump_iommu *kdump_next_iommu(unsigned int *i)
{
	while (*i < DMAR_UNITS_SUPPORTED) {
		struct kdump_iommu *st = kdump_iommus[(*i)++];

		if (st && st->iommu)
			return st;
	}
	return NULL;
}

static void kdump_show_bdf(struct seq_file *m, const struct kdump_context *c)
{
	if (c->devfn == KDUMP_CTX_WHOLE_TABLE)
		seq_printf(m, "%02x:*.*", c->bus);
	else
		seq_printf(m, "%02x:%02x.%d", c->bus, PCI_SLOT(c->devfn),
			   PCI_FUNC(c->devfn));
}

static int kdump_summary_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i;

	guard(mutex)(&kdump_lock);
	seq_puts(m, "iommu\tstate\ttables\tpage_tables\tcontexts_adopted\tcontexts_refused\tdomain_ids\tiova_ranges\tiova_pages\ttime_us\tmemory_kib\tbudget_tables\tbudget_leaves\tbudget_kib\tpages_kib\n");
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		const struct kdump_budget *b = &st->budget;

		seq_printf(m, "%s\t%s\t%s\t%s\t%u\t%u\t%u\t%u\t%lu\t%llu\t%zu\t%lu/%lu\t%lu/%lu\t%lu/%lu\t%lu\n",
			   st->iommu->name, st->outcome,
			   st->scalable ? "scalable" : "legacy",
			   kdump_mode_names[st->mode], st->nr_adopted,
			   st->nr_refused, st->nr_dids, st->nr_ranges,
			   st->nr_iova_pages,
			   div_u64(st->duration_ns, NSEC_PER_USEC),
			   DIV_ROUND_UP(st->bytes_held, 1024),
			   b->used[KDUMP_BUDGET_TABLES],
			   b->limit[KDUMP_BUDGET_TABLES],
			   b->used[KDUMP_BUDGET_LEAVES],
			   b->limit[KDUMP_BUDGET_LEAVES],
			   DIV_ROUND_UP(b->used[KDUMP_BUDGET_BYTES], 1024),
			   b->limit[KDUMP_BUDGET_BYTES] / 1024,
			   kdump_held_pages(st) * (PAGE_SIZE / 1024));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_summary);

/*
 * What reading the adopted page tables costs at the least, in this guest:
 * the tables of every walk that passed, each page copied once with
 * memcpy(), then each entry read once, old RAM mapped beforehand.  The
 * judge reads the same entries and does more with each.
 */
/*
 * The whole judge once more on the same old tables, into a scratch state
 * freed at once: what adoption costs with its code already run once.
 * Under an emulator that translates code on first use (QEMU TCG), the
 * first run pays for that translation too.  Old RAM is only read.
 */
static u64 kdump_rejudge_ns(const struct kdump_iommu *st,
			    struct kdump_span_reader *sr)
{
	struct kdump_mem_map mm = *st->mm;
	struct kdump_iommu *t = kzalloc_obj(*t, GFP_KERNEL);
	struct root_entry *rt;
	u64 ns = 0;

	rt = kdump_hw_alloc_table(NUMA_NO_NODE, GFP_KERNEL, 0);
	if (!t || !rt)
		goto out;
	t->mm = &mm;
	t->hw = st->hw;
	t->node = st->node;
	t->copy = st->copy;
	t->scalable = st->scalable;
	kdump_judge_init(t);
	/* No more than the adoption took: the same input needs as much. */
	memcpy(t->budget.limit, st->budget.used, sizeof(t->budget.limit));
	t->dids = bitmap_zalloc(cap_ndoms(st->hw.cap), GFP_KERNEL);
	if (!t->dids)
		goto out;
	kdump_span_reader_init(sr, &mm);
	mm.reader = &sr->rd;
	ns = ktime_get_ns();
	kdump_judge_root_table(t, st->old_root, rt);
	ns = ktime_get_ns() - ns;
	kdump_span_reader_release(sr);
	kdump_judged_free(t);
	bitmap_free(t->dids);
out:
	kfree(t);
	kdump_hw_free_table(rt, 0);
	return ns;
}

static void kdump_limit_one(struct seq_file *m, struct kdump_iommu *st,
			    struct kdump_span_reader *sr, u64 *tables,
			    unsigned int max, void *scratch)
{
	unsigned int i, j, n = 0;
	u64 t0, t1, t2, sum = 0;
	void *v;

	kdump_span_reader_init(sr, st->mm);
	for (i = 0; i < st->nr_walks && n < max; i++)
		n += kdump_walk_table_list(st->mm, &sr->rd, st->walks[i],
					   tables + n, max - n);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		v = sr->rd.map(&sr->rd, tables[i], VTD_PAGE_SIZE);
		if (v) {
			memcpy(scratch, v, VTD_PAGE_SIZE);
			sr->rd.unmap(&sr->rd, v);
		}
	}
	t1 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		const u64 *e = sr->rd.map(&sr->rd, tables[i], VTD_PAGE_SIZE);

		for (j = 0; e && j < VTD_PAGE_SIZE / sizeof(*e); j++)
			sum += READ_ONCE(e[j]) & 1;
		if (e)
			sr->rd.unmap(&sr->rd, (void *)e);
	}
	t2 = ktime_get_ns();
	kdump_span_reader_release(sr);
	seq_printf(m, "%s\t%u\t%lu\t%llu\t%llu\t%llu\t%llu\n", st->iommu->name,
		   n, n * (VTD_PAGE_SIZE / 1024),
		   div_u64(t1 - t0, NSEC_PER_USEC),
		   div_u64(t2 - t1, NSEC_PER_USEC), sum,
		   div_u64(kdump_rejudge_ns(st, sr), NSEC_PER_USEC));
}

static int kdump_limit_show(struct seq_file *m, void *unused)
{
	struct kdump_span_reader *sr;
	unsigned int i, w, max;
	struct kdump_iommu *st;
	void *scratch;
	u64 *tables;

	guard(mutex)(&kdump_lock);
	seq_puts(m, "iommu\ttables\tkib\tmemcpy_us\tread_us\tpresent\tjudge_us\n");
	sr = kzalloc_obj(*sr, GFP_KERNEL);
	scratch = (void *)get_zeroed_page(GFP_KERNEL);
	if (!scratch || !sr) {
		kfree(sr);
		free_page((unsigned long)scratch);
		return -ENOMEM;
	}
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		if (!st->adopted || !st->mm)
			continue;
		for (w = 0, max = 0; w < st->nr_walks; w++)
			max += st->walks[w]->tables;
		tables = max ? kvmalloc_array(max, sizeof(*tables),
					      GFP_KERNEL) : NULL;
		if (tables)
			kdump_limit_one(m, st, sr, tables, max, scratch);
		kvfree(tables);
	}
	kfree(sr);
	free_page((unsigned long)scratch);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_limit);

static const char * const kdump_gsts_bits[] = {
	[31] = "TES", [30] = "RTPS", [29] = "FLS", [28] = "AFLS",
	[27] = "WBFS", [26] = "QIES", [25] = "IRES", [24] = "IRTPS",
	[23] = "CFIS",
};

static const char * const kdump_fsts_bits[] = {
	[0] = "PFO", [1] = "PPF", [4] = "IQE", [5] = "ICE", [6] = "ITE",
	[7] = "PRO",
};

static void kdump_show_bits(struct seq_file *m, u64 val,
			    const char * const *names, unsigned int nr)
{
	bool any = false;
	unsigned int b;

	for (b = 0; b < nr; b++) {
		if (!names[b] || !(val & BIT_ULL(b)))
			continue;
		seq_printf(m, "%s%s", any ? "," : "", names[b]);
		any = true;
	}
	if (!any)
		seq_putc(m, '-');
}

static int kdump_registers_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, r;

	guard(mutex)(&kdump_lock);
	seq_puts(m, "iommu\tregister\toffset\tvalue\tdecoded\n");
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		const char *name = st->iommu->name;

		for (r = 0; r < ARRAY_SIZE(kdump_regs); r++) {
			u64 v = st->regs[r];

			seq_printf(m, "%s\t%s\t0x%02x\t0x%016llx\t", name,
				   kdump_regs[r].name, kdump_regs[r].offset, v);
			if (r == KDUMP_REG_GSTS)
				kdump_show_bits(m, v, kdump_gsts_bits,
						ARRAY_SIZE(kdump_gsts_bits));
			else if (r == KDUMP_REG_FSTS)
				kdump_show_bits(m, v, kdump_fsts_bits,
						ARRAY_SIZE(kdump_fsts_bits));
			else if (r == KDUMP_REG_RTADDR)
				seq_printf(m, "root=0x%llx,%s",
					   v & VTD_PAGE_MASK,
					   v & DMA_RTADDR_SMT ? "scalable" :
								"legacy");
			else
				seq_putc(m, '-');
			seq_putc(m, '\n');
		}
		for (r = 0; r < st->nr_frr; r++) {
			u64 hi = st->frr[r][1], lo = st->frr[r][0];

			seq_printf(m, "%s\tFRR%u\t0x%03x\t0x%016llx%016llx\t",
				   name, r,
				   (unsigned int)cap_fault_reg_offset(st->iommu->cap) +
				   r * 16,
				   hi, lo);
			if (hi & BIT_ULL(63))
				seq_printf(m, "fault,reason=%llu,source=%02llx:%02llx.%llu,addr=0x%llx\n",
					   (hi >> 32) & 0xff, (hi >> 8) & 0xff,
					   (hi >> 3) & 0x1f, hi & 7,
					   lo & VTD_PAGE_MASK);
			else
				seq_puts(m, "-\n");
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_registers);

static const char *kdump_tt_name(const struct kdump_context *c)
{
	static const char * const legacy[] = {
		"multi-level", "dev-iotlb", "pass-through", "reserved",
	};
	static const char * const pgtt[] = {
		"sm-none", "sm-first-level", "sm-second-level", "sm-nested",
		"sm-pass-through", "sm-reserved", "sm-reserved", "sm-reserved",
	};

	if (c->devfn == KDUMP_CTX_WHOLE_TABLE)
		return "-";
	return c->scalable ? pgtt[c->tt & 7] : legacy[c->tt & 3];
}

static int kdump_contexts_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, n;

	seq_puts(m, "iommu\tbdf\tstate\tdid\ttt\taw\told_table\tnew_table\thandover\treason\tswitch\tdropped\tdropped_window\n");
	guard(mutex)(&kdump_lock);
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		for (n = 0; n < st->nr_ctx; n++) {
			const struct kdump_context *c = &st->ctx[n];
			bool ok = c->state == KDUMP_CTX_ADOPTED;

			seq_printf(m, "%s\t", st->iommu->name);
			kdump_show_bdf(m, c);
			seq_printf(m, "\t%s\t%u\t%s\t%u\t0x%llx\t",
				   ok ? "adopted" : "refused", c->did,
				   kdump_tt_name(c), c->aw, c->old_table);
			if (ok)
				seq_printf(m, "0x%llx\t%s\t%s\t%s\t%lu\t%lu\n",
					   c->new_table,
					   kdump_handover_names[c->handover],
					   kdump_context_dropped(c) +
					   kdump_context_dropped_window(c) ?
					   "partial" : "-",
					   kdump_switch_names[c->switched],
					   kdump_context_dropped(c),
					   kdump_context_dropped_window(c));
			else
				seq_printf(m, "-\tblocked\t%s\t-\t0\t0\n",
					   kdump_refusal_name(c->reason));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_contexts);

static int kdump_domain_ids_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i;

	guard(mutex)(&kdump_lock);
	seq_puts(m, "iommu\tdomain_ids\n");
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		unsigned int rs, re;
		bool any = false;

		seq_printf(m, "%s\t", st->iommu->name);
		if (st->dids) {
			for_each_set_bitrange(rs, re, st->dids,
					      cap_ndoms(st->iommu->cap)) {
				seq_printf(m, any ? ",%u" : "%u", rs);
				if (re - 1 > rs)
					seq_printf(m, "-%u", re - 1);
				else if (re - 1 == rs + 1)
					seq_printf(m, ",%u", re - 1);
				any = true;
			}
		}
		seq_puts(m, any ? "\n" : "-\n");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_domain_ids);

static int kdump_iova_ranges_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, n, r;

	guard(mutex)(&kdump_lock);
	seq_puts(m, "iommu\tbdf\tstart\tend\tpages\tperm\n");
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		for (n = 0; n < st->nr_ctx; n++) {
			const struct kdump_context *c = &st->ctx[n];

			if (c->state != KDUMP_CTX_ADOPTED || !c->walk)
				continue;
			for (r = 0; r < c->walk->nr_ranges; r++) {
				const struct kdump_iova_range *x;

				x = &c->walk->ranges[r];
				seq_printf(m, "%s\t", st->iommu->name);
				kdump_show_bdf(m, c);
				seq_printf(m, "\t0x%llx\t0x%llx\t%llu\t%c%c\n",
					   x->start, x->last,
					   (x->last - x->start + 1) >>
					   VTD_PAGE_SHIFT,
					   x->perm & KDUMP_PERM_READ ? 'r' : '-',
					   x->perm & KDUMP_PERM_WRITE ? 'w' : '-');
			}
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_iova_ranges);

static int kdump_pasids_show(struct seq_file *m, void *unused)
{
	struct kdump_iommu *st;
	unsigned int i, n;

	seq_puts(m, "iommu\tbdf\tpasid\tpgtt\tdid\treason\n");
	guard(mutex)(&kdump_lock);
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		for (n = 0; n < st->nr_pasids; n++) {
			const struct kdump_pasid *p = &st->pasids[n];

			seq_printf(m, "%s\t%02x:%02x.%d\t", st->iommu->name,
				   p->bus, PCI_SLOT(p->devfn), PCI_FUNC(p->devfn));
			if (p->whole_table)
				seq_printf(m, "0x%x-0x%x\t-\t-\t%s\n", p->pasid,
					   p->pasid + (u32)PASID_TBL_ENTRIES - 1,
					   kdump_refusal_name(p->reason));
			else
				seq_printf(m, "0x%x\t%u\t%u\t%s\n", p->pasid,
					   p->pgtt, p->did,
					   kdump_refusal_name(p->reason));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kdump_pasids);

/*
 * Parse "SSSS:BB:DD.F" or "BB:DD.F" (segment 0), as lspci names devices.
 * Return: true if @buf names a device.
 */
static bool kdump_parse_sbdf(const char *buf, unsigned int *seg,
			     unsigned int *bus, unsigned int *devfn)
{
	unsigned int s, b, d, f;

	if (sscanf(buf, "%x:%x:%x.%x", &s, &b, &d, &f) != 4) {
		s = 0;
		if (sscanf(buf, "%x:%x.%x", &b, &d, &f) != 3)
			return false;
	}
	if (s > 0xffff || b > 0xff || d > 0x1f || f > 7)
		return false;
	*seg = s;
	*bus = b;
	*devfn = PCI_DEVFN(d, f);
	return true;
}

/*
 * Write "SSSS:BB:DD.F", "BB:DD.F" or "all" to drop handed-over devices'
 * old mappings.
 */
static ssize_t kdump_release_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	unsigned int seg = 0, bus = 0, devfn = 0, i, n, released = 0;
	struct kdump_iommu *st;
	int ret = 0, n_ret;
	bool all = false;
	char buf[24];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "all"))
		all = true;
	else if (!kdump_parse_sbdf(buf, &seg, &bus, &devfn))
		return -EINVAL;

	mutex_lock(&kdump_lock);
	for (i = 0, st = kdump_next_iommu(&i); st; st = kdump_next_iommu(&i)) {
		if (!all && st->iommu->segment != seg)
			continue;
		for (n = 0; n < st->nr_ctx; n++) {
			struct kdump_context *c = &st->ctx[n];

			if (c->state != KDUMP_CTX_ADOPTED ||
			    (!all && (c->bus != bus || c->devfn != devfn)))
				continue;
			n_ret = kdump_release_context(st, c);
			if (!n_ret)
				released++;
			else if (!ret)
				ret = n_ret;
		}
	}
	mutex_unlock(&kdump_lock);
	/* "all" releases what it can; a named device says why it could not. */
	if (!released)
		return all || !ret ? -ENODEV : ret;
	return len;
}

static const struct file_operations kdump_release_fops = {
	.owner = THIS_MODULE,
	.write = kdump_release_write,
	.llseek = noop_llseek,
};

/**
 * intel_iommu_kdump_debugfs_init() - create the kdump/ debugfs directory
 * @parent: /sys/kernel/debug/iommu/intel
 *
 * Only in capture kernels: elsewhere there is nothing to show.
 */
void intel_iommu_kdump_debugfs_init(struct dentry *parent)
{
	struct dentry *dir;

	if (!is_kdump_kernel())
		return;
	dir = debugfs_create_dir("kdump", parent);
	debugfs_create_file("summary", 0400, dir, NULL, &kdump_summary_fops);
	debugfs_create_file("registers", 0400, dir, NULL,
			    &kdump_registers_fops);
	debugfs_create_file("contexts", 0400, dir, NULL, &kdump_contexts_fops);
	debugfs_create_file("domain_ids", 0400, dir, NULL,
			    &kdump_domain_ids_fops);
	debugfs_create_file("iova_ranges", 0400, dir, NULL,
			    &kdump_iova_ranges_fops);
	debugfs_create_file("pasids", 0400, dir, NULL, &kdump_pasids_fops);
	debugfs_create_file("limit", 0400, dir, NULL, &kdump_limit_fops);
	debugfs_create_x32("debug_mask", 0600, dir, &kdump_debug_mask);
	debugfs_create_file("release", 0200, dir, NULL, &kdump_release_fops);
}
