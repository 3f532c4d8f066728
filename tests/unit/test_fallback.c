/* SPDX-License-Identifier: Apache-2.0 */
/* ENOSYS fallbacks (lib/profile/fallback.c, lib/lint/fallback_rules.c): which
 * calls a profile shadows under runc, what the generators' last step writes,
 * that the compiled filter then answers ENOSYS where runc's stub would have
 * answered the default errno, and that lint flags exactly what the generators
 * fix. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/bpf.h>
#include <scmpkit/fallback.h>
#include <scmpkit/lint.h>
#include <scmpkit/runtime.h>

#include "profile_helpers.h"

#define ERRNO(e) (0x00050000u | (e))
#define ALLOW 0x7fff0000u

static const char *const all_fallbacks[] = {"clone3", "openat2", "faccessat2", "close_range",
					    "statx", "fchmodat2"};

/* What the compiled P returns for NAME(ARG0) on x86_64. */
static uint32_t decides(const struct sk_profile *p, const char *name, uint64_t arg0)
{
	struct sk_compile_opts o;
	sk_compile_opts_init(&o);
	o.host = SK_ARCH_X86_64;
	struct sk_filter_set set;
	struct sk_diags d = {0};
	cr_assert_eq(sk_compile(p, &o, &set, &d), 0, "%s", d.n ? d.v[0].message : "?");
	struct sk_seccomp_data sd = {.nr = (int32_t)sk_syscall_nr(SK_ARCH_X86_64, name),
				     .arch = sk_arch_info(SK_ARCH_X86_64)->audit_arch,
				     .args = {arg0}};
	struct sk_run_result rr;
	cr_assert_eq(sk_filter_set_run(&set, &sd, &rr), 0);
	sk_filter_set_free(&set);
	sk_diags_free(&d);
	return rr.ret;
}

static struct sk_profile *finished(const char *text, struct sk_diags *d, int *answered)
{
	struct sk_profile *p = parse_ok(text);
	*answered = sk_profile_finish_generated(p, d);
	cr_assert_geq(*answered, 0);
	return p;
}

Test(fallback, the_data)
{
	cr_expect_eq(sk_fallback_count(), sizeof all_fallbacks / sizeof all_fallbacks[0]);
	for (size_t i = 0; i < sizeof all_fallbacks / sizeof all_fallbacks[0]; i++) {
		const struct sk_fallback *f = sk_fallback_find(all_fallbacks[i]);
		cr_assert_not_null(f, "%s", all_fallbacks[i]);
		cr_expect(sk_syscall_nr(SK_ARCH_X86_64, f->name) >= 0, "%s", f->name);
		cr_expect(sk_syscall_known(f->fallback) || !strcmp(f->fallback, "fstatat"),
			  "%s falls back to %s", f->name, f->fallback);
		cr_expect(f->who[0]);
		cr_expect_eq(f->always, !strcmp(f->name, "clone3"));
	}
	cr_expect_null(sk_fallback_find("read"));
	cr_expect_null(sk_fallback_at(sk_fallback_count()));
}

Test(fallback, highest_number_as_runc_counts_it)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		"\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[\"read\",\"socket\"],\"action\":"
		"\"SCMP_ACT_ALLOW\"},{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	cr_expect_eq(sk_profile_highest_nr(p, SK_ARCH_X86_64), 110, "getppid, a denying rule too");
	/* on x86, socket (359) goes through socketcall: libseccomp's pseudo number */
	cr_expect_eq(sk_profile_highest_nr(p, SK_ARCH_X86), 64, "getppid; socket does not count");
	cr_expect_eq(sk_profile_highest_nr(p, SK_ARCH_AARCH64), 198, "socket: no multiplexer there");
	sk_profile_free(p);
}

Test(fallback, shadowed_below_the_highest_named_call)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		"\"syscalls\":[{\"names\":[\"read\",\"mseal\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	enum sk_arch a = SK_ARCH_INVALID;
	for (size_t i = 0; i < sizeof all_fallbacks / sizeof all_fallbacks[0]; i++)
		cr_expect(sk_profile_shadows(p, all_fallbacks[i], &a), "%s", all_fallbacks[i]);
	cr_expect_eq(a, SK_ARCH_X86_64);
	/* and that is what the compiled filter does: the default errno, no ENOSYS */
	cr_expect_eq(decides(p, "clone3", 0), ERRNO(1));
	sk_profile_free(p);
	/* below nothing: runc's stub answers ENOSYS itself */
	p = parse_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}");
	cr_expect_not(sk_profile_shadows(p, "clone3", NULL));
	cr_expect_eq(decides(p, "clone3", 0), ERRNO(38));
	sk_profile_free(p);
	/* permissive defaults and a default of ENOSYS shadow nothing */
	p = parse_ok("{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[{\"names\":[\"mseal\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}");
	cr_expect_not(sk_profile_shadows(p, "clone3", NULL));
	sk_profile_free(p);
	p = parse_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":"
		     "[{\"names\":[\"mseal\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	cr_expect_not(sk_profile_shadows(p, "clone3", NULL));
	sk_profile_free(p);
}

