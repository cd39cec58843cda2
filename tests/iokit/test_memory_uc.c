/*
 * test_memory_uc.c — IOConnectMapMemory's routines in the kernel
 * (io_connect_map_memory_into_task / io_connect_unmap_memory_from_task,
 * IOKitMIG_memory.c) against the MemTest user client (tests/iokit/
 * memtest.h), called through mig_lookup as ipc_kmsg would:
 *  - the test process as the client (its own pid): the kernel maps the
 *    memfd itself, the reply carries the address;
 *  - a client that is another process: the reply carries the memfd (on the
 *    socket only), the second request commits the client's address;
 *  - refusals: memory not made shared, unknown types, another task's port,
 *    malformed arguments, unmapping what is not mapped;
 *  - the maps go with the user client.
 */
#include "tests/ktest.h"
#include "tests/iokit/iotest.h"
#include "tests/iokit/memtest.h"
#include <string.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"

#define ID_OPEN 2862
#define ID_MAP 2863
#define ID_UNMAP 2864

struct mreq {
	struct mig_request req;
	struct mig_reply *rep;
	uint8_t args[64];
};

static struct mreq *
mreq_new(proc_t p, struct ipc_port *dest, mach_msg_id_t id, uint32_t kotype, struct ipc_port *task)
{
	struct mreq *m = kalloc(sizeof(*m));

	ck_assert_ptr_nonnull(m);
	memset(m, 0, sizeof(*m));
	m->rep = kalloc(sizeof(*m->rep));
	ck_assert_ptr_nonnull(m->rep);
	m->rep->ndesc = 0;
	m->rep->data_len = 0;
	m->req.proc = p;
	m->req.space = p->p_task.t_space;
	m->req.port = dest;
	m->req.kobject = ipc_port_kobject(dest, kotype);
	m->req.id = id;
	m->req.args = m->args;
	m->req.nports = 1;
	m->req.ports[0] = ipc_port_make_send(task);
	return m;
}

static void
mreq_put(struct mreq *m, const void *v, uint32_t n)
{
	ck_assert_uint_le(m->req.args_len + n, sizeof(m->args));
	memcpy(m->args + m->req.args_len, v, n);
	m->req.args_len += n;
}

static kern_return_t
mreq_run_free(struct mreq *m, void *out, uint32_t outlen)
{
	const struct mig_routine *r = mig_lookup(m->req.id);
	kern_return_t kr;

	ck_assert_ptr_nonnull(r);
	kr = r->fn(&m->req, m->rep);
	if (kr == KERN_SUCCESS && out != NULL) {
		ck_assert_uint_eq(m->rep->data_len, outlen);
		memcpy(out, m->rep->data, outlen);
	}
	for (unsigned int i = 0; i < m->rep->ndesc; i++) {
		if (m->rep->desc[i].port != NULL)
			ipc_port_release_send(m->rep->desc[i].port);
	}
	if (m->req.ports[0] != NULL)
		ipc_port_release_send(m->req.ports[0]);
	kfree(m->rep, sizeof(*m->rep));
	kfree(m, sizeof(*m));
	return kr;
}

static MemTestService *
new_service(void)
{
	IOService *s = (IOService *)OSMetaClass_allocClassWithCString("MemTestService");

	ck_assert_ptr_nonnull(s);
	ck_assert(IORegistryEntry_init(s, NULL));
	ck_assert(IOService_attach(s, IOService_getResourceService()));
	ck_assert(IOService_start(s, IOService_getResourceService()));
	return (MemTestService *)s;
}

static proc_t
attach(pid_t pid)
{
	proc_t p = NULL;

	ck_assert_int_eq(proc_attach(pid, 0, 0, -1, &p), 0);
	return p;
}

/* io_service_open_extended as p: the connect port (a send right). */
static struct ipc_port *
open_uc(proc_t p, MemTestService *s)
{
	struct ipc_port *sp = iokit_make_object_port(OSObj(s), IKOT_IOKIT_OBJECT), *connect;
	struct mreq *m = mreq_new(p, sp, ID_OPEN, IKOT_IOKIT_OBJECT, p->p_task.t_self);
	static const uint8_t ndr[8] = {0, 0, 0, 1};
	const struct mig_routine *r = mig_lookup(ID_OPEN);
	uint32_t type = 0;
	IOReturn result;

	mreq_put(m, &type, 4);
	mreq_put(m, ndr, 8);
	ck_assert_int_eq(r->fn(&m->req, m->rep), KERN_SUCCESS);
	memcpy(&result, m->rep->data, 4);
	ck_assert_int_eq(result, kIOReturnSuccess);
	connect = m->rep->desc[0].port;
	m->rep->desc[0].port = NULL;
	ipc_port_release_send(m->req.ports[0]);
	kfree(m->rep, sizeof(*m->rep));
	kfree(m, sizeof(*m));
	ipc_port_release_send(sp);
	return connect;
}

