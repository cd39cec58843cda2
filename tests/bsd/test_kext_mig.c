/*
 * test_kext_mig.c — kext_request (host_priv subsystem, id 425) kernel-side:
 * the reply's layout (two out-of-line regions, counts, op_result), the
 * privilege that comes from the host_priv port only, host_self_trap giving
 * root tasks host_priv, host routines accepting host_priv, and MIG's
 * argument checks. (tests/iotools.sh runs the same path from real
 * processes and compares it with the request channel.)
 */
#include "tests/ktest.h"
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/kern/kern_request.h"
#include <mach/mig_errors.h>
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/ipc_kmsg.h"
#include "sdk/User/kexthost/mach_trap.h"
#include "sdk/User/kexthost/kext_request.h"

#define GET_LOADED_BSD                                                                           \
	"<plist version=\"1.0\"><dict><key>Kext Request Predicate</key><string>Get Loaded Kext " \
	"Info</string>"                                                                          \
	"<key>Kext Request Arguments</key><dict><key>CFBundleIdentifier</key><array>"            \
	"<string>com.apple.kpi.bsd</string></array></dict></dict></plist>"
#define UNLOAD_BSD                                                                              \
	"<plist version=\"1.0\"><dict><key>Kext Request Predicate</key><string>Unload</string>" \
	"<key>Kext Request Arguments</key><dict><key>CFBundleIdentifier</key>"                  \
	"<string>com.apple.kpi.bsd</string></dict></dict></plist>"

struct kr_request {
	mach_msg_header_t head;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t data;
	NDR_record_t ndr;
	uint32_t flags, count;
} __attribute__((packed, aligned(4)));

struct kr_reply {
	mach_msg_header_t head;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t response, log;
	NDR_record_t ndr;
	uint32_t response_count, log_count;
	int32_t op_result;
} __attribute__((packed, aligned(4)));

struct kr_result {
	mach_msg_return_t mr;
	kern_return_t kr; /* an error reply's RetCode, else KERN_SUCCESS */
	int32_t op_result;
	char *response, *log; /* NUL-terminated copies (kalloc'ed: kr_result_free) */
	uint32_t response_len, log_len;
};

static proc_t
attach(uid_t uid)
{
	proc_t p = NULL;

	ck_assert_int_eq(proc_attach(khost_getpid(), uid, 0, -1, &p), 0);
	return p;
}

static mach_port_name_t
give(proc_t p, struct ipc_port *port)
{
	mach_port_name_t name = 0;

	ck_assert_int_eq(ipc_space_copyout_send(p->p_task.t_space, ipc_port_make_send(port), &name),
	                 KERN_SUCCESS);
	return name;
}

static char *
kr_copy(const uint8_t *p, uint32_t n)
{
	char *s = kalloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Send kext_request with data (size bytes, count as given) to dest from p; parse the reply. */
static struct kr_result
kr_send(proc_t p, mach_port_name_t dest, const char *data, uint32_t size, uint32_t count)
{
	struct kr_request m = {0};
	struct ipc_kmsg_out out = {0};
	struct kr_result r = {0};
	mach_port_name_t reply;

	ck_assert_int_eq(ipc_space_allocate_receive(p->p_task.t_space, &reply), KERN_SUCCESS);
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
	                   MACH_MSGH_BITS_COMPLEX;
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = dest;
	m.head.msgh_local_port = reply;
	m.head.msgh_id = 425;
	m.body.msgh_descriptor_count = 1;
	m.data = (mach_msg_ool_descriptor_t){.address = (uint64_t)(uintptr_t)data,
	                                     .copy = MACH_MSG_VIRTUAL_COPY,
	                                     .type = MACH_MSG_OOL_DESCRIPTOR,
	                                     .size = size};
	m.ndr.int_rep = NDR_INT_LITTLE_ENDIAN;
	m.count = count;
	r.mr = ipc_kmsg_trap(p, p->p_task.t_space, &m, sizeof(m), MACH_SEND_MSG | MACH_RCV_MSG, 4096, reply,
	                     &out);
	if (r.mr == MACH_MSG_SUCCESS) {
		const mach_msg_header_t *h = (const mach_msg_header_t *)out.buf;

		ck_assert_int_eq(h->msgh_id, 525);
		if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
			struct kr_reply rep;

			ck_assert_uint_eq(h->msgh_size, sizeof(rep));
			memcpy(&rep, out.buf, sizeof(rep));
			ck_assert_uint_eq(rep.body.msgh_descriptor_count, 2);
			ck_assert_uint_eq(rep.response.size, rep.response_count);
			ck_assert_uint_eq(rep.log.size, rep.log_count);
			ck_assert_uint_eq(out.len, out.msg_len + rep.response_count + rep.log_count);
			r.op_result = rep.op_result;
			r.response_len = rep.response_count;
			r.log_len = rep.log_count;
			r.response = kr_copy(out.buf + out.msg_len, rep.response_count);
			r.log = kr_copy(out.buf + out.msg_len + rep.response_count, rep.log_count);
		} else {
			mig_reply_error_t e;

			memcpy(&e, out.buf, sizeof(e));
			r.kr = e.RetCode;
			ck_assert_int_ne(r.kr, KERN_SUCCESS); /* success always carries the regions */
		}
	}
	ipc_kmsg_out_free(&out);
	(void)ipc_space_destroy_name(p->p_task.t_space, reply);
	return r;
}

