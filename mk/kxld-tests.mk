# kxld-tests.mk — test objects for the kext linker (included by the Makefile).
#
# tests/kxld/objs/*.c are kexts in miniature. Each is compiled in the kext
# environment (only the SDK headers, freestanding, no common symbols, no red
# zone, no FP registers) and partially linked with `ld -r`, as kextbuild
# does. basic.c is built with every compiler x flag set in KXLD_VARIANTS so
# the tests see every relocation gcc and clang emit; the others are built
# once for the diagnostics tests. The bench also gets the small and the
# generated 2,000-function object, and the same code as shared objects for
# the dlopen baseline. The tests find the objects through -DKXLD_OBJ_DIR.

KXLD_OBJ_DIR := $(BUILD)/tests/kxld/objs
KXLD_OBJ_CFLAGS := -nostdinc -isystem sdk/Kernel -ffreestanding -fno-builtin -fno-common -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -DKERNEL -Wall -Wno-unused-function

# variant name: <compiler>-<flag set>; flags per flag set:
KXLD_FLAGS_O0 := -O0 -fPIE
KXLD_FLAGS_O2 := -O2 -fPIE
KXLD_FLAGS_O3pic := -O3 -fPIC
KXLD_FLAGS_nopic := -O2 -fno-pic
KXLD_FLAGS_kernel := -O2 -fno-pic -mcmodel=kernel
KXLD_FLAGS_noplt := -O2 -fPIC -fno-plt
KXLD_FLAGS_g := -O0 -g -fPIE
KXLD_FLAGS_sections := -O2 -fPIE -ffunction-sections -fdata-sections
KXLD_FLAGS_large := -O2 -fPIC -mcmodel=large
KXLD_FLAGS_medium := -O2 -fPIC -mcmodel=medium
KXLD_FLAGS_Os := -Os -fPIE -g
KXLD_FLAGS_norelax := -O2 -fPIC -Wa,-mrelax-relocations=no
KXLD_SETS := O0 O2 O3pic nopic kernel noplt g sections large medium Os norelax
KXLD_VARIANTS := $(foreach c,gcc clang,$(foreach s,$(KXLD_SETS),$(c)-$(s)))

KXLD_BASIC_OBJS := $(KXLD_VARIANTS:%=$(KXLD_OBJ_DIR)/basic-%.o)
KXLD_ONE_OBJS := $(addprefix $(KXLD_OBJ_DIR)/,unresolved.o common.o tls.o weak.o weak-tested.o alloc.o meta.o \
	dup.o small.o large.o relocs.o client.o client-hidden.o comdat.o large-g.o)
KXLD_SO := $(KXLD_OBJ_DIR)/small.so $(KXLD_OBJ_DIR)/large.so
KXLD_ALL_OBJS := $(KXLD_BASIC_OBJS) $(KXLD_ONE_OBJS) $(KXLD_SO)

kxld_cc = $(firstword $(subst -, ,$(1)))
kxld_set = $(word 2,$(subst -, ,$(1)))

# Variants without -g also get a build-id note (as kextbuild's objects do), the others use the hash UUID.
$(KXLD_OBJ_DIR)/basic-%.o: tests/kxld/objs/basic.c mk/kxld-tests.mk
	@mkdir -p $(dir $@)
	@echo "  KXLDOBJ $@"
	$(Q)$(call kxld_cc,$*) $(KXLD_OBJ_CFLAGS) $(KXLD_FLAGS_$(call kxld_set,$*)) -c $< -o $@.tmp.o
	$(Q)ld -r $(if $(filter g Os,$(call kxld_set,$*)),,--build-id) -o $@ $@.tmp.o && rm -f $@.tmp.o

