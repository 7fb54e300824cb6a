/*
 * usertests for threads (issue 17): threads meeting through futexes on
 * several CPUs (a token passed round a ring), a thread exiting while the
 * others keep running, exit_group from a thread ending the blocked
 * others, and (Corvid only) a thread bomb that meets the kernel's cap
 * with EAGAIN and leaves the process working.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define RING 6
#define LAPS 300

static atomic_int turn; /* whose turn: ring index, LAPS * RING in all */

static void *ring_member(void *arg)
{
	int me = (int)(long)arg;

	for (;;) {
		int t = atomic_load(&turn);

		if (t >= LAPS * RING)
			break;
		if (t % RING != me) {
			syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, t, NULL, NULL, 0);
			continue;
		}
		atomic_store(&turn, t + 1);
		syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, RING, NULL, NULL, 0);
	}
	return arg;
}

/* A token goes round RING threads LAPS times through one futex word. */
static void futex_ring(void)
{
	pthread_t t[RING];

	atomic_store(&turn, 0);
	for (long i = 0; i < RING; i++)
		CHECK(pthread_create(&t[i], NULL, ring_member, (void *)i) == 0);
	for (int i = 0; i < RING; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(atomic_load(&turn) == LAPS * RING);
}

static atomic_long ticks;
static atomic_int stop;

static void *ticker(void *arg)
{
	while (!atomic_load(&stop))
		atomic_fetch_add(&ticks, 1);
	return arg;
}

static void *short_lived(void *arg)
{
	pthread_exit(arg);
}

/* One thread ends while two others keep counting. */
static void exit_while_others_run(void)
{
	pthread_t a, b, q;
	void *v;
	long before;

	atomic_store(&stop, 0);
	CHECK(pthread_create(&a, NULL, ticker, NULL) == 0);
	CHECK(pthread_create(&b, NULL, ticker, NULL) == 0);
	CHECK(pthread_create(&q, NULL, short_lived, (void *)7) == 0);
	CHECK(pthread_join(q, &v) == 0 && v == (void *)7);
	before = atomic_load(&ticks);
	for (uint64_t t0 = ut_now_ms(); atomic_load(&ticks) == before;)
		if (ut_now_ms() - t0 > UT_DEADLINE_MS)
			FAIL("the other threads stopped counting");
	atomic_store(&stop, 1);
	CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static void group_exit_child(void *arg)
{
	pthread_t t;

	(void)arg;
	for (int i = 0; i < 4; i++)
		pthread_create(&t, NULL, sleeper, NULL);
	syscall(SYS_exit_group, 9);
}

/* exit_group ends the threads blocked in pause. */
static void exit_group_ends_all(void)
{
	int st = ut_run_child(group_exit_child, NULL);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
}

static atomic_int release;

static void *waiter(void *arg)
{
	while (!atomic_load(&release))
		syscall(SYS_futex, &release, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return arg;
}

/* Corvid's PROC_THREAD_MAX: pthread_create fails with EAGAIN, then all
 * join and the process still makes threads. */
static void thread_bomb(void)
{
	static pthread_t t[1024];
	pthread_attr_t a;
	int n = 0, err = 0;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 16384);
	while (n < 1024 && !(err = pthread_create(&t[n], &a, waiter, NULL)))
		n++;
	CHECK(err == EAGAIN);
	CHECK(n > 100);
	atomic_store(&release, 1);
	syscall(SYS_futex, &release, FUTEX_WAKE_PRIVATE, 1 << 30, NULL, NULL, 0);
	for (int i = 0; i < n; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(pthread_create(&t[0], NULL, waiter, NULL) == 0);
	CHECK(pthread_join(t[0], NULL) == 0);
}

const struct ut_test ut_thread_tests[] = {
	{ "futex_ring", futex_ring, 0 },
	{ "thread_exit_while_others_run", exit_while_others_run, 0 },
	{ "exit_group_ends_all_threads", exit_group_ends_all, 0 },
	{ "thread_bomb_hits_the_cap", thread_bomb, UT_CORVID_ONLY },
	{ NULL, NULL, 0 },
};
