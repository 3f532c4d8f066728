/* SPDX-License-Identifier: Apache-2.0 */
/* Proof of equivalence with runc + libseccomp: for Docker's default profile,
 * containers-common's, and random profiles (SK_EQUIV_COUNT, default 200; the
 * long run in bench/ uses 2000), scmpkit's filter set (ENOSYS rule off) and
 * the program libseccomp builds the way runc 1.1.5 drives it return the same
 * value under the emulator for every input tests/oracle/equiv.c generates.
 * Where runc refuses a profile, scmpkit must refuse it too or say why not. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/bpf.h>

#include "../oracle/oracle.h"

static void compile_opts(struct sk_compile_opts *o)
{
	sk_compile_opts_init(o);
	o->host = SK_ARCH_X86_64;
	o->no_enosys = true;
}

static void print_diags(const char *what, const struct sk_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = sk_diag_format(&d->v[i]);
		cr_log_info("%s: %s", what, s ? s : "?");
		free(s);
	}
}

/* A real profile file, resolved for an amd64 host with Docker's default caps. */
static void check_file(const char *path)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(path, &d);
	if (!p)
		print_diags(path, &d);
	cr_assert_not_null(p, "%s does not load", path);
	struct sk_resolve_opts ro = {.arch = SK_ARCH_X86_64, .kernel_major = -1, .kernel_minor = -1};
	struct sk_profile *r = sk_profile_resolve(p, &ro, &d);
	cr_assert_not_null(r);
	struct sk_compile_opts o;
	compile_opts(&o);
	struct sk_filter_set set;
	int rc = sk_compile(p, &o, &set, &d);
	if (rc)
		print_diags(path, &d);
	cr_assert_eq(rc, 0, "%s does not compile", path);
	for (size_t i = 0; i < set.n; i++)
		cr_expect_eq(sk_bpf_validate(&set.progs[i], NULL), 0);
	struct sk_bpf_prog theirs;
	char err[256];
	cr_assert_eq(oracle_runc_filter(r, false, &theirs, NULL, err, sizeof err), 0, "%s", err);
	struct equiv_report rep;
	struct oracle_ref *ref;
	cr_assert_eq(oracle_ref_build(r, &ref, err, sizeof err), 0, "%s", err);
	cr_assert_eq(equiv_compare_ref(r, &set, &theirs, ref, &rep), 0);
	cr_log_info("%s: %zu inputs compared, %zu numbers excluded (unknown to libseccomp 2.5.4), "
		    "%zu differ, %zu libseccomp BPF bugs", path, rep.points, rep.excluded,
		    rep.mismatches, rep.libseccomp_bugs);
	cr_expect_gt(rep.points, 3000);
	cr_expect_eq(rep.mismatches, 0, "%s: %zu of %zu inputs differ; first: %s", path,
		     rep.mismatches, rep.points, rep.first);
	/* and libseccomp's tree layout is the same function */
	struct sk_bpf_prog tree;
	cr_assert_eq(oracle_runc_filter(r, true, &tree, NULL, err, sizeof err), 0, "%s", err);
	cr_assert_eq(equiv_compare_ref(r, &set, &tree, ref, &rep), 0);
	cr_expect_eq(rep.mismatches, 0, "%s (tree): first: %s", path, rep.first);
	oracle_ref_free(ref);
	sk_bpf_prog_free(&tree);
	sk_bpf_prog_free(&theirs);
	sk_filter_set_free(&set);
	sk_profile_free(r);
	sk_profile_free(p);
	sk_diags_free(&d);
}

Test(equiv, docker_default)
{
	const char *dir = getenv("SK_SHARED_DATA");
	cr_assert_not_null(dir, "run through meson test");
	char path[4096];
	snprintf(path, sizeof path, "%s/profiles/docker-default.json", dir);
	check_file(path);
}

Test(equiv, containers_common)
{
	check_file("/usr/share/containers/seccomp.json");
}

