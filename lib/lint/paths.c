/* SPDX-License-Identifier: Apache-2.0 */
/* Files and directories for lint: what to read, what to skip and say so.
 *
 * A file named on the command line must be something lint knows: when it is
 * broken or unknown, the run is bad input (exit 2). A directory is searched
 * for *.json, *.yaml and *.yml, and there lint takes what it finds as it
 * comes: Helm templates, kustomize patches and YAML of other tools are
 * skipped with a note each, and a broken file is a finding, never bad input. */
#include <scmpkit/fileio.h>
#include <scmpkit/lint.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint/lint_run.h"
#include "util/grow.h"

#define MAX_DIR_DEPTH 32 /* a symlink loop ends here */

static const char *shown(const char *path)
{
	return strcmp(path, "-") ? path : "stdin";
}

int sk_lint_run_file(struct sk_lint_run *run, const char *path, bool final,
		     struct sk_diags *out)
{
	char *text;
	size_t len;
	int r = sk_read_input(path, SK_INPUT_MANIFEST, &text, &len);
	if (r < 0) {
		sk_diags_add(out, SK_SEV_ERROR, shown(path), 0, 0, "read-error", "cannot read: %s",
			     sk_read_error(r, SK_INPUT_MANIFEST));
		return r;
	}
	r = sk_lint_run_text(run, text, len, shown(path), false, final, out);
	free(text);
	return r;
}

int sk_lint_run_defer(struct sk_lint_run *run, const struct sk_profile *p, const char *text,
		      size_t len, bool as_localhost)
{
	char *copy = malloc(len + 1);
	if (!copy || SK_GROW(run->pending, run->cap_pending, run->n_pending)) {
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	run->pending[run->n_pending++] = (struct sk_lint_pending){p, copy, len, as_localhost};
	return 0;
}

int sk_lint_run_finish(struct sk_lint_run *run, struct sk_diags *out)
{
	for (size_t i = 0; i < run->n_pending; i++) {
		const struct sk_lint_pending *w = &run->pending[i];
		size_t first = out->n;
		if (sk_lint_seccomp_profile(run, w->p, true, w->as_localhost, out) < 0 ||
		    sk_lint_filter(out, first, w->text, w->len, w->p->file, run->opts) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- directories ---------------------------------------------------------- */

struct walk {
	struct sk_lint_run run;
	struct sk_lint_result *res;
	struct dir_id { /* directories walked: a symlink back is not walked again */
		dev_t dev;
		ino_t ino;
	} *seen;
	size_t n_seen, cap_seen;
};

/* 1 when DIR was walked already, 0 when it is new (now remembered), -ENOMEM. */
static int seen_dir(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	if (SK_GROW(w->seen, w->cap_seen, w->n_seen))
		return -ENOMEM;
	w->seen[w->n_seen++] = (struct dir_id){st->st_dev, st->st_ino};
	return 0;
}

static bool lintable_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".json") || !strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
	char **v;
	size_t n, cap;
};

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
}

static int names_add(struct names *n, char *s)
{
	if (!s || SK_GROW(n->v, n->cap, n->n)) {
		free(s);
		return -ENOMEM;
	}
	n->v[n->n++] = s;
	return 0;
}

static bool names_has(const struct names *n, const char *s)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->v[i], s))
			return true;
	return false;
}

/* The files DIR's kustomization names as patches: partial objects that
 * kustomize merges into others, not manifests of their own. */
static int kustomize_patches(const char *dir, struct names *out)
{
	static const char *const names[] = {"kustomization.yaml", "kustomization.yml",
					    "Kustomization"};
	static const char *const lists[] = {"patchesStrategicMerge", "patches", "patchesJson6902"};
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		char *path = sk_lint_path_join(dir, names[k]);
		char *text;
		size_t len;
		if (!path)
			return -ENOMEM;
		int r = sk_read_input(path, SK_INPUT_MANIFEST, &text, &len);
		free(path);
		if (r < 0)
			continue;
		struct sk_doc s;
		struct sk_diags ignore = {0};
		r = sk_doc_parse(text, len, names[k], NULL, &s, &ignore);
		const struct sk_doc_node *root = !r && s.n_docs ? s.docs[0].root : NULL;
		for (size_t l = 0; !r && l < sizeof lists / sizeof *lists; l++) {
			const struct sk_doc_node *v = sk_doc_get(root, lists[l]);
			for (size_t i = 0; !r && v && v->type == SK_DOC_SEQ && i < v->n; i++) {
				const struct sk_doc_node *e = v->kids[i];
				const struct sk_doc_node *p = e->type == SK_DOC_MAP ? sk_doc_get(e, "path")
										    : e;
				if (p && p->type == SK_DOC_SCALAR && *p->str)
					r = names_add(out, sk_lint_path_join(dir, p->str));
			}
		}
		sk_doc_release(&s);
		sk_diags_free(&ignore);
		free(text);
		return r == -ENOMEM ? r : 0;
	}
	return 0;
}