static void
kr_result_free(struct kr_result *r)
{
	if (r->response != NULL)
		kfree(r->response, r->response_len + 1);
	if (r->log != NULL)
		kfree(r->log, r->log_len + 1);
}

START_TEST(test_reply_layout)
{
	proc_t p = attach(501);
	struct kr_result r = kr_send(p, give(p, ipc_host_port()), GET_LOADED_BSD, sizeof(GET_LOADED_BSD),
	                             sizeof(GET_LOADED_BSD));

	ck_assert_int_eq(r.mr, MACH_MSG_SUCCESS);
	ck_assert_int_eq(r.kr, KERN_SUCCESS);
	ck_assert_int_eq(r.op_result, kOSReturnSuccess);
	/* The response is an XML plist with its NUL; listing needs no privilege. */
	ck_assert_uint_gt(r.response_len, 1);
	ck_assert_int_eq(r.response[r.response_len - 1], '\0');
	ck_assert_ptr_nonnull(strstr(r.response, "<key>com.apple.kpi.bsd</key>"));
	ck_assert_ptr_null(strstr(r.response, "com.apple.kpi.mach"));
	kr_result_free(&r);
	proc_exit(p);
}
END_TEST

START_TEST(test_privilege_is_the_port)
{
	proc_t p = attach(501);
	struct kr_result plain, priv;

	plain = kr_send(p, give(p, ipc_host_port()), UNLOAD_BSD, sizeof(UNLOAD_BSD), sizeof(UNLOAD_BSD));
	ck_assert_int_eq(plain.mr, MACH_MSG_SUCCESS);
	ck_assert_int_eq(plain.op_result, kOSKextReturnNotPrivileged);
	ck_assert_ptr_nonnull(strstr(plain.response, "Access Failure - must be root user."));
	/* The same request on host_priv runs as root: refused for another reason (a KPI never unloads). */
	priv = kr_send(p, give(p, ipc_host_priv_port()), UNLOAD_BSD, sizeof(UNLOAD_BSD), sizeof(UNLOAD_BSD));
	ck_assert_int_eq(priv.mr, MACH_MSG_SUCCESS);
	ck_assert_int_ne(priv.op_result, kOSKextReturnNotPrivileged);
	ck_assert_int_ne(priv.op_result, kOSReturnSuccess);
	ck_assert_ptr_null(strstr(priv.response, "must be root user"));
	kr_result_free(&plain);
	kr_result_free(&priv);
	proc_exit(p);
}
END_TEST

START_TEST(test_root_uid_without_host_priv_is_unprivileged)
{
	proc_t p = attach(0);
	struct kr_result r =
	        kr_send(p, give(p, ipc_host_port()), UNLOAD_BSD, sizeof(UNLOAD_BSD), sizeof(UNLOAD_BSD));

	ck_assert_int_eq(r.op_result, kOSKextReturnNotPrivileged);
	kr_result_free(&r);
	proc_exit(p);
}
END_TEST

