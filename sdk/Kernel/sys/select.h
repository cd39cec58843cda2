/*
 * sys/select.h — what a driver needs for select(2)/poll(2): a struct selinfo
 * in its state, selrecord() from d_select when not ready, selwakeup() when it
 * becomes ready, selthreadclear() before the selinfo's memory goes away.
 * The layout is kexthost's; only its size is part of the KPI.
 */
#ifndef _SYS_SELECT_H_
#define _SYS_SELECT_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>

struct selinfo {
	uint64_t si_gen;   /* selwakeup() calls */
	uint32_t si_flags; /* SI_RECORD: somebody waits */
	uint32_t si_pad;
	void *si_reserved[4];
};

#define SI_RECORD 0x0001

__BEGIN_DECLS
void selrecord(proc_t selector, struct selinfo *sip, void *wql);
void selwakeup(struct selinfo *sip);
void selthreadclear(struct selinfo *sip);
__END_DECLS

#endif /* _SYS_SELECT_H_ */
