/*
 * In-kernel test of the RTC reader under concurrency: a task on every
 * online CPU reads the clock in a loop. The CMOS index/data pair is one
 * shared register pair, so without a lock one CPU's index write lands
 * between another's index write and data read and it reads the wrong
 * register. Every read must succeed and agree with the boot time plus
 * ktime. Workers never KASSERT; the test checks what they saw.
 */
#include "time/rtc.h"

#include "core/console.h"
#include "include/atomic.h"
#include "ktest/ktest.h"
#include "sched/percpu.h"
#include "sched/task.h"

#define RTC_READS_PER_CPU 1000
#define RTC_SLACK_S 5 /* boot read rounding, a descheduled QEMU */

struct rtc_worker {
	int errors;    /* reads that failed */
	int wrong;     /* reads far from rtc_unix_now() */
	int64_t worst; /* the furthest-off value seen, for the report */
};

static unsigned int rtc_ready; /* Atomic: workers waiting to start */
static bool rtc_go;	       /* Atomic: all of them start at once */

static int rtc_reader(void *arg)
{
	struct rtc_worker *w = arg;

	atomic_fetch_add(&rtc_ready, 1);
	while (!atomic_load_acquire(&rtc_go))
		task_yield();

	for (int i = 0; i < RTC_READS_PER_CPU; i++) {
		struct cal_date d;
		int64_t now, got;

		if (rtc_read(&d) != 0) {
			w->errors++;
			continue;
		}
		got = cal_to_unix(&d);
		now = rtc_unix_now();
		if (got < now - RTC_SLACK_S || got > now + RTC_SLACK_S) {
			w->wrong++;
			w->worst = got;
		}
	}
	return 0;
}

KTEST(time_rtc_concurrent_reads_agree)
{
	static struct rtc_worker w[MAX_CPUS];
	static struct task *t[MAX_CPUS];
	unsigned int n = percpu_online_count();
	int errors = 0, wrong = 0;

	KASSERT(rtc_unix_now() > 0);
	atomic_store_release(&rtc_ready, 0);
	atomic_store_release(&rtc_go, false);
	for (unsigned int i = 0; i < n; i++) {
		w[i] = (struct rtc_worker){ 0 };
		t[i] = task_create_on(i, rtc_reader, &w[i], "rtc-reader");
		KASSERT(t[i]);
	}
	while (atomic_load_acquire(&rtc_ready) < n)
		task_yield();
	atomic_store_release(&rtc_go, true);
	for (unsigned int i = 0; i < n; i++) {
		KASSERT_EQ(task_join(t[i], NULL), 0);
		errors += w[i].errors;
		wrong += w[i].wrong;
		if (w[i].wrong)
			kprintf("    cpu%u: %d wrong reads, e.g. %ld (now %ld)\n", i, w[i].wrong,
				(long)w[i].worst, (long)rtc_unix_now());
	}
	KASSERT_EQ(errors, 0);
	KASSERT_EQ(wrong, 0);
}
