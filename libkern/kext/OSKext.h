/*
 * OSKext.h — the kext system's kernel-private API (XNU's OSKext class,
 * in C). Used by the boot sequence, the request channel (kextload,
 * kextunload, kextstat over the kernel socket) and the offline tools
 * (kextutil -n -t, kextlibs, kextfind link the kernel core and call these
 * functions in-process, so online and offline diagnostics are the same code).
 *
 * Everything returns an OSReturn (kOSReturnSuccess or a kOSKextReturn*
 * code from <libkern/OSKextLib.h>) and hands results through pointers or
 * through containers the caller passes in:
 *
 *  - `diagnostics` (OSDictionary, may be NULL): what kextutil prints after
 *    "Diagnostics for <path>:". Keys are the group names, in this order
 *    when present: kOSKextDiagnosticsValidationKey, ...AuthenticationKey,
 *    ...DependenciesKey, ...WarningsKey. Each value is an OSDictionary
 *    mapping a diagnostic string (the kOSKextDiagnostic* texts below,
 *    IOKitUser's wording) to an OSArray of OSString details (property
 *    names, file paths, library identifiers, symbol names), or to
 *    kOSBooleanTrue when the diagnostic has no details. Dictionaries keep
 *    insertion order. When a bundle's nested kexts (Contents/PlugIns) are
 *    validated too, their diagnostics are not merged into the parent's.
 *  - `messages` (OSArray, may be NULL): the kernel log lines the operation
 *    printed, as OSStrings without the trailing newline, in order — what
 *    kextload prints as "(kernel) ..." lines. They also go to the kernel
 *    log with printf.
 *
 * Locking: one recursive kext lock serialises loads, unloads and
 * repository scans; a kext's start/stop may call back into the kext system
 * (OSKextLoadKextWithIdentifier, OSKextRetainKextWithLoadTag, ...).
 */
#ifndef _LIBKERN_KEXT_OSKEXT_H_
#define _LIBKERN_KEXT_OSKEXT_H_

#include <sys/cdefs.h>
#include <stdbool.h>
#include <stdint.h>
#include <libkern/OSKextLib.h>
#include <libkern/OSKextLibPrivate.h>
#include <libkern/c/OSContainers.h>
#include "libkern/kext/OSKextKPI.h"

__BEGIN_DECLS

/* ---- boot, SIGHUP, shutdown (called by osfmk/kern/startup.c) ------------------ */

/*
 * After libkern_init(): register the kernel (load tag 0) and the KPI
 * pseudo-kexts (tags 1..7), take `root` (the kernel root, may be NULL) as
 * the place of the repository <root>/Extensions and scan it. 0 or an errno.
 */
int OSKext_init(const char *root);
/* Rescan the repository now (SIGHUP: "touch the folder and HUP kextd"). */
void OSKext_rescan(void);
/* Stop and unload every loaded kext in reverse load order, logging each. Idempotent. */
void OSKext_shutdown(void);
/* The kernel root given to OSKext_init ("" when none). */
const char *OSKext_rootPath(void);
/*
 * Use another folder as the repository (tests and offline tools); NULL
 * restores <root>/Extensions. Forces a rescan on the next request.
 */
void OSKext_setExtensionsPath(const char *path);
/* The repository folder in use ("" when none). */
const char *OSKext_extensionsPath(void);

/*
 * The I/O Kit catalogue's hooks (iokit/Kernel/IOCatalogue.c): `add` gets the
 * Info.plist of every kext found by a repository scan (now, for the current
 * repository, and at each rescan) and of every kext loaded; `remove` the
 * bundle identifier of every kext unloaded. Either may be NULL.
 */
void OSKext_setPersonalityHooks(void (*add)(OSDictionary *infoDict), void (*remove)(const char *bundleID));
/*
 * The I/O Kit's kextunload -c step: OSKext_unloadWithClassName calls
 * terminate(className) first, so the class's driver instances go before
 * the kext is asked to unload. May be NULL.
 */
void OSKext_setClassTerminateHook(OSReturn (*terminate)(const char *className));

/* ---- loading ---------------------------------------------------------------------- */

