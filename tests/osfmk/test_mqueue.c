/*
 * test_mqueue.c — messages the kernel queues for a task (ipc_mqueue.c):
 * the received form (header swapped, rights copied out into the space,
 * trailer), FIFO order, the queue limit and MACH_SEND_ALWAYS with its
 * kernel limit, receives that find nothing, a wrong name or too small a
 * buffer, malformed kernel messages refused, and every queued right
 * released (no-senders calls, kalloc back at its baseline) when the
 * receive right is destroyed or the whole space goes (a task's death).
 */
#include "tests/ktest.h"
#include <kern/kalloc.h>
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/ipc_kmsg.h"
#include "osfmk/kern/zalloc_internal.h"

#define IKOT_TEST 41

static int ns_calls;

static void
count_no_senders(struct ipc_port *port, uint32_t mscount)
{
	ns_calls++;
}

static void
sum_in_use(const struct zone_info *zi, void *ctx)
{
	*(uint64_t *)ctx += zi->zi_elems_in_use;
}

static uint64_t
kalloc_in_use(void)
{
	uint64_t n = 0;
	zone_info_iterate(sum_in_use, &n);
	return n;
}

/* A simple message: header and one word of data. */
struct msg_simple {
	mach_msg_header_t h;
	uint32_t data;
};

/* A complex message: header, body, one port descriptor, one word. */
struct msg_port {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port;
	uint32_t data;
};

static struct msg_simple
simple(mach_msg_id_t id, uint32_t data)
{
	struct msg_simple m = {.h = {.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	                             .msgh_size = sizeof(m),
	                             .msgh_id = id},
	                       .data = data};
	return m;
}

/* A send right the kernel makes from the space's receive right (as MAKE_SEND in a request). */
static struct ipc_port *
make_send(struct ipc_space *s, mach_port_name_t name)
{
	struct ipc_port *p;

	ck_assert_int_eq(ipc_space_lookup(s, name, &p), KERN_SUCCESS);
	ipc_port_make_send(p);
	ipc_port_release(p);
	return p;
}

static mach_msg_return_t
receive(struct ipc_space *s, mach_port_name_t name, uint32_t size, mach_msg_option_t opt, void *buf,
        uint32_t *len)
{
	struct ipc_kmsg_out out;
	mach_msg_return_t mr = ipc_kmsg_trap(NULL, s, NULL, 0, MACH_RCV_MSG | opt, size, name, &out);

	*len = out.msg_len;
	if (mr == MACH_MSG_SUCCESS) {
		ck_assert_uint_eq(out.nool, 0);
		ck_assert_uint_le(out.len, size);
		memcpy(buf, out.buf, out.len);
	}
	ipc_kmsg_out_free(&out);
	return mr;
}

