/* SPDX-License-Identifier: Apache-2.0 */
/* libseccomp driven exactly as runc 1.1.5 drives it (specconv.SetupSeccomp,
 * seccomp.InitSeccomp, matchCall, getAction, getCondition), so that the program
 * it exports is the reference scmpkit's compiler must agree with. */
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oracle.h"

static const struct {
	enum sk_arch arch;
	uint32_t token;
} arch_tokens[] = {
	{SK_ARCH_X86, SCMP_ARCH_X86},
	{SK_ARCH_X86_64, SCMP_ARCH_X86_64},
	{SK_ARCH_X32, SCMP_ARCH_X32},
	{SK_ARCH_ARM, SCMP_ARCH_ARM},
	{SK_ARCH_AARCH64, SCMP_ARCH_AARCH64},
	{SK_ARCH_MIPS, SCMP_ARCH_MIPS},
	{SK_ARCH_MIPS64, SCMP_ARCH_MIPS64},
	{SK_ARCH_MIPS64N32, SCMP_ARCH_MIPS64N32},
	{SK_ARCH_MIPSEL, SCMP_ARCH_MIPSEL},
	{SK_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64},
	{SK_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL64N32},
	{SK_ARCH_PPC, SCMP_ARCH_PPC},
	{SK_ARCH_PPC64, SCMP_ARCH_PPC64},
	{SK_ARCH_PPC64LE, SCMP_ARCH_PPC64LE},
	{SK_ARCH_S390, SCMP_ARCH_S390},
	{SK_ARCH_S390X, SCMP_ARCH_S390X},
	{SK_ARCH_PARISC, SCMP_ARCH_PARISC},
	{SK_ARCH_PARISC64, SCMP_ARCH_PARISC64},
	{SK_ARCH_RISCV64, SCMP_ARCH_RISCV64},
	/* LOONGARCH64, M68K, SH, SHEB: libseccomp 2.6 and later only. */
};

uint32_t oracle_arch_token(enum sk_arch arch)
{
	for (size_t i = 0; i < sizeof arch_tokens / sizeof arch_tokens[0]; i++)
		if (arch_tokens[i].arch == arch)
			return arch_tokens[i].token;
	return 0;
}

int oracle_syscall_nr(enum sk_arch arch, const char *name)
{
	uint32_t t = oracle_arch_token(arch);
	if (!t)
		return -1;
	int nr = seccomp_syscall_resolve_name_arch(t, name);
	return nr < 0 ? -1 : nr;
}

static int fail(char *err, size_t size, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && size)
		vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return e < 0 ? e : -e;
}

/* getAction: ERRNO and TRACE without errnoRet get EPERM; errnoRet is cast to
 * int16 and stored in the low 16 bits. */
static uint32_t runc_action(enum sk_action a, bool has_ret, uint32_t ret)
{
	uint32_t code = (uint16_t)(int16_t)(has_ret ? ret : EPERM);
	switch (a) {
	case SK_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
	case SK_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
	case SK_ACT_TRAP: return SCMP_ACT_TRAP;
	case SK_ACT_ERRNO: return SCMP_ACT_ERRNO(code);
	case SK_ACT_NOTIFY: return SCMP_ACT_NOTIFY;
	case SK_ACT_TRACE: return SCMP_ACT_TRACE(code);
	case SK_ACT_LOG: return SCMP_ACT_LOG;
	case SK_ACT_ALLOW: return SCMP_ACT_ALLOW;
	default: return 0xffffffffu;
	}
}

static const enum scmp_compare ops[SK_OP_COUNT] = {
	[SK_OP_NE] = SCMP_CMP_NE, [SK_OP_LT] = SCMP_CMP_LT, [SK_OP_LE] = SCMP_CMP_LE,
	[SK_OP_EQ] = SCMP_CMP_EQ, [SK_OP_GE] = SCMP_CMP_GE, [SK_OP_GT] = SCMP_CMP_GT,
	[SK_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* matchCall for one name. */
static int match_call(scmp_filter_ctx ctx, const struct sk_rule *r, const char *name,
		      uint32_t def, size_t *skipped, char *err, size_t errsize)
{
	uint32_t act = runc_action(r->action, r->has_errno_ret, r->errno_ret);
	if (act == def) { /* "This rule is redundant, silently skip it" */
		(*skipped)++;
		return 0;
	}
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) { /* "unknown seccomp syscall ignored" */
		(*skipped)++;
		return 0;
	}
	struct scmp_arg_cmp conds[64];
	unsigned counts[6] = {0};
	size_t n = r->n_args < 64 ? r->n_args : 64;
	bool several = false;
	for (size_t i = 0; i < n; i++) {
		const struct sk_arg *a = &r->args[i];
		if (a->index > 5 || a->op <= SK_OP_INVALID || a->op >= SK_OP_COUNT)
			return fail(err, errsize, EINVAL, "%s: bad argument condition", name);
		conds[i] = (struct scmp_arg_cmp){a->index, ops[a->op], a->value, a->value_two};
		if (++counts[a->index] > 1)
			several = true;
	}
	int rc = 0;
	if (n == 0 || !several) {
		rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, n ? conds : NULL);
	} else {
		/* "If two or more arguments have the same condition, revert to old
		 * behavior, adding each condition as a separate rule" (ORed). */
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
	}
	if (rc)
		return fail(err, errsize, rc, "error adding seccomp filter rule for syscall %s: %s",
			    name, strerror(-rc));
	return 0;
}

