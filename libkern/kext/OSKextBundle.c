/*
 * OSKextBundle.c — the OSKext class and kext bundles on disk: reading
 * Foo.kext/Contents/Info.plist (XML or binary, through OSUnserializePlist),
 * validating it with kextutil's rules and wording, and finding the
 * executable (Contents/MacOS/<CFBundleExecutable>) and nested kexts
 * (the .kext folders in Contents/PlugIns).
 *
 * Validation rules (each failure is a diagnostic, see OSKext.h):
 *  - CFBundlePackageType "KEXT"; CFBundleIdentifier and CFBundleVersion
 *    present, strings, shorter than KMOD_MAX_NAME (64) characters; the
 *    version in OSKextVersion's format;
 *  - OSBundleCompatibleVersion (makes the kext a library) valid and not
 *    later than CFBundleVersion;
 *  - CFBundleExecutable a plain file name, the file present;
 *  - OSBundleLibraries a non-empty dictionary of valid versions when the
 *    kext has an executable (and is not an interface);
 *  - OSBundleRequired one of Root, Local-Root, Network-Root, Console,
 *    Safe Boot; OSBundleAllowUserLoad, OSBundleIsInterface,
 *    OSKernelResource booleans; IOKitPersonalities a dictionary of
 *    dictionaries (kept in the info dictionary for the I/O Kit).
 */
#include <libkern/c/OSUnserialize.h>
#include "host/khost.h"
#include "libkern/kext/kext_internal.h"
#include "libkern/kxld/kxld.h"

#define OSKEXT_PLIST_MAX (4u << 20)        /* Info.plist size limit */
#define OSKEXT_EXECUTABLE_MAX (256u << 20) /* executable size limit */

static void OSKext_freeImpl(OSObject *obj);

static const OSMethod OSKext_methods[] = {
        OSMethodOverride(OSObject, free, OSKext_freeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSKext, OSObject, OSKext_methods);

static void
OSKext_freeImpl(OSObject *obj)
{
	OSKext *k = (OSKext *)obj;

	OSSafeReleaseNULL(k->bundleID);
	OSSafeReleaseNULL(k->path);
	OSSafeReleaseNULL(k->executablePath);
	OSSafeReleaseNULL(k->infoDict);
	OSSafeReleaseNULL(k->diagnostics);
	OSSafeReleaseNULL(k->dependencies);
	OSSuperCall(OSKext, free, obj);
}

static OSKext *
oskext_alloc(void)
{
	OSKext *k = OSTypeAlloc(OSKext);

	if (k != NULL && !OSObject_init(k)) {
		OSSafeReleaseNULL(k);
	}
	if (k != NULL) {
		k->loadTag = kOSKextInvalidLoadTag;
	}
	return k;
}

const char *
oskext_id(const OSKext *k)
{
	return (k != NULL && k->bundleID != NULL) ? OSString_getCStringNoCopy(k->bundleID) : "(unknown)";
}

bool
oskext_is_compatible(const OSKext *k, OSKextVersion requested)
{
	return (k->kflags & OSKEXT_F_LIBRARY) && requested > 0 && k->compatibleVersion > 0 &&
	       k->compatibleVersion <= requested && requested <= k->version;
}

static bool
oskext_set_string(OSDictionary *d, const char *key, const char *value)
{
	OSString *s = OSString_withCString(value);
	bool ok = s != NULL && OSDictionary_setObjectCString(d, key, s);

	OSSafeReleaseNULL(s);
	return ok;
}

OSKext *
oskext_create_component(const char *bundleID, const char *version, const char *compatibleVersion,
                        const struct OSKextKPISet *set)
{
	OSKext *k = oskext_alloc();

	if (k == NULL) {
		return NULL;
	}
	k->bundleID = OSString_withCString(bundleID);
	k->infoDict = OSDictionary_withCapacity(4);
	if (k->bundleID == NULL || k->infoDict == NULL) {
		OSSafeReleaseNULL(k);
		return NULL;
	}
	/* The info dictionary keeps the version strings as written (kextstat shows "19.6.0"). */
	if (!oskext_set_string(k->infoDict, kCFBundleIdentifierKey, bundleID) ||
	    !oskext_set_string(k->infoDict, kCFBundleVersionKey, version) ||
	    (compatibleVersion != NULL &&
	     !oskext_set_string(k->infoDict, kOSBundleCompatibleVersionKey, compatibleVersion))) {
		OSSafeReleaseNULL(k);
		return NULL;
	}
	k->version = OSKextParseVersionString(version);
	k->compatibleVersion = compatibleVersion ? OSKextParseVersionString(compatibleVersion) : 0;
	k->kflags = OSKEXT_F_KERNEL_COMPONENT | OSKEXT_F_AUTH_CHECKED;
	if (k->compatibleVersion > 0) {
		k->kflags |= OSKEXT_F_LIBRARY;
	}
	if (set != NULL) {
		k->kflags |= OSKEXT_F_INTERFACE;
	}
	k->kpiSet = set;
	return k;
}

/* ---- reading the Info.plist -------------------------------------------------------- */

/* Parse Info.plist bytes into k->infoDict (diagnostic when it is not a dictionary). */
static void
oskext_parse_plist(OSKext *k, const void *bytes, size_t len)
{
	OSString *error = NULL;
	OSObject *obj = OSUnserializePlist(bytes, len, &error);

	k->infoDict = OSKEXT_CAST(OSDictionary, obj);
	if (k->infoDict == NULL) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticBadPropertyListXMLKey, NULL);
		if (error != NULL) {
			oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s: %s", OSString_getCStringNoCopy(k->path),
			           OSString_getCStringNoCopy(error));
		}
		OSSafeReleaseNULL(obj);
	}
	OSSafeReleaseNULL(error);
}

