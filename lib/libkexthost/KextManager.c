/*
 * KextManager.c — IOKitUser's calls for programs that list, load and
 * unload kexts (<IOKit/kext/OSKext.h>, <IOKit/kext/KextManager.h>): each is
 * one kext request over the Mach transport (kext_mig.c), with plist_t where
 * Apple's take Core Foundation types. (A file of its own: the offline tools
 * link the kernel core, whose OSKextCopyLoadedKextInfo has the same name,
 * and never pull this one in.)
 */
#include <stdlib.h>
#include <kexthost/libkexthost.h>
#include <IOKit/kext/OSKext.h>
#include <IOKit/kext/KextManager.h>

/* One request with its arguments built by the caller; the OSReturn, and the response when wanted. */
static OSReturn
kext_mig_perform(plist_t request, plist_t *response)
{
	struct kext_reply r;
	OSReturn ret;

	if (response != NULL)
		*response = NULL;
	if (request == NULL)
		return kOSKextReturnNoMemory;
	if (kext_request_perform(request, kext_mach_transport, NULL, &r) != 0) {
		plist_free(request);
		return kOSReturnError; /* no kernel to ask */
	}
	plist_free(request);
	ret = r.status != 0 ? kOSReturnError : r.result;
	if (response != NULL && ret == kOSReturnSuccess) {
		*response = r.response;
		r.response = NULL;
	}
	kext_reply_free(&r);
	return ret;
}

/* Copy each string of a plist array into the request's array argument key. */
static int
kext_mig_set_strings(plist_t request, const char *key, plist_t strings)
{
	if (strings == NULL)
		return 1;
	if (plist_get_node_type(strings) != PLIST_ARRAY)
		return 0;
	for (uint32_t i = 0; i < plist_array_get_size(strings); i++) {
		plist_t s = plist_array_get_item(strings, i);
		if (plist_get_node_type(s) != PLIST_STRING)
			return 0;
		kext_request_append_string(request, key, plist_get_string_ptr(s, NULL));
	}
	return 1;
}

plist_t
OSKextCopyLoadedKextInfo(plist_t kextIdentifiers, plist_t infoKeys)
{
	plist_t req = kext_request_create(kKextRequestPredicateGetLoaded), info = NULL;

	if (req == NULL ||
	    !kext_mig_set_strings(req, kKextRequestArgumentBundleIdentifierKey, kextIdentifiers) ||
	    !kext_mig_set_strings(req, kKextRequestArgumentInfoKeysKey, infoKeys)) {
		plist_free(req);
		return NULL;
	}
	if (kext_mig_perform(req, &info) != kOSReturnSuccess || info == NULL ||
	    plist_get_node_type(info) != PLIST_DICT) {
		plist_free(info);
		return NULL;
	}
	return info;
}

plist_t
KextManagerCopyLoadedKextInfo(plist_t kextIdentifiers, plist_t infoKeys)
{
	return OSKextCopyLoadedKextInfo(kextIdentifiers, infoKeys);
}

/* A load request naming the kext by key; dependencies are kext paths or folders to search. */
static OSReturn
kext_mig_load(const char *key, const char *value, plist_t dependencyKextAndFolderPaths)
{
	plist_t req;

	if (value == NULL)
		return kOSKextReturnInvalidArgument;
	req = kext_request_create(kKextRequestPredicateLoad);
	if (req == NULL)
		return kOSKextReturnNoMemory;
	kext_request_set_string(req, key, value);
	if (!kext_mig_set_strings(req, kKextRequestArgumentDependencyPathsKey,
	                          dependencyKextAndFolderPaths)) {
		plist_free(req);
		return kOSKextReturnInvalidArgument;
	}
	return kext_mig_perform(req, NULL);
}

OSReturn
KextManagerLoadKextWithIdentifier(const char *kextIdentifier, plist_t dependencyKextAndFolderPaths)
{
	return kext_mig_load(kKextRequestArgumentBundleIdentifierKey, kextIdentifier,
	                     dependencyKextAndFolderPaths);
}

OSReturn
KextManagerLoadKextWithURL(const char *kextPath, plist_t dependencyKextAndFolderPaths)
{
	char *abs = kextPath != NULL ? kext_absolute_path(kextPath) : NULL;
	OSReturn ret;

	if (kextPath != NULL && abs == NULL)
		return kOSKextReturnNoMemory;
	ret = kext_mig_load(kKextRequestArgumentBundlePathKey, abs, dependencyKextAndFolderPaths);
	free(abs);
	return ret;
}

OSReturn
KextManagerUnloadKextWithIdentifier(const char *kextIdentifier)
{
	plist_t req;

	if (kextIdentifier == NULL)
		return kOSKextReturnInvalidArgument;
	req = kext_request_create(kKextRequestPredicateUnload);
	if (req == NULL)
		return kOSKextReturnNoMemory;
	kext_request_set_string(req, kKextRequestArgumentBundleIdentifierKey, kextIdentifier);
	return kext_mig_perform(req, NULL);
}
