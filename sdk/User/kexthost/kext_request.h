/*
 * kexthost/kext_request.h — the vocabulary of KHRQ_T_KEXT_REQUEST messages
 * (see <kexthost/request.h> for the framing): the request dictionary's keys
 * and predicates, named and spelled as XNU's kext_request keys, plus the
 * few kexthost additions (a load by path and the kernel's own test
 * predicates), the OSBundle* keys of loaded-kext info, and the OSReturn
 * codes a reply carries. Both the kernel and user programs include it, so
 * it holds only string and integer constants; the groups that the kernel's
 * <libkern/OSKextLib.h> also defines are skipped when it came first.
 *
 * Request:  { "Kext Request Predicate": <predicate string>,
 *             "Kext Request Arguments": { ...arguments... } }
 * Reply:    a result code (OSReturn), an optional response property list,
 *           and the kernel log lines written while handling the request.
 *
 * Predicates and their arguments:
 *   Get Loaded Kext Info   CFBundleIdentifier: array of ids (optional, all
 *                          when absent); Kext Request Info Keys: array
 *                          (optional). Response: dictionary id -> info
 *                          dictionary (OSBundle* keys below).
 *   Load                   CFBundleIdentifier: id, or OSBundlePath: path
 *                          of the bundle; Repository Paths / Dependency
 *                          Paths: arrays of extra folders / kexts to search
 *                          (kextload -r / -d); Start Exclude Level:
 *                          integer; Skip Authentication: boolean (kextutil
 *                          -z, honoured for root only). Response:
 *                          dictionary with Diagnostics, Messages and the
 *                          load tag.
 *   Unload                 CFBundleIdentifier: id, or Class Name: a class
 *                          the kext defines (kextunload -c); Terminate
 *                          IOServices: boolean.
 *   Validate               (kexthost) OSBundlePath + the Load options, Trial
 *                          Link, Skip Dependency Resolution: validate,
 *                          authenticate, resolve and link-test without
 *                          loading (kextutil -n -t). Response: dictionary
 *                          with Diagnostics, Messages, Info Dictionary.
 *
 *   Get Repository Kexts   (kexthost) Repository Paths, Include Symbols.
 *                          Response: array of dictionaries (Info.plist keys,
 *                          OSBundlePath, OSBundleExecutablePath,
 *                          OSBundleIsValid, OSBundleLoaded[, symbols]).
 *   Find Link Dependencies (kexthost) OSBundlePath, Repository Paths, Allow
 *                          Unsupported (kextlibs).
 *   Get Kext Symbols       (kexthost) CFBundleIdentifier of a loaded kext.
 *                          Response: array of {Name, Address, Size, Flags}.
 *                          With Debug Object: true, the kext's debug object
 *                          (data: its ELF object with sections at their load
 *                          addresses, what gdb's JIT interface is given), or
 *                          with Link Address: integer too, the one it would
 *                          have linked at that address (kextutil -s [-a]).
 *
 * Diagnostics: dictionary group ("Validation Failures", ...) -> dictionary
 * diagnostic text -> array of detail strings, or true when it has none.
 */
#ifndef _KEXTHOST_KEXT_REQUEST_H_
#define _KEXTHOST_KEXT_REQUEST_H_

/* ---- request dictionary ------------------------------------------------ */

#define kKextRequestPredicateKey "Kext Request Predicate"
#define kKextRequestArgumentsKey "Kext Request Arguments"

#define kKextRequestPredicateGetLoaded "Get Loaded Kext Info"
#define kKextRequestPredicateLoad "Load"
#define kKextRequestPredicateStart "Start"
#define kKextRequestPredicateStop "Stop"
#define kKextRequestPredicateUnload "Unload"
/* kexthost: validation and link test without loading (kextutil -n). */
#define kKextRequestPredicateValidate "Validate"
/* kexthost: the repository's kexts (kextfind). */
#define kKextRequestPredicateGetRepository "Get Repository Kexts"
/* kexthost: the libraries a kext's executable needs (kextlibs). */
#define kKextRequestPredicateFindLibraries "Find Link Dependencies"
/* kexthost: a loaded kext's symbols at their addresses (kextutil -s). */
#define kKextRequestPredicateGetSymbols "Get Kext Symbols"

#define kKextRequestArgumentBundleIdentifierKey "CFBundleIdentifier"
#define kKextRequestArgumentInfoKeysKey "Kext Request Info Keys"
#define kKextRequestArgumentStartExcludeKey "Start Exclude Level"
#define kKextRequestArgumentDelayAutounloadKey "Delay Autounload"
#define kKextRequestArgumentTerminateIOServicesKey "Terminate IOServices"
/* kexthost arguments */
#define kKextRequestArgumentBundlePathKey "OSBundlePath"
#define kKextRequestArgumentClassNameKey "Class Name"
#define kKextRequestArgumentRepositoryPathsKey "Repository Paths"
#define kKextRequestArgumentDependencyPathsKey "Dependency Paths"
#define kKextRequestArgumentSkipAuthenticationKey "Skip Authentication"
/* Validate: also link (then unmap) to find link errors (kextutil -t / -s). */
#define kKextRequestArgumentTrialLinkKey "Trial Link"
/* Validate: skip dependency resolution (kextutil -Z). */
#define kKextRequestArgumentNoResolveKey "Skip Dependency Resolution"
/* Find Link Dependencies: also search com.apple.kpi.unsupported/private (kextlibs -unsupported). */
#define kKextRequestArgumentAllowUnsupportedKey "Allow Unsupported"
/* Get Repository Kexts: add each executable's symbols. */
#define kKextRequestArgumentIncludeSymbolsKey "Include Symbols"
/* Get Kext Symbols: answer the debug object (data), optionally laid out at Link Address. */
#define kKextRequestArgumentDebugObjectKey "Debug Object"
#define kKextRequestArgumentLinkAddressKey "Link Address"