static void
oskext_read_plist(OSKext *k, const char *bundlePath)
{
	char path[MAXPATHLEN];
	struct khost_stat st;
	void *bytes = NULL;
	size_t len = 0;
	int err;

	snprintf(path, sizeof(path), "%s/Contents/Info.plist", bundlePath);
	err = khost_stat(path, &st);
	if (err == ENOENT || err == ENOTDIR) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticFileNotFoundKey, path);
		return;
	}
	if (err != 0) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticStatFailureKey, path);
		return;
	}
	if ((st.mode & KHOST_S_IFMT) != KHOST_S_IFREG ||
	    (err = khost_file_read(path, OSKEXT_PLIST_MAX, &bytes, &len)) != 0) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticFileAccessKey, path);
		return;
	}
	oskext_parse_plist(k, bytes, len);
	(void)khost_vm_free(bytes, len ? len : 1);
}

/*
 * The value of key in k's info dictionary when it has type `type`. Missing:
 * NULL (a MissingProperty failure when required). Wrong type: NULL and an
 * IllegalType failure.
 */
static OSObject *
oskext_prop(OSKext *k, const char *key, const OSMetaClass *type, bool required)
{
	OSObject *v = OSDictionary_getObjectCString(k->infoDict, key);

	if (v == NULL) {
		if (required) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticMissingPropertyKey,
			            key);
		}
		return NULL;
	}
	if (OSMetaClass_checkMetaCast(type, v) == NULL) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticPropertyIsIllegalTypeKey,
		            key);
		return NULL;
	}
	return v;
}

static bool
oskext_bool_prop(OSKext *k, const char *key)
{
	OSBoolean *b = (OSBoolean *)oskext_prop(k, key, OSTypeID(OSBoolean), false);

	return b != NULL && OSBoolean_isTrue(b);
}

