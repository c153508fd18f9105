// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the kdump adoption unit: the judge (kdump_validate.c:
 * entry checks, page-table walks, whole root, context and PASID tables,
 * budgets, fuzzing), the hand-over's direct pieces (kdump_handover.c) and
 * the switch of a live context entry to the new domain (kdump_switch.c).
 *
 * Each case builds synthetic tables in real pages (the walk maps them with
 * memremap() exactly as it maps the crashed kernel's memory) and declares
 * which physical ranges count as the crashed kernel's RAM and which as the
 * capture kernel's own.  Leaves are only range-checked, never mapped, so
 * they may point at a made-up "old RAM" region that does not exist here.
 */
#include <kunit/test.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "iommu.h"
#include "pasid.h"
#include "kdump_private.h"

/*
 * The namespace's spelling differs between kernel series (a bare token,
 * or a string from 6.13 on): the series' Makefile hunk defines it.
 */
MODULE_IMPORT_NS(KDUMP_KUNIT_NS);

/* Where leaves point: a made-up old-RAM region, 1 GiB aligned. */
#define OLD_DATA_BASE	0x0000300000000000ULL
#define OLD_DATA_SIZE	(4ULL << 30)
/* A made-up region of the capture kernel's own RAM. */
#define OWN_BASE	0x0000400000000000ULL
#define OWN_SIZE	(256ULL << 20)

#define SL_RW		(BIT_ULL(0) | BIT_ULL(1))
#define MAX_TABLES	64

/* QEMU's VT-d: SAGAW 39/48-bit, 2M and 1G superpages, 256 domain-ids. */
static const struct kdump_hw_caps test_hw = {
	.cap = (0x6ULL << 8) | (0x3ULL << 34) | (1ULL << 56) | 2,
	.ecap = BIT_ULL(6) | BIT_ULL(43) | BIT_ULL(46) | BIT_ULL(47) |
		BIT_ULL(26),
};

struct test_tables {
	u64 *page[MAX_TABLES];
	unsigned int nr;
	struct kdump_phys_range old[MAX_TABLES + 1];
	struct kdump_phys_range own[1];
	struct kdump_mem_map mm;
};

static void test_tables_exit(void *data)
{
	struct test_tables *t = data;
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		free_page((unsigned long)t->page[i]);
}

static struct test_tables *test_tables_init(struct kunit *test)
{
	struct test_tables *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	kunit_add_action_or_reset(test, test_tables_exit, t);
	t->old[0].start = OLD_DATA_BASE;
	t->old[0].last = OLD_DATA_BASE + OLD_DATA_SIZE - 1;
	t->own[0].start = OWN_BASE;
	t->own[0].last = OWN_BASE + OWN_SIZE - 1;
	t->mm.old = t->old;
	t->mm.nr_old = 1;
	t->mm.own = t->own;
	t->mm.nr_own = 1;
	return t;
}

/* A new, zeroed table page that counts as the crashed kernel's RAM. */
static u64 *test_table(struct kunit *test, struct test_tables *t, u64 *phys)
{
	u64 *p;

	KUNIT_ASSERT_LT(test, t->nr, MAX_TABLES);
	p = (u64 *)get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	t->page[t->nr++] = p;
	*phys = virt_to_phys(p);
	t->old[t->mm.nr_old].start = *phys;
	t->old[t->mm.nr_old].last = *phys + PAGE_SIZE - 1;
	t->mm.nr_old++;
	return p;
}

static void test_walk_exit(void *data)
{
	kdump_walk_free(data);
}

static struct kdump_walk *test_walk_hw(struct kunit *test,
				       struct test_tables *t,
				       const struct kdump_hw_caps *hw,
				       u64 root, int levels,
				       enum kdump_pt_format fmt, bool copy,
				       int expect)
{
	struct kdump_walk *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, w);
	ret = kdump_walk_pgtable(&t->mm, hw, root, levels, fmt, copy, w);
	kunit_add_action_or_reset(test, test_walk_exit, w);
	KUNIT_EXPECT_EQ(test, ret, expect);
	return w;
}

static struct kdump_walk *test_walk(struct kunit *test,
				    struct test_tables *t, u64 root,
				    int levels, enum kdump_pt_format fmt,
				    bool copy, int expect)
{
	return test_walk_hw(test, t, &test_hw, root, levels, fmt, copy,
			    expect);
}

/*
 * A 4-level second-level table: IOVA 0x1000-0x3fff read/write (three 4K
 * leaves, not physically contiguous), 0x10000 read-only, and a 2M leaf at
 * IOVA 0x3fe00000.  Pages: [0] level 4, [1] level 3, [2] level 2, [3] level 1.
 */
static u64 build_sample(struct kunit *test, struct test_tables *t)
{
	u64 l4p, l3p, l2p, l1p, *l4, *l3, *l2, *l1;

	l4 = test_table(test, t, &l4p);
	l3 = test_table(test, t, &l3p);
	l2 = test_table(test, t, &l2p);
	l1 = test_table(test, t, &l1p);
	l4[0] = l3p | SL_RW;
	l3[0] = l2p | SL_RW;
	l2[0] = l1p | SL_RW;
	l2[0x1ff] = (OLD_DATA_BASE + 0x200000) | SL_RW | BIT_ULL(7);
	l1[1] = (OLD_DATA_BASE + 0x1000) | SL_RW;
	l1[2] = (OLD_DATA_BASE + 0x2000) | SL_RW;
	l1[3] = (OLD_DATA_BASE + 0x9000) | SL_RW;
	l1[16] = (OLD_DATA_BASE + 0x10000) | BIT_ULL(0);
	return l4p;
}

static void kdump_test_normalize(struct kunit *test)
{
	struct kdump_phys_range r[] = {
		{ 0x5000, 0x5fff }, { 0x1000, 0x1fff }, { 0x2000, 0x2fff },
		{ 0x1800, 0x27ff }, { 0x9000, 0x9fff },
	};
	unsigned int nr = ARRAY_SIZE(r);

	kdump_mem_map_normalize(r, &nr);
	KUNIT_ASSERT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, r[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, r[0].last, 0x2fff);
	KUNIT_EXPECT_EQ(test, r[1].start, 0x5000);
	KUNIT_EXPECT_EQ(test, r[2].last, 0x9fff);
}

static void kdump_test_table_addr(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);

	KUNIT_EXPECT_EQ(test, kdump_check_table_addr(&t->mm, OLD_DATA_BASE,
						     PAGE_SIZE), KDUMP_OK);
	KUNIT_EXPECT_EQ(test, kdump_check_table_addr(&t->mm, OWN_BASE,
						     PAGE_SIZE),
			KDUMP_TABLE_IN_CAPTURE_RAM);
	KUNIT_EXPECT_EQ(test, kdump_check_table_addr(&t->mm, 0x1000,
						     PAGE_SIZE),
			KDUMP_TABLE_OUTSIDE_OLD_RAM);
	/* Straddling the end of old RAM. */
	KUNIT_EXPECT_EQ(test,
			kdump_check_table_addr(&t->mm, OLD_DATA_BASE +
					       OLD_DATA_SIZE - 0x800,
					       PAGE_SIZE),
			KDUMP_TABLE_OUTSIDE_OLD_RAM);
	/* Wrapping around the top of the address space. */
	KUNIT_EXPECT_NE(test, kdump_check_table_addr(&t->mm, U64_MAX - 0x7ff,
						     PAGE_SIZE), KDUMP_OK);
}

static void kdump_test_legacy_context(struct kunit *test)
{
	/* Present, multi-level, 48-bit (AW 2), DID 5. */
	const u64 good[2] = { OLD_DATA_BASE | 1, 2 | (5 << 8) };
	u64 ce[2];

	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, good),
			KDUMP_OK);

	memcpy(ce, good, sizeof(ce));
	ce[0] |= BIT_ULL(6);
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_BAD_RESERVED_BITS);

	memcpy(ce, good, sizeof(ce));
	ce[1] |= BIT_ULL(40);
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_BAD_RESERVED_BITS);

	memcpy(ce, good, sizeof(ce));
	ce[0] |= 3 << 2;
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_BAD_TRANSLATION_TYPE);

	/* Device-TLB translation on an IOMMU without it. */
	memcpy(ce, good, sizeof(ce));
	ce[0] |= 1 << 2;
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_BAD_TRANSLATION_TYPE);

	/* 57-bit width is not in SAGAW. */
	memcpy(ce, good, sizeof(ce));
	ce[1] = 3 | (5 << 8);
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_BAD_ADDRESS_WIDTH);

	memcpy(ce, good, sizeof(ce));
	ce[1] = 2 | (0xffffULL << 8);
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_BAD_DOMAIN_ID);

	/* Pass-through needs ECAP.PT, which test_hw has. */
	memcpy(ce, good, sizeof(ce));
	ce[0] |= 2 << 2;
	KUNIT_EXPECT_EQ(test, kdump_check_legacy_context(&test_hw, ce),
			KDUMP_OK);
}

static void kdump_test_sm_entries(struct kunit *test)
{
	u64 ce[4] = { OLD_DATA_BASE | (2 << 9) | 1, 0 };
	u64 pe[8] = { 0 };

	KUNIT_EXPECT_EQ(test, kdump_check_sm_context(&test_hw, ce), KDUMP_OK);
	ce[1] |= BIT_ULL(30);
	KUNIT_EXPECT_EQ(test, kdump_check_sm_context(&test_hw, ce),
			KDUMP_BAD_RESERVED_BITS);

	/* First-level, 4-level paging, DID 7. */
	pe[0] = 1 | (PASID_ENTRY_PGTT_FL_ONLY << 6);
	pe[1] = 7;
	pe[2] = OLD_DATA_BASE;
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&test_hw, pe), KDUMP_OK);
	/* 5-level first-level paging is not offered by test_hw. */
	pe[2] |= 1 << 2;
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&test_hw, pe),
			KDUMP_BAD_ADDRESS_WIDTH);
	pe[2] = OLD_DATA_BASE;
	pe[0] = 1 | (6 << 6);
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&test_hw, pe),
			KDUMP_BAD_TRANSLATION_TYPE);
	/* Second-level with a 48-bit width and an out-of-range DID. */
	pe[0] = 1 | (PASID_ENTRY_PGTT_SL_ONLY << 6) | (2 << 2);
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&test_hw, pe), KDUMP_OK);
	pe[1] = 0x1000;
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&test_hw, pe),
			KDUMP_BAD_DOMAIN_ID);
}

static void kdump_test_walk_ranges(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t);
	struct kdump_walk *w;

	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_OK);
	KUNIT_EXPECT_EQ(test, w->tables, 4);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 4);
	KUNIT_EXPECT_EQ(test, w->leaves[1], 1);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, 3);
	/* Contiguous IOVA coalesces even where physical pages do not. */
	KUNIT_EXPECT_EQ(test, w->ranges[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, w->ranges[0].last, 0x3fff);
	KUNIT_EXPECT_EQ(test, w->ranges[0].perm,
			KDUMP_PERM_READ | KDUMP_PERM_WRITE);
	KUNIT_EXPECT_EQ(test, w->ranges[1].start, 0x10000);
	KUNIT_EXPECT_EQ(test, w->ranges[1].last, 0x10fff);
	KUNIT_EXPECT_EQ(test, w->ranges[1].perm, KDUMP_PERM_READ);
	KUNIT_EXPECT_EQ(test, w->ranges[2].start, 0x1ffULL << 21);
	KUNIT_EXPECT_EQ(test, w->ranges[2].last, (0x200ULL << 21) - 1);
}

static void kdump_test_walk_loop(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 l4p, l3p, *l4, *l3;
	struct kdump_walk *w;

	l4 = test_table(test, t, &l4p);
	l3 = test_table(test, t, &l3p);
	l4[0] = l3p | SL_RW;
	l3[5] = l4p | SL_RW;	/* back up to the root */
	w = test_walk(test, t, l4p, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_TABLE_LOOP);
	KUNIT_EXPECT_EQ(test, w->bad_addr, l4p);

	/* A table that points at itself. */
	l4[0] = l4p | SL_RW;
	w = test_walk(test, t, l4p, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_TABLE_LOOP);
}

static void kdump_test_walk_bad_addresses(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t);
	u64 *l4 = t->page[0], *l1 = t->page[3], saved;
	struct kdump_walk *w;

	saved = l4[0];
	l4[0] = 0x1000 | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_TABLE_OUTSIDE_OLD_RAM);
	l4[0] = OWN_BASE | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_TABLE_IN_CAPTURE_RAM);
	l4[0] = saved;

	/* The case that kills a trusting capture kernel: left out. */
	l1[2] = (OWN_BASE + 0x5000) | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->dropped, 1);
	KUNIT_EXPECT_EQ(test, w->dropped_addr, OWN_BASE + 0x5000);
	KUNIT_EXPECT_NE(test, w->new_root, root);
	l1[2] = 0x7000 | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_LEAF_OUTSIDE_OLD_RAM);
}

static void kdump_test_walk_direct_leaves(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	struct kdump_phys_range direct = { 0, SZ_16M - 1 };
	u64 root = build_sample(test, t), *l4 = t->page[0], *l1 = t->page[3];
	struct kdump_walk *w;

	/* An identity map of the ISA window is adopted ... */
	t->mm.direct = &direct;
	t->mm.nr_direct = 1;
	l1[2] = 0x7000 | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 4);

	/* ... but a table there is not: tables must be the old kernel's. */
	l4[1] = 0x8000 | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_TABLE_OUTSIDE_OLD_RAM);
	l4[1] = 0;

	/* Own RAM inside the window still wins: that leaf is left out. */
	t->own[0].start = 0x7000;
	t->own[0].last = 0x7fff;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->dropped, 1);
	KUNIT_EXPECT_EQ(test, w->dropped_addr, 0x7000);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 3);
}

/*
 * In place, a writable 1:1 leaf of a direct window over the crashed
 * kernel's RAM (q35's ISA window over the page tables adopted in place)
 * is left out; read-only, not 1:1, outside old RAM, or in copy mode, it
 * stays.  Its IOVA stays in the ranges; it is not in the maps.
 */
