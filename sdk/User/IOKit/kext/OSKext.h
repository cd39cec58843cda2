/*
 * IOKit/kext/OSKext.h — the part of IOKitUser's OSKext library kexthost
 * has: asking the running kernel about its loaded kexts
 * (lib/libkexthost/kext_mig.c, over the kext_request Mach routine). As in
 * <IOKit/IOKitLib.h>, property lists are libplist objects (plist_t) where
 * Apple's are CFArrayRef / CFDictionaryRef; the caller frees what a Copy
 * function returns with plist_free.
 */
#ifndef _IOKIT_KEXT_OSKEXT_H_
#define _IOKIT_KEXT_OSKEXT_H_

#include <plist/plist.h>
#include <kexthost/kext_request.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The loaded kexts' info: a dictionary from bundle identifier to the
 * OSBundle* info dictionary kextstat shows. kextIdentifiers (an array of
 * strings, NULL for all) selects kexts, infoKeys (an array of strings, NULL
 * for all) the keys. NULL when the kernel can't be asked or refuses.
 */
plist_t OSKextCopyLoadedKextInfo(plist_t kextIdentifiers, plist_t infoKeys);

#ifdef __cplusplus
}
#endif

#endif /* _IOKIT_KEXT_OSKEXT_H_ */
