/* SPDX-License-Identifier: Apache-2.0 */
/* Text -> struct sk_profile: format detection, validation, diagnostics.
 *
 * Every value is checked where it is read and reported at its own line and
 * column. Unknown keys are warnings (runc and Docker ignore them); anything
 * runc or Docker would reject, or that would silently do something else than
 * written (a misspelt syscall name), is an error. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/doc.h>
#include <scmpkit/fileio.h>
#include <scmpkit/profile.h>

#include "profile/internal.h"

struct ctx {
	const char *file;
	struct sk_diags *diags;
	size_t errors;
};

__attribute__((format(printf, 5, 6))) static void report(struct ctx *c, enum sk_severity sev,
							 struct sk_pos pos, const char *rule,
							 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_diags_vadd(c->diags, sev, c->file, pos.line, pos.col, rule, fmt, ap);
	va_end(ap);
	if (sev == SK_SEV_ERROR)
		c->errors++;
}
#define ERR(c, pos, rule, ...) report(c, SK_SEV_ERROR, pos, rule, __VA_ARGS__)
#define WARN(c, pos, rule, ...) report(c, SK_SEV_WARNING, pos, rule, __VA_ARGS__)

/* ---- "did you mean" ------------------------------------------------------ */

/* The closest of CANDS to S, close enough to be a plausible typo. Case is
 * ignored for the comparison (scmp_act_allow -> SCMP_ACT_ALLOW). */
static const char *closest(const char *s, const char *const *cands, size_t n)
{
	char up[128];
	size_t i;
	for (i = 0; s[i] && i + 1 < sizeof up; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t k = 0; k < n; k++) {
		char cu[128];
		size_t j;
		for (j = 0; cands[k][j] && j + 1 < sizeof cu; j++)
			cu[j] = (char)toupper((unsigned char)cands[k][j]);
		cu[j] = '\0';
		size_t d = sk_edit_distance(up, cu);
		if (d < best_d) {
			best_d = d;
			best = cands[k];
		}
	}
	size_t len = strlen(s), limit = len / 3 > 2 ? len / 3 : 2;
	return best_d <= limit ? best : NULL;
}

/* " (did you mean \"X\"?)" or "" into BUF. */
static const char *dym(char *buf, size_t size, const char *sugg)
{
	if (!sugg)
		return "";
	snprintf(buf, size, "; did you mean \"%s\"?", sugg);
	return buf;
}

static const char *const action_names[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_LOG", "SCMP_ACT_ALLOW",
};
static const char *const op_names[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};
static const char *const flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};
#define N(a) (sizeof a / sizeof a[0])

/* ---- keys ---------------------------------------------------------------- */

/* Warn about every key of M not in KEYS (NULL-terminated). */
static void check_keys(struct ctx *c, const struct sk_doc_node *m, const char *const *keys,
		       const char *where)
{
	size_t nk = 0;
	while (keys[nk])
		nk++;
	for (size_t i = 0; i < m->n; i++) {
		const struct sk_doc_node *k = m->kids[2 * i];
		bool ok = false;
		for (size_t j = 0; j < nk && !ok; j++)
			ok = !strcmp(keys[j], k->str);
		if (ok)
			continue;
		char b[160];
		WARN(c, k->pos, "parse-unknown-key", "unknown key \"%s\" in %s, ignored%s", k->str,
		     where, dym(b, sizeof b, closest(k->str, keys, nk)));
	}
}

/* Like sk_doc_null, for a node that is there. */
static bool is_null(const struct sk_doc_node *n)
{
	return n && sk_doc_null(n);
}

/* ---- typed values ---------------------------------------------------------- */

static bool want(struct ctx *c, const struct sk_doc_node *n, enum sk_doc_type t, const char *what)
{
	if (n->type == t && !(t == SK_DOC_SCALAR && is_null(n)))
		return true;
	static const char *const tn[] = {"a string", "an object", "a list"};
	ERR(c, n->pos, "parse-type", "%s must be %s, not %s", what, tn[t], sk_doc_type_name(n));
	return false;
}

static bool looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]));
}

/* A string value: quoted, or a plain YAML scalar that is not a number/bool. */
static const char *get_str(struct ctx *c, const struct sk_doc_node *n, const char *what)
{
	if (!want(c, n, SK_DOC_SCALAR, what))
		return NULL;
	if (n->plain && (looks_numeric(n->str) || !strcmp(n->str, "true") ||
			   !strcmp(n->str, "false"))) {
		ERR(c, n->pos, "parse-type", "%s must be a string, not %s", what, n->str);
		return NULL;
	}
	return n->str;
}

