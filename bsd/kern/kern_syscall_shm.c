/*
 * kern_syscall_shm.c — the kernel end of the shared-memory call channel
 * (layout and protocol in <kexthost/syscall.h>): set up a client's ring,
 * then serve its calls from the ring on the connection's worker thread.
 *
 * Why: waking a process blocked in a socket receive on the other core costs
 * 10–80 µs on this machine; a shared word with a short spin before a futex
 * wait costs about a microsecond. The spin is bounded (KSHM_SPIN rounds of
 * pause, yielding every 64 so two spinners sharing a core let each other
 * run); after it the worker sleeps on the futex. When the client dies the
 * hang-up watcher marks the process exiting and wakes that futex
 * (syscall_shm_kick), so the process's kernel state goes as soon as the
 * client does; the sleep is also bounded by KSHM_CHECK_MS, which catches a
 * shutdown and a kernel without a hang-up watcher.
 *
 * The request is decoded in place and the reply written straight into the
 * ring (no allocation on the common call); the decoder copies every bound it
 * relies on, so a client rewriting the ring mid-call only confuses itself.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bsd/kern/kern_request.h"
#include "sdk/User/kexthost/iokit_call.h"

static void kshm_pending_free(proc_t p);

#define KSHM_SPIN 4000    /* pause rounds before sleeping (a few µs) */
#define KSHM_CHECK_MS 250 /* sleeping worker re-checks for client death this often */

int
syscall_shm_setup_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                         struct kreq_buf *reply)
{
	struct khsc_shm_setup s;
	struct khsc_shm *r;
	proc_t p = peer->proc;
	void *m;
	int err;

	if (p == NULL)
		return EPERM;
	if (len != sizeof(s))
		return KREQ_MALFORMED;
	memcpy(&s, payload, sizeof(s));
	if (s.size != KHSC_SHM_SIZE)
		return EINVAL;
	if (p->p_shm != NULL)
		return EEXIST;
	err = khost_shm_map_peer(p->p_pid, s.fd, KHSC_SHM_SIZE, &m);
	if (err != 0)
		return err;
	r = m;
	if (r->magic != KHSC_SHM_MAGIC || r->size != KHSC_SHM_SIZE) {
		khost_shm_unmap(m, KHSC_SHM_SIZE);
		return EINVAL;
	}
	proc_lock(p);
	p->p_shm = r;
	proc_unlock(p);
	return 0;
}

void
syscall_shm_teardown(proc_t p)
{
	if (p != NULL)
		kshm_pending_free(p);
	if (p != NULL && p->p_shm != NULL) {
		void *m = p->p_shm;

		/* Cleared under p_lock before the unmap: syscall_shm_kick may be touching the ring. */
		proc_lock(p);
		p->p_shm = NULL;
		proc_unlock(p);
		khost_shm_unmap(m, KHSC_SHM_SIZE);
	}
}

void
syscall_shm_kick(proc_t p)
{
	struct khsc_shm *r;

	lck_mtx_assert(p->p_lock, LCK_MTX_ASSERT_OWNED);
	r = p->p_shm;
	if (r != NULL && __atomic_load_n(&r->kern_sleeping, __ATOMIC_SEQ_CST))
		khost_futex_wake_shared(&r->req_seq, 1);
}

static int
kshm_wait_request(proc_t p, struct khsc_shm *r, uint32_t seen, uint32_t *seq)
{
	unsigned int spin = 0;

	for (;;) {
		*seq = __atomic_load_n(&r->req_seq, __ATOMIC_ACQUIRE);
		if (*seq != seen)
			return 0;
		if (spin < KSHM_SPIN) {
			__builtin_ia32_pause();
			if (++spin % 64 == 0)
				khost_thread_yield();
			continue;
		}
		__atomic_store_n(&r->kern_sleeping, 1, __ATOMIC_SEQ_CST);
		/*
		 * The client usually exits right after its last call, while this
		 * worker spins: the hang-up watcher sets P_LEXIT and then looks at
		 * kern_sleeping (syscall_shm_kick). Both sides store, then load,
		 * sequentially consistent: one of them sees the other. A wake
		 * that lands between this check and the futex call is lost (it
		 * cannot change the client's word); KSHM_CHECK_MS bounds that.
		 */
		if ((__atomic_load_n(&p->p_flag, __ATOMIC_SEQ_CST) & P_LEXIT) == 0 &&
		    __atomic_load_n(&r->req_seq, __ATOMIC_SEQ_CST) == seen)
			khost_futex_wait_shared(&r->req_seq, seen,
			                        khost_uptime_ns() + (uint64_t)KSHM_CHECK_MS * 1000 * 1000);
		__atomic_store_n(&r->kern_sleeping, 0, __ATOMIC_RELAXED);
		if (proc_exiting(p))
			return EINTR;
		spin = KSHM_SPIN / 2; /* woken: spin a little before sleeping again */
	}
}

