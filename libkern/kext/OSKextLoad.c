/*
 * OSKextLoad.c — the life cycle of one kext: link, start, stop, unload.
 *
 * Load: read the executable, link it with kxld against exactly the kext's
 * direct dependencies (oskext_resolve_symbol), with the kext's kalloc and
 * kfree bound to its own allocation name; find kmod_info and fill in the
 * load tag, address, size, name, version and references; add the kext to
 * the loaded list (load tags are handed out in increasing order from 0: the
 * kernel, then the KPI pseudo-kexts, then kexts as they load; a tag is never
 * reused). Start, as XNU's OSKext::start with OSRuntimeInitializeCPP:
 * register the classes of the kext's "osmetaclass" section (owner = the
 * kext; a duplicate class name fails), run its constructors, then call
 * start(kmod_info, NULL). A non-zero start return undoes all of it and
 * unmaps the kext.
 *
 * Unload: refused while other kexts link against it or it is retained, or
 * while instances of its classes exist (kOSKextReturnInUse and XNU's
 * messages). Otherwise stop() (a failure keeps the kext loaded and
 * started), destructors, class unregistration; then the leak report —
 * OSMalloc tags the kext created (attributed by the caller of
 * OSMalloc_Tagalloc) and kalloc bytes charged to the kext's allocation
 * name that were not freed, printed per tag with byte counts — and unmap.
 * Messages follow XNU's OSKext wording.
 */
#include "bsd/kern/kern_sysctl.h"
#include "bsd/miscfs/devfs/devfs_internal.h"
#include "host/khost.h"
#include "libkern/gen/OSMalloc_internal.h"
#include "libkern/kext/kext_internal.h"
#include "libkern/kxld/kxld.h"
#include "bsd/kern/kdebug_internal.h"

static OSArray *oskext_loaded_list;       /* load order */
static OSDictionary *oskext_loaded_by_id; /* bundle identifier -> kext (hashed lookups) */
static OSKextLoadTag oskext_next_tag;

/* ---- the loaded list ---------------------------------------------------------------- */

OSArray *
oskext_loaded(void)
{
	return oskext_loaded_list;
}

static bool
oskext_loaded_init(void)
{
	if (oskext_loaded_list == NULL) {
		oskext_loaded_list = OSArray_withCapacity(16);
	}
	if (oskext_loaded_by_id == NULL) {
		oskext_loaded_by_id = OSDictionary_withCapacity(16);
	}
	return oskext_loaded_list != NULL && oskext_loaded_by_id != NULL;
}

void
oskext_loaded_reset(void)
{
	OSSafeReleaseNULL(oskext_loaded_list);
	OSSafeReleaseNULL(oskext_loaded_by_id);
}

OSKext *
oskext_loaded_with_id(const char *bundleID)
{
	if (bundleID == NULL || oskext_loaded_by_id == NULL) {
		return NULL;
	}
	return (OSKext *)OSDictionary_getObjectCString(oskext_loaded_by_id, bundleID);
}

/* Add k at the end of the loaded list and to the identifier index. */
static bool
oskext_insert_loaded(OSKext *k)
{
	if (!oskext_loaded_init() || !OSArray_setObject(oskext_loaded_list, k)) {
		return false;
	}
	if (!OSDictionary_setObjectString(oskext_loaded_by_id, k->bundleID, k)) {
		OSArray_removeObject(oskext_loaded_list, OSArray_getCount(oskext_loaded_list) - 1);
		return false;
	}
	return true;
}

OSKext *
oskext_loaded_with_tag(OSKextLoadTag tag)
{
	unsigned int i, n = oskext_loaded_list ? OSArray_getCount(oskext_loaded_list) : 0;

	for (i = 0; i < n; i++) {
		OSKext *k = (OSKext *)OSArray_getObject(oskext_loaded_list, i);

		if (k->loadTag == tag) {
			return k;
		}
	}
	return NULL;
}

