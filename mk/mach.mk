# mach.mk — the Mach trap path's user-side test program (tests/mach.sh runs it
# under `kexthost run`). Included by the Makefile after mk/ktools.mk (USER_CFLAGS, LIBKH).

MACH_PROBE := $(BUILD)/tests/helpers/mach_probe
all: $(MACH_PROBE)

$(O)/tests/mach/%.o: tests/mach/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -MD -MP -c $< -o $@

$(MACH_PROBE): $(O)/tests/mach/mach_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

IOKITLIB_PROBE := $(BUILD)/tests/helpers/iokitlib_probe
all: $(IOKITLIB_PROBE)

$(IOKITLIB_PROBE): $(O)/tests/mach/iokitlib_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
