/*
 * kern_proc.c — processes: one struct proc per client connection, the
 * kernel's own kernproc, the calling thread's current process, the proc
 * KPIs (proc_find, proc_name, proc_signal, ...) and vfs contexts.
 *
 * Lifetime: proc_attach makes a process holding one reference for its
 * connection; proc_find adds one, proc_rele drops it. proc_exit (the
 * connection ended) takes it off the list, closes every descriptor and drops
 * the connection's reference; the memory goes with the last reference.
 *
 * Death while a call is blocked: a hang-up watcher thread waits on an epoll
 * set of every client connection (EPOLLRDHUP). When a client goes away while
 * its call sleeps, the watcher marks the process exiting and interrupts the
 * serving threads, so PCATCH sleeps end with EINTR and the worker can clean
 * up.
 *
 * Locking: proc_list_mtx protects the list and every p_refcount; p_lock
 * protects p_flag, p_inflight/p_threads and the descriptor table.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include <kern/sched_prim.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/file_internal.h"
#include "osfmk/kern/watchdog.h"
#include "bsd/kern/kern_request.h"

static struct proc proc0 = {
        .p_pid = 0, .p_flag = P_LSYSTEM, .p_refcount = 1, .p_comm = "kernel_task", .p_conn = -1};
struct proc *const kernproc = &proc0;

static struct {
	lck_grp_t *grp;
	lck_mtx_t *mtx;
	struct proc *head;
	unsigned int count;
	int hupfd;       /* the hang-up watcher's epoll set, -1 when none */
	int hup_running; /* watcher thread alive */
	int hup_stop;
} procs = {.hupfd = -1};

static __thread proc_t proc_current;

/* ---- current process ------------------------------------------------------ */

proc_t
current_proc(void)
{
	proc_t p = proc_current;
	return p != NULL ? p : kernproc;
}

proc_t
proc_set_current(proc_t p)
{
	proc_t old = proc_current;
	proc_current = p;
	return old;
}

proc_t
proc_self(void)
{
	proc_t p = current_proc();
	if (p != kernproc) {
		lck_mtx_lock(procs.mtx);
		p->p_refcount++;
		lck_mtx_unlock(procs.mtx);
	}
	return p;
}

/* ---- life cycle ----------------------------------------------------------- */

static void
proc_free(proc_t p)
{
	kauth_cred_unref(&p->p_ucred);
	if (p->p_fd.fd_ofiles != NULL) {
		kfree(p->p_fd.fd_ofiles, sizeof(struct fileproc *) * (size_t)p->p_fd.fd_nfiles);
		kfree(p->p_fd.fd_ofileflags, (size_t)p->p_fd.fd_nfiles);
	}
	lck_mtx_free(p->p_lock, procs.grp);
	kfree(p, sizeof(*p));
}

int
proc_rele(proc_t p)
{
	int last;

	if (p == NULL || p == kernproc)
		return 0;
	lck_mtx_lock(procs.mtx);
	if (p->p_refcount == 0)
		panic("proc_rele: over-release of proc %p (pid %d)", p, p->p_pid);
	last = --p->p_refcount == 0;
	lck_mtx_unlock(procs.mtx);
	if (last)
		proc_free(p);
	return 0;
}

proc_t
proc_ref(proc_t p, int locked)
{
	proc_t r = p;

	if (p == NULL || p == kernproc)
		return p;
	if (!locked)
		lck_mtx_lock(procs.mtx);
	if (__atomic_load_n(&p->p_flag, __ATOMIC_ACQUIRE) & P_LEXIT)
		r = NULL; /* exiting: no new references (as proc_find) */
	else
		p->p_refcount++;
	if (!locked)
		lck_mtx_unlock(procs.mtx);
	return r;
}

int
proc_attach(pid_t pid, uid_t uid, gid_t gid, int conn, proc_t *out)
{
	proc_t p;
	int ppid = 0;

	*out = NULL;
	if (procs.mtx == NULL)
		return ENXIO;
	p = kalloc(sizeof(*p));
	if (p == NULL)
		return ENOMEM;
	memset(p, 0, sizeof(*p));
	p->p_pid = pid;
	p->p_conn = conn;
	p->p_refcount = 1;
	p->p_fd.fd_lastfile = -1;
	p->p_ucred = kauth_cred_create_ids(uid, gid);
	p->p_lock = lck_mtx_alloc_init(procs.grp, NULL);
	if (p->p_ucred == NULL || p->p_lock == NULL) {
		if (p->p_lock != NULL)
			lck_mtx_free(p->p_lock, procs.grp);
		kauth_cred_unref(&p->p_ucred);
		kfree(p, sizeof(*p));
		return ENOMEM;
	}
	if (khost_proc_comm(pid, p->p_comm, sizeof(p->p_comm)) != 0)
		strlcpy(p->p_comm, "?", sizeof(p->p_comm));
	if (khost_proc_ppid(pid, &ppid) == 0)
		p->p_ppid = ppid;
	p->p_task.t_token = (uint64_t)(uintptr_t)p;
	if (task_create_for_proc(p) != 0) {
		lck_mtx_free(p->p_lock, procs.grp);
		kauth_cred_unref(&p->p_ucred);
		kfree(p, sizeof(*p));
		return ENOMEM;
	}

	lck_mtx_lock(procs.mtx);
	p->p_next = procs.head;
	procs.head = p;
	procs.count++;
	lck_mtx_unlock(procs.mtx);
	if (procs.hupfd >= 0 && conn >= 0)
		(void)khost_hupwatch_add(procs.hupfd, conn, (uint64_t)(uintptr_t)p);
	*out = p;
	return 0;
}

