/* SPDX-License-Identifier: Apache-2.0 */
/* node-sync: make ROOT/SUBDIR hold exactly the profiles of the sources that
 * pass, changing only files node-sync wrote (distribute.h).
 *
 * One sync is three steps, each unable to undo the one before:
 *   1. gather: read every source into a snapshot and prepare each profile;
 *      a source that cannot be read stops the sync before anything changes
 *      (an unreadable ConfigMap must not look like an empty one and remove
 *      every profile of the node);
 *   2. plan: compare each wanted file with what is on disk and what the
 *      manifest says we wrote; a file we did not write, or that someone
 *      changed since, is never touched;
 *   3. apply: the manifest first records the digests both before and after
 *      (so a crash between it and a rename loses no ownership), then the
 *      renames and removals, then the final manifest. Nothing changed means
 *      nothing written: a second sync is a no-op under ROOT. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <scmpkit/fileio.h>

#include "distribute/internal.h"
#include "util/cleanup.h"
#include "util/grow.h"
#include "util/strbuf.h"

/* One wanted file, with what it takes to install it. */
struct want {
	struct sk_sync_item *item;
	char *json; /* the prepared profile; NULL when rejected */
	char digest[SK_DIGEST_LEN];
	bool write;
};

struct sync {
	const struct sk_sync_opts *opts;
	struct sk_sync_result *res;
	size_t cap;
	struct want *wants;
	size_t n_wants, wants_cap;
};

static struct sk_sync_item *new_item(struct sync *s, const char *name, const char *source,
				     enum sk_sync_what what)
{
	struct sk_sync_result *res = s->res;
	if (SK_GROW(res->items, s->cap, res->n) < 0)
		return NULL;
	struct sk_sync_item *it = &res->items[res->n];
	memset(it, 0, sizeof *it);
	it->what = what;
	if ((name && !(it->name = strdup(name))) || !(it->source = strdup(source))) {
		free(it->name);
		return NULL;
	}
	res->n++;
	return it;
}

void sk_sync_result_free(struct sk_sync_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->items[i].name);
		free(res->items[i].source);
		sk_diags_free(&res->items[i].diags);
	}
	free(res->items);
	sk_diags_free(&res->errors);
	free(res->dir);
	free(res->subdir);
	memset(res, 0, sizeof *res);
}

/* ---- 1. gather -------------------------------------------------------------- */

static int add_want(struct sync *s, struct sk_sync_item *it, char *json)
{
	if (SK_GROW(s->wants, s->wants_cap, s->n_wants) < 0) {
		free(json);
		return -ENOMEM;
	}
	struct want *w = &s->wants[s->n_wants++];
	memset(w, 0, sizeof *w);
	w->item = it;
	w->json = json;
	return json ? sk_digest(json, strlen(json), w->digest) : 0; /* -ELIBACC: no libcrypto */
}

/* A profile from a source: prepared now, so that the plan knows whether it
 * can be installed. BASES are the source's SeccompProfiles. */
static int gather_profile(struct sync *s, const char *name, const char *shown, const char *text,
			  size_t len, const struct sk_bases *bases)
{
	struct sk_sync_item *it = new_item(s, name, shown, SK_SYNC_ADDED);
	if (!it)
		return -ENOMEM;
	struct sk_prepare_opts po = {.arch = s->opts->arch,
				     .bases = (const struct sk_profile *const *)bases->v,
				     .n_bases = bases->n};
	char *json = sk_profile_for_node(text, len, shown, &po, &it->diags);
	if (!json)
		it->what = SK_SYNC_REJECTED;
	return add_want(s, it, json);
}

static int gather_dir(struct sync *s, const char *dir)
{
	struct sk_src src;
	struct sk_bases bases = {0};
	int r = sk_src_read_dir(dir, &src, &s->res->errors);
	if (r < 0)
		return r;
	for (size_t i = 0; !r && i < src.n; i++)
		if (!src.v[i].ignored)
			r = sk_bases_add(&bases, src.v[i].text, src.v[i].len, src.v[i].shown);
	for (size_t i = 0; !r && i < src.n; i++) {
		const struct sk_src_file *f = &src.v[i];
		if (f->ignored) {
			struct sk_sync_item *it = new_item(s, NULL, f->shown, SK_SYNC_IGNORED);
			r = !it ? -ENOMEM
				: sk_diags_add(&it->diags, SK_SEV_NOTE, f->shown, 0, 0, "sync-ignored",
					       "%s", f->ignored);
			continue;
		}
		char name[256];
		sk_src_profile_name(f->name, name, sizeof name);
		r = gather_profile(s, name, f->shown, f->text, f->len, &bases);
	}
	sk_bases_free(&bases);
	sk_src_free(&src);
	return r;
}

