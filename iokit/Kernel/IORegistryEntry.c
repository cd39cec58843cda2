/*
 * IORegistryEntry.c — registry entries: planes, IDs, names and locations,
 * properties, and the parent/child links.
 *
 * Each entry has two dictionaries, as in XNU: the property table (what
 * ioreg shows, guarded by the entry's own mutex) and a private registry
 * table (its names, locations and, per plane, the OSArray of parents and of
 * children, guarded by the one registry lock). Links are made from both
 * ends: attachToParent adds the parent to the child's parent set and then
 * asks the parent to attachToChild, which adds the child and asks back
 * only if the other half is missing — so a subclass overriding either side
 * sees every attach.
 *
 * IDs: an entry takes the next ID at init (0x100000100 upward, 64-bit,
 * never reused). IORegistryEntry_fromID looks in a hash of the entries
 * currently attached in some plane (or the root), under the registry lock:
 * an entry reachable there is held by its links, so retaining it is safe.
 */
#include <IOKit/IOLib.h>
#include <kern/kalloc.h>
#include <kern/debug.h>
#include <libkern/libkern.h>
#include <libkern/OSAtomic.h>
#include <string.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"

lck_grp_t *ioreg_lck_grp;
static lck_rw_t *ioreg_lock;
static uint32_t ioreg_gen;
static uint64_t ioreg_next_id = kIORegistryEntryIDFirst;

static struct IORegistryPlane ioreg_planes[IOREG_MAX_PLANES];
static unsigned int ioreg_plane_count;
static lck_mtx_t *ioreg_plane_lock;

const IORegistryPlane *gIOServicePlane;
const IORegistryPlane *gIOPowerPlane;
const OSSymbol *gIONameKey;
const OSSymbol *gIOLocationKey;
const OSSymbol *gIORegistryEntryIDKey;
IORegistryEntry *gIORegistryRoot;

/* The ID hash: chains through fIDHashNext; grows by doubling. Registry lock. */
static IORegistryEntry **ioreg_id_buckets;
static uint32_t ioreg_id_nbuckets;
static uint32_t ioreg_id_count;

void
ioreg_read_lock(void)
{
	lck_rw_lock_shared(ioreg_lock);
}

void
ioreg_write_lock(void)
{
	lck_rw_lock_exclusive(ioreg_lock);
}

void
ioreg_unlock(void)
{
	(void)lck_rw_done(ioreg_lock);
}

uint32_t
ioreg_generation(void)
{
	return __atomic_load_n(&ioreg_gen, __ATOMIC_ACQUIRE);
}

/* ---- the ID hash ---------------------------------------------------------------- */

static inline uint32_t
ioreg_id_bucket(uint64_t id, uint32_t n)
{
	uint64_t h = id * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 32) & (n - 1);
}

static void
ioreg_id_grow(void)
{
	uint32_t n = ioreg_id_nbuckets ? ioreg_id_nbuckets * 2 : 256;
	IORegistryEntry **b = kalloc(n * sizeof(*b));

	if (b == NULL) {
		return; /* chains just get longer */
	}
	bzero(b, n * sizeof(*b));
	for (uint32_t i = 0; i < ioreg_id_nbuckets; i++) {
		IORegistryEntry *e = ioreg_id_buckets[i], *next;

		for (; e != NULL; e = next) {
			uint32_t k = ioreg_id_bucket(e->fRegistryEntryID, n);

			next = e->fIDHashNext;
			e->fIDHashNext = b[k];
			b[k] = e;
		}
	}
	if (ioreg_id_buckets != NULL) {
		kfree(ioreg_id_buckets, ioreg_id_nbuckets * sizeof(*b));
	}
	ioreg_id_buckets = b;
	ioreg_id_nbuckets = n;
}

static void
ioreg_id_insert(IORegistryEntry *e)
{
	uint32_t k;

	if (ioreg_id_count >= ioreg_id_nbuckets) {
		ioreg_id_grow();
	}
	if (ioreg_id_nbuckets == 0) {
		return;
	}
	k = ioreg_id_bucket(e->fRegistryEntryID, ioreg_id_nbuckets);
	e->fIDHashNext = ioreg_id_buckets[k];
	ioreg_id_buckets[k] = e;
	ioreg_id_count++;
}

