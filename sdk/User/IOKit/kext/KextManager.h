/*
 * IOKit/kext/KextManager.h — IOKitUser's KextManager calls for programs
 * that load, unload and list kexts (lib/libkexthost/kext_mig.c). On macOS
 * they ask kextd, which loads on their behalf; here they send the
 * kext_request Mach routine to the kernel directly, so the caller's own
 * privileges count: loads and unloads need root (or OSBundleAllowUserLoad
 * kexts), listing does not. Apple's CFURLRef paths are C strings and its
 * CFArrayRef / CFDictionaryRef are libplist objects (plist_t); results are
 * OSReturn codes (<kexthost/kext_request.h>).
 */
#ifndef _IOKIT_KEXT_KEXTMANAGER_H_
#define _IOKIT_KEXT_KEXTMANAGER_H_

#include <plist/plist.h>
#include <kexthost/kext_request.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OSReturn as <libkern/OSReturn.h> has it (a kern_return_t). */
typedef int OSReturn;

/*
 * Load the kext with this identifier from the repository (Extensions/);
 * dependencyKextAndFolderPaths (an array of path strings, or NULL) names
 * extra kexts to consider as dependencies.
 */
OSReturn KextManagerLoadKextWithIdentifier(const char *kextIdentifier, plist_t dependencyKextAndFolderPaths);
/* Load the kext bundle at kextPath (relative paths are made absolute). */
OSReturn KextManagerLoadKextWithURL(const char *kextPath, plist_t dependencyKextAndFolderPaths);
/* Unload the kext with this identifier (and remove its personalities). */
OSReturn KextManagerUnloadKextWithIdentifier(const char *kextIdentifier);
/* As OSKextCopyLoadedKextInfo (<IOKit/kext/OSKext.h>). */
plist_t KextManagerCopyLoadedKextInfo(plist_t kextIdentifiers, plist_t infoKeys);

#ifdef __cplusplus
}
#endif

#endif /* _IOKIT_KEXT_KEXTMANAGER_H_ */
