/*
 * test_kern_control.c — kernel control sockets and kernel events, driven
 * from the kernel side through the PF_SYSTEM socket calls: registration
 * rules (defaults written back, dynamic ids, EEXIST, EINVAL), connect
 * (units, EPERM for non-root on a privileged control, EPROTOTYPE, ENOENT,
 * EBUSY), the data path both ways (send → ctl_send mbuf, ctl_enqueuedata →
 * recv with datagram truncation and stream records, ENOBUFS and
 * ctl_getenqueuespace), options, deregister EBUSY while connected,
 * disconnect on close, a blocked reader woken by data and by close, and
 * kernel events with filters and vendor codes.
 */
#include "tests/ktest.h"
#include <sys/errno.h>
#include <sys/kern_control.h>
#include <sys/kern_event.h>
#include <kern/thread.h>
#include <kern/clock.h>
#include "bsd/sys/mbuf_internal.h"
#include "bsd/sys/sys_domain_internal.h"

/* What the test control's callbacks saw. */
static struct {
	int connects, disconnects, sends, fail_connect;
	u_int32_t last_unit;
	char last_data[256];
	size_t last_len;
	int opt_value;
	kern_ctl_ref ref;
	int echo;
} seen;

static errno_t
t_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	seen.connects++;
	seen.last_unit = sac->sc_unit;
	*unitinfo = &seen;
	return seen.fail_connect;
}

static errno_t
t_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	ck_assert_ptr_eq(unitinfo, &seen);
	seen.disconnects++;
	return 0;
}

static errno_t
t_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	size_t n = m_length(m);

	seen.sends++;
	seen.last_len = n;
	if (n > sizeof(seen.last_data))
		n = sizeof(seen.last_data);
	mbuf_copydata(m, 0, n, seen.last_data);
	if (seen.echo) {
		errno_t e = ctl_enqueuembuf(ref, unit, m, CTL_DATA_EOR);

		if (e != 0)
			mbuf_freem(m);
		return e;
	}
	mbuf_freem(m);
	return 0;
}

static errno_t
t_setopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t len)
{
	if (opt != 7 || len != sizeof(int))
		return EINVAL;
	memcpy(&seen.opt_value, data, sizeof(int));
	return 0;
}

static errno_t
t_getopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t *len)
{
	if (opt != 7)
		return EINVAL;
	if (data != NULL) {
		if (*len < sizeof(int))
			return EINVAL;
		memcpy(data, &seen.opt_value, sizeof(int));
	}
	*len = sizeof(int);
	return 0;
}

static struct kern_ctl_reg
reg_for(const char *name, u_int32_t flags)
{
	struct kern_ctl_reg r;

	memset(&r, 0, sizeof(r));
	strlcpy(r.ctl_name, name, sizeof(r.ctl_name));
	r.ctl_flags = flags;
	r.ctl_connect = t_connect;
	r.ctl_disconnect = t_disconnect;
	r.ctl_send = t_send;
	r.ctl_setopt = t_setopt;
	r.ctl_getopt = t_getopt;
	return r;
}

static struct sockaddr_ctl
addr_for(u_int32_t id, u_int32_t unit)
{
	struct sockaddr_ctl a;

	memset(&a, 0, sizeof(a));
	a.sc_len = sizeof(a);
	a.sc_family = AF_SYSTEM;
	a.ss_sysaddr = AF_SYS_CONTROL;
	a.sc_id = id;
	a.sc_unit = unit;
	return a;
}

/* Register name, open a socket, CTLIOCGINFO, connect: the connected socket. */
static struct sosys *
open_connected(const char *name, int type, int priv, int *err)
{
	struct sosys *so;
	struct ctl_info ci;
	struct sockaddr_ctl a;

	ck_assert_int_eq(sosys_create(type, SYSPROTO_CONTROL, priv, &so), 0);
	memset(&ci, 0, sizeof(ci));
	strlcpy(ci.ctl_name, name, sizeof(ci.ctl_name));
	ck_assert_int_eq(sosys_ioctl(so, CTLIOCGINFO, &ci), 0);
	a = addr_for(ci.ctl_id, 0);
	*err = sosys_connect(so, &a, sizeof(a));
	return so;
}

