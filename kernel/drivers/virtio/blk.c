/*
 * virtio-blk (drivers/virtio/blk.h).
 *
 * A request is a header (type, sector), the data, and a status byte the
 * device writes last. Headers and status bytes do not get a page each:
 * they live in one physically contiguous array of slots, one per ring
 * descriptor, indexed by the head descriptor of the request's chain (which
 * no other in-flight request can have). With VIRTIO_F_INDIRECT_DESC the
 * slot also holds the request's three-entry descriptor table, so one ring
 * descriptor carries a whole request and a 256-entry queue holds 256
 * requests instead of 85. With VIRTIO_F_EVENT_IDX the device is notified
 * only when it asked to be, and interrupts are re-armed by used_event.
 *
 * Submitters sleep on space_wq when the ring is full. Completions are
 * taken from the used ring under the queue lock by the MSI-X handler (or
 * by the poll hook before the scheduler runs), which re-arms the interrupt
 * and looks again, so one that lands meanwhile is not lost; the requests'
 * done() callbacks run after the lock is dropped.
 *
 * A watchdog task looks at every disk ten times a second: used entries
 * nobody drained mean a lost interrupt, requests outstanding with no
 * completion for a whole period may mean a lost notification; it drains
 * or notifies again and logs the first time. Neither should happen, but
 * both did under QEMU 7.2's TCG with one CPU, which drops guest memory
 * barriers (see tools/qemu.sh): a driver should not hang for good on a
 * host bug it can detect.
 *
 * Locking: vblk.lock (IRQ-safe, LOCK_RANK_DRIVER) guards the virtqueue,
 * rq_of[] and the progress counters; a slot belongs to its request from
 * submit to completion.
 */
#include "drivers/virtio/blk.h"

#include "core/log.h"
#include "drivers/block/blkdev.h"
#include "drivers/virtio/virtio_pci.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"
#include "lib/cpu_pick.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "sync/completion.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "virtio-blk: "

/* Feature bits (VirtIO 1.2 §5.2.3). */
enum {
	BLK_F_SIZE_MAX = 1,
	BLK_F_SEG_MAX = 2,
	BLK_F_RO = 5,
	BLK_F_BLK_SIZE = 6,
	BLK_F_FLUSH = 9,
};

/* Device configuration offsets (struct virtio_blk_config). */
enum {
	CFG_CAPACITY = 0, /* le64, in 512-byte sectors */
	CFG_SIZE_MAX = 8, /* le32, bytes per segment */
	CFG_SEG_MAX = 12,
	CFG_BLK_SIZE = 20,
};

/* Request types and status values (§5.2.6). */
enum {
	T_IN = 0,
	T_OUT = 1,
	T_FLUSH = 4,
	T_GET_ID = 8,
};
enum { S_OK = 0, S_IOERR = 1, S_UNSUPP = 2, S_PENDING = 0xff };

#define ID_BYTES 20
#define WATCHDOG_NS (100 * NSEC_PER_MSEC)
#define MAX_DISKS 16
#define MAX_REQUEST_BYTES (1024 * 1024)
#define PROBE_TIMEOUT_NS NSEC_PER_SEC

struct vblk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
} __packed;
_Static_assert(sizeof(struct vblk_hdr) == 16, "VirtIO 1.2 §5.2.6");

/* Per-request DMA memory (the device reads table and hdr, writes status). */
struct vblk_slot {
	struct virtq_desc table[3]; /* indirect chain: header, data, status */
	struct vblk_hdr hdr;
	uint8_t status;
	uint8_t pad[15];
};
_Static_assert(sizeof(struct vblk_slot) % 16 == 0, "descriptor tables are 16-byte aligned");

struct vblk {
	struct virtio_dev vd;
	struct virtq q;
	struct spinlock lock;
	struct waitqueue space_wq;
	bool indirect;
	struct vblk_slot *slots; /* q.size of them */
	paddr_t slots_pa;
	unsigned int slots_order;
	struct blk_request *rq_of[VIRTQ_MAX_SIZE]; /* Protected by lock */
	struct blkdev bd;
	char irq_name[24];
	uint64_t completions;	 /* Protected by lock */
	uint64_t wd_seen;	 /* completions at the watchdog's last look */
	bool wd_unread, wd_busy; /* what that look found */
	uint64_t lost_irqs;	 /* drained by the watchdog */
	uint64_t renotified;	 /* notified again by the watchdog */
	bool dead;		 /* Protected by lock: reset after a timeout or a broken queue */
};

static unsigned int nr_devices;	      /* Written by probe (boot, one at a time) */
static struct vblk *disks[MAX_DISKS]; /* Written by probe, before nr_devices */

