/* SPDX-License-Identifier: Apache-2.0 */
/* One object, from its file to its summary: read (within the binary size
 * limit), parse, find functions, scan, resolve numbers, summarise. The steps
 * live in their own files; this one runs them in order and owns what they
 * leave behind. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/fileio.h>

int xobj_open(struct xobj *o, const char *path, const char *shown, struct sk_diags *d)
{
	memset(o, 0, sizeof *o);
	char *data = NULL;
	size_t len = 0;
	int rc = sk_read_input(path, SK_INPUT_BINARY, &data, &len);
	if (rc < 0) {
		sk_diags_add(d, SK_SEV_ERROR, shown, 0, 0, "extract-input", "cannot read: %s",
			     sk_read_error(rc, SK_INPUT_BINARY));
		return rc == -ENOENT ? -ENOENT : rc == -EFBIG ? -EFBIG : -ENOEXEC;
	}
	rc = xelf_load(&o->elf, shown, data, len, d);
	if (rc < 0)
		return rc;
	return xobj_set_label(o);
}

int xobj_set_label(struct xobj *o)
{
	const char *base = strrchr(o->elf.path, '/');
	o->label = o->elf.soname ? o->elf.soname : base ? base + 1 : o->elf.path;
	return xobj_index(o);
}

/* BRANCHED: also cut code no source bounds where calls and jumps from other
 * functions land (once, not to a fixpoint), and scan again. */
static int analyse_once(struct xobj *o, const struct xdec *dec, bool branched)
{
	int rc = xobj_funcs(o);
	if (rc == 0)
		rc = xobj_split_gaps(o, dec);
	if (rc == 0)
		rc = xobj_scan(o, dec);
	if (rc == 0 && branched && (rc = xobj_split_branched(o)) == 1) {
		xobj_scan_clear(o);
		rc = xobj_scan(o, dec);
	}
	if (rc == 0) {
		xobj_noreturn(o);
		rc = xobj_flow(o, dec);
	}
	return rc;
}

static bool unresolved_in_gap(const struct xobj *o)
{
	for (size_t i = 0; i < o->n_items; i++)
		if (o->items[i].kind == XI_UNRESOLVED && o->items[i].func < o->n_funcs &&
		    xobj_cuttable(&o->funcs[o->items[i].func]))
			return true;
	return false;
}

/* A site left unresolved in code no source bounds may be a wrapper's that
 * nothing but a call or tail jump from elsewhere starts (musl's
 * __syscall_cp_c, which its libc.so's __syscall_cp jumps to): then analyse
 * again with those cuts too. Only then: the second scan costs (nginx's
 * libraries would pay half as much again for nothing), and every cut may
 * lose what only lying next to reached code reached. */
int xobj_analyse(struct xobj *o, const struct xdec *dec)
{
	int rc = analyse_once(o, dec, false);
	if (rc == 0 && o->n_branch_in && unresolved_in_gap(o)) {
		xobj_reset(o);
		rc = analyse_once(o, dec, true);
	}
	return rc;
}

void xobj_reset(struct xobj *o)
{
	for (size_t i = 0; i < o->n_items; i++)
		free(o->items[i].text);
	for (size_t f = 0; o->fown && f < o->n_funcs; f++)
		free(o->fown[f].v);
	free(o->fown);
	free(o->items);
	free(o->funcs);
	xobj_scan_clear(o);
	xgo_free(&o->go);
	o->fown = NULL;
	o->items = NULL;
	o->funcs = NULL;
	o->n_items = o->cap_items = o->n_funcs = 0;
	o->is_go = false;
	o->go_table = (struct xrange){0, 0};
}

void xobj_free(struct xobj *o)
{
	xobj_reset(o);
	free(o->imports);
	free(o->slots);
	free(o->code);
	xelf_free(&o->elf);
	memset(o, 0, sizeof *o);
}
