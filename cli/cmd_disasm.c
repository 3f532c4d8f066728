/* SPDX-License-Identifier: Apache-2.0 */
/* scmpkit disasm: list a raw seccomp program (scmpkit compile's or libseccomp's
 * seccomp_export_bpf output) one instruction a line. */
#include <getopt.h> /* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/fileio.h>
#include <scmpkit/bpf.h>

#include "cli.h"

static const char help[] =
	"Usage: scmpkit disasm [--arch ARCH] [--format asm|c] FILE\n\n"
	"List a classic-BPF seccomp program, one instruction a line, with syscall\n"
	"names (\"if (A != openat) goto 12\"), argument names (\"A = args[0].lo\") and\n"
	"actions (\"return ERRNO(1)\"). FILE holds the bytes seccomp(2) takes: what\n"
	"'scmpkit compile --format raw' writes, and what libseccomp's\n"
	"seccomp_export_bpf writes. \"-\" reads standard input.\n\n"
	"Options:\n"
	"  -a, --arch ARCH     name syscalls for ARCH everywhere (default: follow the\n"
	"                      program's own arch checks)\n"
	"  -f, --format FMT    asm (default) or c: a C array for seccomp(2)\n"
	"  -h, --help          this help\n\n"
	"Exit status: 0 listed; 1 the output could not be written; 2 unreadable input,\n"
	"or a program the kernel would refuse (it is still listed, with the reason).\n";

int cmd_disasm(int argc, char **argv)
{
	enum sk_arch arch;
	bool c_array;
	int done = cli_listing_opts("disasm", help, argc, argv, &arch, &c_array);
	if (done >= 0)
		return done;
	if (optind + 1 != argc)
		return cli_usage("disasm", "expected one program file");
	const char *file = argv[optind];
	char *data;
	size_t len;
	int r = sk_read_input(file, SK_INPUT_BPF, &data, &len);
	if (r < 0) {
		cli_error("%s: cannot read: %s", file, sk_read_error(r, SK_INPUT_BPF));
		return EXIT_USAGE;
	}
	struct sk_diags diags = {0};
	struct sk_bpf_prog prog;
	r = sk_bpf_from_bytes(data, len, &prog, &diags, file);
	free(data);
	if (r < 0) {
		cli_print_diags(&diags);
		sk_diags_free(&diags);
		return EXIT_USAGE;
	}
	bool valid = sk_bpf_validate(&prog, &diags) == 0;
	for (size_t i = 0; i < diags.n; i++) /* the validator does not know the file */
		if (!diags.v[i].file)
			diags.v[i].file = strdup(file);
	char *text;
	if (c_array) {
		struct sk_filter_set set = {.progs = &prog, .n = 1};
		text = sk_bpf_to_c(&set, "filter");
	} else {
		text = sk_bpf_disasm(&prog, arch);
	}
	int rc = text ? cli_write_output(NULL, text) : EXIT_USAGE;
	free(text);
	cli_print_diags(&diags);
	sk_diags_free(&diags);
	sk_bpf_prog_free(&prog);
	return rc ? rc : valid ? EXIT_OK : EXIT_USAGE;
}
