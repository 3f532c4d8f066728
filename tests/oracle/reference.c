/* SPDX-License-Identifier: Apache-2.0 */
/* The reference: libseccomp's own rule database for a profile, evaluated in
 * plain C, without BPF.
 *
 * runc adds the profile's rules to libseccomp exactly as oracle_runc_filter
 * does; libseccomp merges them into its per-syscall decision trees (that
 * merge is where its precedence for overlapping rules lives: argument order,
 * op and value ordering, prefix pruning, unconditional rules winning). We ask
 * libseccomp for that database as pseudo filter code (seccomp_export_pfc,
 * generated from the trees, not from the BPF) and evaluate it here, with each
 * comparison on the argument word it names. So the reference carries
 * libseccomp's precedence by construction and is independent of both
 * scmpkit's compiler and libseccomp's BPF generator: where libseccomp's BPF
 * and its own database disagree, the BPF generator is wrong. */
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oracle.h"

enum kind { K_ARCH, K_SYS, K_COND, K_ELSE, K_ACTION, K_OTHER };

struct line {
	unsigned indent;
	enum kind kind;
	uint32_t value;   /* arch, syscall number, datum, or action */
	unsigned arg;     /* K_COND */
	int word;         /* 0 whole (32-bit arch), 1 lo32, 2 hi32 */
	char op;          /* '=', '>', 'g' (>=), '&' */
	uint32_t mask;
	bool x32;         /* K_ARCH: the "x32" section */
};

struct oracle_ref {
	struct line *l;
	size_t n;
};

static bool parse_action(const char *s, uint32_t *out)
{
	unsigned v;
	if (!strcmp(s, "ALLOW;")) *out = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "KILL;")) *out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(s, "KILL_PROCESS;")) *out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "TRAP;")) *out = SCMP_ACT_TRAP;
	else if (!strcmp(s, "LOG;")) *out = SCMP_ACT_LOG;
	else if (sscanf(s, "ERRNO(%u);", &v) == 1) *out = SCMP_ACT_ERRNO(v);
	else if (sscanf(s, "TRACE(%u);", &v) == 1) *out = SCMP_ACT_TRACE(v);
	else if (sscanf(s, "0x%x;", &v) == 1) *out = v;
	else return false;
	return true;
}

static bool parse_line(char *s, struct line *L, bool *next_x32)
{
	unsigned ind = 0;
	while (s[ind] == ' ')
		ind++;
	L->indent = ind / 2;
	s += ind;
	L->kind = K_OTHER;
	unsigned a, d, m;
	char w[8] = "", op[4] = "";
	if (s[0] == '#') {
		char name[32];
		if (sscanf(s, "# filter for arch %31s", name) == 1)
			*next_x32 = !strcmp(name, "x32");
		return true;
	}
	if (sscanf(s, "if ($arch == %u)", &d) == 1) {
		L->kind = K_ARCH;
		L->value = d;
		L->x32 = *next_x32;
	} else if (sscanf(s, "if ($syscall == %u)", &d) == 1) {
		L->kind = K_SYS;
		L->value = d;
	} else if (!strcmp(s, "else")) {
		L->kind = K_ELSE;
	} else if (!strncmp(s, "action ", 7)) {
		L->kind = K_ACTION;
		if (!parse_action(s + 7, &L->value))
			return false;
	} else if (!strncmp(s, "if ($a", 6)) {
		L->kind = K_COND;
		const char *p = s + 6;
		char *end;
		a = (unsigned)strtoul(p, &end, 10);
		p = end;
		L->arg = a;
		L->word = 0;
		if (sscanf(p, ".%4[a-z0-9]", w) == 1) {
			L->word = !strcmp(w, "hi32") ? 2 : 1;
			p += 1 + strlen(w);
		}
		L->mask = UINT32_MAX;
		if (sscanf(p, " & 0x%x == %u)", &m, &d) == 2) {
			L->op = '&';
			L->mask = m;
		} else if (sscanf(p, " %2[=><] %u)", op, &d) == 2) {
			L->op = !strcmp(op, "==") ? '=' : !strcmp(op, ">") ? '>' : !strcmp(op, ">=") ? 'g' : 0;
			if (!L->op)
				return false;
		} else {
			return false;
		}
		L->value = d;
	}
	return true;
}

