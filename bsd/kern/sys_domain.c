/*
 * sys_domain.c — PF_SYSTEM sockets: creation, the receive queue, blocking
 * reads, send, options, shutdown and close, dispatching to the protocol
 * (kernel control or kernel events). See bsd/sys/sys_domain_internal.h for
 * the locking rules.
 *
 * Receive queue: each enqueue is one record (a packet linked by m_nextpkt).
 * Datagram and raw sockets return one record per read and drop what does
 * not fit (MSG_TRUNC); stream sockets read across records. The buffer
 * capacity (sb_hiwat) is the control's ctl_recvsize or SO_RCVBUF; a record
 * that does not fit is refused (ENOBUFS) rather than partly queued, so a
 * kext's message is delivered whole or not at all.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/time.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include "bsd/sys/mbuf_internal.h"
#include "bsd/sys/sys_domain_internal.h"
#include "osfmk/UserNotification/kunc_internal.h"

#define SOSYS_DEFAULT_RCV (8 * 1024)
#define SOSYS_DEFAULT_SND (2 * 1024)
#define SOSYS_MAX_BUF (1024 * 1024) /* largest SO_RCVBUF / SO_SNDBUF */

lck_mtx_t *sysdom_lock;
static lck_grp_t *sysdom_grp;
static int sysdom_once; /* 0 not started, 1 in progress, 2 done */

void
sysdom_init(void)
{
	int expected = 0;

	if (__atomic_load_n(&sysdom_once, __ATOMIC_ACQUIRE) == 2)
		return;
	if (__atomic_compare_exchange_n(&sysdom_once, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		sysdom_grp = lck_grp_alloc_init("sysdom", LCK_GRP_ATTR_NULL);
		sysdom_lock = lck_mtx_alloc_init(sysdom_grp, LCK_ATTR_NULL);
		__atomic_store_n(&sysdom_once, 2, __ATOMIC_RELEASE);
		/* Controls of the kernel itself (registering re-enters sysdom_init: done by now). */
		kunc_init();
		return;
	}
	while (__atomic_load_n(&sysdom_once, __ATOMIC_ACQUIRE) != 2)
		__builtin_ia32_pause();
}

static const struct sosys_proto *
sosys_find_proto(int proto)
{
	if (proto == SYSPROTO_CONTROL)
		return &kctl_proto;
	if (proto == SYSPROTO_EVENT)
		return &kev_proto;
	return NULL;
}

int
sosys_create(int type, int proto, int priv, struct sosys **out)
{
	const struct sosys_proto *pr;
	struct sosys *so;
	int err;

	*out = NULL;
	sysdom_init();
	pr = sosys_find_proto(proto);
	if (pr == NULL)
		return EPROTONOSUPPORT;
	/* Darwin: events are SOCK_RAW; controls SOCK_DGRAM or SOCK_STREAM. */
	if (proto == SYSPROTO_EVENT ? type != SOSYS_SOCK_RAW
	                            : (type != SOSYS_SOCK_DGRAM && type != SOSYS_SOCK_STREAM))
		return EPROTOTYPE;
	so = kalloc(sizeof(*so));
	if (so == NULL)
		return ENOMEM;
	memset(so, 0, sizeof(*so));
	so->so_type = type;
	so->so_proto = proto;
	so->so_priv = priv;
	so->so_protosw = pr;
	so->so_rcv.sb_hiwat = SOSYS_DEFAULT_RCV;
	so->so_snd_hiwat = SOSYS_DEFAULT_SND;
	err = pr->sp_attach(so);
	if (err != 0) {
		kfree(so, sizeof(*so));
		return err;
	}
	*out = so;
	return 0;
}

/* Enter a call on so (fails once close began). */
static int
sosys_enter(struct sosys *so)
{
	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	if (so->so_state & SS_CLOSING)
		return EBADF;
	so->so_busy++;
	return 0;
}

static void
sosys_leave(struct sosys *so)
{
	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	if (--so->so_busy == 0 && (so->so_state & SS_CLOSING))
		wakeup(&so->so_busy);
}

int
sosys_connect(struct sosys *so, const void *addr, size_t len)
{
	int err;

	if (addr == NULL)
		return EINVAL;
	lck_mtx_lock(sysdom_lock);
	err = sosys_enter(so);
	if (err == 0) {
		if (so->so_protosw->sp_connect == NULL)
			err = EOPNOTSUPP;
		else if (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING))
			err = EISCONN;
		else
			so->so_state |= SS_ISCONNECTING;
		if (err == 0) {
			lck_mtx_unlock(sysdom_lock);
			err = so->so_protosw->sp_connect(so, addr, len);
			lck_mtx_lock(sysdom_lock);
			so->so_state &= ~SS_ISCONNECTING;
			if (err == 0)
				so->so_state |= SS_ISCONNECTED;
		}
		sosys_leave(so);
	}
	lck_mtx_unlock(sysdom_lock);
	return err;
}