START_TEST(test_received_form_and_order)
{
	mach_port_name_t rcv, objname;
	struct ipc_port *wake, *obj, *rights[1];
	struct ipc_space *s;
	struct msg_port pm = {
	        .h = {.msgh_bits = MACH_MSGH_BITS_COMPLEX |
	                           MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND),
	              .msgh_size = sizeof(pm),
	              .msgh_id = 53},
	        .body = {1},
	        .port = {.type = MACH_MSG_PORT_DESCRIPTOR},
	        .data = 0xfeed};
	struct msg_simple m1 = simple(7, 1), m2 = simple(8, 2);
	uint8_t buf[256];
	struct msg_port got;
	struct msg_simple gs;
	uint32_t len, tr[2];
	int o1;

	ck_assert_int_eq(ipc_kobject_set_no_senders(IKOT_TEST, count_no_senders), 0);
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv), KERN_SUCCESS);
	wake = make_send(s, rcv);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, &o1, &obj), 0);
	rights[0] = ipc_port_make_send(obj);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m1, sizeof(m1), NULL, NULL, 0, 0), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &pm, sizeof(pm), ipc_port_make_send(obj), rights, 1, 0),
	                 MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m2, sizeof(m2), NULL, NULL, 0, 0), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(ipc_port_msgcount(wake), 3);

	/* First in, first out; the header as the receiver sees it, then the trailer. */
	ck_assert_int_eq(receive(s, rcv, sizeof(buf), 0, buf, &len), MACH_MSG_SUCCESS);
	ck_assert_uint_eq(len, sizeof(gs) + 8);
	memcpy(&gs, buf, sizeof(gs));
	ck_assert_int_eq(gs.h.msgh_id, 7);
	ck_assert_uint_eq(gs.h.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND));
	ck_assert_uint_eq(gs.h.msgh_local_port, rcv);
	ck_assert_uint_eq(gs.h.msgh_remote_port, MACH_PORT_NULL);
	ck_assert_uint_eq(gs.data, 1);
	memcpy(tr, buf + sizeof(gs), sizeof(tr));
	ck_assert_uint_eq(tr[0], 0);
	ck_assert_uint_eq(tr[1], 8);

	/* The reply right and the descriptor's right are one name in the space (one port). */
	ck_assert_int_eq(receive(s, rcv, sizeof(buf), 0, buf, &len), MACH_MSG_SUCCESS);
	memcpy(&got, buf, sizeof(got));
	ck_assert_int_eq(got.h.msgh_id, 53);
	ck_assert_uint_eq(got.h.msgh_bits, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND,
	                                                                           MACH_MSG_TYPE_PORT_SEND));
	ck_assert_uint_eq(got.h.msgh_size, sizeof(pm));
	objname = got.h.msgh_remote_port;
	ck_assert_uint_ne(objname, MACH_PORT_NULL);
	ck_assert_uint_eq(got.port.name, objname);
	ck_assert_uint_eq(got.port.disposition, MACH_MSG_TYPE_PORT_SEND);
	ck_assert_uint_eq(got.data, 0xfeed);
	mach_port_urefs_t refs;
	ck_assert_int_eq(ipc_space_get_refs(s, objname, MACH_PORT_RIGHT_SEND, &refs), KERN_SUCCESS);
	ck_assert_uint_eq(refs, 2);

	ck_assert_int_eq(receive(s, rcv, sizeof(buf), 0, buf, &len), MACH_MSG_SUCCESS);
	memcpy(&gs, buf, sizeof(gs));
	ck_assert_int_eq(gs.h.msgh_id, 8);
	ck_assert_int_eq(receive(s, rcv, sizeof(buf), MACH_RCV_TIMEOUT, buf, &len), MACH_RCV_TIMED_OUT);
	ck_assert_int_eq(receive(s, rcv, sizeof(buf), 0, buf, &len), MACH_RCV_TIMED_OUT); /* never waits */

	ns_calls = 0;
	ipc_space_destroy(s);
	ck_assert_int_eq(ns_calls, 1); /* the space's two references were the last rights */
	ipc_port_release_send(wake);
	ipc_port_dealloc_kernel(obj);
}
END_TEST

START_TEST(test_queue_limit_and_send_always)
{
	mach_port_name_t rcv;
	struct ipc_port *wake;
	struct ipc_space *s;
	struct msg_simple m = simple(1, 0);
	uint8_t buf[128];
	uint32_t len, i;

	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv), KERN_SUCCESS);
	wake = make_send(s, rcv);
	for (i = 0; i < MACH_PORT_QLIMIT_DEFAULT; i++)
		ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, 0),
		                 MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, 0), MACH_SEND_TIMED_OUT);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, MACH_SEND_TIMEOUT),
	                 MACH_SEND_TIMED_OUT);
	for (; i < IPC_MQUEUE_QLIMIT_KERNEL; i++)
		ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, MACH_SEND_ALWAYS),
		                 MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, MACH_SEND_ALWAYS),
	                 MACH_SEND_NO_BUFFER);
	ck_assert_uint_eq(ipc_port_msgcount(wake), IPC_MQUEUE_QLIMIT_KERNEL);
	/* One received makes room for one more, even at the kernel limit. */
	ck_assert_int_eq(receive(s, rcv, sizeof(buf), 0, buf, &len), MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, MACH_SEND_ALWAYS),
	                 MACH_MSG_SUCCESS);
	ipc_space_destroy(s); /* frees the 1024 messages */
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, MACH_SEND_ALWAYS),
	                 MACH_SEND_INVALID_DEST);
	ipc_port_release_send(wake);
}
END_TEST

