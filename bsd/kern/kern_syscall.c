/*
 * kern_syscall.c — the BSD system call dispatcher: the one table indexed by
 * Darwin syscall numbers, built at boot from every SYSCALL_REGISTER entry
 * (the "kh_sysent" link section), the decoder of KHRQ_T_SYSCALL messages,
 * the handler that runs a call for a client process and packs the carried-
 * out data into the reply, and the identity calls (getpid, getuid, ...).
 *
 * Message rules (<kexthost/syscall.h>) are checked by khsc_decode before
 * anything else reads the payload; a malformed message ends the client's
 * connection (KREQ_MALFORMED), a well-formed call of an unknown number
 * answers ENOSYS in the reply.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kdebug.h>
#include <kern/kalloc.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"
#include "bsd/kern/kern_request.h"

extern const struct sysent_reg __start_kh_sysent[] __attribute__((weak));
extern const struct sysent_reg __stop_kh_sysent[] __attribute__((weak));

static const struct sysent_reg *sysent[KH_SYS_MAXSYSCALL];
static int sysent_built;

int
syscall_init(void)
{
	const struct sysent_reg *r;
	int err = 0;

	if (sysent_built)
		return 0;
	for (r = __start_kh_sysent; r != NULL && r < __stop_kh_sysent; r++) {
		if (r->sy_number >= KH_SYS_MAXSYSCALL || r->sy_narg > KHSC_MAXARGS || r->sy_call == NULL) {
			printf("syscall: bad table entry %s (number %u)\n", r->sy_name, r->sy_number);
			err = EINVAL;
			continue;
		}
		if (sysent[r->sy_number] != NULL) {
			printf("syscall: %s and %s both claim number %u\n", sysent[r->sy_number]->sy_name,
			       r->sy_name, r->sy_number);
			err = EEXIST;
			continue;
		}
		sysent[r->sy_number] = r;
	}
	sysent_built = 1;
	return err;
}

const char *
syscall_name(uint32_t number)
{
	return number < KH_SYS_MAXSYSCALL && sysent[number] != NULL ? sysent[number]->sy_name : "";
}

int
syscall_dispatch(proc_t p, uint32_t number, const uint64_t *args, unsigned int nargs, user_ssize_t *retval)
{
	uint64_t slots[KHSC_MAXARGS] = {0};
	const struct sysent_reg *r;
	int err;

	*retval = 0;
	if (number >= KH_SYS_MAXSYSCALL || (r = sysent[number]) == NULL)
		return ENOSYS;
	if (nargs > KHSC_MAXARGS)
		return EINVAL;
	/* Missing arguments read as 0, as unused registers would. */
	for (unsigned int i = 0; i < nargs; i++)
		slots[i] = args[i];
	KERNEL_DEBUG_CONSTANT_IST(KDEBUG_TRACE, BSDDBG_CODE(DBG_BSD_EXCP_SC, number) | DBG_FUNC_START,
	                          slots[0], slots[1], slots[2], slots[3], 0);
	err = r->sy_call(p, slots, retval);
	KERNEL_DEBUG_CONSTANT_IST(KDEBUG_TRACE, BSDDBG_CODE(DBG_BSD_EXCP_SC, number) | DBG_FUNC_END, err,
	                          *retval, 0, proc_pid(p), 0);
	return err;
}

/* ---- the message ---------------------------------------------------------- */

int
khsc_decode(const void *payload, size_t len, struct khsc_decoded *d, const char **why)
{
	const char *base = payload;
	size_t off, in_total = 0;

	memset(d, 0, sizeof(*d));
	*why = NULL;
	if (payload == NULL || len < KHSC_REQUEST_SIZE) {
		*why = "syscall message shorter than its request header";
		return EBADMSG;
	}
	memcpy(&d->req, base, KHSC_REQUEST_SIZE);
	if (d->req.nargs > KHSC_MAXARGS) {
		*why = "syscall message with too many arguments";
		return EBADMSG;
	}
	if (d->req.nregions > KHSC_MAXREGIONS) {
		*why = "syscall message with too many regions";
		return EBADMSG;
	}
	off = KHSC_REQUEST_SIZE;
	if (len - off < (size_t)d->req.nregions * KHSC_REGION_SIZE) {
		*why = "syscall message truncated in its region list";
		return EBADMSG;
	}
	for (unsigned int i = 0; i < d->req.nregions; i++, off += KHSC_REGION_SIZE) {
		struct khsc_region *r = &d->region[i];
		memcpy(r, base + off, KHSC_REGION_SIZE);
		if (r->flags == 0 || (r->flags & ~(uint32_t)(KHSC_R_IN | KHSC_R_OUT)) != 0) {
			*why = "syscall region with bad flags";
			return EBADMSG;
		}
		if (r->len > KHSC_MAX_REGION) {
			*why = "syscall region longer than the maximum";
			return EBADMSG;
		}
		if (r->uaddr + r->len < r->uaddr) {
			*why = "syscall region wraps around the address space";
			return EBADMSG;
		}
		if (r->flags & KHSC_R_IN)
			in_total += r->len;
	}
	d->regions = d->region;
	if (len - off != in_total) {
		*why = "syscall message's carried bytes do not match its regions";
		return EBADMSG;
	}
	for (unsigned int i = 0; i < d->req.nregions; i++) {
		if (d->region[i].flags & KHSC_R_IN) {
			d->in[i] = base + off;
			off += d->region[i].len;
		}
	}
	return 0;
}

