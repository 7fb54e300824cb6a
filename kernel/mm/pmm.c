/*
 * Physical page allocator glue: builds the list of allocatable frames from
 * the boot memory map (usable regions minus every reservation, computed by
 * mm/memrange.c), places the buddy core's per-frame state map in the first
 * free space below 4 GiB, and wraps the core in a lock. Memory above 4 GiB
 * joins only after vmm_init() has mapped it (pmm_init_late()).
 * Locking: pmm_lock (an IRQ-safe spinlock, LOCK_RANK_MM + 3),
 * a leaf lock: nothing else is taken while holding it. The per-frame
 * reference counts (frame_refs) are atomics outside the lock: a count is
 * set to 1 when its block is allocated and to 0 when it is freed, and
 * only holders of a reference change it in between (pmm.h).
 */
#include "mm/pmm.h"

#include "boot/multiboot2.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/atomic.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/memrange.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "pmm: "

#define LOW_RESERVE (1ull << 20)     /* first MiB: BIOS data, real-mode vectors */
#define BOOT_MAPPED_END (4ull << 30) /* what the boot page tables map */
#define MAX_RANGES (BOOT_MMAP_MAX + BOOT_MODULES_MAX + 4)
#define MAX_SEGMENTS (2 * MAX_RANGES + 1)

enum { RANGE_RESERVED = 0, RANGE_FREE = 1 };

extern char __kernel_phys_start[], __kernel_end[];

/* Protected by pmm_lock: */
static struct buddy buddy;

/* Immutable after init (deferred_* until pmm_init_late): */
static struct pmm_stats boot_stats;
static struct memrange deferred[MAX_SEGMENTS];
static int nr_deferred;

/* Atomic (see the file comment); the array is immutable after init: */
static uint32_t *frame_refs; /* one per frame number below nr_frames */
static uint64_t nr_frames;

/* Init-time scratch. */
static struct memrange ranges[MAX_RANGES];
static struct memrange segments[MAX_SEGMENTS];

static struct spinlock pmm_spin = SPINLOCK_INIT("pmm", LOCK_RANK_MM + 3);

static inline unsigned long pmm_lock(void)
{
	return spin_lock_irqsave(&pmm_spin);
}

static inline void pmm_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&pmm_spin, flags);
}

static size_t add_range(size_t n, uint64_t start, uint64_t end, unsigned int type)
{
	if (n == MAX_RANGES)
		panic("pmm: more than %d memory ranges", MAX_RANGES);
	if (type == RANGE_FREE) { /* whole frames only */
		start = ALIGN_UP(start, PAGE_SIZE);
		end = ALIGN_DOWN(end, PAGE_SIZE);
	} else {
		start = ALIGN_DOWN(start, PAGE_SIZE);
		end = ALIGN_UP(end, PAGE_SIZE);
	}
	ranges[n] = (struct memrange){ start, end, type };
	return n + 1;
}

/* Usable regions first, then everything that must not be handed out
 * (later ranges win when painted). Returns the count; sets *top. */
static size_t collect_ranges(const struct boot_info *bi, uint64_t *top)
{
	paddr_t kstart = (paddr_t)(uintptr_t)__kernel_phys_start;
	paddr_t kend = kernel_virt_to_phys(__kernel_end);
	size_t n = 0;

	*top = 0;
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mem_region *r = &bi->mmap[i];

		if (r->type != BOOT_MEM_USABLE || r->base + r->length < r->base)
			continue;
		n = add_range(n, r->base, r->base + r->length, RANGE_FREE);
		*top = MAX(*top, ALIGN_DOWN(r->base + r->length, PAGE_SIZE));
		boot_stats.usable_bytes += r->length;
	}
	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type != BOOT_MEM_USABLE)
			n = add_range(n, bi->mmap[i].base, bi->mmap[i].base + bi->mmap[i].length,
				      RANGE_RESERVED);
	n = add_range(n, 0, LOW_RESERVE, RANGE_RESERVED);
	n = add_range(n, kstart, kend, RANGE_RESERVED);
	boot_stats.image_bytes = kend - kstart;
	n = add_range(n, bi->info_phys, bi->info_phys + bi->info_size, RANGE_RESERVED);
	boot_stats.boot_bytes = ALIGN_UP(bi->info_size, PAGE_SIZE);
	for (size_t i = 0; i < bi->module_count; i++) {
		n = add_range(n, bi->modules[i].start, bi->modules[i].end, RANGE_RESERVED);
		boot_stats.boot_bytes +=
			ALIGN_UP(bi->modules[i].end - bi->modules[i].start, PAGE_SIZE);
	}
	return n;
}

