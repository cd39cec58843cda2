/*
 * OSKextLib.c — the kext system's requests: boot and shutdown, load (by
 * path or bundle identifier), unload (by identifier, load tag or class),
 * offline validation; and the public C KPI of <libkern/OSKextLib.h>.
 *
 * A load request: find the kext (a bundle path, or the highest version of
 * the identifier in the request's extra kexts and the repository), check it
 * is not loaded already, validate it, authenticate it (unless kextutil -z
 * or kext-dev-mode=1), resolve its dependencies, check privileges (root, or
 * every kext to load has OSBundleAllowUserLoad), then load the list in
 * order, libraries first. When one of them fails, the kexts this request
 * loaded are unloaded again in reverse order, so a failed request leaves
 * nothing behind. Messages use XNU's OSKext wording.
 */
#include "host/khost.h"
#include "libkern/kext/kext_internal.h"
#include "libkern/kxld/kxld.h"

/* Weak imports that did not resolve are bound to this value (see kxld.h). */
const void *gOSKextUnresolved = NULL;

static bool oskext_initialized;
static bool oskext_down;

int
OSKext_init(const char *root)
{
	int err;

	oskext_lock_init();
	oskext_lock();
	if (oskext_initialized) {
		oskext_unlock();
		return 0;
	}
	oskext_down = false;
	oskext_repo_set_root(root);
	err = oskext_kpi_init();
	if (err == 0) {
		oskext_initialized = true;
		if (OSKext_extensionsPath()[0] != '\0') {
			oskext_repo_refresh();
		}
	}
	oskext_unlock();
	return err;
}

void
OSKext_shutdown(void)
{
	if (!oskext_initialized) {
		return;
	}
	oskext_lock();
	if (!oskext_down) {
		oskext_down = true;
		oskext_stop_all();
	}
	oskext_unlock();
}

/* ---- loading ------------------------------------------------------------------------ */

struct oskext_request {
	const struct OSKextLoadArgs *args;
	OSDictionary *extra; /* -d, -r and the target's PlugIns */
	OSArray *extraAll;
	OSArray *loadList;
	OSArray *prevSink;
};

static void
oskext_extra_plugin(void *ctx, const char *path)
{
	struct oskext_request *r = ctx;

	oskext_index_add_bundle(r->extra, r->extraAll, path, false);
}

static bool
oskext_request_begin(struct oskext_request *r, const struct OSKextLoadArgs *args, OSArray *messages)
{
	unsigned int i;

	bzero(r, sizeof(*r));
	r->args = args;
	oskext_lock();
	r->prevSink = oskext_log_set_sink(NULL);
	(void)oskext_log_set_sink(messages != NULL ? messages : r->prevSink);
	oskext_repo_refresh();
	r->extra = OSDictionary_withCapacity(8);
	r->extraAll = OSArray_withCapacity(8);
	r->loadList = OSArray_withCapacity(8);
	if (r->extra == NULL || r->extraAll == NULL || r->loadList == NULL) {
		return false;
	}
	for (i = 0; args->dependencyPaths != NULL && i < OSArray_getCount(args->dependencyPaths); i++) {
		OSString *p = OSKEXT_CAST(OSString, OSArray_getObject(args->dependencyPaths, i));

		if (p != NULL) {
			oskext_index_add_bundle(r->extra, r->extraAll, OSString_getCStringNoCopy(p), true);
		}
	}
	for (i = 0; args->repositoryPaths != NULL && i < OSArray_getCount(args->repositoryPaths); i++) {
		OSString *p = OSKEXT_CAST(OSString, OSArray_getObject(args->repositoryPaths, i));

		if (p != NULL) {
			oskext_index_add_folder(r->extra, r->extraAll, OSString_getCStringNoCopy(p));
		}
	}
	return true;
}

static void
oskext_request_end(struct oskext_request *r)
{
	OSSafeReleaseNULL(r->extra);
	OSSafeReleaseNULL(r->extraAll);
	OSSafeReleaseNULL(r->loadList);
	(void)oskext_log_set_sink(r->prevSink);
	oskext_unlock();
}

