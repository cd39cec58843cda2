# ionotify.mk — the notification tests' user program and test kext (tests/ionotify.sh).
# Included by the Makefile after mk/mach.mk (USER_CFLAGS, LIBKH, the tests/mach rule, kextbuild).
#
#   $(BUILD)/tests/helpers/ionotify_probe    notifications and async results in a user process
#   $(BUILD)/tests/kexts/NotifyTest.kext     NotifyTestService + NotifyTestUserClient

IONOTIFY_PROBE := $(BUILD)/tests/helpers/ionotify_probe
IONOTIFY_KEXT := $(BUILD)/tests/kexts/NotifyTest.kext
all: $(IONOTIFY_PROBE) $(IONOTIFY_KEXT)

$(IONOTIFY_PROBE): $(O)/tests/mach/ionotify_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

$(IONOTIFY_KEXT): $(BUILD)/bin/kextbuild tests/ionotify/NotifyTest/Info.plist tests/ionotify/NotifyTest/NotifyTest.c \
		$(wildcard sdk/Kernel/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  KEXT    $@"
	$(Q)ASAN_OPTIONS=detect_leaks=0 KEXTHOST_SDK=$(CURDIR)/sdk/Kernel $(BUILD)/bin/kextbuild -o $@ \
		--plist tests/ionotify/NotifyTest/Info.plist tests/ionotify/NotifyTest/NotifyTest.c
