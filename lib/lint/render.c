/* Render findings as compiler-style text, JSON or SARIF 2.1.0. */
#include <scmpkit/lint.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void put(struct buf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + len + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void printf_(struct buf *b, const char *fmt, ...)
{
	char small[512], *s = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof small) {
		s = malloc((size_t)n + 1);
		if (!s) {
			b->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	put(b, s, (size_t)n);
	if (s != small)
		free(s);
}

/* A JSON string literal, or null. */
static void json_str(struct buf *b, const char *s)
{
	if (!s) {
		puts_(b, "null");
		return;
	}
	puts_(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		/* a run of characters that need no escape, at once */
		const unsigned char *q = p;
		while (*q >= 0x20 && *q != '"' && *q != '\\')
			q++;
		if (q > p) {
			put(b, (const char *)p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (*p == '"' || *p == '\\')
			printf_(b, "\\%c", *p);
		else if (*p == '\n')
			puts_(b, "\\n");
		else if (*p == '\t')
			puts_(b, "\\t");
		else
			printf_(b, "\\u%04x", *p);
		p++;
	}
	puts_(b, "\"");
}

static void render_text(struct buf *b, const struct sk_diags *d, bool colour)
{
	static const char *const col[] = {"\033[36m", "\033[35m", "\033[1;31m"};
	for (size_t i = 0; i < d->n; i++) {
		const struct sk_diag *g = &d->v[i];
		if (g->file)
			printf_(b, "%s%s:", colour ? "\033[1m" : "", g->file);
		if (g->file && g->line)
			printf_(b, "%u:", g->line);
		if (g->file && g->line && g->col)
			printf_(b, "%u:", g->col);
		if (g->file)
			printf_(b, "%s ", colour ? "\033[0m" : "");
		printf_(b, "%s%s:%s %s", colour ? col[g->severity] : "", sk_severity_name(g->severity),
			colour ? "\033[0m" : "", g->message);
		if (g->rule || g->practice) {
			puts_(b, " [");
			if (g->rule)
				puts_(b, g->rule);
			if (g->rule && g->practice && strncmp(g->rule, g->practice, 2))
				printf_(b, ", %s", g->practice);
			puts_(b, "]");
		}
		puts_(b, "\n");
		if (g->fix)
			printf_(b, "    %sfix:%s %s\n", colour ? "\033[32m" : "", colour ? "\033[0m" : "",
				g->fix);
	}
}

static void render_json(struct buf *b, const struct sk_diags *d)
{
	puts_(b, "[");
	for (size_t i = 0; i < d->n; i++) {
		const struct sk_diag *g = &d->v[i];
		puts_(b, i ? ",\n  {" : "\n  {");
		puts_(b, "\"file\": ");
		json_str(b, g->file);
		printf_(b, ", \"line\": %u, \"column\": %u, \"severity\": ", g->line, g->col);
		json_str(b, sk_severity_name(g->severity));
		puts_(b, ", \"rule\": ");
		json_str(b, g->rule);
		puts_(b, ", \"practice\": ");
		json_str(b, g->practice);
		puts_(b, ", \"message\": ");
		json_str(b, g->message);
		puts_(b, ", \"fix\": ");
		json_str(b, g->fix);
		puts_(b, "}");
	}
	puts_(b, d->n ? "\n]\n" : "]\n");
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

static void json_uri(struct buf *b, const char *raw)
{
	char *path = fold_dots(raw);
	if (!path) {
		b->oom = true;
		return;
	}
	/* an absolute path is no relative reference: it needs the file scheme */
	puts_(b, path[0] == '/' ? "\"file://" : "\"");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/!$&'()*+,;=:@", *p))
			put(b, (const char *)p, 1);
		else
			printf_(b, "%%%02X", *p);
	}
	puts_(b, "\"");
	free(path);
}

static void render_sarif(struct buf *b, const struct sk_diags *d)
{
	puts_(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		 "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
		 "      \"tool\": {\n        \"driver\": {\n          \"name\": \"scmpkit\",\n");
	printf_(b, "          \"version\": \"%s\",\n", SCMPKIT_VERSION);
	puts_(b, "          \"informationUri\": \"https://github.com/scmpkit/scmpkit\",\n"
		 "          \"rules\": [");
	for (size_t i = 0; i < sk_lint_rule_count(); i++) {
		const struct sk_lint_rule *r = sk_lint_rule_at(i);
		puts_(b, i ? ",\n            {" : "\n            {");
		puts_(b, "\"id\": ");
		json_str(b, r->id);
		puts_(b, ", \"shortDescription\": {\"text\": ");
		json_str(b, r->summary);
		printf_(b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}", sarif_level(r->severity));
		if (r->practice) {
			puts_(b, ", \"properties\": {\"tags\": [\"security\", ");
			json_str(b, r->practice);
			puts_(b, "]}");
		}
		puts_(b, "}");
	}
	puts_(b, "\n          ]\n        }\n      },\n      \"results\": [");
	for (size_t i = 0; i < d->n; i++) {
		const struct sk_diag *g = &d->v[i];
		puts_(b, i ? ",\n        {" : "\n        {");
		puts_(b, "\"ruleId\": ");
		json_str(b, g->rule ? g->rule : "input-error");
		for (size_t r = 0; g->rule && r < sk_lint_rule_count(); r++)
			if (!strcmp(sk_lint_rule_at(r)->id, g->rule))
				printf_(b, ", \"ruleIndex\": %zu", r);
		printf_(b, ", \"level\": \"%s\", \"message\": {\"text\": ", sarif_level(g->severity));
		if (g->fix) {
			char *t;
			if (asprintf(&t, "%s. Fix: %s", g->message, g->fix) < 0) {
				b->oom = true;
				return;
			}
			json_str(b, t);
			free(t);
		} else {
			json_str(b, g->message);
		}
		puts_(b, "}");
		if (g->file) {
			puts_(b, ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
			json_uri(b, strcmp(g->file, "-") ? g->file : "stdin");
			puts_(b, "}");
			if (g->line) {
				printf_(b, ", \"region\": {\"startLine\": %u", g->line);
				if (g->col)
					printf_(b, ", \"startColumn\": %u", g->col);
				puts_(b, "}");
			}
			puts_(b, "}}]");
		}
		puts_(b, "}");
	}
	puts_(b, d->n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
}

char *sk_lint_render(const struct sk_diags *d, enum sk_lint_format fmt, bool colour)
{
	struct buf b = {0};
	puts_(&b, "");
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
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
