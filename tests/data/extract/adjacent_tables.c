/* SPDX-License-Identifier: Apache-2.0 */
/* Tables of function pointers side by side that only code names, in a
 * stripped program (busybox-static's shape: httpd's status table runs on
 * into ifupdown's table of address families, which nothing but ifupdown's
 * code names). tests/cli/extract.sh builds it:
 *   cc -Os -fPIE -fno-toplevel-reorder -static -nostdlib -no-pie && strip
 * and wants:
 *   - getpid and gettid: table_a's functions, which run_a calls in a loop;
 *   - getppid: table_c's last function, which run_c reaches in its loop and
 *     run_c2 names on its own (&table_c[2]); run_c2 never runs, but table_c
 *     is one array, its elements alike, and goes on past what run_c2 names;
 *   - not getuid: table_b's, which follows table_a but only run_b names,
 *     and run_b never runs (a table laid out otherwise begins an object);
 *   - sched_yield: step's function, which run_d calls through step_ptr (only
 *     data points to step);
 *   - not getgid: table_e's, which follows step but only run_e names (glibc's
 *     gconv step to_wc, then RPC's svcauthsw, when libc has no symbols);
 *   - not getegid: table_h's, after two tables of strings (names_f, which
 *     run_f reads, and names_g, which only run_g names, as table_h): the
 *     strings alike, but not their NULLs (busybox's install_dir, then bc's
 *     error texts and bc's functions). */
static long sys(long nr)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
	return r;
}

static void __attribute__((noinline)) do_getpid(void) { sys(39); }
static void __attribute__((noinline)) do_gettid(void) { sys(186); }
static void __attribute__((noinline)) do_getuid(void) { sys(102); }
static void __attribute__((noinline)) do_nothing(void) { __asm__ volatile(""); }
static void __attribute__((noinline)) do_getppid(void) { sys(110); }
static void __attribute__((noinline)) do_sched_yield(void) { sys(24); }
static void __attribute__((noinline)) do_getgid(void) { sys(104); }
static void __attribute__((noinline)) do_getegid(void) { sys(108); }

struct named {
	const char *name;
	void (*fn)(void);
};

void (*table_c[])(void) = {do_nothing, do_nothing, do_getppid};
struct named table_a[] = {{"pid", do_getpid}, {"tid", do_gettid}};
void (*table_b[])(void) = {do_getuid, do_getuid};

struct step {
	long a, b;
	void (*fn)(void);
	long c;
} step = {1, 2, do_sched_yield, 3};
void (*table_e[])(void) = {do_getgid, do_getgid};
struct step *step_ptr = &step;
const char *names_f[] = {"f1", 0, "f2", 0};
const char *names_g[] = {"g1", "g2", "g3", 0};
void (*table_h[])(void) = {do_getegid, do_getegid};

/* the loops' counts, read from memory, so that the compiler cannot call
 * through the tables' constant contents directly */
int n_a = 2, n_b = 2, n_c = 3;

void __attribute__((noinline)) run_a(void)
{
	for (int i = 0; i < n_a; i++)
		table_a[i].fn();
}

void __attribute__((noinline)) run_b(void)
{
	for (int i = 0; i < n_b; i++)
		table_b[i]();
}

void __attribute__((noinline)) run_c(void)
{
	for (int i = 0; i < n_c; i++)
		table_c[i]();
}

void __attribute__((noinline)) call_via(void (**fn)(void))
{
	(*fn)();
}

void __attribute__((noinline)) run_c2(void)
{
	call_via(&table_c[2]);
}

void __attribute__((noinline)) run_d(void)
{
	step_ptr->fn();
}

void __attribute__((noinline)) run_e(void)
{
	for (int i = 0; i < n_b; i++)
		table_e[i]();
}

long __attribute__((noinline)) run_f(void)
{
	long n = 0;
	for (int i = 0; i < n_c; i++)
		n += names_f[i] != 0;
	return n;
}

void __attribute__((noinline)) run_g(void)
{
	for (int i = 0; i < n_c; i++)
		if (names_g[i])
			table_h[i % 2]();
}

void _start(void)
{
	run_a();
	run_c();
	run_d();
	sys(run_f() > 5 ? 1 : 39);
	sys(231); /* exit_group */
	for (;;)
		;
}