void
proc_mark_exiting(proc_t p)
{
	proc_lock(p);
	/* Atomic: proc_exiting and proc_find/proc_ref read the flag without p_lock; sequentially
	 * consistent, as kshm_wait_request reads it after announcing its sleep. */
	__atomic_or_fetch(&p->p_flag, P_LEXIT, __ATOMIC_SEQ_CST);
	for (int i = 0; i < PROC_MAXINFLIGHT; i++) {
		if (p->p_threads[i] != NULL)
			thread_interrupt((thread_t)p->p_threads[i]);
	}
	syscall_shm_kick(p); /* its worker may be asleep on the ring, not in a kernel sleep */
	proc_unlock(p);
}

void
proc_exit(proc_t p)
{
	struct proc **pp;

	if (p == NULL || p == kernproc)
		return;
	if (procs.hupfd >= 0 && p->p_conn >= 0)
		(void)khost_hupwatch_del(procs.hupfd, p->p_conn);
	proc_mark_exiting(p);
	lck_mtx_lock(procs.mtx);
	for (pp = &procs.head; *pp != NULL; pp = &(*pp)->p_next) {
		if (*pp == p) {
			*pp = p->p_next;
			procs.count--;
			break;
		}
	}
	lck_mtx_unlock(procs.mtx);
	/* Every descriptor: the kinds' fo_close (d_close, control socket disconnect) run here. */
	fdfree(p);
	/* Then its ports: the kernel objects behind its handles learn they have no senders. */
	task_destroy_for_proc(p);
	proc_rele(p);
}

int
proc_call_begin(proc_t p)
{
	int slot = -1;

	proc_lock(p);
	if (p->p_flag & P_LEXIT) {
		proc_unlock(p);
		return EINTR;
	}
	for (int i = 0; i < PROC_MAXINFLIGHT; i++) {
		if (p->p_threads[i] == NULL) {
			slot = i;
			break;
		}
	}
	if (slot < 0) {
		proc_unlock(p);
		return EAGAIN;
	}
	p->p_threads[slot] = current_thread();
	p->p_inflight++;
	proc_unlock(p);
	proc_set_current(p);
	return 0;
}

void
proc_call_end(proc_t p)
{
	thread_t self = current_thread();

	proc_lock(p);
	for (int i = 0; i < PROC_MAXINFLIGHT; i++) {
		if (p->p_threads[i] == self) {
			p->p_threads[i] = NULL;
			p->p_inflight--;
			break;
		}
	}
	proc_unlock(p);
	/* An interrupt aimed at this call must not leak into the next client's call on this thread. */
	(void)thread_interrupt_clear();
	proc_set_current(NULL);
}

unsigned int
proc_count(void)
{
	return procs.count;
}

/* ---- hang-up watcher ------------------------------------------------------ */

static void
proc_hup_thread(void *arg, wait_result_t wr)
{
	uint64_t cookies[16];
	int n;

	watchdog_idle_wait(1);
	while (!__atomic_load_n(&procs.hup_stop, __ATOMIC_ACQUIRE)) {
		if (khost_hupwatch_wait(procs.hupfd, cookies, 16, 100, &n) != 0)
			break;
		for (int i = 0; i < n; i++) {
			proc_t p, hit = NULL;
			/* The cookie is a pointer that may be stale: use it only if still listed. */
			lck_mtx_lock(procs.mtx);
			for (p = procs.head; p != NULL; p = p->p_next) {
				if ((uint64_t)(uintptr_t)p == cookies[i]) {
					hit = p;
					p->p_refcount++;
					break;
				}
			}
			lck_mtx_unlock(procs.mtx);
			if (hit != NULL) {
				proc_mark_exiting(hit);
				proc_rele(hit);
			}
		}
	}
	lck_mtx_lock(procs.mtx);
	procs.hup_running = 0;
	wakeup(&procs.hup_running);
	lck_mtx_unlock(procs.mtx);
}

int
proc_init(void)
{
	thread_t th;

	if (procs.mtx != NULL)
		return 0;
	procs.grp = lck_grp_alloc_init("proc", NULL);
	procs.mtx = lck_mtx_alloc_init(procs.grp, NULL);
	proc0.p_lock = lck_mtx_alloc_init(procs.grp, NULL);
	proc0.p_ucred = kauth_cred_create_ids(0, 0);
	proc0.p_pid = 0;
	if (procs.grp == NULL || procs.mtx == NULL || proc0.p_lock == NULL || proc0.p_ucred == NULL)
		return ENOMEM;
	if (khost_hupwatch_create(&procs.hupfd) != 0) {
		procs.hupfd = -1;
		return 0; /* blocked calls then end only when they wake by themselves */
	}
	procs.hup_running = 1;
	if (kernel_thread_start(proc_hup_thread, NULL, &th) != KERN_SUCCESS) {
		procs.hup_running = 0;
		khost_close(procs.hupfd);
		procs.hupfd = -1;
		return 0;
	}
	thread_set_thread_name(th, "proc.hupwatch");
	thread_deallocate(th);
	return 0;
}

