/* SPDX-License-Identifier: Apache-2.0 */
/* Test workload: sets up an io_uring and reads /proc/self/stat through it
 * (IORING_OP_READ), a read no syscall of the program makes: seccomp never sees
 * it, and neither does a recorder. Prints "uring: read N bytes", or why not
 * (exit 2 when the kernel has io_uring switched off). */
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	int ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0) {
		perror("uring: io_uring_setup");
		return 2;
	}
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQ_RING);
	char *cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_CQ_RING);
	struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof *sqes, PROT_READ | PROT_WRITE,
					 MAP_SHARED, ring, IORING_OFF_SQES);
	int fd = open("/proc/self/stat", O_RDONLY);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED || fd < 0) {
		perror("uring: setup");
		return 1;
	}
	static char buf[512];
	memset(&sqes[0], 0, sizeof sqes[0]);
	sqes[0].opcode = IORING_OP_READ;
	sqes[0].fd = fd;
	sqes[0].addr = (unsigned long)buf;
	sqes[0].len = sizeof buf;
	unsigned *tail = (unsigned *)(sq + p.sq_off.tail);
	((unsigned *)(sq + p.sq_off.array))[*tail & *(unsigned *)(sq + p.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		perror("uring: io_uring_enter");
		return 1;
	}
	unsigned head = __atomic_load_n((unsigned *)(cq + p.cq_off.head), __ATOMIC_ACQUIRE);
	struct io_uring_cqe *cqe = &((struct io_uring_cqe *)(cq + p.cq_off.cqes))
		[head & *(unsigned *)(cq + p.cq_off.ring_mask)];
	printf("uring: read %s\n", cqe->res > 0 ? "some bytes" : "nothing");
	return cqe->res > 0 ? 0 : 1;
}
