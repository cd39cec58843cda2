/*
 * libkern/OSKextLibPrivate.h — kext-system details shared by the kernel and
 * the kext tools: bundle versions as numbers (OSKextVersion) and the keys
 * of the loaded-kext information dictionaries (what kextstat reads).
 */
#ifndef _LIBKERN_OSKEXTLIBPRIVATE_H
#define _LIBKERN_OSKEXTLIBPRIVATE_H

#include <sys/cdefs.h>
#include <stdint.h>
#include <stdbool.h>
#include <libkern/OSKextLib.h>

__BEGIN_DECLS

/*
 * A CFBundleVersion "MAJOR[.MINOR[.REVISION]][STAGE LEVEL]" as an ordered
 * number: major 0-9999, minor and revision 0-99, stage d (development), a
 * (alpha), b (beta), f or fc (final candidate, level >= 1) or none
 * (release), level 0-255. Release sorts after every pre-release stage:
 * 1.0d21 < 1.0b1 < 1.0fc1 < 1.0 (= 1.0.0). -1 means invalid.
 */
typedef int64_t OSKextVersion;
#define kOSKextVersionMaxLength (20)

OSKextVersion OSKextParseVersionString(const char *versionString);
/* Format a version ("1.0", "1.2.3b4", "(invalid)", "(missing)"); bufferLength >= kOSKextVersionMaxLength. */
bool OSKextVersionGetString(OSKextVersion aVersion, char *buffer, uint32_t bufferLength);

/* ---- keys of OSKextCopyLoadedKextInfo's dictionaries -------------------------- */

#define kOSBundlePathKey "OSBundlePath"
#define kOSBundleExecutablePathKey "OSBundleExecutablePath"
#define kOSBundleUUIDKey "OSBundleUUID"
#define kOSBundleStartedKey "OSBundleStarted"
#define kOSBundlePrelinkedKey "OSBundlePrelinked"
#define kOSBundleLoadTagKey "OSBundleLoadTag"
#define kOSBundleLoadAddressKey "OSBundleLoadAddress"
#define kOSBundleLoadSizeKey "OSBundleLoadSize"
#define kOSBundleWiredSizeKey "OSBundleWiredSize"
#define kOSBundleDependenciesKey "OSBundleDependencies"
#define kOSBundleRetainCountKey "OSBundleRetainCount"
#define kOSBundleClassesKey "OSBundleClasses"

__END_DECLS

#endif /* _LIBKERN_OSKEXTLIBPRIVATE_H */
