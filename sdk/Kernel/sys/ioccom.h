/*
 * sys/ioccom.h — how an ioctl command encodes its argument: direction bits
 * (IOC_VOID, IOC_OUT, IOC_IN), the argument's size (IOCPARM_LEN, at most
 * IOCPARM_MAX), a group letter and a number. The kernel copies IOCPARM_LEN
 * bytes in before the driver's d_ioctl (IOC_IN) and out after it (IOC_OUT),
 * so the driver always sees a kernel pointer. Values are BSD's.
 */
#ifndef _SYS_IOCCOM_H_
#define _SYS_IOCCOM_H_

#include <sys/types.h>

#define IOCPARM_MASK 0x1fff /* parameter length, at most 13 bits */
#define IOCPARM_LEN(x) (((x) >> 16) & IOCPARM_MASK)
#define IOCBASECMD(x) ((x) & ~(IOCPARM_MASK << 16))
#define IOCGROUP(x) (((x) >> 8) & 0xff)

#define IOCPARM_MAX (IOCPARM_MASK + 1)  /* largest argument */
#define IOC_VOID (__uint32_t)0x20000000 /* no parameters */
#define IOC_OUT (__uint32_t)0x40000000  /* copy the parameter out */
#define IOC_IN (__uint32_t)0x80000000   /* copy the parameter in */
#define IOC_INOUT (IOC_IN | IOC_OUT)
#define IOC_DIRMASK (__uint32_t)0xe0000000

#define _IOC(inout, group, num, len) \
	((__uint32_t)((inout) | (((len)&IOCPARM_MASK) << 16) | ((group) << 8) | (num)))
#define _IO(g, n) _IOC(IOC_VOID, (g), (n), 0)
#define _IOR(g, n, t) _IOC(IOC_OUT, (g), (n), sizeof(t))
#define _IOW(g, n, t) _IOC(IOC_IN, (g), (n), sizeof(t))
#define _IOWR(g, n, t) _IOC(IOC_INOUT, (g), (n), sizeof(t))

#endif /* _SYS_IOCCOM_H_ */
