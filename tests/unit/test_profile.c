/* SPDX-License-Identifier: Apache-2.0 */
/* The profile model: names, lifetime, parse of every format, emit, normalize,
 * resolve (Docker's evaluation) and equality, on real profiles. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "profile_helpers.h"
#include "util/yaml_quote.h"

static char *shared(const char *rel)
{
	const char *d = getenv("SK_SHARED_DATA");
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", d ? d : "../shared/data", rel);
	return buf;
}

static struct sk_profile *load_ok(const char *path)
{
	struct sk_diags d = {0};
	struct sk_profile *p = sk_profile_load(path, &d);
	cr_assert_not_null(p, "%s: %zu diagnostics, first: %s", path, d.n,
			   d.n ? d.v[0].message : "-");
	cr_expect_eq(sk_diags_count(&d, SK_SEV_ERROR), 0);
	sk_diags_free(&d);
	return p;
}


Test(names, actions)
{
	static const char *spellings[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
					  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
					  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
					  "SCMP_ACT_NOTIFY"};
	for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++) {
		enum sk_action a = sk_action_parse(spellings[i]);
		cr_expect_neq(a, SK_ACT_INVALID, "%s", spellings[i]);
		cr_expect_eq(sk_action_parse(sk_action_name(a)), a);
	}
	cr_expect_eq(sk_action_parse("SCMP_ACT_KILL"), SK_ACT_KILL_THREAD);
	cr_expect_str_eq(sk_action_name(SK_ACT_KILL_THREAD), "SCMP_ACT_KILL");
	cr_expect_eq(sk_action_parse("scmp_act_allow"), SK_ACT_INVALID);
	cr_expect_null(sk_action_name(SK_ACT_INVALID));
}

Test(names, ops_flags_formats_errnos)
{
	for (int op = SK_OP_NE; op < SK_OP_COUNT; op++)
		cr_expect_eq((int)sk_op_parse(sk_op_name(op)), op);
	cr_expect_eq(sk_op_parse("SCMP_CMP_MASKED_EQ"), SK_OP_MASKED_EQ);
	cr_expect_eq(sk_op_parse("EQ"), SK_OP_INVALID);
	cr_expect_eq(sk_flag_parse("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), 4);
	cr_expect_str_eq(sk_flag_name(SK_FLAG_WAIT_KILLABLE_RECV),
			 "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
	cr_expect_eq(sk_flag_parse("TSYNC"), -1);
	cr_expect_eq(sk_format_parse("spo"), SK_FORMAT_SPO);
	cr_expect_str_eq(sk_format_name(SK_FORMAT_RUNC_CONFIG), "runc-config");
	cr_expect_eq(sk_errno_parse("EPERM"), EPERM);
	cr_expect_eq(sk_errno_parse("ENOSYS"), ENOSYS);
	cr_expect_eq(sk_errno_parse("EWOULDBLOCK"), EAGAIN);
	cr_expect_str_eq(sk_errno_name(EAGAIN), "EAGAIN");
	cr_expect_str_eq(sk_errno_name(EHWPOISON), "EHWPOISON");
	cr_expect_eq(sk_errno_parse("EPREM"), -1);
	cr_expect_null(sk_errno_name(4000));
}

Test(names, docker_default_caps)
{
	cr_expect_eq(sk_docker_default_caps_count, 14);
	bool chown = false, sys_admin = false;
	for (size_t i = 0; i < sk_docker_default_caps_count; i++) {
		chown |= !strcmp(sk_docker_default_caps[i], "CAP_CHOWN");
		sys_admin |= !strcmp(sk_docker_default_caps[i], "CAP_SYS_ADMIN");
	}
	cr_expect(chown);
	cr_expect_not(sys_admin);
}

Test(model, build_clone_equal)
{
	struct sk_profile *p = sk_profile_new();
	cr_assert_not_null(p);
	cr_expect_eq(p->default_action, SK_ACT_ERRNO);
	const char *names[] = {"write", "read"};
	struct sk_rule *r = sk_profile_add_rule(p, names, 2, SK_ACT_ALLOW);
	cr_assert_not_null(r);
	cr_expect_eq(sk_rule_add_arg(r, 0, SK_OP_EQ, 1, 0), 0);
	cr_expect_eq(sk_rule_add_arg(r, 6, SK_OP_EQ, 1, 0), -EINVAL);
	cr_expect_eq(sk_rule_add_name(r, "close"), 0);
	cr_expect_eq(sk_profile_add_arch(p, SK_ARCH_X86_64), 0);
	cr_expect_eq(sk_profile_add_arch(p, SK_ARCH_X86_64), 0);
	cr_expect_eq(p->n_arches, 1);
	struct sk_profile *q = sk_profile_clone(p);
	cr_assert_not_null(q);
	cr_expect(sk_profile_equal(p, q));
	q->rules[0].args[0].value = 2;
	cr_expect_not(sk_profile_equal(p, q));
	q->rules[0].args[0].value = 1;
	free(q->rules[0].names[0]);
	q->rules[0].names[0] = strdup("open");
	cr_expect_not(sk_profile_equal(p, q));
	enum sk_arch out[SK_ARCH_COUNT];
	cr_expect_eq(sk_profile_arches(p, out), 1);
	cr_expect_eq(out[0], SK_ARCH_X86_64);
	sk_profile_free(p);
	sk_profile_free(q);
}

Test(parse, formats_detected)
{
	struct sk_profile *p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
					"[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	cr_expect_eq(p->format, SK_FORMAT_OCI);
	cr_expect_eq(p->rules[0].pos.line, 1);
	cr_expect_eq(p->rules[0].pos.col, 50);
	sk_profile_free(p);
	p = parse_ok("defaultAction: SCMP_ACT_ERRNO\nsyscalls:\n- name: read\n  action: SCMP_ACT_ALLOW\n");
	cr_expect_eq(p->format, SK_FORMAT_DOCKER);
	cr_expect(p->rules[0].legacy_name);
	cr_expect_eq(p->rules[0].name_pos[0].line, 3);
	cr_expect_eq(p->rules[0].name_pos[0].col, 9);
	sk_profile_free(p);
	p = parse_ok("apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n"
		     "metadata:\n  name: web\n  namespace: prod\nspec:\n  defaultAction: SCMP_ACT_LOG\n"
		     "  baseProfileName: runc-v1.1.5\n  architectures: [SCMP_ARCH_X86_64]\n"
		     "  syscalls:\n  - action: SCMP_ACT_ERRNO\n    errnoRet: 38\n    names: [mount]\n");
	cr_expect_eq(p->format, SK_FORMAT_SPO);
	cr_expect_str_eq(p->spo_name, "web");
	cr_expect_str_eq(p->spo_namespace, "prod");
	cr_expect_str_eq(p->spo_base_profile, "runc-v1.1.5");
	cr_expect_eq(p->rules[0].errno_ret, 38);
	sk_profile_free(p);
	p = parse_ok("{\"ociVersion\": \"1.0.2\", \"process\": {}, \"linux\": {\"seccomp\": "
		     "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}}}");
	cr_expect_eq(p->format, SK_FORMAT_RUNC_CONFIG);
	cr_expect_eq(p->default_action, SK_ACT_KILL_PROCESS);
	cr_expect_eq(p->flags, SK_FLAG_LOG);
	sk_profile_free(p);
}

Test(parse, containers_common_errno_names)
{
	struct sk_profile *p = load_ok("/usr/share/containers/seccomp.json");
	cr_expect_eq(p->format, SK_FORMAT_DOCKER);
	cr_expect(p->has_default_errno_ret);
	cr_expect_str_eq(p->default_errno_name, "ENOSYS");
	cr_expect_eq(p->default_errno_ret, ENOSYS);
	sk_profile_free(p);
}

Test(parse, values_at_the_limits)
{
	struct sk_profile *p = parse_ok(
		"defaultAction: SCMP_ACT_TRACE\ndefaultErrnoRet: 65535\nsyscalls:\n"
		"- names: [ioctl]\n  action: SCMP_ACT_ALLOW\n  args:\n"
		"  - {index: 5, value: 18446744073709551615, valueTwo: 0xff, op: SCMP_CMP_MASKED_EQ}\n");
	cr_expect_eq(p->default_errno_ret, 65535);
	cr_expect_eq(p->rules[0].args[0].value, UINT64_MAX);
	cr_expect_eq(p->rules[0].args[0].value_two, 0xff);
	cr_expect_eq(p->rules[0].args[0].index, 5);
	sk_profile_free(p);
}

/* parse -> emit(FORMAT) -> parse gives an equal profile. A SeccompProfile
 * has no defaultErrnoRet: one other than EPERM is lost, with a warning. */