/* host_self_trap's port for a process of uid: its kernel-object type. */
static uint32_t
host_self_kotype(uid_t uid)
{
	proc_t p = attach(uid);
	struct khmt_request rq = {.trap = KH_MACH_host_self};
	struct khmt_reply rp;
	struct kreq_peer peer = {.pid = p->p_pid, .uid = uid, .proc = p};
	struct kreq_buf reply = {0};
	struct ipc_port *port = NULL;
	uint32_t kotype;

	ck_assert_int_eq(mach_trap_request_handle(&peer, &rq, sizeof(rq), &reply), 0);
	ck_assert_uint_ge(reply.len, sizeof(rp));
	memcpy(&rp, reply.data, sizeof(rp));
	kreq_buf_free(&reply);
	ck_assert_int_eq(ipc_space_lookup(p->p_task.t_space, (mach_port_name_t)rp.retval, &port),
	                 KERN_SUCCESS);
	kotype = ipc_port_kotype(port);
	ipc_port_release(port);
	proc_exit(p);
	return kotype;
}

START_TEST(test_host_self_is_host_priv_for_root)
{
	ck_assert_uint_eq(host_self_kotype(0), IKOT_HOST_PRIV);
	ck_assert_uint_eq(host_self_kotype(501), IKOT_HOST);
}
END_TEST

START_TEST(test_host_routines_take_host_priv)
{
	proc_t p = attach(0);
	struct {
		mach_msg_header_t head;
		NDR_record_t ndr;
	} m = {0};
	struct ipc_kmsg_out out = {0};
	mach_port_name_t reply;
	mig_reply_error_t rep;

	ck_assert_int_eq(ipc_space_allocate_receive(p->p_task.t_space, &reply), KERN_SUCCESS);
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = give(p, ipc_host_priv_port());
	m.head.msgh_local_port = reply;
	m.head.msgh_id = 202; /* host_page_size */
	ck_assert_int_eq(ipc_kmsg_trap(p, p->p_task.t_space, &m, sizeof(m), MACH_SEND_MSG | MACH_RCV_MSG,
	                               4096, reply, &out),
	                 MACH_MSG_SUCCESS);
	memcpy(&rep, out.buf, sizeof(rep));
	ck_assert_int_eq(rep.RetCode, KERN_SUCCESS);
	ipc_kmsg_out_free(&out);
	proc_exit(p);
}
END_TEST

START_TEST(test_argument_checks)
{
	proc_t p = attach(501);
	mach_port_name_t host = give(p, ipc_host_port());
	struct kr_result r;

	/* MIG's count check, XNU's "no data", a destination that isn't a host port, garbage. */
	r = kr_send(p, host, GET_LOADED_BSD, sizeof(GET_LOADED_BSD), sizeof(GET_LOADED_BSD) + 1);
	ck_assert_int_eq(r.kr, MIG_TYPE_ERROR);
	r = kr_send(p, host, NULL, 0, 0);
	ck_assert_int_eq(r.kr, KERN_FAILURE);
	r = kr_send(p, give(p, p->p_task.t_self), GET_LOADED_BSD, sizeof(GET_LOADED_BSD),
	            sizeof(GET_LOADED_BSD));
	ck_assert_int_eq(r.kr, MIG_BAD_ARGUMENTS);
	r = kr_send(p, host, "<dict>", 7, 7);
	ck_assert_int_eq(r.kr, KERN_SUCCESS);
	ck_assert_int_eq(r.op_result, kOSKextReturnSerialization);
	ck_assert_uint_eq(r.response_len, 0);
	ck_assert_ptr_nonnull(strstr(r.log, "can't parse the request")); /* the log lines, as an XML array */
	ck_assert_ptr_nonnull(strstr(r.log, "<array>"));
	kr_result_free(&r);
	proc_exit(p);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kext_mig");
	TCase *tc = ktest_tcase("kext_request");

	tcase_add_test(tc, test_reply_layout);
	tcase_add_test(tc, test_privilege_is_the_port);
	tcase_add_test(tc, test_root_uid_without_host_priv_is_unprivileged);
	tcase_add_test(tc, test_host_self_is_host_priv_for_root);
	tcase_add_test(tc, test_host_routines_take_host_priv);
	tcase_add_test(tc, test_argument_checks);
	suite_add_tcase(s, tc);
	return s;
}
