/*
 * test_sysctl.c — the sysctl tree in the kernel: the standard nodes, name to
 * number, the handlers, permission rules, OID_AUTO numbering, registration by
 * a "kext" (static oids registered and unregistered at run time), the meta
 * node used by sysctl -a, and unregistration waiting for a running handler.
 */
#include "tests/ktest.h"
#include <sys/sysctl.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/thread.h>
#include <libkern/version.h>
#include "host/khost.h"
#include "bsd/kern/kern_sysctl.h"

static const struct sysctl_caller user_root = {.is_root = 1};
static const struct sysctl_caller user_nobody = {.is_root = 0};

static int
by_name(const struct sysctl_caller *c, const char *name, void *old, size_t *oldlen, const void *new,
        size_t newlen)
{
	int mib[CTL_MAXNAME];
	u_int n = CTL_MAXNAME;
	int err = sysctl_name2mib(name, mib, &n);

	if (err != 0)
		return err;
	return sysctl_dispatch(c, mib, n, old, oldlen, new, newlen);
}

START_TEST(test_standard_nodes)
{
	char buf[256];
	size_t len = sizeof(buf);
	int ncpu = 0;
	long long mem = 0;
	int mib[2] = {CTL_KERN, KERN_OSTYPE};

	ck_assert_int_eq(sysctl_dispatch(&user_nobody, mib, 2, buf, &len, NULL, 0), 0);
	ck_assert_str_eq(buf, "Darwin");
	ck_assert_uint_eq(len, 7);

	len = sizeof(buf);
	ck_assert_int_eq(kernel_sysctlbyname("kern.osrelease", buf, &len, NULL, 0), 0);
	ck_assert_str_eq(buf, osrelease);
	len = sizeof(buf);
	ck_assert_int_eq(kernel_sysctlbyname("kern.version", buf, &len, NULL, 0), 0);
	ck_assert_str_eq(buf, version);

	len = sizeof(ncpu);
	ck_assert_int_eq(kernel_sysctlbyname("hw.ncpu", &ncpu, &len, NULL, 0), 0);
	ck_assert_int_eq(ncpu, khost_ncpus());
	ck_assert_uint_eq(len, sizeof(int));
	len = sizeof(mem);
	ck_assert_int_eq(kernel_sysctlbyname("hw.memsize", &mem, &len, NULL, 0), 0);
	ck_assert(mem > 0 && (uint64_t)mem == khost_physmem());

	/* kern.boottime: 16 bytes, seconds in the past. */
	struct {
		int64_t sec;
		int32_t usec, pad;
	} tv;
	int64_t now;
	int32_t nsec;
	len = sizeof(tv);
	ck_assert_int_eq(kernel_sysctlbyname("kern.boottime", &tv, &len, NULL, 0), 0);
	ck_assert_uint_eq(len, 16);
	khost_calendar(&now, &nsec);
	ck_assert(tv.sec > 1000000000 && tv.sec <= now);
	ck_assert(tv.usec >= 0 && tv.usec < 1000000);
}
END_TEST

START_TEST(test_selfcheck)
{
	ck_assert_int_eq(sysctl_selfcheck(), 0);
}
END_TEST

START_TEST(test_size_query_and_short_buffer)
{
	char buf[4];
	size_t len = 0;

	/* NULL old buffer: the size only. */
	ck_assert_int_eq(kernel_sysctlbyname("kern.ostype", NULL, &len, NULL, 0), 0);
	ck_assert_uint_eq(len, 7);
	/* Too small: ENOMEM, the part that fits, and the buffer size. */
	len = sizeof(buf);
	ck_assert_int_eq(kernel_sysctlbyname("kern.ostype", buf, &len, NULL, 0), ENOMEM);
	ck_assert_uint_eq(len, 4);
	ck_assert(memcmp(buf, "Darw", 4) == 0);
}
END_TEST

