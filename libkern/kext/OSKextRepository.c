/*
 * OSKextRepository.c — the kext repository: the kernel root's Extensions
 * folder (or another folder set with OSKext_setExtensionsPath), indexed by
 * bundle identifier.
 *
 * The index maps each CFBundleIdentifier to its bundles (OSKext records,
 * highest CFBundleVersion first); it is built at boot and rebuilt when the
 * folder's modification time (or identity) changed since the last scan —
 * checked on every request — or on SIGHUP (OSKext_rescan). Installing a
 * kext atomically (copy it next to Extensions, fix owner and mode, rename
 * it into the folder) changes the folder's mtime, so the next request sees
 * it; see docs/KEXTS.md. Each *.kext of the folder is read, and so is each
 * *.kext in its Contents/PlugIns (one level, as on Mac OS X). Bundles
 * without a readable CFBundleIdentifier are left out; invalid ones stay in
 * so that dependency resolution can say why they can't be used.
 */
#include "host/khost.h"
#include "libkern/kext/kext_internal.h"

#define OSKEXT_REPO_MAX_ENTRIES 10000

static char oskext_root[MAXPATHLEN];
static char oskext_ext_path[MAXPATHLEN];
static OSDictionary *oskext_index;
static OSArray *oskext_all;

static struct {
	bool valid;  /* a scan happened */
	bool exists; /* the folder existed then */
	int64_t sec;
	int32_t nsec;
	uint64_t ino, dev;
} oskext_stamp;

/* ---- paths ---------------------------------------------------------------------- */

static void
oskext_default_ext_path(void)
{
	if (oskext_root[0] != '\0') {
		snprintf(oskext_ext_path, sizeof(oskext_ext_path), "%s/Extensions", oskext_root);
	} else {
		oskext_ext_path[0] = '\0';
	}
}

void
oskext_repo_set_root(const char *root)
{
	OSKEXT_ASSERT_LOCKED();
	strlcpy(oskext_root, root != NULL ? root : "", sizeof(oskext_root));
	oskext_default_ext_path();
	oskext_stamp.valid = false;
}

const char *
OSKext_rootPath(void)
{
	return oskext_root;
}

const char *
OSKext_extensionsPath(void)
{
	return oskext_ext_path;
}

void
OSKext_setExtensionsPath(const char *path)
{
	oskext_lock();
	if (path != NULL) {
		strlcpy(oskext_ext_path, path, sizeof(oskext_ext_path));
	} else {
		oskext_default_ext_path();
	}
	oskext_stamp.valid = false;
	oskext_unlock();
}

/* ---- building an index ---------------------------------------------------------------- */

OSArray *
oskext_repo_lookup(OSDictionary *index, const char *bundleID)
{
	if (index == NULL || bundleID == NULL) {
		return NULL;
	}
	return OSKEXT_CAST(OSArray, OSDictionary_getObjectCString(index, bundleID));
}

/* Insert k among its identifier's records, highest version first (first found wins a tie). */
static void
oskext_index_insert(OSDictionary *index, OSKext *k)
{
	const char *id = OSString_getCStringNoCopy(k->bundleID);
	OSArray *recs = oskext_repo_lookup(index, id);
	unsigned int i, n;

	if (recs == NULL) {
		recs = OSArray_withCapacity(1);
		if (recs == NULL || !OSDictionary_setObjectCString(index, id, recs)) {
			OSSafeReleaseNULL(recs);
			return;
		}
		OSObject_release(recs);
	}
	n = OSArray_getCount(recs);
	for (i = 0; i < n; i++) {
		if (((OSKext *)OSArray_getObject(recs, i))->version < k->version) {
			break;
		}
	}
	(void)OSArray_setObjectAtIndex(recs, i, k);
}

struct oskext_index_ctx {
	OSDictionary *index;
	OSArray *all;
};

static void
oskext_index_add_one(struct oskext_index_ctx *c, const char *path)
{
	OSKext *k = oskext_create_from_path(path);

	if (k == NULL) {
		return;
	}
	if (k->bundleID == NULL) {
		oskext_log(OSKEXT_LOG_PROGRESS, "Kext %s has no valid CFBundleIdentifier; ignoring it.",
		           path);
	} else {
		if (c->all != NULL) {
			(void)OSArray_setObject(c->all, k);
		}
		oskext_index_insert(c->index, k);
	}
	OSObject_release(k);
}

static void
oskext_index_plugin(void *ctx, const char *path)
{
	oskext_index_add_one(ctx, path);
}

void
oskext_index_add_bundle(OSDictionary *index, OSArray *all, const char *path, bool plugins)
{
	struct oskext_index_ctx c = {index, all};

	oskext_index_add_one(&c, path);
	if (plugins) {
		oskext_plugins_apply(path, oskext_index_plugin, &c);
	}
}