static paddr_t slot_pa(const struct vblk *v, const struct vblk_slot *s)
{
	return v->slots_pa + (paddr_t)((const uint8_t *)s - (const uint8_t *)v->slots);
}

static unsigned int descs_needed(const struct vblk *v, bool has_data)
{
	return v->indirect ? 1 : has_data ? 3 : 2;
}

static bool has_room(struct vblk *v, bool has_data)
{
	return READ_ONCE(v->dead) || READ_ONCE(v->q.nr_free) >= descs_needed(v, has_data);
}

/* ---- completion ------------------------------------------------------ */

static int status_to_errno(uint8_t status)
{
	return status == S_OK ? 0 : status == S_UNSUPP ? -EOPNOTSUPP : -EIO;
}

/* Take every finished request off the used ring, then finish them. */
static void drain(struct vblk *v)
{
	struct list_head done = LIST_HEAD_INIT(done);
	struct list_head *pos, *tmp;
	struct vblk_slot *s;
	unsigned long flags = spin_lock_irqsave(&v->lock);

	do {
		while ((s = virtq_get_used(&v->q, NULL))) {
			size_t i = (size_t)(s - v->slots);
			struct blk_request *rq = v->rq_of[i];

			v->rq_of[i] = NULL;
			v->completions++;
			if (!rq)
				continue; /* a device bug: nothing waits for it */
			rq->status = status_to_errno(READ_ONCE(s->status));
			list_add_tail(&rq->link, &done);
		}
	} while (virtq_enable_interrupt(&v->q));
	spin_unlock_irqrestore(&v->lock, flags);

	if (list_empty(&done))
		return;
	list_for_each_safe(pos, tmp, &done)
	{
		struct blk_request *rq = list_entry(pos, struct blk_request, link);

		list_del(&rq->link);
		if (rq->status && rq->op != BLK_OP_FLUSH)
			log_warn("%s: %s of %u sectors at %llu failed\n", v->bd.name,
				 rq->op == BLK_OP_READ ? "read" : "write", rq->count,
				 (unsigned long long)rq->sector);
		if (rq->count || rq->op == BLK_OP_FLUSH) /* not GET_ID */
			blkdev_account(&v->bd, rq);
		rq->done(rq);
	}
	waitq_wake_all(&v->space_wq);
}

static void vblk_interrupt(struct irq_ctx *ctx, void *data)
{
	drain(data);
}

static void vblk_poll(struct blkdev *bd)
{
	drain(bd->priv);
}

/*
 * Take @v out of service: reset the device, so it no longer touches the
 * rings or any buffer posted on them, then fail every outstanding request
 * with -EIO. Only after the reset is confirmed may their buffers (often
 * buffer-cache data, reused at once) be given back. The disk stays dead:
 * re-initialising a device that stopped answering is not attempted.
 * Returns 0, or -EIO when the device ignores the reset (its requests then
 * stay outstanding for good). Task context.
 */
static int take_out_of_service(struct vblk *v, const char *why)
{
	unsigned long flags = spin_lock_irqsave(&v->lock);
	bool was_dead = v->dead;
	int err;

	v->dead = true;
	spin_unlock_irqrestore(&v->lock, flags);
	if (!was_dead)
		log_err("%s: %s: resetting the device; the disk is out of service\n", v->bd.name,
			why);
	err = virtio_pci_reset(&v->vd);
	if (err) {
		log_err("%s: the device ignores the reset: its requests stay outstanding\n",
			v->bd.name);
		return -EIO;
	}
	flags = spin_lock_irqsave(&v->lock);
	v->q.broken = true; /* nothing more is taken from the rings */
	spin_unlock_irqrestore(&v->lock, flags);
	/* One request at a time: done() runs without the lock. */
	for (size_t i = 0; i < VIRTQ_MAX_SIZE; i++) {
		struct blk_request *rq;

		flags = spin_lock_irqsave(&v->lock);
		rq = v->rq_of[i];
		v->rq_of[i] = NULL;
		spin_unlock_irqrestore(&v->lock, flags);
		if (!rq)
			continue;
		rq->status = -EIO;
		if (rq->count || rq->op == BLK_OP_FLUSH) /* not GET_ID */
			blkdev_account(&v->bd, rq);
		rq->done(rq);
	}
	waitq_wake_all(&v->space_wq);
	return 0;
}

static int vblk_abort(struct blkdev *bd)
{
	return take_out_of_service(bd->priv, "a request timed out");
}