/* The kext a request names: a fresh object for a path, else the best record (retained), or NULL. */
static OSKext *
oskext_request_target(struct oskext_request *r)
{
	const struct OSKextLoadArgs *a = r->args;
	OSArray *recs[2];
	OSKext *best = NULL;
	unsigned int i;

	if (a->path != NULL) {
		OSKext *k = oskext_create_from_path(a->path);

		if (k != NULL) {
			oskext_plugins_apply(OSString_getCStringNoCopy(k->path), oskext_extra_plugin, r);
		}
		return k;
	}
	recs[0] = oskext_repo_lookup(r->extra, a->bundleID);
	recs[1] = oskext_repo_lookup(oskext_repo_index(), a->bundleID);
	for (i = 0; i < 2; i++) {
		OSKext *c = (recs[i] && OSArray_getCount(recs[i])) ? (OSKext *)OSArray_getObject(recs[i], 0)
		                                                   : NULL;

		if (c != NULL && (best == NULL || c->version > best->version)) {
			best = c;
		}
	}
	if (best != NULL) {
		OSObject_retain(best);
	}
	return best;
}

static bool
oskext_privileged(struct oskext_request *r, OSKext *k)
{
	unsigned int i;

	if (r->args->uid == 0) {
		return true;
	}
	for (i = 0; i < OSArray_getCount(r->loadList); i++) {
		if (!(((OSKext *)OSArray_getObject(r->loadList, i))->kflags & OSKEXT_F_USER_LOAD)) {
			oskext_log(OSKEXT_LOG_ERROR, "Access Failure - must be root user (kext %s).",
			           oskext_id((OSKext *)OSArray_getObject(r->loadList, i)));
			return false;
		}
	}
	return (k->kflags & OSKEXT_F_USER_LOAD) != 0;
}

/* Validation, authentication, dependencies: the checks before anything is mapped. */
static OSReturn
oskext_check(struct oskext_request *r, OSKext *k, bool offline)
{
	uint32_t flags = r->args->flags;
	struct oskext_resolve_ctx ctx = {r->extra, flags, r->loadList};
	OSReturn result = kOSReturnSuccess;

	if (k->diagnostics != NULL) {
		OSDictionary_removeObjectCString(k->diagnostics, kOSKextDiagnosticsDependenciesKey);
	}
	if (offline) {
		oskext_validate_executable(k);
	}
	if (k->kflags & OSKEXT_F_INVALID) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s failed validation.", oskext_id(k));
		result = kOSKextReturnValidation;
	}
	if (!(flags & kOSKextLoadFlagSkipAuthentication) && !oskext_dev_mode() && !oskext_authenticate(k)) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s failed authentication.", oskext_id(k));
		if (result == kOSReturnSuccess) {
			result = kOSKextReturnAuthentication;
		}
	}
	/* kextutil -n -t reports every group, so resolve even after a failure when offline. */
	if ((result == kOSReturnSuccess || offline) && !(offline && (flags & kOSKextLoadFlagNoResolve)) &&
	    k->bundleID != NULL) {
		OSReturn dr = oskext_resolve_dependencies(k, &ctx);

		if (result == kOSReturnSuccess) {
			result = dr;
		}
	}
	return result;
}

/* Link (no start) every kext of the load list, then unmap them all: link errors without loading. */
static OSReturn
oskext_trial_link(struct oskext_request *r)
{
	OSReturn result = kOSReturnSuccess;
	unsigned int i, n = OSArray_getCount(r->loadList), linked = 0;

	for (i = 0; i < n && result == kOSReturnSuccess; i++) {
		OSKext *k = (OSKext *)OSArray_getObject(r->loadList, i);

		if (k->kflags & OSKEXT_F_EXECUTABLE) {
			result = oskext_link(k);
		}
		if (result == kOSReturnSuccess) {
			linked = i + 1;
		}
	}
	while (linked-- > 0) {
		oskext_unlink((OSKext *)OSArray_getObject(r->loadList, linked));
	}
	return result;
}

static void
oskext_rollback(struct oskext_request *r, unsigned int loaded)
{
	while (loaded-- > 0) {
		OSKext *k = (OSKext *)OSArray_getObject(r->loadList, loaded);

		if (k->kflags & OSKEXT_F_LOADED) {
			(void)oskext_unload_one(k, false);
		}
	}
}