static void
ioreg_id_remove(IORegistryEntry *e)
{
	IORegistryEntry **pp;

	if (ioreg_id_nbuckets == 0) {
		return;
	}
	pp = &ioreg_id_buckets[ioreg_id_bucket(e->fRegistryEntryID, ioreg_id_nbuckets)];
	for (; *pp != NULL; pp = &(*pp)->fIDHashNext) {
		if (*pp == e) {
			*pp = e->fIDHashNext;
			e->fIDHashNext = NULL;
			ioreg_id_count--;
			return;
		}
	}
}

IORegistryEntry *
IORegistryEntry_fromID(uint64_t entryID)
{
	IORegistryEntry *e = NULL;

	if (ioreg_lock == NULL) {
		return NULL;
	}
	ioreg_read_lock();
	if (ioreg_id_nbuckets != 0) {
		e = ioreg_id_buckets[ioreg_id_bucket(entryID, ioreg_id_nbuckets)];
		while (e != NULL && e->fRegistryEntryID != entryID) {
			e = e->fIDHashNext;
		}
		if (e != NULL) {
			OSObject_retain(e);
		}
	}
	ioreg_unlock();
	return e;
}

/* ---- planes --------------------------------------------------------------------- */

static const IORegistryPlane *
ioreg_make_plane(const char *name)
{
	static const char *const suffix[4] = {"ParentLinks", "ChildLinks", "Name", "Location"};
	char buf[kIOMaxPlaneName + 16];
	IORegistryPlane *p = NULL;

	if (name == NULL || strlen(name) == 0 || strlen(name) >= kIOMaxPlaneName) {
		return NULL;
	}
	lck_mtx_lock(ioreg_plane_lock);
	for (unsigned int i = 0; i < ioreg_plane_count; i++) {
		if (OSSymbol_isEqualToCString(ioreg_planes[i].nameKey, name)) {
			p = &ioreg_planes[i];
			goto out;
		}
	}
	if (ioreg_plane_count == IOREG_MAX_PLANES) {
		goto out;
	}
	p = &ioreg_planes[ioreg_plane_count];
	p->nameKey = OSSymbol_withCString(name);
	for (int k = 0; k < 4; k++) {
		snprintf(buf, sizeof(buf), "%s%s", name, suffix[k]);
		p->keys[k] = OSSymbol_withCString(buf);
	}
	if (p->nameKey == NULL || !p->keys[0] || !p->keys[1] || !p->keys[2] || !p->keys[3]) {
		panic("IORegistryEntry: no memory for plane %s", name);
	}
	p->index = ioreg_plane_count;
	__atomic_store_n(&ioreg_plane_count, ioreg_plane_count + 1, __ATOMIC_RELEASE);
out:
	lck_mtx_unlock(ioreg_plane_lock);
	return p;
}

const IORegistryPlane *
IORegistryEntry_makePlane(const char *name)
{
	return ioreg_plane_lock ? ioreg_make_plane(name) : NULL;
}

const IORegistryPlane *
IORegistryEntry_getPlane(const char *name)
{
	unsigned int n = __atomic_load_n(&ioreg_plane_count, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; name != NULL && i < n; i++) {
		if (OSSymbol_isEqualToCString(ioreg_planes[i].nameKey, name)) {
			return &ioreg_planes[i];
		}
	}
	return NULL;
}

const char *
IORegistryPlane_getName(const IORegistryPlane *plane)
{
	return plane ? OSSymbol_getCStringNoCopy(plane->nameKey) : NULL;
}

OSDictionary *
IORegistryEntry_copyPlanes(void)
{
	unsigned int n = __atomic_load_n(&ioreg_plane_count, __ATOMIC_ACQUIRE);
	OSDictionary *d = OSDictionary_withCapacity(n);

	for (unsigned int i = 0; d != NULL && i < n; i++) {
		(void)OSDictionary_setObject(d, ioreg_planes[i].nameKey, ioreg_planes[i].nameKey);
	}
	return d;
}

/* ---- the class ------------------------------------------------------------------ */

