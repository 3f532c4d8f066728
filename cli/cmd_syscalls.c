/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit syscalls: resolve names and numbers for any of the 23 OCI arches. */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/arch.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit syscalls [--arch ARCH] NAME|NUMBER...\n"
	"       scmpkit syscalls [--arch ARCH] --list\n"
	"       scmpkit syscalls --arches\n\n"
	"Print the number of each syscall NAME, or the name of each NUMBER, on ARCH\n"
	"(default: this machine's). Tables: Linux 7.2, all 23 SCMP_ARCH_* arches.\n\n"
	"Options:\n"
	"  -a, --arch ARCH   any spelling: SCMP_ARCH_X86_64, x86_64, amd64, 386, arm64, ...\n"
	"  -l, --list        every syscall of ARCH, as NAME<TAB>NUMBER, by number\n"
	"  -A, --arches      the architectures, their audit arch and other spellings\n"
	"  -h, --help        this help\n\n"
	"Exit status: 0 all resolved, 1 the output could not be written, 2 an unknown\n"
	"name, number or arch.\n";

static int bad_arch(const char *name)
{
	const char *s = sk_arch_suggest(name);
	if (s)
		fprintf(stderr, "scmpkit syscalls: error: unknown architecture '%s'; did you mean '%s'?\n",
			name, s);
	else
		fprintf(stderr, "scmpkit syscalls: error: unknown architecture '%s' "
				"(see 'scmpkit syscalls --arches')\n", name);
	return EXIT_USAGE;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return s[2] && strspn(s + 2, "0123456789abcdefABCDEF") == strlen(s + 2);
	return strspn(s, "0123456789") == strlen(s);
}

/* A name missing on ARCH: say where it does exist, or suggest a spelling. */
static void explain_missing(enum sk_arch arch, const char *name)
{
	const struct sk_arch_info *ai = sk_arch_info(arch);
	if (sk_syscall_known(name)) {
		fprintf(stderr, "scmpkit syscalls: error: '%s' does not exist on %s; it exists on",
			name, ai->short_name);
		bool first = true;
		for (int a = 0; a < SK_ARCH_COUNT; a++) {
			if (sk_syscall_nr(a, name) < 0)
				continue;
			fprintf(stderr, "%s %s", first ? "" : ",", sk_arch_info(a)->short_name);
			first = false;
		}
		fputc('\n', stderr);
		return;
	}
	const char *s = sk_syscall_suggest(name);
	if (s)
		fprintf(stderr, "scmpkit syscalls: error: unknown syscall '%s'; did you mean '%s'?\n",
			name, s);
	else
		fprintf(stderr, "scmpkit syscalls: error: unknown syscall '%s' on any architecture\n",
			name);
}

static void list_arches(void)
{
	printf("%-22s %-10s %-11s %-4s %s\n", "ARCH", "TABLE", "AUDIT_ARCH", "BITS", "SPELLINGS");
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		const struct sk_arch_info *i = sk_arch_info(a);
		printf("%-22s %-10s 0x%08" PRIx32 "  %-4u %s\n", i->oci_name, i->table,
		       i->audit_arch, i->bits, i->aliases);
	}
}

int cmd_syscalls(int argc, char **argv)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"list", no_argument, NULL, 'l'},
		{"arches", no_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	enum sk_arch arch = sk_arch_native();
	bool list = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:lAh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			arch = sk_arch_parse(optarg);
			if (arch == SK_ARCH_INVALID)
				return bad_arch(optarg);
			break;
		case 'l':
			list = true;
			break;
		case 'A':
			list_arches();
			return EXIT_OK;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return cli_usage("syscalls", "unknown option");
		}
	}
	if (list) {
		const char *name;
		int64_t nr;
		for (size_t i = 0; sk_syscall_at(arch, i, &name, &nr); i++)
			printf("%s\t%" PRId64 "\n", name, nr);
		return EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage("syscalls", "expected a syscall name or number");
	int rc = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const char *arg = argv[i];
		if (is_number(arg)) {
			int64_t nr = (int64_t)strtoull(arg, NULL, 0);
			const char *name = sk_syscall_name(arch, nr);
			if (!name) {
				fprintf(stderr, "scmpkit syscalls: error: no syscall %s on %s\n", arg,
					sk_arch_info(arch)->short_name);
				rc = EXIT_USAGE;
				continue;
			}
			printf("%s\n", name);
		} else {
			int64_t nr = sk_syscall_nr(arch, arg);
			if (nr < 0) {
				explain_missing(arch, arg);
				rc = EXIT_USAGE;
				continue;
			}
			printf("%" PRId64 "\n", nr);
		}
	}
	return rc;
}