static OSReturn
oskext_load_list(struct oskext_request *r, OSKext *target)
{
	unsigned int i, n = OSArray_getCount(r->loadList);
	OSReturn result;

	for (i = 0; i < n; i++) {
		OSKext *k = (OSKext *)OSArray_getObject(r->loadList, i);
		uint32_t flags = (k == target) ? r->args->flags : 0;

		result = oskext_load_one(k, flags);
		if (result != kOSReturnSuccess) {
			if (k != target) {
				oskext_log(OSKEXT_LOG_ERROR, "Dependency %s of kext %s failed to load.",
				           oskext_id(k), oskext_id(target));
				result = kOSKextReturnDependencyLoadError;
			}
			oskext_rollback(r, i);
			return result;
		}
	}
	return kOSReturnSuccess;
}

OSReturn
OSKext_load(const struct OSKextLoadArgs *args, OSKextLoadTag *loadTag, OSDictionary *diagnostics,
            OSArray *messages)
{
	struct oskext_request r;
	OSKext *k = NULL, *loaded;
	OSReturn result;

	if (loadTag != NULL) {
		*loadTag = kOSKextInvalidLoadTag;
	}
	if (args == NULL || (args->path == NULL && args->bundleID == NULL)) {
		return kOSKextReturnInvalidArgument;
	}
	if (!oskext_initialized) {
		return kOSKextReturnDisabled;
	}
	if (!oskext_request_begin(&r, args, messages)) {
		result = kOSKextReturnNoMemory;
		goto out;
	}
	if (args->path == NULL && (loaded = oskext_loaded_with_id(args->bundleID)) != NULL) {
		if (loadTag != NULL) {
			*loadTag = loaded->loadTag;
		}
		result = kOSReturnSuccess; /* "loaded successfully (or already loaded)" */
		goto out;
	}
	if ((k = oskext_request_target(&r)) == NULL) {
		if (args->path != NULL) {
			result = kOSKextReturnNoMemory;
		} else {
			oskext_log(OSKEXT_LOG_ERROR, "Can't load kext %s - not found.", args->bundleID);
			result = kOSKextReturnNotFound;
		}
		goto out;
	}
	loaded = k->bundleID != NULL ? oskext_loaded_with_id(oskext_id(k)) : NULL;
	if (loaded != NULL && !(args->flags & kOSKextLoadFlagNoLoad)) {
		if (loaded->version == k->version) {
			oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s is already loaded.", oskext_id(k));
			if (loadTag != NULL) {
				*loadTag = loaded->loadTag;
			}
			result = kOSReturnSuccess;
		} else {
			char have[kOSKextVersionMaxLength], want[kOSKextVersionMaxLength];

			(void)OSKextVersionGetString(loaded->version, have, sizeof(have));
			(void)OSKextVersionGetString(k->version, want, sizeof(want));
			oskext_log(OSKEXT_LOG_ERROR,
			           "Refusing new kext %s, v%s: a loaded copy with version v%s exists.",
			           oskext_id(k), want, have);
			result = kOSKextReturnLoadedVersionDiffers;
		}
		goto out;
	}
	/* Privileges guard loading; kextutil -n (no load) is for anyone. */
	if (args->uid != 0 && !(args->flags & kOSKextLoadFlagNoLoad) && !(k->kflags & OSKEXT_F_USER_LOAD)) {
		oskext_log(OSKEXT_LOG_ERROR, "Access Failure - must be root user (kext %s).", oskext_id(k));
		result = kOSKextReturnNotPrivileged;
		goto out;
	}
	result = oskext_check(&r, k, (args->flags & kOSKextLoadFlagNoLoad) != 0);
	if (result != kOSReturnSuccess) {
		goto out;
	}
	if (!(args->flags & kOSKextLoadFlagNoLoad) && !oskext_privileged(&r, k)) {
		result = kOSKextReturnNotPrivileged;
		goto out;
	}
	if (args->flags & kOSKextLoadFlagNoLoad) {
		if (args->flags & kOSKextLoadFlagTrialLink) {
			result = oskext_trial_link(&r);
		}
		goto out;
	}
	result = oskext_load_list(&r, k);
	if (result == kOSReturnSuccess && loadTag != NULL) {
		*loadTag = k->loadTag;
	}
out:
	if (k != NULL) {
		if (result != kOSReturnSuccess && !(args->flags & kOSKextLoadFlagNoLoad)) {
			oskext_log(OSKEXT_LOG_ERROR, "Kext %s failed to load (0x%x).", oskext_id(k),
			           (unsigned)result);
		}
		oskext_diag_copy_out(k, diagnostics);
		OSObject_release(k);
	}
	oskext_request_end(&r);
	return result;
}