struct map_out {
	uint64_t address, size;
} __attribute__((packed));

static kern_return_t
map(proc_t p, struct ipc_port *connect, uint32_t type, uint64_t address, uint32_t flags, struct map_out *out)
{
	struct mreq *m = mreq_new(p, connect, ID_MAP, IKOT_IOKIT_CONNECT, p->p_task.t_self);
	uint64_t size = 0;

	mreq_put(m, &type, 4);
	mreq_put(m, &address, 8);
	mreq_put(m, &size, 8);
	mreq_put(m, &flags, 4);
	return mreq_run_free(m, out, sizeof(*out));
}

static kern_return_t
unmap(proc_t p, struct ipc_port *connect, uint32_t type, uint64_t address)
{
	struct mreq *m = mreq_new(p, connect, ID_UNMAP, IKOT_IOKIT_CONNECT, p->p_task.t_self);

	mreq_put(m, &type, 4);
	mreq_put(m, &address, 8);
	return mreq_run_free(m, NULL, 0);
}

static void
drop(MemTestService *s)
{
	IOService_terminate(s, kIOServiceSynchronous);
	OSObject_release(s);
}

/* Maps left, once the user clients are gone (termination frees them on another thread). */
static unsigned int
maps_left(void)
{
	uint64_t end = mach_absolute_time() + IOTEST_LIMIT_NS;

	while (OSMetaClass_getInstanceCount(OSTypeID(MemTestUserClient)) != 0 && mach_absolute_time() < end)
		IOSleep(1);
	return OSMetaClass_getInstanceCount(OSTypeID(IOMemoryMap));
}

START_TEST(map_into_the_test_process)
{
	MemTestService *s = new_service();
	proc_t p = attach(khost_getpid()), other = attach(khost_getpid());
	struct ipc_port *c = open_uc(p, s);
	struct map_out o = {0, 0}, o2 = {0, 0};
	uint8_t *k = IOBufferMemoryDescriptor_getBytesNoCopy(s->shared), *u;
	struct mreq *m;

	/* The client is this process: the kernel maps the memfd here itself; no descriptor travels. */
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0, kIOMapAnywhere, &o), KERN_SUCCESS);
	ck_assert_uint_ne(o.address, 0);
	ck_assert_uint_eq(o.size, MEMTEST_SHARED_SIZE);
	u = (uint8_t *)(uintptr_t)o.address;
	ck_assert_ptr_ne(u, k);
	u[100] = 42;
	ck_assert_uint_eq(k[100], 42);
	/* Mapped again: the same mapping. */
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0, kIOMapAnywhere, &o2), KERN_SUCCESS);
	ck_assert_uint_eq(o2.address, o.address);

	/* Refusals. */
	ck_assert_int_eq(map(p, c, kMemTypePrivate, 0, kIOMapAnywhere, &o2), kIOReturnNotPermitted);
	ck_assert_int_eq(map(p, c, 77, 0, kIOMapAnywhere, &o2), kIOReturnBadArgument);
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0x1234000, kIOMapReference, &o2), kIOReturnNotFound);
	m = mreq_new(p, c, ID_MAP, IKOT_IOKIT_CONNECT, other->p_task.t_self); /* another task */
	mreq_put(m, &(uint8_t[24]){0}, 24);
	ck_assert_int_eq(mreq_run_free(m, NULL, 0), kIOReturnBadArgument);
	m = mreq_new(p, c, ID_MAP, IKOT_IOKIT_CONNECT, p->p_task.t_self); /* short arguments */
	mreq_put(m, &(uint8_t[20]){0}, 20);
	ck_assert_int_eq(mreq_run_free(m, NULL, 0), MIG_BAD_ARGUMENTS);

	ck_assert_int_eq(unmap(p, c, kMemTypeShared, o.address + 4096), kIOReturnBadArgument);
	ck_assert_int_eq(unmap(p, c, kMemTypeShared, o.address), kIOReturnSuccess);
	ck_assert_int_eq(unmap(p, c, kMemTypeShared, o.address), kIOReturnBadArgument);
	ck_assert_uint_eq(k[100], 42);

	ipc_port_release_send(c); /* no senders: clientDied, the client (and its maps) go */
	proc_exit(other);
	proc_exit(p);
	drop(s);
	ck_assert_uint_eq(maps_left(), 0);
}
END_TEST