int
sosys_send(struct sosys *so, const void *data, size_t len, int flags, size_t *sent)
{
	mbuf_t m;
	int err;

	*sent = 0;
	if (len > 0 && data == NULL)
		return EINVAL;
	lck_mtx_lock(sysdom_lock);
	err = sosys_enter(so);
	if (err != 0)
		goto out_unlock;
	if (so->so_state & SS_CANTSENDMORE)
		err = EPIPE;
	else if (!(so->so_state & SS_ISCONNECTED))
		err = ENOTCONN;
	else if (so->so_protosw->sp_send == NULL)
		err = EOPNOTSUPP;
	else if (len > so->so_snd_hiwat)
		err = EMSGSIZE;
	if (err != 0)
		goto out_leave;
	lck_mtx_unlock(sysdom_lock);
	m = m_from_bytes(data, len, MBUF_WAITOK);
	err = m == NULL ? ENOBUFS : so->so_protosw->sp_send(so, m, flags);
	lck_mtx_lock(sysdom_lock);
	if (err == 0)
		*sent = len;
out_leave:
	sosys_leave(so);
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

size_t
sosys_space(struct sosys *so)
{
	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	return so->so_rcv.sb_cc >= so->so_rcv.sb_hiwat ? 0 : so->so_rcv.sb_hiwat - so->so_rcv.sb_cc;
}

int
sosys_append(struct sosys *so, mbuf_t m, int eor)
{
	size_t len = m_length(m);

	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	if (so->so_state & (SS_CANTRCVMORE | SS_CLOSING))
		return ENOTCONN;
	if (len > sosys_space(so))
		return ENOBUFS;
	if (eor)
		m->m_flags |= M_EOR;
	m->m_nextpkt = NULL;
	if (so->so_rcv.sb_tail != NULL)
		so->so_rcv.sb_tail->m_nextpkt = m;
	else
		so->so_rcv.sb_head = m;
	so->so_rcv.sb_tail = m;
	so->so_rcv.sb_cc += len;
	return 0;
}

void
sosys_wakeup(struct sosys *so)
{
	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	wakeup(&so->so_rcv);
	selwakeup(&so->so_sel);
}

void
sosys_disconnected(struct sosys *so)
{
	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	so->so_state &= ~(SS_ISCONNECTED | SS_ISCONNECTING);
	so->so_state |= SS_CANTSENDMORE | SS_CANTRCVMORE;
	wakeup(&so->so_rcv);
	selwakeup(&so->so_sel);
}

/* Take the first record off the queue. */
static mbuf_t
sosys_dequeue(struct sosys *so)
{
	mbuf_t m = so->so_rcv.sb_head;

	so->so_rcv.sb_head = m->m_nextpkt;
	if (so->so_rcv.sb_head == NULL)
		so->so_rcv.sb_tail = NULL;
	m->m_nextpkt = NULL;
	so->so_rcv.sb_cc -= m_length(m);
	return m;
}

/* Copy out up to len bytes of the queue; consumes unless MSG_PEEK. */
static size_t
sosys_take(struct sosys *so, char *buf, size_t len, int flags, int *outflags)
{
	size_t got = 0;

	while (so->so_rcv.sb_head != NULL && (got < len || so->so_type != SOSYS_SOCK_STREAM)) {
		mbuf_t m = so->so_rcv.sb_head;
		size_t rlen = m_length(m), n = rlen < len - got ? rlen : len - got;
		int eor = (m->m_flags & M_EOR) != 0;

		mbuf_copydata(m, 0, n, buf + got);
		got += n;
		if (so->so_type != SOSYS_SOCK_STREAM) {
			/* One record per read; the rest of a long one is dropped. */
			if (n < rlen)
				*outflags |= SOSYS_MSG_TRUNC;
			if (!(flags & SOSYS_MSG_PEEK))
				mbuf_freem(sosys_dequeue(so));
			break;
		}
		if (flags & SOSYS_MSG_PEEK) {
			/* Peeking a stream looks at the first record only. */
			break;
		}
		if (n == rlen) {
			mbuf_freem(sosys_dequeue(so));
			if (eor) {
				*outflags |= SOSYS_MSG_EOR;
				break;
			}
		} else {
			mbuf_adj(m, (int)n);
			so->so_rcv.sb_cc -= n;
		}
	}
	return got;
}

int
sosys_recv(struct sosys *so, void *buf, size_t len, int flags, size_t *got, int *outflags)
{
	int err, freed = 0;

	*got = 0;
	*outflags = 0;
	if (len > 0 && buf == NULL)
		return EINVAL;
	lck_mtx_lock(sysdom_lock);
	err = sosys_enter(so);
	if (err != 0)
		goto out_unlock;
	for (;;) {
		struct timespec ts, *tsp = NULL;

		if (so->so_rcv.sb_head != NULL) {
			*got = sosys_take(so, buf, len, flags, outflags);
			freed = !(flags & SOSYS_MSG_PEEK);
			break;
		}
		if (so->so_state & (SS_CANTRCVMORE | SS_CLOSING))
			break; /* EOF */
		if (so->so_proto == SYSPROTO_CONTROL && !(so->so_state & SS_ISCONNECTED)) {
			err = ENOTCONN;
			break;
		}
		if ((so->so_state & SS_NBIO) || (flags & SOSYS_MSG_DONTWAIT)) {
			err = EWOULDBLOCK;
			break;
		}
		if (so->so_rcvtimeo_ns != 0) {
			ts.tv_sec = (long)(so->so_rcvtimeo_ns / 1000000000ull);
			ts.tv_nsec = (long)(so->so_rcvtimeo_ns % 1000000000ull);
			tsp = &ts;
		}
		err = msleep(&so->so_rcv, sysdom_lock, PSOCK | PCATCH, "sosysrcv", tsp);
		if (err == EWOULDBLOCK || err == ETIMEDOUT) {
			err = EWOULDBLOCK; /* SO_RCVTIMEO expired */
			break;
		}
		if (err != 0)
			break;
	}
	if (freed && so->so_protosw->sp_rcvd != NULL)
		so->so_protosw->sp_rcvd(so, flags);
	sosys_leave(so);
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

int
sosys_ioctl(struct sosys *so, u_long cmd, void *data)
{
	int err;

	lck_mtx_lock(sysdom_lock);
	err = sosys_enter(so);
	if (err != 0)
		goto out_unlock;
	switch (cmd) {
	case SOSYS_FIONBIO:
		if (*(int *)data)
			so->so_state |= SS_NBIO;
		else
			so->so_state &= ~SS_NBIO;
		break;
	case SOSYS_FIONREAD:
		*(int *)data = (int)so->so_rcv.sb_cc;
		break;
	default:
		if (so->so_protosw->sp_ioctl == NULL) {
			err = ENOTTY;
			break;
		}
		lck_mtx_unlock(sysdom_lock);
		err = so->so_protosw->sp_ioctl(so, cmd, data);
		lck_mtx_lock(sysdom_lock);
		break;
	}
	sosys_leave(so);
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

struct sosys_timeval {
	int64_t tv_sec;
	int32_t tv_usec;
	int32_t pad;
};

static int
sosys_sol_setopt(struct sosys *so, int name, const void *data, size_t len)
{
	int v;

	if (name == SOSYS_SO_RCVTIMEO) {
		struct sosys_timeval tv;

		if (len < sizeof(tv))
			return EINVAL;
		memcpy(&tv, data, sizeof(tv));
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return EDOM;
		so->so_rcvtimeo_ns = (u_int64_t)tv.tv_sec * 1000000000ull + (u_int64_t)tv.tv_usec * 1000ull;
		return 0;
	}
	if (len < sizeof(int))
		return EINVAL;
	memcpy(&v, data, sizeof(v));
	switch (name) {
	case SOSYS_SO_RCVBUF:
	case SOSYS_SO_SNDBUF:
		if (v <= 0 || v > SOSYS_MAX_BUF)
			return ENOBUFS;
		if (name == SOSYS_SO_RCVBUF)
			so->so_rcv.sb_hiwat = (size_t)v;
		else
			so->so_snd_hiwat = (size_t)v;
		return 0;
	default:
		return ENOPROTOOPT;
	}
}

static int
sosys_sol_getopt(struct sosys *so, int name, void *data, size_t *len)
{
	int v;

	if (*len < sizeof(int))
		return EINVAL;
	switch (name) {
	case SOSYS_SO_RCVBUF:
		v = (int)so->so_rcv.sb_hiwat;
		break;
	case SOSYS_SO_SNDBUF:
		v = (int)so->so_snd_hiwat;
		break;
	case SOSYS_SO_TYPE:
		v = so->so_type;
		break;
	case SOSYS_SO_NREAD:
		v = so->so_rcv.sb_head != NULL ? (int)m_length(so->so_rcv.sb_head) : 0;
		break;
	default:
		return ENOPROTOOPT;
	}
	memcpy(data, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

int
sosys_setopt(struct sosys *so, int level, int name, const void *data, size_t len)
{
	int err;

	if (len > 0 && data == NULL)
		return EINVAL;
	lck_mtx_lock(sysdom_lock);
	err = sosys_enter(so);
	if (err != 0)
		goto out_unlock;
	if (level == SOSYS_SOL_SOCKET) {
		err = sosys_sol_setopt(so, name, data, len);
	} else if (level != so->so_proto || so->so_protosw->sp_setopt == NULL) {
		err = ENOPROTOOPT;
	} else {
		lck_mtx_unlock(sysdom_lock);
		err = so->so_protosw->sp_setopt(so, name, data, len);
		lck_mtx_lock(sysdom_lock);
	}
	sosys_leave(so);
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

int
sosys_getopt(struct sosys *so, int level, int name, void *data, size_t *len)
{
	int err;

	lck_mtx_lock(sysdom_lock);
	err = sosys_enter(so);
	if (err != 0)
		goto out_unlock;
	if (level == SOSYS_SOL_SOCKET) {
		err = data == NULL ? EINVAL : sosys_sol_getopt(so, name, data, len);
	} else if (level != so->so_proto || so->so_protosw->sp_getopt == NULL) {
		err = ENOPROTOOPT;
	} else {
		size_t cap = *len;

		lck_mtx_unlock(sysdom_lock);
		err = so->so_protosw->sp_getopt(so, name, data, len);
		lck_mtx_lock(sysdom_lock);
		/* A kext that claims more than the buffer it was given: report what fits. */
		if (err == 0 && data != NULL && *len > cap)
			*len = cap;
	}
	sosys_leave(so);
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

/* how: 0 SHUT_RD, 1 SHUT_WR, 2 SHUT_RDWR. */
int
sosys_shutdown(struct sosys *so, int how)
{
	int err = 0;

	if (how < 0 || how > 2)
		return EINVAL;
	lck_mtx_lock(sysdom_lock);
	if (so->so_proto == SYSPROTO_CONTROL && !(so->so_state & SS_ISCONNECTED))
		err = ENOTCONN;
	else {
		if (how != 1) {
			so->so_state |= SS_CANTRCVMORE;
			mbuf_freem_list(so->so_rcv.sb_head);
			so->so_rcv.sb_head = so->so_rcv.sb_tail = NULL;
			so->so_rcv.sb_cc = 0;
			wakeup(&so->so_rcv);
			selwakeup(&so->so_sel);
		}
		if (how != 0)
			so->so_state |= SS_CANTSENDMORE;
	}
	lck_mtx_unlock(sysdom_lock);
	return err;
}

int
sosys_poll(struct sosys *so)
{
	int r = 0;

	lck_mtx_lock(sysdom_lock);
	if (so->so_rcv.sb_head != NULL || (so->so_state & SS_CANTRCVMORE))
		r |= 1;
	if ((so->so_state & SS_ISCONNECTED) && !(so->so_state & SS_CANTSENDMORE))
		r |= 2;
	lck_mtx_unlock(sysdom_lock);
	return r;
}

int
sosys_select(struct sosys *so, int which, void *wql, proc_t p)
{
	int ready;

	if (which == 2)
		return 1;
	lck_mtx_lock(sysdom_lock);
	ready = which == 1 && (so->so_rcv.sb_head != NULL || (so->so_state & (SS_CANTRCVMORE | SS_CLOSING)));
	if (!ready)
		selrecord(p, &so->so_sel, wql);
	lck_mtx_unlock(sysdom_lock);
	return ready;
}

void
sosys_close(struct sosys *so)
{
	if (so == NULL)
		return;
	lck_mtx_lock(sysdom_lock);
	so->so_state |= SS_CLOSING;
	wakeup(&so->so_rcv);
	selwakeup(&so->so_sel);
	while (so->so_busy != 0)
		msleep(&so->so_busy, sysdom_lock, PSOCK, "sosysclose", NULL);
	lck_mtx_unlock(sysdom_lock);
	/* The protocol disconnects (calling the kext without the lock) and frees its pcb. */
	so->so_protosw->sp_detach(so);
	lck_mtx_lock(sysdom_lock);
	mbuf_freem_list(so->so_rcv.sb_head);
	so->so_rcv.sb_head = so->so_rcv.sb_tail = NULL;
	lck_mtx_unlock(sysdom_lock);
	kfree(so, sizeof(*so));
}
