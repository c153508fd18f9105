// SPDX-License-Identifier: GPL-2.0
/*
 * iommu_kdump - check a kdump capture kernel's adoption of an active
 * Intel VT-d IOMMU (CONFIG_INTEL_IOMMU_KDUMP_ADOPT) against an oracle of
 * its own.
 *
 * The oracle reads the crashed kernel's memory through /proc/vmcore and
 * walks the old VT-d tables itself: root and context tables, legacy
 * (second-level page tables) or scalable mode (PASID directory, PASID
 * table, first- or second-level page tables of the RID_PASID entry).  The
 * crashed kernel is dead, so its tables are frozen: what the capture
 * kernel reports under /sys/kernel/debug/iommu/intel/kdump/ must equal
 * the walk exactly.  The debugfs formats are described in
 * Documentation/ABI/testing/debugfs-intel-iommu-kdump.
 *
 * Outside a capture kernel, or without the kdump/ directory, every test
 * is skipped.  Kernel command line knobs (read from /proc/cmdline):
 *   lab.expect_faults=1         DMAR faults are the expected outcome (the
 *                               reset mode, a refused device still doing
 *                               DMA): capture.dmar_faults wants some
 *   lab.selftest_break=LIST     break one expectation on purpose, to see
 *                               the matching test fail (comma-separated;
 *                               "all" for every one): files, summary,
 *                               contexts, dids, ranges, table, root, kva,
 *                               handover, faults, struct, sysfs
 *   lab.handover=BB:DD.F        kdump.handover releases this device
 *                               (kdump/release) once it checked it
 *                               handed over, then checks the release
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/elf.h>
#include <linux/types.h>

#include "../kselftest_harness.h"

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

static const struct kdump_file {
	const char *name;
	const char *header;	/* NULL: one hexadecimal value */
} kdump_files[] = {
	{ "summary", "iommu\tstate\ttables\tpage_tables\tcontexts_adopted\t"
		     "contexts_refused\tdomain_ids\tiova_ranges\tiova_pages\t"
		     "time_us\tmemory_kib\tbudget_tables\tbudget_leaves\t"
		     "budget_kib" },
	{ "registers", "iommu\tregister\toffset\tvalue\tdecoded" },
	{ "contexts", "iommu\tbdf\tstate\tdid\ttt\taw\told_table\tnew_table\t"
		      "handover\treason\tswitch" },
	{ "domain_ids", "iommu\tdomain_ids" },
	{ "iova_ranges", "iommu\tbdf\tstart\tend\tpages\tperm" },
	{ "pasids", "iommu\tbdf\tpasid\tpgtt\tdid\treason" },
	{ "debug_mask", NULL },
};

/* Write-only controls: documented, not read. */
static const char * const kdump_controls[] = { "release" };

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

/* ------------------------------------------------------------------ */
/* The oracle: the old VT-d tables walked here                         */

struct range {
	__u64 start, last;
	char perm[3];
};