START_TEST(test_register_rules)
{
	struct kern_ctl_reg r1 = reg_for("com.example.one", 0), r2 = reg_for("com.example.two", 0);
	struct kern_ctl_reg dup = reg_for("com.example.one", 0), bad = reg_for("", 0);
	struct kern_ctl_reg noconn = reg_for("com.example.x", 0);
	struct kern_ctl_reg idu = reg_for("com.example.fixed", CTL_FLAG_REG_ID_UNIT);
	struct kern_ctl_reg idu2 = idu;
	kern_ctl_ref a, b, c, d;

	ck_assert_int_eq(ctl_register(&r1, &a), 0);
	ck_assert_int_eq(ctl_register(&r2, &b), 0);
	ck_assert_uint_ne(r1.ctl_id, 0);
	ck_assert_uint_ne(r1.ctl_id, r2.ctl_id);
	ck_assert_uint_eq(r1.ctl_sendsize, 2048); /* XNU's defaults, written back */
	ck_assert_uint_eq(r1.ctl_recvsize, 8192);
	ck_assert_int_eq(ctl_register(&dup, &c), EEXIST);
	ck_assert_int_eq(ctl_register(&bad, &c), EINVAL);
	noconn.ctl_connect = NULL;
	ck_assert_int_eq(ctl_register(&noconn, &c), EINVAL);
	ck_assert_int_eq(ctl_register(NULL, &c), EINVAL);
	/* A creator-code id: the (id, unit) pair is the address. */
	idu.ctl_id = 0x41424344;
	idu.ctl_unit = 5;
	ck_assert_int_eq(ctl_register(&idu, &c), 0);
	ck_assert_uint_eq(idu.ctl_id, 0x41424344);
	ck_assert_int_eq(ctl_register(&idu2, &d), EINVAL); /* id 0 with REG_ID_UNIT */
	idu2.ctl_id = 0x41424344;
	idu2.ctl_unit = 5;
	ck_assert_int_eq(ctl_register(&idu2, &d), EEXIST);
	idu2.ctl_unit = 6;
	ck_assert_int_eq(ctl_register(&idu2, &d), 0);

	ck_assert_int_eq(ctl_deregister(a), 0);
	ck_assert_int_eq(ctl_deregister(a), EINVAL); /* stale ref */
	ck_assert_int_eq(ctl_deregister(NULL), EINVAL);
	ck_assert_int_eq(ctl_deregister(b), 0);
	ck_assert_int_eq(ctl_deregister(c), 0);
	ck_assert_int_eq(ctl_deregister(d), 0);
}
END_TEST

