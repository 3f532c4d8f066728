/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit extract through its public API: bad input, and the programs of
 * tests/helpers/extract_prog.c (dynamic, glibc-static, musl-static) and
 * extract_int80.c, built by meson, whose sources say what must and must not
 * be found. The corpus of real programs against strace and record is in
 * tests/e2e/extract_*.sh. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmpkit/extract.h>

static char tmp[256];

static void setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/sk-extract-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	char cache[300];
	snprintf(cache, sizeof cache, "%s/cache", tmp);
	setenv("XDG_CACHE_HOME", cache, 1);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(extract, .init = setup, .fini = teardown);

static const char *helper(const char *name)
{
	static char path[4][512];
	static int k;
	const char *dir = getenv("SK_EXTRACT_HELPERS");
	cr_assert_not_null(dir, "run through meson test");
	char *p = path[k++ % 4];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

/* A copy of the file at SRC in tmp with BYTES written at OFF; NULL: as is. */
static const char *patched(const char *src, long off, const void *bytes, size_t n, long cut)
{
	static char out[300];
	snprintf(out, sizeof out, "%s/patched", tmp);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "cp %s %s", src, out);
	cr_assert_eq(system(cmd), 0);
	int fd = open(out, O_RDWR);
	cr_assert_geq(fd, 0);
	if (bytes)
		cr_assert_eq(pwrite(fd, bytes, n, off), (ssize_t)n);
	if (cut >= 0)
		cr_assert_eq(ftruncate(fd, cut), 0);
	close(fd);
	return out;
}

static bool has_diag(const struct sk_diags *d, enum sk_severity sev, const char *rule,
		     const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == sev && d->v[i].rule && !strcmp(d->v[i].rule, rule) &&
		    strstr(d->v[i].message, text))
			return true;
	return false;
}

/* Extraction of PATH must fail with RC and an error containing TEXT. */
static void refused(const char *path, int rc, const char *text)
{
	struct sk_extract_opts o = {.no_cache = true};
	struct sk_extract *x = NULL;
	struct sk_diags d = {0};
	cr_expect_eq(sk_extract_run(&path, 1, &o, &x, &d), rc, "%s", path);
	cr_expect_null(x);
	cr_expect(has_diag(&d, SK_SEV_ERROR, "extract-input", text), "no error with \"%s\" (%s)",
		  text, d.n ? d.v[0].message : "no diagnostic");
	sk_diags_free(&d);
}

Test(extract, refuses_what_is_not_an_x86_64_program)
{
	char p[300];
	snprintf(p, sizeof p, "%s/text", tmp);
	FILE *f = fopen(p, "w");
	fputs("hello, not a program\n", f);
	fclose(f);
	refused(p, -ENOEXEC, "not an ELF file");
	snprintf(p, sizeof p, "%s/script", tmp);
	f = fopen(p, "w");
	fputs("#!/bin/sh\necho hi\n", f);
	fclose(f);
	refused(p, -ENOEXEC, "but a script");
	const char *prog = helper("extract_prog");
	uint16_t aarch64 = 183, rel = 1 /* ET_REL */, core = 4;
	uint8_t class32 = 1;
	refused(patched(prog, 18, &aarch64, 2, -1), -ENOEXEC, "an ELF file for aarch64");
	refused(patched(prog, 4, &class32, 1, -1), -ENOEXEC, "a 32-bit ELF file");
	refused(patched(prog, 16, &rel, 2, -1), -ENOEXEC, "an object file");
	refused(patched(prog, 16, &core, 2, -1), -ENOEXEC, "a core dump");
	refused(patched(prog, 0, NULL, 0, 100), -ENOEXEC, "truncated or corrupt");
	refused(patched(prog, 0, NULL, 0, 2000), -ENOEXEC, "truncated or corrupt");
	snprintf(p, sizeof p, "%s/missing", tmp);
	refused(p, -ENOENT, "cannot read");
}

