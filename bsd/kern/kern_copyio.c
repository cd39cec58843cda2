/*
 * kern_copyio.c — copyin/copyout/copyinstr/copyoutstr and the uio KPI on
 * the calling process's real memory.
 *
 * Design and cost. A client's address space is another host process, so the
 * kernel cannot dereference a user pointer. Two paths serve a copy:
 *  1. Carried regions (<kexthost/syscall.h>): the library sends the bytes it
 *     knows the call reads (IN) and names the buffers it writes (OUT).
 *     copyin inside an IN region is a memcpy from the message; copyout inside
 *     an OUT region is a memcpy into a kernel buffer whose written part
 *     [lo, hi) the reply carries back. No extra round trip.
 *  2. Anything else (a pointer found inside an ioctl argument, a region the
 *     library could not predict) goes straight to the client's memory with
 *     process_vm_readv/writev (khost_proc_read/write): one host system call
 *     per copy (~1 µs + the copy), EFAULT for any unmapped or protected
 *     address, never a fault in the kernel.
 * Ordering is kept: a copyout that does not touch the written part of its
 * OUT buffer first flushes that part to memory, and a direct write
 * overlapping an OUT buffer flushes it first, so the client sees writes in
 * the order the kernel made them. A copyin of an OUT-only region reads memory
 * and then overlays what the kernel already wrote there.
 *
 * With no call in progress (a kernel thread, kernproc), user addresses are
 * the kernel process's own: still read through process_vm_readv on our own
 * pid, so a bad address is EFAULT there too.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/uio.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"

#define COPYIO_PAGE 4096u

static int
copyio_pid(void)
{
	proc_t p = current_proc();
	return p == kernproc ? khost_getpid() : p->p_pid;
}

/* The region of the current call wholly containing [uaddr, uaddr+len), or -1. */
static int
copyio_region(const struct khsc_call *c, user_addr_t uaddr, size_t len)
{
	if (c == NULL)
		return -1;
	for (unsigned int i = 0; i < c->d->req.nregions; i++) {
		const struct khsc_region *r = &c->d->region[i];
		if (uaddr >= r->uaddr && len <= r->len && uaddr - r->uaddr <= r->len - len)
			return (int)i;
	}
	return -1;
}

/* Write OUT buffer i's written part to memory now and mark it empty. */
static int
copyio_flush(struct khsc_call *c, unsigned int i)
{
	int err = 0;

	if (c->buf[i] != NULL && c->hi[i] > c->lo[i])
		err = khost_proc_write(c->p->p_pid, c->d->region[i].uaddr + c->lo[i], c->buf[i] + c->lo[i],
		                       c->hi[i] - c->lo[i]);
	c->lo[i] = c->hi[i] = 0;
	return err;
}

int
copyin(const user_addr_t uaddr, void *kaddr, size_t len)
{
	struct khsc_call *c = khsc_call_get();
	int i, err;

	if (len == 0)
		return 0;
	if (uaddr + len < uaddr)
		return EFAULT;
	i = copyio_region(c, uaddr, len);
	if (i >= 0) {
		const struct khsc_region *r = &c->d->region[i];
		size_t off = uaddr - r->uaddr;
		if (c->buf[i] != NULL && c->d->in[i] != NULL) {
			memcpy(kaddr, c->buf[i] + off, len); /* IN|OUT: the buffer is current */
			return 0;
		}
		if (c->buf[i] == NULL) {
			memcpy(kaddr, c->d->in[i] + off, len);
			return 0;
		}
	}
	err = khost_proc_read(copyio_pid(), uaddr, kaddr, len);
	if (err != 0)
		return err == ESRCH ? EFAULT : err;
	/* Overlay what this call already wrote into OUT buffers but has not flushed. */
	for (unsigned int j = 0; c != NULL && j < c->d->req.nregions; j++) {
		const struct khsc_region *r = &c->d->region[j];
		user_addr_t lo, hi;
		if (c->buf[j] == NULL || c->hi[j] <= c->lo[j])
			continue;
		lo = r->uaddr + c->lo[j];
		hi = r->uaddr + c->hi[j];
		if (lo < uaddr)
			lo = uaddr;
		if (hi > uaddr + len)
			hi = uaddr + len;
		if (lo < hi)
			memcpy((char *)kaddr + (lo - uaddr), c->buf[j] + (lo - r->uaddr), hi - lo);
	}
	return 0;
}

