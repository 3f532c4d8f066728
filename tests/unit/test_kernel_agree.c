/* SPDX-License-Identifier: Apache-2.0 */
/* The emulator and the validator against the running kernel: install filters
 * in forked children (no_new_privs + seccomp(2)) and compare what really
 * happens with what sk_bpf_run / sk_bpf_validate predict.
 *  - load-time: the kernel accepts exactly the programs sk_bpf_validate does
 *    (hand-made edge cases and randomly mutated programs);
 *  - run-time: random valid programs computing an errno from the arguments
 *    with every ALU op, X, scratch memory and jumps give the kernel's result;
 *  - compiled profiles: what the kernel does for harmless calls is what the
 *    emulator says the compiled set does. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/bpf.h>

#include "filtered_child.h"

#if !defined(__x86_64__)
#error "the kernel-agreement tests are written for x86_64 hosts"
#endif

/* ---- running a filter in a child --------------------------------------------- */

struct shm {
	volatile int installed, install_errno, done, trapped, trap_data, err;
	volatile long ret;
};
static struct shm *g_shm; /* the child's only way back: no syscall needed */

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)ctx;
	g_shm->trapped = 1;
	g_shm->trap_data = si->si_errno;
	filtered_child_exit(0);
}

/* In the child, before the filter (see filtered_child.h). */
static void child_prepare(struct shm *shm)
{
	g_shm = shm;
	filtered_child_signals();
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	sigaction(SIGSYS, &sa, NULL);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

enum kind { K_RETURNED, K_SIGNALED, K_TRAPPED, K_REFUSED };
struct outcome {
	enum kind kind;
	long ret;
	int err, sig, data;
};

static struct outcome run_child(const struct sock_filter *insns, size_t len, long nr,
				const uint64_t a[6])
{
	struct shm *shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(shm, MAP_FAILED);
	memset((void *)shm, 0, sizeof *shm);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		child_prepare(shm);
		if (insns) {
			struct sock_fprog fp = {(unsigned short)len, (struct sock_filter *)insns};
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0) {
				shm->install_errno = errno;
				filtered_child_exit(3);
			}
		}
		shm->installed = 1;
		errno = 0;
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		shm->err = errno;
		shm->ret = r;
		shm->done = 1;
		filtered_child_exit(0);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	struct outcome o = {0};
	if (!shm->installed)
		o = (struct outcome){.kind = K_REFUSED, .err = shm->install_errno};
	else if (shm->trapped)
		o = (struct outcome){.kind = K_TRAPPED, .data = shm->trap_data};
	else if (shm->done)
		o = (struct outcome){.kind = K_RETURNED, .ret = shm->ret, .err = shm->ret == -1 ? shm->err : 0};
	else
		o = (struct outcome){.kind = K_SIGNALED, .sig = WIFSIGNALED(st) ? WTERMSIG(st) : -1};
	munmap(shm, sizeof *shm);
	return o;
}

/* What the kernel does with a filter's return value (kernel/seccomp.c,
 * __seccomp_filter), given the call's result without a filter. */
static struct outcome predict(uint32_t ret, struct outcome unfiltered)
{
	uint32_t data = ret & SECCOMP_RET_DATA;
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ERRNO:
		if (data > 4095)
			data = 4095; /* MAX_ERRNO */
		return data ? (struct outcome){.kind = K_RETURNED, .ret = -1, .err = (int)data}
			    : (struct outcome){.kind = K_RETURNED, .ret = 0};
	case SECCOMP_RET_TRAP:
		return (struct outcome){.kind = K_TRAPPED, .data = (int)data};
	case SECCOMP_RET_TRACE:      /* no tracer attached */
	case SECCOMP_RET_USER_NOTIF: /* no listener */
		return (struct outcome){.kind = K_RETURNED, .ret = -1, .err = ENOSYS};
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_ALLOW:
		return unfiltered;
	default: /* KILL_THREAD of the only thread, KILL_PROCESS, unknown actions */
		return (struct outcome){.kind = K_SIGNALED, .sig = SIGSYS};
	}
}

static bool same(struct outcome a, struct outcome b)
{
	if (a.kind != b.kind)
		return false;
	switch (a.kind) {
	case K_RETURNED: return a.ret == b.ret && a.err == b.err;
	case K_TRAPPED: return a.data == b.data;
	case K_SIGNALED: return a.sig == b.sig;
	default: return true;
	}
}

static char *describe(struct outcome o, char *buf, size_t n)
{
	static const char *const kinds[] = {"returned", "signaled", "trapped", "refused"};
	snprintf(buf, n, "%s ret=%ld err=%d sig=%d data=%d", kinds[o.kind], o.ret, o.err, o.sig,
		 o.data);
	return buf;
}

