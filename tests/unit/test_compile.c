/* SPDX-License-Identifier: Apache-2.0 */
/* The compiler: semantics checked through the emulator against an independent
 * reference (plain C arithmetic on the rule), runc's ENOSYS rule, the kernel's
 * action-cache constraint checked on the instructions themselves, stacking past
 * 4096 instructions, and every program installed for real with seccomp(2). */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/bpf.h>

#include "filtered_child.h"

#define ALLOW 0x7fff0000u
#define ERRNO(e) (0x00050000u | (e))
#define KILL_THREAD 0u
#define TRAP 0x00030000u
#define TRACE(e) (0x7ff00000u | (e))
#define LOG 0x7ffc0000u
#define AUDIT_X86_64 0xc000003eu
#define AUDIT_I386 0x40000003u
#define AUDIT_AARCH64 0xc00000b7u
#define AUDIT_S390X 0x80000016u

static struct sk_profile *profile(enum sk_action def)
{
	struct sk_profile *p = sk_profile_new();
	cr_assert_not_null(p);
	p->default_action = def;
	return p;
}

static struct sk_rule *rule(struct sk_profile *p, const char *name, enum sk_action a)
{
	const char *names[] = {name};
	struct sk_rule *r = sk_profile_add_rule(p, names, 1, a);
	cr_assert_not_null(r);
	return r;
}

static void compile_for(const struct sk_profile *p, enum sk_arch host, bool no_enosys,
			struct sk_filter_set *set, struct sk_diags *d)
{
	struct sk_compile_opts o;
	sk_compile_opts_init(&o);
	o.host = host;
	o.no_enosys = no_enosys;
	int rc = sk_compile(p, &o, set, d);
	if (rc)
		for (size_t i = 0; i < d->n; i++)
			fprintf(stderr, "%s\n", d->v[i].message);
	cr_assert_eq(rc, 0, "sk_compile: %d", rc);
	cr_assert_geq(set->n, 1);
	for (size_t i = 0; i < set->n; i++) {
		struct sk_diags vd = {0};
		cr_assert_eq(sk_bpf_validate(&set->progs[i], &vd), 0, "part %zu invalid: %s", i,
			     vd.n ? vd.v[0].message : "?");
		cr_assert_leq(set->progs[i].len, SK_BPF_MAXINSNS);
		sk_diags_free(&vd);
	}
}

static void compile(const struct sk_profile *p, struct sk_filter_set *set)
{
	struct sk_diags d = {0};
	compile_for(p, SK_ARCH_X86_64, false, set, &d);
	sk_diags_free(&d);
}

static struct sk_run_result run6(const struct sk_filter_set *set, uint32_t arch, uint32_t nr,
				 const uint64_t args[6])
{
	struct sk_seccomp_data d = {.nr = (int32_t)nr, .arch = arch};
	if (args)
		memcpy(d.args, args, sizeof d.args);
	struct sk_run_result r;
	cr_assert_eq(sk_filter_set_run(set, &d, &r), 0);
	return r;
}

static uint32_t run(const struct sk_filter_set *set, uint32_t arch, uint32_t nr, uint64_t a0)
{
	uint64_t args[6] = {a0};
	return run6(set, arch, nr, args).ret;
}

/* The origin recorded at the RET that decided. */
static int32_t origin(const struct sk_filter_set *set, uint32_t arch, uint32_t nr, uint64_t a0)
{
	uint64_t args[6] = {a0};
	struct sk_run_result r = run6(set, arch, nr, args);
	cr_assert_not_null(set->progs[r.prog].origin);
	return set->progs[r.prog].origin[r.ret_pc];
}

#define NR64(name) ((uint32_t)sk_syscall_nr(SK_ARCH_X86_64, name))
#define NR32(name) ((uint32_t)sk_syscall_nr(SK_ARCH_X86, name))