START_TEST(test_name2mib)
{
	int mib[CTL_MAXNAME];
	u_int n = CTL_MAXNAME;

	ck_assert_int_eq(sysctl_name2mib("kern.hostname", mib, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(mib[0], CTL_KERN);
	ck_assert_int_eq(mib[1], KERN_HOSTNAME);
	n = CTL_MAXNAME;
	ck_assert_int_eq(sysctl_name2mib("hw.memsize", mib, &n), 0);
	ck_assert_int_eq(mib[0], CTL_HW);
	ck_assert_int_eq(mib[1], HW_MEMSIZE);
	n = CTL_MAXNAME;
	ck_assert_int_eq(sysctl_name2mib("kern.nosuch", mib, &n), ENOENT);
	n = CTL_MAXNAME;
	ck_assert_int_eq(sysctl_name2mib("kern.", mib, &n), ENOENT);
	n = CTL_MAXNAME;
	ck_assert_int_eq(sysctl_name2mib("", mib, &n), ENOENT);
	n = CTL_MAXNAME;
	ck_assert_int_eq(sysctl_name2mib("kern.ostype.more", mib, &n), ENOENT);
	n = 1;
	ck_assert_int_eq(sysctl_name2mib("kern.ostype", mib, &n), ENOMEM);

	/* The same through the sysctl.name2oid oid {0, 3}, as user space does it. */
	int meta[2] = {0, 3};
	int out[CTL_MAXNAME];
	size_t len = sizeof(out);
	ck_assert_int_eq(sysctl_dispatch(&user_nobody, meta, 2, out, &len, "hw.ncpu", 7), 0);
	ck_assert_uint_eq(len, 2 * sizeof(int));
	ck_assert_int_eq(out[0], CTL_HW);
	ck_assert_int_eq(out[1], HW_NCPU);

	/* And back: sysctl.name {0, 1, 6, 3}. */
	int back[4] = {0, 1, CTL_HW, HW_NCPU};
	char name[64];
	len = sizeof(name);
	ck_assert_int_eq(sysctl_dispatch(&user_nobody, back, 4, name, &len, NULL, 0), 0);
	ck_assert_str_eq(name, "hw.ncpu");
}
END_TEST

START_TEST(test_errors)
{
	int mib[3] = {CTL_KERN, 9999, 0};
	char buf[16];
	size_t len = sizeof(buf);

	ck_assert_int_eq(sysctl_dispatch(&user_root, mib, 2, buf, &len, NULL, 0), ENOENT);
	ck_assert_int_eq(sysctl_dispatch(&user_root, mib, 0, buf, &len, NULL, 0), EINVAL);
	ck_assert_int_eq(sysctl_dispatch(&user_root, mib, CTL_MAXNAME + 1, buf, &len, NULL, 0), EINVAL);
	/* A plain node is not a value. */
	ck_assert_int_eq(sysctl_dispatch(&user_root, mib, 1, buf, &len, NULL, 0), EISDIR);
	/* Below a leaf. */
	int deep[3] = {CTL_KERN, KERN_OSTYPE, 1};
	ck_assert_int_eq(sysctl_dispatch(&user_root, deep, 3, buf, &len, NULL, 0), ENOENT);
	/* Read-only, even for root. */
	ck_assert_int_eq(by_name(&user_root, "kern.ostype", NULL, NULL, "Linux", 6), EPERM);
	/* A wrong-sized new int. */
	ck_assert_int_eq(by_name(&user_root, "debug.test_int", NULL, NULL, "ab", 2), EINVAL);
}
END_TEST

START_TEST(test_write_permissions)
{
	int v = 7, got = 0;
	size_t len = sizeof(got);

	/* Root-only: root may, others may not. */
	ck_assert_int_eq(by_name(&user_nobody, "debug.test_int", NULL, NULL, &v, sizeof(v)), EPERM);
	ck_assert_int_eq(by_name(&user_root, "debug.test_int", NULL, NULL, &v, sizeof(v)), 0);
	ck_assert_int_eq(by_name(&user_nobody, "debug.test_int", &got, &len, NULL, 0), 0);
	ck_assert_int_eq(got, 7);
	/* CTLFLAG_ANYBODY: anyone; read old and write new in one call. */
	v = 9;
	ck_assert_int_eq(by_name(&user_nobody, "debug.test_anybody", &got, &len, &v, sizeof(v)), 0);
	ck_assert_int_eq(got, 0);
	len = sizeof(got);
	ck_assert_int_eq(by_name(&user_nobody, "debug.test_anybody", &got, &len, NULL, 0), 0);
	ck_assert_int_eq(got, 9);
	/* kern.hostname: root only; a new string must leave room for the NUL. */
	char host[MAXHOSTNAMELEN + 8];
	ck_assert_int_eq(by_name(&user_nobody, "kern.hostname", NULL, NULL, "evil", 4), EPERM);
	ck_assert_int_eq(by_name(&user_root, "kern.hostname", NULL, NULL, "mac-mini", 8), 0);
	len = sizeof(host);
	ck_assert_int_eq(kernel_sysctlbyname("kern.hostname", host, &len, NULL, 0), 0);
	ck_assert_str_eq(host, "mac-mini");
	ck_assert_uint_eq(len, 9);
	memset(host, 'x', sizeof(host));
	ck_assert_int_eq(by_name(&user_root, "kern.hostname", NULL, NULL, host, MAXHOSTNAMELEN), EINVAL);
	ck_assert_int_eq(by_name(&user_root, "kern.hostname", NULL, NULL, host, MAXHOSTNAMELEN - 1), 0);
	len = sizeof(host);
	ck_assert_int_eq(kernel_sysctlbyname("kern.hostname", host, &len, NULL, 0), 0);
	ck_assert_uint_eq(len, MAXHOSTNAMELEN);
}
END_TEST

/* ---- a kext's own oids ------------------------------------------------------------- */

static int kx_value = 5;
static long long kx_quad = 1LL << 40;
static long kx_long = -3;
static unsigned int kx_uint = 4000000000u;
static char kx_str[16] = "hello";
static int kx_calls;

static int kx_double SYSCTL_HANDLER_ARGS
{
	int v = kx_value * 2, err;

	kx_calls++;
	err = SYSCTL_OUT(req, &v, sizeof(v));
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	err = SYSCTL_IN(req, &v, sizeof(v));
	if (err != 0)
		return err;
	if (v % 2 != 0)
		return EINVAL;
	kx_value = v / 2;
	return 0;
}

SYSCTL_DECL(_debug);
SYSCTL_NODE(_debug, OID_AUTO, kx, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "test kext");
SYSCTL_INT(_debug_kx, OID_AUTO, value, CTLFLAG_RW | CTLFLAG_KERN, &kx_value, 0, "");
SYSCTL_UINT(_debug_kx, OID_AUTO, uvalue, CTLFLAG_RD | CTLFLAG_KERN, &kx_uint, 0, "");
SYSCTL_QUAD(_debug_kx, OID_AUTO, quad, CTLFLAG_RW | CTLFLAG_KERN, &kx_quad, "");
SYSCTL_LONG(_debug_kx, OID_AUTO, along, CTLFLAG_RW | CTLFLAG_KERN, &kx_long, "");
SYSCTL_STRING(_debug_kx, OID_AUTO, str, CTLFLAG_RW | CTLFLAG_KERN, kx_str, sizeof(kx_str), "");
SYSCTL_PROC(_debug_kx, 7, doubled, CTLTYPE_INT | CTLFLAG_RW | CTLFLAG_KERN | CTLFLAG_ANYBODY, 0, 0, kx_double,
            "I", "twice value");
SYSCTL_INT(_debug_kx, 7, clash, CTLFLAG_RD | CTLFLAG_KERN, &kx_value, 0, "");
SYSCTL_INT(_debug_kx, OID_AUTO, notkern, CTLFLAG_RD, &kx_value, 0, "");

static struct sysctl_oid *kx_oids[] = {
        &sysctl__debug_kx,         &sysctl__debug_kx_value,   &sysctl__debug_kx_uvalue,
        &sysctl__debug_kx_quad,    &sysctl__debug_kx_along,   &sysctl__debug_kx_str,
        &sysctl__debug_kx_doubled, &sysctl__debug_kx_notkern,
};
#define KX_N (sizeof(kx_oids) / sizeof(kx_oids[0]))

static void
kx_register(void)
{
	for (unsigned int i = 0; i < KX_N; i++)
		sysctl_register_oid(kx_oids[i]);
}

static void
kx_unregister(void)
{
	for (unsigned int i = KX_N; i-- > 0;)
		sysctl_unregister_oid(kx_oids[i]);
}

START_TEST(test_kext_oids)
{
	int v = 0;
	long long q = 0;
	long l = 0;
	unsigned int u = 0;
	char s[32];
	size_t len;

	kx_register();
	ck_assert_int_ge(sysctl__debug_kx.oid_number, OID_AUTO_START);
	ck_assert_int_ge(sysctl__debug_kx_value.oid_number, OID_AUTO_START);
	ck_assert_int_eq(sysctl__debug_kx_doubled.oid_number, 7);
	/* OID_AUTO numbers are above every number in use, and distinct. */
	ck_assert_int_ne(sysctl__debug_kx_value.oid_number, sysctl__debug_kx_uvalue.oid_number);

	len = sizeof(v);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.value", &v, &len, NULL, 0), 0);
	ck_assert_int_eq(v, 5);
	len = sizeof(u);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.uvalue", &u, &len, NULL, 0), 0);
	ck_assert_uint_eq(u, 4000000000u);
	len = sizeof(q);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.quad", &q, &len, NULL, 0), 0);
	ck_assert(q == 1LL << 40);
	len = sizeof(l);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.along", &l, &len, NULL, 0), 0);
	ck_assert_int_eq(l, -3);
	len = sizeof(s);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.str", s, &len, NULL, 0), 0);
	ck_assert_str_eq(s, "hello");

	/* The SYSCTL_PROC handler: reads twice the value, writes half; refuses odd numbers. */
	len = sizeof(v);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.doubled", &v, &len, NULL, 0), 0);
	ck_assert_int_eq(v, 10);
	v = 42;
	ck_assert_int_eq(by_name(&user_nobody, "debug.kx.doubled", NULL, NULL, &v, sizeof(v)), 0);
	ck_assert_int_eq(kx_value, 21);
	v = 3;
	ck_assert_int_eq(by_name(&user_nobody, "debug.kx.doubled", NULL, NULL, &v, sizeof(v)), EINVAL);
	ck_assert_int_eq(kx_value, 21);
	/* Non-root can't write the plain RW int. */
	ck_assert_int_eq(by_name(&user_nobody, "debug.kx.value", NULL, NULL, &v, sizeof(v)), EPERM);
	/* In-kernel callers need CTLFLAG_KERN. */
	len = sizeof(v);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.notkern", &v, &len, NULL, 0), EPERM);
	ck_assert_int_eq(by_name(&user_nobody, "debug.kx.notkern", &v, &len, NULL, 0), 0);

	/* A number clash is refused (and logged), the first stays. */
	sysctl_register_oid(&sysctl__debug_kx_clash);
	len = sizeof(v);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.clash", &v, &len, NULL, 0), ENOENT);
	/* Registering twice is harmless. */
	sysctl_register_oid(&sysctl__debug_kx_value);

	kx_unregister();
	len = sizeof(v);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.value", &v, &len, NULL, 0), ENOENT);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx", &v, &len, NULL, 0), ENOENT);
	/* OID_AUTO is restored, so the kext can load again. */
	ck_assert_int_eq(sysctl__debug_kx_value.oid_number, OID_AUTO);
	ck_assert_int_eq(sysctl__debug_kx_doubled.oid_number, 7);
	kx_register();
	len = sizeof(v);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.value", &v, &len, NULL, 0), 0);
	kx_unregister();
	/* Unregistering what is not registered is logged, not fatal. */
	sysctl_unregister_oid(&sysctl__debug_kx_value);
}
END_TEST