/* An oci:// source: the one profile of the artifact, installed as the
 * repository's last component (team/web -> web.json), as the operator names
 * the profiles it pulls. Pulled at every sync, so a moved tag arrives; a
 * registry that cannot be reached fails the sync, and nothing is removed. */
static int gather_oci(struct sync *s, const char *src)
{
	struct sk_oci_ref ref;
	int r = sk_oci_ref_parse(src, &ref, &s->res->errors);
	if (r < 0)
		return r;
	const char *base = strrchr(ref.repository, '/');
	char file[256], name[256];
	snprintf(file, sizeof file, "%s.json", base ? base + 1 : ref.repository);
	sk_oci_ref_free(&ref);
	if (!sk_src_profile_name(file, name, sizeof name)) {
		sk_diags_add(&s->res->errors, SK_SEV_ERROR, src, 0, 0, "sync-source",
			     "the repository's last component cannot name a profile file");
		return -EINVAL;
	}
	char *data = NULL, digest[SK_DIGEST_LEN];
	size_t len = 0;
	if ((r = sk_oci_pull(src, s->opts->registry, &data, &len, digest, &s->res->errors)) < 0)
		return r;
	static const struct sk_bases none; /* an artifact is one profile: published bases only */
	r = gather_profile(s, name, src, data, len, &none);
	free(data);
	return r;
}

/* Two sources for one installed name (web.json and web.yaml): neither wins,
 * since which one would is an accident of order. */
static void reject_twins(struct sync *s)
{
	for (size_t i = 0; i < s->n_wants; i++) {
		for (size_t j = i + 1; j < s->n_wants; j++) {
			struct sk_sync_item *a = s->wants[i].item, *b = s->wants[j].item;
			if (strcmp(a->name, b->name))
				continue;
			struct sk_sync_item *pair[2] = {a, b};
			for (int k = 0; k < 2; k++) {
				pair[k]->what = SK_SYNC_REJECTED;
				sk_diags_add(&pair[k]->diags, SK_SEV_ERROR, pair[k]->source, 0, 0,
					     "sync-duplicate",
					     "both %s and %s would be installed as %s: rename one",
					     a->source, b->source, a->name);
			}
			free(s->wants[i].json);
			free(s->wants[j].json);
			s->wants[i].json = s->wants[j].json = NULL;
		}
	}
}

static int gather(struct sync *s)
{
	int r = 0;
	for (size_t i = 0; !r && i < s->opts->n_sources; i++) {
		const char *src = s->opts->sources[i];
		r = strncmp(src, "oci://", 6) ? gather_dir(s, src) : gather_oci(s, src);
	}
	if (!r)
		reject_twins(s);
	return r;
}

/* ---- 2. plan ---------------------------------------------------------------- */

static int plan_want(struct sync *s, int dfd, struct sk_own *own, struct want *w)
{
	struct sk_sync_item *it = w->item;
	struct sk_own_entry *e = sk_own_find(own, it->name);
	char ondisk[SK_DIGEST_LEN];
	int st = sk_own_state(dfd, it->name, e, ondisk);
	if (st < 0)
		return st;
	if (st == SK_OWN_FOREIGN) {
		/* ours once, changed by someone since: no longer ours */
		if (it->what != SK_SYNC_REJECTED) {
			sk_diags_add(&it->diags, SK_SEV_ERROR, it->source, 0, 0, "sync-foreign",
				     "%s/%s exists and node-sync did not write it%s: left alone",
				     s->res->dir, it->name, e ? " (or it was changed since)" : "");
			it->what = SK_SYNC_REJECTED;
		}
		if (e)
			sk_own_remove(own, e);
		return 0;
	}
	if (it->what == SK_SYNC_REJECTED) {
		it->kept = st == SK_OWN_OURS;
		if (it->kept)
			snprintf(it->digest, sizeof it->digest, "%s", ondisk);
		return 0;
	}
	snprintf(it->digest, sizeof it->digest, "%s", w->digest);
	if (st == SK_OWN_OURS && !strcmp(ondisk, w->digest)) {
		it->what = SK_SYNC_UNCHANGED;
		return 0;
	}
	it->what = st == SK_OWN_OURS ? SK_SYNC_UPDATED : SK_SYNC_ADDED;
	w->write = true;
	return 0;
}

/* Files the manifest lists that no source names any more: removed when they
 * are still what we wrote. */
