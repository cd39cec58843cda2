/*
 * kern_request_kextinfo.c — the kext requests behind the developer tools
 * (kexthost predicates, see sdk/User/kexthost/kext_request.h):
 *
 *   Get Repository Kexts    kextfind: every kext of the repository (and of
 *                           extra folders) with its Info.plist, path, state
 *                           and, on request, its executable's symbols.
 *   Find Link Dependencies  kextlibs: which KPI sets and library kexts
 *                           export the symbols a kext's executable needs.
 *   Get Kext Symbols        kextutil -s: the symbols of a loaded kext at
 *                           the addresses they were linked to.
 *
 * They answer from the same kext system (OSKext, kxld) the loader uses,
 * whether the tool talks to a running kernel or boots one in process.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/c/OSContainers.h>
#include "host/khost.h"
#include "libkern/kext/OSKext.h"
#include "libkern/kxld/kxld.h"
#include "bsd/kern/kern_request.h"
#include "sdk/User/kexthost/kext_request.h"

/* Largest executable read for symbol listings. */
#define KR_EXEC_MAX (64u * 1024 * 1024)

/* Symbols a kext defines that are never exported to clients (kmod_info & co). */
static bool
kr_private_symbol(const char *name)
{
	return strcmp(name, "kmod_info") == 0 || strcmp(name, "_realmain") == 0 ||
	       strcmp(name, "_antimain") == 0 || strcmp(name, "_kext_apple_cc") == 0;
}

struct kr_syms {
	OSArray *defined;
	OSArray *undefined;
};

static int
kr_collect_symbol(void *ctx, const char *name, bool defined, bool is_function)
{
	struct kr_syms *s = ctx;
	OSString *str = OSString_withCString(name);

	if (str == NULL)
		return ENOMEM;
	OSArray_setObject(defined ? s->defined : s->undefined, str);
	OSObject_release(str);
	return 0;
}

/* The global symbols of an executable file: defined and undefined names. */
static int
kr_file_symbols(const char *path, struct kr_syms *out)
{
	void *buf = NULL;
	size_t len = 0;
	int err;

	out->defined = OSArray_withCapacity(16);
	out->undefined = OSArray_withCapacity(16);
	if (out->defined == NULL || out->undefined == NULL)
		return ENOMEM;
	err = khost_file_read(path, KR_EXEC_MAX, &buf, &len);
	if (err != 0)
		return err;
	err = kxld_object_symbols(buf, len, kr_collect_symbol, out, NULL);
	khost_vm_free(buf, len);
	return err;
}

static void
kr_syms_release(struct kr_syms *s)
{
	OSSafeReleaseNULL(s->defined);
	OSSafeReleaseNULL(s->undefined);
}

static bool
kr_array_has(OSArray *a, const char *name)
{
	for (unsigned int i = 0; a != NULL && i < OSArray_getCount(a); i++) {
		OSString *s = OSDynamicCast(OSString, OSArray_getObject(a, i));
		if (s != NULL && OSString_isEqualToCString(s, name))
			return true;
	}
	return false;
}

static const char *
kr_dict_string(OSDictionary *d, const char *key)
{
	OSString *s = d ? OSDynamicCast(OSString, OSDictionary_getObjectCString(d, key)) : NULL;

	return s ? OSString_getCStringNoCopy(s) : NULL;
}

/* ---- Get Repository Kexts ------------------------------------------------------ */

OSReturn
kext_request_repository(OSDictionary *args, OSArray *repositoryPaths, bool withSymbols, OSObject **response)
{
	OSArray *kexts = OSKext_copyRepositoryKexts(repositoryPaths);

	if (kexts == NULL)
		return kOSKextReturnNoMemory;
	for (unsigned int i = 0; withSymbols && i < OSArray_getCount(kexts); i++) {
		OSDictionary *k = OSDynamicCast(OSDictionary, OSArray_getObject(kexts, i));
		const char *exe = kr_dict_string(k, kOSBundleExecutablePathKey);
		struct kr_syms s = {0};

		if (exe != NULL && kr_file_symbols(exe, &s) == 0) {
			OSDictionary_setObjectCString(k, kKextRequestResponseDefinedSymbolsKey, s.defined);
			OSDictionary_setObjectCString(k, kKextRequestResponseUndefinedSymbolsKey,
			                              s.undefined);
		}
		kr_syms_release(&s);
	}
	*response = (OSObject *)kexts;
	return kOSReturnSuccess;
}

/* ---- Find Link Dependencies ------------------------------------------------------ */

/* A library candidate: a KPI set, or a library kext with its exported symbols. */
struct kr_lib {
	const struct OSKextKPISet *kpi;
	OSDictionary *kext; /* repository entry (not retained: lives in the repository array) */
	OSArray *exports;   /* retained */
	const char *id;
	const char *version;
	const char *compat;
};

