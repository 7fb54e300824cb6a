/*
 * kmain: the table of contents of the kernel. boot.S arrives here on the
 * boot CPU in 64-bit mode, on the boot stack, with interrupts off; each line
 * brings up one subsystem, in dependency order, and logs one line.
 */
#include <stdint.h>

#include "acpi/acpi.h"
#include "arch/arch.h"
#include "boot/bootinfo.h"
#include "core/log.h"
#include "drivers/block/bcache.h"
#include "drivers/fb/fbcon.h"
#include "drivers/input/ps2kbd.h"
#include "drivers/pci/pci.h"
#include "drivers/serial.h"
#include "drivers/tty/tty.h"
#include "drivers/virtio/blk.h"
#include "drivers/virtio/rng.h"
#include "fs/automount.h"
#include "fs/devfs/devfs.h"
#include "fs/initramfs.h"
#include "fs/vfs.h"
#include "irq/irq.h"
#include "lib/bootargs.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "shell/shell.h"
#include "time/ktime.h"
#include "time/time.h"

#define LOG_PREFIX "kmain: "

/* The command line without the boot parameters taken off it (root=). */
static char cmdline[BOOT_CMDLINE_MAX];
static char rootdev[16], bootarg[16];
static char initpath[128]; /* init=PATH */

void kmain(uint32_t magic, uint64_t info_phys);

void kmain(uint32_t magic, uint64_t info_phys)
{
	percpu_init_boot();		     /* CPU 0's per-CPU data: locks work */
	serial_init();			     /* early console: failures are visible */
	arch_init_cpu();		     /* GDT, TSS, IDT: exceptions reported */
	ktime_init(arch_calibrate_cycles()); /* timestamps from the TSC */
	log_info("Corvid starting (TSC %lu MHz)\n", (unsigned long)(ktime_cycles_hz() / 1000000));
	bootinfo_init(magic, info_phys); /* Multiboot2 -> struct boot_info */
	pmm_init(bootinfo());		 /* frames from the memory map (< 4 GiB) */
	vmm_init();			 /* kernel page tables, W^X, guard pages */
	pmm_init_late();		 /* frames above 4 GiB, now mapped */
	kmalloc_init();			 /* slab heap */
	fbcon_init(bootinfo());		 /* text on the framebuffer, if any */

	/* -- interrupts and time -- */
	acpi_init(bootinfo()); /* ACPI tables: MADT, HPET, MCFG, FADT */
	arch_init_irq();       /* 8259s masked, LAPIC, IOAPICs, dispatcher */
	time_init();	       /* HPET/TSC clocks, ktime, LAPIC tick, RTC */
	serial_init_irq();     /* COM1 receive interrupt via the IOAPIC */
	ps2kbd_init();	       /* i8042 keyboard on IRQ 1, if there is one */
	tty_init();	       /* the console tty the serial port and keyboard feed */
	arch_irq_enable();     /* interrupts on from here */

	/* -- tasks -- */
	sched_init();	 /* kmain becomes a task; idle task; preemption on */
	arch_smp_init(); /* start the other CPUs; each joins the scheduler */
	fbcon_start();	 /* the screen's flusher task */

	/* -- devices -- */
	bcache_init();	       /* the buffer cache block devices are read through */
	virtio_rng_register(); /* drivers first, then the bus binds them */
	virtio_blk_register(); /* each disk becomes vda, vdb, ... */
	pci_init();	       /* enumerate buses, bind drivers */

	/* -- files -- */
	strlcpy(cmdline, bootinfo()->cmdline, sizeof(cmdline));
	vfs_init();		    /* dentry cache, filesystem types, a tmpfs as "/" */
	initramfs_init(bootinfo()); /* rootfs/ from the boot module into "/" */
	if (bootargs_take(cmdline, "blk_timeout", bootarg, sizeof(bootarg)))
		blk_timeout_arg(bootarg); /* blk_timeout=SECONDS for synchronous I/O */
	if (bootargs_take(cmdline, "root", rootdev, sizeof(rootdev)))
		vfs_mount_root_dev(rootdev); /* root=vdX: that disk becomes "/" */
	devfs_init();			     /* devices at /dev (logged if it fails) */
	vfs_mount_boot();		     /* procfs on /proc, a tmpfs on /tmp */
	vfs_automount();		     /* disks with a known filesystem at /mnt/vdX */

	log_info("boot complete in %lu us\n", (unsigned long)(ktime_ns() / 1000));
	if (bootargs_take(cmdline, "init", initpath, sizeof(initpath)))
		proc_run_init(initpath, cmdline); /* init=PATH ARGS: PID 1; back if it ends */
	shell_main(cmdline);			  /* boot commands, then the prompt */
}
