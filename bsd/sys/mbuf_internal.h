/*
 * mbuf_internal.h — the layout of an mbuf, private to the kernel (kexts
 * see only the opaque mbuf_t of <sys/kpi_mbuf.h>).
 *
 * An mbuf is MSIZE bytes: a header and an inline data area. Data either
 * lives inline (MLEN bytes, or MHLEN after a packet header) or in an
 * external cluster owned by a reference-counted descriptor (whose pointer
 * sits in the fixed header, so dropping M_PKTHDR never moves it), so that a later
 * m_copym/mbuf_dup can share clusters without copying. The socket-buffer
 * helpers (m_* names, as in BSD) are declared here for the kernel's socket
 * code.
 */
#ifndef _BSD_SYS_MBUF_INTERNAL_H_
#define _BSD_SYS_MBUF_INTERNAL_H_

#include <sys/kpi_mbuf.h>

struct mb_ext {
	char *ext_buf;
	u_int32_t ext_size;
	u_int32_t ext_refs; /* atomically updated: mbufs sharing the cluster */
};

struct m_hdr {
	struct mbuf *mh_next;    /* next mbuf of this packet */
	struct mbuf *mh_nextpkt; /* next packet in a queue */
	char *mh_data;           /* first byte of data */
	int32_t mh_len;          /* bytes of data in this mbuf */
	u_int16_t mh_type;       /* mbuf_type_t */
	u_int16_t mh_flags;      /* mbuf_flags_t (M_*) */
	struct mb_ext *mh_ext;   /* the cluster when M_EXT (kept here for either layout) */
};

struct pkthdr {
	int32_t len; /* bytes in the whole packet */
	u_int32_t pad;
	void *rcvif;  /* the receiving interface (ifnet_t), NULL for locally made packets */
	void *header; /* the link-layer header, set by the driver (mbuf_pkthdr_setheader) */
};

#define MLEN ((int)(MSIZE - sizeof(struct m_hdr)))
#define MHLEN ((int)(MLEN - sizeof(struct pkthdr)))

struct mbuf {
	struct m_hdr m_hdr;
	union {
		struct {
			struct pkthdr MH_pkthdr;
			char MH_databuf[MHLEN];
		} MH;
		char M_databuf[MLEN];
	} M_dat;
};

_Static_assert(sizeof(struct mbuf) == MSIZE, "mbuf size");

#define m_next m_hdr.mh_next
#define m_nextpkt m_hdr.mh_nextpkt
#define m_data m_hdr.mh_data
#define m_len m_hdr.mh_len
#define m_type m_hdr.mh_type
#define m_flags m_hdr.mh_flags
#define m_pkthdr M_dat.MH.MH_pkthdr

#define M_EXT MBUF_EXT
#define M_PKTHDR MBUF_PKTHDR
#define M_EOR MBUF_EOR

/* Kernel-internal helpers (BSD names). */
struct mbuf *m_get_data(int how, int pkthdr, size_t size); /* one mbuf, cluster if size > inline */
void m_freem(struct mbuf *m);
size_t m_length(struct mbuf *m); /* bytes in the chain */
/* A packet holding a copy of len bytes at data (len may be 0); NULL when out of memory. */
struct mbuf *m_from_bytes(const void *data, size_t len, int how);

/* Live mbufs and clusters (for leak tests). */
u_int64_t mbuf_live_count(void);

#endif /* _BSD_SYS_MBUF_INTERNAL_H_ */
