/*
 * Buggy.h — the bugs of the Buggy sample kext (/dev/buggy), shared by the
 * kext and buggy-trigger. One line per bug: its number (the ioctl is
 * BUGGY_IOC(number)), its name (the kext's function is buggy_<name>, the
 * trigger's argument is <name>) and what it does.
 */
#ifndef BUGGY_H
#define BUGGY_H

#ifdef KERNEL
#include <sys/ioccom.h>
#else
#define _IO(g, n) ((unsigned int)(0x20000000u | ((g) << 8) | (n)))
#endif

#define BUGGY_NAME "buggy"
#define BUGGY_IOC(n) _IO('B', (n))

#define BUGGY_BUGS(X)                                                                \
	X(1, null, "dereference a NULL pointer")                                     \
	X(2, recurse, "recurse until the kernel stack overflows")                    \
	X(3, bigstack, "put a 64 KiB buffer on the 16 KiB kernel stack")             \
	X(4, divzero, "divide by zero")                                              \
	X(5, assert, "fail an assertion")                                            \
	X(6, panic, "call panic()")                                                  \
	X(7, ud2, "execute an invalid instruction")                                  \
	X(8, lockorder, "take two locks in both orders (boot-arg lockorder=1 or 2)") \
	X(9, doublefree, "free a buffer twice (boot-arg -zp)")                       \
	X(10, lockcycle, "take three locks in a cycle (boot-arg lockorder=1 or 2)")

#endif