static __thread struct khsc_call *khsc_current;

void
khsc_call_set(struct khsc_call *c)
{
	khsc_current = c;
}

struct khsc_call *
khsc_call_get(void)
{
	return khsc_current;
}

/* Bytes of the reply: header, one khsc_out per written OUT region, the written bytes. */
static size_t
khsc_reply_size(const struct khsc_call *c)
{
	size_t n = KHSC_REPLY_SIZE;

	for (unsigned int i = 0; i < c->d->req.nregions; i++) {
		if (c->buf[i] != NULL && c->hi[i] > c->lo[i])
			n += KHSC_OUT_SIZE + (c->hi[i] - c->lo[i]);
	}
	return n;
}

/* Write the reply (khsc_reply_size bytes) at dst, the bytes back to back after the records. */
static void
khsc_reply_write(const struct khsc_call *c, int error, user_ssize_t retval, char *dst)
{
	struct khsc_reply rh = {.error = error, .retval = {retval, 0}};
	struct khsc_out o;
	size_t off = KHSC_REPLY_SIZE, data;

	for (unsigned int i = 0; i < c->d->req.nregions; i++) {
		if (c->buf[i] != NULL && c->hi[i] > c->lo[i])
			rh.nout++;
	}
	memcpy(dst, &rh, sizeof(rh));
	data = off + (size_t)rh.nout * KHSC_OUT_SIZE;
	for (unsigned int i = 0; i < c->d->req.nregions; i++) {
		if (c->buf[i] == NULL || c->hi[i] <= c->lo[i])
			continue;
		o = (struct khsc_out){
		        .region = i, .off = c->lo[i], .len = c->hi[i] - c->lo[i], .data_off = (uint32_t)data};
		memcpy(dst + off, &o, sizeof(o));
		off += sizeof(o);
		memcpy(dst + data, c->buf[i] + c->lo[i], o.len);
		data += o.len;
	}
}

/*
 * The ring's layout: each OUT region's buffer is a slice of the reply area
 * itself (after room for every region's record), so what copyout writes is
 * already where the reply needs it. Returns false when the regions don't
 * fit (the call then uses kernel buffers and khsc_reply_write).
 */
static bool
khsc_inplace_layout(struct khsc_call *c, const struct khsc_decoded *d, char *dst, size_t cap)
{
	size_t data = KHSC_REPLY_SIZE, nout = 0;

	for (unsigned int i = 0; i < d->req.nregions; i++) {
		if ((d->region[i].flags & KHSC_R_OUT) && d->region[i].len != 0)
			nout++;
	}
	data += nout * KHSC_OUT_SIZE;
	for (unsigned int i = 0; i < d->req.nregions; i++) {
		if (!(d->region[i].flags & KHSC_R_OUT) || d->region[i].len == 0)
			continue;
		if (d->region[i].len > cap || data > cap - d->region[i].len)
			return false;
		c->buf[i] = dst + data;
		data += d->region[i].len;
	}
	return true;
}

/* The reply of an in-place call: header and records; the bytes are already in place. Its length. */
static size_t
khsc_inplace_finish(const struct khsc_call *c, int error, user_ssize_t retval, char *dst)
{
	struct khsc_reply rh = {.error = error, .retval = {retval, 0}};
	size_t off = KHSC_REPLY_SIZE, end = KHSC_REPLY_SIZE;

	for (unsigned int i = 0; i < c->d->req.nregions; i++) {
		struct khsc_out o;
		if (c->buf[i] == NULL || c->hi[i] <= c->lo[i])
			continue;
		o = (struct khsc_out){.region = i,
		                      .off = c->lo[i],
		                      .len = c->hi[i] - c->lo[i],
		                      .data_off = (uint32_t)(c->buf[i] + c->lo[i] - dst)};
		memcpy(dst + off, &o, sizeof(o));
		off += sizeof(o);
		rh.nout++;
		if (o.data_off + o.len > end)
			end = o.data_off + o.len;
	}
	memcpy(dst, &rh, sizeof(rh));
	return end;
}

/* OUT buffers of small regions come from the stack: most calls then allocate nothing. */
#define KHSC_SMALL_OUT 256

int
syscall_execute(proc_t p, const void *payload, size_t len, char *dst, size_t cap, size_t *dlen,
                struct kreq_buf *reply, bool in_call)
{
	struct khsc_decoded d;
	struct khsc_call c;
	char small[KHSC_MAXREGIONS][KHSC_SMALL_OUT];
	user_ssize_t retval = 0;
	const char *why;
	size_t n;
	bool inplace = false;
	int err, error;