Test(extract, refuses_a_huge_file)
{
	char p[300];
	snprintf(p, sizeof p, "%s/huge", tmp);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)3 << 30), 0); /* sparse: 3 GiB, no disk */
	close(fd);
	refused(p, -EFBIG, "larger than");
}

static struct sk_extract *run(const char *path, bool cache, struct sk_diags *d)
{
	struct sk_extract_opts o = {.no_cache = !cache, .explain = !cache};
	struct sk_extract *x = NULL;
	int rc = sk_extract_run(&path, 1, &o, &x, d);
	cr_assert_eq(rc, 0, "%s: %d (%s)", path, rc, d->n ? d->v[0].message : "");
	return x;
}

static bool has(const struct sk_extract *x, const char *name)
{
	return sk_trace_result_has(sk_extract_result(x), SK_ARCH_X86_64,
				   sk_syscall_nr(SK_ARCH_X86_64, name));
}

/* What extract_prog.c's source says, for any build of it. */
static void check_prog(const char *name)
{
	const char *path = helper(name);
	if (access(path, X_OK) != 0)
		cr_skip_test("%s was not built (no static libc or musl-gcc)", name);
	struct sk_diags d = {0};
	struct sk_extract *x = run(path, false, &d);
	cr_expect(has(x, "getppid"), "%s: syscall(SYS_getppid)", name);
	cr_expect(has(x, "getpgrp"), "%s: a wrapper of syscall()", name);
	cr_expect(has(x, "sched_yield"), "%s: a function reached through a table", name);
	cr_expect(has(x, "write") || has(x, "writev"), "%s: printf", name);
	cr_expect(has(x, "execve"), "%s: the execve that starts it", name);
	cr_expect_not(has(x, "acct"), "%s: a function nothing calls", name);
	bool main_site = false;
	for (size_t i = 0; i < sk_extract_unresolved_count(x); i++)
		main_site |= !strcmp(sk_extract_unresolved(x, i)->function, "main");
	cr_expect(main_site, "%s: syscall(number from argv) in main is unresolved", name);
	cr_expect(has_diag(&d, SK_SEV_WARNING, "extract-unresolved", "main at 0x"), "%s", name);
	int64_t nr = sk_syscall_nr(SK_ARCH_X86_64, "getppid");
	cr_expect_not_null(sk_extract_provenance(x, SK_ARCH_X86_64, nr));
	sk_extract_free(x);
	sk_diags_free(&d);
}

Test(extract, dynamic_program)
{
	check_prog("extract_prog");
}

Test(extract, glibc_static_program)
{
	check_prog("extract_prog_static");
}

Test(extract, musl_static_program)
{
	check_prog("extract_prog_musl");
}

Test(extract, strict_makes_unresolved_sites_errors)
{
	const char *path = helper("extract_prog");
	struct sk_extract_opts o = {.no_cache = true, .strict = true};
	struct sk_extract *x = NULL;
	struct sk_diags d = {0};
	cr_assert_eq(sk_extract_run(&path, 1, &o, &x, &d), 0);
	cr_expect_gt(sk_extract_unresolved_count(x), 0);
	cr_expect(has_diag(&d, SK_SEV_ERROR, "extract-unresolved", "main"));
	sk_extract_free(x);
	sk_diags_free(&d);
}

Test(extract, provenance_names_the_import)
{
	struct sk_diags d = {0};
	struct sk_extract *x = run(helper("extract_prog"), false, &d);
	const char *p = sk_extract_provenance(x, SK_ARCH_X86_64,
					      sk_syscall_nr(SK_ARCH_X86_64, "getppid"));
	cr_assert_not_null(p);
	cr_expect(strstr(p, "main -> syscall@plt"), "%s", p);
	bool found;
	char *text = sk_extract_explain(x, "getpgrp", &found, &d);
	cr_assert_not_null(text);
	cr_expect(found);
	cr_expect(strstr(text, "main -> via") && strstr(text, "makes getpgrp"), "%s", text);
	free(text);
	text = sk_extract_explain(x, "acct", &found, &d);
	cr_expect_not(found);
	cr_expect(strstr(text, "no reachable site"), "%s", text);
	free(text);
	sk_extract_free(x);
	sk_diags_free(&d);
}

