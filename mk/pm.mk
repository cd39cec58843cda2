# pm.mk — power management's user programs (issue 7, pm helper):
#   $(BUILD)/bin/pmset     system sleep/wake through the root domain (IOPMLib)
#   $(BUILD)/bin/vdpower   prints the system power messages a process gets (IORegisterForSystemPower)
# (included by the Makefile after mk/ktools.mk: LIBKH and the $(O)/tools/%.o rule)

PM_TOOLS := $(addprefix $(BUILD)/bin/,pmset vdpower)
all: $(PM_TOOLS)

$(PM_TOOLS): $(BUILD)/bin/%: $(O)/tools/%.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
