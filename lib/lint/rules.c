/* The rule registry: every rule's id, severity, practice and summary, once. */
#include <scmpkit/lint.h>

#include <string.h>

#include "lint/internal.h"

static const struct sk_lint_rule rules[] = {
	/* profiles */
	{"P6-default-allow", SK_SEV_ERROR, "P6",
	 "The default action allows every call: a deny-list, not an allow-list."},
	{"P5-audit-mode", SK_SEV_WARNING, "P5",
	 "The default action is SCMP_ACT_LOG: the profile logs but does not enforce."},
	{"P7-missing-essential", SK_SEV_ERROR, "P7",
	 "A call every process needs on its exit or signal path is not allowed."},
	{"P3-dangerous-syscall", SK_SEV_WARNING, "P3",
	 "A call Docker's default profile blocks is allowed."},
	{"P1-runtime-calls", SK_SEV_NOTE, "P1",
	 "The profile blocks calls runc makes itself after loading it, even with no_new_privs."},
	{"enosys-fallback", SK_SEV_WARNING, NULL, "clone3, openat2, ... answered without ENOSYS under runc."},
	{"P1-runtime-coupled", SK_SEV_NOTE, "P1",
	 "A privilege-changing call the runtime needs only without no_new_privs is allowed."},
	{"arch-missing-syscall", SK_SEV_WARNING, "P7",
	 "A call does not exist on a listed architecture and its replacement is not allowed."},
	{"duplicate-syscall", SK_SEV_WARNING, NULL,
	 "A call is listed twice with the same action."},
	{"conflicting-action", SK_SEV_ERROR, NULL,
	 "A call is given different actions; only the first rule that matches counts."},
	{"kill-no-rules", SK_SEV_ERROR, "P7",
	 "The default action kills and no call is allowed: every container dies at once."},
	{"notify-no-listener", SK_SEV_ERROR, NULL,
	 "SCMP_ACT_NOTIFY without listenerPath: no agent answers and the calls hang."},
	{"arg-never-matches", SK_SEV_ERROR, NULL,
	 "An argument condition that no value can satisfy: the rule is dead."},
	{"P1-no-new-privs", SK_SEV_ERROR, "P1",
	 "A runc config.json without process.noNewPrivileges: true."},
	{"P4-no-seccomp", SK_SEV_ERROR, "P4",
	 "A runc config.json without linux.seccomp: the container is unconfined."},
	/* manifests */
	{"P4-unconfined", SK_SEV_ERROR, "P4",
	 "The seccomp profile is Unconfined."},
	{"P4-no-seccomp-profile", SK_SEV_ERROR, "P4",
	 "No seccompProfile at container or pod level: Unconfined unless the kubelet enables SeccompDefault."},
	{"P4-privileged", SK_SEV_ERROR, "P4",
	 "A privileged container: seccomp does not apply to it."},
	{"P1-allow-privilege-escalation", SK_SEV_ERROR, "P1",
	 "allowPrivilegeEscalation is not false (unset means true)."},
	{"P2-pod-level-only", SK_SEV_WARNING, "P2",
	 "The container inherits its seccompProfile from the pod level."},
	{"P2-deprecated-annotation", SK_SEV_WARNING, "P2",
	 "A seccomp annotation: ignored since Kubernetes 1.25, removed in 1.27."},
	{"P2-annotation-mismatch", SK_SEV_ERROR, "P2",
	 "A seccomp annotation disagrees with the field; the API server rejects the pod."},
	{"P3-runtime-default", SK_SEV_NOTE, "P3",
	 "RuntimeDefault is a last resort: record an application profile."},
	{"P3-localhost-path", SK_SEV_ERROR, "P3",
	 "A Localhost profile path that is missing, absolute or contains '..'."},
	{"P3-localhost-missing", SK_SEV_ERROR, "P3",
	 "A Localhost profile that does not exist under the kubelet's seccomp root."},
	{"invalid-seccomp-type", SK_SEV_ERROR, NULL,
	 "A seccompProfile type or annotation value Kubernetes does not know."},
};

size_t sk_lint_rule_count(void)
{
	return sizeof rules / sizeof rules[0];
}

const struct sk_lint_rule *sk_lint_rule_at(size_t i)
{
	return i < sk_lint_rule_count() ? &rules[i] : NULL;
}

const struct sk_lint_rule *sk_lint_rule_find(const char *id)
{
	for (size_t i = 0; id && i < sk_lint_rule_count(); i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

int sk_lint_vreport(struct sk_diags *out, const char *rule, const char *file, struct sk_pos pos,
		    const char *fix, const char *fmt, va_list ap)
{
	const struct sk_lint_rule *r = sk_lint_rule_find(rule);
	int e = sk_diags_vadd(out, r ? r->severity : SK_SEV_ERROR, file, pos.line, pos.col,
			      rule, fmt, ap);
	if (!e && fix)
		e = sk_diags_set_fix(out, fix);
	if (!e && r && r->practice)
		e = sk_diags_set_practice(out, r->practice);
	return e;
}

int sk_lint_report(struct sk_diags *out, const char *rule, const char *file, struct sk_pos pos,
		   const char *fix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = sk_lint_vreport(out, rule, file, pos, fix, fmt, ap);
	va_end(ap);
	return e;
}
