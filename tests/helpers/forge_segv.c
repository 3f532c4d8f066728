/* SPDX-License-Identifier: Apache-2.0 */
/* forge_segv DIR NAME...: the forged-audit-record attack, for real.
 *
 * For each NAME, a process that drops to nobody (when started as root)
 * creates DIR/NAME, maps it executable and jumps into it; the code there reads
 * address 0, so the process dies of SIGSEGV and the kernel's segfault line
 * names the mapping: "... segfault at 0 ip ... in NAME[...]". The kernel
 * prints that file name unescaped, newlines included, so a NAME can hold text
 * that looks like a seccomp audit record — inside the line, or on a line of
 * its own after a newline. The tests show learn does not take it.
 *
 * Exit 0 when every process died of SIGSEGV, 77 on an architecture it has no
 * faulting code for, 1 otherwise. */
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
static const unsigned char code[] = {0x8b, 0x04, 0x25, 0, 0, 0, 0}; /* mov eax, [0] */
#elif defined(__aarch64__)
/* mov x0, #0; ldr w0, [x0] */
static const unsigned char code[] = {0x00, 0x00, 0x80, 0xd2, 0x00, 0x00, 0x40, 0xb9};
#else
static const unsigned char code[] = {0};
#define NO_CODE 1
#endif

static void crash_in(const char *path)
{
	if (getuid() == 0 && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
		_exit(2);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(path);
		_exit(3);
	}
	static unsigned char page[4096];
	memcpy(page, code, sizeof code);
	if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
		_exit(4);
	void *m = mmap(NULL, sizeof page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		_exit(5);
	close(fd);
	signal(SIGSEGV, SIG_DFL); /* the kernel prints only for unhandled signals */
	((void (*)(void))m)();
	_exit(6);
}

int main(int argc, char **argv)
{
#ifdef NO_CODE
	(void)argc;
	(void)argv;
	return 77;
#else
	if (argc < 3) {
		fprintf(stderr, "usage: forge_segv DIR NAME...\n");
		return 2;
	}
	int rc = 0;
	for (int i = 2; i < argc; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], argv[i]);
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			crash_in(path);
		int st;
		if (waitpid(pid, &st, 0) < 0 || !WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV) {
			fprintf(stderr, "forge_segv: the process did not die of SIGSEGV (status %#x)\n", st);
			rc = 1;
		}
		unlink(path);
	}
	return rc;
#endif
}