static int plan_removals(struct sync *s, int dfd, struct sk_own *own, bool *removals)
{
	for (size_t i = 0; i < own->n;) {
		struct sk_own_entry *e = &own->v[i];
		bool wanted = false;
		for (size_t k = 0; k < s->n_wants && !wanted; k++)
			wanted = !strcmp(s->wants[k].item->name, e->name);
		if (wanted) {
			i++;
			continue;
		}
		char ondisk[SK_DIGEST_LEN];
		int st = sk_own_state(dfd, e->name, e, ondisk);
		if (st < 0)
			return st;
		if (st == SK_OWN_OURS) {
			struct sk_sync_item *it =
				new_item(s, e->name, e->source ? e->source : "?", SK_SYNC_REMOVED);
			if (!it)
				return -ENOMEM;
			*removals = true;
			i++;
			continue;
		}
		sk_own_remove(own, e); /* gone, or someone else's now: forget it */
	}
	return 0;
}

/* ---- 3. apply --------------------------------------------------------------- */

static int record_intent(struct sync *s, struct sk_own *own)
{
	for (size_t i = 0; i < s->n_wants; i++) {
		struct want *w = &s->wants[i];
		if (!w->write)
			continue;
		struct sk_own_entry *e = sk_own_find(own, w->item->name);
		if (!e && !(e = sk_own_add(own, w->item->name)))
			return -ENOMEM;
		snprintf(e->prev, sizeof e->prev, "%s", w->item->what == SK_SYNC_UPDATED ? e->digest : "");
		snprintf(e->digest, sizeof e->digest, "%s", w->digest);
		free(e->source);
		if (!(e->source = strdup(w->item->source)))
			return -ENOMEM;
	}
	return 0;
}

static int apply(struct sync *s, int dfd, struct sk_own *own, bool removals)
{
	bool writes = false;
	for (size_t i = 0; i < s->n_wants; i++)
		writes |= s->wants[i].write;
	if (!writes && !removals)
		return 0;
	int r = record_intent(s, own);
	if (!r && writes)
		r = sk_own_save(dfd, own);
	for (size_t i = 0; !r && i < s->n_wants; i++) {
		struct want *w = &s->wants[i];
		if (!w->write)
			continue;
		int e = sk_own_install(dfd, w->item->name, w->json, strlen(w->json));
		if (e < 0) {
			sk_diags_add(&w->item->diags, SK_SEV_ERROR, w->item->source, 0, 0, "sync-write",
				     "cannot install %s/%s: %s", s->res->dir, w->item->name,
				     strerror(-e));
			w->item->what = SK_SYNC_REJECTED;
			continue;
		}
		s->res->changes++;
		sk_own_find(own, w->item->name)->prev[0] = 0;
	}
	for (size_t i = 0; !r && i < s->res->n; i++) {
		struct sk_sync_item *it = &s->res->items[i];
		if (it->what != SK_SYNC_REMOVED)
			continue;
		if (unlinkat(dfd, it->name, 0) < 0 && errno != ENOENT) {
			sk_diags_add(&it->diags, SK_SEV_ERROR, it->source, 0, 0, "sync-write",
				     "cannot remove %s/%s: %s", s->res->dir, it->name, strerror(errno));
			continue;
		}
		s->res->changes++;
		sk_own_remove(own, sk_own_find(own, it->name));
	}
	return r ? r : sk_own_save(dfd, own);
}

static void fail(struct sk_sync_result *res, int err, const char *what)
{
	res->failed = true;
	if (!sk_diags_count(&res->errors, SK_SEV_ERROR) || err == -ENOMEM)
		sk_diags_add(&res->errors, SK_SEV_ERROR, res->dir, 0, 0, "sync-failed", "%s: %s", what,
			     strerror(-err));
}

static int install(struct sync *s)
{
	struct sk_sync_result *res = s->res;
	_sk_cleanup_close_ int dfd = sk_own_open_dir(s->opts->root, res->subdir, &res->errors);
	if (dfd < 0) {
		res->failed = true;
		return dfd;
	}
	sk_own_clean_tmp(dfd);
	_sk_cleanup_free_ char *shown = NULL;
	if (asprintf(&shown, "%s/%s", res->dir, SK_OWN_FILE) < 0)
		return -ENOMEM;
	struct sk_own own;
	int r = sk_own_load(dfd, shown, &own, &res->errors);
	if (r < 0) {
		sk_diags_set_fix(&res->errors, "node-sync will not guess what it owns: move the file "
					       "away and remove the profiles it installed by hand");
		res->failed = true;
		return r;
	}
	bool removals = false;
	for (size_t i = 0; !r && i < s->n_wants; i++)
		r = plan_want(s, dfd, &own, &s->wants[i]);
	if (!r)
		r = plan_removals(s, dfd, &own, &removals);
	if (!r)
		r = apply(s, dfd, &own, removals);
	if (r < 0)
		fail(res, r, "cannot update the install directory");
	sk_own_free(&own);
	return r;
}