Test(compile, actions_defaults_and_origins)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	rule(p, "getppid", SK_ACT_ALLOW);
	rule(p, "getpid", SK_ACT_ERRNO)->has_errno_ret = false; /* EPERM */
	struct sk_rule *r = rule(p, "gettid", SK_ACT_ERRNO);
	r->has_errno_ret = true;
	r->errno_ret = 13;
	rule(p, "getuid", SK_ACT_TRAP);
	rule(p, "getgid", SK_ACT_TRACE);
	rule(p, "geteuid", SK_ACT_LOG);
	rule(p, "getegid", SK_ACT_KILL_PROCESS);
	p->has_default_errno_ret = true;
	p->default_errno_ret = 5;
	struct sk_filter_set s;
	compile(p, &s);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getppid"), 0), ALLOW);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getpid"), 0), ERRNO(1), "ERRNO without errnoRet is EPERM");
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("gettid"), 0), ERRNO(13));
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getuid"), 0), TRAP);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getgid"), 0), TRACE(1), "TRACE without errnoRet: EPERM");
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("geteuid"), 0), LOG);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getegid"), 0), 0x80000000u);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("read"), 0), ERRNO(5), "defaultErrnoRet");
	cr_expect_eq(run(&s, AUDIT_AARCH64, 1, 0), KILL_THREAD, "bad arch");
	cr_expect_eq(origin(&s, AUDIT_X86_64, NR64("getppid"), 0), 0);
	cr_expect_eq(origin(&s, AUDIT_X86_64, NR64("gettid"), 0), 2);
	cr_expect_eq(origin(&s, AUDIT_X86_64, NR64("read"), 0), SK_ORIGIN_DEFAULT);
	cr_expect_eq(origin(&s, AUDIT_AARCH64, 1, 0), SK_ORIGIN_BADARCH);
	cr_expect_eq(origin(&s, AUDIT_X86_64, 5000, 0), SK_ORIGIN_ENOSYS);
	cr_expect_eq(run(&s, AUDIT_I386, 20, 0), KILL_THREAD, "x86 not listed: bad arch");
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, rule_equal_to_default_is_skipped_like_runc)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO); /* EPERM */
	rule(p, "getppid", SK_ACT_ALLOW);
	struct sk_rule *r = rule(p, "getppid", SK_ACT_ERRNO);
	r->has_errno_ret = true;
	r->errno_ret = 1; /* == default: skipped, so it cannot shadow anything */
	sk_rule_add_arg(rule(p, "getpid", SK_ACT_ERRNO), 0, SK_OP_EQ, 1, 0);
	struct sk_diags d = {0};
	struct sk_filter_set s;
	compile_for(p, SK_ARCH_X86_64, false, &s, &d);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getppid"), 0), ALLOW);
	bool noted = false;
	for (size_t i = 0; i < d.n; i++)
		noted |= d.v[i].rule && !strcmp(d.v[i].rule, "compile-rule-is-default");
	cr_expect(noted, "a note says runc skips the rule");
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

/* Reference semantics of one comparison, straight from the op's definition. */
static bool holds(enum sk_op op, uint64_t a, uint64_t v, uint64_t v2)
{
	switch (op) {
	case SK_OP_NE: return a != v;
	case SK_OP_LT: return a < v;
	case SK_OP_LE: return a <= v;
	case SK_OP_EQ: return a == v;
	case SK_OP_GE: return a >= v;
	case SK_OP_GT: return a > v;
	case SK_OP_MASKED_EQ: return (a & v) == (v2 & v);
	default: return false;
	}
}

static const uint64_t consts[] = {0, 5, 0x100000005ull, 0xffffffffull, 0xfffffffff0000000ull,
				  0x8000000000000000ull, 0x7fffffff00000001ull};

static void arg_values(uint64_t c, uint64_t out[12])
{
	uint64_t v[] = {c, c + 1, c - 1, c ^ (1ull << 32), c ^ 1, c ^ (1ull << 63), c + (1ull << 32),
			c - (1ull << 32), 0, UINT64_MAX, c & 0xffffffffull, c | 0xffffffffull};
	memcpy(out, v, sizeof v);
}

