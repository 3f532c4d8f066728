/* SPDX-License-Identifier: Apache-2.0 */
/* Record workload: a program that installs its own seccomp filter with a
 * user-notification listener (as sandboxes and container runtimes do) and
 * answers from a thread: uname "continue" (the call runs), getpriority
 * emulated (the listener returns 42; the call never runs in the kernel).
 * SECCOMP_RET_USER_NOTIF outranks RET_TRACE, so a recorder that waits for
 * RET_TRACE stops never sees either call; the profile must still allow both,
 * since a profile's ERRNO outranks the program's USER_NOTIF.
 * Prints "uname: Linux" and "getpriority: 42". */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static void *listener(void *arg)
{
	int fd = *(int *)arg;
	for (;;) {
		struct seccomp_notif req;
		memset(&req, 0, sizeof req);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		struct seccomp_notif_resp resp = {.id = req.id};
		if (req.data.nr == SYS_uname)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else
			resp.val = 42;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

int main(void)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpriority, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof insn / sizeof insn[0], .filter = insn};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("prctl");
		return 1;
	}
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0) {
		perror("seccomp");
		return 1;
	}
	pthread_t t;
	if (pthread_create(&t, NULL, listener, &fd)) {
		fputs("pthread_create failed\n", stderr);
		return 1;
	}
	struct utsname u;
	if (uname(&u) < 0) {
		perror("uname");
		return 1;
	}
	printf("uname: %s\n", u.sysname);
	printf("getpriority: %ld\n", syscall(SYS_getpriority, 0, 0));
	fflush(stdout);
	_exit(0); /* the listener thread is blocked in its ioctl */
}
