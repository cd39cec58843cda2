/*
 * test_oscontainers.c — the value classes and containers with XNU's
 * ownership rules, checked through retain counts: factories return one
 * reference, insertion retains, get does not, removal and flush release,
 * copy returns a new reference. Also capacity growth, pointer-identity
 * membership of sets, OSOrderedSet's order-function rule, iterator
 * invalidation, immutability and deep copies.
 */
#include "tests/ktest.h"
#include <kern/kalloc.h>
#include <libkern/c/OSContainers.h>

static OSString *
str(const char *s)
{
	OSString *o = OSString_withCString(s);

	ck_assert_ptr_nonnull(o);
	return o;
}

static OSNumber *
num(unsigned long long v)
{
	OSNumber *o = OSNumber_withNumber(v, 32);

	ck_assert_ptr_nonnull(o);
	return o;
}

/* ---- value classes ---------------------------------------------------------- */

START_TEST(string_basics)
{
	static const char lit[] = "borrowed";
	OSString *a = str("hello"), *b = OSString_withString(a), *n = OSString_withCStringNoCopy(lit);
	OSString *part = OSString_withCStringOfLength("abcdef", 3);
	OSData *d5 = OSData_withBytes("hello", 5), *d6 = OSData_withBytes("hello", 6);

	ck_assert_int_eq(OSObject_getRetainCount(a), 1);
	ck_assert_uint_eq(OSString_getLength(a), 5);
	ck_assert_str_eq(OSString_getCStringNoCopy(b), "hello");
	ck_assert_ptr_ne(OSString_getCStringNoCopy(a), OSString_getCStringNoCopy(b)); /* copied */
	ck_assert_ptr_eq(OSString_getCStringNoCopy(n), lit);
	ck_assert_str_eq(OSString_getCStringNoCopy(part), "abc");
	ck_assert(OSString_isEqualToString(a, b));
	ck_assert(OSString_isEqualToCString(a, "hello"));
	ck_assert(!OSString_isEqualToCString(a, "hell"));
	ck_assert(!OSString_isEqualToCString(a, "hello!"));
	ck_assert(OSObject_isEqualTo(a, d5)); /* same bytes */
	ck_assert(OSObject_isEqualTo(a, d6)); /* same bytes plus the NUL */
	ck_assert(OSObject_isEqualTo(d6, a));
	ck_assert_int_eq(OSString_getChar(a, 1), 'e');
	ck_assert_int_eq(OSString_getChar(a, 99), 0);
	ck_assert(OSString_setChar(a, 'j', 0));
	ck_assert_str_eq(OSString_getCStringNoCopy(a), "jello");
	ck_assert(!OSString_setChar(a, 'x', 5)); /* the NUL */
	ck_assert(!OSString_setChar(n, 'x', 0)); /* no-copy */
	ck_assert_ptr_null(OSString_withCString(NULL));
	OSObject_release(a);
	OSObject_release(b);
	OSObject_release(n);
	OSObject_release(part);
	OSObject_release(d5);
	OSObject_release(d6);
}
END_TEST

START_TEST(string_length_limit)
{
	char *big = kalloc(kOSStringMaxLength + 1);
	OSString *s;

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', kOSStringMaxLength);
	big[kOSStringMaxLength] = 0;
	ck_assert_ptr_null(OSString_withCString(big)); /* XNU: shorter than kMaxStringLength */
	ck_assert_ptr_null(OSSymbol_withCString(big));
	big[kOSStringMaxLength - 1] = 0;
	s = OSString_withCString(big);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(OSString_getLength(s), kOSStringMaxLength - 1);
	OSObject_release(s);
	kfree(big, kOSStringMaxLength + 1);
}
END_TEST

START_TEST(number_basics)
{
	OSNumber *n = OSNumber_withNumber(0x1ff, 8), *m = OSNumber_withNumberCString("0x20", 16);

	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), 0xff);
	ck_assert_uint_eq(OSNumber_numberOfBits(n), 8);
	ck_assert_uint_eq(OSNumber_numberOfBytes(n), 1);
	OSNumber_addValue(n, 1);
	ck_assert_uint_eq(OSNumber_unsigned8BitValue(n), 0); /* wraps at 8 bits */
	OSNumber_addValue(n, -1);
	ck_assert_uint_eq(OSNumber_unsigned32BitValue(n), 0xff);
	OSNumber_setValue(n, 0x1234);
	ck_assert_uint_eq(OSNumber_unsigned16BitValue(n), 0x34);
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(m), 0x20);
	OSNumber_setValue(m, 0x34);
	ck_assert(OSObject_isEqualTo(n, m));
	ck_assert_ptr_null(OSNumber_withNumber(1, 65));
	OSObject_release(n);
	OSObject_release(m);
}
END_TEST

