// SPDX-License-Identifier: GPL-2.0
/*
 * iommu_kdump - check a kdump capture kernel's adoption of an active
 * Intel VT-d IOMMU (CONFIG_INTEL_IOMMU_KDUMP_ADOPT) against an oracle of
 * its own.
 *
 * Laid out as iommufd's: the tests here, their helpers in
 * iommu_kdump_utils.h (files, the debugfs tables by column name,
 * /proc/vmcore), the oracle in iommu_kdump_oracle.h, built once per run.
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
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "iommu_kdump_utils.h"
#include "iommu_kdump_oracle.h"

static const struct kdump_file {
	const char *name;
	const char *header;	/* NULL: one hexadecimal value */
} kdump_files[] = {
	{ "summary", "iommu\tstate\ttables\tpage_tables\tcontexts_adopted\t"
		     "contexts_refused\tdomain_ids\tiova_ranges\tiova_pages\t"
		     "time_us\tmemory_kib\tbudget_tables\tbudget_leaves\t"
		     "budget_kib\tpages_kib" },
	{ "registers", "iommu\tregister\toffset\tvalue\tdecoded" },
	{ "contexts", "iommu\tbdf\tstate\tdid\ttt\taw\told_table\tnew_table\t"
		      "handover\treason\tswitch\tdropped\t"
		      "dropped_window" },
	{ "domain_ids", "iommu\tdomain_ids" },
	{ "iova_ranges", "iommu\tbdf\tstart\tend\tpages\tperm" },
	{ "pasids", "iommu\tbdf\tpasid\tpgtt\tdid\treason" },
	{ "limit", "iommu\ttables\tkib\tmemcpy_us\tread_us\tpresent\t"
		   "judge_us" },
	{ "debug_mask", NULL },
};

/* Write-only controls: documented, not read. */
static const char * const kdump_controls[] = { "release" };

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
	struct oracle *o;	/* built once per run: iommu_kdump_oracle.h */
};