/* ---- a small seeded generator -------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define S(c, k) ((struct sock_filter)BPF_STMT((c), (k)))
#define J(c, k, t, f) ((struct sock_filter)BPF_JUMP((c), (k), (t), (f)))

/* A random valid program: only getppid reaches the body, which mixes the
 * arguments with every ALU op, X and scratch memory, then returns an errno
 * computed from A, or one of the other actions on a comparison. */
static size_t random_program(uint64_t *s, struct sock_filter *p)
{
	static const uint16_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
				       BPF_OR,  BPF_XOR, BPF_LSH, BPF_RSH};
	static const uint16_t jops[] = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET};
	size_t n = 0;
	p[n++] = S(BPF_LD | BPF_W | BPF_ABS, 0);
	p[n++] = J(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0);
	p[n++] = S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	uint16_t written = 0;
	p[n++] = S(BPF_LD | BPF_W | BPF_ABS, 16 + 4 * (uint32_t)(rnd(s) % 12));
	size_t steps = 3 + rnd(s) % 20;
	for (size_t i = 0; i < steps; i++) {
		uint32_t k = (uint32_t)rnd(s);
		switch (rnd(s) % 9) {
		case 0: p[n++] = S(BPF_LD | BPF_W | BPF_ABS, 16 + 4 * (k % 12)); break;
		case 1: p[n++] = S(BPF_LDX | BPF_IMM, rnd(s) % 4 ? k % 40 : k); break;
		case 2: p[n++] = S(BPF_MISC | (rnd(s) % 2 ? BPF_TAX : BPF_TXA), 0); break;
		case 3: p[n++] = S(BPF_ST, k % 16); written |= (uint16_t)(1u << (k % 16)); break;
		case 4:
			if (written) {
				unsigned m = k % 16;
				while (!(written & (1u << m)))
					m = (m + 1) % 16;
				p[n++] = S((rnd(s) % 2 ? BPF_LD : BPF_LDX) | BPF_MEM, m);
			}
			break;
		case 5: p[n++] = S(BPF_ALU | BPF_NEG, 0); break;
		case 6: p[n++] = S(BPF_LD | BPF_W | BPF_LEN, 0); break;
		default: {
			uint16_t op = ops[rnd(s) % 9];
			if (rnd(s) % 3 == 0) {
				p[n++] = S(BPF_ALU | op | BPF_X, 0); /* X may be 0: DIV returns 0 */
			} else {
				if (op == BPF_DIV && k == 0)
					k = 3;
				if (op == BPF_LSH || op == BPF_RSH)
					k %= 32;
				p[n++] = S(BPF_ALU | op | BPF_K, k);
			}
		}
		}
	}
	/* Either the errno is A itself, or a comparison picks an action. */
	if (rnd(s) % 2) {
		p[n++] = S(BPF_ALU | BPF_AND | BPF_K, 0x3ff);
		p[n++] = S(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO);
		p[n++] = S(BPF_RET | BPF_A, 0);
	} else {
		static const uint32_t acts[] = {SECCOMP_RET_ERRNO | 7, SECCOMP_RET_TRAP | 9,
						SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD,
						SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE | 1,
						SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | 5000};
		uint16_t src = rnd(s) % 3 == 0 ? BPF_X : BPF_K;
		uint32_t k = rnd(s) % 2 ? (uint32_t)rnd(s) : (uint32_t)(rnd(s) % 8);
		p[n++] = J(BPF_JMP | jops[rnd(s) % 4] | src, k, 0, 1);
		p[n++] = S(BPF_RET | BPF_K, acts[rnd(s) % 8]);
		p[n++] = S(BPF_RET | BPF_K, acts[rnd(s) % 8]);
	}
	return n;
}

static void random_args(uint64_t *s, uint64_t a[6])
{
	for (int i = 0; i < 6; i++) {
		switch (rnd(s) % 4) {
		case 0: a[i] = rnd(s) % 8; break;
		case 1: a[i] = (uint32_t)rnd(s); break;
		case 2: a[i] = 0xffffffff00000000ull | (rnd(s) % 4); break;
		default: a[i] = rnd(s);
		}
	}
}

