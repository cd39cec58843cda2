/*
 * test_uc_connect.c — the connection routines of the iokit MIG subsystem
 * driven as the Mach side would (io_service_open_extended, io_connect_method's
 * argument decoding and limits, structures by memory descriptor,
 * io_service_close, io_connect_get_service): clientDied when the last handle
 * goes, after a call still running, and for every client a process held when
 * it exits.
 *
 * The "process" is the test itself attached with proc_attach (uid chosen per
 * test), so descriptors over its memory are real user memory; the routines
 * are called through mig_lookup as ipc_kmsg would.
 */
#include "tests/iokit/uckit.h"

struct mreq {
	struct mig_request req;
	struct mig_reply *rep;
	uint8_t args[8192];
};

static struct mreq *
mreq_new(proc_t p, struct ipc_port *dest, mach_msg_id_t id, uint32_t kotype)
{
	struct mreq *m = kalloc(sizeof(*m));

	ck_assert_ptr_nonnull(m);
	memset(m, 0, sizeof(*m));
	m->rep = kalloc(sizeof(*m->rep));
	ck_assert_ptr_nonnull(m->rep);
	m->rep->ndesc = 0;
	m->rep->data_len = 0;
	m->req.proc = p;
	m->req.space = p != NULL ? p->p_task.t_space : NULL;
	m->req.port = dest;
	m->req.kobject = dest != NULL ? ipc_port_kobject(dest, kotype) : NULL;
	m->req.id = id;
	m->req.args = m->args;
	return m;
}

static void
mreq_put(struct mreq *m, const void *v, uint32_t n)
{
	ck_assert_uint_le(m->req.args_len + n, sizeof(m->args));
	memcpy(m->args + m->req.args_len, v, n);
	m->req.args_len += n;
}

static void
mreq_u32(struct mreq *m, uint32_t v)
{
	mreq_put(m, &v, 4);
}

static void
mreq_u64(struct mreq *m, uint64_t v)
{
	mreq_put(m, &v, 8);
}

static kern_return_t
mreq_run(struct mreq *m)
{
	const struct mig_routine *r = mig_lookup(m->req.id);

	ck_assert_ptr_nonnull(r);
	return r->fn(&m->req, m->rep);
}

static void
mreq_free(struct mreq *m)
{
	for (unsigned int i = 0; i < m->rep->ndesc; i++) {
		if (m->rep->desc[i].port != NULL)
			ipc_port_release_send(m->rep->desc[i].port);
		if (m->rep->desc[i].data != NULL)
			kfree(m->rep->desc[i].data, m->rep->desc[i].size);
	}
	for (unsigned int i = 0; i < m->req.nports; i++) {
		if (m->req.ports[i] != NULL)
			ipc_port_release_send(m->req.ports[i]);
	}
	kfree(m->rep, sizeof(*m->rep));
	kfree(m, sizeof(*m));
}

/* io_service_open_extended as process p: the open's result; *connect a send right (or NULL). */
static IOReturn
open_uc(proc_t p, IOService *s, uint32_t type, struct ipc_port **connect)
{
	struct ipc_port *sp = iokit_make_object_port(OSObj(s), IKOT_IOKIT_OBJECT);
	struct mreq *m = mreq_new(p, sp, 2862, IKOT_IOKIT_OBJECT);
	IOReturn result;
	static const uint8_t ndr[8] = {0, 0, 0, 1};

	m->req.nports = 1;
	m->req.ports[0] = ipc_port_make_send(p->p_task.t_self);
	mreq_u32(m, type);
	mreq_put(m, ndr, 8);
	ck_assert_int_eq(mreq_run(m), KERN_SUCCESS);
	ck_assert_uint_eq(m->rep->data_len, 4);
	memcpy(&result, m->rep->data, 4);
	ck_assert_uint_eq(m->rep->ndesc, 1);
	*connect = m->rep->desc[0].port;
	m->rep->desc[0].port = NULL;
	ck_assert((result == kIOReturnSuccess) == (*connect != NULL));
	mreq_free(m);
	ipc_port_release_send(sp);
	return result;
}

