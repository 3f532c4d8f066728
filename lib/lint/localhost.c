/* SPDX-License-Identifier: Apache-2.0 */
/* The Localhost profiles a manifest names, under --profiles-dir (the
 * kubelet's seccomp root): the driver reads each once per run, lints it with
 * its findings pointing into it, and tells the manifest's rules which ones
 * are missing. The rules never touch the file system. */
#include <scmpkit/fileio.h>
#include <scmpkit/lint.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lint/lint_run.h"
#include "util/grow.h"
#include "util/strbuf.h"

/* DIR/PATH, without a doubled slash. */
char *sk_lint_path_join(const char *dir, const char *path)
{
	struct sk_sb sb = SK_SB_INIT;
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	sk_sb_add(&sb, dir, dl);
	if (!(dl == 1 && dir[0] == '/'))
		sk_sb_addc(&sb, '/');
	sk_sb_adds(&sb, path + strspn(path, "/"));
	return sk_sb_detach(&sb, NULL);
}

/* Why a Localhost profile under DIR is no profile the kubelet can load. */
static char *missing_why(int err, const char *dir)
{
	struct sk_sb sb = SK_SB_INIT;
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		sk_sb_addf(&sb, "does not exist under %s", dir);
		break;
	case -EISDIR:
		sk_sb_addf(&sb, "under %s is a directory, not a profile", dir);
		break;
	case -ENODEV:
		sk_sb_addf(&sb, "under %s is not a regular file", dir);
		break;
	case -ENODATA:
		sk_sb_addf(&sb, "under %s is empty: the kubelet cannot load it", dir);
		break;
	case -ENOTSUP:
		sk_sb_addf(&sb, "under %s is no seccomp profile", dir);
		break;
	default:
		sk_sb_addf(&sb, "under %s cannot be read: %s", dir, sk_read_error(err, SK_INPUT_PROFILE));
	}
	return sk_sb_detach(&sb, NULL);
}

/* Read and lint the Localhost profile LP once; SEEN is its entry. */
static int look_up(struct sk_lint_run *run, const char *lp, struct sk_diags *out,
		   struct sk_lint_seen **seen)
{
	for (size_t i = 0; i < run->n_seen; i++)
		if (!strcmp(run->seen[i].path, lp)) {
			*seen = &run->seen[i];
			return 0;
		}
	char *full = sk_lint_path_join(run->opts->profiles_dir, lp);
	char *copy = strdup(lp);
	if (!full || !copy || SK_GROW(run->seen, run->cap_seen, run->n_seen)) {
		free(full);
		free(copy);
		return -ENOMEM;
	}
	size_t at = run->n_seen++;
	run->seen[at] = (struct sk_lint_seen){copy, NULL};
	char *text = NULL;
	size_t len;
	struct stat st;
	/* the kubelet hands the runtime a regular file: a FIFO or a device is
	 * no profile even when it can be read */
	int r = stat(full, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)
			? -ENODEV
			: sk_read_input(full, SK_INPUT_PROFILE, &text, &len);
	if (r >= 0 && strspn(text, " \t\r\n") == len) {
		free(text);
		r = -ENODATA;
	}
	if (r < 0) {
		run->seen[at].missing = missing_why(r, run->opts->profiles_dir);
		r = run->seen[at].missing ? 0 : -ENOMEM;
	} else {
		/* its findings point into it; broken input there is an error
		 * finding too, since the kubelet would refuse to start the pod */
		run->depth++;
		r = sk_lint_run_text(run, text, len, full, true, false, out);
		run->depth--;
		free(text);
		if (r == -ENOTSUP) {
			run->seen[at].missing = missing_why(r, run->opts->profiles_dir);
			r = run->seen[at].missing ? 0 : -ENOMEM;
		}
	}
	free(full);
	*seen = &run->seen[at]; /* the array may have moved while linting */
	return r == -ENOMEM ? r : 0;
}

static int gather_one(struct sk_lint_run *run, const struct sk_k8s_seccomp *s,
		      struct sk_lint_localhost **v, size_t *n, size_t *cap, struct sk_diags *out)
{
	if (s->type != SK_SECCOMP_LOCALHOST || !s->localhost || !*s->localhost ||
	    sk_lint_localhost_problem(s->localhost))
		return 0;
	struct sk_lint_seen *seen;
	int r = look_up(run, s->localhost, out, &seen);
	if (r)
		return r;
	if (SK_GROW(*v, *cap, *n))
		return -ENOMEM;
	(*v)[(*n)++] = (struct sk_lint_localhost){s->localhost, seen->missing};
	return 0;
}

int sk_lint_manifest_run(struct sk_lint_run *run, const struct sk_k8s_manifest *m,
			 bool as_localhost, struct sk_diags *out)
{
	(void)as_localhost;
	struct sk_lint_localhost *v = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	if (run->opts && run->opts->profiles_dir && !run->depth)
		for (size_t i = 0; !r && i < m->n_pods; i++) {
			const struct sk_k8s_pod *p = &m->pods[i];
			if (p->windows)
				continue;
			r = gather_one(run, &p->seccomp, &v, &n, &cap, out);
			for (size_t c = 0; !r && c < p->n_containers; c++)
				r = gather_one(run, &p->containers[c].seccomp, &v, &n, &cap, out);
		}
	struct sk_lint_env env = {.opts = run->opts, .localhost = v, .n_localhost = n};
	if (!r)
		r = sk_lint_manifest_rules(m, &env, out);
	free(v);
	return r;
}

int sk_lint_manifest(const struct sk_k8s_manifest *m, const struct sk_lint_opts *opts,
		     struct sk_diags *out)
{
	struct sk_lint_run run;
	sk_lint_run_init(&run, opts);
	int r = sk_lint_manifest_run(&run, m, false, out);
	if (!r)
		r = sk_lint_run_finish(&run, out);
	sk_lint_run_free(&run);
	return r;
}
