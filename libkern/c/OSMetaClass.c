/*
 * OSMetaClass.c — the class registry of the libkern C object model.
 *
 * Classes are registered in batches (the kernel's "osmetaclass" section at
 * boot, a kext's section at load). Registration validates the batch as a
 * whole (no duplicate names, every superclass known), builds each vtable
 * from its superclass's (so superclasses are built first, whatever the order
 * of the batch), then publishes the classes in a name-keyed hash table. The
 * table is a fixed array of chains under one mutex: it cannot be an
 * OSDictionary, which needs registered classes to exist.
 *
 * Instance counts follow XNU: allocating an instance increments its class's
 * count, and a class whose count leaves zero increments its superclass's, so
 * a superclass counts its own instances plus its subclasses that have some.
 */
#include "libkern/c/osc_internal.h"

#define OSC_CLASS_BUCKETS 1024u
#define OSC_FLAG_BUILT 0x4u /* vtable built during the current registration */

static OSMetaClass *osc_class_table[OSC_CLASS_BUCKETS];
static lck_mtx_t *osc_class_lock;
lck_grp_t *osc_lck_grp;

void
osc_metaclass_init(void)
{
	if (osc_class_lock) {
		return;
	}
	osc_lck_grp = lck_grp_alloc_init("libkern", LCK_GRP_ATTR_NULL);
	osc_class_lock = lck_mtx_alloc_init(osc_lck_grp, LCK_ATTR_NULL);
	if (!osc_lck_grp || !osc_class_lock) {
		panic("libkern: can't allocate the class table lock");
	}
}

uint32_t
osc_string_hash(const char *s, size_t *lengthp)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		h ^= *p++;
		h *= 16777619u;
	}
	if (lengthp) {
		*lengthp = (size_t)(p - (const unsigned char *)s);
	}
	return h;
}

/* Called through a vtable slot no class filled in. */
static void
osc_pure_virtual(void)
{
	panic("OSMetaClass: pure virtual method called");
}

/* ---- the table (osc_class_lock held) ------------------------------------ */

static OSMetaClass *
osc_table_lookup(const char *name)
{
	OSMetaClass *m;

	lck_mtx_assert(osc_class_lock, LCK_MTX_ASSERT_OWNED);
	for (m = osc_class_table[osc_string_hash(name, NULL) % OSC_CLASS_BUCKETS]; m; m = m->hashNext) {
		if (strcmp(m->className, name) == 0) {
			return m;
		}
	}
	return NULL;
}

static void
osc_table_insert(OSMetaClass *meta)
{
	uint32_t b = osc_string_hash(meta->className, NULL) % OSC_CLASS_BUCKETS;

	lck_mtx_assert(osc_class_lock, LCK_MTX_ASSERT_OWNED);
	meta->hashNext = osc_class_table[b];
	osc_class_table[b] = meta;
}

static void
osc_table_remove(OSMetaClass *meta)
{
	OSMetaClass **pp = &osc_class_table[osc_string_hash(meta->className, NULL) % OSC_CLASS_BUCKETS];

	lck_mtx_assert(osc_class_lock, LCK_MTX_ASSERT_OWNED);
	for (; *pp; pp = &(*pp)->hashNext) {
		if (*pp == meta) {
			*pp = meta->hashNext;
			meta->hashNext = NULL;
			return;
		}
	}
}

static bool
osc_in_batch(const OSMetaClass *meta, OSMetaClass *const *begin, OSMetaClass *const *end)
{
	for (; begin < end; begin++) {
		if (*begin == meta) {
			return true;
		}
	}
	return false;
}

/* ---- registration --------------------------------------------------------- */

