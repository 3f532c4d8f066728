/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics list: the library's only way of reporting problems. */
#include <scmpkit/diag.h>
#include <scmpkit/escape.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int sk_diags_vadd(struct sk_diags *d, enum sk_severity sev, const char *file,
		  unsigned line, unsigned col, const char *rule, const char *fmt,
		  va_list ap)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct sk_diag *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	struct sk_diag *g = &d->v[d->n];
	memset(g, 0, sizeof *g);
	g->severity = sev;
	g->line = line;
	g->col = col;
	g->file = dup_or_null(file);
	g->rule = dup_or_null(rule);
	if (vasprintf(&g->message, fmt, ap) < 0)
		g->message = NULL;
	if ((file && !g->file) || (rule && !g->rule) || !g->message) {
		free(g->file);
		free(g->rule);
		free(g->message);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

int sk_diags_add(struct sk_diags *d, enum sk_severity sev, const char *file,
		 unsigned line, unsigned col, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = sk_diags_vadd(d, sev, file, line, col, rule, fmt, ap);
	va_end(ap);
	return r;
}

static int set_last(struct sk_diags *d, size_t off, const char *s)
{
	if (!d->n)
		return -EINVAL;
	char **slot = (char **)((char *)&d->v[d->n - 1] + off);
	char *c = dup_or_null(s);
	if (s && !c)
		return -ENOMEM;
	free(*slot);
	*slot = c;
	return 0;
}

int sk_diags_set_fix(struct sk_diags *d, const char *fix)
{
	return set_last(d, offsetof(struct sk_diag, fix), fix);
}

int sk_diags_set_practice(struct sk_diags *d, const char *practice)
{
	return set_last(d, offsetof(struct sk_diag, practice), practice);
}

size_t sk_diags_count(const struct sk_diags *d, enum sk_severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].severity >= min;
	return n;
}

int sk_diags_splice(struct sk_diags *dst, struct sk_diags *src)
{
	if (!src->n)
		return 0;
	if (dst->n + src->n > dst->cap) {
		size_t cap = dst->n + src->n;
		struct sk_diag *v = realloc(dst->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		dst->v = v;
		dst->cap = cap;
	}
	memcpy(dst->v + dst->n, src->v, src->n * sizeof *src->v);
	dst->n += src->n;
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
	return 0;
}

static int cmp_pos(const struct sk_diag *a, const struct sk_diag *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void sk_diags_sort(struct sk_diags *d)
{
	/* insertion sort: stable, and lists are short */
	for (size_t i = 1; i < d->n; i++) {
		struct sk_diag x = d->v[i];
		size_t j = i;
		while (j > 0 && cmp_pos(&d->v[j - 1], &x) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = x;
	}
}

static void clear(struct sk_diag *g)
{
	free(g->file);
	free(g->rule);
	free(g->message);
	free(g->fix);
	free(g->practice);
}

void sk_diags_remove_if(struct sk_diags *d, size_t first,
			bool (*drop)(const struct sk_diag *g, void *ctx), void *ctx)
{
	size_t w = first;
	for (size_t i = first; i < d->n; i++) {
		if (drop(&d->v[i], ctx))
			clear(&d->v[i]);
		else
			d->v[w++] = d->v[i];
	}
	if (w < d->n)
		d->n = w;
}

void sk_diags_free(struct sk_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		clear(&d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

static const char *const sev_names[] = {"note", "warning", "error"};

const char *sk_severity_name(enum sk_severity sev)
{
	return (unsigned)sev < 3 ? sev_names[sev] : "error";
}

int sk_severity_parse(const char *s)
{
	if (!strcmp(s, "info"))
		return SK_SEV_NOTE;
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, sev_names[i]))
			return i;
	return -1;
}

/* The file name and the message quote what others chose (paths, manifest
 * values, process names): their control characters are escaped here, at the
 * one place every text rendering goes through. */
char *sk_diag_format(const struct sk_diag *g)
{
	char *file = g->file ? sk_escape_controls(g->file) : NULL;
	char *message = sk_escape_controls(g->message ? g->message : "");
	char *out = NULL;
	if ((g->file && !file) || !message) {
		free(file);
		free(message);
		return NULL;
	}
	char where[512] = "";
	if (file && g->line && g->col)
		snprintf(where, sizeof where, "%s:%u:%u: ", file, g->line, g->col);
	else if (file && g->line)
		snprintf(where, sizeof where, "%s:%u: ", file, g->line);
	else if (file)
		snprintf(where, sizeof where, "%s: ", file);
	int r;
	if (g->rule)
		r = asprintf(&out, "%s%s: %s [%s]", where, sk_severity_name(g->severity),
			     message, g->rule);
	else
		r = asprintf(&out, "%s%s: %s", where, sk_severity_name(g->severity),
			     message);
	free(file);
	free(message);
	return r < 0 ? NULL : out;
}
