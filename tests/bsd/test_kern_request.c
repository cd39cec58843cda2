/*
 * test_kern_request.c — the request channel's in-kernel half, without a
 * socket (tests/kexttools.sh drives the socket): dispatch by type (ping
 * echoes, unknown types get ENOTSUP and no payload), kext requests (a
 * garbage payload, a missing predicate, an unknown predicate, "Get Loaded
 * Kext Info" with the KPI pseudo-kexts), the reply layout (result, XML and
 * log lengths add up), log capture (only this thread's lines since the
 * mark, continued records joined), object trees to property lists (every
 * type, round trip through OSUnserializePlist, cycles and unsupported
 * objects refused), growable buffers at the payload limit, and the server
 * started and stopped with a root, twice.
 */
#include "tests/ktest.h"
#include <string.h>
#include <kern/thread.h>
#include <kern/kalloc.h>
#include <libkern/c/OSContainers.h>
#include <libkern/c/OSUnserialize.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/kern/subr_log.h"
#include "sdk/User/kexthost/kext_request.h"

static const struct kreq_peer root_peer = {.pid = 1, .uid = 0, .gid = 0};

/* Whether needle occurs in the n bytes at hay (the kernel's string.h has no memmem). */
static int
contains(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Dispatch a kext request given as XML text; returns the decoded header fields. */
static void
kext_call(const char *xml, struct khrq_kext_reply *kr, struct kreq_buf *reply)
{
	uint32_t status = 99;

	memset(reply, 0, sizeof(*reply));
	kern_request_dispatch(&root_peer, KHRQ_T_KEXT_REQUEST, xml, strlen(xml), reply, &status);
	ck_assert_uint_eq(status, 0);
	ck_assert_uint_ge(reply->len, sizeof(*kr));
	memcpy(kr, reply->data, sizeof(*kr));
	ck_assert_uint_eq((uint64_t)sizeof(*kr) + kr->xml_len + kr->log_len, reply->len);
}

START_TEST(ping_echoes_and_unknown_types_are_refused)
{
	struct kreq_buf reply = {0};
	uint32_t status = 99;

	kern_request_dispatch(&root_peer, KHRQ_T_PING, "hello", 5, &reply, &status);
	ck_assert_uint_eq(status, 0);
	ck_assert_uint_eq(reply.len, 5);
	ck_assert(memcmp(reply.data, "hello", 5) == 0);
	kreq_buf_free(&reply);

	kern_request_dispatch(&root_peer, 0x4242, "x", 1, &reply, &status);
	ck_assert_uint_eq(status, ENOTSUP);
	ck_assert_uint_eq(reply.len, 0);
	ck_assert_ptr_null(reply.data);
}
END_TEST

START_TEST(bad_kext_requests_fail_cleanly)
{
	struct khrq_kext_reply kr;
	struct kreq_buf reply;

	kext_call("this is not a plist", &kr, &reply);
	ck_assert_int_eq(kr.result, kOSKextReturnSerialization);
	ck_assert_uint_eq(kr.xml_len, 0);
	ck_assert(kr.log_len > 0); /* why it failed is in the captured log */
	ck_assert(contains(reply.data + sizeof(kr), kr.log_len, "can't parse the request"));
	kreq_buf_free(&reply);

	kext_call("<plist><dict><key>x</key><string>y</string></dict></plist>", &kr, &reply);
	ck_assert_int_eq(kr.result, kOSKextReturnInvalidArgument);
	kreq_buf_free(&reply);

	kext_call("<plist><dict><key>Kext Request Predicate</key><string>Frobnicate</string></dict></plist>",
	          &kr, &reply);
	ck_assert_int_eq(kr.result, kOSKextReturnInvalidArgument);
	ck_assert(contains(reply.data + sizeof(kr), kr.log_len, "unknown predicate \"Frobnicate\""));
	kreq_buf_free(&reply);

	/* Load without an identifier or a path. */
	kext_call("<plist><dict><key>Kext Request Predicate</key><string>Load</string></dict></plist>", &kr,
	          &reply);
	ck_assert_int_eq(kr.result, kOSKextReturnInvalidArgument);
	kreq_buf_free(&reply);
}
END_TEST

START_TEST(get_loaded_lists_the_kpi_pseudo_kexts)
{
	struct khrq_kext_reply kr;
	struct kreq_buf reply;
	OSString *err = NULL;
	OSObject *obj;
	OSDictionary *d, *libkern;
	OSNumber *tag;

	kext_call("<plist><dict><key>Kext Request Predicate</key><string>Get Loaded Kext Info</string>"
	          "<key>Kext Request Arguments</key><dict><key>CFBundleIdentifier</key>"
	          "<array><string>com.apple.kpi.libkern</string></array></dict></dict></plist>",
	          &kr, &reply);
	ck_assert_int_eq(kr.result, kOSReturnSuccess);
	ck_assert_uint_gt(kr.xml_len, 0);
	obj = OSUnserializePlist(reply.data + sizeof(kr), kr.xml_len, &err);
	ck_assert_ptr_nonnull(obj);
	d = OSDynamicCast(OSDictionary, obj);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(OSDictionary_getCount(d), 1);
	libkern = OSDynamicCast(OSDictionary, OSDictionary_getObjectCString(d, "com.apple.kpi.libkern"));
	ck_assert_ptr_nonnull(libkern);
	tag = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(libkern, kOSBundleLoadTagKey));
	ck_assert_ptr_nonnull(tag);
	ck_assert_uint_ge(OSNumber_unsigned32BitValue(tag), 1);
	OSObject_release(obj);
	kreq_buf_free(&reply);
}
END_TEST

