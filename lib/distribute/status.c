/* SPDX-License-Identifier: Apache-2.0 */
/* node-sync's status file: written after every sync, read back by the
 * readiness probe (distribute.h).
 *
 * The file is the agent's whole account to the cluster: what is installed
 * (with the localhostProfile a pod names it by), what was rejected and why,
 * what was removed or ignored, and when. "ready" is true only when the last
 * sync ran and every profile of the sources is installed, so a broken
 * profile in the ConfigMap shows as an unready DaemonSet, not as a pod that
 * fails to start on some node later. The probe also wants the sync recent:
 * an agent stuck in a hung mount is not ready either. */
#include <scmpkit/distribute.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scmpkit/fileio.h>

#include "distribute/internal.h"
#include "util/cleanup.h"
#include "util/json_quote.h"
#include "util/strbuf.h"

static const char *const what_names[] = {
	[SK_SYNC_ADDED] = "added",	   [SK_SYNC_UPDATED] = "updated",
	[SK_SYNC_UNCHANGED] = "unchanged", [SK_SYNC_REMOVED] = "removed",
	[SK_SYNC_REJECTED] = "rejected",   [SK_SYNC_IGNORED] = "ignored",
};

static bool installed(const struct sk_sync_item *it)
{
	return it->what == SK_SYNC_ADDED || it->what == SK_SYNC_UPDATED ||
	       it->what == SK_SYNC_UNCHANGED;
}

static void key_str(struct sk_sb *sb, const char *key, const char *value)
{
	sk_sb_addf(sb, "\"%s\": ", key);
	sk_json_quote(sb, value ? value : "");
}

/* The error lines of D as a JSON array of strings. */
static void reasons(struct sk_sb *sb, const struct sk_diags *d, enum sk_severity min)
{
	sk_sb_adds(sb, "[");
	bool first = true;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].severity < min)
			continue;
		char *line = sk_diag_format(&d->v[i]);
		if (!line) {
			sb->oom = true;
			continue;
		}
		sk_sb_adds(sb, first ? "" : ", ");
		sk_json_quote(sb, line);
		free(line);
		first = false;
	}
	sk_sb_adds(sb, "]");
}

static void item(struct sk_sb *sb, const struct sk_sync_result *res, const struct sk_sync_item *it)
{
	sk_sb_adds(sb, "{");
	if (it->name) {
		key_str(sb, "name", it->name);
		sk_sb_adds(sb, ", ");
	}
	key_str(sb, "source", it->source);
	if (installed(it) || (it->what == SK_SYNC_REJECTED && it->kept)) {
		sk_sb_addf(sb, ", \"localhostProfile\": ");
		struct sk_sb path = SK_SB_INIT;
		sk_sb_addf(&path, "%s/%s", res->subdir, it->name);
		sk_json_quote(sb, path.buf);
		sk_sb_release(&path);
		sk_sb_addf(sb, ", \"digest\": \"%s\"", it->digest);
	}
	if (installed(it))
		sk_sb_addf(sb, ", \"state\": \"%s\"", what_names[it->what]);
	if (it->what == SK_SYNC_REJECTED) {
		sk_sb_addf(sb, ", \"kept\": %s, \"reasons\": ", it->kept ? "true" : "false");
		reasons(sb, &it->diags, SK_SEV_ERROR);
	}
	if (it->what == SK_SYNC_IGNORED) {
		sk_sb_adds(sb, ", \"reasons\": ");
		reasons(sb, &it->diags, SK_SEV_NOTE);
	}
	sk_sb_adds(sb, "}");
}

static void list(struct sk_sb *sb, const struct sk_sync_result *res, const char *key,
		 bool (*pick)(const struct sk_sync_item *, enum sk_sync_what), enum sk_sync_what w)
{
	sk_sb_addf(sb, ",\n  \"%s\": [", key);
	bool first = true;
	for (size_t i = 0; i < res->n; i++) {
		if (!pick(&res->items[i], w))
			continue;
		sk_sb_adds(sb, first ? "\n    " : ",\n    ");
		item(sb, res, &res->items[i]);
		first = false;
	}
	sk_sb_adds(sb, first ? "]" : "\n  ]");
}

static bool pick_installed(const struct sk_sync_item *it, enum sk_sync_what w)
{
	(void)w;
	return installed(it);
}

static bool pick_what(const struct sk_sync_item *it, enum sk_sync_what w)
{
	return it->what == w;
}

static bool ready(const struct sk_sync_result *res)
{
	if (res->failed || sk_diags_count(&res->errors, SK_SEV_ERROR))
		return false;
	for (size_t i = 0; i < res->n; i++)
		if (res->items[i].what == SK_SYNC_REJECTED)
			return false;
	return true;
}

