/* SPDX-License-Identifier: Apache-2.0 */
/* Render findings as compiler-style text, JSON or SARIF 2.1.0. */
#include <scmpkit/escape.h>
#include <scmpkit/lint.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_quote.h"
#include "util/strbuf.h"

/* A JSON string literal, or null. */
static void json_str(struct sk_sb *b, const char *s)
{
	if (s)
		sk_json_quote(b, s);
	else
		sk_sb_adds(b, "null");
}

/* S with its control characters escaped: file names and messages quote what
 * others chose (paths, manifest values), which must not move the cursor. */
static void add_escaped(struct sk_sb *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p >= 0x20 && *p != 0x7f)
		p++;
	if (!*p) { /* the common case: nothing to escape */
		sk_sb_add(b, s, (size_t)(p - (const unsigned char *)s));
		return;
	}
	char *e = sk_escape_controls(s);
	if (e)
		sk_sb_adds(b, e);
	else
		b->oom = true;
	free(e);
}

static void render_text(struct sk_sb *b, const struct sk_diags *d, bool colour)
{
	static const char *const col[] = {"\033[36m", "\033[35m", "\033[1;31m"};
	for (size_t i = 0; i < d->n; i++) {
		const struct sk_diag *g = &d->v[i];
		if (g->file) {
			sk_sb_adds(b, colour ? "\033[1m" : "");
			add_escaped(b, g->file);
			sk_sb_addc(b, ':');
		}
		if (g->file && g->line)
			sk_sb_addf(b, "%u:", g->line);
		if (g->file && g->line && g->col)
			sk_sb_addf(b, "%u:", g->col);
		if (g->file)
			sk_sb_addf(b, "%s ", colour ? "\033[0m" : "");
		sk_sb_addf(b, "%s%s:%s ", colour ? col[g->severity] : "", sk_severity_name(g->severity),
			   colour ? "\033[0m" : "");
		add_escaped(b, g->message);
		if (g->rule || g->practice) {
			sk_sb_adds(b, " [");
			if (g->rule)
				sk_sb_adds(b, g->rule);
			if (g->rule && g->practice && strncmp(g->rule, g->practice, 2))
				sk_sb_addf(b, ", %s", g->practice);
			sk_sb_adds(b, "]");
		}
		sk_sb_adds(b, "\n");
		if (g->fix) {
			sk_sb_addf(b, "    %sfix:%s ", colour ? "\033[32m" : "", colour ? "\033[0m" : "");
			add_escaped(b, g->fix);
			sk_sb_addc(b, '\n');
		}
	}
}

static void render_json(struct sk_sb *b, const struct sk_diags *d)
{
	sk_sb_adds(b, "[");
	for (size_t i = 0; i < d->n; i++) {
		const struct sk_diag *g = &d->v[i];
		sk_sb_adds(b, i ? ",\n  {" : "\n  {");
		sk_sb_adds(b, "\"file\": ");
		json_str(b, g->file);
		sk_sb_addf(b, ", \"line\": %u, \"column\": %u, \"severity\": ", g->line, g->col);
		json_str(b, sk_severity_name(g->severity));
		sk_sb_adds(b, ", \"rule\": ");
		json_str(b, g->rule);
		sk_sb_adds(b, ", \"practice\": ");
		json_str(b, g->practice);
		sk_sb_adds(b, ", \"message\": ");
		json_str(b, g->message);
		sk_sb_adds(b, ", \"fix\": ");
		json_str(b, g->fix);
		sk_sb_adds(b, "}");
	}
	sk_sb_adds(b, d->n ? "\n]\n" : "]\n");
}

static const char *sarif_level(enum sk_severity s)
{
	return s == SK_SEV_ERROR ? "error" : s == SK_SEV_WARNING ? "warning" : "note";
}

/* A path as a URI reference: percent-encode what RFC 3986 does not
 * allow in a path. */
/* PATH without "." segments and with "name/.." pairs folded (SARIF forbids
 * dot segments in URIs); leading ".." of a relative path stay. */
static char *fold_dots(const char *path)
{
	char *out = malloc(strlen(path) + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	size_t kept = 0; /* segments in OUT that a ".." may remove */
	bool abs = path[0] == '/';
	if (abs)
		out[n++] = '/';
	for (const char *p = path; *p;) {
		p += strspn(p, "/");
		size_t l = strcspn(p, "/");
		if (!l)
			break;
		if (l == 1 && p[0] == '.') {
			p += l;
			continue;
		}
		if (l == 2 && p[0] == '.' && p[1] == '.' && (kept || abs)) {
			if (kept) {
				while (n > (size_t)abs && out[n - 1] != '/')
					n--;
				if (n > (size_t)abs)
					n--; /* the slash before it */
				kept--;
			}
			p += l;
			continue;
		}
		if (n > (size_t)abs)
			out[n++] = '/';
		memcpy(out + n, p, l);
		n += l;
		if (!(l == 2 && p[0] == '.' && p[1] == '.'))
			kept++;
		p += l;
	}
	out[n] = '\0';
	return out;
}

static void json_uri(struct sk_sb *b, const char *raw)
{
	char *path = fold_dots(raw);
	if (!path) {
		b->oom = true;
		return;
	}
	/* an absolute path is no relative reference: it needs the file scheme */
	sk_sb_adds(b, path[0] == '/' ? "\"file://" : "\"");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/!$&'()*+,;=:@", *p))
			sk_sb_add(b, (const char *)p, 1);
		else
			sk_sb_addf(b, "%%%02X", *p);
	}
	sk_sb_adds(b, "\"");
	free(path);
}