static void kdump_test_walk_window_over_old_ram(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	struct kdump_phys_range direct = { 0, SZ_16M - 1 };
	u64 root = build_sample(test, t), *l1 = t->page[3];
	struct kdump_walk *w;
	unsigned int i;

	t->mm.direct = &direct;
	t->mm.nr_direct = 1;
	t->old[t->mm.nr_old].start = 0x7000;	/* old RAM in the window */
	t->old[t->mm.nr_old++].last = 0x7fff;
	l1[7] = 0x7000 | SL_RW;			/* 1:1, writable */
	l1[8] = 0x8000 | SL_RW;			/* 1:1, not old RAM */
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->dropped_window, 1);
	KUNIT_EXPECT_EQ(test, w->dropped, 0);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 5);
	KUNIT_EXPECT_NE(test, w->new_root, root);
	for (i = 0; i < w->nr_maps; i++)
		KUNIT_EXPECT_NE(test, w->maps[i].phys, 0x7000);
	KUNIT_ASSERT_GE(test, w->nr_ranges, 2);
	KUNIT_EXPECT_EQ(test, w->ranges[1].start, 0x7000);
	KUNIT_EXPECT_EQ(test, w->ranges[1].last, 0x8fff);

	l1[7] = 0x7000 | BIT_ULL(0);		/* read-only: kept */
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->dropped_window, 0);
	KUNIT_EXPECT_EQ(test, w->new_root, root);

	l1[7] = 0;
	l1[9] = 0x7000 | SL_RW;			/* not 1:1: a DMA buffer */
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->dropped_window, 0);

	l1[9] = 0;
	l1[7] = 0x7000 | SL_RW;			/* copy mode: no table at risk */
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, true, 0);
	KUNIT_EXPECT_EQ(test, w->dropped_window, 0);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 6);
}

/* Is @pa one of the pages the walk duplicated? */
static bool test_walk_copied(const struct kdump_walk *w, u64 pa)
{
	unsigned long i;

	for (i = 0; i < w->copied_pages; i++)
		if (virt_to_phys(w->copies[i]) == pa)
			return true;
	return false;
}

/*
 * Leaves into the capture kernel's RAM are left out, not the device: q35's
 * ISA identity map (00:1f.*) covers the capture kernel's low pages on
 * every boot.  In place, the tables from the root down to such a leaf are
 * duplicated, with the leaf non-present, and every other table stays the
 * old one; in copy mode the leaf is non-present in the copy.  Either way
 * the old tables are untouched and the leaf is in neither the ranges nor
 * the maps the hand-over re-creates.
 */
static void walk_partial_case(struct kunit *test, bool copy)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), *l4 = t->page[0], *l3 = t->page[1];
	u64 *l2 = t->page[2], *l1 = t->page[3], l3bp, *l3b, *n4, *n3, *n2, *n1;
	u64 own = OWN_BASE + 0x5000;
	struct kdump_walk *w;
	unsigned int i;

	l3b = test_table(test, t, &l3bp);	/* a subtree with nothing left out */
	l4[1] = l3bp | SL_RW;
	l3b[0] = (OLD_DATA_BASE + SZ_1G) | SL_RW | BIT_ULL(7);
	l1[2] = own | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, copy, 0);
	KUNIT_EXPECT_EQ(test, w->dropped, 1);
	KUNIT_EXPECT_EQ(test, w->dropped_addr, own);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 3);
	KUNIT_EXPECT_EQ(test, w->copied_pages, copy ? 5 : 4);
	KUNIT_EXPECT_EQ(test, l1[2], own | SL_RW);	/* old tables untouched */
	for (i = 0; i < w->nr_maps; i++) {
		const struct kdump_map *m = &w->maps[i];

		KUNIT_EXPECT_TRUE(test, m->phys + m->size <= OWN_BASE ||
				  m->phys >= OWN_BASE + OWN_SIZE);
	}
	/* Its IOVA, live at the panic, stays reserved. */
	KUNIT_EXPECT_EQ(test, w->ranges[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, w->ranges[0].last, 0x3fff);

	KUNIT_ASSERT_TRUE(test, test_walk_copied(w, w->new_root));
	n4 = phys_to_virt(w->new_root);
	n3 = phys_to_virt(n4[0] & PTE_ADDR_MASK);
	n2 = phys_to_virt(n3[0] & PTE_ADDR_MASK);
	n1 = phys_to_virt(n2[0] & PTE_ADDR_MASK);
	KUNIT_EXPECT_TRUE(test, test_walk_copied(w, n4[0] & PTE_ADDR_MASK));
	KUNIT_EXPECT_TRUE(test, test_walk_copied(w, n3[0] & PTE_ADDR_MASK));
	KUNIT_EXPECT_TRUE(test, test_walk_copied(w, n2[0] & PTE_ADDR_MASK));
	KUNIT_EXPECT_EQ(test, n1[2], 0);
	KUNIT_EXPECT_EQ(test, n1[1], l1[1]);
	KUNIT_EXPECT_EQ(test, n1[3], l1[3]);
	KUNIT_EXPECT_EQ(test, n1[16], l1[16]);
	KUNIT_EXPECT_EQ(test, n2[0x1ff], l2[0x1ff]);
	KUNIT_EXPECT_EQ(test, n4[0] & ~PTE_ADDR_MASK, l4[0] & ~PTE_ADDR_MASK);
	KUNIT_EXPECT_EQ(test, n3[0] & ~PTE_ADDR_MASK, l3[0] & ~PTE_ADDR_MASK);
	if (copy) {
		KUNIT_EXPECT_NE(test, n4[1] & PTE_ADDR_MASK, l3bp);
		KUNIT_EXPECT_TRUE(test, xa_empty(&w->table_set));
		return;
	}
	/* In place, the subtree with nothing left out is the old one ... */
	KUNIT_EXPECT_EQ(test, n4[1], l4[1]);
	/* ... and the tables replaced are no longer counted as in use. */
	KUNIT_EXPECT_EQ(test, xa_to_value(xa_load(&w->table_set,
						  root >> VTD_PAGE_SHIFT)),
			4 | KDUMP_TABLE_REPLACED);
	KUNIT_EXPECT_EQ(test, xa_to_value(xa_load(&w->table_set,
						  l3bp >> VTD_PAGE_SHIFT)), 3);

	/* Nothing left out: nothing copied, the old root is installed. */
	l1[2] = (OLD_DATA_BASE + 0x2000) | SL_RW;
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->dropped, 0);
	KUNIT_EXPECT_EQ(test, w->copied_pages, 0);
	KUNIT_EXPECT_EQ(test, w->new_root, root);
}

static void kdump_test_walk_partial(struct kunit *test)
{
	walk_partial_case(test, false);
}

static void kdump_test_walk_partial_copy(struct kunit *test)
{
	walk_partial_case(test, true);
}

static void kdump_test_walk_superpages(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t);
	u64 *l4 = t->page[0], *l2 = t->page[2];
	struct kdump_walk *w;

	/* A superpage bit at level 4 is malformed. */
	l4[1] = OLD_DATA_BASE | SL_RW | BIT_ULL(7);
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_BAD_SUPERPAGE);
	l4[1] = 0;

	/* A 2M leaf whose address is not 2M aligned. */
	l2[0x1ff] = (OLD_DATA_BASE + 0x201000) | SL_RW | BIT_ULL(7);
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_BAD_SUPERPAGE);
}

static void kdump_test_walk_levels(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t);
	struct kdump_walk *w;

	w = test_walk(test, t, root, 2, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_BAD_ADDRESS_WIDTH);
	/* Read as 3-level, the same pages map other IOVAs but stay valid. */
	w = test_walk(test, t, root, 3, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_GT(test, w->nr_ranges, 0);
}

static void kdump_test_walk_copy(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t);
	struct kdump_walk *w, *again;
	unsigned int i;

	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, true, 0);
	KUNIT_ASSERT_EQ(test, w->reason, KDUMP_OK);
	KUNIT_EXPECT_EQ(test, w->copied_pages, 4);
	KUNIT_EXPECT_NE(test, w->new_root, root);

	/* The duplicate translates exactly like the original. */
	for (i = 0; i < w->copied_pages; i++) {
		u64 phys = virt_to_phys(w->copies[i]);

		t->old[t->mm.nr_old].start = phys;
		t->old[t->mm.nr_old++].last = phys + PAGE_SIZE - 1;
	}
	again = test_walk(test, t, w->new_root, 4, KDUMP_PT_SECOND_LEVEL,
			  false, 0);
	KUNIT_ASSERT_EQ(test, again->nr_ranges, w->nr_ranges);
	for (i = 0; i < w->nr_ranges; i++) {
		KUNIT_EXPECT_EQ(test, again->ranges[i].start,
				w->ranges[i].start);
		KUNIT_EXPECT_EQ(test, again->ranges[i].last,
				w->ranges[i].last);
		KUNIT_EXPECT_EQ(test, again->ranges[i].perm,
				w->ranges[i].perm);
	}
}

/*
 * The generic page-table code of 7.x kernels keeps software bits in the
 * entries it writes: with a non-coherent IOMMU bit 10 of a second-level
 * table entry (bit 9 first level), and it may use bits 52 and up.  The
 * hardware ignores them (VT-d 4.1, 9.7 and 9.8): such tables are adopted
 * and translate as without them.
 */
static void kdump_test_walk_sw_bits(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), *l4 = t->page[0], *l3 = t->page[1];
	u64 fl4p, fl3p, fl2p, fl1p, *fl4, *fl3, *fl2, *fl1;
	struct kdump_walk *plain, *w;
	unsigned int i;

	plain = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	l4[0] |= BIT_ULL(10) | GENMASK_ULL(60, 52) | BIT_ULL(63);
	l3[0] |= BIT_ULL(10);
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_OK);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, plain->nr_ranges);
	for (i = 0; i < w->nr_ranges; i++) {
		KUNIT_EXPECT_EQ(test, w->ranges[i].start,
				plain->ranges[i].start);
		KUNIT_EXPECT_EQ(test, w->ranges[i].last,
				plain->ranges[i].last);
		KUNIT_EXPECT_EQ(test, w->ranges[i].perm,
				plain->ranges[i].perm);
	}
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, true, 0);
	KUNIT_EXPECT_EQ(test, w->nr_ranges, plain->nr_ranges);

	fl4 = test_table(test, t, &fl4p);
	fl3 = test_table(test, t, &fl3p);
	fl2 = test_table(test, t, &fl2p);
	fl1 = test_table(test, t, &fl1p);
	fl4[0] = fl3p | 0x67 | BIT_ULL(9) | GENMASK_ULL(58, 52);
	fl3[0] = fl2p | 0x67 | BIT_ULL(9);
	fl2[0] = fl1p | 0x67 | BIT_ULL(9);
	fl1[1] = (OLD_DATA_BASE + 0x1000) | 0x67;
	w = test_walk(test, t, fl4p, 4, KDUMP_PT_FIRST_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_OK);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, 1);
	KUNIT_EXPECT_EQ(test, w->ranges[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, w->ranges[0].last, 0x1fff);
}

static void kdump_test_walk_first_level(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 l4p, l3p, l2p, l1p, *l4, *l3, *l2, *l1;
	struct kdump_walk *w;

	l4 = test_table(test, t, &l4p);
	l3 = test_table(test, t, &l3p);
	l2 = test_table(test, t, &l2p);
	l1 = test_table(test, t, &l1p);
	/* x86 format: P=1, RW=2, US=4, A=0x20, D=0x40, PS=0x80. */
	l4[0] = l3p | 0x67;
	l3[0] = l2p | 0x67;
	l2[0] = l1p | 0x67;
	l1[1] = (OLD_DATA_BASE + 0x1000) | 0x67;
	l1[2] = (OLD_DATA_BASE + 0x2000) | 0x25;	/* read-only */
	/* 1G leaf, PAT bit 12 set: still aligned. */
	l3[1] = (OLD_DATA_BASE + (1ULL << 30)) | 0x1000 | 0xe7;

	w = test_walk(test, t, l4p, 4, KDUMP_PT_FIRST_LEVEL, false, 0);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, 3);
	KUNIT_EXPECT_EQ(test, w->ranges[0].perm,
			KDUMP_PERM_READ | KDUMP_PERM_WRITE);
	KUNIT_EXPECT_EQ(test, w->ranges[1].perm, KDUMP_PERM_READ);
	KUNIT_EXPECT_EQ(test, w->ranges[2].start, 1ULL << 30);
	KUNIT_EXPECT_EQ(test, w->leaves[2], 1);

	/*
	 * Read as second-level, bit 12 of the 1G leaf is an address bit:
	 * the leaf is misaligned.  Without that leaf the 4K ones pass.
	 */
	w = test_walk(test, t, l4p, 4, KDUMP_PT_SECOND_LEVEL, false, -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_BAD_SUPERPAGE);
	l3[1] = 0;
	w = test_walk(test, t, l4p, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 2);
}

/*
 * x86 5-level first-level paging (PASID entry FLPM = 1), on an IOMMU that
 * offers it (CAP.FL5LP): an IOVA above 2^48 is only reachable through the
 * fifth level; the same table read with four levels lands elsewhere; a
 * loop back to the fifth-level table is caught; copy mode duplicates all
 * five levels.
 */
