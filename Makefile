# kexthost — top-level build. `make` builds into $(BUILD); see README.md.
#
# Kernel code (osfmk libkern bsd iokit pexpert) is compiled freestanding
# against sdk/Kernel, partially linked into one object, and the symbols that
# would clash with the host C library (printf, strlen, random, ...) are renamed
# to xnu_* so the kernel and glibc can share one process. host/ is ordinary
# Linux code. mk/check-boundary.sh enforces that the kernel reaches Linux only
# through host/khost.h.

BUILD ?= build
SAN ?=
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
O := $(BUILD)/obj
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

KERNEL_DIRS := osfmk libkern bsd iokit pexpert
KERNEL_SRCS := $(sort $(shell find $(KERNEL_DIRS) -name '*.c'))
HOST_SRCS := $(sort $(filter-out host/main.c,$(wildcard host/*.c)))
TEST_SRCS := $(sort $(shell find tests -name 'test_*.c'))
BENCH_KSRCS := $(sort $(wildcard bench/k_*.c))
BENCH_HSRCS := $(sort $(filter-out $(BENCH_KSRCS),$(wildcard bench/*.c)))

PLIST_INC := $(shell pkg-config --variable=includedir libplist-2.0 2>/dev/null || echo /usr/include)
PLIST_LIBS := $(shell pkg-config --libs libplist-2.0 2>/dev/null || echo -lplist-2.0)
ELF_INC := $(shell pkg-config --variable=includedir libelf 2>/dev/null || echo /usr/include)
CHECK_INC := $(shell pkg-config --variable=includedir check 2>/dev/null || echo /usr/include)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

SANFLAGS_asan := -fsanitize=address,undefined -fno-sanitize-recover=all -DKEXTHOST_SANITIZER=1
SANFLAGS_tsan := -fsanitize=thread -Wno-error=tsan -DKEXTHOST_SANITIZER=1 -DKEXTHOST_TSAN=1
SANFLAGS_fuzz := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-DKEXTHOST_SANITIZER=1 -DKEXTHOST_FUZZ=1
SANFLAGS := $(SANFLAGS_$(SAN))

# The Darwin version this kernel reports (kern.osrelease, the KPI sets' CFBundleVersion).
DARWIN_VERSION ?= 19.6.0
DARWIN_MAJOR := $(word 1,$(subst ., ,$(DARWIN_VERSION)))
DARWIN_MINOR := $(or $(word 2,$(subst ., ,$(DARWIN_VERSION))),0)
DARWIN_REVISION := $(or $(word 3,$(subst ., ,$(DARWIN_VERSION))),0)
BUILD_TAG := kexthost-$(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
VERSION_DEFS := -DKEXTHOST_DARWIN_MAJOR=$(DARWIN_MAJOR) -DKEXTHOST_DARWIN_MINOR=$(DARWIN_MINOR) \
	-DKEXTHOST_DARWIN_REVISION=$(DARWIN_REVISION) -DKEXTHOST_BUILD_TAG='"$(BUILD_TAG)"'

OPT ?= -O2
COMMON_CFLAGS := -std=gnu11 $(OPT) -g -fno-omit-frame-pointer -fno-common -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers $(SANFLAGS)

# The kernel environment: what kexts also get (see mk/kext.mk for kexts).
KERNEL_CPPFLAGS := -nostdinc -isystem sdk/Kernel -isystem $(BUILD)/kinclude -I. \
	-DKERNEL -DKERNEL_PRIVATE -DXNU_KERNEL_PRIVATE -DKEXTHOST
KERNEL_CFLAGS := $(COMMON_CFLAGS) -ffreestanding -fno-strict-aliasing -fno-stack-protector \
	-mno-red-zone -mgeneral-regs-only -Wmissing-prototypes -Wstrict-prototypes
HOST_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE -pthread -I.
# Executables are linked non-PIE (code below 2 GB) so that kexts mapped in the low 2 GB reach
# kernel symbols with 32-bit displacements, including objects built -fno-pic.
LDFLAGS_ALL := -pthread -no-pie $(SANFLAGS)
HOST_LIBS := $(PLIST_LIBS) -ldw -lelf -lrt

KERNEL_OBJS := $(KERNEL_SRCS:%.c=$(O)/%.o)
# The KPI export tables, generated from config/*.exports (mk/oskext.mk).
KERNEL_OBJS += $(O)/gen/kpi_exports.o
HOST_OBJS := $(HOST_SRCS:%.c=$(O)/%.o)
KERNEL_O := $(BUILD)/kernel/kernel.o
RENAME := $(BUILD)/kernel/rename.syms
KINCLUDE_STAMP := $(BUILD)/kinclude/.stamp

PROGRAMS := $(BUILD)/bin/kexthost
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BUILD)/bench/kbench
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 30

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all check check-asan check-tsan test demo bench fuzz fuzzers format format-check deps clean
all: $(PROGRAMS) $(TEST_BINS) $(BENCH_BIN)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Headers of host libraries that kernel-side code may include, copied so the
# kernel never sees /usr/include as a whole.
$(KINCLUDE_STAMP): Makefile
	@mkdir -p $(BUILD)/kinclude/plist
	$(Q)cp $(PLIST_INC)/plist/plist.h $(BUILD)/kinclude/plist/plist.h
	$(Q)cp $(CHECK_INC)/check.h $(BUILD)/kinclude/check.h
	@mkdir -p $(BUILD)/kinclude/bits
	$(Q)cp $(ELF_INC)/libelf.h $(ELF_INC)/gelf.h $(ELF_INC)/elf.h $(BUILD)/kinclude/
	$(Q)cp libkern/kxld/shim/bits/auxv.h $(BUILD)/kinclude/bits/auxv.h
	$(Q)touch $@

# Kernel environment by default; host/, the bench harness and the test
# runner's main() are ordinary Linux programs. (GNU make picks the pattern
# with the shortest stem, so the specific rules win.)
$(O)/%.o: %.c $(KINCLUDE_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -MD -MP -c $< -o $@

$(O)/libkern/conf/version.o: KERNEL_CPPFLAGS += $(VERSION_DEFS)

# Tests include check.h, which wants a few libc headers: tests/shim has them.
$(O)/tests/%.o: KERNEL_CPPFLAGS += -isystem tests/shim

$(O)/host/%.o: host/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -MD -MP -c $< -o $@

$(O)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -MD -MP -c $< -o $@

$(O)/bench/k_%.o: bench/k_%.c $(KINCLUDE_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -MD -MP -c $< -o $@

$(O)/tests/ktest_main.o: tests/ktest_main.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -isystem $(CHECK_INC) -MD -MP -c $< -o $@

$(BUILD)/kernel/kernel.raw.o: $(KERNEL_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD -r   $@"
	$(Q)ld -r -o $@ $(KERNEL_OBJS)

$(RENAME): $(BUILD)/kernel/kernel.raw.o mk/rename-syms.sh
	$(Q)CC="$(CC)" SAN="$(SAN)" sh mk/rename-syms.sh $< > $@

$(KERNEL_O): $(BUILD)/kernel/kernel.raw.o $(RENAME) mk/check-boundary.sh
	@echo "  RENAME  $@"
	$(Q)objcopy --redefine-syms=$(RENAME) $< $@
	$(Q)sh mk/check-boundary.sh $@

# Kernel-side objects outside the kernel proper (tests, benchmarks) get the
# same renaming so that their printf is the kernel's printf.
$(O)/%.k.o: $(O)/%.o $(RENAME)
	$(Q)objcopy --redefine-syms=$(RENAME) $< $@

$(BUILD)/bin/kexthost: $(O)/host/main.o $(HOST_OBJS) $(KERNEL_O)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(HOST_LIBS)

$(BUILD)/tests/%: $(O)/tests/%.k.o $(O)/tests/ktest.k.o $(O)/tests/ktest_main.o $(HOST_OBJS) $(KERNEL_O)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(BENCH_BIN): $(BENCH_HSRCS:%.c=$(O)/%.o) $(BENCH_KSRCS:%.c=$(O)/%.k.o) $(HOST_OBJS) $(KERNEL_O)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(HOST_LIBS) -lm

# Fuzz targets (tests/fuzz/fuzz_*.c, kernel side, libFuzzer entry points) need clang.
$(BUILD)/fuzz/%: $(O)/tests/fuzz/%.k.o $(HOST_OBJS) $(KERNEL_O)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(HOST_LIBS)

fuzzers: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz SAN=fuzz CC=clang fuzzers
	@sh mk/run-fuzz.sh build/fuzz $(FUZZ_SECONDS)

deps:
	@sh mk/deps.sh

test: all
	@BUILD=$(BUILD) SAN=$(SAN) sh mk/run-tests.sh

check: deps
	@$(MAKE) --no-print-directory all
	@sh tools/kpi-coverage.sh
	@BUILD=$(BUILD) SAN=$(SAN) sh mk/run-tests.sh

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=asan all
	@BUILD=build/asan SAN=asan sh mk/run-tests.sh

check-tsan: deps
	@$(MAKE) --no-print-directory BUILD=build/tsan SAN=tsan all
	@BUILD=build/tsan SAN=tsan sh mk/run-tests.sh

# The kext linker's test objects and their rules.
include mk/kxld-tests.mk
# The kext system: generated KPI tables, test kexts.
include mk/oskext.mk

# The kext tools, libkexthost, kextbuild and the sample kexts.
include mk/ktools.mk
# Kernel control / kernel event / KUNC user programs (issue 4, kctl helper).
include mk/kctl.mk
# sysctl tool, /dev listing, character-device sample clients (issue 4, dev helper).
include mk/dev.mk
# Boundary test helpers: kh_sysprobe for tests/syscalls.sh (issue 4, sys helper).
include mk/sys.mk
# ioreg and devctl (issue 5, iokit-user helper).
include mk/iokit.mk

demo: all
	@BUILD=$(BUILD) sh mk/demo.sh

bench: all
	@mkdir -p $(BUILD)/bench
	@$(BENCH_BIN) --json $(BUILD)/bench/results.json

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	@clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf $(BUILD)
# The Mach trap path's user-side test program.
include mk/mach.mk
# ioreg and the kext tools over IOKitLib and Mach: their test probe (issue 6, iotools helper).
include mk/iotools.mk
# User clients: the test probe and the test kext (issue 6, iouc helper).
include mk/userclient.mk
# Notifications: the test probe and the test kext (issue 6, ionotify helper).
include mk/ionotify.mk
# Memory mapped into a process: the test probe and the test kext (issue 6, iomem helper).
include mk/iomem.mk
# kdebug tracing: the trace tool (issue 8, kdebug helper).
include mk/kdebug.mk
# Power management: pmset and vdpower (issue 7, pm helper).
include mk/pm.mk