/* OSKextLoadArgs.flags */
#define kOSKextLoadFlagSkipAuthentication 0x01 /* kextutil -z: don't check owners/permissions */
#define kOSKextLoadFlagNoStart 0x02            /* link and map only: no classes, constructors or start */
#define kOSKextLoadFlagNoLoad 0x04             /* kextutil -n: validate, authenticate, resolve only */
#define kOSKextLoadFlagTrialLink 0x08          /* with NoLoad: also link (then unmap) to find link errors */
#define kOSKextLoadFlagNoResolve 0x10          /* kextutil -Z: don't resolve dependencies (with NoLoad) */

struct OSKextLoadArgs {
	const char *path;         /* bundle to load, or NULL to load bundleID from the repository */
	const char *bundleID;     /* used when path is NULL */
	uint32_t flags;           /* kOSKextLoadFlag* */
	uint32_t uid;             /* requester (socket peer credentials); 0 = root */
	OSArray *dependencyPaths; /* OSString bundle paths also used to resolve libraries (kextload -d) */
	OSArray *repositoryPaths; /* OSString folders also searched for libraries (kextload -r) */
};

/*
 * Validate, authenticate, resolve dependencies (loading and starting them
 * first), link, register classes, run constructors and start the kext.
 * *loadTag (may be NULL) is its load tag. Loading an already loaded kext
 * of the same version succeeds (kextload: "loaded successfully (or already
 * loaded)"); another version loaded gives kOSKextReturnLoadedVersionDiffers.
 * Failures: kOSKextReturnValidation / Authentication / Dependencies (see
 * diagnostics), NotPrivileged (uid != 0 and not every kext in the load list
 * has OSBundleAllowUserLoad), LinkError (kxld's messages in `messages`),
 * StartStopError (start returned non-zero; the kext was unmapped),
 * DependencyLoadError (a library failed to load or start), NotFound (no
 * such bundle id in the repository). A failed request unloads again the
 * libraries it loaded. With kOSKextLoadFlagNoLoad nothing is loaded and no
 * privilege is needed (kextutil -n); see also OSKext_validateBundle.
 */
OSReturn OSKext_load(const struct OSKextLoadArgs *args, OSKextLoadTag *loadTag, OSDictionary *diagnostics,
                     OSArray *messages);

/* ---- unloading ------------------------------------------------------------------- */

/*
 * Stop and unload. kOSKextReturnNotFound (not loaded), NotPrivileged (uid
 * != 0), InUse (dependents, retains, or instances of its classes — the
 * kernel's "Can't unload kext ..." messages), StartStopError (stop returned
 * non-zero: the kext stays loaded and started), InvalidArgument (kernel
 * components). What the kext leaked is printed at unload (OSMalloc tags and
 * kalloc bytes, by tag).
 */
OSReturn OSKext_unloadWithIdentifier(const char *bundleID, uint32_t uid, OSArray *messages);
OSReturn OSKext_unloadWithLoadTag(OSKextLoadTag loadTag, uint32_t uid, OSArray *messages);
/* Unload the kext that defines class `className` (kextunload -c). */
OSReturn OSKext_unloadWithClassName(const char *className, uint32_t uid, OSArray *messages);

/* ---- kexts loaded by request, across a panic reboot (OSKextReboot.c) ------------- */

/*
 * At boot, after the I/O Kit and before clients: with afterPanic, load again
 * the kexts the panicked kernel had loaded by request (kextload, kextutil),
 * in their order, logging each result; either way start a new, empty list.
 */
void OSKext_reloadAfterPanic(bool afterPanic);
/* A load request succeeded (kern_request_kext.c): write it down. */
void OSKext_noteLoadRequest(const struct OSKextLoadArgs *args, OSKextLoadTag loadTag);
/* An unload request succeeded: cross out what is no longer loaded. */
void OSKext_noteUnload(void);

/* ---- information --------------------------------------------------------------- */