__attribute__((format(printf, 3, 4))) static int skip(struct walk *w, const char *path,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = sk_diags_vadd(&w->res->skipped, SK_SEV_NOTE, path, 0, 0, "lint-skipped", fmt, ap);
	va_end(ap);
	return r;
}

/* The line of the first "{{" in TEXT, or 0: a Helm (Go) template. */
static unsigned template_line(const char *text, size_t len)
{
	const char *t = memmem(text, len, "{{", 2);
	if (!t)
		return 0;
	unsigned line = 1;
	for (const char *p = text; p < t; p++)
		line += *p == '\n';
	return line;
}

/* A file found in a directory. */
static int found_file(struct walk *w, const char *path)
{
	char *text;
	size_t len;
	struct sk_diags *out = &w->res->findings;
	int r = sk_read_input(path, SK_INPUT_MANIFEST, &text, &len);
	if (r < 0)
		return sk_diags_add(out, SK_SEV_ERROR, path, 0, 0, "read-error", "cannot read: %s",
				    sk_read_error(r, SK_INPUT_MANIFEST));
	struct sk_diags d = {0};
	r = sk_lint_run_text(&w->run, text, len, path, false, false, &d);
	unsigned helm = r == -EINVAL ? template_line(text, len) : 0;
	free(text);
	if (helm) {
		sk_diags_free(&d);
		return skip(w, path,
			    "skipped: a Helm template ('{{' at line %u), not YAML until rendered: lint "
			    "what it renders (helm template CHART | scmpkit lint -)",
			    helm);
	}
	if (r == -ENOTSUP)
		r = skip(w, path,
			 "skipped: not a Kubernetes manifest, a seccomp profile or a runc config.json");
	if (r == -ENOMEM || sk_diags_splice(out, &d)) {
		sk_diags_free(&d);
		return -ENOMEM;
	}
	sk_diags_free(&d);
	return 0;
}

static int walk_dir(struct walk *w, const char *dir, bool named, int depth);

static int walk_entry(struct walk *w, const char *path, const struct names *patches, int depth)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk_dir(w, path, false, depth + 1);
	const char *base = strrchr(path, '/');
	if (!lintable_name(base ? base + 1 : path))
		return 0;
	if (names_has(patches, path))
		return skip(w, path,
			    "skipped: a patch the kustomization beside it merges into other objects: "
			    "lint what kustomize writes (kustomize build DIR | scmpkit lint -)");
	return found_file(w, path);
}

static int walk_dir(struct walk *w, const char *dir, bool named, int depth)
{
	if (depth > MAX_DIR_DEPTH)
		return skip(w, dir, "skipped: more than %d directories deep", MAX_DIR_DEPTH);
	struct stat st;
	int seen = stat(dir, &st) ? 0 : seen_dir(w, &st);
	if (seen)
		return seen < 0 ? seen : skip(w, dir, "skipped: a directory linted already (a symlink)");
	DIR *d = opendir(dir);
	if (!d) {
		w->res->bad_input |= named;
		return sk_diags_add(&w->res->findings, SK_SEV_ERROR, dir, 0, 0, "read-error",
				    "cannot read the directory: %s", strerror(errno));
	}
	struct names entries = {0}, patches = {0};
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			r = names_add(&entries, sk_lint_path_join(dir, e->d_name));
	closedir(d);
	if (!r)
		r = kustomize_patches(dir, &patches);
	if (!r)
		qsort(entries.v, entries.n, sizeof *entries.v, cmp_str);
	for (size_t i = 0; !r && i < entries.n; i++)
		r = walk_entry(w, entries.v[i], &patches, depth);
	names_free(&entries);
	names_free(&patches);
	return r;
}

/* A path named on the command line. */
static int named_path(struct walk *w, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk_dir(w, path, true, 0);
	struct sk_diags *out = &w->res->findings;
	int r = sk_lint_run_file(&w->run, path, false, out);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOTSUP &&
	    sk_diags_add(out, SK_SEV_ERROR, shown(path), 0, 0, "unknown-input",
			 "neither a seccomp profile, a Kubernetes manifest nor a runc config.json"))
		return -ENOMEM;
	w->res->bad_input |= r < 0;
	return 0;
}

int sk_lint_paths(const char *const *paths, size_t n, const struct sk_lint_opts *opts,
		  struct sk_lint_result *res)
{
	memset(res, 0, sizeof *res);
	struct walk w = {.res = res};
	sk_lint_run_init(&w.run, opts);
	int r = 0;
	for (size_t i = 0; !r && i < n; i++)
		r = named_path(&w, paths[i]);
	if (!r)
		r = sk_lint_run_finish(&w.run, &res->findings);
	sk_lint_run_free(&w.run);
	free(w.seen);
	sk_diags_sort(&res->findings);
	return r;
}

void sk_lint_result_free(struct sk_lint_result *res)
{
	sk_diags_free(&res->findings);
	sk_diags_free(&res->skipped);
	res->bad_input = false;
}
