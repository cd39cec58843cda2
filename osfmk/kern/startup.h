/*
 * startup.h — the kernel's boot and shutdown sequence: the init and
 * self-check entry point every subsystem provides, in boot order.
 * kernel_bootstrap() (startup.c) calls them; nothing else should.
 */
#ifndef _KERN_STARTUP_H_
#define _KERN_STARTUP_H_

#include <sys/cdefs.h>

/* pexpert: parse the boot-args string once (pexpert/gen/bootargs.c). */
void PE_init_bootargs(const char *args);
/* bsd/kern/subr_log.c: message buffer; file-backed under root/var/log when root != NULL. */
int log_init(const char *root);
void log_shutdown(void);
/* osfmk/kern/zalloc.c, kalloc.c */
void zone_bootstrap(void);
void kalloc_init(void);
/* osfmk/kern/locks.c */
void lck_mod_init(void);
/* osfmk/kern/thread.c: adopts the boot thread, wait queues */
void thread_bootstrap(void);
/* osfmk/kern/clock.c: boot time, timebase */
void clock_init(void);
/* libkern/random.c */
void random_init(void);
/* osfmk/kern/thread_call.c */
void thread_call_initialize(void);
void thread_call_shutdown(void);
/* libkern/c: registers the libkern classes */
void libkern_init(void);
/*
 * Then, declared in their own private headers: kxld_init() (libkern/kxld/kxld.h,
 * the kext region), OSKext_init(root) / OSKext_rescan() / OSKext_shutdown()
 * (libkern/kext/OSKext.h), kern_request_init(root) / kern_request_shutdown()
 * (bsd/kern/kern_request.h, the request channel).
 */

/* Self-checks run at boot (0 = pass; otherwise printf why and return non-zero). */
int zalloc_selfcheck(void);
int libkern_string_selfcheck(void);
int lck_selfcheck(void);
int sched_selfcheck(void);
int thread_call_selfcheck(void);
int libkern_selfcheck(void);

/* Set once boot has completed; cleared at shutdown. */
extern int kernel_ready;

#endif /* _KERN_STARTUP_H_ */
