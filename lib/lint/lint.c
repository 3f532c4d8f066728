/* SPDX-License-Identifier: Apache-2.0 */
/* Lint driver: read the input once, decide what each document is, hand the
 * rules what they look at, honour --disable and inline "# scmpkit:ignore".
 *
 * The text is parsed once (scmpkit/doc.h) and linted document by document as
 * the parser finishes each, so a stream of 10,000 workloads never holds more
 * than one document's tree, and a profile is built from the same nodes the
 * detection looked at. Everything that reads a file is here: the Localhost
 * profiles a manifest names are read (and linted) before the manifest's rules
 * run, and SeccompProfiles are kept for the whole run so that a profile's
 * baseProfileName may be given anywhere in it. */
#include <scmpkit/fileio.h>
#include <scmpkit/lint.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint_run.h"
#include "util/cleanup.h"
#include "util/grow.h"

enum input_kind { IN_UNKNOWN, IN_EMPTY, IN_MANIFEST, IN_PROFILE, IN_RUNC_CONFIG };

/* What one document says it is; IN_EMPTY when it says nothing (a null
 * document), IN_UNKNOWN when it is something lint does not know. */
static enum input_kind detect_doc(const struct sk_doc_node *r)
{
	if (sk_doc_null(r))
		return IN_EMPTY;
	if (r->type != SK_DOC_MAP)
		return IN_UNKNOWN;
	if (sk_k8s_is_object(r))
		return IN_MANIFEST; /* SeccompProfiles too: objects among others */
	if (sk_doc_get(r, "ociVersion") || sk_doc_get(r, "process"))
		return IN_RUNC_CONFIG;
	if (sk_doc_get(r, "defaultAction") || sk_doc_get(r, "syscalls"))
		return IN_PROFILE;
	return IN_UNKNOWN;
}

/* ---- the run: what outlives one text ------------------------------------ */

void sk_lint_run_init(struct sk_lint_run *run, const struct sk_lint_opts *opts)
{
	*run = (struct sk_lint_run){.opts = opts};
}

void sk_lint_run_free(struct sk_lint_run *run)
{
	for (size_t i = 0; i < run->n_seen; i++) {
		free(run->seen[i].path);
		free(run->seen[i].missing);
	}
	free(run->seen);
	for (size_t i = 0; i < run->n_given; i++)
		sk_profile_free(run->given[i]);
	free(run->given);
	for (size_t i = 0; i < run->n_pending; i++)
		free(run->pending[i].text);
	free(run->pending);
	memset(run, 0, sizeof *run);
}

/* ---- findings: disabled rules and inline ignores ------------------------- */

/* Line starts of a text, built once per file so that looking up the line of
 * each finding is O(1) (manifests with 10,000 workloads have as many findings). */
struct lines {
	const char *text;
	size_t len;
	size_t *start;
	size_t n;
};

