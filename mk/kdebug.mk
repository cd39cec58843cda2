# kdebug.mk — the kdebug tracer (issue 8, kdebug helper). Included by the Makefile after
# mk/ktools.mk (USER_CFLAGS, LIBKH, the $(O)/tools/%.o rule).
#
#   $(BUILD)/bin/trace    start/stop/dump/stream kernel tracing (`kexthost trace` runs it)

KDEBUG_TRACE := $(BUILD)/bin/trace
all: $(KDEBUG_TRACE)

$(KDEBUG_TRACE): $(O)/tools/trace.o $(LIBKH)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PLIST_LIBS)