static OSReturn
osc_validate(OSMetaClass *meta, OSMetaClass *const *begin, OSMetaClass *const *end, size_t i)
{
	const OSMetaClass *super;
	size_t j;

	if (!meta || !meta->className || !meta->vtbl || meta->vtblSize < sizeof(OSObject_vtbl) ||
	    (meta->vtblSize % sizeof(void *)) != 0 || meta->classSize < sizeof(OSObject)) {
		printf("OSMetaClass: class %s has a malformed record\n",
		       (meta && meta->className) ? meta->className : "(null)");
		return kOSMetaClassInternal;
	}
	if ((meta->flags & kOSMetaClassFlagRegistered) || osc_table_lookup(meta->className)) {
		printf("OSMetaClass: class %s is a duplicate; a class by that name is already loaded.\n",
		       meta->className);
		return kOSMetaClassDuplicateClass;
	}
	for (j = 0; j < i; j++) {
		if (begin[j] == meta || strcmp(begin[j]->className, meta->className) == 0) {
			printf("OSMetaClass: class %s is defined twice in the same set of classes.\n",
			       meta->className);
			return kOSMetaClassDuplicateClass;
		}
	}
	super = meta->superClass;
	if (super) {
		if (!(super->flags & kOSMetaClassFlagRegistered) && !osc_in_batch(super, begin, end)) {
			printf("OSMetaClass: Can't associate class %s with its superclass %s.\n",
			       meta->className, super->className ? super->className : "(null)");
			return kOSMetaClassNoSuper;
		}
		if (meta->classSize < super->classSize || meta->vtblSize < super->vtblSize) {
			printf("OSMetaClass: class %s is smaller than its superclass %s.\n", meta->className,
			       super->className);
			return kOSMetaClassInternal;
		}
	}
	return kOSReturnSuccess;
}

/* Copy the superclass's vtable, apply the overrides, check every slot is implemented. */
static OSReturn
osc_build_vtable(OSMetaClass *meta)
{
	void **slots = meta->vtbl;
	size_t nslots = meta->vtblSize / sizeof(void *);
	const OSMetaClass *super = meta->superClass;
	const OSMethod *m;
	OSMethodImp pure = osc_pure_virtual;
	size_t k;

	bzero(slots, meta->vtblSize);
	if (super) {
		memcpy(slots, super->vtbl, super->vtblSize);
	}
	for (m = meta->methods; m && m->fn; m++) {
		if (m->offset < sizeof(void *) || (m->offset % sizeof(void *)) != 0 ||
		    m->offset > meta->vtblSize - sizeof(void *)) {
			printf("OSMetaClass: class %s overrides a method at a bad vtable offset %zu\n",
			       meta->className, m->offset);
			return kOSMetaClassInternal;
		}
		memcpy(&slots[m->offset / sizeof(void *)], &m->fn, sizeof(void *));
	}
	slots[0] = meta;
	for (k = 1; k < nslots; k++) {
		if (slots[k] != NULL && memcmp(&slots[k], &pure, sizeof(void *)) != 0) {
			continue;
		}
		if (!(meta->flags & kOSMetaClassFlagAbstract)) {
			printf("OSMetaClass: class %s does not implement the virtual method at vtable offset "
			       "%zu\n",
			       meta->className, k * sizeof(void *));
			return kOSMetaClassInternal;
		}
		memcpy(&slots[k], &pure, sizeof(void *));
	}
	meta->flags |= OSC_FLAG_BUILT;
	return kOSReturnSuccess;
}

static bool
osc_super_ready(const OSMetaClass *meta)
{
	const OSMetaClass *super = meta->superClass;

	return !super || (super->flags & (kOSMetaClassFlagRegistered | OSC_FLAG_BUILT));
}

OSReturn
OSMetaClass_registerClasses(OSMetaClass *const *begin, OSMetaClass *const *end, void *kmod)
{
	OSReturn ret = kOSReturnSuccess;
	size_t n, i, built = 0;
	bool progress;

	if (!begin || !end || end < begin || !osc_class_lock) {
		return kOSMetaClassNoInit;
	}
	n = (size_t)(end - begin);
	if (n == 0) {
		return kOSReturnSuccess;
	}

	lck_mtx_lock(osc_class_lock);
	for (i = 0; i < n; i++) {
		ret = osc_validate(begin[i], begin, end, i);
		if (ret != kOSReturnSuccess) {
			goto out_unlock;
		}
	}
	/* Build superclasses first; a pass without progress means a superclass cycle. */
	do {
		progress = false;
		for (i = 0; i < n; i++) {
			OSMetaClass *meta = begin[i];

			if ((meta->flags & OSC_FLAG_BUILT) || !osc_super_ready(meta)) {
				continue;
			}
			ret = osc_build_vtable(meta);
			if (ret != kOSReturnSuccess) {
				goto out_unbuild;
			}
			built++;
			progress = true;
		}
	} while (progress && built < n);
	if (built < n) {
		printf("OSMetaClass: superclass cycle among the classes being registered\n");
		ret = kOSMetaClassNoSuper;
		goto out_unbuild;
	}
	for (i = 0; i < n; i++) {
		OSMetaClass *meta = begin[i];

		meta->flags = (meta->flags & ~OSC_FLAG_BUILT) | kOSMetaClassFlagRegistered;
		meta->kmod = kmod;
		osc_table_insert(meta);
	}
	lck_mtx_unlock(osc_class_lock);

	/* Name symbols need OSSymbol registered; getClassNameSymbol makes any that fail here. */
	if (OSSymbol_gMetaClass.flags & kOSMetaClassFlagRegistered) {
		for (i = 0; i < n; i++) {
			(void)OSMetaClass_getClassNameSymbol(begin[i]);
		}
	}
	return kOSReturnSuccess;

out_unbuild:
	for (i = 0; i < n; i++) {
		if (begin[i]) {
			begin[i]->flags &= ~OSC_FLAG_BUILT;
		}
	}
out_unlock:
	lck_mtx_unlock(osc_class_lock);
	return ret;
}