static void kdump_test_walk_first_level_5(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	struct kdump_hw_caps hw5 = test_hw;
	u64 l5p, l4p, l3p, l2p, l1p, *l5, *l4, *l3, *l2, *l1;
	u64 pe[8] = { 0 };
	struct kdump_walk *w;

	hw5.cap |= BIT_ULL(60);		/* FL5LP */
	pe[0] = 1 | (PASID_ENTRY_PGTT_FL_ONLY << 6);
	pe[1] = 7;
	pe[2] = OLD_DATA_BASE | (1 << 2);	/* FLPM = 1: 5-level */
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&hw5, pe), KDUMP_OK);
	pe[2] = OLD_DATA_BASE | (2 << 2);	/* FLPM = 2: reserved */
	KUNIT_EXPECT_EQ(test, kdump_check_pasid_entry(&hw5, pe),
			KDUMP_BAD_ADDRESS_WIDTH);

	l5 = test_table(test, t, &l5p);
	l4 = test_table(test, t, &l4p);
	l3 = test_table(test, t, &l3p);
	l2 = test_table(test, t, &l2p);
	l1 = test_table(test, t, &l1p);
	l5[1] = l4p | 0x67;		/* IOVA bit 48 */
	l4[0] = l3p | 0x67;
	l3[0] = l2p | 0x67;
	l2[0] = l1p | 0x67;
	l1[3] = (OLD_DATA_BASE + 0x5000) | 0x67;
	l1[4] = (OLD_DATA_BASE + 0x6000) | 0x25;	/* read-only */

	w = test_walk_hw(test, t, &hw5, l5p, 5, KDUMP_PT_FIRST_LEVEL, false, 0);
	KUNIT_EXPECT_EQ(test, w->tables, 5);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, 2);
	KUNIT_EXPECT_EQ(test, w->ranges[0].start, BIT_ULL(48) + 0x3000);
	KUNIT_EXPECT_EQ(test, w->ranges[0].perm,
			KDUMP_PERM_READ | KDUMP_PERM_WRITE);
	KUNIT_EXPECT_EQ(test, w->ranges[1].start, BIT_ULL(48) + 0x4000);
	KUNIT_EXPECT_EQ(test, w->ranges[1].perm, KDUMP_PERM_READ);
	KUNIT_EXPECT_EQ(test, w->leaves[0], 2);

	/* Four levels from the same root: l2p becomes a 4K leaf at 2^39. */
	w = test_walk_hw(test, t, &hw5, l5p, 4, KDUMP_PT_FIRST_LEVEL, false, 0);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, 1);
	KUNIT_EXPECT_EQ(test, w->ranges[0].start, BIT_ULL(39));

	/* Copy mode: five new tables, the leaves unchanged. */
	w = test_walk_hw(test, t, &hw5, l5p, 5, KDUMP_PT_FIRST_LEVEL, true, 0);
	KUNIT_EXPECT_EQ(test, w->copied_pages, 5);
	KUNIT_EXPECT_NE(test, w->new_root, l5p);
	KUNIT_EXPECT_EQ(test, w->nr_ranges, 2);

	/* A level-3 entry pointing back at the fifth-level table. */
	l3[1] = l5p | 0x67;
	w = test_walk_hw(test, t, &hw5, l5p, 5, KDUMP_PT_FIRST_LEVEL, false,
			 -EINVAL);
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_TABLE_LOOP);
	KUNIT_EXPECT_EQ(test, w->bad_addr, l5p);
}

/*
 * An independent, obviously-correct check of a walk that was accepted:
 * every present table and leaf below @table lies in old RAM and outside
 * the capture kernel's.  Only called on trees already proven loop-free.
 */
static bool reference_tree_ok(struct test_tables *t,
			      const struct kdump_walk *w, u64 table, int level,
			      enum kdump_pt_format fmt, int depth)
{
	u64 *v = phys_to_virt(table);
	unsigned int i;

	if (depth > 5)
		return false;
	for (i = 0; i < 512; i++) {
		u64 e = v[i], addr = e & GENMASK_ULL(51, 12);
		u64 size = 1ULL << (12 + 9 * (level - 1));
		bool present = fmt == KDUMP_PT_FIRST_LEVEL ? e & 1 : e & 3;
		bool leaf = level == 1 || (e & BIT_ULL(7));

		if (!present)
			continue;
		if (leaf) {
			if (fmt == KDUMP_PT_FIRST_LEVEL && level > 1)
				addr &= ~BIT_ULL(12);
			if (kdump_check_table_addr(&t->mm, addr, size))
				return false;
			continue;
		}
		if ((!w || !test_walk_copied(w, addr)) &&
		    kdump_check_table_addr(&t->mm, addr, PAGE_SIZE))
			return false;
		if (!reference_tree_ok(t, w, addr, level - 1, fmt, depth + 1))
			return false;
	}
	return true;
}

/*
 * 1,000 seeded mutations of a valid 4K-only tree whose "old RAM" is nothing
 * but its own pages (so whatever the walk accepts is a real page): no crash,
 * and nothing adopted that the reference check rejects.
 */
static void kdump_test_walk_mutations(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	unsigned int i, accepted = 0, refused = 0, partial = 0;
	u64 phys[5], *pg[5];
	struct rnd_state rnd;

	for (i = 0; i < 5; i++)
		pg[i] = test_table(test, t, &phys[i]);
	/* Drop the made-up data region: old RAM is the five pages. */
	t->old[0] = t->old[t->mm.nr_old - 1];
	t->mm.nr_old--;
	pg[0][0] = phys[1] | SL_RW;
	pg[1][0] = phys[2] | SL_RW;
	pg[2][0] = phys[3] | SL_RW;
	pg[3][1] = phys[4] | SL_RW;
	pg[3][2] = phys[4] | BIT_ULL(0);
	pg[3][7] = phys[0] | SL_RW;

	prandom_seed_state(&rnd, 0x6b64756d70ULL);
	for (i = 0; i < 1000; i++) {
		static const unsigned int slots[] = { 0, 1, 2, 7 };
		u64 *slot = &pg[prandom_u32_state(&rnd) % 5]
			       [slots[prandom_u32_state(&rnd) % 4]];
		enum kdump_pt_format fmt;
		u64 saved = *slot;
		int ret;

		switch (prandom_u32_state(&rnd) % 4) {
		case 0:
			*slot ^= BIT_ULL(prandom_u32_state(&rnd) % 64);
			break;
		case 1:
			*slot = (u64)prandom_u32_state(&rnd) << 32 |
				prandom_u32_state(&rnd);
			break;
		case 2:		/* another table page: maybe a cycle */
			*slot = phys[prandom_u32_state(&rnd) % 5] | SL_RW;
			break;
		case 3:
			*slot = (OWN_BASE + (prandom_u32_state(&rnd) &
					     0xfff000)) | SL_RW;
			break;
		}
		for (fmt = KDUMP_PT_SECOND_LEVEL; fmt <= KDUMP_PT_FIRST_LEVEL;
		     fmt++) {
			struct kdump_walk w = { };

			ret = kdump_walk_pgtable(&t->mm, &test_hw, phys[0], 4,
						 fmt, false, &w);
			if (!ret) {
				accepted++;
				/* What is installed, copies included. */
				KUNIT_EXPECT_TRUE(test,
						  reference_tree_ok(t, &w,
								    w.new_root,
								    4, fmt, 0));
				KUNIT_EXPECT_LE(test, w.tables, 5);
				partial += !!w.dropped;
			} else {
				refused++;
				KUNIT_EXPECT_NE(test, w.reason, KDUMP_OK);
			}
			kdump_walk_free(&w);
		}
		*slot = saved;
	}
	kunit_info(test, "1000 mutations, walked as second- and first-level: %u accepted (%u with leaves left out), %u refused\n",
		   accepted, partial, refused);
	KUNIT_EXPECT_GT(test, partial, 0);
	KUNIT_EXPECT_GT(test, refused, 0);
	KUNIT_EXPECT_GT(test, accepted, 0);
}

/*
 * The hand-over, the release and the reserved regions leave a device's
 * RMRR and ISA windows to the capture kernel's own 1:1 mappings: an old
 * range is cut at their edges, each piece wholly inside or outside.
 */
static void kdump_test_direct_pieces(struct kunit *test)
{
	static const struct kdump_phys_range direct[] = {
		{ 0xe0000000, 0xe00fffff },	/* an RMRR */
		{ 0, SZ_16M - 1 },		/* the ISA window */
	};
	u64 iova, end, inside_bytes = 0, outside_bytes = 0;
	unsigned int pieces = 0;
	bool inside;

	/* Nothing direct: one piece, outside. */
	end = kdump_direct_piece(NULL, 0, 0x1000, 0x1fff, &inside);
	KUNIT_EXPECT_EQ(test, end, 0x1fffULL);
	KUNIT_EXPECT_FALSE(test, inside);

	/* Starts inside the ISA window, runs past it. */
	end = kdump_direct_piece(direct, 2, SZ_8M, SZ_32M - 1, &inside);
	KUNIT_EXPECT_EQ(test, end, (u64)SZ_16M - 1);
	KUNIT_EXPECT_TRUE(test, inside);
	end = kdump_direct_piece(direct, 2, SZ_16M, SZ_32M - 1, &inside);
	KUNIT_EXPECT_EQ(test, end, (u64)SZ_32M - 1);
	KUNIT_EXPECT_FALSE(test, inside);

	/* Straddles the RMRR: outside, inside, outside, and nothing lost. */
	for (iova = 0xdff00000;; iova = end + 1) {
		end = kdump_direct_piece(direct, 2, iova, 0xe01fffff, &inside);
		KUNIT_ASSERT_GE(test, end, iova);
		KUNIT_ASSERT_LT(test, pieces, 4U);
		if (inside)
			inside_bytes += end - iova + 1;
		else
			outside_bytes += end - iova + 1;
		pieces++;
		if (end == 0xe01fffff)
			break;
	}
	KUNIT_EXPECT_EQ(test, pieces, 3U);
	KUNIT_EXPECT_EQ(test, inside_bytes, (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, outside_bytes, (u64)SZ_2M);

	/* Ends exactly where the RMRR starts; the last IOVA of the space. */
	end = kdump_direct_piece(direct, 2, 0xdfff0000, 0xdfffffff, &inside);
	KUNIT_EXPECT_EQ(test, end, 0xdfffffffULL);
	KUNIT_EXPECT_FALSE(test, inside);
	end = kdump_direct_piece(direct, 2, U64_MAX - 0xfff, U64_MAX, &inside);
	KUNIT_EXPECT_EQ(test, end, U64_MAX);
	KUNIT_EXPECT_FALSE(test, inside);
}

/* ---- The switch of a live context entry ---------------------------- */

/*
 * Recording ops in the style of arm-smmu-v3-test.c: the real switch code
 * stores through them, and after every store each state the IOMMU could
 * read is checked to be present and to translate the old IOVAs to their
 * old pages.  A state is any mix of the quadwords before the switch and
 * those stored so far (the hardware may fetch an entry in halves, before
 * and after a store).
 */
#define SW_NR_IOVA	4

static const u64 sw_iova[SW_NR_IOVA] = { 0x1000, 0x2008, 0x3ff0, 0x3fe12345 };

struct switch_rec {
	struct kunit *test;
	u64 *live;
	u64 old[4];
	unsigned int nr_qw;
	bool scalable;
	u64 expect[SW_NR_IOVA];
	unsigned int stores;
	unsigned int bad_states;
	unsigned int stores_after_flush;
	unsigned int ctx_flushes;
	bool pasid_all;
	u32 iotlb[4];
	unsigned int nr_iotlb;
};

/* Walk a synthetic 4- or 3-level table as the IOMMU would, 0 if none. */
static u64 sw_walk(u64 root, int levels, u64 iova)
{
	u64 *table = phys_to_virt(root), pte;
	int level;

	for (level = levels; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		pte = READ_ONCE(table[(iova >> shift) & 0x1ff]);
		if (!(pte & BIT_ULL(0)))
			return 0;
		if (level == 1 || (level <= 3 && (pte & BIT_ULL(7))))
			return (pte & VTD_PAGE_MASK & ~(BIT_ULL(shift) - 1)) |
			       (iova & (BIT_ULL(shift) - 1));
		table = phys_to_virt(pte & VTD_PAGE_MASK);
	}
	return 0;
}

/*
 * What a context entry translates @iova to: the IOVA itself when passing
 * through, 0 when the request would fault.
 */
static u64 sw_translate(const u64 *ce, bool scalable, u64 iova)
{
	u64 *dir, pde, *pe;
	u32 rid_pasid;

	if (!(ce[0] & BIT_ULL(0)))
		return 0;
	if (!scalable) {
		if (((ce[0] >> 2) & 3) == CONTEXT_TT_PASS_THROUGH)
			return iova;
		return sw_walk(ce[0] & VTD_PAGE_MASK, (ce[1] & 7) + 2, iova);
	}
	dir = phys_to_virt(ce[0] & VTD_PAGE_MASK);
	rid_pasid = ce[1] & GENMASK_ULL(19, 0);
	pde = READ_ONCE(dir[rid_pasid >> PASID_PDE_SHIFT]);
	if (!(pde & PASID_PTE_PRESENT))
		return 0;
	pe = (u64 *)phys_to_virt(pde & VTD_PAGE_MASK) +
	     (rid_pasid & PASID_PTE_MASK) * 8;
	if (!(READ_ONCE(pe[0]) & PASID_PTE_PRESENT))
		return 0;
	switch ((pe[0] >> 6) & 7) {
	case PASID_ENTRY_PGTT_PT:
		return iova;
	case PASID_ENTRY_PGTT_FL_ONLY:
		return sw_walk(pe[2] & VTD_PAGE_MASK, 4, iova);
	case PASID_ENTRY_PGTT_SL_ONLY:
		return sw_walk(pe[0] & VTD_PAGE_MASK, ((pe[0] >> 2) & 7) + 2,
			       iova);
	}
	return 0;
}

static void sw_check_states(struct switch_rec *r)
{
	unsigned int mask, i, j;
	u64 state[4];

	for (mask = 0; mask < BIT(r->nr_qw); mask++) {
		for (j = 0; j < r->nr_qw; j++)
			state[j] = mask & BIT(j) ? r->old[j] : r->live[j];
		for (i = 0; i < SW_NR_IOVA; i++) {
			if (sw_translate(state, r->scalable, sw_iova[i]) ==
			    r->expect[i])
				continue;
			r->bad_states++;
			kunit_info(r->test, "store %u: state %llx %llx %llx %llx translates 0x%llx to 0x%llx, not 0x%llx\n",
				   r->stores, state[0], state[1],
				   r->nr_qw > 2 ? state[2] : 0,
				   r->nr_qw > 2 ? state[3] : 0, sw_iova[i],
				   sw_translate(state, r->scalable, sw_iova[i]),
				   r->expect[i]);
			break;
		}
	}
}

static void sw_store(void *priv, u64 *qw, u64 val)
{
	struct switch_rec *r = priv;

	KUNIT_EXPECT_TRUE(r->test, qw >= r->live && qw < r->live + r->nr_qw);
	WRITE_ONCE(*qw, val);
	r->stores++;
	if (r->ctx_flushes || r->nr_iotlb || r->pasid_all)
		r->stores_after_flush++;
	sw_check_states(r);
}

static void sw_flush_context(void *priv, u16 did, u16 sid)
{
	struct switch_rec *r = priv;

	KUNIT_EXPECT_EQ(r->test, sid, 0x0010);
	r->ctx_flushes++;
}

static void sw_flush_pasid_all(void *priv)
{
	((struct switch_rec *)priv)->pasid_all = true;
}

static void sw_flush_iotlb(void *priv, u32 did)
{
	struct switch_rec *r = priv;

	if (r->nr_iotlb < ARRAY_SIZE(r->iotlb))
		r->iotlb[r->nr_iotlb++] = did;
}

static const struct kdump_entry_ops sw_ops = {
	.store		= sw_store,
	.flush_context	= sw_flush_context,
	.flush_pasid_all = sw_flush_pasid_all,
	.flush_iotlb	= sw_flush_iotlb,
};

static bool sw_flushed(const struct switch_rec *r, u32 did)
{
	unsigned int i;

	for (i = 0; i < r->nr_iotlb; i++)
		if (r->iotlb[i] == did || r->iotlb[i] == KDUMP_DID_ALL)
			return true;
	return false;
}

static void sw_rec_init(struct kunit *test, struct switch_rec *r, u64 *live,
			unsigned int nr_qw, bool scalable)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->test = test;
	r->live = live;
	r->nr_qw = nr_qw;
	r->scalable = scalable;
	memcpy(r->old, live, nr_qw * sizeof(u64));
	for (i = 0; i < SW_NR_IOVA; i++) {
		r->expect[i] = sw_translate(live, scalable, sw_iova[i]);
		KUNIT_ASSERT_NE(test, r->expect[i], 0);
	}
}