OSKext *
oskext_loaded_with_address(uintptr_t addr)
{
	unsigned int i, n = oskext_loaded_list ? OSArray_getCount(oskext_loaded_list) : 0;

	for (i = 0; i < n; i++) {
		OSKext *k = (OSKext *)OSArray_getObject(oskext_loaded_list, i);

		if (k->image != NULL && addr >= k->address && addr - k->address < k->size) {
			return k;
		}
	}
	return NULL;
}

static OSKextLoadTag
oskext_take_tag(void)
{
	OSKextLoadTag tag = oskext_next_tag++;

	if (oskext_next_tag == kOSKextInvalidLoadTag) {
		oskext_next_tag = 0; /* 4 billion loads later; tags in use are skipped below */
	}
	while (oskext_loaded_with_tag(tag) != NULL) {
		tag = oskext_next_tag++;
	}
	return tag;
}

/*
 * kmod_info.next links each loaded kext's kmod_info to the one loaded before
 * it (XNU's kmod list, newest first, as debuggers walk it). Kernel
 * components have no kmod_info and are skipped.
 */
static void
oskext_kmod_link(OSKext *k)
{
	unsigned int i = OSArray_getNextIndexOfObject(oskext_loaded_list, k, 0);

	k->kmodInfo->next = NULL;
	while (i != (unsigned int)-1 && i-- > 0) {
		OSKext *prev = (OSKext *)OSArray_getObject(oskext_loaded_list, i);

		if (prev->kmodInfo != NULL) {
			k->kmodInfo->next = prev->kmodInfo;
			break;
		}
	}
}

/* Before k leaves the list: the next kext with a kmod_info now follows k's predecessor. */
static void
oskext_kmod_unlink(OSKext *k)
{
	unsigned int i = OSArray_getNextIndexOfObject(oskext_loaded_list, k, 0), n;

	if (i == (unsigned int)-1 || k->kmodInfo == NULL) {
		return;
	}
	for (n = OSArray_getCount(oskext_loaded_list), i++; i < n; i++) {
		OSKext *next = (OSKext *)OSArray_getObject(oskext_loaded_list, i);

		if (next->kmodInfo != NULL) {
			next->kmodInfo->next = k->kmodInfo->next;
			break;
		}
	}
}

bool
oskext_add_loaded_component(OSKext *k)
{
	OSKEXT_ASSERT_LOCKED();
	if (!oskext_insert_loaded(k)) {
		return false;
	}
	k->loadTag = oskext_take_tag();
	k->kflags |= OSKEXT_F_LOADED | OSKEXT_F_STARTED;
	return true;
}

static void
oskext_remove_loaded(OSKext *k)
{
	unsigned int idx = OSArray_getNextIndexOfObject(oskext_loaded_list, k, 0);

	if (idx != (unsigned int)-1) {
		OSArray_removeObject(oskext_loaded_list, idx);
	}
	if (oskext_loaded_with_id(oskext_id(k)) == k) {
		OSDictionary_removeObjectString(oskext_loaded_by_id, k->bundleID);
	}
}

/* ---- start and stop ------------------------------------------------------------------ */

static bool
oskext_in_image(const OSKext *k, uintptr_t addr)
{
	return addr >= k->address && addr - k->address < k->size;
}

static void
oskext_classes(OSKext *k)
{
	const OSMetaClass *const *begin = NULL, *const *end = NULL;

	kxld_image_osmetaclass(k->image, &begin, &end);
	k->classesBegin = (OSMetaClass *const *)begin;
	k->classesEnd = (OSMetaClass *const *)end;
}

/* Undo OSRuntimeInitializeCPP: destructors, then the classes. */
static void
oskext_finalize_cpp(OSKext *k)
{
	OSReturn ret;

	if (!(k->kflags & OSKEXT_F_CLASSES)) {
		return;
	}
	kxld_image_run_destructors(k->image);
	if (k->classesBegin != k->classesEnd) {
		ret = OSMetaClass_unregisterClasses(k->classesBegin, k->classesEnd);
		if (ret != kOSReturnSuccess) {
			oskext_log(OSKEXT_LOG_ERROR, "Kext %s failed to unregister its classes (0x%x).",
			           oskext_id(k), ret);
			return; /* keep the flag: the kext can't be unmapped */
		}
	}
	k->kflags &= ~OSKEXT_F_CLASSES;
}

