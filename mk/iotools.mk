# iotools.mk — the kext tools' Mach path probe for tests/iotools.sh (issue 6,
# iotools helper). Included by the Makefile after mk/mach.mk (USER_CFLAGS, LIBKH,
# the tests/mach object rule).

KEXTREQ_PROBE := $(BUILD)/tests/helpers/kextreq_probe
all: $(KEXTREQ_PROBE)

$(KEXTREQ_PROBE): $(O)/tests/mach/kextreq_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
