/*
 * test_ipc.c — Mach ports and port spaces inside the kernel: send rights
 * merged under one name, user-reference limits, generations of reused
 * names, the no-senders call when the last send right anywhere goes
 * (rights in spaces and rights the kernel holds), dead names after a
 * kernel object goes away, rights moved in and out of a space, a space
 * destroyed with rights in it, and the kernel allocator back to its
 * baseline after all of it.
 */
#include "tests/ktest.h"
#include <kern/kalloc.h>
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/mig.h"
#include "osfmk/kern/zalloc_internal.h"

static void
sum_in_use(const struct zone_info *zi, void *ctx)
{
	*(uint64_t *)ctx += zi->zi_elems_in_use;
}

/* Elements in use across every zone (kalloc's size classes included). */
static uint64_t
kalloc_bytes_in_use(void)
{
	uint64_t n = 0;
	zone_info_iterate(sum_in_use, &n);
	return n;
}

#define IKOT_TEST 40

static int ns_calls;
static uint32_t ns_mscount;
static struct ipc_port *ns_port;

static void
test_no_senders(struct ipc_port *port, uint32_t mscount)
{
	ns_calls++;
	ns_mscount = mscount;
	ns_port = port;
}

static void
setup_ns(void)
{
	ns_calls = 0;
	ns_port = NULL;
	ck_assert_int_eq(ipc_kobject_set_no_senders(IKOT_TEST, test_no_senders), 0);
}

START_TEST(test_send_rights_merge_under_one_name)
{
	struct ipc_space *s;
	struct ipc_port *p;
	mach_port_name_t a, b;
	mach_port_urefs_t refs;
	mach_port_type_t type;
	int obj;

	setup_ns();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, &obj, &p), 0);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &b), KERN_SUCCESS);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_eq(ipc_port_srights(p), 1); /* one name = one send right */
	ck_assert_int_eq(ipc_space_get_refs(s, a, MACH_PORT_RIGHT_SEND, &refs), KERN_SUCCESS);
	ck_assert_uint_eq(refs, 2);
	ck_assert_int_eq(ipc_space_type(s, a, &type), KERN_SUCCESS);
	ck_assert_uint_eq(type, MACH_PORT_TYPE_SEND);
	ck_assert_ptr_eq(ipc_port_kobject(p, IKOT_TEST), &obj);
	ck_assert_ptr_null(ipc_port_kobject(p, IKOT_TASK));
	ck_assert_int_eq(ipc_space_deallocate(s, a), KERN_SUCCESS);
	ck_assert_int_eq(ns_calls, 0);
	ck_assert_int_eq(ipc_space_deallocate(s, a), KERN_SUCCESS);
	ck_assert_int_eq(ns_calls, 1); /* the last send right went */
	ck_assert_ptr_eq(ns_port, p);
	ck_assert_uint_eq(ns_mscount, 2);
	ck_assert_int_eq(ipc_space_type(s, a, &type), KERN_INVALID_NAME);
	ipc_port_dealloc_kernel(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_kernel_held_rights_count_for_no_senders)
{
	struct ipc_space *s;
	struct ipc_port *p, *k;
	mach_port_name_t a;

	setup_ns();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p), 0);
	k = ipc_port_make_send(p); /* the kernel keeps one */
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_deallocate(s, a), KERN_SUCCESS);
	ck_assert_int_eq(ns_calls, 0);
	ipc_port_release_send(k);
	ck_assert_int_eq(ns_calls, 1);
	ipc_port_dealloc_kernel(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_names_get_new_generations)
{
	struct ipc_space *s;
	struct ipc_port *p;
	mach_port_name_t a, b;
	mach_port_type_t type;

	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p), 0);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_uint_eq(a, 0x103); /* the first name of a space, as on XNU */
	ck_assert_int_eq(ipc_space_deallocate(s, a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &b), KERN_SUCCESS);
	ck_assert_uint_eq(MACH_PORT_INDEX(b), MACH_PORT_INDEX(a));
	ck_assert_uint_ne(b, a);
	ck_assert_int_eq(ipc_space_type(s, a, &type), KERN_INVALID_NAME);
	ck_assert_int_eq(ipc_space_type(s, b, &type), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_type(s, MACH_PORT_NULL, &type), KERN_INVALID_NAME);
	ck_assert_int_eq(ipc_space_type(s, 0xffff03, &type), KERN_INVALID_NAME);
	ipc_port_dealloc_kernel(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_user_reference_limits)
{
	struct ipc_space *s;
	struct ipc_port *p;
	mach_port_name_t a, b;

	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p), 0);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, a, MACH_PORT_RIGHT_SEND, MACH_PORT_UREFS_MAX - 1),
	                 KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, a, MACH_PORT_RIGHT_SEND, 1), KERN_UREFS_OVERFLOW);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &b), KERN_UREFS_OVERFLOW);
	ck_assert_uint_eq(b, MACH_PORT_NULL);
	ck_assert_uint_eq(ipc_port_srights(p), 1); /* the refused right was released */
	ck_assert_int_eq(ipc_space_mod_refs(s, a, MACH_PORT_RIGHT_RECEIVE, -1), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ipc_space_mod_refs(s, a, 99, -1), KERN_INVALID_VALUE);
	ck_assert_int_eq(ipc_space_mod_refs(s, a, MACH_PORT_RIGHT_SEND, -(int)MACH_PORT_UREFS_MAX),
	                 KERN_SUCCESS);
	ck_assert_uint_eq(ipc_space_count(s), 0);
	ipc_port_dealloc_kernel(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_dead_port_leaves_a_dead_name)
{
	struct ipc_space *s;
	struct ipc_port *p, *q;
	mach_port_name_t a;
	mach_port_type_t type;
	mach_port_urefs_t refs;

	setup_ns();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p), 0);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_mod_refs(s, a, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);
	ipc_port_dealloc_kernel(p); /* the object is gone; the space still names the port */
	ck_assert_int_eq(ipc_space_type(s, a, &type), KERN_SUCCESS);
	ck_assert_uint_eq(type, MACH_PORT_TYPE_DEAD_NAME);
	ck_assert_int_eq(ipc_space_get_refs(s, a, MACH_PORT_RIGHT_DEAD_NAME, &refs), KERN_SUCCESS);
	ck_assert_uint_eq(refs, 3); /* the user references carry over */
	ck_assert_int_eq(ipc_space_lookup(s, a, &q), KERN_INVALID_RIGHT);
	ck_assert_int_eq(ns_calls, 0); /* no no-senders call for a dead port */
	ck_assert_int_eq(ipc_space_mod_refs(s, a, MACH_PORT_RIGHT_DEAD_NAME, -3), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_type(s, a, &type), KERN_INVALID_NAME);
	ipc_space_destroy(s);
}
END_TEST

