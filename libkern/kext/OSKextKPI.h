/*
 * OSKextKPI.h — the layout of the KPI export tables that mk/gen-kpi.sh
 * generates from the config/<Set>.exports lists ($(BUILD)/gen/kpi_exports.c). Kept free
 * of other headers: the generated file declares every exported name as
 * `extern char name[]`, which must not meet the names' real prototypes.
 */
#ifndef _LIBKERN_KEXT_OSKEXTKPI_H_
#define _LIBKERN_KEXT_OSKEXTKPI_H_

#include <stdbool.h>

struct OSKextKPISymbol {
	const char *name;
	const void *address;
};

struct OSKextKPISet {
	const char *bundleID;                  /* "com.apple.kpi.libkern" */
	const char *compatibleVersion;         /* OSBundleCompatibleVersion, e.g. "8.0.0d0" */
	const struct OSKextKPISymbol *symbols; /* sorted by name (strcmp order) */
	unsigned int count;
	bool appleOnly; /* com.apple.kpi.private: only com.apple.* kexts may link against it */
};

/* The generated tables, in bundle-identifier order (the pseudo-kexts' load-tag order). */
extern const struct OSKextKPISet oskext_kpi_gen_sets[];
extern const unsigned int oskext_kpi_gen_nsets;

#endif /* _LIBKERN_KEXT_OSKEXTKPI_H_ */
