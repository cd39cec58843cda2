/*
 * kern_request_kext.c — KHRQ_T_KEXT_REQUEST: the kext tools' requests
 * (kextload, kextunload, kextstat, kextutil), shaped like XNU's kext_request
 * (predicate + arguments dictionary, keys in sdk/User/kexthost/kext_request.h)
 * and answered by the kext system (libkern/kext/OSKext.h).
 *
 * The reply is the OSReturn result, the response object as an XML property
 * list, and the kernel log lines this thread wrote while handling the
 * request (kxld's errors, the kext's own start/stop output). The requester's
 * uid comes from the socket (or the offline tool's own uid) and goes to
 * OSKext, which decides what it may do.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/c/OSContainers.h>
#include <libkern/c/OSUnserialize.h>
#include "libkern/kext/OSKext.h"
#include "bsd/kern/kern_request.h"
#include "sdk/User/kexthost/kext_request.h"

/* Log text returned with one reply. */
#define KEXT_REQUEST_LOG_MAX (64 * 1024)

/* A string argument, or NULL. */
static const char *
kr_string_arg(OSDictionary *args, const char *key)
{
	OSString *s = args ? OSDynamicCast(OSString, OSDictionary_getObjectCString(args, key)) : NULL;

	return s ? OSString_getCStringNoCopy(s) : NULL;
}

static bool
kr_bool_arg(OSDictionary *args, const char *key)
{
	OSBoolean *b = args ? OSDynamicCast(OSBoolean, OSDictionary_getObjectCString(args, key)) : NULL;

	return b != NULL && OSBoolean_isTrue(b);
}

/* An array of strings (a single string counts as a one-element array); NULL when absent or wrong. */
static OSArray *
kr_strings_arg(OSDictionary *args, const char *key)
{
	OSObject *o = args ? OSDictionary_getObjectCString(args, key) : NULL;
	OSArray *a;

	if (o == NULL)
		return NULL;
	if (OSDynamicCast(OSString, o) != NULL)
		return OSArray_withObjects((const OSObject **)&o, 1, 1);
	a = OSDynamicCast(OSArray, o);
	if (a == NULL)
		return NULL;
	for (unsigned int i = 0; i < OSArray_getCount(a); i++) {
		if (OSDynamicCast(OSString, OSArray_getObject(a, i)) == NULL)
			return NULL;
	}
	OSObject_retain(a);
	return a;
}

/* Fill load arguments common to Load and Validate. */
static OSReturn
kr_load_args(const struct kreq_peer *peer, OSDictionary *args, struct OSKextLoadArgs *la)
{
	OSNumber *excl;

	memset(la, 0, sizeof(*la));
	la->path = kr_string_arg(args, kKextRequestArgumentBundlePathKey);
	la->bundleID = kr_string_arg(args, kKextRequestArgumentBundleIdentifierKey);
	la->uid = peer->uid;
	if (la->path == NULL && la->bundleID == NULL)
		return kOSKextReturnInvalidArgument;
	/* Skipping authentication weakens a root-only check: honour it for root only. */
	if (peer->uid == 0 && kr_bool_arg(args, kKextRequestArgumentSkipAuthenticationKey))
		la->flags |= kOSKextLoadFlagSkipAuthentication;
	excl = args ? OSDynamicCast(OSNumber,
	                            OSDictionary_getObjectCString(args, kKextRequestArgumentStartExcludeKey))
	            : NULL;
	if (excl != NULL && OSNumber_unsigned32BitValue(excl) != kOSKextExcludeNone)
		la->flags |= kOSKextLoadFlagNoStart;
	la->dependencyPaths = kr_strings_arg(args, kKextRequestArgumentDependencyPathsKey);
	la->repositoryPaths = kr_strings_arg(args, kKextRequestArgumentRepositoryPathsKey);
	return kOSReturnSuccess;
}

static void
kr_load_args_release(struct OSKextLoadArgs *la)
{
	OSSafeReleaseNULL(la->dependencyPaths);
	OSSafeReleaseNULL(la->repositoryPaths);
}