static bool
kr_lib_exports(const struct kr_lib *l, const char *name)
{
	if (l->kpi != NULL)
		return OSKext_kpiSetLookup(l->kpi, name, NULL);
	return kr_array_has(l->exports, name);
}

static OSDictionary *
kr_lib_dict(const struct kr_lib *l)
{
	OSDictionary *d = OSDictionary_withCapacity(4);
	OSString *s;

	if (d == NULL)
		return NULL;
	if ((s = OSString_withCString(l->id)) != NULL) {
		OSDictionary_setObjectCString(d, "CFBundleIdentifier", s);
		OSObject_release(s);
	}
	if ((s = OSString_withCString(l->version)) != NULL) {
		OSDictionary_setObjectCString(d, "CFBundleVersion", s);
		OSObject_release(s);
	}
	if (l->compat != NULL && (s = OSString_withCString(l->compat)) != NULL) {
		OSDictionary_setObjectCString(d, "OSBundleCompatibleVersion", s);
		OSObject_release(s);
	}
	if (l->kext != NULL && kr_dict_string(l->kext, kOSBundlePathKey) != NULL) {
		OSDictionary_setObjectCString(d, kOSBundlePathKey,
		                              OSDictionary_getObjectCString(l->kext, kOSBundlePathKey));
	}
	return d;
}

static void
kr_set_bool(OSDictionary *d, const char *key, bool v)
{
	OSDictionary_setObjectCString(d, key, v ? kOSBooleanTrue : kOSBooleanFalse);
}

