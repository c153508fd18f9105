[    1.452697] calling  pci_iommu_init+0x0/0x2e @ 1
[    1.485532] DMAR: kdump: dmar0: walked second-level table 0x80e000 (4 levels): 1 tables, 0 ranges, leaves 4K/2M/1G 0/0/0
[    1.486186] DMAR: kdump: dmar0: walked second-level table 0x812000 (4 levels): 4 tables, 34 ranges, leaves 4K/2M/1G 294/0/0
[    1.486821] DMAR: kdump: dmar0: walked second-level table 0x815000 (4 levels): 5 tables, 1 ranges, leaves 4K/2M/1G 4/0/0
[    1.487390] DMAR: kdump: dmar0: walked second-level table 0x83c000 (4 levels): 4 tables, 1 ranges, leaves 4K/2M/1G 4/0/0
[    1.487943] DMAR: kdump: dmar0: walked second-level table 0x845000 (4 levels): 4 tables, 1 ranges, leaves 4K/2M/1G 4/0/0
[    1.488502] DMAR: kdump: dmar0: walked second-level table 0x89a000 (4 levels): 3 tables, 1 ranges, leaves 4K/2M/1G 0/128/0
[    1.489042] DMAR: kdump: dmar0: walked second-level table 0x8a4000 (4 levels): 13 tables, 7 ranges, leaves 4K/2M/1G 235/0/0
[    1.519116] initcall pci_iommu_init+0x0/0x2e returned 0 after 57956 usecs