/* Response dictionary { Diagnostics, Messages } shared by Load, Validate and Unload. */
static OSDictionary *
kr_response(OSDictionary *diagnostics, OSArray *messages)
{
	OSDictionary *r = OSDictionary_withCapacity(4);

	if (r == NULL)
		return NULL;
	if (diagnostics != NULL)
		OSDictionary_setObjectCString(r, kKextRequestResponseDiagnosticsKey, diagnostics);
	if (messages != NULL)
		OSDictionary_setObjectCString(r, kKextRequestResponseMessagesKey, messages);
	return r;
}

static OSReturn
kr_load(const struct kreq_peer *peer, OSDictionary *args, bool validateOnly, OSObject **response)
{
	struct OSKextLoadArgs la;
	OSDictionary *diag = OSDictionary_withCapacity(4), *info = NULL, *r = NULL;
	OSArray *msgs = OSArray_withCapacity(8);
	OSKextLoadTag tag = kOSKextInvalidLoadTag;
	OSReturn ret;

	if (diag == NULL || msgs == NULL) {
		ret = kOSKextReturnNoMemory;
		goto out;
	}
	ret = kr_load_args(peer, args, &la);
	if (ret != kOSReturnSuccess)
		goto out;
	if (validateOnly) {
		if (la.path == NULL) {
			ret = kOSKextReturnInvalidArgument;
			goto out_args;
		}
		la.flags |= kOSKextLoadFlagNoLoad;
		if (kr_bool_arg(args, kKextRequestArgumentTrialLinkKey))
			la.flags |= kOSKextLoadFlagTrialLink;
		if (kr_bool_arg(args, kKextRequestArgumentNoResolveKey))
			la.flags |= kOSKextLoadFlagNoResolve;
		ret = OSKext_validateBundle(&la, diag, msgs, &info);
	} else {
		ret = OSKext_load(&la, &tag, diag, msgs);
		if (ret == kOSReturnSuccess)
			OSKext_noteLoadRequest(&la, tag); /* so a reboot after a panic loads it again */
	}
	r = kr_response(diag, msgs);
	if (r != NULL && info != NULL)
		OSDictionary_setObjectCString(r, kKextRequestResponseInfoKey, info);
	if (r != NULL && !validateOnly && ret == kOSReturnSuccess && tag != kOSKextInvalidLoadTag) {
		OSNumber *n = OSNumber_withNumber(tag, 32);
		if (n != NULL) {
			OSDictionary_setObjectCString(r, kKextRequestResponseLoadTagKey, n);
			OSObject_release(n);
		}
	}
out_args:
	kr_load_args_release(&la);
out:
	OSSafeReleaseNULL(diag);
	OSSafeReleaseNULL(msgs);
	OSSafeReleaseNULL(info);
	*response = (OSObject *)r;
	return ret;
}

static OSReturn
kr_unload(const struct kreq_peer *peer, OSDictionary *args, OSObject **response)
{
	const char *bundleID = kr_string_arg(args, kKextRequestArgumentBundleIdentifierKey);
	const char *className = kr_string_arg(args, kKextRequestArgumentClassNameKey);
	OSArray *msgs = OSArray_withCapacity(4);
	OSReturn ret;

	if (msgs == NULL)
		return kOSKextReturnNoMemory;
	if (bundleID != NULL)
		ret = OSKext_unloadWithIdentifier(bundleID, peer->uid, msgs);
	else if (className != NULL)
		ret = OSKext_unloadWithClassName(className, peer->uid, msgs);
	else
		ret = kOSKextReturnInvalidArgument;
	if (ret == kOSReturnSuccess)
		OSKext_noteUnload();
	*response = (OSObject *)kr_response(NULL, msgs);
	OSObject_release(msgs);
	return ret;
}

static OSReturn
kr_get_loaded(OSDictionary *args, OSObject **response)
{
	OSArray *ids = kr_strings_arg(args, kKextRequestArgumentBundleIdentifierKey);
	OSArray *keys = kr_strings_arg(args, kKextRequestArgumentInfoKeysKey);
	OSDictionary *info = OSKextCopyLoadedKextInfo(ids, keys);

	OSSafeReleaseNULL(ids);
	OSSafeReleaseNULL(keys);
	*response = (OSObject *)info;
	return info != NULL ? kOSReturnSuccess : kOSKextReturnNoMemory;
}

