/*
 * test_ossymbol.c — symbol interning: one symbol per string, lookups that
 * do not create, symbols leaving the pool with their last reference, and
 * kernel threads interning and releasing the same few names concurrently
 * (the drop to zero racing lookups) without losing or duplicating a symbol.
 */
#include "tests/ktest.h"
#include <kern/thread.h>
#include <libkern/c/OSContainers.h>
#include "host/khost.h"

START_TEST(interning_returns_one_symbol)
{
	unsigned int pool = OSSymbol_poolCount();
	const OSSymbol *a = OSSymbol_withCString("kexthost.symbol.test");
	const OSSymbol *b = OSSymbol_withCString("kexthost.symbol.test");
	OSString *str = OSString_withCString("kexthost.symbol.test");
	const OSSymbol *c = OSSymbol_withString(str);
	const OSSymbol *d = OSSymbol_withCStringNoCopy("kexthost.symbol.test");
	const OSSymbol *e = OSSymbol_withString((const OSString *)a);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_eq(a, c);
	ck_assert_ptr_eq(a, d);
	ck_assert_ptr_eq(a, e);
	ck_assert_uint_eq(OSSymbol_poolCount(), pool + 1);
	ck_assert_int_eq(OSObject_getRetainCount(a), 5);
	ck_assert(OSSymbol_isEqualToCString(a, "kexthost.symbol.test"));
	ck_assert(OSSymbol_isEqualToSymbol(a, b));
	ck_assert(OSObject_isEqualTo(a, str)); /* a symbol equals a string with its text */
	ck_assert(OSObject_isEqualTo(str, a));
	ck_assert_uint_eq(OSSymbol_getLength(a), strlen("kexthost.symbol.test"));
	OSObject_release(b);
	OSObject_release(c);
	OSObject_release(d);
	OSObject_release(e);
	OSObject_release(str);
	ck_assert_int_eq(OSObject_getRetainCount(a), 1);
	OSObject_release(a);
	ck_assert_uint_eq(OSSymbol_poolCount(), pool);
}
END_TEST

START_TEST(existing_symbol_lookup)
{
	const OSSymbol *sym, *found;

	ck_assert_ptr_null(OSSymbol_existingSymbolForCString("kexthost.not.interned"));
	sym = OSSymbol_withCString("kexthost.interned");
	found = OSSymbol_existingSymbolForCString("kexthost.interned");
	ck_assert_ptr_eq(found, sym);
	ck_assert_int_eq(OSObject_getRetainCount(sym), 2);
	OSObject_release(found);
	OSObject_release(sym);
	/* Gone from the pool with its last reference. */
	ck_assert_ptr_null(OSSymbol_existingSymbolForCString("kexthost.interned"));
	ck_assert_ptr_null(OSSymbol_withCString(NULL));
}
END_TEST

START_TEST(symbols_distinguish_similar_strings)
{
	const OSSymbol *s[4] = {
	        OSSymbol_withCString("abc"),
	        OSSymbol_withCString("abd"),
	        OSSymbol_withCString("ab"),
	        OSSymbol_withCString(""),
	};

	for (int i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(s[i]);
		for (int j = 0; j < i; j++) {
			ck_assert_ptr_ne(s[i], s[j]);
		}
	}
	ck_assert_str_eq(OSSymbol_getCStringNoCopy(s[3]), "");
	for (int i = 0; i < 4; i++) {
		OSObject_release(s[i]);
	}
}
END_TEST

/* Many symbols grow the pool's table; all stay findable. */
START_TEST(pool_grows)
{
	enum { N = 3000 };
	static const OSSymbol *syms[N];
	unsigned int pool = OSSymbol_poolCount();
	char name[32];

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "grow.%d", i);
		syms[i] = OSSymbol_withCString(name);
		ck_assert_ptr_nonnull(syms[i]);
	}
	ck_assert_uint_eq(OSSymbol_poolCount(), pool + N);
	for (int i = 0; i < N; i++) {
		const OSSymbol *again;

		snprintf(name, sizeof(name), "grow.%d", i);
		again = OSSymbol_existingSymbolForCString(name);
		ck_assert_ptr_eq(again, syms[i]);
		OSObject_release(again);
		OSObject_release(syms[i]);
	}
	ck_assert_uint_eq(OSSymbol_poolCount(), pool);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------- */

