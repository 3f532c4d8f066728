#include <criterion/criterion.h>
#include <string.h>

#include <scmpkit/arch.h>
#include <scmpkit/dangerous.h>

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
	cr_expect_eq(sk_dangerous_count(), 50, "Docker's table has 50 rows");
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