static void
oskext_validate_identity(OSKext *k)
{
	OSString *type, *id, *vers, *compat;

	type = (OSString *)oskext_prop(k, kCFBundlePackageTypeKey, OSTypeID(OSString), true);
	if (type != NULL && !OSString_isEqualToCString(type, kOSKextBundlePackageTypeKext)) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticPropertyIsIllegalValueKey,
		            kCFBundlePackageTypeKey);
	}
	id = (OSString *)oskext_prop(k, kCFBundleIdentifierKey, OSTypeID(OSString), true);
	if (id != NULL) {
		if (OSString_getLength(id) == 0) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticPropertyIsIllegalValueKey, kCFBundleIdentifierKey);
		} else {
			if (OSString_getLength(id) >= KMOD_MAX_NAME) {
				oskext_diag(k, kOSKextDiagnosticsValidationKey,
				            kOSKextDiagnosticIdentifierOrVersionTooLongKey, NULL);
			}
			k->bundleID = OSString_withString(id);
		}
	}
	k->version = -1;
	vers = (OSString *)oskext_prop(k, kCFBundleVersionKey, OSTypeID(OSString), true);
	if (vers != NULL) {
		if (OSString_getLength(vers) >= KMOD_MAX_NAME) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticIdentifierOrVersionTooLongKey, NULL);
		}
		k->version = OSKextParseVersionString(OSString_getCStringNoCopy(vers));
		if (k->version < 0) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticPropertyIsIllegalValueKey, kCFBundleVersionKey);
		}
	}
	compat = (OSString *)oskext_prop(k, kOSBundleCompatibleVersionKey, OSTypeID(OSString), false);
	if (compat != NULL) {
		k->compatibleVersion = OSKextParseVersionString(OSString_getCStringNoCopy(compat));
		if (k->compatibleVersion < 0) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticPropertyIsIllegalValueKey,
			            kOSBundleCompatibleVersionKey);
		} else if (k->version > 0 && k->compatibleVersion > k->version) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticCompatibleVersionLaterThanVersionKey, NULL);
		} else {
			k->kflags |= OSKEXT_F_LIBRARY;
		}
	} else if (OSDictionary_getObjectCString(k->infoDict, kOSBundleCompatibleVersionKey) != NULL) {
		k->compatibleVersion = -1; /* wrong type, reported */
	}
}

static void
oskext_validate_executable_name(OSKext *k, const char *bundlePath)
{
	char path[MAXPATHLEN];
	struct khost_stat st;
	OSString *exe;
	const char *name;

	exe = (OSString *)oskext_prop(k, kCFBundleExecutableKey, OSTypeID(OSString), false);
	if (exe == NULL) {
		return;
	}
	k->kflags |= OSKEXT_F_EXECUTABLE;
	name = OSString_getCStringNoCopy(exe);
	if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticPropertyIsIllegalValueKey,
		            kCFBundleExecutableKey);
		return;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/Contents/MacOS/%s", bundlePath, name) >= sizeof(path)) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticPropertyIsIllegalValueKey,
		            kCFBundleExecutableKey);
		return;
	}
	if (khost_stat(path, &st) != 0 || (st.mode & KHOST_S_IFMT) != KHOST_S_IFREG) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticExecutableMissingKey, NULL);
		return;
	}
	k->executablePath = OSString_withCString(path);
}

static bool
oskext_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

struct oskext_libs_walk {
	OSKext *k;
	bool kpi;
};

static bool
oskext_check_library(void *refcon, const OSSymbol *key, OSObject *value)
{
	struct oskext_libs_walk *w = refcon;
	const char *id = OSSymbol_getCStringNoCopy(key);
	OSString *vers = OSKEXT_CAST(OSString, value);

	if (vers == NULL) {
		oskext_diag_path(w->k, kOSKextDiagnosticsValidationKey,
		                 kOSKextDiagnosticPropertyIsIllegalTypeKey, kOSBundleLibrariesKey, id);
	} else if (OSKextParseVersionString(OSString_getCStringNoCopy(vers)) <= 0) {
		oskext_diag_path(w->k, kOSKextDiagnosticsValidationKey,
		                 kOSKextDiagnosticPropertyIsIllegalValueKey, kOSBundleLibrariesKey, id);
	}
	if (oskext_has_prefix(id, "com.apple.kpi.")) {
		w->kpi = true;
	}
	return false;
}

static void
oskext_validate_libraries(OSKext *k)
{
	struct oskext_libs_walk w = {k, false};
	bool needed = (k->kflags & OSKEXT_F_EXECUTABLE) && !(k->kflags & OSKEXT_F_INTERFACE);
	OSDictionary *libs;

	libs = (OSDictionary *)oskext_prop(k, kOSBundleLibrariesKey, OSTypeID(OSDictionary), false);
	if (libs == NULL || OSDictionary_getCount(libs) == 0) {
		if (needed && OSDictionary_getObjectCString(k->infoDict, kOSBundleLibrariesKey) == NULL) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticMissingPropertyKey,
			            kOSBundleLibrariesKey);
		} else if (needed && libs != NULL) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticPropertyIsIllegalValueKey, kOSBundleLibrariesKey);
		}
		return;
	}
	(void)OSDictionary_iterateObjects(libs, &w, oskext_check_library);
	if (!(k->kflags & (OSKEXT_F_EXECUTABLE | OSKEXT_F_LIBRARY))) {
		oskext_diag(k, kOSKextDiagnosticsWarningsKey, kOSKextDiagnosticCodelessWithLibrariesKey,
		            NULL);
	} else if (needed && !w.kpi) {
		oskext_diag(k, kOSKextDiagnosticsWarningsKey, kOSKextDiagnosticDeclaresNoKPIsWarningKey,
		            NULL);
	}
}