/* One leaf of an old page table. */
struct leaf {
	__u64 iova, phys, size;
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

static int push(void **array, int *nr, size_t size)
{
	void *n = realloc(*array, (*nr + 1) * size);

	if (!n)
		return -1;
	*array = n;
	memset((char *)n + *nr * size, 0, size);
	return (*nr)++;
}

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

/* One leaf, in IOVA order: extend the last range or start a new one. */
static void add_leaf(struct old_ctx *c, __u64 iova, __u64 phys, __u64 size,
		     const char *perm)
{
	struct range *r = c->nr_ranges ? &c->ranges[c->nr_ranges - 1] : NULL;
	int i;

	i = push((void **)&c->leaves, &c->nr_leaves, sizeof(*c->leaves));
	if (i >= 0) {
		c->leaves[i].iova = iova;
		c->leaves[i].phys = phys;
		c->leaves[i].size = size;
	}

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

/* Scalable mode: every PASID entry's DID, and the RID_PASID translation. */
static void walk_pasid_dir(const struct vmcore *v, struct old_ctx *c)
{
	unsigned int nr_pdes = 1U << (((c->ce[0] >> 9) & 7) + 7);
	unsigned int rid_pasid = c->ce[1] & 0xfffff, d, i;
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

/* ------------------------------------------------------------------ */
/* Helpers of the tests                                                */

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

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

FIXTURE(capture) {
	int unused;
};

FIXTURE_SETUP(capture)
{
	if (access(VMCORE, R_OK))
		SKIP(return, "not a kdump capture kernel (no %s)", VMCORE);
}

FIXTURE_TEARDOWN(capture)
{
}

FIXTURE(kdump) {
	struct tsv summary, regs, contexts, dids, ranges;
	struct oracle o;
};

FIXTURE_SETUP(kdump)
{
	int i;

	if (access(VMCORE, R_OK))
		SKIP(return, "not a kdump capture kernel (no %s)", VMCORE);
	if (access(KDUMP_DIR, F_OK))
		SKIP(return, "no %s (kernel without INTEL_IOMMU_KDUMP_ADOPT?)",
		     KDUMP_DIR);
	ASSERT_EQ(0, tsv_load("summary", &self->summary));
	ASSERT_EQ(0, tsv_load("registers", &self->regs));
	ASSERT_EQ(0, tsv_load("contexts", &self->contexts));
	ASSERT_EQ(0, tsv_load("domain_ids", &self->dids));
	ASSERT_EQ(0, tsv_load("iova_ranges", &self->ranges));
	ASSERT_EQ(0, oracle_build(&self->o, &self->regs))
		TH_LOG("cannot read the IOMMUs or %s", VMCORE);

	if (broken("ranges")) {
		for (i = 0; i < self->o.nr_ctx; i++) {
			if (self->o.ctx[i].nr_ranges) {
				self->o.ctx[i].ranges[0].last += PAGE_SZ;
				break;
			}
		}
	}
	if (broken("handover")) {
		for (i = 0; i < self->o.nr_ctx; i++) {
			if (self->o.ctx[i].nr_leaves) {
				self->o.ctx[i].leaves[0].phys += PAGE_SZ;
				break;
			}
		}
	}
	if (broken("table")) {
		for (i = 0; i < self->o.nr_ctx; i++)
			self->o.ctx[i].table += PAGE_SZ;
	}
}

FIXTURE_TEARDOWN(kdump)
{
}

/* The summary's state of IOMMU @name ("" if it is not listed). */
static const char *iommu_state(const struct tsv *summary, const char *name)
{
	int r;

	for (r = 0; r < summary->nr; r++)
		if (!strcmp(tsv_get(summary, r, "iommu"), name))
			return tsv_get(summary, r, "state");
	return "";
}

/* The kdump/contexts row of an old context (or of its whole bus). */
static int ctx_row(const struct tsv *t, const char *iommu, const char *bdf)
{
	char whole[16];
	int r;

	snprintf(whole, sizeof(whole), "%.2s:*.*", bdf);
	for (r = 0; r < t->nr; r++) {
		const char *b = tsv_get(t, r, "bdf");

		if (strcmp(tsv_get(t, r, "iommu"), iommu))
			continue;
		if (!strcmp(b, bdf) || !strcmp(b, whole))
			return r;
	}
	return -1;
}

static bool row_adopted(const struct tsv *t, int r)
{
	return r >= 0 && !strcmp(tsv_get(t, r, "state"), "adopted");
}

/* Does kdump/pasids list a PASID of @bdf that was left out? */
static bool pasids_dropped(const char *iommu, const char *bdf)
{
	struct tsv t = {};
	bool found = false;
	int r;

	if (tsv_load("pasids", &t))
		return false;
	for (r = 0; r < t.nr && !found; r++)
		found = !strcmp(tsv_get(&t, r, "iommu"), iommu) &&
			!strcmp(tsv_get(&t, r, "bdf"), bdf);
	free(t.buf);
	free(t.cell);
	free(t.ncell);
	return found;
}

/*
 * Another device that shared @c's old page table (its IOMMU group, one
 * domain in the crashed kernel and one in the capture kernel) and is
 * still handed over: a release of @c must leave it its old pages.
 */
static bool sibling_handed_over(const struct oracle *o, const struct tsv *t,
				const struct old_ctx *c)
{
	int i, r;

	for (i = 0; i < o->nr_ctx; i++) {
		const struct old_ctx *s = &o->ctx[i];

		if (s == c || s->iommu != c->iommu || s->table != c->table ||
		    cmdline_has("lab.handover", s->bdf))
			continue;
		r = ctx_row(t, o->iommu[s->iommu].name, s->bdf);
		if (row_adopted(t, r) &&
		    !strcmp(tsv_get(t, r, "handover"), "handed-over"))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

/*
 * Every file the kdump/ directory holds is a documented one, with the
 * documented header and that many cells in each row.
 */
TEST_F(kdump, files_parse)
{
	const struct kdump_file *f;
	struct dirent *de;
	char path[256];
	DIR *dir;
	int r, c;

	dir = opendir(KDUMP_DIR);
	ASSERT_TRUE(!!dir);
	while ((de = readdir(dir))) {
		bool known = false;

		if (de->d_name[0] == '.')
			continue;
		for (f = kdump_files; f < kdump_files + ARRAY_SIZE(kdump_files);
		     f++)
			known |= !strcmp(f->name, de->d_name);
		for (c = 0; c < (int)ARRAY_SIZE(kdump_controls); c++)
			known |= !strcmp(kdump_controls[c], de->d_name);
		EXPECT_TRUE(known)
			TH_LOG("undocumented file kdump/%s", de->d_name);
	}
	closedir(dir);

	for (f = kdump_files; f < kdump_files + ARRAY_SIZE(kdump_files); f++) {
		struct tsv t = { 0 };
		char *buf, *end;

		snprintf(path, sizeof(path), "%s/%s", KDUMP_DIR, f->name);
		buf = read_all(path);
		ASSERT_TRUE(!!buf) TH_LOG("cannot read %s", path);
		if (!f->header) {
			strtoull(buf, &end, 16);
			EXPECT_TRUE(!strncmp(buf, "0x", 2) && end > buf + 2 &&
				    !strcmp(end, "\n"))
				TH_LOG("kdump/%s: not one hex value: %s",
				       f->name, buf);
			free(buf);
			continue;
		}
		ASSERT_EQ(0, tsv_parse(buf, &t))
			TH_LOG("kdump/%s: empty or too many columns", f->name);
		for (c = 1; c < t.cols; c++)
			t.cell[c][-1] = '\t';	/* undo the split header */
		EXPECT_STREQ(broken("files") && f == kdump_files ?
			     "iommu\tstate" : f->header, t.cell[0])
			TH_LOG("kdump/%s: header", f->name);
		for (r = 1; r <= t.nr; r++) {
			EXPECT_EQ(t.cols, t.ncell[r])
				TH_LOG("kdump/%s row %d: %d cells, header %d",
				       f->name, r, t.ncell[r], t.cols);
			for (c = 0; c < t.ncell[r]; c++)
				EXPECT_NE(0, t.cell[r * MAX_COLS + c][0])
					TH_LOG("kdump/%s row %d: empty cell %d",
					       f->name, r, c);
		}
		free(t.cell);
		free(t.ncell);
		free(buf);
	}
}

/* The summary's counts are those of the detailed files. */
TEST_F(kdump, summary_counts)
{
	int s, r;

	ASSERT_LT(0, self->summary.nr) TH_LOG("no IOMMU in kdump/summary");
	for (s = 0; s < self->summary.nr; s++) {
		const char *name = tsv_get(&self->summary, s, "iommu");
		unsigned int adopted = 0, refused = 0, ranges = 0;
		__u64 pages = 0;

		for (r = 0; r < self->contexts.nr; r++) {
			if (strcmp(tsv_get(&self->contexts, r, "iommu"), name))
				continue;
			if (row_adopted(&self->contexts, r))
				adopted++;
			else
				refused++;
		}
		for (r = 0; r < self->ranges.nr; r++) {
			if (strcmp(tsv_get(&self->ranges, r, "iommu"), name))
				continue;
			ranges++;
			pages += tsv_u64(&self->ranges, r, "pages");
		}
		if (broken("summary") && !s)
			adopted++;
		EXPECT_EQ(tsv_u64(&self->summary, s, "contexts_adopted"),
			  adopted) TH_LOG("%s: contexts_adopted", name);
		EXPECT_EQ(tsv_u64(&self->summary, s, "contexts_refused"),
			  refused) TH_LOG("%s: contexts_refused", name);
		EXPECT_EQ(tsv_u64(&self->summary, s, "iova_ranges"), ranges)
			TH_LOG("%s: iova_ranges", name);
		EXPECT_EQ(tsv_u64(&self->summary, s, "iova_pages"), pages)
			TH_LOG("%s: iova_pages", name);
	}
}

/*
 * Every context the old tables hold is accounted for: adopted with the
 * old domain-id and translation type, or refused with a reason.  No row
 * names a context the old tables do not have.  An IOMMU that was not
 * adopted (reset, translation off) has no adopted context.
 */
TEST_F(kdump, contexts_accounted)
{
	const struct tsv *t = &self->contexts;
	int i, r, n, nr_adopted = 0, nr_refused = 0;

	for (i = 0; i < self->o.nr_ctx; i++) {
		const struct old_ctx *c = &self->o.ctx[i];
		const char *name = self->o.iommu[c->iommu].name;

		if (strcmp(iommu_state(&self->summary, name), "adopted"))
			continue;
		r = ctx_row(t, name, c->bdf);
		EXPECT_LE(0, r) TH_LOG("%s %s: old context %s, did %u, not in kdump/contexts",
				       name, c->bdf, tt_name(c), c->did);
		if (r < 0)
			continue;
		if (!row_adopted(t, r)) {
			nr_refused++;
			EXPECT_STRNE("-", tsv_get(t, r, "reason"))
				TH_LOG("%s %s: refused without a reason",
				       name, c->bdf);
			continue;
		}
		EXPECT_STREQ(c->bdf, tsv_get(t, r, "bdf"));
		EXPECT_EQ(c->did + (broken("contexts") && !nr_adopted),
			  tsv_u64(t, r, "did"))
			TH_LOG("%s %s: did", name, c->bdf);
		nr_adopted++;
		EXPECT_STREQ(tt_name(c), tsv_get(t, r, "tt"))
			TH_LOG("%s %s: translation type", name, c->bdf);
		EXPECT_TRUE(!c->error)
			TH_LOG("%s %s: oracle: %s", name, c->bdf, c->error);
	}
	for (r = 0; r < t->nr; r++) {
		const char *name = tsv_get(t, r, "iommu");
		const char *bdf = tsv_get(t, r, "bdf");
		const char *state = iommu_state(&self->summary, name);
		bool known = strchr(bdf, '*');

		for (i = 0; i < self->o.nr_ctx && !known; i++)
			known = !strcmp(self->o.ctx[i].bdf, bdf) &&
				!strcmp(self->o.iommu[self->o.ctx[i].iommu].name,
					name);
		EXPECT_TRUE(known) TH_LOG("%s %s: in kdump/contexts but not in the old tables",
					  name, bdf);
		if (strcmp(state, "adopted"))
			EXPECT_FALSE(row_adopted(t, r))
				TH_LOG("%s %s adopted, yet the IOMMU is %s",
				       name, bdf, state);
	}
	for (i = 0; i < self->o.nr_iommus; i++) {
		const struct oracle_iommu *u = &self->o.iommu[i];

		if (!strcmp(iommu_state(&self->summary, u->name), "adopted"))
			EXPECT_TRUE(!u->error)
				TH_LOG("%s: oracle: %s", u->name, u->error);
		/* A table the oracle cannot read must have been refused. */
		for (n = 0; n < 256; n++) {
			char bdf[16];
			bool refused = false;

			if (!u->bad_bus[n])
				continue;
			snprintf(bdf, sizeof(bdf), "%02x:*.*", n);
			for (r = 0; r < t->nr; r++)
				refused |= !strcmp(tsv_get(t, r, "iommu"), u->name) &&
					   !strcmp(tsv_get(t, r, "bdf"), bdf) &&
					   !row_adopted(t, r);
			EXPECT_TRUE(refused)
				TH_LOG("%s: bus %02x: unreadable table not refused",
				       u->name, n);
		}
		for (r = 0, n = 0; r < self->o.nr_ctx; r++)
			n += self->o.ctx[r].iommu == i;
		ksft_print_msg("oracle: %s %s %s %s: %d old contexts walked\n",
			       u->name, u->enabled ? "enabled" : "disabled",
			       u->scalable ? "scalable" : "legacy",
			       iommu_state(&self->summary, u->name), n);
	}
	ksft_print_msg("oracle: %d adopted, %d refused match kdump/contexts\n",
		       nr_adopted, nr_refused);
}

/* Parse "1-3,5" into @ids (a bitmap of NR_DIDS bits). */
static int parse_ids(const char *s, unsigned char *ids)
{
	unsigned long a, b;
	char *end;

	if (!strcmp(s, "-"))
		return 0;
	for (;;) {
		a = strtoul(s, &end, 10);
		if (end == s)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s)
				return -1;
		}
		if (b < a || b >= NR_DIDS)
			return -1;
		for (; a <= b; a++)
			ids[a / 8] |= 1 << (a % 8);
		if (!*end)
			return 0;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
}

/*
 * The domain-ids the old tables use are reserved: those of adopted
 * contexts (every PASID entry in scalable mode), and in legacy mode those
 * of refused contexts too (they may still tag IOTLB entries).
 */
TEST_F(kdump, domain_ids)
{
	static unsigned char ids[MAX_IOMMUS][NR_DIDS / 8];
	int i, j, r, checked = 0;

	for (r = 0; r < self->dids.nr; r++) {
		const char *name = tsv_get(&self->dids, r, "iommu");

		for (i = 0; i < self->o.nr_iommus; i++)
			if (!strcmp(self->o.iommu[i].name, name))
				break;
		ASSERT_LT(i, self->o.nr_iommus)
			TH_LOG("kdump/domain_ids: unknown IOMMU %s", name);
		EXPECT_EQ(0, parse_ids(tsv_get(&self->dids, r, "domain_ids"),
				       ids[i]))
			TH_LOG("%s: bad id list", name);
	}
	for (i = 0; i < self->o.nr_ctx; i++) {
		struct old_ctx *c = &self->o.ctx[i];
		const char *name = self->o.iommu[c->iommu].name;
		const char *reason;

		if (strcmp(iommu_state(&self->summary, name), "adopted"))
			continue;
		r = ctx_row(&self->contexts, name, c->bdf);
		if (r < 0)
			continue;	/* contexts_accounted reports it */
		reason = tsv_get(&self->contexts, r, "reason");
		if (!row_adopted(&self->contexts, r) &&
		    (c->scalable || !strcmp(reason, "domain-id") ||
		     !strcmp(reason, "reserved-bits")))
			continue;
		if (broken("dids") && !checked)
			add_did(c, c->nr_dids ? c->dids[0] + 1000 : 1000);
		for (j = 0; j < c->nr_dids; j++, checked++) {
			unsigned int d = c->dids[j];

			EXPECT_TRUE(ids[c->iommu][d / 8] & (1 << (d % 8)))
				TH_LOG("%s %s: domain-id %u not reserved",
				       name, c->bdf, d);
		}
	}
	ksft_print_msg("oracle: %d domain-ids of old contexts checked\n",
		       checked);
}

/*
 * Each adopted context's IOVA ranges are exactly the coalesced leaves of
 * its old page table; other contexts have none.
 */
TEST_F(kdump, iova_ranges)
{
	const struct tsv *t = &self->ranges;
	int i, r, k, compared = 0;

	for (i = 0; i < self->o.nr_ctx; i++) {
		const struct old_ctx *c = &self->o.ctx[i];
		const char *name = self->o.iommu[c->iommu].name;
		bool adopted;

		adopted = row_adopted(&self->contexts,
				      ctx_row(&self->contexts, name, c->bdf));
		k = 0;
		for (r = 0; r < t->nr; r++) {
			if (strcmp(tsv_get(t, r, "iommu"), name) ||
			    strcmp(tsv_get(t, r, "bdf"), c->bdf))
				continue;
			if (!adopted || k >= c->nr_ranges) {
				EXPECT_TRUE(0) TH_LOG("%s %s: extra range %s-%s %s%s",
						      name, c->bdf,
						      tsv_get(t, r, "start"),
						      tsv_get(t, r, "end"),
						      tsv_get(t, r, "perm"),
						      adopted ? "" : " (not adopted)");
				k++;
				continue;
			}
			EXPECT_EQ(c->ranges[k].start, tsv_u64(t, r, "start"))
				TH_LOG("%s %s range %d start", name, c->bdf, k);
			EXPECT_EQ(c->ranges[k].last, tsv_u64(t, r, "end"))
				TH_LOG("%s %s range %d end", name, c->bdf, k);
			EXPECT_EQ((c->ranges[k].last - c->ranges[k].start + 1) /
				  PAGE_SZ, tsv_u64(t, r, "pages"))
				TH_LOG("%s %s range %d pages", name, c->bdf, k);
			EXPECT_STREQ(c->ranges[k].perm, tsv_get(t, r, "perm"))
				TH_LOG("%s %s range %d perm", name, c->bdf, k);
			k++;
			compared++;
		}
		if (adopted)
			EXPECT_EQ(c->nr_ranges, k)
				TH_LOG("%s %s: %d ranges in the old tables, %d in debugfs",
				       name, c->bdf, c->nr_ranges, k);
	}
	for (r = 0; r < t->nr; r++)
		EXPECT_TRUE(row_adopted(&self->contexts,
					ctx_row(&self->contexts,
						tsv_get(t, r, "iommu"),
						tsv_get(t, r, "bdf"))))
			TH_LOG("%s %s: ranges of a context not adopted",
			       tsv_get(t, r, "iommu"), tsv_get(t, r, "bdf"));
	ksft_print_msg("oracle: %d IOVA ranges equal the old tables'\n",
		       compared);
}

/*
 * An adopted context names the old page table (legacy) or PASID
 * directory (scalable) as old_table; in place, it is also the new one.
 */
TEST_F(kdump, old_table)
{
	const struct tsv *t = &self->contexts;
	int i, r, s, checked = 0;

	for (i = 0; i < self->o.nr_ctx; i++) {
		const struct old_ctx *c = &self->o.ctx[i];
		const char *name = self->o.iommu[c->iommu].name;
		bool inplace = false;

		r = ctx_row(t, name, c->bdf);
		if (!row_adopted(t, r))
			continue;
		for (s = 0; s < self->summary.nr; s++)
			if (!strcmp(tsv_get(&self->summary, s, "iommu"), name))
				inplace = !strcmp(tsv_get(&self->summary, s,
							  "page_tables"),
						  "inplace");
		EXPECT_EQ(c->table, tsv_u64(t, r, "old_table"))
			TH_LOG("%s %s: old_table %s, old context points to 0x%llx",
			       name, c->bdf, tsv_get(t, r, "old_table"),
			       (unsigned long long)c->table);
		/* Other PASIDs left out: a PASID directory of its own. */
		if (inplace && !pasids_dropped(name, c->bdf))
			EXPECT_EQ(c->table, tsv_u64(t, r, "new_table"))
				TH_LOG("%s %s: in place, yet new_table is %s",
				       name, c->bdf, tsv_get(t, r, "new_table"));
		checked++;
	}
	ksft_print_msg("oracle: %d old_table pointers checked\n", checked);
}

/* Root only: no group or other permission, and nobody cannot open it. */
TEST_F(kdump, root_only)
{
	const struct kdump_file *f;
	char path[256];
	struct stat st;
	int dirfd, status;
	pid_t pid;

	dirfd = open(KDUMP_DIR, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dirfd);
	for (f = kdump_files; f < kdump_files + ARRAY_SIZE(kdump_files); f++) {
		snprintf(path, sizeof(path), "%s/%s", KDUMP_DIR, f->name);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(0, st.st_mode & 077)
			TH_LOG("kdump/%s: mode %o", f->name,
			       st.st_mode & 07777);

		/* openat() from a root-opened directory: only the file's
		 * own mode stands between nobody and its contents.
		 */
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (!broken("root") &&
			    (setgroups(0, NULL) || setgid(NOBODY) ||
			     setuid(NOBODY)))
				_exit(3);
			if (openat(dirfd, f->name, O_RDONLY) >= 0)
				_exit(1);
			_exit(errno == EACCES ? 0 : 2);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status))
			TH_LOG("kdump/%s as uid %d: %s", f->name, NOBODY,
			       WEXITSTATUS(status) == 1 ? "opened" :
			       WEXITSTATUS(status) == 2 ? "not EACCES" :
			       "setuid failed");
	}
	close(dirfd);
}

/* No kernel virtual address leaks into the report. */
TEST_F(kdump, no_kernel_addresses)
{
	const struct kdump_file *f;
	char path[256], *buf, *line, *next;

	for (f = kdump_files; f < kdump_files + ARRAY_SIZE(kdump_files); f++) {
		snprintf(path, sizeof(path), "%s/%s", KDUMP_DIR, f->name);
		buf = read_all(path);
		ASSERT_TRUE(!!buf);
		if (broken("kva") && f == kdump_files)
			strcat(buf, "0xffff888001234000\n");
		for (line = buf; *line; line = next) {
			next = strchrnul(line, '\n');
			if (*next)
				*next++ = '\0';
			EXPECT_FALSE(looks_like_kva(line))
				TH_LOG("kdump/%s: %s", f->name, line);
		}
		free(buf);
	}
}

/*
 * The existing debugfs walk (dmar_translation_struct) shows every context
 * the capture kernel uses: one still on its adopted entry (switch "-" in
 * kdump/contexts) is marked "adopted" (mainline hides those and stops the
 * bus walk there), one switched to a new domain is not, even when it is
 * only a DMA alias that no device of its own hands over.  A refused
 * context is never marked.
 */
TEST_F(kdump, translation_struct)
{
	char *buf, *line, *save, iommu[32] = "";
	int r, i, nr = 0, checked = 0;
	struct {
		char iommu[32], bdf[16];
		bool adopted;
	} *rows = NULL;

	buf = read_all("/sys/kernel/debug/iommu/intel/dmar_translation_struct");
	ASSERT_TRUE(!!buf) TH_LOG("no dmar_translation_struct");
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *last = strrchr(line, '\t');

		if (sscanf(line, "IOMMU %31[^:]:", iommu) == 1)
			continue;
		if (strlen(line) < 8 || line[2] != ':' || line[5] != '.')
			continue;
		i = push((void **)&rows, &nr, sizeof(*rows));
		ASSERT_LE(0, i);
		snprintf(rows[i].iommu, sizeof(rows[i].iommu), "%s", iommu);
		snprintf(rows[i].bdf, sizeof(rows[i].bdf), "%.7s", line);
		rows[i].adopted = last && !strcmp(last + 1, "adopted");
	}
	free(buf);

	for (r = 0; r < self->contexts.nr; r++) {
		const char *name = tsv_get(&self->contexts, r, "iommu");
		const char *bdf = tsv_get(&self->contexts, r, "bdf");
		const char *sw = tsv_get(&self->contexts, r, "switch");
		bool want = row_adopted(&self->contexts, r) &&
			    !strcmp(sw, "-");
		bool shown = false, marked = false;

		if (strchr(bdf, '*'))
			continue;
		for (i = 0; i < nr; i++) {
			if (strcmp(rows[i].iommu, name) ||
			    strcmp(rows[i].bdf, bdf))
				continue;
			shown = true;
			marked |= rows[i].adopted;
		}
		if (broken("struct") && !checked)
			want = !want;
		if (want)
			EXPECT_TRUE(shown) TH_LOG("%s %s: adopted, not shown",
						  name, bdf);
		EXPECT_EQ(want, marked)
			TH_LOG("%s %s (%s, %s): %s", name, bdf,
			       tsv_get(&self->contexts, r, "state"), sw,
			       marked ? "marked adopted" : "not marked");
		checked++;
	}
	free(rows);
	ksft_print_msg("dmar_translation_struct: %d contexts checked\n",
		       checked);
}

/*
 * /sys/class/iommu/dmarN/intel-iommu/kdump_adopted says what
 * kdump/summary says: "adopted N contexts, refused M", "no" if the
 * crashed kernel left translation off, or the outcome.
 */
TEST_F(kdump, sysfs_adopted)
{
	char path[256], want[128], *got;
	int s;

	for (s = 0; s < self->summary.nr; s++) {
		const char *name = tsv_get(&self->summary, s, "iommu");
		const char *state = tsv_get(&self->summary, s, "state");

		if (!strcmp(state, "adopted"))
			snprintf(want, sizeof(want),
				 "adopted %llu contexts, refused %llu\n",
				 (unsigned long long)tsv_u64(&self->summary, s,
					"contexts_adopted") +
				 (broken("sysfs") && !s),
				 (unsigned long long)tsv_u64(&self->summary, s,
					"contexts_refused"));
		else if (!strcmp(state, "found-disabled"))
			snprintf(want, sizeof(want), "no\n");
		else
			snprintf(want, sizeof(want), "%s\n", state);
		snprintf(path, sizeof(path),
			 "/sys/class/iommu/%s/intel-iommu/kdump_adopted", name);
		got = read_all(path);
		ASSERT_TRUE(!!got) TH_LOG("%s: %s", path, strerror(errno));
		EXPECT_STREQ(want, got) TH_LOG("%s", path);
		free(got);
	}
}

/* One leaf of a domain's page table, as debugfs dumps it. */
struct dom_page {
	__u64 iova, phys, size;
};

/*
 * The leaves of the domain a device is attached to: the lines of its
 * domain_translation_struct (IOVA_PFN | the entry of each level, the leaf
 * last: 5 entries for a 4 KiB page, 4 for 2 MiB, 3 for 1 GiB).
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

/* Old pages of @c translating as they did in the crashed kernel. */
static int old_pages_kept(const struct old_ctx *c, const struct dom_page *pages,
			  int nr, int *total)
{
	__u64 off;
	int i, kept = 0;

	*total = 0;
	for (i = 0; i < c->nr_leaves; i++) {
		for (off = 0; off < c->leaves[i].size; off += PAGE_SZ) {
			(*total)++;
			kept += domain_lookup(pages, nr, c->leaves[i].iova + off) ==
				c->leaves[i].phys + off;
		}
	}
	return kept;
}

/*
 * A handed-over device's new domain translates every IOVA of the crashed
 * kernel to its old page: DMA still in flight never sees the switch, and
 * no IOVA the new driver was given overlaps an old one (it would have
 * replaced an old translation), and the switch of its context entry was
 * gapless.  Released (kdump/release), none of the
 * old IOVAs translates any more.  The device named by lab.handover= is
 * released here, once it was checked handed over; the others are only
 * checked in the state they are in.
 */
TEST_F(kdump, handover)
{
	int k, r, nr, total, kept, pass, checked = 0, released = 0;
	struct dom_page *pages;

	/*
	 * Pass 0 releases the lab.handover= device; pass 1 checks every
	 * other device after that release, so that a sibling in the same
	 * group (one domain) is seen to keep its old pages.
	 */
	for (k = 0; k < 2 * self->o.nr_ctx; k++) {
		const struct old_ctx *c = &self->o.ctx[k % self->o.nr_ctx];
		const char *name = self->o.iommu[c->iommu].name;
		bool named = cmdline_has("lab.handover", c->bdf);
		const char *state;
		char path[256];
		FILE *f;

		pass = k / self->o.nr_ctx;
		if (named != !pass)
			continue;
		r = ctx_row(&self->contexts, name, c->bdf);
		if (!row_adopted(&self->contexts, r) || !c->nr_leaves)
			continue;
		state = tsv_get(&self->contexts, r, "handover");
		if (strcmp(state, "handed-over") && strcmp(state, "released"))
			continue;
		/* No store of the switch left the device untranslated. */
		EXPECT_STREQ(broken("switch") ? "gap" : "gapless",
			     tsv_get(&self->contexts, r, "switch"))
			TH_LOG("%s %s: context switched with a gap", name,
			       c->bdf);
		ASSERT_EQ(0, domain_pages(c->bdf, &pages, &nr))
			TH_LOG("%s: no domain_translation_struct", c->bdf);
		kept = old_pages_kept(c, pages, nr, &total);
		checked++;
		if (!strcmp(state, "handed-over")) {
			EXPECT_EQ(total, kept)
				TH_LOG("%s %s handed over: %d of %d old pages translate as before",
				       name, c->bdf, kept, total);
			ksft_print_msg("%s %s: %d old pages kept in the new domain\n",
				       name, c->bdf, kept);
			free(pages);
			if (!named)
				continue;
			snprintf(path, sizeof(path), "%s/release", KDUMP_DIR);
			f = fopen(path, "w");
			ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
			EXPECT_LT(0, fprintf(f, "%s\n", c->bdf));
			EXPECT_EQ(0, fclose(f))
				TH_LOG("release %s: %s", c->bdf, strerror(errno));
			ASSERT_EQ(0, domain_pages(c->bdf, &pages, &nr));
			kept = old_pages_kept(c, pages, nr, &total);
		}
		released++;
		/* What a handed-over sibling still uses stays mapped. */
		if (!sibling_handed_over(&self->o, &self->contexts, c))
			EXPECT_EQ(0, kept)
				TH_LOG("%s %s released: %d of %d old pages still translate",
				       name, c->bdf, kept, total);
		ksft_print_msg("%s %s: released, %d of %d old pages translate\n",
			       name, c->bdf, kept, total);
		free(pages);
	}
	if (!checked)
		SKIP(return, "no device was handed over");
	ksft_print_msg("%d devices handed over, %d released\n", checked,
		       released);
}

/*
 * The capture kernel logged no DMAR fault since it booted, unless the
 * scenario expects faults (lab.expect_faults=1): then it must have logged
 * some, like the reset mode's faults the 2014 proposal describes.
 */
TEST_F(capture, dmar_faults)
{
	bool want = cmdline_has("lab.expect_faults", "1");
	int fd, faults = 0, records = 0;
	char rec[8192];
	ssize_t n;

	if (broken("faults"))
		want = !want;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd) TH_LOG("/dev/kmsg: %s", strerror(errno));
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip ahead */
		if (n <= 0)
			break;
		rec[n] = '\0';
		records++;
		if ((strstr(rec, "DMAR: [DMA Read") ||
		     strstr(rec, "DMAR: [DMA Write") ||
		     strstr(rec, "DMAR: [INTR-REMAP")) &&
		    strstr(rec, "Request device")) {
			if (faults++ < 5)
				ksft_print_msg("fault: %s", strchr(rec, ';') ?
					       strchr(rec, ';') + 1 : rec);
		}
	}
	ASSERT_TRUE(n < 0 && errno == EAGAIN)
		TH_LOG("/dev/kmsg: %s", strerror(errno));
	close(fd);
	ASSERT_LT(0, records) TH_LOG("empty kernel log");
	ksft_print_msg("%d DMAR fault records in the log, %s\n", faults,
		       want ? "faults expected" : "none expected");
	if (want) {
		EXPECT_LT(0, faults) TH_LOG("faults expected, none logged");
	} else {
		EXPECT_EQ(0, faults)
			TH_LOG("%d DMAR fault records in the log", faults);
	}
}

TEST_HARNESS_MAIN