char *sk_sync_status_json(const struct sk_sync_result *res)
{
	struct sk_sb sb = SK_SB_INIT;
	char when[32];
	struct tm tm;
	time_t t = res->when.tv_sec;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	sk_sb_addf(&sb, "{\n  \"scmpkitNodeSync\": 1,\n  \"ready\": %s,\n  \"lastSync\": \"%s\",\n"
			"  \"lastSyncUnix\": %lld,\n  ",
		   ready(res) ? "true" : "false", when, (long long)t);
	key_str(&sb, "directory", res->dir);
	sk_sb_addf(&sb, ",\n  \"changes\": %zu", res->changes);
	list(&sb, res, "installed", pick_installed, 0);
	list(&sb, res, "rejected", pick_what, SK_SYNC_REJECTED);
	list(&sb, res, "removed", pick_what, SK_SYNC_REMOVED);
	list(&sb, res, "ignored", pick_what, SK_SYNC_IGNORED);
	sk_sb_adds(&sb, ",\n  \"errors\": ");
	reasons(&sb, &res->errors, SK_SEV_ERROR);
	sk_sb_adds(&sb, "\n}\n");
	return sk_sb_detach(&sb, NULL);
}

/* ---- reading it back --------------------------------------------------------- */

void sk_sync_status_free(struct sk_sync_status *st)
{
	free(st->first_problem);
	memset(st, 0, sizeof *st);
}

static int bad(struct sk_diags *d, const char *file, const struct sk_doc_node *at,
	       const char *what)
{
	return sk_dist_doc_error(d, file, at, "sync-status", what);
}

/* The first name (rejected) or string (errors) of array A, for the probe's
 * one-line answer. */
static char *first_of(const struct sk_doc_node *a)
{
	if (!a || a->type != SK_DOC_SEQ || !a->n)
		return NULL;
	const struct sk_doc_node *k = a->kids[0];
	const char *s = k->type == SK_DOC_SCALAR ? sk_doc_string(k)
						 : sk_doc_string(sk_doc_get(k, "name"));
	return strdup(s ? s : "?");
}

int sk_sync_status_parse(const char *text, size_t len, const char *file,
			 struct sk_sync_status *st, struct sk_diags *d)
{
	memset(st, 0, sizeof *st);
	struct sk_doc doc;
	const struct sk_doc_node *j = sk_dist_json(text, len, file, &doc, d);
	if (!j)
		return -EINVAL;
	const struct sk_doc_node *rd = sk_doc_get(j, "ready"), *ins = sk_doc_get(j, "installed");
	const struct sk_doc_node *rej = sk_doc_get(j, "rejected"), *err = sk_doc_get(j, "errors");
	uint64_t version = 0, when = 0;
	int r = 0;
	if (!sk_doc_uint53(sk_doc_get(j, "scmpkitNodeSync"), &version) || version != 1)
		r = bad(d, file, j, "not a node-sync status file (\"scmpkitNodeSync\": 1)");
	else if (!sk_doc_true(rd) && !sk_doc_false(rd)) /* strict JSON: true or false */
		r = bad(d, file, rd ? rd : j, "\"ready\" must be true or false");
	else if (!sk_doc_uint53(sk_doc_get(j, "lastSyncUnix"), &when))
		r = bad(d, file, j, "\"lastSyncUnix\" must be seconds since the epoch");
	else if (!ins || ins->type != SK_DOC_SEQ || !rej || rej->type != SK_DOC_SEQ || !err ||
		 err->type != SK_DOC_SEQ)
		r = bad(d, file, j, "\"installed\", \"rejected\" and \"errors\" must be arrays");
	if (!r) {
		st->ready = sk_doc_true(rd);
		st->last_sync = (int64_t)when;
		st->n_installed = ins->n;
		st->n_rejected = rej->n;
		st->first_problem = err->n ? first_of(err) : first_of(rej);
	}
	sk_doc_release(&doc);
	return r;
}

int sk_sync_probe(const char *file, unsigned max_age_s, struct sk_diags *d)
{
	_sk_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = sk_read_input(file, SK_INPUT_OTHER, &text, &len);
	if (r < 0) {
		sk_diags_add(d, SK_SEV_ERROR, file, 0, 0, "sync-status", "cannot read: %s",
			     sk_read_error(r, SK_INPUT_OTHER));
		return -EINVAL;
	}
	struct sk_sync_status st;
	if (sk_sync_status_parse(text, len, file, &st, d) < 0)
		return -EINVAL;
	int64_t age = (int64_t)time(NULL) - st.last_sync;
	r = 0;
	if (!st.ready) {
		sk_diags_add(d, SK_SEV_ERROR, file, 0, 0, "sync-not-ready",
			     "not ready: %zu profile(s) rejected%s%s", st.n_rejected,
			     st.first_problem ? ", first: " : "", st.first_problem ? st.first_problem : "");
		r = -EAGAIN;
	} else if (max_age_s && age > (int64_t)max_age_s) {
		sk_diags_add(d, SK_SEV_ERROR, file, 0, 0, "sync-stale",
			     "not ready: the last sync was %lld s ago (more than %u s)", (long long)age,
			     max_age_s);
		r = -EAGAIN;
	}
	sk_sync_status_free(&st);
	return r;
}