static OSReturn
oskext_initialize_cpp(OSKext *k)
{
	OSReturn ret;

	if (k->classesBegin != k->classesEnd) {
		ret = OSMetaClass_registerClasses(k->classesBegin, k->classesEnd, k);
		if (ret != kOSReturnSuccess) {
			oskext_log(OSKEXT_LOG_ERROR, "Kext %s failed to register its classes (0x%x).",
			           oskext_id(k), ret);
			return ret;
		}
	}
	k->kflags |= OSKEXT_F_CLASSES;
	kxld_image_run_constructors(k->image);
	return kOSReturnSuccess;
}

/*
 * A kext that forgets to unregister its sysctl oids or character devices
 * would leave the kernel pointing into unmapped memory: remove what lies in
 * the image and say so (XNU would panic later instead).
 */
static void
oskext_purge_registrations(OSKext *k)
{
	unsigned int oids = sysctl_purge_range(k->address, k->address + k->size);
	unsigned int devs = dev_purge_range(k->address, k->address + k->size);

	if (oids != 0 || devs != 0)
		oskext_log(OSKEXT_LOG_ERROR,
		           "Kext %s left %u sysctl oid(s) and %u device switch/node entries registered; "
		           "removed.",
		           oskext_id(k), oids, devs);
}

static OSReturn
oskext_start(OSKext *k)
{
	kmod_start_func_t *startfunc;
	OSReturn result;

	if (k->kflags & OSKEXT_F_STARTED) {
		return kOSReturnSuccess;
	}
	startfunc = k->kmodInfo ? k->kmodInfo->start : NULL;
	if (startfunc != NULL && !oskext_in_image(k, (uintptr_t)startfunc)) {
		oskext_log(
		        OSKEXT_LOG_ERROR,
		        "Kext %s module start pointer is outside of kext range (start %p - kext at %p-%p).",
		        oskext_id(k), (void *)startfunc, (void *)k->address, (void *)(k->address + k->size));
		return kOSKextReturnBadData;
	}
	oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s calling module start function.", oskext_id(k));
	result = oskext_initialize_cpp(k);
	if (result == kOSReturnSuccess && startfunc != NULL) {
		/* No start routine is a library that needs none (libkmod's kmod_default_start). */
		result = startfunc(k->kmodInfo, NULL);
		if (result != KERN_SUCCESS) {
			oskext_finalize_cpp(k);
			oskext_purge_registrations(k);
		}
	}
	if (result != KERN_SUCCESS) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s did not start (return code 0x%x).", oskext_id(k),
		           result);
		return result;
	}
	k->kflags |= OSKEXT_F_STARTED;
	oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s is now started.", oskext_id(k));
	return kOSReturnSuccess;
}

static OSReturn
oskext_stop(OSKext *k)
{
	kmod_stop_func_t *stopfunc;
	OSReturn result = KERN_SUCCESS;

	if (!(k->kflags & OSKEXT_F_STARTED)) {
		return kOSReturnSuccess;
	}
	stopfunc = k->kmodInfo ? k->kmodInfo->stop : NULL;
	if (stopfunc != NULL && !oskext_in_image(k, (uintptr_t)stopfunc)) {
		oskext_log(OSKEXT_LOG_ERROR,
		           "Kext %s module stop pointer is outside of kext range (stop %p - kext at %p-%p).",
		           oskext_id(k), (void *)stopfunc, (void *)k->address,
		           (void *)(k->address + k->size));
		return kOSKextReturnBadData;
	}
	if (stopfunc != NULL) {
		oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s calling module stop function.", oskext_id(k));
		result = stopfunc(k->kmodInfo, NULL);
	}
	if (result != KERN_SUCCESS) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s did not stop (return code 0x%x).", oskext_id(k),
		           result);
		return kOSKextReturnStartStopError;
	}
	oskext_finalize_cpp(k);
	oskext_purge_registrations(k);
	k->kflags &= ~OSKEXT_F_STARTED;
	oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s is now stopped and ready to unload.", oskext_id(k));
	return kOSReturnSuccess;
}

