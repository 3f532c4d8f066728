/* SPDX-License-Identifier: Apache-2.0 */
/* The profile model: names of actions, operators and flags, and the lifetime
 * of a profile (new, clone, free, add). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scmpkit/action.h>
#include <scmpkit/profile.h>

#include "profile/internal.h"

/* ---- names --------------------------------------------------------------- */

struct name_value {
	const char *name;
	int value;
};

/* The one table of actions (scmpkit/action.h). The written spelling comes
 * first: SCMP_ACT_KILL is what Docker and runc profiles use for KILL_THREAD. */
static const struct sk_action_info actions[SK_ACT_COUNT] = {
	[SK_ACT_KILL_THREAD] = {SK_ACT_KILL_THREAD, "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
				"KILL_THREAD", 0x00000000u, false},
	[SK_ACT_KILL_PROCESS] = {SK_ACT_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS", NULL,
				 "KILL_PROCESS", 0x80000000u, false},
	[SK_ACT_TRAP] = {SK_ACT_TRAP, "SCMP_ACT_TRAP", NULL, "TRAP", 0x00030000u, true},
	[SK_ACT_ERRNO] = {SK_ACT_ERRNO, "SCMP_ACT_ERRNO", NULL, "ERRNO", 0x00050000u, true},
	[SK_ACT_NOTIFY] = {SK_ACT_NOTIFY, "SCMP_ACT_NOTIFY", NULL, "NOTIFY", 0x7fc00000u, false},
	[SK_ACT_TRACE] = {SK_ACT_TRACE, "SCMP_ACT_TRACE", NULL, "TRACE", 0x7ff00000u, true},
	[SK_ACT_LOG] = {SK_ACT_LOG, "SCMP_ACT_LOG", NULL, "LOG", 0x7ffc0000u, false},
	[SK_ACT_ALLOW] = {SK_ACT_ALLOW, "SCMP_ACT_ALLOW", NULL, "ALLOW", 0x7fff0000u, false},
};

const struct sk_action_info *sk_action_info(enum sk_action a)
{
	return a > SK_ACT_INVALID && a < SK_ACT_COUNT ? &actions[a] : NULL;
}

const struct sk_action_info *sk_action_info_ret(uint32_t ret)
{
	for (size_t i = 0; i < SK_ACT_COUNT; i++)
		if ((ret & 0xffff0000u) == actions[i].ret)
			return &actions[i];
	return NULL;
}

const char *sk_action_name(enum sk_action a)
{
	const struct sk_action_info *i = sk_action_info(a);
	return i ? i->name : NULL;
}

enum sk_action sk_action_parse(const char *s)
{
	for (size_t i = 0; s && i < SK_ACT_COUNT; i++)
		if (!strcmp(actions[i].name, s) || (actions[i].alias && !strcmp(actions[i].alias, s)))
			return actions[i].action;
	return SK_ACT_INVALID;
}

static const struct name_value ops[] = {
	{"SCMP_CMP_NE", SK_OP_NE},	   {"SCMP_CMP_LT", SK_OP_LT}, {"SCMP_CMP_LE", SK_OP_LE},
	{"SCMP_CMP_EQ", SK_OP_EQ},	   {"SCMP_CMP_GE", SK_OP_GE}, {"SCMP_CMP_GT", SK_OP_GT},
	{"SCMP_CMP_MASKED_EQ", SK_OP_MASKED_EQ},
};

static const struct name_value flags[] = {
	{"SECCOMP_FILTER_FLAG_TSYNC", SK_FLAG_TSYNC},
	{"SECCOMP_FILTER_FLAG_LOG", SK_FLAG_LOG},
	{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SK_FLAG_SPEC_ALLOW},
	{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SK_FLAG_WAIT_KILLABLE_RECV},
};

static const struct name_value formats[] = {
	{"oci", SK_FORMAT_OCI},
	{"docker", SK_FORMAT_DOCKER},
	{"spo", SK_FORMAT_SPO},
	{"runc-config", SK_FORMAT_RUNC_CONFIG},
};

#define LOOKUP_NAME(tab, v)                                                  \
	do {                                                                 \
		for (size_t i_ = 0; i_ < sizeof tab / sizeof tab[0]; i_++)   \
			if (tab[i_].value == (int)(v))                       \
				return tab[i_].name;                         \
		return NULL;                                                 \
	} while (0)

#define LOOKUP_VALUE(tab, s, invalid)                                        \
	do {                                                                 \
		if (!(s))                                                    \
			return invalid;                                      \
		for (size_t i_ = 0; i_ < sizeof tab / sizeof tab[0]; i_++)   \
			if (!strcmp(tab[i_].name, (s)))                      \
				return tab[i_].value;                        \
		return invalid;                                              \
	} while (0)

