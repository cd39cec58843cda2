/*
 * sys/sysctl.h — the sysctl KPI: a tree of named, numbered variables ("oids")
 * that user processes read and write with sysctl(3)/sysctlbyname(3) and that
 * kernel code and kexts extend with the SYSCTL_* macros.
 *
 * A kext declares its oids statically with the macros and must call
 * sysctl_register_oid() for each (parents first) in its start routine and
 * sysctl_unregister_oid() (children first) before it unloads. The kernel's own
 * oids are registered at the first use of the tree (bsd/kern/kern_sysctl.c).
 * Field names, flag values and type codes are Darwin's, so existing kext source
 * compiles unchanged.
 */
#ifndef _SYS_SYSCTL_H_
#define _SYS_SYSCTL_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#define CTL_MAXNAME 12 /* most components in a name */

/* Type of a node (low four bits of oid_kind). */
#define CTLTYPE 0xf
#define CTLTYPE_NODE 1
#define CTLTYPE_INT 2
#define CTLTYPE_STRING 3
#define CTLTYPE_QUAD 4
#define CTLTYPE_OPAQUE 5
#define CTLTYPE_STRUCT CTLTYPE_OPAQUE

/* Access and behaviour flags (high bits of oid_kind). */
#define CTLFLAG_RD 0x80000000 /* may be read */
#define CTLFLAG_WR 0x40000000 /* may be written */
#define CTLFLAG_RW (CTLFLAG_RD | CTLFLAG_WR)
#define CTLFLAG_NOLOCK 0x20000000  /* obsolete */
#define CTLFLAG_ANYBODY 0x10000000 /* any user may write it, not only root */
#define CTLFLAG_SECURE 0x08000000  /* writable only at securelevel <= 0 */
#define CTLFLAG_MASKED 0x04000000  /* not listed by sysctl -a */
#define CTLFLAG_NOAUTO 0x02000000  /* not registered automatically */
#define CTLFLAG_KERN 0x01000000    /* may be used from inside the kernel */
#define CTLFLAG_LOCKED 0x00800000  /* the handler does its own locking */
#define CTLFLAG_OID2 0x00400000    /* the oid carries oid_descr and oid_version */

/* Ask for the next free number below the parent (OID_AUTO_START and up). */
#define OID_AUTO (-1)
#define OID_AUTO_START 100

/* Top-level names. */
#define CTL_UNSPEC 0
#define CTL_KERN 1
#define CTL_VM 2
#define CTL_VFS 3
#define CTL_NET 4
#define CTL_DEBUG 5
#define CTL_HW 6
#define CTL_MACHDEP 7
#define CTL_USER 8
#define CTL_MAXID 9

/* kern.* fixed numbers. */
#define KERN_OSTYPE 1
#define KERN_OSRELEASE 2
#define KERN_OSREV 3
#define KERN_VERSION 4
#define KERN_MAXVNODES 5
#define KERN_MAXPROC 6
#define KERN_MAXFILES 7
#define KERN_ARGMAX 8
#define KERN_SECURELVL 9
#define KERN_HOSTNAME 10
#define KERN_HOSTID 11
#define KERN_CLOCKRATE 12
#define KERN_BOOTTIME 21
#define KERN_MAXFILESPERPROC 29
#define KERN_OSVERSION 65
#define KERN_KDEBUG 24 /* kern.kdebug: the trace facility's operations (sys/kdebug.h) */

/* KERN_KDEBUG operations: the third name component. */
#define KERN_KDEFLAGS 1
#define KERN_KDDFLAGS 2
#define KERN_KDENABLE 3
#define KERN_KDSETBUF 4
#define KERN_KDGETBUF 5
#define KERN_KDSETUP 6
#define KERN_KDREMOVE 7
#define KERN_KDSETREG 8
#define KERN_KDGETREG 9
#define KERN_KDREADTR 10
#define KERN_KDPIDTR 11
#define KERN_KDTHRMAP 12
#define KERN_KDPIDEX 14
#define KERN_KDWRITETR 17
#define KERN_KDWRITEMAP 18
#define KERN_KDTEST 19
#define KERN_KDREADCURTHRMAP 21
#define KERN_KDSET_TYPEFILTER 22
#define KERN_KDBUFWAIT 23
#define KERN_KDCPUMAP 24
#define KERN_SAFEBOOT 66

