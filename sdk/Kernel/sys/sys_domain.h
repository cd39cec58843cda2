/*
 * sys/sys_domain.h — the PF_SYSTEM protocol family: kernel event sockets
 * (SYSPROTO_EVENT) and kernel control sockets (SYSPROTO_CONTROL). Values
 * are Darwin's.
 */
#ifndef _SYSTEM_DOMAIN_H_
#define _SYSTEM_DOMAIN_H_

#include <sys/types.h>

#ifndef AF_SYSTEM
#define AF_SYSTEM 32 /* kernel event and control messages */
#endif
#ifndef PF_SYSTEM
#define PF_SYSTEM AF_SYSTEM
#endif

/* Protocols of the system domain. */
#define SYSPROTO_EVENT 1   /* kernel events */
#define SYSPROTO_CONTROL 2 /* kernel controls */

/* ss_sysaddr of a system-domain address. */
#define AF_SYS_CONTROL 2 /* the kernel control address family */

struct sockaddr_sys {
	u_char ss_len;
	u_char ss_family;     /* AF_SYSTEM */
	u_int16_t ss_sysaddr; /* AF_SYS_CONTROL */
	u_int32_t ss_reserved[7];
};

#endif /* _SYSTEM_DOMAIN_H_ */
