/*
 * kern_event.c — kernel events: kev_msg_post/kev_vendor_code_find for
 * kexts, and the SYSPROTO_EVENT protocol of PF_SYSTEM sockets that
 * listeners read them from.
 *
 * A posted event becomes one struct kern_event_msg (header plus the data
 * vectors concatenated), copied into every listener whose filter
 * (SIOCSKEVFILT: vendor, class, subclass, each KEV_ANY_* = wildcard, and a
 * class filter needs a vendor, a subclass filter a class) matches. A
 * listener whose buffer is full misses the event; posting never blocks.
 * Event ids increase by one per posted event. Vendor codes: "com.apple"
 * is KEV_VENDOR_APPLE; other strings get codes from 1000 upwards on first
 * lookup, stable until reboot. kev_msg_post refuses Apple's vendor code
 * (kexts post their own; the kernel uses kev_post_internal).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <sys/kern_event.h>
#include <sys/kern_control.h>
#include "bsd/sys/mbuf_internal.h"
#include "bsd/sys/sys_domain_internal.h"
#include "bsd/sys/kern_control_internal.h"

#define KEV_MAX_SIZE 4096     /* largest event message */
#define KEV_VENDOR_FIRST 1000 /* first code handed to a non-Apple vendor */
#define KEV_VENDORS_MAX 256

struct kev_pcb {
	struct kev_pcb *next;
	struct sosys *so;
	struct kev_request filter;
};

static struct kev_pcb *kev_listeners;
static u_int32_t kev_last_id;

static struct {
	char str[KEV_VENDOR_CODE_MAX_STR_LEN];
} kev_vendors[KEV_VENDORS_MAX];
static unsigned int kev_nvendors;

errno_t
kev_vendor_code_find(const char *string, u_int32_t *code)
{
	size_t len;
	unsigned int i;
	errno_t err = 0;

	if (string == NULL || code == NULL)
		return EINVAL;
	len = strnlen(string, KEV_VENDOR_CODE_MAX_STR_LEN);
	if (len == 0 || len == KEV_VENDOR_CODE_MAX_STR_LEN)
		return EINVAL;
	if (strcmp(string, "com.apple") == 0) {
		*code = KEV_VENDOR_APPLE;
		return 0;
	}
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	for (i = 0; i < kev_nvendors; i++)
		if (strcmp(kev_vendors[i].str, string) == 0)
			break;
	if (i == kev_nvendors) {
		if (i == KEV_VENDORS_MAX) {
			err = ENOSPC;
			goto out;
		}
		memcpy(kev_vendors[i].str, string, len + 1);
		kev_nvendors++;
	}
	*code = KEV_VENDOR_FIRST + i;
out:
	lck_mtx_unlock(sysdom_lock);
	return err;
}

/* SIOCGKEVVENDOR: a lookup that does not assign. */
static int
kev_vendor_lookup(const char *string, u_int32_t *code)
{
	unsigned int i;

	if (strnlen(string, KEV_VENDOR_CODE_MAX_STR_LEN) == KEV_VENDOR_CODE_MAX_STR_LEN)
		return EINVAL;
	if (strcmp(string, "com.apple") == 0) {
		*code = KEV_VENDOR_APPLE;
		return 0;
	}
	lck_mtx_lock(sysdom_lock);
	for (i = 0; i < kev_nvendors; i++)
		if (strcmp(kev_vendors[i].str, string) == 0)
			break;
	if (i < kev_nvendors)
		*code = KEV_VENDOR_FIRST + i;
	lck_mtx_unlock(sysdom_lock);
	return i < kev_nvendors ? 0 : ENOENT;
}

static int
kev_matches(const struct kev_request *f, const struct kern_event_msg *ev)
{
	if (f->vendor_code != KEV_ANY_VENDOR && f->vendor_code != ev->vendor_code)
		return 0;
	if (f->kev_class != KEV_ANY_CLASS && f->kev_class != ev->kev_class)
		return 0;
	if (f->kev_subclass != KEV_ANY_SUBCLASS && f->kev_subclass != ev->kev_subclass)
		return 0;
	return 1;
}