/* Every error is a rule conflict on a call libseccomp 2.5.4 does not know. */
static bool newer_conflict_only(const struct sk_diags *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].severity != SK_SEV_ERROR)
			continue;
		const char *m = d->v[i].message, *q = m ? strstr(m, "the rule for '") : NULL;
		char name[64];
		if (!q || !strstr(m, "File exists") || sscanf(q, "the rule for '%63[^']", name) != 1)
			return false;
		for (int a = 0; a < SK_ARCH_COUNT; a++)
			if (oracle_syscall_nr((enum sk_arch)a, name) >= 0)
				return false;
		n++;
	}
	return n > 0;
}

Test(equiv, random_profiles, .timeout = 3000)
{
	const char *env = getenv("SK_EQUIV_COUNT");
	const char *first_env = getenv("SK_EQUIV_SEED");
	unsigned long count = env ? strtoul(env, NULL, 0) : 200;
	unsigned long first = first_env ? strtoul(first_env, NULL, 0) : 1;
	size_t compared = 0, points = 0, differ = 0, both_refuse = 0, only_runc_refuses = 0,
	       only_scmpkit_refuses = 0, invalid = 0, buggy = 0, bug_points = 0, ref_bad = 0,
	       newer_conflicts = 0;
	for (unsigned long seed = first; seed < first + count; seed++) {
		struct sk_profile *p = randprof_make(seed);
		cr_assert_not_null(p);
		struct sk_diags d = {0};
		struct sk_compile_opts o;
		compile_opts(&o);
		struct sk_filter_set set;
		int mine = sk_compile(p, &o, &set, &d);
		struct sk_bpf_prog theirs;
		char err[256] = "";
		int rc = oracle_runc_filter(p, false, &theirs, NULL, err, sizeof err);
		if (rc && mine) {
			both_refuse++;
			/* the same problem: a conflict, mixed byte order, or runc's own checks */
			bool conflict = strstr(err, "File exists") != NULL;
			bool domain = strstr(err, "out of domain") != NULL;
			bool said = false;
			for (size_t i = 0; i < d.n; i++)
				if (d.v[i].severity == SK_SEV_ERROR && d.v[i].message &&
				    strstr(d.v[i].message, "runc/libseccomp would refuse") &&
				    (!conflict || strstr(d.v[i].message, "File exists")) &&
				    (!domain || strstr(d.v[i].message, "out of domain")))
					said = true;
			if ((conflict || domain) && !said) {
				print_diags("scmpkit", &d);
				cr_expect(0, "seed %lu: runc refuses (%s), scmpkit for another reason", seed,
					  err);
			}
		} else if (rc) {
			only_runc_refuses++;
			cr_expect(0, "seed %lu: runc refuses (%s), scmpkit compiles", seed, err);
		} else if (mine && newer_conflict_only(&d)) {
			/* the documented difference: runc on libseccomp 2.5.4 drops
			 * the names it does not know, scmpkit applies them, and so
			 * refuses their conflicting rules as a libseccomp knowing
			 * the call does */
			newer_conflicts++;
		} else if (mine) {
			only_scmpkit_refuses++;
			print_diags("scmpkit", &d);
			cr_expect(0, "seed %lu: scmpkit refuses a profile runc accepts", seed);
		} else {
			for (size_t i = 0; i < set.n; i++)
				if (sk_bpf_validate(&set.progs[i], NULL)) {
					invalid++;
					cr_expect(0, "seed %lu: program %zu fails the kernel's checks", seed, i);
				}
			struct equiv_report rep;
			struct oracle_ref *ref;
			cr_assert_eq(oracle_ref_build(p, &ref, err, sizeof err), 0, "seed %lu: %s", seed,
				     err);
			cr_assert_eq(equiv_compare_ref(p, &set, &theirs, ref, &rep), 0);
			oracle_ref_free(ref);
			compared++;
			points += rep.points;
			if (rep.libseccomp_bugs) {
				buggy++;
				bug_points += rep.libseccomp_bugs;
				fprintf(stderr, "seed %lu: libseccomp's BPF contradicts its own rule "
						"database on %zu inputs (gen_bpf reuses the accumulator "
						"across a level: a comparison reads another argument "
						"word than its node names); first: %s\n",
					seed, rep.libseccomp_bugs, rep.first_bug);
			}
			ref_bad += rep.ref_disagrees;
			if (rep.mismatches) {
				differ++;
				if (getenv("SK_EQUIV_DUMP")) { /* the profile, to reproduce by hand */
					char *json = sk_profile_emit(p, SK_FORMAT_OCI, &d);
					fprintf(stderr, "seed %lu:\n%s\n", seed, json ? json : "?");
					free(json);
				}
				cr_expect(0, "seed %lu: %zu of %zu inputs differ (%zu where the reference "
					  "contradicts libseccomp); first: %s", seed, rep.mismatches,
					  rep.points, rep.ref_disagrees, rep.first);
			}
		}
		if (!rc)
			sk_bpf_prog_free(&theirs);
		if (!mine)
			sk_filter_set_free(&set);
		sk_diags_free(&d);
		sk_profile_free(p);
	}
	fprintf(stderr, "random profiles (seeds %lu..%lu): %zu compared on %zu inputs, %zu differ; "
			"libseccomp BPF bugs in %zu profiles (%zu inputs: scmpkit and libseccomp's "
			"own rule database agree, its BPF does not); reference contradicting "
			"libseccomp %zu; both refuse %zu, only runc refuses %zu, only scmpkit "
			"refuses %zu (plus %zu for conflicting rules on calls newer than "
			"libseccomp 2.5.4, which runc drops), invalid programs %zu\n",
		first, first + count - 1, compared, points, differ, buggy, bug_points, ref_bad,
		both_refuse, only_runc_refuses, only_scmpkit_refuses, newer_conflicts, invalid);
	cr_expect_gt(compared, count / 2, "most random profiles must be comparable");
}

