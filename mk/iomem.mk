# iomem.mk — the memory-mapping test's user program and test kext (tests/iomem.sh,
# bench/iomem.c). Included by the Makefile after mk/mach.mk (USER_CFLAGS, LIBKH, kextbuild).
#
#   $(BUILD)/tests/helpers/iomem_probe      IOConnectMapMemory from a user process
#   $(BUILD)/tests/kexts/MemTest.kext       MemTestService + MemTestUserClient (tests/iokit/memtest.h)

IOMEM_PROBE := $(BUILD)/tests/helpers/iomem_probe
IOMEM_KEXT := $(BUILD)/tests/kexts/MemTest.kext
all: $(IOMEM_PROBE) $(IOMEM_KEXT)

$(IOMEM_PROBE): $(O)/tests/mach/iomem_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

$(IOMEM_KEXT): $(BUILD)/bin/kextbuild tests/iomem/MemTest/Info.plist tests/iomem/MemTest/MemTest.c \
		tests/iokit/memtest.h $(wildcard sdk/Kernel/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  KEXT    $@"
	$(Q)ASAN_OPTIONS=detect_leaks=0 KEXTHOST_SDK=$(CURDIR)/sdk/Kernel $(BUILD)/bin/kextbuild -o $@ \
		--plist tests/iomem/MemTest/Info.plist tests/iomem/MemTest/MemTest.c
