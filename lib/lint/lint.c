/* Lint driver: detect the input, run the rules, honour --disable and inline
 * "# scmpkit:ignore RULE" comments. */
#include <scmpkit/fileio.h>
#include <scmpkit/lint.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "k8s/internal.h"
#include "lint/internal.h"

enum input_kind { IN_UNKNOWN, IN_EMPTY, IN_MANIFEST, IN_PROFILE, IN_RUNC_CONFIG };

/* What one document says the input is; IN_EMPTY when it says nothing (a null
 * document), IN_UNKNOWN when it is something lint does not know. */
static enum input_kind detect_doc(const struct sk_ynode *r)
{
	if (!r || (r->type == SK_Y_SCALAR && sk_ynull(r)))
		return IN_EMPTY;
	if (r->type != SK_Y_MAP)
		return IN_UNKNOWN;
	if (sk_ymap_get(r, "apiVersion") && sk_ymap_get(r, "kind"))
		return sk_yis(sk_ymap_get(r, "kind"), "SeccompProfile") ? IN_PROFILE : IN_MANIFEST;
	if (sk_ymap_get(r, "ociVersion") || sk_ymap_get(r, "process"))
		return IN_RUNC_CONFIG;
	if (sk_ymap_get(r, "defaultAction") || sk_ymap_get(r, "syscalls"))
		return IN_PROFILE;
	return IN_UNKNOWN;
}

/* The first document that tells decides; otherwise unknown (or empty). */
static enum input_kind detect(const struct sk_ystream *s)
{
	bool any = false;
	for (size_t d = 0; d < s->n_docs; d++) {
		enum input_kind k = detect_doc(s->docs[d].root);
		if (k == IN_EMPTY)
			continue;
		any = true;
		if (k != IN_UNKNOWN)
			return k;
	}
	return any ? IN_UNKNOWN : IN_EMPTY;
}

/* A runc config.json: no_new_privs (P1) and a seccomp section (P4), then the
 * profile inside it. */
static int lint_runc_config(const char *text, size_t len, const char *file,
			    const struct sk_ynode *root, const struct sk_lint_opts *opts,
			    struct sk_diags *out)
{
	const struct sk_ynode *process = sk_ymap_get(root, "process");
	const struct sk_ynode *nnp = sk_ymap_get(process, "noNewPrivileges");
	if (!sk_ytrue(nnp))
		sk_lint_report(out, "P1-no-new-privs", file,
			       sk_k8s_pos(nnp ? nnp : sk_ymap_key(root, "process")),
			       "set process.noNewPrivileges: true",
			       "process.noNewPrivileges is %s: the filter must then allow the "
			       "runtime's privilege-dropping calls, and setuid binaries gain "
			       "privileges",
			       nnp ? "false" : "not set");
	const struct sk_ynode *linux_ = sk_ymap_get(root, "linux");
	if (sk_ynull(sk_ymap_get(linux_, "seccomp"))) {
		sk_lint_report(out, "P4-no-seccomp", file,
			       sk_k8s_pos(linux_ ? sk_ymap_key(root, "linux") : root),
			       "add linux.seccomp (scmpkit record writes one)",
			       "config.json has no linux.seccomp: the container runs unconfined");
		return 0;
	}
	struct sk_profile *p = sk_profile_parse(text, len, file, out);
	if (!p)
		return -EINVAL;
	sk_lint_profile(p, opts, out);
	sk_profile_free(p);
	return 0;
}

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

/* Drop the findings from FIRST on that are disabled or ignored in FILE. */
static void filter(struct sk_diags *out, size_t first, const char *text, size_t len,
		   const char *file, const struct sk_lint_opts *opts)
{
	size_t w = first;
	struct lines ls = {0};
	/* no "scmpkit:ignore" anywhere: no need to look at lines */
	bool any_ignore = memmem(text, len, "scmpkit:ignore", 14) != NULL;
	if (any_ignore && lines_init(&ls, text, len))
		any_ignore = false;
	for (size_t i = first; i < out->n; i++) {
		struct sk_diag *g = &out->v[i];
		bool here = g->file && file && !strcmp(g->file, file);
		bool lint_rule = g->rule && sk_lint_rule_find(g->rule);
		if (lint_rule && (disabled(opts, g->rule) ||
				  (any_ignore && here && ignored(&ls, g->line, g->rule)))) {
			free(g->file);
			free(g->rule);
			free(g->message);
			free(g->fix);
			free(g->practice);
			continue;
		}
		out->v[w++] = *g;
	}
	out->n = w;
	free(ls.start);
}