/*
 * Legacy: the old context on the old table, the new one on a new table
 * that maps the same IOVAs to the same pages (the hand-over did that).
 */
static void kdump_test_switch_legacy(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 old_root = build_sample(test, t), new_root = build_sample(test, t);
	u64 live[2] = { old_root | 1, 2 | (5 << 8) };
	u64 new[2] = { new_root | 1, 2 | (9 << 8) };
	struct switch_rec r;

	sw_rec_init(test, &r, live, 2, false);
	KUNIT_ASSERT_EQ(test, kdump_switch_legacy(&sw_ops, &r, live, new,
						  0x0010), 0);
	KUNIT_EXPECT_EQ(test, r.bad_states, 0);
	KUNIT_EXPECT_EQ(test, r.stores_after_flush, 0);
	KUNIT_EXPECT_EQ(test, live[0], new[0]);
	KUNIT_EXPECT_EQ(test, live[1], new[1]);
	KUNIT_EXPECT_GE(test, r.ctx_flushes, 1);
	KUNIT_EXPECT_TRUE(test, sw_flushed(&r, 5));
	KUNIT_EXPECT_TRUE(test, sw_flushed(&r, 9));

	/* Pass-through to pass-through (TT 2): only the domain-id moves. */
	live[0] = (CONTEXT_TT_PASS_THROUGH << 2) | 1;
	live[1] = 2 | (5 << 8);
	new[0] = (CONTEXT_TT_PASS_THROUGH << 2) | 1;
	new[1] = 2 | (1 << 8);
	sw_rec_init(test, &r, live, 2, false);
	KUNIT_ASSERT_EQ(test, kdump_switch_legacy(&sw_ops, &r, live, new,
						  0x0010), 0);
	KUNIT_EXPECT_EQ(test, r.bad_states, 0);
	KUNIT_EXPECT_TRUE(test, sw_flushed(&r, 5));
}

/* Entries whose mixes would not translate the same are left alone. */
static void kdump_test_switch_legacy_refused(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 old_root = build_sample(test, t), new_root = build_sample(test, t);
	u64 live[2] = { old_root | 1, 2 | (5 << 8) };
	u64 new[2] = { new_root | 1, 1 | (9 << 8) };	/* 3-level */
	struct switch_rec r;

	sw_rec_init(test, &r, live, 2, false);
	KUNIT_EXPECT_EQ(test, kdump_switch_legacy(&sw_ops, &r, live, new,
						  0x0010), -EINVAL);
	/* Translating to pass-through. */
	new[0] = (CONTEXT_TT_PASS_THROUGH << 2) | 1;
	new[1] = 2 | (1 << 8);
	KUNIT_EXPECT_EQ(test, kdump_switch_legacy(&sw_ops, &r, live, new,
						  0x0010), -EINVAL);
	KUNIT_EXPECT_EQ(test, r.stores, 0);
	KUNIT_EXPECT_EQ(test, live[0], old_root | 1);
}

/* A PASID directory with one table whose RID_PASID entry is @pe. */
static u64 sw_pasid_dir(struct kunit *test, struct test_tables *t,
			const u64 *pe)
{
	u64 dirp, tblp, *dir, *tbl;

	dir = test_table(test, t, &dirp);
	tbl = test_table(test, t, &tblp);
	dir[0] = tblp | PASID_PTE_PRESENT;
	memcpy(tbl, pe, 8 * sizeof(u64));
	return dirp;
}

static void sw_scalable_case(struct kunit *test, u8 pgtt)
{
	struct test_tables *t = test_tables_init(test);
	u64 old_root = build_sample(test, t), new_root = build_sample(test, t);
	u64 old_pe[8] = {}, new_pe[8] = {}, live[4] = {}, new[4] = {};
	u64 old_dir, new_dir;
	struct switch_rec r;

	old_pe[0] = PASID_PTE_PRESENT | ((u64)pgtt << 6) | (2 << 2);
	old_pe[1] = 5;
	new_pe[0] = old_pe[0];
	new_pe[1] = 9;
	if (pgtt == PASID_ENTRY_PGTT_SL_ONLY) {
		old_pe[0] |= old_root;
		new_pe[0] |= new_root;
	} else if (pgtt == PASID_ENTRY_PGTT_FL_ONLY) {
		old_pe[2] = old_root;
		new_pe[2] = new_root;
	}
	old_dir = sw_pasid_dir(test, t, old_pe);
	new_dir = sw_pasid_dir(test, t, new_pe);
	live[0] = old_dir | 1;
	new[0] = new_dir | 1;

	sw_rec_init(test, &r, live, 4, true);
	KUNIT_ASSERT_EQ(test, kdump_switch_scalable(&sw_ops, &r, live, new,
						    new_pe, 0x0010), 0);
	KUNIT_EXPECT_EQ(test, r.bad_states, 0);
	KUNIT_EXPECT_EQ(test, r.stores_after_flush, 0);
	KUNIT_EXPECT_EQ(test, live[0], new[0]);
	KUNIT_EXPECT_GE(test, r.ctx_flushes, 1);
	KUNIT_EXPECT_TRUE(test, r.pasid_all);
	KUNIT_EXPECT_TRUE(test, sw_flushed(&r, 5));
	KUNIT_EXPECT_TRUE(test, sw_flushed(&r, 9));
}

static void kdump_test_switch_scalable_sl(struct kunit *test)
{
	sw_scalable_case(test, PASID_ENTRY_PGTT_SL_ONLY);
}

static void kdump_test_switch_scalable_fl(struct kunit *test)
{
	sw_scalable_case(test, PASID_ENTRY_PGTT_FL_ONLY);
}

static void kdump_test_switch_scalable_pt(struct kunit *test)
{
	sw_scalable_case(test, PASID_ENTRY_PGTT_PT);
}

/* The new PASID table must translate before the context points at it. */
static void kdump_test_switch_scalable_refused(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), pe[8] = {}, none[8] = {};
	u64 live[4] = {}, new[4] = {};
	struct switch_rec r;

	pe[0] = PASID_PTE_PRESENT | (PASID_ENTRY_PGTT_SL_ONLY << 6) |
		(2 << 2) | root;
	pe[1] = 5;
	live[0] = sw_pasid_dir(test, t, pe) | 1;
	new[0] = sw_pasid_dir(test, t, none) | 1;
	sw_rec_init(test, &r, live, 4, true);
	KUNIT_EXPECT_EQ(test, kdump_switch_scalable(&sw_ops, &r, live, new,
						    none, 0x0010), -EINVAL);
	/* Another RID_PASID: the high quadword would change too. */
	new[0] = sw_pasid_dir(test, t, pe) | 1;
	new[1] = 1;
	KUNIT_EXPECT_EQ(test, kdump_switch_scalable(&sw_ops, &r, live, new,
						    pe, 0x0010), -EINVAL);
	KUNIT_EXPECT_EQ(test, r.stores, 0);
}

/* ---- Whole root, context and PASID tables, through the judge --------- */

/* A table reader that counts what the judge maps, and checks it unmaps. */
struct test_reader {
	struct kdump_table_reader rd;
	unsigned int maps;
	unsigned int unmaps;
};

static void *test_reader_map(struct kdump_table_reader *rd, u64 phys,
			     size_t size)
{
	struct test_reader *r = container_of(rd, struct test_reader, rd);

	r->maps++;
	return memremap(phys, size, MEMREMAP_WB);
}

static void test_reader_unmap(struct kdump_table_reader *rd, void *virt)
{
	struct test_reader *r = container_of(rd, struct test_reader, rd);

	r->unmaps++;
	memunmap(virt);
}

/* memremap() and memunmap(), counted, for the span reader. */
static unsigned int test_span_remaps, test_span_unmaps;

static void *test_span_remap(resource_size_t phys, size_t size,
			     unsigned long flags)
{
	test_span_remaps++;
	return memremap(phys, size, flags);
}

static void test_span_unmap(void *virt)
{
	test_span_unmaps++;
	memunmap(virt);
}

static void test_free_block(void *data)
{
	__free_pages(data, 4);
}

/*
 * A walk of five tables in 16 pages of old RAM, with a page of the capture
 * kernel's own in the middle, maps old RAM twice, once on each side of
 * it, however many tables it reads there; a table a span cannot hold is
 * mapped alone; nothing stays mapped once the reader is released.
 */
static void kdump_test_span_reader(struct kunit *test)
{
	struct page *block = alloc_pages(GFP_KERNEL | __GFP_ZERO, 4);
	struct kdump_span_reader *sr = kunit_kzalloc(test, sizeof(*sr),
						     GFP_KERNEL);
	struct kdump_phys_range old[2], own[1];
	struct kdump_mem_map mm = {
		.old = old, .nr_old = 2, .own = own, .nr_own = 1,
	};
	struct kdump_walk *w;
	u64 base, *pg;
	void *v;

	KUNIT_ASSERT_NOT_NULL(test, block);
	kunit_add_action_or_reset(test, test_free_block, block);
	KUNIT_ASSERT_NOT_NULL(test, sr);
	sr->remap = test_span_remap;
	sr->unmap = test_span_unmap;
	base = page_to_phys(block);
	pg = page_address(block);
	old[0].start = base;
	old[0].last = base + 16 * PAGE_SIZE - 1;
	old[1].start = OLD_DATA_BASE;
	old[1].last = OLD_DATA_BASE + OLD_DATA_SIZE - 1;
	own[0].start = base + 8 * PAGE_SIZE;
	own[0].last = base + 9 * PAGE_SIZE - 1;
	/* 4 levels: pages 0, 1, 2, then two last-level tables, 3 and 10. */
	pg[0] = (base + 1 * PAGE_SIZE) | SL_RW;
	pg[512] = (base + 2 * PAGE_SIZE) | SL_RW;
	pg[1024] = (base + 3 * PAGE_SIZE) | SL_RW;
	pg[1025] = (base + 10 * PAGE_SIZE) | SL_RW;
	pg[1536] = OLD_DATA_BASE | SL_RW;
	pg[10 * 512 + 7] = (OLD_DATA_BASE + PAGE_SIZE) | SL_RW;

	kdump_span_reader_init(sr, &mm);
	mm.reader = &sr->rd;
	test_span_remaps = 0;
	test_span_unmaps = 0;
	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_EXPECT_EQ(test, kdump_walk_pgtable(&mm, &test_hw, base, 4,
						 KDUMP_PT_SECOND_LEVEL, false,
						 w), 0);
	kunit_add_action_or_reset(test, test_walk_exit, w);
	KUNIT_EXPECT_EQ(test, w->tables, 5);
	KUNIT_EXPECT_EQ(test, w->nr_ranges, 2);
	KUNIT_EXPECT_EQ(test, test_span_remaps, 2);
	KUNIT_EXPECT_EQ(test, sr->nr, 2);
	KUNIT_EXPECT_EQ(test, test_span_unmaps, 0);
	KUNIT_EXPECT_EQ(test, sr->span[0].start, base);
	KUNIT_EXPECT_EQ(test, sr->span[0].last, base + 8 * PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, sr->span[1].start, base + 9 * PAGE_SIZE);

	/* Across the capture kernel's page: mapped on its own, then not. */
	v = sr->rd.map(&sr->rd, base + 7 * PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ(test, test_span_remaps, 3);
	sr->rd.unmap(&sr->rd, v);
	KUNIT_EXPECT_EQ(test, test_span_unmaps, 1);

	kdump_span_reader_release(sr);
	KUNIT_EXPECT_EQ(test, test_span_unmaps, 3);
	KUNIT_EXPECT_EQ(test, sr->nr, 0);
}

static void test_state_exit(void *data)
{
	struct kdump_iommu *st = data;

	kdump_judged_free(st);
	bitmap_free(st->dids);
}

/* A judge's state on @t's memory map, read through a counting reader. */
static struct kdump_iommu *test_state(struct kunit *test,
				      struct kdump_mem_map *mm, bool scalable,
				      bool copy, struct test_reader *rd)
{
	struct kdump_iommu *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	rd->rd.map = test_reader_map;
	rd->rd.unmap = test_reader_unmap;
	mm->reader = &rd->rd;
	st->mm = mm;
	st->hw = test_hw;
	st->node = NUMA_NO_NODE;
	st->scalable = scalable;
	st->copy = copy;
	kdump_judge_init(st);
	st->dids = bitmap_zalloc(cap_ndoms(test_hw.cap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->dids);
	kunit_add_action_or_reset(test, test_state_exit, st);
	return st;
}

static const struct kdump_context *test_ctx(struct kunit *test,
					    const struct kdump_iommu *st,
					    u16 bus, u16 devfn)
{
	unsigned int i;

	for (i = 0; i < st->nr_ctx; i++)
		if (st->ctx[i].bus == bus && st->ctx[i].devfn == devfn)
			return &st->ctx[i];
	KUNIT_FAIL(test, "no context for %02x:%02x.%d", bus, devfn >> 3,
		   devfn & 7);
	return &st->ctx[0];
}

/*
 * One legacy context table: two devices share a page table (walked once),
 * one passes through, and three are refused (reserved bit, a table in the
 * capture kernel's RAM, a domain-id the IOMMU lacks).  The new table holds
 * exactly the adopted entries; refused ones are non-present, so their DMA
 * is blocked; every valid domain-id is reserved.
 */
static void context_table_legacy_case(struct kunit *test, bool copy)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), ctxp, *ctx, *new, half = 0;
	struct test_reader rd = {};
	struct kdump_iommu *st = test_state(test, &t->mm, false, copy, &rd);
	/* Present, multi-level, 48-bit (AW 2), DID 5. */
	const u64 good[2] = { 1, 2 | (5 << 8) };
	const struct kdump_context *c;
	unsigned int devfn;

	ctx = test_table(test, t, &ctxp);
	ctx[0x00 * 2] = good[0] | root;
	ctx[0x00 * 2 + 1] = good[1];
	ctx[0x28 * 2] = good[0] | root;		/* same page table */
	ctx[0x28 * 2 + 1] = good[1];
	ctx[0x08 * 2] = (CONTEXT_TT_PASS_THROUGH << 2) | 1;
	ctx[0x08 * 2 + 1] = 2 | (6 << 8);
	ctx[0x10 * 2] = good[0] | root | BIT_ULL(6);	/* reserved */
	ctx[0x10 * 2 + 1] = 2 | (7 << 8);
	ctx[0x18 * 2] = good[0] | OWN_BASE;
	ctx[0x18 * 2 + 1] = 2 | (8 << 8);
	ctx[0x20 * 2] = good[0] | root;
	ctx[0x20 * 2 + 1] = 2 | (0x300ULL << 8);	/* DID >= 256 */

	KUNIT_ASSERT_EQ(test, kdump_judge_context_table(st, 3, ctxp, 0, &half),
			0);
	KUNIT_EXPECT_EQ(test, st->nr_ctx, 6);
	KUNIT_EXPECT_EQ(test, st->nr_adopted, 3);
	KUNIT_EXPECT_EQ(test, st->nr_refused, 3);
	/* The shared one, and the one refused before it was read. */
	KUNIT_EXPECT_EQ(test, st->nr_walks, 2);
	KUNIT_EXPECT_EQ(test, rd.maps, rd.unmaps);
	/* The context table and the sample's four page tables, once each. */
	KUNIT_EXPECT_EQ(test, rd.maps, 5);

	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 3, 0x10)->reason,
			KDUMP_BAD_RESERVED_BITS);
	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 3, 0x18)->reason,
			KDUMP_TABLE_IN_CAPTURE_RAM);
	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 3, 0x20)->reason,
			KDUMP_BAD_DOMAIN_ID);
	c = test_ctx(test, st, 3, 0x00);
	KUNIT_EXPECT_EQ(test, c->state, KDUMP_CTX_ADOPTED);
	KUNIT_ASSERT_NOT_NULL(test, c->walk);
	KUNIT_EXPECT_EQ(test, c->walk->nr_ranges, 3);
	KUNIT_EXPECT_PTR_EQ(test, c->walk, test_ctx(test, st, 3, 0x28)->walk);
	KUNIT_EXPECT_NULL(test, test_ctx(test, st, 3, 0x08)->walk);

	KUNIT_EXPECT_EQ(test, st->nr_dids, 4);	/* 5, 6, 7, 8 */
	KUNIT_EXPECT_TRUE(test, test_bit(7, st->dids));
	KUNIT_EXPECT_FALSE(test, test_bit(0, st->dids));

	KUNIT_ASSERT_TRUE(test, half & 1);
	new = phys_to_virt(half & VTD_PAGE_MASK);
	for (devfn = 0; devfn < 256; devfn++) {
		c = NULL;
		if (ctx[devfn * 2] & 1)
			c = test_ctx(test, st, 3, devfn);
		if (!c || c->state != KDUMP_CTX_ADOPTED) {
			KUNIT_EXPECT_EQ(test, new[devfn * 2], 0);
			KUNIT_EXPECT_EQ(test, new[devfn * 2 + 1], 0);
			continue;
		}
		KUNIT_EXPECT_EQ(test, new[devfn * 2 + 1], ctx[devfn * 2 + 1]);
		if (!copy || devfn == 0x08) {
			KUNIT_EXPECT_EQ(test, new[devfn * 2], ctx[devfn * 2]);
			continue;
		}
		/* Copy mode: the entry points at the duplicate. */
		KUNIT_EXPECT_EQ(test, new[devfn * 2] & ~VTD_PAGE_MASK,
				ctx[devfn * 2] & ~VTD_PAGE_MASK);
		KUNIT_EXPECT_EQ(test, new[devfn * 2] & VTD_PAGE_MASK,
				c->walk->new_root);
		KUNIT_EXPECT_NE(test, c->walk->new_root, root);
	}
}

