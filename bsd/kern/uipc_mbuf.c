/*
 * uipc_mbuf.c — a minimal mbuf allocator and the mbuf KPI (<sys/kpi_mbuf.h>)
 * sufficient for kernel control and kernel event sockets.
 *
 * Design: an mbuf is an MSIZE block from kalloc with its data inline or in a
 * kalloc'ed cluster described by a reference-counted struct mb_ext (so a
 * later m_copym can share clusters). There are no per-CPU caches, no mbuf
 * tags and no checksum offload state yet: the networking work replaces the
 * allocator with zones and grows the packet header, keeping these entry
 * points. MBUF_DONTWAIT allocations use kalloc_noblock and fail with ENOMEM
 * instead of sleeping.
 *
 * Invariants: m_data always points inside the mbuf's own storage (inline
 * area or cluster) and m_data + m_len never passes its end; a packet
 * header's len is maintained by the KPI calls that change a packet's length
 * (copyback, concatenate, adj, prepend), and left to the caller by
 * mbuf_setlen as in XNU.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include "bsd/sys/mbuf_internal.h"

static u_int64_t mb_live; /* mbufs plus clusters allocated and not freed */

u_int64_t
mbuf_live_count(void)
{
	return __atomic_load_n(&mb_live, __ATOMIC_RELAXED);
}

static void *
mb_kalloc(size_t size, int how)
{
	void *p = how == MBUF_DONTWAIT ? kalloc_noblock(size) : kalloc(size);

	if (p != NULL)
		__atomic_add_fetch(&mb_live, 1, __ATOMIC_RELAXED);
	return p;
}

static void
mb_kfree(void *p, size_t size)
{
	__atomic_sub_fetch(&mb_live, 1, __ATOMIC_RELAXED);
	kfree(p, size);
}

static int
mb_type_ok(int type)
{
	return type > MBUF_TYPE_FREE && type <= MBUF_TYPE_OOBDATA && type != 9;
}

static struct mb_ext **
mb_extp(struct mbuf *m)
{
	return &m->m_hdr.mh_ext;
}

static char *
mb_start(struct mbuf *m)
{
	if (m->m_flags & M_EXT)
		return (*mb_extp(m))->ext_buf;
	return (m->m_flags & M_PKTHDR) ? m->M_dat.MH.MH_databuf : m->M_dat.M_databuf;
}

static size_t
mb_size(struct mbuf *m)
{
	if (m->m_flags & M_EXT)
		return (*mb_extp(m))->ext_size;
	return (m->m_flags & M_PKTHDR) ? MHLEN : MLEN;
}

static struct mbuf *
mb_alloc(int how, int type, int pkthdr)
{
	struct mbuf *m = mb_kalloc(MSIZE, how);

	if (m == NULL)
		return NULL;
	memset(m, 0, sizeof(m->m_hdr) + sizeof(struct pkthdr));
	m->m_type = (u_int16_t)type;
	m->m_flags = pkthdr ? M_PKTHDR : 0;
	m->m_data = mb_start(m);
	return m;
}

/* Give m (which has no data) a cluster of size bytes. */
static int
mb_attach_cluster(struct mbuf *m, size_t size, int how)
{
	struct mb_ext *ext;

	if (m->m_flags & M_EXT)
		return EINVAL;
	ext = mb_kalloc(sizeof(*ext), how);
	if (ext == NULL)
		return ENOMEM;
	ext->ext_buf = mb_kalloc(size, how);
	if (ext->ext_buf == NULL) {
		mb_kfree(ext, sizeof(*ext));
		return ENOMEM;
	}
	ext->ext_size = (u_int32_t)size;
	ext->ext_refs = 1;
	*mb_extp(m) = ext;
	m->m_flags |= M_EXT;
	m->m_data = ext->ext_buf;
	m->m_len = 0;
	return 0;
}

/* ---- allocation ------------------------------------------------------------ */

errno_t
mbuf_get(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf)
{
	if (mbuf == NULL || !mb_type_ok(type))
		return EINVAL;
	*mbuf = mb_alloc(how, type, 0);
	return *mbuf != NULL ? 0 : ENOMEM;
}