#define SYM_THREADS 8
#define SYM_ROUNDS 20000

static const char *const sym_names[] = {"test.IOProviderClass", "test.IOMatchCategory",
                                        "test.CFBundleIdentifier", "test.IONameMatch"};

struct sym_race {
	uint32_t done;
	uint32_t errors;
	uint32_t seed;
};

static void
sym_thread(void *arg, wait_result_t wr)
{
	struct sym_race *r = arg;
	uint32_t x = __atomic_fetch_add(&r->seed, 7919, __ATOMIC_RELAXED) | 1;

	for (int i = 0; i < SYM_ROUNDS; i++) {
		const char *name;
		const OSSymbol *sym, *again;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		name = sym_names[x % 4];
		sym = (x & 0x100) ? OSSymbol_withCString(name) : OSSymbol_withCStringNoCopy(name);
		if (!sym || !OSSymbol_isEqualToCString(sym, name)) {
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		/* While we hold it, it is the one symbol for its name. */
		again = OSSymbol_existingSymbolForCString(name);
		if (again != sym) {
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
		}
		OSSafeReleaseNULL(again);
		OSObject_release(sym);
	}
	__atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
}

START_TEST(concurrent_intern_and_release)
{
	static struct sym_race r;
	unsigned int pool = OSSymbol_poolCount();
	unsigned int live = OSMetaClass_getInstanceCount(OSTypeID(OSSymbol));
	uint64_t end;
	thread_t th;

	bzero(&r, sizeof(r));
	r.seed = 12345;
	for (int i = 0; i < SYM_THREADS; i++) {
		ck_assert_int_eq(kernel_thread_start(sym_thread, &r, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	end = khost_uptime_ns() + 60000000000ull;
	while (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) < SYM_THREADS && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE), SYM_THREADS);
	ck_assert_uint_eq(r.errors, 0);
	/* Every symbol made by the threads is gone again. */
	ck_assert_uint_eq(OSSymbol_poolCount(), pool);
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(OSSymbol)), live);
	for (int i = 0; i < 4; i++) {
		ck_assert_ptr_null(OSSymbol_existingSymbolForCString(sym_names[i]));
	}
}
END_TEST

/* Threads filling private dictionaries keyed by the same shared symbols. */
static void
dict_thread(void *arg, wait_result_t wr)
{
	struct sym_race *r = arg;

	for (int round = 0; round < 500; round++) {
		OSDictionary *d = OSDictionary_withCapacity(4);

		for (int i = 0; i < 4; i++) {
			OSDictionary_setObjectCString(d, sym_names[i], kOSBooleanTrue);
		}
		for (int i = 0; i < 4; i++) {
			if (OSDictionary_getObjectCString(d, sym_names[i]) != OSObj(kOSBooleanTrue)) {
				__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
			}
		}
		OSObject_release(d);
	}
	__atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
}

START_TEST(concurrent_dictionaries_share_symbols)
{
	static struct sym_race r;
	unsigned int pool = OSSymbol_poolCount();
	uint64_t end;
	thread_t th;

	bzero(&r, sizeof(r));
	for (int i = 0; i < SYM_THREADS; i++) {
		ck_assert_int_eq(kernel_thread_start(dict_thread, &r, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	end = khost_uptime_ns() + 60000000000ull;
	while (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) < SYM_THREADS && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE), SYM_THREADS);
	ck_assert_uint_eq(r.errors, 0);
	ck_assert_uint_eq(OSSymbol_poolCount(), pool);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("ossymbol");
	TCase *tc = ktest_tcase("interning");

	tcase_add_test(tc, interning_returns_one_symbol);
	tcase_add_test(tc, existing_symbol_lookup);
	tcase_add_test(tc, symbols_distinguish_similar_strings);
	tcase_add_test(tc, pool_grows);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("concurrency");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, concurrent_intern_and_release);
	tcase_add_test(tc, concurrent_dictionaries_share_symbols);
	suite_add_tcase(s, tc);
	return s;
}
