/*
 * Per-CPU data (sched/percpu.h): CPU 0's static instance, the table of
 * every CPU's instance by logical id, and the online count.
 * Locking: the table is written only by the boot CPU during bring-up,
 * before the new CPU starts; readers see it through release/acquire.
 */
#include "sched/percpu.h"

#include "arch/arch.h"
#include "include/atomic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/sched_internal.h"

static struct percpu boot_cpu;
static struct percpu *cpus[MAX_CPUS]; /* Written by the boot CPU only */
static unsigned int nr_cpus;	      /* Written by the boot CPU only */

void percpu_init_boot(void)
{
	boot_cpu.self = &boot_cpu;
	boot_cpu.current = sched_boot_task();
	boot_cpu.id = 0;
	boot_cpu.online = true;
	arch_set_percpu(&boot_cpu);
	cpus[0] = &boot_cpu;
	atomic_store_release(&nr_cpus, 1);
}

void percpu_set_apic_id(struct percpu *c, uint32_t apic_id)
{
	c->apic_id = apic_id;
}

struct percpu *percpu_alloc(unsigned int id, uint32_t apic_id)
{
	struct percpu *c;

	if (id == 0 || id >= MAX_CPUS || cpus[id])
		return NULL;
	c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	cpus[id] = c;
	if (id >= nr_cpus)
		atomic_store_release(&nr_cpus, id + 1);
	return c;
}

struct percpu *percpu_get(unsigned int id)
{
	if (id >= atomic_load_acquire(&nr_cpus))
		return NULL;
	return cpus[id];
}

unsigned int percpu_count(void)
{
	return atomic_load_acquire(&nr_cpus);
}

unsigned int percpu_online_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < percpu_count(); i++)
		if (cpus[i] && atomic_load_acquire(&cpus[i]->online))
			n++;
	return n;
}

uint64_t percpu_online_mask(void)
{
	uint64_t mask = 0;

	for (unsigned int i = 0; i < percpu_count(); i++)
		if (cpus[i] && atomic_load_acquire(&cpus[i]->online))
			mask |= 1ull << i;
	return mask;
}