/* ---- leak report ------------------------------------------------------------------------ */

#define OSKEXT_LEAK_TAGS 16

struct oskext_leaks {
	unsigned int n, more;
	struct {
		char name[64];
		uint64_t bytes, count;
		bool released;
	} tag[OSKEXT_LEAK_TAGS];
};

/* Runs under OSMalloc's tag lock: only copies. */
static void
oskext_leak_tag(const char *name, uint64_t bytes, uint64_t count, bool released, void *ctx)
{
	struct oskext_leaks *l = ctx;

	if (released && bytes == 0) {
		return; /* freed properly; the record goes with its last allocation */
	}
	if (l->n == OSKEXT_LEAK_TAGS) {
		l->more++;
		return;
	}
	strlcpy(l->tag[l->n].name, name, sizeof(l->tag[l->n].name));
	l->tag[l->n].bytes = bytes;
	l->tag[l->n].count = count;
	l->tag[l->n].released = released;
	l->n++;
}

static void
oskext_report_leaks(OSKext *k)
{
	struct oskext_leaks l;
	uint64_t kbytes = kern_allocation_name_bytes(k->allocName);
	unsigned int i;

	bzero(&l, sizeof(l));
	OSMalloc_tag_iterate_created_by(k->address, k->address + k->size, k->mallocSerial, oskext_leak_tag,
	                                &l);
	if (l.n == 0 && kbytes == 0) {
		return;
	}
	oskext_log(OSKEXT_LOG_ERROR, "Kext %s did not free all its memory:", oskext_id(k));
	for (i = 0; i < l.n; i++) {
		oskext_log(OSKEXT_LOG_ERROR, "    OSMalloc tag %s: %llu bytes in %llu allocation%s%s",
		           l.tag[i].name, (unsigned long long)l.tag[i].bytes,
		           (unsigned long long)l.tag[i].count, l.tag[i].count == 1 ? "" : "s",
		           l.tag[i].released ? "" : " (tag not freed)");
	}
	if (l.more != 0) {
		oskext_log(OSKEXT_LOG_ERROR, "    ... and %u more OSMalloc tags", l.more);
	}
	if (kbytes != 0) {
		oskext_log(OSKEXT_LOG_ERROR, "    kalloc: %llu bytes", (unsigned long long)kbytes);
	}
}

/* ---- load and unload ---------------------------------------------------------------------- */

static void
oskext_release_references(OSKext *k)
{
	unsigned int i;

	for (i = 0; k->dependencies != NULL && i < OSArray_getCount(k->dependencies); i++) {
		OSKext *dep = (OSKext *)OSArray_getObject(k->dependencies, i);

		if (dep->dependents > 0) {
			dep->dependents--;
		}
		if (dep->kmodInfo != NULL && dep->kmodInfo->reference_count > 0) {
			dep->kmodInfo->reference_count--;
		}
	}
	if (k->references != NULL) {
		kfree(k->references, k->nreferences * sizeof(kmod_reference_t));
		k->references = NULL;
		k->nreferences = 0;
	}
}

/* Count k as a client of each of its libraries; build kmod_info's reference list. */
static bool
oskext_take_references(OSKext *k)
{
	unsigned int i, n = k->dependencies ? OSArray_getCount(k->dependencies) : 0, r = 0;

	for (i = 0; i < n; i++) {
		if (((OSKext *)OSArray_getObject(k->dependencies, i))->kmodInfo != NULL) {
			r++;
		}
	}
	if (r > 0) {
		k->references = kalloc(r * sizeof(kmod_reference_t));
		if (k->references == NULL) {
			return false;
		}
		bzero(k->references, r * sizeof(kmod_reference_t));
		k->nreferences = r;
	}
	for (i = 0, r = 0; i < n; i++) {
		OSKext *dep = (OSKext *)OSArray_getObject(k->dependencies, i);

		dep->dependents++;
		if (dep->kmodInfo != NULL) {
			dep->kmodInfo->reference_count++;
			k->references[r].info = dep->kmodInfo;
			k->references[r].next = (r + 1 < k->nreferences) ? &k->references[r + 1] : NULL;
			r++;
		}
	}
	if (k->kmodInfo != NULL) {
		k->kmodInfo->reference_list = k->references;
	}
	return true;
}

