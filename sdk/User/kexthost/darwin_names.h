/*
 * kexthost/darwin_names.h — Darwin names for the kexthost system calls, for
 * porting Darwin user tools: include it after the system headers and calls
 * such as open(), read() and ioctl() go to the hosted kernel instead of
 * Linux. Do not include it in code that also needs the Linux calls.
 */
#ifndef _KEXTHOST_DARWIN_NAMES_H_
#define _KEXTHOST_DARWIN_NAMES_H_

#include <kexthost/kh_syscall.h>

#define getpid kh_getpid
#define getppid kh_getppid
#define getuid kh_getuid
#define geteuid kh_geteuid
#define getgid kh_getgid
#define getegid kh_getegid
#define open kh_open
#define close kh_close
#define read kh_read
#define write kh_write
#define pread kh_pread
#define pwrite kh_pwrite
#define lseek kh_lseek
#define ioctl kh_ioctl

#endif /* _KEXTHOST_DARWIN_NAMES_H_ */
