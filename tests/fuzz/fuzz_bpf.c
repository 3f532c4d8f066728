/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/bpf: bytes -> program -> validate, disasm, C,
 * emulate must never crash; and random profiles (tests/oracle/randprof.c,
 * seeded from the input) -> sk_compile must never crash, and every program it
 * emits must pass the kernel's load-time checks (sk_bpf_validate, which
 * test_kernel_agree proves equal to seccomp(2)'s). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/bpf.h>

/* The generator needs only the profile builders: built in, no libseccomp. */
#include "../oracle/randprof.c"

static void program(const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	enum sk_arch arch = data[0] % (SK_ARCH_COUNT + 1) - 1; /* INVALID or one arch */
	struct sk_seccomp_data sd = {0};
	size_t take = size - 1 > sizeof sd ? sizeof sd : size - 1;
	memcpy(&sd, data + 1, take); /* the first bytes double as the call */
	struct sk_diags d = {0};
	struct sk_bpf_prog prog;
	if (sk_bpf_from_bytes(data + 1, size - 1, &prog, &d, "fuzz") == 0) {
		bool valid = sk_bpf_validate(&prog, &d) == 0;
		free(sk_bpf_disasm(&prog, arch));
		struct sk_filter_set set = {.progs = &prog, .n = 1};
		free(sk_bpf_to_c(&set, "f"));
		struct sk_run_result r;
		int rc = sk_bpf_run(&prog, &sd, &r);
		if (valid != (rc == 0))
			abort(); /* run and validate must agree on what the kernel loads */
		if (valid && (r.executed == 0 || r.executed > prog.len || r.ret_pc >= prog.len))
			abort();
		void *bytes;
		size_t len;
		if (sk_bpf_to_bytes(&prog, &bytes, &len) == 0) {
			if (len != size - 1 || memcmp(bytes, data + 1, len))
				abort(); /* bytes round trip */
			free(bytes);
		}
		sk_bpf_prog_free(&prog);
	}
	sk_diags_free(&d);
}

static void profile(const uint8_t *data, size_t size)
{
	uint64_t seed = 0;
	memcpy(&seed, data, size < 8 ? size : 8);
	struct sk_profile *p = randprof_make(seed);
	if (!p)
		return;
	struct sk_compile_opts o;
	sk_compile_opts_init(&o);
	o.no_enosys = size > 8 && (data[8] & 1);
	o.host = SK_ARCH_X86_64;
	struct sk_filter_set set;
	struct sk_diags d = {0};
	if (sk_compile(p, &o, &set, &d) == 0) {
		for (size_t i = 0; i < set.n; i++)
			if (sk_bpf_validate(&set.progs[i], NULL) != 0)
				abort();
		sk_filter_set_free(&set);
	}
	sk_diags_free(&d);
	sk_profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 0x80)
		profile(data + 1, size - 1);
	else
		program(data, size);
	return 0;
}
