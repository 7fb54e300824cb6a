/*
 * Counting semaphores: sem_down() takes a unit, sleeping while none is
 * left; sem_up() returns one and wakes a waiter (IRQ-safe, so an
 * interrupt handler can signal a task).
 *
 * Lifetime: sem_up() touches nothing of the semaphore once a sem_down()
 * can return, so a waiter may free it when its sem_down() returns if no
 * one else will use it again.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"
#include "sched/waitqueue.h"

struct semaphore {
	struct waitqueue wq;
	int64_t count; /* Protected by wq.lock */
};

void sem_init(struct semaphore *s, int64_t count);
/* Take one unit, sleeping while none is available. May sleep. */
void sem_down(struct semaphore *s);
bool sem_trydown(struct semaphore *s) __must_check;
/* Return one unit and wake a waiter. IRQ-safe. */
void sem_up(struct semaphore *s);
