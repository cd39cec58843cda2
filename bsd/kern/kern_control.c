/*
 * kern_control.c — kernel controls: the registry of controls a kext
 * registers (ctl_register/ctl_deregister), the SYSPROTO_CONTROL protocol
 * of PF_SYSTEM sockets (CTLIOCGINFO, connect, send, options, close →
 * disconnect) and the kext's side of the data path (ctl_enqueuedata,
 * ctl_enqueuembuf, ctl_getenqueuespace).
 *
 * Rules as in XNU: a control has a unique name; without
 * CTL_FLAG_REG_ID_UNIT it gets a dynamic id (1, 2, ... skipping ids in use)
 * and each connection a unit (the client's sc_unit, or the lowest free unit
 * when sc_unit is 0); with the flag, the (ctl_id, ctl_unit) pair is the
 * address and admits one connection. ctl_deregister fails with EBUSY while
 * any client is connected (or connecting). A privileged control refuses
 * clients that are not root with EPERM; a control's socket type
 * (CTL_FLAG_REG_SOCK_STREAM or datagram) must match the client's
 * (EPROTOTYPE). When ctl_connect fails, ctl_disconnect is called too, as
 * recent XNU does, so a kext can free what connect set up.
 *
 * All state is under sysdom_lock (sys_domain_internal.h); kext callbacks run
 * without it. A kern_ctl_ref is the address of the registry entry, checked
 * against the registry on every use so a stale ref gives EINVAL, not a
 * crash.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <sys/kern_control.h>
#include <sys/kern_event.h>
#include "bsd/sys/mbuf_internal.h"
#include "bsd/sys/sys_domain_internal.h"
#include "bsd/sys/kern_control_internal.h"

#define CTL_SENDSIZE (2 * 1024) /* default ctl_sendsize (XNU's) */
#define CTL_RECVSIZE (8 * 1024) /* default ctl_recvsize (XNU's) */
#define CTL_MAXSIZE (1024 * 1024)

struct kctl;

struct ctl_cb {
	struct ctl_cb *next; /* on kctl->kcbs */
	struct kctl *kctl;
	struct sosys *so;
	u_int32_t unit;
	void *userdata; /* the kext's unitinfo */
	int attached;   /* on kctl->kcbs */
};

struct kctl {
	struct kctl *next;
	char name[MAX_KCTL_NAME];
	u_int32_t id, reg_unit, flags;
	u_int32_t sendsize, recvsize;
	ctl_connect_func connect;
	ctl_disconnect_func disconnect;
	ctl_send_func send;
	ctl_setopt_func setopt;
	ctl_getopt_func getopt;
	struct ctl_cb *kcbs; /* connected and connecting clients */
	unsigned int pcbcount;
};

static struct kctl *kctl_list;
static unsigned int kctl_count;

/* ---- registry ----------------------------------------------------------- */

static struct kctl *
kctl_from_ref(kern_ctl_ref ref)
{
	struct kctl *k;

	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	for (k = kctl_list; k != NULL; k = k->next)
		if (k == ref)
			return k;
	return NULL;
}

static struct kctl *
kctl_find_name(const char *name)
{
	struct kctl *k;

	for (k = kctl_list; k != NULL; k = k->next)
		if (strncmp(k->name, name, MAX_KCTL_NAME) == 0)
			return k;
	return NULL;
}

/* With CTL_FLAG_REG_ID_UNIT controls, (id, unit) picks one; otherwise the id does. */
static struct kctl *
kctl_find_id(u_int32_t id, u_int32_t unit)
{
	struct kctl *k;

	for (k = kctl_list; k != NULL; k = k->next) {
		if (k->id != id)
			continue;
		if (!(k->flags & CTL_FLAG_REG_ID_UNIT) || k->reg_unit == unit)
			return k;
	}
	return NULL;
}

static int
kctl_id_used(u_int32_t id)
{
	struct kctl *k;

	for (k = kctl_list; k != NULL; k = k->next)
		if (k->id == id)
			return 1;
	return 0;
}