struct oskext_folder_ctx {
	OSArray *names; /* sorted OSStrings */
};

static int
oskext_folder_entry(void *ctx, const char *name)
{
	struct oskext_folder_ctx *c = ctx;
	size_t len = strlen(name);
	unsigned int i, n;
	OSString *s;

	if (len <= 5 || name[0] == '.' || strcmp(name + len - 5, ".kext") != 0) {
		return 0;
	}
	n = OSArray_getCount(c->names);
	if (n >= OSKEXT_REPO_MAX_ENTRIES) {
		return 1;
	}
	/* Sorted insertion: scans are deterministic whatever order the directory gives. */
	for (i = 0; i < n; i++) {
		if (strcmp(OSString_getCStringNoCopy((OSString *)OSArray_getObject(c->names, i)), name) > 0) {
			break;
		}
	}
	if ((s = OSString_withCString(name)) != NULL) {
		(void)OSArray_setObjectAtIndex(c->names, i, s);
		OSObject_release(s);
	}
	return 0;
}

void
oskext_index_add_folder(OSDictionary *index, OSArray *all, const char *folder)
{
	struct oskext_folder_ctx c;
	char path[MAXPATHLEN];
	unsigned int i;

	if ((c.names = OSArray_withCapacity(16)) == NULL) {
		return;
	}
	(void)khost_dir_list(folder, oskext_folder_entry, &c);
	for (i = 0; i < OSArray_getCount(c.names); i++) {
		const char *name = OSString_getCStringNoCopy((OSString *)OSArray_getObject(c.names, i));

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", folder, name) < sizeof(path)) {
			oskext_index_add_bundle(index, all, path, true);
		}
	}
	OSObject_release(c.names);
}

/* ---- the main repository ---------------------------------------------------------------- */

/*
 * A kext the new scan no longer finds (and that is not loaded) takes its
 * personalities out of the catalogue, as kextd's catalogue reset does: else
 * a removed kext would still be demand-loaded — and fail — on every match.
 */
static void
oskext_personalities_forget(OSDictionary *oldIndex, OSDictionary *newIndex)
{
	OSArray *keys;

	OSKEXT_ASSERT_LOCKED();
	if (oskext_personalities_remove == NULL || oldIndex == NULL ||
	    (keys = OSDictionary_copyKeys(oldIndex)) == NULL) {
		return;
	}
	for (unsigned int i = 0; i < OSArray_getCount(keys); i++) {
		const OSSymbol *id = (const OSSymbol *)OSArray_getObject(keys, i);

		if (OSDictionary_getObject(newIndex, id) == NULL &&
		    oskext_loaded_with_id(OSSymbol_getCStringNoCopy(id)) == NULL) {
			oskext_personalities_remove(OSSymbol_getCStringNoCopy(id));
		}
	}
	OSObject_release(keys);
}

static void
oskext_repo_scan(const struct khost_stat *st, bool exists)
{
	OSDictionary *index = OSDictionary_withCapacity(32);
	OSArray *all = OSArray_withCapacity(32);
	uint64_t t0 = khost_uptime_ns();

	if (index == NULL || all == NULL) {
		OSSafeReleaseNULL(index);
		OSSafeReleaseNULL(all);
		return; /* keep the old index; retry on the next request */
	}
	if (exists) {
		oskext_index_add_folder(index, all, oskext_ext_path);
	}
	oskext_personalities_forget(oskext_index, index);
	OSSafeReleaseNULL(oskext_index);
	OSSafeReleaseNULL(oskext_all);
	oskext_index = index;
	oskext_all = all;
	oskext_stamp.valid = true;
	oskext_stamp.exists = exists;
	oskext_stamp.sec = exists ? st->mtime_sec : 0;
	oskext_stamp.nsec = exists ? st->mtime_nsec : 0;
	oskext_stamp.ino = exists ? st->ino : 0;
	oskext_stamp.dev = exists ? st->dev : 0;
	oskext_personalities_publish(all);
	if (exists) {
		oskext_log(OSKEXT_LOG_PROGRESS, "kext: scanned %s: %u kexts, %u identifiers (%llu us)",
		           oskext_ext_path, OSArray_getCount(all), OSDictionary_getCount(index),
		           (unsigned long long)((khost_uptime_ns() - t0) / 1000));
	}
}