Test(compile, every_op_on_64_bit_values)
{
	for (enum sk_op op = SK_OP_NE; op < SK_OP_COUNT; op++) {
		for (size_t ci = 0; ci < sizeof consts / sizeof consts[0]; ci++) {
			uint64_t c = consts[ci], c2 = c ^ 0x0000000100000001ull;
			struct sk_profile *p = profile(SK_ACT_ERRNO);
			cr_assert_eq(sk_profile_add_arch(p, SK_ARCH_X86), 0);
			struct sk_rule *r = rule(p, "getppid", SK_ACT_ALLOW);
			cr_assert_eq(sk_rule_add_arg(r, 2, op, c, op == SK_OP_MASKED_EQ ? c2 : 0), 0);
			struct sk_filter_set s;
			compile(p, &s);
			uint64_t vals[12];
			arg_values(c, vals);
			for (size_t k = 0; k < 12; k++) {
				uint64_t args[6] = {0, 0, vals[k]};
				uint64_t w = op == SK_OP_MASKED_EQ ? c2 : 0;
				uint32_t want = holds(op, vals[k], c, w) ? ALLOW : ERRNO(1);
				cr_expect_eq(run6(&s, AUDIT_X86_64, NR64("getppid"), args).ret, want,
					     "x86_64 op %d const %#llx arg %#llx", op,
					     (unsigned long long)c, (unsigned long long)vals[k]);
				/* 32-bit arch: libseccomp compares the low words only */
				uint32_t want32 = holds(op, vals[k] & 0xffffffffu, c & 0xffffffffu,
							w & 0xffffffffu) ? ALLOW : ERRNO(1);
				cr_expect_eq(run6(&s, AUDIT_I386, NR32("getppid"), args).ret, want32,
					     "i386 op %d const %#llx arg %#llx", op,
					     (unsigned long long)c, (unsigned long long)vals[k]);
			}
			sk_filter_set_free(&s);
			sk_profile_free(p);
		}
	}
}