	err = khsc_decode(payload, len, &d, &why);
	if (err != 0) {
		printf("syscall: pid %d: %s\n", p->p_pid, why);
		return KREQ_MALFORMED;
	}
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.d = &d;
	inplace = dst != NULL && khsc_inplace_layout(&c, &d, dst, cap);
	for (unsigned int i = 0; i < d.req.nregions; i++) {
		if (!(d.region[i].flags & KHSC_R_OUT) || d.region[i].len == 0)
			continue;
		if (!inplace)
			c.buf[i] = d.region[i].len <= KHSC_SMALL_OUT ? small[i] : kalloc(d.region[i].len);
		if (c.buf[i] == NULL) {
			err = ENOMEM;
			goto out;
		}
		/* IN|OUT: the kernel's copy starts as the caller's bytes (the request area, never the reply's). */
		if (d.in[i] != NULL)
			memcpy(c.buf[i], d.in[i], d.region[i].len);
	}
	/* The ring's worker brackets its whole run of calls once (syscall_shm_serve). */
	err = in_call ? (proc_exiting(p) ? EINTR : 0) : proc_call_begin(p);
	if (err != 0) {
		error = err;
	} else {
		khsc_call_set(&c);
		error = syscall_dispatch(p, d.req.number, d.req.args, d.req.nargs, &retval);
		khsc_call_set(NULL);
		if (!in_call)
			proc_call_end(p);
	}
	if (error != 0)
		retval = 0;
	if (inplace) {
		*dlen = khsc_inplace_finish(&c, error, retval, dst);
		err = 0;
		goto out;
	}
	n = khsc_reply_size(&c);
	if (dst != NULL) {
		if (n > cap) {
			err = EMSGSIZE;
			goto out;
		}
		khsc_reply_write(&c, error, retval, dst);
		*dlen = n;
	} else {
		char *tmp = kalloc(n);
		if (tmp == NULL) {
			err = ENOMEM;
			goto out;
		}
		khsc_reply_write(&c, error, retval, tmp);
		err = kreq_buf_append(reply, tmp, n);
		kfree(tmp, n);
	}
out:
	for (unsigned int i = 0; i < d.req.nregions && !inplace; i++) {
		if (c.buf[i] != NULL && c.buf[i] != small[i])
			kfree(c.buf[i], d.region[i].len);
	}
	return err;
}

int
syscall_request_handle(const struct kreq_peer *peer, const void *payload, size_t len, struct kreq_buf *reply)
{
	if (peer->proc == NULL)
		return EPERM; /* only connected processes make system calls */
	return syscall_execute(peer->proc, payload, len, NULL, 0, NULL, reply, false);
}

/* ---- identity calls ------------------------------------------------------- */

struct nosys_args {
	SYSARG(int, unused);
};

static int
sys_getpid(proc_t p, struct nosys_args *uap, user_ssize_t *retval)
{
	*retval = p->p_pid;
	return 0;
}
SYSCALL_REGISTER(KH_SYS_getpid, sys_getpid, 0, 0);

static int
sys_getppid(proc_t p, struct nosys_args *uap, user_ssize_t *retval)
{
	*retval = p->p_ppid;
	return 0;
}
SYSCALL_REGISTER(KH_SYS_getppid, sys_getppid, 0, 0);

static int
sys_getuid(proc_t p, struct nosys_args *uap, user_ssize_t *retval)
{
	*retval = kauth_cred_getruid(p->p_ucred);
	return 0;
}
SYSCALL_REGISTER(KH_SYS_getuid, sys_getuid, 0, 0);

static int
sys_geteuid(proc_t p, struct nosys_args *uap, user_ssize_t *retval)
{
	*retval = kauth_cred_getuid(p->p_ucred);
	return 0;
}
SYSCALL_REGISTER(KH_SYS_geteuid, sys_geteuid, 0, 0);

static int
sys_getgid(proc_t p, struct nosys_args *uap, user_ssize_t *retval)
{
	*retval = kauth_cred_getrgid(p->p_ucred);
	return 0;
}
SYSCALL_REGISTER(KH_SYS_getgid, sys_getgid, 0, 0);

static int
sys_getegid(proc_t p, struct nosys_args *uap, user_ssize_t *retval)
{
	*retval = kauth_cred_getgid(p->p_ucred);
	return 0;
}
SYSCALL_REGISTER(KH_SYS_getegid, sys_getegid, 0, 0);

struct kill_args {
	SYSARG(int, pid);
	SYSARG(int, signum);
	SYSARG(int, posix);
};

/* kill(2) between clients: only to a process of the same uid, or by root. */
static int
sys_kill(proc_t p, struct kill_args *uap, user_ssize_t *retval)
{
	proc_t t;
	int err;

	if (uap->pid <= 0)
		return EPERM; /* process groups and "everyone" are not kernel business here */
	t = proc_find(uap->pid);
	if (t == NULL)
		return ESRCH;
	if (!kauth_cred_issuser(p->p_ucred) &&
	    kauth_cred_getruid(p->p_ucred) != kauth_cred_getruid(t->p_ucred))
		err = EPERM;
	else
		err = proc_signal(uap->pid, uap->signum);
	proc_rele(t);
	return err;
}
SYSCALL_REGISTER(KH_SYS_kill, sys_kill, 3, 0);
