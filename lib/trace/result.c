/* SPDX-License-Identifier: Apache-2.0 */
/* The recorded set: a bitmap of syscall numbers per arch, plus argument values.
 * sk_trace_result_add runs once per ptrace stop, so it does no allocation and
 * no lookups beyond array indexing. */
#include <scmpkit/trace.h>

#include <string.h>

/* Which argument of which call each kind records (index into the call's args). */
static const struct {
	const char *syscall;
	unsigned index;
	const char *what;
} argkinds[SK_TARG_COUNT] = {
	[SK_TARG_CLONE] = {"clone", 0, "clone flags"},
	[SK_TARG_SOCKET] = {"socket", 0, "socket family"},
	[SK_TARG_PERSONALITY] = {"personality", 0, "personality"},
	[SK_TARG_PRCTL] = {"prctl", 0, "prctl option"},
	[SK_TARG_ARCH_PRCTL] = {"arch_prctl", 0, "arch_prctl code"},
	[SK_TARG_IOCTL] = {"ioctl", 1, "ioctl request"},
};

const char *sk_trace_argkind_name(enum sk_trace_argkind k)
{
	return (unsigned)k < SK_TARG_COUNT ? argkinds[k].what : NULL;
}

const char *sk_trace_argkind_syscall(enum sk_trace_argkind k)
{
	return (unsigned)k < SK_TARG_COUNT ? argkinds[k].syscall : NULL;
}

unsigned sk_trace_argkind_index(enum sk_trace_argkind k)
{
	return (unsigned)k < SK_TARG_COUNT ? argkinds[k].index : 0;
}

void sk_trace_result_init(struct sk_trace_result *r, bool with_args)
{
	memset(r, 0, sizeof *r);
	r->with_args = with_args;
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		struct sk_trace_archset *s = &r->arch[a];
		const char *name;
		int64_t nr;
		s->base = sk_syscall_at(a, 0, &name, &nr) ? nr : 0;
		for (int k = 0; k < SK_TARG_COUNT; k++)
			s->arg_nr[k] = sk_syscall_nr(a, argkinds[k].syscall);
	}
}

static void add_value(struct sk_trace_values *v, uint64_t x)
{
	for (unsigned i = 0; i < v->n; i++)
		if (v->v[i] == x)
			return;
	if (v->n < SK_TRACE_MAX_VALUES)
		v->v[v->n++] = x;
	else
		v->overflow = true;
}

bool sk_trace_result_add(struct sk_trace_result *r, enum sk_arch arch, int64_t nr,
			 const uint64_t args[6])
{
	if ((unsigned)arch >= SK_ARCH_COUNT)
		return false;
	struct sk_trace_archset *s = &r->arch[arch];
	r->stops++;
	s->seen = true;
	if (r->with_args && args)
		for (int k = 0; k < SK_TARG_COUNT; k++)
			if (s->arg_nr[k] == nr)
				add_value(&s->values[k], args[argkinds[k].index]);
	uint64_t i = (uint64_t)(nr - s->base);
	if (nr >= s->base && i < SK_TRACE_NR_SPAN) {
		uint64_t bit = UINT64_C(1) << (i % 64);
		if (s->bits[i / 64] & bit)
			return false;
		s->bits[i / 64] |= bit;
		r->distinct++;
		return true;
	}
	for (unsigned j = 0; j < s->n_extra; j++)
		if (s->extra[j] == nr)
			return false;
	if (s->n_extra == SK_TRACE_MAX_EXTRA) {
		s->dropped++;
		return false;
	}
	s->extra[s->n_extra++] = nr;
	r->distinct++;
	return true;
}

bool sk_trace_result_has(const struct sk_trace_result *r, enum sk_arch arch, int64_t nr)
{
	if ((unsigned)arch >= SK_ARCH_COUNT)
		return false;
	const struct sk_trace_archset *s = &r->arch[arch];
	uint64_t i = (uint64_t)(nr - s->base);
	if (nr >= s->base && i < SK_TRACE_NR_SPAN)
		return s->bits[i / 64] >> (i % 64) & 1;
	for (unsigned j = 0; j < s->n_extra; j++)
		if (s->extra[j] == nr)
			return true;
	return false;
}

void sk_trace_result_merge(struct sk_trace_result *dst, const struct sk_trace_result *src)
{
	dst->with_args |= src->with_args;
	for (int a = 0; a < SK_ARCH_COUNT; a++) {
		const struct sk_trace_archset *s = &src->arch[a];
		struct sk_trace_archset *d = &dst->arch[a];
		if (!s->seen)
			continue;
		size_t cur = 0;
		int64_t nr;
		uint64_t stops = dst->stops;
		while (sk_trace_result_next(src, a, &cur, &nr))
			sk_trace_result_add(dst, a, nr, NULL); /* values merged below */
		dst->stops = stops;
		d->seen = true;
		d->dropped += s->dropped;
		for (int k = 0; k < SK_TARG_COUNT; k++) {
			for (unsigned i = 0; i < s->values[k].n; i++)
				add_value(&d->values[k], s->values[k].v[i]);
			d->values[k].overflow |= s->values[k].overflow;
		}
	}
	dst->stops += src->stops;
}

bool sk_trace_result_next(const struct sk_trace_result *r, enum sk_arch arch,
			  size_t *cursor, int64_t *nr)
{
	if ((unsigned)arch >= SK_ARCH_COUNT)
		return false;
	const struct sk_trace_archset *s = &r->arch[arch];
	/* cursor: bit positions first, then the extra list */
	for (size_t i = *cursor; i < SK_TRACE_NR_SPAN; i++) {
		if (!s->bits[i / 64]) {
			i |= 63;
			continue;
		}
		if (s->bits[i / 64] >> (i % 64) & 1) {
			*nr = s->base + (int64_t)i;
			*cursor = i + 1;
			return true;
		}
	}
	size_t j = *cursor < SK_TRACE_NR_SPAN ? 0 : *cursor - SK_TRACE_NR_SPAN;
	if (j >= s->n_extra)
		return false;
	*nr = s->extra[j];
	*cursor = SK_TRACE_NR_SPAN + j + 1;
	return true;
}