Test(compile, big_endian_arch_reads_the_right_words)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	sk_rule_add_arg(rule(p, "getppid", SK_ACT_ALLOW), 1, SK_OP_EQ, 0x100000002ull, 0);
	struct sk_filter_set s;
	struct sk_diags d = {0};
	compile_for(p, SK_ARCH_S390X, true, &s, &d);
	uint32_t nr = (uint32_t)sk_syscall_nr(SK_ARCH_S390X, "getppid");
	uint64_t yes[6] = {0, 0x100000002ull}, no[6] = {0, 0x200000001ull};
	cr_expect_eq(run6(&s, AUDIT_S390X, nr, yes).ret, ALLOW);
	cr_expect_eq(run6(&s, AUDIT_S390X, nr, no).ret, ERRNO(1));
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, args_and_within_a_rule_or_across_rules_and_same_index)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	struct sk_rule *r = rule(p, "getppid", SK_ACT_ALLOW);
	sk_rule_add_arg(r, 0, SK_OP_EQ, 1, 0);
	sk_rule_add_arg(r, 1, SK_OP_EQ, 2, 0); /* ANDed */
	r = rule(p, "getpid", SK_ACT_ALLOW);
	sk_rule_add_arg(r, 0, SK_OP_EQ, 1, 0);
	sk_rule_add_arg(r, 0, SK_OP_EQ, 2, 0); /* same index: runc makes two rules, ORed */
	struct sk_filter_set s;
	compile(p, &s);
	uint64_t a12[6] = {1, 2}, a10[6] = {1, 0}, a2[6] = {2}, a3[6] = {3};
	cr_expect_eq(run6(&s, AUDIT_X86_64, NR64("getppid"), a12).ret, ALLOW);
	cr_expect_eq(run6(&s, AUDIT_X86_64, NR64("getppid"), a10).ret, ERRNO(1));
	cr_expect_eq(run6(&s, AUDIT_X86_64, NR64("getpid"), a10).ret, ALLOW);
	cr_expect_eq(run6(&s, AUDIT_X86_64, NR64("getpid"), a2).ret, ALLOW);
	cr_expect_eq(run6(&s, AUDIT_X86_64, NR64("getpid"), a3).ret, ERRNO(1));
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, unconditional_rule_wins_over_conditional)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	sk_rule_add_arg(rule(p, "getppid", SK_ACT_TRAP), 0, SK_OP_EQ, 1, 0);
	rule(p, "getppid", SK_ACT_ALLOW);
	struct sk_filter_set s;
	compile(p, &s);
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getppid"), 1), ALLOW);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, socketcall_and_ipc_multiplexing_on_x86)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	sk_profile_add_arch(p, SK_ARCH_X86);
	rule(p, "socket", SK_ACT_ALLOW);
	rule(p, "shmget", SK_ACT_ALLOW);
	struct sk_filter_set s;
	compile(p, &s);
	uint32_t socketcall = NR32("socketcall"), ipc = NR32("ipc");
	cr_expect_eq(run(&s, AUDIT_I386, NR32("socket"), 0), ALLOW);
	cr_expect_eq(run(&s, AUDIT_I386, socketcall, 1), ALLOW, "socketcall(SYS_SOCKET)");
	cr_expect_eq(run(&s, AUDIT_I386, socketcall, 2), ERRNO(1), "socketcall(SYS_BIND)");
	cr_expect_eq(run(&s, AUDIT_I386, ipc, 23), ALLOW, "ipc(SHMGET)");
	cr_expect_eq(run(&s, AUDIT_I386, ipc, 22), ERRNO(1));
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("socket"), 0), ALLOW);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, x32_numbers_only_when_x32_is_listed)
{
	uint32_t x32_getpid = (uint32_t)sk_syscall_nr(SK_ARCH_X32, "getpid");
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	rule(p, "getpid", SK_ACT_ALLOW);
	struct sk_filter_set s;
	compile(p, &s);
	cr_expect_eq(run(&s, AUDIT_X86_64, x32_getpid, 0), KILL_THREAD, "x32 absent: bad arch");
	cr_expect_eq(run(&s, AUDIT_X86_64, 0xffffffffu, 0), ERRNO(1), "nr -1: default");
	sk_filter_set_free(&s);
	sk_profile_add_arch(p, SK_ARCH_X32);
	compile(p, &s);
	cr_expect_eq(run(&s, AUDIT_X86_64, x32_getpid, 0), ALLOW);
	cr_expect_eq(run(&s, AUDIT_X86_64, x32_getpid - 1, 0), ERRNO(1));
	cr_expect_eq(run(&s, AUDIT_X86_64, x32_getpid + 1, 0), ERRNO(38), "x32's own ENOSYS");
	cr_expect_eq(run(&s, AUDIT_X86_64, NR64("getpid"), 0), ALLOW);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, runc_enosys_rule)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	sk_profile_add_arch(p, SK_ARCH_X86);
	rule(p, "getppid", SK_ACT_ALLOW);
	rule(p, "openat", SK_ACT_ALLOW); /* 257 on x86_64, 295 on i386 */
	struct sk_filter_set s;
	compile(p, &s);
	cr_expect_eq(run(&s, AUDIT_X86_64, 257, 0), ALLOW);
	cr_expect_eq(run(&s, AUDIT_X86_64, 200, 0), ERRNO(1), "below the highest: default");
	cr_expect_eq(run(&s, AUDIT_X86_64, 258, 0), ERRNO(38), "above the highest: ENOSYS");
	cr_expect_eq(run(&s, AUDIT_X86_64, 0x3fffffff, 0), ERRNO(38));
	cr_expect_eq(run(&s, AUDIT_I386, 295, 0), ALLOW);
	cr_expect_eq(run(&s, AUDIT_I386, 296, 0), ERRNO(38));
	cr_expect_eq(run(&s, AUDIT_I386, 294, 0), ERRNO(1));
	sk_filter_set_free(&s);

	/* off: --no-enosys, and permissive defaults */
	struct sk_diags d = {0};
	compile_for(p, SK_ARCH_X86_64, true, &s, &d);
	cr_expect_eq(run(&s, AUDIT_X86_64, 258, 0), ERRNO(1));
	sk_filter_set_free(&s);
	enum sk_action permissive[] = {SK_ACT_ALLOW, SK_ACT_LOG, SK_ACT_TRACE};
	for (size_t i = 0; i < 3; i++) {
		p->default_action = permissive[i];
		p->rules[0].action = SK_ACT_ERRNO;
		compile(p, &s);
		cr_expect_neq(run(&s, AUDIT_X86_64, 400, 0), ERRNO(38), "default %d", permissive[i]);
		sk_filter_set_free(&s);
	}
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(compile, s390x_setup_gets_enosys)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	rule(p, "getppid", SK_ACT_ALLOW);
	struct sk_filter_set s;
	struct sk_diags d = {0};
	compile_for(p, SK_ARCH_S390X, false, &s, &d);
	cr_expect_eq(run(&s, AUDIT_S390X, 0, 0), ERRNO(38));
	cr_expect_eq(run(&s, AUDIT_S390X, 1, 0), ERRNO(1));
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, unknown_name_on_one_arch_is_skipped_with_a_note)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	sk_profile_add_arch(p, SK_ARCH_X86);
	rule(p, "socketcall", SK_ACT_ALLOW); /* i386 only */
	struct sk_diags d = {0};
	struct sk_filter_set s;
	compile_for(p, SK_ARCH_X86_64, true, &s, &d);
	cr_expect_eq(run(&s, AUDIT_I386, NR32("socketcall"), 7), ALLOW);
	bool noted = false;
	for (size_t i = 0; i < d.n; i++)
		noted |= d.v[i].rule && !strcmp(d.v[i].rule, "compile-unknown-on-arch") &&
			 strstr(d.v[i].message, "socketcall") && strstr(d.v[i].message, "x86_64");
	cr_expect(noted);
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

