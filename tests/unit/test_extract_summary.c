/* SPDX-License-Identifier: Apache-2.0 */
/* Summaries and their cache (lib/extract/summary.c, cache.c): a summary of a
 * real library survives the text form; every damaged form is refused; the
 * cache uses only entries this user owns and nobody else can write, in the
 * directory it opened. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/internal.h"

static char tmp[256];

static void setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/sk-extract-sum-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(summary, .init = setup, .fini = teardown);

/* The summary of the host's libc, analysed here. */
static void libc_summary(struct xsummary *s)
{
	struct xobj o;
	struct sk_diags d = {0};
	const char *path = "/lib/x86_64-linux-gnu/libc.so.6";
	cr_assert_eq(xobj_open(&o, path, path, &d), 0);
	struct xdec *dec = xdec_new();
	cr_assert_eq(xobj_analyse(&o, dec), 0);
	memset(s, 0, sizeof *s);
	cr_assert_eq(xobj_summarize(&o, s, NULL), 0);
	s->key = 0x1234abcd;
	s->build_id_len = o.elf.build_id_len;
	memcpy(s->build_id, o.elf.build_id, s->build_id_len);
	xdec_free(dec);
	xobj_free(&o);
	sk_diags_free(&d);
}

static bool same(const struct xsummary *a, const struct xsummary *b)
{
	if (a->n_items != b->n_items || a->n_sets != b->n_sets || a->n_exports != b->n_exports ||
	    a->nw != b->nw || a->init != b->init || a->entry != b->entry || a->all != b->all ||
	    a->key != b->key || a->build_id_len != b->build_id_len)
		return false;
	if (memcmp(a->sets, b->sets, a->n_sets * a->nw * 8))
		return false;
	for (size_t i = 0; i < a->n_items; i++)
		if (a->items[i].kind != b->items[i].kind || a->items[i].nr != b->items[i].nr ||
		    strcmp(a->items[i].name, b->items[i].name))
			return false;
	for (size_t i = 0; i < a->n_exports; i++)
		if (strcmp(a->exports[i].name, b->exports[i].name) ||
		    a->exports[i].set != b->exports[i].set || a->exports[i].needs != b->exports[i].needs)
			return false;
	return true;
}

Test(summary, round_trip_of_libc)
{
	struct xsummary s, t;
	libc_summary(&s);
	cr_expect_gt(s.n_exports, 1000);
	const struct xsum_export *sys = xsummary_export(&s, "syscall");
	cr_assert_not_null(sys);
	cr_expect_eq(sys->needs, 1u << XR_DI, "libc's syscall takes its number in rdi");
	const struct xsum_export *ab = xsummary_export(&s, "abort");
	cr_assert_not_null(ab);
	cr_expect(ab->noret, "abort never returns");
	size_t len;
	char *text = xsummary_write(&s, &len);
	cr_assert_not_null(text);
	cr_assert_eq(xsummary_parse(text, len, &t), 0);
	cr_expect(same(&s, &t));
	xsummary_free(&t);
	free(text);
	xsummary_free(&s);
}

/* Damage the text in many ways: every one must be refused. */
Test(summary, damaged_text_is_refused)
{
	struct xsummary s, t;
	libc_summary(&s);
	size_t len;
	char *text = xsummary_write(&s, &len);
	xsummary_free(&s);
	for (size_t cut = 0; cut < len; cut += len / 97 + 1)
		cr_expect_eq(xsummary_parse(text, cut, &t), -EINVAL, "cut at %zu", cut);
	static const char *const damage[][2] = {
		{"scmpkit-extract-summary 1", "scmpkit-extract-summary 9"},
		{"\ni sys 1 ", "\ni sys 99 "},
		{"\ni sys 1 ", "\ni sys -1 "},
		{"\nsets ", "\nsets 9"},
		{"\nexports ", "\nexports 1"},
		{"\ne 0 ", "\ne 99999999 "},
		{"\nroots ", "\nroots 99999999 "},
		{"\ni import ", "\ni import 4294967295 "},
		{"\nend\n", "\nend\nmore\n"},
	};
	for (size_t k = 0; k < sizeof damage / sizeof damage[0]; k++) {
		char *at = strstr(text, damage[k][0]);
		cr_assert_not_null(at, "%s", damage[k][0]);
		size_t a = strlen(damage[k][0]), b = strlen(damage[k][1]);
		char *copy = malloc(len + b + 1);
		memcpy(copy, text, (size_t)(at - text));
		memcpy(copy + (at - text), damage[k][1], b);
		strcpy(copy + (at - text) + b, at + a);
		cr_expect_eq(xsummary_parse(copy, strlen(copy), &t), -EINVAL, "%s", damage[k][1]);
		free(copy);
	}
	free(text);
}

