/*
 * test_ionotify.c — I/O Kit notifications for user tasks, kernel side:
 * registerInterest (messageClients and termination reach the handler,
 * remove stops it, other interest types refused); a task's matching
 * notification (services already there wait in the set, a drain arms it,
 * one message per batch with XNU's layout and the task's reference, the
 * notification's own handle as the message's remote port); an interest
 * notification (the service's handle in a port descriptor, type and
 * argument); async completions (layout, argument limit, no port); and the
 * notifications ended and their rights released when the task's handle
 * goes away or the task dies.
 */
#include "tests/iokit/iocore.h"
#include <IOKit/IOUserClient.h>
#include <IOKit/OSMessageNotification.h>
#include "bsd/sys/proc_internal.h"
#include "host/khost.h"
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/ipc_kmsg.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserNotification.h"

static proc_t
attach(void)
{
	proc_t p = NULL;

	ck_assert_int_eq(proc_attach(khost_getpid(), 0, 0, -1, &p), 0);
	return p;
}

/* A receive right in p's space and a kernel-held send right to it (as a MAKE_SEND wake port). */
static struct ipc_port *
wake_port(proc_t p, mach_port_name_t *name)
{
	struct ipc_port *port;

	ck_assert_int_eq(ipc_space_allocate_receive(p->p_task.t_space, name), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_lookup(p->p_task.t_space, *name, &port), KERN_SUCCESS);
	ipc_port_make_send(port);
	ipc_port_release(port);
	return port;
}

/* Give p a handle to obj (as a reply would). */
static mach_port_name_t
give(proc_t p, OSObject *obj)
{
	mach_port_name_t name = 0;

	ck_assert_int_eq(ipc_space_copyout_send(p->p_task.t_space,
	                                        iokit_make_object_port(obj, IKOT_IOKIT_OBJECT), &name),
	                 KERN_SUCCESS);
	return name;
}

static mach_msg_return_t
receive(proc_t p, mach_port_name_t name, void *buf, uint32_t size, uint32_t *len)
{
	struct ipc_kmsg_out out;
	mach_msg_return_t mr = ipc_kmsg_trap(p, p->p_task.t_space, NULL, 0, MACH_RCV_MSG | MACH_RCV_TIMEOUT,
	                                     size, name, &out);

	*len = out.msg_len;
	if (mr == MACH_MSG_SUCCESS)
		memcpy(buf, out.buf, out.msg_len);
	ipc_kmsg_out_free(&out);
	return mr;
}

/* ---- registerInterest ------------------------------------------------------------ */

static UInt32 got_type[8];
static void *got_arg[8];
static int got_calls;

static IOReturn
interest_handler(void *target, void *ref, UInt32 type, IOService *provider, void *arg, vm_size_t size)
{
	ck_assert_ptr_eq(target, (void *)0x1234);
	if (got_calls < 8) {
		got_type[got_calls] = type;
		got_arg[got_calls] = arg;
	}
	got_calls++;
	return kIOReturnSuccess;
}

START_TEST(interest_gets_messages_and_termination)
{
	TestNub *a = new_nub("TestNub", "a", NULL);
	IONotifier *n, *n2;

	IOService_registerService(a, kIOServiceSynchronous);
	got_calls = 0;
	ck_assert_ptr_null(
	        IOService_registerInterest(a, gIOBusyInterest, interest_handler, (void *)0x1234, NULL));
	ck_assert_ptr_null(IOService_registerInterest(a, gIOGeneralInterest, NULL, NULL, NULL));
	n = IOService_registerInterest(a, gIOGeneralInterest, interest_handler, (void *)0x1234, NULL);
	ck_assert_ptr_nonnull(n);
	n2 = IOService_registerInterest(a, gIOGeneralInterest, interest_handler, (void *)0x1234, NULL);
	ck_assert_uint_eq(iosvc_interest_count((IOService *)a), 2);
	ck_assert_int_eq(IOService_messageClients(a, kIOMessageServicePropertyChange, (void *)7, 0),
	                 kIOReturnSuccess);
	ck_assert_int_eq(got_calls, 2);
	ck_assert_uint_eq(got_type[0], kIOMessageServicePropertyChange);
	ck_assert_ptr_eq(got_arg[0], (void *)7);
	IONotifier_remove(n2);
	ck_assert(IONotifier_disable(n));
	(void)IOService_messageClients(a, kIOMessageServicePropertyChange, NULL, 0);
	ck_assert_int_eq(got_calls, 2); /* disabled */
	IONotifier_enable(n, true);
	IOService_terminate(a, kIOServiceSynchronous);
	ck_assert_int_eq(got_calls, 3);
	ck_assert_uint_eq(got_type[2], kIOMessageServiceIsTerminated);
	IONotifier_remove(n);
	ck_assert_uint_eq(iosvc_interest_count(NULL), 0);
	(void)IOService_messageClients(a, kIOMessageServicePropertyChange, NULL, 0);
	ck_assert_int_eq(got_calls, 3);
	OSObject_release(a);
}
END_TEST