/* Decode and run one request; *response gets a retained object or NULL. */
static OSReturn
kr_run(const struct kreq_peer *peer, const void *payload, size_t len, OSObject **response)
{
	OSString *errstr = NULL;
	OSObject *obj;
	OSDictionary *req, *args;
	OSString *pred;
	const char *p;
	OSReturn ret;

	*response = NULL;
	if (len == 0 || len > KHRQ_MAX_PAYLOAD) {
		printf("kext request from pid %d: empty request\n", peer->pid);
		return kOSKextReturnBadData;
	}
	obj = OSUnserializePlist(payload, len, &errstr);
	if (obj == NULL) {
		printf("kext request from pid %d: can't parse the request: %s\n", peer->pid,
		       errstr ? OSString_getCStringNoCopy(errstr) : "unknown error");
		OSSafeReleaseNULL(errstr);
		return kOSKextReturnSerialization;
	}
	req = OSDynamicCast(OSDictionary, obj);
	pred = req ? OSDynamicCast(OSString, OSDictionary_getObjectCString(req, kKextRequestPredicateKey))
	           : NULL;
	if (pred == NULL) {
		printf("kext request from pid %d: no predicate\n", peer->pid);
		ret = kOSKextReturnInvalidArgument;
		goto out;
	}
	args = OSDynamicCast(OSDictionary, OSDictionary_getObjectCString(req, kKextRequestArgumentsKey));
	p = OSString_getCStringNoCopy(pred);
	if (strcmp(p, kKextRequestPredicateGetLoaded) == 0) {
		ret = kr_get_loaded(args, response);
	} else if (strcmp(p, kKextRequestPredicateLoad) == 0) {
		ret = kr_load(peer, args, false, response);
	} else if (strcmp(p, kKextRequestPredicateValidate) == 0) {
		ret = kr_load(peer, args, true, response);
	} else if (strcmp(p, kKextRequestPredicateUnload) == 0) {
		ret = kr_unload(peer, args, response);
	} else if (strcmp(p, kKextRequestPredicateGetRepository) == 0) {
		OSArray *repos = kr_strings_arg(args, kKextRequestArgumentRepositoryPathsKey);
		ret = kext_request_repository(
		        args, repos, kr_bool_arg(args, kKextRequestArgumentIncludeSymbolsKey), response);
		OSSafeReleaseNULL(repos);
	} else if (strcmp(p, kKextRequestPredicateFindLibraries) == 0) {
		OSArray *repos = kr_strings_arg(args, kKextRequestArgumentRepositoryPathsKey);
		ret = kext_request_link_dependencies(peer, args, repos, response);
		OSSafeReleaseNULL(repos);
	} else if (strcmp(p, kKextRequestPredicateGetSymbols) == 0) {
		ret = kext_request_symbols(args, response);
	} else {
		printf("kext request from pid %d: unknown predicate \"%s\"\n", peer->pid, p);
		ret = kOSKextReturnInvalidArgument;
	}
out:
	OSObject_release(obj);
	return ret;
}

int
kext_request_handle(const struct kreq_peer *peer, const void *payload, size_t len, struct kreq_buf *reply)
{
	struct khrq_kext_reply kr = {0};
	struct kreq_buf xml = {0}, logtext = {0};
	OSObject *response = NULL;
	uint64_t mark = kreq_log_mark();
	int err;

	kr.result = kr_run(peer, payload, len, &response);
	if (response != NULL) {
		err = kreq_object_to_xml(response, &xml);
		if (err != 0) {
			printf("kext request from pid %d: can't serialize the response (error %d)\n",
			       peer->pid, err);
			kreq_buf_free(&xml);
			if (kr.result == kOSReturnSuccess)
				kr.result = kOSKextReturnSerialization;
		}
		OSObject_release(response);
	}
	err = kreq_log_collect(mark, KEXT_REQUEST_LOG_MAX, &logtext);
	if (err == 0) {
		kr.xml_len = (uint32_t)xml.len;
		kr.log_len = (uint32_t)logtext.len;
		err = kreq_buf_append(reply, &kr, sizeof(kr));
	}
	if (err == 0)
		err = kreq_buf_append(reply, xml.data, xml.len);
	if (err == 0)
		err = kreq_buf_append(reply, logtext.data, logtext.len);
	kreq_buf_free(&xml);
	kreq_buf_free(&logtext);
	return err;
}