/* ---- walking the tree (sysctl -a) -------------------------------------------------- */

START_TEST(test_walk)
{
	int cur[CTL_MAXNAME + 2] = {0, 2};
	u_int curlen = 0;
	int seen_ostype = 0, seen_memsize = 0, seen_masked = 0, n = 0;

	for (;;) {
		int next[CTL_MAXNAME];
		size_t len = sizeof(next);
		int err = sysctl_dispatch(&user_nobody, cur, curlen + 2, next, &len, NULL, 0);

		if (err == ENOENT)
			break;
		ck_assert_int_eq(err, 0);
		ck_assert(len > 0 && len % sizeof(int) == 0);
		ck_assert_int_lt(++n, 10000);

		int nm[CTL_MAXNAME + 2] = {0, 1};
		char name[256];
		size_t nlen = sizeof(name);
		curlen = (u_int)(len / sizeof(int));
		memcpy(nm + 2, next, len);
		ck_assert_int_eq(sysctl_dispatch(&user_nobody, nm, curlen + 2, name, &nlen, NULL, 0), 0);
		if (strcmp(name, "kern.ostype") == 0)
			seen_ostype++;
		if (strcmp(name, "hw.memsize") == 0)
			seen_memsize++;
		if (strcmp(name, "debug.test_masked") == 0)
			seen_masked++;
		ck_assert(strncmp(name, "sysctl.", 7) != 0);
		memcpy(cur + 2, next, len);
	}
	ck_assert_int_eq(seen_ostype, 1);
	ck_assert_int_eq(seen_memsize, 1);
	ck_assert_int_eq(seen_masked, 0);
	ck_assert_int_gt(n, 20);

	/* oidfmt: the kind and the format. */
	int fm[4] = {0, 4, CTL_HW, HW_MEMSIZE};
	char buf[64];
	size_t len = sizeof(buf);
	u_int kind;
	ck_assert_int_eq(sysctl_dispatch(&user_nobody, fm, 4, buf, &len, NULL, 0), 0);
	memcpy(&kind, buf, sizeof(kind));
	ck_assert_uint_eq(kind & CTLTYPE, CTLTYPE_QUAD);
	ck_assert(kind & CTLFLAG_RD);
	ck_assert_str_eq(buf + sizeof(kind), "Q");
}
END_TEST

