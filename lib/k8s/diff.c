/* SPDX-License-Identifier: Apache-2.0 */
/* A unified diff built from the edits themselves: each edit changes a known
 * span of lines, so no general diff algorithm is needed and hunks are minimal
 * around every edit. */
#include <scmpkit/k8s.h>

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

#define CONTEXT 3

/* Each line of [s, e) prefixed with C; a missing final newline is marked the
 * way diff(1) does. */
static void put_lines(struct sk_sb *o, char c, const char *s, const char *e)
{
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		const char *end = nl ? nl + 1 : e;
		sk_sb_addc(o, c);
		sk_sb_add(o, s, (size_t)(end - s));
		if (!nl)
			sk_sb_adds(o, "\n\\ No newline at end of file\n");
		s = end;
	}
}

static size_t count_lines(const char *s, const char *e)
{
	size_t n = 0;
	for (const char *p = s; p < e; p++)
		n += *p == '\n';
	return n + (e > s && e[-1] != '\n');
}

/* The old text's lines: ls[i] is where line i starts, ls[n] == len. */
struct lines {
	size_t *ls;
	size_t n;
};

static int line_starts(const char *text, size_t len, struct lines *l)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	l->ls = malloc((n + 1) * sizeof *l->ls);
	if (!l->ls)
		return -1;
	l->n = 0;
	l->ls[l->n++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' && i + 1 < len)
			l->ls[l->n++] = i + 1;
	l->ls[l->n] = len; /* sentinel */
	return 0;
}

struct span { /* edits widened to whole lines of the old text */
	size_t first, last_end; /* byte range of the old lines [first, last_end) */
	size_t line;            /* 0-based number of the first old line */
	const struct sk_k8s_edit *e; /* its edits: e[0..n_e), in order */
	size_t n_e;
};

/* One span per edit, then edits that touch the same lines (several on one
 * line of a JSON object) merged into one; returns the number of spans. */
static size_t make_spans(const char *text, size_t len, const struct lines *l,
			 const struct sk_k8s_edits *edits, struct span *sp)
{
	for (size_t i = 0, k = 0; i < edits->n; i++) {
		const struct sk_k8s_edit *e = &edits->v[i];
		while (k + 1 < l->n && l->ls[k + 1] <= e->start)
			k++;
		size_t first = l->ls[k], line = k;
		if (e->start == len && len && text[len - 1] == '\n')
			first = len, line = l->n; /* appending after the last line */
		size_t last_end = first;
		if (e->end > e->start || e->start > first) {
			size_t from = e->end - (e->end > e->start);
			const char *p = memchr(text + from, '\n', len - from);
			last_end = p ? (size_t)(p - text) + 1 : len;
		}
		sp[i] = (struct span){first, last_end, line, e, 1};
	}
	size_t n = 0;
	for (size_t i = 0; i < edits->n; i++) {
		if (n && sp[i].first < sp[n - 1].last_end) {
			struct span *c = &sp[n - 1];
			if (sp[i].last_end > c->last_end)
				c->last_end = sp[i].last_end;
			c->n_e++;
		} else {
			sp[n++] = sp[i];
		}
	}
	return n;
}

/* The span's lines as they read after its edits; returns how many. */
static size_t new_lines(struct sk_sb *o, const char *text, const struct span *s)
{
	struct sk_sb nw = SK_SB_INIT;
	size_t at = s->first;
	for (size_t x = 0; x < s->n_e; x++) {
		sk_sb_add(&nw, text + at, s->e[x].start - at);
		sk_sb_adds(&nw, s->e[x].text);
		at = s->e[x].end;
	}
	sk_sb_add(&nw, text + at, s->last_end - at);
	put_lines(o, '+', nw.buf, nw.buf + nw.len);
	size_t n = count_lines(nw.buf, nw.buf + nw.len);
	o->oom |= nw.oom;
	sk_sb_release(&nw);
	return n;
}

static size_t span_end_line(const char *text, const struct span *s)
{
	return s->line + count_lines(text + s->first, text + s->last_end);
}

/* The hunk of spans SP[0..N): "@@ -a,b +c,d @@" and its lines. DELTA is the
 * new line number minus the old one before it, and is moved past it. */
static void hunk(struct sk_sb *o, const char *text, size_t len, const struct lines *l,
		 const struct span *sp, size_t n, long *delta)
{
	size_t start_line = sp[0].line > CONTEXT ? sp[0].line - CONTEXT : 0;
	size_t end_line = span_end_line(text, &sp[n - 1]);
	end_line = end_line + CONTEXT < l->n ? end_line + CONTEXT : l->n;
	if (start_line > l->n)
		start_line = l->n;
	struct sk_sb body = SK_SB_INIT;
	size_t old_n = 0, new_n = 0, at = start_line < l->n ? l->ls[start_line] : len;
	for (size_t k = 0; k < n; k++) {
		size_t ctx = count_lines(text + at, text + sp[k].first);
		put_lines(&body, ' ', text + at, text + sp[k].first);
		put_lines(&body, '-', text + sp[k].first, text + sp[k].last_end);
		old_n += ctx + count_lines(text + sp[k].first, text + sp[k].last_end);
		new_n += ctx + new_lines(&body, text, &sp[k]);
		at = sp[k].last_end;
	}
	size_t end_off = end_line < l->n ? l->ls[end_line] : len;
	if (end_off > at) {
		size_t ctx = count_lines(text + at, text + end_off);
		put_lines(&body, ' ', text + at, text + end_off);
		old_n += ctx;
		new_n += ctx;
	}
	/* "@@ -start,count" uses the line before when count is 0 */
	size_t new_start = (size_t)((long)start_line + *delta);
	sk_sb_addf(o, "@@ -%zu,%zu +%zu,%zu @@\n", old_n ? start_line + 1 : start_line, old_n,
		   new_n ? new_start + 1 : new_start, new_n);
	sk_sb_add(o, body.buf, body.len);
	o->oom |= body.oom;
	sk_sb_release(&body);
	*delta += (long)new_n - (long)old_n;
}

char *sk_k8s_diff(const char *text, size_t len, const struct sk_k8s_edits *edits,
		  const char *name)
{
	if (sk_doc_edits_check(edits->v, edits->n, len))
		return NULL;
	if (!edits->n)
		return strdup("");
	struct lines l;
	struct span *sp = malloc(edits->n * sizeof *sp);
	if (!sp || line_starts(text, len, &l)) {
		free(sp);
		return NULL;
	}
	size_t n_sp = make_spans(text, len, &l, edits, sp);
	struct sk_sb o = SK_SB_INIT;
	sk_sb_addf(&o, "--- a/%s\n+++ b/%s\n", name, name);
	long delta = 0;
	for (size_t i = 0; i < n_sp;) {
		/* a hunk: spans whose context overlaps */
		size_t j = i + 1;
		while (j < n_sp && sp[j].line <= span_end_line(text, &sp[j - 1]) + 2 * CONTEXT)
			j++;
		hunk(&o, text, len, &l, sp + i, j - i, &delta);
		i = j;
	}
	free(l.ls);
	free(sp);
	return sk_sb_detach(&o, NULL);
}
