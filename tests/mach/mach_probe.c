/*
 * mach_probe — the Mach trap path from a real user process, for
 * tests/mach.sh: task and host ports, port names and their rights (user
 * references, reuse of a name for the same port, generations of reused
 * slots, dead names), MIG routines with simple, complex and out-of-line
 * replies, and every error a bad message must get instead of a crash.
 * Prints "ok <case>" when every check of the case passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kexthost/kh_mach.h>
#include <kexthost/kh_sysctl.h>

static int failures;

#define EXPECT(what, got, want)                                                       \
	do {                                                                          \
		long long g_ = (long long)(got), w_ = (long long)(want);              \
		if (g_ != w_) {                                                       \
			printf("FAIL %s: got %#llx, expected %#llx\n", what, g_, w_); \
			failures++;                                                   \
		}                                                                     \
	} while (0)

static void
case_ports(void)
{
	mach_port_t task = kh_mach_task_self(), host = kh_mach_host_self(), host2, master, rp, rp2;
	mach_port_urefs_t refs = 0;
	mach_port_type_t type = 0;

	EXPECT("task self valid", MACH_PORT_VALID(task), 1);
	EXPECT("task self stable", kh_mach_task_self(), task);
	EXPECT("host self valid", MACH_PORT_VALID(host), 1);
	/* A second send right to the same port: the same name, one more user reference. */
	host2 = kh_mach_host_self();
	EXPECT("same name for the same port", host2, host);
	EXPECT("get_refs", kh_mach_port_get_refs(task, host, MACH_PORT_RIGHT_SEND, &refs), KERN_SUCCESS);
	EXPECT("two user refs", refs, 2);
	EXPECT("type of host", kh_mach_port_type(task, host, &type), KERN_SUCCESS);
	EXPECT("host is a send right", type, MACH_PORT_TYPE_SEND);
	EXPECT("deallocate one", kh_mach_port_deallocate(task, host), KERN_SUCCESS);
	EXPECT("get_refs after", kh_mach_port_get_refs(task, host, MACH_PORT_RIGHT_SEND, &refs),
	       KERN_SUCCESS);
	EXPECT("one user ref", refs, 1);
	EXPECT("mod_refs +3", kh_mach_port_mod_refs(task, host, MACH_PORT_RIGHT_SEND, 3), KERN_SUCCESS);
	EXPECT("mod_refs below zero", kh_mach_port_mod_refs(task, host, MACH_PORT_RIGHT_SEND, -5),
	       KERN_INVALID_VALUE);
	EXPECT("mod_refs -4", kh_mach_port_mod_refs(task, host, MACH_PORT_RIGHT_SEND, -4), KERN_SUCCESS);
	/* The name is gone now. */
	EXPECT("type of a freed name", kh_mach_port_type(task, host, &type), KERN_INVALID_NAME);
	EXPECT("deallocate a freed name", kh_mach_port_deallocate(task, host), KERN_INVALID_NAME);
	/* The slot is reused under another generation. */
	host2 = kh_mach_host_self();
	EXPECT("reused slot, new name", host2 != host && MACH_PORT_INDEX(host2) == MACH_PORT_INDEX(host), 1);
	EXPECT("old name stays invalid", kh_mach_port_type(task, host, &type), KERN_INVALID_NAME);

	/* Receive rights: the reply port and an allocated port. */
	rp = kh_mach_reply_port();
	EXPECT("reply port", MACH_PORT_VALID(rp), 1);
	EXPECT("type of reply port", kh_mach_port_type(task, rp, &type), KERN_SUCCESS);
	EXPECT("reply port receives", type, MACH_PORT_TYPE_RECEIVE);
	EXPECT("deallocate a receive right", kh_mach_port_deallocate(task, rp), KERN_INVALID_RIGHT);
	EXPECT("allocate", kh_mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &rp2), KERN_SUCCESS);
	EXPECT("allocate port set", kh_mach_port_allocate(task, MACH_PORT_RIGHT_PORT_SET, &rp2),
	       KERN_INVALID_VALUE);
	EXPECT("destroy", kh_mach_port_destroy(task, rp), KERN_SUCCESS);
	EXPECT("destroyed name", kh_mach_port_type(task, rp, &type), KERN_INVALID_NAME);
	/* A task port that isn't ours / isn't a task. */
	EXPECT("trap on a non-task", kh_mach_port_deallocate(host2, host2), KERN_INVALID_TASK);
	EXPECT("MIG on a non-task", kh_mach_port_type(host2, host2, &type), MIG_BAD_ARGUMENTS);

	/* The I/O Kit master port: a send right from a complex reply. */
	EXPECT("host_get_io_master", kh_host_get_io_master(host2, &master), KERN_SUCCESS);
	EXPECT("master valid", MACH_PORT_VALID(master), 1);
	EXPECT("type of master", kh_mach_port_type(task, master, &type), KERN_SUCCESS);
	EXPECT("master is a send right", type, MACH_PORT_TYPE_SEND);
	if (!failures)
		printf("ok ports\n");
}