OSReturn
OSKext_validateBundle(const struct OSKextLoadArgs *args, OSDictionary *diagnostics, OSArray *messages,
                      OSDictionary **infoDict)
{
	struct OSKextLoadArgs a;
	struct oskext_request r;
	OSKext *k;
	OSReturn result;

	if (infoDict != NULL) {
		*infoDict = NULL;
	}
	if (args == NULL || args->path == NULL) {
		return kOSKextReturnInvalidArgument;
	}
	if (!oskext_initialized) {
		return kOSKextReturnDisabled;
	}
	a = *args;
	a.flags |= kOSKextLoadFlagNoLoad;
	if (!oskext_request_begin(&r, &a, messages)) {
		oskext_request_end(&r);
		return kOSKextReturnNoMemory;
	}
	k = oskext_request_target(&r);
	if (k == NULL) {
		oskext_request_end(&r);
		return kOSKextReturnNoMemory;
	}
	result = oskext_check(&r, k, true);
	if (result == kOSReturnSuccess && (a.flags & kOSKextLoadFlagTrialLink)) {
		result = oskext_trial_link(&r);
	}
	oskext_diag_copy_out(k, diagnostics);
	if (infoDict != NULL && k->infoDict != NULL) {
		*infoDict = k->infoDict;
		OSObject_retain(*infoDict);
	}
	OSObject_release(k);
	oskext_request_end(&r);
	return result;
}

/* ---- unloading ------------------------------------------------------------------------- */

static OSReturn
oskext_unload_request(OSKext *k, const char *what, uint32_t uid, OSArray *messages)
{
	OSArray *prev;
	OSReturn result;

	OSKEXT_ASSERT_LOCKED();
	prev = oskext_log_set_sink(NULL);
	(void)oskext_log_set_sink(messages != NULL ? messages : prev);
	if (k == NULL) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s not found for unload request.", what);
		result = kOSKextReturnNotFound;
	} else if (uid != 0) {
		oskext_log(OSKEXT_LOG_ERROR, "Access Failure - must be root user.");
		result = kOSKextReturnNotPrivileged;
	} else {
		result = oskext_unload_one(k, false);
	}
	(void)oskext_log_set_sink(prev);
	return result;
}

OSReturn
OSKext_unloadWithIdentifier(const char *bundleID, uint32_t uid, OSArray *messages)
{
	OSReturn result;

	if (bundleID == NULL || !oskext_initialized) {
		return kOSKextReturnInvalidArgument;
	}
	oskext_lock();
	result = oskext_unload_request(oskext_loaded_with_id(bundleID), bundleID, uid, messages);
	oskext_unlock();
	return result;
}

OSReturn
OSKext_unloadWithLoadTag(OSKextLoadTag loadTag, uint32_t uid, OSArray *messages)
{
	char what[16];
	OSReturn result;

	if (loadTag == kOSKextInvalidLoadTag || !oskext_initialized) {
		return kOSKextReturnInvalidArgument;
	}
	snprintf(what, sizeof(what), "%u", loadTag);
	oskext_lock();
	result = oskext_unload_request(oskext_loaded_with_tag(loadTag), what, uid, messages);
	oskext_unlock();
	return result;
}

/* The I/O Kit's half of kextunload -c (OSKext_setClassTerminateHook), NULL until it sets it. */
static OSReturn (*oskext_class_terminate)(const char *className);

void
OSKext_setClassTerminateHook(OSReturn (*terminate)(const char *className))
{
	__atomic_store_n(&oskext_class_terminate, terminate, __ATOMIC_RELEASE);
}

/* Is className a class of a loaded kext (not the kernel's)? Only then may kextunload -c terminate. */
static bool
oskext_class_of_kext(const char *className)
{
	const OSMetaClass *meta;
	OSArray *loaded;
	bool found = false;

	oskext_lock();
	meta = OSMetaClass_getMetaClassWithCString(className);
	loaded = oskext_loaded();
	for (unsigned int i = 0; meta != NULL && loaded != NULL && i < OSArray_getCount(loaded); i++) {
		OSKext *c = (OSKext *)OSArray_getObject(loaded, i);

		if ((void *)c == OSMetaClass_getKmod(meta) && !(c->kflags & OSKEXT_F_KERNEL_COMPONENT)) {
			found = true;
		}
	}
	oskext_unlock();
	return found;
}