/* An unsigned 64-bit integer: decimal as JSON writes it; YAML may also use
 * 0x hex and 0o octal. Quoted numbers are strings, as for runc. */
static bool get_u64(struct ctx *c, const struct sk_doc_node *n, const char *what, uint64_t *out)
{
	if (!want(c, n, SK_DOC_SCALAR, what))
		return false;
	const char *s = n->str;
	if (!n->plain) {
		ERR(c, n->pos, "parse-type", "%s must be a number, not the string \"%s\"", what, s);
		return false;
	}
	if (*s == '-') {
		ERR(c, n->pos, "parse-range", "%s must not be negative: %s", what, s);
		return false;
	}
	if (*s == '+')
		s++;
	int base = 10;
	const char *digits = "0123456789";
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2, digits = "0123456789abcdefABCDEF";
	else if (s[0] == '0' && s[1] == 'o')
		base = 8, s += 2, digits = "01234567";
	if (!*s || strspn(s, digits) != strlen(s)) {
		if (looks_numeric(n->str))
			ERR(c, n->pos, "parse-type", "%s must be an integer, not %s", what, n->str);
		else
			ERR(c, n->pos, "parse-type", "%s must be a number, not %s", what, n->str);
		return false;
	}
	errno = 0;
	unsigned long long v = strtoull(s, NULL, base);
	if (errno == ERANGE) {
		ERR(c, n->pos, "parse-range", "%s is larger than 2^64-1: %s", what, n->str);
		return false;
	}
	*out = v;
	return true;
}

static char *dup_str(struct ctx *c, const struct sk_doc_node *n, const char *what)
{
	const char *s = get_str(c, n, what);
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		ERR(c, n->pos, "parse-nomem", "out of memory");
	return d;
}

/* A list, or null (Go unmarshals null into an empty slice). */
static bool get_list(struct ctx *c, const struct sk_doc_node *n, const char *what)
{
	if (is_null(n))
		return true;
	return want(c, n, SK_DOC_SEQ, what);
}

/* ---- pieces ---------------------------------------------------------------- */

static enum sk_action get_action(struct ctx *c, const struct sk_doc_node *n, const char *what)
{
	const char *s = get_str(c, n, what);
	if (!s)
		return SK_ACT_INVALID;
	enum sk_action a = sk_action_parse(s);
	if (a == SK_ACT_INVALID) {
		char b[160];
		ERR(c, n->pos, "parse-action", "unknown action \"%s\"%s", s,
		    dym(b, sizeof b, closest(s, action_names, N(action_names))));
	}
	return a;
}

/* An arch in "architectures"/archMap: runc accepts only SCMP_ARCH_* there. */
static enum sk_arch get_arch(struct ctx *c, const struct sk_doc_node *n, const char *what)
{
	const char *s = get_str(c, n, what);
	if (!s)
		return SK_ARCH_INVALID;
	enum sk_arch a = sk_arch_parse(s);
	if (a == SK_ARCH_INVALID) {
		char b[160];
		ERR(c, n->pos, "parse-arch", "unknown architecture \"%s\"%s", s,
		    dym(b, sizeof b, sk_arch_suggest(s)));
	} else if (strcmp(s, sk_arch_info(a)->oci_name)) {
		WARN(c, n->pos, "parse-arch-spelling",
		     "architecture \"%s\" is spelt \"%s\" in OCI profiles (runc rejects other spellings)",
		     s, sk_arch_info(a)->oci_name);
	}
	return a;
}

static bool errno_in_range(struct ctx *c, const struct sk_doc_node *n, uint64_t v, enum sk_action a,
			   const char *what)
{
	/* TRACE passes all 16 bits of SECCOMP_RET_DATA to the tracer; an errno
	 * must be below 4096 (the kernel caps it at MAX_ERRNO). */
	uint64_t max = a == SK_ACT_TRACE ? 0xffff : SK_ERRNO_MAX;
	if (v > max) {
		ERR(c, n->pos, "parse-range", "%s %" PRIu64 " is out of range (0..%" PRIu64 ")",
		    what, v, max);
		return false;
	}
	return true;
}