static void
case_host(void)
{
	mach_port_t host = kh_mach_host_self();
	kernel_version_t v;
	char sys[512];
	size_t len = sizeof(sys);
	integer_t info[32];
	mach_msg_type_number_t count = 12;
	uint64_t page = 0;

	EXPECT("host_kernel_version", kh_host_kernel_version(host, v), KERN_SUCCESS);
	EXPECT("kern.version", kh_sysctlbyname("kern.version", sys, &len, NULL, 0), 0);
	EXPECT("the same version string", strcmp(v, sys), 0);
	EXPECT("host_info", kh_host_info(host, HOST_BASIC_INFO, info, &count), KERN_SUCCESS);
	EXPECT("host_info count", count, 12);
	EXPECT("host_info cpus", info[0] >= 1, 1);
	EXPECT("host_info cpu type x86_64", info[3], 0x01000007);
	EXPECT("host_info bad flavor", kh_host_info(host, 99, info, &count), KERN_INVALID_ARGUMENT);
	EXPECT("host_page_size", kh_host_page_size(host, &page), KERN_SUCCESS);
	EXPECT("page size", page, 4096);
	if (!failures)
		printf("ok host %s\n", v);
}

static void
case_names(void)
{
	mach_port_t task = kh_mach_task_self(), host = kh_mach_host_self(), rp = kh_mach_reply_port();
	mach_port_name_array_t names = NULL;
	mach_port_type_array_t types = NULL;
	mach_msg_type_number_t n = 0, nt = 0;
	int seen = 0;

	EXPECT("mach_port_names", kh_mach_port_names(task, &names, &n, &types, &nt), KERN_SUCCESS);
	EXPECT("counts agree", n, nt);
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		if (names[i] == task && types[i] == MACH_PORT_TYPE_SEND)
			seen |= 1;
		if (names[i] == host && types[i] == MACH_PORT_TYPE_SEND)
			seen |= 2;
		if (names[i] == rp && types[i] == MACH_PORT_TYPE_RECEIVE)
			seen |= 4;
	}
	EXPECT("task, host and reply port listed", seen, 7);
	EXPECT("vm_deallocate names", kh_vm_deallocate(task, (uint64_t)(uintptr_t)names, n * sizeof(*names)),
	       KERN_SUCCESS);
	EXPECT("vm_deallocate types", kh_vm_deallocate(task, (uint64_t)(uintptr_t)types, nt * sizeof(*types)),
	       KERN_SUCCESS);
	if (!failures)
		printf("ok names %u\n", n);
}

/* Messages the kernel must refuse with the right mach_msg error, never crash on. */
static void
case_errors(void)
{
	mach_port_t task = kh_mach_task_self(), host = kh_mach_host_self(), rp = kh_mig_get_reply_port();
	struct {
		mach_msg_header_t h;
		NDR_record_t ndr;
		uint32_t args[4];
		uint8_t room[256];
	} m;
	struct {
		mach_msg_header_t h;
		mach_msg_body_t body;
		mach_msg_ool_descriptor_t ool;
		NDR_record_t ndr;
	} c;
	mach_port_t other = kh_mach_reply_port();

#define HDR(dest, id, size)                                                                            \
	do {                                                                                           \
		memset(&m, 0, sizeof(m));                                                              \
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE); \
		m.h.msgh_remote_port = (dest);                                                         \
		m.h.msgh_local_port = rp;                                                              \
		m.h.msgh_id = (id);                                                                    \
		m.h.msgh_size = (size);                                                                \
		m.ndr.int_rep = 1;                                                                     \
	} while (0)