errno_t
mbuf_gethdr(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf)
{
	if (mbuf == NULL || !mb_type_ok(type))
		return EINVAL;
	*mbuf = mb_alloc(how, type, 1);
	return *mbuf != NULL ? 0 : ENOMEM;
}

/* A cluster of size bytes, attached to *mbuf or to a new mbuf when *mbuf is NULL. */
errno_t
mbuf_getcluster(mbuf_how_t how, mbuf_type_t type, size_t size, mbuf_t *mbuf)
{
	struct mbuf *m;
	int created = 0, err;

	if (mbuf == NULL || !mb_type_ok(type))
		return EINVAL;
	if (size != MCLBYTES && size != MBIGCLBYTES && size != M16KCLBYTES)
		return EINVAL;
	m = *mbuf;
	if (m == NULL) {
		m = mb_alloc(how, type, 0);
		if (m == NULL)
			return ENOMEM;
		created = 1;
	}
	err = mb_attach_cluster(m, size, how);
	if (err != 0) {
		if (created)
			mbuf_free(m);
		return err;
	}
	*mbuf = m;
	return 0;
}

errno_t
mbuf_mclget(mbuf_how_t how, mbuf_type_t type, mbuf_t *mbuf)
{
	return mbuf_getcluster(how, type, MCLBYTES, mbuf);
}

struct mbuf *
m_get_data(int how, int pkthdr, size_t size)
{
	struct mbuf *m = mb_alloc(how, MBUF_TYPE_DATA, pkthdr);
	size_t inl = pkthdr ? MHLEN : MLEN;
	size_t cl;

	if (m == NULL || size <= inl)
		return m;
	cl = size <= MCLBYTES ? MCLBYTES : size <= MBIGCLBYTES ? MBIGCLBYTES : M16KCLBYTES;
	if (mb_attach_cluster(m, cl, how) != 0) {
		mbuf_free(m);
		return NULL;
	}
	return m;
}

/*
 * A packet able to hold packetlen bytes: one inline mbuf, one cluster, or a
 * chain of big clusters. Lengths start at 0 (fill it with mbuf_copyback).
 */
errno_t
mbuf_allocpacket(mbuf_how_t how, size_t packetlen, unsigned int *maxchunks, mbuf_t *mbuf)
{
	struct mbuf *head = NULL, **tail = &head;
	size_t chunk, n, i;

	if (mbuf == NULL)
		return EINVAL;
	*mbuf = NULL;
	if (packetlen == 0)
		return EINVAL;
	chunk = packetlen <= MHLEN ? MHLEN : packetlen <= MCLBYTES ? MCLBYTES : MBIGCLBYTES;
	n = (packetlen + chunk - 1) / chunk;
	if (maxchunks != NULL) {
		if (*maxchunks != 0 && n > *maxchunks)
			return ENOBUFS;
		*maxchunks = (unsigned int)n;
	}
	for (i = 0; i < n; i++) {
		struct mbuf *m = m_get_data(how, i == 0, chunk == MHLEN ? 0 : chunk);

		if (m == NULL) {
			mbuf_freem(head);
			return ENOMEM;
		}
		*tail = m;
		tail = &m->m_next;
	}
	*mbuf = head;
	return 0;
}

/* Free one mbuf; returns the next one of its chain. */
mbuf_t
mbuf_free(mbuf_t m)
{
	struct mbuf *next;

	if (m == NULL)
		return NULL;
	next = m->m_next;
	if (m->m_flags & M_EXT) {
		struct mb_ext *ext = *mb_extp(m);

		if (__atomic_sub_fetch(&ext->ext_refs, 1, __ATOMIC_ACQ_REL) == 0) {
			mb_kfree(ext->ext_buf, ext->ext_size);
			mb_kfree(ext, sizeof(*ext));
		}
	}
	m->m_type = MBUF_TYPE_FREE;
	mb_kfree(m, MSIZE);
	return next;
}

void
mbuf_freem(mbuf_t m)
{
	while (m != NULL)
		m = mbuf_free(m);
}