/* containers-common's "errno": "EPERM" strings. */
static int get_errno_name(struct ctx *c, const struct sk_doc_node *n, const char *what)
{
	const char *s = get_str(c, n, what);
	if (!s)
		return -1;
	int e = sk_errno_parse(s);
	if (e < 0) {
		const char *cands[160];
		size_t k = 0;
		for (size_t i = 0; i < sk_errno_table_count() && k < N(cands); i++)
			cands[k++] = sk_errno_table_at(i, NULL);
		char b[160];
		ERR(c, n->pos, "parse-errno", "unknown errno name \"%s\"%s", s,
		    dym(b, sizeof b, closest(s, cands, k)));
	}
	return e;
}

static void parse_strv(struct ctx *c, const struct sk_doc_node *n, const char *what, char ***v,
		       size_t *nv)
{
	if (!get_list(c, n, what))
		return;
	for (size_t i = 0; i < n->n; i++) {
		const char *s = get_str(c, n->kids[i], what);
		if (s && sk_strv_push(v, nv, s) < 0)
			ERR(c, n->kids[i]->pos, "parse-nomem", "out of memory");
	}
}

static void parse_cond(struct ctx *c, const struct sk_doc_node *n, struct sk_cond *cond,
		       const char *what)
{
	static const char *const keys[] = {"arches", "caps", "minKernel", NULL};
	cond->pos = n->pos;
	if (is_null(n) || !want(c, n, SK_DOC_MAP, what))
		return;
	check_keys(c, n, keys, what);
	const struct sk_doc_node *v;
	if ((v = sk_doc_get(n, "arches"))) {
		parse_strv(c, v, "\"arches\"", &cond->arches, &cond->n_arches);
		for (size_t i = 0; i < cond->n_arches && v->type == SK_DOC_SEQ; i++)
			if (sk_arch_parse(cond->arches[i]) == SK_ARCH_INVALID) {
				char b[160];
				ERR(c, v->kids[i]->pos, "parse-arch", "unknown architecture \"%s\"%s",
				    cond->arches[i], dym(b, sizeof b, sk_arch_suggest(cond->arches[i])));
			}
	}
	if ((v = sk_doc_get(n, "caps"))) {
		parse_strv(c, v, "\"caps\"", &cond->caps, &cond->n_caps);
		for (size_t i = 0; i < cond->n_caps && v->type == SK_DOC_SEQ; i++)
			if (strncmp(cond->caps[i], "CAP_", 4))
				WARN(c, v->kids[i]->pos, "parse-cap",
				     "capability \"%s\" does not start with CAP_; Docker compares names as written",
				     cond->caps[i]);
	}
	if ((v = sk_doc_get(n, "minKernel")) && !is_null(v)) {
		const char *s = get_str(c, v, "\"minKernel\"");
		unsigned maj, min;
		char end;
		if (s && (sscanf(s, "%u.%u%c", &maj, &min, &end) != 2 || !isdigit((unsigned char)*s)))
			ERR(c, v->pos, "parse-kernel",
			    "\"minKernel\" must be MAJOR.MINOR like \"4.8\", not \"%s\"", s);
		else if (s)
			cond->min_kernel = strdup(s);
	}
}

static void parse_arg(struct ctx *c, const struct sk_doc_node *n, struct sk_rule *r)
{
	static const char *const keys[] = {"index", "value", "valueTwo", "op", NULL};
	if (!want(c, n, SK_DOC_MAP, "an entry of \"args\""))
		return;
	check_keys(c, n, keys, "an argument");
	struct sk_arg a = {.pos = n->pos};
	const struct sk_doc_node *v;
	uint64_t u;
	bool ok = true;
	if (!(v = sk_doc_get(n, "index"))) {
		ERR(c, n->pos, "parse-missing", "argument has no \"index\"");
		ok = false;
	} else if (!get_u64(c, v, "\"index\"", &u)) {
		ok = false;
	} else if (u > 5) {
		ERR(c, v->pos, "parse-range",
		    "argument index %" PRIu64 " is out of range: syscalls have 6 arguments (0..5)", u);
		ok = false;
	} else {
		a.index = (unsigned)u;
	}
	if ((v = sk_doc_get(n, "value")) && !get_u64(c, v, "\"value\"", &a.value))
		ok = false;
	if ((v = sk_doc_get(n, "valueTwo")) && !get_u64(c, v, "\"valueTwo\"", &a.value_two))
		ok = false;
	if (!(v = sk_doc_get(n, "op"))) {
		ERR(c, n->pos, "parse-missing", "argument has no \"op\"");
		ok = false;
	} else {
		const char *s = get_str(c, v, "\"op\"");
		if (!s) {
			ok = false;
		} else if ((a.op = sk_op_parse(s)) == SK_OP_INVALID) {
			char b[160];
			ERR(c, v->pos, "parse-op", "unknown operator \"%s\"%s", s,
			    dym(b, sizeof b, closest(s, op_names, N(op_names))));
			ok = false;
		}
	}
	if (!ok)
		return;
	if (sk_rule_add_arg(r, a.index, a.op, a.value, a.value_two) < 0) {
		ERR(c, n->pos, "parse-nomem", "out of memory");
		return;
	}
	r->args[r->n_args - 1].pos = a.pos;
}

