/* SPDX-License-Identifier: Apache-2.0 */
/* struct sk_profile -> text: JSON (OCI, Docker) or YAML (SeccompProfile).
 *
 * The output is meant to be read and diffed by people: a fixed key order
 * (the runtime-spec's), two-space indent, one syscall name per line, and
 * optional fields only when set. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "profile/internal.h"
#include "util/json_quote.h"
#include "util/strbuf.h"


static bool rule_is_docker(const struct sk_rule *r)
{
	return !sk_cond_empty(&r->includes) || !sk_cond_empty(&r->excludes);
}

/* ---- JSON ------------------------------------------------------------------ */

/* Writes "key": at INDENT, preceded by a comma when not FIRST. */
static void key(struct sk_sb *b, bool *first, int indent, const char *k)
{
	sk_sb_addf(b, "%s\n%*s\"%s\": ", *first ? "" : ",", indent, "", k);
	*first = false;
}

static void json_strv(struct sk_sb *b, char *const *v, size_t n, int indent)
{
	if (!n) {
		sk_sb_adds(b, "[]");
		return;
	}
	sk_sb_adds(b, "[");
	for (size_t i = 0; i < n; i++) {
		sk_sb_addf(b, "%s\n%*s", i ? "," : "", indent + 2, "");
		sk_json_quote(b, v[i]);
	}
	sk_sb_addf(b, "\n%*s]", indent, "");
}

static void json_cond(struct sk_sb *b, const struct sk_cond *c, int indent)
{
	bool first = true;
	sk_sb_adds(b, "{");
	if (c->n_arches) {
		key(b, &first, indent + 2, "arches");
		json_strv(b, c->arches, c->n_arches, indent + 2);
	}
	if (c->n_caps) {
		key(b, &first, indent + 2, "caps");
		json_strv(b, c->caps, c->n_caps, indent + 2);
	}
	if (c->min_kernel) {
		key(b, &first, indent + 2, "minKernel");
		sk_json_quote(b, c->min_kernel);
	}
	sk_sb_addf(b, "\n%*s}", indent, "");
}

static void json_rule(struct sk_sb *b, const struct sk_rule *r, bool docker, int in)
{
	bool first = true;
	sk_sb_adds(b, "{");
	if (docker && r->legacy_name && r->n_names == 1) {
		key(b, &first, in + 2, "name");
		sk_json_quote(b, r->names[0]);
	} else {
		key(b, &first, in + 2, "names");
		json_strv(b, r->names, r->n_names, in + 2);
	}
	key(b, &first, in + 2, "action");
	sk_json_quote(b, sk_action_name(r->action));
	if (r->has_errno_ret) {
		key(b, &first, in + 2, "errnoRet");
		sk_sb_addf(b, "%" PRIu32, r->errno_ret);
	}
	if (docker && r->errno_name) {
		key(b, &first, in + 2, "errno");
		sk_json_quote(b, r->errno_name);
	}
	if (r->n_args) {
		key(b, &first, in + 2, "args");
		sk_sb_adds(b, "[");
		for (size_t i = 0; i < r->n_args; i++) {
			const struct sk_arg *a = &r->args[i];
			sk_sb_addf(b, "%s\n%*s{", i ? "," : "", in + 4, "");
			sk_sb_addf(b, "\n%*s\"index\": %u,", in + 6, "", a->index);
			sk_sb_addf(b, "\n%*s\"value\": %" PRIu64 ",", in + 6, "", a->value);
			sk_sb_addf(b, "\n%*s\"valueTwo\": %" PRIu64 ",", in + 6, "", a->value_two);
			sk_sb_addf(b, "\n%*s\"op\": \"%s\"", in + 6, "", sk_op_name(a->op));
			sk_sb_addf(b, "\n%*s}", in + 4, "");
		}
		sk_sb_addf(b, "\n%*s]", in + 2, "");
	}
	if (docker && r->comment) {
		key(b, &first, in + 2, "comment");
		sk_json_quote(b, r->comment);
	}
	if (docker && !sk_cond_empty(&r->includes)) {
		key(b, &first, in + 2, "includes");
		json_cond(b, &r->includes, in + 2);
	}
	if (docker && !sk_cond_empty(&r->excludes)) {
		key(b, &first, in + 2, "excludes");
		json_cond(b, &r->excludes, in + 2);
	}
	sk_sb_addf(b, "\n%*s}", in, "");
}