/* Carve @bytes for the state map from the first free segment below the
 * boot mapping that can hold it. Returns its physical address. */
static paddr_t carve_state_map(int nseg, uint64_t bytes)
{
	uint64_t need = ALIGN_UP(bytes, PAGE_SIZE);

	for (int i = 0; i < nseg; i++) {
		struct memrange *s = &segments[i];

		if (s->type != RANGE_FREE || s->end - s->start < need ||
		    s->start + need > BOOT_MAPPED_END)
			continue;
		s->start += need;
		boot_stats.map_bytes += need;
		return s->start - need;
	}
	panic("pmm: no room for the %lu KiB frame map below 4 GiB", (unsigned long)(need >> 10));
}

/*
 * Zero the free frames in the top SCRUB_BYTES of low RAM before they are
 * handed out. The boot loader ran code there (GRUB loads its modules at
 * the top of memory), and under QEMU's TCG a page that still holds
 * translated code makes every later store to it take the slow
 * self-modifying-code path (measured: 225 ns per store instead of 1.4 ns)
 * until every byte of that code has been overwritten once. Zeroing the
 * whole page is the one cheap way to evict it. Costs ~ms at boot.
 */
#define SCRUB_BYTES (4ull << 20)

static void scrub_loader_pages(uint64_t start, uint64_t end, uint64_t low_top)
{
	uint64_t from = low_top > SCRUB_BYTES ? low_top - SCRUB_BYTES : 0;

	start = MAX(start, from);
	if (end > start)
		memset(phys_to_virt(start), 0, end - start);
}

/* Give [start, end) to the buddy core. */
static void add_free(uint64_t start, uint64_t end)
{
	if (end <= start)
		return;
	if (buddy_add_range(&buddy, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT))
		panic("pmm: cannot add %#lx-%#lx", (unsigned long)start, (unsigned long)end);
}

/* End of the highest free segment below 4 GiB. */
static uint64_t low_ram_top(int nseg)
{
	uint64_t top = 0;

	for (int i = 0; i < nseg; i++)
		if (segments[i].type == RANGE_FREE && segments[i].start < BOOT_MAPPED_END)
			top = MAX(top, MIN(segments[i].end, BOOT_MAPPED_END));
	return top;
}

void pmm_init(const struct boot_info *bi)
{
	uint64_t top, nr_pfns, links_off;
	size_t nranges = collect_ranges(bi, &top);
	paddr_t map;
	int nseg;

	nseg = memrange_paint(ranges, nranges, 0, top, RANGE_RESERVED, segments, MAX_SEGMENTS);
	if (nseg < 0 || top == 0)
		panic("pmm: no usable memory in the boot memory map");
	nr_pfns = top >> PAGE_SHIFT;
	links_off = ALIGN_UP(nr_pfns, sizeof(struct buddy_link));
	map = carve_state_map(nseg, links_off + buddy_top_links_count(nr_pfns) *
							sizeof(struct buddy_link));
	if (buddy_init(&buddy, 0, nr_pfns, phys_to_virt(map), phys_to_virt(map + links_off),
		       phys_to_virt(0), PAGE_SIZE))
		panic("pmm: buddy_init failed");
	/* One 32-bit count per frame: 0.1% of memory, and a count that no
	 * number of sharers (fork bombs included) can overflow. */
	map = carve_state_map(nseg, nr_pfns * sizeof(*frame_refs));
	frame_refs = phys_to_virt(map);
	nr_frames = nr_pfns;
	memset(frame_refs, 0, nr_pfns * sizeof(*frame_refs));
	for (int i = 0; i < nseg; i++) {
		struct memrange s = segments[i];

		if (s.type != RANGE_FREE)
			continue;
		scrub_loader_pages(s.start, MIN(s.end, BOOT_MAPPED_END), low_ram_top(nseg));
		add_free(s.start, MIN(s.end, BOOT_MAPPED_END));
		if (s.end > BOOT_MAPPED_END) {
			s.start = MAX(s.start, BOOT_MAPPED_END);
			deferred[nr_deferred++] = s;
			boot_stats.deferred_pages += (s.end - s.start) >> PAGE_SHIFT;
		}
	}
	log_info("%lu MiB managed, %lu MiB above 4 GiB deferred, frame map %lu KiB at %#lx\n",
		 (unsigned long)(buddy.total_pages >> (20 - PAGE_SHIFT)),
		 (unsigned long)(boot_stats.deferred_pages >> (20 - PAGE_SHIFT)),
		 (unsigned long)(boot_stats.map_bytes >> 10), (unsigned long)map);
}

