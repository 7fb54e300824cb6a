/*
 * One-shot completions: one side waits until the other says "done"
 * (an interrupt handler finishing a request, a CPU finishing bring-up,
 * a value published once, like the original kernel's InitCell).
 * complete() before the wait is not lost.
 *
 * Lifetime: complete() and complete_all() touch nothing of the completion
 * once a waiter can see it done, so the waiter may free it as soon as
 * wait_for_completion() returns (the usual on-stack or kmalloc'd request).
 * After a timeout the completer may still call complete(): then the
 * completion may be freed only once the completer is known to be done.
 * completion_is_done() is a lock-free peek: seeing true there does not
 * make freeing safe, a wait does.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"
#include "sched/waitqueue.h"

struct completion {
	struct waitqueue wq;
	unsigned int done; /* Protected by wq.lock: completions not yet consumed */
};

void completion_init(struct completion *c);

/* Release one waiter (or the next wait). IRQ-safe. */
void complete(struct completion *c);

/* Release every waiter, now and later (done stays set). IRQ-safe. */
void complete_all(struct completion *c);

/* Wait until completed, consuming one complete(). May sleep. */
void wait_for_completion(struct completion *c);

/* Same with a timeout; returns true if completed, false on timeout. */
bool wait_for_completion_timeout(struct completion *c, uint64_t ns) __must_check;

/* Has it been completed (and not consumed)? */
bool completion_is_done(struct completion *c);