START_TEST(boolean_singletons)
{
	ck_assert_ptr_eq(OSBoolean_withBoolean(true), kOSBooleanTrue);
	ck_assert_ptr_eq(OSBoolean_withBoolean(false), kOSBooleanFalse);
	ck_assert(OSBoolean_isTrue(kOSBooleanTrue));
	ck_assert(OSBoolean_isFalse(kOSBooleanFalse));
	ck_assert(!OSBoolean_getValue(kOSBooleanFalse));
	/* Retain and release do nothing to them. */
	int before = OSObject_getRetainCount(kOSBooleanTrue);
	for (int i = 0; i < 5; i++) {
		OSObject_release(kOSBooleanTrue);
	}
	OSObject_retain(kOSBooleanTrue);
	ck_assert_int_eq(OSObject_getRetainCount(kOSBooleanTrue), before);
	ck_assert(OSObject_isEqualTo(kOSBooleanTrue, kOSBooleanTrue));
	ck_assert(!OSObject_isEqualTo(kOSBooleanTrue, kOSBooleanFalse));
	ck_assert_ptr_eq(OSDynamicCast(OSBoolean, kOSBooleanFalse), kOSBooleanFalse);
}
END_TEST

static int dealloc_calls;
static void
count_dealloc(void *ptr, unsigned int length)
{
	dealloc_calls += (int)length;
}

START_TEST(data_basics)
{
	static char ext[4] = "wxyz";
	OSData *d = OSData_withCapacity(2), *e = OSData_withBytesNoCopy(ext, 4), *r;
	unsigned int i;

	ck_assert_ptr_null(OSData_getBytesNoCopy(d)); /* empty */
	ck_assert(OSData_appendBytes(d, "ab", 2));
	ck_assert(OSData_appendByte(d, 'c', 3));
	ck_assert(OSData_appendBytes(d, NULL, 1)); /* a zero */
	ck_assert_uint_eq(OSData_getLength(d), 6);
	ck_assert(OSData_isEqualToBytes(d, "abccc\0", 6));
	ck_assert_ptr_null(OSData_getBytesNoCopyRange(d, 5, 2));
	ck_assert_ptr_null(OSData_getBytesNoCopyRange(d, 0xffffffffu, 2));
	ck_assert_mem_eq(OSData_getBytesNoCopyRange(d, 2, 3), "ccc", 3);
	for (i = 0; i < 100; i++) {
		ck_assert(OSData_appendBytes(d, "0123456789", 10));
	}
	ck_assert_uint_eq(OSData_getLength(d), 1006);
	ck_assert_uint_ge(OSData_getCapacity(d), 1006);
	r = OSData_withDataRange(d, 6, 10);
	ck_assert(OSData_isEqualToBytes(r, "0123456789", 10));
	ck_assert_ptr_null(OSData_withDataRange(d, 1000, 7));

	ck_assert_ptr_eq(OSData_getBytesNoCopy(e), ext);
	ck_assert_uint_eq(OSData_getCapacity(e), kOSDataCapacityExternal);
	ck_assert(!OSData_appendBytes(e, "x", 1)); /* external buffers do not grow */
	dealloc_calls = 0;
	OSData_setDeallocFunction(e, count_dealloc);
	OSObject_release(e);
	ck_assert_int_eq(dealloc_calls, 4);
	OSObject_release(d);
	OSObject_release(r);
}
END_TEST

/* ---- OSArray ---------------------------------------------------------------- */

