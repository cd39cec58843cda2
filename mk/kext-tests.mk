# kext-tests.mk — test kexts for the kext system's tests (tests/kext).
#
# tests/kext/objs/*.c are small kexts (kmod_info, start/stop, a library and
# its client, classes, failing start/stop, leaks). Each is compiled in the
# kext environment (SDK headers only, freestanding, no common symbols, no red
# zone, no FP registers) and partially linked with `ld -r`, as kextbuild does;
# the tests assemble bundles around them in a temporary folder and find them
# through -DKEXT_OBJ_DIR.

KEXT_TEST_OBJ_DIR := $(BUILD)/tests/kext/objs
KEXT_TEST_CFLAGS := -nostdinc -isystem sdk/Kernel -ffreestanding -fno-builtin -fno-common -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -DKERNEL -Wall -Werror -O2 -fPIE
KEXT_TEST_OBJS := $(patsubst tests/kext/objs/%.c,$(KEXT_TEST_OBJ_DIR)/%.o,$(wildcard tests/kext/objs/*.c))

$(KEXT_TEST_OBJ_DIR)/%.o: tests/kext/objs/%.c mk/kext-tests.mk
	@mkdir -p $(dir $@)
	@echo "  KEXTOBJ $@"
	$(Q)gcc $(KEXT_TEST_CFLAGS) -c $< -o $@.tmp.o
	$(Q)ld -r --build-id -o $@ $@.tmp.o && rm -f $@.tmp.o

$(O)/tests/kext/%.o: KERNEL_CPPFLAGS += -DKEXT_OBJ_DIR='"$(abspath $(KEXT_TEST_OBJ_DIR))"'
$(O)/tests/fuzz/fuzz_kext_plist.o: KERNEL_CPPFLAGS += -DKEXT_OBJ_DIR='"$(abspath $(KEXT_TEST_OBJ_DIR))"'

# The test programs read the objects at run time: build them first (order-only).
$(filter $(BUILD)/tests/kext/%,$(TEST_BINS)): | $(KEXT_TEST_OBJS)
kext-test-objs: $(KEXT_TEST_OBJS)
.PHONY: kext-test-objs

# Host-side helpers of the tests/kext programs (remove a scratch tree, chown, chmod, symlink).
$(O)/tests/kext/kt_host.o: tests/kext/kt_host.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -MD -MP -c $< -o $@
$(filter $(BUILD)/tests/kext/%,$(TEST_BINS)): $(O)/tests/kext/kt_host.o
$(O)/tests/kext/%.o: KERNEL_CPPFLAGS += -DKEXT_TEST_TMP='"$(abspath $(BUILD))/tests/kext/tmp"'

# The kext-system benchmark reads the bench kext at run time.
$(O)/bench/k_oskext.o: KERNEL_CPPFLAGS += -DKEXT_OBJ_DIR='"$(abspath $(KEXT_TEST_OBJ_DIR))"'
$(BENCH_BIN): | $(KEXT_TEST_OBJS)
