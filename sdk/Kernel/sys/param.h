/*
 * sys/param.h — system parameters, sleep priorities and flags (PCATCH, PDROP).
 */
#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#include <sys/types.h>
#include <sys/errno.h>
#include <limits.h>

#define BSD 199506
#define BSD4_3 1
#define BSD4_4 1
#define NBBY 8
#define MAXPATHLEN PATH_MAX
#define MAXCOMLEN 16
#define MAXHOSTNAMELEN 256
#define NOGROUP 65535
#define NGROUPS 16

/* Sleep priorities: values up to PZERO are uninterruptible. */
#define PSWP 0
#define PVM 4
#define PINOD 8
#define PRIBIO 16
#define PVFS 20
#define PZERO 22
#define PSOCK 24
#define PWAIT 32
#define PLOCK 36
#define PPAUSE 40
#define PUSER 50
#define MAXPRI 127
#define PRIMASK 0x0ff
#define PCATCH 0x100 /* a signal interrupts the sleep */
#define PTTYBLOCK 0x200
#define PDROP 0x400 /* do not re-take the mutex after sleeping */
#define PSPIN 0x800 /* re-take the mutex as a spin mutex */

#define howmany(x, y) ((((x) % (y)) == 0) ? ((x) / (y)) : (((x) / (y)) + 1))
#define roundup(x, y) ((((x) % (y)) == 0) ? (x) : ((x) + ((y) - ((x) % (y)))))
#define powerof2(x) ((((x)-1) & (x)) == 0)
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#define setbit(a, i) (((char *)(a))[(i) / NBBY] |= 1 << ((i) % NBBY))
#define clrbit(a, i) (((char *)(a))[(i) / NBBY] &= ~(1 << ((i) % NBBY)))
#define isset(a, i) (((char *)(a))[(i) / NBBY] & (1 << ((i) % NBBY)))
#define isclr(a, i) ((((char *)(a))[(i) / NBBY] & (1 << ((i) % NBBY))) == 0)

#endif /* _SYS_PARAM_H_ */
