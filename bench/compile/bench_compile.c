/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit's compiler against libseccomp 2.5.4, in the same run, on the same
 * resolved profile (x86_64 host with x86 and x32, Docker's default caps, this
 * kernel), ENOSYS rule off on both sides:
 *   - instructions executed per syscall (emulator, all args 0) over 1,393
 *     points: x86_64 nr 0..511, i386 nr 0..511, every x32 table number;
 *   - program length;
 *   - compile time (libseccomp: build + export, as runc does).
 * libseccomp twice: its default linear layout (what Debian's runc 1.1.5 uses)
 * and the binary tree (SCMP_FLTATR_CTL_OPTIMIZE=2, upstream runc > 32 rules).
 * Usage: bench_compile PROFILE... (bench/meson.build passes the set). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scmpkit/bpf.h>

#include "../../tests/oracle/oracle.h"

#define REPEAT 30

struct stats {
	double mean;
	size_t max, len;
	double ms;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The 1,393 points: (audit arch, nr). */
static size_t points(uint32_t *arch, int32_t *nr)
{
	size_t n = 0;
	for (int i = 0; i < 512; i++) {
		arch[n] = sk_arch_info(SK_ARCH_X86_64)->audit_arch;
		nr[n++] = i;
		arch[n] = sk_arch_info(SK_ARCH_X86)->audit_arch;
		nr[n++] = i;
	}
	const char *name;
	int64_t x;
	for (size_t i = 0; sk_syscall_at(SK_ARCH_X32, i, &name, &x); i++) {
		arch[n] = sk_arch_info(SK_ARCH_X32)->audit_arch;
		nr[n++] = (int32_t)x;
	}
	return n;
}

static void measure(const struct sk_filter_set *set, const uint32_t *arch, const int32_t *nr,
		    size_t n, struct stats *s)
{
	size_t sum = 0;
	s->max = 0;
	for (size_t i = 0; i < n; i++) {
		struct sk_seccomp_data d = {.nr = nr[i], .arch = arch[i]};
		struct sk_run_result r;
		if (sk_filter_set_run(set, &d, &r) < 0) {
			fprintf(stderr, "program refused by the emulator\n");
			exit(1);
		}
		sum += r.executed;
		if (r.executed > s->max)
			s->max = r.executed;
	}
	s->mean = (double)sum / (double)n;
	s->len = 0;
	for (size_t i = 0; i < set->n; i++)
		s->len += set->progs[i].len;
}

static void add_arch(struct sk_profile *p, enum sk_arch a)
{
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == a)
			return;
	sk_profile_add_arch(p, a);
}

static int bench(const char *path, const uint32_t *arch, const int32_t *nr, size_t n)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(path, &d);
	struct sk_resolve_opts ro = {.arch = SK_ARCH_X86_64, .kernel_major = -1, .kernel_minor = -1};
	struct sk_profile *r = p ? sk_profile_resolve(p, &ro, &d) : NULL;
	if (!r) {
		fprintf(stderr, "%s: does not load\n", path);
		return 1;
	}
	add_arch(r, SK_ARCH_X86_64);
	add_arch(r, SK_ARCH_X86);
	add_arch(r, SK_ARCH_X32);
	struct sk_compile_opts o;
	sk_compile_opts_init(&o);
	o.host = SK_ARCH_X86_64;
	o.no_enosys = true;

	struct stats mine, lin, tree;
	struct sk_filter_set set;
	double t0 = now_ms();
	for (int i = 0; i < REPEAT; i++) {
		struct sk_diags dd = {0};
		if (sk_compile(r, &o, &set, &dd)) {
			fprintf(stderr, "%s: scmpkit does not compile it\n", path);
			return 1;
		}
		sk_diags_free(&dd);
		if (i + 1 < REPEAT)
			sk_filter_set_free(&set);
	}
	mine.ms = (now_ms() - t0) / REPEAT;
	measure(&set, arch, nr, n, &mine);
	sk_filter_set_free(&set);

	struct { bool tree; struct stats *s; } libs[] = {{false, &lin}, {true, &tree}};
	for (size_t k = 0; k < 2; k++) {
		struct sk_bpf_prog prog;
		char err[256];
		t0 = now_ms();
		for (int i = 0; i < REPEAT; i++) {
			if (oracle_runc_filter(r, libs[k].tree, &prog, NULL, err, sizeof err)) {
				fprintf(stderr, "%s: libseccomp: %s\n", path, err);
				return 1;
			}
			if (i + 1 < REPEAT)
				sk_bpf_prog_free(&prog);
		}
		libs[k].s->ms = (now_ms() - t0) / REPEAT;
		struct sk_filter_set one = {.progs = &prog, .n = 1};
		measure(&one, arch, nr, n, libs[k].s);
		sk_bpf_prog_free(&prog);
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	printf("\n%s  (%zu rules after resolving; %zu points)\n", base, r->n_rules, n);
	printf("  %-22s %10s %12s %12s %14s %14s\n", "measure", "scmpkit", "lib tree", "lib linear",
	       "scmpkit/tree", "scmpkit/linear");
	printf("  %-22s %10.2f %12.2f %12.2f %13.2fx %13.2fx\n", "executed, mean", mine.mean,
	       tree.mean, lin.mean, mine.mean / tree.mean, mine.mean / lin.mean);
	printf("  %-22s %10zu %12zu %12zu %13.2fx %13.2fx\n", "executed, max", mine.max, tree.max,
	       lin.max, (double)mine.max / (double)tree.max, (double)mine.max / (double)lin.max);
	printf("  %-22s %10zu %12zu %12zu %13.2fx %13.2fx\n", "program length", mine.len, tree.len,
	       lin.len, (double)mine.len / (double)tree.len, (double)mine.len / (double)lin.len);
	printf("  %-22s %10.3f %12.3f %12.3f %13.1fx %13.1fx  (lib/scmpkit speed-up)\n",
	       "compile time, ms", mine.ms, tree.ms, lin.ms, tree.ms / mine.ms, lin.ms / mine.ms);
	sk_profile_free(r);
	sk_profile_free(p);
	sk_diags_free(&d);
	return 0;
}

int main(int argc, char **argv)
{
	static uint32_t arch[2048];
	static int32_t nr[2048];
	size_t n = points(arch, nr);
	printf("scmpkit vs libseccomp %s: x86_64 host with x86 + x32, ENOSYS rule off, args 0, "
	       "compile time = mean of %d\n", "2.5.4", REPEAT);
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= bench(argv[i], arch, nr, n);
	return rc;
}