static int lines_init(struct lines *l, const char *text, size_t len)
{
	l->text = text;
	l->len = len;
	l->n = 0;
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	l->start = malloc((cap + 1) * sizeof *l->start);
	if (!l->start)
		return -ENOMEM;
	l->start[l->n++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			l->start[l->n++] = i + 1;
	return 0;
}

/* Line LINE (1-based) without its newline, or NULL. */
static const char *line_at(const struct lines *l, unsigned line, size_t *ll)
{
	if (!line || line > l->n || l->start[line - 1] >= l->len)
		return NULL;
	size_t s = l->start[line - 1];
	size_t e = line < l->n ? l->start[line] - 1 : l->len;
	*ll = e - s;
	return l->text + s;
}

/* The rules a "scmpkit:ignore" comment names include RULE. */
static bool names_rule(const char *l, size_t ll, const char *rule)
{
	static const char tag[] = "scmpkit:ignore";
	const char *e = l + ll;
	const char *hash = memchr(l, '#', ll);
	if (!hash)
		return false;
	for (const char *p = hash; p + sizeof tag - 1 <= e; p++) {
		if (memcmp(p, tag, sizeof tag - 1))
			continue;
		p += sizeof tag - 1;
		size_t rl = strlen(rule);
		while (p < e) {
			p += strspn(p, " \t,");
			size_t wl = strcspn(p, " \t,\r\n");
			if (p + wl > e)
				wl = (size_t)(e - p);
			if (!wl)
				break;
			if (wl == rl && !memcmp(p, rule, rl))
				return true;
			p += wl;
		}
		return false;
	}
	return false;
}

/* RULE is ignored on LINE: by a comment there, or on a comment-only line just
 * above. */
static bool ignored(const struct lines *ls, unsigned line, const char *rule)
{
	size_t ll;
	const char *l = line_at(ls, line, &ll);
	if (l && names_rule(l, ll, rule))
		return true;
	if (line < 2 || !(l = line_at(ls, line - 1, &ll)))
		return false;
	size_t ws = strspn(l, " \t");
	return ws < ll && l[ws] == '#' && names_rule(l, ll, rule);
}

static bool disabled(const struct sk_lint_opts *o, const char *rule)
{
	for (size_t i = 0; o && rule && i < o->n_disabled; i++)
		if (!strcmp(o->disabled[i], rule))
			return true;
	return false;
}

struct filter {
	const struct sk_lint_opts *opts;
	const char *file;
	const struct lines *lines; /* NULL when the text has no "scmpkit:ignore" */
};

static bool drop(const struct sk_diag *g, void *ctx)
{
	const struct filter *f = ctx;
	if (!g->rule || !sk_lint_rule_find(g->rule))
		return false; /* input errors are never silenced */
	if (disabled(f->opts, g->rule))
		return true;
	return f->lines && g->file && f->file && !strcmp(g->file, f->file) &&
	       ignored(f->lines, g->line, g->rule);
}

/* Drop the findings from FIRST on that are disabled, or ignored in FILE. */
int sk_lint_filter(struct sk_diags *out, size_t first, const char *text, size_t len,
		   const char *file, const struct sk_lint_opts *opts)
{
	struct lines ls = {0};
	struct filter f = {opts, file, NULL};
	/* no "scmpkit:ignore" anywhere: no need to look at lines */
	if (memmem(text, len, "scmpkit:ignore", 14)) {
		if (lines_init(&ls, text, len))
			return -ENOMEM;
		f.lines = &ls;
	}
	sk_diags_remove_if(out, first, drop, &f);
	free(ls.start);
	return 0;
}

/* ---- one text ------------------------------------------------------------- */

struct text {
	struct sk_lint_run *run;
	const char *text;
	size_t len;
	const char *file;
	bool as_localhost;
	struct sk_diags *out;  /* input errors and parse warnings go here at once */
	struct sk_diags found; /* findings, kept apart until the whole input parsed */
	struct sk_k8s_manifest *m;
	bool known, unknown;
	bool single; /* document 0 is a profile or a config.json: there is no other */
	struct sk_profile **pending; /* SeccompProfiles whose base is not known yet */
	size_t n_pending, cap_pending;
};

static struct sk_lint_env env_of(const struct text *t)
{
	return (struct sk_lint_env){.opts = t->run->opts, .as_localhost = t->as_localhost};
}

/* The profile at ROOT (a profile, or the config.json holding one), linted. */
static int lint_profile_at(struct text *t, const struct sk_doc_node *root)
{
	struct sk_profile *p = sk_profile_from_node(root, t->file, t->out);
	if (!p)
		return -EINVAL;
	struct sk_lint_env env = env_of(t);
	int e = sk_lint_profile_rules(p, &env, &t->found);
	sk_profile_free(p);
	return e;
}

/* A runc config.json: no_new_privs (P1) and a seccomp section (P4), then the
 * profile inside it. */
static int lint_runc_config(struct text *t, const struct sk_doc_node *root)
{
	const struct sk_doc_node *process = sk_doc_get(root, "process");
	const struct sk_doc_node *nnp = sk_doc_get(process, "noNewPrivileges");
	if (!sk_doc_true(nnp))
		sk_lint_report(&t->found, "P1-no-new-privs", t->file,
			       sk_k8s_pos(nnp ? nnp : sk_doc_key(root, "process")),
			       "set process.noNewPrivileges: true",
			       "process.noNewPrivileges is %s: the filter must then allow the "
			       "runtime's privilege-dropping calls, and setuid binaries gain "
			       "privileges",
			       nnp ? "false" : "not set");
	const struct sk_doc_node *linux_ = sk_doc_get(root, "linux");
	if (sk_doc_null(sk_doc_get(linux_, "seccomp"))) {
		sk_lint_report(&t->found, "P4-no-seccomp", t->file,
			       sk_k8s_pos(linux_ ? sk_doc_key(root, "linux") : root),
			       "add linux.seccomp (scmpkit record writes one)",
			       "config.json has no linux.seccomp: the container runs unconfined");
		return 0;
	}
	return lint_profile_at(t, root);
}

/* A profile file, or a runc config.json: one document without aliases. */
static int lint_single(struct text *t, const struct sk_doc *s, size_t d, enum input_kind k)
{
	const struct sk_doc_node *root = s->docs[d].root;
	if (d > 0) {
		sk_diags_add(t->out, SK_SEV_ERROR, t->file, root->pos.line, root->pos.col,
			     "parse-syntax", "more than one YAML document; a profile is one");
		return -EINVAL;
	}
	if (sk_doc_refuse_aliases(s, d, t->file, "profiles", "parse-syntax", t->out))
		return -EINVAL;
	t->single = true;
	return k == IN_RUNC_CONFIG ? lint_runc_config(t, root) : lint_profile_at(t, root);
}

/* Lint P, a SeccompProfile stacked on its base (or alone, with the base
 * unresolved: FINAL says no later document or file can give it). 1 when the
 * base is not known yet. */
int sk_lint_seccomp_profile(struct sk_lint_run *run, const struct sk_profile *p, bool final,
			    bool as_localhost, struct sk_diags *out)
{
	struct sk_lint_env env = {.opts = run->opts, .as_localhost = as_localhost};
	struct sk_diags why = {0};
	struct sk_profile *r = NULL;
	/* the run's SeccompProfiles, then those the caller gives */
	size_t n_more = run->opts ? run->opts->n_bases : 0, n = run->n_given + n_more;
	_sk_cleanup_free_ const struct sk_profile **given = malloc((n ? n : 1) * sizeof *given);
	if (!given)
		return -ENOMEM;
	if (run->n_given)
		memcpy(given, run->given, run->n_given * sizeof *given);
	if (n_more)
		memcpy(given + run->n_given, run->opts->bases, n_more * sizeof *given);
	int e = sk_profile_resolve_base(p, given, n, &r, &why);
	if (e == -ENOENT && !final) {
		sk_diags_free(&why);
		return 1;
	}
	if (e == -ENOENT || e == -ELOOP) {
		sk_lint_report(out, "spo-base-unresolved", p->file, p->spo_base_pos,
			       "lint the base profile together with this one, or name one the "
			       "operator publishes (runc-v1.4.2, crun-v1.26, ...)",
			       "SeccompProfile %s: %s; linted without it, so calls the profile may "
			       "lack are not checked",
			       p->spo_name ? p->spo_name : "", why.n ? why.v[0].message : "");
		env.base_unresolved = true;
		e = sk_lint_profile_rules(p, &env, out);
	} else if (!e) {
		e = sk_lint_profile_rules(r, &env, out);
	}
	sk_profile_free(r);
	sk_diags_free(&why);
	return e;
}

static int seccomp_profile(struct text *t, const struct sk_k8s_object *o)
{
	struct sk_profile *p = sk_profile_from_node(o->node, t->file, t->out);
	if (!p)
		return -EINVAL;
	struct sk_lint_run *run = t->run;
	if (SK_GROW(run->given, run->cap_given, run->n_given)) {
		sk_profile_free(p);
		return -ENOMEM;
	}
	run->given[run->n_given++] = p; /* the run's now: bases for the others */
	int e = sk_lint_seccomp_profile(run, p, false, t->as_localhost, &t->found);
	if (e == 1) {
		if (SK_GROW(t->pending, t->cap_pending, t->n_pending))
			return -ENOMEM;
		t->pending[t->n_pending++] = p;
		e = 0;
	}
	return e;
}

static int on_doc(void *ctx, const struct sk_doc *s, size_t d)
{
	struct text *t = ctx;
	const struct sk_doc_node *root = s->docs[d].root;
	if (t->single) {
		struct sk_pos at = root && root->pos.line ? root->pos
							  : (struct sk_pos){s->docs[d].line, 1};
		sk_diags_add(t->out, SK_SEV_ERROR, t->file, at.line, at.col, "parse-syntax",
			     "more than one YAML document; a profile is one");
		return -EINVAL;
	}
	enum input_kind k = detect_doc(root);
	t->unknown |= k == IN_UNKNOWN;
	t->known |= k != IN_UNKNOWN && k != IN_EMPTY;
	if (k == IN_PROFILE || k == IN_RUNC_CONFIG)
		return lint_single(t, s, d, k);
	if (k != IN_MANIFEST)
		return 0;
	struct sk_k8s_manifest *m = t->m;
	int e = sk_k8s_add_document(m, (unsigned)d, root);
	for (size_t i = 0; !e && i < m->n_profiles; i++)
		e = seccomp_profile(t, &m->profiles[i]);
	if (!e)
		e = sk_lint_manifest_run(t->run, m, t->as_localhost, &t->found);
	sk_k8s_forget_documents(m);
	return e;
}

/* The SeccompProfiles of this text still waiting for a base: linted now if
 * the rest of the text gave it, else handed to the run (with a copy of the
 * text, for its ignore comments) or, when FINAL, linted alone. */
static int settle_pending(struct text *t, bool final)
{
	for (size_t i = 0; i < t->n_pending; i++) {
		int e = sk_lint_seccomp_profile(t->run, t->pending[i], final, t->as_localhost,
						&t->found);
		if (e == 1)
			e = sk_lint_run_defer(t->run, t->pending[i], t->text, t->len, t->as_localhost);
		if (e < 0)
			return e;
	}
	return 0;
}

int sk_lint_run_text(struct sk_lint_run *run, const char *text, size_t len, const char *file,
		     bool as_localhost, bool final, struct sk_diags *out)
{
	size_t first = out->n;
	struct text t = {.run = run, .text = text, .len = len, .file = file,
			 .as_localhost = as_localhost, .out = out};
	t.m = sk_k8s_new(text, len, file);
	if (!t.m)
		return -ENOMEM;
	struct sk_doc s;
	int r = sk_doc_parse_each(text, len, file, NULL, on_doc, &t, &s, out);
	sk_doc_release(&s);
	if (!r)
		r = settle_pending(&t, final);
	if (!r)
		r = sk_diags_splice(out, &t.found);
	sk_diags_free(&t.found); /* broken input: its errors only, not the findings */
	sk_k8s_free(t.m);
	free(t.pending);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	if (sk_lint_filter(out, first, text, len, file, run->opts))
		return -ENOMEM;
	return t.known || !t.unknown ? 0 : -ENOTSUP;
}

int sk_lint_text(const char *text, size_t len, const char *file,
		 const struct sk_lint_opts *opts, struct sk_diags *out)
{
	struct sk_lint_run run;
	sk_lint_run_init(&run, opts);
	int r = sk_lint_run_text(&run, text, len, file, false, true, out);
	/* what Localhost profiles it read left waiting for a base */
	if (r >= 0 && sk_lint_run_finish(&run, out) < 0)
		r = -ENOMEM;
	sk_lint_run_free(&run);
	return r;
}

int sk_lint_file(const char *file, const struct sk_lint_opts *opts, struct sk_diags *out)
{
	struct sk_lint_run run;
	sk_lint_run_init(&run, opts);
	int r = sk_lint_run_file(&run, file, true, out);
	if (r >= 0 && sk_lint_run_finish(&run, out) < 0)
		r = -ENOMEM;
	sk_lint_run_free(&run);
	return r;
}