Test(summary, cache_trusts_only_its_owner)
{
	struct xsummary s, t;
	libc_summary(&s);
	char dir[400];
	snprintf(dir, sizeof dir, "%s/c/scmpkit/extract", tmp);
	struct sk_diags d = {0};
	struct xcache *c = xcache_open(dir, &d);
	cr_assert_not_null(c);
	struct stat st;
	cr_assert_eq(stat(dir, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(xcache_put(c, &s), 0);
	cr_assert_eq(xcache_get(c, &s, &t), 0);
	cr_expect(same(&s, &t));
	xsummary_free(&t);
	struct xsummary other = s;
	other.key ^= 1;
	cr_expect_eq(xcache_get(c, &other, &t), -ENOENT, "another key");
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "chmod g+w %s/*.summary", dir);
	cr_assert_eq(system(cmd), 0);
	cr_expect_eq(xcache_get(c, &s, &t), -ENOENT, "writable by the group");
	snprintf(cmd, sizeof cmd, "chmod g-w %s/*.summary", dir);
	cr_assert_eq(system(cmd), 0);
	if (geteuid() == 0) {
		snprintf(cmd, sizeof cmd, "chown 65534 %s/*.summary", dir);
		cr_assert_eq(system(cmd), 0);
		cr_expect_eq(xcache_get(c, &s, &t), -ENOENT, "owned by another user");
		cr_assert_eq(xcache_put(c, &s), 0, "replaced by ours");
		cr_expect_eq(xcache_get(c, &s, &t), 0);
		xsummary_free(&t);
	}
	snprintf(cmd, sizeof cmd, "for f in %s/*.summary; do echo garbage > $f; done", dir);
	cr_assert_eq(system(cmd), 0);
	cr_expect_eq(xcache_get(c, &s, &t), -ENOENT, "not a summary");
	xcache_close(c);
	/* a directory others may write to is made private; one of another user
	 * is not used */
	snprintf(cmd, sizeof cmd, "chmod 0777 %s", dir);
	cr_assert_eq(system(cmd), 0);
	c = xcache_open(dir, &d);
	cr_assert_not_null(c);
	cr_assert_eq(stat(dir, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
	xcache_close(c);
	if (geteuid() == 0) {
		snprintf(cmd, sizeof cmd, "chown 65534 %s", dir);
		cr_assert_eq(system(cmd), 0);
		cr_expect_null(xcache_open(dir, &d));
		cr_expect(d.n && strstr(d.v[d.n - 1].message, "owned by uid 65534"), "%s",
			  d.n ? d.v[d.n - 1].message : "no note");
	}
	sk_diags_free(&d);
	xsummary_free(&s);
}

/* The cache is the directory that was opened, not whatever its path names
 * later: whoever owns a directory above it can swap it (rename it away, put
 * another in its place) between one use and the next. Entries came from the
 * path each time, so a swapped-in directory's entries were read. */
Test(summary, cache_reads_the_directory_it_opened)
{
	struct xsummary s, t;
	libc_summary(&s);
	char dir[400], moved[420];
	snprintf(dir, sizeof dir, "%s/c/scmpkit/extract", tmp);
	snprintf(moved, sizeof moved, "%s.moved", dir);
	struct sk_diags d = {0};
	struct xcache *c = xcache_open(dir, &d);
	cr_assert_not_null(c);
	cr_assert_eq(rename(dir, moved), 0);
	struct xcache *swapped = xcache_open(dir, &d); /* a new directory at the path */
	cr_assert_not_null(swapped);
	cr_assert_eq(xcache_put(swapped, &s), 0);
	cr_expect_eq(xcache_get(c, &s, &t), -ENOENT, "an entry of the directory swapped in");
	cr_assert_eq(xcache_put(c, &s), 0);
	char cmd[1000];
	snprintf(cmd, sizeof cmd, "ls %s/*.summary >/dev/null", moved);
	cr_expect_eq(system(cmd), 0, "written where it was opened");
	cr_expect_eq(xcache_get(c, &s, &t), 0, "its own entry");
	xsummary_free(&t);
	xcache_close(c);
	xcache_close(swapped);
	sk_diags_free(&d);
	xsummary_free(&s);
}