void
m_freem(struct mbuf *m)
{
	mbuf_freem(m);
}

/* Free every packet of a queue linked by m_nextpkt. */
void
mbuf_freem_list(mbuf_t m)
{
	while (m != NULL) {
		struct mbuf *next = m->m_nextpkt;

		mbuf_freem(m);
		m = next;
	}
}

/* ---- data access ------------------------------------------------------------ */

void *
mbuf_data(mbuf_t m)
{
	return m->m_data;
}

void *
mbuf_datastart(mbuf_t m)
{
	return mb_start(m);
}

errno_t
mbuf_setdata(mbuf_t m, void *data, size_t len)
{
	char *s = mb_start(m), *d = data;

	if (d < s || d > s + mb_size(m) || len > (size_t)(s + mb_size(m) - d))
		return EINVAL;
	m->m_data = d;
	m->m_len = (int32_t)len;
	return 0;
}

/* Place len bytes at the end of the buffer, 32-bit aligned (m must be empty). */
errno_t
mbuf_align_32(mbuf_t m, size_t len)
{
	if (m->m_len != 0 || len > mb_size(m))
		return ENOTSUP;
	m->m_data = mb_start(m) + ((mb_size(m) - len) & ~(size_t)3);
	return 0;
}

size_t
mbuf_len(mbuf_t m)
{
	return (size_t)m->m_len;
}

/* As in XNU, the caller keeps the packet header's length in step. */
void
mbuf_setlen(mbuf_t m, size_t len)
{
	size_t max = mb_size(m) - (size_t)(m->m_data - mb_start(m));

	if (len > max)
		panic("mbuf_setlen: %zu bytes exceed the %zu available", len, max);
	m->m_len = (int32_t)len;
}

size_t
mbuf_maxlen(mbuf_t m)
{
	return mb_size(m);
}

size_t
mbuf_leadingspace(const mbuf_t m)
{
	return (size_t)(m->m_data - mb_start(m));
}

size_t
mbuf_trailingspace(const mbuf_t m)
{
	return mb_size(m) - mbuf_leadingspace(m) - (size_t)m->m_len;
}

mbuf_type_t
mbuf_type(mbuf_t m)
{
	return (mbuf_type_t)m->m_type;
}

errno_t
mbuf_settype(mbuf_t m, mbuf_type_t type)
{
	if (!mb_type_ok(type))
		return EINVAL;
	m->m_type = (u_int16_t)type;
	return 0;
}

mbuf_flags_t
mbuf_flags(mbuf_t m)
{
	return m->m_flags;
}

/* Only the user-settable flags; M_EXT and M_PKTHDR describe the layout and stay. */
#define MB_USER_FLAGS                                                                                  \
	(MBUF_EOR | MBUF_LOOP | MBUF_BCAST | MBUF_MCAST | MBUF_FRAG | MBUF_FIRSTFRAG | MBUF_LASTFRAG | \
	 MBUF_PROMISC | MBUF_HASFCS)

errno_t
mbuf_setflags(mbuf_t m, mbuf_flags_t flags)
{
	return mbuf_setflags_mask(m, flags, MB_USER_FLAGS | M_EXT | M_PKTHDR);
}

errno_t
mbuf_setflags_mask(mbuf_t m, mbuf_flags_t flags, mbuf_flags_t mask)
{
	if ((flags & mask & (M_EXT | M_PKTHDR)) != (m->m_flags & mask & (M_EXT | M_PKTHDR)))
		return EINVAL;
	mask &= MB_USER_FLAGS;
	m->m_flags = (u_int16_t)((m->m_flags & ~mask) | (flags & mask));
	return 0;
}

/* ---- chains and packets ----------------------------------------------------- */

mbuf_t
mbuf_next(mbuf_t m)
{
	return m->m_next;
}

errno_t
mbuf_setnext(mbuf_t m, mbuf_t next)
{
	if (next != NULL && next->m_type == MBUF_TYPE_FREE)
		return EINVAL;
	m->m_next = next;
	return 0;
}

mbuf_t
mbuf_nextpkt(mbuf_t m)
{
	return m->m_nextpkt;
}