static void
oskext_unmap(OSKext *k)
{
	kxld_unlink(k->image);
	k->image = NULL;
	k->kmodInfo = NULL;
	k->classesBegin = k->classesEnd = NULL;
	k->address = 0;
	k->size = k->wiredSize = 0;
	if (k->allocName != NULL) {
		kern_allocation_name_release(k->allocName);
		k->allocName = NULL;
	}
}

/* What kxld needs to link k's executable (bytes, len) against k's dependencies. */
static void
oskext_link_params(OSKext *k, const void *bytes, size_t len, struct kxld_link_params *p)
{
	bzero(p, sizeof(*p));
	p->kext_id = oskext_id(k);
	p->object = bytes;
	p->object_size = len;
	p->resolve = oskext_resolve_symbol;
	p->resolve_ctx = k;
	p->alloc_name = k->allocName;
}

/* Link k (its dependencies are loaded or linked). kOSReturnSuccess or kOSKextReturnLinkError. */
OSReturn
oskext_link(OSKext *k)
{
	struct kxld_link_params p;
	OSArray *diag = OSArray_withCapacity(4);
	void *bytes = NULL;
	size_t len = 0;
	uintptr_t ki;
	unsigned int i;
	int err;

	if (diag == NULL) {
		return kOSKextReturnNoMemory;
	}
	err = oskext_read_executable(k, &bytes, &len);
	if (err != 0) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s - can't read executable %s (errno %d).", oskext_id(k),
		           k->executablePath ? OSString_getCStringNoCopy(k->executablePath) : "(none)", err);
		OSObject_release(diag);
		return kOSKextReturnLinkError;
	}
	k->allocName = kern_allocation_name_allocate(oskext_id(k), 0);
	oskext_link_params(k, bytes, len, &p);
	k->mallocSerial = OSMalloc_tag_next_serial();
	err = kxld_link(&p, &k->image, diag);
	(void)khost_vm_free(bytes, len ? len : 1);
	for (i = 0; i < OSArray_getCount(diag); i++) {
		OSString *s = OSKEXT_CAST(OSString, OSArray_getObject(diag, i));

		if (s != NULL) {
			oskext_log(OSKEXT_LOG_ERROR, "%s", OSString_getCStringNoCopy(s));
		}
	}
	OSObject_release(diag);
	if (err != 0) {
		k->image = NULL;
		oskext_unmap(k);
		return err == ENOMEM ? kOSKextReturnNoResources : kOSKextReturnLinkError;
	}
	k->address = kxld_image_address(k->image);
	k->size = kxld_image_size(k->image);
	k->wiredSize = kxld_image_wired_size(k->image);
	kxld_image_uuid(k->image, k->uuid);
	k->hasUUID = true;
	ki = kxld_image_kmod_info(k->image);
	if (ki == 0 || !oskext_in_image(k, ki) || k->address + k->size - ki < sizeof(kmod_info_t)) {
		oskext_log(OSKEXT_LOG_ERROR, "kxld[%s]: The kext is missing its kmod_info structure.",
		           oskext_id(k));
		oskext_unmap(k);
		return kOSKextReturnLinkError;
	}
	k->kmodInfo = (kmod_info_t *)ki;
	oskext_classes(k);
	return kOSReturnSuccess;
}

void
oskext_unlink(OSKext *k)
{
	oskext_unmap(k);
}