/* Calls newer than libseccomp 2.5.4: scmpkit applies the rule; runc on that
 * libseccomp drops the name ("unknown seccomp syscall ignored") so the call
 * gets the default action. The documented difference, checked both ways. */
Test(equiv, newer_syscalls_scmpkit_applies_runc_drops)
{
	struct sk_profile *p = sk_profile_new();
	p->default_action = SK_ACT_ERRNO;
	sk_profile_add_arch(p, SK_ARCH_X86_64);
	const char *names[] = {"mseal", "getpid"};
	sk_profile_add_rule(p, names, 2, SK_ACT_ALLOW);
	cr_assert_lt(oracle_syscall_nr(SK_ARCH_X86_64, "mseal"), 0,
		     "this libseccomp knows mseal: the test needs an older one");
	struct sk_compile_opts o;
	compile_opts(&o);
	struct sk_filter_set set;
	struct sk_diags d = {0};
	cr_assert_eq(sk_compile(p, &o, &set, &d), 0);
	struct sk_bpf_prog theirs;
	char err[128];
	size_t skipped;
	cr_assert_eq(oracle_runc_filter(p, false, &theirs, &skipped, err, sizeof err), 0);
	cr_expect_eq(skipped, 1);
	struct sk_seccomp_data dm = {.nr = (int)sk_syscall_nr(SK_ARCH_X86_64, "mseal"),
				     .arch = sk_arch_info(SK_ARCH_X86_64)->audit_arch};
	struct sk_run_result a, b;
	cr_assert_eq(sk_filter_set_run(&set, &dm, &a), 0);
	cr_assert_eq(sk_bpf_run(&theirs, &dm, &b), 0);
	cr_expect_eq(a.ret, 0x7fff0000u, "scmpkit allows mseal");
	cr_expect_eq(b.ret, 0x00050000u | 1, "runc+libseccomp 2.5.4 gives it the default (EPERM)");
	dm.nr = (int)sk_syscall_nr(SK_ARCH_X86_64, "getpid");
	cr_assert_eq(sk_filter_set_run(&set, &dm, &a), 0);
	cr_assert_eq(sk_bpf_run(&theirs, &dm, &b), 0);
	cr_expect_eq(a.ret, b.ret);
	sk_bpf_prog_free(&theirs);
	sk_filter_set_free(&set);
	sk_profile_free(p);
	sk_diags_free(&d);
}

