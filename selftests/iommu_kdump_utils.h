/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the iommu_kdump kselftest (as iommufd_utils.h is iommufd's):
 * reading files whole, the tab-separated debugfs tables of
 * Documentation/ABI/testing/debugfs-intel-iommu-kdump by column name,
 * domain_translation_struct, the crashed kernel's memory through
 * /proc/vmcore, and the lab's kernel command line knobs.
 */
#ifndef __IOMMU_KDUMP_UTILS_H
#define __IOMMU_KDUMP_UTILS_H

#include <ctype.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/elf.h>
#include <linux/types.h>

#define KDUMP_DIR	"/sys/kernel/debug/iommu/intel/kdump"
#define VMCORE		"/proc/vmcore"

#define PAGE_SZ		4096ULL
#define ADDR_MASK	0x000ffffffffff000ULL
#define MAX_COLS	16
#define MAX_LOADS	256
#define MAX_IOMMUS	16
#define NR_DIDS		65536
#define NOBODY		65534

/* ------------------------------------------------------------------ */
/* Tab-separated debugfs files                                         */

struct tsv {
	char *buf;
	int nr;			/* data rows (the header is not counted) */
	int cols;		/* columns of the header */
	char **cell;		/* (nr + 1) rows of MAX_COLS cells */
	int *ncell;		/* cells in each row */
};

static char *read_all(const char *path)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= size) {
			char *nbuf = realloc(buf, size * 2);

			if (!nbuf)
				break;
			buf = nbuf;
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Split @buf in place into lines and tab-separated cells. */
static int tsv_parse(char *buf, struct tsv *t)
{
	int lines = 0, row = 0;
	char *p, *line, *save;

	for (p = buf; *p; p++)
		lines += *p == '\n';
	t->buf = buf;
	t->cell = calloc((size_t)(lines + 1) * MAX_COLS, sizeof(*t->cell));
	t->ncell = calloc(lines + 1, sizeof(*t->ncell));
	if (!t->cell || !t->ncell)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), row++) {
		char **c = &t->cell[row * MAX_COLS];
		int n = 0;

		c[n++] = line;
		for (p = line; *p; p++) {
			if (*p != '\t')
				continue;
			*p = '\0';
			if (n == MAX_COLS)
				return -1;
			c[n++] = p + 1;
		}
		t->ncell[row] = n;
	}
	t->nr = row ? row - 1 : 0;
	t->cols = row ? t->ncell[0] : 0;
	return row ? 0 : -1;
}

/* Cell @col (by header name) of data row @row, "" if absent. */
static const char *tsv_get(const struct tsv *t, int row, const char *col)
{
	int i;

	for (i = 0; i < t->cols; i++) {
		if (!strcmp(t->cell[i], col))
			return i < t->ncell[row + 1] ?
			       t->cell[(row + 1) * MAX_COLS + i] : "";
	}
	return "";
}

static __u64 tsv_u64(const struct tsv *t, int row, const char *col)
{
	return strtoull(tsv_get(t, row, col), NULL, 0);
}

static int tsv_load(const char *name, struct tsv *t)
{
	char path[256];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", KDUMP_DIR, name);
	buf = read_all(path);
	if (!buf)
		return -1;
	return tsv_parse(buf, t);
}

/* ------------------------------------------------------------------ */
/* The crashed kernel's memory, through /proc/vmcore                   */

struct vmcore {
	int fd;
	int nr;
	struct {
		__u64 paddr, size, offset;
	} load[MAX_LOADS];
};

static int vmcore_open(struct vmcore *v)
{
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	int i;

	v->nr = 0;
	v->fd = open(VMCORE, O_RDONLY);
	if (v->fd < 0)
		return -1;
	if (pread(v->fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		return -1;
	for (i = 0; i < eh.e_phnum && v->nr < MAX_LOADS; i++) {
		if (pread(v->fd, &ph, sizeof(ph),
			  eh.e_phoff + (__u64)i * eh.e_phentsize) != sizeof(ph))
			return -1;
		if (ph.p_type != PT_LOAD)
			continue;
		v->load[v->nr].paddr = ph.p_paddr;
		v->load[v->nr].size = ph.p_filesz;
		v->load[v->nr].offset = ph.p_offset;
		v->nr++;
	}
	return v->nr ? 0 : -1;
}

/* Read @len bytes of old physical memory at @pa (within one page). */
static int old_read(const struct vmcore *v, __u64 pa, void *buf, size_t len)
{
	int i;

	for (i = 0; i < v->nr; i++) {
		__u64 base = v->load[i].paddr;

		if (pa < base || pa + len > base + v->load[i].size)
			continue;
		if (pread(v->fd, buf, len, v->load[i].offset + pa - base) ==
		    (ssize_t)len)
			return 0;
		return -1;
	}
	return -1;
}

/* Grow @array by one zeroed element of @size; its index, or -1. */
static int push(void **array, int *nr, size_t size)
{
	void *n = realloc(*array, (*nr + 1) * size);

	if (!n)
		return -1;
	*array = n;
	memset((char *)n + *nr * size, 0, size);
	return (*nr)++;
}

/* ------------------------------------------------------------------ */
/* domain_translation_struct                                           */

/* One leaf of a domain's page table, as debugfs dumps it. */
/* The capture kernel's own RAM, from /proc/iomem: at most 32 ranges. */
struct own_ram {
	__u64 start[32], end[32];
	int nr;
};

static int own_ram_read(struct own_ram *o)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];

	o->nr = 0;
	if (!f)
		return -1;
	while (o->nr < 32 && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;

		/* Top-level entries only: no leading blank. */
		if (line[0] != ' ' && strstr(line, ": System RAM") &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2) {
			o->start[o->nr] = s;
			o->end[o->nr++] = e;
		}
	}
	fclose(f);
	return o->nr;
}

