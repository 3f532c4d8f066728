/* SPDX-License-Identifier: Apache-2.0 */
/* Malformed profiles, one per table row: the diagnostic (severity, message
 * substring, line:col) from the library, and the exit status of the CLI
 * ($SCMPKIT convert --to docker FILE) on the same text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmpkit/profile.h>

struct bad {
	const char *name;
	const char *text;
	enum sk_severity sev;
	const char *msg;
	unsigned line, col;
	int rc; /* CLI exit status: 2 on error, 0 when only warnings */
};

#define ALLOW "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
/* ALLOW is 106 characters: the first arg object starts at column 107, its
 * "value" (after {"index": 0, "value": ) at column 129. */

static const struct bad cases[] = {
	{"unterminated object", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"\n", SK_SEV_ERROR,
	 "syntax error", 2, 1, 2},
	{"unterminated string", "{\"defaultAction\": \"SCMP_ACT_ALLOW}\n", SK_SEV_ERROR,
	 "syntax error", 0, 0, 2},
	{"unknown key, did you mean", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscall\": []}",
	 SK_SEV_WARNING, "unknown key \"syscall\" in a profile, ignored; did you mean \"syscalls\"?",
	 1, 37, 0},
	{"action not a string", "{\"defaultAction\": 5}", SK_SEV_ERROR,
	 "\"defaultAction\" must be a string, not 5", 1, 19, 2},
	{"unknown action", "{\"defaultAction\": \"SCMP_ACT_ALLWO\"}", SK_SEV_ERROR,
	 "unknown action \"SCMP_ACT_ALLWO\"; did you mean \"SCMP_ACT_ALLOW\"?", 1, 19, 2},
	{"lower-case action", "{\"defaultAction\": \"scmp_act_log\"}", SK_SEV_ERROR,
	 "did you mean \"SCMP_ACT_LOG\"?", 1, 19, 2},
	{"unknown op", ALLOW "{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQQ\"}]}]}",
	 SK_SEV_ERROR, "unknown operator \"SCMP_CMP_EQQ\"; did you mean \"SCMP_CMP_EQ\"?", 1,
	 138, 2},
	{"unknown arch", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_46\"]}",
	 SK_SEV_ERROR, "unknown architecture \"SCMP_ARCH_X86_46\"", 1, 55, 2},
	{"arch spelt the Go way", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"amd64\"]}",
	 SK_SEV_WARNING, "is spelt \"SCMP_ARCH_X86_64\" in OCI profiles", 1, 55, 0},
	{"unknown syscall", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [{\"names\": [\"opne\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	 SK_SEV_ERROR, "unknown syscall \"opne\" on every architecture", 2, 26, 2},
	{"arg index 6", ALLOW "{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}", SK_SEV_ERROR,
	 "argument index 6 is out of range", 1, 117, 2},
	{"errnoRet 4096", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 4096}",
	 SK_SEV_ERROR, "\"defaultErrnoRet\" 4096 is out of range (0..4095)", 1, 56, 2},
	{"name and names", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"read\", \"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	 SK_SEV_ERROR, "either \"name\" or \"names\", not both", 1, 59, 2},
	{"archMap and architectures", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\"],\n \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
	 SK_SEV_ERROR, "\"architectures\" and \"archMap\" together", 2, 13, 2},
	{"empty names", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	 SK_SEV_ERROR, "\"names\" is empty", 1, 60, 2},
	{"empty name", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	 SK_SEV_ERROR, "empty syscall name", 1, 61, 2},
	{"duplicate key", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"defaultAction\": \"SCMP_ACT_ALLOW\"}",
	 SK_SEV_ERROR, "duplicate key \"defaultAction\" (first at line 1)", 2, 2, 2},
	{"non-integer value", ALLOW "{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	 SK_SEV_ERROR, "\"value\" must be an integer, not 1.5", 1, 129, 2},
	{"negative value", ALLOW "{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	 SK_SEV_ERROR, "\"value\" must not be negative: -1", 1, 129, 2},
	{"value above 2^64-1", ALLOW "{\"index\": 0, \"value\": 18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	 SK_SEV_ERROR, "\"value\" is larger than 2^64-1", 1, 129, 2},
	{"missing defaultAction", "{\"syscalls\": []}", SK_SEV_ERROR,
	 "profile has no \"defaultAction\"", 1, 1, 2},
	{"rule without action", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [\n  {\"names\": [\"read\"]}]}",
	 SK_SEV_ERROR, "syscall rule has no \"action\"", 3, 3, 2},
	{"args not a list", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": {}}]}",
	 SK_SEV_ERROR, "\"args\" must be a list, not an object", 1, 106, 2},
	{"quoted number", ALLOW "{\"index\": 0, \"value\": \"5\", \"op\": \"SCMP_CMP_EQ\"}]}]}",
	 SK_SEV_ERROR, "\"value\" must be a number, not the string \"5\"", 1, 129, 2},
	{"unknown flag", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [\"SECCOMP_FILTER_FLAG_TSNYC\"]}",
	 SK_SEV_ERROR, "did you mean \"SECCOMP_FILTER_FLAG_TSYNC\"?", 1, 47, 2},
	{"unknown errno name", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrno\": \"EPREM\"}",
	 SK_SEV_ERROR, "unknown errno name \"EPREM\"; did you mean \"EPERM\"?", 1, 53, 2},
	{"SeccompProfile apiVersion", "apiVersion: v1\nkind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_LOG\n",
	 SK_SEV_ERROR, "apiVersion \"v1\" is not security-profiles-operator", 1, 13, 2},
	{"SeccompProfile kind", "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: ConfigMap\nspec:\n  defaultAction: SCMP_ACT_LOG\n",
	 SK_SEV_ERROR, "kind \"ConfigMap\" is not SeccompProfile", 2, 7, 2},
	{"SeccompProfile without spec", "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n",
	 SK_SEV_ERROR, "SeccompProfile has no \"spec\"", 1, 1, 2},
	{"config.json without seccomp", "{\"ociVersion\": \"1.0.2\", \"linux\": {\"namespaces\": []}}",
	 SK_SEV_ERROR, "config.json has no \"linux.seccomp\"", 1, 34, 2},
	{"bad minKernel", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"4.x\"}}]}",
	 SK_SEV_ERROR, "\"minKernel\" must be MAJOR.MINOR", 1, 124, 2},
	{"profile is a list", "[\"SCMP_ACT_ALLOW\"]", SK_SEV_ERROR,
	 "a profile must be an object, not a list", 1, 1, 2},
	{"YAML alias", "defaultAction: &a SCMP_ACT_ALLOW\nsyscalls:\n- names: [read]\n  action: *a\n",
	 SK_SEV_ERROR, "YAML aliases (*a) are not supported", 4, 11, 2},
	/* libfyaml reports this at the plain scalar that becomes a multi-line key */
	{"YAML bad indentation", "defaultAction: SCMP_ACT_ALLOW\n syscalls: []\n", SK_SEV_ERROR,
	 "syntax error", 1, 16, 2},
	{"empty document", "", SK_SEV_ERROR, "empty document", 1, 1, 2},
	{"two YAML documents", "defaultAction: SCMP_ACT_ALLOW\n---\ndefaultAction: SCMP_ACT_LOG\n",
	 SK_SEV_ERROR, "more than one YAML document", 3, 1, 2},
	{"unknown arch in includes", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"amd46\"]}}]}",
	 SK_SEV_ERROR, "unknown architecture \"amd46\"", 1, 122, 2},
	{"rule not an object", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\"read\"]}",
	 SK_SEV_ERROR, "an entry of \"syscalls\" must be an object, not a string", 1, 50, 2},
	{"arg without op", ALLOW "{\"index\": 0, \"value\": 1}]}]}", SK_SEV_ERROR,
	 "argument has no \"op\"", 1, 107, 2},
	{"errnoRet on ALLOW", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}",
	 SK_SEV_WARNING, "errnoRet has no effect with SCMP_ACT_ALLOW", 1, 110, 0},
};

static const struct sk_diag *find(const struct sk_diags *d, const struct bad *b)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == b->sev && strstr(d->v[i].message, b->msg))
			return &d->v[i];
	return NULL;
}

static void dump(const struct sk_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = sk_diag_format(&d->v[i]);
		cr_log_info("  got: %s", s);
		free(s);
	}
}