OSReturn
OSMetaClass_unregisterClasses(OSMetaClass *const *begin, OSMetaClass *const *end)
{
	OSReturn ret = kOSReturnSuccess;
	const OSSymbol *names[16];
	size_t n, i, b;

	if (!begin || !end || end < begin || !osc_class_lock) {
		return kOSMetaClassNoInit;
	}
	n = (size_t)(end - begin);

	lck_mtx_lock(osc_class_lock);
	for (i = 0; i < n; i++) {
		OSMetaClass *meta = begin[i];

		if (!meta || !(meta->flags & kOSMetaClassFlagRegistered) ||
		    osc_table_lookup(meta->className) != meta) {
			ret = kOSMetaClassInternal;
			goto out_unlock;
		}
		if (meta->instanceCount || meta->retain) {
			printf("OSMetaClass: class %s has %u instances\n", meta->className,
			       meta->instanceCount);
			ret = kOSMetaClassHasInstances;
			goto out_unlock;
		}
	}
	/* A class left registered must not keep a pointer to a superclass that goes away. */
	for (b = 0; b < OSC_CLASS_BUCKETS; b++) {
		const OSMetaClass *m;

		for (m = osc_class_table[b]; m; m = m->hashNext) {
			if (m->superClass && !osc_in_batch(m, begin, end) &&
			    osc_in_batch(m->superClass, begin, end)) {
				printf("OSMetaClass: class %s is the superclass of loaded class %s\n",
				       m->superClass->className, m->className);
				ret = kOSMetaClassHasInstances;
				goto out_unlock;
			}
		}
	}
	for (i = 0; i < n; i++) {
		OSMetaClass *meta = begin[i];

		osc_table_remove(meta);
		meta->flags &= ~kOSMetaClassFlagRegistered;
		meta->kmod = NULL;
	}
	lck_mtx_unlock(osc_class_lock);

	/* Release the name symbols outside the table lock (the pool has its own). */
	for (i = 0; i < n; i += 16) {
		size_t k, batch = (n - i < 16) ? n - i : 16;

		for (k = 0; k < batch; k++) {
			names[k] =
			        __atomic_exchange_n(&begin[i + k]->classNameSymbol, NULL, __ATOMIC_ACQ_REL);
		}
		for (k = 0; k < batch; k++) {
			OSSafeReleaseNULL(names[k]);
		}
	}
	return kOSReturnSuccess;

out_unlock:
	lck_mtx_unlock(osc_class_lock);
	return ret;
}

static bool
osc_mod_classes_apply(void *kmod, bool report)
{
	bool found = false;
	size_t b;

	lck_mtx_lock(osc_class_lock);
	for (b = 0; b < OSC_CLASS_BUCKETS; b++) {
		const OSMetaClass *m;

		for (m = osc_class_table[b]; m; m = m->hashNext) {
			if (m->kmod != kmod || !m->instanceCount) {
				continue;
			}
			found = true;
			if (report) {
				printf("    Kext class %s has %u instances.\n", m->className,
				       m->instanceCount);
			}
		}
	}
	lck_mtx_unlock(osc_class_lock);
	return found;
}

bool
OSMetaClass_modHasInstance(void *kmod)
{
	return osc_mod_classes_apply(kmod, false);
}

void
OSMetaClass_reportModInstances(void *kmod)
{
	(void)osc_mod_classes_apply(kmod, true);
}

/* ---- lookup ------------------------------------------------------------- */

const OSMetaClass *
OSMetaClass_getMetaClassWithCString(const char *name)
{
	const OSMetaClass *meta;

	if (!name || !osc_class_lock) {
		return NULL;
	}
	lck_mtx_lock(osc_class_lock);
	meta = osc_table_lookup(name);
	lck_mtx_unlock(osc_class_lock);
	return meta;
}