struct call {
	uint32_t selector, nin, nsin, sroom, iroom;
	uint64_t ool_in, ool_in_size, ool_out, ool_out_size; /* addresses in the test process */
	uint64_t in[17];
	uint8_t sin[4100];
	/* results */
	kern_return_t kr;
	uint32_t nout, nsout;
	uint64_t ool_size;
	uint64_t out[16];
	uint8_t sout[4096];
};

/* io_connect_method as process p on connect. */
static void
call_uc(proc_t p, struct ipc_port *connect, struct call *c)
{
	struct mreq *m = mreq_new(p, connect, 2865, IKOT_IOKIT_CONNECT);
	const uint8_t *r;
	uint32_t left;

	mreq_u32(m, c->selector);
	mreq_u32(m, c->nin);
	mreq_put(m, c->in, c->nin * 8u);
	mreq_u32(m, c->nsin);
	mreq_put(m, c->sin, (c->nsin + 3u) & ~3u);
	mreq_u64(m, c->ool_in);
	mreq_u64(m, c->ool_in_size);
	mreq_u32(m, c->iroom);
	mreq_u32(m, c->sroom);
	mreq_u64(m, c->ool_out);
	mreq_u64(m, c->ool_out_size);
	c->kr = mreq_run(m);
	c->nout = c->nsout = 0;
	if (c->kr == KERN_SUCCESS) {
		r = m->rep->data;
		left = m->rep->data_len;
		ck_assert_uint_ge(left, 4);
		memcpy(&c->nsout, r, 4);
		ck_assert_uint_le(c->nsout, c->iroom);
		memcpy(c->sout, r + 4, c->nsout);
		r += 4 + ((c->nsout + 3u) & ~3u);
		left -= 4 + ((c->nsout + 3u) & ~3u);
		memcpy(&c->nout, r, 4);
		ck_assert_uint_le(c->nout, c->sroom);
		ck_assert_uint_eq(left, 4 + c->nout * 8u + 8);
		memcpy(c->out, r + 4, c->nout * 8u);
		memcpy(&c->ool_size, r + 4 + c->nout * 8u, 8);
	}
	mreq_free(m);
}

static kern_return_t
simple_uc(proc_t p, struct ipc_port *connect, mach_msg_id_t id)
{
	struct mreq *m = mreq_new(p, connect, id, IKOT_IOKIT_CONNECT);
	kern_return_t kr = mreq_run(m);

	mreq_free(m);
	return kr;
}