static void json_arches(struct sk_sb *b, const enum sk_arch *v, size_t n, int indent)
{
	sk_sb_adds(b, "[");
	for (size_t i = 0; i < n; i++)
		sk_sb_addf(b, "%s\n%*s\"%s\"", i ? "," : "", indent + 2, "", sk_arch_info(v[i])->oci_name);
	sk_sb_addf(b, n ? "\n%*s]" : "]", indent, "");
}

static void json_flags(struct sk_sb *b, unsigned flags, int indent)
{
	sk_sb_adds(b, "[");
	bool any = false;
	for (unsigned bit = 1; bit; bit <<= 1) {
		if (!(flags & bit) || !sk_flag_name((enum sk_flag)bit))
			continue;
		sk_sb_addf(b, "%s\n%*s\"%s\"", any ? "," : "", indent + 2, "", sk_flag_name((enum sk_flag)bit));
		any = true;
	}
	sk_sb_addf(b, any ? "\n%*s]" : "]", indent, "");
}

static void emit_json(struct sk_sb *b, const struct sk_profile *p, bool docker)
{
	bool first = true;
	sk_sb_adds(b, "{");
	key(b, &first, 2, "defaultAction");
	sk_json_quote(b, sk_action_name(p->default_action));
	if (p->has_default_errno_ret) {
		key(b, &first, 2, "defaultErrnoRet");
		sk_sb_addf(b, "%" PRIu32, p->default_errno_ret);
	}
	if (docker && p->default_errno_name) {
		key(b, &first, 2, "defaultErrno");
		sk_json_quote(b, p->default_errno_name);
	}
	if (p->n_arches) {
		key(b, &first, 2, "architectures");
		json_arches(b, p->arches, p->n_arches, 2);
	}
	if (docker && p->n_archmap) {
		key(b, &first, 2, "archMap");
		sk_sb_adds(b, "[");
		for (size_t i = 0; i < p->n_archmap; i++) {
			const struct sk_archmap *m = &p->archmap[i];
			sk_sb_addf(b, "%s\n    {\n      \"architecture\": \"%s\",\n      \"subArchitectures\": ",
			    i ? "," : "", sk_arch_info(m->arch)->oci_name);
			json_arches(b, m->subs, m->n_subs, 6);
			sk_sb_adds(b, "\n    }");
		}
		sk_sb_adds(b, "\n  ]");
	}
	if (p->has_flags) {
		key(b, &first, 2, "flags");
		json_flags(b, p->flags, 2);
	}
	if (p->listener_path) {
		key(b, &first, 2, "listenerPath");
		sk_json_quote(b, p->listener_path);
	}
	if (p->listener_metadata) {
		key(b, &first, 2, "listenerMetadata");
		sk_json_quote(b, p->listener_metadata);
	}
	key(b, &first, 2, "syscalls");
	sk_sb_adds(b, "[");
	for (size_t i = 0; i < p->n_rules; i++) {
		sk_sb_addf(b, "%s\n    ", i ? "," : "");
		json_rule(b, &p->rules[i], docker, 4);
	}
	sk_sb_adds(b, p->n_rules ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- YAML (SeccompProfile) ------------------------------------------------------ */

/* Kubernetes object names are DNS-1123 subdomains. Derive one from the file
 * name when the profile has none: "/x/My_Profile.json" -> "my-profile". */
static void spo_name(struct sk_sb *b, const struct sk_profile *p)
{
	if (p->spo_name) {
		sk_json_quote(b, p->spo_name);
		return;
	}
	const char *f = p->file ? strrchr(p->file, '/') : NULL;
	f = f ? f + 1 : p->file;
	char name[64];
	size_t n = 0;
	for (; f && *f && *f != '.' && n + 1 < sizeof name; f++) {
		unsigned char ch = (unsigned char)*f;
		name[n++] = isalnum(ch) ? (char)tolower(ch) : '-';
	}
	while (n && name[n - 1] == '-')
		n--;
	name[n] = '\0';
	size_t skip = strspn(name, "-");
	sk_json_quote(b, name[skip] && strcmp(f ? f : "", "-") ? name + skip : "profile");
}

/* The operator's storage version, v1: cluster-scoped (no namespace). Its CRD
 * has no defaultErrnoRet: kubectl's strict field validation rejects the
 * field, and the profile the operator writes leaves the default errno to the
 * runtime (EPERM). sk_profile_emit warns when either changes the profile. */
static void emit_spo(struct sk_sb *b, const struct sk_profile *p)
{
	sk_sb_adds(b, "apiVersion: security-profiles-operator.x-k8s.io/v1\n"
		      "kind: SeccompProfile\nmetadata:\n  name: ");
	spo_name(b, p);
	sk_sb_addf(b, "\nspec:\n  defaultAction: %s\n", sk_action_name(p->default_action));
	if (p->spo_base_profile) {
		sk_sb_adds(b, "  baseProfileName: ");
		sk_json_quote(b, p->spo_base_profile);
		sk_sb_adds(b, "\n");
	}
	if (p->n_arches) {
		sk_sb_adds(b, "  architectures:\n");
		for (size_t i = 0; i < p->n_arches; i++)
			sk_sb_addf(b, "  - %s\n", sk_arch_info(p->arches[i])->oci_name);
	}
	if (p->has_flags) {
		sk_sb_addf(b, "  flags:%s\n", p->flags ? "" : " []");
		for (unsigned bit = 1; bit; bit <<= 1)
			if ((p->flags & bit) && sk_flag_name((enum sk_flag)bit))
				sk_sb_addf(b, "  - %s\n", sk_flag_name((enum sk_flag)bit));
	}
	if (p->listener_path) {
		sk_sb_adds(b, "  listenerPath: ");
		sk_json_quote(b, p->listener_path);
		sk_sb_adds(b, "\n");
	}
	if (p->listener_metadata) {
		sk_sb_adds(b, "  listenerMetadata: ");
		sk_json_quote(b, p->listener_metadata);
		sk_sb_adds(b, "\n");
	}
	sk_sb_addf(b, "  syscalls:%s\n", p->n_rules ? "" : " []");
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		sk_sb_addf(b, "  - action: %s\n", sk_action_name(r->action));
		if (r->has_errno_ret)
			sk_sb_addf(b, "    errnoRet: %" PRIu32 "\n", r->errno_ret);
		sk_sb_adds(b, "    names:\n");
		for (size_t j = 0; j < r->n_names; j++) {
			sk_sb_adds(b, "    - ");
			sk_json_quote(b, r->names[j]);
			sk_sb_adds(b, "\n");
		}
		if (r->n_args)
			sk_sb_adds(b, "    args:\n");
		for (size_t j = 0; j < r->n_args; j++) {
			const struct sk_arg *a = &r->args[j];
			sk_sb_addf(b, "    - index: %u\n      value: %" PRIu64 "\n      valueTwo: %" PRIu64
			       "\n      op: %s\n",
			    a->index, a->value, a->value_two, sk_op_name(a->op));
		}
	}
}

/* What a v1 SeccompProfile cannot hold: argument values above 2^63-1 (the
 * CRD's int64 with a minimum of 0) are an error; a defaultErrnoRet other than
 * EPERM and a namespace are lost, with a warning. */
static int spo_checks(const struct sk_profile *p, struct sk_diags *diags)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_args; j++) {
			const struct sk_arg *a = &p->rules[i].args[j];
			if (a->value <= INT64_MAX && a->value_two <= INT64_MAX)
				continue;
			struct sk_pos at = a->pos.line ? a->pos : p->rules[i].pos;
			sk_diags_add(diags, SK_SEV_ERROR, p->file, at.line, at.col, "emit-spo-range",
				     "argument value %" PRIu64 " is above 2^63-1: a SeccompProfile "
				     "holds int64 values of at least 0 (security-profiles-operator's "
				     "CRD); keep this profile as a Localhost file",
				     a->value > INT64_MAX ? a->value : a->value_two);
			return -1;
		}
	if (p->has_default_errno_ret && p->default_errno_ret != EPERM &&
	    (p->default_action == SK_ACT_ERRNO || p->default_action == SK_ACT_TRACE)) {
		const char *name = sk_errno_name((int)p->default_errno_ret);
		sk_diags_add(diags, SK_SEV_WARNING, p->file, p->default_action_pos.line,
			     p->default_action_pos.col, "emit-spo-default-errno",
			     "a SeccompProfile has no defaultErrnoRet (security-profiles-operator's "
			     "CRD): its default action returns EPERM, not %s (%" PRIu32 "); put the "
			     "profile on the nodes as a Localhost file to keep it",
			     name ? name : "?", p->default_errno_ret);
	}
	if (p->spo_namespace)
		sk_diags_add(diags, SK_SEV_WARNING, p->file, 0, 0, "emit-spo-namespace",
			     "namespace \"%s\" left out: SeccompProfiles are cluster-scoped "
			     "(security-profiles-operator.x-k8s.io/v1)",
			     p->spo_namespace);
	return 0;
}

