/* SPDX-License-Identifier: Apache-2.0 */
/* A static glibc program that locks a mutex. glibc's priority-protection
 * code (sched_getparam, sched_setscheduler, ...) is reachable by calls from
 * pthread_mutex_lock, and runs only for a PTHREAD_PRIO_PROTECT mutex, which
 * only pthread_mutexattr_setprotocol makes: built with -DSET_PROTOCOL, the
 * program makes one. Stripped, only its libc.a can say which is which. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
#ifdef SET_PROTOCOL
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_PROTECT);
	pthread_mutex_init(&m, &a);
#endif
	pthread_mutex_lock(&m);
	puts("locked");
	pthread_mutex_unlock(&m);
	return 0;
}
