/* SPDX-License-Identifier: Apache-2.0 */
/* The objects of each program, their summaries, and the union over them.
 *
 * Loading: the program, its interpreter, its DT_NEEDED libraries
 * breadth-first (the order ld.so searches them for symbols), and the --with
 * libraries with theirs. A file is loaded once (by device and inode) however
 * many programs or libraries need it.
 *
 * Summarising: libraries before the objects that use them, so that an
 * import's wrapper parameters (libc's syscall takes its number in rdi) are
 * known when the importing object is analysed; a summary's key is the hash
 * of the file, the analysis version and those parameters, and the cache is
 * asked first. After all are done, every import is checked against what its
 * provider says; an object analysed with a stale assumption (a cycle of
 * libraries) is analysed again.
 *
 * The union: a worklist of (object, set) visits, starting at the program's
 * entry and every object's load-time code (constructors, IFUNC resolvers),
 * ld.so's entry, and every export of a --with library; an import item leads
 * to the set of the export that the lookup scope gives for its name, as
 * ld.so would bind it (the program first, so interposition is honoured). */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <scmpkit/escape.h>

#include "util/grow.h"
#include "util/strbuf.h"

/* Bump when the analysis changes what it finds: old cache entries die. */
#define ANALYSIS_VERSION UINT64_C(30)

/* Functions ld.so calls by looking their names up at start-up, not through
 * a relocation (glibc 2.34+: elf/dl-call-libc-early-init.c, and
 * elf/dl-minimal.c's __rtld_malloc_init_real switching to libc's malloc). */
static const char *const loader_calls[] = {"__libc_early_init", "malloc", "calloc", "realloc",
					   "free"};

/* ---- loading ---------------------------------------------------------------- */

static uint32_t add_obj(struct sk_extract *x, struct xobj *o, char *path, char *shown,
			const struct stat *st)
{
	for (size_t i = 0; i < x->n_objs; i++)
		if (x->objs[i].dev == st->st_dev && x->objs[i].ino == st->st_ino) {
			xobj_free(o);
			free(path);
			free(shown);
			return (uint32_t)i;
		}
	if (SK_GROW(x->objs, x->cap_objs, x->n_objs) < 0) {
		xobj_free(o);
		free(path);
		free(shown);
		return XT_NONE;
	}
	struct lobj *l = &x->objs[x->n_objs];
	*l = (struct lobj){.path = path, .shown = shown, .dev = st->st_dev, .ino = st->st_ino,
			   .obj = *o};
	l->obj.elf.path = shown; /* the message name now lives in the lobj */
	struct stat dst;
	int rc = x->debug.off ? 1 : xdebug_find(x->debug.fs, x->debug.dirs, x->debug.n_dirs,
						x->debug.in_root, &l->obj.elf, &l->debug, &dst);
	if (rc < 0) {
		xobj_free(&l->obj);
		free(path);
		free(shown);
		return XT_NONE;
	}
	if (rc == 0) {
		l->debug_size = (uint64_t)dst.st_size;
		sk_diags_add(x->debug.d, SK_SEV_NOTE, shown, 0, 0, "extract-debuginfo",
			     "stripped: its symbols come from %s, the debug file of its build-id",
			     l->debug);
	} else if (!x->debug.off) { /* no debug file: a static program's libc.a may name */
		rc = xdebug_find_archive(x->debug.fs, x->debug.in_root, &l->obj.elf, &l->archive,
					 &dst);
		if (rc < 0) {
			xobj_free(&l->obj);
			free(path);
			free(shown);
			return XT_NONE;
		}
		l->archive_id[0] = (uint64_t)dst.st_size;
		l->archive_id[1] = (uint64_t)dst.st_mtim.tv_sec * 1000000000u + (uint64_t)dst.st_mtim.tv_nsec;
	}
	return (uint32_t)x->n_objs++;
}

static int scope_add(struct xprog *p, size_t *cap, uint32_t i)
{
	for (size_t k = 0; k < p->n_scope; k++)
		if (p->scope[k] == i)
			return 0;
	if (SK_GROW(p->scope, *cap, p->n_scope) < 0)
		return -ENOMEM;
	p->scope[p->n_scope++] = i;
	return 0;
}