static bool
IORegistryEntry_initImpl(IORegistryEntry *self, OSDictionary *dictionary)
{
	if (!OSSuperCallAs(IORegistryEntry, OSObject, init, OSObj(self))) {
		return false;
	}
	if (self->fPropertyLock == NULL) {
		self->fPropertyLock = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
		if (self->fPropertyLock == NULL) {
			return false;
		}
	}
	if (dictionary != NULL) {
		OSObject_retain(dictionary);
		OSSafeReleaseNULL(self->fPropertyTable);
		self->fPropertyTable = dictionary;
	} else if (self->fPropertyTable == NULL) {
		self->fPropertyTable = OSDictionary_withCapacity(8);
		if (self->fPropertyTable == NULL) {
			return false;
		}
	}
	if (self->fRegistryTable == NULL) {
		self->fRegistryTable = OSDictionary_withCapacity(4);
		if (self->fRegistryTable == NULL) {
			return false;
		}
	}
	if (self->fRegistryEntryID == 0) {
		self->fRegistryEntryID = __atomic_fetch_add(&ioreg_next_id, 1, __ATOMIC_RELAXED);
	}
	return true;
}

/* OSObject::init() on an entry is init(NULL), as in XNU. */
static bool
IORegistryEntry_initPlain(OSObject *obj)
{
	return IORegistryEntry_init((IORegistryEntry *)obj, NULL);
}

static void
IORegistryEntry_freeImpl(OSObject *obj)
{
	IORegistryEntry *self = (IORegistryEntry *)obj;

	/* Links retain both ends, so a linked entry cannot get here. */
	OSSafeReleaseNULL(self->fPropertyTable);
	OSSafeReleaseNULL(self->fRegistryTable);
	if (self->fPropertyLock != NULL) {
		lck_mtx_free(self->fPropertyLock, ioreg_lck_grp);
		self->fPropertyLock = NULL;
	}
	OSSuperCall(IORegistryEntry, free, obj);
}

static IOReturn
IORegistryEntry_setPropertiesImpl(IORegistryEntry *self, OSObject *properties)
{
	return kIOReturnUnsupported;
}

static bool
IORegistryEntry_serializePropertiesImpl(const IORegistryEntry *self, OSSerialize *s)
{
	OSDictionary *snapshot = IORegistryEntry_dictionaryWithProperties(self);
	bool ok;

	if (snapshot == NULL) {
		return false;
	}
	ok = OSObject_serialize(snapshot, s);
	OSObject_release(snapshot);
	return ok;
}

static bool
IORegistryEntry_serializeImpl(const OSObject *obj, OSSerialize *s)
{
	return IORegistryEntry_serializeProperties((const IORegistryEntry *)obj, s);
}

static bool
IORegistryEntry_compareNameImpl(const IORegistryEntry *self, OSString *name, OSString **matched)
{
	const OSSymbol *sym = IORegistryEntry_copyName(self, NULL);
	bool equal = sym != NULL && name != NULL && OSString_isEqualToString((const OSString *)sym, name);

	if (equal && matched != NULL) {
		OSObject_retain(name);
		*matched = name;
	}
	OSSafeReleaseNULL(sym);
	return equal;
}

/* ---- links ---------------------------------------------------------------------- */

OSArray *
ioreg_links_locked(const IORegistryEntry *entry, const IORegistryPlane *plane, int which)
{
	return (OSArray *)OSDictionary_getObject(entry->fRegistryTable, plane->keys[which]);
}

static bool
ioreg_array_member(OSArray *a, const IORegistryEntry *e)
{
	return a != NULL && OSArray_getNextIndexOfObject(a, OSObj(e), 0) != (unsigned int)-1;
}

/* Add to's link to self's set `which` in plane; registry write lock held. */
static bool
ioreg_make_link(IORegistryEntry *self, IORegistryEntry *to, int which, const IORegistryPlane *plane)
{
	OSArray *links = ioreg_links_locked(self, plane, which);

	if (links != NULL) {
		if (ioreg_array_member(links, to)) {
			return true;
		}
		if (!OSArray_setObject(links, to)) {
			return false;
		}
	} else {
		links = OSArray_withCapacity(1);
		if (links == NULL || !OSArray_setObject(links, to) ||
		    !OSDictionary_setObject(self->fRegistryTable, plane->keys[which], links)) {
			OSSafeReleaseNULL(links);
			return false;
		}
		OSObject_release(links);
		if (which == IOREG_PARENT_KEY && self->fPlaneCount++ == 0 && self != gIORegistryRoot) {
			ioreg_id_insert(self);
		}
	}
	__atomic_fetch_add(&ioreg_gen, 1, __ATOMIC_RELEASE);
	return true;
}