START_TEST(array_ownership)
{
	OSArray *a = OSArray_withCapacity(1);
	OSString *s = str("x"), *t = str("y");
	OSArray *copy;

	ck_assert(OSArray_setObject(a, s));
	ck_assert_int_eq(OSObject_getRetainCount(s), 2); /* insertion retains */
	ck_assert_ptr_eq(OSArray_getObject(a, 0), s);
	ck_assert_int_eq(OSObject_getRetainCount(s), 2); /* get does not */
	ck_assert(OSArray_setObject(a, s));              /* arrays may hold an object twice */
	ck_assert_int_eq(OSObject_getRetainCount(s), 3);
	copy = OSArray_withArray(a, 0);
	ck_assert_int_eq(OSObject_getRetainCount(s), 5);
	ck_assert_int_eq(OSObject_getRetainCount(copy), 1);
	OSArray_replaceObject(a, 0, t);
	ck_assert_int_eq(OSObject_getRetainCount(s), 4);
	ck_assert_int_eq(OSObject_getRetainCount(t), 2);
	OSArray_removeObject(a, 0);
	ck_assert_int_eq(OSObject_getRetainCount(t), 1);
	OSObject_release(copy);
	ck_assert_int_eq(OSObject_getRetainCount(s), 2);
	OSObject_release(a); /* frees and releases members */
	ck_assert_int_eq(OSObject_getRetainCount(s), 1);
	ck_assert(!OSArray_setObject(copy = OSArray_withCapacity(0), (OSObject *)NULL));
	OSObject_release(copy);
	OSObject_release(s);
	OSObject_release(t);
}
END_TEST

START_TEST(array_operations)
{
	OSString *s[5];
	OSArray *a = OSArray_withCapacity(2), *b;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		char name[2] = {(char)('a' + i), 0};
		s[i] = str(name);
	}
	ck_assert(OSArray_setObject(a, s[1]));
	ck_assert(OSArray_setObjectAtIndex(a, 0, s[0]));
	ck_assert(OSArray_setObjectAtIndex(a, 2, s[3]));
	ck_assert(OSArray_setObjectAtIndex(a, 2, s[2]));
	ck_assert(!OSArray_setObjectAtIndex(a, 9, s[4]));
	ck_assert_uint_eq(OSArray_getCount(a), 4);
	/* Capacity grows in steps of the initial capacity. */
	ck_assert_uint_eq(OSArray_getCapacity(a), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_eq(OSArray_getObject(a, i), s[i]);
	}
	ck_assert_ptr_eq(OSArray_getLastObject(a), s[3]);
	ck_assert_ptr_null(OSArray_getObject(a, 4));
	ck_assert_uint_eq(OSArray_getNextIndexOfObject(a, s[2], 0), 2);
	ck_assert_uint_eq(OSArray_getNextIndexOfObject(a, s[2], 3), (unsigned int)-1);
	b = OSArray_withObjects((const OSObject *[]){OSObj(s[4])}, 1, 0);
	ck_assert(OSArray_merge(a, b));
	ck_assert_uint_eq(OSArray_getCount(a), 5);
	ck_assert(OSArray_merge(a, a));
	ck_assert_uint_eq(OSArray_getCount(a), 10);
	ck_assert_ptr_eq(OSArray_getObject(a, 9), s[4]);
	ck_assert_int_eq(OSObject_getRetainCount(s[4]), 4);
	ck_assert_uint_eq(OSArray_ensureCapacity(a, 100), 100);
	OSArray_flushCollection(a);
	ck_assert_uint_eq(OSArray_getCount(a), 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(OSObject_getRetainCount(s[i]), i == 4 ? 2 : 1);
	}
	OSObject_release(a);
	OSObject_release(b);
	for (i = 0; i < 5; i++) {
		OSObject_release(s[i]);
	}
}
END_TEST

START_TEST(array_equality)
{
	OSString *x1 = str("x"), *x2 = str("x");
	OSArray *a = OSArray_withObjects((const OSObject *[]){OSObj(x1)}, 1, 0);
	OSArray *b = OSArray_withObjects((const OSObject *[]){OSObj(x2)}, 1, 4);

	ck_assert(OSObject_isEqualTo(a, b));
	ck_assert(OSArray_setObject(b, x2));
	ck_assert(!OSObject_isEqualTo(a, b));
	ck_assert_ptr_null(OSArray_withObjects((const OSObject *[]){OSObj(x1), NULL}, 2, 0));
	ck_assert_ptr_null(OSArray_withObjects((const OSObject *[]){OSObj(x1)}, 2, 1)); /* count > capacity */
	OSObject_release(a);
	OSObject_release(b);
	OSObject_release(x1);
	OSObject_release(x2);
}
END_TEST

/* ---- OSDictionary ------------------------------------------------------------- */