Test(fallback, generators_answer_shadowed_calls_enosys)
{
	struct sk_diags d = {0};
	int n;
	struct sk_profile *p = finished(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		"\"syscalls\":[{\"names\":[\"read\",\"mseal\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		&d, &n);
	cr_expect_eq(n, 6);
	for (size_t i = 0; i < sizeof all_fallbacks / sizeof all_fallbacks[0]; i++) {
		const struct sk_rule *r = rule_with(p, all_fallbacks[i]);
		cr_assert_not_null(r, "%s", all_fallbacks[i]);
		cr_expect(r->action == SK_ACT_ERRNO && r->errno_ret == ENOSYS && r->comment);
		cr_expect_eq(decides(p, all_fallbacks[i], 0), ERRNO(ENOSYS), "%s", all_fallbacks[i]);
		cr_expect_not(sk_profile_shadows(p, all_fallbacks[i], NULL));
	}
	/* clone3's fallback: clone, without namespace flags */
	cr_expect_eq(decides(p, "clone", CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
					       CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS),
		     ALLOW);
	cr_expect_eq(decides(p, "clone", CLONE_NEWUSER), ERRNO(1));
	/* a second pass changes nothing */
	struct sk_profile *again = sk_profile_clone(p);
	cr_expect_eq(sk_profile_finish_generated(again, &d), 0);
	cr_expect(sk_profile_equal(p, again));
	sk_profile_free(again);
	sk_profile_free(p);
	/* nothing shadowed: nothing written */
	p = finished("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}", &d, &n);
	cr_expect_eq(n, 0);
	cr_expect_eq(p->n_rules, 1);
	sk_profile_free(p);
	sk_diags_free(&d);
}

Test(fallback, clone3_is_answered_enosys_even_when_the_program_called_it)
{
	struct sk_diags d = {0};
	int n;
	struct sk_profile *p = finished(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"clone3\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}", &d, &n);
	cr_expect_geq(n, 1);
	cr_expect_not(sk_profile_allows_outright(p, "clone3"));
	cr_expect_eq(rule_with(p, "clone3")->errno_ret, (uint32_t)ENOSYS);
	cr_expect_eq(decides(p, "clone3", 0), ERRNO(ENOSYS));
	cr_expect_eq(decides(p, "clone", CLONE_VM | CLONE_VFORK | SIGCHLD), ALLOW, "posix_spawn");
	sk_profile_free(p);
	/* an explicit EPERM stops glibc's fallback: it becomes ENOSYS too */
	p = finished("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"clone3\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\"}]}", &d, &n);
	cr_expect_eq(rule_with(p, "clone3")->errno_ret, (uint32_t)ENOSYS);
	cr_expect_null(rule_with(p, "clone"), "the default allows clone");
	sk_profile_free(p);
	/* other actions on clone3 are the author's choice */
	p = finished("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"clone3\"],"
		     "\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}", &d, &n);
	cr_expect_eq(rule_with(p, "clone3")->action, SK_ACT_KILL_PROCESS);
	sk_profile_free(p);
	/* clone denied by the profile itself: kept, and said */
	sk_diags_free(&d);
	p = finished("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"clone3\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"clone\"],\"action\":"
		     "\"SCMP_ACT_KILL_PROCESS\"}]}", &d, &n);
	cr_expect(has_diag(&d, "generate-clone3", "no rule lets clone through"));
	sk_profile_free(p);
	/* s390x: clone's flags are its second argument */
	p = finished("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_S390X\"],"
		     "\"syscalls\":[{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", &d, &n);
	const struct sk_rule *c = rule_with(p, "clone");
	cr_assert(c && c->n_args == 1);
	cr_expect_eq(c->args[0].index, 1u);
	sk_profile_free(p);
	sk_diags_free(&d);
}

Test(fallback, runtime_calls_raise_the_threshold)
{
	/* runc's own faccessat2 (439 on x86_64) lies above clone3, openat2 and
	 * close_range: once --runtime runc adds it, they are shadowed */
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		"\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	cr_expect_not(sk_profile_shadows(p, "openat2", NULL));
	struct sk_diags d = {0};
	struct sk_diags out = {0};
	sk_lint_profile(p, NULL, &out);
	cr_expect(has_diag(&out, "enosys-fallback", "once runc's own calls are allowed"),
		  "lint says what --runtime runc would do");
	sk_diags_free(&out);
	cr_assert_geq(sk_profile_allow_runtime(p, "runc", &d), 0);
	cr_expect(sk_profile_shadows(p, "openat2", NULL));
	cr_expect(sk_profile_shadows(p, "clone3", NULL));
	cr_assert_geq(sk_profile_finish_generated(p, &d), 3);
	cr_expect_eq(decides(p, "openat2", 0), ERRNO(ENOSYS));
	cr_expect_eq(decides(p, "close_range", 0), ERRNO(ENOSYS));
	sk_lint_profile(p, NULL, &out);
	cr_expect_not(has_diag(&out, "enosys-fallback", ""), "finished: nothing left to flag");
	sk_diags_free(&out);
	sk_profile_free(p);
	sk_diags_free(&d);
}

Test(fallback, lint_flags_shadowed_and_explicit_eperm)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
		"\"syscalls\":[{\"names\":[\"read\",\"mseal\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	struct sk_diags out = {0};
	sk_lint_profile(p, NULL, &out);
	cr_expect(has_diag(&out, "enosys-fallback", "'clone3' answers ERRNO(1)"));
	cr_expect(has_diag(&out, "enosys-fallback", "'openat2' is not named and lies below"));
	cr_expect(has_diag(&out, "enosys-fallback", "glibc"));
	size_t n = 0;
	for (size_t i = 0; i < out.n; i++)
		n += out.v[i].rule && !strcmp(out.v[i].rule, "enosys-fallback");
	cr_expect_eq(n, 6, "one finding per call");
	sk_diags_free(&out);
	/* what the generators write leaves lint nothing to say */
	struct sk_diags d = {0};
	cr_assert_geq(sk_profile_finish_generated(p, &d), 0);
	sk_lint_profile(p, NULL, &out);
	cr_expect_not(has_diag(&out, "enosys-fallback", ""));
	sk_diags_free(&out);
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(fallback, io_uring_allowed_is_said_in_the_profile)
{
	struct sk_diags d = {0};
	int n;
	struct sk_profile *p = finished(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\","
		"\"io_uring_setup\",\"io_uring_enter\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", &d, &n);
	const struct sk_rule *r = rule_with(p, "io_uring_setup");
	cr_assert_not_null(r);
	cr_expect_eq(r->action, SK_ACT_ALLOW, "still allowed");
	cr_expect(r->comment && strstr(r->comment, "bypasses seccomp"));
	cr_expect(rule_with(p, "read") != r);
	cr_expect(has_diag(&d, "generate-bypass", "io_uring_enter is allowed"));
	/* once marked, a second pass leaves it */
	sk_diags_free(&d);
	cr_expect_eq(sk_profile_finish_generated(p, &d), 0);
	cr_expect_eq(d.n, 0u);
	sk_profile_free(p);
	sk_diags_free(&d);
}

/* The compiler's ENOSYS stub starts right above sk_profile_highest_nr: the
 * threshold lint and the generators reason about is the one the filter has. */
Test(fallback, the_compiled_stub_starts_above_the_highest_named_number)
{
	static const char *const profiles[] = {
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"write\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}",
		"{\"defaultAction\":\"SCMP_ACT_KILL\",\"syscalls\":[{\"names\":[\"exit_group\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"mseal\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getppid\",\"socket\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}",
	};
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
		struct sk_profile *p = parse_ok(profiles[i]);
		int64_t hi = sk_profile_highest_nr(p, SK_ARCH_X86_64);
		const char *above = sk_syscall_name(SK_ARCH_X86_64, hi + 1);
		const char *below = sk_syscall_name(SK_ARCH_X86_64, hi - 1);
		cr_assert(above && below);
		cr_expect_eq(decides(p, above, 0), ERRNO(38), "%zu: %s above", i, above);
		cr_expect_neq(decides(p, below, 0), ERRNO(38), "%zu: %s below", i, below);
		sk_profile_free(p);
	}
}