/* Post without the vendor check (the kernel's own events). */
static errno_t
kev_post_internal(struct kev_msg *msg)
{
	struct kern_event_msg hdr;
	struct kev_pcb *p;
	size_t total = KEV_MSG_HEADER_SIZE;
	mbuf_t proto;
	int i;

	if (msg == NULL)
		return EINVAL;
	for (i = 0; i < N_KEV_VECTORS && msg->dv[i].data_length != 0; i++) {
		if (msg->dv[i].data_ptr == NULL)
			return EINVAL;
		total += msg->dv[i].data_length;
		if (total > KEV_MAX_SIZE)
			return EMSGSIZE;
	}
	/* One packet with the whole message; each listener gets its own copy. */
	proto = m_get_data(MBUF_DONTWAIT, 1, total);
	if (proto == NULL)
		return ENOMEM;
	memset(&hdr, 0, sizeof(hdr));
	hdr.total_size = (u_int32_t)total;
	hdr.vendor_code = msg->vendor_code;
	hdr.kev_class = msg->kev_class;
	hdr.kev_subclass = msg->kev_subclass;
	hdr.event_code = msg->event_code;
	sysdom_init();
	lck_mtx_lock(sysdom_lock);
	hdr.id = ++kev_last_id;
	/* proto was sized for the whole message: the copies stay in its storage and cannot fail. */
	(void)mbuf_copyback(proto, 0, KEV_MSG_HEADER_SIZE, &hdr, MBUF_DONTWAIT);
	{
		size_t off = KEV_MSG_HEADER_SIZE;

		for (i = 0; i < N_KEV_VECTORS && msg->dv[i].data_length != 0; i++) {
			(void)mbuf_copyback(proto, off, msg->dv[i].data_length, msg->dv[i].data_ptr,
			                    MBUF_DONTWAIT);
			off += msg->dv[i].data_length;
		}
	}
	for (p = kev_listeners; p != NULL; p = p->next) {
		mbuf_t m;

		if (!kev_matches(&p->filter, &hdr))
			continue;
		if (mbuf_dup(proto, MBUF_DONTWAIT, &m) != 0)
			continue;
		if (sosys_append(p->so, m, 1) != 0) {
			mbuf_freem(m); /* this listener is full: it misses the event */
			continue;
		}
		sosys_wakeup(p->so);
	}
	lck_mtx_unlock(sysdom_lock);
	mbuf_freem(proto);
	return 0;
}

errno_t
kev_msg_post(struct kev_msg *msg)
{
	if (msg == NULL || msg->vendor_code == KEV_ANY_VENDOR || msg->vendor_code == KEV_VENDOR_APPLE)
		return EINVAL;
	return kev_post_internal(msg);
}

void
kctl_post_event(u_int32_t code, u_int32_t id, u_int32_t unit)
{
	struct ctl_event_data d = {.ctl_id = id, .ctl_unit = unit};
	struct kev_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.vendor_code = KEV_VENDOR_APPLE;
	msg.kev_class = KEV_SYSTEM_CLASS;
	msg.kev_subclass = KEV_CTL_SUBCLASS;
	msg.event_code = code;
	msg.dv[0].data_length = sizeof(d);
	msg.dv[0].data_ptr = &d;
	(void)kev_post_internal(&msg);
}

/* ---- the SYSPROTO_EVENT protocol ----------------------------------------- */

static int
kev_attach(struct sosys *so)
{
	struct kev_pcb *p = kalloc(sizeof(*p));

	if (p == NULL)
		return ENOMEM;
	memset(p, 0, sizeof(*p));
	p->so = so;
	so->so_pcb = p;
	lck_mtx_lock(sysdom_lock);
	p->next = kev_listeners;
	kev_listeners = p;
	lck_mtx_unlock(sysdom_lock);
	return 0;
}

static void
kev_detach(struct sosys *so)
{
	struct kev_pcb *p = so->so_pcb, **pp;

	lck_mtx_lock(sysdom_lock);
	for (pp = &kev_listeners; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	so->so_pcb = NULL;
	lck_mtx_unlock(sysdom_lock);
	kfree(p, sizeof(*p));
}

static int
kev_ioctl(struct sosys *so, u_long cmd, void *data)
{
	struct kev_pcb *p = so->so_pcb;
	int err = 0;

	switch (cmd) {
	case SIOCSKEVFILT: {
		struct kev_request f;

		memcpy(&f, data, sizeof(f));
		/* A more specific level needs the levels above it. */
		if ((f.kev_class != KEV_ANY_CLASS && f.vendor_code == KEV_ANY_VENDOR) ||
		    (f.kev_subclass != KEV_ANY_SUBCLASS && f.kev_class == KEV_ANY_CLASS))
			return EINVAL;
		lck_mtx_lock(sysdom_lock);
		p->filter = f;
		lck_mtx_unlock(sysdom_lock);
		break;
	}
	case SIOCGKEVFILT:
		lck_mtx_lock(sysdom_lock);
		memcpy(data, &p->filter, sizeof(p->filter));
		lck_mtx_unlock(sysdom_lock);
		break;
	case SIOCGKEVID:
		lck_mtx_lock(sysdom_lock);
		*(u_int32_t *)data = kev_last_id;
		lck_mtx_unlock(sysdom_lock);
		break;
	case SIOCGKEVVENDOR: {
		struct kev_vendor_code *vc = data;
		u_int32_t code = 0;

		vc->vendor_string[KEV_VENDOR_CODE_MAX_STR_LEN - 1] = '\0';
		err = kev_vendor_lookup(vc->vendor_string, &code);
		if (err == 0)
			vc->vendor_code = code;
		break;
	}
	default:
		err = EOPNOTSUPP;
		break;
	}
	return err;
}

const struct sosys_proto kev_proto = {
        .sp_proto = SYSPROTO_EVENT,
        .sp_attach = kev_attach,
        .sp_detach = kev_detach,
        .sp_ioctl = kev_ioctl,
};
