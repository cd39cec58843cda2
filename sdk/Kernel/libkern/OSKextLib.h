/*
 * libkern/OSKextLib.h — what a kext may ask of the kext system: the
 * kOSKextReturn* status codes (libkern error system, kext subsystem), the
 * Info.plist keys and values of kext bundles, load tags, and the C
 * functions to load kexts and to retain and release loaded ones.
 */
#ifndef _LIBKERN_OSKEXTLIB_H
#define _LIBKERN_OSKEXTLIB_H

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/kmod.h>
#include <mach/vm_types.h>
#include <libkern/OSTypes.h>
#include <libkern/OSReturn.h>

__BEGIN_DECLS

/* ---- status codes ------------------------------------------------------ */

#define sub_libkern_kext err_sub(2)
#define libkern_kext_err(code) (sys_libkern | sub_libkern_kext | (code))

#define kOSKextReturnInternalError libkern_kext_err(0x1)
#define kOSKextReturnNoMemory libkern_kext_err(0x2)
#define kOSKextReturnNoResources libkern_kext_err(0x3)
#define kOSKextReturnNotPrivileged libkern_kext_err(0x4)
#define kOSKextReturnInvalidArgument libkern_kext_err(0x5)
#define kOSKextReturnNotFound libkern_kext_err(0x6)
#define kOSKextReturnBadData libkern_kext_err(0x7)
#define kOSKextReturnSerialization libkern_kext_err(0x8)
#define kOSKextReturnUnsupported libkern_kext_err(0x9)
#define kOSKextReturnDisabled libkern_kext_err(0xa)
#define kOSKextReturnNotAKext libkern_kext_err(0xb)
#define kOSKextReturnValidation libkern_kext_err(0xc)
#define kOSKextReturnAuthentication libkern_kext_err(0xd)
#define kOSKextReturnDependencies libkern_kext_err(0xe)
#define kOSKextReturnArchNotFound libkern_kext_err(0xf)
#define kOSKextReturnCache libkern_kext_err(0x10)
#define kOSKextReturnDeferred libkern_kext_err(0x11)
#define kOSKextReturnBootLevel libkern_kext_err(0x12)
#define kOSKextReturnNotLoadable libkern_kext_err(0x13)
#define kOSKextReturnLoadedVersionDiffers libkern_kext_err(0x14)
#define kOSKextReturnDependencyLoadError libkern_kext_err(0x15)
#define kOSKextReturnLinkError libkern_kext_err(0x16)
#define kOSKextReturnStartStopError libkern_kext_err(0x17)
#define kOSKextReturnInUse libkern_kext_err(0x18)
#define kOSKextReturnTimeout libkern_kext_err(0x19)
#define kOSKextReturnStopping libkern_kext_err(0x1a)
#define kOSKextReturnSystemPolicy libkern_kext_err(0x1b)

/* ---- Info.plist keys ----------------------------------------------------- */

#define kCFBundleIdentifierKey "CFBundleIdentifier"
#define kCFBundleVersionKey "CFBundleVersion"
#define kCFBundleNameKey "CFBundleName"
#define kCFBundleExecutableKey "CFBundleExecutable"
#define kCFBundlePackageTypeKey "CFBundlePackageType"

#define kOSBundleCompatibleVersionKey "OSBundleCompatibleVersion"
#define kOSBundleEnableKextLoggingKey "OSBundleEnableKextLogging"
#define kOSBundleIsInterfaceKey "OSBundleIsInterface"
#define kOSBundleLibrariesKey "OSBundleLibraries"
#define kOSBundleRequiredKey "OSBundleRequired"
#define kOSBundleAllowUserLoadKey "OSBundleAllowUserLoad"
#define kOSKernelResourceKey "OSKernelResource"
#define kIOKitPersonalitiesKey "IOKitPersonalities"
#define kIOPersonalityPublisherKey "IOPersonalityPublisher"

/* ---- Info.plist values ----------------------------------------------------- */

#define kOSKextKernelIdentifier "__kernel__"
#define kOSKextBundlePackageTypeKext "KEXT"

#define kOSBundleRequiredRoot "Root"
#define kOSBundleRequiredLocalRoot "Local-Root"
#define kOSBundleRequiredNetworkRoot "Network-Root"
#define kOSBundleRequiredSafeBoot "Safe Boot"
#define kOSBundleRequiredConsole "Console"

/* ---- load tags --------------------------------------------------------------- */

/* Identifies one loaded instance of a kext (kmod_info.id); a reload gets a new tag. */
typedef uint32_t OSKextLoadTag;
#define kOSKextInvalidLoadTag ((OSKextLoadTag)(-1))

/* The calling kext's load tag, CFBundleIdentifier and CFBundleVersion. */
OSKextLoadTag OSKextGetCurrentLoadTag(void);
const char *OSKextGetCurrentIdentifier(void);
const char *OSKextGetCurrentVersionString(void);

/*
 * Weak imports (__attribute__((weak_import)) or weak): a kext that tests for
 * them links even when a symbol is missing; the symbol's address is then
 * gOSKextUnresolved's value, which OSKextSymbolIsResolved() compares with.
 */
extern const void *gOSKextUnresolved;
#define OSKextSymbolIsResolved(weak_sym) (&(weak_sym) != gOSKextUnresolved)

/* ---- loading ------------------------------------------------------------------- */

/*
 * Load (and start) the kext with this bundle identifier from the kext
 * repository, with its dependencies. kOSReturnSuccess if it is loaded now or
 * already was.
 */
OSReturn OSKextLoadKextWithIdentifier(const char *kextIdentifier);
/* Keep a loaded kext from unloading until the matching release. */
OSReturn OSKextRetainKextWithLoadTag(OSKextLoadTag loadTag);
OSReturn OSKextReleaseKextWithLoadTag(OSKextLoadTag loadTag);

__END_DECLS

#endif /* _LIBKERN_OSKEXTLIB_H */