static void add_name(struct ctx *c, struct sk_rule *r, const struct sk_doc_node *n)
{
	const char *s = get_str(c, n, "a syscall name");
	if (!s)
		return;
	if (!*s) {
		ERR(c, n->pos, "parse-name", "empty syscall name");
		return;
	}
	/* An error: a name no architecture has (Linux 7.2, plus the obsolete
	 * calls libseccomp still resolves: data/syscalls/obsolete.tsv) is a typo,
	 * and runc would silently skip it, leaving the call to the default. */
	if (!sk_syscall_known(s)) {
		const char *sugg = sk_syscall_suggest(s);
		char b[160];
		ERR(c, n->pos, "parse-syscall",
		    "unknown syscall \"%s\" on every architecture (runc would silently skip it)%s",
		    s, dym(b, sizeof b, sugg));
	}
	if (sk_rule_add_name(r, s) < 0) {
		ERR(c, n->pos, "parse-nomem", "out of memory");
		return;
	}
	r->name_pos[r->n_names - 1] = n->pos;
}

/* A rule's "names", or Docker's single "name". */
static void parse_names(struct ctx *c, const struct sk_doc_node *n, struct sk_rule *r, bool spo)
{
	const struct sk_doc_node *names = sk_doc_get(n, "names"), *name = spo ? NULL : sk_doc_get(n, "name");
	if (names && is_null(names))
		names = NULL;
	if (name && names) {
		ERR(c, name->pos, "parse-name",
		    "a rule has either \"name\" or \"names\", not both (Docker rejects it)");
	} else if (name) {
		r->legacy_name = true;
		add_name(c, r, name);
	} else if (names) {
		if (get_list(c, names, "\"names\"")) {
			for (size_t i = 0; i < names->n; i++)
				add_name(c, r, names->kids[i]);
			if (!names->n)
				ERR(c, names->pos, "parse-name", "\"names\" is empty: the rule matches no syscall");
		}
	} else {
		ERR(c, n->pos, "parse-missing", "syscall rule has no \"names\"");
	}
}

