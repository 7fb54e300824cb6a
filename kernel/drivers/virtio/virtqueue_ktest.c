/*
 * Virtqueue tests without a device: a queue built in memory, buffers
 * posted, and the device's side of the used ring written by the test. A
 * device that returns a chain twice, an id that is no request, a used
 * index that runs ahead or a length above what was posted must be refused:
 * the queue is marked broken (adds fail with -EIO), nothing is freed
 * twice, and no loop follows the device's numbers.
 */
#include "drivers/virtio/virtqueue.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"

#define QSIZE 8

static struct virtq tq;
static uint8_t tbuf[4][64];

/* Play the device: put (@id, @len) at used slot @slot. */
static void dev_put_used(struct virtq *q, uint16_t slot, uint32_t id, uint32_t len)
{
	volatile struct virtq_used_elem *e =
		(volatile struct virtq_used_elem *)(q->used + 4) + (slot & (q->size - 1));

	e->id = id;
	e->len = len;
}

static void dev_set_used_idx(struct virtq *q, uint16_t idx)
{
	*(volatile uint16_t *)(q->used + 2) = idx;
}

/* A fresh queue with @n one-buffer requests posted (cookie = &tbuf[i]);
 * head descriptors in tq.cookie order. */
static void setup(unsigned int n)
{
	KASSERT_EQ(virtq_init(&tq, QSIZE), 0);
	tq.name = "ktest";
	for (unsigned int i = 0; i < n; i++) {
		struct virtq_buf b = { .pa = virt_to_phys_direct(tbuf[i]),
				       .len = sizeof(tbuf[i]),
				       .device_writes = true };

		KASSERT_EQ(virtq_add(&tq, &b, 1, tbuf[i]), 0);
	}
}

/* The head descriptor the driver posted in avail slot @slot. */
static uint16_t posted_head(uint16_t slot)
{
	return tq.avail[2 + (slot & (tq.size - 1))];
}

static int add_one(void)
{
	struct virtq_buf b = { .pa = virt_to_phys_direct(tbuf[3]),
			       .len = 8,
			       .device_writes = true };

	return virtq_add(&tq, &b, 1, tbuf[3]);
}

KTEST(virtq_good_completion_is_taken)
{
	uint32_t len = 0;

	setup(2);
	dev_put_used(&tq, 0, posted_head(1), 17);
	dev_set_used_idx(&tq, 1);
	KASSERT(virtq_get_used(&tq, &len) == tbuf[1]);
	KASSERT_EQ(len, 17);
	KASSERT(virtq_get_used(&tq, &len) == NULL);
	KASSERT_EQ(tq.nr_free, QSIZE - 1);
	KASSERT_EQ(add_one(), 0);
	virtq_free(&tq);
}

KTEST(virtq_id_returned_twice_is_refused)
{
	setup(2);
	dev_put_used(&tq, 0, posted_head(0), 0);
	dev_put_used(&tq, 1, posted_head(0), 0); /* the same chain again */
	dev_set_used_idx(&tq, 2);
	KASSERT(virtq_get_used(&tq, NULL) == tbuf[0]);
	KASSERT(virtq_get_used(&tq, NULL) == NULL);
	KASSERT(tq.nr_free <= QSIZE);
	KASSERT_EQ(tq.nr_free, QSIZE - 1); /* request 1 still holds its descriptor */
	KASSERT_EQ(add_one(), -EIO);
	virtq_free(&tq);
}

KTEST(virtq_id_not_in_flight_is_refused)
{
	setup(1);
	dev_put_used(&tq, 0, 5, 0); /* a free descriptor, never posted */
	dev_set_used_idx(&tq, 1);
	KASSERT(virtq_get_used(&tq, NULL) == NULL);
	KASSERT_EQ(tq.nr_free, QSIZE - 1);
	KASSERT(!virtq_has_used(&tq)); /* an interrupt handler's loop ends */
	KASSERT_EQ(add_one(), -EIO);
	virtq_free(&tq);
}

KTEST(virtq_id_out_of_range_is_refused)
{
	setup(1);
	dev_put_used(&tq, 0, 0x10000, 0);
	dev_set_used_idx(&tq, 1);
	KASSERT(virtq_get_used(&tq, NULL) == NULL);
	KASSERT_EQ(add_one(), -EIO);
	virtq_free(&tq);
}

/* One request in flight, and the device says 40000 entries are ready: a
 * driver that believed it would walk stale slots for ever. */
KTEST(virtq_used_index_jump_is_refused)
{
	unsigned int taken = 0;

	setup(1);
	for (uint16_t i = 0; i < QSIZE; i++)
		dev_put_used(&tq, i, posted_head(0), 0);
	dev_set_used_idx(&tq, 40000);
	while (virtq_get_used(&tq, NULL) && taken < 2 * QSIZE)
		taken++;
	KASSERT_EQ(taken, 0);
	KASSERT(tq.nr_free <= QSIZE);
	KASSERT_EQ(add_one(), -EIO);
	virtq_free(&tq);
}

KTEST(virtq_length_above_buffer_is_refused)
{
	uint32_t len = 0;

	setup(1);
	dev_put_used(&tq, 0, posted_head(0), sizeof(tbuf[0]) + 1);
	dev_set_used_idx(&tq, 1);
	KASSERT(virtq_get_used(&tq, &len) == NULL);
	KASSERT_EQ(add_one(), -EIO);
	virtq_free(&tq);
}