static OSReturn
oskext_load_one_untraced(OSKext *k, uint32_t flags)
{
	OSReturn result;

	OSKEXT_ASSERT_LOCKED();
	if (k->kflags & (OSKEXT_F_LOADED | OSKEXT_F_KERNEL_COMPONENT)) {
		return kOSReturnSuccess;
	}
	if (k->bundleID == NULL || !oskext_loaded_init()) {
		return kOSKextReturnInvalidArgument;
	}
	if (!oskext_loadable_in_safe_boot(k)) {
		oskext_log(OSKEXT_LOG_ERROR, "Can't load kext %s - not loadable during safe boot.",
		           oskext_id(k));
		return kOSKextReturnBootLevel;
	}
	if (k->kflags & OSKEXT_F_EXECUTABLE) {
		result = oskext_link(k);
		if (result != kOSReturnSuccess) {
			return result;
		}
	}
	if (!oskext_insert_loaded(k) || !oskext_take_references(k)) {
		oskext_remove_loaded(k);
		oskext_release_references(k);
		oskext_unmap(k);
		return kOSKextReturnNoMemory;
	}
	k->loadTag = oskext_take_tag();
	k->kflags |= OSKEXT_F_LOADED;
	if (k->kmodInfo != NULL) {
		k->kmodInfo->id = k->loadTag;
		k->kmodInfo->address = k->address;
		k->kmodInfo->size = k->size;
		k->kmodInfo->hdr_size = 0;
		k->kmodInfo->reference_count = 0; /* KMOD_DECL starts it at -1; clients add to it */
		strlcpy(k->kmodInfo->name, oskext_id(k), sizeof(k->kmodInfo->name));
		(void)OSKextVersionGetString(k->version, k->kmodInfo->version, sizeof(k->kmodInfo->version));
		if (k->infoDict != NULL) {
			OSString *v = OSKEXT_CAST(
			        OSString, OSDictionary_getObjectCString(k->infoDict, kCFBundleVersionKey));

			if (v != NULL) {
				strlcpy(k->kmodInfo->version, OSString_getCStringNoCopy(v),
				        sizeof(k->kmodInfo->version));
			}
		}
		oskext_kmod_link(k);
	}
	if (k->image == NULL || (flags & kOSKextLoadFlagNoStart)) {
		if (k->image == NULL) {
			k->kflags |= OSKEXT_F_STARTED; /* nothing to start: a codeless kext */
		}
		oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s loaded.", oskext_id(k));
		return kOSReturnSuccess;
	}
	result = oskext_start(k);
	if (result != kOSReturnSuccess) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s start failed (result 0x%x).", oskext_id(k), result);
		(void)oskext_unload_one(k, false);
		return kOSKextReturnStartStopError;
	}
	oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s loaded.", oskext_id(k));
	if (oskext_personalities_add != NULL && k->infoDict != NULL) {
		oskext_personalities_add(k->infoDict); /* its drivers can match now */
	}
	return kOSReturnSuccess;
}

static bool
oskext_report_instances(OSKext *k)
{
	OSMetaClass *const *m;
	bool any = false;

	for (m = k->classesBegin; (k->kflags & OSKEXT_F_CLASSES) && m < k->classesEnd; m++) {
		unsigned int n = OSMetaClass_getInstanceCount(*m);

		if (n == 0) {
			continue;
		}
		if (!any) {
			oskext_log(OSKEXT_LOG_ERROR,
			           "Can't unload kext %s; classes have instances:", oskext_id(k));
			any = true;
		}
		oskext_log(OSKEXT_LOG_ERROR, "    Kext %s class %s has %u instance%s.", oskext_id(k),
		           OSMetaClass_getClassName(*m), n, n == 1 ? "" : "s");
	}
	return any;
}