static void parse_rule(struct ctx *c, const struct sk_doc_node *n, struct sk_profile *p, bool spo)
{
	static const char *const oci_keys[] = {"names", "action", "errnoRet", "args", NULL};
	static const char *const docker_keys[] = {"names", "name", "action", "errnoRet", "errno",
						  "args", "comment", "includes", "excludes", NULL};
	if (!want(c, n, SK_DOC_MAP, "an entry of \"syscalls\""))
		return;
	check_keys(c, n, spo ? oci_keys : docker_keys, "a syscall rule");
	struct sk_rule *r = sk_profile_add_rule(p, NULL, 0, SK_ACT_INVALID);
	if (!r) {
		ERR(c, n->pos, "parse-nomem", "out of memory");
		return;
	}
	r->pos = n->pos;
	parse_names(c, n, r, spo);
	const struct sk_doc_node *v;
	if (!(v = sk_doc_get(n, "action"))) {
		ERR(c, n->pos, "parse-missing", "syscall rule has no \"action\"");
	} else {
		r->action_pos = v->pos;
		r->action = get_action(c, v, "\"action\"");
	}
	const struct sk_doc_node *er = sk_doc_get(n, "errnoRet"), *en = spo ? NULL : sk_doc_get(n, "errno");
	uint64_t u;
	if (er && !is_null(er) && get_u64(c, er, "\"errnoRet\"", &u) &&
	    errno_in_range(c, er, u, r->action, "\"errnoRet\"")) {
		r->has_errno_ret = true;
		r->errno_ret = (uint32_t)u;
	}
	if (en && !is_null(en)) {
		int e = get_errno_name(c, en, "\"errno\"");
		if (e >= 0) {
			r->errno_name = strdup(en->str);
			if (!r->has_errno_ret) {
				r->has_errno_ret = true;
				r->errno_ret = (uint32_t)e;
			} else if (r->errno_ret != (uint32_t)e) {
				WARN(c, en->pos, "parse-errno",
				     "\"errno\" %s (%d) disagrees with \"errnoRet\" %" PRIu32
				     "; runtimes use \"errnoRet\"",
				     en->str, e, r->errno_ret);
			}
		}
	}
	if (r->has_errno_ret && r->action != SK_ACT_ERRNO && r->action != SK_ACT_TRACE &&
	    r->action != SK_ACT_INVALID)
		WARN(c, er ? er->pos : en->pos, "parse-errno",
		     "errnoRet has no effect with %s (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)",
		     sk_action_name(r->action));
	if ((v = sk_doc_get(n, "args")) && get_list(c, v, "\"args\""))
		for (size_t i = 0; i < v->n; i++)
			parse_arg(c, v->kids[i], r);
	if (!spo) {
		if ((v = sk_doc_get(n, "comment")) && !is_null(v))
			r->comment = dup_str(c, v, "\"comment\"");
		if ((v = sk_doc_get(n, "includes"))) {
			r->has_includes = true;
			parse_cond(c, v, &r->includes, "\"includes\"");
		}
		if ((v = sk_doc_get(n, "excludes"))) {
			r->has_excludes = true;
			parse_cond(c, v, &r->excludes, "\"excludes\"");
		}
	}
}

static void parse_archmap(struct ctx *c, const struct sk_doc_node *n, struct sk_profile *p)
{
	static const char *const keys[] = {"architecture", "subArchitectures", NULL};
	if (!get_list(c, n, "\"archMap\"") || !n->n)
		return;
	/* the model's arrays carry no capacity: room for every entry at once */
	if (!(p->archmap = calloc(n->n, sizeof *p->archmap))) {
		ERR(c, n->pos, "parse-nomem", "out of memory");
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_doc_node *e = n->kids[i], *v;
		if (!want(c, e, SK_DOC_MAP, "an entry of \"archMap\""))
			continue;
		check_keys(c, e, keys, "an archMap entry");
		struct sk_archmap am = {.arch = SK_ARCH_INVALID, .pos = e->pos};
		if (!(v = sk_doc_get(e, "architecture")))
			ERR(c, e->pos, "parse-missing", "archMap entry has no \"architecture\"");
		else
			am.arch = get_arch(c, v, "\"architecture\"");
		if ((v = sk_doc_get(e, "subArchitectures")) && get_list(c, v, "\"subArchitectures\"") &&
		    v->n && !(am.subs = calloc(v->n, sizeof *am.subs)))
			ERR(c, v->pos, "parse-nomem", "out of memory");
		for (size_t j = 0; am.subs && j < v->n; j++) {
			enum sk_arch s = get_arch(c, v->kids[j], "a subarchitecture");
			if (s != SK_ARCH_INVALID)
				am.subs[am.n_subs++] = s;
		}
		if (am.arch == SK_ARCH_INVALID)
			free(am.subs);
		else
			p->archmap[p->n_archmap++] = am;
	}
}