errno_t
ctl_register(struct kern_ctl_reg *reg, kern_ctl_ref *kctlref)
{
	struct kctl *k;
	size_t nlen;
	errno_t err = 0;

	if (reg == NULL || kctlref == NULL || reg->ctl_connect == NULL)
		return EINVAL;
	nlen = strnlen(reg->ctl_name, MAX_KCTL_NAME);
	if (nlen == 0 || nlen == MAX_KCTL_NAME)
		return EINVAL;
	if (reg->ctl_flags &
	    ~(u_int32_t)(CTL_FLAG_PRIVILEGED | CTL_FLAG_REG_ID_UNIT | CTL_FLAG_REG_SOCK_STREAM))
		return EINVAL;
	if (reg->ctl_sendsize > CTL_MAXSIZE || reg->ctl_recvsize > CTL_MAXSIZE)
		return EINVAL;
	if ((reg->ctl_flags & CTL_FLAG_REG_ID_UNIT) && reg->ctl_id == 0)
		return EINVAL;
	sysdom_init();
	k = kalloc(sizeof(*k));
	if (k == NULL)
		return ENOMEM;
	memset(k, 0, sizeof(*k));
	memcpy(k->name, reg->ctl_name, nlen);
	k->flags = reg->ctl_flags;
	k->sendsize = reg->ctl_sendsize ? reg->ctl_sendsize : CTL_SENDSIZE;
	k->recvsize = reg->ctl_recvsize ? reg->ctl_recvsize : CTL_RECVSIZE;
	k->connect = reg->ctl_connect;
	k->disconnect = reg->ctl_disconnect;
	k->send = reg->ctl_send;
	k->setopt = reg->ctl_setopt;
	k->getopt = reg->ctl_getopt;

	lck_mtx_lock(sysdom_lock);
	if (k->flags & CTL_FLAG_REG_ID_UNIT) {
		/* Several units may share a creator-code id (and its name). */
		struct kctl *same = kctl_find_name(k->name);

		if (kctl_find_id(reg->ctl_id, reg->ctl_unit) != NULL ||
		    (same != NULL && same->id != reg->ctl_id)) {
			err = EEXIST;
			goto out_unlock;
		}
		k->id = reg->ctl_id;
		k->reg_unit = reg->ctl_unit;
	} else {
		u_int32_t id = 1;

		if (kctl_find_name(k->name) != NULL) {
			err = EEXIST;
			goto out_unlock;
		}
		while (kctl_id_used(id))
			id++;
		k->id = id;
	}
	k->next = kctl_list;
	kctl_list = k;
	kctl_count++;
	reg->ctl_id = k->id;
	reg->ctl_sendsize = k->sendsize;
	reg->ctl_recvsize = k->recvsize;
	*kctlref = k;
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	if (err != 0) {
		kfree(k, sizeof(*k));
		return err;
	}
	kctl_post_event(KEV_CTL_REGISTERED, k->id, k->reg_unit);
	return 0;
}

errno_t
ctl_deregister(kern_ctl_ref kctlref)
{
	struct kctl *k, **kp;
	u_int32_t id, unit;

	if (kctlref == NULL)
		return EINVAL;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	k = kctl_from_ref(kctlref);
	if (k == NULL) {
		lck_mtx_unlock(sysdom_lock);
		return EINVAL;
	}
	if (k->pcbcount != 0) {
		lck_mtx_unlock(sysdom_lock);
		return EBUSY;
	}
	for (kp = &kctl_list; *kp != k; kp = &(*kp)->next)
		;
	*kp = k->next;
	kctl_count--;
	id = k->id;
	unit = k->reg_unit;
	lck_mtx_unlock(sysdom_lock);
	kfree(k, sizeof(*k));
	kctl_post_event(KEV_CTL_DEREGISTERED, id, unit);
	return 0;
}

/* ---- the kext's side of the data path ----------------------------------- */

/* The connected client at (ref, unit), or NULL. */
static struct ctl_cb *
kcb_find(kern_ctl_ref ref, u_int32_t unit)
{
	struct kctl *k = kctl_from_ref(ref);
	struct ctl_cb *kcb;

	if (k == NULL)
		return NULL;
	for (kcb = k->kcbs; kcb != NULL; kcb = kcb->next)
		if (kcb->unit == unit)
			return kcb;
	return NULL;
}

static errno_t
ctl_enqueue_locked(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags)
{
	struct ctl_cb *kcb = kcb_find(kctlref, unit);
	size_t len;
	int err;

	if (kcb == NULL)
		return EINVAL;
	len = m_length(m);
	if (len > kcb->so->so_rcv.sb_hiwat)
		return EMSGSIZE;
	err = sosys_append(kcb->so, m, (flags & CTL_DATA_EOR) != 0);
	if (err == ENOTCONN)
		err = EINVAL;
	if (err == 0 && !(flags & CTL_DATA_NOWAKEUP))
		sosys_wakeup(kcb->so);
	return err;
}

errno_t
ctl_enqueuembuf(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags)
{
	errno_t err;

	if (kctlref == NULL || m == NULL)
		return EINVAL;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	err = ctl_enqueue_locked(kctlref, unit, m, flags);
	lck_mtx_unlock(sysdom_lock);
	return err;
}