void
mbuf_setnextpkt(mbuf_t m, mbuf_t nextpkt)
{
	m->m_nextpkt = nextpkt;
}

size_t
m_length(struct mbuf *m)
{
	size_t n = 0;

	for (; m != NULL; m = m->m_next)
		n += (size_t)m->m_len;
	return n;
}

/* Append src's chain to dst's; dst's packet header (if any) grows by src's data. */
errno_t
mbuf_concatenate(mbuf_t dst, mbuf_t src)
{
	struct mbuf *m;

	if (dst == NULL || src == NULL || dst == src)
		return EINVAL;
	for (m = dst; m->m_next != NULL; m = m->m_next)
		;
	m->m_next = src;
	if (dst->m_flags & M_PKTHDR)
		dst->m_pkthdr.len += (int32_t)m_length(src);
	if (src->m_flags & M_PKTHDR)
		src->m_flags &= (u_int16_t)~M_PKTHDR; /* inline data ends where it did: still in bounds */
	return 0;
}

errno_t
mbuf_copydata(const mbuf_t mbuf, size_t off, size_t len, void *out)
{
	struct mbuf *m = mbuf;
	char *o = out;

	while (m != NULL && off >= (size_t)m->m_len) {
		off -= (size_t)m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		size_t n;

		if (m == NULL)
			return EINVAL;
		n = (size_t)m->m_len - off;
		if (n > len)
			n = len;
		memcpy(o, m->m_data + off, n);
		o += n;
		len -= n;
		off = 0;
		m = m->m_next;
	}
	return 0;
}

/*
 * Write len bytes at off, growing mbufs into their trailing space and
 * appending new mbufs when the chain is too short (a gap is zero-filled).
 */
errno_t
mbuf_copyback(mbuf_t mbuf, size_t off, size_t len, const void *data, mbuf_how_t how)
{
	struct mbuf *m = mbuf, *last = NULL;
	const char *d = data;
	size_t grown = 0;

	if (mbuf == NULL)
		return EINVAL;
	while (len > 0 || off > 0) {
		size_t room, n;

		if (m == NULL) {
			m = m_get_data(how, 0, off + len > MLEN ? MCLBYTES : 0);
			if (m == NULL)
				return ENOBUFS;
			last->m_next = m;
		}
		room = (size_t)m->m_len + mbuf_trailingspace(m);
		if (off >= room) {
			grown += room - (size_t)m->m_len;
			memset(m->m_data + m->m_len, 0, room - (size_t)m->m_len);
			m->m_len = (int32_t)room;
			off -= room;
		} else {
			n = room - off < len ? room - off : len;
			if (off > (size_t)m->m_len) {
				memset(m->m_data + m->m_len, 0, off - (size_t)m->m_len);
			}
			memcpy(m->m_data + off, d, n);
			if (off + n > (size_t)m->m_len) {
				grown += off + n - (size_t)m->m_len;
				m->m_len = (int32_t)(off + n);
			}
			d += n;
			len -= n;
			off = 0;
			if (len == 0)
				break;
		}
		last = m;
		m = m->m_next;
	}
	if (mbuf->m_flags & M_PKTHDR)
		mbuf->m_pkthdr.len += (int32_t)grown;
	return 0;
}

/* Trim len bytes from the front (len > 0) or the back (len < 0) of the packet. */
void
mbuf_adj(mbuf_t mbuf, int len)
{
	struct mbuf *m;
	size_t total, n;

	if (mbuf == NULL)
		return;
	total = m_length(mbuf);
	if (len >= 0) {
		n = (size_t)len < total ? (size_t)len : total;
		for (m = mbuf; m != NULL && n > 0; m = m->m_next) {
			size_t k = (size_t)m->m_len < n ? (size_t)m->m_len : n;

			m->m_data += k;
			m->m_len -= (int32_t)k;
			n -= k;
		}
		total -= (size_t)len < total ? (size_t)len : total;
	} else {
		size_t keep = (size_t) - (long)len < total ? total - (size_t) - (long)len : 0;

		total = keep;
		for (m = mbuf; m != NULL; m = m->m_next) {
			if ((size_t)m->m_len > keep)
				m->m_len = (int32_t)keep;
			keep -= (size_t)m->m_len;
		}
	}
	if (mbuf->m_flags & M_PKTHDR)
		mbuf->m_pkthdr.len = (int32_t)total;
}