START_TEST(open_call_close)
{
	IOService *s = new_service("UCTestUserClient");
	proc_t p = attach(501);
	struct ipc_port *connect = NULL;
	struct call *c = kalloc(sizeof(*c));
	struct mreq *m;

	ck_assert_int_eq(open_uc(p, s, kUCTypeNormal, &connect), kIOReturnSuccess);
	ck_assert_uint_eq(uct_get(UCStatOpens), 1);
	/* a scalar method */
	memset(c, 0, sizeof(*c));
	c->selector = kUCAdd;
	c->nin = 2;
	c->in[0] = 5;
	c->in[1] = 6;
	c->sroom = 1;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnSuccess);
	ck_assert_uint_eq(c->nout, 1);
	ck_assert_uint_eq(c->out[0], 11);
	/* a count mismatch answers the method's error and no outputs */
	c->sroom = 2;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnBadArgument);
	/* rooms above the limits are clamped (16 scalars, 4096 bytes) */
	memset(c, 0, sizeof(*c));
	c->selector = kUCVariable;
	c->nin = 16;
	for (int i = 0; i < 16; i++)
		c->in[i] = (uint64_t)i * 3;
	c->sroom = 1000;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnSuccess);
	ck_assert_uint_eq(c->nout, 16);
	ck_assert_uint_eq(c->out[15], 45);
	ck_assert_uint_eq(c->nsout, 0);
	memset(c, 0, sizeof(*c));
	c->selector = kUCFill;
	c->iroom = 100000;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnSuccess);
	ck_assert_uint_eq(c->nsout, 4096);
	ck_assert_uint_eq(c->sout[4095], (4095 * 7 + 1) & 0xff);
	/* an inband echo, odd size (padding) */
	memset(c, 0, sizeof(*c));
	c->selector = kUCEcho;
	c->nsin = 4095;
	memset(c->sin, 0xab, 4095);
	c->iroom = 4096;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnSuccess);
	ck_assert_uint_eq(c->nsout, 4095);
	ck_assert_uint_eq(c->sout[4094], 0xab);
	/* 17 scalars, an inband struct over 4096: malformed */
	memset(c, 0, sizeof(*c));
	c->selector = kUCVariable;
	c->nin = 17;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, MIG_BAD_ARGUMENTS);
	c->nin = 0;
	c->nsin = 4097;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, MIG_BAD_ARGUMENTS);
	/* an unknown selector */
	memset(c, 0, sizeof(*c));
	c->selector = 1000;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnUnsupported);
	/* trailing garbage */
	m = mreq_new(p, connect, 2865, IKOT_IOKIT_CONNECT);
	mreq_u32(m, kUCStats);
	ck_assert_int_eq(mreq_run(m), MIG_BAD_ARGUMENTS);
	mreq_free(m);

	/* io_connect_add_client and io_connect_set_properties reach the client's defaults */
	m = mreq_new(p, connect, 2820, IKOT_IOKIT_CONNECT);
	m->req.nports = 1;
	m->req.ports[0] = ipc_port_make_send(connect);
	ck_assert_int_eq(mreq_run(m), kIOReturnUnsupported);
	mreq_free(m);
	m = mreq_new(p, connect, 2820, IKOT_IOKIT_CONNECT);
	ck_assert_int_eq(mreq_run(m), MIG_BAD_ARGUMENTS); /* no client to add */
	mreq_free(m);
	m = mreq_new(p, connect, 2821, IKOT_IOKIT_CONNECT);
	m->req.nool = 1;
	m->req.ool[0].data = "<dict><key>A</key><true/></dict>";
	m->req.ool[0].size = 33;
	ck_assert_int_eq(mreq_run(m), KERN_SUCCESS);
	ck_assert_int_eq(*(IOReturn *)m->rep->data, kIOReturnUnsupported);
	m->req.nool = 0;
	mreq_free(m);
	m = mreq_new(p, connect, 2821, IKOT_IOKIT_CONNECT);
	m->req.nool = 1;
	m->req.ool[0].data = "<array/>";
	m->req.ool[0].size = 9;
	ck_assert_int_eq(mreq_run(m), KERN_SUCCESS);
	ck_assert_int_eq(*(IOReturn *)m->rep->data, kIOReturnBadArgument); /* not a dictionary */
	m->req.nool = 0;
	mreq_free(m);

	/* io_connect_get_service */
	m = mreq_new(p, connect, 2817, IKOT_IOKIT_CONNECT);
	ck_assert_int_eq(mreq_run(m), KERN_SUCCESS);
	ck_assert_uint_eq(m->rep->ndesc, 1);
	ck_assert_ptr_eq(ipc_port_kobject(m->rep->desc[0].port, IKOT_IOKIT_OBJECT), s);
	mreq_free(m);

	/* close: clientClose once; later calls refused; a second close ignored */
	ck_assert_int_eq(simple_uc(p, connect, 2816), kIOReturnSuccess);
	ck_assert_uint_eq(uct_get(UCStatCloses), 1);
	memset(c, 0, sizeof(*c));
	c->selector = kUCStats;
	c->sroom = UCStatCount;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnNotOpen);
	ck_assert_int_eq(simple_uc(p, connect, 2816), kIOReturnSuccess);
	ck_assert_uint_eq(uct_get(UCStatCloses), 1);
	/* the handle goes: clientDied, which finds it closed already */
	ipc_port_release_send(connect);
	ck_assert_uint_eq(uct_get(UCStatDieds), 0);
	ck_assert_uint_eq(uct_get(UCStatCloses), 1);
	ck_assert_uint_eq(wait64(&uct_stat[UCStatFrees], 1), 1);

	/* the open's own failures come back as its result */
	ck_assert_int_eq(open_uc(p, s, kUCTypeAdmin, &connect), kIOReturnNotPrivileged);
	ck_assert_int_eq(open_uc(p, s, kUCTypeRefuse, &connect), kIOReturnBadArgument);
	kfree(c, sizeof(*c));
	proc_exit(p);
	drop_service(s);
}
END_TEST