/* ---- the kernel's action cache --------------------------------------------- */

/* Follow the program for ARCH and NR as seccomp_cache_prepare does: only loads
 * of arch and nr, JEQ/JGT/JGE/JSET with K, JA and AND K may be on the path.
 * Returns the RET value, or -1 when the path needs anything else. */
static int64_t provable(const struct sk_bpf_prog *p, uint32_t arch, uint32_t nr)
{
	uint32_t a = 0;
	for (size_t pc = 0; pc < p->len;) {
		const struct sock_filter *f = &p->insns[pc];
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == 0)
				a = nr;
			else if (f->k == 4)
				a = arch;
			else
				return -1;
			pc++;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			pc++;
			break;
		case BPF_JMP | BPF_JA:
			pc += 1 + f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K: {
			uint16_t op = BPF_OP(f->code);
			bool t = op == BPF_JEQ ? a == f->k : op == BPF_JGT ? a > f->k
				: op == BPF_JGE ? a >= f->k : (a & f->k) != 0;
			pc += 1 + (t ? f->jt : f->jf);
			break;
		}
		case BPF_RET | BPF_K:
			return f->k;
		default:
			return -1;
		}
	}
	return -1;
}

/* Every name of an argument-free ALLOW rule must be provable on x86_64 and i386. */
static void check_cache(const char *file)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(file, &d);
	cr_assert_not_null(p, "%s", file);
	struct sk_filter_set s;
	compile_for(p, SK_ARCH_X86_64, false, &s, &d);
	cr_assert_eq(s.n, 1);
	const struct sk_profile *r = s.source;
	size_t checked = 0;
	struct { enum sk_arch a; uint32_t audit; } arches[] = {
		{SK_ARCH_X86_64, AUDIT_X86_64}, {SK_ARCH_X86, AUDIT_I386}};
	for (size_t i = 0; i < r->n_rules; i++) {
		if (r->rules[i].action != SK_ACT_ALLOW || r->rules[i].n_args)
			continue;
		for (size_t j = 0; j < r->rules[i].n_names; j++)
			for (size_t k = 0; k < 2; k++) {
				int64_t nr = sk_syscall_nr(arches[k].a, r->rules[i].names[j]);
				if (nr < 0)
					continue;
				int64_t v = provable(&s.progs[0], arches[k].audit, (uint32_t)nr);
				cr_expect_eq(v, ALLOW, "%s on %s not provable", r->rules[i].names[j],
					     sk_arch_info(arches[k].a)->short_name);
				checked++;
			}
	}
	cr_expect_gt(checked, 300, "%zu calls checked", checked);
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, action_cache_docker_default)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/profiles/docker-default.json", getenv("SK_SHARED_DATA"));
	check_cache(path);
}