OSReturn
kext_request_link_dependencies(const struct kreq_peer *peer, OSDictionary *args, OSArray *repositoryPaths,
                               OSObject **response)
{
	struct OSKextLoadArgs la = {0};
	const char *path = NULL, *exe, *id;
	bool allowUnsupported = false, isApple;
	OSDictionary *info = NULL, *r = NULL, *onedef = NULL, *multdef = NULL;
	OSArray *repo = NULL, *libsOut = NULL, *undef = NULL;
	struct kr_lib *libs = NULL;
	unsigned int nlibs = 0, nkpi = 0, cap = 0;
	struct kr_syms self = {0};
	const struct OSKextKPISet *kpi;
	char exepath[PATH_MAX];
	OSReturn ret = kOSKextReturnNoMemory;
	OSBoolean *b;
	bool *used = NULL;

	if (args != NULL) {
		OSString *p = OSDynamicCast(
		        OSString, OSDictionary_getObjectCString(args, kKextRequestArgumentBundlePathKey));
		path = p ? OSString_getCStringNoCopy(p) : NULL;
		b = OSDynamicCast(OSBoolean, OSDictionary_getObjectCString(
		                                     args, kKextRequestArgumentAllowUnsupportedKey));
		allowUnsupported = b != NULL && OSBoolean_isTrue(b);
	}
	if (path == NULL)
		return kOSKextReturnInvalidArgument;
	la.path = path;
	la.uid = peer->uid;
	la.flags = kOSKextLoadFlagSkipAuthentication | kOSKextLoadFlagNoResolve | kOSKextLoadFlagNoLoad;
	(void)OSKext_validateBundle(&la, NULL, NULL, &info);
	if (info == NULL) {
		printf("Can't open %s.\n", path);
		return kOSKextReturnNotFound;
	}
	r = OSDictionary_withCapacity(8);
	onedef = OSDictionary_withCapacity(16);
	multdef = OSDictionary_withCapacity(4);
	libsOut = OSArray_withCapacity(8);
	undef = OSArray_withCapacity(8);
	if (r == NULL || onedef == NULL || multdef == NULL || libsOut == NULL || undef == NULL)
		goto out;
	id = kr_dict_string(info, "CFBundleIdentifier");
	exe = kr_dict_string(info, "CFBundleExecutable");
	kr_set_bool(r, "Has Executable", exe != NULL);
	kr_set_bool(r, "Is Library",
	            OSDictionary_getObjectCString(info, "OSBundleCompatibleVersion") != NULL);
	kr_set_bool(r, "Declares Libraries",
	            OSDynamicCast(OSDictionary, OSDictionary_getObjectCString(info, "OSBundleLibraries")) !=
	                            NULL &&
	                    OSDictionary_getCount(OSDynamicCast(
	                            OSDictionary,
	                            OSDictionary_getObjectCString(info, "OSBundleLibraries"))) != 0);
	if (exe == NULL) {
		ret = kOSReturnSuccess;
		goto out_response;
	}
	snprintf(exepath, sizeof(exepath), "%s/Contents/MacOS/%s", path, exe);
	if (kr_file_symbols(exepath, &self) != 0) {
		printf("Can't read the executable of %s.\n", path);
		ret = kOSKextReturnValidation;
		goto out;
	}
	isApple = id != NULL && strncmp(id, "com.apple.", 10) == 0;

	/* Candidates: the KPI sets (not the unsupported/private ones unless asked), then library kexts. */
	kpi = OSKext_kpiSets(&nkpi);
	repo = OSKext_copyRepositoryKexts(repositoryPaths);
	cap = nkpi + (repo ? OSArray_getCount(repo) : 0);
	libs = kalloc(sizeof(*libs) * (cap ? cap : 1));
	if (libs == NULL)
		goto out;
	memset(libs, 0, sizeof(*libs) * (cap ? cap : 1));
	for (unsigned int i = 0; i < nkpi; i++) {
		bool unsupported =
		        strcmp(kpi[i].bundleID, "com.apple.kpi.unsupported") == 0 || kpi[i].appleOnly;
		if ((unsupported && !allowUnsupported) || (kpi[i].appleOnly && !isApple))
			continue;
		libs[nlibs].kpi = &kpi[i];
		libs[nlibs].id = kpi[i].bundleID;
		libs[nlibs].version = OSKext_kernelVersion();
		libs[nlibs].compat = kpi[i].compatibleVersion;
		nlibs++;
	}
	for (unsigned int i = 0; repo != NULL && i < OSArray_getCount(repo); i++) {
		OSDictionary *k = OSDynamicCast(OSDictionary, OSArray_getObject(repo, i));
		const char *kid = kr_dict_string(k, "CFBundleIdentifier");
		const char *kexe = kr_dict_string(k, kOSBundleExecutablePathKey);
		const char *compat = kr_dict_string(k, "OSBundleCompatibleVersion");
		struct kr_syms ls = {0};
		bool dup = false;

		if (kid == NULL || kexe == NULL || compat == NULL || (id != NULL && strcmp(kid, id) == 0))
			continue;
		for (unsigned int j = 0; j < nlibs; j++)
			dup = dup || strcmp(libs[j].id, kid) == 0;
		if (dup || kr_file_symbols(kexe, &ls) != 0) {
			kr_syms_release(&ls);
			continue;
		}
		libs[nlibs].kext = k;
		libs[nlibs].exports = ls.defined;
		ls.defined = NULL;
		kr_syms_release(&ls);
		libs[nlibs].id = kid;
		libs[nlibs].version = kr_dict_string(k, "CFBundleVersion");
		if (libs[nlibs].version == NULL)
			libs[nlibs].version = "";
		libs[nlibs].compat = compat;
		nlibs++;
	}

	/* Each undefined symbol: found once, several times, or nowhere. */
	used = kalloc(cap ? cap : 1);
	if (used == NULL)
		goto out;
	memset(used, 0, cap ? cap : 1);
	{
		for (unsigned int i = 0; i < OSArray_getCount(self.undefined); i++) {
			OSString *sym = OSDynamicCast(OSString, OSArray_getObject(self.undefined, i));
			const char *name = OSString_getCStringNoCopy(sym);
			unsigned int found = 0, first = 0;
			OSArray *where = NULL;

			if (kr_array_has(self.defined, name))
				continue;
			for (unsigned int j = 0; j < nlibs; j++) {
				if (kr_private_symbol(name) || !kr_lib_exports(&libs[j], name))
					continue;
				if (found == 0)
					first = j;
				found++;
				if (found == 2 && (where = OSArray_withCapacity(2)) != NULL) {
					OSString *s0 = OSString_withCString(libs[first].id);
					OSArray_setObject(where, s0);
					OSSafeReleaseNULL(s0);
				}
				if (found >= 2 && where != NULL) {
					OSString *s = OSString_withCString(libs[j].id);
					OSArray_setObject(where, s);
					OSSafeReleaseNULL(s);
				}
			}
			if (found == 0) {
				OSArray_setObject(undef, sym);
			} else if (found == 1) {
				OSString *s = OSString_withCString(libs[first].id);
				OSDictionary_setObjectCString(onedef, name, s);
				OSSafeReleaseNULL(s);
				used[first] = true;
			} else if (where != NULL) {
				OSDictionary_setObjectCString(multdef, name, where);
				OSObject_release(where);
			}
		}
		for (unsigned int j = 0; j < nlibs; j++) {
			OSDictionary *d;
			if (!used[j] || (d = kr_lib_dict(&libs[j])) == NULL)
				continue;
			OSArray_setObject(libsOut, d);
			OSObject_release(d);
		}
	}
	ret = kOSReturnSuccess;
out_response:
	OSDictionary_setObjectCString(r, kKextRequestResponseLibrariesKey, libsOut);
	OSDictionary_setObjectCString(r, kKextRequestResponseUndefinedSymbolsKey, undef);
	OSDictionary_setObjectCString(r, kKextRequestResponseResolvedSymbolsKey, onedef);
	OSDictionary_setObjectCString(r, kKextRequestResponseMultiplyDefinedKey, multdef);
	*response = (OSObject *)r;
	r = NULL;
out:
	for (unsigned int j = 0; libs != NULL && j < nlibs; j++)
		OSSafeReleaseNULL(libs[j].exports);
	if (libs != NULL)
		kfree(libs, sizeof(*libs) * (cap ? cap : 1));
	if (used != NULL)
		kfree(used, cap ? cap : 1);
	kr_syms_release(&self);
	OSSafeReleaseNULL(repo);
	OSSafeReleaseNULL(info);
	OSSafeReleaseNULL(r);
	OSSafeReleaseNULL(onedef);
	OSSafeReleaseNULL(multdef);
	OSSafeReleaseNULL(libsOut);
	OSSafeReleaseNULL(undef);
	return ret;
}