START_TEST(test_receive_errors)
{
	mach_port_name_t rcv, other;
	struct ipc_port *wake, *kport;
	struct ipc_space *s;
	struct msg_simple m = simple(9, 0x1234);
	uint8_t buf[128];
	uint32_t len;

	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv), KERN_SUCCESS);
	wake = make_send(s, rcv);
	/* Names that hold no receive right. */
	ck_assert_int_eq(receive(s, MACH_PORT_NULL, sizeof(buf), 0, buf, &len), MACH_RCV_INVALID_NAME);
	ck_assert_int_eq(receive(s, 0x7f03, sizeof(buf), 0, buf, &len), MACH_RCV_INVALID_NAME);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &kport), 0);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(kport), &other), KERN_SUCCESS);
	ck_assert_int_eq(receive(s, other, sizeof(buf), 0, buf, &len), MACH_RCV_INVALID_NAME);
	/* The kernel receives on kernel ports: nothing is queued there. */
	ck_assert_int_eq(ipc_kmsg_send_to_port(kport, &m, sizeof(m), NULL, NULL, 0, 0),
	                 MACH_SEND_INVALID_DEST);

	/* Too small a buffer: with MACH_RCV_LARGE the message stays, without it the message is destroyed. */
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, 0), MACH_MSG_SUCCESS);
	ck_assert_int_eq(receive(s, rcv, sizeof(m), MACH_RCV_LARGE, buf, &len), MACH_RCV_TOO_LARGE);
	ck_assert_uint_eq(ipc_port_msgcount(wake), 1);
	ck_assert_int_eq(receive(s, rcv, sizeof(m) + 8, 0, buf, &len), MACH_MSG_SUCCESS); /* exactly fits */
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, 0), MACH_MSG_SUCCESS);
	ck_assert_int_eq(receive(s, rcv, sizeof(m), 0, buf, &len), MACH_RCV_TOO_LARGE);
	ck_assert_uint_eq(ipc_port_msgcount(wake), 0);

	ipc_space_destroy(s);
	ipc_port_release_send(wake);
	ipc_port_dealloc_kernel(kport);
}
END_TEST

START_TEST(test_malformed_kernel_messages_release_rights)
{
	mach_port_name_t rcv;
	struct ipc_port *wake, *obj, *r[2];
	struct ipc_space *s;
	uint8_t big[IPC_MQUEUE_MAX_MSG + 8];
	struct msg_port pm = {.h = {.msgh_bits = MACH_MSGH_BITS_COMPLEX, .msgh_size = sizeof(pm)},
	                      .body = {1},
	                      .port = {.type = MACH_MSG_PORT_DESCRIPTOR}};
	struct msg_simple m = simple(1, 0);
	mach_msg_ool_descriptor_t ool = {.type = MACH_MSG_OOL_DESCRIPTOR};

	ck_assert_int_eq(ipc_kobject_set_no_senders(IKOT_TEST, count_no_senders), 0);
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv), KERN_SUCCESS);
	wake = make_send(s, rcv);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &obj), 0);
	ns_calls = 0;
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	r[0] = ipc_port_make_send(obj);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, 20, r[0], NULL, 0, 0), MACH_SEND_MSG_TOO_SMALL);
	r[0] = ipc_port_make_send(obj);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m) + 2, NULL, r, 1, 0),
	                 MACH_SEND_MSG_TOO_SMALL);
	r[0] = ipc_port_make_send(obj);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, big, sizeof(big), r[0], NULL, 0, 0),
	                 MACH_SEND_TOO_LARGE);
	/* A right for each port descriptor, exactly. */
	r[0] = ipc_port_make_send(obj);
	r[1] = ipc_port_make_send(obj);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &pm, sizeof(pm), NULL, r, 2, 0),
	                 MACH_SEND_INVALID_RIGHT);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &pm, sizeof(pm), NULL, NULL, 0, 0),
	                 MACH_SEND_INVALID_RIGHT);
	/* Only port descriptors travel from the kernel. */
	memcpy(&pm.port, &ool, sizeof(pm.port));
	r[0] = ipc_port_make_send(obj);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &pm, sizeof(pm), NULL, r, 1, 0), MACH_SEND_INVALID_TYPE);
	ck_assert_int_eq(ipc_kmsg_send_to_port(NULL, &m, sizeof(m), NULL, NULL, 0, 0),
	                 MACH_SEND_INVALID_DEST);
	ck_assert_uint_eq(ipc_port_srights(obj), 0); /* every right given was released */
	ck_assert_uint_eq(ipc_port_msgcount(wake), 0);
	ipc_space_destroy(s);
	ipc_port_release_send(wake);
	ipc_port_dealloc_kernel(obj);
}
END_TEST