static bool
oskext_check_personality(void *refcon, const OSSymbol *key, OSObject *value)
{
	OSKext *k = refcon;
	OSDictionary *p = OSKEXT_CAST(OSDictionary, value);
	OSString *id;

	if (p == NULL) {
		oskext_diag_path(k, kOSKextDiagnosticsValidationKey,
		                 kOSKextDiagnosticPropertyIsIllegalTypeKey, kIOKitPersonalitiesKey,
		                 OSSymbol_getCStringNoCopy(key));
		return false;
	}
	id = OSKEXT_CAST(OSString, OSDictionary_getObjectCString(p, kCFBundleIdentifierKey));
	if (id == NULL) {
		oskext_diag(k, kOSKextDiagnosticsWarningsKey,
		            kOSKextDiagnosticPersonalityHasNoBundleIdentifierKey,
		            OSSymbol_getCStringNoCopy(key));
	} else if (k->bundleID != NULL && !OSString_isEqualToString(id, k->bundleID)) {
		oskext_diag(k, kOSKextDiagnosticsWarningsKey,
		            kOSKextDiagnosticPersonalityHasDifferentBundleIdentifierKey,
		            OSSymbol_getCStringNoCopy(key));
	}
	return false;
}

static void
oskext_validate_misc(OSKext *k)
{
	static const char *const required_values[] = {
	        kOSBundleRequiredRoot,     kOSBundleRequiredLocalRoot, kOSBundleRequiredNetworkRoot,
	        kOSBundleRequiredSafeBoot, kOSBundleRequiredConsole,
	};
	OSString *req;
	OSDictionary *pers;
	unsigned int i;

	req = (OSString *)oskext_prop(k, kOSBundleRequiredKey, OSTypeID(OSString), false);
	if (req != NULL) {
		for (i = 0; i < sizeof(required_values) / sizeof(required_values[0]); i++) {
			if (OSString_isEqualToCString(req, required_values[i])) {
				break;
			}
		}
		if (i == sizeof(required_values) / sizeof(required_values[0])) {
			oskext_diag(k, kOSKextDiagnosticsValidationKey,
			            kOSKextDiagnosticPropertyIsIllegalValueKey, kOSBundleRequiredKey);
		}
	}
	if (oskext_bool_prop(k, kOSBundleAllowUserLoadKey)) {
		k->kflags |= OSKEXT_F_USER_LOAD;
	}
	if (oskext_bool_prop(k, kOSBundleIsInterfaceKey)) {
		k->kflags |= OSKEXT_F_INTERFACE;
	}
	(void)oskext_bool_prop(k, kOSKernelResourceKey);
	pers = (OSDictionary *)oskext_prop(k, kIOKitPersonalitiesKey, OSTypeID(OSDictionary), false);
	if (pers != NULL) {
		(void)OSDictionary_iterateObjects(pers, k, oskext_check_personality);
	}
}

static OSKext *
oskext_alloc_with_path(const char *path)
{
	OSKext *k = oskext_alloc();
	size_t len = strlen(path);

	if (k == NULL) {
		return NULL;
	}
	/* Keep the path without trailing slashes: it is what kextstat and kextfind print. */
	while (len > 1 && path[len - 1] == '/') {
		len--;
	}
	k->path = OSString_withCStringOfLength(path, len);
	if (k->path == NULL) {
		OSSafeReleaseNULL(k);
		return NULL;
	}
	k->version = -1;
	return k;
}