/* kshm_mach_trap's result when the reply waits in p_pending (not an errno). */
#define KSHM_PENDING (-1)

static void
kshm_pending_free(proc_t p)
{
	if (p->p_pending != NULL)
		kfree(p->p_pending, p->p_pending_cap);
	p->p_pending = NULL;
	p->p_pending_len = p->p_pending_cap = 0;
}

/*
 * A Mach trap from the ring. Its reply goes into the ring when it fits;
 * otherwise the kernel keeps it for KHRQ_T_PENDING_REPLY (the trap has run:
 * it must not run again over the socket).
 */
static int
kshm_mach_trap(proc_t p, struct khsc_shm *r, uint32_t len, size_t *rlen)
{
	struct kreq_buf b = {0};
	size_t dlen = 0;
	int err = mach_trap_execute(p, r->req, len, &b, (char *)r->rep, KHSC_SHM_AREA, &dlen, true);

	if (err != 0) {
		kreq_buf_free(&b);
		return err;
	}
	if (b.len == 0) {
		*rlen = dlen; /* it fitted: written in place */
		return 0;
	}
	*rlen = b.len;
	kshm_pending_free(p);
	p->p_pending = b.data; /* ownership moves: the buffer is freed when fetched or at exit */
	p->p_pending_len = b.len;
	p->p_pending_cap = b.cap;
	return KSHM_PENDING;
}

int
syscall_shm_pending_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                           struct kreq_buf *reply)
{
	proc_t p = peer->proc;
	int err;

	if (p == NULL)
		return EPERM;
	if (len != 0)
		return KREQ_MALFORMED;
	if (p->p_pending == NULL)
		return ENOENT;
	err = kreq_buf_append(reply, p->p_pending, p->p_pending_len);
	kshm_pending_free(p);
	return err;
}

int
syscall_shm_serve(const struct kreq_peer *peer)
{
	proc_t p = peer->proc;
	struct khsc_shm *r = p->p_shm;
	uint32_t seen, seq, len, status;
	int err, ret = 0;

	/*
	 * One proc_call_begin for the whole run of calls: this worker serves
	 * only this process, and the per-call bracket (two lock round trips)
	 * was a third of the kernel's time in a null call. Each call still
	 * checks that the process is not exiting.
	 */
	if (proc_call_begin(p) != 0)
		return 0;
	seen = __atomic_load_n(&r->rep_seq, __ATOMIC_ACQUIRE);
	for (;;) {
		if (kshm_wait_request(p, r, seen, &seq) != 0)
			break;
		seen = seq;
		len = __atomic_load_n(&r->req_len, __ATOMIC_RELAXED);
		if (len == KHSC_SHM_USE_SOCKET) {
			/* Acknowledge the diversion so the next serve starts after it. */
			__atomic_store_n(&r->rep_seq, seq, __ATOMIC_SEQ_CST);
			ret = 1;
			break;
		}
		if (len > KHSC_SHM_AREA) {
			printf("syscall: pid %d: shared-memory request of %u bytes; closing the connection\n",
			       p->p_pid, len);
			break;
		}
		/*
		 * Decoded in place: the decoder copies every length and count it
		 * relies on, so a client rewriting the ring mid-call only changes
		 * its own data bytes, never a bound the kernel trusts.
		 */
		size_t rlen = 0;
		uint32_t type = __atomic_load_n(&r->req_type, __ATOMIC_RELAXED);
		if (type == KHRQ_T_MACH_TRAP)
			err = kshm_mach_trap(p, r, len, &rlen);
		else if (type == KHRQ_T_IOCONNECT_CALL)
			err = iouc_call_execute(p, r->req, len, r->rep, KHSC_SHM_AREA, &rlen);
		else if (type == 0 || type == KHRQ_T_SYSCALL)
			err = syscall_execute(p, r->req, len, (char *)r->rep, KHSC_SHM_AREA, &rlen, NULL,
			                      true);
		else
			err = KREQ_MALFORMED;
		if (err == KREQ_MALFORMED) {
			printf("kern_request: client pid %d (uid %u): malformed request in shared memory; "
			       "closing the "
			       "connection\n",
			       p->p_pid, peer->uid);
			break;
		}
		status = (uint32_t)err;
		if (err == KSHM_PENDING) {
			status = KHSC_SHM_PENDING; /* rlen: the size of the reply the client fetches */
			err = 0;
		}
		r->rep_len = status == 0 || status == KHSC_SHM_PENDING ? (uint32_t)rlen : 0;
		r->rep_status = status;
		__atomic_store_n(&r->rep_seq, seq, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->client_sleeping, __ATOMIC_SEQ_CST))
			khost_futex_wake_shared(&r->rep_seq, 1);
	}
	proc_call_end(p);
	return ret;
}