/* Does [@a, @b] touch the capture kernel's own RAM? */
static bool own_ram_hit(const struct own_ram *o, __u64 a, __u64 b)
{
	int k;

	for (k = 0; k < o->nr; k++)
		if (a <= o->end[k] && b >= o->start[k])
			return true;
	return false;
}

struct dom_page {
	__u64 iova, phys, size;
};

/*
 * The leaves of the domain a device is attached to: the lines of its
 * domain_translation_struct (IOVA_PFN | the entry of each level, the leaf
 * last: 5 entries for a 4 KiB page, 4 for 2 MiB, 3 for 1 GiB: debugfs.c's
 * dump_page_info() stops at the leaf).  The same rule as LEAF_SIZE in
 * tools/lab/debugfs.py.
 */
static int domain_pages(const char *bdf, struct dom_page **pages, int *nr)
{
	char path[256], *buf, *line, *save, *p;

	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/iommu/intel/0000:%s/domain_translation_struct",
		 bdf);
	buf = read_all(path);
	if (!buf)
		return -1;
	*pages = NULL;
	*nr = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		__u64 pfn, leaf = 0;
		int n = 0, i;

		p = strchr(line, '|');
		if (strncmp(line, "0x", 2) || !p)
			continue;
		pfn = strtoull(line, NULL, 16);
		for (p = strtok(p + 1, " \t"); p; p = strtok(NULL, " \t")) {
			leaf = strtoull(p, NULL, 16);
			n++;
		}
		i = push((void **)pages, nr, sizeof(**pages));
		if (i < 0)
			break;
		(*pages)[i].iova = pfn * PAGE_SZ;
		(*pages)[i].size = PAGE_SZ << (n == 4 ? 9 : n == 3 ? 18 : 0);
		(*pages)[i].phys = leaf & ADDR_MASK & ~((*pages)[i].size - 1);
	}
	free(buf);
	return 0;
}

/* What @iova translates to in @pages, or -1. */
static __u64 domain_lookup(const struct dom_page *pages, int nr, __u64 iova)
{
	int i;

	for (i = 0; i < nr; i++)
		if (iova >= pages[i].iova && iova - pages[i].iova < pages[i].size)
			return pages[i].phys + iova - pages[i].iova;
	return -1ULL;
}

/* ------------------------------------------------------------------ */
/* The lab's knobs on the kernel command line                          */

static bool cmdline_has(const char *key, const char *value)
{
	char *cmd = read_all("/proc/cmdline");
	char *w, *save, *p;
	bool found = false;
	size_t klen = strlen(key);

	if (!cmd)
		return false;
	for (w = strtok_r(cmd, "\n ", &save); w && !found;
	     w = strtok_r(NULL, "\n ", &save)) {
		if (strncmp(w, key, klen) || w[klen] != '=')
			continue;
		for (p = strtok(w + klen + 1, ","); p; p = strtok(NULL, ","))
			if (!strcmp(p, value))
				found = true;
	}
	free(cmd);
	return found;
}

static bool broken(const char *what)
{
	return cmdline_has("lab.selftest_break", what) ||
	       cmdline_has("lab.selftest_break", "all");
}

/* "0xffff" and exactly 12 more hex digits: a kernel virtual address. */
static bool looks_like_kva(const char *s)
{
	const char *p = s;
	int n;

	while ((p = strstr(p, "0xffff"))) {
		for (n = 0; isxdigit((unsigned char)p[6 + n]); n++)
			;
		if (n == 12)
			return true;
		p += 6;
	}
	return false;
}

#endif /* __IOMMU_KDUMP_UTILS_H */
