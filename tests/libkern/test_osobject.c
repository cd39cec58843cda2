/*
 * test_osobject.c — the libkern object model: XNU reference counting
 * (free exactly once, release(when), pegging, the panics), virtual dispatch
 * with overrides and super calls, dynamic casts along the superclass chain,
 * class lookup by name, XNU's instance counting, and class registration:
 * superclass ordering, duplicate names, missing superclasses, unimplemented
 * methods, unregistration refused while instances exist.
 */
#include "tests/ktest.h"
#include <kern/thread.h>
#include <libkern/c/OSContainers.h>
#include "host/khost.h"

/* ---- test classes (registered at boot from this program's section) ---- */

/* TestBase adds a virtual method and counts its frees. */
OSDeclareDefaultStructorsWithVtbl(TestBase, OSObject);
struct TestBase {
	OSObject super;
	int *freed;        /* incremented by free */
	bool retainInFree; /* misbehave: retain self while being freed */
};
struct TestBase_vtbl {
	OSObject_vtbl super;
	int (*describe)(const TestBase *self);
};

static inline int
TestBase_describe(const TestBase *self)
{
	return OSVtbl(TestBase, self)->describe(self);
}

static int
TestBase_describeImpl(const TestBase *self)
{
	return 1;
}

static void
TestBase_freeImpl(OSObject *obj)
{
	TestBase *self = (TestBase *)obj;

	if (self->retainInFree) {
		OSObject_retain(self);
	}
	if (self->freed) {
		__atomic_fetch_add(self->freed, 1, __ATOMIC_RELAXED);
	}
	OSSuperCall(TestBase, free, obj);
}