static OSReturn
oskext_unload_one_untraced(OSKext *k, bool shutdown)
{
	OSReturn result;

	OSKEXT_ASSERT_LOCKED();
	if (k->kflags & OSKEXT_F_KERNEL_COMPONENT) {
		return kOSKextReturnInvalidArgument;
	}
	if (!(k->kflags & OSKEXT_F_LOADED)) {
		return kOSReturnSuccess;
	}
	if (k->dependents + k->retains > 0) {
		oskext_log(OSKEXT_LOG_ERROR,
		           "Can't unload kext %s; outstanding references (linkage or tracking object).",
		           oskext_id(k));
		return kOSKextReturnInUse;
	}
	if (oskext_report_instances(k)) {
		return kOSKextReturnInUse;
	}
	k->kflags |= OSKEXT_F_UNLOADING;
	if (k->image != NULL && (k->kflags & OSKEXT_F_STARTED)) {
		result = oskext_stop(k);
		if (result != kOSReturnSuccess) {
			oskext_log(OSKEXT_LOG_ERROR, "Kext %s can't unload - module stop returned 0x%x.",
			           oskext_id(k), (unsigned)result);
			k->kflags &= ~OSKEXT_F_UNLOADING;
			return kOSKextReturnStartStopError;
		}
	}
	if (k->kflags & OSKEXT_F_CLASSES) {
		/* Loaded without start, or stop ran but a class was still in use. */
		oskext_finalize_cpp(k);
		if (k->kflags & OSKEXT_F_CLASSES) {
			k->kflags &= ~OSKEXT_F_UNLOADING;
			return kOSKextReturnInUse;
		}
	}
	oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s unloading.", oskext_id(k));
	if (oskext_personalities_remove != NULL && !shutdown) {
		oskext_personalities_remove(oskext_id(k));
	}
	if (k->image != NULL) {
		oskext_report_leaks(k);
	}
	OSObject_retain(k); /* the loaded list may hold the last reference */
	oskext_kmod_unlink(k);
	oskext_remove_loaded(k);
	oskext_release_references(k);
	oskext_unmap(k);
	k->kflags &= ~(OSKEXT_F_LOADED | OSKEXT_F_STARTED | OSKEXT_F_UNLOADING);
	k->loadTag = kOSKextInvalidLoadTag;
	if (!shutdown) {
		/* Dependencies are resolved again at the next load. */
		OSSafeReleaseNULL(k->dependencies);
	}
	OSObject_release(k);
	return kOSReturnSuccess;
}

void
oskext_stop_all(void)
{
	unsigned int i;

	OSKEXT_ASSERT_LOCKED();
	for (i = oskext_loaded_list ? OSArray_getCount(oskext_loaded_list) : 0; i-- > 0;) {
		OSKext *k = (OSKext *)OSArray_getObject(oskext_loaded_list, i);

		if ((k->kflags & OSKEXT_F_KERNEL_COMPONENT) || k->image == NULL ||
		    !(k->kflags & OSKEXT_F_STARTED)) {
			continue;
		}
		if (oskext_stop(k) == kOSReturnSuccess) {
			oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s stopped at shutdown.", oskext_id(k));
		}
	}
}

/* ---- kdebug: kext load and unload as intervals (bsd/kern/kdebug_internal.h) ---- */

static void
oskext_trace(uint32_t debugid, const OSKext *k)
{
	uintptr_t a[4];

	kdbg_pack_string(oskext_id(k), a);
	KERNEL_DEBUG_CONSTANT(debugid | DBG_FUNC_START, a[0], a[1], a[2], a[3], 0);
}

OSReturn
oskext_load_one(OSKext *k, uint32_t flags)
{
	OSReturn result;
	bool traced = kdebug_enable != 0 && !(k->kflags & (OSKEXT_F_LOADED | OSKEXT_F_KERNEL_COMPONENT));

	if (traced)
		oskext_trace(MACHDBG_CODE(DBG_MACH_KH_KEXT, KH_KEXT_LOAD), k);
	result = oskext_load_one_untraced(k, flags);
	if (traced)
		KERNEL_DEBUG_CONSTANT(MACHDBG_CODE(DBG_MACH_KH_KEXT, KH_KEXT_LOAD) | DBG_FUNC_END, result,
		                      k->loadTag, k->address, k->size, 0);
	return result;
}

