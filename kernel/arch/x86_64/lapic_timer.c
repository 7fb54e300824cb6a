/*
 * The local APIC timer as the tick's clock-event device: counts down at
 * bus clock / LAPIC_TIMER_DIVIDE, one-shot or periodic, on vector
 * IRQ_VEC_TIMER. time/tick.c calibrates it against ktime and programs it.
 * State: the clockevent is immutable after registration (hz is set once
 * by tick_init()); each CPU programs only its own timer.
 * Reference: Intel SDM Vol. 3 §11.5.4 (APIC timer).
 */
#include "arch/x86_64/lapic_timer.h"

#include "arch/x86_64/irq_vectors.h"
#include "arch/x86_64/lapic.h"
#include "core/log.h"
#include "irq/irq.h"
#include "time/tick.h"

#define LOG_PREFIX "lapic-timer: "

static void timer_program(uint64_t count, bool periodic)
{
	lapic_timer_program(IRQ_VEC_TIMER, (uint32_t)count, periodic);
}

static uint64_t timer_remaining(void)
{
	return lapic_timer_current();
}

static struct clockevent lapic_ce = {
	.name = "lapic-timer",
	.max_count = 0xffffffffu,
	.program = timer_program,
	.remaining = timer_remaining,
};

static void timer_interrupt(struct irq_ctx *ctx, void *data)
{
	struct clockevent *ce = data;

	if (ce->event)
		ce->event();
}

void lapic_timer_register(void)
{
	if (irq_attach(IRQ_VEC_TIMER, timer_interrupt, &lapic_ce, "timer")) {
		log_err("timer vector already taken\n");
		return;
	}
	clockevent_register(&lapic_ce);
}
