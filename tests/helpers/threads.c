/* SPDX-License-Identifier: Apache-2.0 */
/* Test workload: 8 threads that each make a call no other part of the program
 * makes (getpriority, sched_getaffinity, ...) so that a recorder that missed a
 * thread would miss its call. Prints the sum the threads computed. A barrier
 * makes the set of calls the same in every run (the first arrivals always
 * futex-wait), so that two runs — strace's and the recorder's — compare. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 8

static pthread_barrier_t barrier;

static void *work(void *arg)
{
	long i = (long)arg;
	cpu_set_t set;
	switch (i % 4) {
	case 0:
		getpriority(PRIO_PROCESS, 0);
		break;
	case 1:
		sched_getaffinity(0, sizeof set, &set);
		break;
	case 2:
		syscall(SYS_getrusage, RUSAGE_THREAD, &(struct rusage){0});
		break;
	case 3:
		syscall(SYS_sysinfo, &(char[256]){0});
		break;
	}
	pthread_barrier_wait(&barrier);
	return (void *)(i * i);
}

int main(void)
{
	pthread_t t[N];
	long sum = 0;
	pthread_barrier_init(&barrier, NULL, N + 1);
	for (long i = 0; i < N; i++)
		if (pthread_create(&t[i], NULL, work, (void *)i))
			return 2;
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("threads: sum %ld\n", sum);
	return 0;
}
