# libFuzzer harnesses. Each tests/fuzz/<name>_fuzz.c defines
# LLVMFuzzerTestOneInput() and becomes $(BUILD_DIR)/fuzz/<name>_fuzz, linked
# against libkernel-fuzz.a: a clang build (coverage, ASan, UBSan) of the same
# host-testable kernel sources the unit tests use (kernel/lib/*.c and every
# file saying "Pure: host-testable.", with -include host_rename.h). A new
# harness is picked up by the wildcard; its seeds go in tests/fuzz/corpus/<name>/.
# Targets:
#   make fuzz [FUZZ_SECONDS=60] [FUZZ=name...]  run each harness that long
#                                                (FUZZ_JOBS at a time)
#   make fuzz-test [RESULTS=file]                run each FUZZ_TEST_SECONDS,
#                                                print/append PASS/FAIL fuzz/<name>
#   make fuzz-build                              build the harnesses only
# Inputs the fuzzer finds go to build/fuzz/corpus/<name>/ and crash or
# timeout artifacts to build/fuzz/artifacts/<name>/, never into the source
# tree. doc/fuzzing.md says how to replay one and turn it into a unit test.

BUILD_DIR ?= build
FUZZ_CC ?= clang
FUZZ_AR ?= ar
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 2
# Harnesses run at once (make fuzz, make fuzz-test).
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Per-input limits: an input slower than this is a hang, not a test.
FUZZ_TIMEOUT ?= 10
FUZZ_RSS_MB ?= 1024
FUZZ_FLAGS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS ?= -std=gnu17 -g -O1 -fno-omit-frame-pointer -Ikernel \
	-Wall -Wextra -Werror -Wno-unused-parameter

FUZZ_DIR := tests/fuzz
FUZZ_OUT := $(BUILD_DIR)/fuzz
FUZZ_ALL := $(patsubst $(FUZZ_DIR)/%_fuzz.c,%,$(wildcard $(FUZZ_DIR)/*_fuzz.c))
# `make fuzz FUZZ=acpi` runs a subset.
FUZZ ?= $(FUZZ_ALL)
FUZZ_KSRCS := $(sort $(wildcard kernel/lib/*.c) \
	$(shell grep -rlF --include='*.c' 'Pure: host-testable.' kernel 2>/dev/null))
FUZZ_KOBJS := $(patsubst %.c,$(FUZZ_OUT)/kobj/%.o,$(FUZZ_KSRCS))
FUZZ_KLIB := $(FUZZ_OUT)/libkernel-fuzz.a
FUZZ_BINS := $(addprefix $(FUZZ_OUT)/,$(addsuffix _fuzz,$(FUZZ_ALL)))

.PHONY: fuzz fuzz-test fuzz-build fuzz-clean

fuzz-build: $(FUZZ_BINS)
	@:

# Run the harnesses named in $(FUZZ) for $(1) seconds each, FUZZ_JOBS at
# a time (tests/fuzz/run-one.sh); $(2) nonempty means "report PASS/FAIL
# lines" (to stdout and $(RESULTS) if set) and keep going, otherwise stop at
# the first failure. A harness counts as built only if make says it is up
# to date after the -k build.
define fuzz_run
	@$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory -k \
		$(addprefix $(FUZZ_OUT)/,$(addsuffix _fuzz,$(FUZZ))) || true
	@for n in $(FUZZ); do \
		rm -f $(FUZZ_OUT)/$$n.built $(FUZZ_OUT)/$$n.verdict; \
		if [ -x $(FUZZ_OUT)/$${n}_fuzz ] && $(MAKE) -f $(firstword $(MAKEFILE_LIST)) \
				--no-print-directory -q $(FUZZ_OUT)/$${n}_fuzz >/dev/null 2>&1; then \
			: >$(FUZZ_OUT)/$$n.built; \
		fi; \
	done
	@printf '%s\n' $(FUZZ) | xargs -P $(FUZZ_JOBS) -n 1 tests/fuzz/run-one.sh \
		$(FUZZ_OUT) $(1) $(FUZZ_TIMEOUT) $(FUZZ_RSS_MB) "$(FUZZ_FLAGS)"
	@fail=0; \
	for n in $(FUZZ); do \
		log=$(FUZZ_OUT)/$$n.log; r=$$(cat $(FUZZ_OUT)/$$n.verdict 2>/dev/null || echo FAIL); \
		if [ $$r = FAIL ]; then fail=1; tail -40 $$log; fi; \
		if [ -n "$(2)" ]; then \
			echo "$$r fuzz/$$n"; \
			if [ -n "$(RESULTS)" ]; then echo "$$r fuzz/$$n" >>"$(RESULTS)"; fi; \
		else \
			echo "$$r fuzz/$$n ($(1) s; log $$log)"; \
			[ $$r = PASS ] || exit 1; \
		fi; \
	done; \
	if [ -z "$(RESULTS)" ]; then exit $$fail; fi
endef

fuzz:
	$(call fuzz_run,$(FUZZ_SECONDS),)

fuzz-test:
	$(call fuzz_run,$(FUZZ_TEST_SECONDS),report)

# Kernel sources: coverage for the fuzzer, no main() (libFuzzer has it).
$(FUZZ_KOBJS): $(FUZZ_OUT)/kobj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -fno-builtin \
		-include tests/unit/host_rename.h -MMD -MP -c $< -o $@

$(FUZZ_KLIB): $(FUZZ_KOBJS)
	@echo "  AR      $@"
	@rm -f $@
	@$(FUZZ_AR) rcsP $@ $^

$(FUZZ_OUT)/%_fuzz.o: $(FUZZ_DIR)/%_fuzz.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c $< -o $@

$(FUZZ_BINS): %: %.o $(FUZZ_KLIB)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^

fuzz-clean:
	rm -rf $(FUZZ_OUT)

-include $(FUZZ_KOBJS:.o=.d) $(FUZZ_BINS:=.d)
