/* SPDX-License-Identifier: Apache-2.0 */
/* The dangerous-syscall list (data/dangerous-syscalls.tsv): its contents
 * derived again from Docker's profile, and every entry checked where it acts:
 * lint flags a profile that allows it, learn holds it back without
 * --allow-dangerous, audit mode blocks it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/arch.h>
#include <scmpkit/audit.h>
#include <scmpkit/dangerous.h>
#include <scmpkit/lint.h>

#include "profile_helpers.h"

Test(lint_dangerous, docker_table_entries)
{
	/* a few rows of Docker's table, from different groups */
	cr_expect_not_null(sk_dangerous_reason("open_by_handle_at"));
	cr_expect_not_null(sk_dangerous_reason("kexec_load"));
	cr_expect_not_null(sk_dangerous_reason("userfaultfd"));
	cr_expect_not_null(sk_dangerous_reason("_sysctl"));
	cr_expect(strstr(sk_dangerous_reason("ptrace"), "4.8") != NULL);
	cr_expect(strstr(sk_dangerous_reason("keyctl"), "keyring") != NULL);
	cr_expect_null(sk_dangerous_reason("read"));
	cr_expect_null(sk_dangerous_reason("exit_group"));
	cr_expect_null(sk_dangerous_reason(""));
	cr_expect_null(sk_dangerous_reason(NULL));
	cr_expect_eq(sk_dangerous_count(), 75, "Docker's table has 50 rows, its profile's "
					       "capability gates and io_uring 25 more");
}

/* The calls that slipped through before: each is on the list now. */
Test(lint_dangerous, new_mount_api_io_uring_clone3_and_friends)
{
	static const char *const names[] = {
		"clone3", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
		"mount_setattr", "io_uring_setup", "io_uring_enter", "io_uring_register",
		"pidfd_getfd", "quotactl_fd",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		cr_expect_not_null(sk_dangerous_reason(names[i]), "%s", names[i]);
	cr_expect(strstr(sk_dangerous_reason("clone3"), "ERRNO(38)") != NULL);
	cr_expect(sk_dangerous_bypasses("io_uring_setup"));
	cr_expect(strstr(sk_dangerous_reason("io_uring_enter"), "bypasses seccomp") != NULL);
	cr_expect(strstr(sk_dangerous_reason("io_uring_enter"), "record") != NULL);
	cr_expect_not(sk_dangerous_bypasses("mount"));
	cr_expect_not(sk_dangerous_args_only("clone3"), "clone3's flags cannot be filtered");
}

Test(lint_dangerous, args_only)
{
	cr_expect(sk_dangerous_args_only("clone"));
	cr_expect(sk_dangerous_args_only("personality"));
	cr_expect_not(sk_dangerous_args_only("mount"));
	cr_expect_not(sk_dangerous_args_only("read"));
}

Test(lint_dangerous, iteration_sorted_known_and_consistent)
{
	const char *prev = NULL, *name, *reason;
	size_t i;
	for (i = 0; sk_dangerous_at(i, &name, &reason); i++) {
		if (prev)
			cr_expect(strcmp(prev, name) < 0, "%s before %s", prev, name);
		/* calls removed from Linux are gone from the 7.2 tables: their
		 * reason must say so */
		cr_expect(sk_syscall_known(name) || strstr(reason, "obsolete") ||
				  strstr(reason, "unused"),
			  "%s is a syscall somewhere or marked obsolete", name);
		cr_expect_eq(sk_dangerous_reason(name), reason, "%s", name);
		cr_expect(reason[0] && !strchr(reason, '\n'));
		prev = name;
	}
	cr_expect_eq(i, sk_dangerous_count());
	cr_expect_not(sk_dangerous_at(i, &name, &reason));
}

static bool default_cap(const char *cap)
{
	for (size_t i = 0; i < sk_docker_default_caps_count; i++)
		if (!strcmp(sk_docker_default_caps[i], cap))
			return true;
	return false;
}

/* The derivation, again from the kernel facts: every call Docker's profile
 * allows only with a capability outside its default set is on the list. */
Test(lint_dangerous, every_call_docker_gates_behind_a_capability_is_listed)
{
	const char *dir = getenv("SK_SHARED_DATA");
	cr_assert_not_null(dir, "run through meson test");
	char path[4096];
	snprintf(path, sizeof path, "%s/profiles/docker-default.json", dir);
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(path, &d);
	cr_assert_not_null(p);
	size_t gated = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		if (r->action != SK_ACT_ALLOW || !r->has_includes || !r->includes.n_caps)
			continue;
		bool by_default = false;
		for (size_t c = 0; c < r->includes.n_caps; c++)
			by_default |= default_cap(r->includes.caps[c]);
		for (size_t j = 0; j < r->n_names && !by_default; j++, gated++)
			cr_expect_not_null(sk_dangerous_reason(r->names[j]),
					   "%s: Docker allows it only with %s", r->names[j],
					   r->includes.caps[0]);
	}
	cr_expect_gt(gated, 40, "the profile's capability gates were read");
	sk_profile_free(p);
	sk_diags_free(&d);
}

