/*
 * KUNCUserNotifications.c — the Kernel-User Notification Center, delivered
 * to a user-space agent (tools/kuncd) over a privileged kernel control
 * (wire format: sdk/User/kexthost/kunc.h).
 *
 * One agent at a time: the first root client to connect to
 * KUNC_CONTROL_NAME is the agent (a second one gets EBUSY). A notice or an
 * execute request is queued to it and the caller returns at once; an alert
 * is queued with a token and the calling thread sleeps until the agent's
 * reply with that token, the timeout (the alert's own, or KUNC_MAX_WAIT_S
 * when it gives 0: a kernel thread never waits forever), or the agent's
 * disconnect (KERN_ABORTED). No agent: MACH_SEND_INVALID_DEST, as XNU
 * answers when its UNDServer is missing.
 *
 * kunc_lock protects the agent unit and the pending alerts; it is never
 * held while calling the kernel control KPI.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/clock.h>
#include <mach/mach_time.h>
#include <sys/kern_control.h>
#include <UserNotification/KUNCUserNotifications.h>
#include "sdk/User/kexthost/kunc.h"
#include "osfmk/UserNotification/kunc_internal.h"

#define KUNC_MAX_WAIT_S 120 /* longest an alert blocks its caller */

struct kunc_pending {
	struct kunc_pending *next;
	uint32_t token;
	int done;
	unsigned response;
};

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	kern_ctl_ref ref;
	u_int32_t agent_unit; /* 0: no agent */
	u_int32_t next_token;
	struct kunc_pending *pending;
} kunc;

static errno_t
kunc_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	errno_t err = 0;

	lck_mtx_lock(kunc.lock);
	if (kunc.agent_unit != 0)
		err = EBUSY;
	else
		kunc.agent_unit = sac->sc_unit;
	lck_mtx_unlock(kunc.lock);
	*unitinfo = err == 0 ? &kunc : NULL;
	if (err == 0)
		printf("KUNC: notification agent connected (unit %u)\n", sac->sc_unit);
	return err;
}

static errno_t
kunc_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	struct kunc_pending *p;

	if (unitinfo == NULL)
		return 0; /* a refused second agent */
	lck_mtx_lock(kunc.lock);
	if (kunc.agent_unit == unit) {
		kunc.agent_unit = 0;
		for (p = kunc.pending; p != NULL; p = p->next) {
			if (p->done)
				continue; /* answered just before the agent left: the answer stands */
			p->done = -1;     /* aborted */
			p->response = kKUNCCancelResponse;
		}
		wakeup(&kunc.pending);
	}
	lck_mtx_unlock(kunc.lock);
	printf("KUNC: notification agent disconnected\n");
	return 0;
}

static errno_t
kunc_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	struct kunc_reply r;
	struct kunc_pending *p;
	errno_t err = 0;

	if (mbuf_pkthdr_len(m) != sizeof(r) || mbuf_copydata(m, 0, sizeof(r), &r) != 0) {
		err = EINVAL;
		goto out;
	}
	lck_mtx_lock(kunc.lock);
	for (p = kunc.pending; p != NULL; p = p->next) {
		if (p->token == r.token && !p->done) {
			p->done = 1;
			p->response = r.response <= kKUNCCancelResponse ? r.response : kKUNCCancelResponse;
			wakeup(&kunc.pending);
			break;
		}
	}
	lck_mtx_unlock(kunc.lock);
	if (p == NULL)
		err = ENOENT; /* late answer to an alert that timed out */
out:
	mbuf_freem(m);
	return err;
}

void
kunc_init(void)
{
	struct kern_ctl_reg reg;

	kunc.grp = lck_grp_alloc_init("kunc", LCK_GRP_ATTR_NULL);
	kunc.lock = lck_mtx_alloc_init(kunc.grp, LCK_ATTR_NULL);
	memset(&reg, 0, sizeof(reg));
	strlcpy(reg.ctl_name, KUNC_CONTROL_NAME, sizeof(reg.ctl_name));
	reg.ctl_flags = CTL_FLAG_PRIVILEGED;
	reg.ctl_recvsize = 64 * 1024;
	reg.ctl_connect = kunc_connect;
	reg.ctl_disconnect = kunc_disconnect;
	reg.ctl_send = kunc_send;
	if (ctl_register(&reg, &kunc.ref) != 0)
		printf("KUNC: cannot register %s\n", KUNC_CONTROL_NAME);
}

