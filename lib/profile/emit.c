/* struct sk_profile -> text: JSON (OCI, Docker) or YAML (SeccompProfile).
 *
 * The output is meant to be read and diffed by people: a fixed key order
 * (the runtime-spec's), two-space indent, one syscall name per line, and
 * optional fields only when set. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/profile.h>

#include "profile/internal.h"

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

__attribute__((format(printf, 2, 3))) static void put(struct buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sk_grow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1) < 0) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* A JSON string literal (also valid YAML, as a double-quoted scalar). */
static void put_str(struct buf *b, const char *s)
{
	put(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(b, "\\%c", *p);
		else if (*p == '\n')
			put(b, "\\n");
		else if (*p == '\t')
			put(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			put(b, "\\u%04x", *p);
		else
			put(b, "%c", *p);
	}
	put(b, "\"");
}

static bool rule_is_docker(const struct sk_rule *r)
{
	return !sk_cond_empty(&r->includes) || !sk_cond_empty(&r->excludes);
}

/* ---- JSON ------------------------------------------------------------------ */

/* Writes "key": at INDENT, preceded by a comma when not FIRST. */
static void key(struct buf *b, bool *first, int indent, const char *k)
{
	put(b, "%s\n%*s\"%s\": ", *first ? "" : ",", indent, "", k);
	*first = false;
}

static void json_strv(struct buf *b, char *const *v, size_t n, int indent)
{
	if (!n) {
		put(b, "[]");
		return;
	}
	put(b, "[");
	for (size_t i = 0; i < n; i++) {
		put(b, "%s\n%*s", i ? "," : "", indent + 2, "");
		put_str(b, v[i]);
	}
	put(b, "\n%*s]", indent, "");
}

static void json_cond(struct buf *b, const struct sk_cond *c, int indent)
{
	bool first = true;
	put(b, "{");
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
		put_str(b, c->min_kernel);
	}
	put(b, "\n%*s}", indent, "");
}

static void json_rule(struct buf *b, const struct sk_rule *r, bool docker, int in)
{
	bool first = true;
	put(b, "{");
	if (docker && r->legacy_name && r->n_names == 1) {
		key(b, &first, in + 2, "name");
		put_str(b, r->names[0]);
	} else {
		key(b, &first, in + 2, "names");
		json_strv(b, r->names, r->n_names, in + 2);
	}
	key(b, &first, in + 2, "action");
	put_str(b, sk_action_name(r->action));
	if (r->has_errno_ret) {
		key(b, &first, in + 2, "errnoRet");
		put(b, "%" PRIu32, r->errno_ret);
	}
	if (docker && r->errno_name) {
		key(b, &first, in + 2, "errno");
		put_str(b, r->errno_name);
	}
	if (r->n_args) {
		key(b, &first, in + 2, "args");
		put(b, "[");
		for (size_t i = 0; i < r->n_args; i++) {
			const struct sk_arg *a = &r->args[i];
			put(b, "%s\n%*s{", i ? "," : "", in + 4, "");
			put(b, "\n%*s\"index\": %u,", in + 6, "", a->index);
			put(b, "\n%*s\"value\": %" PRIu64 ",", in + 6, "", a->value);
			put(b, "\n%*s\"valueTwo\": %" PRIu64 ",", in + 6, "", a->value_two);
			put(b, "\n%*s\"op\": \"%s\"", in + 6, "", sk_op_name(a->op));
			put(b, "\n%*s}", in + 4, "");
		}
		put(b, "\n%*s]", in + 2, "");
	}
	if (docker && r->comment) {
		key(b, &first, in + 2, "comment");
		put_str(b, r->comment);
	}
	if (docker && !sk_cond_empty(&r->includes)) {
		key(b, &first, in + 2, "includes");
		json_cond(b, &r->includes, in + 2);
	}
	if (docker && !sk_cond_empty(&r->excludes)) {
		key(b, &first, in + 2, "excludes");
		json_cond(b, &r->excludes, in + 2);
	}
	put(b, "\n%*s}", in, "");
}

static void json_arches(struct buf *b, const enum sk_arch *v, size_t n, int indent)
{
	put(b, "[");
	for (size_t i = 0; i < n; i++)
		put(b, "%s\n%*s\"%s\"", i ? "," : "", indent + 2, "", sk_arch_info(v[i])->oci_name);
	put(b, n ? "\n%*s]" : "]", indent, "");
}

static void json_flags(struct buf *b, unsigned flags, int indent)
{
	put(b, "[");
	bool any = false;
	for (unsigned bit = 1; bit; bit <<= 1) {
		if (!(flags & bit) || !sk_flag_name((enum sk_flag)bit))
			continue;
		put(b, "%s\n%*s\"%s\"", any ? "," : "", indent + 2, "", sk_flag_name((enum sk_flag)bit));
		any = true;
	}
	put(b, any ? "\n%*s]" : "]", indent, "");
}