/* Rescan when forced, never scanned, or the folder changed (mtime, identity, existence). */
static void
oskext_repo_check(bool force)
{
	struct khost_stat st;
	bool exists;

	OSKEXT_ASSERT_LOCKED();
	exists = oskext_ext_path[0] != '\0' && khost_stat(oskext_ext_path, &st) == 0 &&
	         (st.mode & KHOST_S_IFMT) == KHOST_S_IFDIR;
	if (!force && oskext_stamp.valid && exists == oskext_stamp.exists &&
	    (!exists || (st.mtime_sec == oskext_stamp.sec && st.mtime_nsec == oskext_stamp.nsec &&
	                 st.ino == oskext_stamp.ino && st.dev == oskext_stamp.dev))) {
		return;
	}
	oskext_repo_scan(&st, exists);
}

void
oskext_repo_refresh(void)
{
	oskext_repo_check(false);
}

void
OSKext_rescan(void)
{
	oskext_lock();
	oskext_repo_check(true);
	oskext_unlock();
}

OSDictionary *
oskext_repo_index(void)
{
	return oskext_index;
}

OSArray *
oskext_repo_all(void)
{
	return oskext_all;
}

/* ---- the I/O Kit catalogue's hooks ---------------------------------------------------------- */

void (*oskext_personalities_add)(OSDictionary *infoDict);
void (*oskext_personalities_remove)(const char *bundleID);

void
oskext_personalities_publish(OSArray *kexts)
{
	for (unsigned int i = 0;
	     oskext_personalities_add != NULL && kexts != NULL && i < OSArray_getCount(kexts); i++) {
		OSKext *k = (OSKext *)OSArray_getObject(kexts, i);

		if (k->infoDict != NULL) {
			oskext_personalities_add(k->infoDict);
		}
	}
}

void
OSKext_setPersonalityHooks(void (*add)(OSDictionary *infoDict), void (*remove)(const char *bundleID))
{
	oskext_lock();
	oskext_personalities_add = add;
	oskext_personalities_remove = remove;
	oskext_repo_check(false);
	oskext_personalities_publish(oskext_all);
	oskext_unlock();
}

void
oskext_repo_shutdown(void)
{
	OSKEXT_ASSERT_LOCKED();
	OSSafeReleaseNULL(oskext_index);
	OSSafeReleaseNULL(oskext_all);
	oskext_stamp.valid = false;
}

/* ---- kextfind's view --------------------------------------------------------------------- */

static OSDictionary *
oskext_record_info(OSKext *k)
{
	OSDictionary *d = OSDictionary_withDictionary(k->infoDict, OSDictionary_getCount(k->infoDict) + 4);
	OSKext *loaded;
	bool isLoaded;

	if (d == NULL) {
		return NULL;
	}
	(void)OSDictionary_setObjectCString(d, kOSBundlePathKey, k->path);
	if (k->executablePath != NULL) {
		(void)OSDictionary_setObjectCString(d, kOSBundleExecutablePathKey, k->executablePath);
	}
	(void)OSDictionary_setObjectCString(
	        d, "OSBundleIsValid", (k->kflags & OSKEXT_F_INVALID) ? kOSBooleanFalse : kOSBooleanTrue);
	loaded = oskext_loaded_with_id(oskext_id(k));
	isLoaded = loaded != NULL && loaded->version == k->version;
	(void)OSDictionary_setObjectCString(d, "OSBundleLoaded", isLoaded ? kOSBooleanTrue : kOSBooleanFalse);
	return d;
}

static void
oskext_append_records(OSArray *out, OSArray *recs)
{
	unsigned int i;

	for (i = 0; recs != NULL && i < OSArray_getCount(recs); i++) {
		OSKext *k = (OSKext *)OSArray_getObject(recs, i);
		OSDictionary *d;

		if (k->infoDict == NULL || (d = oskext_record_info(k)) == NULL) {
			continue;
		}
		(void)OSArray_setObject(out, d);
		OSObject_release(d);
	}
}

OSArray *
OSKext_copyRepositoryKexts(OSArray *repositoryPaths)
{
	OSArray *out = OSArray_withCapacity(32);
	OSDictionary *extraIndex = NULL;
	OSArray *extra = NULL;
	unsigned int i;

	if (out == NULL) {
		return NULL;
	}
	oskext_lock();
	oskext_repo_refresh();
	oskext_append_records(out, oskext_all);
	if (repositoryPaths != NULL && OSArray_getCount(repositoryPaths) > 0) {
		extraIndex = OSDictionary_withCapacity(8);
		extra = OSArray_withCapacity(8);
		for (i = 0; extraIndex != NULL && extra != NULL && i < OSArray_getCount(repositoryPaths);
		     i++) {
			OSString *p = OSKEXT_CAST(OSString, OSArray_getObject(repositoryPaths, i));

			if (p != NULL) {
				oskext_index_add_folder(extraIndex, extra, OSString_getCStringNoCopy(p));
			}
		}
		oskext_append_records(out, extra);
	}
	oskext_unlock();
	OSSafeReleaseNULL(extraIndex);
	OSSafeReleaseNULL(extra);
	return out;
}
