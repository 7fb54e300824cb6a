/*
 * Split virtqueues (VirtIO 1.2 §2.7): the descriptor table, the available
 * ring the driver fills and the used ring the device fills, in one
 * physically contiguous, zeroed block with the spec's alignments. Free
 * descriptors are chained through `next`, so one the device still owns is
 * never handed out again. With VIRTIO_F_INDIRECT_DESC a request takes one
 * ring descriptor pointing at a caller-owned table; with
 * VIRTIO_F_EVENT_IDX notifications and interrupts are suppressed through
 * the avail_event / used_event fields (VirtIO 1.2 §2.7.10).
 *
 * The device is not trusted: a used entry whose id is not the head of a
 * chain in flight, a used index that jumps past what is in flight, or a
 * length above the device-writable bytes posted is a protocol violation.
 * The queue is then marked broken (Linux's BAD_RING): it is logged once,
 * nothing more is taken from it and adds fail with -EIO; the driver
 * resets the device or gives it up. No loop runs on device state alone.
 * Locking: the caller serialises everything but virtq_has_used with the
 * driver's queue lock (@lock, checked in debug builds when set);
 * virtq_has_used may be called anywhere.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"

struct spinlock;

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __packed;
_Static_assert(sizeof(struct virtq_desc) == 16, "VirtIO 1.2 §2.7.5");

enum {
	VIRTQ_DESC_F_NEXT = 1,
	VIRTQ_DESC_F_WRITE = 2,	   /* device writes (driver reads) */
	VIRTQ_DESC_F_INDIRECT = 4, /* addr/len name a table of descriptors */
};

enum { VIRTQ_USED_F_NO_NOTIFY = 1 };

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
} __packed;

#define VIRTQ_MAX_SIZE 256

struct virtq {
	uint16_t size;	       /* power of two */
	const char *name;      /* for log lines (set by the driver, may be NULL) */
	struct spinlock *lock; /* the driver's queue lock (NULL: not checked) */
	struct virtq_desc *desc;
	volatile uint16_t *avail;	    /* flags, idx, ring[size], used_event */
	volatile uint8_t *used;		    /* flags, idx, ring[size], avail_event */
	paddr_t desc_pa, avail_pa, used_pa; /* for the transport */
	unsigned int order;		    /* pmm block order */
	uint16_t notify_off;		    /* set by the transport */
	/* Protected by the caller's lock: */
	uint16_t free_head, nr_free;
	uint16_t avail_idx;   /* next avail slot (our copy) */
	uint16_t last_used;   /* next used entry to read */
	uint16_t kicked_idx;  /* avail_idx at the last notify decision */
	bool event_idx;	      /* VIRTIO_F_EVENT_IDX negotiated (set before use) */
	bool broken;	      /* the device broke the protocol: nothing more is taken */
	uint16_t nr_inflight; /* chains posted and not yet returned */
	/* Per head descriptor of a chain in flight: */
	void *cookie[VIRTQ_MAX_SIZE];	    /* the caller's request */
	uint16_t chain_len[VIRTQ_MAX_SIZE]; /* ring descriptors; 0: not a head in flight */
	uint32_t write_len[VIRTQ_MAX_SIZE]; /* device-writable bytes posted */
};

/* A buffer of a request chain: @len bytes at physical @pa. */
struct virtq_buf {
	paddr_t pa;
	uint32_t len;
	bool device_writes;
};

/* Allocate a queue of @size (a power of two, <= VIRTQ_MAX_SIZE). Returns
 * 0, -EINVAL or -ENOMEM. */
int virtq_init(struct virtq *q, uint16_t size) __must_check;
void virtq_free(struct virtq *q);

/* Chain @n buffers, publish the chain in the available ring with release
 * ordering and remember @cookie (not NULL). Returns 0, -ENOSPC (not enough free
 * descriptors: nothing was changed) or -EIO (the queue is broken). */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned int n, void *cookie)
	__must_check;

/* Post one ring descriptor (VIRTQ_DESC_F_INDIRECT) for a chain of @n
 * buffers written into @table (at physical @table_pa, 16-byte aligned, @n
 * entries, owned by the caller until the cookie comes back). Returns 0,
 * -ENOSPC (the ring is full) or -EIO (the queue is broken). */
int virtq_add_indirect(struct virtq *q, struct virtq_desc *table, paddr_t table_pa,
		       const struct virtq_buf *bufs, unsigned int n, void *cookie) __must_check;

/* After one or more adds: must the device be notified? (Always, unless
 * the device asked not to be: VIRTQ_USED_F_NO_NOTIFY, or with EVENT_IDX
 * when its avail_event lies outside what was added since the last
 * decision.) */
bool virtq_kick_needed(struct virtq *q);

/* Re-arm the interrupt after draining the used ring (with EVENT_IDX:
 * used_event = the next entry we will read). Returns true if entries
 * arrived meanwhile: the caller must drain again, or a completion that
 * raced with the interrupt would be lost. */
bool virtq_enable_interrupt(struct virtq *q);

/* Does the used ring hold entries we have not consumed? (False once the
 * queue is broken.) */
bool virtq_has_used(struct virtq *q);

/* Take the next used entry: returns its cookie (and the bytes the device
 * wrote in @len, never more than the device-writable bytes posted),
 * freeing its descriptors, or NULL when there is none or the entry breaks
 * the protocol (the queue is then broken: see above). */
void *virtq_get_used(struct virtq *q, uint32_t *len);

/* Has the device broken the protocol on @q? */
bool virtq_is_broken(const struct virtq *q);