OSReturn
OSKext_unloadWithClassName(const char *className, uint32_t uid, OSArray *messages)
{
	OSReturn (*terminate)(const char *) = __atomic_load_n(&oskext_class_terminate, __ATOMIC_ACQUIRE);

	const OSMetaClass *meta;
	char what[128];
	OSKext *k = NULL;
	OSArray *loaded;
	unsigned int i;
	OSReturn result;

	if (className == NULL || !oskext_initialized) {
		return kOSKextReturnInvalidArgument;
	}
	/*
	 * As kextunload -c does: the class's instances are terminated first (the
	 * I/O Kit stops and detaches its drivers), without the kext lock, since
	 * drivers' stop and free run kext code that may call the kext system.
	 */
	if (terminate != NULL && uid == 0 && oskext_class_of_kext(className)) {
		(void)terminate(className);
	}
	oskext_lock();
	meta = OSMetaClass_getMetaClassWithCString(className);
	loaded = oskext_loaded();
	for (i = 0; meta != NULL && loaded != NULL && i < OSArray_getCount(loaded); i++) {
		OSKext *c = (OSKext *)OSArray_getObject(loaded, i);

		if ((void *)c == OSMetaClass_getKmod(meta)) {
			k = c;
		}
	}
	snprintf(what, sizeof(what), "with class %s", className);
	result = oskext_unload_request(k, what, uid, messages);
	oskext_unlock();
	return result;
}

/* ---- the public KPI (<libkern/OSKextLib.h>) ---------------------------------------------- */

OSReturn
OSKextLoadKextWithIdentifier(const char *kextIdentifier)
{
	struct OSKextLoadArgs a;

	if (kextIdentifier == NULL) {
		return kOSKextReturnInvalidArgument;
	}
	bzero(&a, sizeof(a));
	a.bundleID = kextIdentifier;
	return OSKext_load(&a, NULL, NULL, NULL);
}

static OSReturn
oskext_retain_release(OSKextLoadTag loadTag, bool retain)
{
	OSReturn result = kOSReturnSuccess;
	OSKext *k;

	if (loadTag == kOSKextInvalidLoadTag) {
		return kOSKextReturnInvalidArgument;
	}
	if (!oskext_initialized) {
		return kOSKextReturnNotFound;
	}
	oskext_lock();
	k = oskext_loaded_with_tag(loadTag);
	if (k == NULL) {
		oskext_log(OSKEXT_LOG_ERROR, "Can't %s kext with load tag %u - not found.",
		           retain ? "retain" : "release", loadTag);
		result = kOSKextReturnNotFound;
	} else if (retain) {
		k->retains++;
	} else if (k->retains == 0) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s released more times than retained.", oskext_id(k));
		result = kOSKextReturnInvalidArgument;
	} else {
		k->retains--;
	}
	oskext_unlock();
	return result;
}

OSReturn
OSKextRetainKextWithLoadTag(OSKextLoadTag loadTag)
{
	return oskext_retain_release(loadTag, true);
}

OSReturn
OSKextReleaseKextWithLoadTag(OSKextLoadTag loadTag)
{
	return oskext_retain_release(loadTag, false);
}

/*
 * libkmod's functions, supplied by the kernel: the caller is found from
 * the return address (the image containing it, through kxld, without the
 * kext lock: a kext's start routine may wait for a thread of its own that
 * asks). The strings live in the kext's own kmod_info, filled in at load,
 * so they stay valid while the caller is loaded. Code outside kexts gets the
 * kernel's answers.
 */
static kmod_info_t *
oskext_caller_kmod(uintptr_t caller)
{
	struct kxld_image *img = kxld_image_for_address(caller);

	return img != NULL ? (kmod_info_t *)kxld_image_kmod_info(img) : NULL;
}

OSKextLoadTag
OSKextGetCurrentLoadTag(void)
{
	kmod_info_t *ki = oskext_caller_kmod((uintptr_t)__builtin_return_address(0));

	return ki != NULL ? (OSKextLoadTag)ki->id : 0;
}

const char *
OSKextGetCurrentIdentifier(void)
{
	kmod_info_t *ki = oskext_caller_kmod((uintptr_t)__builtin_return_address(0));

	return ki != NULL ? ki->name : kOSKextKernelIdentifier;
}

const char *
OSKextGetCurrentVersionString(void)
{
	extern const char osrelease[];
	kmod_info_t *ki = oskext_caller_kmod((uintptr_t)__builtin_return_address(0));

	return ki != NULL ? ki->version : osrelease;
}
