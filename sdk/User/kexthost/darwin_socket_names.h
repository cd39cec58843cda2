/*
 * kexthost/darwin_socket_names.h — Darwin names for the PF_SYSTEM socket
 * calls of <kexthost/kh_socket.h>, for porting Darwin user tools that talk
 * to kernel controls: include it after the system headers (and usually
 * together with <kexthost/darwin_names.h>), and socket(), connect(), send(),
 * recv() ... go to the hosted kernel. Do not include it in code that also
 * needs Linux sockets.
 */
#ifndef _KEXTHOST_DARWIN_SOCKET_NAMES_H_
#define _KEXTHOST_DARWIN_SOCKET_NAMES_H_

#include <kexthost/kh_socket.h>

#define socket kh_socket
#define connect kh_connect
#define send kh_send
#define recv kh_recv
#define sendto kh_sendto
#define recvfrom kh_recvfrom
#define setsockopt kh_setsockopt
#define getsockopt kh_getsockopt
#define shutdown kh_shutdown

#endif /* _KEXTHOST_DARWIN_SOCKET_NAMES_H_ */
