/*
 * OSKextReboot.c — kexts loaded by request come back after a panic reboot.
 *
 * `kexthost boot --reboot-on-panic` boots a new kernel after a panic "with
 * the same configuration and kexts". Kexts in Extensions/ that match or are
 * required at boot come back by themselves; the ones a person loaded with
 * kextload or kextutil (from any folder) would not. So every successful
 * load request is written down in the kernel root, every unload request
 * crosses out what is no longer loaded, and a kernel booted after a panic
 * (KERNEL_BOOT_AFTER_PANIC) loads the list again, in the order it was loaded,
 * before it serves clients. A clean boot forgets the list.
 *
 * The file, <root>/var/run/kexthost-kexts.plist, is an array (written with
 * OSSerialize, read with OSUnserializePlist) of one dictionary per request:
 *
 *   key                  type               value
 *   -------------------  -----------------  -----------------------------------
 *   CFBundleIdentifier   string             the kext that loaded
 *   OSBundlePath         string (optional)  the bundle the request named
 *                                           (absent: loaded by identifier)
 *   DependencyPaths      array of strings   kextload -d (optional)
 *   RepositoryPaths      array of strings   kextload -r (optional)
 *   SkipAuthentication   boolean            the request skipped authentication
 *                                           (root only, kext-dev-mode)
 *
 * A reload runs as root: the request was allowed when it was made. The list
 * is kept in memory under its own lock and the file is rewritten whole
 * (khost_file_write writes a temporary file and renames it), so a panic at
 * any moment leaves the last complete list.
 */
#include <sys/systm.h>
#include <string.h>
#include <kern/locks.h>
#include <libkern/c/OSContainers.h>
#include <libkern/c/OSSerialize.h>
#include <libkern/c/OSUnserialize.h>
#include "host/khost.h"
#include "libkern/kext/OSKext.h"

#define RB_NAME "var/run/kexthost-kexts.plist" /* under the kernel root */
#define RB_FILE "/" RB_NAME
#define RB_MAX_FILE (1024 * 1024)

static struct {
	lck_grp_t *grp;
	lck_mtx_t *mtx;
	OSArray *loads; /* OSDictionary per request, as in the file */
} rb;

static int
rb_path(char *buf, size_t size)
{
	const char *root = OSKext_rootPath();

	if (root == NULL || root[0] == '\0')
		return -1;
	return snprintf(buf, size, "%s%s", root, RB_FILE) < (int)size ? 0 : -1;
}

/* Write the list; rb.mtx held. A failure is logged: only the reboot loses it. */
static void
rb_save_locked(void)
{
	char path[1024];
	OSSerialize *s;
	int err;

	lck_mtx_assert(rb.mtx, LCK_MTX_ASSERT_OWNED);
	if (rb_path(path, sizeof(path)) != 0)
		return;
	s = OSSerialize_withCapacity(1024);
	if (s == NULL || !OSObject_serialize(rb.loads, s)) {
		OSSafeReleaseNULL(s);
		printf("kext: cannot record the loaded kexts (no memory)\n");
		return;
	}
	err = khost_file_write(path, OSSerialize_text(s), OSSerialize_getLength(s), 0644);
	if (err != 0)
		printf("kext: cannot write %s (errno %d)\n", path, err);
	OSObject_release(s);
}

/* The bundle identifier of the kext with this load tag, retained, or NULL. */
static OSString *
rb_identifier_for_tag(OSKextLoadTag tag)
{
	OSDictionary *all = OSKextCopyLoadedKextInfo(NULL, NULL);
	OSCollectionIterator *it = all != NULL ? OSCollectionIterator_withCollection(all) : NULL;
	OSString *found = NULL;
	OSSymbol *key;

	while (it != NULL && found == NULL &&
	       (key = (OSSymbol *)OSCollectionIterator_getNextObject(it)) != NULL) {
		OSDictionary *k = OSDynamicCast(OSDictionary, OSDictionary_getObject(all, key));
		OSNumber *n = k != NULL ? OSDynamicCast(OSNumber,
		                                        OSDictionary_getObjectCString(k, "OSBundleLoadTag"))
		                        : NULL;
		if (n != NULL && OSNumber_unsigned32BitValue(n) == tag) {
			found = OSString_withCString(OSSymbol_getCStringNoCopy(key));
		}
	}
	OSSafeReleaseNULL(it);
	OSSafeReleaseNULL(all);
	return found;
}