START_TEST(test_connect_rules)
{
	struct kern_ctl_reg r = reg_for("com.example.priv", CTL_FLAG_PRIVILEGED);
	struct kern_ctl_reg s = reg_for("com.example.stream", CTL_FLAG_REG_SOCK_STREAM);
	kern_ctl_ref pr, sr;
	struct sosys *so, *so2;
	struct sockaddr_ctl a;
	struct ctl_info ci;
	int err;

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(ctl_register(&r, &pr), 0);
	ck_assert_int_eq(ctl_register(&s, &sr), 0);

	/* Not root: refused, no callback. */
	so = open_connected("com.example.priv", SOSYS_SOCK_DGRAM, 0, &err);
	ck_assert_int_eq(err, EPERM);
	ck_assert_int_eq(seen.connects, 0);
	sosys_close(so);
	/* Root: connected, unit 1 picked. */
	so = open_connected("com.example.priv", SOSYS_SOCK_DGRAM, 1, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(seen.connects, 1);
	ck_assert_uint_eq(seen.last_unit, 1);
	/* The second client gets unit 2; asking for a taken unit is EBUSY. */
	so2 = open_connected("com.example.priv", SOSYS_SOCK_DGRAM, 1, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(seen.last_unit, 2);
	sosys_close(so2);
	ck_assert_int_eq(sosys_create(SOSYS_SOCK_DGRAM, SYSPROTO_CONTROL, 1, &so2), 0);
	a = addr_for(r.ctl_id, 1);
	ck_assert_int_eq(sosys_connect(so2, &a, sizeof(a)), EBUSY);
	ck_assert_int_eq(sosys_connect(so, &a, sizeof(a)), EISCONN);
	/* Unknown id, wrong family, short address, wrong socket type. */
	a = addr_for(9999, 0);
	ck_assert_int_eq(sosys_connect(so2, &a, sizeof(a)), ENOENT);
	a = addr_for(r.ctl_id, 0);
	a.sc_family = 2;
	ck_assert_int_eq(sosys_connect(so2, &a, sizeof(a)), EAFNOSUPPORT);
	ck_assert_int_eq(sosys_connect(so2, &a, 8), EINVAL);
	a = addr_for(s.ctl_id, 0);
	ck_assert_int_eq(sosys_connect(so2, &a, sizeof(a)), EPROTOTYPE);
	sosys_close(so2);

	/* CTLIOCGINFO for a name nobody registered. */
	memset(&ci, 0, sizeof(ci));
	strlcpy(ci.ctl_name, "com.example.none", sizeof(ci.ctl_name));
	ck_assert_int_eq(sosys_ioctl(so, CTLIOCGINFO, &ci), ENOENT);

	/* Deregister is refused while a client is connected; close disconnects. */
	ck_assert_int_eq(ctl_deregister(pr), EBUSY);
	seen.disconnects = 0;
	sosys_close(so);
	ck_assert_int_eq(seen.disconnects, 1);
	ck_assert_int_eq(ctl_deregister(pr), 0);

	/* A failing connect callback: the error reaches the client, disconnect runs, unit freed. */
	seen.fail_connect = ECONNREFUSED;
	seen.disconnects = 0;
	so = open_connected("com.example.stream", SOSYS_SOCK_STREAM, 0, &err);
	ck_assert_int_eq(err, ECONNREFUSED);
	ck_assert_int_eq(seen.disconnects, 1);
	ck_assert_int_eq(ctl_deregister(sr), 0);
	sosys_close(so);
}
END_TEST

START_TEST(test_data_path_dgram)
{
	struct kern_ctl_reg r = reg_for("com.example.dgram", 0);
	kern_ctl_ref ref;
	struct sosys *so;
	char buf[64];
	size_t n, space;
	int err, fl, v;
	u_int64_t base = mbuf_live_count();

	memset(&seen, 0, sizeof(seen));
	r.ctl_recvsize = 100;
	ck_assert_int_eq(ctl_register(&r, &ref), 0);
	so = open_connected("com.example.dgram", SOSYS_SOCK_DGRAM, 0, &err);
	ck_assert_int_eq(err, 0);

	/* send → ctl_send with the bytes in an mbuf. */
	ck_assert_int_eq(sosys_send(so, "hello", 5, 0, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(seen.sends, 1);
	ck_assert_uint_eq(seen.last_len, 5);
	ck_assert_mem_eq(seen.last_data, "hello", 5);
	/* Larger than ctl_sendsize. */
	{
		static char big[3000];
		ck_assert_int_eq(sosys_send(so, big, sizeof(big), 0, &n), EMSGSIZE);
	}

	/* select: not readable (interest recorded), then readable once data is queued. */
	{
		int token;
		uint64_t gen = so->so_sel.si_gen;

		ck_assert_int_eq(sosys_select(so, 1, &token, NULL), 0);
		ck_assert(so->so_sel.si_flags & SI_RECORD);
		ck_assert_int_eq(sosys_select(so, 2, &token, NULL), 1);
		ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "sel", 3, 0), 0);
		ck_assert_uint_gt(so->so_sel.si_gen, gen);
		ck_assert_int_eq(sosys_select(so, 1, &token, NULL), 1);
		ck_assert_int_eq(sosys_recv(so, buf, sizeof(buf), 0, &n, &fl), 0);
		ck_assert_uint_eq(n, 3);
	}

	/* enqueue → recv, one record per read. */
	ck_assert_int_eq(ctl_getenqueuespace(ref, seen.last_unit, &space), 0);
	ck_assert_uint_eq(space, 100);
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "first", 5, 0), 0);
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "second-record", 13, 0), 0);
	ck_assert_int_eq(ctl_getenqueuespace(ref, seen.last_unit, &space), 0);
	ck_assert_uint_eq(space, 100 - 18);
	ck_assert_int_eq(sosys_recv(so, buf, sizeof(buf), 0, &n, &fl), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(buf, "first", 5);
	/* A short buffer truncates the datagram (MSG_TRUNC) and the rest is gone. */
	ck_assert_int_eq(sosys_recv(so, buf, 6, 0, &n, &fl), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert(fl & SOSYS_MSG_TRUNC);
	ck_assert_mem_eq(buf, "second", 6);
	ck_assert_int_eq(sosys_recv(so, buf, sizeof(buf), SOSYS_MSG_DONTWAIT, &n, &fl), EWOULDBLOCK);

	/* Full buffer: ENOBUFS; never fits: EMSGSIZE; unknown unit: EINVAL. */
	{
		static char chunk[128];
		ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, chunk, 60, 0), 0);
		ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, chunk, 60, 0), ENOBUFS);
		ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, chunk, 101, 0), EMSGSIZE);
		ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit + 1, chunk, 1, 0), EINVAL);
		ck_assert_int_eq(ctl_getenqueuespace(ref, seen.last_unit + 1, &space), EINVAL);
		v = 0;
		ck_assert_int_eq(sosys_ioctl(so, SOSYS_FIONREAD, &v), 0);
		ck_assert_int_eq(v, 60);
	}

	/* Options at SYSPROTO_CONTROL reach the kext; getopt reports the size. */
	v = 42;
	ck_assert_int_eq(sosys_setopt(so, SYSPROTO_CONTROL, 7, &v, sizeof(v)), 0);
	ck_assert_int_eq(seen.opt_value, 42);
	ck_assert_int_eq(sosys_setopt(so, SYSPROTO_CONTROL, 8, &v, sizeof(v)), EINVAL);
	v = 0;
	n = sizeof(v);
	ck_assert_int_eq(sosys_getopt(so, SYSPROTO_CONTROL, 7, &v, &n), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_uint_eq(n, sizeof(int));
	n = sizeof(v);
	ck_assert_int_eq(sosys_getopt(so, SOSYS_SOL_SOCKET, SOSYS_SO_RCVBUF, &v, &n), 0);
	ck_assert_int_eq(v, 100);

	/* Shutdown for writing: sends fail. */
	ck_assert_int_eq(sosys_shutdown(so, 1), 0);
	ck_assert_int_eq(sosys_send(so, "x", 1, 0, &n), EPIPE);

	sosys_close(so);
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "late", 4, 0), EINVAL);
	ck_assert_int_eq(ctl_deregister(ref), 0);
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

