# oskext.mk — the kext system's generated sources (included by the Makefile).
#
# config/<Set>.exports list what each KPI pseudo-kext exports; mk/gen-kpi.sh
# turns them into $(BUILD)/gen/kpi_exports.c, compiled into the kernel like
# any kernel source (the Makefile adds the object to KERNEL_OBJS).

KPI_EXPORTS_C := $(BUILD)/gen/kpi_exports.c

$(KPI_EXPORTS_C): mk/gen-kpi.sh $(wildcard config/*.exports)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)sh mk/gen-kpi.sh config $@

$(O)/gen/kpi_exports.o: $(KPI_EXPORTS_C) $(KINCLUDE_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -MD -MP -c $< -o $@

include mk/kext-tests.mk