START_TEST(dictionary_ownership)
{
	OSDictionary *d = OSDictionary_withCapacity(2), *copy;
	const OSSymbol *k = OSSymbol_withCString("key");
	OSString *v = str("v"), *w = str("w");

	ck_assert(OSDictionary_setObject(d, k, v));
	ck_assert_int_eq(OSObject_getRetainCount(k), 2);
	ck_assert_int_eq(OSObject_getRetainCount(v), 2);
	ck_assert_ptr_eq(OSDictionary_getObject(d, k), v);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, "key"), v);
	ck_assert_ptr_eq(OSDictionary_getObjectString(d, v), NULL);
	ck_assert_int_eq(OSObject_getRetainCount(v), 2);
	/* Replacing under the same key releases the old value. */
	ck_assert(OSDictionary_setObjectCString(d, "key", w));
	ck_assert_int_eq(OSObject_getRetainCount(v), 1);
	ck_assert_int_eq(OSObject_getRetainCount(w), 2);
	ck_assert_uint_eq(OSDictionary_getCount(d), 1);
	copy = OSDictionary_withDictionary(d, 0);
	ck_assert_int_eq(OSObject_getRetainCount(w), 3);
	ck_assert_int_eq(OSObject_getRetainCount(k), 3);
	OSDictionary_removeObjectCString(d, "key");
	ck_assert_int_eq(OSObject_getRetainCount(w), 2);
	ck_assert_ptr_null(OSDictionary_getObject(d, k));
	OSDictionary_removeObjectCString(d, "absent");
	ck_assert(!OSDictionary_setObject(d, k, (OSObject *)NULL));
	ck_assert(!OSDictionary_setObject(d, NULL, v));
	OSObject_release(copy);
	OSObject_release(d);
	ck_assert_int_eq(OSObject_getRetainCount(w), 1);
	ck_assert_int_eq(OSObject_getRetainCount(k), 1);
	OSObject_release(k);
	OSObject_release(v);
	OSObject_release(w);
}
END_TEST

START_TEST(dictionary_order_merge_equality)
{
	OSDictionary *d = OSDictionary_withCapacity(0), *e = OSDictionary_withCapacity(0);
	OSNumber *n1 = num(1), *n2 = num(2), *n3 = num(3);
	OSArray *keys, *none = OSArray_withCapacity(0);

	ck_assert(OSDictionary_setObjectCString(d, "b", n1));
	ck_assert(OSDictionary_setObjectCString(d, "a", n2));
	ck_assert(OSDictionary_setObjectCString(d, "c", n3));
	keys = OSDictionary_copyKeys(d);
	ck_assert_uint_eq(OSArray_getCount(keys), 3);
	/* Insertion order. */
	ck_assert(OSSymbol_isEqualToCString((const OSSymbol *)OSArray_getObject(keys, 0), "b"));
	ck_assert(OSSymbol_isEqualToCString((const OSSymbol *)OSArray_getObject(keys, 2), "c"));
	ck_assert(OSDictionary_setObjectCString(e, "c", n3));
	ck_assert(!OSObject_isEqualTo(d, e));
	ck_assert(OSDictionary_isEqualToDictionaryKeys(d, e, (OSCollection *)none));
	ck_assert(OSDictionary_merge(e, d));
	ck_assert_uint_eq(OSDictionary_getCount(e), 3);
	ck_assert(OSObject_isEqualTo(d, e));
	ck_assert(OSDictionary_setObjectCString(e, "a", n1));
	ck_assert(!OSObject_isEqualTo(d, e));
	OSObject_release(keys);
	OSObject_release(none);
	OSObject_release(d);
	OSObject_release(e);
	OSObject_release(n1);
	OSObject_release(n2);
	OSObject_release(n3);
}
END_TEST

/* Past the index threshold, lookups and removals keep working. */
START_TEST(dictionary_large_index)
{
	OSDictionary *d = OSDictionary_withCapacity(4);
	char key[16];
	int i;

	for (i = 0; i < 500; i++) {
		OSNumber *n = num((unsigned long long)i);

		snprintf(key, sizeof(key), "k%d", i);
		ck_assert(OSDictionary_setObjectCString(d, key, n));
		OSObject_release(n);
	}
	ck_assert_uint_eq(OSDictionary_getCount(d), 500);
	for (i = 0; i < 500; i += 2) {
		snprintf(key, sizeof(key), "k%d", i);
		OSDictionary_removeObjectCString(d, key);
	}
	ck_assert_uint_eq(OSDictionary_getCount(d), 250);
	for (i = 0; i < 500; i++) {
		OSNumber *n;

		snprintf(key, sizeof(key), "k%d", i);
		n = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(d, key));
		if (i % 2) {
			ck_assert_ptr_nonnull(n);
			ck_assert_uint_eq(OSNumber_unsigned32BitValue(n), (unsigned)i);
		} else {
			ck_assert_ptr_null(n);
		}
	}
	OSObject_release(d);
}
END_TEST