static void kdump_test_context_table_legacy(struct kunit *test)
{
	context_table_legacy_case(test, false);
}

static void kdump_test_context_table_legacy_copy(struct kunit *test)
{
	context_table_legacy_case(test, true);
}

/*
 * One scalable-mode context table.  00.0: a PASID directory whose table
 * holds the RID_PASID entry (second level) and an SVA-like PASID 1 whose
 * first level lies in the capture kernel's RAM: the context is adopted,
 * PASID 1 is noted and left out of the new PASID table (never walked),
 * and both domain-ids are reserved.  00.1: the directory lies in the
 * capture kernel's RAM.  00.2: the RID_PASID directory entry has a
 * reserved bit set.  00.3: RID_PASID beyond the directory.
 */
static void kdump_test_context_table_scalable(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), ctxp, dirp, dir2p, tblp, half = 0;
	u64 *ctx, *dir, *dir2, *tbl, *new, *ndir, *ntbl;
	struct test_reader rd = {};
	struct kdump_iommu *st = test_state(test, &t->mm, true, false, &rd);
	const struct kdump_context *c;

	st->hw.ecap |= BIT_ULL(49);	/* RPS: RID_PASID may be other than 0 */
	tbl = test_table(test, t, &tblp);
	tbl[0] = PASID_PTE_PRESENT | (PASID_ENTRY_PGTT_SL_ONLY << 6) |
		 (2 << 2) | root;
	tbl[1] = 9;
	tbl[8] = PASID_PTE_PRESENT | (PASID_ENTRY_PGTT_FL_ONLY << 6);
	tbl[9] = 10;
	tbl[10] = OWN_BASE;
	dir = test_table(test, t, &dirp);
	dir[0] = tblp | PASID_PTE_PRESENT;
	dir2 = test_table(test, t, &dir2p);
	dir2[0] = tblp | PASID_PTE_PRESENT | BIT_ULL(5);
	ctx = test_table(test, t, &ctxp);
	ctx[0 * 4] = dirp | 1;			/* PDTS 0: 128 entries */
	ctx[1 * 4] = OWN_BASE | 1;
	ctx[2 * 4] = dir2p | 1;
	ctx[3 * 4] = dirp | 1;
	ctx[3 * 4 + 1] = 200 << PASID_PDE_SHIFT;	/* RID_PASID */

	KUNIT_ASSERT_EQ(test, kdump_judge_context_table(st, 0, ctxp, 0, &half),
			0);
	KUNIT_EXPECT_EQ(test, rd.maps, rd.unmaps);
	KUNIT_EXPECT_EQ(test, st->nr_adopted, 1);
	KUNIT_EXPECT_EQ(test, st->nr_refused, 3);
	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 0, 1)->reason,
			KDUMP_TABLE_IN_CAPTURE_RAM);
	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 0, 2)->reason,
			KDUMP_BAD_PASID_DIR);
	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 0, 3)->reason,
			KDUMP_BAD_PASID_DIR);

	c = test_ctx(test, st, 0, 0);
	KUNIT_EXPECT_EQ(test, c->state, KDUMP_CTX_ADOPTED);
	KUNIT_EXPECT_EQ(test, c->did, 9);
	KUNIT_EXPECT_EQ(test, c->pasids_dropped, 1);
	KUNIT_ASSERT_NOT_NULL(test, c->walk);
	KUNIT_EXPECT_EQ(test, c->walk->root, root);
	KUNIT_EXPECT_EQ(test, st->nr_walks, 1);	/* PASID 1 is never walked */
	KUNIT_ASSERT_EQ(test, st->nr_pasids, 1);
	KUNIT_EXPECT_EQ(test, st->pasids[0].pasid, 1);
	KUNIT_EXPECT_EQ(test, st->pasids[0].reason, KDUMP_PASID_NOT_ADOPTED);
	KUNIT_EXPECT_TRUE(test, test_bit(9, st->dids));
	KUNIT_EXPECT_TRUE(test, test_bit(10, st->dids));

	/* New PASID structures: the RID_PASID entry alone. */
	KUNIT_ASSERT_TRUE(test, half & 1);
	new = phys_to_virt(half & VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, new[0] & ~VTD_PAGE_MASK, ctx[0] & ~VTD_PAGE_MASK);
	KUNIT_ASSERT_NE(test, new[0] & VTD_PAGE_MASK, dirp);
	KUNIT_EXPECT_EQ(test, c->new_table, new[0] & VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, new[1 * 4], 0);
	KUNIT_EXPECT_EQ(test, new[2 * 4], 0);
	ndir = phys_to_virt(new[0] & VTD_PAGE_MASK);
	KUNIT_ASSERT_TRUE(test, ndir[0] & PASID_PTE_PRESENT);
	ntbl = phys_to_virt(ndir[0] & VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, memcmp(ntbl, tbl, 8 * sizeof(u64)), 0);
	KUNIT_EXPECT_EQ(test, ntbl[8], 0);
}

/*
 * A context whose page table has one leaf into the capture kernel's RAM is
 * adopted "partial", in place: legacy, its new context entry names the
 * duplicated root; scalable, it gets PASID structures of its own whose
 * RID_PASID entry names the duplicated root.  Its other leaves stay.
 */
static void kdump_test_context_table_partial(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), *l1 = t->page[3];
	u64 ctxp, sctxp, dirp, tblp, half = 0, shalf = 0;
	u64 *ctx, *sctx, *dir, *tbl, *new, *ndir, *ntbl;
	struct test_reader rd = {}, srd = {};
	struct kdump_iommu *st = test_state(test, &t->mm, false, false, &rd);
	struct kdump_iommu *sst;
	const struct kdump_context *c;

	l1[2] = (OWN_BASE + 0x3000) | SL_RW;
	ctx = test_table(test, t, &ctxp);
	ctx[0] = 1 | root;
	ctx[1] = 2 | (5 << 8);
	KUNIT_ASSERT_EQ(test, kdump_judge_context_table(st, 0, ctxp, 0, &half),
			0);
	c = test_ctx(test, st, 0, 0);
	KUNIT_EXPECT_EQ(test, c->state, KDUMP_CTX_ADOPTED);
	KUNIT_EXPECT_EQ(test, kdump_context_dropped(c), 1);
	KUNIT_ASSERT_NOT_NULL(test, c->walk);
	KUNIT_EXPECT_EQ(test, c->old_table, root);
	KUNIT_EXPECT_NE(test, c->new_table, root);
	KUNIT_EXPECT_EQ(test, c->new_table, c->walk->new_root);
	new = phys_to_virt(half & VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, new[0] & VTD_PAGE_MASK, c->walk->new_root);
	KUNIT_EXPECT_EQ(test, new[0] & ~VTD_PAGE_MASK, ctx[0] & ~VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, new[1], ctx[1]);

	/* Scalable mode: PASID structures of its own. */
	sst = test_state(test, &t->mm, true, false, &srd);
	tbl = test_table(test, t, &tblp);
	tbl[0] = PASID_PTE_PRESENT | (PASID_ENTRY_PGTT_SL_ONLY << 6) |
		 (2 << 2) | root;
	tbl[1] = 9;
	dir = test_table(test, t, &dirp);
	dir[0] = tblp | PASID_PTE_PRESENT;
	sctx = test_table(test, t, &sctxp);
	sctx[0] = dirp | 1;
	KUNIT_ASSERT_EQ(test, kdump_judge_context_table(sst, 0, sctxp, 0,
							&shalf), 0);
	c = test_ctx(test, sst, 0, 0);
	KUNIT_EXPECT_EQ(test, c->state, KDUMP_CTX_ADOPTED);
	KUNIT_EXPECT_EQ(test, kdump_context_dropped(c), 1);
	KUNIT_EXPECT_EQ(test, c->old_table, dirp);
	KUNIT_ASSERT_NE(test, c->new_table, dirp);
	KUNIT_ASSERT_NOT_NULL(test, c->walk);
	ndir = phys_to_virt(c->new_table);
	KUNIT_ASSERT_TRUE(test, ndir[0] & PASID_PTE_PRESENT);
	KUNIT_ASSERT_NE(test, ndir[0] & VTD_PAGE_MASK, tblp);
	ntbl = phys_to_virt(ndir[0] & VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, ntbl[0] & VTD_PAGE_MASK, c->walk->new_root);
	KUNIT_EXPECT_NE(test, c->walk->new_root, root);
	KUNIT_EXPECT_EQ(test, ntbl[0] & ~VTD_PAGE_MASK, tbl[0] & ~VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, ntbl[1], tbl[1]);
	KUNIT_EXPECT_EQ(test, tbl[0] & VTD_PAGE_MASK, root);	/* untouched */
}

/*
 * A scalable-mode bus whose only context table is the upper one (UCTP
 * present, LCTP not): its contexts are devfn 0x80-0xff, adopted into the
 * upper half of the new root entry; the lower half stays non-present.
 */
