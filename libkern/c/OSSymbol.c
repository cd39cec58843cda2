/*
 * OSSymbol.c — the symbol pool: a chained hash table of the live symbols
 * under a reader-writer lock (lookups shared, insertions and removals
 * exclusive).
 *
 * Why releasing is race-free: a symbol's count may drop to zero only under
 * the exclusive pool lock, and it leaves the pool in the same critical
 * section. A lookup holds the lock shared, so whatever it finds has a count
 * of at least one and can be retained safely. Releases that leave the count
 * at one or more stay lock-free.
 */
#include "libkern/c/osc_internal.h"

static void OSSymbol_taggedReleaseImpl(const OSObject *self, const void *tag, int when);
static bool OSSymbol_isEqualToImpl(const OSObject *self, const OSObject *anObject);

static const OSMethod OSSymbol_methods[] = {
        OSMethodOverride(OSObject, taggedRelease, OSSymbol_taggedReleaseImpl),
        OSMethodOverride(OSObject, isEqualTo, OSSymbol_isEqualToImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(OSSymbol, OSString, OSSymbol_methods);

#define OSC_POOL_INITIAL_BUCKETS 256u
#define OSC_COUNT_MASK 0xffffu

static struct {
	lck_rw_t *lock;
	OSSymbol **buckets;
	unsigned int nbuckets; /* power of two */
	unsigned int count;
} osc_pool;

void
osc_symbol_pool_init(void)
{
	if (osc_pool.lock) {
		return;
	}
	osc_pool.lock = lck_rw_alloc_init(osc_lck_grp, LCK_ATTR_NULL);
	osc_pool.buckets = osc_alloc(OSC_POOL_INITIAL_BUCKETS * sizeof(OSSymbol *));
	if (!osc_pool.lock || !osc_pool.buckets) {
		panic("libkern: can't allocate the symbol pool");
	}
	osc_pool.nbuckets = OSC_POOL_INITIAL_BUCKETS;
}

unsigned int
OSSymbol_poolCount(void)
{
	return __atomic_load_n(&osc_pool.count, __ATOMIC_RELAXED);
}

/* ---- the table (pool lock held) ------------------------------------------- */

static OSSymbol *
osc_pool_lookup(uint32_t hash, const char *cString, size_t len)
{
	OSSymbol *sym;

	lck_rw_assert(osc_pool.lock, LCK_RW_ASSERT_HELD);
	for (sym = osc_pool.buckets[hash & (osc_pool.nbuckets - 1)]; sym; sym = sym->poolNext) {
		if (sym->hash == hash && sym->super.length == len + 1 &&
		    memcmp(sym->super.string, cString, len) == 0) {
			return sym;
		}
	}
	return NULL;
}

/* Double the buckets when chains get long; on allocation failure keep the old table. */
static void
osc_pool_grow(void)
{
	unsigned int n = osc_pool.nbuckets * 2, i;
	OSSymbol **nb;

	lck_rw_assert(osc_pool.lock, LCK_RW_ASSERT_EXCLUSIVE);
	if (n == 0 || n > (1u << 24)) {
		return;
	}
	nb = osc_alloc((size_t)n * sizeof(OSSymbol *));
	if (!nb) {
		return;
	}
	for (i = 0; i < osc_pool.nbuckets; i++) {
		OSSymbol *sym = osc_pool.buckets[i], *next;

		for (; sym; sym = next) {
			next = sym->poolNext;
			sym->poolNext = nb[sym->hash & (n - 1)];
			nb[sym->hash & (n - 1)] = sym;
		}
	}
	osc_free(osc_pool.buckets, osc_pool.nbuckets * sizeof(OSSymbol *));
	osc_pool.buckets = nb;
	osc_pool.nbuckets = n;
}

static void
osc_pool_insert(OSSymbol *sym)
{
	OSSymbol **bucket = &osc_pool.buckets[sym->hash & (osc_pool.nbuckets - 1)];

	lck_rw_assert(osc_pool.lock, LCK_RW_ASSERT_EXCLUSIVE);
	sym->poolNext = *bucket;
	*bucket = sym;
	sym->inPool = 1;
	/* Atomic: OSSymbol_poolCount reads it without the lock. */
	if (__atomic_add_fetch(&osc_pool.count, 1, __ATOMIC_RELAXED) > osc_pool.nbuckets * 2) {
		osc_pool_grow();
	}
}

static void
osc_pool_remove(OSSymbol *sym)
{
	OSSymbol **pp = &osc_pool.buckets[sym->hash & (osc_pool.nbuckets - 1)];

	lck_rw_assert(osc_pool.lock, LCK_RW_ASSERT_EXCLUSIVE);
	for (; *pp; pp = &(*pp)->poolNext) {
		if (*pp == sym) {
			*pp = sym->poolNext;
			sym->poolNext = NULL;
			sym->inPool = 0;
			__atomic_sub_fetch(&osc_pool.count, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

/* ---- interning ----------------------------------------------------------- */

static const OSSymbol *
osc_symbol_find(const char *cString, bool create, bool noCopy)
{
	OSSymbol *sym, *fresh;
	size_t len;
	uint32_t hash;
	bool ok;

	if (!cString || !osc_pool.lock) {
		return NULL;
	}
	hash = osc_string_hash(cString, &len);
	if (len >= kOSStringMaxLength) {
		return NULL;
	}

	lck_rw_lock_shared(osc_pool.lock);
	sym = osc_pool_lookup(hash, cString, len);
	if (sym) {
		OSObject_retain(sym); /* count >= 1: drops to zero only under the exclusive lock */
	}
	lck_rw_unlock_shared(osc_pool.lock);
	if (sym || !create) {
		return sym;
	}

	/* Build the new symbol outside the lock, then insert unless another thread won the race. */
	fresh = OSTypeAlloc(OSSymbol);
	if (!fresh) {
		return NULL;
	}
	ok = noCopy ? OSString_initWithCStringNoCopy(&fresh->super, cString)
	            : OSString_initWithCString(&fresh->super, cString);
	if (!ok) {
		OSObject_release(fresh);
		return NULL;
	}
	fresh->hash = hash;

	lck_rw_lock_exclusive(osc_pool.lock);
	sym = osc_pool_lookup(hash, cString, len);
	if (sym) {
		OSObject_retain(sym);
	} else {
		osc_pool_insert(fresh);
	}
	lck_rw_unlock_exclusive(osc_pool.lock);

	if (sym) {
		OSObject_release(fresh); /* never in the pool */
		return sym;
	}
	return fresh;
}

const OSSymbol *
OSSymbol_withCString(const char *cString)
{
	return osc_symbol_find(cString, true, false);
}

const OSSymbol *
OSSymbol_withCStringNoCopy(const char *cString)
{
	return osc_symbol_find(cString, true, true);
}

const OSSymbol *
OSSymbol_withString(const OSString *aString)
{
	const OSSymbol *sym;

	if (!aString) {
		return NULL;
	}
	/* A symbol is its own symbol. */
	sym = OSDynamicCast(OSSymbol, aString);
	if (sym) {
		OSObject_retain(sym);
		return sym;
	}
	return osc_symbol_find(aString->string, true, false);
}

const OSSymbol *
OSSymbol_existingSymbolForCString(const char *cString)
{
	return osc_symbol_find(cString, false, false);
}

const OSSymbol *
OSSymbol_existingSymbolForString(const OSString *aString)
{
	const OSSymbol *sym;

	if (!aString) {
		return NULL;
	}
	sym = OSDynamicCast(OSSymbol, aString);
	if (sym) {
		OSObject_retain(sym);
		return sym;
	}
	return osc_symbol_find(aString->string, false, false);
}

bool
OSSymbol_isEqualToCString(const OSSymbol *self, const char *cString)
{
	return cString && strcmp(self->super.string, cString) == 0;
}

static bool
OSSymbol_isEqualToImpl(const OSObject *obj, const OSObject *anObject)
{
	const OSString *str;

	if (OSDynamicCast(OSSymbol, anObject)) {
		return obj == anObject;
	}
	str = OSDynamicCast(OSString, anObject);
	return str && OSString_isEqualToString((const OSString *)obj, str);
}

/* ---- release ------------------------------------------------------------- */

static void
osc_symbol_check_count(const OSObject *self, uint32_t actual)
{
	if ((actual & OSC_COUNT_MASK) < (actual >> 16)) {
		panic("A kext releasing a(n) %s has corrupted the registry.", OSObject_getClassName(self));
	}
}

static void
OSSymbol_taggedReleaseImpl(const OSObject *obj, const void *tag, int when)
{
	OSSymbol *self = (OSSymbol *)(uintptr_t)obj;
	volatile uint32_t *countp = &self->super.super.retainCount;
	uint32_t dec = (tag == (const void *)OSTypeID(OSCollection)) ? 0x10001u : 1u;
	uint32_t old = __atomic_load_n(countp, __ATOMIC_RELAXED);
	uint32_t actual, next;

	/* Fast path: the symbol stays alive, no lock. */
	for (;;) {
		if (((old & OSC_COUNT_MASK) | 1u) == kOSObjectRetainCountFreeing) {
			return; /* pegged or being freed */
		}
		actual = old - dec;
		if ((int)(actual & OSC_COUNT_MASK) < when) {
			break;
		}
		if (__atomic_compare_exchange_n(countp, &old, actual, true, __ATOMIC_RELEASE,
		                                __ATOMIC_RELAXED)) {
			osc_symbol_check_count(obj, actual);
			return;
		}
	}

	/* Slow path: the count may reach zero, which only happens with lookups excluded. */
	lck_rw_lock_exclusive(osc_pool.lock);
	old = __atomic_load_n(countp, __ATOMIC_RELAXED);
	do {
		if (((old & OSC_COUNT_MASK) | 1u) == kOSObjectRetainCountFreeing) {
			lck_rw_unlock_exclusive(osc_pool.lock);
			return;
		}
		actual = old - dec;
		next = ((int)(actual & OSC_COUNT_MASK) < when) ? kOSObjectRetainCountFreeing : actual;
	} while (!__atomic_compare_exchange_n(countp, &old, next, true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	if (next == kOSObjectRetainCountFreeing && self->inPool) {
		osc_pool_remove(self);
	}
	lck_rw_unlock_exclusive(osc_pool.lock);

	osc_symbol_check_count(obj, actual);
	if (next == kOSObjectRetainCountFreeing) {
		OSObject_free(self);
	}
}