/* ---- OSSet and OSOrderedSet --------------------------------------------------- */

START_TEST(set_pointer_identity)
{
	OSString *a1 = str("a"), *a2 = str("a");
	OSSet *s = OSSet_withCapacity(1), *t;

	ck_assert(OSSet_setObject(s, a1));
	ck_assert(!OSSet_setObject(s, a1)); /* already a member */
	ck_assert(OSSet_setObject(s, a2));  /* equal but distinct: a member too */
	ck_assert_uint_eq(OSSet_getCount(s), 2);
	ck_assert_int_eq(OSObject_getRetainCount(a1), 2);
	ck_assert(OSSet_containsObject(s, a2));
	ck_assert(!OSSet_containsObject(s, (OSObject *)NULL));
	t = OSSet_withSet(s, 0);
	ck_assert(OSObject_isEqualTo(s, t));
	OSSet_removeObject(s, a1);
	ck_assert(!OSSet_member(s, a1));
	ck_assert_int_eq(OSObject_getRetainCount(a1), 2); /* t still holds it */
	ck_assert(OSSet_mergeSet(s, t));
	ck_assert_uint_eq(OSSet_getCount(s), 2);
	ck_assert_ptr_nonnull(OSSet_getAnyObject(s));
	OSSet_flushCollection(s);
	ck_assert_uint_eq(OSSet_getCount(s), 0);
	OSObject_release(s);
	OSObject_release(t);
	ck_assert_int_eq(OSObject_getRetainCount(a1), 1);
	OSObject_release(a1);
	OSObject_release(a2);
}
END_TEST

/* Higher number first. */
static SInt32
by_value_desc(const OSObject *a, const OSObject *b, void *ref)
{
	(*(int *)ref)++;
	if (!b) {
		return 0;
	}
	return (SInt32)OSNumber_unsigned32BitValue((const OSNumber *)a) -
	       (SInt32)OSNumber_unsigned32BitValue((const OSNumber *)b);
}

START_TEST(ordered_set_order_function)
{
	int calls = 0;
	OSOrderedSet *os = OSOrderedSet_withCapacity(2, by_value_desc, &calls);
	OSNumber *n5 = num(5), *n1 = num(1), *n9 = num(9), *n5b = num(5), *n0 = num(0);

	ck_assert(OSOrderedSet_setObject(os, n5));
	ck_assert(OSOrderedSet_setObject(os, n1));
	ck_assert(OSOrderedSet_setObject(os, n9));
	ck_assert(OSOrderedSet_setObject(os, n5b)); /* equal priority queues after n5 */
	ck_assert(!OSOrderedSet_setObject(os, n5)); /* already a member */
	ck_assert_uint_eq(OSOrderedSet_getCount(os), 4);
	ck_assert_ptr_eq(OSOrderedSet_getObject(os, 0), n9);
	ck_assert_ptr_eq(OSOrderedSet_getObject(os, 1), n5);
	ck_assert_ptr_eq(OSOrderedSet_getObject(os, 2), n5b);
	ck_assert_ptr_eq(OSOrderedSet_getObject(os, 3), n1);
	/* setFirstObject / setLastObject ignore the order. */
	ck_assert(OSOrderedSet_setFirstObject(os, n0));
	ck_assert_ptr_eq(OSOrderedSet_getFirstObject(os), n0);
	OSOrderedSet_removeObject(os, n0);
	ck_assert(OSOrderedSet_setLastObject(os, n0));
	ck_assert_ptr_eq(OSOrderedSet_getLastObject(os), n0);
	ck_assert(OSOrderedSet_containsObject(os, n1));
	ck_assert_int_eq(OSObject_getRetainCount(n1), 2);
	OSOrderedSet_removeObject(os, n1);
	ck_assert_int_eq(OSObject_getRetainCount(n1), 1);
	ck_assert(!OSOrderedSet_containsObject(os, n1));
	ck_assert_ptr_eq(OSOrderedSet_getOrderingRef(os), &calls);
	calls = 0;
	ck_assert_int_eq(OSOrderedSet_orderObject(os, n9), 0); /* ordering(n9, NULL) */
	ck_assert_int_eq(calls, 1);
	OSObject_release(os);
	OSObject_release(n5);
	OSObject_release(n1);
	OSObject_release(n9);
	OSObject_release(n5b);
	OSObject_release(n0);
}
END_TEST