/* ---- a task's matching notification ------------------------------------------------ */

struct ping {
	mach_msg_header_t h;
	OSNotificationHeader64 nh;
	uint32_t trailer[2];
};

START_TEST(matching_notification_for_a_task)
{
	proc_t p = attach();
	TestNub *a = new_nub("TestNub", "a", NULL), *b, *c;
	OSDictionary *m = IOService_serviceMatching("TestNub", NULL);
	io_user_reference_t ref[3] = {0, 0x1111, 0x2222};
	mach_port_name_t wake, handle;
	struct ipc_port *wp;
	OSObject *note;
	OSIterator *it;
	struct ping msg;
	uint32_t len;

	IOService_registerService(a, kIOServiceSynchronous);
	wp = wake_port(p, &wake);
	ck_assert_int_eq(iokit_user_add_matching_notification("IOServiceBogus", m, wp, ref, 3, &note),
	                 kIOReturnUnsupported);
	ck_assert_int_eq(iokit_user_add_matching_notification(kIOPublishNotification, m, wp, ref, 9, &note),
	                 kIOReturnBadArgument);
	ck_assert_int_eq(iokit_user_add_matching_notification(kIOPublishNotification, m, wp, ref, 3, &note),
	                 kIOReturnSuccess);
	it = OSDynamicCast(OSIterator, note);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(OSMetaClass_getClassName(OSMetaClassBase_getMetaClass(note)),
	                 "IOServiceUserNotification");
	handle = give(p, note);
	OSObject_release(note); /* the handle holds it now */

	/* The existing service waits in the set; no message until a drain arms the notification. */
	ck_assert_uint_eq(ipc_port_msgcount(wp), 0);
	ck_assert_ptr_eq(OSIterator_getNextObject(it), OSObj(a));
	ck_assert_ptr_null(OSIterator_getNextObject(it)); /* armed */
	b = new_nub("TestNub", "b", NULL);
	IOService_registerService(b, kIOServiceSynchronous);
	c = new_nub("TestNub", "c", NULL);
	IOService_registerService(c, kIOServiceSynchronous);
	ck_assert_uint_eq(ipc_port_msgcount(wp), 1); /* one message for the batch */
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(len, 24 + 72 + 8);
	ck_assert_int_eq(msg.h.msgh_id, kOSNotificationMessageID);
	ck_assert_uint_eq(msg.h.msgh_size, 24 + 72);
	ck_assert_uint_eq(msg.h.msgh_remote_port, handle); /* the notification: the task iterates it */
	ck_assert_uint_eq(msg.h.msgh_local_port, wake);
	ck_assert_uint_eq(msg.nh.size, 0);
	ck_assert_uint_eq(msg.nh.type, kIOServicePublishNotificationType);
	ck_assert_uint_eq(msg.nh.reference[0], 0);
	ck_assert_uint_eq(msg.nh.reference[1], 0x1111);
	ck_assert_uint_eq(msg.nh.reference[2], 0x2222);
	ck_assert_uint_eq(msg.nh.reference[3], 0);
	ck_assert_ptr_eq(OSIterator_getNextObject(it), OSObj(c)); /* the last first, as XNU */
	ck_assert_ptr_eq(OSIterator_getNextObject(it), OSObj(b));
	ck_assert_ptr_null(OSIterator_getNextObject(it));

	/* The task releases its handle (twice: the message gave one more reference): the notification ends. */
	ck_assert_int_eq(ipc_space_deallocate(p->p_task.t_space, handle), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(p->p_task.t_space, handle), KERN_SUCCESS);
	IOService_terminate(b, kIOServiceSynchronous);
	TestNub *d = new_nub("TestNub", "d", NULL);
	IOService_registerService(d, kIOServiceSynchronous);
	ck_assert_uint_eq(ipc_port_msgcount(wp), 0);
	ck_assert_uint_eq(ipc_port_srights(wp), 0); /* the notification's wake right went with it */

	proc_exit(p);
	OSObject_release(m);
	OSObject_release(b);
	IOService_terminate(a, kIOServiceSynchronous);
	IOService_terminate(c, kIOServiceSynchronous);
	IOService_terminate(d, kIOServiceSynchronous);
	OSObject_release(a);
	OSObject_release(c);
	OSObject_release(d);
}
END_TEST