/* One LOG record of NAME on x86_64, as learn reads the audit log. */
static void log_one(struct sk_audit_log *log, const char *name)
{
	static struct sk_audit_record rec;
	rec = (struct sk_audit_record){
		.pid = 4242, .uid = 0, .audit_arch = sk_arch_info(SK_ARCH_X86_64)->audit_arch,
		.nr = sk_syscall_nr(SK_ARCH_X86_64, name), .arch = SK_ARCH_X86_64,
		.syscall = name, .code = 0x7ffc0000u /* SECCOMP_RET_LOG */};
	*log = (struct sk_audit_log){.v = &rec, .n = 1};
}

/* Every entry where it acts. */
Test(lint_dangerous, each_entry_is_flagged_held_back_and_blocked)
{
	const char *name, *reason;
	size_t checked = 0;
	struct sk_profile *empty = parse_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
	struct sk_diags d = {0};
	struct sk_profile *audit = sk_profile_audit_mode(empty, &d);
	cr_assert_not_null(audit);
	for (size_t i = 0; sk_dangerous_at(i, &name, &reason); i++) {
		if (sk_syscall_nr(SK_ARCH_X86_64, name) < 0)
			continue; /* another arch's, or obsolete */
		checked++;
		/* lint: a profile that allows it outright */
		char text[256];
		snprintf(text, sizeof text,
			 "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
			 "\"syscalls\":[{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", name);
		struct sk_profile *p = parse_ok(text);
		struct sk_diags out = {0};
		cr_assert_eq(sk_lint_profile(p, NULL, &out), 0);
		char quoted[64];
		snprintf(quoted, sizeof quoted, "'%s'", name);
		cr_expect(has_diag(&out, "P3-dangerous-syscall", quoted), "lint: %s", name);
		sk_diags_free(&out);
		sk_profile_free(p);
		/* learn: held back unless asked */
		struct sk_audit_log log;
		log_one(&log, name);
		struct sk_learn_result res;
		struct sk_learn_opts lo;
		sk_learn_opts_init(&lo);
		cr_assert_eq(sk_learn(NULL, &log, &lo, &res, &d), 0);
		cr_expect_eq(res.dangerous, 1, "learn holds %s back", name);
		cr_expect(!sk_profile_allows_outright(res.profile, name), "learn: %s", name);
		sk_learn_result_free(&res);
		lo.allow_dangerous = true;
		cr_assert_eq(sk_learn(NULL, &log, &lo, &res, &d), 0);
		cr_expect_eq(res.added, 1, "--allow-dangerous adds %s", name);
		sk_learn_result_free(&res);
		/* audit mode: blocked, except what is dangerous only with some arguments */
		const struct sk_rule *r = rule_with(audit, name);
		if (sk_dangerous_args_only(name))
			cr_expect_null(r, "audit mode leaves %s to the default", name);
		else
			cr_expect(r && r->action == SK_ACT_ERRNO, "audit mode blocks %s", name);
	}
	cr_expect_gt(checked, 60);
	sk_profile_free(audit);
	sk_profile_free(empty);
	sk_diags_free(&d);
}
