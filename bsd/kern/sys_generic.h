/*
 * sys_generic.h — the select machinery's private side (bsd/kern/sys_generic.c),
 * for other waiters that want to sleep until some selwakeup() happens.
 */
#ifndef _BSD_KERN_SYS_GENERIC_H_
#define _BSD_KERN_SYS_GENERIC_H_

#include <sys/types.h>
#include <sys/kernel_types.h>

/* The select generation now: note it before polling, then sel_wait(gen). */
uint64_t sel_generation(void);
/*
 * Sleep until a selwakeup after gen, the deadline (host uptime ns; 0 none:
 * returns EWOULDBLOCK when it passes), a signal or the client's death (EINTR).
 * Returns at once when a selwakeup already happened since gen.
 */
int sel_wait(proc_t p, uint64_t gen, uint64_t deadline_ns);

#endif /* _BSD_KERN_SYS_GENERIC_H_ */
