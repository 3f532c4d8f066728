/* A unified diff built from the edits themselves: each edit changes a known
 * span of lines, so no general diff algorithm is needed and hunks are minimal
 * around every edit. */
#include <scmpkit/k8s.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

struct out {
	char *s;
	size_t n, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->oom)
		return;
	if (o->n + len + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->n + len + 1)
			cap *= 2;
		char *ns = realloc(o->s, cap);
		if (!ns) {
			o->oom = true;
			return;
		}
		o->s = ns;
		o->cap = cap;
	}
	memcpy(o->s + o->n, s, len);
	o->n += len;
	o->s[o->n] = '\0';
}

/* Each line of [s, e) prefixed with C; a missing final newline is marked the
 * way diff(1) does. */
static void put_lines(struct out *o, char c, const char *s, const char *e)
{
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		const char *end = nl ? nl + 1 : e;
		put(o, &c, 1);
		put(o, s, (size_t)(end - s));
		if (!nl)
			put(o, "\n\\ No newline at end of file\n", 29);
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

struct span { /* an edit widened to whole lines of the old text */
	size_t first, last_end; /* byte range of the old lines [first, last_end) */
	size_t line;            /* 0-based number of the first old line */
	const struct sk_k8s_edit *e; /* its edits: e[0..n_e), in order */
	size_t n_e;
};

char *sk_k8s_diff(const char *text, size_t len, const struct sk_k8s_edits *edits,
		  const char *name)
{
	struct out o = {0};
	put(&o, "", 0);
	if (!edits->n)
		return o.s ? o.s : strdup("");
	/* line starts of the old text */
	size_t n_lines = 0;
	for (size_t i = 0; i < len; i++)
		n_lines += text[i] == '\n';
	size_t *ls = malloc((n_lines + 2) * sizeof *ls), nl = 0;
	struct span *sp = malloc(edits->n * sizeof *sp);
	if (!ls || !sp) {
		free(ls);
		free(sp);
		free(o.s);
		return NULL;
	}
	ls[nl++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' && i + 1 < len)
			ls[nl++] = i + 1;
	ls[nl] = len; /* sentinel */
	for (size_t i = 0, l = 0; i < edits->n; i++) {
		const struct sk_k8s_edit *e = &edits->v[i];
		while (l + 1 < nl && ls[l + 1] <= e->start)
			l++;
		size_t first = ls[l];
		if (e->start == len && len && text[len - 1] == '\n')
			first = len, l = nl; /* appending after the last line */
		size_t last_end = first;
		if (e->end > e->start || e->start > first) {
			const char *p = memchr(text + e->end - (e->end > e->start), '\n',
					       len - (e->end - (e->end > e->start)));
			last_end = p ? (size_t)(p - text) + 1 : len;
		}
		sp[i] = (struct span){first, last_end, l, e, 1};
	}
	/* edits that touch the same lines (several on one line of a JSON
	 * object) make one span */
	size_t n_sp = 0;
	for (size_t i = 0; i < edits->n; i++) {
		if (n_sp && sp[i].first < sp[n_sp - 1].last_end) {
			struct span *c = &sp[n_sp - 1];
			if (sp[i].last_end > c->last_end)
				c->last_end = sp[i].last_end;
			c->n_e++;
		} else {
			sp[n_sp++] = sp[i];
		}
	}
	char hdr[4096];
	snprintf(hdr, sizeof hdr, "--- a/%s\n+++ b/%s\n", name, name);
	put(&o, hdr, strlen(hdr));
	long delta = 0; /* new line number minus old, before the current hunk */
	for (size_t i = 0; i < n_sp;) {
		/* a hunk: edits whose context overlaps */
		size_t j = i + 1;
		while (j < n_sp) {
			size_t prev_end_line = sp[j - 1].line + count_lines(text + sp[j - 1].first, text + sp[j - 1].last_end);
			if (sp[j].line > prev_end_line + 2 * CONTEXT)
				break;
			j++;
		}
		size_t start_line = sp[i].line > CONTEXT ? sp[i].line - CONTEXT : 0;
		size_t end_line = sp[j - 1].line +
				  count_lines(text + sp[j - 1].first, text + sp[j - 1].last_end);
		end_line = end_line + CONTEXT < nl ? end_line + CONTEXT : nl;
		if (start_line > nl)
			start_line = nl;
		struct out body = {0};
		put(&body, "", 0);
		size_t old_n = 0, new_n = 0, at = start_line < nl ? ls[start_line] : len;
		for (size_t k = i; k < j; k++) {
			put_lines(&body, ' ', text + at, text + sp[k].first);
			size_t ctx = count_lines(text + at, text + sp[k].first);
			old_n += ctx;
			new_n += ctx;
			/* old lines of the span, then the new ones */
			put_lines(&body, '-', text + sp[k].first, text + sp[k].last_end);
			old_n += count_lines(text + sp[k].first, text + sp[k].last_end);
			size_t a = sp[k].first, b = sp[k].last_end;
			size_t nlen = b - a;
			for (size_t x = 0; x < sp[k].n_e; x++)
				nlen += strlen(sp[k].e[x].text) - (sp[k].e[x].end - sp[k].e[x].start);
			char *nw = malloc(nlen + 1), *w = nw;
			if (!nw) {
				o.oom = true;
				break;
			}
			size_t at2 = a;
			for (size_t x = 0; x < sp[k].n_e; x++) {
				const struct sk_k8s_edit *e = &sp[k].e[x];
				memcpy(w, text + at2, e->start - at2);
				w += e->start - at2;
				size_t tl = strlen(e->text);
				memcpy(w, e->text, tl);
				w += tl;
				at2 = e->end;
			}
			memcpy(w, text + at2, b - at2);
			put_lines(&body, '+', nw, nw + nlen);
			new_n += count_lines(nw, nw + nlen);
			free(nw);
			at = b;
		}
		size_t end_off = end_line < nl ? ls[end_line] : len;
		if (end_off > at) {
			put_lines(&body, ' ', text + at, text + end_off);
			size_t ctx = count_lines(text + at, text + end_off);
			old_n += ctx;
			new_n += ctx;
		}
		/* "@@ -start,count" uses the line before when count is 0 */
		size_t old_start = old_n ? start_line + 1 : start_line;
		long new_start_l = (long)start_line + delta;
		size_t new_start = new_n ? (size_t)new_start_l + 1 : (size_t)new_start_l;
		snprintf(hdr, sizeof hdr, "@@ -%zu,%zu +%zu,%zu @@\n", old_start, old_n, new_start,
			 new_n);
		put(&o, hdr, strlen(hdr));
		if (body.s)
			put(&o, body.s, body.n);
		o.oom |= body.oom;
		free(body.s);
		delta += (long)new_n - (long)old_n;
		i = j;
	}
	free(ls);
	free(sp);
	if (o.oom) {
		free(o.s);
		return NULL;
	}
	return o.s;
}