/* After a failed sync no profile counts as installed by it: say so on each
 * instead of leaving them in their provisional state. */
static void unplanned(struct sk_sync_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct sk_sync_item *it = &res->items[i];
		if (it->what == SK_SYNC_REJECTED || it->what == SK_SYNC_IGNORED)
			continue;
		it->what = SK_SYNC_REJECTED;
		it->kept = false;
		it->digest[0] = 0;
		sk_diags_add(&it->diags, SK_SEV_ERROR, it->source, 0, 0, "sync-failed",
			     "not installed: the sync failed (see its errors)");
	}
}

static int write_status(const struct sk_sync_opts *o, struct sk_sync_result *res)
{
	if (!o->status)
		return 0;
	_sk_cleanup_free_ char *json = sk_sync_status_json(res);
	int r = json ? sk_write_file_atomic(o->status, json, strlen(json)) : -ENOMEM;
	if (r < 0)
		sk_diags_add(&res->errors, SK_SEV_ERROR, o->status, 0, 0, "sync-status",
			     "cannot write the status file: %s", sk_write_error(r));
	return r;
}

int sk_node_sync_once(const struct sk_sync_opts *o, struct sk_sync_result *res)
{
	memset(res, 0, sizeof *res);
	struct sync s = {.opts = o, .res = res};
	const char *subdir = o->subdir ? o->subdir : "scmpkit";
	int r = 0;
	if (!(res->subdir = strdup(subdir)) || asprintf(&res->dir, "%s/%s", o->root, subdir) < 0) {
		res->dir = NULL;
		r = -ENOMEM;
	}
	if (!r && (r = gather(&s)) < 0)
		fail(res, r, "cannot read the sources; nothing was changed");
	if (!r)
		r = install(&s);
	if (res->failed)
		unplanned(res);
	for (size_t i = 0; i < s.n_wants; i++)
		free(s.wants[i].json);
	free(s.wants);
	clock_gettime(CLOCK_REALTIME, &res->when);
	int w = write_status(o, res);
	if (r < 0)
		return r;
	for (size_t i = 0; i < res->n; i++)
		if (res->items[i].what == SK_SYNC_REJECTED)
			return -EINVAL;
	return w;
}

/* ---- the loop ---------------------------------------------------------------- */

static void watch_sources(int ifd, const struct sk_sync_opts *o)
{
	/* added again before each wait: a directory that appeared since (a
	 * mount that came late) is then watched too; adding a watch twice is
	 * harmless */
	for (size_t i = 0; i < o->n_sources; i++)
		if (strncmp(o->sources[i], "oci://", 6))
			inotify_add_watch(ifd, o->sources[i],
					  IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
						  IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR);
}

static void drain(int fd)
{
	char buf[4096];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Wait for a signal (1), a change in a source (0, after a short settling
 * time: the kubelet writes a ConfigMap in several steps) or the interval (0). */
static int wait_next(int sfd, int ifd, int timeout_ms)
{
	struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN}, {.fd = ifd, .events = POLLIN}};
	int n = poll(fds, ifd >= 0 ? 2 : 1, timeout_ms);
	if (n < 0 && errno != EINTR)
		return -errno;
	if (n > 0 && !(fds[0].revents & POLLIN) && (fds[1].revents & POLLIN)) {
		n = poll(fds, 1, 200);
		drain(ifd);
	}
	return n > 0 && (fds[0].revents & POLLIN) ? 1 : 0;
}

int sk_node_sync_loop(const struct sk_sync_opts *o, unsigned interval_ms, sk_sync_report_fn report,
		      void *data)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* blocked for the whole loop, so a SIGTERM during a sync waits for it to
	 * end and is then read from the signalfd: never half an install */
	_sk_cleanup_sigmask_ struct sk_sigmask_guard guard = {0};
	if (sigprocmask(SIG_BLOCK, &set, &guard.old) < 0)
		return -errno;
	guard.active = 1;
	_sk_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return -errno;
	_sk_cleanup_close_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	for (;;) {
		struct sk_sync_result res;
		sk_node_sync_once(o, &res);
		if (report)
			report(&res, data);
		sk_sync_result_free(&res);
		if (ifd >= 0)
			watch_sources(ifd, o);
		int r = wait_next(sfd, ifd, interval_ms > INT_MAX ? INT_MAX : (int)interval_ms);
		if (r < 0)
			return r;
		if (r == 1) {
			drain(sfd);
			return 0;
		}
	}
}