/* Profiles runc refuses: scmpkit refuses them too, naming the rule and the
 * reason. And libseccomp's precedence for overlapping GT rules (not profile
 * order): a high word above both values takes the larger value's action. */
static struct sk_profile *two_poll_rules(enum sk_op op, uint64_t v1, enum sk_action a1,
					 uint64_t v2, enum sk_action a2)
{
	struct sk_profile *p = sk_profile_new();
	p->default_action = SK_ACT_ERRNO;
	sk_profile_add_arch(p, SK_ARCH_X86_64);
	const char *poll = "poll";
	sk_rule_add_arg(sk_profile_add_rule(p, &poll, 1, a1), 1, op, v1, 0);
	sk_rule_add_arg(sk_profile_add_rule(p, &poll, 1, a2), 1, op, v2, 0);
	return p;
}

Test(equiv, refusals_and_precedence)
{
	struct sk_compile_opts o;
	compile_opts(&o);
	struct sk_filter_set set;
	struct sk_bpf_prog theirs;
	char err[256];
	/* conflict: the same condition, two actions */
	struct sk_profile *p = two_poll_rules(SK_OP_EQ, 5, SK_ACT_ALLOW, 5, SK_ACT_KILL_THREAD);
	struct sk_diags d = {0};
	cr_expect_neq(oracle_runc_filter(p, false, &theirs, NULL, err, sizeof err), 0);
	cr_expect(strstr(err, "File exists") != NULL, "%s", err);
	cr_expect_eq(sk_compile(p, &o, &set, &d), -EEXIST);
	cr_expect_eq(d.n ? d.v[d.n - 1].severity : SK_SEV_NOTE, SK_SEV_ERROR);
	cr_expect(d.n && strstr(d.v[d.n - 1].message, "runc/libseccomp would refuse"));
	sk_diags_free(&d);
	sk_profile_free(p);
	/* mixed byte order */
	p = two_poll_rules(SK_OP_EQ, 5, SK_ACT_ALLOW, 6, SK_ACT_ALLOW);
	sk_profile_add_arch(p, SK_ARCH_S390X);
	cr_expect_neq(oracle_runc_filter(p, false, &theirs, NULL, err, sizeof err), 0);
	cr_expect_eq(sk_compile(p, &o, &set, &d), -EDOM);
	cr_expect(d.n && strstr(d.v[d.n - 1].message, "out of domain"));
	sk_diags_free(&d);
	sk_profile_free(p);
	/* GT 5 ALLOW then GT 7 TRAP: args above 2^32 get TRAP (larger value),
	 * 6 gets ALLOW, 8 gets TRAP (GT 7 is tried first) */
	p = two_poll_rules(SK_OP_GT, 5, SK_ACT_ALLOW, 7, SK_ACT_TRAP);
	cr_assert_eq(sk_compile(p, &o, &set, &d), 0);
	cr_assert_eq(oracle_runc_filter(p, false, &theirs, NULL, err, sizeof err), 0, "%s", err);
	const uint64_t vals[] = {6, 8, 0x100000000ull, 0x100000006ull, 3};
	const uint32_t want[] = {0x7fff0000u, 0x00030000u, 0x00030000u, 0x00030000u, 0x00050001u};
	for (size_t i = 0; i < 5; i++) {
		struct sk_seccomp_data dd = {.nr = 7, .arch = sk_arch_info(SK_ARCH_X86_64)->audit_arch,
					     .args = {0, vals[i]}};
		struct sk_run_result a, b;
		cr_assert_eq(sk_filter_set_run(&set, &dd, &a), 0);
		cr_assert_eq(sk_bpf_run(&theirs, &dd, &b), 0);
		cr_expect_eq(b.ret, want[i], "libseccomp, arg1 %#llx: %#x", (unsigned long long)vals[i],
			     b.ret);
		cr_expect_eq(a.ret, b.ret, "arg1 %#llx: scmpkit %#x, libseccomp %#x",
			     (unsigned long long)vals[i], a.ret, b.ret);
	}
	sk_bpf_prog_free(&theirs);
	sk_filter_set_free(&set);
	sk_diags_free(&d);
	sk_profile_free(p);
}

