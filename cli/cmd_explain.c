/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit explain: compile a profile, run the program on the emulator for one
 * syscall, and say what the kernel will do and which rule decided it. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/bpf.h>
#include <scmpkit/escape.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit explain [OPTIONS] PROFILE SYSCALL [ARG0..ARG5]\n\n"
	"Compile PROFILE exactly as 'scmpkit compile' does, run the program on\n"
	"scmpkit's seccomp emulator for SYSCALL (a name or number) with the given\n"
	"arguments (decimal or 0x hex, 64-bit; missing ones are 0), and print the\n"
	"action the kernel will take, the rule that decided it (file:line:col), and\n"
	"how many BPF instructions ran.\n\n"
	"Options:\n"
	"  -a, --arch ARCH     the calling architecture (default: the host's); x32\n"
	"                      calls use x86_64's audit arch with the x32 bit\n"
	"  -H, --host ARCH     host that archMap and Docker's arch conditions are\n"
	"                      resolved for (default: this machine's)\n"
	"      --no-enosys     without runc's ENOSYS rule for unknown-to-the-profile\n"
	"                      numbers above its highest\n"
	"  -h, --help          this help\n\n"
	"Exit status: 0 explained; 1 the output could not be written; 2 bad input\n"
	"(profile, syscall, argument or arch).\n";

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-')
		return false;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static enum sk_arch arch_arg(const char *s, int *rc)
{
	enum sk_arch a = sk_arch_parse(s);
	if (a == SK_ARCH_INVALID) {
		const char *sug = sk_arch_suggest(s);
		*rc = cli_usage("explain", "unknown architecture '%s'%s%s%s", s,
				sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
	}
	return a;
}

/* The position of the name NR in rule R (or of the rule), for file:line:col. */
static struct sk_pos rule_pos(const struct sk_rule *r, enum sk_arch arch, int64_t nr)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (sk_syscall_nr(arch, r->names[i]) == nr && r->name_pos && r->name_pos[i].line)
			return r->name_pos[i];
	return r->pos;
}

/* FILE is a path someone chose: escaped like every such string. */
static void print_where(const char *file, struct sk_pos pos)
{
	char *f = sk_escape(file);
	if (pos.line)
		printf("%s:%u:%u", f ? f : "?", pos.line, pos.col);
	else
		printf("%s", f ? f : "?");
	free(f);
}

static bool same_pos(struct sk_pos a, struct sk_pos b)
{
	return a.line && a.line == b.line && a.col == b.col;
}

/* The number of the rule of FILE, as written, at POS (a rule or one of its
 * names): the compiler merges rules that decide alike, so its own index is
 * not the file's. 0 when no rule is there (a profile built in memory). */
static size_t rule_number(const struct sk_profile *file, struct sk_pos pos)
{
	for (size_t i = 0; i < file->n_rules; i++) {
		const struct sk_rule *r = &file->rules[i];
		if (same_pos(r->pos, pos))
			return i + 1;
		for (size_t j = 0; r->name_pos && j < r->n_names; j++)
			if (same_pos(r->name_pos[j], pos))
				return i + 1;
	}
	return 0;
}

static void print_origin(const struct sk_filter_set *set, const struct sk_run_result *res,
			 const struct sk_profile *written, const char *file, enum sk_arch arch,
			 int64_t nr)
{
	const struct sk_bpf_prog *prog = &set->progs[res->prog];
	int32_t o = prog->origin ? prog->origin[res->ret_pc] : SK_ORIGIN_NONE;
	const struct sk_profile *src = set->source;
	fputs("rule:     ", stdout);
	if (o >= 0 && src && (size_t)o < src->n_rules) {
		const struct sk_rule *r = &src->rules[o];
		struct sk_pos at = rule_pos(r, arch, nr);
		size_t n = rule_number(written, at);
		print_where(file, at);
		printf(" (rule %zu: %s", n ? n : (size_t)o + 1, sk_action_name(r->action));
		if (r->n_args)
			printf(", %zu argument condition%s", r->n_args, r->n_args == 1 ? "" : "s");
		printf(")\n");
		return;
	}
	switch (o) {
	case SK_ORIGIN_DEFAULT:
		if (src)
			print_where(file, src->default_action_pos);
		printf(" (defaultAction: no rule matches)\n");
		break;
	case SK_ORIGIN_ENOSYS:
		printf("runc's ENOSYS rule: the number is above the highest the profile names on "
		       "this arch, so libc may fall back (--no-enosys turns it off)\n");
		break;
	case SK_ORIGIN_BADARCH:
		printf("the architecture is not one the profile lists (bad-arch action)\n");
		break;
	case SK_ORIGIN_PASS:
		printf("filter %zu passes the call on: another stacked filter owns it\n", res->prog);
		break;
	default:
		printf("unknown (the program carries no origin for instruction %zu)\n", res->ret_pc);
	}
}

