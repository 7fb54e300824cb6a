/*
 * Kernel tasks (sched/task.h): creation with a guarded stack, the task
 * table, exit, join and detach, and the `ps` snapshot.
 * Locking: task_table_lock (LOCK_RANK_TASKS) guards the table and each
 * task's all_link, detached, joining, zombie and exit_code; exit_wq wakes
 * joiners.
 */
#include "sched/task.h"

#include "arch/arch.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "sched/waitqueue.h"
#include "time/ktime.h"

#define LOG_PREFIX "task: "

static struct spinlock task_table_lock = SPINLOCK_INIT("tasks", LOCK_RANK_TASKS);
static struct list_head task_table GUARDED_BY(&task_table_lock) = LIST_HEAD_INIT(task_table);
static size_t nr_tasks GUARDED_BY(&task_table_lock);
static struct waitqueue exit_wq = WAITQUEUE_INIT(exit_wq, "task_exit");
static uint64_t next_id = 1; /* Atomic */

/* Stacks of freed tasks, kept mapped for the next task: freeing a stack
 * unmaps it, which costs a TLB shootdown to every CPU (a long wait on an
 * overcommitted host), and task churn would pay that every time. */
#define STACK_CACHE_MAX 32
static struct kstack stack_cache[STACK_CACHE_MAX] GUARDED_BY(&task_table_lock);
static unsigned int nr_cached_stacks GUARDED_BY(&task_table_lock);

/* A stack for @name, from the cache or new. Returns 0 or -ENOMEM. */
static int stack_get(struct kstack *ks, const char *name)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);
	bool hit = nr_cached_stacks > 0;

	if (hit)
		*ks = stack_cache[--nr_cached_stacks];
	spin_unlock_irqrestore(&task_table_lock, flags);
	if (hit) {
		kstack_rename(ks, name);
		return 0;
	}
	return kstack_alloc(ks, TASK_STACK_SIZE, name);
}

static void stack_put(struct kstack *ks)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);
	bool kept = nr_cached_stacks < STACK_CACHE_MAX;

	if (kept)
		stack_cache[nr_cached_stacks++] = *ks;
	spin_unlock_irqrestore(&task_table_lock, flags);
	if (!kept)
		kstack_free(ks);
}

struct task *task_alloc(int (*fn)(void *arg), void *arg, const char *name)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	strlcpy(t->name, name, sizeof(t->name));
	if (stack_get(&t->stack, t->name)) {
		kfree(t);
		return NULL;
	}
	t->id = atomic_fetch_add(&next_id, 1);
	t->fn = fn;
	t->arg = arg;
	t->preempt_count = 1; /* the run-queue lock its first switch holds */
	t->state = TASK_READY;
	list_init(&t->rq_link);
	list_init(&t->sleep_link);
	list_init(&t->all_link);
	arch_context_init(&t->ctx, t->stack.top, sched_task_entry);
	return t;
}

void task_publish(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);

	list_add_tail(&t->all_link, &task_table);
	nr_tasks++;
	spin_unlock_irqrestore(&task_table_lock, flags);
}

static struct task *create(int cpu, int (*fn)(void *arg), void *arg, const char *name)
{
	struct task *t;

	if (cpu >= 0) {
		struct percpu *c = percpu_get((unsigned int)cpu);
		if (!c || !atomic_load_acquire(&c->online))
			return NULL;
	}
	t = task_alloc(fn, arg, name);
	if (!t)
		return NULL;
	t->pinned = cpu >= 0;
	task_publish(t);
	sched_enqueue_new(t, cpu);
	return t;
}

struct task *task_create(int (*fn)(void *arg), void *arg, const char *name)
{
	return create(-1, fn, arg, name);
}

struct task *task_create_on(unsigned int cpu, int (*fn)(void *arg), void *arg, const char *name)
{
	return create((int)cpu, fn, arg, name);
}

struct task *task_create_user(int (*fn)(void *arg), void *arg, const char *name, struct proc *proc)
{
	struct task *t = task_alloc(fn, arg, name);
	struct task *me = current_task();
	int cpu = -1;

	if (!t)
		return NULL;
	t->proc = proc;
	/* A forked child inherits its parent's affinity, as on Linux. */
	if (me->proc && me->affinity && (me->affinity & percpu_online_mask())) {
		t->affinity = me->affinity;
		t->pinned = true;
		cpu = (int)me->cpu; // the parent runs on a CPU of its mask
	}
	task_publish(t);
	sched_enqueue_new(t, cpu);
	return t;
}