/*
 * Loaded kexts (the kernel and the KPI pseudo-kexts included) as an
 * OSDictionary keyed by bundle identifier, in load-tag order. Each value
 * is an OSDictionary with CFBundleIdentifier, CFBundleVersion (OSString),
 * OSBundleCompatibleVersion (OSString, libraries), OSBundleLoadTag
 * (OSNumber 32), OSBundleLoadAddress, OSBundleLoadSize, OSBundleWiredSize
 * (OSNumber 64), OSBundleUUID (OSData, 16 bytes, kexts with an executable),
 * OSBundleDependencies (OSArray of OSNumber load tags, the libraries it
 * links against directly), OSBundleRetainCount (OSNumber 32: dependents +
 * retains), OSBundleStarted, OSKernelResource, OSBundleIsInterface
 * (OSBoolean), OSBundlePath and OSBundleExecutablePath (OSString, kexts
 * loaded from disk), OSBundleClasses (OSArray of class names).
 * kextIdentifiers (OSStrings) limits the kexts, infoKeys (OSStrings) the
 * keys; NULL or empty means all. Returns a retained dictionary or NULL.
 */
OSDictionary *OSKextCopyLoadedKextInfo(OSArray *kextIdentifiers, OSArray *infoKeys);

/*
 * kexthost: a loaded (or linked, offline) kext's debug object: its ELF object
 * with sections at their load addresses (kxld_image_debug_object), or with
 * address != 0 as kxld would lay it out at that address (kextutil -s -a).
 * kOSReturnSuccess and a new OSData, ...NotFound, ...InvalidArgument (a bad
 * address), ...LinkError, ...NoResources (too large to send), ...NoMemory.
 */
OSReturn OSKext_copyDebugObject(const char *bundleID, uint64_t address, OSData **out);

/* ---- offline validation (kextutil -n -t) --------------------------------------------- */

/*
 * Everything OSKext_load checks, without loading: Info.plist validation,
 * authentication (unless kOSKextLoadFlagSkipAuthentication), dependency
 * resolution against the repository + args->dependencyPaths/repositoryPaths
 * (unless kOSKextLoadFlagNoResolve), and with kOSKextLoadFlagTrialLink a
 * trial link (link errors go to `messages`). args->path is required;
 * kOSKextLoadFlagNoLoad is implied. kOSReturnSuccess when the kext "appears
 * to be loadable"; otherwise the first failing group's code.
 * *infoDict (may be NULL) receives the retained Info.plist dictionary.
 */
OSReturn OSKext_validateBundle(const struct OSKextLoadArgs *args, OSDictionary *diagnostics,
                               OSArray *messages, OSDictionary **infoDict);

/* Diagnostic group keys (IOKitUser's wording). */
#define kOSKextDiagnosticsValidationKey "Validation Failures"
#define kOSKextDiagnosticsAuthenticationKey "Authentication Failures"
#define kOSKextDiagnosticsDependenciesKey "Dependency Resolution Failures"
#define kOSKextDiagnosticsWarningsKey "Warnings"

/*
 * Diagnostic strings (IOKitUser's kOSKextDiagnostic* texts). Details for a
 * nested property are its key path joined by " -> "
 * ("OSBundleLibraries -> com.example.lib").
 */
/* Validation Failures */
#define kOSKextDiagnosticFileNotFoundKey "File not found"
#define kOSKextDiagnosticStatFailureKey "Failed to get file info (stat failed)"
#define kOSKextDiagnosticFileAccessKey "File access failure; can't open, or I/O error"
#define kOSKextDiagnosticNotABundleKey "Failed to open CFBundle (unknown error)."
#define kOSKextDiagnosticBadPropertyListXMLKey "Can't parse info dictionary XML"
#define kOSKextDiagnosticMissingPropertyKey "Info dictionary missing required property/value"
#define kOSKextDiagnosticPropertyIsIllegalTypeKey "Info dictionary property value is of illegal type"
#define kOSKextDiagnosticPropertyIsIllegalValueKey "Info dictionary property value is illegal"
#define kOSKextDiagnosticIdentifierOrVersionTooLongKey \
	"CFBundleIdentifier and CFBundleVersion must be < 64 characters."
#define kOSKextDiagnosticExecutableMissingKey \
	"Kext has a CFBundleExecutable property but the executable can't be found"
#define kOSKextDiagnosticCompatibleVersionLaterThanVersionKey \
	"Compatible version must be lower than current version."
#define kOSKextDiagnosticExecutableBadKey \
	"Executable file doesn't contain kernel extension code (no kmod_info symbol or bad Mach-O layout)."