/*
 * One look at @v. An interrupt can be on its way when we look, so only a
 * state that lasts a whole period counts: used entries still unread and
 * nothing completed since the last look (a lost interrupt: drain them),
 * or requests outstanding and nothing completed (perhaps a lost
 * notification: notify again, which is harmless if it was not).
 */
static void watch(struct vblk *v)
{
	unsigned long flags = spin_lock_irqsave(&v->lock);
	bool idle = v->completions == v->wd_seen;
	bool unread = idle && virtq_has_used(&v->q) && v->wd_unread;
	bool stalled = idle && !unread && v->q.nr_free < v->q.size && v->wd_busy;

	v->wd_seen = v->completions;
	v->wd_unread = virtq_has_used(&v->q);
	v->wd_busy = v->q.nr_free < v->q.size;
	if (unread)
		v->lost_irqs++;
	if (stalled)
		v->renotified++;
	spin_unlock_irqrestore(&v->lock, flags);
	if (unread) {
		if (v->lost_irqs == 1)
			log_warn(
				"%s: completions unread for %llu ms: a lost interrupt; draining (logged once)\n",
				v->bd.name, (unsigned long long)(WATCHDOG_NS / NSEC_PER_MSEC));
		drain(v);
	} else if (stalled) {
		if (v->renotified == 1)
			log_warn(
				"%s: no progress in %llu ms; notifying the device again (logged once)\n",
				v->bd.name, (unsigned long long)(WATCHDOG_NS / NSEC_PER_MSEC));
		virtio_pci_notify(&v->vd, 0, &v->q);
	}
}

static int watchdog(void *arg)
{
	for (;;) {
		task_sleep_ns(WATCHDOG_NS);
		for (unsigned int i = 0; i < READ_ONCE(nr_devices); i++) {
			struct vblk *v = disks[i];

			if (READ_ONCE(v->dead))
				continue;
			if (virtq_is_broken(&v->q)) /* logged by the virtqueue */
				(void)take_out_of_service(v, "the queue is broken");
			else
				watch(v);
		}
	}
	return 0;
}

static void start_watchdog(void)
{
	struct task *t = task_create(watchdog, NULL, "virtio-blk-wd");

	if (t)
		task_detach(t);
	else
		log_warn("no watchdog task: a lost interrupt would hang its requests\n");
}

/* ---- submission ------------------------------------------------------ */

/* Queue one request of @type; @data (@len bytes, NULL for none) is
 * written by the device when @device_writes. @rq gets its status and
 * done() call at completion. */
static int queue_request(struct vblk *v, uint32_t type, uint64_t sector, void *data, uint32_t len,
			 bool device_writes, struct blk_request *rq)
{
	struct virtq_buf bufs[3];
	struct vblk_slot *s;
	unsigned long flags;
	unsigned int n = 0;
	bool kick;
	int err;

	for (;;) {
		flags = spin_lock_irqsave(&v->lock);
		if (v->dead) {
			spin_unlock_irqrestore(&v->lock, flags);
			return -EIO;
		}
		if (has_room(v, data != NULL))
			break;
		spin_unlock_irqrestore(&v->lock, flags);
		if (sched_is_running())
			wait_event(&v->space_wq, has_room(v, data != NULL));
		else
			drain(v);
	}
	s = &v->slots[v->q.free_head];
	s->hdr = (struct vblk_hdr){ .type = type, .sector = sector };
	s->status = S_PENDING;
	bufs[n++] = (struct virtq_buf){ .pa = slot_pa(v, s) + offsetof(struct vblk_slot, hdr),
					.len = sizeof(s->hdr) };
	if (data)
		bufs[n++] = (struct virtq_buf){ .pa = virt_to_phys_direct(data),
						.len = len,
						.device_writes = device_writes };
	bufs[n++] = (struct virtq_buf){ .pa = slot_pa(v, s) + offsetof(struct vblk_slot, status),
					.len = 1,
					.device_writes = true };
	v->rq_of[s - v->slots] = rq;
	if (v->indirect)
		err = virtq_add_indirect(&v->q, s->table, slot_pa(v, s), bufs, n, s);
	else
		err = virtq_add(&v->q, bufs, n, s);
	if (err)
		v->rq_of[s - v->slots] = NULL;
	kick = !err && virtq_kick_needed(&v->q);
	spin_unlock_irqrestore(&v->lock, flags);
	if (kick)
		virtio_pci_notify(&v->vd, 0, &v->q);
	return err;
}

