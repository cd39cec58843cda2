/*
 * kexthost/kh_sysctl.h — user-side sysctl for programs talking to the hosted
 * kernel (lib/libkexthost/sysctl.c): Darwin's sysctl(3), sysctlbyname(3) and
 * sysctlnametomib(3) with a kh_ prefix so they never clash with glibc. They
 * return 0 or -1 with a Linux errno. Define KH_DARWIN_NAMES before
 * including to get the Darwin spellings as macros. The mib numbers and
 * CTLTYPE_* values are Darwin's (CTL_KERN, KERN_OSTYPE, ...).
 */
#ifndef _KEXTHOST_KH_SYSCTL_H_
#define _KEXTHOST_KH_SYSCTL_H_

#include <stddef.h>
#include <stdint.h>

#define KH_CTL_MAXNAME 12
#define KH_CTLTYPE 0xf
#define KH_CTLTYPE_NODE 1
#define KH_CTLTYPE_INT 2
#define KH_CTLTYPE_STRING 3
#define KH_CTLTYPE_QUAD 4
#define KH_CTLTYPE_OPAQUE 5
#define KH_CTLFLAG_RD 0x80000000u
#define KH_CTLFLAG_WR 0x40000000u
#define KH_CTLFLAG_ANYBODY 0x10000000u
#define KH_CTLFLAG_MASKED 0x04000000u

int kh_sysctl(const int *name, unsigned int namelen, void *oldp, size_t *oldlenp, const void *newp,
              size_t newlen);
int kh_sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen);
int kh_sysctlnametomib(const char *name, int *mibp, size_t *sizep);

#ifdef KH_DARWIN_NAMES
#define sysctl kh_sysctl
#define sysctlbyname kh_sysctlbyname
#define sysctlnametomib kh_sysctlnametomib
#endif

#endif /* _KEXTHOST_KH_SYSCTL_H_ */