const OSMetaClass *
OSMetaClass_getMetaClassWithName(const OSSymbol *name)
{
	return name ? OSMetaClass_getMetaClassWithCString(OSSymbol_getCStringNoCopy(name)) : NULL;
}

static const OSMetaClass *
osc_copy_meta_cstring(const char *name)
{
	OSMetaClass *meta;

	if (!name || !osc_class_lock) {
		return NULL;
	}
	lck_mtx_lock(osc_class_lock);
	meta = osc_table_lookup(name);
	if (meta) {
		__atomic_fetch_add(&meta->retain, 1, __ATOMIC_RELAXED);
	}
	lck_mtx_unlock(osc_class_lock);
	return meta;
}

const OSMetaClass *
OSMetaClass_copyMetaClassWithName(const OSSymbol *name)
{
	return name ? osc_copy_meta_cstring(OSSymbol_getCStringNoCopy(name)) : NULL;
}

void
OSMetaClass_releaseMetaClass(const OSMetaClass *meta)
{
	if (meta) {
		__atomic_fetch_sub(&((OSMetaClass *)(uintptr_t)meta)->retain, 1, __ATOMIC_RELEASE);
	}
}

static OSObject *
osc_alloc_with_cstring(const char *name)
{
	const OSMetaClass *meta = osc_copy_meta_cstring(name);
	OSObject *obj = NULL;

	if (meta) {
		obj = OSMetaClass_allocInstance(meta);
		OSMetaClass_releaseMetaClass(meta);
	}
	return obj;
}

OSObject *
OSMetaClass_allocClassWithName(const OSSymbol *name)
{
	return name ? osc_alloc_with_cstring(OSSymbol_getCStringNoCopy(name)) : NULL;
}

OSObject *
OSMetaClass_allocClassWithString(const OSString *name)
{
	return name ? osc_alloc_with_cstring(OSString_getCStringNoCopy(name)) : NULL;
}

OSObject *
OSMetaClass_allocClassWithCString(const char *name)
{
	return osc_alloc_with_cstring(name);
}

OSObject *
OSMetaClass_checkMetaCastWithCString(const char *name, const OSObject *obj)
{
	const OSMetaClass *meta = OSMetaClass_getMetaClassWithCString(name);

	return meta ? OSMetaClass_checkMetaCast(meta, obj) : NULL;
}

OSObject *
OSMetaClass_checkMetaCastWithName(const OSSymbol *name, const OSObject *obj)
{
	return name ? OSMetaClass_checkMetaCastWithCString(OSSymbol_getCStringNoCopy(name), obj) : NULL;
}

/* ---- instances and casts ------------------------------------------------- */

OSObject *
OSMetaClass_allocInstance(const OSMetaClass *meta)
{
	OSObject *obj;

	if (!meta || !(meta->flags & kOSMetaClassFlagRegistered)) {
		printf("OSMetaClass: can't allocate an instance of unregistered class %s\n",
		       (meta && meta->className) ? meta->className : "(null)");
		return NULL;
	}
	if (meta->flags & kOSMetaClassFlagAbstract) {
		return NULL;
	}
	obj = osc_alloc(meta->classSize);
	if (!obj) {
		return NULL;
	}
	obj->super.vtbl = meta->vtbl;
	obj->retainCount = 1;
	OSMetaClass_instanceConstructed(meta);
	return obj;
}

void
OSMetaClass_instanceConstructed(const OSMetaClass *meta)
{
	OSMetaClass *m = (OSMetaClass *)(uintptr_t)meta;

	while (m && __atomic_fetch_add(&m->instanceCount, 1, __ATOMIC_RELAXED) == 0) {
		m = (OSMetaClass *)(uintptr_t)m->superClass;
	}
}

void
OSMetaClass_instanceDestructed(const OSMetaClass *meta)
{
	OSMetaClass *m = (OSMetaClass *)(uintptr_t)meta;

	while (m) {
		uint32_t old = __atomic_fetch_sub(&m->instanceCount, 1, __ATOMIC_RELAXED);

		if (old == 0) {
			printf("OSMetaClass: Class %s - bad retain (%d)\n", m->className, -1);
		}
		if (old != 1) {
			break;
		}
		m = (OSMetaClass *)(uintptr_t)m->superClass;
	}
}

OSObject *
OSMetaClass_checkMetaCast(const OSMetaClass *toMeta, const OSObject *obj)
{
	const OSMetaClass *m;

	if (!obj || !toMeta) {
		return NULL;
	}
	for (m = obj->super.vtbl->metaClass; m; m = m->superClass) {
		if (m == toMeta) {
			return (OSObject *)(uintptr_t)obj;
		}
	}
	return NULL;
}