OSReturn
oskext_unload_one(OSKext *k, bool shutdown)
{
	OSReturn result;
	OSKextLoadTag tag = k->loadTag;
	bool traced = kdebug_enable != 0 && (k->kflags & OSKEXT_F_LOADED) &&
	              !(k->kflags & OSKEXT_F_KERNEL_COMPONENT);

	if (traced)
		oskext_trace(MACHDBG_CODE(DBG_MACH_KH_KEXT, KH_KEXT_UNLOAD), k);
	result = oskext_unload_one_untraced(k, shutdown);
	if (traced)
		KERNEL_DEBUG_CONSTANT(MACHDBG_CODE(DBG_MACH_KH_KEXT, KH_KEXT_UNLOAD) | DBG_FUNC_END, result,
		                      tag, 0, 0, 0);
	return result;
}

/* Debug objects travel base64-encoded in one XML reply (at most 16 MB, KHRQ_MAX_PAYLOAD). */
#define OSKEXT_DEBUG_OBJECT_MAX (8u << 20)

/*
 * A kext's symbol file: the debug object kxld builds for it linked at
 * `address` against the same dependencies (kextutil -s -a), or, with 0, at
 * the address it is loaded at. Symbol files are full objects, code
 * included, read again from the bundle; when the executable there is no
 * longer the one loaded (its UUID differs), the loaded kext's own slim
 * debug object (kxld_image_debug_object: symbols and DWARF, no code) is
 * what is left. Linked in this kernel is enough: the offline tools link
 * without starting.
 */
OSReturn
OSKext_copyDebugObject(const char *bundleID, uint64_t address, OSData **out)
{
	const void *obj = NULL;
	void *bytes = NULL, *built = NULL;
	size_t len = 0, size = 0;
	struct kxld_link_params p;
	OSReturn result = kOSReturnSuccess;
	OSKext *k;
	int err;

	*out = NULL;
	if (bundleID == NULL)
		return kOSKextReturnInvalidArgument;
	oskext_lock();
	k = oskext_loaded_with_id(bundleID);
	if (k == NULL || k->image == NULL) {
		oskext_log(OSKEXT_LOG_ERROR, "Kext %s is not loaded (or has no executable); no symbols.",
		           bundleID);
		result = kOSKextReturnNotFound;
		goto out;
	}
	err = oskext_read_executable(k, &bytes, &len);
	if (err == 0 && address == 0) {
		uint8_t file_uuid[16], loaded_uuid[16];

		kxld_image_uuid(k->image, loaded_uuid);
		if (kxld_object_uuid(bytes, len, file_uuid) == 0 && memcmp(file_uuid, loaded_uuid, 16) == 0) {
			address = kxld_image_address(k->image);
		} else {
			oskext_log(OSKEXT_LOG_ERROR,
			           "The executable of %s changed since it was loaded; its symbol file has no "
			           "code.",
			           bundleID);
			(void)khost_vm_free(bytes, len ? len : 1);
			bytes = NULL;
		}
	}
	if (bytes == NULL && address == 0) {
		err = kxld_image_debug_object(k->image, &obj, &size);
	} else if (err == 0) {
		oskext_link_params(k, bytes, len, &p);
		err = kxld_link_debug_object(&p, (uintptr_t)address, &built, &size, NULL);
		obj = built;
	}
	if (err != 0) {
		oskext_log(OSKEXT_LOG_ERROR, "Can't build the debug object of %s (error %d).", bundleID, err);
		result = err == EINVAL ? kOSKextReturnInvalidArgument : kOSKextReturnLinkError;
		goto out;
	}
	if (size > OSKEXT_DEBUG_OBJECT_MAX) {
		oskext_log(OSKEXT_LOG_ERROR, "The debug object of %s is too large to send (%zu bytes).",
		           bundleID, size);
		result = kOSKextReturnNoResources;
	} else if ((*out = OSData_withBytes(obj, (unsigned int)size)) == NULL) {
		result = kOSKextReturnNoMemory;
	}
out:
	if (built != NULL)
		kxld_debug_object_free(built, size);
	if (bytes != NULL)
		(void)khost_vm_free(bytes, len ? len : 1);
	oskext_unlock();
	return result;
}