Test(kernel_agree, random_programs_compute_what_the_kernel_computes)
{
	struct outcome plain = run_child(NULL, 0, SYS_getppid, (uint64_t[6]){0});
	cr_assert_eq(plain.kind, K_RETURNED);
	uint64_t seed = 0x5eed0001;
	char b1[128], b2[128];
	size_t by_kind[4] = {0};
	for (int i = 0; i < 300; i++) {
		struct sock_filter p[64];
		size_t len = random_program(&seed, p);
		struct sk_bpf_prog prog = {p, len, NULL};
		cr_assert_eq(sk_bpf_validate(&prog, NULL), 0, "program %d", i);
		uint64_t a[6];
		random_args(&seed, a);
		struct sk_seccomp_data d = {.nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64};
		memcpy(d.args, a, sizeof a);
		struct sk_run_result r;
		cr_assert_eq(sk_bpf_run(&prog, &d, &r), 0);
		struct outcome want = predict(r.ret, plain);
		struct outcome got = run_child(p, len, SYS_getppid, a);
		by_kind[got.kind]++;
		cr_expect(same(want, got), "program %d (seed step): kernel %s, emulator %s (ret 0x%08x)",
			  i, describe(got, b1, sizeof b1), describe(want, b2, sizeof b2), r.ret);
	}
	/* The sample must exercise more than one outcome to mean anything. */
	cr_expect_gt(by_kind[K_RETURNED], 10);
	cr_expect_gt(by_kind[K_SIGNALED] + by_kind[K_TRAPPED], 10);
}

/* ---- load-time checks --------------------------------------------------------- */

static bool kernel_accepts(const struct sock_filter *p, size_t len)
{
	struct outcome o = run_child(p, len, SYS_getppid, (uint64_t[6]){0});
	return o.kind != K_REFUSED;
}

Test(kernel_agree, edge_cases_load_as_the_validator_says)
{
	const struct sock_filter ret_allow = S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* Each case: a middle instruction between "A = nr" and "return ALLOW". */
	const struct sock_filter mids[] = {
		S(BPF_LD | BPF_W | BPF_ABS, 60),  S(BPF_LD | BPF_W | BPF_ABS, 64),
		S(BPF_LD | BPF_W | BPF_ABS, 2),   S(BPF_LD | BPF_H | BPF_ABS, 0),
		S(BPF_LD | BPF_B | BPF_ABS, 0),   S(BPF_LD | BPF_W | BPF_IND, 0),
		S(BPF_LDX | BPF_B | BPF_MSH, 0),  S(BPF_LD | BPF_W | BPF_LEN, 0),
		S(BPF_LDX | BPF_W | BPF_LEN, 0),  S(BPF_ALU | BPF_DIV | BPF_K, 0),
		S(BPF_ALU | BPF_DIV | BPF_K, 1),  S(BPF_ALU | BPF_MOD | BPF_K, 3),
		S(BPF_ALU | BPF_MOD | BPF_X, 0),  S(BPF_ALU | BPF_LSH | BPF_K, 31),
		S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_ALU | BPF_RSH | BPF_K, 32),
		S(BPF_ALU | BPF_NEG, 0),          S(BPF_LD | BPF_MEM, 0),
		S(BPF_ST, 15),                    S(BPF_ST, 16),
		S(BPF_MISC | BPF_TAX, 0),         S(BPF_MISC | BPF_TXA, 0),
		S(BPF_ALU | BPF_XOR | BPF_X, 0),  S(BPF_RET | BPF_X, 0),
		S(BPF_JMP | BPF_JA, 0),           S(BPF_JMP | BPF_JA, 1),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0), S(0xff, 0), S(BPF_LDX | BPF_W | BPF_ABS, 0),
		S(BPF_ALU | 0xc0 | BPF_K, 1), S(BPF_MISC | 0x40, 0),
	};
	for (size_t i = 0; i < sizeof mids / sizeof mids[0]; i++) {
		struct sock_filter p[3] = {S(BPF_LD | BPF_W | BPF_ABS, 0), mids[i], ret_allow};
		struct sk_bpf_prog prog = {p, 3, NULL};
		bool mine = sk_bpf_validate(&prog, NULL) == 0;
		cr_expect_eq(kernel_accepts(p, 3), mine, "case %zu (code 0x%x k %u): validator says %s",
			     i, mids[i].code, mids[i].k, mine ? "valid" : "invalid");
	}
	/* Scratch memory written on one path only, then read. */
	struct sock_filter m[] = {
		S(BPF_LD | BPF_W | BPF_ABS, 0),        J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		S(BPF_ST, 3),                          S(BPF_LD | BPF_MEM, 3),
		ret_allow,
	};
	struct sk_bpf_prog mp = {m, 5, NULL};
	cr_expect_eq(kernel_accepts(m, 5), sk_bpf_validate(&mp, NULL) == 0);
	cr_expect_neq(sk_bpf_validate(&mp, NULL), 0);
	/* Not ending in a return; and the length limits. */
	struct sock_filter noret[] = {ret_allow, S(BPF_LD | BPF_W | BPF_ABS, 0)};
	struct sk_bpf_prog np = {noret, 2, NULL};
	cr_expect_eq(kernel_accepts(noret, 2), sk_bpf_validate(&np, NULL) == 0);
	struct sock_filter *big = calloc(SK_BPF_MAXINSNS + 1, sizeof *big);
	for (size_t i = 0; i <= SK_BPF_MAXINSNS; i++)
		big[i] = ret_allow;
	for (size_t len = SK_BPF_MAXINSNS; len <= SK_BPF_MAXINSNS + 1; len++) {
		struct sk_bpf_prog bp = {big, len, NULL};
		cr_expect_eq(kernel_accepts(big, len), sk_bpf_validate(&bp, NULL) == 0, "len %zu", len);
	}
	free(big);
}