/* A loaded object of P that ld.so would take for NAME without a search. */
static uint32_t already(const struct sk_extract *x, const struct xprog *p, const char *name)
{
	for (size_t k = 0; k < p->n_scope; k++) {
		const struct lobj *l = &x->objs[p->scope[k]];
		const char *base = strrchr(l->path, '/');
		if ((l->obj.elf.soname && !strcmp(l->obj.elf.soname, name)) ||
		    !strcmp(base ? base + 1 : l->path, name))
			return p->scope[k];
	}
	return XT_NONE;
}

/* Breadth-first from scope[FROM]: every DT_NEEDED, resolved. */
static int load_needed(struct sk_extract *x, const struct xfs *fs, struct xprog *p,
		       size_t *cap, size_t from, struct sk_diags *d)
{
	for (size_t k = from; k < p->n_scope; k++) {
		uint32_t li = p->scope[k];
		size_t n = x->objs[li].obj.elf.n_needed;
		uint32_t *deps = calloc(n + 1, sizeof *deps);
		if (!deps)
			return -ENOMEM;
		for (size_t j = 0; j < n; j++) {
			const char *name = x->objs[li].obj.elf.needed[j];
			uint32_t t = already(x, p, name);
			if (t == XT_NONE) {
				struct xobj o;
				char *shown = NULL, *found = NULL;
				struct stat st;
				const struct lobj *l = &x->objs[li];
				char *dir = li == p->main ? NULL : xfs_dirname(l->path);
				int rc = li != p->main && !dir ? -ENOMEM :
					 xfs_find(fs, name, &l->obj, dir ? dir : p->origin,
						  &x->objs[p->main].obj, p->origin, &o, &found,
						  &shown, &st, d);
				free(dir);
				if (rc < 0) {
					free(shown);
					free(found);
					free(deps);
					return rc;
				}
				t = add_obj(x, &o, found, shown, &st);
			}
			if (t == XT_NONE || scope_add(p, cap, t) < 0) {
				free(deps);
				return -ENOMEM;
			}
			deps[j] = t;
		}
		free(x->objs[li].deps);
		x->objs[li].deps = deps;
		x->objs[li].n_deps = n;
	}
	return 0;
}

/* A program or a --with library named on the command line: a host path, a
 * path inside the root (IN_ROOT: a program under --rootfs), or (a --with
 * name without '/') a library looked up like DT_NEEDED. */
static uint32_t load_named(struct sk_extract *x, const struct xfs *fs, const struct xprog *p,
			   const char *name, bool in_root, struct sk_diags *d, int *rc)
{
	struct xobj o;
	struct stat st;
	char *path = NULL, *shown = NULL;
	memset(&o, 0, sizeof o);
	if (in_root) { /* its links resolve in the image (/usr/bin/java is an absolute one) */
		*rc = (path = strdup(name)) ? xfs_load(fs, name, &o, &shown, &st, d) : -ENOMEM;
	} else if (strchr(name, '/') || !p) {
		path = strdup(name);
		shown = strdup(name);
		if (!path || !shown) {
			*rc = -ENOMEM;
		} else if (stat(name, &st) < 0) {
			sk_diags_add(d, SK_SEV_ERROR, name, 0, 0, "extract-input", "cannot read: %s",
				     strerror(errno));
			*rc = -ENOENT;
		} else {
			*rc = xobj_open(&o, name, shown, d);
		}
	} else {
		const struct lobj *m = &x->objs[p->main];
		*rc = xfs_find(fs, name, &m->obj, p->origin, &m->obj, p->origin, &o, &path, &shown,
			       &st, d);
	}
	if (*rc < 0) {
		xobj_free(&o);
		free(path);
		free(shown);
		return XT_NONE;
	}
	uint32_t i = add_obj(x, &o, path, shown, &st);
	if (i == XT_NONE)
		*rc = -ENOMEM;
	return i;
}

/* The applet a multi-call program runs: --applet, else the name of the
 * symlink it is reached through (busybox images link /bin/ls to busybox,
 * and busybox runs the applet its argv[0] names); else itself, whole. *HIT
 * is set when the name chosen is one of its applets. */
