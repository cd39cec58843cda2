# iokit.mk — user programs of the I/O Kit (issue 5, iokit-user helper):
#   $(BUILD)/bin/ioreg    the I/O Registry in ioreg's format (KHRQ_T_IOREG_DUMP)
#   $(BUILD)/bin/devctl   the virtual bus's device model (KHRQ_T_IODEVICE)
# (included by the Makefile after mk/ktools.mk, which defines LIBKH, USER_CFLAGS
# and the $(O)/tools/%.o rule)

IOKIT_TOOLS := $(addprefix $(BUILD)/bin/,ioreg devctl)
all: $(IOKIT_TOOLS)

$(IOKIT_TOOLS): $(BUILD)/bin/%: $(O)/tools/%.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