struct explain_args {
	struct sk_compile_opts copts;
	enum sk_arch arch;
	const char *file;
	uint64_t nr; /* as given; data.nr is what the filter sees */
	struct sk_seccomp_data data;
};

/* SYSCALL (a name or a number on A->arch) into A->data; the exit code when it
 * is not one, else -1. */
static int syscall_arg(const char *call, struct explain_args *a)
{
	const struct sk_arch_info *ai = sk_arch_info(a->arch);
	uint64_t nr;
	if (!parse_u64(call, &nr)) {
		int64_t n = sk_syscall_nr(a->arch, call);
		if (n < 0) {
			const char *sug = sk_syscall_known(call) ? NULL : sk_syscall_suggest(call);
			if (sug)
				cli_error("unknown syscall '%s'; did you mean '%s'?", call, sug);
			else if (sk_syscall_known(call))
				cli_error("'%s' does not exist on %s", call, ai->short_name);
			else
				cli_error("unknown syscall '%s'", call);
			return EXIT_USAGE;
		}
		nr = (uint64_t)n;
	}
	a->nr = nr;
	a->data.nr = (int32_t)nr;
	a->data.arch = ai->audit_arch;
	return -1;
}

/* Options and operands into A; -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, struct explain_args *a)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"host", required_argument, NULL, 'H'},
		{"no-enosys", no_argument, NULL, 'E'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	sk_compile_opts_init(&a->copts);
	a->arch = sk_arch_native();
	int c, rc = 0;
	optind = 1;
	/* no "+": options may follow the positional arguments */
	while ((c = getopt_long(argc, argv, "a:H:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((a->arch = arch_arg(optarg, &rc)) == SK_ARCH_INVALID)
				return rc;
			break;
		case 'H':
			if ((a->copts.host = arch_arg(optarg, &rc)) == SK_ARCH_INVALID)
				return rc;
			break;
		case 'E':
			a->copts.no_enosys = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("explain", "unknown option");
		}
	}
	int npos = argc - optind;
	if (npos < 2 || npos > 8)
		return cli_usage("explain", "expected PROFILE SYSCALL and at most 6 arguments");
	a->file = argv[optind];
	if ((rc = syscall_arg(argv[optind + 1], a)) >= 0)
		return rc;
	for (int i = 0; i < npos - 2; i++)
		if (!parse_u64(argv[optind + 2 + i], &a->data.args[i]))
			return cli_usage("explain", "argument %d: '%s' is not a number", i,
					 argv[optind + 2 + i]);
	return -1;
}

static void print_result(const struct explain_args *a, const struct sk_filter_set *set,
			 const struct sk_run_result *res, const struct sk_profile *p)
{
	char buf[64];
	uint64_t nr = a->nr;
	const char *name = sk_syscall_name(sk_arch_from_audit(a->data.arch, (uint32_t)nr),
					   (int64_t)nr);
	printf("syscall:  %s (%" PRIu64 " on %s)\n", name ? name : "?", nr,
	       sk_arch_info(a->arch)->short_name);
	printf("action:   %s\n", sk_ret_format(res->ret, buf, sizeof buf));
	print_origin(set, res, p, p->file ? p->file : a->file, a->arch, (int64_t)nr);
	size_t total = 0;
	for (size_t i = 0; i < set->n; i++)
		total += set->progs[i].len;
	printf("executed: %zu BPF instruction%s (program%s: %zu instructions in %zu filter%s)\n",
	       res->executed, res->executed == 1 ? "" : "s", set->n == 1 ? "" : "s", total,
	       set->n, set->n == 1 ? "" : "s");
}

int cmd_explain(int argc, char **argv)
{
	struct explain_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct sk_diags diags = {0};
	struct sk_profile *p = sk_profile_load(a.file, &diags);
	struct sk_filter_set set = {0};
	int r = p ? sk_compile(p, &a.copts, &set, &diags) : -EINVAL;
	/* notes about skipped names are noise here: show warnings and errors */
	cli_print_diags_min(&diags, p ? SK_SEV_WARNING : SK_SEV_NOTE);
	sk_diags_free(&diags);
	struct sk_run_result res;
	if (r < 0) {
		rc = EXIT_USAGE;
	} else if (sk_filter_set_run(&set, &a.data, &res) < 0) {
		cli_error("%s: the compiled program does not pass the kernel's checks", a.file);
		rc = EXIT_USAGE;
	} else {
		print_result(&a, &set, &res, p);
		rc = EXIT_OK;
	}
	sk_filter_set_free(&set);
	sk_profile_free(p);
	return rc;
}
