# dev.mk — user programs of the sysctl and character-device area (issue 4, "dev"):
#   $(BUILD)/bin/sysctl      sysctl(8) for the hosted kernel
#   $(BUILD)/bin/devls       the /dev listing
#   $(BUILD)/bin/<prog>      the sample kexts' user programs (kexts/<Kext>/user/<prog>.c)
# (included by the Makefile after mk/ktools.mk, whose USER_CFLAGS and LIBKH it uses)

DEV_TOOLS := sysctl devls bench_devread hostinfo zprint
DEV_CLIENT_SRCS := $(sort $(wildcard kexts/*/user/*.c))
DEV_CLIENT_BINS := $(patsubst %.c,$(BUILD)/bin/%,$(notdir $(DEV_CLIENT_SRCS)))
DEV_BINS := $(addprefix $(BUILD)/bin/,$(DEV_TOOLS)) $(DEV_CLIENT_BINS)

all: $(DEV_BINS)

$(addprefix $(BUILD)/bin/,$(DEV_TOOLS)): $(BUILD)/bin/%: $(O)/tools/%.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)

$(O)/kexts/%.o: kexts/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -MD -MP -c $< -o $@

define DEV_CLIENT_RULE
$(BUILD)/bin/$(basename $(notdir $(1))): $(O)/$(1:.c=.o) $(LIBKH)
	@mkdir -p $$(dir $$@)
	@echo "  LINK    $$@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $$@ $$^ $(PLIST_LIBS)
endef
$(foreach s,$(DEV_CLIENT_SRCS),$(eval $(call DEV_CLIENT_RULE,$(s))))