static int export(scmp_filter_ctx ctx, struct sk_bpf_prog *out, char *err, size_t errsize)
{
	int fd = memfd_create("oracle-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return fail(err, errsize, errno, "memfd_create: %s", strerror(errno));
	int rc = seccomp_export_bpf(ctx, fd);
	struct stat st;
	if (rc == 0 && fstat(fd, &st) < 0)
		rc = -errno;
	if (rc) {
		close(fd);
		return fail(err, errsize, rc, "seccomp_export_bpf: %s", strerror(-rc));
	}
	size_t len = (size_t)st.st_size;
	void *buf = malloc(len ? len : 1);
	if (!buf || pread(fd, buf, len, 0) != (ssize_t)len) {
		free(buf);
		close(fd);
		return fail(err, errsize, EIO, "reading the exported program");
	}
	close(fd);
	struct sk_diags d = {0};
	rc = sk_bpf_from_bytes(buf, len, out, &d, "libseccomp");
	sk_diags_free(&d);
	free(buf);
	if (rc)
		return fail(err, errsize, rc, "libseccomp exported %zu bytes", len);
	return 0;
}

int oracle_runc_ctx(const struct sk_profile *p, bool tree, scmp_filter_ctx *out, size_t *skipped,
		    char *err, size_t errsize)
{
	size_t skip_local = 0;
	if (!skipped)
		skipped = &skip_local;
	*skipped = 0;
	*out = NULL;
	if (p->flags)
		return fail(err, errsize, EINVAL, "runc 1.1.5 refuses seccomp flags");
	uint32_t def = runc_action(p->default_action, p->has_default_errno_ret,
				   p->default_errno_ret);
	if (def == 0xffffffffu)
		return fail(err, errsize, EINVAL, "invalid default action");
	if (p->default_action == SK_ACT_NOTIFY)
		return fail(err, errsize, EINVAL, "SCMP_ACT_NOTIFY cannot be used as default action");
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (p->rules[i].action == SK_ACT_NOTIFY && !strcmp(p->rules[i].names[j], "write"))
				return fail(err, errsize, EINVAL,
					    "SCMP_ACT_NOTIFY cannot be used for the write syscall");
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return fail(err, errsize, EINVAL, "seccomp_init failed");
	int rc = 0;
	for (size_t i = 0; i < p->n_arches && rc == 0; i++) {
		uint32_t t = oracle_arch_token(p->arches[i]);
		if (!t) {
			const struct sk_arch_info *ai = sk_arch_info(p->arches[i]);
			rc = fail(err, errsize, EINVAL, "string %s is not a valid arch for seccomp",
				  ai ? ai->oci_name : "?");
			break;
		}
		int r = seccomp_arch_add(ctx, t);
		if (r && r != -EEXIST)
			rc = fail(err, errsize, r, "seccomp_arch_add: %s", strerror(-r));
	}
	if (rc == 0 && tree)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < p->n_rules && rc == 0; i++)
		for (size_t j = 0; j < p->rules[i].n_names && rc == 0; j++)
			rc = match_call(ctx, &p->rules[i], p->rules[i].names[j], def, skipped, err,
					errsize);
	if (rc) {
		seccomp_release(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int oracle_runc_filter(const struct sk_profile *p, bool tree, struct sk_bpf_prog *out,
		       size_t *skipped, char *err, size_t errsize)
{
	memset(out, 0, sizeof *out);
	scmp_filter_ctx ctx;
	int rc = oracle_runc_ctx(p, tree, &ctx, skipped, err, errsize);
	if (rc)
		return rc;
	rc = export(ctx, out, err, errsize);
	seccomp_release(ctx);
	return rc;
}