/* The fields shared by OCI, Docker and SPO's spec. */
static void parse_body(struct ctx *c, const struct sk_doc_node *m, struct sk_profile *p, bool spo)
{
	static const char *const docker_keys[] = {
		"defaultAction", "defaultErrnoRet", "defaultErrno", "architectures", "archMap",
		"flags", "listenerPath", "listenerMetadata", "syscalls", NULL};
	static const char *const spo_keys[] = {
		"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath",
		"listenerMetadata", "syscalls", "baseProfileName", "disabled", "state", NULL};
	if (!want(c, m, SK_DOC_MAP, spo ? "\"spec\"" : "a seccomp profile"))
		return;
	check_keys(c, m, spo ? spo_keys : docker_keys, spo ? "a SeccompProfile spec" : "a profile");
	p->pos = m->pos;
	const struct sk_doc_node *v;
	uint64_t u;
	if (!(v = sk_doc_get(m, "defaultAction"))) {
		ERR(c, m->pos, "parse-missing", "profile has no \"defaultAction\" (it is required)");
	} else {
		p->default_action_pos = v->pos;
		p->default_action = get_action(c, v, "\"defaultAction\"");
	}
	if ((v = sk_doc_get(m, "defaultErrnoRet")) && !is_null(v) &&
	    get_u64(c, v, "\"defaultErrnoRet\"", &u) &&
	    errno_in_range(c, v, u, p->default_action, "\"defaultErrnoRet\"")) {
		p->has_default_errno_ret = true;
		p->default_errno_ret = (uint32_t)u;
	}
	if ((v = sk_doc_get(m, "defaultErrno")) && !is_null(v)) {
		int e = get_errno_name(c, v, "\"defaultErrno\"");
		if (e >= 0) {
			p->default_errno_name = strdup(v->str);
			if (!p->has_default_errno_ret) {
				p->has_default_errno_ret = true;
				p->default_errno_ret = (uint32_t)e;
			} else if (p->default_errno_ret != (uint32_t)e) {
				WARN(c, v->pos, "parse-errno",
				     "\"defaultErrno\" %s (%d) disagrees with \"defaultErrnoRet\" %" PRIu32,
				     v->str, e, p->default_errno_ret);
			}
		}
	}
	const struct sk_doc_node *arches = sk_doc_get(m, "architectures");
	const struct sk_doc_node *amap = spo ? NULL : sk_doc_get(m, "archMap");
	if (arches && amap && !is_null(arches) && !is_null(amap) && arches->n && amap->n)
		ERR(c, amap->pos, "parse-archmap",
		    "\"architectures\" and \"archMap\" together: use one of them (Docker rejects both)");
	if (arches && get_list(c, arches, "\"architectures\""))
		for (size_t i = 0; i < arches->n; i++) {
			enum sk_arch a = get_arch(c, arches->kids[i], "an architecture");
			if (a != SK_ARCH_INVALID && sk_profile_add_arch(p, a) < 0)
				ERR(c, arches->kids[i]->pos, "parse-nomem", "out of memory");
		}
	if (amap)
		parse_archmap(c, amap, p);
	if ((v = sk_doc_get(m, "flags")) && get_list(c, v, "\"flags\"")) {
		p->has_flags = true;
		for (size_t i = 0; i < v->n; i++) {
			const char *s = get_str(c, v->kids[i], "a flag");
			if (!s)
				continue;
			int f = sk_flag_parse(s);
			char b[160];
			if (f < 0)
				ERR(c, v->kids[i]->pos, "parse-flag", "unknown flag \"%s\"%s", s,
				    dym(b, sizeof b, closest(s, flag_names, N(flag_names))));
			else
				p->flags |= (unsigned)f;
		}
	}
	if ((v = sk_doc_get(m, "listenerPath")) && !is_null(v))
		p->listener_path = dup_str(c, v, "\"listenerPath\"");
	if ((v = sk_doc_get(m, "listenerMetadata")) && !is_null(v))
		p->listener_metadata = dup_str(c, v, "\"listenerMetadata\"");
	if (spo && (v = sk_doc_get(m, "baseProfileName")) && !is_null(v)) {
		p->spo_base_profile = dup_str(c, v, "\"baseProfileName\"");
		p->spo_base_pos = v->pos;
	}
	if ((v = sk_doc_get(m, "syscalls")) && get_list(c, v, "\"syscalls\""))
		for (size_t i = 0; i < v->n; i++)
			parse_rule(c, v->kids[i], p, spo);
}

static bool is_docker(const struct sk_profile *p)
{
	if (p->n_archmap || p->default_errno_name)
		return true;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sk_rule *r = &p->rules[i];
		if (r->legacy_name || r->comment || r->errno_name || !sk_cond_empty(&r->includes) ||
		    !sk_cond_empty(&r->excludes))
			return true;
	}
	return false;
}

