# Corvid build. `make run` boots the kernel in QEMU; `make test` runs every
# test tier; `make help` lists the targets and variables.

BUILD ?= debug
UEFI ?= on
GRAPHICS ?= off
SMP ?= 4
MEM ?= 2G
ACCEL ?= auto
MACHINE ?= q35
CMDLINE ?= init=/bin/init
HZ ?= 1000
RUN_QEMU_GDB ?= no
WERROR ?= 1
VIRTIO ?= on
SCRATCH := build/scratch.img
EXT2_IMG := build/ext2.img
DISK ?= $(EXT2_IMG)
DISK_MB ?= 64
# The FAT image `make run` attaches (mformat + mcopy of the fixture tree,
# tools/mkfatimg.py); the kernel mounts it at /mnt/vdX.
FAT_IMG := build/fat.img
DISKS ?= $(FAT_IMG)

ifeq ($(filter $(BUILD),debug release),)
$(error BUILD must be debug or release)
endif

B := build/$(BUILD)
ELF := $(B)/corvid.elf
INITRD := $(B)/initramfs.cpio
CC := gcc
PYTHON := python3

KSRC := $(shell find kernel -name '*.c' -o -name '*.S' | sort)
KOBJ := $(patsubst kernel/%,$(B)/obj/%.o,$(KSRC))

# Largest stack frame any kernel function may have, in bytes: task stacks
# are 16 KiB and interrupts run on them (doc/mm.md, "Kernel stacks").
FRAME_LIMIT := 1024

KCFLAGS := -std=gnu17 -ffreestanding -nostdlib -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -fno-pie -fno-pic -fno-omit-frame-pointer \
	-mno-omit-leaf-frame-pointer -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-common -g \
	-Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wframe-larger-than=$(FRAME_LIMIT) -Ikernel -MMD -MP -DCONFIG_HZ=$(HZ)
ifeq ($(BUILD),debug)
KCFLAGS += -Og -DCONFIG_DEBUG=1
else
KCFLAGS += -O2 -DNDEBUG
endif
ifeq ($(WERROR),1)
KCFLAGS += -Werror
endif
KASFLAGS := -Ikernel -D__ASSEMBLER__ -MMD -MP -g
KLDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	-T kernel/arch/x86_64/kernel.ld

export BUILD UEFI GRAPHICS SMP MEM ACCEL MACHINE RUN_QEMU_GDB VIRTIO DISK DISKS

.PHONY: all kernel initramfs iso run run-debug gdb test bench deps clean format lint \
	unit-test kernel-all help
all: kernel

deps:
	@tools/deps.sh

# Tool check runs once per make invocation for the targets that need tools.
$(B)/.deps-ok: tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(B) && touch $@

kernel: $(ELF) $(INITRD)

# CONFIG_HZ (the tick rate, `make HZ=250`) is compiled in: a stamp named
# after it makes every object rebuild when it changes.
$(B)/.hz-$(HZ):
	@mkdir -p $(B) && rm -f $(B)/.hz-* && touch $@
$(KOBJ): $(B)/.hz-$(HZ)

$(B)/obj/%.c.o: kernel/%.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(B)/obj/%.S.o: kernel/%.S | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# The framebuffer console's font comes from Debian's console-setup-linux package.
FONT_SRC := /usr/share/consolefonts/Lat15-Terminus16.psf.gz
$(B)/font.psf: | $(B)/.deps-ok
	@mkdir -p $(B)
	@zcat $(FONT_SRC) > $@
$(B)/obj/drivers/fb/font.S.o: $(B)/font.psf
$(B)/obj/drivers/fb/font.S.o: KASFLAGS += -DFONT_PSF='"$(B)/font.psf"'

# Two-pass link: the first pass has an empty symbol table; its symbols are
# embedded in the second (the table sits after all text, so no function
# moves). tools/gen-ksyms.py documents the format.
$(B)/ksyms0.S: tools/gen-ksyms.py
	@mkdir -p $(B)
	@$(PYTHON) tools/gen-ksyms.py > $@

$(B)/corvid0.elf: $(KOBJ) $(B)/ksyms0.S.o kernel/arch/x86_64/kernel.ld
	@$(CC) $(KLDFLAGS) -o $@ $(KOBJ) $(B)/ksyms0.S.o

$(B)/ksyms.S: $(B)/corvid0.elf tools/gen-ksyms.py
	@$(PYTHON) tools/gen-ksyms.py $< > $@

$(B)/%.S.o: $(B)/%.S
	@$(CC) $(KASFLAGS) -c $< -o $@

$(ELF): $(B)/corvid0.elf $(B)/ksyms.S.o
	@echo "  LD      $@"
	@$(CC) $(KLDFLAGS) -o $@ $(KOBJ) $(B)/ksyms.S.o
	@tools/check-ksyms.sh $(B)/corvid0.elf $@