START_TEST(log_capture_takes_only_this_threads_lines)
{
	struct kreq_buf out = {0};
	uint64_t mark;
	char longline[LOG_LINE_MAX * 2 + 1];

	printf("before the mark\n");
	mark = kreq_log_mark();
	printf("first line\n");
	printf("partial ");
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	printf("second line %s\n", longline);
	ck_assert_int_eq(kreq_log_collect(mark, 64 * 1024, &out), 0);
	ck_assert(!contains(out.data, out.len, "before the mark"));
	ck_assert(contains(out.data, out.len, "first line\n"));
	/* the partial line and the continued records come back as one line */
	ck_assert(contains(out.data, out.len, "partial second line xxxx"));
	ck_assert_int_eq(out.data[out.len - 1], '\n');
	ck_assert_int_eq((char *)memchr(out.data, '\n', out.len) - out.data, 10);
	kreq_buf_free(&out);

	/* a small limit truncates instead of overflowing */
	mark = kreq_log_mark();
	printf("0123456789\n");
	ck_assert_int_eq(kreq_log_collect(mark, 4, &out), 0);
	ck_assert_uint_eq(out.len, 4);
	kreq_buf_free(&out);
}
END_TEST

static volatile int other_done;

static void
other_thread(void *arg, wait_result_t wr)
{
	printf("from another thread\n");
	__atomic_store_n(&other_done, 1, __ATOMIC_RELEASE);
}

START_TEST(log_capture_ignores_other_threads)
{
	struct kreq_buf out = {0};
	thread_t th;
	uint64_t mark = kreq_log_mark();

	ck_assert_int_eq(kernel_thread_start(other_thread, NULL, &th), KERN_SUCCESS);
	thread_deallocate(th);
	while (!__atomic_load_n(&other_done, __ATOMIC_ACQUIRE))
		khost_thread_yield();
	printf("mine\n");
	ck_assert_int_eq(kreq_log_collect(mark, 4096, &out), 0);
	ck_assert_uint_eq(out.len, 5);
	ck_assert(memcmp(out.data, "mine\n", 5) == 0);
	kreq_buf_free(&out);
}
END_TEST