static void
ioreg_break_link(IORegistryEntry *self, IORegistryEntry *to, int which, const IORegistryPlane *plane)
{
	OSArray *links = ioreg_links_locked(self, plane, which);
	unsigned int i;

	if (links == NULL || (i = OSArray_getNextIndexOfObject(links, OSObj(to), 0)) == (unsigned int)-1) {
		return;
	}
	OSArray_removeObject(links, i);
	if (OSArray_getCount(links) == 0) {
		OSDictionary_removeObject(self->fRegistryTable, plane->keys[which]);
		if (which == IOREG_PARENT_KEY && --self->fPlaneCount == 0 && self != gIORegistryRoot) {
			ioreg_id_remove(self);
		}
	}
	__atomic_fetch_add(&ioreg_gen, 1, __ATOMIC_RELEASE);
}

static bool
IORegistryEntry_attachToParentImpl(IORegistryEntry *self, IORegistryEntry *parent,
                                   const IORegistryPlane *plane)
{
	bool ok, needChild;

	if (parent == NULL || plane == NULL || parent == self) {
		return false;
	}
	ioreg_write_lock();
	ok = ioreg_make_link(self, parent, IOREG_PARENT_KEY, plane);
	needChild = !ioreg_array_member(ioreg_links_locked(parent, plane, IOREG_CHILD_KEY), self);
	ioreg_unlock();
	if (ok && needChild) {
		ok = IORegistryEntry_attachToChild(parent, self, plane);
	}
	return ok;
}

static bool
IORegistryEntry_attachToChildImpl(IORegistryEntry *self, IORegistryEntry *child, const IORegistryPlane *plane)
{
	bool ok, needParent;

	if (child == NULL || plane == NULL || child == self) {
		return false;
	}
	ioreg_write_lock();
	ok = ioreg_make_link(self, child, IOREG_CHILD_KEY, plane);
	needParent = !ioreg_array_member(ioreg_links_locked(child, plane, IOREG_PARENT_KEY), self);
	ioreg_unlock();
	if (ok && needParent) {
		ok = IORegistryEntry_attachToParent(child, self, plane);
	}
	return ok;
}

static void
IORegistryEntry_detachFromParentImpl(IORegistryEntry *self, IORegistryEntry *parent,
                                     const IORegistryPlane *plane)
{
	bool needChild;

	if (parent == NULL || plane == NULL) {
		return;
	}
	OSObject_retain(self); /* the parent's link may be the last reference */
	ioreg_write_lock();
	ioreg_break_link(self, parent, IOREG_PARENT_KEY, plane);
	needChild = ioreg_array_member(ioreg_links_locked(parent, plane, IOREG_CHILD_KEY), self);
	ioreg_unlock();
	if (needChild) {
		IORegistryEntry_detachFromChild(parent, self, plane);
	}
	OSObject_release(self);
}

static void
IORegistryEntry_detachFromChildImpl(IORegistryEntry *self, IORegistryEntry *child,
                                    const IORegistryPlane *plane)
{
	bool needParent;

	if (child == NULL || plane == NULL) {
		return;
	}
	OSObject_retain(self);
	ioreg_write_lock();
	ioreg_break_link(self, child, IOREG_CHILD_KEY, plane);
	needParent = ioreg_array_member(ioreg_links_locked(child, plane, IOREG_PARENT_KEY), self);
	ioreg_unlock();
	if (needParent) {
		IORegistryEntry_detachFromParent(child, self, plane);
	}
	OSObject_release(self);
}