$(KXLD_OBJ_DIR)/common.o: KXLD_EXTRA := -fcommon
$(KXLD_OBJ_DIR)/weak-tested.o: KXLD_EXTRA := -DTEST_FOR_WEAK
$(KXLD_OBJ_DIR)/client-hidden.o: KXLD_EXTRA := -DCLIENT_USES_HIDDEN
$(KXLD_OBJ_DIR)/weak-tested.o: tests/kxld/objs/weak.c mk/kxld-tests.mk
$(KXLD_OBJ_DIR)/client-hidden.o: tests/kxld/objs/client.c mk/kxld-tests.mk
$(KXLD_OBJ_DIR)/weak-tested.o $(KXLD_OBJ_DIR)/client-hidden.o:
	@mkdir -p $(dir $@)
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -fPIE $(KXLD_EXTRA) -c $< -o $@.tmp.o
	$(Q)ld -r -o $@ $@.tmp.o && rm -f $@.tmp.o

$(KXLD_OBJ_DIR)/dup.o: tests/kxld/objs/dup.c mk/kxld-tests.mk
	@mkdir -p $(dir $@)
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -fPIE -c $< -o $@.tmp.o
	$(Q)ld -r -o $@.r.o $@.tmp.o && objcopy --redefine-sym dup_second=dup_first $@.r.o $@ && rm -f $@.tmp.o $@.r.o

$(KXLD_OBJ_DIR)/large.c: tests/kxld/gen_large.sh
	@mkdir -p $(dir $@)
	$(Q)sh $< 2000 > $@

$(KXLD_OBJ_DIR)/large.o: $(KXLD_OBJ_DIR)/large.c
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -fPIE -c $< -o $@.tmp.o
	$(Q)ld -r --build-id -o $@ $@.tmp.o && rm -f $@.tmp.o

# With DWARF, as kextbuild builds kexts: the debug-object benchmark.
$(KXLD_OBJ_DIR)/large-g.o: $(KXLD_OBJ_DIR)/large.c
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -g -fPIE -c $< -o $@.tmp.o
	$(Q)ld -r --build-id -o $@ $@.tmp.o && rm -f $@.tmp.o

$(KXLD_OBJ_DIR)/%.o: tests/kxld/objs/%.c mk/kxld-tests.mk
	@mkdir -p $(dir $@)
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -fPIE $(KXLD_EXTRA) -c $< -o $@.tmp.o
	$(Q)ld -r --build-id -o $@ $@.tmp.o && rm -f $@.tmp.o

$(KXLD_OBJ_DIR)/%.o: tests/kxld/objs/%.S mk/kxld-tests.mk
	@mkdir -p $(dir $@)
	$(Q)gcc -c $< -o $@.tmp.o
	$(Q)ld -r -o $@ $@.tmp.o && rm -f $@.tmp.o

# The dlopen baseline: the same code as a shared object (imports resolved in glibc).
$(KXLD_OBJ_DIR)/small.so: tests/kxld/objs/small.c
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -fPIC -shared -o $@ $<
$(KXLD_OBJ_DIR)/large.so: $(KXLD_OBJ_DIR)/large.c
	$(Q)gcc $(KXLD_OBJ_CFLAGS) -O2 -fPIC -shared -o $@ $<

kxld-objs: $(KXLD_ALL_OBJS)
.PHONY: kxld-objs

KXLD_OBJ_DEFS := -DKXLD_OBJ_DIR='"$(abspath $(KXLD_OBJ_DIR))"' -DKXLD_VARIANTS='"$(KXLD_VARIANTS)"'
$(O)/tests/kxld/%.o: KERNEL_CPPFLAGS += $(KXLD_OBJ_DEFS)
$(O)/bench/k_kxld.o: KERNEL_CPPFLAGS += $(KXLD_OBJ_DEFS)
$(O)/bench/kxld.o: HOST_CFLAGS += $(KXLD_OBJ_DEFS)

# The programs read the objects at run time: build them first (order-only, not linked in).
$(filter $(BUILD)/tests/kxld/%,$(TEST_BINS)) $(BENCH_BIN): | $(KXLD_ALL_OBJS)