/* Make room for len bytes at the front, in place or in a new leading mbuf. */
errno_t
mbuf_prepend(mbuf_t *mbuf, size_t len, mbuf_how_t how)
{
	struct mbuf *m, *n;

	if (mbuf == NULL || *mbuf == NULL)
		return EINVAL;
	m = *mbuf;
	if (mbuf_leadingspace(m) >= len) {
		m->m_data -= len;
		m->m_len += (int32_t)len;
		if (m->m_flags & M_PKTHDR)
			m->m_pkthdr.len += (int32_t)len;
		return 0;
	}
	if (len > MHLEN)
		return EINVAL;
	n = mb_alloc(how, m->m_type, (m->m_flags & M_PKTHDR) != 0);
	if (n == NULL)
		return ENOMEM;
	if (m->m_flags & M_PKTHDR) {
		/* The header moves to the new first mbuf; m keeps its data where it is. */
		n->m_pkthdr = m->m_pkthdr;
		n->m_pkthdr.len += (int32_t)len;
		/* Both inline areas end at the end of the mbuf, so m's data stays in bounds. */
		m->m_flags &= (u_int16_t)~M_PKTHDR;
	}
	n->m_data = mb_start(n) + mb_size(n) - len;
	n->m_len = (int32_t)len;
	n->m_next = m;
	n->m_nextpkt = m->m_nextpkt;
	m->m_nextpkt = NULL;
	*mbuf = n;
	return 0;
}

/* A deep copy of a packet (its data in fresh mbufs). */
errno_t
mbuf_dup(const mbuf_t src, mbuf_how_t how, mbuf_t *new_mbuf)
{
	size_t len;
	struct mbuf *m;

	if (src == NULL || new_mbuf == NULL)
		return EINVAL;
	len = m_length(src);
	m = m_get_data(how, 1, 0);
	if (m == NULL)
		return ENOMEM;
	m->m_type = src->m_type;
	if (len > 0) {
		char buf[256];
		size_t off = 0;

		while (off < len) {
			size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);

			if (mbuf_copydata(src, off, n, buf) != 0 || mbuf_copyback(m, off, n, buf, how) != 0) {
				mbuf_freem(m);
				return ENOMEM;
			}
			off += n;
		}
	}
	m->m_flags |= src->m_flags & MB_USER_FLAGS;
	*new_mbuf = m;
	return 0;
}

struct mbuf *
m_from_bytes(const void *data, size_t len, int how)
{
	struct mbuf *m = m_get_data(how, 1, len);

	if (m == NULL)
		return NULL;
	if (len > 0 && mbuf_copyback(m, 0, len, data, how) != 0) {
		mbuf_freem(m);
		return NULL;
	}
	return m;
}

/* ---- packet header ---------------------------------------------------------- */

size_t
mbuf_pkthdr_len(mbuf_t m)
{
	return (m->m_flags & M_PKTHDR) ? (size_t)m->m_pkthdr.len : 0;
}

void
mbuf_pkthdr_setlen(mbuf_t m, size_t len)
{
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len = (int32_t)len;
}

void
mbuf_pkthdr_adjustlen(mbuf_t m, int amount)
{
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len += amount;
}

errno_t
mbuf_copy_pkthdr(mbuf_t dest, const mbuf_t src)
{
	if (dest == NULL || src == NULL || !(src->m_flags & M_PKTHDR))
		return EINVAL;
	if (!(dest->m_flags & M_PKTHDR)) {
		/* Turning an mbuf into a header mbuf moves its inline area: only when it is empty. */
		if (dest->m_len != 0 && !(dest->m_flags & M_EXT))
			return EINVAL;
		dest->m_flags |= M_PKTHDR;
		if (!(dest->m_flags & M_EXT))
			dest->m_data = mb_start(dest);
	}
	dest->m_pkthdr = src->m_pkthdr;
	return 0;
}