static int vblk_submit(struct blkdev *bd, struct blk_request *rq)
{
	struct vblk *v = bd->priv;

	switch (rq->op) {
	case BLK_OP_READ:
		return queue_request(v, T_IN, rq->sector, rq->buf, rq->count * BLK_SECTOR_SIZE,
				     true, rq);
	case BLK_OP_WRITE:
		return queue_request(v, T_OUT, rq->sector, rq->buf, rq->count * BLK_SECTOR_SIZE,
				     false, rq);
	case BLK_OP_FLUSH:
		if (!bd->has_flush) {
			rq->status = 0;
			blkdev_account(bd, rq);
			rq->done(rq);
			return 0;
		}
		return queue_request(v, T_FLUSH, 0, NULL, 0, false, rq);
	}
	return -EINVAL;
}

static const struct blkdev_ops vblk_ops = {
	.submit = vblk_submit,
	.poll = vblk_poll,
	.abort = vblk_abort,
};

/* ---- probe ----------------------------------------------------------- */

struct probe_wait {
	struct blk_request rq;
	struct completion done;
};

static void probe_done(struct blk_request *rq)
{
	complete(&((struct probe_wait *)rq->priv)->done);
}

/* Ask for the serial (GET_ID): up to 20 bytes, NUL-padded. Before the
 * device has a name, so errors are only logged by the caller. */
static int read_serial(struct vblk *v)
{
	struct probe_wait *w = kzalloc(sizeof(*w));
	char *id = kzalloc(ID_BYTES);
	int err;

	if (!w || !id) {
		kfree(w);
		kfree(id);
		return -ENOMEM;
	}
	completion_init(&w->done);
	w->rq = (struct blk_request){ .done = probe_done, .priv = w };
	err = queue_request(v, T_GET_ID, 0, id, ID_BYTES, true, &w->rq);
	if (err)
		goto out;
	if (!sched_is_running()) {
		uint64_t deadline = ktime_ns() + PROBE_TIMEOUT_NS;

		while (!completion_is_done(&w->done) && ktime_ns() < deadline)
			drain(v);
	}
	if (!wait_for_completion_timeout(&w->done, PROBE_TIMEOUT_NS)) {
		/* The device may still write both: leak them. */
		log_warn("no answer to GET_ID in 1 s\n");
		return -EIO;
	}
	err = w->rq.status;
	if (!err)
		for (size_t i = 0; i < ID_BYTES && id[i]; i++)
			v->bd.serial[i] = (id[i] >= 0x20 && id[i] < 0x7f) ? id[i] : '?';
out:
	kfree(w);
	kfree(id);
	return err;
}

static void describe(struct vblk *v, int vector, unsigned int cpu)
{
	const struct pci_dev *d = v->vd.pci;

	log_info(
		"%s: %02x:%02x.%x, %llu MiB, serial '%s', queue of %u%s%s%s%s, MSI-X vector %#x on CPU %u\n",
		v->bd.name, d->bus, d->dev, d->fn,
		(unsigned long long)(v->bd.nr_sectors * BLK_SECTOR_SIZE >> 20), v->bd.serial,
		v->q.size, v->indirect ? ", indirect" : "", v->q.event_idx ? ", event-idx" : "",
		v->bd.has_flush ? ", flush" : "", v->bd.read_only ? ", read-only" : "", vector,
		cpu);
}

/* Read the configuration into the block device. */
static int read_config(struct vblk *v)
{
	struct blkdev *bd = &v->bd;
	uint32_t max_bytes = MAX_REQUEST_BYTES;

	bd->nr_sectors = virtio_cfg_read64(&v->vd, CFG_CAPACITY);
	bd->block_size = BLK_SECTOR_SIZE;
	if (virtio_has_feature(&v->vd, BLK_F_BLK_SIZE)) {
		uint32_t bs = virtio_cfg_read32(&v->vd, CFG_BLK_SIZE);

		if (bs >= BLK_SECTOR_SIZE && bs <= 65536 && !(bs & (bs - 1)))
			bd->block_size = bs;
	}
	if (virtio_has_feature(&v->vd, BLK_F_SIZE_MAX)) {
		uint32_t sm = virtio_cfg_read32(&v->vd, CFG_SIZE_MAX);

		if (sm >= bd->block_size)
			max_bytes = MIN(max_bytes, sm);
	}
	bd->max_sectors = max_bytes / bd->block_size * (bd->block_size / BLK_SECTOR_SIZE);
	bd->has_flush = virtio_has_feature(&v->vd, BLK_F_FLUSH);
	bd->read_only = virtio_has_feature(&v->vd, BLK_F_RO);
	bd->ops = &vblk_ops;
	bd->priv = v;
	return bd->nr_sectors ? 0 : -ENODEV;
}