/* ---- Get Kext Symbols ------------------------------------------------------------ */

static int
kr_symbol_entry(void *ctx, const char *name, uintptr_t addr, size_t size, unsigned int flags)
{
	OSArray *out = ctx;
	OSDictionary *d = OSDictionary_withCapacity(4);
	OSString *s = OSString_withCString(name);
	OSNumber *a = OSNumber_withNumber(addr, 64), *z = OSNumber_withNumber(size, 64),
	         *f = OSNumber_withNumber(flags, 32);

	if (d != NULL && s != NULL && a != NULL && z != NULL && f != NULL) {
		OSDictionary_setObjectCString(d, "Name", s);
		OSDictionary_setObjectCString(d, "Address", a);
		OSDictionary_setObjectCString(d, "Size", z);
		OSDictionary_setObjectCString(d, "Flags", f);
		OSArray_setObject(out, d);
	}
	OSSafeReleaseNULL(d);
	OSSafeReleaseNULL(s);
	OSSafeReleaseNULL(a);
	OSSafeReleaseNULL(z);
	OSSafeReleaseNULL(f);
	return 0;
}

static bool
kr_symbols_want_debug_object(OSDictionary *args)
{
	OSBoolean *b = OSDynamicCast(OSBoolean,
	                             OSDictionary_getObjectCString(args, kKextRequestArgumentDebugObjectKey));

	return b != NULL && OSBoolean_isTrue(b);
}

/* The debug object of a loaded kext, or laid out at Link Address (an integer). */
static OSReturn
kr_debug_object(OSDictionary *args, const char *id, OSObject **response)
{
	OSObject *a = OSDictionary_getObjectCString(args, kKextRequestArgumentLinkAddressKey);
	OSNumber *n = a ? OSDynamicCast(OSNumber, a) : NULL;
	OSData *obj = NULL;
	OSReturn ret;

	if (a != NULL && n == NULL)
		return kOSKextReturnInvalidArgument;
	ret = OSKext_copyDebugObject(id, n ? OSNumber_unsigned64BitValue(n) : 0, &obj);
	*response = (OSObject *)obj;
	return ret;
}

OSReturn
kext_request_symbols(OSDictionary *args, OSObject **response)
{
	OSString *id = args ? OSDynamicCast(OSString, OSDictionary_getObjectCString(
	                                                      args, kKextRequestArgumentBundleIdentifierKey))
	                    : NULL;
	OSArray *ids, *out;
	OSDictionary *loaded, *info;
	OSNumber *addr;
	struct kxld_image *img;

	if (id == NULL)
		return kOSKextReturnInvalidArgument;
	if (kr_symbols_want_debug_object(args))
		return kr_debug_object(args, OSString_getCStringNoCopy(id), response);
	ids = OSArray_withObjects((const OSObject **)&id, 1, 1);
	loaded = ids ? OSKextCopyLoadedKextInfo(ids, NULL) : NULL;
	OSSafeReleaseNULL(ids);
	info = loaded ? OSDynamicCast(OSDictionary, OSDictionary_getObjectString(loaded, id)) : NULL;
	addr = info ? OSDynamicCast(OSNumber, OSDictionary_getObjectCString(info, kOSBundleLoadAddressKey))
	            : NULL;
	img = addr && OSNumber_unsigned64BitValue(addr)
	              ? kxld_image_for_address((uintptr_t)OSNumber_unsigned64BitValue(addr))
	              : NULL;
	OSSafeReleaseNULL(loaded);
	if (img == NULL) {
		printf("Kext %s is not loaded (or has no executable); no symbols.\n",
		       OSString_getCStringNoCopy(id));
		return kOSKextReturnNotFound;
	}
	out = OSArray_withCapacity(32);
	if (out == NULL)
		return kOSKextReturnNoMemory;
	kxld_image_symbols(img, kr_symbol_entry, out);
	*response = (OSObject *)out;
	return kOSReturnSuccess;
}