ifnet_t
mbuf_pkthdr_rcvif(mbuf_t m)
{
	return (m->m_flags & M_PKTHDR) ? (ifnet_t)m->m_pkthdr.rcvif : NULL;
}

errno_t
mbuf_pkthdr_setrcvif(mbuf_t m, ifnet_t ifp)
{
	if (!(m->m_flags & M_PKTHDR))
		return EINVAL;
	m->m_pkthdr.rcvif = ifp;
	return 0;
}

void *
mbuf_pkthdr_header(mbuf_t m)
{
	return (m->m_flags & M_PKTHDR) ? m->m_pkthdr.header : NULL;
}

void
mbuf_pkthdr_setheader(mbuf_t m, void *header)
{
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.header = header;
}

/* ---- more chain operations ------------------------------------------------ */

u_int32_t
mbuf_get_mlen(void)
{
	return MLEN;
}

u_int32_t
mbuf_get_mhlen(void)
{
	return MHLEN;
}

/* Above this many bytes a cluster is cheaper than a chain of small mbufs (XNU: MHLEN + MLEN). */
u_int32_t
mbuf_get_minclsize(void)
{
	return MHLEN + MLEN;
}

errno_t
mbuf_adjustlen(mbuf_t m, int amount)
{
	long nlen = (long)m->m_len + amount;

	if (nlen < 0 || (size_t)nlen > (size_t)m->m_len + mbuf_trailingspace(m))
		return EINVAL;
	m->m_len = (int32_t)nlen;
	return 0;
}

errno_t
mbuf_getpacket(mbuf_how_t how, mbuf_t *mbuf)
{
	struct mbuf *m;

	if (mbuf == NULL)
		return EINVAL;
	m = mb_alloc(how, MBUF_TYPE_DATA, 1);
	if (m == NULL || mb_attach_cluster(m, MCLBYTES, how) != 0) {
		mbuf_free(m);
		*mbuf = NULL;
		return ENOMEM;
	}
	*mbuf = m;
	return 0;
}

int
mbuf_mclhasreference(mbuf_t m)
{
	return (m->m_flags & M_EXT) && __atomic_load_n(&(*mb_extp(m))->ext_refs, __ATOMIC_ACQUIRE) > 1;
}

/*
 * A new chain for len bytes at offset (MBUF_COPYALL: to the end). Cluster
 * data is shared (reference counted, read-only by convention, as in BSD);
 * inline data is copied. The packet header comes along when offset is 0.
 */
errno_t
mbuf_copym(const mbuf_t src, size_t off, size_t len, mbuf_how_t how, mbuf_t *new_mbuf)
{
	struct mbuf *m = src, *head = NULL, **tail = &head;
	size_t total, copied = 0;

	if (src == NULL || new_mbuf == NULL)
		return EINVAL;
	*new_mbuf = NULL;
	total = m_length(src);
	if (off > total || (len != MBUF_COPYALL && len > total - off))
		return EINVAL;
	if (len == MBUF_COPYALL)
		len = total - off;
	while (m != NULL && off != 0 && off >= (size_t)m->m_len) {
		off -= (size_t)m->m_len;
		m = m->m_next;
	}
	while (copied < len && m != NULL) {
		size_t n = (size_t)m->m_len - off;
		struct mbuf *c = mb_alloc(how, m->m_type,
		                          head == NULL && (src->m_flags & M_PKTHDR) && off == 0 && m == src);

		if (n > len - copied)
			n = len - copied;
		if (c == NULL)
			goto fail;
		if (m->m_flags & M_EXT) {
			struct mb_ext *ext = *mb_extp(m);

			__atomic_add_fetch(&ext->ext_refs, 1, __ATOMIC_ACQ_REL);
			*mb_extp(c) = ext;
			c->m_flags |= M_EXT;
			c->m_data = m->m_data + off;
		} else {
			memcpy(c->m_data, m->m_data + off, n);
		}
		c->m_len = (int32_t)n;
		*tail = c;
		tail = &c->m_next;
		copied += n;
		off = 0;
		m = m->m_next;
	}
	if (head == NULL) {
		head = mb_alloc(how, MBUF_TYPE_DATA, 1); /* an empty copy is one empty packet */
		if (head == NULL)
			return ENOMEM;
	}
	if (head->m_flags & M_PKTHDR) {
		if (src->m_flags & M_PKTHDR)
			head->m_pkthdr = src->m_pkthdr;
		head->m_pkthdr.len = (int32_t)len;
	}
	*new_mbuf = head;
	return 0;
fail:
	mbuf_freem(head);
	return ENOMEM;
}

