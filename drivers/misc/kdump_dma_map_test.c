// SPDX-License-Identifier: GPL-2.0
/*
 * A test driver that leaves a large DMA mapping live for a kdump kernel.
 *
 * How long a kdump capture kernel takes to take over the crashed kernel's
 * IOMMU state, and how much memory that costs, grows with what is mapped
 * at the panic.  This driver makes that size a parameter: in the first
 * kernel it claims QEMU's PCI test device (pci-testdev, which does no DMA
 * of its own) and maps size_mb MiB for it through the DMA API, in pieces
 * of page_kb KiB (4, or 2048 to let the IOMMU driver use 2 MiB pages), and
 * keeps the mapping until the kernel dies.  Every piece maps the same
 * memory, so the mapping costs IOVA space and page tables, not RAM.
 *
 * It binds only when asked (kdump_dma_map_test.size_mb=N) and never in a
 * capture kernel, where the device is left without a driver: its mapping
 * is adopted, never handed over.
 */
#include <linux/crash_dump.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

static unsigned int size_mb;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "MiB to map for the device (default 0: do not bind)");

static unsigned int page_kb = 4;
module_param(page_kb, uint, 0444);
MODULE_PARM_DESC(page_kb, "size of each mapped piece in KiB: 4 or 2048");

struct dma_map_test {
	struct sg_table sgt;
	struct page *page;
	unsigned int order;
};

static int dma_map_test_probe(struct pci_dev *pdev,
			      const struct pci_device_id *id)
{
	struct dma_map_test *t;
	struct scatterlist *sg;
	size_t piece;
	unsigned int i, n;
	int ret;

	if (!size_mb || is_kdump_kernel())
		return -ENODEV;
	if (page_kb != 4 && page_kb != 2048)
		return -EINVAL;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	t = devm_kzalloc(&pdev->dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;

	piece = page_kb == 2048 ? SZ_2M : PAGE_SIZE;
	t->order = get_order(piece);
	t->page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			      (t->order ? __GFP_COMP : 0), t->order);
	if (!t->page) {
		dev_warn(&pdev->dev, "map: no %zu KiB page, mapping 4 KiB pieces\n",
			 piece >> 10);
		piece = PAGE_SIZE;
		t->order = 0;
		t->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!t->page)
			return -ENOMEM;
	}
	n = div_u64((u64)size_mb * SZ_1M, piece);
	ret = sg_alloc_table(&t->sgt, n, GFP_KERNEL);
	if (ret)
		goto free_page;
	for_each_sgtable_sg(&t->sgt, sg, i)
		sg_set_page(sg, t->page, piece, 0);
	ret = dma_map_sgtable(&pdev->dev, &t->sgt, DMA_BIDIRECTIONAL,
			      DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto free_table;
	pci_set_drvdata(pdev, t);
	dev_info(&pdev->dev, "map: %u MiB in %u pieces of %zu KiB, iova 0x%llx, %u DMA segments\n",
		 size_mb, n, piece >> 10,
		 (u64)sg_dma_address(t->sgt.sgl), t->sgt.nents);
	return 0;

free_table:
	sg_free_table(&t->sgt);
free_page:
	__free_pages(t->page, t->order);
	return ret;
}

static void dma_map_test_remove(struct pci_dev *pdev)
{
	struct dma_map_test *t = pci_get_drvdata(pdev);

	dma_unmap_sgtable(&pdev->dev, &t->sgt, DMA_BIDIRECTIONAL,
			  DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(&t->sgt);
	__free_pages(t->page, t->order);
}

static const struct pci_device_id dma_map_test_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT, 0x0005) },	/* QEMU pci-testdev */
	{ }
};
MODULE_DEVICE_TABLE(pci, dma_map_test_ids);

static struct pci_driver dma_map_test_driver = {
	.name = "kdump_dma_map_test",
	.id_table = dma_map_test_ids,
	.probe = dma_map_test_probe,
	.remove = dma_map_test_remove,
};
module_pci_driver(dma_map_test_driver);

MODULE_DESCRIPTION("Test driver: a large DMA mapping left live for a kdump kernel");
MODULE_LICENSE("GPL");
