/*
 * Split virtqueues (drivers/virtio/virtqueue.h). Memory layout in one
 * block: descriptors (16-byte aligned), then the available ring (2-byte
 * aligned), then, at the next 4 KiB, the used ring (4-byte aligned).
 * Ordering (VirtIO 1.2 §2.7.13): descriptors and the ring slot are written
 * before the index is published (a release store plus a full barrier
 * before the notify decision); the used index is read with acquire before
 * the entries it covers.
 */
#include "drivers/virtio/virtqueue.h"

#include "core/log.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "virtqueue: "

#define AVAIL_IDX 1 /* in uint16_t units: flags, idx, ring... */
#define AVAIL_RING 2
#define USED_IDX 2 /* in bytes: flags (2), idx (2), ring at 4 */
#define USED_RING 4

static size_t avail_bytes(uint16_t size)
{
	return 2 * (3 + (size_t)size);
}

int virtq_init(struct virtq *q, uint16_t size)
{
	size_t used_off, total;
	unsigned int order = 0;
	paddr_t pa;

	if (!size || (size & (size - 1)) || size > VIRTQ_MAX_SIZE)
		return -EINVAL;
	used_off = ALIGN_UP(16 * (size_t)size + avail_bytes(size), PAGE_SIZE);
	total = used_off + 4 * 2 + 8 * (size_t)size;
	while ((PAGE_SIZE << order) < total)
		order++;
	pa = pmm_alloc_pages(order);
	if (!pa)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
	memset(q, 0, sizeof(*q));
	q->size = size;
	q->order = order;
	q->desc_pa = pa;
	q->avail_pa = pa + 16 * (size_t)size;
	q->used_pa = pa + used_off;
	q->desc = phys_to_virt(q->desc_pa);
	q->avail = phys_to_virt(q->avail_pa);
	q->used = phys_to_virt(q->used_pa);
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nr_free = size;
	return 0;
}

void virtq_free(struct virtq *q)
{
	if (q->desc_pa)
		pmm_free_pages(q->desc_pa, q->order);
	q->desc_pa = 0;
}

static uint16_t desc_flags(const struct virtq_buf *b, bool more)
{
	return (uint16_t)((b->device_writes ? VIRTQ_DESC_F_WRITE : 0) |
			  (more ? VIRTQ_DESC_F_NEXT : 0));
}

/* The caller's lock is held (debug builds check it when the driver named
 * it). */
static void assert_locked(const struct virtq *q)
{
	if (q->lock)
		spin_assert_held(q->lock);
}

/* Mark @q broken after a protocol violation (logged once per queue). */
static void mark_broken(struct virtq *q, const char *what, unsigned int value)
{
	if (!q->broken)
		log_err("%s: device %s (%u); queue marked broken, its requests fail\n",
			q->name ? q->name : "queue", what, value);
	q->broken = true;
}

/* Device-writable bytes in @bufs. */
static uint32_t writable_bytes(const struct virtq_buf *bufs, unsigned int n)
{
	uint64_t sum = 0;

	for (unsigned int k = 0; k < n; k++)
		if (bufs[k].device_writes)
			sum += bufs[k].len;
	return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

/* Put the chain of @ndesc ring descriptors starting at @head in the next
 * available slot and publish it. */
static void publish(struct virtq *q, uint16_t head, uint16_t ndesc, uint32_t wlen, void *cookie)
{
	q->cookie[head] = cookie;
	q->chain_len[head] = ndesc;
	q->write_len[head] = wlen;
	q->nr_inflight++;
	q->avail[AVAIL_RING + (q->avail_idx & (q->size - 1))] = head;
	q->avail_idx++;
	/* The slot and descriptors before the index the device reads. */
	atomic_store_release(&q->avail[AVAIL_IDX], q->avail_idx);
	smp_mb(); /* the index is visible before any notify decision */
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned int n, void *cookie)
{
	uint16_t head = q->free_head, i = head, last = head;

	assert_locked(q);
	if (q->broken)
		return -EIO;
	if (!n || n > q->nr_free)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		struct virtq_desc *d = &q->desc[i];

		d->addr = bufs[k].pa;
		d->len = bufs[k].len;
		d->flags = desc_flags(&bufs[k], k + 1 < n);
		last = i;
		i = d->next;
	}
	q->free_head = q->desc[last].next;
	q->nr_free = (uint16_t)(q->nr_free - n);
	publish(q, head, (uint16_t)n, writable_bytes(bufs, n), cookie);
	return 0;
}