const char *sk_op_name(enum sk_op op) { LOOKUP_NAME(ops, op); }
enum sk_op sk_op_parse(const char *s) { LOOKUP_VALUE(ops, s, SK_OP_INVALID); }
const char *sk_flag_name(enum sk_flag f) { LOOKUP_NAME(flags, f); }
int sk_flag_parse(const char *s) { LOOKUP_VALUE(flags, s, -1); }
const char *sk_format_name(enum sk_format f) { LOOKUP_NAME(formats, f); }
int sk_format_parse(const char *s) { LOOKUP_VALUE(formats, s, -1); }

/* Linux's errno names (asm-generic + the aliases glibc defines). Values come
 * from <errno.h> so that they are right for the architecture we run on. */
static const struct name_value errnos[] = {
#define E(x) {#x, x}
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
	E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK),
	E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
	E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE),
	E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
	E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
	E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI), E(EL2HLT),
	E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT),
	E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG), E(EREMOTE),
	E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT),
	E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC),
	E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ), E(ERESTART),
	E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE),
	E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),
	E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN),
	E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS),
	E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ESTALE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT),
	E(ENOMEDIUM), E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED),
	E(EKEYREVOKED), E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL),
	E(EHWPOISON),
	/* aliases: parse only (the canonical name above comes first) */
	E(EWOULDBLOCK), E(EDEADLOCK), E(ENOTSUP),
#undef E
};

int sk_errno_parse(const char *s) { LOOKUP_VALUE(errnos, s, -1); }
const char *sk_errno_name(int e) { LOOKUP_NAME(errnos, e); }

size_t sk_errno_table_count(void) { return sizeof errnos / sizeof errnos[0]; }

const char *sk_errno_table_at(size_t i, int *value)
{
	if (i >= sk_errno_table_count())
		return NULL;
	if (value)
		*value = errnos[i].value;
	return errnos[i].name;
}

/* Docker's default capability set (moby oci/caps/defaults.go). */
const char *const sk_docker_default_caps[] = {
	"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",	 "CAP_FOWNER",
	"CAP_MKNOD",  "CAP_NET_RAW",	  "CAP_SETGID",	 "CAP_SETUID",
	"CAP_SETFCAP", "CAP_SETPCAP",	  "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	"CAP_KILL",   "CAP_AUDIT_WRITE",
};
const size_t sk_docker_default_caps_count =
	sizeof sk_docker_default_caps / sizeof sk_docker_default_caps[0];

/* ---- memory helpers -------------------------------------------------------- */

/* Arrays in the model carry no capacity field (clones and readers size them
 * exactly, and the struct stays what users see): to them the capacity is the
 * count, so each append grows the array through the one growth helper.
 * Profiles are small. */
static int push(void **v, size_t n, size_t size)
{
	size_t cap = n;
	return sk_grow(v, &cap, n, size);
}