Test(compile, action_cache_containers_common)
{
	if (access("/usr/share/containers/seccomp.json", R_OK))
		cr_skip_test("no /usr/share/containers/seccomp.json");
	check_cache("/usr/share/containers/seccomp.json");
}

/* ---- stacking past 4096 instructions ---------------------------------------- */

Test(compile, splits_into_stacked_filters)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	size_t n = sk_syscall_count(SK_ARCH_X86_64), rules = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name;
		int64_t nr;
		sk_syscall_at(SK_ARCH_X86_64, i, &name, &nr);
		struct sk_rule *r = rule(p, name, SK_ACT_ALLOW);
		for (unsigned a = 0; a < 3; a++)
			sk_rule_add_arg(r, a, SK_OP_EQ, (uint64_t)nr * 7 + a + 0x100000000ull, 0);
		rules++;
	}
	struct sk_filter_set s;
	compile(p, &s);
	cr_expect_gt(s.n, 1, "%zu rules x 3 args need more than one filter", rules);
	size_t total = 0;
	for (size_t i = 0; i < s.n; i++)
		total += s.progs[i].len;
	cr_expect_leq(total, SK_BPF_MAX_TOTAL_INSNS);
	for (size_t i = 0; i < n; i += 7) {
		const char *name;
		int64_t nr;
		sk_syscall_at(SK_ARCH_X86_64, i, &name, &nr);
		uint64_t good[6], bad[6];
		for (unsigned a = 0; a < 6; a++)
			good[a] = a < 3 ? (uint64_t)nr * 7 + a + 0x100000000ull : 0;
		memcpy(bad, good, sizeof bad);
		bad[2] ^= 1ull << 32;
		cr_expect_eq(run6(&s, AUDIT_X86_64, (uint32_t)nr, good).ret, ALLOW, "%s", name);
		struct sk_run_result rb = run6(&s, AUDIT_X86_64, (uint32_t)nr, bad);
		cr_expect_eq(rb.ret, ERRNO(1), "%s: %#x from part %zu pc %zu of %zu parts (%zu %zu) args %#llx %#llx %#llx", name, rb.ret, rb.prog, rb.ret_pc, s.n, s.progs[0].len, s.progs[1].len, (unsigned long long)bad[0], (unsigned long long)bad[1], (unsigned long long)bad[2]);
	}
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

/* ---- the kernel accepts it and does what the emulator says ------------------ */

/* In a child: no_new_privs, install every part, then report what getppid,
 * getpid and syscall number 1000 return (0 or errno), through a pipe. */