/* Queued messages holding rights go with their receive right: destroyed name, or the whole space. */
START_TEST(test_dead_receive_rights_free_their_queues)
{
	mach_port_name_t rcv, rcv2;
	struct ipc_port *wake, *wake2, *obj;
	struct ipc_space *s;
	struct msg_simple m = simple(3, 0);
	uint64_t base;

	ck_assert_int_eq(ipc_kobject_set_no_senders(IKOT_TEST, count_no_senders), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &obj), 0);
	base = kalloc_in_use();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv2), KERN_SUCCESS);
	wake = make_send(s, rcv);
	wake2 = make_send(s, rcv2);
	ns_calls = 0;
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(
		        ipc_kmsg_send_to_port(wake, &m, sizeof(m), ipc_port_make_send(obj), NULL, 0, 0),
		        MACH_MSG_SUCCESS);
		ck_assert_int_eq(
		        ipc_kmsg_send_to_port(wake2, &m, sizeof(m), ipc_port_make_send(obj), NULL, 0, 0),
		        MACH_MSG_SUCCESS);
	}
	ck_assert_uint_eq(ipc_port_srights(obj), 8);
	/* The receive right destroyed: its four messages and their rights go. */
	ck_assert_int_eq(ipc_space_destroy_name(s, rcv), KERN_SUCCESS);
	ck_assert_uint_eq(ipc_port_srights(obj), 4);
	ck_assert_uint_eq(ipc_port_msgcount(wake), 0);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), NULL, NULL, 0, 0),
	                 MACH_SEND_INVALID_DEST);
	ck_assert_int_eq(ns_calls, 0);
	/* The task dies: the other queue goes with its space, and the last right's no-senders runs. */
	ipc_space_destroy(s);
	ck_assert_uint_eq(ipc_port_srights(obj), 0);
	ck_assert_int_eq(ns_calls, 1);
	ipc_port_release_send(wake);
	ipc_port_release_send(wake2);
	ck_assert_uint_eq(kalloc_in_use(), base);
	ipc_port_dealloc_kernel(obj);
}
END_TEST

/* A receive right moved out with mod_refs -1 is destroyed the same way. */
START_TEST(test_mod_refs_on_receive_right_frees_queue)
{
	mach_port_name_t rcv;
	struct ipc_port *wake, *obj;
	struct ipc_space *s;
	struct msg_simple m = simple(4, 0);

	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &obj), 0);
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &rcv), KERN_SUCCESS);
	wake = make_send(s, rcv);
	ck_assert_int_eq(ipc_kmsg_send_to_port(wake, &m, sizeof(m), ipc_port_make_send(obj), NULL, 0, 0),
	                 MACH_MSG_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, rcv, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	ck_assert_uint_eq(ipc_port_srights(obj), 0);
	ipc_space_destroy(s);
	ipc_port_release_send(wake);
	ipc_port_dealloc_kernel(obj);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("mqueue");
	TCase *tc = ktest_tcase("mqueue");

	tcase_add_test(tc, test_received_form_and_order);
	tcase_add_test(tc, test_queue_limit_and_send_always);
	tcase_add_test(tc, test_receive_errors);
	tcase_add_test(tc, test_malformed_kernel_messages_release_rights);
	tcase_add_test(tc, test_dead_receive_rights_free_their_queues);
	tcase_add_test(tc, test_mod_refs_on_receive_right_frees_queue);
	suite_add_tcase(s, tc);
	return s;
}