#define CALL(size) kh_mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, (size), sizeof(m), rp, 0, 0)

	HDR(0x12345603, 201, 32);
	EXPECT("invalid destination", CALL(32), MACH_SEND_INVALID_DEST);
	HDR(MACH_PORT_NULL, 201, 32);
	EXPECT("null destination", CALL(32), MACH_SEND_INVALID_DEST);
	HDR(other, 201, 32);
	EXPECT("destination is a task's receive right", CALL(32), MACH_SEND_INVALID_DEST);
	HDR(host, 201, 32);
	EXPECT("too small", kh_mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, 20, sizeof(m), rp, 0, 0),
	       MACH_SEND_MSG_TOO_SMALL);
	HDR(host, 201, 32);
	m.h.msgh_local_port = other;
	EXPECT("reply port differs from the receive name", CALL(32), MACH_SEND_INVALID_REPLY);
	HDR(host, 201, 32);
	m.h.msgh_local_port = host;
	EXPECT("reply port is not a receive right",
	       kh_mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, 32, sizeof(m), host, 0, 0),
	       MACH_RCV_INVALID_NAME);
	HDR(host, 201, 32);
	m.h.msgh_bits = MACH_MSGH_BITS(3, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	EXPECT("bad remote disposition", CALL(32), MACH_SEND_INVALID_HEADER);
	/* Well-formed messages MIG refuses: a reply with RetCode. */
	HDR(host, 299, 32);
	EXPECT("unknown id", CALL(32), MACH_MSG_SUCCESS);
	EXPECT("reply id", m.h.msgh_id, 399);
	EXPECT("MIG_BAD_ID", ((mig_reply_error_t *)&m.h)->RetCode, MIG_BAD_ID);
	HDR(host, 201, 40);
	EXPECT("wrong argument size", CALL(40), MACH_MSG_SUCCESS);
	EXPECT("MIG_BAD_ARGUMENTS", ((mig_reply_error_t *)&m.h)->RetCode, MIG_BAD_ARGUMENTS);
	HDR(host, 201, 24);
	EXPECT("no NDR", CALL(24), MACH_MSG_SUCCESS);
	EXPECT("MIG_BAD_ARGUMENTS without NDR", ((mig_reply_error_t *)&m.h)->RetCode, MIG_BAD_ARGUMENTS);
	HDR(task, 201, 32);
	EXPECT("host routine on a task port", CALL(32), MACH_MSG_SUCCESS);
	EXPECT("MIG_BAD_ARGUMENTS for the wrong object", ((mig_reply_error_t *)&m.h)->RetCode,
	       MIG_BAD_ARGUMENTS);
	/* A receive buffer too small for the reply. */
	HDR(host, 201, 32);
	EXPECT("receive too large", kh_mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, 32, 40, rp, 0, 0),
	       MACH_RCV_TOO_LARGE);
	/* Receive without send: nothing is ever queued for a task here. */
	EXPECT("receive only", kh_mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), rp, 10, 0),
	       MACH_RCV_TIMED_OUT);
	EXPECT("receive on a bad name", kh_mach_msg(&m.h, MACH_RCV_MSG, 0, sizeof(m), 0x7703, 0, 0),
	       MACH_RCV_INVALID_NAME);
	/* Out-of-line memory at a bad address: the sender's error. */
	memset(&c, 0, sizeof(c));
	c.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
	                MACH_MSGH_BITS_COMPLEX;
	c.h.msgh_remote_port = host;
	c.h.msgh_local_port = rp;
	c.h.msgh_id = 201;
	c.body.msgh_descriptor_count = 1;
	c.ool.address = 16;
	c.ool.size = 4096;
	c.ool.type = MACH_MSG_OOL_DESCRIPTOR;
	c.ndr.int_rep = 1;
	EXPECT("ool at a bad address",
	       kh_mach_msg(&c.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(c), sizeof(m), rp, 0, 0),
	       MACH_SEND_INVALID_MEMORY);
	c.ool.type = 9;
	EXPECT("bad descriptor type",
	       kh_mach_msg(&c.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(c), sizeof(m), rp, 0, 0),
	       MACH_SEND_INVALID_TYPE);
	c.body.msgh_descriptor_count = 1000;
	EXPECT("too many descriptors",
	       kh_mach_msg(&c.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(c), sizeof(m), rp, 0, 0),
	       MACH_SEND_TOO_LARGE);
	c.body.msgh_descriptor_count = 3;
	c.ool.type = MACH_MSG_OOL_DESCRIPTOR;
	c.ool.size = 0;
	EXPECT("descriptors past the end",
	       kh_mach_msg(&c.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(c), sizeof(m), rp, 0, 0),
	       MACH_SEND_MSG_TOO_SMALL);
	/* The kernel still answers. */
	kernel_version_t v;
	EXPECT("still alive", kh_host_kernel_version(host, v), KERN_SUCCESS);
	if (!failures)
		printf("ok errors\n");
}

