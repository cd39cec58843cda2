/*
 * OSKextKPI.c — the kernel's own entries in the kext system and symbol
 * resolution for kexts.
 *
 * At boot the kernel registers itself as "__kernel__" (load tag 0) and one
 * pseudo-kext per KPI symbol set (com.apple.kpi.bsd, .dsep, .iokit,
 * .libkern, .mach, .private, .unsupported: tags 1..7, in that order as in
 * kextstat). They are interface kexts with no code of their own: their
 * CFBundleVersion is the kernel's Darwin version (osrelease, the build
 * setting DARWIN_VERSION) and their OSBundleCompatibleVersion the real
 * set's, so a kext asking for any version from the set's first release up
 * to the running kernel's links.
 *
 * The export tables are generated from config/<Set>.exports (mk/gen-kpi.sh)
 * and sorted, so a lookup is a binary search. A kext sees only the sets and
 * library kexts it declares directly in OSBundleLibraries
 * (oskext_resolve_symbol is the resolver given to kxld).
 */
#include "libkern/kext/kext_internal.h"
#include "libkern/kxld/kxld.h"

extern const char osrelease[];

const char *
OSKext_kernelVersion(void)
{
	return osrelease;
}

const struct OSKextKPISet *
OSKext_kpiSets(unsigned int *count)
{
	if (count != NULL) {
		*count = oskext_kpi_gen_nsets;
	}
	return oskext_kpi_gen_sets;
}

const struct OSKextKPISet *
OSKext_kpiSetWithIdentifier(const char *bundleID)
{
	unsigned int i;

	if (bundleID == NULL) {
		return NULL;
	}
	for (i = 0; i < oskext_kpi_gen_nsets; i++) {
		if (strcmp(oskext_kpi_gen_sets[i].bundleID, bundleID) == 0) {
			return &oskext_kpi_gen_sets[i];
		}
	}
	return NULL;
}

bool
OSKext_kpiSetLookup(const struct OSKextKPISet *set, const char *name, const void **address)
{
	unsigned int lo = 0, hi;

	if (set == NULL || name == NULL) {
		return false;
	}
	hi = set->count;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		int c = strcmp(name, set->symbols[mid].name);

		if (c == 0) {
			if (address != NULL) {
				*address = set->symbols[mid].address;
			}
			return true;
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return false;
}

int
oskext_kpi_init(void)
{
	OSKext *k;
	unsigned int i;

	OSKEXT_ASSERT_LOCKED();
	k = oskext_create_component(kOSKextKernelIdentifier, osrelease, NULL, NULL);
	if (k == NULL || !oskext_add_loaded_component(k)) {
		OSSafeReleaseNULL(k);
		return ENOMEM;
	}
	OSObject_release(k);
	for (i = 0; i < oskext_kpi_gen_nsets; i++) {
		const struct OSKextKPISet *set = &oskext_kpi_gen_sets[i];

		k = oskext_create_component(set->bundleID, osrelease, set->compatibleVersion, set);
		if (k == NULL || !oskext_add_loaded_component(k)) {
			OSSafeReleaseNULL(k);
			return ENOMEM;
		}
		OSObject_release(k);
	}
	return 0;
}

int
oskext_resolve_symbol(void *ctx, const char *name, uintptr_t *addr)
{
	OSKext *k = ctx;
	unsigned int i, n;

	OSKEXT_ASSERT_LOCKED();
	n = k->dependencies ? OSArray_getCount(k->dependencies) : 0;
	for (i = 0; i < n; i++) {
		OSKext *lib = (OSKext *)OSArray_getObject(k->dependencies, i);
		const void *a;

		if (lib->kpiSet != NULL) {
			if (OSKext_kpiSetLookup(lib->kpiSet, name, &a)) {
				*addr = (uintptr_t)a;
				return 0;
			}
		} else if (lib->image != NULL && kxld_image_lookup(lib->image, name, addr) == 0) {
			return 0;
		}
	}
	return ENOENT;
}
