/*
 * test_iokit_ports.c — I/O Kit objects as Mach ports: one port per object
 * however many handles, the port's retain on the object, and everything a
 * process held released when it exits (the no-senders path), including an
 * object whose last handle goes while a new one is being made.
 */
#include "tests/ktest.h"
#include <libkern/c/OSContainers.h>
#include <IOKit/IOService.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "iokit/Kernel/IOMachPort.h"

static proc_t
attach(void)
{
	proc_t p = NULL;

	ck_assert_int_eq(proc_attach(khost_getpid(), 0, 0, -1, &p), 0);
	return p;
}

static mach_port_name_t
give(proc_t p, OSObject *obj)
{
	mach_port_name_t name = 0;
	struct ipc_port *port = iokit_make_object_port(obj, IKOT_IOKIT_OBJECT);

	ck_assert_ptr_nonnull(port);
	ck_assert_int_eq(ipc_space_copyout_send(p->p_task.t_space, port, &name), KERN_SUCCESS);
	return name;
}

START_TEST(test_one_port_per_object)
{
	proc_t a = attach(), b = attach();
	OSString *s = OSString_withCString("handle");
	unsigned int ports = iokit_port_count();
	int base = OSObject_getRetainCount(s);
	mach_port_name_t n1 = give(a, OSObj(s)), n2 = give(a, OSObj(s));

	ck_assert_uint_eq(n1, n2);
	ck_assert_uint_eq(iokit_port_count(), ports + 1);
	ck_assert_int_eq(OSObject_getRetainCount(s), base + 1); /* the port's retain, once */
	(void)give(b, OSObj(s));
	ck_assert_uint_eq(iokit_port_count(), ports + 1); /* another task: the same port */
	ck_assert_int_eq(ipc_space_deallocate(a->p_task.t_space, n1), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(a->p_task.t_space, n1), KERN_SUCCESS);
	ck_assert_int_eq(OSObject_getRetainCount(s), base + 1); /* b still holds one */
	proc_exit(b);
	ck_assert_uint_eq(iokit_port_count(), ports);
	ck_assert_int_eq(OSObject_getRetainCount(s), base);
	proc_exit(a);
	OSObject_release(s);
}
END_TEST

START_TEST(test_exit_releases_every_handle)
{
	proc_t p = attach();
	OSArray *objs = OSArray_withCapacity(64);
	unsigned int ports = iokit_port_count();

	for (int i = 0; i < 64; i++) {
		OSNumber *n = OSNumber_withNumber((unsigned long long)i, 32);
		OSArray_setObject(objs, n);
		OSObject_release(n);
		(void)give(p, OSArray_getObject(objs, (unsigned int)i));
		(void)give(p, OSArray_getObject(objs, (unsigned int)i));
	}
	ck_assert_uint_eq(iokit_port_count(), ports + 64);
	ck_assert_int_eq(OSObject_getRetainCount(OSArray_getObject(objs, 7)), 2);
	proc_exit(p); /* the client died holding them all */
	ck_assert_uint_eq(iokit_port_count(), ports);
	for (int i = 0; i < 64; i++)
		ck_assert_int_eq(OSObject_getRetainCount(OSArray_getObject(objs, (unsigned int)i)), 1);
	OSObject_release(objs);
}
END_TEST

START_TEST(test_lookup_checks_the_kind)
{
	OSString *s = OSString_withCString("kind");
	struct ipc_port *port = iokit_make_object_port(OSObj(s), IKOT_IOKIT_OBJECT);
	OSObject *o;

	o = iokit_lookup_object_port(port, IKOT_IOKIT_OBJECT);
	ck_assert_ptr_eq(o, OSObj(s));
	OSObject_release(o);
	ck_assert_ptr_null(iokit_lookup_object_port(port, IKOT_IOKIT_CONNECT));
	ck_assert_ptr_null(iokit_make_object_port(NULL, IKOT_IOKIT_OBJECT));
	ipc_port_release_send(port); /* the last right: the port goes */
	ck_assert_int_eq(OSObject_getRetainCount(s), 1);
	OSObject_release(s);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_ports");
	TCase *tc = ktest_tcase("iokit_ports");

	tcase_add_test(tc, test_one_port_per_object);
	tcase_add_test(tc, test_exit_releases_every_handle);
	tcase_add_test(tc, test_lookup_checks_the_kind);
	suite_add_tcase(s, tc);
	return s;
}