static void kdump_test_root_table_uctp(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), rootp, ctxp, dirp, tblp;
	u64 *rt, *ctx, *dir, *tbl, *new;
	struct test_reader rd = {};
	struct kdump_iommu *st = test_state(test, &t->mm, true, false, &rd);
	struct root_entry *new_rt;
	const struct kdump_context *c;

	tbl = test_table(test, t, &tblp);
	tbl[0] = PASID_PTE_PRESENT | (PASID_ENTRY_PGTT_SL_ONLY << 6) |
		 (2 << 2) | root;
	tbl[1] = 9;
	dir = test_table(test, t, &dirp);
	dir[0] = tblp | PASID_PTE_PRESENT;
	ctx = test_table(test, t, &ctxp);
	ctx[2 * 4] = dirp | 1;			/* devfn 0x82: 10.2 */
	rt = test_table(test, t, &rootp);
	rt[3 * 2 + 1] = ctxp | 1;		/* bus 3: UCTP only */
	new_rt = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, new_rt);

	KUNIT_ASSERT_EQ(test, kdump_judge_root_table(st, rootp, new_rt), 0);
	KUNIT_EXPECT_FALSE(test, st->root_refused);
	KUNIT_EXPECT_EQ(test, rd.maps, rd.unmaps);
	KUNIT_EXPECT_EQ(test, st->nr_adopted, 1);
	KUNIT_EXPECT_EQ(test, new_rt[3].lo, 0);
	KUNIT_ASSERT_TRUE(test, new_rt[3].hi & 1);
	KUNIT_EXPECT_NE(test, new_rt[3].hi & VTD_PAGE_MASK, ctxp);
	c = test_ctx(test, st, 3, 0x82);
	KUNIT_EXPECT_EQ(test, c->state, KDUMP_CTX_ADOPTED);
	KUNIT_EXPECT_EQ(test, c->did, 9);
	new = phys_to_virt(new_rt[3].hi & VTD_PAGE_MASK);
	KUNIT_EXPECT_TRUE(test, new[2 * 4] & 1);
	KUNIT_EXPECT_EQ(test, new[0], 0);
	KUNIT_EXPECT_TRUE(test, test_bit(9, st->dids));
}

/*
 * A whole root table: bus 0 adopted, bus 1's root entry has a reserved
 * bit, bus 2's context table lies in the capture kernel's RAM.  Refused
 * buses are left non-present in the new root; a root table in the
 * capture kernel's RAM refuses everything and is never read.
 */
static void kdump_test_root_table(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), rootp, ctxp, *rt, *ctx;
	struct test_reader rd = {};
	struct kdump_iommu *st = test_state(test, &t->mm, false, false, &rd);
	struct root_entry *new_rt;
	const struct kdump_context *c;
	unsigned int maps;

	ctx = test_table(test, t, &ctxp);
	ctx[0] = root | 1;
	ctx[1] = 2 | (5 << 8);
	rt = test_table(test, t, &rootp);
	rt[0 * 2] = ctxp | 1;
	rt[1 * 2] = ctxp | 1 | BIT_ULL(3);
	rt[2 * 2] = OWN_BASE | 1;
	new_rt = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, new_rt);

	KUNIT_ASSERT_EQ(test, kdump_judge_root_table(st, rootp, new_rt), 0);
	KUNIT_EXPECT_FALSE(test, st->root_refused);
	KUNIT_EXPECT_EQ(test, rd.maps, rd.unmaps);
	KUNIT_EXPECT_TRUE(test, new_rt[0].lo & 1);
	KUNIT_EXPECT_EQ(test, new_rt[1].lo, 0);
	KUNIT_EXPECT_EQ(test, new_rt[2].lo, 0);
	KUNIT_EXPECT_EQ(test, new_rt[0].hi, 0);
	c = test_ctx(test, st, 1, KDUMP_CTX_WHOLE_TABLE);
	KUNIT_EXPECT_EQ(test, c->reason, KDUMP_BAD_RESERVED_BITS);
	c = test_ctx(test, st, 2, KDUMP_CTX_WHOLE_TABLE);
	KUNIT_EXPECT_EQ(test, c->reason, KDUMP_TABLE_IN_CAPTURE_RAM);
	KUNIT_EXPECT_EQ(test, test_ctx(test, st, 0, 0)->state,
			KDUMP_CTX_ADOPTED);

	kdump_judged_free(st);
	memset(new_rt, 0, VTD_PAGE_SIZE);
	maps = rd.maps;
	KUNIT_ASSERT_EQ(test, kdump_judge_root_table(st, OWN_BASE, new_rt), 0);
	KUNIT_EXPECT_TRUE(test, st->root_refused);
	KUNIT_EXPECT_EQ(test, st->root_reason, KDUMP_TABLE_IN_CAPTURE_RAM);
	KUNIT_EXPECT_EQ(test, rd.maps, maps);
	KUNIT_EXPECT_EQ(test, st->nr_ctx, 0);
	KUNIT_EXPECT_EQ(test, new_rt[0].lo, 0);
}

/* An upper level's read-only holds for every leaf below it. */
static void kdump_test_walk_upper_readonly(struct kunit *test)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t);
	struct kdump_walk *w;
	unsigned int i;

	t->page[1][0] &= ~BIT_ULL(1);	/* level 3: read-only */
	w = test_walk(test, t, root, 4, KDUMP_PT_SECOND_LEVEL, false, 0);
	KUNIT_ASSERT_EQ(test, w->nr_ranges, 3);
	for (i = 0; i < w->nr_ranges; i++)
		KUNIT_EXPECT_EQ(test, w->ranges[i].perm, KDUMP_PERM_READ);
	for (i = 0; i < w->nr_maps; i++)
		KUNIT_EXPECT_EQ(test, (u8)w->maps[i].perm, KDUMP_PERM_READ);
}

/*
 * In place, a table a device may write is no longer what was checked:
 * 00.0's level-1 table is mapped writable by a leaf of 00.1's.  00.0 is
 * refused and left out of the new table; read-only, or in copy mode
 * (where the tables in use are copies), both are adopted.
 */
static void dma_writable_case(struct kunit *test, bool copy, bool writable)
{
	struct test_tables *t = test_tables_init(test);
	u64 root_a = build_sample(test, t), root_b = build_sample(test, t);
	u64 l1_a = virt_to_phys(t->page[3]), rootp, ctxp, *rt, *ctx, *new;
	struct test_reader rd = {};
	struct kdump_iommu *st = test_state(test, &t->mm, false, copy, &rd);
	const struct kdump_context *a, *b;
	struct root_entry *new_rt;

	t->page[7][5] = l1_a | (writable ? SL_RW : BIT_ULL(0));
	ctx = test_table(test, t, &ctxp);
	ctx[0] = root_a | 1;
	ctx[1] = 2 | (5 << 8);
	ctx[2] = root_b | 1;
	ctx[3] = 2 | (6 << 8);
	rt = test_table(test, t, &rootp);
	rt[0] = ctxp | 1;
	new_rt = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, new_rt);

	KUNIT_ASSERT_EQ(test, kdump_judge_root_table(st, rootp, new_rt), 0);
	a = test_ctx(test, st, 0, 0);
	b = test_ctx(test, st, 0, 1);
	new = phys_to_virt(new_rt[0].lo & VTD_PAGE_MASK);
	KUNIT_EXPECT_EQ(test, b->state, KDUMP_CTX_ADOPTED);
	if (copy || !writable) {
		KUNIT_EXPECT_EQ(test, a->state, KDUMP_CTX_ADOPTED);
		KUNIT_EXPECT_EQ(test, st->nr_adopted, 2);
		KUNIT_EXPECT_NE(test, new[0], 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, a->state, KDUMP_CTX_REFUSED);
	KUNIT_EXPECT_EQ(test, a->reason, KDUMP_TABLE_DMA_WRITABLE);
	KUNIT_EXPECT_EQ(test, a->bad_addr, l1_a);
	KUNIT_EXPECT_NULL(test, a->walk);
	KUNIT_EXPECT_EQ(test, st->nr_adopted, 1);
	KUNIT_EXPECT_EQ(test, st->nr_refused, 1);
	KUNIT_EXPECT_EQ(test, new[0], 0);
	KUNIT_EXPECT_EQ(test, new[1], 0);
	KUNIT_EXPECT_EQ(test, new[2], ctx[2]);
}

static void kdump_test_dma_writable_table(struct kunit *test)
{
	dma_writable_case(test, false, true);
}

static void kdump_test_dma_readonly_table(struct kunit *test)
{
	dma_writable_case(test, false, false);
}

static void kdump_test_dma_writable_table_copy(struct kunit *test)
{
	dma_writable_case(test, true, true);
}

/* ---- Budgets: large and hostile states in bounded time --------------- */

/* Many table pages, each counted as the crashed kernel's RAM. */
struct test_pool {
	u64 **page;
	unsigned int nr, max;
	struct kdump_phys_range *old;
	struct kdump_phys_range own[1];
	struct kdump_mem_map mm;
};

static void test_pool_exit(void *data)
{
	struct test_pool *p = data;
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		free_page((unsigned long)p->page[i]);
	kvfree(p->page);
	kvfree(p->old);
}

static struct test_pool *test_pool_init(struct kunit *test, unsigned int max)
{
	struct test_pool *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->page = kvcalloc(max, sizeof(*p->page), GFP_KERNEL);
	p->old = kvcalloc(max + 2, sizeof(*p->old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->page);
	KUNIT_ASSERT_NOT_NULL(test, p->old);
	kunit_add_action_or_reset(test, test_pool_exit, p);
	p->max = max;
	p->old[0].start = OLD_DATA_BASE;
	p->old[0].last = OLD_DATA_BASE + OLD_DATA_SIZE - 1;
	p->own[0].start = OWN_BASE;
	p->own[0].last = OWN_BASE + OWN_SIZE - 1;
	p->mm.old = p->old;
	p->mm.nr_old = 1;
	p->mm.own = p->own;
	p->mm.nr_own = 1;
	return p;
}

static u64 *test_pool_page(struct kunit *test, struct test_pool *p, u64 *phys)
{
	u64 *v;

	KUNIT_ASSERT_LT(test, p->nr, p->max);
	v = (u64 *)get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	p->page[p->nr++] = v;
	*phys = virt_to_phys(v);
	p->old[p->mm.nr_old].start = *phys;
	p->old[p->mm.nr_old].last = *phys + PAGE_SIZE - 1;
	p->mm.nr_old++;
	return v;
}

#define BIG_LEAVES	1000000U

/* A 4-level table of BIG_LEAVES 4K leaves onto contiguous old pages. */
static u64 build_big(struct kunit *test, struct test_pool *p)
{
	u64 l4p, l3p, l2p = 0, l1p, *l4, *l3, *l2 = NULL, *l1 = NULL;
	unsigned int i;

	l4 = test_pool_page(test, p, &l4p);
	l3 = test_pool_page(test, p, &l3p);
	l4[0] = l3p | SL_RW;
	for (i = 0; i < BIG_LEAVES; i++) {
		if (!(i % (512 * 512))) {
			l2 = test_pool_page(test, p, &l2p);
			l3[i / (512 * 512)] = l2p | SL_RW;
		}
		if (!(i % 512)) {
			l1 = test_pool_page(test, p, &l1p);
			l2[(i / 512) % 512] = l1p | SL_RW;
		}
		l1[i % 512] = (OLD_DATA_BASE + (u64)i * SZ_4K) | SL_RW;
	}
	return l4p;
}

/*
 * 10^6 leaves: walked whole without a budget, into one run (the leaves
 * are contiguous); with a budget of half as many, refused at the limit.
 */
static void kdump_test_budget_leaves(struct kunit *test)
{
	struct test_pool *p = test_pool_init(test, 2048);
	u64 root = build_big(test, p), t0;
	struct kdump_budget b = { .limit = { ULONG_MAX, BIG_LEAVES / 2,
					     ULONG_MAX } };
	struct kdump_walk *w;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, kdump_walk_pgtable(&p->mm, &test_hw, root, 4,
						 KDUMP_PT_SECOND_LEVEL, false,
						 w), 0);
	kunit_info(test, "%u leaves, %lu tables walked in %llu us\n",
		   BIG_LEAVES, w->tables, div_u64(ktime_get_ns() - t0, 1000));
	KUNIT_EXPECT_EQ(test, w->leaves[0], BIG_LEAVES);
	KUNIT_EXPECT_EQ(test, w->nr_maps, 1);
	KUNIT_EXPECT_EQ(test, w->nr_ranges, 1);
	kdump_walk_free(w);

	memset(w, 0, sizeof(*w));
	w->budget = &b;
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, kdump_walk_pgtable(&p->mm, &test_hw, root, 4,
						 KDUMP_PT_SECOND_LEVEL, false,
						 w), -EINVAL);
	kunit_info(test, "refused at the budget of %u leaves in %llu us\n",
		   BIG_LEAVES / 2, div_u64(ktime_get_ns() - t0, 1000));
	KUNIT_EXPECT_EQ(test, w->reason, KDUMP_BUDGET);
	KUNIT_EXPECT_EQ(test, w->bad_addr, BIG_LEAVES / 2);
	KUNIT_EXPECT_EQ(test, b.used[KDUMP_BUDGET_LEAVES], BIG_LEAVES / 2);
	kdump_walk_free(w);
}

/*
 * 2^20 present PASID entries: a 2^14-entry directory whose every entry
 * points at one full PASID table.  Only the RID_PASID's table is read;
 * the rest is noted per directory entry, in bounded time and memory.
 */
static void kdump_test_budget_pasids(struct kunit *test)
{
	struct test_pool *p = test_pool_init(test, 16);
	struct test_reader rd = {};
	struct kdump_iommu *st;
	u64 ctxp, tblp, dirp, half = 0, t0, *ctx, *tbl, *dir;
	unsigned int i, order = get_order(BIT(14) * sizeof(u64));
	struct page *pg;

	tbl = test_pool_page(test, p, &tblp);
	for (i = 0; i < PASID_TBL_ENTRIES; i++) {
		tbl[i * 8] = PASID_PTE_PRESENT |
			     (PASID_ENTRY_PGTT_PT << 6);
		tbl[i * 8 + 1] = 5;
	}
	pg = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	KUNIT_ASSERT_NOT_NULL(test, pg);
	dir = page_address(pg);
	dirp = page_to_phys(pg);
	for (i = 0; i < BIT(14); i++)
		dir[i] = tblp | PASID_PTE_PRESENT;
	p->old[p->mm.nr_old].start = dirp;
	p->old[p->mm.nr_old].last = dirp + (PAGE_SIZE << order) - 1;
	p->mm.nr_old++;
	ctx = test_pool_page(test, p, &ctxp);
	ctx[0] = dirp | (7 << 9) | 1;		/* PDTS 7: 2^14 entries */

	st = test_state(test, &p->mm, true, false, &rd);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, kdump_judge_context_table(st, 0, ctxp, 0, &half),
			0);
	kunit_info(test, "2^20 PASID entries judged in %llu us, %lu left out, %u recorded\n",
		   div_u64(ktime_get_ns() - t0, 1000), st->nr_pasids_dropped,
		   st->nr_pasids);
	__free_pages(pg, order);
	KUNIT_EXPECT_EQ(test, st->nr_adopted, 1);
	KUNIT_EXPECT_EQ(test, st->nr_pasids_dropped, BIT(14) - 1 + 63);
	KUNIT_EXPECT_LE(test, st->nr_pasids, KDUMP_PASIDS_RECORDED);
	/* The context table, 32 directory pages and one PASID table. */
	KUNIT_EXPECT_EQ(test, st->budget.used[KDUMP_BUDGET_TABLES], 34);
	KUNIT_EXPECT_EQ(test, rd.maps, rd.unmaps);
}