/* The generation moves whenever a name loses a right, never when one gains a right. */
START_TEST(test_generation_moves_when_a_right_goes)
{
	struct ipc_space *s;
	struct ipc_port *p, *q, *r;
	mach_port_name_t a, b;
	uint32_t g;

	setup_ns();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &q), 0);
	g = ipc_space_generation(s);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(q), &b), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_lookup(s, a, &r), KERN_SUCCESS);
	ipc_port_release(r);
	ck_assert_uint_eq(ipc_space_generation(s), g);              /* gains and lookups: unchanged */
	ck_assert_int_eq(ipc_space_deallocate(s, a), KERN_SUCCESS); /* one of two references */
	ck_assert_uint_eq(ipc_space_generation(s), g);
	ck_assert_int_eq(ipc_space_deallocate(s, a), KERN_SUCCESS); /* the name goes */
	ck_assert_uint_ne(ipc_space_generation(s), g);
	g = ipc_space_generation(s);
	ipc_port_dealloc_kernel(q);
	ck_assert_int_eq(ipc_space_lookup(s, b, &r), KERN_INVALID_RIGHT); /* a dead name now */
	ck_assert_uint_ne(ipc_space_generation(s), g);
	ipc_port_dealloc_kernel(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_copyin_moves_and_copies)
{
	struct ipc_space *s;
	struct ipc_port *p, *r1, *r2;
	mach_port_name_t a;
	mach_port_urefs_t refs;

	setup_ns();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p), 0);
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_copyin_send(s, a, false, &r1), KERN_SUCCESS);
	ck_assert_ptr_eq(r1, p);
	ck_assert_uint_eq(ipc_port_srights(p), 2);
	ck_assert_int_eq(ipc_space_get_refs(s, a, MACH_PORT_RIGHT_SEND, &refs), KERN_SUCCESS);
	ck_assert_uint_eq(refs, 1);
	ck_assert_int_eq(ipc_space_copyin_send(s, a, true, &r2), KERN_SUCCESS); /* the last reference moves */
	ck_assert_uint_eq(ipc_space_count(s), 0);
	ck_assert_uint_eq(ipc_port_srights(p), 2);
	ipc_port_release_send(r1);
	ck_assert_int_eq(ns_calls, 0);
	ipc_port_release_send(r2);
	ck_assert_int_eq(ns_calls, 1);
	ipc_port_dealloc_kernel(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_receive_rights_and_make_send)
{
	struct ipc_space *s;
	struct ipc_port *p;
	mach_port_name_t r, a;
	mach_port_type_t type;

	ck_assert_int_eq(ipc_space_create(&s), 0);
	ck_assert_int_eq(ipc_space_allocate_receive(s, &r), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_lookup(s, r, &p), KERN_SUCCESS);
	/* A send right to a port the space receives on shares the receive right's name. */
	ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p), &a), KERN_SUCCESS);
	ck_assert_uint_eq(a, r);
	ck_assert_int_eq(ipc_space_type(s, r, &type), KERN_SUCCESS);
	ck_assert_uint_eq(type, MACH_PORT_TYPE_SEND_RECEIVE);
	ck_assert_int_eq(ipc_space_deallocate(s, r), KERN_SUCCESS);
	ck_assert_int_eq(ipc_space_type(s, r, &type), KERN_SUCCESS);
	ck_assert_uint_eq(type, MACH_PORT_TYPE_RECEIVE);
	ck_assert(ipc_port_active(p));
	ck_assert_int_eq(ipc_space_mod_refs(s, r, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	ck_assert(!ipc_port_active(p)); /* no receiver: the port died */
	ipc_port_release(p);
	ipc_space_destroy(s);
}
END_TEST

START_TEST(test_space_destroy_drops_every_right)
{
	struct ipc_space *s;
	struct ipc_port *p[50];
	mach_port_name_t n;
	size_t before = kalloc_bytes_in_use();

	setup_ns();
	ck_assert_int_eq(ipc_space_create(&s), 0);
	for (int i = 0; i < 50; i++) {
		ck_assert_int_eq(ipc_port_alloc_kernel(IKOT_TEST, NULL, &p[i]), 0);
		ck_assert_int_eq(ipc_space_copyout_send(s, ipc_port_make_send(p[i]), &n), KERN_SUCCESS);
	}
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(ipc_space_allocate_receive(s, &n), KERN_SUCCESS); /* the table grows */
	ck_assert_uint_eq(ipc_space_count(s), 250);
	ipc_space_destroy(s);
	ck_assert_int_eq(ns_calls, 50);
	for (int i = 0; i < 50; i++)
		ipc_port_dealloc_kernel(p[i]);
	ck_assert_uint_eq(kalloc_bytes_in_use(), before);
}
END_TEST

START_TEST(test_kernel_subsystems_registered)
{
	ck_assert_ptr_nonnull(mig_lookup(201));  /* host_kernel_version */
	ck_assert_ptr_nonnull(mig_lookup(3206)); /* mach_port_deallocate */
	ck_assert_ptr_null(mig_lookup(203));     /* a skipped id */
	ck_assert_ptr_null(mig_lookup(99999));
	ck_assert_int_eq(ipc_port_kotype(ipc_host_port()), IKOT_HOST);
	ck_assert_int_eq(ipc_port_kotype(ipc_master_device_port()), IKOT_MASTER_DEVICE);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc = ktest_tcase("ipc");

	tcase_add_test(tc, test_send_rights_merge_under_one_name);
	tcase_add_test(tc, test_kernel_held_rights_count_for_no_senders);
	tcase_add_test(tc, test_names_get_new_generations);
	tcase_add_test(tc, test_user_reference_limits);
	tcase_add_test(tc, test_dead_port_leaves_a_dead_name);
	tcase_add_test(tc, test_copyin_moves_and_copies);
	tcase_add_test(tc, test_generation_moves_when_a_right_goes);
	tcase_add_test(tc, test_receive_rights_and_make_send);
	tcase_add_test(tc, test_space_destroy_drops_every_right);
	tcase_add_test(tc, test_kernel_subsystems_registered);
	suite_add_tcase(s, tc);
	return s;
}