FIXTURE_SETUP(kdump)
{
	const char *why;

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
	self->o = oracle_get(&why);
	ASSERT_NE(NULL, self->o) TH_LOG("oracle: %s", why);
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
		/* Page-allocator pages are part of what it holds. */
		EXPECT_LE(tsv_u64(&self->summary, s, "pages_kib"),
			  tsv_u64(&self->summary, s, "memory_kib"))
			TH_LOG("%s: pages_kib", name);
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

	for (i = 0; i < self->o->nr_ctx; i++) {
		const struct old_ctx *c = &self->o->ctx[i];
		const char *name = self->o->iommu[c->iommu].name;

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
		/* Leaves into the capture kernel's RAM: left out, "partial". */
		EXPECT_EQ((__u64)c->nr_dropped, tsv_u64(t, r, "dropped"))
			TH_LOG("%s %s: leaves left out", name, c->bdf);
		EXPECT_STREQ(c->nr_dropped ||
			     tsv_u64(t, r, "dropped_window") ? "partial" : "-",
			     tsv_get(t, r, "reason"))
			TH_LOG("%s %s: reason", name, c->bdf);
		EXPECT_TRUE(!c->error)
			TH_LOG("%s %s: oracle: %s", name, c->bdf, c->error);
	}
	for (r = 0; r < t->nr; r++) {
		const char *name = tsv_get(t, r, "iommu");
		const char *bdf = tsv_get(t, r, "bdf");
		const char *state = iommu_state(&self->summary, name);
		bool known = strchr(bdf, '*');

		for (i = 0; i < self->o->nr_ctx && !known; i++)
			known = !strcmp(self->o->ctx[i].bdf, bdf) &&
				!strcmp(self->o->iommu[self->o->ctx[i].iommu].name,
					name);
		EXPECT_TRUE(known) TH_LOG("%s %s: in kdump/contexts but not in the old tables",
					  name, bdf);
		if (strcmp(state, "adopted"))
			EXPECT_FALSE(row_adopted(t, r))
				TH_LOG("%s %s adopted, yet the IOMMU is %s",
				       name, bdf, state);
	}
	for (i = 0; i < self->o->nr_iommus; i++) {
		const struct oracle_iommu *u = &self->o->iommu[i];

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
		for (r = 0, n = 0; r < self->o->nr_ctx; r++)
			n += self->o->ctx[r].iommu == i;
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

		for (i = 0; i < self->o->nr_iommus; i++)
			if (!strcmp(self->o->iommu[i].name, name))
				break;
		ASSERT_LT(i, self->o->nr_iommus)
			TH_LOG("kdump/domain_ids: unknown IOMMU %s", name);
		EXPECT_EQ(0, parse_ids(tsv_get(&self->dids, r, "domain_ids"),
				       ids[i]))
			TH_LOG("%s: bad id list", name);
	}
	for (i = 0; i < self->o->nr_ctx; i++) {
		struct old_ctx *c = &self->o->ctx[i];
		const char *name = self->o->iommu[c->iommu].name;
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

	for (i = 0; i < self->o->nr_ctx; i++) {
		const struct old_ctx *c = &self->o->ctx[i];
		const char *name = self->o->iommu[c->iommu].name;
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

	for (i = 0; i < self->o->nr_ctx; i++) {
		const struct old_ctx *c = &self->o->ctx[i];
		const char *name = self->o->iommu[c->iommu].name;
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
		/*
		 * Other PASIDs or leaves left out: PASID structures, or the
		 * tables down to those leaves, of its own.
		 */
		if (inplace && !pasids_dropped(name, c->bdf) &&
		    strcmp(tsv_get(t, r, "reason"), "partial"))
			EXPECT_EQ(c->table, tsv_u64(t, r, "new_table"))
				TH_LOG("%s %s: in place, yet new_table is %s",
				       name, c->bdf, tsv_get(t, r, "new_table"));
		checked++;
	}
	ksft_print_msg("oracle: %d old_table pointers checked\n", checked);
}

/*
 * Nothing adopted maps the capture kernel's own RAM: of every adopted
 * context's leaves, as the old tables in /proc/vmcore have it, exactly
 * those that touch what /proc/iomem calls this kernel's System RAM were
 * left out (kdump/contexts "dropped"), and the rest lie outside it.
 */
TEST_F(kdump, adopted_outside_capture_ram)
{
	const struct tsv *t = &self->contexts;
	struct own_ram own;
	int i, j, r, kept = 0, left_out = 0;

	ASSERT_LT(0, own_ram_read(&own)) TH_LOG("no System RAM in /proc/iomem");
	if (broken("ownram")) {		/* as if all memory were ours */
		own.start[0] = 0;
		own.end[0] = ~0ULL;
		own.nr = 1;
	}
	for (i = 0; i < self->o->nr_ctx; i++) {
		const struct old_ctx *c = &self->o->ctx[i];
		const char *name = self->o->iommu[c->iommu].name;
		__u64 in_own = 0;

		r = ctx_row(t, name, c->bdf);
		if (!row_adopted(t, r))
			continue;
		for (j = 0; j < c->nr_leaves; j++) {
			__u64 a = c->leaves[j].phys;
			__u64 b = a + c->leaves[j].size - 1;

			if (own_ram_hit(&own, a, b))
				in_own++;
			else
				kept++;
		}
		EXPECT_EQ(in_own, tsv_u64(t, r, "dropped"))
			TH_LOG("%s %s: %llu leaves in own RAM, %s left out",
			       name, c->bdf, (unsigned long long)in_own,
			       tsv_get(t, r, "dropped"));
		left_out += in_own;
	}
	ksft_print_msg("oracle: %d adopted leaves outside %d ranges of capture RAM, %d left out\n",
		       kept, own.nr, left_out);
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

/* Old pages of @c translating as they did in the crashed kernel. */
static int old_pages_kept(const struct old_ctx *c, const struct dom_page *pages,
			  int nr, int *total)
{
	__u64 off;
	int i, kept = 0;

	*total = 0;
	for (i = 0; i < c->nr_leaves; i++) {
		if (c->leaves[i].dropped)
			continue;
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
	for (k = 0; k < 2 * self->o->nr_ctx; k++) {
		const struct old_ctx *c = &self->o->ctx[k % self->o->nr_ctx];
		const char *name = self->o->iommu[c->iommu].name;
		bool named = cmdline_has("lab.handover", c->bdf);
		const char *state;
		char path[256];
		FILE *f;

		pass = k / self->o->nr_ctx;
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
		if (!sibling_handed_over(self->o, &self->contexts, c))
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