errno_t
ctl_enqueuedata(kern_ctl_ref kctlref, u_int32_t unit, void *data, size_t len, u_int32_t flags)
{
	mbuf_t m;
	errno_t err;

	if (kctlref == NULL || (data == NULL && len > 0))
		return EINVAL;
	if (len > CTL_MAXSIZE)
		return EMSGSIZE;
	/* Build the packet before taking the lock: allocation may sleep. */
	m = m_from_bytes(data, len, MBUF_DONTWAIT);
	if (m == NULL)
		return ENOBUFS;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	err = ctl_enqueue_locked(kctlref, unit, m, flags);
	lck_mtx_unlock(sysdom_lock);
	if (err != 0)
		mbuf_freem(m);
	return err;
}

errno_t
ctl_getenqueuespace(kern_ctl_ref kctlref, u_int32_t unit, size_t *space)
{
	struct ctl_cb *kcb;
	errno_t err = 0;

	if (kctlref == NULL || space == NULL)
		return EINVAL;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	kcb = kcb_find(kctlref, unit);
	if (kcb == NULL)
		err = EINVAL;
	else
		*space = sosys_space(kcb->so);
	lck_mtx_unlock(sysdom_lock);
	return err;
}

errno_t
ctl_getenqueuereadable(kern_ctl_ref kctlref, u_int32_t unit, u_int32_t *difference)
{
	struct ctl_cb *kcb;
	errno_t err = 0;

	if (kctlref == NULL || difference == NULL)
		return EINVAL;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	kcb = kcb_find(kctlref, unit);
	if (kcb == NULL)
		err = EINVAL;
	else
		*difference = kcb->so->so_rcv.sb_cc >= 1 ? 0 : 1; /* low-water mark 1 */
	lck_mtx_unlock(sysdom_lock);
	return err;
}

/* ---- queries for the socket layer and tools ------------------------------ */

int
kctl_info_by_name(const char *name, u_int32_t *id)
{
	struct kctl *k;
	int err = 0;

	if (strnlen(name, MAX_KCTL_NAME) == MAX_KCTL_NAME)
		return EINVAL;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	k = kctl_find_name(name);
	if (k == NULL)
		err = ENOENT;
	else
		*id = k->id;
	lck_mtx_unlock(sysdom_lock);
	return err;
}

unsigned int
kctl_registered_count(void)
{
	unsigned int n;

	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	n = kctl_count;
	lck_mtx_unlock(sysdom_lock);
	return n;
}

/* ---- the SYSPROTO_CONTROL protocol --------------------------------------- */

static int
kctl_attach(struct sosys *so)
{
	struct ctl_cb *kcb = kalloc(sizeof(*kcb));

	if (kcb == NULL)
		return ENOMEM;
	memset(kcb, 0, sizeof(*kcb));
	kcb->so = so;
	so->so_pcb = kcb;
	return 0;
}

static void
kcb_unlink(struct ctl_cb *kcb)
{
	struct kctl *k = kcb->kctl;
	struct ctl_cb **pp;

	lck_mtx_assert(sysdom_lock, LCK_MTX_ASSERT_OWNED);
	if (!kcb->attached)
		return;
	for (pp = &k->kcbs; *pp != kcb; pp = &(*pp)->next)
		;
	*pp = kcb->next;
	kcb->attached = 0;
	k->pcbcount--;
}