/* Manifests are linted document by document as they are parsed, so that a
 * stream of 10,000 workloads never holds more than one document's tree. */
struct stream {
	const struct sk_lint_opts *opts;
	struct sk_diags found; /* kept apart until the whole input parsed */
	enum input_kind kind;  /* as far as decided */
	bool any;
};

#define STOP_STREAMING 1

static int lint_doc(void *ctx, const struct sk_k8s_manifest *m, const struct sk_ynode *root)
{
	struct stream *st = ctx;
	if (st->kind == IN_EMPTY || st->kind == IN_UNKNOWN) {
		enum input_kind k = detect_doc(root);
		st->any |= k != IN_EMPTY;
		if (k != IN_EMPTY && k != IN_UNKNOWN)
			st->kind = k;
	}
	if (st->kind == IN_MANIFEST)
		return sk_lint_manifest(m, st->opts, &st->found);
	/* profiles and runc configs are small: read the whole input again */
	return st->kind == IN_EMPTY || st->kind == IN_UNKNOWN ? 0 : STOP_STREAMING;
}

/* The whole-input path, for profiles and runc configs. */
static int lint_whole(const char *text, size_t len, const char *file,
		      const struct sk_lint_opts *opts, struct sk_diags *out)
{
	struct sk_k8s_manifest *m = sk_k8s_parse(text, len, file, out);
	if (!m)
		return -EINVAL;
	const struct sk_ystream *s = sk_k8s_stream(m);
	int r = 0;
	switch (detect(s)) {
	case IN_EMPTY:
		break;
	case IN_UNKNOWN:
		r = -ENOTSUP;
		break;
	case IN_MANIFEST:
		r = sk_lint_manifest(m, opts, out);
		break;
	case IN_RUNC_CONFIG:
		for (size_t d = 0; d < s->n_docs; d++)
			if (s->docs[d].root && s->docs[d].root->type == SK_Y_MAP) {
				r = lint_runc_config(text, len, file, s->docs[d].root, opts, out);
				break;
			}
		break;
	case IN_PROFILE: {
		struct sk_profile *p = sk_profile_parse(text, len, file, out);
		if (!p) {
			r = -EINVAL;
			break;
		}
		r = sk_lint_profile(p, opts, out);
		sk_profile_free(p);
		break;
	}
	}
	sk_k8s_free(m);
	return r;
}

int sk_lint_text(const char *text, size_t len, const char *file,
		 const struct sk_lint_opts *opts, struct sk_diags *out)
{
	size_t first = out->n;
	struct stream st = {.opts = opts, .kind = IN_EMPTY};
	int r = sk_k8s_parse_each(text, len, file, lint_doc, &st, out);
	if (r == STOP_STREAMING) {
		sk_diags_free(&st.found);
		r = lint_whole(text, len, file, opts, out);
	} else if (r < 0) {
		/* broken input: its errors only, not the findings before them */
		sk_diags_free(&st.found);
		return r == -ENOMEM ? r : -EINVAL;
	} else {
		r = st.kind == IN_MANIFEST ? sk_diags_splice(out, &st.found)
		    : st.any	       ? -ENOTSUP
				       : 0;
		sk_diags_free(&st.found);
	}
	filter(out, first, text, len, file, opts);
	return r;
}

int sk_lint_file(const char *file, const struct sk_lint_opts *opts, struct sk_diags *out)
{
	char *text;
	size_t len;
	int r = sk_read_input(file, SK_INPUT_MANIFEST, &text, &len);
	if (r < 0) {
		sk_diags_add(out, SK_SEV_ERROR, file, 0, 0, "read-error", "cannot read: %s",
			     sk_read_error(r, SK_INPUT_MANIFEST));
		return r;
	}
	r = sk_lint_text(text, len, file, opts, out);
	free(text);
	return r;
}