/* Start Exclude Level values (OSKextExcludeLevel). */
#ifndef kOSKextExcludeNone
#define kOSKextExcludeNone 0
#define kOSKextExcludeKext 1
#define kOSKextExcludeAll 2
#endif

/* ---- response keys (Load / Validate) ----------------------------------- */

/* Dictionary: group name -> dictionary diagnostic -> details (see above). */
#define kKextRequestResponseDiagnosticsKey "Diagnostics"
/* Array of strings: the kext system's messages ("(kernel) ..." lines in kextload). */
#define kKextRequestResponseMessagesKey "Messages"
/* Load tag of the kext a Load request loaded (number). */
#define kKextRequestResponseLoadTagKey "OSBundleLoadTag"
/* Validate: the kext's Info.plist as the kernel read it (dictionary). */
#define kKextRequestResponseInfoKey "Info Dictionary"
/* Get Repository Kexts with symbols; Find Link Dependencies: arrays of symbol names. */
#define kKextRequestResponseDefinedSymbolsKey "Defined Symbols"
#define kKextRequestResponseUndefinedSymbolsKey "Undefined Symbols"
/* Find Link Dependencies: [{CFBundleIdentifier, CFBundleVersion, OSBundleCompatibleVersion}],
 * {symbol: library id}, {symbol: [library ids]}; plus booleans Has Executable, Is Library,
 * Declares Libraries. */
#define kKextRequestResponseLibrariesKey "Libraries"
#define kKextRequestResponseResolvedSymbolsKey "Resolved Symbols"
#define kKextRequestResponseMultiplyDefinedKey "Multiply Defined Symbols"

/* ---- loaded kext info (OSKextCopyLoadedKextInfo keys) ------------------ */

#ifndef kOSBundleLoadTagKey
#define kCFBundleIdentifierKey "CFBundleIdentifier"
#define kCFBundleVersionKey "CFBundleVersion"
#define kOSBundleCompatibleVersionKey "OSBundleCompatibleVersion"
#define kOSBundleIsInterfaceKey "OSBundleIsInterface"
#define kOSKernelResourceKey "OSKernelResource"
#define kOSBundleCPUTypeKey "OSBundleCPUType"
#define kOSBundleCPUSubtypeKey "OSBundleCPUSubtype"
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
#endif

/* ---- diagnostic groups, as kextutil prints them ------------------------- */

#define kKextDiagnosticsValidationKey "Validation Failures"
#define kKextDiagnosticsAuthenticationKey "Authentication Failures"
#define kKextDiagnosticsDependenciesKey "Dependency Resolution Failures"
#define kKextDiagnosticsWarningsKey "Warnings"

/* ---- result codes (libkern/OSReturn.h, libkern/OSKextLib.h) ------------- */

#define KHRQ_OSRETURN_KEXT(code) ((int)(0xdc008000u | (unsigned)(code)))

#ifndef kOSReturnSuccess
#define kOSReturnSuccess 0
#endif
#ifndef kOSReturnError
#define kOSReturnError ((int)0xdc000001u)
#endif
#ifndef kOSKextReturnInternalError
#define kOSKextReturnInternalError KHRQ_OSRETURN_KEXT(0x1)
#define kOSKextReturnNoMemory KHRQ_OSRETURN_KEXT(0x2)
#define kOSKextReturnNoResources KHRQ_OSRETURN_KEXT(0x3)
#define kOSKextReturnNotPrivileged KHRQ_OSRETURN_KEXT(0x4)
#define kOSKextReturnInvalidArgument KHRQ_OSRETURN_KEXT(0x5)
#define kOSKextReturnNotFound KHRQ_OSRETURN_KEXT(0x6)
#define kOSKextReturnBadData KHRQ_OSRETURN_KEXT(0x7)
#define kOSKextReturnSerialization KHRQ_OSRETURN_KEXT(0x8)
#define kOSKextReturnUnsupported KHRQ_OSRETURN_KEXT(0x9)
#define kOSKextReturnDisabled KHRQ_OSRETURN_KEXT(0xa)
#define kOSKextReturnNotAKext KHRQ_OSRETURN_KEXT(0xb)
#define kOSKextReturnValidation KHRQ_OSRETURN_KEXT(0xc)
#define kOSKextReturnAuthentication KHRQ_OSRETURN_KEXT(0xd)
#define kOSKextReturnDependencies KHRQ_OSRETURN_KEXT(0xe)
#define kOSKextReturnArchNotFound KHRQ_OSRETURN_KEXT(0xf)
#define kOSKextReturnCache KHRQ_OSRETURN_KEXT(0x10)
#define kOSKextReturnDeferred KHRQ_OSRETURN_KEXT(0x11)
#define kOSKextReturnBootLevel KHRQ_OSRETURN_KEXT(0x12)
#define kOSKextReturnNotLoadable KHRQ_OSRETURN_KEXT(0x13)
#define kOSKextReturnLoadedVersionDiffers KHRQ_OSRETURN_KEXT(0x14)
#define kOSKextReturnDependencyLoadError KHRQ_OSRETURN_KEXT(0x15)
#define kOSKextReturnLinkError KHRQ_OSRETURN_KEXT(0x16)
#define kOSKextReturnStartStopError KHRQ_OSRETURN_KEXT(0x17)
#define kOSKextReturnInUse KHRQ_OSRETURN_KEXT(0x18)
#define kOSKextReturnTimeout KHRQ_OSRETURN_KEXT(0x19)
#define kOSKextReturnStopping KHRQ_OSRETURN_KEXT(0x1a)
#endif

#endif /* _KEXTHOST_KEXT_REQUEST_H_ */