int
copyout(const void *kaddr, user_addr_t udaddr, size_t len)
{
	struct khsc_call *c = khsc_call_get();
	int i, err;

	if (len == 0)
		return 0;
	if (udaddr + len < udaddr)
		return EFAULT;
	i = copyio_region(c, udaddr, len);
	if (i >= 0 && c->buf[i] != NULL) {
		uint32_t off = (uint32_t)(udaddr - c->d->region[i].uaddr);
		uint32_t end = off + (uint32_t)len;
		if (c->hi[i] <= c->lo[i]) {
			c->lo[i] = off;
			c->hi[i] = end;
		} else if (end >= c->lo[i] && off <= c->hi[i]) {
			if (off < c->lo[i])
				c->lo[i] = off;
			if (end > c->hi[i])
				c->hi[i] = end;
		} else {
			/* A gap: write out the older part first so the two land in order. */
			err = copyio_flush(c, (unsigned int)i);
			if (err != 0)
				return err == ESRCH ? EFAULT : err;
			c->lo[i] = off;
			c->hi[i] = end;
		}
		memcpy(c->buf[i] + off, kaddr, len);
		return 0;
	}
	for (unsigned int j = 0; c != NULL && j < c->d->req.nregions; j++) {
		const struct khsc_region *r = &c->d->region[j];
		if (c->buf[j] != NULL && udaddr < r->uaddr + r->len && r->uaddr < udaddr + len) {
			err = copyio_flush(c, j);
			if (err != 0)
				return err == ESRCH ? EFAULT : err;
		}
	}
	err = khost_proc_write(copyio_pid(), udaddr, kaddr, len);
	return err == ESRCH ? EFAULT : err;
}

int
copyinstr(const user_addr_t uaddr, void *kaddr, size_t len, size_t *done)
{
	char *dst = kaddr;
	size_t got = 0;
	int err;

	if (done != NULL)
		*done = 0;
	if (len == 0)
		return ENAMETOOLONG;
	while (got < len) {
		/* Never read past the page the string may end in: the next one may be unmapped. */
		size_t n = COPYIO_PAGE - (size_t)((uaddr + got) % COPYIO_PAGE);
		if (n > len - got)
			n = len - got;
		err = copyin(uaddr + got, dst + got, n);
		if (err != 0)
			return err;
		for (size_t k = 0; k < n; k++) {
			if (dst[got + k] == '\0') {
				if (done != NULL)
					*done = got + k + 1;
				return 0;
			}
		}
		got += n;
	}
	if (done != NULL)
		*done = len;
	return ENAMETOOLONG;
}

int
copyoutstr(const void *from, user_addr_t to, size_t maxlen, size_t *lencopied)
{
	size_t n = strnlen(from, maxlen);
	int err;

	if (lencopied != NULL)
		*lencopied = 0;
	if (n < maxlen) {
		err = copyout(from, to, n + 1);
		if (err == 0 && lencopied != NULL)
			*lencopied = n + 1;
		return err;
	}
	err = copyout(from, to, maxlen);
	if (err != 0)
		return err;
	if (lencopied != NULL)
		*lencopied = maxlen;
	return ENAMETOOLONG;
}

/* ---- uio ------------------------------------------------------------------ */

struct uio_iov {
	user_addr_t base;
	user_size_t len;
};

struct uio {
	struct uio_iov *iovs; /* the current iovec (advances as data moves) */
	int iovcount;         /* iovecs from iovs on */
	int max;              /* room in the allocation */
	off_t offset;
	int segflg;
	int rw;
	user_ssize_t resid;
	struct uio_iov iov[]; /* storage */
};

static size_t
uio_size(int n)
{
	return sizeof(struct uio) + sizeof(struct uio_iov) * (size_t)n;
}

uio_t
uio_create(int a_iovcount, off_t a_offset, int a_spacetype, int a_iodirection)
{
	uio_t u;

	if (a_iovcount < 0 || a_iovcount > UIO_MAXIOV)
		return NULL;
	u = kalloc(uio_size(a_iovcount));
	if (u == NULL)
		return NULL;
	memset(u, 0, uio_size(a_iovcount));
	u->max = a_iovcount;
	uio_reset(u, a_offset, a_spacetype, a_iodirection);
	return u;
}

void
uio_reset(uio_t u, off_t a_offset, int a_spacetype, int a_iodirection)
{
	if (u == NULL)
		return;
	u->iovs = u->iov;
	u->iovcount = 0;
	u->offset = a_offset;
	u->segflg = a_spacetype;
	u->rw = a_iodirection;
	u->resid = 0;
	memset(u->iov, 0, sizeof(struct uio_iov) * (size_t)u->max);
}