int virtq_add_indirect(struct virtq *q, struct virtq_desc *table, paddr_t table_pa,
		       const struct virtq_buf *bufs, unsigned int n, void *cookie)
{
	uint16_t head = q->free_head;
	struct virtq_desc *d = &q->desc[head];

	assert_locked(q);
	if (q->broken)
		return -EIO;
	if (!n || !q->nr_free)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		table[k].addr = bufs[k].pa;
		table[k].len = bufs[k].len;
		table[k].flags = desc_flags(&bufs[k], k + 1 < n);
		table[k].next = (uint16_t)(k + 1 < n ? k + 1 : 0);
	}
	q->free_head = d->next;
	q->nr_free--;
	d->addr = table_pa;
	d->len = (uint32_t)(n * sizeof(*table));
	d->flags = VIRTQ_DESC_F_INDIRECT;
	publish(q, head, 1, writable_bytes(bufs, n), cookie);
	return 0;
}

/* VirtIO 1.2 §2.7.10: has the index moved past @event since @old? */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

bool virtq_kick_needed(struct virtq *q)
{
	uint16_t old = q->kicked_idx;
	bool kick;

	assert_locked(q);
	q->kicked_idx = q->avail_idx;
	if (q->event_idx) {
		/* avail_event follows the used ring's entries. */
		uint16_t ev = READ_ONCE(
			*(volatile uint16_t *)(q->used + USED_RING + 8 * (size_t)q->size));

		kick = need_event(ev, q->avail_idx, old);
	} else {
		kick = !(READ_ONCE(*(volatile uint16_t *)q->used) & VIRTQ_USED_F_NO_NOTIFY);
	}
	return kick;
}

bool virtq_enable_interrupt(struct virtq *q)
{
	assert_locked(q);
	if (q->event_idx)
		WRITE_ONCE(q->avail[AVAIL_RING + q->size], q->last_used); /* used_event */
	smp_mb(); /* the re-arm is visible before we look at the used index */
	return virtq_has_used(q);
}

bool virtq_has_used(struct virtq *q)
{
	uint16_t idx = atomic_load_acquire((volatile uint16_t *)(q->used + USED_IDX));

	return !READ_ONCE(q->broken) && idx != q->last_used;
}

bool virtq_is_broken(const struct virtq *q)
{
	return READ_ONCE(q->broken);
}

/* Return the @n descriptors of the chain at @head to the free list. The
 * chain is ours (the device only reads descriptors), but it is followed
 * for exactly the length it was posted with. */
static void free_chain(struct virtq *q, uint16_t head, uint16_t n)
{
	uint16_t last = head;

	for (uint16_t k = 1; k < n; k++)
		last = q->desc[last].next & (q->size - 1);
	q->desc[last].next = q->free_head;
	q->free_head = head;
	q->nr_free = (uint16_t)(q->nr_free + n);
}

void *virtq_get_used(struct virtq *q, uint32_t *len)
{
	volatile struct virtq_used_elem *e;
	uint16_t idx, pending;
	uint32_t id, wrote;
	void *cookie;

	assert_locked(q);
	if (q->broken)
		return NULL;
	idx = atomic_load_acquire((volatile uint16_t *)(q->used + USED_IDX));
	pending = (uint16_t)(idx - q->last_used);
	if (!pending)
		return NULL;
	if (pending > q->nr_inflight) {
		mark_broken(q, "used index ran ahead of the requests in flight", pending);
		return NULL;
	}
	e = (volatile struct virtq_used_elem *)(q->used + USED_RING) +
	    (q->last_used & (q->size - 1));
	id = READ_ONCE(e->id);
	wrote = READ_ONCE(e->len);
	if (id >= q->size || !q->chain_len[id]) {
		mark_broken(q, "returned an id that is not a request in flight", id);
		return NULL;
	}
	if (wrote > q->write_len[id]) {
		mark_broken(q, "reported more bytes written than the buffers hold", wrote);
		return NULL;
	}
	q->last_used++;
	cookie = q->cookie[id];
	q->cookie[id] = NULL;
	free_chain(q, (uint16_t)id, q->chain_len[id]);
	q->chain_len[id] = 0;
	q->nr_inflight--;
	if (len)
		*len = wrote;
	return cookie;
}