START_TEST(terminated_notification_and_task_death)
{
	proc_t p = attach();
	TestNub *a = new_nub("TestNub", "a", NULL);
	OSDictionary *m = IOService_serviceMatching("TestNub", NULL);
	io_user_reference_t ref[1] = {0};
	mach_port_name_t wake;
	struct ipc_port *wp;
	OSObject *note;
	struct ping msg;
	uint32_t len;
	unsigned int ports = iokit_port_count();

	IOService_registerService(a, kIOServiceSynchronous);
	wp = wake_port(p, &wake);
	ck_assert_int_eq(
	        iokit_user_add_matching_notification(kIOTerminatedNotification, m, wp, ref, 1, &note),
	        kIOReturnSuccess);
	(void)give(p, note);
	OSObject_release(note);
	ck_assert_ptr_null(OSIterator_getNextObject((OSIterator *)note)); /* nothing terminated yet: armed */
	IOService_terminate(a, kIOServiceSynchronous);
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(msg.nh.type, kIOServiceTerminatedNotificationType);
	ck_assert_ptr_eq(OSIterator_getNextObject((OSIterator *)note), OSObj(a));
	/* Another message queued and never received: the task dies with it and the notification. */
	ck_assert_ptr_null(OSIterator_getNextObject((OSIterator *)note));
	TestNub *b = new_nub("TestNub", "b", NULL);
	IOService_registerService(b, kIOServiceSynchronous);
	IOService_terminate(b, kIOServiceSynchronous);
	ck_assert_uint_eq(ipc_port_msgcount(wp), 1);
	proc_exit(p);
	ck_assert_uint_eq(iokit_port_count(), ports); /* every handle and the notification's port: gone */
	OSObject_release(m);
	OSObject_release(a);
	OSObject_release(b);
}
END_TEST

/* ---- a task's interest notification ----------------------------------------------- */

struct __attribute__((packed)) interest_msg {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t service;
	OSNotificationHeader64 nh;
	natural_t messageType;
	uint8_t argument[64 + 8];
};