uio_t
uio_duplicate(uio_t u)
{
	uio_t n;

	if (u == NULL)
		return NULL;
	n = uio_create(u->iovcount, u->offset, u->segflg, u->rw);
	if (n == NULL)
		return NULL;
	memcpy(n->iov, u->iovs, sizeof(struct uio_iov) * (size_t)u->iovcount);
	n->iovcount = u->iovcount;
	n->resid = u->resid;
	return n;
}

void
uio_free(uio_t u)
{
	if (u != NULL)
		kfree(u, uio_size(u->max));
}

int
uio_addiov(uio_t u, user_addr_t a_baseaddr, user_size_t a_length)
{
	if (u == NULL)
		return -1;
	if ((u->iovs - u->iov) + u->iovcount >= u->max)
		return -1; /* Darwin: -1 when there is no room */
	if ((user_ssize_t)a_length < 0 || u->resid + (user_ssize_t)a_length < u->resid)
		return -1;
	u->iovs[u->iovcount].base = a_baseaddr;
	u->iovs[u->iovcount].len = a_length;
	u->iovcount++;
	u->resid += (user_ssize_t)a_length;
	return 0;
}

int
uio_getiov(uio_t u, int a_index, user_addr_t *a_baseaddr_p, user_size_t *a_length_p)
{
	if (u == NULL || a_index < 0 || a_index >= u->iovcount)
		return -1;
	if (a_baseaddr_p != NULL)
		*a_baseaddr_p = u->iovs[a_index].base;
	if (a_length_p != NULL)
		*a_length_p = u->iovs[a_index].len;
	return 0;
}

void
uio_update(uio_t u, user_size_t a_count)
{
	if (u == NULL || u->iovcount == 0)
		return;
	if (a_count > u->iovs->len)
		a_count = u->iovs->len;
	u->iovs->base += a_count;
	u->iovs->len -= a_count;
	u->resid -= (user_ssize_t)a_count;
	if (u->resid < 0)
		u->resid = 0;
	/* Step over exhausted iovecs so uio_curriovbase names where data goes next. */
	while (u->iovcount > 0 && u->iovs->len == 0) {
		u->iovs++;
		u->iovcount--;
	}
}

user_ssize_t
uio_resid(uio_t u)
{
	return u != NULL ? u->resid : 0;
}

void
uio_setresid(uio_t u, user_ssize_t a_value)
{
	if (u != NULL)
		u->resid = a_value;
}

int
uio_iovcnt(uio_t u)
{
	return u != NULL ? u->iovcount : -1;
}

off_t
uio_offset(uio_t u)
{
	return u != NULL ? u->offset : 0;
}

void
uio_setoffset(uio_t u, off_t a_offset)
{
	if (u != NULL)
		u->offset = a_offset;
}

int
uio_rw(uio_t u)
{
	return u != NULL ? u->rw : -1;
}

void
uio_setrw(uio_t u, int a_value)
{
	if (u != NULL)
		u->rw = a_value;
}

int
uio_isuserspace(uio_t u)
{
	return u != NULL &&
	       (u->segflg == UIO_USERSPACE || u->segflg == UIO_USERSPACE32 || u->segflg == UIO_USERSPACE64);
}

user_addr_t
uio_curriovbase(uio_t u)
{
	return u != NULL && u->iovcount > 0 ? u->iovs->base : 0;
}

user_size_t
uio_curriovlen(uio_t u)
{
	return u != NULL && u->iovcount > 0 ? u->iovs->len : 0;
}

int
uiomove(const char *cp, int n, uio_t uio)
{
	int err = 0;

	if (uio == NULL || n < 0)
		return EINVAL;
	while (n > 0 && uio->resid > 0 && uio->iovcount > 0) {
		struct uio_iov *iov = uio->iovs;
		size_t cnt = iov->len;

		if (cnt == 0) {
			uio->iovs++;
			uio->iovcount--;
			continue;
		}
		if (cnt > (size_t)n)
			cnt = (size_t)n;
		if (uio_isuserspace(uio)) {
			err = uio->rw == UIO_READ ? copyout(cp, iov->base, cnt)
			                          : copyin(iov->base, (void *)(uintptr_t)cp, cnt);
		} else if (uio->rw == UIO_READ) {
			memmove((void *)(uintptr_t)iov->base, cp, cnt);
		} else {
			memmove((void *)(uintptr_t)cp, (const void *)(uintptr_t)iov->base, cnt);
		}
		if (err != 0)
			return err;
		iov->base += cnt;
		iov->len -= cnt;
		uio->resid -= (user_ssize_t)cnt;
		uio->offset += (off_t)cnt;
		cp += cnt;
		n -= (int)cnt;
	}
	return 0;
}

int
uiomove64(const addr64_t cp, int n, uio_t uio)
{
	return uiomove((const char *)(uintptr_t)cp, n, uio);
}