/* src keeps its first offset bytes; *new_mbuf gets the rest (copied into fresh mbufs). */
errno_t
mbuf_split(mbuf_t src, size_t off, mbuf_how_t how, mbuf_t *new_mbuf)
{
	size_t total;
	int err;

	if (src == NULL || new_mbuf == NULL)
		return EINVAL;
	total = m_length(src);
	if (off > total)
		return EINVAL;
	err = mbuf_copym(src, off, total - off, how, new_mbuf);
	if (err != 0)
		return err;
	if (!((*new_mbuf)->m_flags & M_PKTHDR) && (src->m_flags & M_PKTHDR)) {
		/* The tail is a packet of its own. */
		struct mbuf *h = mb_alloc(how, MBUF_TYPE_DATA, 1);

		if (h == NULL) {
			mbuf_freem(*new_mbuf);
			*new_mbuf = NULL;
			return ENOMEM;
		}
		h->m_next = *new_mbuf;
		h->m_pkthdr.len = (int32_t)(total - off);
		*new_mbuf = h;
	}
	mbuf_adj(src, -(int)(total - off));
	/* Drop the now-empty mbufs at the end of src. */
	{
		struct mbuf *m = src;

		while (m->m_next != NULL && (size_t)m->m_len < off) {
			off -= (size_t)m->m_len;
			m = m->m_next;
		}
		mbuf_freem(m->m_next);
		m->m_next = NULL;
	}
	return 0;
}

/* Make the first len bytes contiguous in the first mbuf. */
errno_t
mbuf_pullup(mbuf_t *mbuf, size_t len)
{
	struct mbuf *m, *n;
	int hdr;

	if (mbuf == NULL || *mbuf == NULL)
		return EINVAL;
	m = *mbuf;
	if ((size_t)m->m_len >= len)
		return 0;
	if (len > m_length(m) || len > M16KCLBYTES)
		goto fail;
	if (len <= (size_t)m->m_len + mbuf_trailingspace(m) && !mbuf_mclhasreference(m)) {
		/* Room behind the data: pull the bytes of the following mbufs in. */
		while ((size_t)m->m_len < len) {
			size_t k;

			n = m->m_next;
			k = len - (size_t)m->m_len;
			if (k > (size_t)n->m_len)
				k = (size_t)n->m_len;
			memcpy(m->m_data + m->m_len, n->m_data, k);
			m->m_len += (int32_t)k;
			n->m_data += k;
			n->m_len -= (int32_t)k;
			if (n->m_len == 0) {
				m->m_next = n->m_next;
				n->m_next = NULL;
				mbuf_free(n);
			}
		}
		return 0;
	}
	/* Otherwise a new first mbuf takes the packet header and the first len bytes. */
	hdr = (m->m_flags & M_PKTHDR) != 0;
	n = m_get_data(MBUF_DONTWAIT, hdr, len);
	if (n == NULL)
		goto fail;
	n->m_type = m->m_type;
	mbuf_copydata(m, 0, len, n->m_data);
	n->m_len = (int32_t)len;
	if (hdr) {
		n->m_pkthdr = m->m_pkthdr;
		m->m_flags &= (u_int16_t)~M_PKTHDR; /* its inline data stays in bounds */
	}
	mbuf_adj(m, (int)len);
	while (m != NULL && m->m_len == 0) {
		m = mbuf_free(m);
	}
	n->m_next = m;
	*mbuf = n;
	return 0;
fail:
	mbuf_freem(m);
	*mbuf = NULL;
	return ENOMEM;
}
