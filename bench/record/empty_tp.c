/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark anchor: an empty raw_tracepoint program on sys_enter (return 0),
 * the floor any eBPF recorder pays on every syscall of the machine.
 *   empty_tp CMD [ARGS...]  attached while CMD runs; exits with its status
 *   empty_tp --hold         attached until standard input closes (prints
 *                           "ready" once attached), for a bystander's run */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: empty_tp CMD [ARGS...] | empty_tp --hold\n", stderr);
		return 2;
	}
	struct bpf_insn prog[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "empty", "GPL", prog, 2, NULL);
	if (fd < 0 || bpf_raw_tracepoint_open("sys_enter", fd) < 0) {
		perror("empty_tp: load/attach");
		return 2;
	}
	if (!strcmp(argv[1], "--hold")) {
		puts("ready");
		fflush(stdout);
		char buf[64];
		while (read(STDIN_FILENO, buf, sizeof buf) > 0)
			;
		return 0;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("empty_tp: exec");
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