START_TEST(ordered_set_without_function_appends)
{
	OSOrderedSet *os = OSOrderedSet_withCapacity(0, NULL, NULL);
	OSNumber *a = num(1), *b = num(2);

	ck_assert(OSOrderedSet_setObject(os, a));
	ck_assert(OSOrderedSet_setObject(os, b));
	ck_assert_ptr_eq(OSOrderedSet_getFirstObject(os), a);
	ck_assert_ptr_eq(OSOrderedSet_getLastObject(os), b);
	ck_assert_int_eq(OSOrderedSet_orderObject(os, a), 0);
	OSObject_release(os);
	OSObject_release(a);
	OSObject_release(b);
}
END_TEST

/* ---- iterators, options, copies ---------------------------------------------- */

START_TEST(iterator_walks_and_invalidates)
{
	OSArray *a = OSArray_withCapacity(3);
	OSNumber *n1 = num(1), *n2 = num(2);
	OSCollectionIterator *it;

	OSArray_setObject(a, n1);
	OSArray_setObject(a, n2);
	it = OSCollectionIterator_withCollection(a);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(OSObject_getRetainCount(a), 2); /* the iterator holds the collection */
	ck_assert(OSCollectionIterator_isValid(it));
	ck_assert_ptr_eq(OSCollectionIterator_getNextObject(it), n1);
	ck_assert_ptr_eq(OSCollectionIterator_getNextObject(it), n2);
	ck_assert_ptr_null(OSCollectionIterator_getNextObject(it));
	OSCollectionIterator_reset(it);
	ck_assert_ptr_eq(OSCollectionIterator_getNextObject(it), n1);
	OSArray_removeObject(a, 1); /* a mutation */
	ck_assert_ptr_null(OSCollectionIterator_getNextObject(it));
	ck_assert(!OSCollectionIterator_isValid(it));
	OSCollectionIterator_reset(it);
	ck_assert(OSCollectionIterator_isValid(it));
	ck_assert_ptr_eq(OSCollectionIterator_getNextObject(it), n1);
	OSObject_release(it);
	ck_assert_int_eq(OSObject_getRetainCount(a), 1);
	OSObject_release(a);
	OSObject_release(n1);
	OSObject_release(n2);
}
END_TEST

START_TEST(dictionary_iterator_yields_keys)
{
	OSDictionary *d = OSDictionary_withCapacity(2);
	OSCollectionIterator *it;
	OSObject *o;
	int n = 0;

	OSDictionary_setObjectCString(d, "one", kOSBooleanTrue);
	OSDictionary_setObjectCString(d, "two", kOSBooleanFalse);
	it = OSCollectionIterator_withCollection(d);
	while ((o = OSCollectionIterator_getNextObject(it))) {
		ck_assert_ptr_nonnull(OSDynamicCast(OSSymbol, o));
		n++;
	}
	ck_assert_int_eq(n, 2);
	OSObject_release(it);
	OSObject_release(d);
}
END_TEST

START_TEST(immutable_collection_panics)
{
	OSDictionary *d = OSDictionary_withCapacity(1);
	OSArray *inner = OSArray_withCapacity(1);

	OSDictionary_setObjectCString(d, "inner", inner);
	OSCollection_setOptions(d, kOSCollectionImmutable, kOSCollectionImmutable);
	ck_assert_uint_eq(inner->super.fOptions & kOSCollectionImmutable,
	                  kOSCollectionImmutable); /* recursive */
	OSArray_setObject(inner, kOSBooleanTrue);  /* "Trying to change a collection in the registry" */
}
END_TEST

START_TEST(immutable_collection_can_be_freed)
{
	OSArray *a = OSArray_withCapacity(1);

	OSArray_setObject(a, kOSBooleanTrue);
	ck_assert_uint_eq(OSCollection_setOptions(a, kOSCollectionImmutable, kOSCollectionImmutable), 0);
	OSObject_release(a);
}
END_TEST

