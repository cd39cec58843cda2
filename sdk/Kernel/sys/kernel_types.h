/*
 * sys/kernel_types.h — opaque handle types of the BSD KPI. Kext code sees
 * only pointers to these; their layouts are private to the kernel.
 */
#ifndef _KERN_SYS_KERNELTYPES_H_
#define _KERN_SYS_KERNELTYPES_H_

#include <sys/cdefs.h>

struct buf;
struct proc;
struct ucred;
struct mount;
struct vnode;
struct socket;
struct uio;
struct mbuf;
struct ifnet;
struct ifaddr;
struct ifmultiaddr;
struct file;
struct tty;

typedef struct buf *buf_t;
typedef struct proc *proc_t;
typedef struct ucred *kauth_cred_t;
typedef struct mount *mount_t;
typedef struct vnode *vnode_t;
typedef struct socket *socket_t;
typedef struct uio *uio_t;
typedef struct mbuf *mbuf_t;
typedef struct ifnet *ifnet_t;
typedef struct ifaddr *ifaddr_t;
typedef struct ifmultiaddr *ifmultiaddr_t;
typedef struct file *file_t;
typedef struct vfs_context *vfs_context_t;
typedef struct __ifnet_filter *interface_filter_t;
typedef struct __ipfilter *ipfilter_t;
typedef struct __socket_filter *sflt_filter_t;
typedef struct __sflt_filter *sflt_handle_t;

#endif /* _KERN_SYS_KERNELTYPES_H_ */
