# kctl.mk — user programs of the kernel control / kernel event / KUNC area
# (included by the Makefile after mk/ktools.mk, which defines LIBKH and the
# $(O)/tools/%.o rule).
#
#   $(BUILD)/bin/kctlclient   talks to a kernel control; listens for kernel events
#   $(BUILD)/bin/kuncd        the KUNC notification agent

KCTL_BINS := $(BUILD)/bin/kctlclient $(BUILD)/bin/kuncd
all: $(KCTL_BINS)

$(KCTL_BINS): $(BUILD)/bin/%: $(O)/tools/%.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

# A raw-syscall probe for tests/kctl.sh (bad addresses, bad arguments).
KCTL_PROBE := $(BUILD)/tests/helpers/kctl_probe
all: $(KCTL_PROBE)

$(O)/tests/kctl/%.o: tests/kctl/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -MD -MP -c $< -o $@

$(KCTL_PROBE): $(O)/tests/kctl/kctl_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
