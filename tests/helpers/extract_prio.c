/* SPDX-License-Identifier: Apache-2.0 */
/* A workload for the extract tests, built glibc-static: a PTHREAD_PRIO_PROTECT
 * mutex, locked and unlocked. glibc raises and restores the thread's priority
 * around it (sched_getparam, sched_getscheduler, sched_setscheduler, ...):
 * code every program with a mutex reaches by calls, but that only a program
 * which sets that protocol runs. The analysis takes it as reached from
 * pthread_mutexattr_setprotocol: here it must be in the set (and cover what
 * strace sees); in tests/helpers/extract_prog.c it must not. */
#include <pthread.h>
#include <stdio.h>

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	int rc = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_PROTECT);
	rc |= pthread_mutexattr_setprioceiling(&a, 1);
	rc |= pthread_mutex_init(&m, &a);
	int locked = pthread_mutex_lock(&m);
	if (!locked)
		pthread_mutex_unlock(&m);
	printf("setup %s, lock %d\n", rc ? "failed" : "ok", locked);
	return 0;
}
