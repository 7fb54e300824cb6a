# Host unit tests. Each tests/unit/<name>_test.c becomes
# $(BUILD_DIR)/unit/<name>_test, linked with tests/unit/unit.c (the runner)
# and libkernel.a: a host build of kernel/lib/*.c and of every kernel .c that
# says "Pure: host-testable." (an archive, so a test pulls in only what it
# calls). Kernel sources get -fno-builtin and -include host_rename.h (memcpy
# becomes k_memcpy, ...) so they do not clash with glibc. Include this from the top Makefile, or run it
# standalone from the repository root:
#   make -f tests/unit/unit.mk unit-test [RESULTS=file]
# unit-test prints "PASS unit/<name>_test" or "FAIL unit/<name>_test" for each
# binary (a test that does not build is a FAIL) and appends the same line to
# $(RESULTS) if that is set. It runs every binary whatever happens; its exit
# status is nonzero if anything failed, unless RESULTS is set (then whoever
# reads RESULTS does the judging).

UNIT_MK := $(lastword $(MAKEFILE_LIST))
UNIT_SAVED_GOAL := $(.DEFAULT_GOAL)

BUILD_DIR ?= build
UNIT_HOSTCC ?= gcc
UNIT_AR ?= ar
UNIT_TIMEOUT ?= 300
UNIT_CFLAGS ?= -std=gnu17 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Ikernel \
	-Wall -Wextra -Werror

UNIT_DIR := tests/unit
UNIT_OUT := $(BUILD_DIR)/unit
# The makefile make was started with: sub-makes re-read it to check binaries.
UNIT_TOP_MK := $(firstword $(MAKEFILE_LIST))

UNIT_KSRCS ?= $(sort $(wildcard kernel/lib/*.c) \
	$(shell grep -rlF --include='*.c' 'Pure: host-testable.' kernel 2>/dev/null))
UNIT_KOBJS := $(patsubst %.c,$(UNIT_OUT)/kobj/%.o,$(UNIT_KSRCS))
UNIT_KLIB := $(UNIT_OUT)/libkernel.a
UNIT_NAMES := $(patsubst $(UNIT_DIR)/%.c,%,$(wildcard $(UNIT_DIR)/*_test.c))
UNIT_BINS := $(addprefix $(UNIT_OUT)/,$(UNIT_NAMES))
UNIT_MAIN := $(UNIT_OUT)/unit.o

.PHONY: unit-test unit-build unit-clean

unit-build: $(UNIT_BINS)
	@:

# Build what builds (-k), then run each binary whose build is up to date.
unit-test:
	@$(MAKE) -f $(UNIT_TOP_MK) --no-print-directory -k unit-build || true
	@fail=0; \
	for t in $(UNIT_NAMES); do \
		bin=$(UNIT_OUT)/$$t; log=$(UNIT_OUT)/$$t.log; rm -f $$log; \
		if ! $(MAKE) -f $(UNIT_TOP_MK) --no-print-directory -q $$bin \
				>/dev/null 2>&1; then \
			echo "unit/$$t: build failed" >$$log; r=FAIL; \
		elif timeout -k 5 $(UNIT_TIMEOUT) $$bin >$$log 2>&1; then \
			r=PASS; \
		else \
			r=FAIL; \
		fi; \
		if [ $$r = FAIL ]; then fail=1; cat $$log; fi; \
		echo "$$r unit/$$t"; \
		if [ -n "$(RESULTS)" ]; then echo "$$r unit/$$t" >>"$(RESULTS)"; fi; \
	done; \
	if [ -z "$(RESULTS)" ]; then exit $$fail; fi

$(UNIT_KOBJS): $(UNIT_OUT)/kobj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	@$(UNIT_HOSTCC) $(UNIT_CFLAGS) -fno-builtin \
		-include $(UNIT_DIR)/host_rename.h -MMD -MP -c $< -o $@

# P: members keep their paths, so lib/x.c and fs/x.c do not replace each other.
$(UNIT_KLIB): $(UNIT_KOBJS)
	@echo "  AR      $@"
	@rm -f $@
	@$(UNIT_AR) rcsP $@ $^

$(UNIT_MAIN) $(UNIT_BINS:=.o): $(UNIT_OUT)/%.o: $(UNIT_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	@$(UNIT_HOSTCC) $(UNIT_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_BINS): %: %.o $(UNIT_MAIN) $(UNIT_KLIB)
	@echo "  HOSTLD  $@"
	@$(UNIT_HOSTCC) $(UNIT_CFLAGS) -o $@ $^ -lm

unit-clean:
	rm -rf $(UNIT_OUT)

-include $(UNIT_KOBJS:.o=.d) $(UNIT_MAIN:.o=.d) $(UNIT_BINS:=.d)

# Standalone, run the tests by default; included, leave the including
# Makefile's default goal alone.
ifeq ($(UNIT_TOP_MK),$(UNIT_MK))
.DEFAULT_GOAL := unit-test
else
.DEFAULT_GOAL := $(UNIT_SAVED_GOAL)
endif