START_TEST(copy_collection_is_deep_and_keeps_sharing)
{
	OSDictionary *d = OSDictionary_withCapacity(2), *copy;
	OSArray *inner = OSArray_withCapacity(1);
	OSString *leaf = str("leaf");
	OSArray *innerCopy;

	OSArray_setObject(inner, leaf);
	OSDictionary_setObjectCString(d, "a", inner);
	OSDictionary_setObjectCString(d, "b", inner); /* the same subtree twice */
	copy = (OSDictionary *)OSCollection_copyCollection(d, NULL);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(OSObject_getRetainCount(copy), 1);
	ck_assert(OSObject_isEqualTo(d, copy));
	innerCopy = (OSArray *)OSDictionary_getObjectCString(copy, "a");
	ck_assert_ptr_ne(innerCopy, inner);                                    /* collections are copied */
	ck_assert_ptr_eq(OSDictionary_getObjectCString(copy, "b"), innerCopy); /* once */
	ck_assert_ptr_eq(OSArray_getObject(innerCopy, 0), leaf);               /* leaves are shared */
	OSObject_release(copy);
	OSObject_release(d);
	OSObject_release(inner);
	ck_assert_int_eq(OSObject_getRetainCount(leaf), 1);
	OSObject_release(leaf);
}
END_TEST

/* Every object made by the tests above is gone again. */
START_TEST(no_leaks_in_container_churn)
{
	static const OSMetaClass *classes[6];
	unsigned int before[6], i;

	classes[0] = OSTypeID(OSString);
	classes[1] = OSTypeID(OSArray);
	classes[2] = OSTypeID(OSDictionary);
	classes[3] = OSTypeID(OSNumber);
	classes[4] = OSTypeID(OSSet);
	classes[5] = OSTypeID(OSCollectionIterator);
	for (i = 0; i < 6; i++) {
		before[i] = OSMetaClass_getInstanceCount(classes[i]);
	}
	for (int round = 0; round < 50; round++) {
		OSDictionary *d = OSDictionary_withCapacity(1);
		OSArray *a = OSArray_withCapacity(1);
		OSSet *s = OSSet_withCapacity(1);
		OSNumber *n = num((unsigned)round);
		OSString *t = str("t");
		OSCollectionIterator *it;

		OSArray_setObject(a, n);
		OSSet_setObject(s, t);
		OSDictionary_setObjectCString(d, "a", a);
		OSDictionary_setObjectCString(d, "s", s);
		it = OSCollectionIterator_withCollection(d);
		while (OSCollectionIterator_getNextObject(it)) {
		}
		OSObject_release(it);
		OSObject_release(d);
		OSObject_release(a);
		OSObject_release(s);
		OSObject_release(n);
		OSObject_release(t);
	}
	for (i = 0; i < 6; i++) {
		ck_assert_uint_eq(OSMetaClass_getInstanceCount(classes[i]), before[i]);
	}
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("oscontainers");
	TCase *tc = ktest_tcase("values");

	tcase_add_test(tc, string_basics);
	tcase_add_test(tc, string_length_limit);
	tcase_add_test(tc, number_basics);
	tcase_add_test(tc, boolean_singletons);
	tcase_add_test(tc, data_basics);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("array");
	tcase_add_test(tc, array_ownership);
	tcase_add_test(tc, array_operations);
	tcase_add_test(tc, array_equality);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("dictionary");
	tcase_add_test(tc, dictionary_ownership);
	tcase_add_test(tc, dictionary_order_merge_equality);
	tcase_add_test(tc, dictionary_large_index);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("sets");
	tcase_add_test(tc, set_pointer_identity);
	tcase_add_test(tc, ordered_set_order_function);
	tcase_add_test(tc, ordered_set_without_function_appends);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("collections");
	tcase_add_test(tc, iterator_walks_and_invalidates);
	tcase_add_test(tc, dictionary_iterator_yields_keys);
	tcase_add_exit_test(tc, immutable_collection_panics, 70);
	tcase_add_test(tc, immutable_collection_can_be_freed);
	tcase_add_test(tc, copy_collection_is_deep_and_keeps_sharing);
	tcase_add_test(tc, no_leaks_in_container_churn);
	suite_add_tcase(s, tc);
	return s;
}
