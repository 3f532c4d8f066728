/* SPDX-License-Identifier: Apache-2.0 */
/* The relocation BTF, cached per boot: see core_btf.h.
 *
 * The cache is a file per boot and template, /run/scmpkit/core-BOOTID-HASH.btf:
 * BOOTID from /proc/sys/kernel/random/boot_id (so a /run that outlives a
 * reboot cannot hand one kernel another's layout), HASH of the template (so a
 * new scmpkit with another program does not read an old one's). Only root
 * writes it, and only a file that root owns, in a directory only root may
 * write, opened without following a link, is read: a wrong layout would
 * make the recorder read the wrong kernel fields, so the cache is trusted
 * exactly as much as the kernel's own file. Anything else (another owner, a
 * link, a file that does not parse) is passed over and the layout read again;
 * the cache never makes a recording fail. */
#include "core_btf.h"

#include "kernel_btf.h"

#include <scmpkit/fileio.h>

#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/owner.h"

#define CACHE_PARENT "/run"
#define CACHE_DIR "scmpkit"
#define MAX_CACHED (64 * 1024) /* the layout is about 1 KB */

/* FNV-1a: a name for the template, not a defence (the template is ours). */
static uint64_t fnv1a(const void *data, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = data; len--; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

static int cache_name(const void *tmpl, size_t len, char *name, size_t size)
{
	char boot[64] = "";
	_sk_cleanup_close_ int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, boot, sizeof boot - 1);
	if (n < 32)
		return -1;
	boot[strspn(boot, "0123456789abcdef-")] = 0;
	if (strlen(boot) < 32)
		return -1;
	snprintf(name, size, "core-%s-%016llx.btf", boot, (unsigned long long)fnv1a(tmpl, len));
	return 0;
}


/* The cache directory, created as root's 0700 when missing; -1 when it is
 * not trusted or cannot be made. */
static int cache_dir(bool create)
{
	struct stat st;
	_sk_cleanup_close_ int parent = open(CACHE_PARENT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (parent < 0 || fstat(parent, &st) < 0 || !sk_owner_trusted(&st, SK_OWNER_ROOT))
		return -1;
	if (create)
		mkdirat(parent, CACHE_DIR, 0700);
	int fd = openat(parent, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !sk_owner_trusted(&st, SK_OWNER_ROOT) ||
			!S_ISDIR(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Every named struct and union of template T, with each of its members, is
 * in B: a cached file from another template (or damaged) is not used. */
static bool covers(const struct btf *b, const struct btf *t)
{
	for (uint32_t id = 1; id < btf__type_cnt(t); id++) {
		const struct btf_type *tt = btf__type_by_id(t, id);
		if (!(btf_is_struct(tt) || btf_is_union(tt)) || !tt->name_off)
			continue;
		int32_t bid = btf__find_by_name_kind(b, btf__name_by_offset(t, tt->name_off), btf_kind(tt));
		if (bid <= 0)
			return false;
		const struct btf_type *bt = btf__type_by_id(b, (uint32_t)bid);
		const struct btf_member *tm = btf_members(tt), *bm = btf_members(bt);
		for (unsigned i = 0; i < btf_vlen(tt); i++) {
			const char *want = btf__name_by_offset(t, tm[i].name_off);
			bool found = false;
			for (unsigned j = 0; !found && want && j < btf_vlen(bt); j++) {
				const char *have = btf__name_by_offset(b, bm[j].name_off);
				found = have && !strcmp(want, have);
			}
			if (!found)
				return false;
		}
	}
	return true;
}

/* The cached layout NAME for template T, open, when it can be believed;
 * else -1. */
static int cached(const char *name, const struct btf *t)
{
	_sk_cleanup_close_ int dir = cache_dir(false);
	if (dir < 0)
		return -1;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -1;
	char *data = NULL;
	size_t len = 0;
	struct btf *b = NULL;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		  sk_owner_trusted(&st, SK_OWNER_ROOT) && st.st_size > 0 && st.st_size <= MAX_CACHED &&
		  sk_read_input_fd(fd, SK_INPUT_OTHER, &data, &len) == 0 &&
		  (b = btf__new(data, (uint32_t)len)) != NULL && covers(b, t);
	btf__free(b);
	free(data);
	if (!ok || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void store(const char *name, const void *raw, size_t len)
{
	if (geteuid() != 0)
		return;
	_sk_cleanup_close_ int dir = cache_dir(true);
	if (dir < 0)
		return;
	/* an entry that was not used (another owner's, a link) goes first:
	 * replacing it would keep its owner */
	unlinkat(dir, name, 0);
	(void)sk_write_file_atomic_at(dir, name, raw, len); /* a cache: best effort */
}

int sk_core_btf_fd(const void *tmpl, size_t tmpl_len, char *why, size_t whylen)
{
	char name[128];
	bool named = cache_name(tmpl, tmpl_len, name, sizeof name) == 0;
	struct btf *t = named && tmpl_len <= UINT32_MAX ? btf__new(tmpl, (uint32_t)tmpl_len) : NULL;
	int fd = t ? cached(name, t) : -1;
	btf__free(t);
	if (fd >= 0)
		return fd;
	struct btf *btf = NULL;
	_sk_cleanup_close_ int kfd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (kfd < 0) {
		snprintf(why, whylen, "cannot read /sys/kernel/btf/vmlinux: %s", strerror(errno));
		return -1;
	}
	if (sk_kernel_btf_relayout(kfd, tmpl, tmpl_len, &btf, why, whylen) < 0)
		return -1;
	uint32_t len = 0;
	const void *raw = btf__raw_data(btf, &len);
	fd = raw ? memfd_create("scmpkit-core-btf", MFD_CLOEXEC) : -1;
	if (!raw || fd < 0 || write(fd, raw, len) != (ssize_t)len) {
		snprintf(why, whylen, "cannot write the relocation BTF: %s", strerror(raw ? errno : ENOMEM));
		sk_closep(&fd);
		fd = -1;
	} else if (named) {
		store(name, raw, len);
	}
	btf__free(btf);
	return fd;
}
