/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit diff: what each of two profiles allows that the other does not. */
#include <getopt.h>
#include <stdio.h>

#include <scmpkit/profile.h>
#include <scmpkit/profile_ops.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit diff PROFILE_A PROFILE_B\n\n"
	"Compare what the two profiles allow, per architecture (any formats; Docker\n"
	"conditions are resolved for this host). Each line names what one side allows\n"
	"and the other does not:\n"
	"  - SCMP_ARCH_X86_64 ptrace            only A allows it\n"
	"  + SCMP_ARCH_X86_64 ioctl arg1 == 0x5401   only B allows it, under that condition\n"
	"  - SCMP_ARCH_X86                      only A lists the architecture\n"
	"  + default SCMP_ACT_LOG               the default actions differ\n\n"
	"Options:\n"
	"  -h, --help   this help\n\n"
	"Exit status: 0 same, 1 different (like diff(1)), 2 bad usage or input.\n";

void cli_print_delta(const struct sk_delta *x, const char *a, const char *b)
{
	(void)a;
	(void)b;
	switch (x->kind) {
	case SK_DELTA_DEFAULT:
		printf("default %s\n", x->detail ? x->detail : "");
		break;
	case SK_DELTA_ARCH:
		printf("%s (architecture)\n", sk_arch_info(x->arch)->oci_name);
		break;
	case SK_DELTA_SYSCALL:
		printf("%s %s%s%s\n", sk_arch_info(x->arch)->oci_name, x->name,
		       x->detail ? " " : "", x->detail ? x->detail : "");
		break;
	}
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		return cli_usage("diff", "unknown option");
	}
	if (argc - optind != 2)
		return cli_usage("diff", "expected two profiles");
	const char *fa = argv[optind], *fb = argv[optind + 1];
	struct sk_diags d = {0};
	struct sk_profile *a = sk_profile_load(fa, &d), *b = sk_profile_load(fb, &d);
	int rc = EXIT_USAGE;
	struct sk_deltas v = {0};
	if (a && b && sk_profile_diff(a, b, &v, &d) == 0) {
		if (v.n)
			printf("--- %s\n+++ %s\n", fa, fb);
		for (size_t i = 0; i < v.n; i++) {
			fputs(v.v[i].side ? "+ " : "- ", stdout);
			cli_print_delta(&v.v[i], fa, fb);
		}
		rc = v.n ? EXIT_FINDINGS : EXIT_OK;
	}
	cli_print_diags(&d);
	sk_diags_free(&d);
	sk_deltas_free(&v);
	sk_profile_free(a);
	sk_profile_free(b);
	return rc;
}