#define MANY_ROOTS	2048U

/*
 * 2,048 contexts on 8 buses, each with its own (empty) page table: the
 * walk cache finds each in O(log n).  With a budget of 1,000 tables, the
 * contexts past it are refused ("budget"), the others adopted.
 */
static void many_roots_case(struct kunit *test, unsigned long tables)
{
	struct test_pool *p = test_pool_init(test, MANY_ROOTS + 8);
	struct test_reader rd = {};
	struct kdump_iommu *st;
	u64 ctxp[8], rootp, half, t0, *ctx;
	unsigned int bus, devfn, refused = 0;

	for (bus = 0; bus < 8; bus++) {
		ctx = test_pool_page(test, p, &ctxp[bus]);
		for (devfn = 0; devfn < 256; devfn++) {
			test_pool_page(test, p, &rootp);
			ctx[devfn * 2] = rootp | 1;
			/* 39-bit, a domain-id below the 256 there are. */
			ctx[devfn * 2 + 1] = 1 | ((u64)(devfn % 254 + 1) << 8);
		}
	}
	st = test_state(test, &p->mm, false, false, &rd);
	st->budget.limit[KDUMP_BUDGET_TABLES] = tables;
	t0 = ktime_get_ns();
	for (bus = 0; bus < 8; bus++) {
		half = 0;
		KUNIT_ASSERT_EQ(test, kdump_judge_context_table(st, bus,
								ctxp[bus], 0,
								&half), 0);
	}
	for (devfn = 0; devfn < st->nr_ctx; devfn++)
		if (st->ctx[devfn].reason == KDUMP_BUDGET)
			refused++;
	kunit_info(test, "%u roots judged in %llu us with a budget of %lu tables: %u adopted, %u refused (budget)\n",
		   MANY_ROOTS, div_u64(ktime_get_ns() - t0, 1000), tables,
		   st->nr_adopted, refused);
	/* Whatever was refused, was refused for the budget. */
	KUNIT_EXPECT_EQ(test, st->nr_refused, refused);
	KUNIT_EXPECT_EQ(test, rd.maps, rd.unmaps);
	if (tables >= MANY_ROOTS + 8) {
		KUNIT_EXPECT_EQ(test, st->nr_adopted, MANY_ROOTS);
		KUNIT_EXPECT_EQ(test, st->nr_walks, MANY_ROOTS);
		KUNIT_EXPECT_EQ(test, refused, 0);
		return;
	}
	/*
	 * Buses 0-2 whole, bus 3's table and its first roots up to the
	 * limit; the rest of bus 3 one by one, buses 4-7 as whole tables.
	 */
	KUNIT_EXPECT_EQ(test, st->budget.used[KDUMP_BUDGET_TABLES], tables);
	KUNIT_EXPECT_EQ(test, st->nr_adopted, tables - 4);
	KUNIT_EXPECT_EQ(test, refused, MANY_ROOTS - (tables - 4) - 4 * 256 + 4);
}

static void kdump_test_budget_roots(struct kunit *test)
{
	many_roots_case(test, ULONG_MAX);
	many_roots_case(test, 1000);
}

/* ---- Fuzz: seeded damage of whole trees, through the judge ----------- */

static unsigned long fuzz_seed = 0x6b64756d70ULL;
module_param(fuzz_seed, ulong, 0444);
MODULE_PARM_DESC(fuzz_seed, "seed of kdump_test_fuzz (printed per case on failure)");
static unsigned int fuzz_cases = 5000;
module_param(fuzz_cases, uint, 0444);
MODULE_PARM_DESC(fuzz_cases, "cases per configuration of kdump_test_fuzz");

/* The pages of a fuzz tree: 4 page-table levels and PASID tables each. */
enum {
	FZ_ROOT,
	FZ_CTX0,
	FZ_CTX1,
	FZ_PT,
	FZ_DIR = FZ_PT + 12,
	FZ_PTBL = FZ_DIR + 3,
	FZ_DATA = FZ_PTBL + 3,
	FZ_NR = FZ_DATA + 4
};

/* Three devices, 00:00.0, 00:01.0 and 01:00.0, each with its own tables. */
struct fuzz_tree {
	struct test_pool *p;
	u64 *v[FZ_NR];
	u64 pa[FZ_NR];
	u64 *golden[FZ_NR];
	u64 big;		/* a 2 MiB block of old RAM, for a large leaf */
	bool scalable;
};

static void fuzz_build(struct fuzz_tree *f)
{
	unsigned int d, i;

	for (i = 0; i < FZ_NR; i++)
		memset(f->v[i], 0, PAGE_SIZE);
	f->v[FZ_ROOT][0] = f->pa[FZ_CTX0] | 1;
	f->v[FZ_ROOT][2] = f->pa[FZ_CTX1] | 1;
	for (d = 0; d < 3; d++) {
		u64 *ctx = f->v[d == 2 ? FZ_CTX1 : FZ_CTX0];
		unsigned int devfn = d == 1 ? 8 : 0;
		u64 *l4 = f->v[FZ_PT + 4 * d], *l3 = f->v[FZ_PT + 4 * d + 1];
		u64 *l2 = f->v[FZ_PT + 4 * d + 2], *l1 = f->v[FZ_PT + 4 * d + 3];
		u64 *pe = f->v[FZ_PTBL + d];

		l4[0] = f->pa[FZ_PT + 4 * d + 1] | SL_RW;
		l3[0] = f->pa[FZ_PT + 4 * d + 2] | SL_RW;
		l2[0] = f->pa[FZ_PT + 4 * d + 3] | SL_RW;
		l2[1] = f->big | SL_RW | BIT_ULL(7);
		for (i = 0; i < 8; i++)
			l1[i] = f->pa[FZ_DATA + i % 4] | (i & 1 ? 1 : SL_RW);
		if (!f->scalable) {
			ctx[devfn * 2] = f->pa[FZ_PT + 4 * d] | 1;
			ctx[devfn * 2 + 1] = 2 | ((u64)(d + 1) << 8);
			continue;
		}
		ctx[devfn * 4] = f->pa[FZ_DIR + d] | 1;
		f->v[FZ_DIR + d][0] = f->pa[FZ_PTBL + d] | 1;
		pe[1] = d + 1;
		if (d == 1) {		/* first level */
			pe[0] = 1 | (PASID_ENTRY_PGTT_FL_ONLY << 6);
			pe[2] = f->pa[FZ_PT + 4 * d];
		} else {
			pe[0] = 1 | (PASID_ENTRY_PGTT_SL_ONLY << 6) | (2 << 2) |
				f->pa[FZ_PT + 4 * d];
		}
	}
	if (f->scalable)
		f->v[FZ_ROOT][1] = 0;
}

static void fuzz_tree_exit(void *data)
{
	struct fuzz_tree *f = data;
	unsigned int i;

	for (i = 0; i < FZ_NR; i++)
		kfree(f->golden[i]);
	__free_pages(pfn_to_page(PHYS_PFN(f->big)), get_order(SZ_2M));
}

static struct fuzz_tree *fuzz_tree_init(struct kunit *test, bool scalable)
{
	struct fuzz_tree *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct page *big;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->p = test_pool_init(test, FZ_NR);
	/* Old RAM is nothing but these pages: whatever is adopted is real. */
	f->p->mm.nr_old = 0;
	for (i = 0; i < FZ_NR; i++) {
		f->v[i] = test_pool_page(test, f->p, &f->pa[i]);
		f->golden[i] = kmalloc(PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, f->golden[i]);
	}
	big = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(SZ_2M));
	KUNIT_ASSERT_NOT_NULL(test, big);
	f->big = page_to_phys(big);
	f->p->old[f->p->mm.nr_old].start = f->big;
	f->p->old[f->p->mm.nr_old].last = f->big + SZ_2M - 1;
	f->p->mm.nr_old++;
	f->scalable = scalable;
	kunit_add_action_or_reset(test, fuzz_tree_exit, f);
	fuzz_build(f);
	for (i = 0; i < FZ_NR; i++)
		memcpy(f->golden[i], f->v[i], PAGE_SIZE);
	return f;
}

/* A page of the tree (never a data page) to damage. */
static unsigned int fuzz_victim(struct fuzz_tree *f, struct rnd_state *rnd)
{
	unsigned int nr = f->scalable ? FZ_DATA : FZ_DIR;

	return prandom_u32_state(rnd) % nr;
}

/* A present entry of page @pg if there is one, else any entry. */
static unsigned int fuzz_slot(const u64 *pg, struct rnd_state *rnd)
{
	unsigned int i, start = prandom_u32_state(rnd) % 512;

	for (i = 0; i < 512; i++)
		if (pg[(start + i) % 512])
			return (start + i) % 512;
	return start;
}

static u64 fuzz_addr(struct fuzz_tree *f, struct rnd_state *rnd)
{
	switch (prandom_u32_state(rnd) % 4) {
	case 0:
	case 1:		/* another table of the tree: levels and kinds swap */
		return f->pa[prandom_u32_state(rnd) % FZ_NR];
	case 2:		/* the capture kernel's own RAM */
		return OWN_BASE + ((u64)prandom_u32_state(rnd) & 0xfff000);
	default:
		return ((u64)prandom_u32_state(rnd) << 32 |
			prandom_u32_state(rnd)) & GENMASK_ULL(51, 12);
	}
}

/* One damage; @what is set to its kind, for the report. */
static void fuzz_damage(struct fuzz_tree *f, struct rnd_state *rnd,
			unsigned int *what)
{
	unsigned int pg = fuzz_victim(f, rnd), i;
	u64 *v = f->v[pg];
	unsigned int slot = fuzz_slot(v, rnd);

	*what = prandom_u32_state(rnd) % 3;
	switch (*what) {
	case 0:		/* bit flip */
		v[slot] ^= BIT_ULL(prandom_u32_state(rnd) % 64);
		break;
	case 1:		/* pointer swap */
		v[slot] = (v[slot] & ~GENMASK_ULL(51, 12)) | fuzz_addr(f, rnd);
		break;
	default:	/* a whole page of garbage */
		for (i = 0; i < 512; i++)
			v[i] = (u64)prandom_u32_state(rnd) << 32 |
			       prandom_u32_state(rnd);
		break;
	}
}

/* The test's own idea of old RAM: a linear scan of what it declared. */
static bool fuzz_in_old(const struct fuzz_tree *f, u64 addr, u64 size)
{
	const struct kdump_mem_map *mm = &f->p->mm;
	unsigned int i;

	if (addr + size < addr)
		return false;
	for (i = 0; i < mm->nr_old; i++)
		if (addr >= mm->old[i].start && addr + size - 1 <= mm->old[i].last)
			return true;
	return false;
}

/* Pages the judge allocated: copies of tables, new context/PASID tables. */
static bool fuzz_is_copy(const struct kdump_iommu *st, u64 pa)
{
	const struct kdump_block *b;
	unsigned long n;
	unsigned int i;

	for (i = 0; i < st->nr_walks; i++)
		for (n = 0; n < st->walks[i]->copied_pages; n++)
			if (virt_to_phys(st->walks[i]->copies[n]) == pa)
				return true;
	list_for_each_entry(b, &st->pages, node)
		if (pa >= virt_to_phys(b->virt) &&
		    pa < virt_to_phys(b->virt) + (PAGE_SIZE << b->order))
			return true;
	return false;
}

struct fuzz_ref {
	struct fuzz_tree *f;
	struct kdump_iommu *st;
	u64 tables[64];		/* old tables in use, in place */
	unsigned int nr_tables;
	struct kdump_phys_range wr[64];	/* writable leaves */
	unsigned int nr_wr;
	unsigned int steps;
	const char *why;
};

static bool fuzz_flaw(struct fuzz_ref *r, const char *why)
{
	r->why = why;
	return false;
}

/* Reference walk of an installed page table; false with ->why on a flaw. */
static bool fuzz_ref_pt(struct fuzz_ref *r, u64 table, int level, bool fl,
			bool writable)
{
	u64 *v;
	unsigned int i;

	if (++r->steps > 4096)
		return fuzz_flaw(r, "unbounded");
	if (fuzz_is_copy(r->st, table)) {
		v = phys_to_virt(table);
	} else if (fuzz_in_old(r->f, table, PAGE_SIZE)) {
		if (r->nr_tables < ARRAY_SIZE(r->tables))
			r->tables[r->nr_tables++] = table;
		v = phys_to_virt(table);
	} else {
		return fuzz_flaw(r, "table outside old RAM and not a copy");
	}
	for (i = 0; i < 512; i++) {
		u64 e = READ_ONCE(v[i]), addr = e & GENMASK_ULL(51, 12);
		u64 size = 1ULL << (12 + 9 * (level - 1));
		bool w = writable && (e & BIT_ULL(1));

		if (!(fl ? e & 1 : e & 3))
			continue;
		if (level > 1 && !(e & BIT_ULL(7))) {
			if (!fuzz_ref_pt(r, addr, level - 1, fl, w))
				return false;
			continue;
		}
		if (fl && level > 1)
			addr &= ~BIT_ULL(12);
		if (!fuzz_in_old(r->f, addr, size))
			return fuzz_flaw(r, "leaf outside old RAM");
		if (w && r->nr_wr < ARRAY_SIZE(r->wr)) {
			r->wr[r->nr_wr].start = addr;
			r->wr[r->nr_wr++].last = addr + size - 1;
		}
	}
	return true;
}

/* Reference check of one present PASID-table entry. */
static bool fuzz_ref_pe(struct fuzz_ref *r, const u64 *pe)
{
	unsigned int levels = ((pe[0] >> 2) & 7) + 2;

	switch ((pe[0] >> 6) & 7) {
	case PASID_ENTRY_PGTT_SL_ONLY:
	case PASID_ENTRY_PGTT_NESTED:
		if (levels < 3 || levels > 5)
			return fuzz_flaw(r, "PASID entry address width");
		return fuzz_ref_pt(r, pe[0] & VTD_PAGE_MASK, levels, false,
				   true);
	case PASID_ENTRY_PGTT_FL_ONLY:
		return fuzz_ref_pt(r, pe[2] & VTD_PAGE_MASK,
				   (pe[2] >> 2) & 1 ? 5 : 4, true, true);
	case PASID_ENTRY_PGTT_PT:
		return true;
	default:
		return fuzz_flaw(r, "PASID entry translation type");
	}
}