static void round_trip(const struct sk_profile *p, enum sk_format f)
{
	struct sk_diags d = {0};
	char *text = sk_profile_emit(p, f, &d);
	cr_assert_not_null(text, "emit %s: %s", sk_format_name(f), d.n ? d.v[0].message : "-");
	bool loses_errno = f == SK_FORMAT_SPO && p->has_default_errno_ret &&
			   p->default_errno_ret != EPERM;
	cr_expect_eq(d.n == 1 && !strcmp(d.v[0].rule, "emit-spo-default-errno"), loses_errno,
		     "%s: warns when and only when defaultErrnoRet is lost", sk_format_name(f));
	struct sk_profile *q = sk_profile_parse(text, strlen(text), "emitted", &d);
	cr_assert_not_null(q, "re-parse %s: %s", sk_format_name(f), d.n ? d.v[d.n - 1].message : "-");
	if (loses_errno) {
		cr_expect_not(sk_profile_equal(p, q));
		q->has_default_errno_ret = true;
		q->default_errno_ret = p->default_errno_ret;
	}
	cr_expect(sk_profile_equal(p, q), "%s round trip differs", sk_format_name(f));
	cr_expect_eq(q->format, f == SK_FORMAT_DOCKER && q->format == SK_FORMAT_OCI ? SK_FORMAT_OCI : q->format);
	sk_profile_free(q);
	free(text);
	sk_diags_free(&d);
}

