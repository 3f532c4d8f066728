/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only: load PROFILE (any format scmpkit reads), compile it with
 * libseccomp (the test oracle), install it and exec CMD. Stands in for
 * `scmpkit run` in the record tests, and checks the recorded profile with a
 * compiler other than scmpkit's own. Docker conditions are resolved for this
 * host. Names libseccomp does not know are skipped (reported on stderr).
 *   usage: sk_enforce PROFILE CMD [ARGS...] */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <scmpkit/profile.h>

static uint32_t action(enum sk_action a, bool has_errno, uint32_t e)
{
	switch (a) {
	case SK_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
	case SK_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
	case SK_ACT_TRAP: return SCMP_ACT_TRAP;
	case SK_ACT_ERRNO: return SCMP_ACT_ERRNO(has_errno ? e : EPERM);
	case SK_ACT_TRACE: return SCMP_ACT_TRACE(has_errno ? e : EPERM);
	case SK_ACT_LOG: return SCMP_ACT_LOG;
	case SK_ACT_ALLOW: return SCMP_ACT_ALLOW;
	default: return SCMP_ACT_KILL_PROCESS;
	}
}

static const uint32_t arch_tokens[SK_ARCH_COUNT] = {
	[SK_ARCH_X86] = SCMP_ARCH_X86, [SK_ARCH_X86_64] = SCMP_ARCH_X86_64,
	[SK_ARCH_X32] = SCMP_ARCH_X32, [SK_ARCH_AARCH64] = SCMP_ARCH_AARCH64,
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: sk_enforce PROFILE CMD [ARGS...]\n");
		return 125;
	}
	struct sk_diags d = {0};
	struct sk_profile *p0 = sk_profile_load(argv[1], &d);
	struct sk_profile *p = p0 ? sk_profile_resolve(p0, NULL, &d) : NULL;
	if (!p) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "sk_enforce: %s\n", d.v[i].message);
		return 125;
	}
	scmp_filter_ctx ctx = seccomp_init(action(p->default_action, p->has_default_errno_ret,
						  p->default_errno_ret));
	enum sk_arch arches[SK_ARCH_COUNT];
	size_t na = sk_profile_arches(p, arches);
	bool native_listed = false;
	for (size_t i = 0; i < na; i++) {
		if (arches[i] == sk_arch_native()) {
			native_listed = true;
			continue;
		}
		if (arch_tokens[arches[i]])
			seccomp_arch_add(ctx, arch_tokens[arches[i]]);
	}
	if (!native_listed)
		seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	for (size_t r = 0; r < p->n_rules; r++) {
		const struct sk_rule *rule = &p->rules[r];
		struct scmp_arg_cmp cmp[6];
		for (size_t k = 0; k < rule->n_args && k < 6; k++)
			cmp[k] = (struct scmp_arg_cmp){rule->args[k].index,
						       (enum scmp_compare)rule->args[k].op,
						       rule->args[k].value, rule->args[k].value_two};
		uint32_t act = action(rule->action, rule->has_errno_ret, rule->errno_ret);
		for (size_t k = 0; k < rule->n_names; k++) {
			int nr = seccomp_syscall_resolve_name(rule->names[k]);
			if (nr == __NR_SCMP_ERROR) {
				fprintf(stderr, "sk_enforce: libseccomp does not know %s\n", rule->names[k]);
				continue;
			}
			int rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)rule->n_args, cmp);
			if (rc < 0 && rc != -EEXIST)
				fprintf(stderr, "sk_enforce: rule for %s: %s\n", rule->names[k], strerror(-rc));
		}
	}
	int rc = seccomp_load(ctx);
	if (rc < 0) {
		fprintf(stderr, "sk_enforce: seccomp_load: %s\n", strerror(-rc));
		return 125;
	}
	execvp(argv[2], argv + 2);
	return 127;
}
