# make test, make bench, make lint/format. Included by the top Makefile.
#
# `make test` runs, in order: host unit tests (sanitizers on), each fuzz
# harness for FUZZ_TEST_SECONDS (tests/fuzz/fuzz.mk), -Werror
# kernel builds in debug and release, lint (format, cppcheck, header and
# layering checks), then the QEMU scenarios and the terminal-hangup test
# (tests/qemu/hangup.py). Each step appends
# "PASS name"/"FAIL name" lines to build/test-results.txt and the run ends
# with the line "N passed, N failed".

RESULTS := build/test-results.txt
LINT_SRCS = $(shell find kernel tests/unit tests/fuzz -name '*.[ch]' | sort)
QEMU_JOBS ?= 2
# Parallel jobs for the builds make test does (CI calls plain `make test`).
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Record the outcome of one command as a PASS/FAIL line (log on failure).
# $(1) = test name, $(2) = command.
define record
	@if { $(2); } >build/$(subst /,-,$(1)).log 2>&1; then \
		echo "PASS $(1)"; echo "PASS $(1)" >>$(RESULTS); \
	else \
		echo "FAIL $(1)"; echo "FAIL $(1)" >>$(RESULTS); \
		tail -30 build/$(subst /,-,$(1)).log; \
	fi
endef

test:
	@tools/deps.sh
	@mkdir -p build && rm -f $(RESULTS)
	@echo "== user programs (the ELF test checks each against readelf)"
	$(call record,build/user,$(MAKE) -j$(TEST_JOBS) --no-print-directory $(USER_BINS))
	@echo "== host unit tests"
	@$(MAKE) -j$(TEST_JOBS) --no-print-directory unit-test RESULTS=$(RESULTS)
	@echo "== fuzz harnesses ($(FUZZ_TEST_SECONDS) s each)"
	@$(MAKE) -j$(TEST_JOBS) --no-print-directory fuzz-test RESULTS=$(RESULTS)
	@echo "== kernel builds (-Werror)"
	$(call record,build/debug,$(MAKE) -j$(TEST_JOBS) --no-print-directory BUILD=debug kernel)
	$(call record,build/release,$(MAKE) -j$(TEST_JOBS) --no-print-directory BUILD=release kernel)
	@echo "== lint"
	$(call record,lint/format,$(MAKE) --no-print-directory format-check)
	$(call record,lint/cppcheck,$(MAKE) --no-print-directory cppcheck)
	$(call record,lint/headers,tools/check-headers.sh "$(KCFLAGS)")
	$(call record,lint/layering,tools/check-layering.sh)
	@echo "== QEMU scenarios"
	@$(PYTHON) tests/qemu/run.py --jobs $(QEMU_JOBS) --results $(RESULTS) \
		--elf build/debug/corvid.elf || true
	@echo "== host: closing the terminal ends make run's QEMU"
	$(call record,host/hangup,$(PYTHON) tests/qemu/hangup.py --elf build/debug/corvid.elf)
	@tools/test-summary.sh $(RESULTS)

# Run some scenarios: make scenario S='boot_bios ktest'
scenario: kernel
	@$(PYTHON) tests/qemu/run.py --elf $(ELF) $(S)

format:
	@clang-format -i $(LINT_SRCS)

format-check:
	@clang-format --dry-run -Werror $(LINT_SRCS)

cppcheck:
	@cppcheck -q --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --suppress=missingIncludeSystem \
		--suppress=comparePointers -Ikernel \
		-D__x86_64__ -U__clang__ kernel

lint: format-check cppcheck
	@tools/check-headers.sh "$(KCFLAGS)"
	@tools/check-layering.sh

# User programs: static musl binaries that run on Linux and (later) Corvid.
USER_CC ?= musl-gcc
USER_CFLAGS ?= -static -O2 -Wall -Wextra -Werror
# Programs packed into the initramfs under /bin (the Makefile's
# USER_PROGS) come from user/*.c.
# PT_GNU_STACK with PF_X, for the executable-stack test.
build/user/execstack: USER_CFLAGS += -Wl,-z,execstack
build/user/ufiles build/user/uinfo: user/report.h
build/user/%: user/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

build/user/%: user/bench/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

# A real static PIE (ET_DYN without PT_INTERP) from the same source:
# Debian's musl-gcc wrapper links -static-pie against libc.so with an
# interpreter, so compile against musl's headers and link by hand with
# its self-relocating start file rcrt1.o and libc.a.
MUSL_LIB := /usr/lib/x86_64-linux-musl
PIE_CFLAGS := -fPIE -O2 -Wall -Wextra -Werror -nostdinc -isystem /usr/include/x86_64-linux-musl \
	-isystem $(shell gcc -print-file-name=include)
build/user/%-pie: user/%.c
	@mkdir -p $(dir $@)
	@echo "  PIE     $<"
	@gcc $(PIE_CFLAGS) -c -o $@.o $<
	@gcc -static-pie -nostdlib -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o \
		$(shell gcc -print-file-name=crtbeginS.o) $@.o $(MUSL_LIB)/libc.a \
		$(shell gcc -print-libgcc-file-name) $(shell gcc -print-file-name=crtendS.o) \
		$(MUSL_LIB)/crtn.o
	@rm -f $@.o

# usertests is several files (user/usertests/).
build/user/usertests: $(wildcard user/usertests/*.c) user/usertests/ut.h
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  user/usertests/"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $(filter %.c,$^)

# Debian's Linux for the comparison runs, fetched into build/linux/ (not
# installed); a failed fetch only skips the comparison.
LINUX_KERNEL = $(shell tools/linux-kernel.sh 2>/dev/null)

bench:
	@tools/deps.sh
	@$(MAKE) --no-print-directory BUILD=release kernel build/user/fsbench build/user/ubench
	@$(PYTHON) tools/bench.py --elf build/release/corvid.elf --fsbench build/user/fsbench \
		--ubench build/user/ubench --linux-kernel "$(LINUX_KERNEL)"

# The Linux side alone: the same benchmark program on Linux 6.1 in QEMU.
bench-linux:
	@tools/deps.sh
	@$(MAKE) --no-print-directory build/user/fsbench build/user/ubench
	@$(PYTHON) tools/bench.py --linux-only --fsbench build/user/fsbench \
		--ubench build/user/ubench --linux-kernel "$(LINUX_KERNEL)"

.PHONY: test scenario format format-check cppcheck lint bench bench-linux