void
proc_shutdown(void)
{
	if (procs.mtx == NULL || procs.hupfd < 0)
		return;
	__atomic_store_n(&procs.hup_stop, 1, __ATOMIC_RELEASE);
	lck_mtx_lock(procs.mtx);
	while (procs.hup_running) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
		msleep(&procs.hup_running, procs.mtx, 0, "proc_hup_stop", &ts);
	}
	lck_mtx_unlock(procs.mtx);
	khost_close(procs.hupfd);
	procs.hupfd = -1;
	__atomic_store_n(&procs.hup_stop, 0, __ATOMIC_RELEASE);
}

/* ---- KPIs ----------------------------------------------------------------- */

proc_t
proc_find(int pid)
{
	proc_t p;

	if (pid == 0)
		return kernproc;
	if (procs.mtx == NULL)
		return NULL;
	lck_mtx_lock(procs.mtx);
	for (p = procs.head; p != NULL; p = p->p_next) {
		if (p->p_pid == pid && !(__atomic_load_n(&p->p_flag, __ATOMIC_ACQUIRE) & P_LEXIT)) {
			p->p_refcount++;
			break;
		}
	}
	lck_mtx_unlock(procs.mtx);
	return p;
}

/* kdebug's KERN_KDREMOVE: no process stays marked for the pid filter. */
void
proc_kdebug_unmark_all(void)
{
	__atomic_store_n(&proc0.p_kdebug, 0, __ATOMIC_RELAXED);
	if (procs.mtx == NULL)
		return;
	lck_mtx_lock(procs.mtx);
	for (proc_t p = procs.head; p != NULL; p = p->p_next)
		__atomic_store_n(&p->p_kdebug, 0, __ATOMIC_RELAXED);
	lck_mtx_unlock(procs.mtx);
}

int
proc_pid(proc_t p)
{
	return p != NULL ? p->p_pid : -1;
}

int
proc_ppid(proc_t p)
{
	return p != NULL ? p->p_ppid : -1;
}

int
proc_selfpid(void)
{
	return current_proc()->p_pid;
}

int
proc_selfppid(void)
{
	return current_proc()->p_ppid;
}

void
proc_selfname(char *buf, int size)
{
	if (buf != NULL && size > 0)
		strlcpy(buf, current_proc()->p_comm, (size_t)size);
}

void
proc_name(int pid, char *buf, int size)
{
	proc_t p;

	if (buf == NULL || size <= 0)
		return;
	buf[0] = '\0';
	p = proc_find(pid);
	if (p == NULL)
		return;
	strlcpy(buf, p->p_comm, (size_t)size);
	proc_rele(p);
}

int
proc_exiting(proc_t p)
{
	return p != NULL && (__atomic_load_n(&p->p_flag, __ATOMIC_RELAXED) & P_LEXIT) != 0;
}

int
proc_is64bit(proc_t p)
{
	return 1;
}

kauth_cred_t
proc_ucred(proc_t p)
{
	return p != NULL ? p->p_ucred : NULL;
}

int
proc_suser(proc_t p)
{
	return suser(proc_ucred(p), NULL);
}

int
proc_signal(int pid, int signum)
{
	proc_t p;
	int err;

	/* Only client processes: never the kernel itself, never an unrelated host process. */
	if (pid <= 0)
		return EPERM;
	p = proc_find(pid);
	if (p == NULL)
		return ESRCH;
	err = khost_proc_signal(pid, signum);
	proc_rele(p);
	return err;
}

int
proc_issignal(int pid, sigset_t mask)
{
	/* Signals are delivered by the host to the client; the kernel sees none pending. */
	return 0;
}

/* ---- vfs contexts --------------------------------------------------------- */

static __thread struct vfs_context proc_ctx;

vfs_context_t
vfs_context_current(void)
{
	proc_ctx.vc_thread = current_thread();
	proc_ctx.vc_ucred = current_proc()->p_ucred;
	return &proc_ctx;
}

proc_t
vfs_context_proc(vfs_context_t ctx)
{
	/* The context belongs to the thread that made it; its process is that thread's current one. */
	return current_proc();
}

kauth_cred_t
vfs_context_ucred(vfs_context_t ctx)
{
	return ctx != NULL && ctx->vc_ucred != NULL ? ctx->vc_ucred : current_proc()->p_ucred;
}

int
vfs_context_pid(vfs_context_t ctx)
{
	return proc_pid(vfs_context_proc(ctx));
}

int
vfs_context_issuser(vfs_context_t ctx)
{
	return kauth_cred_issuser(vfs_context_ucred(ctx));
}