int oracle_ref_build(const struct sk_profile *p, struct oracle_ref **out, char *err, size_t errsize)
{
	*out = NULL;
	scmp_filter_ctx ctx;
	int rc = oracle_runc_ctx(p, false, &ctx, NULL, err, errsize);
	if (rc)
		return rc;
	int fd = memfd_create("oracle-pfc", MFD_CLOEXEC);
	if (fd < 0) {
		seccomp_release(ctx);
		return -errno;
	}
	rc = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	off_t len = lseek(fd, 0, SEEK_END);
	char *text = rc == 0 && len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (!text || pread(fd, text, (size_t)len, 0) != len) {
		free(text);
		close(fd);
		snprintf(err, errsize, "seccomp_export_pfc failed");
		return rc ? rc : -EIO;
	}
	close(fd);
	text[len] = 0;
	struct oracle_ref *r = calloc(1, sizeof *r);
	size_t cap = 1;
	for (char *c = text; *c; c++)
		cap += *c == '\n';
	r->l = calloc(cap, sizeof *r->l);
	bool x32 = false;
	char *save = NULL;
	for (char *s = strtok_r(text, "\n", &save); s && r->l; s = strtok_r(NULL, "\n", &save)) {
		struct line L = {0};
		if (!parse_line(s, &L, &x32)) {
			snprintf(err, errsize, "unparsed pseudo filter code: %s", s);
			free(text);
			oracle_ref_free(r);
			return -EINVAL;
		}
		if (L.kind != K_OTHER)
			r->l[r->n++] = L;
	}
	free(text);
	*out = r;
	return 0;
}

void oracle_ref_free(struct oracle_ref *r)
{
	if (!r)
		return;
	free(r->l);
	free(r);
}

static size_t block_end(const struct oracle_ref *r, size_t i)
{
	size_t j = i + 1;
	while (j < r->n && r->l[j].indent > r->l[i].indent)
		j++;
	return j;
}

static bool cond_holds(const struct line *L, const struct sk_seccomp_data *d)
{
	uint64_t v = d->args[L->arg % 6];
	uint32_t w = L->word == 2 ? (uint32_t)(v >> 32) : (uint32_t)v;
	switch (L->op) {
	case '=': return w == L->value;
	case '>': return w > L->value;
	case 'g': return w >= L->value;
	default: return (w & L->mask) == L->value;
	}
}

/* Lines [i, end) at one indent: 1 and *ACT when an action is reached. */
static int eval_block(const struct oracle_ref *r, size_t i, size_t end,
		      const struct sk_seccomp_data *d, uint32_t *act)
{
	while (i < end) {
		const struct line *L = &r->l[i];
		size_t e = block_end(r, i);
		if (L->kind == K_ACTION) {
			*act = L->value;
			return 1;
		}
		if (L->kind == K_COND) {
			bool has_else = e < end && r->l[e].kind == K_ELSE &&
					r->l[e].indent == L->indent;
			size_t ee = has_else ? block_end(r, e) : e;
			if (cond_holds(L, d)) {
				if (eval_block(r, i + 1, e, d, act))
					return 1;
			} else if (has_else && eval_block(r, e + 1, ee, d, act)) {
				return 1;
			}
			i = ee;
			continue;
		}
		i = e;
	}
	return 0;
}

uint32_t oracle_ref_eval(const struct oracle_ref *r, const struct sk_seccomp_data *d)
{
	uint32_t nr = (uint32_t)d->nr;
	bool x32nr = (nr & 0x40000000u) && nr != 0xffffffffu;
	size_t i = 0;
	uint32_t act = SCMP_ACT_KILL_THREAD;
	while (i < r->n) {
		const struct line *L = &r->l[i];
		size_t e = block_end(r, i);
		if (L->kind == K_ACTION && L->indent == 0)
			return L->value; /* the bad-arch action */
		if (L->kind == K_ARCH && L->value == d->arch &&
		    (L->value != AUDIT_ARCH_X86_64 || L->x32 == x32nr)) {
			/* the syscall's block, else the arch's default */
			for (size_t j = i + 1; j < e; j = block_end(r, j)) {
				const struct line *S = &r->l[j];
				if (S->kind == K_SYS && S->value == nr)
					return eval_block(r, j + 1, block_end(r, j), d, &act) ? act
							: r->l[e - 1].value;
				if (S->kind == K_ACTION)
					return S->value;
			}
		}
		i = e;
	}
	return act;
}