void pmm_init_late(void)
{
	unsigned long flags = pmm_lock();

	for (int i = 0; i < nr_deferred; i++)
		add_free(deferred[i].start, deferred[i].end);
	pmm_unlock(flags);
	if (nr_deferred)
		log_info("added %lu MiB above 4 GiB\n",
			 (unsigned long)(boot_stats.deferred_pages >> (20 - PAGE_SHIFT)));
	nr_deferred = 0;
	boot_stats.deferred_pages = 0;
}

paddr_t pmm_alloc_pages(unsigned int order)
{
	unsigned long flags = pmm_lock();
	uint64_t pfn;
	int err = buddy_alloc(&buddy, order, &pfn);

	pmm_unlock(flags);
	if (err)
		return 0;
	atomic_store_release(&frame_refs[pfn], 1);
	return pfn << PAGE_SHIFT;
}

paddr_t pmm_alloc_zeroed_page(void)
{
	paddr_t pa = pmm_alloc_page();

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void pmm_free_pages(paddr_t pa, unsigned int order)
{
	enum buddy_bad_free why = BUDDY_BAD_ALIGN;
	unsigned long flags = pmm_lock();

	if (IS_ALIGNED(pa, PAGE_SIZE))
		why = buddy_check_free(&buddy, pa >> PAGE_SHIFT, order);
	if (why == BUDDY_FREE_OK && buddy_free(&buddy, pa >> PAGE_SHIFT, order) == 0) {
		atomic_store_release(&frame_refs[pa >> PAGE_SHIFT], 0);
		pmm_unlock(flags);
		return;
	}
	pmm_unlock(flags);
	mm_report("pmm: bad free of %#lx order %u: %s", (unsigned long)pa, order,
		  buddy_bad_free_name(why));
}

int pmm_allocated_order(paddr_t pa)
{
	unsigned long flags = pmm_lock();
	int order = buddy_allocated_order(&buddy, pa >> PAGE_SHIFT);

	pmm_unlock(flags);
	return IS_ALIGNED(pa, PAGE_SIZE) ? order : -1;
}

void pmm_get_stats(struct pmm_stats *st)
{
	unsigned long flags = pmm_lock();

	*st = boot_stats;
	st->total_pages = buddy.total_pages;
	st->free_pages = buddy.free_pages;
	for (unsigned int o = 0; o < BUDDY_NR_ORDERS; o++)
		st->free_blocks[o] = buddy.nr_free[o];
	pmm_unlock(flags);
}

/* The count of the allocated frame @pa; panics on a frame pmm does not
 * manage (a broken caller: only frames from pmm_alloc_* have counts). */
static uint32_t *refs_of(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	if (pfn >= nr_frames || !atomic_load_acquire(&frame_refs[pfn]))
		panic("pmm: reference to frame %#lx, which is not allocated", (unsigned long)pa);
	return &frame_refs[pfn];
}

void pmm_page_get(paddr_t pa)
{
	atomic_fetch_add(refs_of(pa), 1);
}

unsigned int pmm_page_unref(paddr_t pa)
{
	return atomic_fetch_add(refs_of(pa), (uint32_t)-1) - 1;
}

void pmm_page_put(paddr_t pa)
{
	if (pmm_page_unref(pa) == 0)
		pmm_free_page(pa);
}

unsigned int pmm_page_refs(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	return pfn < nr_frames ? atomic_load_acquire(&frame_refs[pfn]) : 0;
}
