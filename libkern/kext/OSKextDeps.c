/*
 * OSKextDeps.c — dependency resolution: turning a kext's OSBundleLibraries
 * into the loaded or loadable kexts it links against.
 *
 * For each library identifier and requested version, in declaration order:
 *  - com.apple.kernel is refused ("... which is not permitted") and
 *    com.apple.kernel.* too (64-bit kexts use only com.apple.kpi.*);
 *  - a loaded kext with that identifier is used if it is compatible
 *    (OSBundleCompatibleVersion <= requested <= CFBundleVersion), else the
 *    resolution fails: the loaded one can't be replaced;
 *  - otherwise the highest compatible version among the extra kexts of the
 *    request (kextload -d/-r, the kext's own PlugIns) and the repository;
 *  - com.apple.kpi.private only for com.apple.* kexts.
 * A library that is not loaded must itself be valid and authentic and have
 * its dependencies resolved (recursively; a kext met again on the current
 * path is a dependency loop). The result is the list of kexts to load,
 * libraries before their clients, and each kext's `dependencies`: the
 * libraries it links against directly (a codeless library passes its own
 * on). Failures are diagnostics in kextutil's wording plus the kernel's
 * log messages (XNU's OSKext::resolveDependencies wording).
 */
#include "libkern/kext/kext_internal.h"

#define OSKEXT_MAX_DEPENDENCY_DEPTH 32

struct oskext_walk {
	struct oskext_resolve_ctx *ctx;
	OSArray *stack; /* the kexts being resolved, outermost first */
	unsigned int depth;
	char loop[KMOD_MAX_NAME]; /* the library that closed the first dependency loop */
};

static bool oskext_resolve_one(struct oskext_walk *w, OSKext *k);

static bool
oskext_array_has(const OSArray *a, const OSKext *k)
{
	return a != NULL && OSArray_getNextIndexOfObject(a, k, 0) != (unsigned int)-1;
}

static bool
oskext_array_add_once(OSArray *a, OSKext *k)
{
	return oskext_array_has(a, k) || OSArray_setObject(a, k);
}

/* Is a kext with k's identifier on the stack? (The kext asked for by path and its */
/* repository record are different objects with one identity.) */
static bool
oskext_stack_has(const OSArray *stack, const OSKext *k)
{
	unsigned int i;

	for (i = 0; i < OSArray_getCount(stack); i++) {
		if (strcmp(oskext_id((OSKext *)OSArray_getObject(stack, i)), oskext_id(k)) == 0) {
			return true;
		}
	}
	return false;
}

static bool
oskext_is_ready(const OSKext *k)
{
	return (k->kflags & (OSKEXT_F_LOADED | OSKEXT_F_KERNEL_COMPONENT)) != 0;
}

/* Pick the highest compatible version among recs (any order); note what was seen. */
static OSKext *
oskext_pick(OSArray *recs, OSKextVersion req, OSKext *best, bool *seen, bool *seenLibrary)
{
	unsigned int i;

	for (i = 0; recs != NULL && i < OSArray_getCount(recs); i++) {
		OSKext *c = (OSKext *)OSArray_getObject(recs, i);

		*seen = true;
		if (c->kflags & OSKEXT_F_LIBRARY) {
			*seenLibrary = true;
		}
		if (oskext_is_compatible(c, req) && (best == NULL || c->version > best->version)) {
			best = c;
		}
	}
	return best;
}

/* The kext to use for library `id` at version `req`, or NULL with k's diagnostics set. */
static OSKext *
oskext_find_library(struct oskext_walk *w, OSKext *k, const char *id, const char *reqString,
                    OSKextVersion req)
{
	OSKext *loaded = oskext_loaded_with_id(id);
	OSKext *best = NULL;
	bool seen = false, seenLibrary = false;

	if (loaded != NULL) {
		if (oskext_is_compatible(loaded, req)) {
			return loaded;
		}
		oskext_diag(k, kOSKextDiagnosticsDependenciesKey,
		            (loaded->kflags & OSKEXT_F_LIBRARY)
		                    ? kOSKextDependencyLoadedIsIncompatible
		                    : "Kexts already loaded for these libraries have no "
		                      "OSBundleCompatibleVersion",
		            id);
		oskext_log(OSKEXT_LOG_ERROR,
		           "Kext %s - library kext %s not compatible with requested version %s.",
		           oskext_id(k), id, reqString);
		return NULL;
	}
	best = oskext_pick(oskext_repo_lookup(w->ctx->extra, id), req, best, &seen, &seenLibrary);
	best = oskext_pick(oskext_repo_lookup(oskext_repo_index(), id), req, best, &seen, &seenLibrary);
	if (best != NULL) {
		return best;
	}
	if (!seen) {
		oskext_diag(k, kOSKextDiagnosticsDependenciesKey, kOSKextDependencyUnavailable, id);
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s - library kext %s not found.", oskext_id(k), id);
	} else {
		oskext_diag(k, kOSKextDiagnosticsDependenciesKey,
		            seenLibrary ? kOSKextDependencyNoCompatibleVersion
		                        : kOSKextDependencyCompatibleVersionUndeclared,
		            id);
		oskext_log(OSKEXT_LOG_ERROR,
		           "Kext %s - library kext %s not compatible with requested version %s.",
		           oskext_id(k), id, reqString);
	}
	return NULL;
}