/*
 * Reference check of an installed scalable-mode context: every present
 * entry of its PASID structures, whichever PASID the hardware uses for
 * requests without one (the RID_PASID field, or PASID 0 where it is
 * deprecated), and whatever PASID tagged requests carry.
 */
static bool fuzz_ref_sm(struct fuzz_ref *r, const u64 *ce)
{
	u64 dir = ce[0] & VTD_PAGE_MASK, *d, *pe;
	unsigned int nr = 1U << (((ce[0] >> 9) & 7) + 7), i, j;

	if (!fuzz_is_copy(r->st, dir) && !fuzz_in_old(r->f, dir, nr * 8ULL))
		return fuzz_flaw(r, "PASID directory nowhere");
	d = phys_to_virt(dir);
	for (i = 0; i < nr; i++) {
		u64 tbl = d[i] & VTD_PAGE_MASK;

		if (!(d[i] & 1))
			continue;
		if (!fuzz_is_copy(r->st, tbl) &&
		    !fuzz_in_old(r->f, tbl, PAGE_SIZE))
			return fuzz_flaw(r, "PASID table nowhere");
		pe = phys_to_virt(tbl);
		for (j = 0; j < PASID_TBL_ENTRIES; j++)
			if ((pe[j * 8] & 1) && !fuzz_ref_pe(r, pe + j * 8))
				return false;
	}
	return true;
}

/*
 * Everything the judge installed, re-checked by the test's own walk: each
 * table is old RAM or a copy the judge made, each leaf old RAM, and, in
 * place, no table in use is mapped writable by an adopted leaf.
 */
static bool fuzz_reference(struct fuzz_ref *r, const struct root_entry *rt)
{
	unsigned int bus, devfn, i, j;

	for (bus = 0; bus < 256; bus++) {
		for (devfn = 0; devfn < 256; devfn++) {
			u64 half = r->f->scalable && devfn >= 128 ? rt[bus].hi :
								   rt[bus].lo;
			u64 *ctx, *ce;

			if (!(half & 1))
				continue;
			ctx = phys_to_virt(half & VTD_PAGE_MASK);
			ce = r->f->scalable ? ctx + (devfn & 127) * 4 :
					      ctx + devfn * 2;
			if (!(ce[0] & 1))
				continue;
			if (r->f->scalable) {
				if (!fuzz_ref_sm(r, ce))
					return false;
			} else if (((ce[0] >> 2) & 3) != CONTEXT_TT_PASS_THROUGH &&
				   !fuzz_ref_pt(r, ce[0] & VTD_PAGE_MASK,
						(ce[1] & 7) + 2, false, true)) {
				return false;
			}
		}
	}
	for (i = 0; i < r->nr_tables; i++)
		for (j = 0; j < r->nr_wr; j++)
			if (r->tables[i] <= r->wr[j].last &&
			    r->tables[i] + PAGE_SIZE - 1 >= r->wr[j].start)
				return fuzz_flaw(r, "table in use writable by DMA");
	return true;
}

static void fuzz_config(struct kunit *test, bool scalable, bool copy)
{
	static const char * const kinds[] = { "flip", "swap", "garbage" };
	struct fuzz_tree *f = fuzz_tree_init(test, scalable);
	unsigned int c, i, adopted = 0, refused = 0, failed = 0, n;
	unsigned int by_kind[3] = {}, what[3];
	struct root_entry *new_rt;
	struct test_reader rd = {};
	struct kdump_iommu *st;
	u64 t0 = ktime_get_ns();
	struct rnd_state rnd;
	struct fuzz_ref *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	new_rt = (struct root_entry *)get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, new_rt);
	st = test_state(test, &f->p->mm, scalable, copy, &rd);
	for (c = 0; c < fuzz_cases; c++) {
		u64 seed = fuzz_seed ^ ((u64)c << 32) ^ (scalable << 1) ^ copy;

		/* Seconds of cases on one CPU: no RCU stall. */
		cond_resched();
		memset(r, 0, sizeof(*r));
		r->f = f;
		r->st = st;
		prandom_seed_state(&rnd, seed);
		for (i = 0; i < FZ_NR; i++)
			memcpy(f->v[i], f->golden[i], PAGE_SIZE);
		n = 1 + prandom_u32_state(&rnd) % 3;
		for (i = 0; i < n; i++) {
			fuzz_damage(f, &rnd, &what[i]);
			by_kind[what[i]]++;
		}
		memset(new_rt, 0, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, kdump_judge_root_table(st, f->pa[FZ_ROOT],
							     new_rt), 0);
		adopted += st->nr_adopted;
		refused += st->nr_refused;
		if (!fuzz_reference(r, new_rt) || rd.maps != rd.unmaps) {
			if (failed++ < 5)
				KUNIT_FAIL(test, "seed 0x%llx (%s mode, %s): %s; damage %s%s%s%s%s",
					   seed, scalable ? "scalable" : "legacy",
					   copy ? "copy" : "in place",
					   r->why ?: "maps != unmaps", kinds[what[0]],
					   n > 1 ? ", " : "", n > 1 ? kinds[what[1]] : "",
					   n > 2 ? ", " : "", n > 2 ? kinds[what[2]] : "");
		}
		kdump_judged_free(st);
		st->budget.used[KDUMP_BUDGET_TABLES] = 0;
		st->budget.used[KDUMP_BUDGET_LEAVES] = 0;
		st->budget.used[KDUMP_BUDGET_BYTES] = 0;
	}
	free_page((unsigned long)new_rt);
	kunit_info(test, "%s, %s: %u cases (seed 0x%lx) in %llu ms: %u flips, %u swaps, %u garbage pages; %u contexts adopted, %u refused, %u flawed\n",
		   scalable ? "scalable" : "legacy", copy ? "copy" : "in place",
		   fuzz_cases, fuzz_seed, div_u64(ktime_get_ns() - t0, 1000000),
		   by_kind[0], by_kind[1], by_kind[2], adopted, refused, failed);
	KUNIT_EXPECT_EQ(test, failed, 0);
	KUNIT_EXPECT_GT(test, adopted, 0);
	KUNIT_EXPECT_GT(test, refused, 0);
}

static void kdump_test_fuzz(struct kunit *test)
{
	fuzz_config(test, false, false);
	fuzz_config(test, false, true);
	fuzz_config(test, true, false);
	fuzz_config(test, true, true);
}

/* ---- Every reserved field, flipped once ------------------------------ */

/* A valid entry of @kind: every reserved-bit flip of it must be refused. */
static void rsvd_template(enum kdump_entry_kind kind, u64 e[8])
{
	memset(e, 0, 8 * sizeof(u64));
	switch (kind) {
	case KDUMP_E_SM_ROOT:
		e[1] = OLD_DATA_BASE | 1;
		fallthrough;
	case KDUMP_E_ROOT:
	case KDUMP_E_PASID_DIR:
	case KDUMP_E_SM_CONTEXT:
		e[0] = OLD_DATA_BASE | 1;
		break;
	case KDUMP_E_CONTEXT:
		e[0] = OLD_DATA_BASE | 1;
		e[1] = 2 | (5 << 8);
		break;
	case KDUMP_E_PASID:
		e[0] = PASID_PTE_PRESENT | (PASID_ENTRY_PGTT_SL_ONLY << 6) |
		       (2 << 2) | OLD_DATA_BASE;
		e[1] = 5;
		break;
	case KDUMP_E_SL_TABLE:
	case KDUMP_E_SL_LEAF:
		e[0] = OLD_DATA_BASE | SL_RW;
		break;
	}
}

/*
 * A paging entry goes through the walk itself, in build_sample()'s tree:
 * as the top-level entry naming the level-3 table, or as a 4 KiB leaf.
 */
static enum kdump_refusal rsvd_walk(struct kunit *test,
				    const struct kdump_hw_caps *hw,
				    enum kdump_entry_kind kind, const u64 *e)
{
	struct test_tables *t = test_tables_init(test);
	u64 root = build_sample(test, t), *l4 = t->page[0], *l1 = t->page[3];
	struct kdump_walk w = { };
	enum kdump_refusal r;

	if (kind == KDUMP_E_SL_TABLE)
		l4[0] = (e[0] & ~PTE_ADDR_MASK) | (l4[0] & PTE_ADDR_MASK);
	else
		l1[5] = e[0];
	kdump_walk_pgtable(&t->mm, hw, root, 4, KDUMP_PT_SECOND_LEVEL, false,
			   &w);
	r = w.reason;
	kdump_walk_free(&w);
	return r;
}

/* The check the judge applies to an entry of @kind. */
static enum kdump_refusal rsvd_judge(struct kunit *test,
				     const struct kdump_hw_caps *hw,
				     enum kdump_entry_kind kind, const u64 *e)
{
	switch (kind) {
	case KDUMP_E_SL_TABLE:
	case KDUMP_E_SL_LEAF:
		return rsvd_walk(test, hw, kind, e);
	case KDUMP_E_CONTEXT:
		return kdump_check_legacy_context(hw, e);
	case KDUMP_E_SM_CONTEXT:
		return kdump_check_sm_context(hw, e);
	case KDUMP_E_PASID:
		return kdump_check_pasid_entry(hw, e);
	default:
		return kdump_check_reserved(hw, kind, e);
	}
}

/*
 * Every bit of every row of kdump_rsvd_rules[], set alone in an otherwise
 * valid entry, is refused with the row's reason; a bit reserved unless a
 * capability is present is accepted once the IOMMU reports it.
 */
static void kdump_test_reserved_bits(struct kunit *test)
{
	unsigned int i, bit, flips = 0, allowed = 0;
	u64 e[8];

	for (i = 0; i < kdump_nr_rsvd_rules; i++) {
		const struct kdump_rsvd_rule *rule = &kdump_rsvd_rules[i];
		struct kdump_hw_caps without = test_hw, with = test_hw;

		without.ecap &= ~rule->unless;
		with.ecap |= rule->unless;
		rsvd_template(rule->kind, e);
		KUNIT_ASSERT_EQ_MSG(test,
				    rsvd_judge(test, &without, rule->kind, e),
				    KDUMP_OK, "template of %s", rule->spec);
		for (bit = 0; bit < 64; bit++) {
			if (!(rule->bits & BIT_ULL(bit)))
				continue;
			rsvd_template(rule->kind, e);
			e[rule->qw] |= BIT_ULL(bit);
			KUNIT_EXPECT_EQ_MSG(test,
					    rsvd_judge(test, &without,
						       rule->kind, e),
					    rule->reason, "%s: bit %u of qw %u",
					    rule->spec, bit, rule->qw);
			flips++;
			if (!rule->unless)
				continue;
			KUNIT_EXPECT_EQ_MSG(test,
					    rsvd_judge(test, &with, rule->kind,
						       e),
					    KDUMP_OK, "%s with the capability",
					    rule->spec);
			allowed++;
		}
	}
	kunit_info(test, "%u reserved bits flipped over %u rules, %u allowed by a capability\n",
		   flips, kdump_nr_rsvd_rules, allowed);
	KUNIT_EXPECT_GT(test, flips, 500);
}

static struct kunit_case kdump_test_cases[] = {
	KUNIT_CASE(kdump_test_normalize),
	KUNIT_CASE(kdump_test_table_addr),
	KUNIT_CASE(kdump_test_legacy_context),
	KUNIT_CASE(kdump_test_sm_entries),
	KUNIT_CASE(kdump_test_walk_ranges),
	KUNIT_CASE(kdump_test_walk_loop),
	KUNIT_CASE(kdump_test_walk_bad_addresses),
	KUNIT_CASE(kdump_test_walk_direct_leaves),
	KUNIT_CASE(kdump_test_walk_partial),
	KUNIT_CASE(kdump_test_walk_window_over_old_ram),
	KUNIT_CASE(kdump_test_walk_partial_copy),
	KUNIT_CASE(kdump_test_walk_superpages),
	KUNIT_CASE(kdump_test_walk_levels),
	KUNIT_CASE(kdump_test_walk_copy),
	KUNIT_CASE(kdump_test_walk_first_level),
	KUNIT_CASE(kdump_test_walk_sw_bits),
	KUNIT_CASE(kdump_test_walk_first_level_5),
	KUNIT_CASE(kdump_test_walk_mutations),
	KUNIT_CASE(kdump_test_span_reader),
	KUNIT_CASE(kdump_test_direct_pieces),
	KUNIT_CASE(kdump_test_switch_legacy),
	KUNIT_CASE(kdump_test_switch_legacy_refused),
	KUNIT_CASE(kdump_test_switch_scalable_sl),
	KUNIT_CASE(kdump_test_switch_scalable_fl),
	KUNIT_CASE(kdump_test_switch_scalable_pt),
	KUNIT_CASE(kdump_test_switch_scalable_refused),
	KUNIT_CASE(kdump_test_context_table_legacy),
	KUNIT_CASE(kdump_test_context_table_legacy_copy),
	KUNIT_CASE(kdump_test_context_table_scalable),
	KUNIT_CASE(kdump_test_context_table_partial),
	KUNIT_CASE(kdump_test_root_table),
	KUNIT_CASE(kdump_test_root_table_uctp),
	KUNIT_CASE(kdump_test_reserved_bits),
	KUNIT_CASE(kdump_test_walk_upper_readonly),
	KUNIT_CASE(kdump_test_dma_writable_table),
	KUNIT_CASE(kdump_test_dma_readonly_table),
	KUNIT_CASE(kdump_test_dma_writable_table_copy),
	KUNIT_CASE_SLOW(kdump_test_budget_leaves),
	KUNIT_CASE(kdump_test_budget_pasids),
	KUNIT_CASE_SLOW(kdump_test_budget_roots),
	KUNIT_CASE_SLOW(kdump_test_fuzz),
	{}
};

static struct kunit_suite kdump_test_suite = {
	.name = "intel_iommu_kdump",
	.test_cases = kdump_test_cases,
};

kunit_test_suite(kdump_test_suite);

MODULE_DESCRIPTION("KUnit tests for the VT-d kdump adoption unit");
MODULE_LICENSE("GPL");