/* Compile output does not depend on how rules are split: each random profile
 * split into one rule per name (runc feeds libseccomp the same calls in the
 * same order, so its filter is the same) compiles to the very program the
 * unsplit profile compiles to, which random_profiles compares with
 * libseccomp's. Where the programs differ, the split one is compared with
 * libseccomp's too, to say whether it also decides otherwise. */
Test(equiv, random_profiles_split_one_rule_per_name, .timeout = 3000)
{
	const char *env = getenv("SK_EQUIV_COUNT");
	const char *first_env = getenv("SK_EQUIV_SEED");
	unsigned long count = env ? strtoul(env, NULL, 0) : 200;
	unsigned long first = first_env ? strtoul(first_env, NULL, 0) : 1;
	size_t compiled = 0, same_program = 0, refused_alike = 0;
	for (unsigned long seed = first; seed < first + count; seed++) {
		struct sk_profile *p = randprof_make(seed);
		struct sk_profile *s = p ? randprof_split(p) : NULL;
		cr_assert(p && s);
		struct sk_compile_opts o;
		compile_opts(&o);
		struct sk_diags d = {0};
		struct sk_filter_set whole = {0}, split = {0};
		int a = sk_compile(p, &o, &whole, &d);
		int b = sk_compile(s, &o, &split, &d);
		cr_expect_eq(a == 0, b == 0, "seed %lu: split %s, whole %s", seed,
			     b ? "refused" : "compiled", a ? "refused" : "compiled");
		refused_alike += a && b;
		if (!a && !b) {
			compiled++;
			bool same = whole.n == split.n;
			for (size_t i = 0; same && i < whole.n; i++)
				same = whole.progs[i].len == split.progs[i].len &&
				       !memcmp(whole.progs[i].insns, split.progs[i].insns,
					       whole.progs[i].len * sizeof *whole.progs[i].insns);
			same_program += same;
			if (!same) {
				struct sk_bpf_prog theirs;
				struct equiv_report rep;
				char err[256];
				cr_assert_eq(oracle_runc_filter(p, false, &theirs, NULL, err, sizeof err), 0);
				cr_assert_eq(equiv_compare(p, &split, &theirs, &rep), 0);
				cr_expect(0, "seed %lu: split one rule per name, it compiles to another "
					  "program (%zu instructions, unsplit %zu), deciding %zu of %zu "
					  "inputs otherwise than libseccomp", seed, split.progs[0].len,
					  whole.progs[0].len, rep.mismatches, rep.points);
				sk_bpf_prog_free(&theirs);
			}
		}
		sk_filter_set_free(&whole);
		sk_filter_set_free(&split);
		sk_diags_free(&d);
		sk_profile_free(s);
		sk_profile_free(p);
	}
	fprintf(stderr, "random profiles split one rule per name (seeds %lu..%lu): %zu compiled, "
			"%zu to the same program as unsplit; %zu refused both ways\n",
		first, first + count - 1, compiled, same_program, refused_alike);
	cr_expect_gt(compiled, count / 2);
}