Test(malformed, table_has_25_cases)
{
	cr_expect_geq(sizeof cases / sizeof cases[0], 25);
}

Test(malformed, diagnostics)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct bad *b = &cases[i];
		struct sk_diags d = {0};
		struct sk_profile *p = sk_profile_parse(b->text, strlen(b->text), "bad.json", &d);
		if (b->sev == SK_SEV_ERROR)
			cr_expect_null(p, "%s: parsed although it is wrong", b->name);
		else
			cr_expect_not_null(p, "%s: a warning must not fail the parse", b->name);
		const struct sk_diag *g = find(&d, b);
		cr_expect_not_null(g, "%s: no %s containing '%s'", b->name, sk_severity_name(b->sev),
				   b->msg);
		if (!g) {
			dump(&d);
		} else if (b->line) {
			cr_expect(g->line == b->line && g->col == b->col,
				  "%s: at %u:%u, wanted %u:%u", b->name, g->line, g->col, b->line, b->col);
			cr_expect_str_eq(g->file, "bad.json", "%s", b->name);
		}
		sk_profile_free(p);
		sk_diags_free(&d);
	}
}

/* The same texts through the executable: exit 2 on errors, 0 on warnings. */
Test(malformed, cli_exit_status)
{
	const char *exe = getenv("SCMPKIT");
	if (!exe)
		cr_skip_test("SCMPKIT is not set (run through meson test)");
	char dir[] = "/tmp/sk-malformed-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[64], cmd[512];
		snprintf(path, sizeof path, "%s/case%zu.json", dir, i);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(cases[i].text, f);
		fclose(f);
		snprintf(cmd, sizeof cmd, "'%s' convert --to docker '%s' >/dev/null 2>&1", exe, path);
		int st = system(cmd);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == cases[i].rc, "%s: exit %d, wanted %d",
			  cases[i].name, WIFEXITED(st) ? WEXITSTATUS(st) : -1, cases[i].rc);
		unlink(path);
	}
	rmdir(dir);
}