static void install_and_probe(const struct sk_filter_set *s, int out[3])
{
	int fd[2];
	cr_assert_eq(pipe(fd), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int res[4] = {0};
		close(fd[0]);
		filtered_child_signals();
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(10);
		for (size_t i = 0; i < s->n; i++) {
			struct sock_fprog fp = {(unsigned short)s->progs[i].len, s->progs[i].insns};
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp)) {
				res[3] = errno;
				(void)!write(fd[1], res, sizeof res);
				filtered_child_exit(11);
			}
		}
		long calls[3] = {SYS_getppid, SYS_getpid, 1000};
		for (int i = 0; i < 3; i++)
			res[i] = syscall(calls[i]) < 0 ? errno : 0;
		(void)!write(fd[1], res, sizeof res);
		filtered_child_exit(0); /* the filter may deny exit_group: then SIGILL */
	}
	close(fd[1]);
	int res[4] = {-1, -1, -1, -1};
	cr_assert_eq(read(fd[0], res, sizeof res), (ssize_t)sizeof res);
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	cr_assert(!(WIFEXITED(st) && WEXITSTATUS(st) != 0) && res[3] == 0,
		  "seccomp(2) refused the filter: errno %d", res[3]);
	memcpy(out, res, 3 * sizeof *out);
}

Test(compile, kernel_accepts_and_agrees)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	sk_profile_add_arch(p, SK_ARCH_X86);
	const char *allowed[] = {"getppid", "exit", "exit_group", "write", "close", "read",
				 "rt_sigreturn", "openat", "fstat", "mmap", "munmap", "brk"};
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		rule(p, allowed[i], SK_ACT_ALLOW);
	struct sk_filter_set s;
	struct sk_diags d = {0};
	compile_for(p, sk_arch_native(), false, &s, &d);
	int res[3];
	install_and_probe(&s, res);
	cr_expect_eq(res[0], 0, "getppid allowed");
	cr_expect_eq(res[1], EPERM, "getpid denied with EPERM");
	cr_expect_eq(res[2], ENOSYS, "nr 1000 above the highest: ENOSYS");
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

static void kernel_real_profile(const char *file)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(file, &d);
	cr_assert_not_null(p, "%s", file);
	struct sk_filter_set s;
	compile_for(p, sk_arch_native(), false, &s, &d);
	int res[3];
	install_and_probe(&s, res);
	cr_expect_eq(res[0], 0, "getppid allowed");
	cr_expect_eq(res[1], 0, "getpid allowed");
	cr_expect_eq(res[2], ENOSYS, "nr 1000: ENOSYS");
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}

Test(compile, kernel_accepts_docker_default)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/profiles/docker-default.json", getenv("SK_SHARED_DATA"));
	kernel_real_profile(path);
}

Test(compile, kernel_accepts_containers_common)
{
	if (access("/usr/share/containers/seccomp.json", R_OK))
		cr_skip_test("no /usr/share/containers/seccomp.json");
	kernel_real_profile("/usr/share/containers/seccomp.json");
}

Test(compile, kernel_accepts_stacked_filters)
{
	struct sk_profile *p = profile(SK_ACT_ERRNO);
	size_t n = sk_syscall_count(sk_arch_native());
	for (size_t i = 0; i < n; i++) {
		const char *name;
		int64_t nr;
		sk_syscall_at(sk_arch_native(), i, &name, &nr);
		struct sk_rule *r = rule(p, name, SK_ACT_ALLOW);
		if (!strcmp(name, "getpid")) {
			sk_rule_add_arg(r, 0, SK_OP_EQ, 12345, 0); /* called with 0: denied */
			continue;
		}
		if (strstr(name, "exit") || !strcmp(name, "write") || !strcmp(name, "getppid") ||
		    !strcmp(name, "rt_sigreturn"))
			continue;
		/* values of its own per call: rules that decided alike would be
		 * merged into one and compile small */
		for (unsigned a = 3; a < 6; a++)
			sk_rule_add_arg(r, a, SK_OP_NE, 0xdead0000ull + 8 * i + a, 0);
	}
	struct sk_filter_set s;
	struct sk_diags d = {0};
	compile_for(p, sk_arch_native(), false, &s, &d);
	cr_expect_gt(s.n, 1);
	int res[3];
	install_and_probe(&s, res);
	cr_expect_eq(res[0], 0);
	cr_expect_eq(res[1], EPERM);
	sk_diags_free(&d);
	sk_filter_set_free(&s);
	sk_profile_free(p);
}
