/* SPDX-License-Identifier: Apache-2.0 */
/* The rule registry: every rule's id, severity, practice, texts and GitHub
 * security-severity, once. SARIF, --list-rules and the findings all read it. */
#include <scmpkit/lint.h>

#include <string.h>

#include "lint/internal.h"

#define RULE(id, sev, practice, summary, description, help, security)                       \
	{id, sev, practice, summary, description, help, security}

static const struct sk_lint_rule rules[] = {
	/* profiles */
	RULE("P6-default-allow", SK_SEV_ERROR, "P6",
	     "The default action allows every call: a deny-list, not an allow-list.",
	     "A profile whose defaultAction is SCMP_ACT_ALLOW lets through every call it does not "
	     "list, including calls added to the kernel after it was written. Practice P6: an "
	     "allow-list, with a default that denies.",
	     "Set `defaultAction` to `SCMP_ACT_ERRNO` and list the calls the program needs: "
	     "`scmpkit record -o profile.json -- COMMAND` writes such a list.",
	     "7.5"),
	RULE("P5-audit-mode", SK_SEV_WARNING, "P5",
	     "The default action is SCMP_ACT_LOG: the profile logs but does not enforce.",
	     "With defaultAction SCMP_ACT_LOG every call the profile does not list is allowed and "
	     "only logged. That is audit mode (practice P5): a step to learn from, not a "
	     "profile to run with.",
	     "Run the workload, then add what the log shows: `scmpkit learn -p profile.json -o "
	     "final.json`; set `defaultAction` to `SCMP_ACT_ERRNO`.",
	     "5.0"),
	RULE("P7-missing-essential", SK_SEV_ERROR, "P7",
	     "A call every process needs on its exit or signal path is not allowed.",
	     "exit, exit_group, rt_sigreturn, sigreturn (32-bit x86, arm) and restart_syscall are "
	     "needed on every process's exit and signal paths: without them a container hangs on "
	     "stop or dies oddly (practice P7).",
	     "Add the call named in the finding to the profile's `SCMP_ACT_ALLOW` rule.",
	     "5.0"),
	RULE("P3-dangerous-syscall", SK_SEV_WARNING, "P3",
	     "A call Docker's default profile blocks is allowed.",
	     "Docker's default profile blocks calls that reach kernel features not namespaced for "
	     "containers (keyrings, modules, mounts, ...) or gates them behind capabilities. A "
	     "profile that allows one should do so on purpose.",
	     "Remove the call unless the application needs it; for calls Docker allows with an "
	     "argument filter (`clone`, `personality`), allow them only with that filter.",
	     "6.5"),
	RULE("P1-runtime-calls", SK_SEV_NOTE, "P1",
	     "The profile blocks calls runc makes itself after loading it, even with no_new_privs.",
	     "runc loads the container's filter before it finishes starting the container and "
	     "makes a few calls of its own afterwards (measured: data/runtime/runc.tsv). A "
	     "profile that blocks them makes the container fail to start, always or now and then.",
	     "If runc loads this profile, allow them: `scmpkit record --runtime runc` or `scmpkit "
	     "learn --runtime runc` adds them.",
	     "2.0"),
	RULE("enosys-fallback", SK_SEV_WARNING, NULL,
	     "clone3, openat2, ... answered without ENOSYS under runc.",
	     "glibc falls back from clone3 to clone, and runtimes and libraries from openat2, "
	     "faccessat2, close_range and statx, only when the call returns ENOSYS. runc answers "
	     "a call the profile does not name with ENOSYS only above the highest call the profile "
	     "names; below it the call gets the default action, and the fallback never happens.",
	     "Answer the call ENOSYS explicitly: a rule with `\"action\": \"SCMP_ACT_ERRNO\"` and "
	     "`\"errnoRet\": 38`, as Docker's profile does for clone3 (`scmpkit record` and "
	     "`scmpkit learn` write it).",
	     "4.0"),
	RULE("P1-runtime-coupled", SK_SEV_NOTE, "P1",
	     "A privilege-changing call the runtime needs only without no_new_privs is allowed.",
	     "capset, setuid, setgroups and friends are called by the runtime after loading the "
	     "filter only when allowPrivilegeEscalation is true (no_new_privs off). With practice "
	     "P1 the profile need not allow them.",
	     "Set `allowPrivilegeEscalation: false` and drop the call unless the application "
	     "itself makes it.",
	     "2.0"),
	RULE("arch-missing-syscall", SK_SEV_WARNING, "P7",
	     "A call does not exist on a listed architecture and its replacement is not allowed.",
	     "Newer architectures (arm64, riscv64, loongarch64) lack legacy calls such as open or "
	     "stat; libc calls openat or newfstatat there. A profile recorded on amd64 lacks the "
	     "replacement and fails on those architectures.",
	     "Also allow the replacement named in the finding.",
	     "4.0"),
	RULE("syscall-not-on-arch", SK_SEV_NOTE, NULL,
	     "A call the profile names exists on none of its architectures.",
	     "A syscall name that exists on some architecture, but on none the profile lists, "
	     "matches nothing: runc skips it. It is usually a profile written for another "
	     "architecture, or one missing from `architectures`.",
	     "Remove the name, or add the architecture it is meant for to `architectures`.",
	     "2.0"),
	RULE("duplicate-syscall", SK_SEV_WARNING, NULL,
	     "A call is listed twice with the same action.",
	     "The same call in two unconditional rules with the same action: harmless, but a sign "
	     "that the profile was merged or edited by hand.",
	     "Remove the second entry (`scmpkit fmt` merges such rules).",
	     "2.0"),
	RULE("conflicting-action", SK_SEV_ERROR, NULL,
	     "A call is given different actions; only the first rule that matches counts.",
	     "The same call in two unconditional rules with different actions: only the first "
	     "rule that matches counts, so the other one is dead and the profile does not do what "
	     "it says.",
	     "Keep one rule for the call, with the action you mean.",
	     "5.0"),
	RULE("kill-no-rules", SK_SEV_ERROR, "P7",
	     "The default action kills and no call is allowed: every container dies at once.",
	     "A profile that kills on every call and allows none kills each process at its first "
	     "syscall.",
	     "Allow the calls the program needs: `scmpkit record`.",
	     "5.0"),
	RULE("notify-no-listener", SK_SEV_ERROR, NULL,
	     "SCMP_ACT_NOTIFY without listenerPath: no agent answers and the calls hang.",
	     "SCMP_ACT_NOTIFY hands the call to a seccomp agent over the socket at listenerPath; "
	     "without one the runtime refuses the profile or the calls wait for ever.",
	     "Set `listenerPath` to the agent's socket, or use another action.",
	     "5.0"),
	RULE("arg-never-matches", SK_SEV_ERROR, NULL,
	     "An argument condition that no value can satisfy: the rule is dead.",
	     "A condition no argument value can meet (a MASKED_EQ outside its mask, LT 0, two "
	     "different EQ on one argument, a 64-bit value on 32-bit architectures) makes its rule "
	     "match nothing.",
	     "Fix the condition, or split the alternatives into separate rules.",
	     "4.0"),
	RULE("P1-no-new-privs", SK_SEV_ERROR, "P1",
	     "A runc config.json without process.noNewPrivileges: true.",
	     "Without no_new_privs the runtime loads the filter early, so the profile must allow "
	     "its privilege-dropping calls, and setuid binaries in the container gain privileges.",
	     "Set `process.noNewPrivileges: true`.",
	     "7.0"),
	RULE("P4-no-seccomp", SK_SEV_ERROR, "P4",
	     "A runc config.json without linux.seccomp: the container is unconfined.",
	     "A config.json without linux.seccomp runs the container with every syscall allowed.",
	     "Add `linux.seccomp`: `scmpkit record` writes one.",
	     "8.0"),
	RULE("docker-format-localhost", SK_SEV_WARNING, "P3",
	     "A Localhost profile in Docker's format: containerd drops its archMap and includes/excludes.",
	     "The kubelet hands a Localhost profile to the runtime as a file. containerd reads it "
	     "as runtime-spec JSON and silently drops Docker's archMap, includes and excludes: "
	     "rules gated on capabilities apply to every container, and sub-architectures get no "
	     "rules. CRI-O evaluates them.",
	     "Put the resolved profile on the nodes: `scmpkit convert --to oci --arch ARCH --caps "
	     "CAPS profile.json -o profile.json`.",
	     "6.0"),
	RULE("spo-base-unresolved", SK_SEV_WARNING, "P3",
	     "A SeccompProfile's baseProfileName is neither given nor one the operator publishes.",
	     "The Security Profiles Operator unions the calls of the base profile into the "
	     "profile. When the base is not among the profiles linted together, nor one of the "
	     "operator's published runc/crun bases, lint cannot know those calls and checks the "
	     "profile alone, without the rules about missing calls.",
	     "Lint the base profile together with this one (`scmpkit lint base.yaml "
	     "profile.yaml`), or name a published base such as `runc-v1.4.2`.",
	     "3.0"),
	/* manifests */
	RULE("P4-unconfined", SK_SEV_ERROR, "P4", "The seccomp profile is Unconfined.",
	     "seccompProfile type Unconfined runs the container with every syscall allowed "
	     "(practice P4).",
	     "Use `type: Localhost` with a recorded profile (`scmpkit record`), or "
	     "`RuntimeDefault`: `scmpkit fix` writes it.",
	     "8.0"),
	RULE("P4-no-seccomp-profile", SK_SEV_ERROR, "P4",
	     "No seccompProfile at container or pod level: Unconfined unless the kubelet enables "
	     "SeccompDefault.",
	     "A container without a seccompProfile, at its own level or the pod's, runs "
	     "Unconfined unless the kubelet runs with SeccompDefault (then RuntimeDefault).",
	     "Set `securityContext.seccompProfile` on the container: `scmpkit fix`.",
	     "8.0"),
	RULE("P4-privileged", SK_SEV_ERROR, "P4",
	     "A privileged container: seccomp does not apply to it.",
	     "Kubernetes runs privileged containers Unconfined whatever their seccompProfile says, "
	     "with every capability; allowPrivilegeEscalation cannot be false beside it.",
	     "Remove `privileged: true` and grant only the capabilities needed.",
	     "9.0"),
	RULE("P1-allow-privilege-escalation", SK_SEV_ERROR, "P1",
	     "allowPrivilegeEscalation is not false (unset means true).",
	     "allowPrivilegeEscalation: false sets no_new_privs: setuid binaries cannot gain "
	     "privileges, and the runtime loads the filter late so the profile need not allow its "
	     "privilege-dropping calls (practice P1).",
	     "Set `securityContext.allowPrivilegeEscalation: false`: `scmpkit fix` writes it "
	     "(not beside `privileged: true` or `CAP_SYS_ADMIN`, which the API server refuses).",
	     "7.0"),
	RULE("P1-sys-admin", SK_SEV_WARNING, "P1",
	     "A container adds CAP_SYS_ADMIN under another name (SYS_ADMIN, ALL).",
	     "Runtimes add the CAP_ prefix and upper-case what capabilities.add lists, so "
	     "SYS_ADMIN and ALL grant CAP_SYS_ADMIN; the API server, which compares the spelling "
	     "CAP_SYS_ADMIN, then accepts allowPrivilegeEscalation: false beside it. no_new_privs "
	     "is no boundary for a process holding CAP_SYS_ADMIN, and the runtimes' default "
	     "seccomp profiles allow the calls that capability gates (mount, umount2, setns, "
	     "unshare, bpf, ...).",
	     "Drop SYS_ADMIN (or ALL) from `capabilities.add` and grant the narrower capability "
	     "the workload needs.",
	     "6.0"),
	RULE("api-server-rejects", SK_SEV_ERROR, NULL,
	     "A value or combination the API server rejects: the workload is never created.",
	     "The API server's validation refuses allowPrivilegeEscalation: false beside "
	     "privileged: true or beside CAP_SYS_ADMIN in capabilities.add (it compares that "
	     "spelling), and a boolean written as a string. The object is rejected as a whole.",
	     "Write booleans without quotes; drop `privileged: true` or `CAP_SYS_ADMIN` where "
	     "`allowPrivilegeEscalation: false` should hold.",
	     "5.0"),
	RULE("P2-pod-level-only", SK_SEV_WARNING, "P2",
	     "The container inherits its seccompProfile from the pod level.",
	     "A profile set only at the pod level applies to every container of the pod, and "
	     "nothing states which profile each container was written for (practice P2).",
	     "Set `securityContext.seccompProfile` on the container itself: `scmpkit fix` "
	     "carries the pod's profile over.",
	     "3.0"),
	RULE("P2-deprecated-annotation", SK_SEV_WARNING, "P2",
	     "A seccomp annotation: without effect since Kubernetes 1.27.",
	     "The seccomp.security.alpha.kubernetes.io annotations were deprecated when the "
	     "seccompProfile field arrived (1.19). API servers up to 1.26 copied them into the "
	     "field when a pod was created; from 1.27 they do nothing.",
	     "Delete the annotation and set `securityContext.seccompProfile`: `scmpkit fix` "
	     "carries the annotation's profile over.",
	     "5.0"),
	RULE("P2-annotation-mismatch", SK_SEV_ERROR, "P2",
	     "A seccomp annotation disagrees with the field; the API server rejects the pod.",
	     "An annotation that names another profile than the seccompProfile field makes the "
	     "API server reject the pod.",
	     "Delete the annotation; the field is what counts.",
	     "5.0"),
	RULE("P3-runtime-default", SK_SEV_NOTE, "P3",
	     "RuntimeDefault is a last resort: record an application profile.",
	     "RuntimeDefault allows what any container might need (some 300 calls); an "
	     "application profile allows what this one does (practice P3).",
	     "Record an application profile (`scmpkit record`) and use `type: Localhost`.",
	     "2.0"),
	RULE("P3-localhost-path", SK_SEV_ERROR, "P3",
	     "A Localhost profile path that is missing, absolute or contains '..'.",
	     "localhostProfile is a path relative to the kubelet's seccomp root "
	     "(/var/lib/kubelet/seccomp); the API server and the kubelet refuse others.",
	     "Write `localhostProfile` relative to the kubelet's seccomp root.",
	     "5.0"),
	RULE("P3-localhost-missing", SK_SEV_ERROR, "P3",
	     "A Localhost profile that does not exist under the kubelet's seccomp root.",
	     "The kubelet refuses to start a container whose Localhost profile is missing on the "
	     "node.",
	     "Install the profile on every node under the kubelet's seccomp root (`scmpkit record` writes one).",
	     "5.0"),
	RULE("invalid-seccomp-type", SK_SEV_ERROR, NULL,
	     "A seccompProfile type or annotation value Kubernetes does not know.",
	     "seccompProfile types are Localhost, RuntimeDefault and Unconfined; the API server "
	     "rejects others.",
	     "Use `Localhost` or `RuntimeDefault`.",
	     "5.0"),
	RULE("pods-not-visible", SK_SEV_NOTE, NULL,
	     "An object whose operator makes pods from fields of its own: lint cannot check them.",
	     "Operators such as the Prometheus Operator make pods from their own objects "
	     "(Prometheus, Alertmanager): their seccompProfile and allowPrivilegeEscalation "
	     "come from fields lint does not read.",
	     "Lint what the operator makes: `kubectl get statefulset -o yaml | scmpkit lint -`.",
	     "2.0"),
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
