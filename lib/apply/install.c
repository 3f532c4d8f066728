/* SPDX-License-Identifier: Apache-2.0 */
/* Install a filter set in this process: no_new_privs, seccomp(2) with flags. */
#include <scmpkit/apply.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_seccomp(unsigned op, unsigned flags, void *arg)
{
	return syscall(SYS_seccomp, op, flags, arg);
}

void sk_apply_opts_init(struct sk_apply_opts *o)
{
	memset(o, 0, sizeof *o);
	o->no_new_privs = true;
}

/* The flags in the order the kernel added them, with what a probe must pair
 * them with to get past the kernel's combination checks. */
static const struct {
	unsigned flag;
	unsigned with;
} kflags[] = {
	{SK_FLAG_TSYNC, 0},
	{SK_FLAG_LOG, 0},
	{SK_FLAG_SPEC_ALLOW, 0},
	{SK_KFLAG_NEW_LISTENER, 0},
	{SK_KFLAG_TSYNC_ESRCH, 0},
	{SK_FLAG_WAIT_KILLABLE_RECV, SK_KFLAG_NEW_LISTENER},
};

/* The profile's flags are spelled by the model (sk_flag_name); these two only
 * the installer uses. */
static const char *kflag_name(unsigned f)
{
	if (f == SK_KFLAG_NEW_LISTENER)
		return "SECCOMP_FILTER_FLAG_NEW_LISTENER";
	if (f == SK_KFLAG_TSYNC_ESRCH)
		return "SECCOMP_FILTER_FLAG_TSYNC_ESRCH";
	const char *n = sk_flag_name((enum sk_flag)f);
	return n ? n : "unknown flag";
}

/* A NULL program passes the kernel's flag checks and then fails to copy with
 * EFAULT: EFAULT means "known", EINVAL "unknown". Nothing is installed. */
unsigned sk_apply_kernel_flags(void)
{
	unsigned have = 0;
	for (size_t i = 0; i < sizeof kflags / sizeof kflags[0]; i++) {
		errno = 0;
		long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, kflags[i].flag | kflags[i].with, NULL);
		if (r < 0 && errno == EFAULT)
			have |= kflags[i].flag;
	}
	return have;
}

static bool returns_notify(const struct sk_bpf_prog *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (p->insns[i].code == (BPF_RET | BPF_K) &&
		    (p->insns[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
			return true;
	return false;
}

int sk_filter_set_notify_prog(const struct sk_filter_set *set)
{
	int found = -1;
	for (size_t i = 0; i < set->n; i++) {
		if (!returns_notify(&set->progs[i]))
			continue;
		if (found >= 0)
			return -EINVAL;
		found = (int)i;
	}
	return found;
}

int sk_filter_set_notify_denials(struct sk_filter_set *set, struct sk_diags *diags)
{
	int n = 0, progs = 0;
	for (size_t i = 0; i < set->n; i++) {
		struct sk_bpf_prog *p = &set->progs[i];
		bool touched = false;
		for (size_t j = 0; j < p->len; j++) {
			struct sock_filter *f = &p->insns[j];
			if (f->code != (BPF_RET | BPF_K))
				continue;
			uint32_t a = f->k & SECCOMP_RET_ACTION_FULL;
			if (a == SECCOMP_RET_ERRNO || a == SECCOMP_RET_LOG || a == SECCOMP_RET_TRACE) {
				f->k = SECCOMP_RET_USER_NOTIF;
				n++;
				touched = true;
			}
		}
		touched = touched || returns_notify(p);
		progs += touched;
	}
	if (progs > 1) {
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-notify-stacked",
			     "the filter is split into %zu stacked programs and %d of them would "
			     "notify; a filter chain has only one listener", set->n, progs);
		return -EINVAL;
	}
	return n;
}

static int refused(struct sk_diags *d, int err, size_t idx, size_t n, unsigned flags)
{
	char where[64] = "";
	if (n > 1)
		snprintf(where, sizeof where, " (program %zu of %zu)", idx + 1, n);
	switch (err) {
	case EACCES:
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "apply-no-new-privs",
			     "the kernel refused the filter%s: without no_new_privs, installing a "
			     "filter needs CAP_SYS_ADMIN, which this process lacks", where);
		sk_diags_set_fix(d, "keep --no-new-privs=yes (the default, practice P1), or run as "
				    "root");
		break;
	case EBUSY:
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "apply-listener-busy",
			     "the kernel refused the filter%s: this process already has a seccomp "
			     "listener in its filter chain (a supervisor above it, such as another "
			     "'scmpkit run' with NOTIFY rules)", where);
		break;
	case EINVAL:
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "apply-refused",
			     "the kernel refused the filter%s as invalid (flags 0x%x)", where, flags);
		break;
	case ESRCH:
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "apply-tsync",
			     "SECCOMP_FILTER_FLAG_TSYNC: another thread could not be synchronized%s",
			     where);
		break;
	default:
		sk_diags_add(d, SK_SEV_ERROR, NULL, 0, 0, "apply-refused",
			     "the kernel refused the filter%s: %s", where, strerror(err));
	}
	if (idx > 0)
		sk_diags_add(d, SK_SEV_NOTE, NULL, 0, 0, "apply-partial",
			     "%zu program(s) were installed before; if the profile denies "
			     "seccomp(2) itself, a stacked filter cannot be loaded after the first",
			     idx);
	return -err;
}