# The initramfs: rootfs/ plus the user programs under /bin and Debian's
# busybox-static with its applet links (tools/busybox-install.sh), packed as
# newc cpio, a GRUB module beside the kernel. Rebuilt when any file under
# rootfs/, a program or busybox changes (tests/tests.mk builds the programs
# from user/).
ROOTFS_FILES := $(shell find rootfs 2>/dev/null)
BUSYBOX := /bin/busybox
USER_PROGS := hello segv ucheck storm init primes usertests ubench
USER_PROGS += mmcheck execstack # memory calls and PT_GNU_STACK (tests/qemu/test_proc_mm.py)
USER_PROGS += proctest # the process model's differential test (tests/qemu/test_proc.py)
USER_PROGS += ufiles uinfo # the file, time and info differential tests (tests/qemu/test_syscalls.py)
USER_PROGS += ucheck-pie # ucheck as a static PIE (ET_DYN at 0x555555554000; test_user.py)
USER_PROGS += sigtest # the signals differential test (tests/qemu/test_signal.py)
USER_PROGS += pipetest # pipes, FIFOs, poll and select (tests/qemu/test_pipe.py)
USER_PROGS += ttytest # the terminal differential test (tests/qemu/test_tty.py)
USER_PROGS += threadtest # threads, futexes, robust mutexes (tests/qemu/test_thread.py)
USER_PROGS += affinity # sched_setaffinity, differentially (tests/qemu/test_affinity.py)
USER_PROGS += procself # /proc/PID's fd, maps, environ, ..., differentially (test_procfs.py)
USER_BINS := $(addprefix build/user/,$(USER_PROGS))
$(INITRD): $(ROOTFS_FILES) $(USER_BINS) tools/mkinitramfs.sh tools/busybox-install.sh \
		$(wildcard $(BUSYBOX)) | $(B)/.deps-ok
	@echo "  CPIO    $@"
	@rm -rf $(B)/initramfs-root && cp -a rootfs $(B)/initramfs-root
	@mkdir -p $(B)/initramfs-root/bin && cp $(USER_BINS) $(B)/initramfs-root/bin/
	@tools/busybox-install.sh $(BUSYBOX) $(B)/initramfs-root
	@tools/mkinitramfs.sh $(B)/initramfs-root $@

initramfs: $(INITRD)

iso: $(ELF) $(INITRD)
	@tools/mkiso.sh $(ELF) $(B) "$(CMDLINE)" $(INITRD)

# The scratch disk `make run` attaches as vdb: sparse, zeroed, kept
# between runs (delete it, or `make clean`, for a fresh one).
$(SCRATCH):
	@mkdir -p $(dir $@)
	@truncate -s $(DISK_MB)M $@

$(FAT_IMG): tools/mkfatimg.py
	@echo "  FATIMG  $@"
	@$(PYTHON) tools/mkfatimg.py $@

# The ext2 disk `make run` attaches as vdb by default: made by the host's
# mke2fs from rootfs/ (no root, no loop mounts) when missing, then kept, so
# what the kernel writes survives (delete it, or `make clean`, for a fresh
# one). The kernel mounts it at /mnt/vdb; CMDLINE=root=vdb makes it /.
$(EXT2_IMG): | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  MKE2FS  $@"
	@PATH=$$PATH:/sbin:/usr/sbin mke2fs -q -F -t ext2 -d rootfs $@ $(DISK_MB)M

DISK_DEP = $(filter $(SCRATCH) $(EXT2_IMG),$(DISK)) $(filter $(FAT_IMG),$(DISKS))

run: $(ELF) $(INITRD) $(DISK_DEP)
	@ISO=$$(tools/mkiso.sh $(ELF) $(B) "$(CMDLINE)" $(INITRD)) && ISO=$$ISO tools/qemu.sh

run-debug: $(ELF) $(INITRD) $(DISK_DEP)
	@echo "QEMU is waiting for GDB on localhost:1234: run 'make gdb' in another terminal"
	@ISO=$$(tools/mkiso.sh $(ELF) $(B) "$(CMDLINE)" $(INITRD)) && ISO=$$ISO GDB=wait tools/qemu.sh

gdb: $(ELF)
	gdb -q -x tools/gdbinit $(ELF)

clean:
	rm -rf build

-include $(KOBJ:.o=.d)
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/tests.mk

help:
	@echo "Targets: run run-debug gdb test bench bench-linux fuzz fuzz-test unit-test scenario S='names'"
	@echo "         iso kernel format lint deps clean help"
	@echo "Variables (now): BUILD=$(BUILD) UEFI=$(UEFI) GRAPHICS=$(GRAPHICS) SMP=$(SMP) MEM=$(MEM)"
	@echo "  ACCEL=$(ACCEL) MACHINE=$(MACHINE) VIRTIO=$(VIRTIO) DISK=$(DISK) DISK_MB=$(DISK_MB)"
	@echo "  DISKS='$(DISKS)'"
	@echo "  HZ=$(HZ) CMDLINE='$(CMDLINE)' RUN_QEMU_GDB=$(RUN_QEMU_GDB) WERROR=$(WERROR)"
	@echo "README.md explains each of them."