Test(extract, int80_is_an_i386_call)
{
	struct sk_diags d = {0};
	struct sk_extract *x = run(helper("extract_int80"), false, &d);
	cr_expect(sk_trace_result_has(sk_extract_result(x), SK_ARCH_X86, 20), "getpid on i386");
	struct sk_trace_profile_opts po = {.default_action = SK_ACT_ERRNO, .essentials = true};
	struct sk_profile *p = sk_extract_to_profile(x, &po, true, &d);
	cr_assert_not_null(p);
	bool x86 = false;
	for (size_t i = 0; i < p->n_arches; i++)
		x86 |= p->arches[i] == SK_ARCH_X86;
	cr_expect(x86, "the profile names SCMP_ARCH_X86");
	sk_profile_free(p);
	sk_extract_free(x);
	sk_diags_free(&d);
}

Test(extract, cached_summaries_give_the_same_result)
{
	struct sk_diags d = {0};
	struct sk_extract *a = run(helper("extract_prog"), true, &d);
	struct sk_extract *b = run(helper("extract_prog"), true, &d); /* from the cache */
	struct sk_extract *c = run(helper("extract_prog"), false, &d);
	char *na = sk_extract_names(a), *nb = sk_extract_names(b), *nc = sk_extract_names(c);
	cr_expect_str_eq(na, nb);
	cr_expect_str_eq(na, nc);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "ls %s/cache/scmpkit/extract/*.summary >/dev/null 2>&1", tmp);
	cr_expect_eq(system(cmd), 0, "entries written");
	struct stat st;
	snprintf(cmd, sizeof cmd, "%s/cache/scmpkit/extract", tmp);
	cr_assert_eq(stat(cmd, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
	free(na);
	free(nb);
	free(nc);
	sk_extract_free(a);
	sk_extract_free(b);
	sk_extract_free(c);
	sk_diags_free(&d);
}

/* A root filesystem with the program's libraries, ld.so reached through an
 * absolute symlink as in Debian: the symlink must resolve inside the root. */
Test(extract, rootfs_is_a_root)
{
	char cmd[2000];
	snprintf(cmd, sizeof cmd,
		 "set -e; r=%s/root; mkdir -p $r/lib/x86_64-linux-gnu $r/lib64; "
		 "cp /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "
		 "$r/lib/x86_64-linux-gnu/; "
		 "ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 $r/lib64/ld-linux-x86-64.so.2",
		 tmp);
	cr_assert_eq(system(cmd), 0);
	char root[300];
	snprintf(root, sizeof root, "%s/root", tmp);
	const char *path = helper("extract_prog");
	struct sk_extract_opts o = {.no_cache = true, .rootfs = root};
	struct sk_extract *x = NULL;
	struct sk_diags d = {0};
	cr_assert_eq(sk_extract_run(&path, 1, &o, &x, &d), 0, "%s", d.n ? d.v[0].message : "");
	cr_expect(has(x, "getppid"));
	bool inside = false;
	for (size_t i = 0; i < d.n; i++)
		inside |= d.v[i].file && !strncmp(d.v[i].file, root, strlen(root));
	cr_expect(inside, "the libraries' diagnostics name files in the root");
	sk_extract_free(x);
	sk_diags_free(&d);
	/* without libc in the root: a clear error, not the host's libc */
	snprintf(cmd, sizeof cmd, "rm %s/root/lib/x86_64-linux-gnu/libc.so.6", tmp);
	cr_assert_eq(system(cmd), 0);
	x = NULL;
	cr_expect_eq(sk_extract_run(&path, 1, &o, &x, &d), -ENOENT);
	cr_expect(has_diag(&d, SK_SEV_ERROR, "extract-library", "needs libc.so.6, which is not found in"));
	sk_diags_free(&d);
}
