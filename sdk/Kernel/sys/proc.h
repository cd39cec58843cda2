/*
 * sys/proc.h — the process KPI. In kexthost a process is a connected client
 * (a real Linux process talking to the hosted kernel); pid 0 is the kernel.
 * struct proc is private; kexts use these accessors.
 */
#ifndef _SYS_PROC_H_
#define _SYS_PROC_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>

#define MAXCOMLEN 16 /* longest command name kept */

__BEGIN_DECLS
/* The process whose call this thread serves (the kernel's own, pid 0, otherwise). */
proc_t current_proc(void);
proc_t proc_self(void);
int proc_selfpid(void);
int proc_selfppid(void);
void proc_selfname(char *buf, int size);
/* Look a process up by pid; a reference the caller drops with proc_rele. NULL when none. */
proc_t proc_find(int pid);
int proc_rele(proc_t p);
int proc_pid(proc_t p);
int proc_ppid(proc_t p);
void proc_name(int pid, char *buf, int size);
/* Whether the process is exiting (its client went away). */
int proc_exiting(proc_t p);
int proc_is64bit(proc_t p);
int proc_suser(proc_t p);
kauth_cred_t proc_ucred(proc_t p);
/* Send a signal to a client process (only clients: never the kernel or unrelated host processes). */
int proc_signal(int pid, int signum);
int proc_issignal(int pid, sigset_t mask);

/* The context a call runs in: its process and credential (Darwin declares these in sys/vnode.h). */
vfs_context_t vfs_context_current(void);
proc_t vfs_context_proc(vfs_context_t ctx);
kauth_cred_t vfs_context_ucred(vfs_context_t ctx);
int vfs_context_pid(vfs_context_t ctx);
int vfs_context_issuser(vfs_context_t ctx);
__END_DECLS

#endif /* _SYS_PROC_H_ */