static int choose_applet(struct xobj *o, const char *path, const char *opt, bool *hit)
{
	const char *name = opt, *base = strrchr(path, '/');
	struct stat st;
	if (!name && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		name = base ? base + 1 : path;
	int rc = xapplet_choose(o, name);
	*hit |= rc == 0 && name;
	return rc < 0 ? rc : 0;
}

static int load_program(struct sk_extract *x, const struct xfs *fs, const char *path,
			const struct sk_extract_opts *opts, bool *applet, struct sk_diags *d)
{
	if (SK_GROW(x->progs, x->cap_progs, x->n_progs) < 0)
		return -ENOMEM;
	struct xprog *p = &x->progs[x->n_progs++];
	*p = (struct xprog){.interp = XT_NONE};
	size_t cap = 0;
	int rc;
	char *in = xfs_in_root(fs, path); /* ROOTFS/usr/bin/x is the image's /usr/bin/x */
	p->in_root = in != NULL;
	p->main = load_named(x, fs, NULL, in ? in : path, p->in_root, d, &rc);
	free(in);
	if (rc == 0 && !(p->origin = xfs_program_origin(fs, x->objs[p->main].path, p->in_root)))
		rc = -ENOMEM;
	if (rc < 0 || (rc = scope_add(p, &cap, p->main)) < 0 ||
	    (rc = choose_applet(&x->objs[p->main].obj, path, opts->applet, applet)) < 0)
		return rc;
	const char *interp = x->objs[p->main].obj.elf.interp;
	if (interp) {
		struct xobj o;
		char *shown = NULL, *ipath = strdup(interp);
		struct stat st;
		memset(&o, 0, sizeof o);
		rc = ipath ? xfs_load(fs, interp, &o, &shown, &st, d) : -ENOMEM;
		if (rc < 0) {
			xobj_free(&o);
			free(shown);
			free(ipath);
			return rc;
		}
		if ((p->interp = add_obj(x, &o, ipath, shown, &st)) == XT_NONE)
			return -ENOMEM;
	}
	if ((rc = load_needed(x, fs, p, &cap, 0, d)) < 0)
		return rc;
	if (p->interp != XT_NONE && (rc = scope_add(p, &cap, p->interp)) < 0)
		return rc;
	p->n_loaded = p->n_scope;
	p->with = calloc(opts->n_with + 1, sizeof *p->with);
	if (!p->with)
		return -ENOMEM;
	for (size_t i = 0; i < opts->n_with; i++) {
		size_t from = p->n_scope;
		uint32_t w = load_named(x, fs, p, opts->with[i], false, d, &rc);
		if (rc < 0 || (rc = scope_add(p, &cap, w)) < 0 ||
		    (rc = load_needed(x, fs, p, &cap, from, d)) < 0)
			return rc;
		p->with[p->n_with++] = w;
	}
	return 0;
}

/* ---- summaries ----------------------------------------------------------------- */

uint32_t xlink_lookup(const struct sk_extract *x, const struct xprog *p, const char *name,
		      const struct xsum_export **e)
{
	for (size_t k = 0; k < p->n_scope; k++) {
		const struct lobj *l = &x->objs[p->scope[k]];
		if (!l->summarised)
			continue;
		const struct xsum_export *ex = xsummary_export(&l->sum, name);
		if (ex) {
			*e = ex;
			return p->scope[k];
		}
	}
	return XT_NONE;
}

/* Set what each import is assumed to be (wrapper parameters, never
 * returning) from its provider; true when any changed. */
static bool import_needs(struct sk_extract *x, const struct xprog *p, struct xobj *o)
{
	bool changed = false;
	for (size_t i = 0; i < o->n_imports; i++) {
		const struct xsum_export *e;
		bool known = xlink_lookup(x, p, o->imports[i].name, &e) != XT_NONE;
		uint32_t needs = known ? e->needs : 0;
		bool noret = known && e->noret;
		changed |= needs != o->imports[i].needs || noret != o->imports[i].noret;
		o->imports[i].needs = needs;
		o->imports[i].noret = noret;
	}
	return changed;
}

static uint64_t summary_key(const struct lobj *l)
{
	const struct xobj *o = &l->obj;
	uint64_t h = xhash(XHASH_INIT, o->elf.data, o->elf.size);
	h = xhash(h, &(uint64_t){ANALYSIS_VERSION}, 8);
	if (l->debug) /* with its debug file's symbols (the build-id names the file) */
		h = xhash(h, &l->debug_size, sizeof l->debug_size);
	if (l->archive) /* with the names its libc.a may give */
		h = xhash(h, l->archive_id, sizeof l->archive_id);
	if (xapplet_on(o))
		h = xhash(h, o->applet.name, strlen(o->applet.name) + 1);
	for (size_t i = 0; i < o->n_imports; i++)
		if (o->imports[i].needs || o->imports[i].noret) {
			uint32_t bits[2] = {o->imports[i].needs, o->imports[i].noret};
			h = xhash(h, o->imports[i].name, strlen(o->imports[i].name) + 1);
			h = xhash(h, bits, sizeof bits);
		}
	return h;
}

static int summarise(struct sk_extract *x, struct lobj *l, struct xcache *cache,
		     const struct xdec *dec)
{
	struct xsummary want = {.key = summary_key(l), .build_id_len = l->obj.elf.build_id_len};
	memcpy(want.build_id, l->obj.elf.build_id, want.build_id_len);
	if (l->summarised)
		xsummary_free(&l->sum);
	xgraph_free(l->graph);
	l->graph = NULL;
	l->summarised = false;
	if (cache && !x->explain && xcache_get(cache, &want, &l->sum) == 0) {
		l->summarised = l->from_cache = true;
		return 0;
	}
	int rc = 0;
	if (l->debug && !l->debug_added) {
		const char *why;
		l->debug_added = true;
		rc = xdebug_add(x->debug.fs, x->debug.n_dirs > 0, x->debug.in_root, &l->obj.elf,
				l->debug, &why);
		if (rc == 1) { /* analysed without it, and cached as such */
			sk_diags_add(x->debug.d, SK_SEV_WARNING, l->shown, 0, 0, "extract-debuginfo",
				     "its debug file %s is not used: %s", l->debug, why);
			free(l->debug);
			l->debug = NULL;
			want.key = summary_key(l);
		}
		if (rc < 0)
			return rc;
	}
	if (l->archive && !l->archive_added) {
		const char *why;
		size_t named;
		l->archive_added = true;
		rc = xdebug_add_archive(x->debug.fs, x->debug.in_root, &l->obj.elf, l->archive,
					&named, &why);
		if (rc == 0)
			sk_diags_add(x->debug.d, SK_SEV_NOTE, l->shown, 0, 0, "extract-debuginfo",
				     "stripped: %zu of its functions are named from %s, the static libc "
				     "whose code it holds", named, l->archive);
		else if (rc == 1 && why)
			sk_diags_add(x->debug.d, SK_SEV_NOTE, l->shown, 0, 0, "extract-debuginfo",
				     "stripped: %s does not name its functions: %s", l->archive, why);
		if (rc < 0)
			return rc;
	}
	xobj_reset(&l->obj);
	rc = xobj_analyse(&l->obj, dec);
	if (rc == 0)
		rc = xobj_summarize(&l->obj, &l->sum, x->explain ? &l->graph : NULL);
	if (rc < 0)
		return rc;
	l->sum.key = want.key;
	l->sum.build_id_len = want.build_id_len;
	memcpy(l->sum.build_id, want.build_id, want.build_id_len);
	l->summarised = true;
	l->from_cache = false;
	if (cache)
		xcache_put(cache, &l->sum); /* a cache that cannot be written is no error */
	return 0;
}

/* Libraries before their users (reverse lookup order), then check every
 * assumption an object was analysed with against its provider. */
static int summarise_program(struct sk_extract *x, const struct xprog *p, struct xcache *cache,
			     const struct xdec *dec)
{
	for (size_t k = p->n_scope; k-- > 0;) {
		struct lobj *l = &x->objs[p->scope[k]];
		if (l->summarised)
			continue;
		import_needs(x, p, &l->obj);
		int rc = summarise(x, l, cache, dec);
		if (rc < 0)
			return rc;
	}
	for (int round = 0; round < 4; round++) {
		bool again = false;
		for (size_t k = p->n_scope; k-- > 0;) {
			struct lobj *l = &x->objs[p->scope[k]];
			if (!import_needs(x, p, &l->obj))
				continue;
			again = true;
			int rc = summarise(x, l, cache, dec);
			if (rc < 0)
				return rc;
		}
		if (!again)
			break;
	}
	return 0;
}

/* ---- the union ---------------------------------------------------------------- */

struct walk {
	struct sk_extract *x;
	const struct xprog *p;
	uint8_t **seen; /* per object, per set */
	struct sk_diags *d;
	int err;
};

static void visit(struct walk *w, uint32_t obj, uint32_t set, uint32_t parent, const char *via,
		  const char *root, const char *start)
{
	struct sk_extract *x = w->x;
	if (obj == XT_NONE || set >= x->objs[obj].sum.n_sets || w->seen[obj][set] || w->err)
		return;
	w->seen[obj][set] = 1;
	if (SK_GROW(x->visits, x->cap_visits, x->n_visits) < 0) {
		w->err = -ENOMEM;
		return;
	}
	x->visits[x->n_visits++] = (struct xvisit){obj, set, parent, via, root, start};
}

/* How visit V was reached, and FUNC in it: "fopen@libc.so.6: libc.so.6+0x114690"
 * (an import of the program, and the function of the site in the library),
 * "ls: runtime.sysMmap" (the program's own code), "libc.so.6 at load: ...". */
static char *prov_text(const struct sk_extract *x, uint32_t v, const char *func)
{
	uint32_t hops[4];
	size_t n = 0;
	uint32_t at = v;
	for (; at != XT_NONE && x->visits[at].via; at = x->visits[at].parent)
		if (n < 4)
			hops[n++] = at;
	struct sk_sb sb = SK_SB_INIT;
	if (!n) {
		const struct xvisit *r = &x->visits[v];
		bool entry = r->root && !strcmp(r->root, "entry");
		if (r->start) /* a function ld.so looks up by name and calls */
			sk_sb_addf(&sb, "%s@%s (ld.so calls it)", r->start, x->objs[r->obj].obj.label);
		else
			sk_sb_addf(&sb, "%s%s%s", x->objs[r->obj].obj.label, entry ? "" : " at ",
				   entry ? "" : r->root ? r->root : "");
	}
	for (size_t i = n; i-- > 0;)
		sk_sb_addf(&sb, "%s@%s%s", x->visits[hops[i]].via,
			   x->objs[x->visits[hops[i]].obj].obj.label, i ? " -> " : "");
	if (func)
		sk_sb_addf(&sb, ": %s", func);
	/* names come from the files (symbols, sonames): another party's text */
	char *raw = sk_sb_detach(&sb, NULL);
	char *text = raw ? sk_escape(raw) : NULL;
	free(raw);
	return text;
}

/* A diagnostic whose message holds names from the files, escaped whole. */
__attribute__((format(printf, 5, 6)))
static void diag(struct walk *w, enum sk_severity sev, const char *file, const char *rule,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	char *raw = sk_sb_detach(&sb, NULL);
	char *text = raw ? sk_escape(raw) : NULL;
	if (!text || sk_diags_add(w->d, sev, file, 0, 0, rule, "%s", text) < 0)
		w->err = -ENOMEM;
	free(raw);
	free(text);
}

/* How telling a provenance is: the program's own paths first, then what
 * loading runs, then ld.so's (it has an execve for "ld.so PROGRAM"). */
static int rank(const struct walk *w, uint32_t v)
{
	while (w->x->visits[v].parent != XT_NONE)
		v = w->x->visits[v].parent;
	const struct xvisit *r = &w->x->visits[v];
	if (r->obj == w->p->interp && r->obj != w->p->main)
		return 2;
	return r->root && !strcmp(r->root, "load") ? 1 : 0;
}

static void found_sys(struct walk *w, uint32_t v, uint32_t it)
{
	struct sk_extract *x = w->x;
	const struct xsum_item *item = &x->objs[x->visits[v].obj].sum.items[it];
	sk_trace_result_add(&x->res, (enum sk_arch)item->arch, item->nr, NULL);
	struct xprov *old = NULL;
	for (size_t i = 0; i < x->n_prov && !old; i++)
		if (x->prov[i].arch == item->arch && x->prov[i].nr == item->nr)
			old = &x->prov[i];
	if (old && (old->visit == XT_NONE || rank(w, old->visit) <= rank(w, v)))
		return;
	char *text = prov_text(x, v, item->name);
	if (!text || (!old && SK_GROW(x->prov, x->cap_prov, x->n_prov) < 0)) {
		free(text);
		w->err = -ENOMEM;
		return;
	}
	if (old) {
		free(old->text);
		*old = (struct xprov){item->arch, item->nr, v, it, text};
		return;
	}
	x->prov[x->n_prov++] = (struct xprov){item->arch, item->nr, v, it, text};
}

static void found_unresolved(struct walk *w, uint32_t v, const struct xsum_item *item)
{
	struct sk_extract *x = w->x;
	const struct lobj *l = &x->objs[x->visits[v].obj];
	for (size_t i = 0; i < x->n_unres; i++)
		if (x->unres[i].address == item->site && !strcmp(x->unres[i].object, l->shown) &&
		    !strcmp(x->unres[i].what, item->what))
			return;
	if (SK_GROW(x->unres, x->cap_unres, x->n_unres) < 0) {
		w->err = -ENOMEM;
		return;
	}
	x->unres[x->n_unres++] = (struct sk_extract_site){l->shown, item->name, item->site,
							  item->what};
	char *how = prov_text(x, v, item->name);
	diag(w, x->strict ? SK_SEV_ERROR : SK_SEV_WARNING, l->shown, "extract-unresolved",
	     "%s at 0x%llx: %s: the number is not a constant, so the profile may lack what it "
	     "makes (reached: %s)", item->name, (unsigned long long)item->site, item->what,
	     how ? how : item->name);
	free(how);
}

/* A library the program loads anyway needs no note (musl's libc.so, which
 * its ld.so names and answers with itself, neither). */
static bool loaded(const struct sk_extract *x, const struct xprog *p, const char *name)
{
	return already(x, p, name) != XT_NONE || xfs_interp_answers(&x->objs[p->main].obj, name);
}

static void found_note(struct walk *w, uint32_t v, const char *text)
{
	struct sk_extract *x = w->x;
	char words[200];
	const char *rule = "extract-dlopen", *tail = "; a library it loads is not analysed "
						       "unless named with --with";
	if (!strncmp(text, "lib:", 4)) {
		if (loaded(x, w->p, text + 4))
			return;
		snprintf(words, sizeof words, "may load %s at run time (dlopen: its code names it)",
			 text + 4);
		text = words;
	} else if (!strncmp(text, "indirect:", 9)) {
		text += 9;
		rule = "extract-indirect";
		tail = "";
	} else if (!strncmp(text, "applet:", 7)) {
		text += 7;
		rule = "extract-applet";
		tail = "";
	}
	const struct lobj *l = &x->objs[x->visits[v].obj];
	char *how = prov_text(x, v, NULL);
	struct sk_sb sb = SK_SB_INIT;
	sk_sb_addf(&sb, "%s: %s", l->shown, text);
	char *key = sk_sb_detach(&sb, NULL);
	bool dup = false;
	for (size_t i = 0; key && i < x->n_notes; i++)
		dup |= !strcmp(x->notes[i], key);
	if (!key || !how || dup || SK_GROW(x->notes, x->cap_notes, x->n_notes) < 0) {
		w->err = key && how && !dup ? -ENOMEM : w->err;
		free(key);
		free(how);
		return;
	}
	x->notes[x->n_notes++] = key;
	/* a library the program may load unseen is a warning; an assumption said
	 * aloud (a taken wrapper) a note */
	diag(w, strcmp(rule, "extract-dlopen") ? SK_SEV_NOTE : SK_SEV_WARNING, l->shown, rule,
	     "%s (reached: %s)%s", text, how, tail);
	free(how);
}

static void import(struct walk *w, uint32_t v, const struct xsum_item *item)
{
	const struct xsum_export *e;
	uint32_t o = xlink_lookup(w->x, w->p, item->name, &e);
	if (o != XT_NONE)
		visit(w, o, e->set, v, item->name, NULL, item->name);
	if (!strcmp(item->name, "dlopen") || !strcmp(item->name, "dlmopen"))
		found_note(w, v, "calls dlopen: what it loads is not in DT_NEEDED");
}

static void expand(struct walk *w, uint32_t v)
{
	const struct xsummary *s = &w->x->objs[w->x->visits[v].obj].sum;
	const uint64_t *bits = &s->sets[(size_t)w->x->visits[v].set * s->nw];
	for (size_t k = 0; k < s->nw && !w->err; k++)
		for (uint64_t b = bits[k]; b && !w->err; b &= b - 1) {
			size_t it = k * 64 + (size_t)__builtin_ctzll(b);
			const struct xsum_item *item = &s->items[it];
			switch (item->kind) {
			case XI_SYS: found_sys(w, v, (uint32_t)it); break;
			case XI_IMPORT: import(w, v, item); break;
			case XI_UNRESOLVED: found_unresolved(w, v, item); break;
			default: found_note(w, v, item->name); break;
			}
		}
}

static void roots(struct walk *w)
{
	struct sk_extract *x = w->x;
	const struct xprog *p = w->p;
	visit(w, p->main, x->objs[p->main].sum.entry, XT_NONE, NULL, "entry", NULL);
	for (size_t k = 0; k < p->n_scope; k++)
		visit(w, p->scope[k], x->objs[p->scope[k]].sum.init, XT_NONE, NULL, "load", NULL);
	if (p->interp != XT_NONE) {
		visit(w, p->interp, x->objs[p->interp].sum.entry, XT_NONE, NULL, "entry", NULL);
		for (size_t i = 0; i < sizeof loader_calls / sizeof loader_calls[0]; i++) {
			const struct xsum_export *e;
			uint32_t o = xlink_lookup(x, p, loader_calls[i], &e);
			if (o != XT_NONE)
				visit(w, o, e->set, XT_NONE, NULL, "start", loader_calls[i]);
		}
	}
	for (size_t i = 0; i < p->n_with; i++)
		visit(w, p->with[i], x->objs[p->with[i]].sum.all, XT_NONE, NULL, "dlopen", NULL);
}

static int union_program(struct sk_extract *x, const struct xprog *p, struct sk_diags *d)
{
	struct walk w = {.x = x, .p = p, .d = d};
	w.seen = calloc(x->n_objs, sizeof *w.seen);
	for (size_t i = 0; w.seen && i < x->n_objs && !w.err; i++)
		if (x->objs[i].summarised && !(w.seen[i] = calloc(x->objs[i].sum.n_sets + 1, 1)))
			w.err = -ENOMEM;
	if (!w.seen)
		return -ENOMEM;
	size_t first = x->n_visits;
	roots(&w);
	for (size_t v = first; v < x->n_visits && !w.err; v++)
		expand(&w, (uint32_t)v);
	for (size_t i = 0; i < x->n_objs; i++)
		free(w.seen[i]);
	free(w.seen);
	return w.err;
}

int xlink_run(struct sk_extract *x, const char *const *paths, size_t n,
	      const struct sk_extract_opts *o, struct sk_diags *d)
{
	struct xfs *fs = xfs_open(o->rootfs, d);
	if (!fs)
		return o->rootfs ? -ENOENT : -ENOMEM;
	x->debug.fs = fs;
	x->debug.dirs = o->debug_dirs;
	x->debug.n_dirs = o->n_debug_dirs;
	x->debug.in_root = o->rootfs != NULL;
	x->debug.off = o->no_debuginfo;
	x->debug.d = d;
	struct xdec *dec = xdec_new();
	struct xcache *cache = o->no_cache ? NULL : xcache_open(o->cache_dir, d);
	int rc = dec ? 0 : -ENOMEM;
	bool applet = false;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = load_program(x, fs, paths[i], o, &applet, d);
	if (rc == 0 && o->applet && !applet) {
		sk_diags_add(d, SK_SEV_ERROR, paths[0], 0, 0, "extract-input",
			     "--applet %s: no program given is a multi-call binary with an applet of "
			     "that name (a table of sorted applet names and one of as many main "
			     "functions)", o->applet);
		rc = -ENOEXEC;
	}
	for (size_t i = 0; rc == 0 && i < x->n_progs; i++)
		rc = summarise_program(x, &x->progs[i], cache, dec);
	for (size_t i = 0; rc == 0 && i < x->n_progs; i++)
		rc = union_program(x, &x->progs[i], d);
	if (rc == -ENOMEM)
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "extract-nomem", "out of memory");
	xcache_close(cache);
	xdec_free(dec);
	xfs_close(fs);
	memset(&x->debug, 0, sizeof x->debug);
	return rc;
}