/* hw.* fixed numbers. */
#define HW_MACHINE 1
#define HW_MODEL 2
#define HW_NCPU 3
#define HW_BYTEORDER 4
#define HW_PHYSMEM 5
#define HW_USERMEM 6
#define HW_PAGESIZE 7
#define HW_MEMSIZE 24
#define HW_AVAILCPU 25

struct sysctl_oid;

/* One request in progress: where the old value goes and the new value comes from. */
struct sysctl_req {
	struct proc *p;
	int lock;
	user_addr_t oldptr; /* the caller's buffer for the old value (0: size query) */
	size_t oldlen;      /* its size */
	size_t oldidx;      /* bytes produced so far (may exceed oldlen) */
	int (*oldfunc)(struct sysctl_req *, const void *, size_t);
	user_addr_t newptr; /* the new value (0: no write) */
	size_t newlen;      /* its size */
	size_t newidx;      /* bytes consumed so far */
	int (*newfunc)(struct sysctl_req *, void *, size_t);
};

/* The children of a node: a singly linked list sorted by oid_number. */
struct sysctl_oid_list {
	struct sysctl_oid *slh_first;
};

#define SYSCTL_HANDLER_ARGS \
	(struct sysctl_oid * oidp __unused, void *arg1 __unused, int arg2 __unused, struct sysctl_req *req)

#define SYSCTL_OID_VERSION 1

struct sysctl_oid {
	struct sysctl_oid_list *oid_parent;
	struct {
		struct sysctl_oid *sle_next;
	} oid_link;
	int oid_number;
	int oid_kind;
	void *oid_arg1;
	int oid_arg2;
	const char *oid_name;
	int(*oid_handler) SYSCTL_HANDLER_ARGS;
	const char *oid_fmt;
	const char *oid_descr;
	int oid_version;
	int oid_refcnt;
};

/* Move the old value out / the new value in; return 0, ENOMEM (old buffer too small), EINVAL, EFAULT. */
#define SYSCTL_IN(r, p, l) ((r)->newfunc)(r, p, l)
#define SYSCTL_OUT(r, p, l) ((r)->oldfunc)(r, p, l)

typedef int(*sysctl_handler_t) SYSCTL_HANDLER_ARGS;

__BEGIN_DECLS
int sysctl_handle_int SYSCTL_HANDLER_ARGS;
int sysctl_handle_long SYSCTL_HANDLER_ARGS;
int sysctl_handle_quad SYSCTL_HANDLER_ARGS;
int sysctl_handle_int2quad SYSCTL_HANDLER_ARGS;
int sysctl_handle_string SYSCTL_HANDLER_ARGS;
int sysctl_handle_opaque SYSCTL_HANDLER_ARGS;

int sysctl_io_number(struct sysctl_req *req, long long bigValue, size_t valueSize, void *pValue,
                     int *changed);
int sysctl_io_string(struct sysctl_req *req, char *pValue, size_t valueSize, int trunc, int *changed);
int sysctl_io_opaque(struct sysctl_req *req, void *pValue, size_t valueSize, int *changed);

void sysctl_register_oid(struct sysctl_oid *oidp);
void sysctl_unregister_oid(struct sysctl_oid *oidp);

/* In-kernel access (the oid must have CTLFLAG_KERN). */
int kernel_sysctl(struct proc *p, int *name, u_int namelen, void *oldp, size_t *oldlenp, void *newp,
                  size_t newlen);
int kernel_sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
__END_DECLS

/* Declare a node defined elsewhere so that oids can hang below it. */
#define SYSCTL_DECL(name) extern struct sysctl_oid_list sysctl_##name##_children