int sk_strv_push(char ***v, size_t *n, const char *s)
{
	char *d = strdup(s);
	if (!d || push((void **)v, *n, sizeof **v) < 0) {
		free(d);
		return -ENOMEM;
	}
	(*v)[(*n)++] = d;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* All at once: copies (clone, the compiler's private copy) are frequent, and
 * growing one element at a time is for building. */
static int strv_copy(char ***dst, size_t *dn, char *const *src, size_t n)
{
	*dst = NULL;
	*dn = 0;
	if (!n)
		return 0;
	if (!(*dst = malloc(n * sizeof **dst)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!((*dst)[i] = strdup(src[i])))
			return -ENOMEM;
		(*dn)++;
	}
	return 0;
}

bool sk_cond_empty(const struct sk_cond *c)
{
	return !c->n_arches && !c->n_caps && !c->min_kernel;
}

void sk_cond_clear(struct sk_cond *c)
{
	strv_free(c->arches, c->n_arches);
	strv_free(c->caps, c->n_caps);
	free(c->min_kernel);
	memset(c, 0, sizeof *c);
}

int sk_cond_copy(struct sk_cond *dst, const struct sk_cond *src)
{
	memset(dst, 0, sizeof *dst);
	dst->pos = src->pos;
	if (strv_copy(&dst->arches, &dst->n_arches, src->arches, src->n_arches) < 0 ||
	    strv_copy(&dst->caps, &dst->n_caps, src->caps, src->n_caps) < 0)
		return -ENOMEM;
	if (src->min_kernel && !(dst->min_kernel = strdup(src->min_kernel)))
		return -ENOMEM;
	return 0;
}

void sk_rule_clear(struct sk_rule *r)
{
	strv_free(r->names, r->n_names);
	free(r->name_pos);
	free(r->errno_name);
	free(r->args);
	sk_cond_clear(&r->includes);
	sk_cond_clear(&r->excludes);
	free(r->comment);
	memset(r, 0, sizeof *r);
}

int sk_rule_copy_match(struct sk_rule *dst, const struct sk_rule *src)
{
	*dst = *src;
	dst->names = NULL;
	dst->name_pos = NULL;
	dst->n_names = 0;
	dst->errno_name = NULL;
	dst->args = NULL;
	dst->n_args = 0;
	dst->comment = NULL;
	memset(&dst->includes, 0, sizeof dst->includes);
	memset(&dst->excludes, 0, sizeof dst->excludes);
	if (src->n_args) {
		dst->args = malloc(src->n_args * sizeof *dst->args);
		if (!dst->args)
			return -ENOMEM;
		memcpy(dst->args, src->args, src->n_args * sizeof *dst->args);
		dst->n_args = src->n_args;
	}
	if (sk_cond_copy(&dst->includes, &src->includes) < 0 ||
	    sk_cond_copy(&dst->excludes, &src->excludes) < 0)
		return -ENOMEM;
	return 0;
}

int sk_rule_copy(struct sk_rule *dst, const struct sk_rule *src)
{
	if (sk_rule_copy_match(dst, src) < 0)
		return -ENOMEM;
	if (strv_copy(&dst->names, &dst->n_names, src->names, src->n_names) < 0)
		return -ENOMEM;
	if (src->n_names) {
		dst->name_pos = malloc(src->n_names * sizeof *dst->name_pos);
		if (!dst->name_pos)
			return -ENOMEM;
		if (src->name_pos)
			memcpy(dst->name_pos, src->name_pos, src->n_names * sizeof *dst->name_pos);
		else
			memset(dst->name_pos, 0, src->n_names * sizeof *dst->name_pos);
	}
	if ((src->errno_name && !(dst->errno_name = strdup(src->errno_name))) ||
	    (src->comment && !(dst->comment = strdup(src->comment))))
		return -ENOMEM;
	return 0;
}

/* ---- lifetime ---------------------------------------------------------- */

struct sk_profile *sk_profile_new(void)
{
	struct sk_profile *p = calloc(1, sizeof *p);
	if (p)
		p->default_action = SK_ACT_ERRNO;
	return p;
}

void sk_profile_free(struct sk_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		sk_rule_clear(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->n_archmap; i++)
		free(p->archmap[i].subs);
	free(p->archmap);
	free(p->arches);
	free(p->file);
	free(p->default_errno_name);
	free(p->listener_path);
	free(p->listener_metadata);
	free(p->spo_name);
	free(p->spo_namespace);
	free(p->spo_base_profile);
	free(p);
}

struct sk_profile *sk_profile_clone(const struct sk_profile *src)
{
	if (!src)
		return NULL;
	struct sk_profile *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	*p = *src;
	p->file = p->default_errno_name = p->listener_path = p->listener_metadata = NULL;
	p->spo_name = p->spo_namespace = p->spo_base_profile = NULL;
	p->arches = NULL;
	p->archmap = NULL;
	p->n_archmap = 0;
	p->rules = NULL;
	p->n_rules = 0;
	if ((src->file && !(p->file = strdup(src->file))) ||
	    (src->default_errno_name && !(p->default_errno_name = strdup(src->default_errno_name))) ||
	    (src->listener_path && !(p->listener_path = strdup(src->listener_path))) ||
	    (src->listener_metadata && !(p->listener_metadata = strdup(src->listener_metadata))) ||
	    (src->spo_name && !(p->spo_name = strdup(src->spo_name))) ||
	    (src->spo_namespace && !(p->spo_namespace = strdup(src->spo_namespace))) ||
	    (src->spo_base_profile && !(p->spo_base_profile = strdup(src->spo_base_profile))))
		goto fail;
	if (src->n_arches) {
		p->arches = malloc(src->n_arches * sizeof *p->arches);
		if (!p->arches)
			goto fail;
		memcpy(p->arches, src->arches, src->n_arches * sizeof *p->arches);
	}
	if (src->n_archmap) {
		p->archmap = calloc(src->n_archmap, sizeof *p->archmap);
		if (!p->archmap)
			goto fail;
		for (size_t i = 0; i < src->n_archmap; i++) {
			p->archmap[i] = src->archmap[i];
			p->archmap[i].subs = NULL;
			p->n_archmap = i + 1;
			if (src->archmap[i].n_subs) {
				size_t sz = src->archmap[i].n_subs * sizeof(enum sk_arch);
				if (!(p->archmap[i].subs = malloc(sz)))
					goto fail;
				memcpy(p->archmap[i].subs, src->archmap[i].subs, sz);
			}
		}
	}
	if (src->n_rules) {
		p->rules = calloc(src->n_rules, sizeof *p->rules);
		if (!p->rules)
			goto fail;
		for (size_t i = 0; i < src->n_rules; i++) {
			p->n_rules = i + 1;
			if (sk_rule_copy(&p->rules[i], &src->rules[i]) < 0)
				goto fail;
		}
	}
	return p;
fail:
	sk_profile_free(p);
	return NULL;
}

struct sk_rule *sk_profile_add_rule(struct sk_profile *p, const char *const *names,
				    size_t n_names, enum sk_action action)
{
	if (push((void **)&p->rules, p->n_rules, sizeof *p->rules) < 0)
		return NULL;
	struct sk_rule *r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof *r);
	r->action = action;
	for (size_t i = 0; i < n_names; i++) {
		if (sk_rule_add_name(r, names[i]) < 0) {
			sk_rule_clear(r);
			p->n_rules--;
			return NULL;
		}
	}
	return r;
}

int sk_rule_add_name(struct sk_rule *r, const char *name)
{
	if (push((void **)&r->name_pos, r->n_names, sizeof *r->name_pos) < 0)
		return -ENOMEM;
	r->name_pos[r->n_names] = (struct sk_pos){0, 0};
	return sk_strv_push(&r->names, &r->n_names, name);
}

int sk_rule_add_arg(struct sk_rule *r, unsigned index, enum sk_op op, uint64_t value,
		    uint64_t value_two)
{
	if (index > 5 || op <= SK_OP_INVALID || op >= SK_OP_COUNT)
		return -EINVAL;
	if (push((void **)&r->args, r->n_args, sizeof *r->args) < 0)
		return -ENOMEM;
	r->args[r->n_args++] = (struct sk_arg){
		.index = index, .value = value, .value_two = value_two, .op = op};
	return 0;
}

int sk_profile_add_arch(struct sk_profile *p, enum sk_arch a)
{
	if (!sk_arch_info(a))
		return -EINVAL;
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == a)
			return 0;
	if (push((void **)&p->arches, p->n_arches, sizeof *p->arches) < 0)
		return -ENOMEM;
	p->arches[p->n_arches++] = a;
	return 0;
}

