/*
 * sys/kern_control.h — the kernel control KPI: a kext registers a named
 * control (ctl_register) and user processes reach it through PF_SYSTEM /
 * SYSPROTO_CONTROL sockets: CTLIOCGINFO turns the name into an id, connect()
 * with a sockaddr_ctl attaches one client to one unit, send() reaches the
 * ctl_send callback as an mbuf chain, and the kext answers with
 * ctl_enqueuedata/ctl_enqueuembuf. Names, layouts, flag values and error
 * codes are Darwin's; implemented in bsd/kern/kern_control.c.
 */
#ifndef KPI_KERN_CONTROL_H
#define KPI_KERN_CONTROL_H

#include <sys/cdefs.h>
#include <sys/types.h>

/* Kernel events for controls (KEV_SYSTEM_CLASS subclass). */
#define KEV_CTL_SUBCLASS 2
#define KEV_CTL_REGISTERED 1   /* a control appeared */
#define KEV_CTL_DEREGISTERED 2 /* a control went away */

struct ctl_event_data {
	u_int32_t ctl_id;
	u_int32_t ctl_unit;
};

/* Longest control name, its terminating NUL included. */
#define MAX_KCTL_NAME 96

/* CTLIOCGINFO: name → id (a ctl_info filled by the caller with the name). */
struct ctl_info {
	u_int32_t ctl_id;
	char ctl_name[MAX_KCTL_NAME];
};

/* _IOR('N', 2, int): the number of registered controls. */
#define CTLIOCGCOUNT 0x40044e02UL
/* _IOWR('N', 3, struct ctl_info). */
#define CTLIOCGINFO 0xc0644e03UL

/* The address a client connects to. */
struct sockaddr_ctl {
	u_char sc_len;        /* sizeof(struct sockaddr_ctl) */
	u_char sc_family;     /* AF_SYSTEM */
	u_int16_t ss_sysaddr; /* AF_SYS_CONTROL */
	u_int32_t sc_id;      /* the control's id */
	u_int32_t sc_unit;    /* the unit; 0 asks the kernel to pick one */
	u_int32_t sc_reserved[5];
};

#ifdef KERNEL

#include <sys/kpi_mbuf.h>

typedef void *kern_ctl_ref;

/* ctl_flags */
#define CTL_FLAG_PRIVILEGED 0x1      /* only root may connect */
#define CTL_FLAG_REG_ID_UNIT 0x2     /* use ctl_id/ctl_unit as given (else a dynamic id) */
#define CTL_FLAG_REG_SOCK_STREAM 0x4 /* clients use SOCK_STREAM (default SOCK_DGRAM) */

/* flags of ctl_enqueuedata / ctl_enqueuembuf */
#define CTL_DATA_NOWAKEUP 0x1 /* queue without waking the reader yet */
#define CTL_DATA_EOR 0x2      /* this ends a record */

__BEGIN_DECLS

typedef errno_t (*ctl_connect_func)(kern_ctl_ref kctlref, struct sockaddr_ctl *sac, void **unitinfo);
typedef errno_t (*ctl_disconnect_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo);
/* The callee owns m (frees it or keeps it). */
typedef errno_t (*ctl_send_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags);
/* data was copied in for the callee. */
typedef errno_t (*ctl_setopt_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, int opt, void *data,
                                   size_t len);
/* data may be NULL: then set *len to the size the option would need. */
typedef errno_t (*ctl_getopt_func)(kern_ctl_ref kctlref, u_int32_t unit, void *unitinfo, int opt, void *data,
                                   size_t *len);

struct kern_ctl_reg {
	char ctl_name[MAX_KCTL_NAME]; /* a bundle-id-style, unique, non-empty name */
	u_int32_t ctl_id;             /* in with CTL_FLAG_REG_ID_UNIT; out otherwise */
	u_int32_t ctl_unit;           /* with CTL_FLAG_REG_ID_UNIT */
	u_int32_t ctl_flags;
	u_int32_t ctl_sendsize;       /* 0: default, written back */
	u_int32_t ctl_recvsize;       /* 0: default, written back */
	ctl_connect_func ctl_connect; /* required */
	ctl_disconnect_func ctl_disconnect;
	ctl_send_func ctl_send;
	ctl_setopt_func ctl_setopt;
	ctl_getopt_func ctl_getopt;
};

/* 0, EINVAL (bad registration), ENOMEM, EEXIST (name or id/unit taken). */
errno_t ctl_register(struct kern_ctl_reg *userkctl, kern_ctl_ref *kctlref);
/* 0, EINVAL (unknown ref), EBUSY (clients still connected). */
errno_t ctl_deregister(kern_ctl_ref kctlref);
/* 0, EINVAL (unknown ref or unit), EMSGSIZE (never fits), ENOBUFS (no room now). */
errno_t ctl_enqueuedata(kern_ctl_ref kctlref, u_int32_t unit, void *data, size_t len, u_int32_t flags);
/* As ctl_enqueuedata; on success the kernel owns m, on error the caller still does. */
errno_t ctl_enqueuembuf(kern_ctl_ref kctlref, u_int32_t unit, mbuf_t m, u_int32_t flags);
/* Bytes that fit in the client's receive buffer now. */
errno_t ctl_getenqueuespace(kern_ctl_ref kctlref, u_int32_t unit, size_t *space);
/* 0 when the client's buffer is readable; else bytes missing to its low-water mark. */
errno_t ctl_getenqueuereadable(kern_ctl_ref kctlref, u_int32_t unit, u_int32_t *difference);

__END_DECLS

#endif /* KERNEL */

#endif /* KPI_KERN_CONTROL_H */