START_TEST(map_into_another_process_sends_the_memfd)
{
	MemTestService *s = new_service();
	/* A client that is not this process: the kernel cannot map into it. */
	proc_t p = attach(khost_getpid() + 1000000);
	struct ipc_port *c = open_uc(p, s);
	struct kreq_buf reply = {0};
	struct map_out o = {0, 0}, o2 = {0, 0};
	uint8_t *k = IOBufferMemoryDescriptor_getBytesNoCopy(s->shared);
	void *view = NULL;

	/* Not on a socket (ring, in-process): no way to hand over the memory. */
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0, kIOMapAnywhere, &o), kIOReturnUnsupported);

	(void)kreq_reply_set_fd_target(&reply);
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0, kIOMapAnywhere, &o), KERN_SUCCESS);
	(void)kreq_reply_set_fd_target(NULL);
	ck_assert(reply.has_fd);
	ck_assert_uint_eq(o.address, 0); /* the offset in the file */
	ck_assert_uint_eq(o.size, MEMTEST_SHARED_SIZE);
	/* What the client would do: map the file and see the kernel's buffer. */
	ck_assert_int_eq(
	        khost_shm_map_fd(reply.fd, MEMTEST_SHARED_SIZE, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &view),
	        0);
	k[7] = 7;
	ck_assert_uint_eq(((uint8_t *)view)[7], 7);
	((uint8_t *)view)[8] = 8;
	ck_assert_uint_eq(k[8], 8);
	kreq_buf_free(&reply); /* closes the descriptor */
	ck_assert(!reply.has_fd);

	/* Second step: the client says where it put it. */
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0x7f0000000000ull, kIOMapReference, &o2), KERN_SUCCESS);
	ck_assert_uint_eq(o2.address, 0x7f0000000000ull);
	ck_assert_uint_eq(o2.size, MEMTEST_SHARED_SIZE);
	/* Now mapped: asking again answers the address, with no descriptor. */
	(void)kreq_reply_set_fd_target(&reply);
	ck_assert_int_eq(map(p, c, kMemTypeShared, 0, kIOMapAnywhere, &o), KERN_SUCCESS);
	(void)kreq_reply_set_fd_target(NULL);
	ck_assert(!reply.has_fd);
	ck_assert_uint_eq(o.address, 0x7f0000000000ull);

	/* Read-only: the descriptor the client gets cannot be mapped writable. */
	(void)kreq_reply_set_fd_target(&reply);
	ck_assert_int_eq(map(p, c, kMemTypeReadOnly, 0, kIOMapAnywhere, &o), KERN_SUCCESS);
	(void)kreq_reply_set_fd_target(NULL);
	ck_assert(!reply.has_fd); /* the same memory is mapped already (read-write) */

	ck_assert_int_eq(unmap(p, c, kMemTypeShared, 0x7f0000000000ull), kIOReturnSuccess);
	(void)kreq_reply_set_fd_target(&reply);
	ck_assert_int_eq(map(p, c, kMemTypeReadOnly, 0, kIOMapAnywhere, &o), KERN_SUCCESS);
	(void)kreq_reply_set_fd_target(NULL);
	ck_assert(reply.has_fd);
	void *rw = NULL;
	ck_assert_int_ne(khost_shm_map_fd(reply.fd, 4096, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &rw), 0);
	ck_assert_int_eq(khost_shm_map_fd(reply.fd, 4096, 0, KHOST_PROT_READ, &rw), 0);
	ck_assert_int_eq(khost_shm_unmap(rw, 4096), 0);
	kreq_buf_free(&reply);
	/* Never committed: the user client's death takes the pending map too. */
	ipc_port_release_send(c);
	proc_exit(p);
	drop(s);
	ck_assert_uint_eq(maps_left(), 0);
	ck_assert_int_eq(khost_shm_unmap(view, MEMTEST_SHARED_SIZE), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_memory_uc");
	TCase *tc = ktest_tcase("memory_uc");

	tcase_add_test(tc, map_into_the_test_process);
	tcase_add_test(tc, map_into_another_process_sends_the_memfd);
	suite_add_tcase(s, tc);
	return s;
}