/* The flags to install with, out of WANT: WAIT_KILLABLE_RECV only with a
 * listener and where the kernel has it (Linux >= 5.19); any other flag this
 * kernel lacks refuses the install (-EINVAL, fail closed). */
static int choose_flags(unsigned want, bool listen, struct sk_diags *diags)
{
	if ((want & SK_FLAG_WAIT_KILLABLE_RECV) && !listen) {
		/* the kernel takes it only with NEW_LISTENER; without one it means nothing */
		want &= ~(unsigned)SK_FLAG_WAIT_KILLABLE_RECV;
		sk_diags_add(diags, SK_SEV_NOTE, NULL, 0, 0, "apply-flag-dropped",
			     "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV applies only to a filter with "
			     "a listener; not used");
	}
	unsigned have = sk_apply_kernel_flags();
	unsigned need = want | (listen ? SK_KFLAG_NEW_LISTENER : 0);
	for (unsigned bit = 1; bit && bit <= need; bit <<= 1) {
		if (!(need & bit) || (have & bit))
			continue;
		if (bit == SK_FLAG_WAIT_KILLABLE_RECV) {
			need &= ~bit;
			want &= ~bit;
			sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "apply-flag-dropped",
				     "this kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
				     "(Linux >= 5.19); the listener waits interruptibly");
			continue;
		}
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-flag-unsupported",
			     "this kernel does not support %s", kflag_name(bit));
		return -EINVAL;
	}
	return (int)want;
}

int sk_apply_install(const struct sk_filter_set *set, const struct sk_apply_opts *opts,
		     int *listener, struct sk_diags *diags)
{
	*listener = -1;
	if (!set->n) {
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-empty", "no filter to install");
		return -EINVAL;
	}
	int np = sk_filter_set_notify_prog(set);
	if (np == -EINVAL) {
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-notify-stacked",
			     "NOTIFY returns in more than one stacked program: a filter chain has "
			     "only one listener");
		return -EINVAL;
	}
	bool listen = opts->listener && np >= 0;
	if (np >= 0 && !opts->listener)
		sk_diags_add(diags, SK_SEV_WARNING, NULL, 0, 0, "apply-no-listener",
			     "the filter has NOTIFY rules but no listener: those calls fail with "
			     "ENOSYS");
	int want = choose_flags(set->flags | opts->flags, listen, diags);
	if (want < 0)
		return want;

	if (opts->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int e = errno;
		sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-no-new-privs",
			     "cannot set no_new_privs: %s", strerror(e));
		return -e;
	}

	/* The listener program goes last: once it is in, a call it sends to user
	 * space would wait for a supervisor that has no fd yet. */
	size_t order[set->n];
	size_t k = 0;
	for (size_t i = 0; i < set->n; i++)
		if ((int)i != np || !listen)
			order[k++] = i;
	if (listen)
		order[k++] = (size_t)np;

	for (size_t i = 0; i < set->n; i++) {
		const struct sk_bpf_prog *p = &set->progs[order[i]];
		struct sock_fprog fp = {.len = (unsigned short)p->len, .filter = p->insns};
		unsigned flags = (unsigned)want & ~(unsigned)SK_FLAG_WAIT_KILLABLE_RECV;
		if (listen && (int)order[i] == np) {
			flags = (unsigned)want | SK_KFLAG_NEW_LISTENER;
			if (flags & SK_FLAG_TSYNC) /* the kernel's rule for TSYNC + listener */
				flags |= SK_KFLAG_TSYNC_ESRCH;
		}
		long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &fp);
		if (r < 0)
			return refused(diags, errno, i, set->n, flags);
		if ((flags & SK_FLAG_TSYNC) && !(flags & SK_KFLAG_NEW_LISTENER) && r > 0) {
			sk_diags_add(diags, SK_SEV_ERROR, NULL, 0, 0, "apply-tsync",
				     "SECCOMP_FILTER_FLAG_TSYNC: thread %ld could not be synchronized",
				     r);
			return -ESRCH;
		}
		if (flags & SK_KFLAG_NEW_LISTENER)
			*listener = (int)r;
	}
	return 0;
}

int sk_apply_exec(const struct sk_filter_set *set, const struct sk_apply_opts *opts,
		  char *const argv[], struct sk_diags *diags)
{
	int listener;
	int r = sk_apply_install(set, opts, &listener, diags);
	if (r < 0)
		return r;
	execvp(argv[0], argv);
	return errno;
}