START_TEST(objects_round_trip_as_plists)
{
	OSDictionary *d = OSDictionary_withCapacity(8), *back;
	OSArray *a = OSArray_withCapacity(2);
	OSSet *set = OSSet_withCapacity(1);
	OSString *s = OSString_withCString("a <string> & more");
	OSNumber *n = OSNumber_withNumber(0xfffffffffffull, 64);
	OSData *data = OSData_withBytes("\x00\x01\x02\xff", 4);
	struct kreq_buf out = {0};
	OSObject *obj;
	OSString *err = NULL;

	OSArray_setObject(a, s);
	OSArray_setObject(a, n);
	OSSet_setObject(set, s);
	OSDictionary_setObjectCString(d, "string", s);
	OSDictionary_setObjectCString(d, "number", n);
	OSDictionary_setObjectCString(d, "data", data);
	OSDictionary_setObjectCString(d, "true", kOSBooleanTrue);
	OSDictionary_setObjectCString(d, "false", kOSBooleanFalse);
	OSDictionary_setObjectCString(d, "array", a);
	OSDictionary_setObjectCString(d, "set", set);
	ck_assert_int_eq(kreq_object_to_xml(OSObj(d), &out), 0);
	ck_assert(contains(out.data, out.len, "<!DOCTYPE plist"));
	obj = OSUnserializePlist(out.data, out.len, &err);
	ck_assert_ptr_nonnull(obj);
	back = OSDynamicCast(OSDictionary, obj);
	ck_assert_ptr_nonnull(back);
	ck_assert(OSString_isEqualToString(
	        OSDynamicCast(OSString, OSDictionary_getObjectCString(back, "string")), s));
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(
	                          OSDynamicCast(OSNumber, OSDictionary_getObjectCString(back, "number"))),
	                  0xfffffffffffull);
	ck_assert(OSData_isEqualToData(OSDynamicCast(OSData, OSDictionary_getObjectCString(back, "data")),
	                               data));
	ck_assert_ptr_eq(OSDictionary_getObjectCString(back, "true"), kOSBooleanTrue);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(back, "false"), kOSBooleanFalse);
	ck_assert_uint_eq(
	        OSArray_getCount(OSDynamicCast(OSArray, OSDictionary_getObjectCString(back, "array"))), 2);
	ck_assert_uint_eq(
	        OSArray_getCount(OSDynamicCast(OSArray, OSDictionary_getObjectCString(back, "set"))), 1);
	OSObject_release(obj);
	kreq_buf_free(&out);

	/* a cycle is refused, not followed forever */
	OSArray_setObject(a, a);
	ck_assert_int_eq(kreq_object_to_xml(OSObj(a), &out), EINVAL);
	ck_assert_uint_eq(out.len, 0);
	OSArray_removeObject(a, 2);

	OSObject_release(d);
	OSObject_release(a);
	OSObject_release(set);
	OSObject_release(s);
	OSObject_release(n);
	OSObject_release(data);
}
END_TEST

START_TEST(buffers_stop_at_the_payload_limit)
{
	struct kreq_buf b = {0};
	char *chunk = kalloc(1024 * 1024);

	ck_assert_ptr_nonnull(chunk);
	memset(chunk, 7, 1024 * 1024);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(kreq_buf_append(&b, chunk, 1024 * 1024), 0);
	ck_assert_uint_eq(b.len, KHRQ_MAX_PAYLOAD);
	ck_assert_int_eq(kreq_buf_append(&b, chunk, 1), ENOMEM);
	ck_assert_uint_eq(b.len, KHRQ_MAX_PAYLOAD);
	kreq_buf_free(&b);
	ck_assert_uint_eq(b.len, 0);
	kfree(chunk, 1024 * 1024);
}
END_TEST

START_TEST(server_starts_and_stops_twice)
{
	char root[128];
	struct khost_stat st;

	snprintf(root, sizeof(root), "/tmp/kreq-test-%d", khost_getpid());
	ck_assert_int_eq(khost_mkdir_p(root, 0755), 0);
	snprintf(root + strlen(root), sizeof(root) - strlen(root), "/var/run");
	ck_assert_int_eq(khost_mkdir_p(root, 0755), 0);
	root[strlen(root) - strlen("/var/run")] = '\0';
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(kern_request_init(root), 0);
		ck_assert(strstr(kern_request_socket_path(), "var/run/kexthost.sock") != NULL);
		ck_assert_int_eq(khost_stat(kern_request_socket_path(), &st), 0);
		kern_request_shutdown();
		kern_request_shutdown(); /* idempotent */
		ck_assert_str_eq(kern_request_socket_path(), "");
	}
	ck_assert_int_eq(kern_request_init(NULL), 0); /* no root: no server, no error */
	ck_assert_str_eq(kern_request_socket_path(), "");
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kern_request");
	TCase *tc = ktest_tcase("kern_request");

	tcase_add_test(tc, ping_echoes_and_unknown_types_are_refused);
	tcase_add_test(tc, bad_kext_requests_fail_cleanly);
	tcase_add_test(tc, get_loaded_lists_the_kpi_pseudo_kexts);
	tcase_add_test(tc, log_capture_takes_only_this_threads_lines);
	tcase_add_test(tc, log_capture_ignores_other_threads);
	tcase_add_test(tc, objects_round_trip_as_plists);
	tcase_add_test(tc, buffers_stop_at_the_payload_limit);
	tcase_add_test(tc, server_starts_and_stops_twice);
	suite_add_tcase(s, tc);
	return s;
}
