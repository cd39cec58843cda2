/*
 * proc_internal.h — the kernel's private view of processes (kexthost).
 *
 * Every client connection of the request channel is one struct proc: the
 * client's host pid, a credential from SO_PEERCRED, a descriptor table and
 * a task record. The process exists from accept until the connection ends;
 * then every descriptor is closed (fo_close → d_close, control sockets
 * disconnect) and the struct is freed when the last reference goes.
 * kernproc (pid 0) stands for the kernel itself: kernel threads that serve
 * no client see it as current_proc().
 *
 * The thread serving a client's call sets itself as that process's current
 * thread (proc_set_current) for the duration of the call, so current_proc(),
 * kauth_cred_get(), vfs_context_current() and copyin/copyout name the caller.
 *
 * Locking: p_lock protects p_fd's table and p_flag; proc_list_lock protects
 * the list of all processes and their reference counts.
 */
#ifndef _BSD_SYS_PROC_INTERNAL_H_
#define _BSD_SYS_PROC_INTERNAL_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <sys/proc.h>
#include <sys/kauth.h>
#include <kern/locks.h>
#include <kern/thread.h>

__BEGIN_DECLS

struct fileproc;

/* A credential (immutable after creation; reference counted). */
struct ucred {
	uint32_t cr_ref;
	uid_t cr_uid;   /* effective */
	uid_t cr_ruid;  /* real */
	uid_t cr_svuid; /* saved */
	gid_t cr_rgid;
	gid_t cr_svgid;
	short cr_ngroups;
	gid_t cr_groups[16]; /* cr_groups[0] is the effective gid */
};

/* The descriptor table (fd → open file); slots reserved by falloc hold FD_RESERVED. */
#define FD_RESERVED ((struct fileproc *)1)
struct filedesc {
	struct fileproc **fd_ofiles;
	char *fd_ofileflags; /* UF_EXCLOSE ... per slot */
	int fd_nfiles;       /* slots allocated */
	int fd_lastfile;     /* highest slot in use, -1 when none */
	int fd_freefile;     /* lowest slot that may be free */
	int fd_count;        /* descriptors open or reserved */
};

/* The Mach side of a client process: its port space and its task port (IKOT_TASK, kobject = the proc). */
struct ipc_space;
struct ipc_port;
struct kh_task {
	struct ipc_space *t_space;
	struct ipc_port *t_self;
	uint64_t t_token;
	/*
	 * The connection the last compact user-client call went to
	 * (iokit/Kernel/IOUserClientCall.c): its name, the space generation it
	 * was looked up at, its port and client. No references: valid only
	 * while the generation is unchanged and the port active.
	 */
	uint32_t t_uc_name;
	uint32_t t_uc_gen;
	struct ipc_port *t_uc_port;
	void *t_uc_client;
};

/* Create / destroy p's task (bsd/kern/kern_mach_trap.c). 0 or ENOMEM. */
int task_create_for_proc(proc_t p);
/* Drop every right the process held (no-senders calls run) and its task port. */
void task_destroy_for_proc(proc_t p);

/* Context of one call: who asks (struct vfs_context is what vfs_context_t points to). */
struct vfs_context {
	void *vc_thread; /* thread_t of the serving thread */
	kauth_cred_t vc_ucred;
};

#ifndef MAXLOGNAME
#define MAXLOGNAME 255 /* login name with its NUL (Darwin's sys/param.h) */
#endif

struct proc {
	pid_t p_pid;  /* host pid of the client (0: the kernel) */
	pid_t p_ppid; /* host parent pid at connect time */
	uint32_t p_flag;
	uint32_t p_refcount; /* proc_find / proc_ref holders, + 1 while connected */
	char p_comm[MAXCOMLEN + 1];
	kauth_cred_t p_ucred;
	lck_mtx_t *p_lock;
	struct filedesc p_fd;
	struct kh_task p_task;
	int p_conn;          /* host fd of the client connection (-1: none) */
	uint32_t p_inflight; /* calls being served */
	void *p_threads[16]; /* thread_t serving each call (PROC_MAXINFLIGHT) */
	struct proc *p_next; /* all processes */
	void *p_shm;         /* the shared-memory call channel: set and cleared under p_lock */
	void *p_pending;     /* a ring call's reply too big for the ring (kalloc), until fetched */
	size_t p_pending_len, p_pending_cap;
	char p_login[MAXLOGNAME]; /* setlogin(2) name ("" until set) */
	int p_kdebug;             /* marked for kdebug's pid filter (KERN_KDPIDTR/KDPIDEX) */
};