static const OSMethod TestBase_methods[] = {
        OSMethodOverride(OSObject, free, TestBase_freeImpl),
        OSMethodOverride(TestBase, describe, TestBase_describeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(TestBase, OSObject, TestBase_methods);

/* TestDerived overrides the new method and calls the superclass's. */
OSDeclareDefaultStructors(TestDerived, TestBase);
struct TestDerived {
	TestBase super;
	int extra;
};

static int
TestDerived_describeImpl(const TestBase *self)
{
	return 10 + OSSuperCall(TestDerived, describe, self);
}

static const OSMethod TestDerived_methods[] = {
        OSMethodOverride(TestBase, describe, TestDerived_describeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(TestDerived, TestBase, TestDerived_methods);

/* An abstract class with a pure virtual method, and a concrete subclass. */
OSDeclareDefaultStructorsWithVtbl(TestShape, OSObject);
struct TestShape {
	OSObject super;
};
struct TestShape_vtbl {
	OSObject_vtbl super;
	int (*sides)(const TestShape *self);
};
OSDefineMetaClassAndAbstractStructors(TestShape, OSObject, NULL);

OSDeclareDefaultStructors(TestSquare, TestShape);
struct TestSquare {
	TestShape super;
};
static int
TestSquare_sides(const TestShape *self)
{
	return 4;
}
static const OSMethod TestSquare_methods[] = {
        OSMethodOverride(TestShape, sides, TestSquare_sides),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(TestSquare, TestShape, TestSquare_methods);

/* Records that are not in the section: the tests register them by hand. */
OSDeclareDefaultStructors(TestLoadable, OSObject);
struct TestLoadable {
	OSObject super;
};
OSDefineMetaClassRecord(TestLoadable, OSObject, NULL, 0);

OSDeclareDefaultStructors(TestLoadableSub, TestLoadable);
struct TestLoadableSub {
	TestLoadable super;
};
OSDefineMetaClassRecord(TestLoadableSub, TestLoadable, NULL, 0);

/* A concrete class that leaves the abstract method unimplemented. */
OSDeclareDefaultStructors(TestIncomplete, TestShape);
struct TestIncomplete {
	TestShape super;
};
OSDefineMetaClassRecord(TestIncomplete, TestShape, NULL, 0);

/* The example of docs/OBJECTS.md, verbatim. */
/* A class that adds a virtual method: declare its vtable struct. */
OSDeclareDefaultStructorsWithVtbl(MyCounter, OSObject);

struct MyCounter {
	OSObject super; /* first member: the superclass */
	unsigned int count;
	OSString *name; /* retained */
};

struct MyCounter_vtbl {
	OSObject_vtbl super; /* first member: the superclass's vtable */
	unsigned int (*step)(MyCounter *self);
};

/* Virtual-dispatch wrapper for the new method. */
static inline unsigned int
MyCounter_step(MyCounter *self)
{
	return OSVtbl(MyCounter, self)->step(self);
}

/* A subclass that only overrides: its vtable type is MyCounter's. */
OSDeclareDefaultStructors(MyDoubleCounter, MyCounter);

struct MyDoubleCounter {
	MyCounter super;
};

static unsigned int
MyCounter_stepImpl(MyCounter *self)
{
	return ++self->count;
}

static void
MyCounter_free(OSObject *obj)
{
	MyCounter *self = (MyCounter *)obj;

	OSSafeReleaseNULL(self->name);
	OSSuperCall(MyCounter, free, obj); /* OSObject::free: frees the memory */
}

static const OSMethod MyCounter_methods[] = {
        OSMethodOverride(OSObject, free, MyCounter_free),
        OSMethodOverride(MyCounter, step, MyCounter_stepImpl), /* implements the new slot */
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(MyCounter, OSObject, MyCounter_methods);

static MyCounter *
MyCounter_withName(const char *name)
{
	MyCounter *me = OSTypeAlloc(MyCounter);

	if (me && (!OSObject_init(me) || !(me->name = OSString_withCString(name)))) {
		OSSafeReleaseNULL(me); /* free() copes with a half-built object */
	}
	return me;
}

/* The subclass: steps twice per call, by calling the superclass's step. */
static unsigned int
MyDoubleCounter_step(MyCounter *self)
{
	OSSuperCall(MyDoubleCounter, step, self);
	return OSSuperCall(MyDoubleCounter, step, self);
}

static const OSMethod MyDoubleCounter_methods[] = {
        OSMethodOverride(MyCounter, step, MyDoubleCounter_step),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(MyDoubleCounter, MyCounter, MyDoubleCounter_methods);

static TestBase *
new_base(int *freed)
{
	TestBase *b = OSTypeAlloc(TestBase);

	ck_assert_ptr_nonnull(b);
	ck_assert(OSObject_init(b));
	b->freed = freed;
	return b;
}

/* ---- reference counting ------------------------------------------------ */

START_TEST(retain_release_free_once)
{
	int freed = 0;
	TestBase *b = new_base(&freed);

	ck_assert_int_eq(OSObject_getRetainCount(b), 1);
	OSObject_retain(b);
	OSObject_retain(b);
	ck_assert_int_eq(OSObject_getRetainCount(b), 3);
	OSObject_release(b);
	OSObject_release(b);
	ck_assert_int_eq(OSObject_getRetainCount(b), 1);
	ck_assert_int_eq(freed, 0);
	OSObject_release(b);
	ck_assert_int_eq(freed, 1);
}
END_TEST

START_TEST(release_when)
{
	int freed = 0;
	TestBase *b = new_base(&freed);

	OSObject_retain(b);
	/* Two references; free once fewer than two remain. */
	OSObject_releaseWhen(b, 2);
	ck_assert_int_eq(freed, 1);
}
END_TEST

START_TEST(safe_release_null)
{
	int freed = 0;
	TestBase *b = new_base(&freed);
	TestBase *none = NULL;

	OSSafeReleaseNULL(b);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(freed, 1);
	OSSafeReleaseNULL(none);
	ck_assert_ptr_null(none);
}
END_TEST

START_TEST(pegged_count_is_immortal)
{
	int freed = 0;
	TestBase *b = new_base(&freed);

	b->super.retainCount = kOSObjectRetainCountPegged - 1;
	OSObject_retain(b);
	ck_assert_int_eq(OSObject_getRetainCount(b), kOSObjectRetainCountPegged);
	OSObject_retain(b);
	ck_assert_int_eq(OSObject_getRetainCount(b), kOSObjectRetainCountPegged);
	for (int i = 0; i < 10; i++) {
		OSObject_release(b);
	}
	ck_assert_int_eq(OSObject_getRetainCount(b), kOSObjectRetainCountPegged);
	ck_assert_int_eq(freed, 0);
}
END_TEST

START_TEST(retain_while_freeing_panics)
{
	TestBase *b = new_base(NULL);

	b->retainInFree = true;
	OSObject_release(b); /* free() retains: "Attempting to retain a freed object" */
}
END_TEST

START_TEST(release_in_free_is_ignored)
{
	int freed = 0;
	TestBase *b = new_base(&freed);

	/* A release of an object being freed returns quietly (XNU): simulate one. */
	b->super.retainCount = kOSObjectRetainCountFreeing;
	OSObject_release(b);
	ck_assert_int_eq(freed, 0);
	b->super.retainCount = 1;
	OSObject_release(b);
	ck_assert_int_eq(freed, 1);
}
END_TEST

START_TEST(over_release_of_collection_member_panics)
{
	OSArray *a = OSArray_withCapacity(1);
	TestBase *b = new_base(NULL);

	ck_assert(OSArray_setObject(a, b));
	OSObject_release(b); /* ours: the array's reference remains */
	OSObject_release(b); /* not ours: fewer references than collections */
}
END_TEST

START_TEST(collection_tag_counts)
{
	OSArray *a = OSArray_withCapacity(1);
	TestBase *b = new_base(NULL);

	ck_assert(OSArray_setObject(a, b));
	ck_assert_int_eq(OSObject_getRetainCount(b), 2);
	ck_assert_uint_eq(b->super.retainCount >> 16, 1);
	OSArray_removeObject(a, 0);
	ck_assert_uint_eq(b->super.retainCount, 1);
	OSObject_release(b);
	OSObject_release(a);
}
END_TEST

/* N threads retain and release one object; then each drops one reference. */
#define RACE_THREADS 8
#define RACE_ROUNDS 20000

struct race {
	TestBase *obj;
	uint32_t done;
	bool dropOwn;
};

static void
race_thread(void *arg, wait_result_t wr)
{
	struct race *r = arg;

	for (int i = 0; i < RACE_ROUNDS; i++) {
		OSObject_retain(r->obj);
		OSObject_release(r->obj);
	}
	if (r->dropOwn) {
		OSObject_release(r->obj);
	}
	__atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
}

static void
wait_done(uint32_t *done, uint32_t want)
{
	uint64_t end = khost_uptime_ns() + 20000000000ull;

	while (__atomic_load_n(done, __ATOMIC_ACQUIRE) < want && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(done, __ATOMIC_ACQUIRE), want);
}

START_TEST(concurrent_retain_release_frees_once)
{
	static int freed;
	static struct race r;
	thread_t th;

	freed = 0;
	r.obj = new_base(&freed);
	r.done = 0;
	r.dropOwn = true;
	for (int i = 1; i < RACE_THREADS; i++) {
		OSObject_retain(r.obj); /* one reference per thread */
	}
	for (int i = 0; i < RACE_THREADS; i++) {
		ck_assert_int_eq(kernel_thread_start(race_thread, &r, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	wait_done(&r.done, RACE_THREADS);
	ck_assert_int_eq(__atomic_load_n(&freed, __ATOMIC_ACQUIRE), 1);
}
END_TEST

/* ---- dispatch, casts, classes --------------------------------------------- */

START_TEST(virtual_override_and_super_call)
{
	TestBase *b = new_base(NULL);
	TestDerived *d = OSTypeAlloc(TestDerived);

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(TestBase_describe(b), 1);
	ck_assert_int_eq(TestBase_describe(&d->super), 11);
	/* Inherited free from TestBase runs for the subclass too. */
	int freed = 0;
	d->super.freed = &freed;
	OSObject_release(d);
	ck_assert_int_eq(freed, 1);
	OSObject_release(b);
}
END_TEST

START_TEST(abstract_class_and_pure_virtual)
{
	TestSquare *sq = OSTypeAlloc(TestSquare);

	ck_assert_ptr_null(OSTypeAlloc(TestShape));
	ck_assert_ptr_nonnull(sq);
	ck_assert_int_eq(OSVtbl(TestShape, sq)->sides(&sq->super), 4);
	OSObject_release(sq);
}
END_TEST

START_TEST(dynamic_casts)
{
	const OSSymbol *sym = OSSymbol_withCString("cast");
	OSString *str = OSString_withCString("cast");
	OSObject *none = NULL;
	TestDerived *d = OSTypeAlloc(TestDerived);

	ck_assert_ptr_eq(OSDynamicCast(OSString, sym), (void *)sym);
	ck_assert_ptr_eq(OSDynamicCast(OSObject, sym), (void *)sym);
	ck_assert_ptr_null(OSDynamicCast(OSSymbol, str));
	ck_assert_ptr_null(OSDynamicCast(OSNumber, str));
	ck_assert_ptr_null(OSDynamicCast(OSString, none));
	ck_assert_ptr_eq(OSDynamicCast(TestBase, d), (void *)d);
	ck_assert_ptr_null(OSDynamicCast(TestDerived, str));
	ck_assert(OSCheckTypeInst(str, sym)); /* a symbol is a kind of string */
	ck_assert(!OSCheckTypeInst(sym, str));
	ck_assert_ptr_eq(OSMetaClassBase_metaCastWithCString(OSObj(d), "TestBase"), (void *)d);
	ck_assert_ptr_null(OSMetaClassBase_metaCastWithCString(OSObj(d), "OSString"));
	ck_assert_ptr_null(OSMetaClassBase_metaCastWithCString(OSObj(d), "NoSuchClass"));
	ck_assert_ptr_eq(OSTypeIDInst(d), OSTypeID(TestDerived));
	ck_assert_ptr_eq(OSRequiredCast(OSString, sym), (void *)sym);
	ck_assert_str_eq(OSObject_getClassName(sym), "OSSymbol");
	OSObject_release(sym);
	OSObject_release(str);
	OSObject_release(d);
}
END_TEST

START_TEST(required_cast_failure_panics)
{
	OSString *str = OSString_withCString("x");

	(void)OSRequiredCast(OSNumber, str);
}
END_TEST

START_TEST(class_lookup_by_name)
{
	const OSMetaClass *meta = OSMetaClass_getMetaClassWithCString("OSSymbol");
	const OSSymbol *name;
	OSObject *obj;

	ck_assert_ptr_eq(meta, OSTypeID(OSSymbol));
	ck_assert_ptr_null(OSMetaClass_getMetaClassWithCString("NoSuchClass"));
	ck_assert_str_eq(OSMetaClass_getClassName(meta), "OSSymbol");
	ck_assert_ptr_eq(OSMetaClass_getSuperClass(meta), OSTypeID(OSString));
	ck_assert_ptr_eq(OSMetaClass_getSuperClass(OSTypeID(OSString)), OSTypeID(OSObject));
	ck_assert_ptr_null(OSMetaClass_getSuperClass(OSTypeID(OSObject)));
	ck_assert_uint_eq(OSMetaClass_getClassSize(meta), sizeof(OSSymbol));
	ck_assert_ptr_eq(OSMetaClass_getMetaClassWithCString("TestDerived"), OSTypeID(TestDerived));

	name = OSMetaClass_getClassNameSymbol(OSTypeID(OSArray));
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(OSSymbol_getCStringNoCopy(name), "OSArray");
	ck_assert_ptr_eq(OSMetaClass_getMetaClassWithName(name), OSTypeID(OSArray));

	obj = OSMetaClass_allocClassWithCString("OSArray");
	ck_assert_ptr_nonnull(OSDynamicCast(OSArray, obj));
	ck_assert_int_eq(OSObject_getRetainCount(obj), 1);
	OSObject_release(obj);
	ck_assert_ptr_null(OSMetaClass_allocClassWithCString("NoSuchClass"));
	ck_assert_ptr_null(OSMetaClass_allocClassWithCString("OSCollection")); /* abstract */
}
END_TEST

START_TEST(instance_counts_follow_xnu)
{
	const OSMetaClass *base = OSTypeID(TestBase), *derived = OSTypeID(TestDerived);
	TestDerived *d1, *d2;
	TestBase *b;

	ck_assert_uint_eq(OSMetaClass_getInstanceCount(base), 0);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(derived), 0);
	d1 = OSTypeAlloc(TestDerived);
	d2 = OSTypeAlloc(TestDerived);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(derived), 2);
	/* The superclass counts one for a subclass that has instances. */
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(base), 1);
	b = OSTypeAlloc(TestBase);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(base), 2);
	OSObject_release(d1);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(base), 2);
	OSObject_release(d2);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(derived), 0);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(base), 1);
	OSObject_release(b);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(base), 0);
}
END_TEST

START_TEST(documented_example_works)
{
	MyCounter *c = MyCounter_withName("plain");
	MyDoubleCounter *d = OSTypeAlloc(MyDoubleCounter);

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(MyCounter_step(c), 1);
	ck_assert_uint_eq(MyCounter_step(c), 2);
	ck_assert_ptr_nonnull(d);
	ck_assert(OSObject_init(d));
	ck_assert_uint_eq(MyCounter_step(&d->super), 2);
	ck_assert_uint_eq(MyCounter_step(&d->super), 4);
	ck_assert_ptr_nonnull(OSDynamicCast(MyCounter, d));
	ck_assert_ptr_null(OSDynamicCast(MyDoubleCounter, c));
	OSObject_release(c);
	OSObject_release(d);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(MyCounter)), 0);
}
END_TEST

