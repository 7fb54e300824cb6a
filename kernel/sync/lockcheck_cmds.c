/*
 * `lockcheck KIND`: break a locking rule on purpose so the debug checks
 * (sync/spinlock.c, might_sleep in sched/sched.c) can be seen and tested.
 * Each kind ends in a panic naming the lock in debug builds; release
 * builds compile the checks out and say so instead.
 */
#include "core/console.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "shell/shell.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

static struct spinlock outer = SPINLOCK_INIT("lockcheck_outer", LOCK_RANK_SCHED);
static struct spinlock inner = SPINLOCK_INIT("lockcheck_inner", LOCK_RANK_SUBSYS);

static void break_rule(const char *kind)
{
	if (!strcmp(kind, "recursion")) {
		spin_lock(&outer);
		spin_lock(&outer);
	} else if (!strcmp(kind, "order")) {
		spin_lock(&outer); /* rank 50, then rank 10: inverted */
		spin_lock(&inner);
	} else if (!strcmp(kind, "unlock")) {
		spin_unlock(&inner); /* never locked */
	} else if (!strcmp(kind, "sleep")) {
		spin_lock(&outer);
		task_sleep_ns(1000);
	}
}

static const char *const kinds[] = { "recursion", "order", "unlock", "sleep", NULL };

static int cmd_lockcheck(int argc, char **argv)
{
	bool known = false;

	for (int i = 0; argc == 2 && kinds[i]; i++)
		known |= !strcmp(argv[1], kinds[i]);
	if (!known)
		return shell_usage(shell_find("lockcheck"));
	if (!CONFIG_DEBUG_ENABLED) {
		kprintf("lockcheck: lock checks are compiled out of release builds\n");
		return 1;
	}
	break_rule(argv[1]);
	kprintf("lockcheck: '%s' was not caught\n", argv[1]);
	return 1;
}

SHELL_COMMAND(lockcheck, .name = "lockcheck", .group = "debug",
	      .summary = "break a locking rule on purpose (debug builds panic)",
	      .usage = "lockcheck recursion|order|unlock|sleep   (stops the kernel)",
	      .fn = cmd_lockcheck, .subcmds = kinds);