/* p_flag bits. */
#define P_LEXIT 0x00002000 /* the client is gone; no new calls, blocked calls end with EINTR */
#define P_LSYSTEM 0x1      /* kernproc */

extern struct proc *const kernproc;

#define proc_lock(p) lck_mtx_lock((p)->p_lock)
#define proc_unlock(p) lck_mtx_unlock((p)->p_lock)

/* Limits (per process). */
#define PROC_MAXFILES 256   /* descriptors */
#define PROC_MAXINFLIGHT 16 /* outstanding calls */

/*
 * Create the process for a new client connection: pid/uid/gid from the
 * socket's peer credentials, conn the connection's host fd. The result holds
 * one reference (the connection's); proc_exit drops it. 0, ENOMEM or EEXIST.
 */
int proc_attach(pid_t pid, uid_t uid, gid_t gid, int conn, proc_t *out);
/*
 * The client is gone: mark the process exiting, wake its blocked calls, close
 * every descriptor, and drop the connection's reference.
 */
void proc_exit(proc_t p);
/* kdebug's KERN_KDREMOVE: clear every process's p_kdebug mark. */
void proc_kdebug_unmark_all(void);

/* Take / drop a reference (proc_rele is the KPI spelling of the drop). */
void proc_ref_locked_add(proc_t p);
/*
 * XNU's proc_ref: another reference on a process the caller already keeps
 * alive (a call it serves, a reference of its own); NULL once it is
 * exiting. locked: the caller holds the process-list lock (never, outside
 * kern_proc.c). Drop with proc_rele.
 */
proc_t proc_ref(proc_t p, int locked);
/* Make p the current process of the calling thread; returns the previous one (NULL: none). */
proc_t proc_set_current(proc_t p);
/*
 * Bracket one call served for p on the calling thread: sets current_proc()
 * and records the thread so that the client's death interrupts its PCATCH
 * sleeps (EINTR). begin fails with EAGAIN beyond PROC_MAXINFLIGHT calls and
 * EINTR once the process is exiting.
 */
int proc_call_begin(proc_t p);
void proc_call_end(proc_t p);
/* Mark p exiting (its client hung up) and interrupt the calls in progress. */
void proc_mark_exiting(proc_t p);
/* Number of live client processes. */
unsigned int proc_count(void);

/* Credential construction (kern_credential.c). */
kauth_cred_t kauth_cred_create_ids(uid_t uid, gid_t gid);

/*
 * A process as a task_t (XNU's proc_task / get_bsdtask_info): kernel_task for
 * kernproc, else the address of the process's p_task record. Nothing reads a
 * user task_t as a struct task; get_bsdtask_info turns it back into its proc
 * (the caller keeps the proc alive, e.g. the call in progress or a proc_ref).
 */
static inline task_t
proc_task(proc_t p)
{
	return p == NULL ? TASK_NULL : p == kernproc ? kernel_task : (task_t)(void *)&p->p_task;
}
static inline void *
get_bsdtask_info(task_t t)
{
	if (t == TASK_NULL)
		return NULL;
	if (t == kernel_task)
		return kernproc;
	return (char *)(void *)t - __builtin_offsetof(struct proc, p_task);
}

/* Boot / shutdown of the process layer (bsd/kern/kern_proc.c). */
int proc_init(void);
void proc_shutdown(void);

__END_DECLS

#endif /* _BSD_SYS_PROC_INTERNAL_H_ */
