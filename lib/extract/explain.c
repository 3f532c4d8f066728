/* SPDX-License-Identifier: Apache-2.0 */
/* One call chain from an entry point to a site that makes a syscall: the
 * union's visits give the way between objects (the program imports fopen
 * from libc.so.6, which imports ... ), each object's graph the way inside it
 * (a shortest chain of calls and references from the export, or the entry,
 * to a function whose site makes the call). Needs the graphs: the analysis
 * keeps them when opts.explain is set. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/escape.h>

#include "util/strbuf.h"

static const struct xprov *find_prov(const struct sk_extract *x, const char *name)
{
	for (size_t i = 0; i < x->n_prov; i++) {
		const char *n = sk_syscall_name((enum sk_arch)x->prov[i].arch, x->prov[i].nr);
		if (n && !strcmp(n, name))
			return &x->prov[i];
	}
	return NULL;
}

/* The item of object L that imports NAME. */
static size_t import_item(const struct lobj *l, const char *name)
{
	for (size_t i = 0; i < l->sum.n_items; i++)
		if (l->sum.items[i].kind == XI_IMPORT && !strcmp(l->sum.items[i].name, name))
			return i;
	return SIZE_MAX;
}

static enum xstart start_of(const struct xvisit *u)
{
	if (u->start)
		return XS_EXPORT;
	if (!strcmp(u->root, "load"))
		return XS_INIT;
	return strcmp(u->root, "dlopen") ? XS_ENTRY : XS_ALL;
}

/* A site in code nothing reaches, to say so when no reachable one exists. */
static void unreachable_site(const struct sk_extract *x, const char *name, struct sk_sb *sb)
{
	for (size_t o = 0; o < x->n_objs; o++) {
		const struct lobj *l = &x->objs[o];
		for (size_t i = 0; l->summarised && i < l->sum.n_items; i++) {
			const struct xsum_item *it = &l->sum.items[i];
			const char *n = it->kind == XI_SYS ? sk_syscall_name((enum sk_arch)it->arch, it->nr)
							   : NULL;
			if (n && !strcmp(n, name)) {
				sk_sb_addf(sb, "  (%s has a site in %s, which nothing reachable calls "
					   "or refers to)\n", l->shown, it->name);
				return;
			}
		}
	}
}

static int chain(const struct sk_extract *x, const struct xprov *pv, struct sk_sb *sb)
{
	uint32_t path[64];
	size_t n = 0;
	for (uint32_t v = pv->visit; v != XT_NONE && n < 64; v = x->visits[v].parent)
		path[n++] = v;
	for (size_t i = n; i-- > 0;) {
		const struct xvisit *u = &x->visits[path[i]];
		const struct lobj *l = &x->objs[u->obj];
		size_t it = i ? import_item(l, x->visits[path[i - 1]].via) : pv->item;
		sk_sb_addf(sb, "  %s: ", l->shown);
		int rc = l->graph && it != SIZE_MAX
				 ? xgraph_chain(l->graph, &l->obj, start_of(u), u->start, it, sb)
				 : 1;
		if (rc < 0)
			return rc;
		if (rc > 0)
			sk_sb_adds(sb, "(no chain found in its graph)");
		if (i)
			sk_sb_addf(sb, " -> %s (import)\n", x->visits[path[i - 1]].via);
		else
			sk_sb_addf(sb, ": makes %s\n", sk_syscall_name((enum sk_arch)pv->arch, pv->nr));
	}
	return 0;
}

/* The text with each line escaped (function names come from the files). */
static char *escaped_lines(struct sk_sb *sb)
{
	char *raw = sk_sb_detach(sb, NULL);
	struct sk_sb out = SK_SB_INIT;
	for (char *save, *l = raw ? strtok_r(raw, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *e = sk_escape(l);
		if (!e)
			out.oom = true;
		else
			sk_sb_addf(&out, "%s\n", e);
		free(e);
	}
	if (!raw)
		out.oom = true;
	free(raw);
	return sk_sb_detach(&out, NULL);
}

char *sk_extract_explain(const struct sk_extract *x, const char *syscall, bool *found,
			 struct sk_diags *d)
{
	*found = false;
	if (!x->explain) {
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "extract-explain",
			     "explain needs the call graphs: run the extraction with explain set");
		return NULL;
	}
	struct sk_sb sb = SK_SB_INIT;
	const struct xprov *pv = find_prov(x, syscall);
	if (!pv) {
		sk_sb_addf(&sb, "%s: no reachable site makes it\n", syscall);
		unreachable_site(x, syscall, &sb);
	} else if (pv->visit == XT_NONE) {
		*found = true;
		sk_sb_addf(&sb, "%s: %s\n", syscall, pv->text);
	} else {
		*found = true;
		sk_sb_addf(&sb, "%s (%lld on %s), from the entry point:\n", syscall,
			   (long long)pv->nr, sk_arch_info((enum sk_arch)pv->arch)->short_name);
		if (chain(x, pv, &sb) < 0) {
			sk_sb_release(&sb);
			sb.oom = true;
		}
	}
	char *text = escaped_lines(&sb);
	if (!text)
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "extract-nomem", "out of memory");
	return text;
}