/* ---- registration ------------------------------------------------------- */

START_TEST(register_superclass_order_and_unregister)
{
	/* Subclass first: registration must still build the superclass first. */
	OSMetaClass *const batch[] = {&TestLoadableSub_gMetaClass, &TestLoadable_gMetaClass};
	void *kmod = (void *)0x1234;
	TestLoadableSub *sub;

	ck_assert_ptr_null(OSTypeAlloc(TestLoadable)); /* not registered yet */
	ck_assert_int_eq(OSMetaClass_registerClasses(batch, batch + 2, kmod), kOSReturnSuccess);
	ck_assert_ptr_eq(OSMetaClass_getMetaClassWithCString("TestLoadableSub"), OSTypeID(TestLoadableSub));
	ck_assert_ptr_eq(OSMetaClass_getKmod(OSTypeID(TestLoadable)), kmod);

	sub = OSTypeAlloc(TestLoadableSub);
	ck_assert_ptr_nonnull(sub);
	ck_assert_ptr_nonnull(OSDynamicCast(TestLoadable, sub));
	ck_assert(OSMetaClass_modHasInstance(kmod));
	ck_assert_int_eq(OSMetaClass_unregisterClasses(batch, batch + 2), kOSMetaClassHasInstances);
	ck_assert_ptr_nonnull(OSMetaClass_getMetaClassWithCString("TestLoadable"));

	OSObject_release(sub);
	ck_assert(!OSMetaClass_modHasInstance(kmod));
	ck_assert_int_eq(OSMetaClass_unregisterClasses(batch, batch + 2), kOSReturnSuccess);
	ck_assert_ptr_null(OSMetaClass_getMetaClassWithCString("TestLoadable"));
	ck_assert_ptr_null(OSTypeAlloc(TestLoadableSub));
	/* And again: a record can be registered after it was unregistered. */
	ck_assert_int_eq(OSMetaClass_registerClasses(batch, batch + 2, NULL), kOSReturnSuccess);
	ck_assert_int_eq(OSMetaClass_unregisterClasses(batch, batch + 2), kOSReturnSuccess);
}
END_TEST

