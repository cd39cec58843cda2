# ktools.mk — the kext tools, their user-side library, kextbuild, the
# pkg-config file and the sample kexts (included by the Makefile).
#
#   $(BUILD)/lib/libkexthost.a      client of the kernel request channel (lib/libkexthost)
#   $(BUILD)/bin/kextload|kextunload|kextstat          talk to a running kernel
#   $(BUILD)/bin/kextutil|kextlibs|kextfind            link the kernel core (offline)
#   $(BUILD)/bin/kextbuild                              builds kext bundles
#   $(BUILD)/lib/pkgconfig/kexthost-kext.pc             kext build flags for other builds
#   $(BUILD)/kexts/*.kext                               kexts/ built with kextbuild
#
# User-side code is ordinary Linux C that sees sdk/User (and libplist);
# tools/k_*.c are the offline tools' kernel-side halves, built like bench/k_*.c.

USER_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE -I. -Isdk/User -isystem $(PLIST_INC)
LIBKH_SRCS := $(sort $(wildcard lib/libkexthost/*.c))
LIBKH := $(BUILD)/lib/libkexthost.a
KTOOLS_ONLINE := kextload kextunload kextstat
KTOOLS_OFFLINE := kextutil kextlibs kextfind
KTOOLS_KSRCS := $(sort $(wildcard tools/k_*.c))
KTOOLS_BINS := $(addprefix $(BUILD)/bin/,$(KTOOLS_ONLINE) $(KTOOLS_OFFLINE) kextbuild)
KEXTHOST_PC := $(BUILD)/lib/pkgconfig/kexthost-kext.pc

KREQ_PROBE := $(BUILD)/tests/helpers/kreq_probe

all: $(KTOOLS_BINS) $(KEXTHOST_PC) kexts $(KREQ_PROBE)

# A raw client of the request channel for tests/kexttools.sh (host code, not a Check program).
$(O)/tests/ktools/%.o: tests/ktools/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -MD -MP -c $< -o $@

$(KREQ_PROBE): $(O)/tests/ktools/kreq_probe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -MD -MP -c $< -o $@

$(O)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -MD -MP -c $< -o $@

$(O)/tools/k_%.o: tools/k_%.c $(KINCLUDE_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -MD -MP -c $< -o $@

$(LIBKH): $(LIBKH_SRCS:%.c=$(O)/%.o)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(addprefix $(BUILD)/bin/,$(KTOOLS_ONLINE)): $(BUILD)/bin/%: $(O)/tools/%.o $(O)/tools/kexttool.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

# Offline tools: the host-side main, the shared kernel-side half, the kernel core.
$(addprefix $(BUILD)/bin/,$(KTOOLS_OFFLINE)): $(BUILD)/bin/%: $(O)/tools/%.o $(O)/tools/kexttool.o \
		$(O)/tools/offline.o $(KTOOLS_KSRCS:%.c=$(O)/%.k.o) $(LIBKH) $(HOST_OBJS) $(KERNEL_O)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(HOST_LIBS)

$(BUILD)/bin/kextbuild: $(O)/tools/kextbuild.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

$(KEXTHOST_PC): mk/kexthost-kext.pc.in mk/ktools.mk
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@SDK@|$(abspath sdk/Kernel)|g' -e 's|@USERSDK@|$(abspath sdk/User)|g' \
		-e 's|@LIBDIR@|$(abspath $(BUILD)/lib)|g' -e 's|@BINDIR@|$(abspath $(BUILD)/bin)|g' $< > $@

# ---- sample kexts (kexts/<Name>/: Info.plist + *.c; kexts/broken/<Name>/ likewise) ----
# A sample's kextbuild options (--start/--stop, extra flags) live in its kextbuild.args.
KEXT_DIRS := $(sort $(patsubst %/Info.plist,%,$(wildcard kexts/*/Info.plist kexts/broken/*/Info.plist)))
KEXT_BUNDLES := $(KEXT_DIRS:kexts/%=$(BUILD)/kexts/%.kext)
kexts: $(KEXT_BUNDLES)
.PHONY: kexts

define KEXT_RULE
$(BUILD)/kexts/$(1).kext: $(BUILD)/bin/kextbuild $(wildcard kexts/$(1)/Info.plist kexts/$(1)/*.c kexts/$(1)/*.h \
		kexts/$(1)/kextbuild.args) $(wildcard sdk/Kernel/*/*.h)
	@mkdir -p $$(dir $$@)
	@echo "  KEXT    $$@"
	$(Q)ASAN_OPTIONS=detect_leaks=0 KEXTHOST_SDK=$(CURDIR)/sdk/Kernel $(BUILD)/bin/kextbuild -o $$@ --plist kexts/$(1)/Info.plist \
		$$$$(cat kexts/$(1)/kextbuild.args 2>/dev/null) $(wildcard kexts/$(1)/*.c)
endef
$(foreach d,$(KEXT_DIRS:kexts/%=%),$(eval $(call KEXT_RULE,$(d))))