/* Structures above 4096 bytes: descriptors over the caller's memory (the test process's own). */
START_TEST(large_structures_by_descriptor)
{
	IOService *s = new_service("UCTestUserClient");
	proc_t p = attach(501);
	struct ipc_port *connect = NULL;
	struct call *c = kalloc(sizeof(*c));
	uint8_t *buf = kalloc(10000);

	ck_assert_int_eq(open_uc(p, s, kUCTypeNormal, &connect), kIOReturnSuccess);
	memset(buf, 2, 10000);
	memset(c, 0, sizeof(*c));
	c->selector = kUCSum;
	c->sroom = 1;
	c->ool_in = (uint64_t)(uintptr_t)buf;
	c->ool_in_size = 10000;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnSuccess);
	ck_assert_uint_eq(c->out[0], 20000);
	/* out: the method writes the caller's memory and says how much */
	memset(c, 0, sizeof(*c));
	memset(buf, 0, 10000);
	c->selector = kUCFill;
	c->ool_out = (uint64_t)(uintptr_t)buf;
	c->ool_out_size = 10000;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnSuccess);
	ck_assert_uint_eq(c->ool_size, 10000);
	ck_assert_uint_eq(buf[9999], (9999 * 7 + 1) & 0xff);
	/* a descriptor's length is what the size checks compare */
	c->selector = kUCFixed;
	c->ool_out_size = 16;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnBadArgument); /* no 16-byte input */
	/* an unmapped address: the method's transfer fails; a zero length is refused */
	memset(c, 0, sizeof(*c));
	c->selector = kUCSum;
	c->sroom = 1;
	c->ool_in = 0x1000;
	c->ool_in_size = 8192;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnVMError);
	c->ool_in = (uint64_t)(uintptr_t)buf;
	c->ool_in_size = 0;
	call_uc(p, connect, c);
	ck_assert_int_eq(c->kr, kIOReturnBadArgument);
	ipc_port_release_send(connect);
	kfree(buf, 10000);
	kfree(c, sizeof(*c));
	proc_exit(p);
	drop_service(s);
}
END_TEST

START_TEST(open_refuses_bad_requests)
{
	IOService *s = new_service("UCTestUserClient");
	proc_t p = attach(0), other = attach(0);
	struct ipc_port *sp = iokit_make_object_port(OSObj(s), IKOT_IOKIT_OBJECT);
	struct ipc_port *np =
	        iokit_make_object_port(OSObj(IOService_getResourceService()), IKOT_IOKIT_CONNECT);
	struct mreq *m;
	static const uint8_t ndr[8];

	/* another task's port as owningTask */
	m = mreq_new(p, sp, 2862, IKOT_IOKIT_OBJECT);
	m->req.nports = 1;
	m->req.ports[0] = ipc_port_make_send(other->p_task.t_self);
	mreq_u32(m, 0);
	mreq_put(m, ndr, 8);
	ck_assert_int_eq(mreq_run(m), kIOReturnBadArgument);
	mreq_free(m);
	/* no task port, short arguments */
	m = mreq_new(p, sp, 2862, IKOT_IOKIT_OBJECT);
	mreq_u32(m, 0);
	mreq_put(m, ndr, 8);
	ck_assert_int_eq(mreq_run(m), MIG_BAD_ARGUMENTS);
	mreq_free(m);
	m = mreq_new(p, sp, 2862, IKOT_IOKIT_OBJECT);
	m->req.nports = 1;
	m->req.ports[0] = ipc_port_make_send(p->p_task.t_self);
	mreq_u32(m, 0);
	ck_assert_int_eq(mreq_run(m), MIG_BAD_ARGUMENTS);
	mreq_free(m);
	/* properties that are not a dictionary: the result says so */
	m = mreq_new(p, sp, 2862, IKOT_IOKIT_OBJECT);
	m->req.nports = 1;
	m->req.ports[0] = ipc_port_make_send(p->p_task.t_self);
	m->req.nool = 1;
	m->req.ool[0].data = "<string>x</string>";
	m->req.ool[0].size = 19;
	mreq_u32(m, 0);
	mreq_put(m, ndr, 8);
	ck_assert_int_eq(mreq_run(m), KERN_SUCCESS);
	ck_assert_int_eq(*(IOReturn *)m->rep->data, kIOReturnBadArgument);
	m->req.nool = 0; /* (not ours to free) */
	mreq_free(m);
	/* a service without a user client class */
	{
		struct ipc_port *c = NULL;
		ck_assert_int_eq(open_uc(p, IOService_getResourceService(), 0, &c), kIOReturnUnsupported);
	}
	/* a connect port whose object is no user client */
	ck_assert_int_eq(simple_uc(p, np, 2816), kIOReturnBadArgument);
	ck_assert_uint_eq(uct_get(UCStatOpens), 0);
	ipc_port_release_send(np);
	ipc_port_release_send(sp);
	proc_exit(other);
	proc_exit(p);
	drop_service(s);
}
END_TEST