START_TEST(interest_notification_for_a_task)
{
	proc_t p = attach();
	TestNub *a = new_nub("TestNub", "a", NULL);
	io_user_reference_t ref[4] = {0, 0xaaaa, 0xbbbb, 0xcccc};
	mach_port_name_t wake, handle, svc;
	struct ipc_port *wp;
	OSObject *note;
	struct interest_msg msg;
	uint8_t six[6] = {1, 2, 3, 4, 5, 6};
	uint64_t v;
	uint32_t len;

	IOService_registerService(a, kIOServiceSynchronous);
	svc = give(p, OSObj(a));
	wp = wake_port(p, &wake);
	ck_assert_int_eq(
	        iokit_user_add_interest_notification((IOService *)a, kIOBusyInterest, wp, ref, 4, &note),
	        kIOReturnUnsupported);
	ck_assert_int_eq(
	        iokit_user_add_interest_notification((IOService *)a, kIOGeneralInterest, wp, ref, 4, &note),
	        kIOReturnSuccess);
	ck_assert_str_eq(OSMetaClass_getClassName(OSMetaClassBase_getMetaClass(note)),
	                 "IOServiceMessageUserNotification");
	handle = give(p, note);
	OSObject_release(note);

	(void)IOService_messageClients(a, kIOMessageServicePropertyChange, (void *)0x55, 0);
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(msg.h.msgh_size, 24 + 4 + 12 + 72 + 4 + 8);
	ck_assert(msg.h.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	ck_assert_int_eq(msg.h.msgh_id, kOSNotificationMessageID);
	ck_assert_uint_eq(msg.h.msgh_remote_port, handle);
	ck_assert_uint_eq(msg.body.msgh_descriptor_count, 1);
	ck_assert_uint_eq(msg.service.name, svc); /* the same handle the task already has */
	ck_assert_uint_eq(msg.nh.type, kIOServiceMessageNotificationType);
	ck_assert_uint_eq(msg.nh.size, 64 + sizeof(IOServiceInterestContent64));
	ck_assert_uint_eq(msg.nh.reference[3], 0xcccc);
	ck_assert_uint_eq(msg.messageType, kIOMessageServicePropertyChange);
	memcpy(&v, msg.argument, 8);
	ck_assert_uint_eq(v, 0x55);

	/* An argument with a size: the bytes travel, the size modulo 4 rides in the type. */
	(void)IOService_messageClients(a, 0xe0000999, six, sizeof(six));
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(msg.h.msgh_size, 24 + 4 + 12 + 72 + 4 + 8);
	ck_assert_uint_eq(msg.nh.type,
	                  kIOServiceMessageNotificationType | (2u << kIOKitNoticationTypeSizeAdjShift));
	ck_assert_int_eq(memcmp(msg.argument, six, 6), 0);

	/* Termination reaches the task too. */
	IOService_terminate(a, kIOServiceSynchronous);
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(msg.messageType, kIOMessageServiceIsTerminated);
	ck_assert_uint_eq(iosvc_interest_count((IOService *)a), 1);
	proc_exit(p); /* the handles go: the notification ends, its notifier with it */
	ck_assert_uint_eq(iosvc_interest_count(NULL), 0);
	OSObject_release(a);
}
END_TEST

/* ---- async completions ------------------------------------------------------------ */

struct __attribute__((packed)) completion {
	mach_msg_header_t h;
	OSNotificationHeader64 nh;
	IOReturn result;
	io_user_reference_t args[16];
	uint32_t trailer[2];
};

START_TEST(async_results)
{
	proc_t p = attach();
	mach_port_name_t wake;
	struct ipc_port *wp = NULL;
	OSAsyncReference64 ref;
	io_user_reference_t args[17] = {10, 20, 30};
	struct completion msg;
	uint32_t len;

	memset(ref, 0, sizeof(ref));
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, kIOReturnSuccess, args, 1),
	                 kIOReturnSuccess); /* no port */
	wp = wake_port(p, &wake);
	ref[0] = kIOUCAsync64Flag;
	IOUserClient_setAsyncReference64(ref, wp, 0x401000, 0x77);
	ck_assert_uint_eq(ref[0] & kIOUCAsync0Flags, kIOUCAsync64Flag);
	ck_assert_uint_eq(ref[kIOAsyncCalloutFuncIndex], 0x401000);
	ck_assert_uint_eq(ref[kIOAsyncCalloutRefconIndex], 0x77);
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, kIOReturnSuccess, args, 17),
	                 kIOReturnMessageTooLarge);
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, kIOReturnAborted, args, 3), kIOReturnSuccess);
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(msg.h.msgh_size, 24 + 72 + 4 + 3 * 8);
	ck_assert_uint_eq(msg.h.msgh_remote_port, MACH_PORT_NULL);
	ck_assert_int_eq(msg.h.msgh_id, kOSNotificationMessageID);
	ck_assert_uint_eq(msg.nh.type, kIOAsyncCompletionNotificationType);
	ck_assert_uint_eq(msg.nh.size, 4 + 3 * 8);
	ck_assert_uint_eq(msg.nh.reference[0], 0); /* the kernel's word never leaves */
	ck_assert_uint_eq(msg.nh.reference[kIOAsyncCalloutFuncIndex], 0x401000);
	ck_assert_uint_eq(msg.nh.reference[kIOAsyncCalloutRefconIndex], 0x77);
	ck_assert_int_eq(msg.result, kIOReturnAborted);
	ck_assert_uint_eq(msg.args[2], 30);
	/* No arguments at all. */
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, kIOReturnSuccess, NULL, 0), kIOReturnSuccess);
	ck_assert_int_eq(receive(p, wake, &msg, sizeof(msg), &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(msg.h.msgh_size, 24 + 72 + 4);

	/* Droppable results stop at the port's queue limit; the others don't. */
	for (unsigned int i = 0; i < MACH_PORT_QLIMIT_DEFAULT; i++)
		ck_assert_int_eq(IOUserClient_sendAsyncResult64WithOptions(ref, 0, NULL, 0,
		                                                           kIOUserNotifyOptionCanDrop),
		                 kIOReturnSuccess);
	ck_assert_int_eq(
	        IOUserClient_sendAsyncResult64WithOptions(ref, 0, NULL, 0, kIOUserNotifyOptionCanDrop),
	        MACH_SEND_TIMED_OUT);
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, 0, NULL, 0), kIOReturnSuccess);

	/* The task dies: sends fail (logged once), the reference's right is still ours to release. */
	proc_exit(p);
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, 0, NULL, 0), MACH_SEND_INVALID_DEST);
	ck_assert(ref[0] & kIOUCAsyncErrorLoggedFlag);
	ck_assert_uint_eq(ipc_port_srights(wp), 1);
	ck_assert_int_eq(IOUserClient_releaseAsyncReference64(ref), kIOReturnSuccess);
	ck_assert_int_eq(IOUserClient_releaseAsyncReference64(ref), kIOReturnSuccess); /* no port: nothing */
	ck_assert_int_eq(IOUserClient_sendAsyncResult64(ref, 0, NULL, 0), kIOReturnSuccess);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("ionotify");
	TCase *tc = ktest_tcase("ionotify");

	tcase_add_test(tc, interest_gets_messages_and_termination);
	tcase_add_test(tc, matching_notification_for_a_task);
	tcase_add_test(tc, terminated_notification_and_task_death);
	tcase_add_test(tc, interest_notification_for_a_task);
	tcase_add_test(tc, async_results);
	suite_add_tcase(s, tc);
	return s;
}