static const OSMethod IORegistryEntry_methods[] = {
        OSMethodOverride(OSObject, init, IORegistryEntry_initPlain),
        OSMethodOverride(OSObject, free, IORegistryEntry_freeImpl),
        OSMethodOverride(OSObject, serialize, IORegistryEntry_serializeImpl),
        OSMethodOverride(IORegistryEntry, init, IORegistryEntry_initImpl),
        OSMethodOverride(IORegistryEntry, setProperties, IORegistryEntry_setPropertiesImpl),
        OSMethodOverride(IORegistryEntry, serializeProperties, IORegistryEntry_serializePropertiesImpl),
        OSMethodOverride(IORegistryEntry, compareName, IORegistryEntry_compareNameImpl),
        OSMethodOverride(IORegistryEntry, attachToParent, IORegistryEntry_attachToParentImpl),
        OSMethodOverride(IORegistryEntry, detachFromParent, IORegistryEntry_detachFromParentImpl),
        OSMethodOverride(IORegistryEntry, attachToChild, IORegistryEntry_attachToChildImpl),
        OSMethodOverride(IORegistryEntry, detachFromChild, IORegistryEntry_detachFromChildImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IORegistryEntry, OSObject, IORegistryEntry_methods);

/* ---- non-virtual topology ------------------------------------------------------- */

uint64_t(IORegistryEntry_getRegistryEntryID)(const IORegistryEntry *self)
{
	return self ? self->fRegistryEntryID : 0;
}

bool(IORegistryEntry_inPlane)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	bool in;

	if (self == NULL) {
		return false;
	}
	if (self == gIORegistryRoot) {
		return true;
	}
	ioreg_read_lock();
	in = plane ? ioreg_links_locked(self, plane, IOREG_PARENT_KEY) != NULL : self->fPlaneCount != 0;
	ioreg_unlock();
	return in;
}

static OSArray *
ioreg_copy_links(const IORegistryEntry *self, const IORegistryPlane *plane, int which)
{
	OSArray *links, *copy;

	if (self == NULL || plane == NULL) {
		return NULL;
	}
	ioreg_read_lock();
	links = ioreg_links_locked(self, plane, which);
	copy = links ? OSArray_withArray(links, 0) : OSArray_withCapacity(1);
	ioreg_unlock();
	return copy;
}

OSArray *
IORegistryEntry_copyParents(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_copy_links(self, plane, IOREG_PARENT_KEY);
}

OSArray *
IORegistryEntry_copyChildren(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_copy_links(self, plane, IOREG_CHILD_KEY);
}

static IORegistryEntry *
ioreg_first_link(const IORegistryEntry *self, const IORegistryPlane *plane, int which, bool retain)
{
	IORegistryEntry *e = NULL;
	OSArray *links;

	if (self == NULL || plane == NULL) {
		return NULL;
	}
	ioreg_read_lock();
	links = ioreg_links_locked(self, plane, which);
	if (links != NULL) {
		e = (IORegistryEntry *)OSArray_getObject(links, 0);
		if (e != NULL && retain) {
			OSObject_retain(e);
		}
	}
	ioreg_unlock();
	return e;
}

IORegistryEntry *(IORegistryEntry_getParentEntry)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_first_link(self, plane, IOREG_PARENT_KEY, false);
}

IORegistryEntry *(IORegistryEntry_copyParentEntry)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_first_link(self, plane, IOREG_PARENT_KEY, true);
}

IORegistryEntry *(IORegistryEntry_getChildEntry)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_first_link(self, plane, IOREG_CHILD_KEY, false);
}

IORegistryEntry *(IORegistryEntry_copyChildEntry)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_first_link(self, plane, IOREG_CHILD_KEY, true);
}

static OSIterator *
ioreg_link_iterator(const IORegistryEntry *self, const IORegistryPlane *plane, int which)
{
	OSArray *a = ioreg_copy_links(self, plane, which);
	OSCollectionIterator *it;

	if (a == NULL) {
		return NULL;
	}
	it = OSCollectionIterator_withCollection((OSCollection *)a);
	OSObject_release(a); /* the iterator holds it */
	return (OSIterator *)it;
}

OSIterator *(IORegistryEntry_getParentIterator)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_link_iterator(self, plane, IOREG_PARENT_KEY);
}

OSIterator *(IORegistryEntry_getChildIterator)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	return ioreg_link_iterator(self, plane, IOREG_CHILD_KEY);
}

bool
IORegistryEntry_isParent(const IORegistryEntry *self, const IORegistryEntry *parent,
                         const IORegistryPlane *plane)
{
	bool is;

	if (self == NULL || parent == NULL || plane == NULL) {
		return false;
	}
	ioreg_read_lock();
	is = ioreg_array_member(ioreg_links_locked(self, plane, IOREG_PARENT_KEY), parent);
	ioreg_unlock();
	return is;
}