/* Authentication Failures */
#define kOSKextDiagnosticOwnerPermissionKey \
	"File owner/permissions are incorrect (must be root:wheel, nonwritable by group/other)"
/* Dependency Resolution Failures */
#define kOSKextDependencyUnavailable "No kexts found for these libraries"
#define kOSKextDependencyNoCompatibleVersion "Only incompatible kexts found for these libraries"
#define kOSKextDependencyCompatibleVersionUndeclared \
	"Kexts found for these libraries lack valid OSBundleCompatibleVersion"
#define kOSKextDependencyLoadedIsIncompatible \
	"Kexts already loaded for these libraries are not compatible with the requested version"
#define kOSKextDependencyIndirectDependencyUnresolvable "Indirect dependencies can't be resolved"
#define kOSKextDependencyCircularReference "Some dependencies are causing circular references"
#define kOSKextDependencyInvalid "Dependencies have validation problems"
#define kOSKextDependencyInauthentic "Dependencies have incorrect owner/permissions"
#define kOSKextDiagnosticRawKernelDependency                                                 \
	"Kexts may not link against com.apple.kernel; use either com.apple.kpi.* libraries " \
	"(recommended), or com.apple.kernel.* (for compatiblity with older releases)."
#define kOSKextDiagnosticDeclaresNonKPIDependenciesKey \
	"64-bit kexts must use com.apple.kpi.* libraries, not com.apple.kernel* libraries."
#define kOSKextDiagnosticNonAppleKextDeclaresPrivateKPIDependencyKey \
	"Only Apple kexts may link against com.apple.kpi.private."
/* Warnings */
#define kOSKextDiagnosticTypeWarningKey "Info dictionary property value is of incorrect type"
#define kOSKextDiagnosticDeclaresNoKPIsWarningKey                                                          \
	"Kext declares no com.apple.kpi.* libraries; if it references any kernel symbols, it may fail to " \
	"link."
#define kOSKextDiagnosticCodelessWithLibrariesKey \
	"Kext has no executable or compatible version, so it should not declare any OSBundleLibraries."
#define kOSKextDiagnosticSymlinkKey                                                      \
	"The booter does not recognize symbolic links; confirm these files/directories " \
	"aren't needed for startup"
#define kOSKextDiagnosticPersonalityHasNoBundleIdentifierKey                             \
	"Personality has no CFBundleIdentifier; the kext's identifier will be inserted " \
	"when sending to the IOCatalogue"
#define kOSKextDiagnosticPersonalityHasDifferentBundleIdentifierKey                         \
	"Personality CFBundleIdentifier differs from containing kext's (not necessarily a " \
	"mistake, but rarely done)"

/* ---- the repository (kextfind, kextlibs) ------------------------------------------------ */

/*
 * Every kext bundle found in the repository and in repositoryPaths
 * (OSStrings, may be NULL), nested PlugIns included, one OSDictionary each:
 * its Info.plist keys plus OSBundlePath, OSBundleExecutablePath (when it
 * has an executable that exists), "OSBundleIsValid" (OSBoolean: no
 * validation failures) and "OSBundleLoaded" (OSBoolean: this identifier and
 * version is loaded). Kexts whose Info.plist cannot be read are skipped.
 * Returns a retained array or NULL. Rescans the repository first when its
 * folder's mtime changed.
 */
OSArray *OSKext_copyRepositoryKexts(OSArray *repositoryPaths);

/* ---- KPI symbol sets (kextlibs) ---------------------------------------------------------- */

/* The KPI pseudo-kexts in load-tag order (tags 1..count); their CFBundleVersion is OSKext_kernelVersion(). */
const struct OSKextKPISet *OSKext_kpiSets(unsigned int *count);
/* A set by bundle identifier, or NULL. */
const struct OSKextKPISet *OSKext_kpiSetWithIdentifier(const char *bundleID);
/* Look a name up in one set: true and *address when the set exports it. */
bool OSKext_kpiSetLookup(const struct OSKextKPISet *set, const char *name, const void **address);
/* The kernel's Darwin version ("19.6.0"): the KPI sets' CFBundleVersion. */
const char *OSKext_kernelVersion(void);

__END_DECLS

#endif /* _LIBKERN_KEXT_OSKEXT_H_ */