/* ---- entry ---------------------------------------------------------------------- */

char *sk_profile_emit(const struct sk_profile *p, enum sk_format format, struct sk_diags *diags)
{
	const char *file = p->file;
	if (format == SK_FORMAT_RUNC_CONFIG) {
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "emit-format",
			     "cannot write a whole config.json: write the profile as oci and put it "
			     "under linux.seccomp");
		return NULL;
	}
	if ((int)format < 0 || format > SK_FORMAT_RUNC_CONFIG) {
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "emit-format", "unknown output format");
		return NULL;
	}
	if (format != SK_FORMAT_DOCKER) {
		/* OCI and SeccompProfile have no archMap or conditions: they must be
		 * evaluated for a host first, as Docker does (sk_profile_resolve). */
		const char *what = p->n_archmap ? "archMap" : NULL;
		struct sk_pos pos = p->n_archmap ? p->archmap[0].pos : (struct sk_pos){0, 0};
		for (size_t i = 0; !what && i < p->n_rules; i++)
			if (rule_is_docker(&p->rules[i])) {
				what = "includes/excludes";
				pos = p->rules[i].pos;
			}
		if (what) {
			sk_diags_add(diags, SK_SEV_ERROR, file, pos.line, pos.col, "emit-docker-only",
				     "the profile uses Docker's %s, which %s cannot express: resolve it "
				     "for a host first (scmpkit convert does, with --arch/--caps/--kernel)",
				     what, format == SK_FORMAT_OCI ? "the OCI format" : "a SeccompProfile");
			return NULL;
		}
	}
	if (format != SK_FORMAT_SPO && p->spo_base_profile) {
		sk_diags_add(diags, SK_SEV_ERROR, file, p->spo_base_pos.line, p->spo_base_pos.col,
			     "emit-spo-base",
			     "baseProfileName \"%s\": %s profiles name no base; stack the profile on "
			     "it first (scmpkit convert does)",
			     p->spo_base_profile, format == SK_FORMAT_OCI ? "OCI" : "Docker");
		return NULL;
	}
	for (size_t i = 0; i < p->n_rules; i++)
		if (!sk_action_name(p->rules[i].action)) {
			sk_diags_add(diags, SK_SEV_ERROR, file, p->rules[i].pos.line,
				     p->rules[i].pos.col, "emit-invalid", "rule %zu has no valid action", i);
			return NULL;
		}
	if (!sk_action_name(p->default_action)) {
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "emit-invalid",
			     "the profile has no valid default action");
		return NULL;
	}
	if (format == SK_FORMAT_SPO && spo_checks(p, diags) < 0)
		return NULL;
	struct sk_sb b = SK_SB_INIT;
	if (format == SK_FORMAT_SPO)
		emit_spo(&b, p);
	else
		emit_json(&b, p, format == SK_FORMAT_DOCKER);
	char *text = sk_sb_detach(&b, NULL);
	if (!text)
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "emit-nomem", "out of memory");
	return text;
}