static bool
ioreg_is_child_of_locked(const IORegistryEntry *self, const IORegistryEntry *ancestor,
                         const IORegistryPlane *plane, int depth)
{
	OSArray *parents;

	if (self == ancestor) {
		return true;
	}
	if (depth > 256) { /* a cycle would be a bug elsewhere: don't recurse forever */
		return false;
	}
	parents = ioreg_links_locked(self, plane, IOREG_PARENT_KEY);
	for (unsigned int i = 0; parents != NULL && i < OSArray_getCount(parents); i++) {
		if (ioreg_is_child_of_locked((IORegistryEntry *)OSArray_getObject(parents, i), ancestor,
		                             plane, depth + 1)) {
			return true;
		}
	}
	return false;
}

bool
IORegistryEntry_isChildOf(const IORegistryEntry *self, const IORegistryEntry *ancestor,
                          const IORegistryPlane *plane)
{
	bool is;

	if (self == NULL || ancestor == NULL || plane == NULL) {
		return false;
	}
	ioreg_read_lock();
	is = ioreg_is_child_of_locked(self, ancestor, plane, 0);
	ioreg_unlock();
	return is;
}

int(IORegistryEntry_getDepth)(const IORegistryEntry *self, const IORegistryPlane *plane)
{
	int depth = 0;
	const IORegistryEntry *e = self;

	if (self == NULL || plane == NULL) {
		return -1;
	}
	ioreg_read_lock();
	while (e != NULL && e != gIORegistryRoot) {
		OSArray *parents = ioreg_links_locked(e, plane, IOREG_PARENT_KEY);

		if (parents == NULL || depth > 4096) {
			depth = -1;
			break;
		}
		e = (IORegistryEntry *)OSArray_getObject(parents, 0);
		depth++;
	}
	ioreg_unlock();
	return depth;
}

void(IORegistryEntry_detachAll)(IORegistryEntry *self, const IORegistryPlane *plane)
{
	unsigned int n = __atomic_load_n(&ioreg_plane_count, __ATOMIC_ACQUIRE);

	for (unsigned int p = 0; self != NULL && p < n; p++) {
		OSArray *kids, *parents;

		if (plane != NULL && plane != &ioreg_planes[p]) {
			continue;
		}
		kids = IORegistryEntry_copyChildren(self, &ioreg_planes[p]);
		for (unsigned int i = 0; kids != NULL && i < OSArray_getCount(kids); i++) {
			IORegistryEntry_detachFromChild(self, OSArray_getObject(kids, i), &ioreg_planes[p]);
		}
		OSSafeReleaseNULL(kids);
		parents = IORegistryEntry_copyParents(self, &ioreg_planes[p]);
		for (unsigned int i = 0; parents != NULL && i < OSArray_getCount(parents); i++) {
			IORegistryEntry_detachFromParent(self, OSArray_getObject(parents, i),
			                                 &ioreg_planes[p]);
		}
		OSSafeReleaseNULL(parents);
	}
}

/* ---- boot ----------------------------------------------------------------------- */

int
ioreg_init(void)
{
	if (ioreg_lock != NULL) {
		return 0;
	}
	ioreg_lck_grp = lck_grp_alloc_init("IORegistry", LCK_GRP_ATTR_NULL);
	ioreg_lock = lck_rw_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
	ioreg_plane_lock = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
	if (ioreg_lck_grp == NULL || ioreg_lock == NULL || ioreg_plane_lock == NULL) {
		return ENOMEM;
	}
	gIONameKey = OSSymbol_withCString(kIONameKey);
	gIOLocationKey = OSSymbol_withCString(kIOLocationKey);
	gIORegistryEntryIDKey = OSSymbol_withCString(kIORegistryEntryIDKey);
	gIOServicePlane = ioreg_make_plane(kIOServicePlane);
	gIOPowerPlane = ioreg_make_plane(kIOPowerPlane);
	gIORegistryRoot = OSTypeAlloc(IORegistryEntry);
	if (gIORegistryRoot == NULL || !IORegistryEntry_init(gIORegistryRoot, NULL) ||
	    gIOServicePlane == NULL || gIOPowerPlane == NULL || gIONameKey == NULL ||
	    gIOLocationKey == NULL) {
		return ENOMEM;
	}
	ioreg_write_lock();
	ioreg_id_insert(gIORegistryRoot);
	ioreg_unlock();
	return 0;
}

IORegistryEntry *
IORegistryEntry_getRegistryRoot(void)
{
	return gIORegistryRoot;
}