static int setup(struct vblk *v, struct pci_dev *d, int *vector, unsigned int cpu)
{
	size_t bytes;
	int err;

	err = pci_msix_map(d, &v->vd.msix);
	if (err == -ENODEV)
		log_warn(
			"%02x:%02x.%x: no MSI-X (QEMU vectors=0?): not supported, device left alone\n",
			d->bus, d->dev, d->fn);
	if (err)
		return err;
	*vector = irq_alloc_vector();
	if (*vector < 0)
		return *vector;
	err = irq_attach((unsigned int)*vector, vblk_interrupt, v, v->irq_name);
	if (!err)
		err = virtio_pci_setup_queue(&v->vd, 0, &v->q, 0, (unsigned int)*vector, cpu);
	if (err)
		return err;
	v->q.name = "virtio-blk";
	v->q.lock = &v->lock;
	v->q.event_idx = virtio_has_feature(&v->vd, VIRTIO_F_EVENT_IDX);
	v->indirect = virtio_has_feature(&v->vd, VIRTIO_F_INDIRECT_DESC);
	bytes = sizeof(struct vblk_slot) * v->q.size;
	while ((PAGE_SIZE << v->slots_order) < bytes)
		v->slots_order++;
	v->slots_pa = pmm_alloc_pages(v->slots_order);
	if (!v->slots_pa)
		return -ENOMEM;
	v->slots = phys_to_virt(v->slots_pa);
	memset(v->slots, 0, PAGE_SIZE << v->slots_order);
	pci_msix_enable(d, &v->vd.msix);
	virtio_pci_ready(&v->vd);
	return 0;
}

static int probe(struct pci_dev *d)
{
	const uint64_t wanted = (1ull << BLK_F_SIZE_MAX) | (1ull << BLK_F_SEG_MAX) |
				(1ull << BLK_F_RO) | (1ull << BLK_F_BLK_SIZE) |
				(1ull << BLK_F_FLUSH) | (1ull << VIRTIO_F_INDIRECT_DESC) |
				(1ull << VIRTIO_F_EVENT_IDX);
	/* Only an online CPU: an AP that timed out at start-up keeps its
	 * per-CPU slot, and an interrupt aimed at it would never arrive. */
	unsigned int cpu = cpu_pick_online(percpu_online_mask(), percpu_count(), nr_devices);
	struct vblk *v = kzalloc(sizeof(*v));
	int vector = -1, err;

	if (!v)
		return -ENOMEM;
	spin_init(&v->lock, "virtio_blk_q", LOCK_RANK_DRIVER);
	waitqueue_init(&v->space_wq, "virtio_blk_space");
	ksnprintf(v->irq_name, sizeof(v->irq_name), "virtio-blk");
	err = virtio_pci_init(&v->vd, d, wanted);
	if (!err && !v->vd.device_cfg)
		err = -ENODEV;
	if (!err)
		err = setup(v, d, &vector, cpu);
	if (!err)
		err = read_config(v);
	if (!err) {
		err = read_serial(v);
		if (err == -EOPNOTSUPP)
			err = 0; /* no serial: fine */
	}
	if (!err)
		err = blkdev_register(&v->bd, "vd");
	if (err) {
		/* A half-set-up device that may still DMA into v: mark it
		 * failed and leak the memory rather than free it. */
		if (v->vd.common)
			virtio_pci_fail(&v->vd);
		if (vector >= 0 && !v->q.desc_pa && irq_free((unsigned int)vector))
			log_warn("vector %#x was not allocated\n", vector);
		if (!v->q.desc_pa)
			kfree(v);
		return err;
	}
	ksnprintf(v->irq_name, sizeof(v->irq_name), "virtio-blk %s", v->bd.name);
	if (nr_devices < MAX_DISKS) {
		disks[nr_devices] = v;
		WRITE_ONCE(nr_devices, nr_devices + 1);
	} else {
		log_warn("%s: more than %u disks: no watchdog for this one\n", v->bd.name,
			 MAX_DISKS);
	}
	if (nr_devices == 1)
		start_watchdog();
	describe(v, vector, cpu);
	return 0;
}

static const struct pci_id blk_ids[] = {
	{ 0x1af4, 0x1001 }, /* transitional */
	{ 0x1af4, 0x1042 }, /* modern: 0x1040 + device id 2 */
	{ 0, 0 },
};

static const struct pci_driver blk_driver = {
	.name = "virtio-blk",
	.ids = blk_ids,
	.probe = probe,
};

void virtio_blk_register(void)
{
	if (pci_register_driver(&blk_driver))
		log_err("cannot register the driver\n");
}
