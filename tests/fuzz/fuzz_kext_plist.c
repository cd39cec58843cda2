/*
 * fuzz_kext_plist.c — libFuzzer target for kext Info.plist handling: bytes
 * -> property list (XML or binary, OSUnserializePlist) -> validation with
 * kextutil's rules -> dependency resolution against the KPI pseudo-kexts ->
 * diagnostics. Any input must end in diagnostics, never a crash, a hang or
 * leaked objects; the diagnostics are always a dictionary of the four
 * known groups. The kernel boots once, on the first input.
 */
#include <libkern/c/OSContainers.h>
#include <kern/debug.h>
#include "host/khost.h"
#include "libkern/kext/OSKext.h"
#include "libkern/kext/kext_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_boot(void)
{
	static int booted;
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (!booted) {
		if (kernel_bootstrap(&params) != 0 || OSKext_init(NULL) != 0) {
			khost_exit(KHOST_EXIT_BOOT);
		}
		booted = 1;
	}
}

static bool
fuzz_check_group(void *refcon, const OSSymbol *key, OSObject *value)
{
	static const char *const groups[] = {
	        kOSKextDiagnosticsValidationKey, kOSKextDiagnosticsAuthenticationKey,
	        kOSKextDiagnosticsDependenciesKey, kOSKextDiagnosticsWarningsKey};
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (OSSymbol_isEqualToCString(key, groups[i])) {
			break;
		}
	}
	if (i == 4 || OSKEXT_CAST(OSDictionary, value) == NULL) {
		panic("fuzz_kext_plist: unexpected diagnostics group %s", OSSymbol_getCStringNoCopy(key));
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oskext_resolve_ctx ctx = {NULL, kOSKextLoadFlagSkipAuthentication, NULL};
	OSDictionary *diag = NULL;
	unsigned int symbols;
	OSKext *k;

	fuzz_boot();
	symbols = OSSymbol_poolCount();
	k = oskext_create_from_plist("/nonexistent/Fuzz.kext", data, size);
	if (k == NULL) {
		return 0;
	}
	oskext_lock();
	ctx.loadList = OSArray_withCapacity(4);
	ctx.extra = OSDictionary_withCapacity(1);
	if (ctx.loadList != NULL && ctx.extra != NULL && k->bundleID != NULL) {
		(void)oskext_resolve_dependencies(k, &ctx);
	}
	OSSafeReleaseNULL(ctx.loadList);
	OSSafeReleaseNULL(ctx.extra);
	oskext_unlock();
	diag = OSDictionary_withCapacity(4);
	if (diag != NULL) {
		oskext_diag_copy_out(k, diag);
		(void)OSDictionary_iterateObjects(diag, NULL, fuzz_check_group);
		OSObject_release(diag);
	}
	OSObject_release(k);
	if (OSSymbol_poolCount() != symbols) {
		panic("fuzz_kext_plist: %u symbols leaked", OSSymbol_poolCount() - symbols);
	}
	return 0;
}