static bool
rb_set(OSDictionary *d, const char *key, const OSObject *value)
{
	return value == NULL || OSDictionary_setObjectCString(d, key, value);
}

void
OSKext_noteLoadRequest(const struct OSKextLoadArgs *args, OSKextLoadTag tag)
{
	OSString *id = NULL, *path = NULL;
	OSDictionary *d = NULL;

	if (rb.mtx == NULL || args == NULL || tag == kOSKextInvalidLoadTag)
		return;
	id = rb_identifier_for_tag(tag);
	path = args->path != NULL ? OSString_withCString(args->path) : NULL;
	d = OSDictionary_withCapacity(5);
	if (id == NULL || d == NULL || (args->path != NULL && path == NULL))
		goto out;
	if (!rb_set(d, "CFBundleIdentifier", (OSObject *)id) ||
	    !rb_set(d, "OSBundlePath", (OSObject *)path) ||
	    !rb_set(d, "DependencyPaths", (OSObject *)args->dependencyPaths) ||
	    !rb_set(d, "RepositoryPaths", (OSObject *)args->repositoryPaths) ||
	    !rb_set(d, "SkipAuthentication",
	            (OSObject *)((args->flags & kOSKextLoadFlagSkipAuthentication) ? kOSBooleanTrue
	                                                                           : kOSBooleanFalse)))
		goto out;
	lck_mtx_lock(rb.mtx);
	/* Loading what is already listed (kextload twice) replaces the entry. */
	for (unsigned int i = 0; i < OSArray_getCount(rb.loads); i++) {
		OSDictionary *e = (OSDictionary *)OSArray_getObject(rb.loads, i);
		OSString *eid =
		        OSDynamicCast(OSString, OSDictionary_getObjectCString(e, "CFBundleIdentifier"));
		if (eid != NULL && OSString_isEqualToString(eid, id)) {
			OSArray_removeObject(rb.loads, i);
			break;
		}
	}
	if (OSArray_setObject(rb.loads, (OSObject *)d))
		rb_save_locked();
	lck_mtx_unlock(rb.mtx);
out:
	OSSafeReleaseNULL(d);
	OSSafeReleaseNULL(path);
	OSSafeReleaseNULL(id);
}

void
OSKext_noteUnload(void)
{
	OSDictionary *loaded;
	bool changed = false;

	if (rb.mtx == NULL)
		return;
	loaded = OSKextCopyLoadedKextInfo(NULL, NULL);
	if (loaded == NULL)
		return;
	lck_mtx_lock(rb.mtx);
	for (unsigned int i = OSArray_getCount(rb.loads); i-- > 0;) {
		OSDictionary *e = (OSDictionary *)OSArray_getObject(rb.loads, i);
		OSString *id =
		        OSDynamicCast(OSString, OSDictionary_getObjectCString(e, "CFBundleIdentifier"));
		if (id == NULL ||
		    OSDictionary_getObjectCString(loaded, OSString_getCStringNoCopy(id)) == NULL) {
			OSArray_removeObject(rb.loads, i);
			changed = true;
		}
	}
	if (changed)
		rb_save_locked();
	lck_mtx_unlock(rb.mtx);
	OSObject_release(loaded);
}

