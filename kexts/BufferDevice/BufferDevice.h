/*
 * BufferDevice.h — the ioctl commands of the BufferDevice sample (/dev/bufdev),
 * shared by the kext and its user program. Each encodes its argument's size
 * and direction (<sys/ioccom.h>), so the kernel copies the int in and out.
 */
#ifndef BUFFERDEVICE_H
#define BUFFERDEVICE_H

#ifdef KERNEL
#include <sys/ioccom.h>
#else
#define BD_IOC(inout, g, n, len) ((unsigned int)((inout) | (((len)&0x1fff) << 16) | ((g) << 8) | (n)))
#define _IOR(g, n, t) BD_IOC(0x40000000u, (g), (n), sizeof(t))
#define _IOW(g, n, t) BD_IOC(0x80000000u, (g), (n), sizeof(t))
#define _IO(g, n) BD_IOC(0x20000000u, (g), (n), 0)
#endif

#define BUFDEV_NAME "bufdev"
#define BUFDEV_MAX (64 * 1024) /* largest buffer size */

#define BUFDEV_GETSIZE _IOR('b', 1, int) /* buffer size (capacity) */
#define BUFDEV_SETSIZE _IOW('b', 2, int) /* new capacity, 1..BUFDEV_MAX, not below what is stored */
#define BUFDEV_CLEAR _IO('b', 3)         /* drop what is stored */
#define BUFDEV_GETLEN _IOR('b', 4, int)  /* bytes stored */

#endif