static int
kctl_connect(struct sosys *so, const void *addr, size_t len)
{
	struct ctl_cb *kcb = so->so_pcb;
	struct sockaddr_ctl sac;
	struct kctl *k;
	struct ctl_cb *c;
	int err;

	if (len < sizeof(sac))
		return EINVAL;
	memcpy(&sac, addr, sizeof(sac));
	if (sac.sc_family != AF_SYSTEM || sac.ss_sysaddr != AF_SYS_CONTROL)
		return EAFNOSUPPORT;
	lck_mtx_lock(sysdom_lock);
	k = kctl_find_id(sac.sc_id, sac.sc_unit);
	if (k == NULL) {
		err = ENOENT;
		goto out_unlock;
	}
	if (((k->flags & CTL_FLAG_REG_SOCK_STREAM) != 0) != (so->so_type == SOSYS_SOCK_STREAM)) {
		err = EPROTOTYPE;
		goto out_unlock;
	}
	if ((k->flags & CTL_FLAG_PRIVILEGED) && !so->so_priv) {
		err = EPERM;
		goto out_unlock;
	}
	if (k->flags & CTL_FLAG_REG_ID_UNIT) {
		if (k->kcbs != NULL) {
			err = EBUSY;
			goto out_unlock;
		}
		kcb->unit = k->reg_unit;
	} else {
		u_int32_t unit = sac.sc_unit ? sac.sc_unit : 1;

		for (c = k->kcbs; c != NULL;) {
			if (c->unit == unit) {
				if (sac.sc_unit != 0) {
					err = EBUSY;
					goto out_unlock;
				}
				unit++;
				c = k->kcbs; /* look again for the next candidate */
			} else {
				c = c->next;
			}
		}
		kcb->unit = unit;
	}
	kcb->kctl = k;
	kcb->next = k->kcbs;
	k->kcbs = kcb;
	kcb->attached = 1;
	k->pcbcount++;
	so->so_rcv.sb_hiwat = k->recvsize;
	so->so_snd_hiwat = k->sendsize;
	sac.sc_unit = kcb->unit;
	lck_mtx_unlock(sysdom_lock);

	err = k->connect(k, &sac, &kcb->userdata);
	if (err != 0) {
		if (k->disconnect != NULL)
			k->disconnect(k, kcb->unit, kcb->userdata);
		lck_mtx_lock(sysdom_lock);
		kcb_unlink(kcb);
		mbuf_freem_list(so->so_rcv.sb_head);
		so->so_rcv.sb_head = so->so_rcv.sb_tail = NULL;
		so->so_rcv.sb_cc = 0;
		kcb->kctl = NULL;
		goto out_unlock;
	}
	return 0;
out_unlock:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

static void
kctl_detach(struct sosys *so)
{
	struct ctl_cb *kcb = so->so_pcb;
	struct kctl *k;

	lck_mtx_lock(sysdom_lock);
	k = kcb->attached ? kcb->kctl : NULL;
	lck_mtx_unlock(sysdom_lock);
	/* The control cannot go away while kcb is attached (deregister says EBUSY). */
	if (k != NULL && k->disconnect != NULL)
		k->disconnect(k, kcb->unit, kcb->userdata);
	lck_mtx_lock(sysdom_lock);
	if (k != NULL)
		kcb_unlink(kcb);
	sosys_disconnected(so);
	so->so_pcb = NULL;
	lck_mtx_unlock(sysdom_lock);
	kfree(kcb, sizeof(*kcb));
}

static int
kctl_send(struct sosys *so, mbuf_t m, int flags)
{
	struct ctl_cb *kcb = so->so_pcb;
	struct kctl *k = kcb->kctl;

	if (k->send == NULL) {
		mbuf_freem(m);
		return ENOTSUP;
	}
	return k->send(k, kcb->unit, kcb->userdata, m, flags);
}

static int
kctl_ioctl(struct sosys *so, u_long cmd, void *data)
{
	switch (cmd) {
	case CTLIOCGINFO: {
		struct ctl_info *ci = data;
		u_int32_t id;
		int err;

		err = kctl_info_by_name(ci->ctl_name, &id);
		if (err == 0)
			ci->ctl_id = id;
		return err;
	}
	case CTLIOCGCOUNT:
		*(int *)data = (int)kctl_registered_count();
		return 0;
	default:
		return EOPNOTSUPP;
	}
}

static int
kctl_setopt(struct sosys *so, int name, const void *data, size_t len)
{
	struct ctl_cb *kcb = so->so_pcb;
	struct kctl *k = kcb->kctl;

	if (!kcb->attached || !(so->so_state & SS_ISCONNECTED))
		return ENOTCONN;
	if (k->setopt == NULL)
		return ENOTSUP;
	/* The callback's data is not const in the KPI; hand it the kernel's copy. */
	return k->setopt(k, kcb->unit, kcb->userdata, name, (void *)(uintptr_t)data, len);
}

static int
kctl_getopt(struct sosys *so, int name, void *data, size_t *len)
{
	struct ctl_cb *kcb = so->so_pcb;
	struct kctl *k = kcb->kctl;

	if (!kcb->attached || !(so->so_state & SS_ISCONNECTED))
		return ENOTCONN;
	if (k->getopt == NULL)
		return ENOTSUP;
	return k->getopt(k, kcb->unit, kcb->userdata, name, data, len);
}

const struct sosys_proto kctl_proto = {
        .sp_proto = SYSPROTO_CONTROL,
        .sp_attach = kctl_attach,
        .sp_detach = kctl_detach,
        .sp_connect = kctl_connect,
        .sp_send = kctl_send,
        .sp_ioctl = kctl_ioctl,
        .sp_setopt = kctl_setopt,
        .sp_getopt = kctl_getopt,
};