const OSMetaClass *
OSMetaClassBase_getMetaClass(const OSObject *obj)
{
	return obj ? obj->super.vtbl->metaClass : NULL;
}

OSObject *
OSMetaClassBase_safeMetaCast(const OSObject *obj, const OSMetaClass *toType)
{
	return OSMetaClass_checkMetaCast(toType, obj);
}

OSObject *
OSMetaClassBase_requiredMetaCast(const OSObject *obj, const OSMetaClass *toType)
{
	OSObject *res;

	if (!obj) {
		return NULL;
	}
	res = OSMetaClass_checkMetaCast(toType, obj);
	if (!res) {
		panic("Unexpected cast fail: from %p to %p", obj, toType);
	}
	return res;
}

bool
OSMetaClassBase_checkTypeInst(const OSObject *inst, const OSObject *typeinst)
{
	return inst && typeinst && OSMetaClass_checkMetaCast(typeinst->super.vtbl->metaClass, inst) != NULL;
}

OSObject *
OSMetaClassBase_metaCastWithName(const OSObject *obj, const OSSymbol *className)
{
	return OSMetaClass_checkMetaCastWithName(className, obj);
}

OSObject *
OSMetaClassBase_metaCastWithCString(const OSObject *obj, const char *className)
{
	return OSMetaClass_checkMetaCastWithCString(className, obj);
}

/* ---- accessors ------------------------------------------------------------ */

const char *
OSMetaClass_getClassName(const OSMetaClass *meta)
{
	return meta ? meta->className : NULL;
}

const OSSymbol *
OSMetaClass_getClassNameSymbol(const OSMetaClass *meta)
{
	OSMetaClass *m = (OSMetaClass *)(uintptr_t)meta;
	const OSSymbol *sym, *expected = NULL;

	if (!m) {
		return NULL;
	}
	sym = __atomic_load_n(&m->classNameSymbol, __ATOMIC_ACQUIRE);
	if (sym || !(m->flags & kOSMetaClassFlagRegistered)) {
		return sym;
	}
	sym = OSSymbol_withCStringNoCopy(m->className);
	if (sym && !__atomic_compare_exchange_n(&m->classNameSymbol, &expected, sym, false, __ATOMIC_ACQ_REL,
	                                        __ATOMIC_ACQUIRE)) {
		OSObject_release(sym);
		sym = expected;
	}
	return sym;
}

const OSMetaClass *
OSMetaClass_getSuperClass(const OSMetaClass *meta)
{
	return meta ? meta->superClass : NULL;
}

unsigned int
OSMetaClass_getClassSize(const OSMetaClass *meta)
{
	return meta ? meta->classSize : 0;
}

unsigned int
OSMetaClass_getInstanceCount(const OSMetaClass *meta)
{
	return meta ? __atomic_load_n(&meta->instanceCount, __ATOMIC_RELAXED) : 0;
}

void *
OSMetaClass_getKmod(const OSMetaClass *meta)
{
	return meta ? meta->kmod : NULL;
}

void
OSMetaClass_printInstanceCounts(void)
{
	size_t b;

	lck_mtx_lock(osc_class_lock);
	for (b = 0; b < OSC_CLASS_BUCKETS; b++) {
		const OSMetaClass *m;

		for (m = osc_class_table[b]; m; m = m->hashNext) {
			printf("%24s count: %03d x 0x%03x = 0x%06x\n", m->className, (int)m->instanceCount,
			       m->classSize, m->instanceCount * m->classSize);
		}
	}
	printf("\n");
	lck_mtx_unlock(osc_class_lock);
}

void
OSMetaClass_serializeClassDictionary(OSDictionary *serializeDictionary)
{
	OSDictionary *classDict;
	size_t b;

	if (!serializeDictionary) {
		return;
	}
	classDict = OSDictionary_withCapacity(64);
	if (!classDict) {
		return;
	}
	lck_mtx_lock(osc_class_lock);
	for (b = 0; b < OSC_CLASS_BUCKETS; b++) {
		const OSMetaClass *m;

		for (m = osc_class_table[b]; m; m = m->hashNext) {
			OSNumber *count = OSNumber_withNumber(m->instanceCount, 32);

			if (count) {
				OSDictionary_setObjectCString(classDict, m->className, count);
				OSObject_release(count);
			}
		}
	}
	lck_mtx_unlock(osc_class_lock);
	OSDictionary_setObjectCString(serializeDictionary, "Classes", classDict);
	OSObject_release(classDict);
}