struct oskext_lib_walk {
	struct oskext_walk *w;
	OSKext *k;
	bool ok;
};

static bool
oskext_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Use library dep for kext k (dep resolved when not loaded). */
static bool
oskext_use_library(struct oskext_walk *w, OSKext *k, OSKext *dep, const char *id)
{
	unsigned int i;

	if (oskext_stack_has(w->stack, dep)) {
		if (w->loop[0] == '\0') {
			strlcpy(w->loop, id, sizeof(w->loop));
		}
		oskext_diag(k, kOSKextDiagnosticsDependenciesKey, kOSKextDependencyCircularReference, id);
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s has a dependency loop; can't resolve dependencies.",
		           oskext_id(dep));
		return false;
	}
	if (dep->kpiSet != NULL && dep->kpiSet->appleOnly && !oskext_has_prefix(oskext_id(k), "com.apple.")) {
		oskext_diag(k, kOSKextDiagnosticsDependenciesKey,
		            kOSKextDiagnosticNonAppleKextDeclaresPrivateKPIDependencyKey, NULL);
		oskext_log(OSKEXT_LOG_ERROR,
		           "Error - kext %s declares a dependency on %s. Only Apple kexts may declare a "
		           "dependency "
		           "on %s.",
		           oskext_id(k), id, id);
		return false;
	}
	if (!oskext_is_ready(dep)) {
		if (dep->kflags & OSKEXT_F_INVALID) {
			oskext_diag(k, kOSKextDiagnosticsDependenciesKey, kOSKextDependencyInvalid, id);
			oskext_log(OSKEXT_LOG_ERROR, "Kext %s - library kext %s is not valid.", oskext_id(k),
			           id);
			return false;
		}
		if (!(w->ctx->flags & kOSKextLoadFlagSkipAuthentication) && !oskext_dev_mode() &&
		    !oskext_authenticate(dep)) {
			oskext_diag(k, kOSKextDiagnosticsDependenciesKey, kOSKextDependencyInauthentic, id);
			oskext_log(OSKEXT_LOG_ERROR, "Kext %s - library kext %s failed authentication.",
			           oskext_id(k), id);
			return false;
		}
		if (!oskext_resolve_one(w, dep)) {
			oskext_diag(k, kOSKextDiagnosticsDependenciesKey,
			            kOSKextDependencyIndirectDependencyUnresolvable, id);
			return false;
		}
		if (!oskext_array_add_once(w->ctx->loadList, dep)) {
			return false;
		}
	}
	/* A codeless library only gathers dependencies: its clients link against those. */
	if (!(dep->kflags & (OSKEXT_F_EXECUTABLE | OSKEXT_F_KERNEL_COMPONENT)) && dep->dependencies != NULL) {
		for (i = 0; i < OSArray_getCount(dep->dependencies); i++) {
			if (!oskext_array_add_once(k->dependencies,
			                           (OSKext *)OSArray_getObject(dep->dependencies, i))) {
				return false;
			}
		}
	}
	return oskext_array_add_once(k->dependencies, dep);
}

