[    1.417618] calling  pci_iommu_init+0x0/0x2e @ 1
[    1.438982] initcall pci_iommu_init+0x0/0x2e returned 0 after 21343 usecs