int task_set_affinity(uint64_t mask)
{
	struct task *t = current_task();
	uint64_t online = percpu_online_mask();
	uint64_t m = mask & online;
	unsigned int cpu = READ_ONCE(t->cpu);

	if (!m)
		return -EINVAL;
	if (m == online) {
		t->affinity = 0;
		sched_move_current(-1);
		return 0;
	}
	t->affinity = mask;
	if (!(m & (1ull << cpu)))
		cpu = (unsigned int)__builtin_ctzll(m);
	sched_move_current((int)cpu);
	return 0;
}

uint64_t task_affinity(const struct task *t)
{
	uint64_t online = percpu_online_mask();
	uint64_t m = READ_ONCE(t->affinity) & online;

	return m ? m : online;
}

void task_exit(int code)
{
	struct task *t = current_task();

	if (t->is_idle || t == sched_boot_task())
		panic("task: '%s' cannot exit", t->name);
	t->exit_code = code;
	sched_exit_current();
}

static void task_free(struct task *t)
{
	stack_put(&t->stack);
	kfree(t);
}

/* Remove @t from the table. Called with task_table_lock held. */
static void unlink_locked(struct task *t) REQUIRES(&task_table_lock)
{
	spin_assert_held(&task_table_lock);
	list_del(&t->all_link);
	nr_tasks--;
}

void task_reap(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);
	bool detached = t->detached;

	WRITE_ONCE(t->zombie, true);
	if (detached)
		unlink_locked(t);
	spin_unlock_irqrestore(&task_table_lock, flags);
	if (detached)
		task_free(t);
	else
		waitq_wake_all(&exit_wq);
}

int task_join(struct task *t, int *code)
{
	unsigned long flags;

	might_sleep();
	flags = spin_lock_irqsave(&task_table_lock);
	if (t == current_task() || t->detached || t->joining || t->is_idle) {
		spin_unlock_irqrestore(&task_table_lock, flags);
		return -EINVAL;
	}
	t->joining = true;
	spin_unlock_irqrestore(&task_table_lock, flags);

	wait_event(&exit_wq, READ_ONCE(t->zombie));

	flags = spin_lock_irqsave(&task_table_lock);
	unlink_locked(t);
	spin_unlock_irqrestore(&task_table_lock, flags);
	if (code)
		*code = t->exit_code;
	task_free(t);
	return 0;
}

void task_detach(struct task *t)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);
	bool free_now = t->zombie && !t->joining;

	if (free_now)
		unlink_locked(t);
	else
		t->detached = true;
	spin_unlock_irqrestore(&task_table_lock, flags);
	if (free_now)
		task_free(t);
}

const char *task_state_name(enum task_state s)
{
	static const char *const names[] = {
		[TASK_RUNNING] = "running",   [TASK_READY] = "ready",	[TASK_BLOCKED] = "blocked",
		[TASK_SLEEPING] = "sleeping", [TASK_EXITED] = "exited",
	};
	return (unsigned int)s < ARRAY_SIZE(names) ? names[s] : "?";
}

uint64_t task_cpu_time_ns(void)
{
	struct task *t = task_current();
	unsigned long flags = arch_irq_save(); // no switch between the reads
	uint64_t ns = t->runtime_ns, since = t->slice_start_ns, now = ktime_ns();

	arch_irq_restore(flags);
	return now > since ? ns + (now - since) : ns;
}

size_t task_list(struct task_info *out, size_t max)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);
	uint64_t now = ktime_ns();
	struct task *t;
	size_t n = 0;

	list_for_each_entry (t, &task_table, all_link) {
		if (n < max) {
			struct task_info *ti = &out[n];
			ti->id = t->id;
			strlcpy(ti->name, t->name, sizeof(ti->name));
			ti->state = READ_ONCE(t->state);
			ti->cpu = READ_ONCE(t->cpu);
			ti->runtime_ns = READ_ONCE(t->runtime_ns);
			ti->is_user = t->proc != NULL;
			uint64_t since = READ_ONCE(t->slice_start_ns);
			if (ti->state == TASK_RUNNING && now > since)
				ti->runtime_ns += now - since;
		}
		n++;
	}
	spin_unlock_irqrestore(&task_table_lock, flags);
	return n;
}

size_t task_count(void)
{
	unsigned long flags = spin_lock_irqsave(&task_table_lock);
	size_t n = nr_tasks;

	spin_unlock_irqrestore(&task_table_lock, flags);
	return n;
}