static void emit_json(struct buf *b, const struct sk_profile *p, bool docker)
{
	bool first = true;
	put(b, "{");
	key(b, &first, 2, "defaultAction");
	put_str(b, sk_action_name(p->default_action));
	if (p->has_default_errno_ret) {
		key(b, &first, 2, "defaultErrnoRet");
		put(b, "%" PRIu32, p->default_errno_ret);
	}
	if (docker && p->default_errno_name) {
		key(b, &first, 2, "defaultErrno");
		put_str(b, p->default_errno_name);
	}
	if (p->n_arches) {
		key(b, &first, 2, "architectures");
		json_arches(b, p->arches, p->n_arches, 2);
	}
	if (docker && p->n_archmap) {
		key(b, &first, 2, "archMap");
		put(b, "[");
		for (size_t i = 0; i < p->n_archmap; i++) {
			const struct sk_archmap *m = &p->archmap[i];
			put(b, "%s\n    {\n      \"architecture\": \"%s\",\n      \"subArchitectures\": ",
			    i ? "," : "", sk_arch_info(m->arch)->oci_name);
			json_arches(b, m->subs, m->n_subs, 6);
			put(b, "\n    }");
		}
		put(b, "\n  ]");
	}
	if (p->has_flags) {
		key(b, &first, 2, "flags");
		json_flags(b, p->flags, 2);
	}
	if (p->listener_path) {
		key(b, &first, 2, "listenerPath");
		put_str(b, p->listener_path);
	}
	if (p->listener_metadata) {
		key(b, &first, 2, "listenerMetadata");
		put_str(b, p->listener_metadata);
	}
	key(b, &first, 2, "syscalls");
	put(b, "[");
	for (size_t i = 0; i < p->n_rules; i++) {
		put(b, "%s\n    ", i ? "," : "");
		json_rule(b, &p->rules[i], docker, 4);
	}
	put(b, p->n_rules ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- YAML (SeccompProfile) ------------------------------------------------------ */

/* Kubernetes object names are DNS-1123 subdomains. Derive one from the file
 * name when the profile has none: "/x/My_Profile.json" -> "my-profile". */
static void spo_name(struct buf *b, const struct sk_profile *p)
{
	if (p->spo_name) {
		put_str(b, p->spo_name);
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
	put_str(b, name[skip] && strcmp(f ? f : "", "-") ? name + skip : "profile");
}

static void emit_spo(struct buf *b, const struct sk_profile *p)
{
	put(b, "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
	       "kind: SeccompProfile\nmetadata:\n  name: ");
	spo_name(b, p);
	if (p->spo_namespace) {
		put(b, "\n  namespace: ");
		put_str(b, p->spo_namespace);
	}
	/* The operator's CRD (v1beta1) has no defaultErrnoRet: kubectl's strict
	 * field validation rejects the object, and the profile it writes leaves
	 * the default errno to the runtime (EPERM). sk_profile_emit warns when
	 * that changes the profile. */
	put(b, "\nspec:\n  defaultAction: %s\n", sk_action_name(p->default_action));
	if (p->spo_base_profile) {
		put(b, "  baseProfileName: ");
		put_str(b, p->spo_base_profile);
		put(b, "\n");
	}
	if (p->n_arches) {
		put(b, "  architectures:\n");
		for (size_t i = 0; i < p->n_arches; i++)
			put(b, "  - %s\n", sk_arch_info(p->arches[i])->oci_name);
	}
	if (p->has_flags) {
		put(b, "  flags:%s\n", p->flags ? "" : " []");
		for (unsigned bit = 1; bit; bit <<= 1)
			if ((p->flags & bit) && sk_flag_name((enum sk_flag)bit))
				put(b, "  - %s\n", sk_flag_name((enum sk_flag)bit));
	}
	if (p->listener_path) {
		put(b, "  listenerPath: ");
		put_str(b, p->listener_path);
		put(b, "\n");
	}
	if (p->listener_metadata) {
		put(b, "  listenerMetadata: ");
		put_str(b, p->listener_metadata);
		put(b, "\n");
	}
	put(b, "  syscalls:%s\n", p->n_rules ? "" : " []");
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		put(b, "  - action: %s\n", sk_action_name(r->action));
		if (r->has_errno_ret)
			put(b, "    errnoRet: %" PRIu32 "\n", r->errno_ret);
		put(b, "    names:\n");
		for (size_t j = 0; j < r->n_names; j++) {
			put(b, "    - ");
			put_str(b, r->names[j]);
			put(b, "\n");
		}
		if (r->n_args)
			put(b, "    args:\n");
		for (size_t j = 0; j < r->n_args; j++) {
			const struct sk_arg *a = &r->args[j];
			put(b, "    - index: %u\n      value: %" PRIu64 "\n      valueTwo: %" PRIu64
			       "\n      op: %s\n",
			    a->index, a->value, a->value_two, sk_op_name(a->op));
		}
	}
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
	if (format == SK_FORMAT_SPO && p->has_default_errno_ret && p->default_errno_ret != EPERM &&
	    (p->default_action == SK_ACT_ERRNO || p->default_action == SK_ACT_TRACE)) {
		const char *name = sk_errno_name((int)p->default_errno_ret);
		sk_diags_add(diags, SK_SEV_WARNING, file, p->default_action_pos.line,
			     p->default_action_pos.col, "emit-spo-default-errno",
			     "a SeccompProfile has no defaultErrnoRet (security-profiles-operator's "
			     "CRD): its default action returns EPERM, not %s (%" PRIu32 "); put the "
			     "profile on the nodes as a Localhost file to keep it",
			     name ? name : "?", p->default_errno_ret);
	}
	struct buf b = {0};
	if (format == SK_FORMAT_SPO)
		emit_spo(&b, p);
	else
		emit_json(&b, p, format == SK_FORMAT_DOCKER);
	if (b.oom || !b.s) {
		free(b.s);
		sk_diags_add(diags, SK_SEV_ERROR, file, 0, 0, "emit-nomem", "out of memory");
		return NULL;
	}
	return b.s;
}