/* Load one recorded request again; its result goes to the log. */
static void
rb_reload_one(OSDictionary *e)
{
	OSString *id = OSDynamicCast(OSString, OSDictionary_getObjectCString(e, "CFBundleIdentifier"));
	OSString *path = OSDynamicCast(OSString, OSDictionary_getObjectCString(e, "OSBundlePath"));
	OSBoolean *skip = OSDynamicCast(OSBoolean, OSDictionary_getObjectCString(e, "SkipAuthentication"));
	struct OSKextLoadArgs la = {0};
	OSKextLoadTag tag = kOSKextInvalidLoadTag;
	OSDictionary *diag = OSDictionary_withCapacity(4);
	OSArray *msgs = OSArray_withCapacity(4);
	OSReturn ret;

	if (id == NULL || diag == NULL || msgs == NULL) {
		printf("kext: %s: a malformed entry; skipped\n", RB_NAME);
		goto out;
	}
	la.path = path != NULL ? OSString_getCStringNoCopy(path) : NULL;
	la.bundleID = OSString_getCStringNoCopy(id);
	la.uid = 0;
	la.flags = skip != NULL && OSBoolean_isTrue(skip) ? kOSKextLoadFlagSkipAuthentication : 0;
	la.dependencyPaths = OSDynamicCast(OSArray, OSDictionary_getObjectCString(e, "DependencyPaths"));
	la.repositoryPaths = OSDynamicCast(OSArray, OSDictionary_getObjectCString(e, "RepositoryPaths"));
	ret = OSKext_load(&la, &tag, diag, msgs);
	if (ret == kOSReturnSuccess) {
		printf("kext: %s loaded again after the panic (%s)\n", la.bundleID,
		       la.path != NULL ? la.path : "by identifier");
		OSKext_noteLoadRequest(&la, tag);
	} else {
		printf("kext: %s could not be loaded again after the panic (0x%x)\n", la.bundleID, ret);
		for (unsigned int i = 0; i < OSArray_getCount(msgs); i++) {
			OSString *m = OSDynamicCast(OSString, OSArray_getObject(msgs, i));
			if (m != NULL)
				printf("kext:     %s\n", OSString_getCStringNoCopy(m));
		}
	}
out:
	OSSafeReleaseNULL(diag);
	OSSafeReleaseNULL(msgs);
}

void
OSKext_reloadAfterPanic(bool afterPanic)
{
	char path[1024];
	void *buf = NULL;
	size_t len = 0;
	OSArray *saved = NULL;

	if (rb.mtx == NULL) {
		rb.grp = lck_grp_alloc_init("kext.reboot", NULL);
		rb.mtx = rb.grp != NULL ? lck_mtx_alloc_init(rb.grp, NULL) : NULL;
		rb.loads = OSArray_withCapacity(4);
		if (rb.mtx == NULL || rb.loads == NULL)
			panic("OSKext_reloadAfterPanic: no memory");
	}
	if (rb_path(path, sizeof(path)) != 0)
		return;
	if (afterPanic && khost_file_read(path, RB_MAX_FILE, &buf, &len) == 0) {
		OSString *err = NULL;
		OSObject *o = OSUnserializePlist(buf, len, &err);
		saved = OSDynamicCast(OSArray, o);
		if (saved == NULL) {
			printf("kext: %s unreadable (%s); no kexts loaded again\n", RB_NAME,
			       err != NULL ? OSString_getCStringNoCopy(err) : "not an array");
			OSSafeReleaseNULL(o);
		}
		OSSafeReleaseNULL(err);
		khost_vm_free(buf, len);
	}
	/* Start the new boot's list empty (on disk too): reloads record themselves again. */
	lck_mtx_lock(rb.mtx);
	OSArray_flushCollection(rb.loads);
	rb_save_locked();
	lck_mtx_unlock(rb.mtx);
	if (saved == NULL)
		return;
	printf("kext: loading again the %u kext(s) loaded by request before the panic\n",
	       OSArray_getCount(saved));
	for (unsigned int i = 0; i < OSArray_getCount(saved); i++) {
		OSDictionary *e = OSDynamicCast(OSDictionary, OSArray_getObject(saved, i));
		if (e != NULL)
			rb_reload_one(e);
	}
	OSObject_release(saved);
}