#define SYSCTL_STRUCT_INIT(parent, nbr, name, kind, a1, a2, fn, fmt, desc)                       \
	{                                                                                        \
		.oid_parent = &sysctl_##parent##_children, .oid_number = nbr,                    \
		.oid_kind = (int)((kind) | CTLFLAG_OID2), .oid_arg1 = a1, .oid_arg2 = (int)(a2), \
		.oid_name = #name, .oid_handler = fn, .oid_fmt = fmt, .oid_descr = desc,         \
		.oid_version = SYSCTL_OID_VERSION,                                               \
	}

/* A raw oid: everything spelled out. Defines struct sysctl_oid sysctl_<parent>_<name>. */
#define SYSCTL_OID(parent, nbr, name, kind, a1, a2, handler, fmt, descr) \
	struct sysctl_oid sysctl_##parent##_##name =                     \
	        SYSCTL_STRUCT_INIT(parent, nbr, name, kind, a1, a2, handler, fmt, descr)

/* A node with children sysctl_<parent>_<name>_children (handler NULL for a plain node). */
#define SYSCTL_NODE(parent, nbr, name, access, handler, descr)                                          \
	struct sysctl_oid_list sysctl_##parent##_##name##_children;                                     \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_NODE | (access), &sysctl_##parent##_##name##_children, 0, \
	           handler, "N", descr)

/* A string buffer of len bytes (0: read-only, NUL-terminated). */
#define SYSCTL_STRING(parent, nbr, name, access, arg, len, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_STRING | (access), arg, len, sysctl_handle_string, "A", descr)

/* An int at ptr, or the constant val when ptr is NULL. */
#define SYSCTL_INT(parent, nbr, name, access, ptr, val, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_INT | (access), ptr, val, sysctl_handle_int, "I", descr)

#define SYSCTL_UINT(parent, nbr, name, access, ptr, val, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_INT | (access), ptr, val, sysctl_handle_int, "IU", descr)

/* A long at ptr (not NULL). */
#define SYSCTL_LONG(parent, nbr, name, access, ptr, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_INT | (access), ptr, 0, sysctl_handle_long, "L", descr)

#define SYSCTL_ULONG(parent, nbr, name, access, ptr, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_INT | (access), ptr, 0, sysctl_handle_long, "LU", descr)

/* A 64-bit integer at ptr (not NULL). */
#define SYSCTL_QUAD(parent, nbr, name, access, ptr, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_QUAD | (access), ptr, 0, sysctl_handle_quad, "Q", descr)

/* len opaque bytes at ptr; fmt tells sysctl(8) how to show them. */
#define SYSCTL_OPAQUE(parent, nbr, name, access, ptr, len, fmt, descr) \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_OPAQUE | (access), ptr, len, sysctl_handle_opaque, fmt, descr)

#define SYSCTL_STRUCT(parent, nbr, name, access, ptr, type, descr)                         \
	SYSCTL_OID(parent, nbr, name, CTLTYPE_OPAQUE | (access), ptr, sizeof(struct type), \
	           sysctl_handle_opaque, "S," #type, descr)

/* Your own handler; access carries the CTLTYPE_* that tells sysctl(8) how to parse input. */
#define SYSCTL_PROC(parent, nbr, name, access, ptr, arg, handler, fmt, descr) \
	SYSCTL_OID(parent, nbr, name, access, ptr, arg, handler, fmt, descr)

/* The top-level nodes. */
extern struct sysctl_oid_list sysctl__children;
SYSCTL_DECL(_kern);
SYSCTL_DECL(_sysctl);
SYSCTL_DECL(_vm);
SYSCTL_DECL(_vfs);
SYSCTL_DECL(_net);
SYSCTL_DECL(_debug);
SYSCTL_DECL(_hw);
SYSCTL_DECL(_machdep);
SYSCTL_DECL(_user);

#endif /* _SYS_SYSCTL_H_ */