START_TEST(unregister_refuses_superclass_of_loaded_class)
{
	OSMetaClass *const base[] = {&TestLoadable_gMetaClass};
	OSMetaClass *const sub[] = {&TestLoadableSub_gMetaClass};

	ck_assert_int_eq(OSMetaClass_registerClasses(base, base + 1, NULL), kOSReturnSuccess);
	ck_assert_int_eq(OSMetaClass_registerClasses(sub, sub + 1, NULL), kOSReturnSuccess);
	ck_assert_int_ne(OSMetaClass_unregisterClasses(base, base + 1), kOSReturnSuccess);
	ck_assert_int_eq(OSMetaClass_unregisterClasses(sub, sub + 1), kOSReturnSuccess);
	ck_assert_int_eq(OSMetaClass_unregisterClasses(base, base + 1), kOSReturnSuccess);
}
END_TEST

START_TEST(register_refuses_duplicates)
{
	static void *storage[sizeof(OSObject_vtbl) / sizeof(void *)];
	static OSMetaClass dup = {
	        .className = "OSString", /* taken */
	        .superClass = &OSObject_gMetaClass,
	        .classSize = sizeof(OSString),
	        .vtblSize = sizeof(OSObject_vtbl),
	        .vtbl = storage,
	};
	OSMetaClass *const one[] = {&dup};
	OSMetaClass *const same[] = {&TestLoadable_gMetaClass, &TestLoadable_gMetaClass};
	OSMetaClass *const already[] = {&TestBase_gMetaClass}; /* registered at boot */

	ck_assert_int_eq(OSMetaClass_registerClasses(one, one + 1, NULL), kOSMetaClassDuplicateClass);
	ck_assert_int_eq(OSMetaClass_registerClasses(same, same + 2, NULL), kOSMetaClassDuplicateClass);
	ck_assert_int_eq(OSMetaClass_registerClasses(already, already + 1, NULL), kOSMetaClassDuplicateClass);
	/* Nothing of a refused batch stays registered. */
	ck_assert_ptr_null(OSMetaClass_getMetaClassWithCString("TestLoadable"));
	ck_assert_ptr_eq(OSMetaClass_getMetaClassWithCString("OSString"), OSTypeID(OSString));
}
END_TEST