/* S without the markdown backquotes, for the plain-text form of a help. */
static void json_plain(struct sk_sb *b, const char *s)
{
	struct sk_sb t = SK_SB_INIT;
	for (; *s; s++)
		if (*s != '`')
			sk_sb_addc(&t, *s);
	json_str(b, t.buf);
	b->oom |= t.oom;
	sk_sb_release(&t);
}

/* One rule as GitHub code scanning wants it: descriptions, help in text and
 * markdown, the "security" tag and a security-severity. */
static void sarif_rule(struct sk_sb *b, const struct sk_lint_rule *r)
{
	sk_sb_adds(b, "{\"id\": ");
	json_str(b, r->id);
	sk_sb_adds(b, ", \"shortDescription\": {\"text\": ");
	json_str(b, r->summary);
	sk_sb_adds(b, "}, \"fullDescription\": {\"text\": ");
	json_str(b, r->description);
	sk_sb_adds(b, "}, \"help\": {\"text\": ");
	json_plain(b, r->help);
	sk_sb_adds(b, ", \"markdown\": ");
	json_str(b, r->help);
	sk_sb_addf(b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}", sarif_level(r->severity));
	sk_sb_adds(b, ", \"properties\": {\"tags\": [\"security\"");
	if (r->practice) {
		sk_sb_adds(b, ", ");
		json_str(b, r->practice);
	}
	sk_sb_addf(b, "], \"precision\": \"high\", \"security-severity\": \"%s\"}}",
		   r->security_severity);
}

static void sarif_result(struct sk_sb *b, const struct sk_diag *g)
{
	sk_sb_adds(b, "{\"ruleId\": ");
	json_str(b, g->rule ? g->rule : "input-error");
	for (size_t r = 0; g->rule && r < sk_lint_rule_count(); r++)
		if (!strcmp(sk_lint_rule_at(r)->id, g->rule))
			sk_sb_addf(b, ", \"ruleIndex\": %zu", r);
	sk_sb_addf(b, ", \"level\": \"%s\", \"message\": {\"text\": ", sarif_level(g->severity));
	struct sk_sb t = SK_SB_INIT;
	sk_sb_adds(&t, g->message);
	if (g->fix)
		sk_sb_addf(&t, ". Fix: %s", g->fix);
	json_str(b, t.buf);
	b->oom |= t.oom;
	sk_sb_release(&t);
	sk_sb_adds(b, "}");
	if (g->file) {
		sk_sb_adds(b, ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
		json_uri(b, strcmp(g->file, "-") ? g->file : "stdin");
		sk_sb_adds(b, "}");
		if (g->line) {
			sk_sb_addf(b, ", \"region\": {\"startLine\": %u", g->line);
			if (g->col)
				sk_sb_addf(b, ", \"startColumn\": %u", g->col);
			sk_sb_adds(b, "}");
		}
		sk_sb_adds(b, "}}]");
	}
	sk_sb_adds(b, "}");
}

static void render_sarif(struct sk_sb *b, const struct sk_diags *d)
{
	sk_sb_adds(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		      "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
		      "      \"tool\": {\n        \"driver\": {\n          \"name\": \"scmpkit\",\n");
	sk_sb_addf(b, "          \"version\": \"%s\",\n", SCMPKIT_VERSION);
	sk_sb_adds(b, "          \"informationUri\": \"https://github.com/scmpkit/scmpkit\",\n"
		      "          \"rules\": [");
	for (size_t i = 0; i < sk_lint_rule_count(); i++) {
		sk_sb_adds(b, i ? ",\n            " : "\n            ");
		sarif_rule(b, sk_lint_rule_at(i));
	}
	sk_sb_adds(b, "\n          ]\n        }\n      },\n      \"results\": [");
	for (size_t i = 0; i < d->n; i++) {
		sk_sb_adds(b, i ? ",\n        " : "\n        ");
		sarif_result(b, &d->v[i]);
	}
	sk_sb_adds(b, d->n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
}

char *sk_lint_render(const struct sk_diags *d, enum sk_lint_format fmt, bool colour)
{
	struct sk_sb b = SK_SB_INIT;
	switch (fmt) {
	case SK_LINT_TEXT:
		render_text(&b, d, colour);
		break;
	case SK_LINT_JSON:
		render_json(&b, d);
		break;
	case SK_LINT_SARIF:
		render_sarif(&b, d);
		break;
	}
	return sk_sb_detach(&b, NULL);
}
