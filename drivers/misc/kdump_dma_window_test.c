// SPDX-License-Identifier: GPL-2.0
/*
 * A test driver that opens the kdump hand-over window on purpose.
 *
 * In a kdump capture kernel, a device whose IOMMU context was adopted gets
 * its new DMA domain when its driver first uses the DMA API.  Mainline
 * assumes the driver has reset the device by then.  This driver does the
 * opposite, as some real drivers do: it claims a device the crashed kernel
 * left running (an e1000e receiving a packet stream), allocates and maps
 * DMA buffers first, waits, and only then resets the device.  DMA still in
 * flight during that window shows whether the capture kernel's IOMMU code
 * kept the old translations (no fault) or not (DMAR faults).
 *
 * It binds only in a capture kernel and only when asked:
 * kdump_dma_window_test.enable=1 (keep e1000e off the device with
 * initcall_blacklist=e1000_init_module), or later by writing 1 to the
 * enable parameter and binding the device through sysfs, so that the
 * hand-over happens while user space watches.  It prints every IOVA it
 * was given, so a test can check that none overlaps the crashed kernel's.
 */
#include <linux/crash_dump.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>

#define E1000_CTRL	0x0000
#define E1000_CTRL_RST	BIT(26)
#define WINDOW_BUFS	16

static bool enable;
module_param(enable, bool, 0644);
MODULE_PARM_DESC(enable, "claim the device in a capture kernel (default off)");

static unsigned int window_ms = 3000;
module_param(window_ms, uint, 0444);
MODULE_PARM_DESC(window_ms, "time between the first DMA mapping and the reset");

static int dma_window_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	dma_addr_t coherent_iova, iova[WINDOW_BUFS];
	void __iomem *regs;
	void *coherent;
	struct page *pages[WINDOW_BUFS];
	int i, ret, written, mapped;

	if (!enable || !is_kdump_kernel())
		return -ENODEV;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	regs = pcim_iomap(pdev, 0, 0);
	if (!regs)
		return -ENOMEM;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	/* The first DMA-API call: the new domain is attached here. */
	coherent = dmam_alloc_coherent(&pdev->dev, SZ_64K, &coherent_iova,
				       GFP_KERNEL);
	if (!coherent)
		return -ENOMEM;
	dev_info(&pdev->dev, "window: iova 0x%llx size 0x%x coherent\n",
		 (u64)coherent_iova, SZ_64K);

	for (i = 0; i < WINDOW_BUFS; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i])
			break;
		iova[i] = dma_map_page(&pdev->dev, pages[i], 0, PAGE_SIZE,
				       DMA_FROM_DEVICE);
		if (dma_mapping_error(&pdev->dev, iova[i])) {
			__free_page(pages[i]);
			break;
		}
		dev_info(&pdev->dev, "window: iova 0x%llx size 0x%lx streaming\n",
			 (u64)iova[i], PAGE_SIZE);
	}

	/* The device is still running the crashed kernel's rings. */
	dev_info(&pdev->dev, "window: open for %u ms before the reset\n",
		 window_ms);
	msleep(window_ms);

	writel(readl(regs + E1000_CTRL) | E1000_CTRL_RST, regs + E1000_CTRL);
	msleep(20);
	dev_info(&pdev->dev, "window: closed, device reset\n");

	/*
	 * Nothing was asked of the device: a written buffer is DMA the
	 * crashed kernel started, landing in this kernel's memory.
	 */
	written = !memchr_inv(coherent, 0, SZ_64K) ? 0 : 1;
	mapped = i;
	while (--i >= 0) {
		dma_unmap_page(&pdev->dev, iova[i], PAGE_SIZE, DMA_FROM_DEVICE);
		if (memchr_inv(page_address(pages[i]), 0, PAGE_SIZE))
			written++;
		__free_page(pages[i]);
	}
	dev_info(&pdev->dev, "window: %d of %d new buffers written by stale DMA\n",
		 written, mapped + 1);
	return 0;
}

static const struct pci_device_id dma_window_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x10d3) },	/* 82574L, QEMU e1000e */
	{ }
};
MODULE_DEVICE_TABLE(pci, dma_window_ids);

static struct pci_driver dma_window_driver = {
	.name = "kdump_dma_window_test",
	.id_table = dma_window_ids,
	.probe = dma_window_probe,
};
module_pci_driver(dma_window_driver);

MODULE_DESCRIPTION("Test driver: map DMA before resetting a device in a kdump kernel");
MODULE_LICENSE("GPL");