/* ---- unregister waits for a running handler ----------------------------------------- */

static volatile int slow_in, slow_release;

static int slow_handler SYSCTL_HANDLER_ARGS
{
	int v = 1;

	__atomic_store_n(&slow_in, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&slow_release, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	return SYSCTL_OUT(req, &v, sizeof(v));
}
SYSCTL_PROC(_debug, OID_AUTO, slow, CTLTYPE_INT | CTLFLAG_RD | CTLFLAG_KERN | CTLFLAG_LOCKED, 0, 0,
            slow_handler, "I", "");

static int slow_result = -1;
static int slow_reader_done;

static void
slow_reader(void *arg, wait_result_t wr)
{
	int v;
	size_t len = sizeof(v);

	slow_result = kernel_sysctlbyname("debug.slow", &v, &len, NULL, 0);
	__atomic_store_n(&slow_reader_done, 1, __ATOMIC_RELEASE);
}

static volatile int unreg_done;

static void
slow_unregisterer(void *arg, wait_result_t wr)
{
	sysctl_unregister_oid(&sysctl__debug_slow);
	__atomic_store_n(&unreg_done, 1, __ATOMIC_RELEASE);
}

START_TEST(test_unregister_waits)
{
	thread_t t1, t2;

	sysctl_register_oid(&sysctl__debug_slow);
	ck_assert_int_eq(kernel_thread_start(slow_reader, NULL, &t1), KERN_SUCCESS);
	while (!__atomic_load_n(&slow_in, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	ck_assert_int_eq(kernel_thread_start(slow_unregisterer, NULL, &t2), KERN_SUCCESS);
	for (int i = 0; i < 200; i++)
		khost_thread_yield();
	/* The handler is still running: unregister must not have returned. */
	ck_assert_int_eq(__atomic_load_n(&unreg_done, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&slow_release, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&unreg_done, __ATOMIC_ACQUIRE) ||
	       !__atomic_load_n(&slow_reader_done, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	ck_assert_int_eq(slow_result, 0);
	thread_deallocate(t1);
	thread_deallocate(t2);
}
END_TEST

/* A kext that forgets to unregister: the unload safety net takes its oids out. */
START_TEST(test_purge_range)
{
	int v;
	size_t len = sizeof(v);

	kx_register();
	ck_assert_uint_eq(sysctl_purge_range(1, 4096), 0);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.value", &v, &len, NULL, 0), 0);
	/* The node's own address: it goes, and its children with it. */
	ck_assert_uint_eq(
	        sysctl_purge_range((uintptr_t)&sysctl__debug_kx, (uintptr_t)(&sysctl__debug_kx + 1)), 1);
	ck_assert_int_eq(kernel_sysctlbyname("debug.kx.value", &v, &len, NULL, 0), ENOENT);
	ck_assert_int_eq(kernel_sysctlbyname("debug.test_int", &v, &len, NULL, 0), 0);
	/* A handler inside the range is enough. */
	sysctl_register_oid(&sysctl__debug_slow);
	ck_assert_uint_eq(sysctl_purge_range((uintptr_t)slow_handler, (uintptr_t)slow_handler + 1), 1);
	ck_assert_int_eq(kernel_sysctlbyname("debug.slow", &v, &len, NULL, 0), ENOENT);
}
END_TEST

/* ---- concurrent readers and writers --------------------------------------------------- */

static volatile int conc_errors;

static void
conc_worker(void *arg, wait_result_t wr)
{
	for (int i = 0; i < 2000; i++) {
		char buf[MAXHOSTNAMELEN];
		size_t len = sizeof(buf);
		const char *name = (i & 1) ? "host-a" : "host-bb";

		if (by_name(&user_root, "kern.hostname", NULL, NULL, name, strlen(name)) != 0)
			__atomic_fetch_add(&conc_errors, 1, __ATOMIC_RELAXED);
		if (kernel_sysctlbyname("kern.hostname", buf, &len, NULL, 0) != 0 ||
		    (strcmp(buf, "host-a") != 0 && strcmp(buf, "host-bb") != 0))
			__atomic_fetch_add(&conc_errors, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add((int *)arg, 1, __ATOMIC_RELEASE);
}

START_TEST(test_concurrent)
{
	int done = 0;
	thread_t t[4];

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(kernel_thread_start(conc_worker, &done, &t[i]), KERN_SUCCESS);
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < 4)
		khost_thread_yield();
	ck_assert_int_eq(conc_errors, 0);
	for (int i = 0; i < 4; i++)
		thread_deallocate(t[i]);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("sysctl");
	TCase *tc = ktest_tcase("sysctl");

	tcase_add_test(tc, test_standard_nodes);
	tcase_add_test(tc, test_selfcheck);
	tcase_add_test(tc, test_size_query_and_short_buffer);
	tcase_add_test(tc, test_name2mib);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_write_permissions);
	tcase_add_test(tc, test_kext_oids);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_unregister_waits);
	tcase_add_test(tc, test_purge_range);
	tcase_add_test(tc, test_concurrent);
	suite_add_tcase(s, tc);
	return s;
}
