# sys.mk — the user/kernel boundary's test helpers (issue 4, "sys"): the
# kh_sysprobe user program that tests/syscalls.sh runs under `kexthost run`.
# Included by the Makefile after mk/ktools.mk (for LIBKH and USER_CFLAGS).

KH_SYSPROBE := $(BUILD)/tests/helpers/kh_sysprobe

all: $(KH_SYSPROBE)

$(KH_SYSPROBE): $(O)/tests/ktools/kh_sysprobe.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
