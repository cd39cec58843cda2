/*
 * kexthost/kh_socket.h — PF_SYSTEM sockets from user programs: kernel
 * control sockets (SYSPROTO_CONTROL) and kernel event listeners
 * (SYSPROTO_EVENT) in the hosted kernel (lib/libkexthost/kctl.c).
 *
 * The descriptors are the hosted kernel's, not Linux's: use them with kh_*
 * calls only (kh_ioctl, kh_read, kh_close ...). Types (SOCK_DGRAM,
 * SOCK_STREAM, SOCK_RAW) have the same values on Linux and Darwin. Flags
 * and socket-level options may be given with their Linux names (MSG_PEEK,
 * MSG_DONTWAIT, MSG_WAITALL; SOL_SOCKET with SO_RCVBUF, SO_SNDBUF,
 * SO_RCVTIMEO, SO_TYPE): the library translates them to Darwin's. Option
 * levels other than SOL_SOCKET go to the kernel as they are (e.g.
 * SYSPROTO_CONTROL for a control's own options). Failures return -1 with a
 * Linux errno.
 *
 *	int fd = kh_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
 *	struct ctl_info info = {0};
 *	strcpy(info.ctl_name, "com.example.kext.KernCtlSample");
 *	kh_ioctl(fd, CTLIOCGINFO, &info);
 *	struct sockaddr_ctl sc = {sizeof(sc), AF_SYSTEM, AF_SYS_CONTROL, info.ctl_id, 0};
 *	kh_connect(fd, (struct sockaddr *)&sc, sizeof(sc));
 *	kh_send(fd, "PING", 4, 0); kh_recv(fd, buf, sizeof(buf), 0);
 */
#ifndef _KEXTHOST_KH_SOCKET_H_
#define _KEXTHOST_KH_SOCKET_H_

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AF_SYSTEM 32
#define PF_SYSTEM AF_SYSTEM
#define SYSPROTO_EVENT 1
#define SYSPROTO_CONTROL 2
#define AF_SYS_CONTROL 2

#define MAX_KCTL_NAME 96

struct ctl_info {
	uint32_t ctl_id;
	char ctl_name[MAX_KCTL_NAME];
};

struct sockaddr_ctl {
	unsigned char sc_len;    /* sizeof(struct sockaddr_ctl) */
	unsigned char sc_family; /* AF_SYSTEM */
	uint16_t ss_sysaddr;     /* AF_SYS_CONTROL */
	uint32_t sc_id;
	uint32_t sc_unit; /* 0: the kernel picks a unit */
	uint32_t sc_reserved[5];
};

#define CTLIOCGCOUNT 0x40044e02UL /* _IOR('N', 2, int) */
#define CTLIOCGINFO 0xc0644e03UL  /* _IOWR('N', 3, struct ctl_info) */

/* Kernel events. */
#define KEV_ANY_VENDOR 0
#define KEV_ANY_CLASS 0
#define KEV_ANY_SUBCLASS 0
#define KEV_VENDOR_APPLE 1
#define KEV_NETWORK_CLASS 1
#define KEV_IOKIT_CLASS 2
#define KEV_SYSTEM_CLASS 3
#define KEV_CTL_SUBCLASS 2
#define KEV_CTL_REGISTERED 1
#define KEV_CTL_DEREGISTERED 2

struct kern_event_msg {
	uint32_t total_size;
	uint32_t vendor_code;
	uint32_t kev_class;
	uint32_t kev_subclass;
	uint32_t id;
	uint32_t event_code;
	uint32_t event_data[1];
};
#define KEV_MSG_HEADER_SIZE 24

struct kev_request {
	uint32_t vendor_code;
	uint32_t kev_class;
	uint32_t kev_subclass;
};

#define KEV_VENDOR_CODE_MAX_STR_LEN 200
#pragma pack(4)
struct kev_vendor_code {
	uint32_t vendor_code;
	char vendor_string[KEV_VENDOR_CODE_MAX_STR_LEN];
};
#pragma pack()

#define SIOCGKEVID 0x40046501UL
#define SIOCSKEVFILT 0x800c6502UL
#define SIOCGKEVFILT 0x400c6503UL
#define SIOCGKEVVENDOR 0xc0cc6504UL

int kh_socket(int domain, int type, int protocol);
int kh_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t kh_send(int fd, const void *buf, size_t len, int flags);
ssize_t kh_recv(int fd, void *buf, size_t len, int flags);
ssize_t kh_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen);
ssize_t kh_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen);
int kh_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int kh_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int kh_shutdown(int fd, int how);

/* Open a control socket connected to the control `name` (unit 0: any). -1 and errno on failure. */
int kh_ctl_open(const char *name, int type, uint32_t unit);

#ifdef __cplusplus
}
#endif

#endif /* _KEXTHOST_KH_SOCKET_H_ */