static void round_trip_all(const char *path)
{
	struct sk_profile *p = load_ok(path);
	round_trip(p, SK_FORMAT_DOCKER);
	struct sk_diags d = {0};
	/* OCI and SeccompProfile cannot hold archMap/includes: emit refuses... */
	cr_expect_null(sk_profile_emit(p, SK_FORMAT_OCI, &d));
	cr_expect(d.n && strstr(d.v[0].message, "resolve it"));
	sk_diags_free(&d);
	/* ... and the resolved profile round-trips in every format. */
	static const enum sk_arch arches[] = {SK_ARCH_X86_64, SK_ARCH_AARCH64, SK_ARCH_S390X};
	for (size_t i = 0; i < sizeof arches / sizeof *arches; i++) {
		struct sk_resolve_opts o = {.arch = arches[i], .kernel_major = 6, .kernel_minor = 1};
		struct sk_profile *r = sk_profile_resolve(p, &o, &d);
		cr_assert_not_null(r);
		cr_expect_eq(r->n_archmap, 0);
		cr_expect_gt(r->n_arches, 0);
		round_trip(r, SK_FORMAT_OCI);
		round_trip(r, SK_FORMAT_DOCKER);
		round_trip(r, SK_FORMAT_SPO);
		sk_profile_free(r);
	}
	/* normalize changes the form, not the meaning: still round-trips, and a
	 * second normalize is a no-op. */
	struct sk_profile *n = sk_profile_clone(p);
	cr_assert_eq(sk_profile_normalize(n, &d), 0);
	round_trip(n, SK_FORMAT_DOCKER);
	struct sk_profile *n2 = sk_profile_clone(n);
	cr_assert_eq(sk_profile_normalize(n2, &d), 0);
	char *a = sk_profile_emit(n, SK_FORMAT_DOCKER, &d), *b = sk_profile_emit(n2, SK_FORMAT_DOCKER, &d);
	cr_expect_str_eq(a, b);
	free(a);
	free(b);
	sk_profile_free(n);
	sk_profile_free(n2);
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(roundtrip, docker_default)
{
	round_trip_all(shared("profiles/docker-default.json"));
}

Test(roundtrip, containers_common)
{
	round_trip_all("/usr/share/containers/seccomp.json");
}

static struct sk_profile *resolve(const struct sk_profile *p, enum sk_arch a, const char **caps,
				  size_t n_caps, int maj, int min)
{
	struct sk_diags d = {0};
	struct sk_resolve_opts o = {.arch = a, .caps = caps, .n_caps = n_caps,
				    .kernel_major = maj, .kernel_minor = min};
	struct sk_profile *r = sk_profile_resolve(p, &o, &d);
	cr_assert_not_null(r);
	sk_diags_free(&d);
	return r;
}

Test(resolve, docker_default_like_docker)
{
	struct sk_profile *p = load_ok(shared("profiles/docker-default.json"));
	struct sk_profile *x86 = resolve(p, SK_ARCH_X86_64, NULL, 0, 6, 1);
	cr_expect_eq(x86->n_arches, 3); /* archMap: X86_64 + X86, X32 */
	cr_expect_eq(x86->arches[0], SK_ARCH_X86_64);
	cr_expect_not_null(rule_with(x86, "arch_prctl"));  /* includes arches amd64 */
	cr_expect_null(rule_with(x86, "arm_fadvise64_64")); /* includes arches arm, arm64 */
	cr_expect_not_null(rule_with(x86, "ptrace"));      /* minKernel 4.8 */
	cr_expect_null(rule_with(x86, "mount"));           /* includes caps CAP_SYS_ADMIN */
	struct sk_profile *arm = resolve(p, SK_ARCH_AARCH64, NULL, 0, 6, 1);
	cr_expect_eq(arm->n_arches, 2);
	cr_expect_null(rule_with(arm, "arch_prctl"));
	cr_expect_not_null(rule_with(arm, "arm_fadvise64_64"));
	struct sk_profile *old = resolve(p, SK_ARCH_X86_64, NULL, 0, 4, 7);
	cr_expect_null(rule_with(old, "ptrace"));
	const char *admin[] = {"CAP_SYS_ADMIN"};
	struct sk_profile *adm = resolve(p, SK_ARCH_X86_64, admin, 1, 6, 1);
	cr_expect_not_null(rule_with(adm, "mount"));
	cr_expect_null(rule_with(adm, "chroot")); /* includes caps CAP_SYS_CHROOT */
	cr_expect_not_null(rule_with(x86, "chroot"));
	/* clone: with CAP_SYS_ADMIN, Docker allows it without the flags check */
	const struct sk_rule *c = rule_with(adm, "clone");
	cr_assert_not_null(c);
	cr_expect_eq(c->n_args, 0);
	c = rule_with(x86, "clone");
	cr_assert_not_null(c);
	cr_expect_eq(c->n_args, 1);
	cr_expect_eq(c->args[0].op, SK_OP_MASKED_EQ);
	sk_profile_free(p);
	sk_profile_free(x86);
	sk_profile_free(arm);
	sk_profile_free(old);
	sk_profile_free(adm);
}

Test(normalize, sorts_dedups_merges)
{
	struct sk_profile *p = parse_ok(
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
		"{\"names\": [\"write\", \"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
		"{\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	struct sk_diags d = {0};
	cr_assert_eq(sk_profile_normalize(p, &d), 0);
	/* close merges into the first rule; the last ptrace rule must stay after
	 * the ERRNO one that also names ptrace. */
	cr_assert_eq(p->n_rules, 3);
	cr_expect_eq(p->rules[0].n_names, 3);
	cr_expect_str_eq(p->rules[0].names[0], "close");
	cr_expect_str_eq(p->rules[0].names[1], "read");
	cr_expect_str_eq(p->rules[0].names[2], "write");
	cr_expect_eq(p->rules[1].action, SK_ACT_ERRNO);
	cr_expect_eq(p->rules[2].action, SK_ACT_ALLOW);
	cr_expect_str_eq(p->rules[2].names[0], "ptrace");
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(normalize, warns_missing_on_listed_arches)
{
	struct sk_profile *p = parse_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
					"[\"SCMP_ARCH_AARCH64\"], \"syscalls\": [{\"names\": [\"open\"],"
					" \"action\": \"SCMP_ACT_ALLOW\"}]}");
	struct sk_diags d = {0};
	cr_assert_eq(sk_profile_normalize(p, &d), 0);
	cr_assert_eq(d.n, 1);
	cr_expect_eq(d.v[0].severity, SK_SEV_WARNING);
	cr_expect(strstr(d.v[0].message, "\"open\" exists on none"));
	sk_diags_free(&d);
	sk_profile_free(p);
}

Test(emit, oci_json_shape)
{
	struct sk_profile *p = parse_ok("defaultAction: SCMP_ACT_ERRNO\nsyscalls:\n"
					"- names: [read]\n  action: SCMP_ACT_ALLOW\n");
	struct sk_diags d = {0};
	char *s = sk_profile_emit(p, SK_FORMAT_OCI, &d);
	cr_assert_not_null(s);
	cr_expect_str_eq(s, "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n    {\n"
			    "      \"names\": [\n        \"read\"\n      ],\n"
			    "      \"action\": \"SCMP_ACT_ALLOW\"\n    }\n  ]\n}\n");
	free(s);
	s = sk_profile_emit(p, SK_FORMAT_RUNC_CONFIG, &d);
	cr_expect_null(s);
	sk_diags_free(&d);
	sk_profile_free(p);
}

/* Single-quoted scalars are read from the input (util/yaml_quote.h): runs of
 * escaped quotes, which libfyaml 0.7.12 misreads (and leaks on), and folding,
 * where the values below are libfyaml's own. */
Test(profile, single_quoted_scalars)
{
	static const struct {
		const char *raw, *value;
	} cases[] = {
		{"x''y", "x'y"},
		{"''''''", "'''"},
		{"it''''s", "it''s"},
		{"multi\n  line  \n\n  folded", "multi line\nfolded"},
		{"  lead and trail  ", "  lead and trail  "},
		{"one\n\n\n  three breaks", "one\n\nthree breaks"},
		{"crlf\r\n  next", "crlf next"},
		{"tab\t\n  x", "tab x"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[64];
		size_t n = sk_yaml_single_quoted(cases[i].raw, strlen(cases[i].raw), out);
		cr_expect(n == strlen(cases[i].value) && !memcmp(out, cases[i].value, n),
			  "'%s' -> [%.*s], wanted [%s]", cases[i].raw, (int)n, out, cases[i].value);
	}
	struct sk_profile *p = parse_ok(
		"defaultAction: SCMP_ACT_ERRNO\n"
		"syscalls:\n"
		"- names: ['read', 'write']\n"
		"  action: 'SCMP_ACT_ALLOW'\n"
		"  comment: 'it''''s ''quoted'''\n");
	cr_assert_eq(p->n_rules, 1);
	cr_expect_str_eq(p->rules[0].names[1], "write");
	cr_expect_str_eq(p->rules[0].comment, "it''s 'quoted'");
	sk_profile_free(p);
}

/* ---- SeccompProfile base profiles (security-profiles-operator) ------------ */

#define SPO(name, base, rules)                                                               \
	"apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\n"         \
	"metadata: {name: " name "}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n" base            \
	"  syscalls:\n" rules

Test(spo_base, published_bases_are_data_with_their_source)
{
	cr_assert_geq(sk_spo_base_count(), 2);
	const struct sk_spo_base *b = sk_spo_base_find("runc-v1.4.2");
	cr_assert_not_null(b);
	cr_expect(strstr(b->source, "kubernetes-sigs/security-profiles-operator examples/baseprofile-runc.yaml@") != NULL);
	cr_expect_eq(b->arch, SK_ARCH_X86_64);
	cr_expect_eq(sk_spo_base_find("oci://ghcr.io/security-profiles/runc:v1.4.2"), b);
	cr_expect_not_null(sk_spo_base_find("crun-v1.26"));
	cr_expect_null(sk_spo_base_find("runc-v9.9.9"));
	bool exit_group = false;
	for (size_t i = 0; i < b->n_names; i++)
		exit_group |= !strcmp(b->names[i], "exit_group");
	cr_expect(exit_group);
	cr_expect(sk_spo_api_version("security-profiles-operator.x-k8s.io/v1"));
	cr_expect(sk_spo_api_version("security-profiles-operator.x-k8s.io/v1beta1"));
	cr_expect_not(sk_spo_api_version("security-profiles-operator.x-k8s.io/v2"));
}

Test(spo_base, stacked_as_the_operator_does)
{
	struct sk_profile *base = parse_ok(SPO("base", "  baseProfileName: runc-v1.4.2\n",
					       "  - action: SCMP_ACT_ALLOW\n    names: [mount]\n"
					       "  - action: SCMP_ACT_ERRNO\n    names: [socket]\n"));
	struct sk_profile *app = parse_ok(SPO("app", "  baseProfileName: base\n",
					      "  - action: SCMP_ACT_ALLOW\n    names: [socket, accept4]\n"
					      "  - action: SCMP_ACT_LOG\n    names: [mount]\n"));
	const struct sk_profile *given[] = {base, app};
	struct sk_diags d = {0};
	struct sk_profile *r;
	cr_assert_eq(sk_profile_resolve_base(app, given, 2, &r, &d), 0);
	cr_expect_null(r->spo_base_profile);
	cr_expect_eq(r->default_action, SK_ACT_ERRNO);
	/* one name per rule; the less restrictive action wins; two bases deep */
	cr_expect_eq(rule_with(r, "socket")->action, SK_ACT_ALLOW);
	cr_expect_eq(rule_with(r, "mount")->action, SK_ACT_ALLOW);
	cr_expect_eq(rule_with(r, "exit_group")->action, SK_ACT_ALLOW, "from runc-v1.4.2");
	cr_expect_eq(rule_with(r, "exit_group")->pos.line, app->spo_base_pos.line,
		     "calls from a base point at baseProfileName");
	cr_expect_eq(rule_with(r, "accept4")->name_pos[0].line, 9);
	for (size_t i = 0; i < r->n_rules; i++)
		cr_expect_eq(r->rules[i].n_names, 1);
	sk_profile_free(r);
	/* a base nowhere, and a cycle */
	struct sk_profile *lost = parse_ok(SPO("lost", "  baseProfileName: nope\n", "  - action: SCMP_ACT_ALLOW\n    names: [read]\n"));
	cr_expect_eq(sk_profile_resolve_base(lost, given, 2, &r, &d), -ENOENT);
	cr_expect(has_diag(&d, "spo-base-missing", "\"nope\" is neither"));
	cr_expect_null(r);
	struct sk_profile *loop = parse_ok(SPO("base", "  baseProfileName: base\n", "  - action: SCMP_ACT_ALLOW\n    names: [read]\n"));
	const struct sk_profile *self[] = {loop};
	cr_expect_eq(sk_profile_resolve_base(loop, self, 1, &r, &d), -ELOOP);
	cr_expect(has_diag(&d, "spo-base-missing", "more than 15"));
	sk_profile_free(lost);
	sk_profile_free(loop);
	sk_profile_free(base);
	sk_profile_free(app);
	sk_diags_free(&d);
}

Test(spo_base, v1_emitted_and_read_back)
{
	struct sk_profile *p = parse_ok(SPO("web", "", "  - action: SCMP_ACT_ALLOW\n    names: [read]\n"));
	struct sk_diags d = {0};
	char *t = sk_profile_emit(p, SK_FORMAT_SPO, &d);
	cr_assert_not_null(t);
	static const char v1[] = "apiVersion: security-profiles-operator.x-k8s.io/v1\n";
	cr_expect(!strncmp(t, v1, sizeof v1 - 1), "%s", t);
	struct sk_profile *q = parse_ok(t);
	cr_expect(sk_profile_equal(p, q));
	free(t);
	sk_profile_free(q);
	sk_profile_free(p);
	sk_diags_free(&d);
}