/* A call that sleeps, made on another thread (a process's call in progress). */
struct sleeper {
	proc_t p;
	struct ipc_port *connect;
	struct call c;
	uint32_t done;
};

static void
sleeper_run(void *arg, wait_result_t w)
{
	struct sleeper *s = arg;

	call_uc(s->p, s->connect, &s->c);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

START_TEST(client_died_after_call_in_progress)
{
	IOService *s = new_service("UCTestUserClient");
	proc_t p = attach(501);
	struct sleeper *sl = kalloc(sizeof(*sl));

	memset(sl, 0, sizeof(*sl));
	sl->p = p;
	ck_assert_int_eq(open_uc(p, s, kUCTypeNormal, &sl->connect), kIOReturnSuccess);
	sl->c.selector = kUCSleep;
	sl->c.nin = 1;
	sl->c.in[0] = 1000;
	iotest_start(sleeper_run, sl);
	ck_assert_uint_eq(wait64(&uct_stat[UCStatSleepsStarted], 1), 1);
	/* The owner drops its handle while the call runs: clientDied waits for the call. */
	ipc_port_release_send(sl->connect);
	ck_assert_uint_eq(uct_get(UCStatDieds), 0);
	ck_assert_uint_eq(iouc_dying_count(), 1);
	ck_assert_uint_eq(iotest_wait_ge(&sl->done, 1), 1);
	ck_assert_int_eq(sl->c.kr, kIOReturnSuccess);
	ck_assert_uint_eq(uct_get(UCStatDieds), 1);
	ck_assert_uint_eq(uct_get(UCStatSleepsAtDeath), 1); /* the call had finished first */
	ck_assert_uint_eq(uct_get(UCStatCloses), 1);        /* the default clientDied closed it */
	ck_assert_uint_eq(iouc_dying_count(), 0);
	ck_assert_uint_eq(wait64(&uct_stat[UCStatFrees], 1), 1);
	kfree(sl, sizeof(*sl));
	proc_exit(p);
	drop_service(s);
}
END_TEST

START_TEST(exit_kills_every_client)
{
	IOService *s = new_service("UCTestUserClient");
	proc_t p = attach(0);
	unsigned int ports = iokit_port_count();

	for (int i = 0; i < 5; i++) {
		struct ipc_port *c = NULL;
		mach_port_name_t name;

		ck_assert_int_eq(open_uc(p, s, kUCTypeNormal, &c), kIOReturnSuccess);
		ck_assert_int_eq(ipc_space_copyout_send(p->p_task.t_space, c, &name), KERN_SUCCESS);
	}
	ck_assert_uint_eq(uct_get(UCStatOpens), 5);
	ck_assert_uint_eq(iokit_port_count(), ports + 5);
	proc_exit(p); /* the process dies holding five connections */
	ck_assert_uint_eq(uct_get(UCStatDieds), 5);
	ck_assert_uint_eq(uct_get(UCStatCloses), 5);
	ck_assert_uint_eq(iokit_port_count(), ports);
	ck_assert_uint_eq(wait64(&uct_stat[UCStatFrees], 5), 5);
	drop_service(s);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("uc_connect");
	TCase *tc = ktest_tcase("uc_connect");

	tcase_add_test(tc, open_call_close);
	tcase_add_test(tc, large_structures_by_descriptor);
	tcase_add_test(tc, open_refuses_bad_requests);
	tcase_add_test(tc, client_died_after_call_in_progress);
	tcase_add_test(tc, exit_kills_every_client);
	suite_add_tcase(s, tc);
	return s;
}