START_TEST(register_refuses_missing_superclass_and_missing_methods)
{
	OSMetaClass *const orphan[] = {&TestLoadableSub_gMetaClass};
	OSMetaClass *const incomplete[] = {&TestIncomplete_gMetaClass};

	ck_assert_int_eq(OSMetaClass_registerClasses(orphan, orphan + 1, NULL), kOSMetaClassNoSuper);
	ck_assert_int_eq(OSMetaClass_registerClasses(incomplete, incomplete + 1, NULL), kOSMetaClassInternal);
	ck_assert_ptr_null(OSMetaClass_getMetaClassWithCString("TestIncomplete"));
	ck_assert_int_eq(OSMetaClass_unregisterClasses(orphan, orphan + 1), kOSMetaClassInternal);
}
END_TEST

START_TEST(return_codes_match_xnu)
{
	ck_assert_int_eq((unsigned)kOSReturnError, 0xdc000001u);
	ck_assert_int_eq((unsigned)kOSMetaClassInternal, 0xdc004001u);
	ck_assert_int_eq((unsigned)kOSMetaClassHasInstances, 0xdc004002u);
	ck_assert_int_eq((unsigned)kOSMetaClassDuplicateClass, 0xdc00400au);
	ck_assert_int_eq((unsigned)kOSMetaClassNoKext, 0xdc00400bu);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("osobject");
	TCase *tc = ktest_tcase("refcount");

	tcase_add_test(tc, retain_release_free_once);
	tcase_add_test(tc, release_when);
	tcase_add_test(tc, safe_release_null);
	tcase_add_test(tc, pegged_count_is_immortal);
	tcase_add_exit_test(tc, retain_while_freeing_panics, 70);
	tcase_add_test(tc, release_in_free_is_ignored);
	tcase_add_exit_test(tc, over_release_of_collection_member_panics, 70);
	tcase_add_test(tc, collection_tag_counts);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("concurrency");
	tcase_add_test(tc, concurrent_retain_release_frees_once);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("classes");
	tcase_add_test(tc, virtual_override_and_super_call);
	tcase_add_test(tc, abstract_class_and_pure_virtual);
	tcase_add_test(tc, dynamic_casts);
	tcase_add_exit_test(tc, required_cast_failure_panics, 70);
	tcase_add_test(tc, class_lookup_by_name);
	tcase_add_test(tc, instance_counts_follow_xnu);
	tcase_add_test(tc, documented_example_works);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("registration");
	tcase_add_test(tc, register_superclass_order_and_unregister);
	tcase_add_test(tc, unregister_refuses_superclass_of_loaded_class);
	tcase_add_test(tc, register_refuses_duplicates);
	tcase_add_test(tc, register_refuses_missing_superclass_and_missing_methods);
	tcase_add_test(tc, return_codes_match_xnu);
	suite_add_tcase(s, tc);
	return s;
}
