# userclient.mk — the user-client tests' user program and test kext (tests/userclient.sh,
# bench/iouc.c). Included by the Makefile after mk/mach.mk (USER_CFLAGS, LIBKH, kextbuild).
#
#   $(BUILD)/tests/helpers/uc_probe         IOKitLib connections from a user process
#   $(BUILD)/tests/kexts/UCTest.kext        UCTestService + UCTestUserClient (tests/iokit/uctest.h)

UC_PROBE := $(BUILD)/tests/helpers/uc_probe
UC_KEXT := $(BUILD)/tests/kexts/UCTest.kext
all: $(UC_PROBE) $(UC_KEXT)

$(UC_PROBE): $(O)/tests/mach/uc_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

$(UC_KEXT): $(BUILD)/bin/kextbuild tests/userclient/UCTest/Info.plist tests/userclient/UCTest/UCTest.c \
		tests/iokit/uctest.h $(wildcard sdk/Kernel/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  KEXT    $@"
	$(Q)ASAN_OPTIONS=detect_leaks=0 KEXTHOST_SDK=$(CURDIR)/sdk/Kernel $(BUILD)/bin/kextbuild -o $@ \
		--plist tests/userclient/UCTest/Info.plist tests/userclient/UCTest/UCTest.c