static bool
oskext_resolve_library(void *refcon, const OSSymbol *key, OSObject *value)
{
	struct oskext_lib_walk *l = refcon;
	const char *id = OSSymbol_getCStringNoCopy(key);
	OSString *vs = OSKEXT_CAST(OSString, value);
	OSKextVersion req;
	OSKext *dep;

	if (vs == NULL) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s - illegal type in OSBundleLibraries.", oskext_id(l->k));
		l->ok = false;
		return false;
	}
	req = OSKextParseVersionString(OSString_getCStringNoCopy(vs));
	if (req <= 0) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s - invalid library version %s.", oskext_id(l->k),
		           OSString_getCStringNoCopy(vs));
		l->ok = false;
		return false;
	}
	if (strcmp(id, "com.apple.kernel") == 0) {
		oskext_diag(l->k, kOSKextDiagnosticsDependenciesKey, kOSKextDiagnosticRawKernelDependency,
		            NULL);
		oskext_log(OSKEXT_LOG_ERROR,
		           "Error - kext %s declares a dependency on %s, which is not permitted.",
		           oskext_id(l->k), id);
		l->ok = false;
		return false;
	}
	if (oskext_has_prefix(id, "com.apple.kernel.")) {
		oskext_diag(l->k, kOSKextDiagnosticsDependenciesKey,
		            kOSKextDiagnosticDeclaresNonKPIDependenciesKey, NULL);
		oskext_log(OSKEXT_LOG_ERROR,
		           "Error - kext %s declares %s dependencies. Only %s* dependencies are supported "
		           "for 64-bit "
		           "kexts.",
		           oskext_id(l->k), "com.apple.kernel", "com.apple.kpi.");
		l->ok = false;
		return false;
	}
	dep = oskext_find_library(l->w, l->k, id, OSString_getCStringNoCopy(vs), req);
	if (dep == NULL || !oskext_use_library(l->w, l->k, dep, id)) {
		l->ok = false;
	}
	return false; /* go on: report every library's problem */
}

static bool
oskext_resolve_one(struct oskext_walk *w, OSKext *k)
{
	struct oskext_lib_walk l = {w, k, true};
	OSDictionary *libs;
	unsigned int n;

	if (oskext_is_ready(k)) {
		return true;
	}
	if (w->depth >= OSKEXT_MAX_DEPENDENCY_DEPTH) {
		oskext_log(OSKEXT_LOG_ERROR,
		           "Kext %s - dependencies nested too deeply (more than %d levels).", oskext_id(k),
		           OSKEXT_MAX_DEPENDENCY_DEPTH);
		return false;
	}
	OSSafeReleaseNULL(k->dependencies);
	if ((k->dependencies = OSArray_withCapacity(4)) == NULL || !OSArray_setObject(w->stack, k)) {
		return false;
	}
	w->depth++;
	libs = k->infoDict ? OSKEXT_CAST(OSDictionary,
	                                 OSDictionary_getObjectCString(k->infoDict, kOSBundleLibrariesKey))
	                   : NULL;
	if (libs == NULL || OSDictionary_getCount(libs) == 0) {
		if ((k->kflags & OSKEXT_F_EXECUTABLE) && !(k->kflags & OSKEXT_F_INTERFACE)) {
			oskext_log(OSKEXT_LOG_ERROR,
			           "Kext %s - can't resolve dependencies; %s missing/invalid type.",
			           oskext_id(k), kOSBundleLibrariesKey);
			l.ok = false;
		}
	} else {
		(void)OSDictionary_iterateObjects(libs, &l, oskext_resolve_library);
	}
	w->depth--;
	n = OSArray_getCount(w->stack);
	OSArray_removeObject(w->stack, n - 1);
	return l.ok;
}

OSReturn
oskext_resolve_dependencies(OSKext *k, struct oskext_resolve_ctx *ctx)
{
	struct oskext_walk w = {ctx, NULL, 0, ""};
	bool ok;

	OSKEXT_ASSERT_LOCKED();
	if ((w.stack = OSArray_withCapacity(8)) == NULL) {
		return kOSKextReturnNoMemory;
	}
	ok = oskext_resolve_one(&w, k);
	if (ok && !oskext_is_ready(k)) {
		ok = oskext_array_add_once(ctx->loadList, k);
	}
	OSObject_release(w.stack);
	if (w.loop[0] != '\0') {
		/* The loop may have closed deeper down: the kext asked for is part of it either way. */
		oskext_diag(k, kOSKextDiagnosticsDependenciesKey, kOSKextDependencyCircularReference, w.loop);
	}
	if (!ok) {
		oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s: can't resolve dependencies.", oskext_id(k));
		return kOSKextReturnDependencies;
	}
	return kOSReturnSuccess;
}