static void parse_spo(struct ctx *c, const struct sk_doc_node *root, struct sk_profile *p)
{
	static const char *const keys[] = {"apiVersion", "kind", "metadata", "spec", "status", NULL};
	check_keys(c, root, keys, "a SeccompProfile");
	const struct sk_doc_node *v = sk_doc_get(root, "apiVersion");
	const char *api = v ? get_str(c, v, "\"apiVersion\"") : NULL;
	if (api && !sk_spo_api_version(api))
		ERR(c, v->pos, "parse-spo",
		    "apiVersion \"%s\" is not security-profiles-operator.x-k8s.io/v1 (or v1beta1, "
		    "v1alpha1)",
		    api);
	v = sk_doc_get(root, "kind");
	const char *kind = v ? get_str(c, v, "\"kind\"") : NULL;
	if (kind && strcmp(kind, "SeccompProfile"))
		ERR(c, v->pos, "parse-spo", "kind \"%s\" is not SeccompProfile", kind);
	const struct sk_doc_node *md = sk_doc_get(root, "metadata");
	if (md && !is_null(md) && want(c, md, SK_DOC_MAP, "\"metadata\"")) {
		if ((v = sk_doc_get(md, "name")))
			p->spo_name = dup_str(c, v, "\"metadata.name\"");
		if ((v = sk_doc_get(md, "namespace")))
			p->spo_namespace = dup_str(c, v, "\"metadata.namespace\"");
	}
	const struct sk_doc_node *spec = sk_doc_get(root, "spec");
	if (!spec)
		ERR(c, root->pos, "parse-missing", "SeccompProfile has no \"spec\"");
	else
		parse_body(c, spec, p, true);
}

struct sk_profile *sk_profile_from_node(const struct sk_doc_node *root, const char *file,
					struct sk_diags *diags)
{
	struct ctx c = {.file = file, .diags = diags};
	if (!root) {
		ERR(&c, ((struct sk_pos){1, 1}), "parse-syntax", "empty document: expected a profile");
		return NULL;
	}
	struct sk_profile *p = sk_profile_new();
	if (!p || (file && !(p->file = strdup(file)))) {
		ERR(&c, root->pos, "parse-nomem", "out of memory");
		goto out;
	}
	if (root->type != SK_DOC_MAP) {
		ERR(&c, root->pos, "parse-type", "a profile must be an object, not %s",
		    sk_doc_type_name(root));
		goto out;
	}
	const struct sk_doc_node *lnx = sk_doc_get(root, "linux");
	if (sk_doc_get(root, "kind") || sk_doc_get(root, "apiVersion")) {
		p->format = SK_FORMAT_SPO;
		parse_spo(&c, root, p);
	} else if (sk_doc_get(root, "ociVersion") || lnx) {
		/* A runc/OCI config.json: only linux.seccomp concerns us. */
		p->format = SK_FORMAT_RUNC_CONFIG;
		const struct sk_doc_node *sc =
			lnx && lnx->type == SK_DOC_MAP ? sk_doc_get(lnx, "seccomp") : NULL;
		if (!sc || is_null(sc))
			ERR(&c, lnx ? lnx->pos : root->pos, "parse-missing",
			    "config.json has no \"linux.seccomp\" profile");
		else
			parse_body(&c, sc, p, false);
	} else {
		parse_body(&c, root, p, false);
		p->format = is_docker(p) ? SK_FORMAT_DOCKER : SK_FORMAT_OCI;
	}
out:
	if (c.errors || !p) {
		sk_profile_free(p);
		return NULL;
	}
	return p;
}

/* A profile file is one document without aliases (runc and Docker read it as
 * JSON), nested no deeper than 64 levels: no profile needs more. */
struct sk_profile *sk_profile_parse(const char *text, size_t len, const char *file,
				    struct sk_diags *diags)
{
	static const struct sk_doc_opts o = {.rule = "parse-syntax", .max_depth = 64,
					     .single = "a profile"};
	struct sk_doc s;
	struct sk_profile *p = NULL;
	if (!sk_doc_parse(text, len, file, &o, &s, diags) &&
	    !sk_doc_refuse_aliases(&s, 0, file, "profiles", "parse-syntax", diags))
		p = sk_profile_from_node(s.n_docs ? s.docs[0].root : NULL, file, diags);
	sk_doc_release(&s);
	return p;
}

struct sk_profile *sk_profile_load(const char *file, struct sk_diags *diags)
{
	char *data;
	size_t len;
	int r = sk_read_input(file, SK_INPUT_PROFILE, &data, &len);
	const char *shown = strcmp(file, "-") ? file : "<stdin>";
	if (r < 0) {
		sk_diags_add(diags, SK_SEV_ERROR, shown, 0, 0, "parse-io", "cannot read: %s",
			     sk_read_error(r, SK_INPUT_PROFILE));
		return NULL;
	}
	struct sk_profile *p = sk_profile_parse(data, len, shown, diags);
	free(data);
	return p;
}