size_t sk_profile_arches(const struct sk_profile *p, enum sk_arch out[SK_ARCH_COUNT])
{
	size_t n = 0;
	bool seen[SK_ARCH_COUNT] = {0};
#define ADD(a)                                                  \
	do {                                                    \
		enum sk_arch a_ = (a);                          \
		if (sk_arch_info(a_) && !seen[a_]) {            \
			seen[a_] = true;                        \
			out[n++] = a_;                          \
		}                                               \
	} while (0)
	for (size_t i = 0; i < p->n_arches; i++)
		ADD(p->arches[i]);
	for (size_t i = 0; i < p->n_archmap; i++) {
		ADD(p->archmap[i].arch);
		for (size_t j = 0; j < p->archmap[i].n_subs; j++)
			ADD(p->archmap[i].subs[j]);
	}
	if (!n)
		ADD(sk_arch_native());
#undef ADD
	return n;
}

/* Docker's conditions: includes/excludes that restrict anything. */
static bool rule_conditional(const struct sk_rule *r)
{
	return (r->has_includes && !sk_cond_empty(&r->includes)) ||
	       (r->has_excludes && !sk_cond_empty(&r->excludes));
}

bool sk_rule_plain(const struct sk_rule *r)
{
	return !r->n_args && !rule_conditional(r);
}

bool sk_profile_has_conditions(const struct sk_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (rule_conditional(&p->rules[i]))
			return true;
	return false;
}

void sk_profile_remove_rule(struct sk_profile *p, size_t i)
{
	if (i >= p->n_rules)
		return;
	sk_rule_clear(&p->rules[i]);
	memmove(&p->rules[i], &p->rules[i + 1], (p->n_rules - i - 1) * sizeof *p->rules);
	p->n_rules--;
}

void sk_rule_remove_name(struct sk_rule *r, size_t j)
{
	if (j >= r->n_names)
		return;
	free(r->names[j]);
	memmove(&r->names[j], &r->names[j + 1], (r->n_names - j - 1) * sizeof *r->names);
	if (r->name_pos)
		memmove(&r->name_pos[j], &r->name_pos[j + 1],
			(r->n_names - j - 1) * sizeof *r->name_pos);
	r->n_names--;
}

bool sk_rule_names(const struct sk_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

bool sk_profile_allows_outright(const struct sk_profile *p, const char *name)
{
	if (p->default_action == SK_ACT_ALLOW)
		return true;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].action == SK_ACT_ALLOW && sk_rule_plain(&p->rules[i]) &&
		    sk_rule_names(&p->rules[i], name))
			return true;
	return false;
}
