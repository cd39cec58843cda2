/*
 * sys/kpi_mbuf.h — the mbuf KPI: packet buffers passed between the socket
 * layer and kernel extensions. An mbuf_t is opaque; a packet is a chain of
 * mbufs linked by mbuf_next(), the first of which carries a packet header
 * (MBUF_PKTHDR) with the packet's total length; packets are linked into
 * queues by mbuf_nextpkt(). Each mbuf's data lives either inside the mbuf
 * (up to MLEN bytes, MHLEN with a packet header) or in an external cluster
 * (MBUF_EXT) of MCLBYTES, MBIGCLBYTES or M16KCLBYTES.
 *
 * kexthost implements the subset kernel control sockets and kernel events
 * need (bsd/kern/uipc_mbuf.c); the names, types, flag values and error
 * codes are XNU's so the networking work can grow it in place.
 */
#ifndef _SYS_KPI_MBUF_H_
#define _SYS_KPI_MBUF_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <stddef.h>

__BEGIN_DECLS

/* Sizes (XNU, 64-bit). */
#define MSIZE 256         /* one mbuf, header included */
#define MCLBYTES 2048     /* a cluster */
#define MBIGCLBYTES 4096  /* a big (page) cluster */
#define M16KCLBYTES 16384 /* a jumbo cluster */

typedef u_int32_t mbuf_flags_t;
#define MBUF_EXT 0x0001    /* data is in an external cluster */
#define MBUF_PKTHDR 0x0002 /* first mbuf of a packet: has a packet header */
#define MBUF_EOR 0x0004    /* end of record */
#define MBUF_LOOP 0x0040
#define MBUF_BCAST 0x0100
#define MBUF_MCAST 0x0200
#define MBUF_FRAG 0x0400
#define MBUF_FIRSTFRAG 0x0800
#define MBUF_LASTFRAG 0x1000
#define MBUF_PROMISC 0x2000
#define MBUF_HASFCS 0x4000

typedef enum {
	MBUF_TYPE_FREE = 0,
	MBUF_TYPE_DATA = 1,
	MBUF_TYPE_HEADER = 2,
	MBUF_TYPE_SOCKET = 3,
	MBUF_TYPE_PCB = 4,
	MBUF_TYPE_RTABLE = 5,
	MBUF_TYPE_HTABLE = 6,
	MBUF_TYPE_ATABLE = 7,
	MBUF_TYPE_SONAME = 8,
	MBUF_TYPE_SOOPTS = 10,
	MBUF_TYPE_FTABLE = 11,
	MBUF_TYPE_RIGHTS = 12,
	MBUF_TYPE_IFADDR = 13,
	MBUF_TYPE_CONTROL = 14,
	MBUF_TYPE_OOBDATA = 15
} mbuf_type_t;

typedef enum {
	MBUF_WAITOK = 0,  /* may block until memory is available */
	MBUF_DONTWAIT = 1 /* fail with ENOMEM/EWOULDBLOCK rather than block */
} mbuf_how_t;

/* Allocation. */
errno_t mbuf_get(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf);
errno_t mbuf_gethdr(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf);
errno_t mbuf_getcluster(mbuf_how_t how, mbuf_type_t type, size_t size, mbuf_t *mbuf);
errno_t mbuf_mclget(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf);
errno_t mbuf_allocpacket(mbuf_how_t how, size_t packetlen, unsigned int *maxchunks, mbuf_t *mbuf);
mbuf_t mbuf_free(mbuf_t mbuf);
void mbuf_freem(mbuf_t mbuf);
void mbuf_freem_list(mbuf_t mbuf);

/* Data access. */
void *mbuf_data(mbuf_t mbuf);
void *mbuf_datastart(mbuf_t mbuf);
errno_t mbuf_setdata(mbuf_t mbuf, void *data, size_t len);
errno_t mbuf_align_32(mbuf_t mbuf, size_t len);
size_t mbuf_len(mbuf_t mbuf);
void mbuf_setlen(mbuf_t mbuf, size_t len);
size_t mbuf_maxlen(mbuf_t mbuf);
size_t mbuf_leadingspace(const mbuf_t mbuf);
size_t mbuf_trailingspace(const mbuf_t mbuf);
mbuf_type_t mbuf_type(mbuf_t mbuf);
errno_t mbuf_settype(mbuf_t mbuf, mbuf_type_t new_type);
mbuf_flags_t mbuf_flags(mbuf_t mbuf);
errno_t mbuf_setflags(mbuf_t mbuf, mbuf_flags_t flags);
errno_t mbuf_setflags_mask(mbuf_t mbuf, mbuf_flags_t flags, mbuf_flags_t mask);

/* Chains and packets. */
mbuf_t mbuf_next(mbuf_t mbuf);
errno_t mbuf_setnext(mbuf_t mbuf, mbuf_t next);
mbuf_t mbuf_nextpkt(mbuf_t mbuf);
void mbuf_setnextpkt(mbuf_t mbuf, mbuf_t nextpkt);
errno_t mbuf_concatenate(mbuf_t dst, mbuf_t src);
errno_t mbuf_copydata(const mbuf_t mbuf, size_t offset, size_t length, void *out_data);
errno_t mbuf_copyback(mbuf_t mbuf, size_t offset, size_t length, const void *data, mbuf_how_t how);
void mbuf_adj(mbuf_t mbuf, int len);
errno_t mbuf_prepend(mbuf_t *mbuf, size_t len, mbuf_how_t how);
errno_t mbuf_dup(const mbuf_t src, mbuf_how_t how, mbuf_t *new_mbuf);

#define MBUF_COPYALL 1000000000 /* mbuf_copym: to the end of the chain */

errno_t mbuf_adjustlen(mbuf_t mbuf, int amount);
errno_t mbuf_getpacket(mbuf_how_t how, mbuf_t *mbuf);
errno_t mbuf_copym(const mbuf_t src, size_t offset, size_t len, mbuf_how_t how, mbuf_t *new_mbuf);
errno_t mbuf_split(mbuf_t src, size_t offset, mbuf_how_t how, mbuf_t *new_mbuf);
/* On failure the chain is freed and *mbuf is NULL (as m_pullup). */
errno_t mbuf_pullup(mbuf_t *mbuf, size_t len);
int mbuf_mclhasreference(mbuf_t mbuf);
u_int32_t mbuf_get_mlen(void);
u_int32_t mbuf_get_mhlen(void);
u_int32_t mbuf_get_minclsize(void);

/* Packet header. */
size_t mbuf_pkthdr_len(mbuf_t mbuf);
void mbuf_pkthdr_setlen(mbuf_t mbuf, size_t len);
void mbuf_pkthdr_adjustlen(mbuf_t mbuf, int amount);
errno_t mbuf_copy_pkthdr(mbuf_t dest, const mbuf_t src);
ifnet_t mbuf_pkthdr_rcvif(mbuf_t mbuf);
errno_t mbuf_pkthdr_setrcvif(mbuf_t mbuf, ifnet_t ifp);
void *mbuf_pkthdr_header(mbuf_t mbuf);
void mbuf_pkthdr_setheader(mbuf_t mbuf, void *header);

__END_DECLS

#endif /* _SYS_KPI_MBUF_H_ */