Test(kernel_agree, mutated_programs_load_as_the_validator_says)
{
	uint64_t seed = 0xbadc0de;
	size_t accepted = 0, refused = 0;
	for (int i = 0; i < 400; i++) {
		struct sock_filter p[64];
		size_t len = random_program(&seed, p);
		/* one to three random changes to code, jt, jf or k */
		for (int m = 0, nm = 1 + (int)(rnd(&seed) % 3); m < nm; m++) {
			struct sock_filter *f = &p[rnd(&seed) % len];
			switch (rnd(&seed) % 4) {
			case 0: f->code = (uint16_t)(rnd(&seed) % 0x100); break;
			case 1: f->jt = (uint8_t)(rnd(&seed) % 8); break;
			case 2: f->jf = (uint8_t)rnd(&seed); break;
			default: f->k = rnd(&seed) % 2 ? (uint32_t)(rnd(&seed) % 80) : (uint32_t)rnd(&seed);
			}
		}
		struct sk_bpf_prog prog = {p, len, NULL};
		bool mine = sk_bpf_validate(&prog, NULL) == 0;
		bool kernel = kernel_accepts(p, len);
		mine ? accepted++ : refused++;
		cr_expect_eq(kernel, mine, "mutant %d: kernel %s, validator %s", i,
			     kernel ? "accepts" : "refuses", mine ? "accepts" : "refuses");
	}
	cr_expect_gt(accepted, 20);
	cr_expect_gt(refused, 20);
}

/* ---- stacked filters: the kernel's precedence ------------------------------------ */

Test(kernel_agree, stacked_filters_most_restrictive_wins)
{
	static const uint32_t acts[] = {SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_ERRNO | 3,
					SECCOMP_RET_ERRNO | 4, SECCOMP_RET_TRAP | 2,
					SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_TRACE | 1};
	struct outcome plain = run_child(NULL, 0, SYS_getppid, (uint64_t[6]){0});
	char b1[128], b2[128];
	for (size_t i = 0; i < 7; i++)
		for (size_t j = 0; j < 7; j++) {
			struct sock_filter f1[] = {S(BPF_RET | BPF_K, acts[i])};
			struct sock_filter f2[] = {S(BPF_RET | BPF_K, acts[j])};
			struct sk_bpf_prog progs[2] = {{f1, 1, NULL}, {f2, 1, NULL}};
			struct sk_filter_set set = {.progs = progs, .n = 2};
			struct sk_seccomp_data d = {.nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64};
			struct sk_run_result r;
			cr_assert_eq(sk_filter_set_run(&set, &d, &r), 0);
			cr_expect_eq(r.executed, 2);
			/* The kernel: install f1 then f2 in one child. A filter
			 * allowing seccomp(2) is needed to install the second, so
			 * the first is installed with a prefix that allows it. */
			struct sock_filter g1[] = {
				S(BPF_LD | BPF_W | BPF_ABS, 0),
				J(BPF_JMP | BPF_JEQ | BPF_K, SYS_seccomp, 0, 1),
				S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
				S(BPF_RET | BPF_K, acts[i]),
			};
			struct shm *shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE,
					       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			memset((void *)shm, 0, sizeof *shm);
			pid_t pid = fork();
			if (pid == 0) {
				child_prepare(shm);
				struct sock_fprog p1 = {4, g1}, p2 = {1, f2};
				if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p1) ||
				    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p2))
					filtered_child_exit(3);
				shm->installed = 1;
				errno = 0;
				long rv = syscall(SYS_getppid);
				shm->err = errno;
				shm->ret = rv;
				shm->done = 1;
				filtered_child_exit(0);
			}
			int st;
			waitpid(pid, &st, 0);
			struct outcome got;
			if (!shm->installed)
				got = (struct outcome){.kind = K_REFUSED};
			else if (shm->trapped)
				got = (struct outcome){.kind = K_TRAPPED, .data = shm->trap_data};
			else if (shm->done)
				got = (struct outcome){.kind = K_RETURNED, .ret = shm->ret,
						       .err = shm->ret == -1 ? shm->err : 0};
			else
				got = (struct outcome){.kind = K_SIGNALED,
						       .sig = WIFSIGNALED(st) ? WTERMSIG(st) : -1};
			munmap(shm, sizeof *shm);
			struct outcome want = predict(r.ret, plain);
			cr_expect(same(want, got), "%08x then %08x: kernel %s, emulator %s", acts[i],
				  acts[j], describe(got, b1, sizeof b1), describe(want, b2, sizeof b2));
		}
}