/* Validate k->infoDict (read already) for the bundle at k->path. */
static void
oskext_validate_info(OSKext *k)
{
	if (k->infoDict != NULL) {
		oskext_validate_identity(k);
		oskext_validate_misc(k);
		oskext_validate_executable_name(k, OSString_getCStringNoCopy(k->path));
		oskext_validate_libraries(k);
	}
	if (oskext_has_diag(k, kOSKextDiagnosticsValidationKey)) {
		k->kflags |= OSKEXT_F_INVALID;
	}
}

OSKext *
oskext_create_from_path(const char *path)
{
	struct khost_stat st;
	OSKext *k = oskext_alloc_with_path(path);
	int err;

	if (k == NULL) {
		return NULL;
	}
	path = OSString_getCStringNoCopy(k->path);
	err = khost_stat(path, &st);
	if (err != 0) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey,
		            err == ENOENT || err == ENOTDIR ? kOSKextDiagnosticFileNotFoundKey
		                                            : kOSKextDiagnosticStatFailureKey,
		            path);
	} else if ((st.mode & KHOST_S_IFMT) != KHOST_S_IFDIR) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticNotABundleKey, NULL);
	} else {
		oskext_read_plist(k, path);
	}
	oskext_validate_info(k);
	return k;
}

OSKext *
oskext_create_from_plist(const char *path, const void *bytes, size_t len)
{
	OSKext *k = oskext_alloc_with_path(path);

	if (k != NULL) {
		oskext_parse_plist(k, bytes, len);
		oskext_validate_info(k);
	}
	return k;
}

/* ---- the executable --------------------------------------------------------------- */

int
oskext_read_executable(OSKext *k, void **bytes, size_t *len)
{
	if (k->executablePath == NULL) {
		return ENOENT;
	}
	return khost_file_read(OSString_getCStringNoCopy(k->executablePath), OSKEXT_EXECUTABLE_MAX, bytes,
	                       len);
}

static int
oskext_find_kmod_info(void *ctx, const char *name, bool defined, bool is_function)
{
	bool *found = ctx;

	if (defined && strcmp(name, "kmod_info") == 0) {
		*found = true;
		return 1;
	}
	return 0;
}

void
oskext_validate_executable(OSKext *k)
{
	void *bytes = NULL;
	size_t len = 0;
	bool found = false;

	if (k->executablePath == NULL) {
		return;
	}
	if (oskext_read_executable(k, &bytes, &len) != 0) {
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticFileAccessKey,
		            OSString_getCStringNoCopy(k->executablePath));
		k->kflags |= OSKEXT_F_INVALID;
		return;
	}
	int err = kxld_object_symbols(bytes, len, oskext_find_kmod_info, &found, NULL);
	if (err != 0 || !found) {
		/* Say why in the log: the diagnostic itself has Apple's fixed wording. */
		printf("OSKext: %s: %s (error %d, %lu bytes)\n", OSString_getCStringNoCopy(k->executablePath),
		       err != 0 ? "not a readable ELF relocatable object" : "no kmod_info symbol", err,
		       (unsigned long)len);
		oskext_diag(k, kOSKextDiagnosticsValidationKey, kOSKextDiagnosticExecutableBadKey, NULL);
		k->kflags |= OSKEXT_F_INVALID;
	}
	(void)khost_vm_free(bytes, len ? len : 1);
}

/* ---- nested kexts -------------------------------------------------------------------- */

struct oskext_plugins_walk {
	const char *dir;
	void (*fn)(void *ctx, const char *path);
	void *ctx;
};

static bool
oskext_is_kext_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".kext") == 0 && name[0] != '.';
}

static int
oskext_plugin_entry(void *ctx, const char *name)
{
	struct oskext_plugins_walk *w = ctx;
	char path[MAXPATHLEN];

	if (oskext_is_kext_name(name) &&
	    (size_t)snprintf(path, sizeof(path), "%s/%s", w->dir, name) < sizeof(path)) {
		w->fn(w->ctx, path);
	}
	return 0;
}

void
oskext_plugins_apply(const char *bundlePath, void (*fn)(void *ctx, const char *path), void *ctx)
{
	char dir[MAXPATHLEN];
	struct oskext_plugins_walk w = {dir, fn, ctx};

	if ((size_t)snprintf(dir, sizeof(dir), "%s/Contents/PlugIns", bundlePath) >= sizeof(dir)) {
		return;
	}
	(void)khost_dir_list(dir, oskext_plugin_entry, &w);
}