START_TEST(test_data_path_stream)
{
	struct kern_ctl_reg r = reg_for("com.example.s", CTL_FLAG_REG_SOCK_STREAM);
	kern_ctl_ref ref;
	struct sosys *so;
	char buf[64];
	size_t n;
	int err, fl;

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(ctl_register(&r, &ref), 0);
	so = open_connected("com.example.s", SOSYS_SOCK_STREAM, 0, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "abc", 3, 0), 0);
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "def", 3, CTL_DATA_EOR), 0);
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "ghi", 3, 0), 0);
	/* A stream read crosses enqueues and stops at the end of a record. */
	ck_assert_int_eq(sosys_recv(so, buf, 4, 0, &n, &fl), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(buf, "abcd", 4);
	ck_assert_int_eq(sosys_recv(so, buf, sizeof(buf), 0, &n, &fl), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(buf, "ef", 2);
	ck_assert(fl & SOSYS_MSG_EOR);
	ck_assert_int_eq(sosys_recv(so, buf, sizeof(buf), 0, &n, &fl), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(buf, "ghi", 3);
	/* Echo through ctl_enqueuembuf from inside ctl_send. */
	seen.echo = 1;
	ck_assert_int_eq(sosys_send(so, "ping", 4, 0, &n), 0);
	ck_assert_int_eq(sosys_recv(so, buf, sizeof(buf), 0, &n, &fl), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(buf, "ping", 4);
	sosys_close(so);
	ck_assert_int_eq(ctl_deregister(ref), 0);
}
END_TEST

static struct sosys *waiter_so;
static volatile int waiter_done, waiter_err;
static volatile size_t waiter_n;

static void
waiter(void *arg, wait_result_t wr)
{
	char buf[32];
	size_t n;
	int fl;

	waiter_err = sosys_recv(waiter_so, buf, sizeof(buf), 0, &n, &fl);
	waiter_n = n;
	__atomic_store_n(&waiter_done, 1, __ATOMIC_RELEASE);
}

static void
wait_done(void)
{
	for (int i = 0; i < 5000 && !__atomic_load_n(&waiter_done, __ATOMIC_ACQUIRE); i++)
		delay(1000);
	ck_assert(waiter_done);
}

START_TEST(test_blocking_recv)
{
	struct kern_ctl_reg r = reg_for("com.example.block", 0);
	kern_ctl_ref ref;
	thread_t th;
	int err;

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(ctl_register(&r, &ref), 0);
	waiter_so = open_connected("com.example.block", SOSYS_SOCK_DGRAM, 0, &err);
	ck_assert_int_eq(err, 0);
	waiter_done = 0;
	ck_assert_int_eq(kernel_thread_start(waiter, NULL, &th), KERN_SUCCESS);
	thread_deallocate(th);
	delay(20000);
	ck_assert(!waiter_done); /* blocked: nothing queued */
	ck_assert_int_eq(ctl_enqueuedata(ref, seen.last_unit, "wake", 4, 0), 0);
	wait_done();
	ck_assert_int_eq(waiter_err, 0);
	ck_assert_uint_eq(waiter_n, 4);

	/* A reader blocked when the connection is shut down sees EOF. */
	waiter_done = 0;
	ck_assert_int_eq(kernel_thread_start(waiter, NULL, &th), KERN_SUCCESS);
	thread_deallocate(th);
	delay(20000);
	ck_assert(!waiter_done);
	ck_assert_int_eq(sosys_shutdown(waiter_so, 0), 0);
	wait_done();
	ck_assert_int_eq(waiter_err, 0);
	ck_assert_uint_eq(waiter_n, 0);
	sosys_close(waiter_so);
	ck_assert_int_eq(ctl_deregister(ref), 0);
}
END_TEST

START_TEST(test_kernel_events)
{
	struct sosys *all, *mine;
	struct kev_request f;
	struct kev_msg msg;
	u_int32_t vendor, vendor2, data = 0x1234;
	union {
		struct kern_event_msg ev;
		char raw[256];
	} u;
	size_t n;
	int fl;
	struct kern_ctl_reg r = reg_for("com.example.ev", 0);
	kern_ctl_ref ref;

	ck_assert_int_eq(sosys_create(SOSYS_SOCK_DGRAM, SYSPROTO_EVENT, 0, &all), EPROTOTYPE);
	ck_assert_int_eq(sosys_create(SOSYS_SOCK_RAW, SYSPROTO_EVENT, 0, &all), 0);
	ck_assert_int_eq(sosys_create(SOSYS_SOCK_RAW, SYSPROTO_EVENT, 0, &mine), 0);
	ck_assert_int_eq(kev_vendor_code_find("com.example.vendor", &vendor), 0);
	ck_assert_int_eq(kev_vendor_code_find("com.example.vendor", &vendor2), 0);
	ck_assert_uint_eq(vendor, vendor2);
	ck_assert_uint_gt(vendor, KEV_VENDOR_APPLE);
	ck_assert_int_eq(kev_vendor_code_find("com.apple", &vendor2), 0);
	ck_assert_uint_eq(vendor2, KEV_VENDOR_APPLE);

	memset(&f, 0, sizeof(f));
	f.vendor_code = vendor;
	f.kev_class = 7;
	ck_assert_int_eq(sosys_ioctl(mine, SIOCSKEVFILT, &f), 0);
	f.vendor_code = 0;
	ck_assert_int_eq(sosys_ioctl(mine, SIOCSKEVFILT, &f), EINVAL); /* class without vendor */

	memset(&msg, 0, sizeof(msg));
	msg.vendor_code = KEV_VENDOR_APPLE;
	ck_assert_int_eq(kev_msg_post(&msg), EINVAL); /* kexts cannot post as Apple */
	msg.vendor_code = vendor;
	msg.kev_class = 8; /* not mine's class */
	msg.event_code = 1;
	ck_assert_int_eq(kev_msg_post(&msg), 0);
	msg.kev_class = 7;
	msg.event_code = 2;
	msg.dv[0].data_length = sizeof(data);
	msg.dv[0].data_ptr = &data;
	ck_assert_int_eq(kev_msg_post(&msg), 0);

	/* The filtered listener sees only the second event, with its data. */
	ck_assert_int_eq(sosys_recv(mine, &u, sizeof(u), SOSYS_MSG_DONTWAIT, &n, &fl), 0);
	ck_assert_uint_eq(n, KEV_MSG_HEADER_SIZE + 4);
	ck_assert_uint_eq(u.ev.total_size, n);
	ck_assert_uint_eq(u.ev.event_code, 2);
	ck_assert_uint_eq(u.ev.vendor_code, vendor);
	ck_assert_uint_eq(u.ev.event_data[0], 0x1234);
	ck_assert_int_eq(sosys_recv(mine, &u, sizeof(u), SOSYS_MSG_DONTWAIT, &n, &fl), EWOULDBLOCK);
	/* The unfiltered one sees both, ids consecutive. */
	ck_assert_int_eq(sosys_recv(all, &u, sizeof(u), 0, &n, &fl), 0);
	ck_assert_uint_eq(u.ev.event_code, 1);
	{
		u_int32_t id1 = u.ev.id;
		ck_assert_int_eq(sosys_recv(all, &u, sizeof(u), 0, &n, &fl), 0);
		ck_assert_uint_eq(u.ev.id, id1 + 1);
	}
	/* Registering a control posts KEV_CTL_REGISTERED. */
	ck_assert_int_eq(ctl_register(&r, &ref), 0);
	ck_assert_int_eq(sosys_recv(all, &u, sizeof(u), 0, &n, &fl), 0);
	ck_assert_uint_eq(u.ev.vendor_code, KEV_VENDOR_APPLE);
	ck_assert_uint_eq(u.ev.kev_class, KEV_SYSTEM_CLASS);
	ck_assert_uint_eq(u.ev.kev_subclass, KEV_CTL_SUBCLASS);
	ck_assert_uint_eq(u.ev.event_code, KEV_CTL_REGISTERED);
	ck_assert_uint_eq(u.ev.event_data[0], r.ctl_id);
	ck_assert_int_eq(ctl_deregister(ref), 0);
	sosys_close(all);
	sosys_close(mine);
}
END_TEST

/* Concurrency: threads with their own connections echo through one control at once. */
#define CC_THREADS 8
#define CC_ROUNDS 2000

static kern_ctl_ref cc_ref;
static volatile int cc_ok, cc_finished;

static errno_t
cc_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	return 0;
}

static errno_t
cc_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	errno_t e = ctl_enqueuembuf(ref, unit, m, CTL_DATA_EOR);

	if (e != 0)
		mbuf_freem(m);
	return e;
}

static void
cc_worker(void *arg, wait_result_t wr)
{
	struct sosys *so;
	struct sockaddr_ctl a;
	struct ctl_info ci;
	int good = 1;

	if (sosys_create(SOSYS_SOCK_DGRAM, SYSPROTO_CONTROL, 0, &so) != 0) {
		good = 0;
		goto out;
	}
	memset(&ci, 0, sizeof(ci));
	strlcpy(ci.ctl_name, "com.example.cc", sizeof(ci.ctl_name));
	if (sosys_ioctl(so, CTLIOCGINFO, &ci) != 0)
		good = 0;
	a = addr_for(ci.ctl_id, 0);
	if (good && sosys_connect(so, &a, sizeof(a)) != 0)
		good = 0;
	for (int i = 0; good && i < CC_ROUNDS; i++) {
		char msg[32], back[32];
		size_t n, m;
		int fl;
		int len = snprintf(msg, sizeof(msg), "%lu:%d", (unsigned long)(uintptr_t)arg, i);

		if (sosys_send(so, msg, (size_t)len, 0, &n) != 0 ||
		    sosys_recv(so, back, sizeof(back), 0, &m, &fl) != 0 || m != (size_t)len ||
		    memcmp(msg, back, m) != 0)
			good = 0;
	}
	sosys_close(so);
out:
	if (good)
		__atomic_add_fetch(&cc_ok, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&cc_finished, 1, __ATOMIC_RELEASE);
}

START_TEST(test_concurrent_clients)
{
	struct kern_ctl_reg r;
	u_int64_t base = mbuf_live_count();

	memset(&r, 0, sizeof(r));
	strlcpy(r.ctl_name, "com.example.cc", sizeof(r.ctl_name));
	r.ctl_connect = cc_connect;
	r.ctl_send = cc_send;
	ck_assert_int_eq(ctl_register(&r, &cc_ref), 0);
	cc_ok = cc_finished = 0;
	for (uintptr_t i = 0; i < CC_THREADS; i++) {
		thread_t th;

		ck_assert_int_eq(kernel_thread_start(cc_worker, (void *)i, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	for (int i = 0; i < 20000 && __atomic_load_n(&cc_finished, __ATOMIC_ACQUIRE) < CC_THREADS; i++)
		delay(1000);
	ck_assert_int_eq(cc_finished, CC_THREADS);
	ck_assert_int_eq(cc_ok, CC_THREADS);
	ck_assert_int_eq(ctl_deregister(cc_ref), 0);
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kern_control");
	TCase *tc = ktest_tcase("kern_control");

	tcase_add_test(tc, test_register_rules);
	tcase_add_test(tc, test_connect_rules);
	tcase_add_test(tc, test_data_path_dgram);
	tcase_add_test(tc, test_data_path_stream);
	tcase_add_test(tc, test_blocking_recv);
	tcase_add_test(tc, test_kernel_events);
	tcase_add_test(tc, test_concurrent_clients);
	suite_add_tcase(s, tc);
	return s;
}