/* Many names: the table grows, names stay distinct, every one is freed. */
static void
case_many(void)
{
	mach_port_t task = kh_mach_task_self();
	enum { N = 3000 };
	static mach_port_name_t n[N];
	mach_port_type_t type;

	for (int i = 0; i < N; i++)
		EXPECT("allocate many", kh_mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &n[i]),
		       KERN_SUCCESS);
	for (int i = 1; i < N; i++)
		if (n[i] == n[i - 1])
			EXPECT("distinct names", n[i], 0);
	for (int i = 0; i < N; i++)
		EXPECT("mod_refs receive -1", kh_mach_port_mod_refs(task, n[i], MACH_PORT_RIGHT_RECEIVE, -1),
		       KERN_SUCCESS);
	EXPECT("first gone", kh_mach_port_type(task, n[0], &type), KERN_INVALID_NAME);
	if (!failures)
		printf("ok many\n");
}

/* A reply bigger than the shared ring (20,000 names: 160 KB of arrays) comes whole, once. */
static void
case_bigreply(void)
{
	mach_port_t task = kh_mach_task_self();
	enum { N = 20000 };
	mach_port_name_array_t names = NULL;
	mach_port_type_array_t types = NULL;
	mach_msg_type_number_t n = 0, nt = 0;
	mach_port_name_t name, last = 0;
	int seen = 0;

	for (int i = 0; i < N; i++) {
		EXPECT("allocate", kh_mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &name), KERN_SUCCESS);
		last = name;
	}
	EXPECT("mach_port_names", kh_mach_port_names(task, &names, &n, &types, &nt), KERN_SUCCESS);
	EXPECT("all names", n >= N, 1);
	for (mach_msg_type_number_t i = 0; i < n; i++)
		seen += names[i] == last && types[i] == MACH_PORT_TYPE_RECEIVE;
	EXPECT("the last one listed", seen, 1);
	kh_vm_deallocate(task, (uint64_t)(uintptr_t)names, n * sizeof(*names));
	kh_vm_deallocate(task, (uint64_t)(uintptr_t)types, nt * sizeof(*types));
	/* The next call still works (the ring is in step again). */
	kernel_version_t v;
	EXPECT("after", kh_host_kernel_version(kh_mach_host_self(), v), KERN_SUCCESS);
	if (!failures)
		printf("ok bigreply %u\n", n);
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "ports";

	if (!strcmp(c, "ports"))
		case_ports();
	else if (!strcmp(c, "host"))
		case_host();
	else if (!strcmp(c, "names"))
		case_names();
	else if (!strcmp(c, "errors"))
		case_errors();
	else if (!strcmp(c, "many"))
		case_many();
	else if (!strcmp(c, "bigreply"))
		case_bigreply();
	else
		return 64;
	return failures ? 1 : 0;
}
