/* SPDX-License-Identifier: Apache-2.0 */
/* sk_profile_resolve: what Docker (moby profiles/seccomp, setupSeccomp) hands
 * to the runtime for one host: archMap picked by the host arch, rules kept or
 * dropped by includes/excludes (arches, capabilities, kernel version). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <scmpkit/profile.h>

#include "profile/internal.h"

/* Docker compares includes/excludes "arches" with libseccomp's name of the
 * host arch, derived from Go's GOARCH (amd64 -> "amd64", 386 -> "x86", ...).
 * moby spells mipsel64n32 "mips3l64n32" (sic); we follow it so that profiles
 * behave as under Docker. x32 and the arches Go does not run on get their
 * short names: no Docker host reports them. */
static const char *docker_arch_name(enum sk_arch a)
{
	static const struct {
		enum sk_arch arch;
		const char *name;
	} tab[] = {
		{SK_ARCH_X86, "x86"},	      {SK_ARCH_X86_64, "amd64"},
		{SK_ARCH_X32, "x32"},	      {SK_ARCH_ARM, "arm"},
		{SK_ARCH_AARCH64, "arm64"},   {SK_ARCH_MIPS, "mips"},
		{SK_ARCH_MIPS64, "mips64"},   {SK_ARCH_MIPS64N32, "mips64n32"},
		{SK_ARCH_MIPSEL, "mipsel"},   {SK_ARCH_MIPSEL64, "mipsel64"},
		{SK_ARCH_MIPSEL64N32, "mips3l64n32"},
		{SK_ARCH_PPC, "ppc"},	      {SK_ARCH_PPC64, "ppc64"},
		{SK_ARCH_PPC64LE, "ppc64le"}, {SK_ARCH_S390, "s390"},
		{SK_ARCH_S390X, "s390x"},     {SK_ARCH_RISCV64, "riscv64"},
		{SK_ARCH_LOONGARCH64, "loong64"},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].arch == a)
			return tab[i].name;
	const struct sk_arch_info *ai = sk_arch_info(a);
	return ai ? ai->short_name : "";
}

static bool in(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* "5.10", "3.12.25-gentoo", "6.1.0-13-amd64": Docker compares only the
 * first two numbers. */
static bool parse_kernel(const char *s, int *maj, int *min)
{
	return s && sscanf(s, "%d.%d", maj, min) == 2 && *maj >= 0 && *min >= 0;
}

struct host {
	const char *arch;
	const char *const *caps;
	size_t n_caps;
	int maj, min;
};

static bool kernel_ge(const struct host *h, const char *v)
{
	int maj = 0, min = 0;
	parse_kernel(v, &maj, &min); /* validated by the parser */
	return h->maj != maj ? h->maj > maj : h->min >= min;
}

static bool has_cap(const struct host *h, const char *c)
{
	for (size_t i = 0; i < h->n_caps; i++)
		if (!strcmp(h->caps[i], c))
			return true;
	return false;
}

/* Docker's filter, in its order: any exclude drops the rule; every include
 * must hold. */
static bool applies(const struct sk_rule *r, const struct host *h)
{
	const struct sk_cond *x = &r->excludes, *i = &r->includes;
	if (x->n_arches && in(x->arches, x->n_arches, h->arch))
		return false;
	for (size_t k = 0; k < x->n_caps; k++)
		if (has_cap(h, x->caps[k]))
			return false;
	if (x->min_kernel && kernel_ge(h, x->min_kernel))
		return false;
	if (i->n_arches && !in(i->arches, i->n_arches, h->arch))
		return false;
	for (size_t k = 0; k < i->n_caps; k++)
		if (!has_cap(h, i->caps[k]))
			return false;
	if (i->min_kernel && !kernel_ge(h, i->min_kernel))
		return false;
	return true;
}

struct sk_profile *sk_profile_resolve(const struct sk_profile *p,
				      const struct sk_resolve_opts *opts, struct sk_diags *diags)
{
	enum sk_arch arch = opts && opts->arch != SK_ARCH_INVALID ? opts->arch : sk_arch_native();
	struct host h = {
		.arch = docker_arch_name(arch),
		.caps = opts && opts->caps ? opts->caps : (const char *const *)sk_docker_default_caps,
		.n_caps = opts && opts->caps ? opts->n_caps : sk_docker_default_caps_count,
		.maj = opts ? opts->kernel_major : -1,
		.min = opts ? opts->kernel_minor : -1,
	};
	if (h.maj < 0) {
		struct utsname u;
		if (uname(&u) < 0 || !parse_kernel(u.release, &h.maj, &h.min)) {
			sk_diags_add(diags, SK_SEV_ERROR, p->file, 0, 0, "resolve-kernel",
				     "cannot read the running kernel's version");
			return NULL;
		}
	}
	if (p->n_arches && p->n_archmap) {
		sk_diags_add(diags, SK_SEV_ERROR, p->file, p->archmap[0].pos.line,
			     p->archmap[0].pos.col, "resolve-archmap",
			     "\"architectures\" and \"archMap\" together: use one of them");
		return NULL;
	}
	struct sk_profile *out = sk_profile_clone(p);
	if (!out)
		goto nomem;
	out->format = SK_FORMAT_OCI;
	free(out->default_errno_name);
	out->default_errno_name = NULL;
	for (size_t i = 0; i < p->n_archmap; i++) {
		const struct sk_archmap *m = &p->archmap[i];
		if (m->arch != arch)
			continue;
		if (sk_profile_add_arch(out, m->arch) < 0)
			goto nomem;
		for (size_t j = 0; j < m->n_subs; j++)
			if (sk_profile_add_arch(out, m->subs[j]) < 0)
				goto nomem;
		break;
	}
	if (p->n_archmap && !out->n_arches)
		sk_diags_add(diags, SK_SEV_WARNING, p->file, p->archmap[0].pos.line,
			     p->archmap[0].pos.col, "resolve-archmap",
			     "archMap has no entry for %s: the profile will list no architectures "
			     "(only the runtime's native one is filtered)",
			     sk_arch_info(arch)->oci_name);
	for (size_t i = 0; i < out->n_archmap; i++)
		free(out->archmap[i].subs);
	free(out->archmap);
	out->archmap = NULL;
	out->n_archmap = 0;
	size_t o = 0;
	for (size_t i = 0; i < out->n_rules; i++) {
		struct sk_rule *r = &out->rules[i];
		if (!applies(r, &h)) {
			sk_rule_clear(r);
			continue;
		}
		sk_cond_clear(&r->includes);
		sk_cond_clear(&r->excludes);
		r->has_includes = r->has_excludes = false;
		free(r->comment);
		free(r->errno_name);
		r->comment = r->errno_name = NULL;
		r->legacy_name = false;
		out->rules[o++] = *r;
	}
	out->n_rules = o;
	return out;
nomem:
	sk_profile_free(out);
	sk_diags_add(diags, SK_SEV_ERROR, p->file, 0, 0, "resolve-nomem", "out of memory");
	return NULL;
}