/* Build and queue one request; the agent's unit at the time is used. */
static kern_return_t
kunc_post(uint32_t kind, uint32_t token, int timeout, unsigned flags, unsigned exectype,
          const char *const s[KUNC_NSTR])
{
	struct kunc_msg h;
	size_t len = sizeof(h), off;
	char *buf;
	u_int32_t unit;
	errno_t err;
	int i;

	if (kunc.lock == NULL)
		return MACH_SEND_INVALID_DEST;
	for (i = 0; i < KUNC_NSTR; i++)
		len += (s[i] != NULL ? strnlen(s[i], KUNC_MAX_MSG) : 0) + 1;
	if (len > KUNC_MAX_MSG)
		return KERN_INVALID_ARGUMENT;
	buf = kalloc(len);
	if (buf == NULL)
		return KERN_RESOURCE_SHORTAGE;
	memset(&h, 0, sizeof(h));
	h.kind = kind;
	h.token = token;
	h.timeout = timeout;
	h.flags = flags;
	h.exectype = exectype;
	memcpy(buf, &h, sizeof(h));
	off = sizeof(h);
	for (i = 0; i < KUNC_NSTR; i++) {
		size_t n = s[i] != NULL ? strnlen(s[i], KUNC_MAX_MSG) : 0;

		memcpy(buf + off, s[i] != NULL ? s[i] : "", n);
		buf[off + n] = '\0';
		off += n + 1;
	}
	lck_mtx_lock(kunc.lock);
	unit = kunc.agent_unit;
	lck_mtx_unlock(kunc.lock);
	err = unit == 0 ? ENOTCONN : ctl_enqueuedata(kunc.ref, unit, buf, len, CTL_DATA_EOR);
	kfree(buf, len);
	if (err == ENOTCONN || err == EINVAL)
		return MACH_SEND_INVALID_DEST; /* no agent (or it just left) */
	return err == 0 ? KERN_SUCCESS : KERN_RESOURCE_SHORTAGE;
}

kern_return_t
KUNCUserNotificationDisplayNotice(int noticeTimeout, unsigned flags, char *iconPath, char *soundPath,
                                  char *localizationPath, char *alertHeader, char *alertMessage,
                                  char *defaultButtonTitle)
{
	const char *s[KUNC_NSTR] = {iconPath,    soundPath,    localizationPath,
	                            alertHeader, alertMessage, defaultButtonTitle,
	                            NULL,        NULL,         NULL};

	return kunc_post(KUNC_NOTICE, 0, noticeTimeout, flags, 0, s);
}

kern_return_t
KUNCUserNotificationDisplayAlert(int alertTimeout, unsigned flags, char *iconPath, char *soundPath,
                                 char *localizationPath, char *alertHeader, char *alertMessage,
                                 char *defaultButtonTitle, char *alternateButtonTitle, char *otherButtonTitle,
                                 unsigned *responseFlags)
{
	const char *s[KUNC_NSTR] = {iconPath,     soundPath,          localizationPath,     alertHeader,
	                            alertMessage, defaultButtonTitle, alternateButtonTitle, otherButtonTitle,
	                            NULL};
	struct kunc_pending me, **pp;
	int wait_s = alertTimeout > 0 && alertTimeout < KUNC_MAX_WAIT_S ? alertTimeout : KUNC_MAX_WAIT_S;
	struct timespec ts = {wait_s, 0};
	kern_return_t kr;

	if (responseFlags == NULL)
		return KERN_INVALID_ARGUMENT;
	if (kunc.lock == NULL)
		return MACH_SEND_INVALID_DEST;
	memset(&me, 0, sizeof(me));
	lck_mtx_lock(kunc.lock);
	me.token = ++kunc.next_token;
	me.next = kunc.pending;
	kunc.pending = &me; /* before posting: the answer may come at once */
	lck_mtx_unlock(kunc.lock);

	kr = kunc_post(KUNC_ALERT, me.token, wait_s, flags, 0, s);

	lck_mtx_lock(kunc.lock);
	if (kr == KERN_SUCCESS) {
		/* One deadline for the whole wait: msleep's interval restarts, so track it ourselves. */
		uint64_t deadline, now;

		clock_interval_to_deadline((uint32_t)wait_s, 1000000000u, &deadline);
		while (!me.done) {
			int e;

			now = mach_absolute_time();
			if (now >= deadline)
				break;
			/* PCATCH: the death of the client whose call raised the alert ends the wait. */
			e = msleep(&kunc.pending, kunc.lock, PZERO | PCATCH, "kuncalert", &ts);
			if (e == EINTR || e == ERESTART) {
				kr = KERN_ABORTED;
				break;
			}
		}
		if (me.done < 0)
			kr = KERN_ABORTED;
		*responseFlags = me.done ? me.response : kKUNCCancelResponse;
	}
	for (pp = &kunc.pending; *pp != &me; pp = &(*pp)->next)
		;
	*pp = me.next;
	lck_mtx_unlock(kunc.lock);
	return kr;
}

kern_return_t
KUNCExecute(char *executionPath, int openAsUser, int pathExecutionType)
{
	const char *s[KUNC_NSTR] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, executionPath};

	if (executionPath == NULL || executionPath[0] == '\0')
		return KERN_INVALID_ARGUMENT;
	if (pathExecutionType < kOpenApplicationPath || pathExecutionType > kOpenApplication)
		return KERN_INVALID_ARGUMENT;
	return kunc_post(KUNC_EXECUTE, 0, 0, (unsigned)openAsUser, (unsigned)pathExecutionType, s);
}
